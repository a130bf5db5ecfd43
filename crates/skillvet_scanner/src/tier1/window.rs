//! Where a rule's regex can match, given where the prefilter found its literals. Every
//! match holds one of the regex's necessary literals, so running the regex on the lines
//! around those literals instead of the whole document finds the same matches, in the same
//! order, at a fraction of the cost on long documents.
//!
//! How far a match reaches is counted in lines: a match touches the line of its literal
//! and, past it, only lines it enters through a newline. A newline matched by a run of
//! white space (`\s+`) enters blank lines until the run ends, and at most one line that is
//! not blank; any other newline in the pattern enters one line. So a pattern with `k` such
//! crossings touches at most `k` non-blank lines besides its literal's.

use std::ops::Range;

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// More crossings than this: the windows would be most of a document anyway.
const MAX_CROSSINGS: usize = 8;

/// The crossings of `pattern` as the rules compile it (multi-line); `None` when they are
/// unbounded, too many, or the pattern looks at the very start or end of the text (`\A`,
/// `\z`), which a slice would move.
pub(crate) fn crossings_of(pattern: &str) -> Option<usize> {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(pattern)
        .ok()?;
    if looks_at_text_edge(&hir) {
        return None;
    }
    crossings(&hir).filter(|&k| k <= MAX_CROSSINGS)
}

fn looks_at_text_edge(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Look(l) => matches!(l, Look::Start | Look::End),
        HirKind::Capture(c) => looks_at_text_edge(&c.sub),
        HirKind::Repetition(r) => looks_at_text_edge(&r.sub),
        HirKind::Concat(xs) | HirKind::Alternation(xs) => xs.iter().any(looks_at_text_edge),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) => false,
    }
}

/// The characters of a class, `None` past a few dozen.
fn class_chars(c: &Class) -> Option<Vec<char>> {
    let chars: Vec<char> = match c {
        Class::Unicode(u) => u
            .ranges()
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .take(65)
            .collect(),
        Class::Bytes(b) => b
            .ranges()
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .take(65)
            .map(char::from)
            .collect(),
    };
    (chars.len() <= 64).then_some(chars)
}

fn has_newline(c: &Class) -> bool {
    match c {
        Class::Unicode(u) => u
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        Class::Bytes(b) => b
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
    }
}

/// Most lines a match of `h` enters through newlines, counted as the module says.
fn crossings(h: &Hir) -> Option<usize> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(0),
        HirKind::Literal(l) => Some(l.0.iter().filter(|&&b| b == b'\n').count()),
        HirKind::Class(c) => Some(usize::from(has_newline(c))),
        HirKind::Capture(c) => crossings(&c.sub),
        HirKind::Concat(xs) => xs.iter().map(crossings).sum(),
        HirKind::Alternation(xs) => xs.iter().map(crossings).try_fold(0, |m, k| Some(m.max(k?))),
        HirKind::Repetition(r) => {
            if let HirKind::Class(c) = r.sub.kind()
                && has_newline(c)
                && class_chars(c).is_some_and(|cs| cs.iter().all(|c| c.is_whitespace()))
            {
                // One run of white space, however long.
                return Some(1);
            }
            match crossings(&r.sub)? {
                0 => Some(0),
                k => r.max.map(|m| k.saturating_mul(m as usize)),
            }
        }
    }
}

/// The lines of one text, as the windows need them.
pub(crate) struct Lines<'a> {
    pub text: &'a str,
    pub starts: &'a [usize],
    /// Per line: only white space.
    blank: Vec<bool>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str, starts: &'a [usize]) -> Lines<'a> {
        let blank = (0..starts.len())
            .map(|i| {
                let end = starts.get(i + 1).copied().unwrap_or(text.len());
                text[starts[i]..end].chars().all(char::is_whitespace)
            })
            .collect();
        Lines {
            text,
            starts,
            blank,
        }
    }

    fn end_of(&self, line: usize) -> usize {
        self.starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Lines `line` and the `k` non-blank lines on each side (with the blank lines between),
    /// plus the next non-blank line below as context for `$` and `\b` where a match ends.
    fn around(&self, line: usize, k: usize) -> Range<usize> {
        let mut first = line;
        let mut seen = 0;
        while first > 0 {
            if !self.blank[first - 1] {
                if seen == k {
                    break;
                }
                seen += 1;
            }
            first -= 1;
        }
        let mut last = line;
        let mut seen = 0;
        while last + 1 < self.starts.len() {
            last += 1;
            if !self.blank[last] {
                seen += 1;
                if seen > k {
                    break;
                }
            }
        }
        self.starts[first]..self.end_of(last)
    }
}

/// Ranges of the text that hold every match of a pattern with `k` crossings around its
/// literal `hits` (sorted by start, each inside one line and not blank), merged.
pub(crate) fn windows(
    lines: &Lines,
    hits: impl Iterator<Item = (usize, usize)>,
    k: usize,
) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut last_line = usize::MAX;
    for (start, _) in hits {
        let line = lines.starts.partition_point(|&o| o <= start) - 1;
        if line == last_line {
            continue;
        }
        last_line = line;
        let w = lines.around(line, k);
        match out.last_mut() {
            Some(prev) if w.start <= prev.end => prev.end = prev.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_follow_the_regex() {
        assert_eq!(crossings_of(r"(?i)\bcurl\b[^\n|]*\|[ \t]*sh\b"), Some(0));
        assert_eq!(crossings_of(r"^rm -rf /$"), Some(0));
        // Each run of white space enters one more non-blank line.
        assert_eq!(crossings_of(r"(?i)\bcurl\b[^\n|]*\|\s*sh"), Some(1));
        assert_eq!(crossings_of(r"a\s+b\s*c"), Some(2));
        assert_eq!(crossings_of(r"a(\s+b)*"), None);
        assert_eq!(crossings_of(r"a(\s+b){1,3}"), Some(3));
        assert_eq!(crossings_of(r"a\nb"), Some(1));
        assert_eq!(crossings_of(r"a[^.;]{0,80}b"), None);
        assert_eq!(crossings_of(r"a[^.;]{0,3}b"), Some(3));
        assert_eq!(crossings_of(r"(?s)a.*b"), None);
        assert_eq!(crossings_of(r"\Aa"), None);
    }

    #[test]
    fn windows_cover_the_crossable_lines() {
        let text = "zero\n\nbought\n\n  \nemail lists\nfive\nsix\n";
        let starts = super::super::line_starts(text);
        let lines = Lines::new(text, &starts);
        let at = text.find("bought").unwrap();
        let hit = [(at, at + 6)];
        // k = 0: the hit's line, the blank lines around it and the next non-blank line.
        let w = windows(&lines, hit.into_iter(), 0);
        assert_eq!(&text[w[0].clone()], "\nbought\n\n  \nemail lists\n");
        // k = 1: one more non-blank line on each side.
        let w = windows(&lines, hit.into_iter(), 1);
        assert_eq!(
            &text[w[0].clone()],
            "zero\n\nbought\n\n  \nemail lists\nfive\n"
        );
        let re = regex::Regex::new(r"bought\s+(e-?mail\s+)?lists").unwrap();
        assert!(re.is_match(&text[w[0].clone()]));
    }
}
