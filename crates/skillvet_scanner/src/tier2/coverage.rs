//! How much of a script the front-ends understood: the significant (non-blank,
//! non-comment) lines against the lines inside [`Unparsed`] stretches. Shared by the
//! `parse-coverage` bin and the rule for scripts that cannot be parsed.

use super::ir::{Lang, Module, Unparsed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Nothing was skipped.
    Complete,
    /// Some stretches were skipped, less than half of the significant lines.
    Partial,
    /// Half or more of the significant lines could not be parsed.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Partial => "partial",
            Status::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Non-blank lines that are not whole-line comments.
    pub significant: u32,
    /// Significant lines inside an unparsed stretch (at least one per stretch).
    pub unparsed: u32,
    pub status: Status,
}

fn is_comment(lang: Lang, line: &str) -> bool {
    match lang {
        Lang::Python | Lang::Shell => line.starts_with('#'),
        Lang::JavaScript => {
            line.starts_with("//") || line.starts_with("/*") || line.starts_with('*')
        }
    }
}

/// Per line (0-based): whether it is significant.
fn significant_lines(lang: Lang, text: &str) -> Vec<bool> {
    text.lines()
        .map(|l| {
            let t = l.trim();
            !t.is_empty() && !is_comment(lang, t)
        })
        .collect()
}

/// Coverage of one parsed script.
pub fn measure(text: &str, module: &Module) -> Coverage {
    let sig = significant_lines(module.lang, text);
    let significant = sig.iter().filter(|s| **s).count() as u32;
    let unparsed = unparsed_lines(&sig, &module.unparsed);
    let status = if module.unparsed.is_empty() {
        Status::Complete
    } else if unparsed * 2 >= significant.max(1) {
        Status::Failed
    } else {
        Status::Partial
    };
    Coverage {
        significant,
        unparsed,
        status,
    }
}

/// Significant lines covered by the stretches; a stretch on blank or comment lines only
/// still counts one.
pub fn unparsed_lines(sig: &[bool], stretches: &[Unparsed]) -> u32 {
    let mut covered = vec![false; sig.len()];
    let mut extra = 0u32;
    for u in stretches {
        let from = (u.line.max(1) - 1) as usize;
        let to = (u.end_line as usize).min(sig.len());
        let mut any = false;
        for k in from..to {
            if sig[k] {
                any = true;
                covered[k] = true;
            }
        }
        if !any && from < sig.len() && !covered[from] {
            extra += 1;
        }
    }
    covered.iter().filter(|c| **c).count() as u32 + extra
}

/// The significant lines of the stretches, for a look at what was skipped.
pub fn unparsed_text<'a>(text: &'a str, module: &Module, max_lines: usize) -> Vec<&'a str> {
    let sig = significant_lines(module.lang, text);
    let mut keep = vec![false; sig.len()];
    for u in &module.unparsed {
        let from = (u.line.max(1) - 1) as usize;
        let to = (u.end_line as usize).min(sig.len());
        if from < to {
            keep[from..to].copy_from_slice(&sig[from..to]);
        }
    }
    text.lines()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(l, _)| l)
        .take(max_lines)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tier2::{js, python, shell};

    #[test]
    fn complete_partial_failed() {
        let m = python::parse("import os\nx = os.environ\nprint(x)\n");
        assert_eq!(m.unparsed, vec![]);
        assert_eq!(measure("", &m).status, Status::Complete);

        let src = "import os\nx = 1 ? 2\ny = 3\nz = 4\n";
        let m = python::parse(src);
        assert!(!m.unparsed.is_empty() && m.unparsed.iter().all(|u| u.line == 2));
        assert_eq!(measure(src, &m).status, Status::Partial);

        let src = "x = 1\ny = \"\"\"never\nclosed\nat all\n";
        let m = python::parse(src);
        let c = measure(src, &m);
        assert_eq!(
            (c.status, c.unparsed),
            (Status::Failed, 3),
            "{:?}",
            m.unparsed
        );
    }

    #[test]
    fn every_front_end_reports_what_it_skips() {
        let m = shell::parse("echo 'open\nrest of the script\n");
        assert!(
            m.unparsed[0].reason.contains("never closed"),
            "{:?}",
            m.unparsed
        );
        let m = shell::parse("if true; then\n  echo x\n");
        assert!(
            m.unparsed[0].reason.contains("`if` never closed"),
            "{:?}",
            m.unparsed
        );
        let m = shell::parse("for f in *; do echo \"$f\"; done\ncase $1 in a) echo a;; esac\n");
        assert_eq!(m.unparsed, vec![]);
        let m = js::parse("const a = 1;\nconst b = a b c;\n");
        assert!(!m.unparsed.is_empty() && m.unparsed.iter().all(|u| u.line == 2));
        let m = js::parse("const s = `never closed\nfoo();\n");
        assert!(
            m.unparsed[0].reason.contains("never closed"),
            "{:?}",
            m.unparsed
        );
    }

    #[test]
    fn syntax_errors_the_parsers_recover_from_are_still_reported() {
        let reason = |m: &Module| {
            m.unparsed
                .iter()
                .map(|u| u.reason.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        assert!(reason(&js::parse("f(a[1);\ng();\n")).contains("mismatched"));
        assert!(reason(&js::parse("function f() {\n  g();\n")).contains("never closed"));
        assert!(reason(&python::parse("if x\n    y()\n")).contains("without `:`"));
        assert!(reason(&python::parse("s = f\"{g(x}\"\n")).contains("never closed"));
        assert!(reason(&python::parse("s = f\"a}\"\n")).contains("single `}`"));
        assert!(reason(&shell::parse("[[ -f x ] && echo y\n")).contains("`[[`"));
        assert!(
            reason(&shell::parse("case $1 in\n  --out\n    x=1 ;;\nesac\n"))
                .contains("case pattern")
        );
        assert!(reason(&shell::parse("echo \"${HOME\n}\"\n")).contains("another line"));
        assert!(
            reason(&shell::parse("if [ -f x ] then\n  echo y\nfi\n")).contains("without `then`")
        );
        assert!(reason(&shell::parse("for f in a b do\n  echo $f\ndone\n")).contains("`do`"));
        let ok = "if a; then b; elif c\nthen d; fi\nwhile x\ndo y; done\nuntil z; do w; done\n";
        assert_eq!(shell::parse(ok).unparsed, vec![]);
    }

    #[test]
    fn nested_parses_report_into_the_outer_script() {
        let m = shell::parse("x=$(echo `cat 'a`)\necho ok\n");
        assert!(!m.unparsed.is_empty());
        let m = python::parse("s = f\"{a ? b}\"\n");
        assert!(!m.unparsed.is_empty(), "{:?}", m.unparsed);
    }
}
