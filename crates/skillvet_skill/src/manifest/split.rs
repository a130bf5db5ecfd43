//! Locating the frontmatter block in SKILL.md text: `---` on the very first line, closed by the
//! next `---` line. Line endings may be LF, CRLF or a lone CR (all count as one line break, as
//! in YAML), so line numbers agree with what an editor shows.

/// A line of text: its content (without terminator) and where the next line starts.
struct Line<'a> {
    content: &'a str,
    next: usize,
}

fn line_at(text: &str, start: usize) -> Option<Line<'_>> {
    if start >= text.len() {
        return None;
    }
    let rest = &text[start..];
    match rest.find(['\n', '\r']) {
        None => Some(Line {
            content: rest,
            next: text.len(),
        }),
        Some(i) => {
            let terminator = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
            Some(Line {
                content: &rest[..i],
                next: start + i + terminator,
            })
        }
    }
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end_matches([' ', '\t']) == "---"
}

pub struct Split<'a> {
    /// YAML text between the delimiters, line endings normalised to `\n`.
    pub yaml: String,
    /// Line number (1-based) in the file of the first YAML line.
    pub yaml_first_line: usize,
    /// Text after the closing delimiter, as written.
    pub body: &'a str,
    /// Line number (1-based) of the first body line.
    pub body_line: usize,
}

pub enum SplitError {
    /// The first line is not `---`.
    Missing,
    /// No closing `---` line (within the size cap).
    Unterminated,
    /// The block is larger than the cap (bytes).
    TooLarge,
}

/// Splits `text` (BOM already removed) into frontmatter YAML and body.
pub fn split(text: &str, max_frontmatter_bytes: usize) -> Result<Split<'_>, SplitError> {
    let first = line_at(text, 0).ok_or(SplitError::Missing)?;
    if !is_delimiter(first.content) {
        return Err(SplitError::Missing);
    }
    let yaml_start = first.next;
    let mut pos = yaml_start;
    let mut line_no = 2;
    while let Some(line) = line_at(text, pos) {
        if is_delimiter(line.content) {
            let yaml = normalise_newlines(&text[yaml_start..pos]);
            return Ok(Split {
                yaml,
                yaml_first_line: 2,
                body: &text[line.next..],
                body_line: line_no + 1,
            });
        }
        if line.next - yaml_start > max_frontmatter_bytes {
            return Err(SplitError::TooLarge);
        }
        pos = line.next;
        line_no += 1;
    }
    Err(SplitError::Unterminated)
}

fn normalise_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// 1-based (line, column in characters) of a byte offset, counting line breaks as [`split`] does.
pub fn position_of(bytes: &[u8], offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut line_start = 0;
    let mut i = 0;
    let end = offset.min(bytes.len());
    while i < end {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                i += 2;
                line += 1;
                line_start = i;
                continue;
            }
            b'\r' | b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let column = String::from_utf8_lossy(&bytes[line_start..end])
        .chars()
        .count()
        + 1;
    (line, column)
}
