//! The tier-1 rule table, one file per section of docs/rules.md. Every rule has an id
//! ([`RuleId`]), a category, a default severity and confidence, documentation, an example
//! that must trigger it and a benign near-miss that must not (both tested), and a
//! detector: a pattern (case-insensitive literal anchors for the Aho-Corasick prefilter
//! plus a regex that confirms the match) or a built-in check implemented in a sibling
//! module of `tier1`.
//!
//! The table, patterns and order included, is hashed into every report
//! (`crate::catalog`), so any change here is visible in the `ruleset.hash` of new reports.

use crate::model::{Category, Confidence, Severity};
use crate::registry::RuleId;

mod bundle;
mod confusable;
mod credentials;
mod dangerous_code;
mod destructive;
mod exfiltration;
mod hidden_unicode;
mod injection;
mod intent;
mod mcp;
mod obfuscation;
mod persistence;
mod privilege;
mod remote_code;
mod resource;
mod secrets;
mod signatures;
mod supply_chain;

/// Where a pattern applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every text file, prose included.
    Any,
    /// Code only: scripts and source files, fenced and inline code in markdown.
    Code,
}

/// Extra checks run on a regex match before it becomes a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Post {
    None,
    /// The command downloads from a URL: well-known vendor installers (https) are lowered,
    /// plain http, raw IPs and paste/tunnel hosts keep full weight.
    DownloadHost,
    /// The `ip` group must be a public address (not private, loopback or documentation).
    PublicIp,
    /// A credential: redact the evidence, drop obvious placeholders.
    Secret,
    /// A generic assignment: the `secret` group must look random (Shannon entropy).
    Entropy,
    /// A private-key header counts only when key material follows.
    PrivateKeyBody,
    /// Raised when the command is built from interpolated strings.
    Interpolated,
    /// `yaml.load` is fine with a safe loader on the same line.
    YamlLoad,
    /// Appending to a shell start-up file is raised when it fetches or decodes something.
    ShellRcPayload,
    /// A package index: well-known registries and mirrors are dropped, plain http and raw
    /// IPs raised, organisation-internal hosts lowered.
    PackageIndex,
    /// A miner named without a pool, wallet or miner flags on its line is less sure (IOC
    /// lists name miners); stopping or removing one is clean-up.
    MinerUse,
    /// A delete of every resource (`--all`, `xargs`, a loop over a listing) is surer than
    /// one of a named resource.
    AllResources,
    /// An endless loop counts only when nothing in its body waits, reads, writes or leaves,
    /// and (for Python and JavaScript) the file fans it out over processes or threads.
    SpinLoop,
}

#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    /// Literals, matched ASCII-case-insensitively; one must occur for `regex` to be tried.
    pub anchors: &'static [&'static str],
    pub regex: &'static str,
    pub scope: Scope,
    pub post: Post,
}

#[derive(Debug, Clone, Copy)]
pub enum Detector {
    Pattern(Pattern),
    /// Implemented in code (`unicode`, `encoded`, `files`, `markdown`, `manifest` modules).
    Builtin,
}

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: RuleId,
    pub title: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Whether where the text appears (documentation, code fence, negated sentence,
    /// comment) lowers severity and confidence. False for rules about bytes, not meaning.
    pub contextual: bool,
    pub description: &'static str,
    pub remediation: &'static str,
    /// Text that triggers the rule when it is the content of a script (tested).
    pub example: &'static str,
    /// A near-miss placed like `example` that must not trigger the rule (tested): the same
    /// words negated, a placeholder, a safe variant. Empty exactly when `example` is; such
    /// rules have fixtures in `tests/rule_fixtures.rs`.
    pub benign: &'static str,
    pub detector: Detector,
}

use Category as C;
use Confidence as F;
use Severity as S;

const fn pat(
    anchors: &'static [&'static str],
    regex: &'static str,
    scope: Scope,
    post: Post,
) -> Detector {
    Detector::Pattern(Pattern {
        anchors,
        regex,
        scope,
        post,
    })
}

const ANY: Scope = Scope::Any;
const CODE: Scope = Scope::Code;

/// The sections, in docs/rules.md order.
const SECTIONS: &[&[Rule]] = &[
    injection::RULES,
    hidden_unicode::RULES,
    confusable::RULES,
    remote_code::RULES,
    supply_chain::RULES,
    obfuscation::RULES,
    credentials::RULES,
    exfiltration::RULES,
    destructive::RULES,
    resource::RULES,
    persistence::RULES,
    privilege::RULES,
    secrets::RULES,
    dangerous_code::RULES,
    bundle::RULES,
    intent::RULES,
    signatures::RULES,
    mcp::RULES,
];

const COUNT: usize = {
    let (mut n, mut i) = (0, 0);
    while i < SECTIONS.len() {
        n += SECTIONS[i].len();
        i += 1;
    }
    n
};

static ALL: [Rule; COUNT] = {
    let mut out = [SECTIONS[0][0]; COUNT];
    let (mut k, mut i) = (0, 0);
    while i < SECTIONS.len() {
        let mut j = 0;
        while j < SECTIONS[i].len() {
            out[k] = SECTIONS[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
};

/// Every tier-1 rule in catalogue order (the order is part of the rule-set hash; the
/// sections are concatenated at compile time so the table stays one slice).
pub static RULES: &[Rule] = &ALL;

/// The rule with this code, if it is a tier-1 rule.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RuleId::from_code(code).and_then(RuleId::tier1)
}

/// The table entry of a tier-1 id (a tier-2 id here is a programming error caught by the
/// catalogue tests).
pub(crate) fn known(id: RuleId) -> &'static Rule {
    id.tier1()
        .unwrap_or_else(|| panic!("{id} is not a tier-1 rule"))
}
