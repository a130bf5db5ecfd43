//! Known malware and test signatures (`known-malware` in docs/rules.md): built-in checks
//! of `tier1::signatures` on every file, text or binary.

use super::{C, Detector, F, Rule, S};
use crate::registry::RuleId;

pub(super) const RULES: &[Rule] = &[
    Rule {
        id: RuleId::T1MalEicar,
        title: "EICAR anti-virus test signature",
        category: C::KnownMalware,
        severity: S::Critical,
        confidence: F::High,
        contextual: false,
        description: "The EICAR test string, which every anti-virus product detects as malware, anywhere in any file (text or binary): as is, in UTF-16, hex- or base64-encoded (any alignment, line-wrapped), in `\\x` escapes or base85, or split over quoted and concatenated pieces. A registry must refuse what anti-virus tools quarantine.",
        remediation: "Remove the test string. To test anti-virus integration, fetch the file from eicar.org at test time.",
        example: "",
        benign: "",
        detector: Detector::Builtin,
    },
    Rule {
        id: RuleId::T1MalKnownHash,
        title: "Known-bad file",
        category: C::KnownMalware,
        severity: S::Critical,
        confidence: F::High,
        contextual: false,
        description: "A file whose SHA-256 is in the scanner's table of known-bad files (`src/tier1/signatures.txt`, see docs/signatures.md; files up to 4 MiB are hashed). The table is part of the rule-set hash.",
        remediation: "Remove the file: it is a known malicious or test sample.",
        example: "",
        benign: "",
        detector: Detector::Builtin,
    },
];
