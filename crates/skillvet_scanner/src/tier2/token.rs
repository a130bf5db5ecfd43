//! Token type and escape decoding shared by the Python and JavaScript front-ends.

use super::ir::Pos;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    /// A string literal, already unescaped. Interpolated strings (f-strings, template
    /// literals) are a list of literal and expression parts.
    Str(Vec<StrPart>),
    Num(Option<i64>),
    Op(&'static str),
    /// JavaScript regular-expression literal (content irrelevant to data flow).
    Regex,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    Lit(String),
    Expr(Vec<Token>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
    /// A line break separates this token from the previous one (JavaScript ASI).
    pub nl_before: bool,
}

impl Token {
    pub fn is_op(&self, op: &str) -> bool {
        matches!(&self.tok, Tok::Op(o) if *o == op)
    }
    pub fn is_name(&self, n: &str) -> bool {
        matches!(&self.tok, Tok::Name(x) if x == n)
    }
    pub fn name(&self) -> Option<&str> {
        match &self.tok {
            Tok::Name(n) => Some(n),
            _ => None,
        }
    }
}

/// Picks the longest operator from `ops` (sorted longest first) at the start of `rest`.
pub fn match_op(rest: &[u8], ops: &[&'static str]) -> Option<&'static str> {
    // Comparing the first byte before the rest skips most operators without a memcmp call.
    let first = *rest.first()?;
    ops.iter()
        .copied()
        .find(|op| op.as_bytes()[0] == first && rest.starts_with(op.as_bytes()))
}

pub fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

pub fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Decodes backslash escapes common to Python and JavaScript (`\n`, `\xNN`, `\uNNNN`,
/// `\u{…}`, octal). Evasions such as `"\x63\x75\x72\x6c"` thereby read as `curl`.
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.extend(char::from_u32(v));
            }
            'x' => {
                let h: String = take_hex(&mut chars, 2);
                match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&h),
                }
            }
            'u' | 'U' => {
                let h = if chars.peek() == Some(&'{') {
                    chars.next();
                    let mut h = String::new();
                    for c in chars.by_ref() {
                        if c == '}' || h.len() > 8 {
                            break;
                        }
                        h.push(c);
                    }
                    h
                } else {
                    take_hex(&mut chars, if e == 'u' { 4 } else { 8 })
                };
                out.extend(u32::from_str_radix(&h, 16).ok().and_then(char::from_u32));
            }
            '\n' => {}
            other => out.push(other),
        }
    }
    out
}

fn take_hex(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize) -> String {
    let mut h = String::new();
    while h.len() < n {
        match chars.peek() {
            Some(c) if c.is_ascii_hexdigit() => {
                h.push(*c);
                chars.next();
            }
            _ => break,
        }
    }
    h
}

/// Parses a numeric literal's text into an integer when it is one (`99`, `0x63`).
pub fn parse_int(text: &str) -> Option<i64> {
    let t = text.replace('_', "");
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        i64::from_str_radix(b, 2).ok()
    } else {
        t.parse().ok()
    }
}

/// 1-based line/column bookkeeping over a byte buffer.
pub struct Cursor<'a> {
    pub src: &'a [u8],
    pub i: usize,
    pub line: u32,
    pub line_start: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str, line: u32) -> Self {
        Cursor {
            src: src.as_bytes(),
            i: 0,
            line,
            line_start: 0,
        }
    }
    pub fn peek(&self) -> Option<u8> {
        self.src.get(self.i).copied()
    }
    pub fn peek_at(&self, k: usize) -> Option<u8> {
        self.src.get(self.i + k).copied()
    }
    pub fn rest(&self) -> &'a [u8] {
        self.src.get(self.i..).unwrap_or(&[])
    }
    pub fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            col: (self.i - self.line_start) as u32 + 1,
        }
    }
    /// Advances one byte, tracking newlines.
    pub fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.i += 1;
        if b == b'\n' {
            self.line += 1;
            self.line_start = self.i;
        }
        Some(b)
    }
    /// Text between two byte offsets; offsets always sit on ASCII delimiters, but fall back
    /// to lossy decoding rather than panic on hostile input.
    pub fn slice(&self, from: usize, to: usize) -> String {
        let to = to.min(self.src.len());
        let from = from.min(to);
        String::from_utf8_lossy(&self.src[from..to]).into_owned()
    }
}
