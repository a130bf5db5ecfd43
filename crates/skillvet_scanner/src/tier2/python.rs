//! Python front-end: a hand-written tokenizer (strings with all prefixes, f-strings,
//! comments, continuations, bracket-implied joins) and a tolerant parser that lowers each
//! logical line into the data-flow IR. Unknown syntax degrades to `Expr::Unknown`, never
//! to an error: hostile scripts must not be able to hide behind a parse failure.

use super::ir::*;
use super::token::*;

const OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "@=", ":=", "<<", ">>", "+", "-", "*", "/", "%", "@", "&", "|",
    "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
];

/// Deepest expression nesting the parser follows before giving up on a subtree.
const MAX_DEPTH: usize = 60;

struct Line {
    indent: usize,
    toks: Vec<Token>,
}

pub fn parse(src: &str) -> Module {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let (mut module, unparsed) = collect_unparsed(|| {
        let lines = lex_lines(src);
        let mut p = Parser {
            module: Module::new(Lang::Python),
            match_subject: None,
        };
        let mut i = 0;
        // A script whose first line is indented (a snippet) goes on after the dedent.
        let mut body = Vec::new();
        while i < lines.len() {
            let before = i;
            body.extend(p.block(&lines, &mut i, 0, false, None));
            if i == before {
                i += 1;
            }
        }
        p.module.body = body;
        p.module
    });
    module.unparsed = unparsed;
    module
}

/// Reports an unexpected token (the grammar below had no place for it).
fn unexpected(t: &Token) {
    note_unparsed(t.pos.line, t.pos.line, || {
        format!("unexpected {}", describe(&t.tok))
    });
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("name `{n}`"),
        Tok::Str(_) => "string".into(),
        Tok::Num(_) => "number".into(),
        Tok::Op(o) => format!("`{o}`"),
        Tok::Regex => "regular expression".into(),
    }
}

/// Tokenizes into logical lines (newlines inside brackets and after `\` do not end a line).
fn lex_lines(src: &str) -> Vec<Line> {
    let mut c = Cursor::new(src, 1);
    let mut lines = Vec::new();
    let mut cur: Vec<Token> = Vec::new();
    let mut indent = 0usize;
    let mut at_line_start = true;
    let mut depth = 0i32;
    // Line of each open bracket, to report one that is never closed.
    let mut open_lines: Vec<u32> = Vec::new();
    while let Some(b) = c.peek() {
        if at_line_start {
            let mut w = 0;
            while let Some(s) = c.peek() {
                match s {
                    b' ' => w += 1,
                    b'\t' => w = (w / 8 + 1) * 8,
                    b'\x0c' => {}
                    _ => break,
                }
                c.bump();
            }
            indent = w;
            at_line_start = false;
            continue;
        }
        match b {
            b'#' => {
                while let Some(x) = c.peek() {
                    if x == b'\n' {
                        break;
                    }
                    c.bump();
                }
            }
            b'\n' => {
                c.bump();
                if depth <= 0 {
                    depth = 0;
                    if !cur.is_empty() {
                        lines.push(Line {
                            indent,
                            toks: std::mem::take(&mut cur),
                        });
                    }
                    at_line_start = true;
                }
            }
            b'\\' if c.peek_at(1) == Some(b'\n') || c.rest().starts_with(b"\\\r\n") => {
                c.bump();
                if c.peek() == Some(b'\r') {
                    c.bump();
                }
                c.bump();
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => {
                c.bump();
            }
            _ => {
                let pos = c.pos();
                if let Some(tok) = lex_token(&mut c) {
                    if let Tok::Op(o) = tok {
                        match o {
                            "(" | "[" | "{" => {
                                depth += 1;
                                open_lines.push(pos.line);
                            }
                            ")" | "]" | "}" => {
                                depth -= 1;
                                if open_lines.pop().is_none() {
                                    note_unparsed(pos.line, pos.line, || {
                                        format!("unmatched closing `{o}`")
                                    });
                                }
                            }
                            _ => {}
                        }
                    }
                    cur.push(Token {
                        tok,
                        pos,
                        nl_before: false,
                    });
                }
            }
        }
    }
    if let Some(&line) = open_lines.first() {
        // Everything after the bracket became one logical line.
        note_unparsed(line, TO_END, || "bracket never closed".into());
    }
    if !cur.is_empty() {
        lines.push(Line { indent, toks: cur });
    }
    lines
}

/// Lexes one token at the cursor (not whitespace/newline/comment).
fn lex_token(c: &mut Cursor) -> Option<Tok> {
    let b = c.peek()?;
    // String prefixes: r, b, u, f, and two-letter combinations.
    if is_ident_start(b) {
        let start = c.i;
        let mut j = c.i;
        while j < c.src.len() && is_ident_char(c.src[j]) {
            j += 1;
        }
        let word = c.slice(start, j);
        if j < c.src.len()
            && (c.src[j] == b'"' || c.src[j] == b'\'')
            && word.len() <= 2
            && word.chars().all(|ch| "rRbBuUfFtT".contains(ch))
        {
            let lower = word.to_ascii_lowercase();
            while c.i < j {
                c.bump();
            }
            // t-strings (template strings) interpolate like f-strings.
            let fmt = lower.contains('f') || lower.contains('t');
            return Some(lex_string(c, lower.contains('r'), fmt));
        }
        while c.i < j {
            c.bump();
        }
        return Some(Tok::Name(word));
    }
    if b == b'"' || b == b'\'' {
        return Some(lex_string(c, false, false));
    }
    if b.is_ascii_digit() || (b == b'.' && c.peek_at(1).is_some_and(|d| d.is_ascii_digit())) {
        let start = c.i;
        while let Some(d) = c.peek() {
            let exp_sign = (d == b'+' || d == b'-')
                && c.i > start
                && matches!(c.src[c.i - 1], b'e' | b'E')
                && !c.slice(start, c.i).starts_with("0x");
            if d.is_ascii_alphanumeric() || d == b'_' || d == b'.' || exp_sign {
                c.bump();
            } else {
                break;
            }
        }
        return Some(Tok::Num(parse_int(&c.slice(start, c.i))));
    }
    if let Some(op) = match_op(c.rest(), OPS) {
        for _ in 0..op.len() {
            c.bump();
        }
        return Some(Tok::Op(op));
    }
    // Stray byte (`$`, `?`, `!`, backtick): skip it.
    let line = c.line;
    note_unparsed(line, line, || {
        format!("unexpected character {:?}", char::from(b))
    });
    c.bump();
    None
}

fn lex_string(c: &mut Cursor, raw: bool, fmt: bool) -> Tok {
    let q = c.bump().unwrap_or(b'"');
    let triple = c.peek() == Some(q) && c.peek_at(1) == Some(q);
    if triple {
        c.bump();
        c.bump();
    }
    let mut parts = Vec::new();
    let mut lit_start = c.i;
    let flush = |c: &Cursor, from: usize, to: usize, parts: &mut Vec<StrPart>| {
        if to > from {
            let s = c.slice(from, to);
            let s = if raw { s } else { unescape(&s) };
            parts.push(StrPart::Lit(s));
        }
    };
    let open_line = c.line;
    loop {
        let Some(b) = c.peek() else {
            note_unparsed(open_line, TO_END, || "string never closed".into());
            flush(c, lit_start, c.i, &mut parts);
            break;
        };
        if b == b'\\' {
            c.bump();
            if !raw && c.peek() == Some(b'N') && c.peek_at(1) == Some(b'{') {
                // `\N{NAME}`: a named character, not a replacement field.
                while c.peek().is_some_and(|x| x != b'}' && x != q && x != b'\n') {
                    c.bump();
                }
                if c.peek() == Some(b'}') {
                    c.bump();
                }
                continue;
            }
            // In an f-string `\{{` / `\}}` is a backslash and an escaped brace.
            if !(fmt && matches!(c.peek(), Some(b'{' | b'}'))) {
                c.bump();
            }
            continue;
        }
        if b == q && (!triple || (c.peek_at(1) == Some(q) && c.peek_at(2) == Some(q))) {
            flush(c, lit_start, c.i, &mut parts);
            for _ in 0..if triple { 3 } else { 1 } {
                c.bump();
            }
            break;
        }
        if b == b'\n' && !triple {
            // Unterminated single-quoted string: stop at the line end.
            note_unparsed(open_line, open_line, || {
                "string not closed on its line".into()
            });
            flush(c, lit_start, c.i, &mut parts);
            break;
        }
        if fmt && b == b'}' {
            if c.peek_at(1) == Some(b'}') {
                c.bump();
            } else {
                let line = c.line;
                note_unparsed(line, line, || "single `}` in an f-string".into());
            }
        }
        if fmt && b == b'{' {
            if c.peek_at(1) == Some(b'{') {
                flush(c, lit_start, c.i + 1, &mut parts);
                c.bump();
                c.bump();
                lit_start = c.i;
                continue;
            }
            flush(c, lit_start, c.i, &mut parts);
            c.bump();
            let pos = c.pos();
            let start = c.i;
            let mut depth = 0i32;
            let mut end = None;
            let mut closed = false;
            while let Some(x) = c.peek() {
                match x {
                    b'{' | b'(' | b'[' => depth += 1,
                    b')' | b']' => depth -= 1,
                    b'}' if depth == 0 => {
                        end.get_or_insert(c.i);
                        c.bump();
                        closed = true;
                        break;
                    }
                    b'}' => depth -= 1,
                    b'!' | b':' if depth == 0 && c.peek_at(1) != Some(b'=') => {
                        end.get_or_insert(c.i);
                    }
                    b'\'' | b'"' if end.is_none() => {
                        // A string inside the replacement field.
                        let _ = lex_string(c, false, false);
                        continue;
                    }
                    _ if x == q && !triple => break,
                    _ => {}
                }
                c.bump();
            }
            if !closed {
                note_unparsed(pos.line, pos.line, || {
                    "f-string replacement field never closed".into()
                });
            }
            let text = c.slice(start, end.unwrap_or(c.i));
            parts.push(StrPart::Expr(lex_inline(&text, pos)));
            lit_start = c.i;
            continue;
        }
        c.bump();
    }
    Tok::Str(parts)
}

/// Tokens of an expression embedded in an f-string.
fn lex_inline(text: &str, pos: Pos) -> Vec<Token> {
    let mut out = Vec::new();
    let Some(_guard) = DepthGuard::enter() else {
        return out;
    };
    let mut c = Cursor::new(text, pos.line);
    while let Some(b) = c.peek() {
        if b.is_ascii_whitespace() {
            c.bump();
            continue;
        }
        let p = c.pos();
        if let Some(tok) = lex_token(&mut c) {
            out.push(Token {
                tok,
                pos: p,
                nl_before: false,
            });
        }
    }
    out
}

struct Parser {
    module: Module,
    /// Subject of the innermost `match`, which its `case` patterns bind from.
    match_subject: Option<Expr>,
}

impl Parser {
    /// Parses lines at indentation deeper than `parent` starting at `*i`.
    fn block(
        &mut self,
        lines: &[Line],
        i: &mut usize,
        min_indent: usize,
        weak: bool,
        class: Option<&str>,
    ) -> Vec<Stmt> {
        let mut out = Vec::new();
        let Some(first) = lines.get(*i) else {
            return out;
        };
        let Some(_guard) = DepthGuard::enter() else {
            // Too deep: skip the nested lines rather than recurse further.
            let level = first.indent;
            let line = first.toks[0].pos.line;
            note_unparsed(line, line, || "blocks nested too deeply".into());
            while lines.get(*i).is_some_and(|l| l.indent >= level) {
                *i += 1;
            }
            return out;
        };
        if first.indent < min_indent {
            if min_indent > 0 {
                let line = lines[(*i).saturating_sub(1)].toks[0].pos.line;
                note_unparsed(line, line, || "expected an indented block".into());
            }
            return out;
        }
        let level = first.indent;
        while let Some(line) = lines.get(*i) {
            if line.indent < level {
                break;
            }
            *i += 1;
            // Statements separated by `;`.
            for part in line.toks.split(|t| t.is_op(";")) {
                if part.is_empty() {
                    continue;
                }
                self.statement(part, lines, i, level, weak, class, &mut out);
            }
        }
        out
    }

    /// Body of a compound statement: inline after the colon, or the indented lines that follow.
    fn suite(
        &mut self,
        rest: &[Token],
        lines: &[Line],
        i: &mut usize,
        level: usize,
        class: Option<&str>,
    ) -> Vec<Stmt> {
        let mut out = Vec::new();
        if !rest.is_empty() {
            for part in rest.split(|t| t.is_op(";")) {
                if !part.is_empty() {
                    self.statement(part, lines, i, level + 1, true, class, &mut out);
                }
            }
            return out;
        }
        self.block(lines, i, level + 1, true, class)
    }

    #[allow(clippy::too_many_arguments)]
    fn statement(
        &mut self,
        toks: &[Token],
        lines: &[Line],
        i: &mut usize,
        level: usize,
        weak: bool,
        class: Option<&str>,
        out: &mut Vec<Stmt>,
    ) {
        let pos = toks[0].pos;
        let mut toks = toks;
        if toks[0].is_name("async") && toks.len() > 1 {
            toks = &toks[1..];
        }
        let kw = toks[0].name().unwrap_or("");
        // `match`/`case` are keywords only at the head of a match statement.
        let kw = if matches!(kw, "match" | "case") && !soft_keyword_statement(toks) {
            ""
        } else {
            kw
        };
        if toks.iter().any(|t| t.is_op(":=")) && kw != "def" && kw != "class" {
            out.extend(walrus_bindings(toks, weak));
        }
        if matches!(
            kw,
            "if" | "elif"
                | "else"
                | "while"
                | "for"
                | "with"
                | "def"
                | "class"
                | "try"
                | "except"
                | "finally"
                | "match"
                | "case"
        ) && find_top(toks, ":").is_none()
        {
            note_unparsed(pos.line, pos.line, || format!("`{kw}` header without `:`"));
        }
        match kw {
            "import" => {
                for item in split_top(&toks[1..], ",") {
                    let (module, alias) = dotted_alias(item);
                    if !module.is_empty() {
                        out.push(Stmt::Import(Import {
                            // `import a.b` binds `a`; resolution uses the full path.
                            alias: Some(alias.unwrap_or_else(|| {
                                module.split('.').next().unwrap_or("").to_string()
                            })),
                            module,
                            names: Vec::new(),
                            pos,
                        }));
                    }
                }
            }
            "from" => {
                let Some(imp_at) = toks.iter().position(|t| t.is_name("import")) else {
                    unexpected(&toks[0]);
                    return;
                };
                let module: String = toks[1..imp_at]
                    .iter()
                    .map(|t| match &t.tok {
                        Tok::Name(n) => n.as_str(),
                        Tok::Op(o) => o,
                        _ => "",
                    })
                    .collect();
                let names_toks: Vec<Token> = toks[imp_at + 1..]
                    .iter()
                    .filter(|t| !t.is_op("(") && !t.is_op(")"))
                    .cloned()
                    .collect();
                let mut names = Vec::new();
                for item in split_top(&names_toks, ",") {
                    if item.first().is_some_and(|t| t.is_op("*")) {
                        names.push(("*".to_string(), "*".to_string()));
                        continue;
                    }
                    let (n, a) = dotted_alias(item);
                    if !n.is_empty() {
                        names.push((n.clone(), a.unwrap_or(n)));
                    }
                }
                out.push(Stmt::Import(Import {
                    module,
                    alias: None,
                    names,
                    pos,
                }));
            }
            "def" => {
                let name = toks.get(1).and_then(|t| t.name()).unwrap_or("").to_string();
                let (params, mut body, rest) = def_params(&toks[2.min(toks.len())..]);
                body.extend(self.suite(rest, lines, i, level, None));
                let f = Function {
                    name: match class {
                        Some(c) => format!("{c}.{name}"),
                        None => name,
                    },
                    params,
                    body,
                    pos,
                    class: class.map(str::to_string),
                };
                self.module.functions.push(f);
                out.push(Stmt::Def(self.module.functions.len() - 1));
            }
            "class" => {
                let name = toks.get(1).and_then(|t| t.name()).unwrap_or("").to_string();
                let colon = find_top(toks, ":").map(|k| k + 1).unwrap_or(toks.len());
                let body = self.suite(&toks[colon..], lines, i, level, Some(&name));
                // Class-level statements run at definition time.
                out.extend(body);
            }
            "if" | "elif" | "while" | "else" | "try" | "except" | "finally" | "match" | "case" => {
                let colon = find_top(toks, ":").unwrap_or(toks.len());
                if matches!(kw, "if" | "elif" | "while" | "match") && colon > 1 {
                    out.push(Stmt::Expr(expr(&toks[1..colon])));
                }
                if kw == "case"
                    && let Some(subject) = &self.match_subject
                {
                    // Capture patterns (`case {**rest}:`, `case [cmd, *args]:`) bind parts
                    // of the subject.
                    let pattern = &toks[1..colon.max(1)];
                    let guard = pattern.iter().position(|t| t.is_name("if"));
                    for n in capture_names(&pattern[..guard.unwrap_or(pattern.len())]) {
                        out.push(Stmt::Assign {
                            targets: vec![Target::Name(n)],
                            value: subject.clone(),
                            weak: true,
                            pos,
                        });
                    }
                }
                let rest = toks.get(colon + 1..).unwrap_or(&[]);
                let outer = if kw == "match" && colon > 1 {
                    self.match_subject.replace(expr(&toks[1..colon]))
                } else {
                    self.match_subject.clone()
                };
                out.extend(self.suite(rest, lines, i, level, class));
                self.match_subject = outer;
            }
            "for" => {
                let in_at = toks
                    .iter()
                    .position(|t| t.is_name("in"))
                    .unwrap_or(toks.len());
                let colon = find_top(toks, ":").unwrap_or(toks.len());
                let rest = toks.get(colon + 1..).unwrap_or(&[]);
                let body = self.suite(rest, lines, i, level, class);
                if in_at < colon {
                    let targets = assign_targets(&toks[1..in_at]);
                    let iterable = &toks[in_at + 1..colon];
                    match literal_elements(iterable) {
                        // `for p in ["~/.aws/credentials", …]`: the body once per element,
                        // so each path is seen as itself.
                        Some(items) if body.len() * items.len() <= MAX_UNROLLED => {
                            for item in items {
                                out.push(Stmt::Assign {
                                    targets: targets.clone(),
                                    value: expr(item),
                                    weak: false,
                                    pos,
                                });
                                out.extend(body.iter().cloned());
                            }
                            return;
                        }
                        _ => out.push(Stmt::Assign {
                            targets,
                            value: expr(iterable),
                            weak: true,
                            pos,
                        }),
                    }
                }
                out.extend(body);
            }
            "with" => {
                let colon = find_top(toks, ":").unwrap_or(toks.len());
                let mut header: &[Token] = &toks[1..colon];
                if header.first().is_some_and(|t| t.is_op("("))
                    && header.last().is_some_and(|t| t.is_op(")"))
                {
                    header = &header[1..header.len() - 1];
                }
                for item in split_top(header, ",") {
                    match item.iter().position(|t| t.is_name("as")) {
                        Some(k) => out.push(Stmt::Assign {
                            targets: assign_targets(&item[k + 1..]),
                            value: expr(&item[..k]),
                            weak,
                            pos,
                        }),
                        None => out.push(Stmt::Expr(expr(item))),
                    }
                }
                let rest = toks.get(colon + 1..).unwrap_or(&[]);
                out.extend(self.suite(rest, lines, i, level, class));
            }
            "return" | "yield" => {
                let mut rest = &toks[1..];
                if rest.first().is_some_and(|t| t.is_name("from")) {
                    rest = &rest[1..];
                }
                out.push(Stmt::Return(expr(rest)));
            }
            "pass" | "break" | "continue" | "global" | "nonlocal" | "del" => {}
            // `type Alias[T] = …` (3.12): a type, no data.
            "type"
                if toks.get(1).is_some_and(|t| t.name().is_some())
                    && toks.get(2).is_some_and(|t| t.is_op("=") || t.is_op("[")) => {}
            "raise" | "assert" | "await" if toks.len() > 1 => {
                // `raise E from cause`: both parts run.
                let rest = &toks[1..];
                match rest.iter().position(|t| t.is_name("from")) {
                    Some(k) if kw == "raise" => {
                        out.push(Stmt::Expr(expr(&rest[..k])));
                        out.push(Stmt::Expr(expr(&rest[k + 1..])));
                    }
                    _ => out.push(Stmt::Expr(expr(rest))),
                }
            }
            "print" if toks.len() > 1 => out.push(Stmt::Expr(expr(toks))),
            _ if toks[0].is_op("@") => {
                // Decorator: its call still runs.
                out.push(Stmt::Expr(expr(&toks[1..])));
            }
            _ => self.simple(toks, weak, out),
        }
    }

    /// Expression statement or (chained/augmented/annotated) assignment.
    fn simple(&mut self, toks: &[Token], weak: bool, out: &mut Vec<Stmt>) {
        let pos = toks[0].pos;
        let mut depth = 0i32;
        let mut eqs = Vec::new();
        let mut aug = None;
        let mut annot = None;
        for (k, t) in toks.iter().enumerate() {
            if let Tok::Op(o) = t.tok {
                match o {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth -= 1,
                    "=" if depth == 0 => eqs.push(k),
                    ":" if depth == 0 && eqs.is_empty() && annot.is_none() => annot = Some(k),
                    "+=" | "-=" | "*=" | "/=" | "%=" | "|=" | "&=" | "^=" | "//=" | "**="
                    | "<<=" | ">>=" | "@="
                        if depth == 0 && aug.is_none() =>
                    {
                        aug = Some(k)
                    }
                    _ => {}
                }
            } else if t.is_name("lambda") && depth == 0 {
                break;
            }
        }
        if let Some(k) = aug {
            // `x += v` is `x = x + v`: string building keeps its pieces.
            let target = expr(&toks[..k]);
            let value = expr(&toks[k + 1..]);
            let value = if toks[k].is_op("+=") {
                concat(target, value)
            } else {
                Expr::Mix(vec![target, value])
            };
            out.push(Stmt::Assign {
                targets: assign_targets(&toks[..k]),
                value,
                weak,
                pos,
            });
            return;
        }
        if eqs.is_empty() {
            if annot.is_none() {
                out.push(Stmt::Expr(expr(toks)));
            }
            return;
        }
        let last = *eqs.last().unwrap_or(&0);
        let mut targets = Vec::new();
        let mut start = 0;
        for &e in &eqs {
            let mut t = &toks[start..e];
            if let Some(a) = find_top(t, ":") {
                t = &t[..a];
            }
            targets.extend(assign_targets(t));
            start = e + 1;
        }
        out.push(Stmt::Assign {
            targets,
            value: expr(&toks[last + 1..]),
            weak,
            pos,
        });
    }
}

/// Names a `case` pattern binds: bare names that are not classes or constants (`Point(`,
/// `Color.RED`), keywords of class patterns (`x=`), `_` or literals.
fn capture_names(pattern: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for (k, t) in pattern.iter().enumerate() {
        let Some(n) = t.name() else { continue };
        let next = pattern.get(k + 1);
        let prev = k.checked_sub(1).map(|p| &pattern[p]);
        if matches!(n, "_" | "None" | "True" | "False" | "as" | "if")
            || next.is_some_and(|x| x.is_op("(") || x.is_op(".") || x.is_op("="))
            || prev.is_some_and(|x| x.is_op("."))
        {
            continue;
        }
        out.push(n.to_string());
    }
    out
}

/// `(name := value)` anywhere in a line binds `name` (the expression grammar only keeps
/// the value): one assignment per walrus, before the statement.
fn walrus_bindings(toks: &[Token], weak: bool) -> Vec<Stmt> {
    let mut out = Vec::new();
    for k in 1..toks.len() {
        if !toks[k].is_op(":=") {
            continue;
        }
        let Some(n) = toks[k - 1].name() else {
            continue;
        };
        // The value runs to a `,` or `:` at its own depth, or the bracket that encloses it.
        let mut depth = 0i32;
        let mut end = toks.len();
        for (j, t) in toks.iter().enumerate().skip(k + 1) {
            if t.is_op("(") || t.is_op("[") || t.is_op("{") {
                depth += 1;
            } else if t.is_op(")") || t.is_op("]") || t.is_op("}") {
                if depth == 0 {
                    end = j;
                    break;
                }
                depth -= 1;
            } else if depth == 0 && (t.is_op(",") || t.is_op(":") || t.is_name("for")) {
                end = j;
                break;
            }
        }
        out.push(Stmt::Assign {
            targets: vec![Target::Name(n.to_string())],
            value: expr(&toks[k + 1..end]),
            weak,
            pos: toks[k - 1].pos,
        });
    }
    out
}

/// `match x:` / `case [a, b]:` rather than `match = re.match(…)` or `match.group(1)`.
fn soft_keyword_statement(toks: &[Token]) -> bool {
    let subject_starts = match toks.get(1).map(|t| &t.tok) {
        Some(Tok::Op(o)) => matches!(*o, "(" | "[" | "{" | "-" | "*"),
        Some(_) => true,
        None => false,
    };
    subject_starts && find_top(toks, ":").is_some()
}

/// Statements a `for` over a literal list may grow to when unrolled.
const MAX_UNROLLED: usize = 64;

/// The elements of a literal list or tuple of at most eight (`[a, b]`, `(a, b)`).
fn literal_elements(toks: &[Token]) -> Option<Vec<&[Token]>> {
    let open = toks.first()?;
    let close = toks.last()?;
    let paired = open.is_op("[") && close.is_op("]") || open.is_op("(") && close.is_op(")");
    if !paired || toks.len() < 3 {
        return None;
    }
    // `(a / b).glob(…)` starts and ends with brackets but is no literal.
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate() {
        if t.is_op("(") || t.is_op("[") || t.is_op("{") {
            depth += 1;
        } else if t.is_op(")") || t.is_op("]") || t.is_op("}") {
            depth -= 1;
            if depth == 0 && k + 1 < toks.len() {
                return None;
            }
        }
    }
    let inner = &toks[1..toks.len() - 1];
    // `[x for x in …]` is a comprehension, not a literal.
    if inner.iter().any(|t| t.is_name("for")) {
        return None;
    }
    let items: Vec<&[Token]> = split_top(inner, ",")
        .into_iter()
        .filter(|i| !i.is_empty())
        .collect();
    (!items.is_empty() && items.len() <= 8).then_some(items)
}

fn find_top(toks: &[Token], op: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate() {
        if let Tok::Op(o) = t.tok {
            match o {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                _ if o == op && depth == 0 => return Some(k),
                _ => {}
            }
        } else if t.is_name("lambda") && op == ":" && depth == 0 {
            // `x = lambda: …` has no compound-statement colon after this point.
            return None;
        }
    }
    None
}

fn split_top<'a>(toks: &'a [Token], sep: &str) -> Vec<&'a [Token]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    // Lambdas whose parameter list (`lambda a, *b:`) is still open at depth 0.
    let mut lambdas = 0u32;
    for (k, t) in toks.iter().enumerate() {
        if let Tok::Op(o) = t.tok {
            match o {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth -= 1,
                ":" if depth == 0 && lambdas > 0 => lambdas -= 1,
                _ if o == sep && depth == 0 && lambdas == 0 => {
                    out.push(&toks[start..k]);
                    start = k + 1;
                }
                _ => {}
            }
        } else if depth == 0 && t.is_name("lambda") {
            lambdas += 1;
        }
    }
    if start < toks.len() {
        out.push(&toks[start..]);
    }
    out
}

/// `a.b.c as d` → ("a.b.c", Some("d")).
fn dotted_alias(toks: &[Token]) -> (String, Option<String>) {
    let mut name = String::new();
    let mut alias = None;
    let mut k = 0;
    while k < toks.len() {
        let t = &toks[k];
        if t.is_name("as") {
            alias = toks.get(k + 1).and_then(|t| t.name()).map(str::to_string);
            break;
        }
        match &t.tok {
            Tok::Name(n) => name.push_str(n),
            Tok::Op(".") => name.push('.'),
            _ => {}
        }
        k += 1;
    }
    (name, alias)
}

/// Parameters of `def name(...) -> T:`; returns them and the tokens after the colon.
/// Parameters of `def name(...) -> T:` with the statements binding their defaults, and the
/// tokens after the colon.
fn def_params(toks: &[Token]) -> (Vec<Param>, Vec<Stmt>, &[Token]) {
    let mut params = Vec::new();
    if !toks.first().is_some_and(|t| t.is_op("(")) {
        let colon = find_top(toks, ":").map(|k| k + 1).unwrap_or(toks.len());
        return (params, Vec::new(), &toks[colon..]);
    }
    let mut depth = 0i32;
    let mut close = toks.len();
    for (k, t) in toks.iter().enumerate() {
        if t.is_op("(") || t.is_op("[") || t.is_op("{") {
            depth += 1;
        } else if t.is_op(")") || t.is_op("]") || t.is_op("}") {
            depth -= 1;
            if depth == 0 {
                close = k;
                break;
            }
        }
    }
    let (params_, defaults) = param_list(&toks[1..close.max(1)]);
    params.extend(params_);
    let after = &toks[(close + 1).min(toks.len())..];
    let colon = find_top(after, ":").map(|k| k + 1).unwrap_or(after.len());
    (params, defaults, &after[colon..])
}

/// `a, b: T = v, *rest, **kw` → the parameters, and a weak assignment of each default
/// (`def send(d=dict(os.environ))` sends the environment when called without argument).
fn param_list(toks: &[Token]) -> (Vec<Param>, Vec<Stmt>) {
    let mut params = Vec::new();
    let mut defaults = Vec::new();
    for item in split_top(toks, ",") {
        let rest = item.first().is_some_and(|t| t.is_op("*") || t.is_op("**"));
        let Some(name_tok) = item.iter().find(|t| t.name().is_some()) else {
            continue;
        };
        let n = name_tok.name().unwrap_or("").to_string();
        if let Some(eq) = find_top(item, "=") {
            defaults.push(Stmt::Assign {
                targets: vec![Target::Name(n.clone())],
                value: expr(&item[eq + 1..]),
                weak: true,
                pos: name_tok.pos,
            });
        }
        params.push(Param { name: n, rest });
    }
    (params, defaults)
}

fn assign_targets(toks: &[Token]) -> Vec<Target> {
    let mut toks = toks;
    if toks.len() >= 2
        && (toks[0].is_op("(") || toks[0].is_op("["))
        && (toks[toks.len() - 1].is_op(")") || toks[toks.len() - 1].is_op("]"))
    {
        toks = &toks[1..toks.len() - 1];
    }
    let parts = split_top(toks, ",");
    if parts.len() > 1 {
        let names = parts
            .iter()
            .filter_map(|p| p.iter().rev().find_map(|t| t.name()))
            .map(|n| (None, n.to_string()))
            .collect();
        return vec![Target::Destructure(names)];
    }
    match expr(toks) {
        Expr::Name(n, _) => vec![Target::Name(n)],
        Expr::Attr(base, field, _) => vec![Target::Attr(*base, field)],
        Expr::Index(base, _, _) => vec![Target::Index(*base)],
        _ => Vec::new(),
    }
}

/// Parses a complete expression from a token slice.
pub fn expr(toks: &[Token]) -> Expr {
    if toks.is_empty() {
        return Expr::Unknown;
    }
    let Some(_guard) = DepthGuard::enter() else {
        too_deep(&toks[0]);
        return Expr::Unknown;
    };
    let mut p = ExprParser { toks, i: 0 };
    let parts = p.comma_list();
    if parts.len() == 1 {
        parts.into_iter().next().unwrap_or(Expr::Unknown)
    } else {
        Expr::List(parts)
    }
}

/// Bounds recursion across nested parsers (brackets, f-strings, blocks) so hostile input
/// cannot overflow the stack.
pub(crate) struct DepthGuard;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl DepthGuard {
    pub(crate) fn enter() -> Option<DepthGuard> {
        DEPTH.with(|d| {
            if d.get() >= MAX_DEPTH {
                None
            } else {
                d.set(d.get() + 1);
                Some(DepthGuard)
            }
        })
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

struct ExprParser<'a> {
    toks: &'a [Token],
    i: usize,
}

fn binding_power(op: &str) -> Option<u8> {
    Some(match op {
        "or" => 2,
        "and" => 3,
        "in" | "not" | "is" | "<" | ">" | "==" | "!=" | "<=" | ">=" => 5,
        "|" => 6,
        "^" => 7,
        "&" => 8,
        "<<" | ">>" => 9,
        "+" | "-" => 10,
        "*" | "/" | "//" | "%" | "@" => 11,
        "**" => 13,
        _ => return None,
    })
}

impl<'a> ExprParser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.i)
    }
    fn at_op(&self, op: &str) -> bool {
        self.peek().is_some_and(|t| t.is_op(op))
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn comma_list(&mut self) -> Vec<Expr> {
        let mut out = vec![self.expr()];
        while self.eat_op(",") {
            if self.peek().is_none() {
                break;
            }
            out.push(self.expr());
        }
        // Leftovers the grammar above did not consume still carry data.
        if let Some(t) = self.peek() {
            unexpected(t);
        }
        while self.i < self.toks.len() {
            let before = self.i;
            let e = self.expr();
            if !matches!(e, Expr::Unknown) {
                out.push(e);
            }
            if self.i == before {
                self.i += 1;
            }
        }
        out
    }

    fn expr(&mut self) -> Expr {
        let Some(_guard) = DepthGuard::enter() else {
            if let Some(t) = self.peek() {
                too_deep(t);
            }
            self.i = self.toks.len();
            return Expr::Unknown;
        };
        self.ternary()
    }

    fn ternary(&mut self) -> Expr {
        if self.peek().is_some_and(|t| t.is_name("lambda")) {
            return self.lambda();
        }
        let a = self.binary(0);
        if self.peek().is_some_and(|t| t.is_name("if")) {
            self.i += 1;
            let cond = self.binary(0);
            if self.peek().is_some_and(|t| t.is_name("else")) {
                self.i += 1;
                let b = self.expr();
                return Expr::Or(vec![a, b, cond]);
            }
            return Expr::Or(vec![a, cond]);
        }
        if self.eat_op(":=") {
            return self.expr();
        }
        a
    }

    fn lambda(&mut self) -> Expr {
        let pos = self.peek().map(|t| t.pos).unwrap_or_default();
        self.i += 1;
        // Parameters up to the colon outside brackets (defaults may hold slices, dicts).
        let start = self.i;
        let mut depth = 0i32;
        while let Some(t) = self.peek() {
            if t.is_op("(") || t.is_op("[") || t.is_op("{") {
                depth += 1;
            } else if t.is_op(")") || t.is_op("]") || t.is_op("}") {
                depth -= 1;
            } else if t.is_op(":") && depth <= 0 {
                break;
            }
            self.i += 1;
        }
        let (params, mut body) = param_list(&self.toks[start..self.i]);
        self.eat_op(":");
        body.push(Stmt::Return(self.expr()));
        Expr::Lambda(Box::new(Function {
            name: "<lambda>".into(),
            params,
            body,
            pos,
            class: None,
        }))
    }

    fn binary(&mut self, min_bp: u8) -> Expr {
        let Some(_guard) = DepthGuard::enter() else {
            if let Some(t) = self.peek() {
                too_deep(t);
            }
            self.i = self.toks.len();
            return Expr::Unknown;
        };
        let mut lhs = self.unary();
        while let Some(t) = self.peek() {
            let op: &str = match &t.tok {
                Tok::Op(o) => o,
                Tok::Name(n) if matches!(n.as_str(), "or" | "and" | "in" | "not" | "is") => n,
                _ => break,
            };
            let Some(bp) = binding_power(op) else { break };
            if bp < min_bp {
                break;
            }
            self.i += 1;
            if op == "not" || op == "is" {
                // `not in` / `is not`
                if self
                    .peek()
                    .is_some_and(|t| t.is_name("in") || t.is_name("not"))
                {
                    self.i += 1;
                }
            }
            let next_bp = if op == "**" { bp } else { bp + 1 };
            let rhs = self.binary(next_bp);
            lhs = match op {
                "+" => concat(lhs, rhs),
                "/" => Expr::Div(Box::new(lhs), Box::new(rhs)),
                "%" => percent_format(lhs, rhs),
                "or" => Expr::Or(vec![lhs, rhs]),
                _ => Expr::Mix(vec![lhs, rhs]),
            };
        }
        lhs
    }

    fn unary(&mut self) -> Expr {
        match self.peek() {
            Some(t) if t.is_op("-") || t.is_op("+") || t.is_op("~") || t.is_name("not") => {
                self.i += 1;
                let e = self.binary(12);
                Expr::Mix(vec![e])
            }
            Some(t) if t.is_name("await") => {
                self.i += 1;
                self.unary()
            }
            Some(t) if t.is_name("yield") => {
                // `x = yield v` / `yield from g` inside an expression.
                self.i += 1;
                if self.peek().is_some_and(|t| t.is_name("from")) {
                    self.i += 1;
                }
                if self.peek().is_none() || self.at_op(")") {
                    return Expr::Unknown;
                }
                self.expr()
            }
            Some(t) if t.is_op("*") || t.is_op("**") => {
                self.i += 1;
                self.unary()
            }
            _ => self.postfix(),
        }
    }

    fn postfix(&mut self) -> Expr {
        let mut e = self.atom();
        while let Some(t) = self.peek() {
            let pos = t.pos;
            if t.is_op(".") {
                self.i += 1;
                match self.peek().and_then(|t| t.name()) {
                    Some(n) => {
                        self.i += 1;
                        e = Expr::Attr(Box::new(e), n.to_string(), pos);
                    }
                    None => {
                        match self.peek() {
                            Some(t) => unexpected(t),
                            None => unexpected(&self.toks[self.i - 1]),
                        }
                        break;
                    }
                }
            } else if t.is_op("(") {
                self.i += 1;
                let args = self.call_args();
                e = Expr::Call(Box::new(Call {
                    callee: e,
                    args,
                    pos,
                    stdin: None,
                    command: false,
                }));
            } else if t.is_op("[") {
                self.i += 1;
                let close = self.matching();
                let inner = &self.toks[self.i..close];
                self.i = (close + 1).min(self.toks.len());
                let is_reverse = inner.len() == 4
                    && inner[0].is_op(":")
                    && inner[1].is_op(":")
                    && inner[2].is_op("-")
                    && matches!(inner[3].tok, Tok::Num(Some(1)));
                e = if is_reverse {
                    call(name("<reverse>", pos), vec![e], pos)
                } else if find_top(inner, ":").is_some() {
                    Expr::Mix(vec![e])
                } else {
                    Expr::Index(Box::new(e), Box::new(expr(inner)), pos)
                };
            } else {
                break;
            }
        }
        e
    }

    /// Index of the token closing the bracket just consumed.
    fn matching(&self) -> usize {
        let mut depth = 0i32;
        for k in self.i..self.toks.len() {
            match &self.toks[k].tok {
                Tok::Op("(" | "[" | "{") => depth += 1,
                Tok::Op(")" | "]" | "}") => {
                    if depth == 0 {
                        return k;
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
        self.toks.len()
    }

    fn call_args(&mut self) -> Vec<Arg> {
        let close = self.matching();
        let inner = &self.toks[self.i..close];
        self.i = (close + 1).min(self.toks.len());
        let mut args = Vec::new();
        for item in split_top(inner, ",") {
            if item.is_empty() {
                continue;
            }
            if item.len() >= 2 && item[1].is_op("=") && item[0].name().is_some() {
                args.push(Arg {
                    name: item[0].name().map(str::to_string),
                    value: comprehension_or_expr(&item[2..]),
                    spread: false,
                });
            } else if item[0].is_op("*") || item[0].is_op("**") {
                args.push(Arg {
                    name: None,
                    value: expr(&item[1..]),
                    spread: true,
                });
            } else {
                args.push(Arg::pos(comprehension_or_expr(item)));
            }
        }
        args
    }

    fn atom(&mut self) -> Expr {
        let Some(t) = self.peek() else {
            return Expr::Unknown;
        };
        let pos = t.pos;
        match &t.tok {
            Tok::Name(n) => {
                self.i += 1;
                match n.as_str() {
                    "None" | "True" | "False" => Expr::Unknown,
                    _ => Expr::Name(n.clone(), pos),
                }
            }
            Tok::Num(v) => {
                self.i += 1;
                v.map(Expr::Num).unwrap_or(Expr::Unknown)
            }
            Tok::Str(_) => {
                // Adjacent literals concatenate.
                let mut pieces = Vec::new();
                while let Some(Token {
                    tok: Tok::Str(parts),
                    ..
                }) = self.peek()
                {
                    self.i += 1;
                    for part in parts {
                        match part {
                            StrPart::Lit(s) => pieces.push(Expr::Str(s.clone())),
                            StrPart::Expr(toks) => pieces.push(expr(toks)),
                        }
                    }
                }
                match pieces.len() {
                    0 => Expr::Str(String::new()),
                    1 => pieces.pop().unwrap_or(Expr::Unknown),
                    _ => Expr::Concat(pieces),
                }
            }
            Tok::Op("(") | Tok::Op("[") | Tok::Op("{") => {
                let open = if t.is_op("(") {
                    "("
                } else if t.is_op("[") {
                    "["
                } else {
                    "{"
                };
                self.i += 1;
                let close = self.matching();
                let inner = &self.toks[self.i..close];
                self.i = (close + 1).min(self.toks.len());
                container(open, inner)
            }
            Tok::Op("...") => {
                // Ellipsis.
                self.i += 1;
                Expr::Unknown
            }
            _ => {
                unexpected(t);
                self.i += 1;
                Expr::Unknown
            }
        }
    }
}

fn too_deep(t: &Token) {
    note_unparsed(t.pos.line, t.pos.line, || {
        "expression nested too deeply".into()
    });
}

fn comprehension_or_expr(toks: &[Token]) -> Expr {
    // Only a `for` outside brackets makes this argument a generator: in
    // `f("".join(c for c in x))` it belongs to the inner call.
    let mut depth = 0i32;
    let top_for = toks.iter().position(|t| {
        if t.is_op("(") || t.is_op("[") || t.is_op("{") {
            depth += 1;
        } else if t.is_op(")") || t.is_op("]") || t.is_op("}") {
            depth -= 1;
        }
        depth == 0 && t.is_name("for")
    });
    match top_for {
        // Generator argument: `f(x for x in xs)` mixes element and iterable.
        Some(k) if k > 0 => comprehension(toks, k),
        _ => expr(toks),
    }
}

/// Index of the first `for` outside brackets.
fn top_for(toks: &[Token]) -> Option<usize> {
    let mut depth = 0i32;
    toks.iter().position(|t| {
        if t.is_op("(") || t.is_op("[") || t.is_op("{") {
            depth += 1;
        } else if t.is_op(")") || t.is_op("]") || t.is_op("}") {
            depth -= 1;
        }
        depth == 0 && t.is_name("for")
    })
}

/// `elt for t in iter [if c]` → the element and the iterable's data, mixed; a dict
/// comprehension's `key: value` element keeps both.
fn comprehension(toks: &[Token], for_at: usize) -> Expr {
    let elt_toks = &toks[..for_at];
    let elt = match find_top(elt_toks, ":") {
        Some(c) => Expr::Mix(vec![expr(&elt_toks[..c]), expr(&elt_toks[c + 1..])]),
        None => expr(elt_toks),
    };
    let rest = &toks[for_at + 1..];
    let in_at = rest
        .iter()
        .position(|t| t.is_name("in"))
        .unwrap_or(rest.len());
    let mut depth = 0i32;
    let iter_end = rest
        .iter()
        .enumerate()
        .skip(in_at)
        .find(|(_, t)| {
            if t.is_op("(") || t.is_op("[") || t.is_op("{") {
                depth += 1;
            } else if t.is_op(")") || t.is_op("]") || t.is_op("}") {
                depth -= 1;
            }
            depth == 0 && (t.is_name("if") || t.is_name("for"))
        })
        .map(|(k, _)| k)
        .unwrap_or(rest.len());
    let iter_toks = rest.get(in_at + 1..iter_end).unwrap_or(&[]);
    // `os.environ[k] for k in ("A", "B")`: a list of the element per literal item, so each
    // key is seen as itself (as `for` statements over literal lists are unrolled).
    if let ([target], Some(items)) = (&rest[..in_at], literal_elements(iter_toks))
        && matches!(target.tok, Tok::Name(_))
        && find_top(elt_toks, ":").is_none()
    {
        let name = target.clone();
        let each = items.iter().map(|item| {
            let toks: Vec<Token> = elt_toks
                .iter()
                .flat_map(|t| {
                    if t.tok == name.tok {
                        item.to_vec()
                    } else {
                        vec![t.clone()]
                    }
                })
                .collect();
            expr(&toks)
        });
        return Expr::List(each.collect());
    }
    let iter = expr(iter_toks);
    Expr::Mix(vec![elt, iter])
}

fn container(open: &str, inner: &[Token]) -> Expr {
    if inner.is_empty() {
        return if open == "{" {
            Expr::Dict(Vec::new())
        } else {
            Expr::List(Vec::new())
        };
    }
    if let Some(k) = top_for(inner)
        && k > 0
    {
        return comprehension(inner, k);
    }
    let items = split_top(inner, ",");
    if open == "{" && items.iter().any(|it| find_top(it, ":").is_some()) {
        let mut pairs = Vec::new();
        for it in items {
            if it.first().is_some_and(|t| t.is_op("**")) {
                pairs.push((None, expr(&it[1..])));
                continue;
            }
            match find_top(it, ":") {
                Some(c) => {
                    let key = match expr(&it[..c]) {
                        Expr::Str(s) => Some(s),
                        _ => None,
                    };
                    pairs.push((key, expr(&it[c + 1..])));
                }
                None => pairs.push((None, expr(it))),
            }
        }
        return Expr::Dict(pairs);
    }
    if open == "(" && items.len() == 1 && inner.last().is_some_and(|t| !t.is_op(",")) {
        return expr(inner);
    }
    Expr::List(items.into_iter().map(expr).collect())
}

fn concat(a: Expr, b: Expr) -> Expr {
    match a {
        Expr::Concat(mut v) => {
            v.push(b);
            Expr::Concat(v)
        }
        a => Expr::Concat(vec![a, b]),
    }
}

/// `"fmt %s" % args` → the format's pieces with arguments in place of `%s`-style specs.
fn percent_format(fmt: Expr, args: Expr) -> Expr {
    let Expr::Str(f) = &fmt else {
        return Expr::Mix(vec![fmt, args]);
    };
    let mut values: Vec<Expr> = match args {
        Expr::List(v) => v,
        other => vec![other],
    };
    values.reverse();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = f.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            lit.push(ch);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            lit.push('%');
            continue;
        }
        // Skip flags/width/mapping key up to the conversion letter.
        for c in chars.by_ref() {
            if c.is_ascii_alphabetic() {
                break;
            }
        }
        if !lit.is_empty() {
            pieces.push(Expr::Str(std::mem::take(&mut lit)));
        }
        pieces.push(values.pop().unwrap_or(Expr::Unknown));
    }
    if !lit.is_empty() {
        pieces.push(Expr::Str(lit));
    }
    pieces.extend(values);
    Expr::Concat(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fstring_parts_and_continuations() {
        let m = parse("url = f\"https://{host}/x\" \\\n  + 'y'\n");
        let Stmt::Assign { value, .. } = &m.body[0] else {
            panic!("{:?}", m.body)
        };
        let text = format!("{value:?}");
        assert!(text.contains("https://") && text.contains("host") && text.contains("\"y\""));
    }

    #[test]
    fn blocks_defs_and_imports() {
        let src = "import os, base64 as b\nfrom .enc import encode as e\n\ndef f(a, *rest):\n    x = os.environ\n    return e(x)\n\nclass C:\n    def m(self):\n        pass\n";
        let m = parse(src);
        assert_eq!(m.functions.len(), 2);
        assert_eq!(m.functions[0].name, "f");
        assert_eq!(m.functions[1].name, "C.m");
        assert!(matches!(&m.body[2], Stmt::Import(i) if i.module == ".enc"));
    }

    fn assigned(m: &Module, name: &str) -> bool {
        fn walk(body: &[Stmt], name: &str) -> bool {
            body.iter().any(|s| match s {
                Stmt::Assign { targets, .. } => targets.iter().any(|t| match t {
                    Target::Name(n) => n == name,
                    Target::Destructure(v) => v.iter().any(|(_, n)| n == name),
                    _ => false,
                }),
                _ => false,
            })
        }
        walk(&m.body, name) || m.functions.iter().any(|f| walk(&f.body, name))
    }

    #[test]
    fn constructs_that_used_to_be_skipped() {
        let cases = [
            // `match` as a variable, and as a statement.
            "import re\nmatch = re.match(r'x', s)\nif match:\n    print(match.group(0))\n",
            "match cmd:\n    case [a, *rest]:\n        run(a)\n    case _:\n        pass\n",
            // Comprehensions: dict, nested, with a nested iterable.
            "d = {k: v for k, v in items.items() if v}\ncells = [[c for c in r] for r in rows]\n",
            "xs = [x for x in [y for y in ys] if x]\n",
            // Lambdas with several parameters inside call arguments.
            "f(lambda *args, **kwargs: g(args), key=lambda a, b: (a, b))\n",
            // Raw f-strings with escaped braces after a backslash, named escapes.
            "h = re.search(rf\"\\brule\\s+{re.escape(n)}\\s*\\{{\", t)\nq = f\"\\N{DEGREE SIGN}{t}\"\n",
            // A parenthesised call result iterated over is no literal tuple.
            "for f in (root / \"cards\").glob(\"*.md\"):\n    print(f)\n",
            "def gen():\n    x = yield 1\n    y = yield from other()\n",
            "raise ValueError(msg) from err\n",
            "type Env = dict[str, str]\ntype Pair[T] = tuple[T, T]\ntype = 3\n",
        ];
        for src in cases {
            let m = parse(src);
            assert_eq!(m.unparsed, vec![], "{src}");
        }
        assert!(assigned(&parse(cases[0]), "match"));
        // A snippet whose first line is indented goes on after the dedent.
        let m = parse("    x = 1\ny = os.environ\n");
        assert!(assigned(&m, "y"), "{:?}", m.body);
    }

    #[test]
    fn hostile_nesting_does_not_overflow() {
        let src = format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
        let _ = parse(&src);
        let src = format!("x = {}\n", "[".repeat(5000));
        let _ = parse(&src);
    }
}
