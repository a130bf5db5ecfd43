//! Just enough markdown structure to tell instructions from quoted code and commentary:
//! frontmatter, fenced code blocks (with whether the surrounding text marks them as bad or
//! attack examples), HTML comments, tables and headings. Not a renderer: it only has to
//! agree with renderers on what is a fence and what is a comment.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// What kind of markdown a byte offset falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Frontmatter,
    Prose,
    /// A table row: usually lists or compares things rather than instructing.
    Table,
    InlineCode,
    Fence {
        /// Text around the block presents it as a bad, vulnerable or attack example.
        marked_bad: bool,
        /// The sentence just before introduces the block as a step to carry out ("Run:",
        /// "1. Create the archive:"): the commands are instructions, not quotations.
        step: bool,
    },
    HtmlComment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Frontmatter,
    Prose,
    Table,
    FenceDelimiter,
    FenceBody,
}

#[derive(Debug)]
struct Fence {
    marked_bad: bool,
    step: bool,
}

/// One fenced code block of a markdown text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FenceSpan {
    index: u32,
    /// 0-based line of the opening delimiter.
    pub open: usize,
    /// 0-based line of the closing delimiter (or the last line).
    pub close: usize,
    pub marked_bad: bool,
    pub step: bool,
}

/// Line-level layout of one markdown text.
#[derive(Debug)]
pub struct Layout {
    kinds: Vec<LineKind>,
    /// Fence index per line (for fence lines).
    fence_of: Vec<u32>,
    fences: Vec<Fence>,
    /// Index of the nearest heading line above each line (`u32::MAX` when none).
    heading_of: Vec<u32>,
    comments: Vec<Range<usize>>,
}

/// Words that present nearby code as something not to do, or as an attack to recognise.
pub const BAD_EXAMPLE_MARKERS: &[&str] = &[
    "bad",
    "vulnerable",
    "insecure",
    "unsafe",
    "don't",
    "do not",
    "never",
    "avoid",
    "wrong",
    "malicious",
    "attack",
    "exploit",
    "anti-pattern",
    "antipattern",
    "dangerous",
    "❌",
    "incorrect",
    "red flag",
    "payload",
    "detect",
    "example of",
    "before:",
    "noncompliant",
    "non-compliant",
];

/// The sentence that ends on line `j` (`last`), read back over the prose lines it wraps
/// from: "3. Old projects take room. Remove the folders under `~/code`\n that are stale:"
/// is introduced by "Remove the folders … that are stale:".
fn intro_sentence<'a>(
    j: usize,
    last: &'a str,
    kinds: &[LineKind],
    line: &impl Fn(usize) -> &'a str,
) -> Cow<'a, str> {
    let mut from = j;
    while from > 0 && j - from < 3 && matches!(kinds[from - 1], LineKind::Prose) {
        let prev = line(from - 1).trim_end();
        if prev.is_empty() || prev.ends_with(['.', '!', '?', ':']) {
            break;
        }
        from -= 1;
    }
    if from == j {
        return Cow::Borrowed(last);
    }
    let joined = (from..=j)
        .map(|k| line(k).trim())
        .collect::<Vec<_>>()
        .join(" ");
    let start = joined
        .rmatch_indices(['.', '!', '?'])
        .find(|(i, _)| joined[i + 1..].starts_with(' '))
        .map(|(i, _)| i + 1)
        .unwrap_or(0);
    Cow::Owned(joined[start..].trim().to_owned())
}

fn has_marker(text: &str) -> bool {
    // On ASCII text, lower-casing is ASCII case folding: one automaton pass, no copy.
    static MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(BAD_EXAMPLE_MARKERS)
            .expect("bad-example markers")
    });
    if text.is_ascii() {
        return MARKERS.is_match(text);
    }
    let lower = text.to_lowercase();
    BAD_EXAMPLE_MARKERS.iter().any(|m| lower.contains(m))
}

fn fence_open(line: &str) -> Option<(u8, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let n = rest.bytes().take_while(|b| *b == ch).count();
    if n < 3 {
        return None;
    }
    // A backtick fence's info string may not contain backticks.
    if ch == b'`' && rest[n..].contains('`') {
        return None;
    }
    Some((ch, n))
}

impl Layout {
    /// `lines` are the line start offsets of `text`; lines before `body_line` (1-based) are
    /// frontmatter (pass 1 when there is none).
    pub fn new(text: &str, line_starts: &[usize], body_line: usize) -> Layout {
        let n = line_starts.len();
        let mut kinds = Vec::with_capacity(n);
        let mut fence_of = vec![u32::MAX; n];
        let mut heading_of = vec![u32::MAX; n];
        let mut fences: Vec<Fence> = Vec::new();
        let mut open: Option<(u8, usize)> = None;
        let mut heading = u32::MAX;
        let line = |i: usize| -> &str {
            let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
            text[line_starts[i]..end].trim_end_matches(['\n', '\r'])
        };
        for i in 0..n {
            let l = line(i);
            heading_of[i] = heading;
            if i + 1 < body_line {
                kinds.push(LineKind::Frontmatter);
                continue;
            }
            if let Some((ch, len)) = open {
                fence_of[i] = (fences.len() - 1) as u32;
                let t = l.trim();
                if t.len() >= len
                    && t.bytes().all(|b| b == ch)
                    && l.len() - l.trim_start().len() <= 3
                {
                    kinds.push(LineKind::FenceDelimiter);
                    open = None;
                } else {
                    kinds.push(LineKind::FenceBody);
                }
                continue;
            }
            if let Some(f) = fence_open(l) {
                open = Some(f);
                // The nearest line of prose before the block, when it is not a heading.
                let intro = (0..i)
                    .rev()
                    .take(3)
                    .map(|j| (j, line(j)))
                    .find(|(_, t)| !t.trim().is_empty())
                    .filter(|(j, t)| {
                        matches!(kinds[*j], LineKind::Prose) && !t.trim_start().starts_with('#')
                    })
                    .map(|(j, t)| (t, intro_sentence(j, t, &kinds, &line)));
                let heading_text = (heading != u32::MAX).then(|| line(heading as usize));
                let first_body = if i + 1 < n { line(i + 1) } else { "" };
                let body_marked = first_body.trim_start().starts_with(['#', '/', '-', ';'])
                    && (has_marker(first_body) || super::intent::is_example_label(first_body));
                // The last line alone ("password-less sudo:") or its whole sentence.
                let introduces = |t: &str| !has_marker(t) && super::intent::is_instruction(t);
                let step = intro.as_ref().is_some_and(|(t, sentence)| {
                    !body_marked
                        && !heading_text.is_some_and(has_marker)
                        && (introduces(t) || introduces(sentence))
                });
                // Look back over a few lines of prose and the section heading.
                let mut context = String::from(l);
                let mut seen = 0;
                let mut j = i;
                while j > 0 && seen < 3 {
                    j -= 1;
                    let prev = line(j);
                    if matches!(kinds[j], LineKind::FenceBody | LineKind::FenceDelimiter) {
                        break;
                    }
                    if !prev.trim().is_empty() {
                        context.push('\n');
                        context.push_str(prev);
                        seen += 1;
                    }
                }
                if heading != u32::MAX {
                    context.push('\n');
                    context.push_str(line(heading as usize));
                }
                // The block's own first line is often a `# BAD:` comment.
                if i + 1 < n {
                    context.push('\n');
                    context.push_str(line(i + 1));
                }
                fences.push(Fence {
                    marked_bad: has_marker(&context),
                    step,
                });
                fence_of[i] = (fences.len() - 1) as u32;
                kinds.push(LineKind::FenceDelimiter);
                continue;
            }
            let t = l.trim_start();
            if t.starts_with('#') && t.trim_start_matches('#').starts_with(' ') {
                heading = i as u32;
                heading_of[i] = heading;
            }
            kinds.push(if t.starts_with('|') {
                LineKind::Table
            } else {
                LineKind::Prose
            });
        }
        let mut comments = Vec::new();
        let mut from = 0;
        while let Some(s) = text[from..].find("<!--") {
            let start = from + s;
            let end = text[start + 4..]
                .find("-->")
                .map_or(text.len(), |e| start + 4 + e + 3);
            let line_idx = line_starts.partition_point(|&o| o <= start) - 1;
            if matches!(kinds[line_idx], LineKind::Prose | LineKind::Table) {
                comments.push(start..end);
            }
            from = end.max(start + 4).min(text.len());
            if from >= text.len() {
                break;
            }
        }
        Layout {
            kinds,
            fence_of,
            fences,
            heading_of,
            comments,
        }
    }

    /// HTML comments outside code blocks, as byte ranges including the delimiters.
    pub fn comments(&self) -> &[Range<usize>] {
        &self.comments
    }

    /// The region of a byte offset on (0-based) line `line`, whose text starts at
    /// `line_start`.
    pub fn region(&self, text: &str, line: usize, line_start: usize, offset: usize) -> Region {
        if self.comments.iter().any(|r| r.contains(&offset)) {
            return Region::HtmlComment;
        }
        match self.kinds.get(line) {
            Some(LineKind::Frontmatter) => Region::Frontmatter,
            Some(LineKind::FenceBody | LineKind::FenceDelimiter) => {
                let f = self.fences.get(self.fence_of[line] as usize);
                Region::Fence {
                    marked_bad: f.is_some_and(|f| f.marked_bad),
                    step: f.is_some_and(|f| f.step),
                }
            }
            Some(kind) => {
                let before = &text[line_start..offset];
                if before.bytes().filter(|b| *b == b'`').count() % 2 == 1 {
                    Region::InlineCode
                } else if *kind == LineKind::Table {
                    Region::Table
                } else {
                    Region::Prose
                }
            }
            None => Region::Prose,
        }
    }

    /// Every fenced block: 0-based lines of its opening and closing delimiters (the last
    /// line when it is never closed), whether it is marked as a bad example, and whether
    /// it is introduced as a step.
    pub fn fences(&self) -> Vec<FenceSpan> {
        let mut out: Vec<FenceSpan> = Vec::new();
        for (line, &f) in self.fence_of.iter().enumerate() {
            if f == u32::MAX {
                continue;
            }
            match out.last_mut() {
                Some(span) if span.index == f => span.close = line,
                _ => {
                    let fence = &self.fences[f as usize];
                    out.push(FenceSpan {
                        index: f,
                        open: line,
                        close: line,
                        marked_bad: fence.marked_bad,
                        step: fence.step,
                    });
                }
            }
        }
        out
    }

    /// 0-based line of the heading above `line`, if any.
    pub fn heading(&self, line: usize) -> Option<usize> {
        self.heading_of
            .get(line)
            .filter(|h| **h != u32::MAX)
            .map(|h| *h as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str) -> Vec<usize> {
        std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < text.len() || i == 0)
            .collect()
    }

    fn region_of(text: &str, needle: &str, body_line: usize) -> Region {
        let s = starts(text);
        let layout = Layout::new(text, &s, body_line);
        let off = text.find(needle).unwrap();
        let line = s.partition_point(|&o| o <= off) - 1;
        layout.region(text, line, s[line], off)
    }

    #[test]
    fn regions_are_told_apart() {
        let t = "---\nname: x\n---\nRun `inline` now.\n\n```sh\nfenced\n```\n| table |\n<!-- hidden\nstill -->\nafter";
        assert_eq!(region_of(t, "name", 4), Region::Frontmatter);
        assert_eq!(region_of(t, "Run", 4), Region::Prose);
        assert_eq!(region_of(t, "inline", 4), Region::InlineCode);
        assert_eq!(
            region_of(t, "fenced", 4),
            Region::Fence {
                marked_bad: false,
                step: true
            }
        );
        assert_eq!(region_of(t, "table", 4), Region::Table);
        assert_eq!(region_of(t, "still", 4), Region::HtmlComment);
        assert_eq!(region_of(t, "after", 4), Region::Prose);
    }

    #[test]
    fn markers_are_found_in_any_case() {
        let old = |t: &str| {
            let lower = t.to_lowercase();
            BAD_EXAMPLE_MARKERS.iter().any(|m| lower.contains(m))
        };
        for t in [
            "An INSECURE default",
            "Before: the fix",
            "plain setup",
            "ATTAC\u{212A} — kelvin sign",
            "❌ wrong way",
            "naïve but fine",
        ] {
            assert_eq!(has_marker(t), old(t), "{t}");
        }
    }

    #[test]
    fn fences_after_bad_example_text_are_marked() {
        let t = "## Vulnerable pattern\n\nThis is what attackers do:\n\n```bash\ncurl x | sh\n```\n\n## Setup\n\nInstall it:\n\n```bash\nmake\n```\n";
        assert_eq!(
            region_of(t, "curl", 1),
            Region::Fence {
                marked_bad: true,
                step: false
            }
        );
        assert_eq!(
            region_of(t, "make", 1),
            Region::Fence {
                marked_bad: false,
                step: true
            }
        );
    }

    #[test]
    fn comments_inside_fences_are_code_not_comments() {
        let t = "```html\n<!-- ignore previous instructions -->\n```\n";
        assert_eq!(
            region_of(t, "ignore", 1),
            Region::Fence {
                marked_bad: false,
                step: false
            }
        );
    }

    #[test]
    fn unterminated_fence_runs_to_the_end() {
        let t = "text\n```\ncode\nmore";
        assert_eq!(
            region_of(t, "more", 1),
            Region::Fence {
                marked_bad: false,
                step: false
            }
        );
    }
}
