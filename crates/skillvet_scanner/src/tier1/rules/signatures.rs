//! Known malware and test signatures (`known-malware` in docs/rules.md): built-in checks
//! of `tier1::signatures` on every file, text or binary, and the command syntax of
//! well-known credential-dumping tools.

use super::{ANY, C, Detector, F, Post, Rule, S, pat};
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
    Rule {
        id: RuleId::T1MalCredentialDumper,
        title: "Credential-dumping tool run",
        category: C::KnownMalware,
        severity: S::Critical,
        confidence: F::High,
        contextual: true,
        description: "Commands of well-known credential-dumping tools: Mimikatz modules (`sekurlsa::logonpasswords`, `lsadump::sam`/`secrets`/`dcsync`, `kerberos::golden`), `Invoke-Mimikatz`, LSASS memory dumps (`comsvcs.dll MiniDump`, `procdump -ma lsass`), Rubeus ticket attacks and LaZagne (MITRE ATT&CK T1003, S0002). The tool's name alone does not match.",
        remediation: "Remove the commands. Credential audits use the vendor's own tooling and never export secrets.",
        example: "mimikatz.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" exit > out.txt",
        benign: "echo 'Alert when mimikatz.exe or a sekurlsa module name shows up in the process log.'",
        detector: pat(
            &[
                "sekurlsa::",
                "lsadump::",
                "kerberos::",
                "invoke-mimikatz",
                "comsvcs",
                "procdump",
                "rubeus",
                "lazagne",
            ],
            r#"(?i)\bsekurlsa::(logonpasswords|wdigest|msv|kerberos|tickets|ekeys|pth|minidump|dpapi|credman|tspkg|ssp)\b|\blsadump::(sam|secrets|cache|dcsync|lsa|trust|backupkeys|netsync)\b|\bkerberos::(golden|ptt)\b|\binvoke-mimikatz\b|\bcomsvcs(\.dll)?["',\s]+#?(minidump|24)\b|\bprocdump(64)?(\.exe)?\s+(-\w+\s+)*-ma\s+(\S*\s+)?lsass|\brubeus(\.exe)?\s+(asktgt|asktgs|kerberoast|asreproast|dump|ptt|s4u|golden)\b|\blazagne(\.exe|\.py)?\s+(all|browsers|windows|wifi|mails|sysadmin)\b"#,
            ANY,
            Post::None,
        ),
    },
    Rule {
        id: RuleId::T1MalFakePasswordPrompt,
        title: "Fake system password prompt",
        category: C::KnownMalware,
        severity: S::Critical,
        confidence: F::High,
        contextual: true,
        description: "The macOS stealer pattern (Atomic/AMOS, MITRE ATT&CK T1056.002): an AppleScript `display dialog` that asks for the password with a hidden answer, or `dscl . authonly` checking a password the script collected. Nothing legitimate asks for the login password in its own dialog; the system's authorisation prompt does.",
        remediation: "Remove the prompt. Commands that need privileges use the system's own prompt (`sudo`, `osascript … with administrator privileges`).",
        example: "osascript -e 'display dialog \"Enter your password:\" default answer \"\" with hidden answer'",
        benign: "osascript -e 'display dialog \"Export finished.\" buttons {\"OK\"}'",
        detector: pat(
            &["hidden answer", "authonly"],
            r"(?i)\bdisplay\s+dialog\b[^\n]{0,300}\bpass(word|code|phrase)\b[^\n]{0,300}\bhidden\s+answer\b|\bdscl\s+(\.|/local/default|localhost)\s+-?authonly\b",
            ANY,
            Post::None,
        ),
    },
];
