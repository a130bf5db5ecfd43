//! Literal gates in front of regexes. [`Prefilter`] tells which rule patterns may match a
//! document at all; [`Gate`] runs phrasing regexes on sentences. Each regex runs as its top-level
//! alternatives, and an alternative runs on a sentence only when the sentence holds one of
//! the literals every match of it must contain. The literals come from the regex parser,
//! so a new alternative can never be gated out by a forgotten word list; one Aho-Corasick
//! pass per document replaces most of the regex calls per sentence (large alternations
//! with bounded gaps also overflow the lazy DFA's cache and fall back to slow engines).

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};
use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Bit set over the alternatives of a gate.
pub(crate) type Mask = u128;

pub(crate) struct Gate {
    /// Per phrasing, its alternatives and the bit of the first one.
    phrasings: Vec<(Vec<Regex>, u32)>,
    ac: AhoCorasick,
    /// Bit of the alternative each Aho-Corasick pattern belongs to, and whether it is a
    /// literal of the alternative's second set.
    owner: Vec<(Mask, bool)>,
    /// Alternatives without necessary literals: always run.
    always: Mask,
    /// Alternatives with one set of necessary literals only.
    single: Mask,
}

/// The top-level alternatives of `pattern`, each carrying the `(?i)` that a previous
/// alternative switched on for the rest of the pattern.
pub(crate) fn split_alternatives(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut class, mut escaped) = (0usize, 0usize, false);
    let mut from = 0;
    let mut insensitive = false;
    let push = |piece: &str, insensitive: bool, out: &mut Vec<String>| {
        if insensitive && !piece.starts_with("(?i)") {
            out.push(format!("(?i){piece}"));
        } else {
            out.push(piece.to_owned());
        }
    };
    let bytes = pattern.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if escaped {
            escaped = false;
            continue;
        }
        match b {
            b'\\' => escaped = true,
            b'[' => class += 1,
            b']' if class > 0 => class -= 1,
            _ if class > 0 => {}
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'|' if depth == 0 => {
                let piece = &pattern[from..i];
                let was = insensitive;
                insensitive |= piece.contains("(?i)");
                push(piece, was, &mut out);
                from = i + 1;
            }
            _ => {}
        }
    }
    push(&pattern[from..], insensitive, &mut out);
    out
}

/// A one-byte literal such as `.` or `(` matches nearly everywhere: no gate at all is
/// cheaper than one that fires on every other byte.
fn selective(l: &[u8]) -> bool {
    l.len() >= 2 || l.first().is_some_and(|b| b"@%~^`".contains(b))
}

/// Literals at least one of which every match of `h` contains.
fn required(h: &Hir) -> Option<Vec<Vec<u8>>> {
    match h.kind() {
        HirKind::Literal(l) => Some(vec![l.0.to_vec()]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Concat(xs) => xs
            .iter()
            .filter_map(required)
            .chain(joined_runs(xs))
            .max_by_key(|s| {
                (
                    s.iter().all(|l| selective(l)),
                    s.iter().map(Vec::len).min().unwrap_or(0),
                    usize::MAX - s.len(),
                )
            }),
        HirKind::Alternation(xs) => {
            let mut all = Vec::new();
            for x in xs {
                all.extend(required(x)?);
            }
            Some(all)
        }
        HirKind::Class(Class::Unicode(c)) => {
            let chars: Vec<char> = c
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .take(9)
                .collect();
            (chars.len() <= 8).then(|| chars.iter().map(|ch| ch.to_string().into_bytes()).collect())
        }
        HirKind::Class(Class::Bytes(c)) => {
            let bytes: Vec<u8> = c
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .take(9)
                .collect();
            (bytes.len() <= 8).then(|| bytes.iter().map(|b| vec![*b]).collect())
        }
        _ => None,
    }
}

/// At most this many strings in an [`exact`] set.
const MAX_EXACT: usize = 64;

/// Every string `h` can match, when there are few and none holds a line break: `(re|fwd?):`
/// is `re:`, `fw:` or `fwd:`. Look-arounds match the empty string.
fn exact(h: &Hir) -> Option<Vec<Vec<u8>>> {
    let set = match h.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![Vec::new()],
        HirKind::Literal(l) => vec![l.0.to_vec()],
        HirKind::Capture(c) => exact(&c.sub)?,
        HirKind::Repetition(r) if r.min == 0 && r.max == Some(1) => {
            let mut set = exact(&r.sub)?;
            set.push(Vec::new());
            set
        }
        HirKind::Alternation(xs) => {
            let mut all = Vec::new();
            for x in xs {
                all.extend(exact(x)?);
                if all.len() > MAX_EXACT {
                    return None;
                }
            }
            all
        }
        HirKind::Concat(xs) => {
            let mut all = vec![Vec::new()];
            for x in xs {
                all = product(&all, &exact(x)?)?;
            }
            all
        }
        HirKind::Class(_) => required(h)?,
        HirKind::Repetition(_) => return None,
    };
    (set.len() <= MAX_EXACT && set.iter().all(|l| !l.contains(&b'\n'))).then_some(set)
}

/// Each string of `a` followed by each of `b`, when there are few.
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_EXACT {
        return None;
    }
    let mut out: Vec<Vec<u8>> = a
        .iter()
        .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
        .collect();
    out.sort();
    out.dedup();
    Some(out)
}

/// The strings of runs of consecutive parts of a concatenation whose [`exact`] sets are
/// known, joined: every match holds one string of each run. Joined literals are longer,
/// so rarer, than those of any one part (`["']` then `(re|fwd?)` then `:`).
fn joined_runs(parts: &[Hir]) -> Vec<Vec<Vec<u8>>> {
    let mut runs = Vec::new();
    let mut run: Option<Vec<Vec<u8>>> = None;
    let mut finish = |run: &mut Option<Vec<Vec<u8>>>| {
        if let Some(r) = run.take().filter(|r| r.iter().all(|l| !l.is_empty())) {
            runs.push(r);
        }
    };
    for x in parts {
        match exact(x) {
            Some(set) => {
                let joined = run.as_ref().map_or(Some(set.clone()), |r| product(r, &set));
                match joined {
                    Some(j) => run = Some(j),
                    None => {
                        finish(&mut run);
                        run = Some(set);
                    }
                }
            }
            None => finish(&mut run),
        }
    }
    finish(&mut run);
    runs
}

/// The lower-cased literals of [`required`] for `pattern`; `None` when there are none.
pub(crate) fn necessary_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    // The gate matches ASCII case itself, so extracting from the case-sensitive form keeps
    // the sets small; non-ASCII case folding is handled by `Gate::scan`.
    let plain = pattern.replace("(?i)", "");
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&plain)
        .ok()?;
    let mut lits = required(&hir)?;
    if lits.is_empty() || !lits.iter().all(|l| selective(l)) {
        return None;
    }
    for l in &mut lits {
        l.make_ascii_lowercase();
    }
    lits.sort();
    lits.dedup();
    Some(lits)
}

/// Up to two sets of necessary literals for `pattern`, most selective first: each part of a
/// top-level concatenation is required, so a match holds a literal of every set. Requiring
/// two sets gates out far more sentences than one common word ("this", "the user") does.
fn necessary_literal_sets(pattern: &str) -> Vec<Vec<Vec<u8>>> {
    let plain = pattern.replace("(?i)", "");
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(&plain) else {
        return Vec::new();
    };
    let mut top = &hir;
    while let HirKind::Capture(c) = top.kind() {
        top = &c.sub;
    }
    let parts: Vec<&Hir> = match top.kind() {
        HirKind::Concat(xs) => xs.iter().collect(),
        _ => vec![top],
    };
    let mut sets: Vec<Vec<Vec<u8>>> = parts
        .into_iter()
        .filter_map(required)
        .filter(|lits| !lits.is_empty() && lits.iter().all(|l| selective(l)))
        .map(|mut lits| {
            for l in &mut lits {
                l.make_ascii_lowercase();
            }
            lits.sort();
            lits.dedup();
            lits
        })
        .collect();
    // Longer literals are rarer; fewer of them, fewer hits.
    sets.sort_by_key(|lits| {
        std::cmp::Reverse((
            lits.iter().map(Vec::len).min().unwrap_or(0),
            usize::MAX - lits.len(),
        ))
    });
    // A second set of words as common as "is" or "the" would cost more hits than it saves.
    if sets.get(1).is_some_and(|s| s.iter().any(|l| l.len() < 4)) {
        sets.truncate(1);
    }
    sets.truncate(2);
    sets
}

/// Which of a list of patterns may match a text. A pattern is a candidate when the text
/// holds one of its anchors (words its author says every match holds; none: no condition)
/// and a necessary literal of one of its top-level alternatives (derived from the regex;
/// no condition when an alternative has none). One automaton finds both kinds.
pub(crate) struct Prefilter {
    ac: AhoCorasick,
    /// Slot of each Aho-Corasick literal, and whether it is an anchor.
    owner: Vec<(usize, bool)>,
    /// Per slot: (needs an anchor, needs a derived literal); `None` never matches.
    needs: Vec<Option<(bool, bool)>>,
    /// Per slot: every match holds one of its derived literals as the automaton finds them
    /// (ASCII, so ASCII case folding is all the folding there is), each within one line and
    /// not only white space.
    bounded: Vec<bool>,
}

impl Prefilter {
    /// Slot `i` is `(pattern, anchors)`; a slot without a pattern is never a candidate.
    pub(crate) fn new(slots: &[(Option<&str>, &[&str])]) -> Prefilter {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owner = Vec::new();
        let mut needs = Vec::new();
        let mut bounded = Vec::new();
        for (i, (p, anchors)) in slots.iter().enumerate() {
            let Some(p) = p else {
                needs.push(None);
                bounded.push(false);
                continue;
            };
            let derived: Option<Vec<Vec<u8>>> = split_alternatives(p)
                .iter()
                .map(|alt| necessary_literals(alt))
                .collect::<Option<Vec<_>>>()
                .map(|l| l.into_iter().flatten().collect());
            for a in *anchors {
                literals.push(a.as_bytes().to_ascii_lowercase());
                owner.push((i, true));
            }
            if let Some(d) = &derived {
                for l in d {
                    literals.push(l.clone());
                    owner.push((i, false));
                }
            }
            needs.push(Some((!anchors.is_empty(), derived.is_some())));
            bounded.push(derived.is_some_and(|d| {
                d.iter().all(|l| {
                    l.is_ascii()
                        && !l.contains(&b'\n')
                        && l.iter().any(|b| !b.is_ascii_whitespace())
                })
            }));
        }
        let ac = automaton(&literals);
        Prefilter {
            ac,
            owner,
            needs,
            bounded,
        }
    }

    /// Per pattern, whether it may match `text`.
    #[cfg(test)]
    pub(crate) fn candidates(&self, text: &str) -> Vec<bool> {
        self.scan(text).may
    }

    /// Which patterns may match `text`, and where the derived literals of bounded ones are.
    pub(crate) fn scan(&self, text: &str) -> Candidates {
        if folds_to_ascii(text) {
            return Candidates {
                may: self.needs.iter().map(Option::is_some).collect(),
                literals: None,
            };
        }
        // (anchor seen, derived literal seen)
        let mut seen = vec![(false, false); self.needs.len()];
        let mut literals = Vec::new();
        for m in self.ac.find_overlapping_iter(text) {
            let (slot, anchor) = self.owner[m.pattern().as_usize()];
            if anchor {
                seen[slot].0 = true;
            } else {
                seen[slot].1 = true;
                if self.bounded[slot] {
                    literals.push((slot, m.start(), m.end()));
                }
            }
        }
        literals.sort_unstable();
        let may = self
            .needs
            .iter()
            .zip(seen)
            .map(|(need, (a, d))| need.is_some_and(|(na, nd)| (a || !na) && (d || !nd)))
            .collect();
        Candidates {
            may,
            literals: Some(literals),
        }
    }

    /// Whether every match of pattern `slot` holds one of the literals that
    /// [`Candidates::literals`] lists.
    pub(crate) fn bounded(&self, slot: usize) -> bool {
        self.bounded[slot]
    }

    /// Stops listing the literals of the bounded patterns for which `keep` is false (their
    /// positions would go unused).
    pub(crate) fn keep_literals(&mut self, keep: impl Fn(usize) -> bool) {
        for (slot, b) in self.bounded.iter_mut().enumerate() {
            *b &= keep(slot);
        }
    }
}

/// What [`Prefilter::scan`] found in a text.
pub(crate) struct Candidates {
    /// Per pattern, whether it may match.
    pub may: Vec<bool>,
    /// (pattern, start, end) of the derived literals of bounded patterns, sorted; `None`
    /// when literals do not bound matches in this text (non-ASCII case folding).
    literals: Option<Vec<(usize, usize, usize)>>,
}

impl Candidates {
    /// Where the derived literals of bounded pattern `slot` are, if they bound its matches.
    pub(crate) fn literals(&self, slot: usize) -> Option<impl Iterator<Item = (usize, usize)>> {
        let l = self.literals.as_ref()?;
        let from = l.partition_point(|h| h.0 < slot);
        Some(
            l[from..]
                .iter()
                .take_while(move |h| h.0 == slot)
                .map(|h| (h.1, h.2)),
        )
    }
}

/// Every occurrence of `literals`, overlapping, ASCII case-insensitively.
fn automaton(literals: &[Vec<u8>]) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(literals)
        .expect("gate automaton")
}

/// Characters outside ASCII whose simple case folding is an ASCII letter (ſ → s, K → k):
/// `(?i)` regexes match them, an ASCII case-insensitive gate would not.
const FOLDS_TO_ASCII: [char; 2] = ['\u{17F}', '\u{212A}'];

/// Whether `text` holds one of [`FOLDS_TO_ASCII`]: substring searches (vectorised) rather
/// than a character pattern, which decodes every character.
fn folds_to_ascii(text: &str) -> bool {
    FOLDS_TO_ASCII
        .iter()
        .any(|c| text.contains(c.encode_utf8(&mut [0; 4]) as &str))
}

impl Gate {
    /// A gate over `patterns`; phrasing `i` is `patterns[i]`.
    pub(crate) fn new(patterns: &[&str]) -> Gate {
        let mut phrasings = Vec::new();
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owner = Vec::new();
        let mut always: Mask = 0;
        let mut single: Mask = 0;
        let mut bit = 0u32;
        for pattern in patterns {
            let mut alternatives = Vec::new();
            let first = bit;
            for alt in split_alternatives(pattern) {
                assert!(bit < Mask::BITS, "too many alternatives for one gate");
                alternatives.push(Regex::new(&alt).expect("phrasing alternative"));
                let sets = necessary_literal_sets(&alt);
                match sets.len() {
                    0 => always |= 1 << bit,
                    1 => single |= 1 << bit,
                    _ => {}
                }
                for (i, lits) in sets.into_iter().enumerate() {
                    for l in lits {
                        literals.push(l);
                        owner.push((1 << bit, i == 1));
                    }
                }
                bit += 1;
            }
            phrasings.push((alternatives, first));
        }
        let ac = automaton(&literals);
        Gate {
            phrasings,
            ac,
            owner,
            always,
            single,
        }
    }

    /// Where `text` holds gate literals inside `spans`, for [`Marks::mask`] of ranges within
    /// them.
    pub(crate) fn scan(&self, text: &str, spans: &[Range<usize>]) -> Marks {
        if folds_to_ascii(text) {
            return Marks {
                hits: Vec::new(),
                open: true,
                always: self.always,
                single: self.single,
            };
        }
        let mut hits: Vec<(usize, usize, (Mask, bool))> = spans
            .iter()
            .flat_map(|r| {
                self.ac
                    .find_overlapping_iter(Input::new(text).span(r.clone()))
            })
            .map(|m| (m.start(), m.end(), self.owner[m.pattern().as_usize()]))
            .collect();
        hits.sort_unstable_by_key(|h| h.0);
        Marks {
            hits,
            open: false,
            always: self.always,
            single: self.single,
        }
    }

    /// The alternatives of phrasing `id` that `mask` lets run.
    pub(crate) fn alternatives(&self, id: usize, mask: Mask) -> impl Iterator<Item = &Regex> {
        let (alts, first) = &self.phrasings[id];
        // The phrasing's bits, walked one set bit at a time.
        let mut bits = (mask >> first) & (Mask::MAX >> (Mask::BITS as usize - alts.len()));
        std::iter::from_fn(move || {
            let i = bits.trailing_zeros() as usize;
            (bits != 0).then(|| {
                bits &= bits - 1;
                &alts[i]
            })
        })
    }

    /// Whether phrasing `id` matches `s` (a sentence whose mask is `mask`).
    pub(crate) fn is_match(&self, id: usize, mask: Mask, s: &str) -> bool {
        self.alternatives(id, mask).any(|re| re.is_match(s))
    }
}

/// Where a document holds gate literals.
pub(crate) struct Marks {
    /// Start, end, alternative bit and whether of its second literal set.
    hits: Vec<(usize, usize, (Mask, bool))>,
    /// Every alternative may match anywhere (gating refused for this document).
    open: bool,
    always: Mask,
    single: Mask,
}

impl Marks {
    /// The alternatives that may match inside `text[start..end]`: those with a literal of
    /// each of their sets there.
    pub(crate) fn mask(&self, start: usize, end: usize) -> Mask {
        if self.open {
            return Mask::MAX;
        }
        let from = self.hits.partition_point(|h| h.0 < start);
        let (first, second) = self.hits[from..]
            .iter()
            .take_while(|h| h.0 < end)
            .filter(|h| h.1 <= end)
            .fold(
                (0, 0),
                |(a, b), &(_, _, (bit, second))| {
                    if second { (a, b | bit) } else { (a | bit, b) }
                },
            );
        self.always | (first & (second | self.single))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(p: &str) -> Option<Vec<String>> {
        necessary_literals(p).map(|l| {
            l.into_iter()
                .map(|b| String::from_utf8(b).unwrap())
                .collect()
        })
    }

    #[test]
    fn literals_come_from_the_regex() {
        // The most selective required part of a concatenation.
        assert_eq!(
            lits(r"(?i)(?-u:\b)(this|these)\s+(files|skills)").unwrap(),
            ["files", "skills"]
        );
        // Inner literals count.
        assert_eq!(lits(r"(^|[\s/])\.env(\.[a-z]+)?").unwrap(), [".env"]);
        // Optional parts do not.
        assert_eq!(lits(r"(~|\$home)?/\.ssh").unwrap(), ["/.ssh"]);
        assert!(lits(r"[a-z]+@[a-z]+").is_some_and(|l| l == ["@"]));
        assert!(lits(r"\w+\s\d+").is_none());
    }

    #[test]
    fn alternatives_split_at_the_top_level_only() {
        assert_eq!(
            split_alternatives(r"(?i)a(b|c)|[|]d|e\|f"),
            ["(?i)a(b|c)", r"(?i)[|]d", r"(?i)e\|f"]
        );
        assert_eq!(split_alternatives("a|(?i)b|c"), ["a", "(?i)b", "(?i)c"]);
    }

    #[test]
    fn a_sentence_without_literals_is_gated_out() {
        let gate = Gate::new(&[r"(?i)(?-u:\b)(override|supersede)s?\s+(all|any)|\w+@\w+\.\w+"]);
        let text = "Format the table. This OVERRIDES all rules.";
        let marks = gate.scan(text, std::slice::from_ref(&(0..text.len())));
        assert_eq!(marks.mask(0, 16), 0);
        assert!(!gate.is_match(0, marks.mask(0, 16), &text[..16]));
        assert_eq!(marks.mask(18, text.len()) & 0b01, 0b01);
        // Both required parts must be there: "overrides" without "rules" is not run.
        let both = Gate::new(&[r"(?i)(override|supersede)s?\s+(your|their)\s+rules"]);
        for (s, mask) in [
            ("This overrides nothing.", 0),
            ("It overrides your rules.", 1),
        ] {
            let whole = 0..s.len();
            assert_eq!(
                both.scan(s, std::slice::from_ref(&whole)).mask(0, s.len()),
                mask
            );
        }
        assert!(gate.is_match(0, marks.mask(18, text.len()), &text[18..]));
        // A literal cut by the sentence end does not count.
        assert_eq!(marks.mask(18, 26) & 0b01, 0);
        let mail = "write to a@b.io";
        assert_eq!(
            gate.scan(mail, std::slice::from_ref(&(0..mail.len())))
                .mask(0, mail.len()),
            0b10
        );
        assert!(gate.is_match(0, 0b10, mail));
    }

    #[test]
    fn prefilter_needs_a_literal_of_some_alternative() {
        let pre = Prefilter::new(&[
            (Some(r"(?i)\bmkfs\s+/dev/\w+|\bwipefs\s+-a"), &["dd"]),
            (Some(r"\w+\s\d+"), &[]),
            (Some(r"\w+\s\d+"), &["at"]),
            (None, &[]),
        ]);
        // Both an anchor and a derived literal are needed.
        assert_eq!(
            pre.candidates("run WIPEFS -a now"),
            [false, true, false, false]
        );
        assert_eq!(
            pre.candidates("dd then wipefs -a"),
            [true, true, false, false]
        );
        assert_eq!(pre.candidates("add a format"), [false, true, true, false]);
    }

    #[test]
    fn non_ascii_case_folding_opens_the_gate() {
        let gate = Gate::new(&[r"(?i)system\s+prompt"]);
        let text = "print the \u{17F}ystem prompt";
        let mask = gate
            .scan(text, std::slice::from_ref(&(0..text.len())))
            .mask(0, text.len());
        assert!(gate.is_match(0, mask, text));
    }
}
