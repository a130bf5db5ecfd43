//! The rule registry: one [`RuleId`] per built-in rule of tier 1 and tier 2, so a
//! mistyped rule id does not compile. Each id's `SV-…` code is a stable interface (stored
//! in databases, SARIF baselines and JSON reports) and never changes once released.
//!
//! # Adding a rule
//!
//! 1. Add a variant below, in its section: the code without `SV-` in CamelCase
//!    (`SV-T1-EXF-RAW-IP` → `T1ExfRawIp`).
//! 2. Add its table entry: tier 1 in the file of its section under `tier1/rules/`
//!    (docs/rules.md order), with an `example` that must fire and a `benign` near-miss
//!    that must not; tier 2 in `tier2/rules.rs`.
//! 3. A rule that is not a text pattern (files, bundle structure, tier 2): add a bad and a
//!    good fixture to `tests/rule_fixtures.rs`.
//! 4. Regenerate docs/rules.md (`skillvet rules --format markdown`); the rule-set hash
//!    changes by itself.
//!
//! Tests fail when a variant has no table entry or no fixtures. The LLM judge's
//! `llm-judge/<category>` ids and the external tools' `SV-EXT-<TOOL>-<id>` come from
//! outside; they are built in `tier2::judge` and `external::Tool`.

use std::sync::LazyLock;

use crate::model::{Category, Confidence, Severity, Tier};
use crate::{tier1, tier2};

/// Declares [`RuleId`] with its codes, in catalogue order.
macro_rules! rule_ids {
    ($($variant:ident = $code:literal,)*) => {
        /// A built-in rule. Serialised (in findings) as its [`code`](RuleId::code).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum RuleId {
            $(#[doc = concat!("`", $code, "`")] $variant,)*
        }

        impl RuleId {
            /// Every built-in rule, tier 1 then tier 2.
            pub const ALL: &[RuleId] = &[$(RuleId::$variant,)*];

            /// The stable `SV-…` code.
            pub const fn code(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $code,)*
                }
            }

            pub fn from_code(code: &str) -> Option<RuleId> {
                match code {
                    $($code => Some(RuleId::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

rule_ids! {
    // Tier 1: prompt injection
    T1InjIgnoreInstructions = "SV-T1-INJ-IGNORE-INSTRUCTIONS",
    T1InjRoleHijack = "SV-T1-INJ-ROLE-HIJACK",
    T1InjConcealment = "SV-T1-INJ-CONCEALMENT",
    T1InjSafetyBypass = "SV-T1-INJ-SAFETY-BYPASS",
    T1InjHtmlComment = "SV-T1-INJ-HTML-COMMENT",
    T1InjHiddenMarkdown = "SV-T1-INJ-HIDDEN-MARKDOWN",
    // Tier 1: hidden unicode
    T1UniTagSmuggling = "SV-T1-UNI-TAG-SMUGGLING",
    T1UniBidi = "SV-T1-UNI-BIDI",
    T1UniZeroWidth = "SV-T1-UNI-ZERO-WIDTH",
    T1UniVariationSelector = "SV-T1-UNI-VARIATION-SELECTOR",
    T1UniInvisible = "SV-T1-UNI-INVISIBLE",
    T1UniPrivateUse = "SV-T1-UNI-PRIVATE-USE",
    T1UniAnsiEscape = "SV-T1-UNI-ANSI-ESCAPE",
    // Tier 1: confusables
    T1ConfSkillName = "SV-T1-CONF-SKILL-NAME",
    T1ConfMixedScript = "SV-T1-CONF-MIXED-SCRIPT",
    // Tier 1: remote code
    T1RcePipeToShell = "SV-T1-RCE-PIPE-TO-SHELL",
    T1RceShellSubstitution = "SV-T1-RCE-SHELL-SUBSTITUTION",
    T1RcePowershell = "SV-T1-RCE-POWERSHELL",
    T1RceDownloadChmodRun = "SV-T1-RCE-DOWNLOAD-CHMOD-RUN",
    T1RceEvalDownload = "SV-T1-RCE-EVAL-DOWNLOAD",
    T1RceInstallFromUrl = "SV-T1-RCE-INSTALL-FROM-URL",
    // Tier 1: supply chain
    T1SupCustomIndex = "SV-T1-SUP-CUSTOM-INDEX",
    T1SupVerifyOff = "SV-T1-SUP-VERIFY-OFF",
    T1SupInstallHook = "SV-T1-SUP-INSTALL-HOOK",
    T1SupSuspectPackage = "SV-T1-SUP-SUSPECT-PACKAGE",
    // Tier 1: obfuscation
    T1ObfDecodeExec = "SV-T1-OBF-DECODE-EXEC",
    T1ObfEncodedPayload = "SV-T1-OBF-ENCODED-PAYLOAD",
    T1ObfSplitStrings = "SV-T1-OBF-SPLIT-STRINGS",
    T1ObfCharCodes = "SV-T1-OBF-CHAR-CODES",
    T1ObfLongLine = "SV-T1-OBF-LONG-LINE",
    T1ObfMasquerade = "SV-T1-OBF-MASQUERADE",
    // Tier 1: credential access
    T1CredSshKeys = "SV-T1-CRED-SSH-KEYS",
    T1CredCloudConfig = "SV-T1-CRED-CLOUD-CONFIG",
    T1CredDotenv = "SV-T1-CRED-DOTENV",
    T1CredKeychain = "SV-T1-CRED-KEYCHAIN",
    T1CredBrowserData = "SV-T1-CRED-BROWSER-DATA",
    T1CredCloudMetadata = "SV-T1-CRED-CLOUD-METADATA",
    T1CredEnvDump = "SV-T1-CRED-ENV-DUMP",
    T1CredSystemSecrets = "SV-T1-CRED-SYSTEM-SECRETS",
    // Tier 1: exfiltration
    T1ExfCollectionService = "SV-T1-EXF-COLLECTION-SERVICE",
    T1ExfUploadSecrets = "SV-T1-EXF-UPLOAD-SECRETS",
    T1ExfRawIp = "SV-T1-EXF-RAW-IP",
    T1ExfReverseShell = "SV-T1-EXF-REVERSE-SHELL",
    T1ExfRemoteAccess = "SV-T1-EXF-REMOTE-ACCESS",
    T1ExfCredentialsPosted = "SV-T1-EXF-CREDENTIALS-POSTED",
    // Tier 1: destructive
    T1DesRmRoot = "SV-T1-DES-RM-ROOT",
    T1DesDiskWipe = "SV-T1-DES-DISK-WIPE",
    T1DesForkBomb = "SV-T1-DES-FORK-BOMB",
    T1DesDeleteHomeCode = "SV-T1-DES-DELETE-HOME-CODE",
    T1DesPermissionsRoot = "SV-T1-DES-PERMISSIONS-ROOT",
    T1DesRmUnsetVar = "SV-T1-DES-RM-UNSET-VAR",
    T1DesFindDeleteHome = "SV-T1-DES-FIND-DELETE-HOME",
    T1DesInhibitRecovery = "SV-T1-DES-INHIBIT-RECOVERY",
    T1DesCloudWipe = "SV-T1-DES-CLOUD-WIPE",
    T1DesDropAllDatabases = "SV-T1-DES-DROP-ALL-DATABASES",
    T1DesGitForce = "SV-T1-DES-GIT-FORCE",
    // Tier 1: resource abuse
    T1ResCryptominer = "SV-T1-RES-CRYPTOMINER",
    T1ResExhaustion = "SV-T1-RES-EXHAUSTION",
    T1ResDetachedLoop = "SV-T1-RES-DETACHED-LOOP",
    T1ResUnboundedAgent = "SV-T1-RES-UNBOUNDED-AGENT",
    T1ResSpam = "SV-T1-RES-SPAM",
    T1ResFlood = "SV-T1-RES-FLOOD",
    T1ResCpuBurn = "SV-T1-RES-CPU-BURN",
    // Tier 1: persistence
    T1PerCrontab = "SV-T1-PER-CRONTAB",
    T1PerShellRc = "SV-T1-PER-SHELL-RC",
    T1PerLaunchAgent = "SV-T1-PER-LAUNCH-AGENT",
    T1PerSystemService = "SV-T1-PER-SYSTEM-SERVICE",
    T1PerGitHooks = "SV-T1-PER-GIT-HOOKS",
    T1PerAuthorizedKeys = "SV-T1-PER-AUTHORIZED-KEYS",
    T1PerWindowsAutorun = "SV-T1-PER-WINDOWS-AUTORUN",
    T1PerAgentConfig = "SV-T1-PER-AGENT-CONFIG",
    // Tier 1: privilege escalation
    T1PrivSudo = "SV-T1-PRIV-SUDO",
    T1PrivSudoPassword = "SV-T1-PRIV-SUDO-PASSWORD",
    T1PrivSudoers = "SV-T1-PRIV-SUDOERS",
    T1PrivSetuid = "SV-T1-PRIV-SETUID",
    T1PrivDisableSecurity = "SV-T1-PRIV-DISABLE-SECURITY",
    T1PrivWorldWritable = "SV-T1-PRIV-WORLD-WRITABLE",
    // Tier 1: embedded secrets
    T1SecAwsKey = "SV-T1-SEC-AWS-KEY",
    T1SecGithubToken = "SV-T1-SEC-GITHUB-TOKEN",
    T1SecSlackToken = "SV-T1-SEC-SLACK-TOKEN",
    T1SecStripeKey = "SV-T1-SEC-STRIPE-KEY",
    T1SecOpenaiKey = "SV-T1-SEC-OPENAI-KEY",
    T1SecAnthropicKey = "SV-T1-SEC-ANTHROPIC-KEY",
    T1SecGoogleKey = "SV-T1-SEC-GOOGLE-KEY",
    T1SecPrivateKey = "SV-T1-SEC-PRIVATE-KEY",
    T1SecJwt = "SV-T1-SEC-JWT",
    T1SecOtherToken = "SV-T1-SEC-OTHER-TOKEN",
    T1SecGeneric = "SV-T1-SEC-GENERIC",
    // Tier 1: dangerous code
    T1CodeEvalInput = "SV-T1-CODE-EVAL-INPUT",
    T1CodeShellTrue = "SV-T1-CODE-SHELL-TRUE",
    T1CodeOsSystem = "SV-T1-CODE-OS-SYSTEM",
    T1CodeSqlConcat = "SV-T1-CODE-SQL-CONCAT",
    T1CodePathTraversal = "SV-T1-CODE-PATH-TRAVERSAL",
    T1CodeUnsafeDeserialize = "SV-T1-CODE-UNSAFE-DESERIALIZE",
    T1CodeTlsDisabled = "SV-T1-CODE-TLS-DISABLED",
    // Tier 1: bundled files, size, structure, manifest
    T1BinExecutable = "SV-T1-BIN-EXECUTABLE",
    T1BinArchive = "SV-T1-BIN-ARCHIVE",
    T1BinBytecode = "SV-T1-BIN-BYTECODE",
    T1BinOpaque = "SV-T1-BIN-OPAQUE",
    T1SizeFile = "SV-T1-SIZE-FILE",
    T1SizeSkillMd = "SV-T1-SIZE-SKILL-MD",
    T1StructSymlink = "SV-T1-STRUCT-SYMLINK",
    T1StructSymlinkEscape = "SV-T1-STRUCT-SYMLINK-ESCAPE",
    T1StructSubmodule = "SV-T1-STRUCT-SUBMODULE",
    T1ManInvalid = "SV-T1-MAN-INVALID",
    T1ManHooks = "SV-T1-MAN-HOOKS",
    // Tier 1: intent of the prose
    T1IntExfiltration = "SV-T1-INT-EXFILTRATION",
    T1IntHarvest = "SV-T1-INT-HARVEST",
    T1IntSensitiveAccess = "SV-T1-INT-SENSITIVE-ACCESS",
    T1IntDisableSafeguards = "SV-T1-INT-DISABLE-SAFEGUARDS",
    T1IntAgentConfig = "SV-T1-INT-AGENT-CONFIG",
    T1IntConcealment = "SV-T1-INT-CONCEALMENT",
    T1IntAuthority = "SV-T1-INT-AUTHORITY",
    T1IntDestroy = "SV-T1-INT-DESTROY",
    // Tier 1: known malware
    T1MalEicar = "SV-T1-MAL-EICAR",
    T1MalKnownHash = "SV-T1-MAL-KNOWN-HASH",
    T1MalCredentialDumper = "SV-T1-MAL-CREDENTIAL-DUMPER",
    T1MalFakePasswordPrompt = "SV-T1-MAL-FAKE-PASSWORD-PROMPT",
    // Tier 1: MCP servers, agent settings and MCP tools
    T1McpFsRoot = "SV-T1-MCP-FS-ROOT",
    T1McpShellServer = "SV-T1-MCP-SHELL-SERVER",
    T1McpNetworkWildcard = "SV-T1-MCP-NETWORK-WILDCARD",
    T1McpUnpinnedServer = "SV-T1-MCP-UNPINNED-SERVER",
    T1McpInsecureSource = "SV-T1-MCP-INSECURE-SOURCE",
    T1McpSecretEnv = "SV-T1-MCP-SECRET-ENV",
    T1McpAutoApprove = "SV-T1-MCP-AUTO-APPROVE",
    T1McpToolPoisoning = "SV-T1-MCP-TOOL-POISONING",
    T1McpToolShadowing = "SV-T1-MCP-TOOL-SHADOWING",
    T1McpUndeclaredEffect = "SV-T1-MCP-UNDECLARED-EFFECT",
    T1AgentBypassPermissions = "SV-T1-AGENT-BYPASS-PERMISSIONS",
    T1AgentAllowAll = "SV-T1-AGENT-ALLOW-ALL",
    T1AgentHooks = "SV-T1-AGENT-HOOKS",
    T1AgentApiRedirect = "SV-T1-AGENT-API-REDIRECT",
    // Tier 2: data flow and declared behaviour
    T2ExfilCredentials = "SV-T2-EXFIL-CREDENTIALS",
    T2ExfilEnvironment = "SV-T2-EXFIL-ENVIRONMENT",
    T2ExfilSecret = "SV-T2-EXFIL-SECRET",
    T2SecretToDeclaredApi = "SV-T2-SECRET-TO-DECLARED-API",
    T2ExfilRecon = "SV-T2-EXFIL-RECON",
    T2CloudMetadata = "SV-T2-CLOUD-METADATA",
    T2RemoteCodeExec = "SV-T2-REMOTE-CODE-EXEC",
    T2ObfuscatedExec = "SV-T2-OBFUSCATED-EXEC",
    T2Evasion = "SV-T2-EVASION",
    T2Persistence = "SV-T2-PERSISTENCE",
    T2WriteOutsideSkill = "SV-T2-WRITE-OUTSIDE-SKILL",
    T2UndeclaredNetwork = "SV-T2-UNDECLARED-NETWORK",
    T2DeclaredNetwork = "SV-T2-DECLARED-NETWORK",
    T2UndeclaredCredentialAccess = "SV-T2-UNDECLARED-CREDENTIAL-ACCESS",
    // Tier 2: vulnerable code
    T2VulnCommandInjection = "SV-T2-VULN-COMMAND-INJECTION",
    T2VulnCodeInjection = "SV-T2-VULN-CODE-INJECTION",
    T2VulnSqlInjection = "SV-T2-VULN-SQL-INJECTION",
    T2VulnPathTraversal = "SV-T2-VULN-PATH-TRAVERSAL",
    T2VulnUnsafeDeserialization = "SV-T2-VULN-UNSAFE-DESERIALIZATION",
    T2VulnResourceExhaustion = "SV-T2-VULN-RESOURCE-EXHAUSTION",
    // Tier 2: what the analysis could not read
    T2UnparsedScript = "SV-T2-UNPARSED-SCRIPT",
}

/// What the catalogue says about a built-in rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doc {
    pub tier: Tier,
    pub title: &'static str,
    pub category: Category,
    /// Default (tier 1) or highest (tier 2) severity.
    pub severity: Severity,
    pub confidence: Confidence,
    pub description: &'static str,
    pub remediation: &'static str,
}

#[derive(Clone, Copy)]
enum Entry {
    Static(&'static tier1::rules::Rule),
    Behavioural(&'static tier2::RuleInfo),
}

/// Table entry of each id, by discriminant; built from the tables so their order (the
/// catalogue's) is theirs alone.
static INDEX: LazyLock<Vec<Option<Entry>>> = LazyLock::new(|| {
    let mut index = vec![None; RuleId::ALL.len()];
    let entries = tier1::rules::RULES
        .iter()
        .map(|r| (r.id, Entry::Static(r)))
        .chain(tier2::RULES.iter().map(|r| (r.id, Entry::Behavioural(r))));
    for (id, entry) in entries {
        let slot = &mut index[id as usize];
        assert!(slot.is_none(), "{} has two table entries", id.code());
        *slot = Some(entry);
    }
    index
});

impl RuleId {
    fn entry(self) -> Entry {
        INDEX[self as usize].unwrap_or_else(|| panic!("{} has no table entry", self.code()))
    }

    /// The tier-1 table entry (detector, examples, context sensitivity).
    pub fn tier1(self) -> Option<&'static tier1::rules::Rule> {
        match self.entry() {
            Entry::Static(r) => Some(r),
            Entry::Behavioural(_) => None,
        }
    }

    /// The tier-2 table entry.
    pub fn tier2(self) -> Option<&'static tier2::RuleInfo> {
        match self.entry() {
            Entry::Behavioural(r) => Some(r),
            Entry::Static(_) => None,
        }
    }

    pub fn doc(self) -> Doc {
        match self.entry() {
            Entry::Static(r) => Doc {
                tier: Tier::Static,
                title: r.title,
                category: r.category,
                severity: r.severity,
                confidence: r.confidence,
                description: r.description,
                remediation: r.remediation,
            },
            Entry::Behavioural(r) => Doc {
                tier: Tier::Behavioural,
                title: r.title,
                category: r.category,
                severity: r.severity,
                // Tier-2 findings state their own confidence; the catalogue's is the best.
                confidence: Confidence::High,
                description: r.description,
                remediation: r.remediation,
            },
        }
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_has_one_table_entry_and_round_trips() {
        for &id in RuleId::ALL {
            assert_eq!(RuleId::from_code(id.code()), Some(id));
            let doc = id.doc();
            assert!(!doc.title.is_empty() && !doc.description.is_empty(), "{id}");
            let tier = if id.code().starts_with("SV-T1-") {
                Tier::Static
            } else {
                Tier::Behavioural
            };
            assert_eq!(doc.tier, tier, "{id}");
        }
        assert_eq!(
            tier1::rules::RULES.len() + tier2::RULES.len(),
            RuleId::ALL.len()
        );
        assert_eq!(RuleId::from_code("SV-T1-NO-SUCH-RULE"), None);
    }

    #[test]
    fn all_is_in_catalogue_order() {
        let tables: Vec<RuleId> = tier1::rules::RULES
            .iter()
            .map(|r| r.id)
            .chain(tier2::RULES.iter().map(|r| r.id))
            .collect();
        assert_eq!(tables, RuleId::ALL);
    }
}
