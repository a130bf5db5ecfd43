//! Splits a markdown text into the units intent analysis reads: sentences of paragraphs,
//! list items and headings, each with the block (paragraph or item) and section (heading)
//! it belongs to and what kind of text it is. Code blocks are left to the pattern rules
//! and tier 2; HTML comments are read as text (the model reads them, people do not).

use std::ops::Range;

use super::super::Doc;
use super::super::markdown::Region;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Prose,
    Heading,
    /// A `>` quotation.
    Quote,
    Table,
    /// Inside `<!-- … -->`.
    Comment,
}

#[derive(Debug, Clone)]
pub struct Sentence {
    /// Byte range in the document's text.
    pub start: usize,
    pub end: usize,
    /// Paragraph or list item.
    pub block: u32,
    /// 0-based line of the heading above (`u32::MAX` when none).
    pub section: u32,
    pub kind: Kind,
    /// Part of a list item.
    pub list_item: bool,
}

fn is_list_item(t: &str) -> bool {
    let t = t.trim_start();
    if let Some(rest) = t.strip_prefix(['-', '*', '+']) {
        return rest.starts_with(' ');
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && digits < 4 && matches!(t.as_bytes().get(digits), Some(b'.' | b')'))
}

fn is_heading(t: &str) -> bool {
    let t = t.trim_start();
    t.starts_with('#') && t.trim_start_matches('#').starts_with(' ')
}

/// Sentence ends inside `block` (byte offsets of the text): `.`, `!`, `?` or `;` followed
/// by white space or the end, except in "e.g." and "i.e."-like abbreviations.
fn split_sentences(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut from = start;
    let mut i = start;
    while i < end {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?' | b';') {
            let next = bytes.get(i + 1).copied();
            let ends = i + 1 >= end || next.is_some_and(|n| n.is_ascii_whitespace());
            // Only asked where a sentence could end.
            let abbreviation = || {
                b == b'.' && {
                    // Non-ASCII white space (U+00A0…) is several bytes long.
                    let word_start = text[from..i]
                        .char_indices()
                        .rfind(|(_, c)| c.is_whitespace())
                        .map_or(from, |(w, c)| from + w + c.len_utf8());
                    let w = &text[word_start..=i];
                    [
                        "e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "no.", "fig.",
                    ]
                    .iter()
                    .any(|a| w.eq_ignore_ascii_case(a))
                        || w.len() <= 2
                }
            };
            if ends && !abbreviation() {
                if i + 1 > from {
                    out.push((from, i + 1));
                }
                from = i + 1;
            }
        }
        i += 1;
    }
    if end > from && !text[from..end].trim().is_empty() {
        out.push((from, end));
    }
}

/// The whole lines that hold `sentences`, as sorted, merged byte ranges.
pub(crate) fn line_spans(text: &str, sentences: &[Sentence]) -> Vec<Range<usize>> {
    let mut lines: Vec<(usize, usize)> = sentences
        .iter()
        .map(|s| {
            let start = text[..s.start].rfind('\n').map_or(0, |i| i + 1);
            let end = text[s.end..].find('\n').map_or(text.len(), |i| s.end + i);
            (start, end)
        })
        .collect();
    lines.sort_unstable();
    let mut out: Vec<Range<usize>> = Vec::new();
    for (start, end) in lines {
        match out.last_mut() {
            Some(last) if start <= last.end + 1 => last.end = last.end.max(end),
            _ => out.push(start..end),
        }
    }
    out
}

/// The sentences of a markdown document (body only).
pub(crate) fn sentences(doc: &Doc) -> Vec<Sentence> {
    let mut out = Vec::new();
    let Some(layout) = &doc.layout else {
        return out;
    };
    let text = doc.text;
    let n = doc.line_starts.len();
    let mut block: u32 = 0;
    // Current paragraph: byte start, end, kind, section.
    let mut para: Option<(usize, usize, Kind, u32)> = None;
    let flush =
        |para: &mut Option<(usize, usize, Kind, u32)>, block: &mut u32, out: &mut Vec<Sentence>| {
            if let Some((s, e, kind, section)) = para.take() {
                let list_item = is_list_item(&text[s..e]);
                let mut parts = Vec::new();
                split_sentences(text, s, e, &mut parts);
                for (a, b) in parts {
                    out.push(Sentence {
                        start: a,
                        end: b,
                        block: *block,
                        section,
                        kind,
                        list_item,
                    });
                }
                *block += 1;
            }
        };
    for idx in 0..n {
        let start = doc.line_starts[idx];
        let line = doc.line_text(idx);
        let end = start + line.len();
        let trimmed = line.trim_start();
        let first = start + (line.len() - trimmed.len());
        let section = layout.heading(idx).map_or(u32::MAX, |h| h as u32);
        if trimmed.is_empty() {
            flush(&mut para, &mut block, &mut out);
            continue;
        }
        let region = layout.region(text, idx, start, first);
        let kind = match region {
            Region::Frontmatter | Region::Fence { .. } => {
                flush(&mut para, &mut block, &mut out);
                continue;
            }
            Region::HtmlComment => Kind::Comment,
            Region::Table => Kind::Table,
            Region::Prose | Region::InlineCode => {
                if is_heading(trimmed) {
                    Kind::Heading
                } else if trimmed.starts_with('>') {
                    Kind::Quote
                } else {
                    Kind::Prose
                }
            }
        };
        let starts_block = matches!(kind, Kind::Heading | Kind::Table)
            || is_list_item(trimmed)
            || para.is_some_and(|(_, _, k, _)| k != kind);
        if starts_block {
            flush(&mut para, &mut block, &mut out);
        }
        match &mut para {
            Some((_, e, _, _)) => *e = end,
            None => para = Some((first, end, kind, section)),
        }
        if matches!(kind, Kind::Heading | Kind::Table) {
            flush(&mut para, &mut block, &mut out);
        }
    }
    flush(&mut para, &mut block, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_at_stops_but_not_abbreviations() {
        let t = "Read the file, e.g. notes.txt. Then send it! Done";
        let mut v = Vec::new();
        split_sentences(t, 0, t.len(), &mut v);
        let got: Vec<&str> = v.iter().map(|(a, b)| &t[*a..*b]).collect();
        assert_eq!(
            got,
            ["Read the file, e.g. notes.txt.", " Then send it!", " Done"]
        );
    }

    #[test]
    fn line_spans_are_whole_merged_lines() {
        let t = "# T\n\nRead it. Send it.\nNext line\n\n```\ncode\n```\nLast";
        let at = |w: &str| t.find(w).unwrap();
        let sent = |a: usize, b: usize| Sentence {
            start: a,
            end: b,
            block: 0,
            section: 0,
            kind: Kind::Prose,
            list_item: false,
        };
        let spans = line_spans(
            t,
            &[
                sent(at("Send"), at("Next") - 1),
                sent(at("Read"), at("Send")),
                sent(at("Next"), at("Next") + 4),
                sent(at("Last"), t.len()),
            ],
        );
        assert_eq!(spans, [at("Read")..at("Next") + 9, at("Last")..t.len()]);
        // The lexicon finds in the spans what it finds there in the whole text.
        let whole: Vec<(usize, usize)> =
            super::super::lexicon::hits(t, std::slice::from_ref(&(0..t.len())))
                .iter()
                .map(|h| (h.start, h.end))
                .filter(|h| spans.iter().any(|r| r.start <= h.0 && h.1 <= r.end))
                .collect();
        let spanned: Vec<(usize, usize)> = super::super::lexicon::hits(t, &spans)
            .iter()
            .map(|h| (h.start, h.end))
            .collect();
        assert!(!whole.is_empty());
        assert_eq!(whole, spanned);
    }

    #[test]
    fn list_items_and_headings_are_recognised() {
        assert!(is_list_item("- item"));
        assert!(is_list_item("  12. item"));
        assert!(!is_list_item("-item"));
        assert!(is_heading("## Setup"));
        assert!(!is_heading("#hashtag"));
    }
}
