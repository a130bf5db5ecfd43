//! The part of TOML that agent configuration uses (Codex `config.toml`: `[mcp_servers.x]`
//! tables, strings, arrays, inline tables, booleans, numbers), read into a JSON value so
//! every format goes through the same checks. Not a validating parser: what it cannot read
//! makes the whole file unreadable (`None`), never a wrong value.

use serde_json::{Map, Value};

/// Most values read from one file.
const MAX_VALUES: usize = 20_000;

pub(crate) fn parse(text: &str) -> Option<Value> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        values: 0,
    };
    let mut root = Map::new();
    // The table the next `key = value` lines go to.
    let mut current: Vec<String> = Vec::new();
    loop {
        p.skip_blank_lines();
        let Some(c) = p.peek() else { break };
        if c == b'[' {
            let array = p.s.get(p.i + 1) == Some(&b'[');
            p.i += if array { 2 } else { 1 };
            let path = p.key_path()?;
            p.expect(b']')?;
            if array {
                p.expect(b']')?;
            }
            p.end_of_line()?;
            let (last, parents) = path.split_last()?;
            let parent = table_at(&mut root, parents)?;
            if array {
                let list = parent
                    .entry(last.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                let Value::Array(items) = list else {
                    return None;
                };
                items.push(Value::Object(Map::new()));
            } else {
                parent
                    .entry(last.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
            }
            // Keys go to this table; for an array of tables, to its last element.
            current = path;
            continue;
        }
        let path = p.key_path()?;
        p.skip_spaces();
        p.expect(b'=')?;
        let value = p.value()?;
        p.end_of_line()?;
        let (last, parents) = path.split_last()?;
        let mut full = current.clone();
        full.extend(parents.iter().cloned());
        table_at(&mut root, &full)?.insert(last.clone(), value);
    }
    Some(Value::Object(root))
}

/// The table at `path`, created as needed; an array of tables stands for its last element.
fn table_at<'a>(
    root: &'a mut Map<String, Value>,
    path: &[String],
) -> Option<&'a mut Map<String, Value>> {
    let mut t = root;
    for k in path {
        let next = t
            .entry(k.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        t = match next {
            Value::Object(m) => m,
            Value::Array(items) => match items.last_mut() {
                Some(Value::Object(m)) => m,
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(t)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    values: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some(b'#') {
            while !matches!(self.peek(), None | Some(b'\n')) {
                self.i += 1;
            }
        }
    }

    /// Blank lines, comments and whitespace (also inside arrays).
    fn skip_blank_lines(&mut self) {
        loop {
            self.skip_spaces();
            self.skip_comment();
            match self.peek() {
                Some(b'\n' | b'\r') => self.i += 1,
                _ => return,
            }
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        self.skip_spaces();
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    fn end_of_line(&mut self) -> Option<()> {
        self.skip_spaces();
        self.skip_comment();
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.i += 1;
                Some(())
            }
            Some(b'\r') if self.s.get(self.i + 1) == Some(&b'\n') => {
                self.i += 2;
                Some(())
            }
            _ => None,
        }
    }

    /// `a.b."c d"` as its parts.
    fn key_path(&mut self) -> Option<Vec<String>> {
        let mut parts = Vec::new();
        loop {
            self.skip_spaces();
            let part = match self.peek()? {
                b'"' => self.basic_string()?,
                b'\'' => self.literal_string()?,
                _ => {
                    let start = self.i;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                    {
                        self.i += 1;
                    }
                    if self.i == start {
                        return None;
                    }
                    String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
                }
            };
            parts.push(part);
            self.skip_spaces();
            if self.peek() == Some(b'.') {
                self.i += 1;
            } else {
                return Some(parts);
            }
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.values += 1;
        if self.values > MAX_VALUES {
            return None;
        }
        self.skip_spaces();
        match self.peek()? {
            b'"' => self.basic_string().map(Value::String),
            b'\'' => self.literal_string().map(Value::String),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_blank_lines();
                    if self.peek()? == b']' {
                        self.i += 1;
                        return Some(Value::Array(items));
                    }
                    items.push(self.value()?);
                    self.skip_blank_lines();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {}
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut m = Map::new();
                loop {
                    self.skip_spaces();
                    if self.peek()? == b'}' {
                        self.i += 1;
                        return Some(Value::Object(m));
                    }
                    let path = self.key_path()?;
                    self.expect(b'=')?;
                    let v = self.value()?;
                    let (last, parents) = path.split_last()?;
                    table_at(&mut m, parents)?.insert(last.clone(), v);
                    self.skip_spaces();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {}
                        _ => return None,
                    }
                }
            }
            _ => {
                // Booleans, numbers, dates: up to the next separator.
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, b',' | b']' | b'}' | b'\n' | b'\r' | b'#'))
                {
                    self.i += 1;
                }
                let raw = std::str::from_utf8(&self.s[start..self.i]).ok()?.trim();
                Some(match raw {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "" => return None,
                    _ => raw
                        .replace('_', "")
                        .parse::<i64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| Value::String(raw.to_owned())),
                })
            }
        }
    }

    fn basic_string(&mut self) -> Option<String> {
        let multi = self.s[self.i..].starts_with(b"\"\"\"");
        self.i += if multi { 3 } else { 1 };
        if multi && self.peek() == Some(b'\n') {
            self.i += 1;
        }
        let mut out = Vec::new();
        loop {
            let c = self.peek()?;
            if multi && self.s[self.i..].starts_with(b"\"\"\"") {
                self.i += 3;
                break;
            }
            if !multi && c == b'"' {
                self.i += 1;
                break;
            }
            if !multi && c == b'\n' {
                return None;
            }
            if c == b'\\' {
                let e = *self.s.get(self.i + 1)?;
                self.i += 2;
                match e {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'"' => out.push(b'"'),
                    b'\\' => out.push(b'\\'),
                    b'u' | b'U' => {
                        let n = if e == b'u' { 4 } else { 8 };
                        let hex = std::str::from_utf8(self.s.get(self.i..self.i + n)?).ok()?;
                        let ch = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                        self.i += n;
                        out.extend_from_slice(ch.to_string().as_bytes());
                    }
                    b'\n' if multi => {
                        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            self.i += 1;
                        }
                    }
                    other => {
                        out.push(b'\\');
                        out.push(other);
                    }
                }
                continue;
            }
            out.push(c);
            self.i += 1;
        }
        Some(String::from_utf8_lossy(&out).into_owned())
    }

    fn literal_string(&mut self) -> Option<String> {
        let multi = self.s[self.i..].starts_with(b"'''");
        let close: &[u8] = if multi { b"'''" } else { b"'" };
        self.i += close.len();
        let start = self.i;
        loop {
            if self.s[self.i..].starts_with(close) {
                let v = String::from_utf8_lossy(&self.s[start..self.i]).into_owned();
                self.i += close.len();
                return Some(v);
            }
            let c = self.peek()?;
            if !multi && c == b'\n' {
                return None;
            }
            self.i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codex_config() {
        let text = r#"
# Codex
approval_policy = "never"
sandbox_mode = 'danger-full-access'

[mcp_servers.github]
command = "npx"
args = [
  "-y",   # unpinned
  "@modelcontextprotocol/server-github",
]
env = { GITHUB_TOKEN = "${GITHUB_TOKEN}", "X.Y" = 1 }

[mcp_servers.fs.env]
ROOT = """
/"""

[[profiles]]
name = "a"
[[profiles]]
name = "b"
"#;
        let v = parse(text).unwrap();
        assert_eq!(v["approval_policy"], "never");
        assert_eq!(v["sandbox_mode"], "danger-full-access");
        assert_eq!(
            v["mcp_servers"]["github"]["args"],
            json!(["-y", "@modelcontextprotocol/server-github"])
        );
        assert_eq!(v["mcp_servers"]["github"]["env"]["X.Y"], 1);
        assert_eq!(v["mcp_servers"]["fs"]["env"]["ROOT"], "/");
        assert_eq!(v["profiles"][1]["name"], "b");
    }

    #[test]
    fn what_it_cannot_read_is_unreadable() {
        assert_eq!(parse("a = \"unterminated\n"), None);
        assert_eq!(parse("[table\n"), None);
        assert_eq!(parse("a = [1, 2\n"), None);
        assert_eq!(parse("= 1\n"), None);
    }
}
