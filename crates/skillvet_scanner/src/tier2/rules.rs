//! Turns the engine's sink hits and capabilities into tier-2 findings: rule ids, severity,
//! confidence, the source→sink path as evidence. Severity follows what the data is and
//! where it goes (see `RULES` for the catalogue).

use std::collections::HashSet;

use super::catalog::{self, HostClass, WriteTarget};
use super::declared::{self, Declared};
use super::engine::{Analysis, CapKind, Label, Origin, SinkHit, SinkKind, SourceKind, Unit};
use crate::model::{Category, Confidence, Severity};
use crate::registry::RuleId;

/// One catalogue entry.
pub struct RuleInfo {
    pub id: RuleId,
    pub title: &'static str,
    pub category: Category,
    /// Highest severity the rule reports.
    pub severity: Severity,
    pub description: &'static str,
    pub remediation: &'static str,
}

pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: RuleId::T2ExfilCredentials,
        title: "Credential files sent over the network",
        category: Category::Exfiltration,
        severity: Severity::Critical,
        description: "Data read from SSH keys, cloud/CLI credential files, browser profiles, keychains, wallets or .env files reaches a network call (possibly through variables, functions, other scripts of the skill, or encodings).",
        remediation: "Remove the code that reads credential stores; a skill must never send them anywhere.",
    },
    RuleInfo {
        id: RuleId::T2ExfilEnvironment,
        title: "Whole environment sent over the network",
        category: Category::Exfiltration,
        severity: Severity::Critical,
        description: "The complete process environment (os.environ, process.env, `env`/`printenv`) reaches a network call. Environments hold API keys and tokens.",
        remediation: "Send only the specific, documented values the remote service needs.",
    },
    RuleInfo {
        id: RuleId::T2ExfilSecret,
        title: "Secret value sent to an unexpected destination",
        category: Category::Exfiltration,
        severity: Severity::Critical,
        description: "A secret-named environment variable or a token printed by a credential CLI reaches a network call whose destination is an exfiltration service, a raw IP or a host unrelated to the secret that the skill never mentions (critical: the flow is certain and the destination undeclared), an unrelated host over plain HTTP (high), or cannot be determined (medium, low confidence).",
        remediation: "Send credentials only to the service they belong to, over HTTPS, and say so in SKILL.md.",
    },
    RuleInfo {
        id: RuleId::T2SecretToDeclaredApi,
        title: "Credential used for the API it belongs to",
        category: Category::Exfiltration,
        severity: Severity::Info,
        description: "A secret reaches a host that matches the secret's name or that SKILL.md mentions: ordinary API authentication, reported for transparency.",
        remediation: "None needed; document the required credential in SKILL.md.",
    },
    RuleInfo {
        id: RuleId::T2ExfilRecon,
        title: "Host reconnaissance sent over the network",
        category: Category::Exfiltration,
        severity: Severity::High,
        description: "A listing of the home directory, clipboard contents or host identity (user, hostname, network interfaces) reaches a network call.",
        remediation: "Do not collect or transmit information about the user's machine.",
    },
    RuleInfo {
        id: RuleId::T2CloudMetadata,
        title: "Cloud instance metadata access",
        category: Category::CredentialAccess,
        severity: Severity::Critical,
        description: "The script contacts a cloud metadata service (169.254.169.254, metadata.google.internal…), which hands out instance credentials; critical when the response is sent elsewhere.",
        remediation: "Skills have no reason to query instance metadata; remove it.",
    },
    RuleInfo {
        id: RuleId::T2RemoteCodeExec,
        title: "Downloaded code is executed",
        category: Category::RemoteCodeExecution,
        severity: Severity::Critical,
        description: "Data fetched from the network reaches eval/exec, a shell, an interpreter, or a file that is then executed.",
        remediation: "Bundle the code with the skill so it can be reviewed; never execute downloads.",
    },
    RuleInfo {
        id: RuleId::T2ObfuscatedExec,
        title: "Decoded data is executed",
        category: Category::Obfuscation,
        severity: Severity::Critical,
        description: "Constant data decoded at run time (base64, hex, rot13, zlib/gzip layers, strings built from character codes or reversed) reaches eval/exec or a shell: the classic way to hide a payload from review.",
        remediation: "Ship readable code; do not execute encoded payloads.",
    },
    RuleInfo {
        id: RuleId::T2Evasion,
        title: "Dangerous call hidden by string assembly",
        category: Category::Obfuscation,
        severity: Severity::High,
        description: "A network, execution or file API is reached through a name assembled at run time: split strings (\"cu\"+\"rl\"), getattr(os, \"sys\"+\"tem\"), __import__(\"o\"+\"s\"), computed require(), reversed or decoded names, lookups in getattr(__builtins__, …)/globals()[…]/sys.modules, and Unicode look-alike identifiers that Python folds to ASCII (𝐞𝐯𝐚𝐥).",
        remediation: "Call APIs by their literal names so reviewers and scanners can see them.",
    },
    RuleInfo {
        id: RuleId::T2Persistence,
        title: "Persistence outside the skill",
        category: Category::Persistence,
        severity: Severity::Critical,
        description: "A script writes shell start-up files, crontabs, SSH authorized_keys, launch agents, systemd units, autostart entries or git hooks, or registers a service; critical when the written data comes from the network.",
        remediation: "A skill must not make itself (or anything) run again later; print instructions for the user instead.",
    },
    RuleInfo {
        id: RuleId::T2WriteOutsideSkill,
        title: "Writes outside the skill folder",
        category: Category::FileSystem,
        severity: Severity::Low,
        description: "A script writes to an absolute or home-relative path outside the skill and the temp directory.",
        remediation: "Write into the working directory or a temp directory, or document why another location is needed.",
    },
    RuleInfo {
        id: RuleId::T2UndeclaredNetwork,
        title: "Network use the skill does not declare",
        category: Category::CapabilityMismatch,
        severity: Severity::High,
        description: "Scripts use the network but neither the description nor allowed-tools says the skill talks to a service (raw sockets: high; HTTP: medium; low when only the body hints at it).",
        remediation: "Say in the description which services the skill contacts, or remove the network code.",
    },
    RuleInfo {
        id: RuleId::T2DeclaredNetwork,
        title: "Declared network use",
        category: Category::CapabilityMismatch,
        severity: Severity::Info,
        description: "Scripts use the network and the skill says so; the contacted hosts are listed.",
        remediation: "None needed.",
    },
    RuleInfo {
        id: RuleId::T2UndeclaredCredentialAccess,
        title: "Credential access the skill does not declare",
        category: Category::CredentialAccess,
        severity: Severity::High,
        description: "Scripts read credential stores, the whole environment, the clipboard or list the home directory while the description says nothing about credentials or such data.",
        remediation: "Remove the access, or state in the description what is read and why.",
    },
    // ----- vulnerable code (see `vuln`) ------------------------------------------------
    RuleInfo {
        id: RuleId::T2VulnCommandInjection,
        title: "Command injection",
        category: Category::DangerousCode,
        severity: Severity::Critical,
        description: "Untrusted input (command-line arguments, stdin, request data, tool-call arguments, parameters of functions the skill exposes) is interpolated into a shell command line (os.system, subprocess with shell=True, child_process.exec, sh -c, eval). Critical from a handler or command line, high (medium confidence) from an exposed function's parameter.",
        remediation: "Pass an argument list without a shell (subprocess.run([...]), execFile), or quote with shlex.quote.",
    },
    RuleInfo {
        id: RuleId::T2VulnCodeInjection,
        title: "Code injection",
        category: Category::DangerousCode,
        severity: Severity::Critical,
        description: "Untrusted input reaches eval/exec/compile, new Function, vm.runIn*, or python -c/node -e code. Critical from a handler or command line, high (medium confidence) from an exposed function's parameter.",
        remediation: "Parse the input (json, ast.literal_eval, a small expression parser) instead of executing it.",
    },
    RuleInfo {
        id: RuleId::T2VulnSqlInjection,
        title: "SQL injection",
        category: Category::DangerousCode,
        severity: Severity::High,
        description: "A SQL statement passed to execute/query/raw/text is built from untrusted input by concatenation, f-strings, % or format. Parameterised queries are not reported.",
        remediation: "Use placeholders (`?`, `%s`, `$1`) and pass the values separately.",
    },
    RuleInfo {
        id: RuleId::T2VulnPathTraversal,
        title: "Path traversal",
        category: Category::DangerousCode,
        severity: Severity::High,
        description: "A file path joined from request or tool-call input (or an exposed function's parameter) is opened, read, written, deleted or sent without normalising it and checking it stays under its base (realpath + startswith, is_relative_to). basename/secure_filename also make it safe.",
        remediation: "Resolve the joined path and reject it unless it is inside the intended folder.",
    },
    RuleInfo {
        id: RuleId::T2VulnUnsafeDeserialization,
        title: "Unsafe deserialisation of untrusted input",
        category: Category::DangerousCode,
        severity: Severity::Critical,
        description: "Untrusted input reaches pickle/dill/marshal loads, yaml.load without a safe loader, jsonpickle or node-serialize, which run code embedded in the data.",
        remediation: "Use json or yaml.safe_load for data you did not produce.",
    },
    RuleInfo {
        id: RuleId::T2VulnResourceExhaustion,
        title: "Resource exhaustion from untrusted input",
        category: Category::DangerousCode,
        severity: Severity::Medium,
        description: "A regular expression compiled from request or tool-call input can backtrack for hours (ReDoS).",
        remediation: "Escape the input (re.escape) or match it literally; bound input sizes.",
    },
    // ----- what the analysis could not read (see `coverage`) ---------------------------
    RuleInfo {
        id: RuleId::T2UnparsedScript,
        title: "Script the behavioural analysis could not parse",
        category: Category::Obfuscation,
        severity: Severity::High,
        description: "Part of a bundled script is syntax tier 2's parser does not understand, so its data flow was not analysed: the parser reports each stretch it skipped. Low for a few lines; medium when at least 10 lines or a fifth of the script is unread (high confidence when half of a script of 20 lines or more); high (medium confidence) when an unread fifth or more names process execution, eval, the network, sockets or decoding — syntax chosen to blind the analyser is an evasion technique. Code blocks in SKILL.md are not judged (tier 1 reads them).",
        remediation: "Write the script in plain, current syntax for its language (for Python 3, Node.js or POSIX/bash), or split generated or minified code out of the skill.",
    },
];

#[derive(Debug, Clone)]
pub struct T2Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub confidence: Confidence,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub evidence: String,
    pub message: String,
    /// Source→sink path, one step per entry (`file:line what`).
    pub flow: Vec<String>,
}

pub struct Ctx<'a> {
    pub units: &'a [Unit],
    pub texts: &'a [&'a str],
    pub declared: &'a Declared,
}

pub fn findings(a: &Analysis, ctx: &Ctx) -> Vec<T2Finding> {
    let mut out = Vec::new();
    for hit in &a.hits {
        flow_findings(a, ctx, hit, &mut out);
    }
    for ev in &a.sources {
        if let SourceKind::CloudMetadata { url } = &ev.kind {
            out.push(make(ctx, RuleId::T2CloudMetadata, Severity::High, Confidence::High, ev.file, ev.pos.line, ev.pos.col, format!("Queries the cloud metadata service at {url}, which hands out the machine's cloud credentials."), vec![]));
        }
    }
    for cap in &a.caps {
        match &cap.kind {
            CapKind::Persistence { what, path } => {
                let declared = ctx.declared.mentions_any(declared::PERSISTENCE_WORDS);
                let (sev, note) = if declared {
                    (
                        Severity::Medium,
                        " The skill's description mentions installation/set-up, so this may be intended; review what is installed.",
                    )
                } else {
                    (Severity::High, "")
                };
                out.push(make(ctx, RuleId::T2Persistence, sev, Confidence::High, cap.file, cap.pos.line, cap.pos.col, format!("Writes a {what} ({path}) via {}: code placed there runs again later without the agent.{note}", cap.api), vec![]));
            }
            CapKind::WriteOutside { path } => {
                out.push(make(
                    ctx,
                    RuleId::T2WriteOutsideSkill,
                    Severity::Low,
                    Confidence::Medium,
                    cap.file,
                    cap.pos.line,
                    cap.pos.col,
                    format!("Writes {path} via {}, outside the skill folder.", cap.api),
                    vec![],
                ));
            }
            _ => {}
        }
    }
    out.extend(declared::compare(a, ctx));
    super::vuln::findings(a, ctx, &mut out);
    unparsed_findings(ctx, &mut out);
    dedupe(out)
}

/// Words in unread code that name what tier 2 exists to follow: execution, eval, the
/// network, sockets, decoding.
const RISKY_WORDS: &[&str] = &[
    "eval",
    "exec",
    "system(",
    "popen",
    "subprocess",
    "spawn",
    "child_process",
    "socket",
    "curl",
    "wget",
    "/dev/tcp",
    "http://",
    "https://",
    "fetch(",
    "urlopen",
    "requests.",
    "b64decode",
    "base64",
    "atob(",
    "fromCharCode",
    "marshal",
    "pickle",
    "Function(",
    "__import__",
    "getattr(",
];

/// One finding per script whose parse left stretches out ([`RuleId::T2UnparsedScript`]).
fn unparsed_findings(ctx: &Ctx, out: &mut Vec<T2Finding>) {
    use super::coverage::{self, Status};
    for (k, unit) in ctx.units.iter().enumerate() {
        // SKILL.md's blocks are snippets of steps, often elided; tier 1 reads them.
        if unit.path == skillvet_skill::SKILL_MD || unit.module.unparsed.is_empty() {
            continue;
        }
        let text = ctx.texts[k];
        let cov = coverage::measure(text, &unit.module);
        // A fifth of the script, or ten lines of a long one.
        let share = cov.unparsed * 5 >= cov.significant;
        let significant = share || cov.unparsed >= 10;
        let risky = share
            && coverage::unparsed_text(text, &unit.module, 400)
                .iter()
                .any(|l| RISKY_WORDS.iter().any(|w| l.contains(w)));
        let (severity, confidence) = if risky {
            (Severity::High, Confidence::Medium)
        } else if cov.status == Status::Failed && cov.significant >= 20 {
            (Severity::Medium, Confidence::High)
        } else if significant {
            (Severity::Medium, Confidence::Medium)
        } else {
            (Severity::Low, Confidence::Medium)
        };
        let first = &unit.module.unparsed[0];
        let risky_note = if risky {
            " The unread part names execution, the network or decoding."
        } else {
            ""
        };
        let f = make(
            ctx,
            RuleId::T2UnparsedScript,
            severity,
            confidence,
            k,
            first.line,
            1,
            format!(
                "{} of {} significant lines could not be parsed (first at line {}: {}); their data flow was not analysed.{risky_note}",
                cov.unparsed, cov.significant, first.line, first.reason
            ),
            unit.module
                .unparsed
                .iter()
                .take(5)
                .map(|u| format!("{}:{} {}", unit.path, u.line, u.reason))
                .collect(),
        );
        out.push(f);
    }
}

/// Keeps the most severe finding per (rule, file, line).
fn dedupe(mut v: Vec<T2Finding>) -> Vec<T2Finding> {
    v.sort_by(|a, b| {
        (a.rule.code(), &a.file, a.line)
            .cmp(&(b.rule.code(), &b.file, b.line))
            .then(b.severity.cmp(&a.severity))
            .then(b.confidence.cmp(&a.confidence))
    });
    let mut seen = HashSet::new();
    v.retain(|f| seen.insert((f.rule, f.file.clone(), f.line)));
    v.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
    v
}

#[allow(clippy::too_many_arguments)]
pub fn make(
    ctx: &Ctx,
    rule: RuleId,
    severity: Severity,
    confidence: Confidence,
    file: usize,
    line: u32,
    column: u32,
    message: String,
    flow: Vec<String>,
) -> T2Finding {
    T2Finding {
        rule,
        severity,
        confidence,
        file: ctx.units[file].path.clone(),
        line,
        column,
        evidence: line_text(ctx.texts[file], line),
        message,
        flow,
    }
}

pub fn line_text(text: &str, line: u32) -> String {
    let l = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("")
        .trim();
    let mut s: String = l.chars().take(200).collect();
    if l.chars().count() > 200 {
        s.push('…');
    }
    s
}

fn describe_flow(a: &Analysis, ctx: &Ctx, label: &Label, hit: &SinkHit) -> Vec<String> {
    let mut steps = Vec::new();
    for s in &label.steps {
        steps.push(format!(
            "{}:{} {}",
            ctx.units[s.file].path,
            s.line,
            s.what.replace("<value>", "")
        ));
    }
    steps.push(format!(
        "{}:{} {}",
        ctx.units[hit.file].path,
        hit.pos.line,
        sink_words(hit)
    ));
    let _ = a;
    steps
}

fn sink_words(hit: &SinkHit) -> String {
    match &hit.kind {
        SinkKind::Network => match &hit.dest {
            Some(d) => format!(
                "sent by {} to {}",
                hit.api,
                d.replace(super::shell::HOLE, "…")
            ),
            None => format!("sent by {} (destination computed at run time)", hit.api),
        },
        SinkKind::Exec => format!("executed by {}", hit.api),
        SinkKind::Eval => format!("evaluated as code by {}", hit.api),
        SinkKind::Write { path, .. } => format!(
            "written by {} to {}",
            hit.api,
            path.as_deref().unwrap_or("a computed path")
        ),
        SinkKind::Weakness(_) => format!("used unsafely by {}", hit.api),
    }
}

fn transforms_note(label: &Label) -> String {
    let t: Vec<&str> = label
        .transforms
        .iter()
        .filter(|t| t.hides())
        .map(|t| t.describe())
        .collect();
    if t.is_empty() {
        return String::new();
    }
    format!(
        " The data is {} on the way, which hides it from casual inspection.",
        t.join(" and ")
    )
}

fn crosses_files(label: &Label, hit: &SinkHit) -> bool {
    label.steps.iter().any(|s| s.file != hit.file)
}

fn flow_findings(a: &Analysis, ctx: &Ctx, hit: &SinkHit, out: &mut Vec<T2Finding>) {
    let (file, line, col) = (hit.file, hit.pos.line, hit.pos.col);
    if let Some(how) = &hit.evasion {
        out.push(make(
            ctx,
            RuleId::T2Evasion,
            Severity::High,
            Confidence::High,
            file,
            line,
            col,
            format!(
                "{} reaches {} while hiding its name: {how}.",
                sink_kind_word(&hit.kind),
                hit.api
            ),
            vec![],
        ));
    }
    for label in &hit.taint {
        let Origin::Src(id) = label.origin else {
            continue;
        };
        let ev = &a.sources[id as usize];
        let flow = describe_flow(a, ctx, label, hit);
        let from = format!("{} ({}:{})", ev.what, ctx.units[ev.file].path, ev.pos.line);
        let multi = if crosses_files(label, hit) {
            " The flow crosses scripts of the skill."
        } else {
            ""
        };
        let tr = transforms_note(label);
        match (&hit.kind, &ev.kind) {
            (SinkKind::Network, kind) => {
                let dest = hit
                    .dest
                    .as_deref()
                    .map(|d| d.replace(super::shell::HOLE, "…"));
                let host = hit.dest.as_deref().and_then(|d| {
                    catalog::url_host(d)
                        .or_else(|| catalog::dev_socket_host(d))
                        .or_else(|| {
                            let d = d.trim();
                            (!d.is_empty() && !d.contains(super::shell::HOLE) && !d.contains('/'))
                                .then(|| d.to_ascii_lowercase())
                        })
                });
                let class = host.as_deref().map(catalog::host_class);
                let where_ = match (&dest, class) {
                    (Some(d), Some(HostClass::Exfil(what))) => format!("{d} ({what})"),
                    (Some(d), _) => d.clone(),
                    (None, _) => "a destination computed at run time".into(),
                };
                let to_exfil = matches!(class, Some(HostClass::Exfil(_)));
                match kind {
                    SourceKind::Cred { class: c, .. } => {
                        let sev = if *c == catalog::CredClass::DotEnv && !to_exfil {
                            Severity::High
                        } else {
                            Severity::Critical
                        };
                        out.push(make(
                            ctx,
                            RuleId::T2ExfilCredentials,
                            sev,
                            Confidence::High,
                            file,
                            line,
                            col,
                            format!(
                                "Reads {} — {from} — and sends it via {} to {where_}.{tr}{multi}",
                                c.describe(),
                                hit.api
                            ),
                            flow,
                        ));
                    }
                    SourceKind::EnvAll => {
                        out.push(make(ctx, RuleId::T2ExfilEnvironment, Severity::Critical, Confidence::High, file, line, col, format!("Sends the whole environment — {from} — via {} to {where_}.{tr}{multi}", hit.api), flow));
                    }
                    SourceKind::EnvVar { name, secret: true }
                    | SourceKind::CredTool { command: name } => {
                        let related = host
                            .as_deref()
                            .is_some_and(|h| ctx.declared.host_related(name, h));
                        let (rule, sev, conf, why) = match class {
                            Some(HostClass::Exfil(_)) => (
                                RuleId::T2ExfilSecret,
                                Severity::Critical,
                                Confidence::High,
                                "an exfiltration-type destination",
                            ),
                            Some(HostClass::Loopback) => (
                                RuleId::T2SecretToDeclaredApi,
                                Severity::Info,
                                Confidence::High,
                                "a local service",
                            ),
                            Some(HostClass::Named) if related => (
                                RuleId::T2SecretToDeclaredApi,
                                Severity::Info,
                                Confidence::Medium,
                                "a host matching the credential or named in SKILL.md",
                            ),
                            Some(HostClass::Named)
                                if dest.as_deref().is_some_and(|d| d.starts_with("http://")) =>
                            {
                                (
                                    RuleId::T2ExfilSecret,
                                    Severity::High,
                                    Confidence::Medium,
                                    "an unrelated host over plain HTTP",
                                )
                            }
                            // The flow is certain (a secret reaches a literal host); the
                            // skill never says it talks to that host: the secret is stolen.
                            Some(HostClass::Named) => (
                                RuleId::T2ExfilSecret,
                                Severity::Critical,
                                Confidence::High,
                                "a host unrelated to the credential and not mentioned in SKILL.md",
                            ),
                            None => (
                                RuleId::T2ExfilSecret,
                                Severity::Medium,
                                Confidence::Low,
                                "a destination computed at run time",
                            ),
                        };
                        out.push(make(ctx, rule, sev, conf, file, line, col, format!("Sends the secret {name} — {from} — via {} to {where_}: {why}.{tr}{multi}", hit.api), flow));
                    }
                    SourceKind::HomeListing { .. } | SourceKind::Clipboard => {
                        // The user's files sent to a host SKILL.md never names: the chain
                        // is complete whatever the host looks like.
                        let undeclared =
                            host.as_deref().is_some_and(|h| !ctx.declared.names_host(h))
                                && !matches!(class, Some(HostClass::Loopback));
                        let sev = if to_exfil || undeclared {
                            Severity::Critical
                        } else {
                            Severity::High
                        };
                        out.push(make(
                            ctx,
                            RuleId::T2ExfilRecon,
                            sev,
                            Confidence::High,
                            file,
                            line,
                            col,
                            format!("Sends {from} via {} to {where_}.{tr}{multi}", hit.api),
                            flow,
                        ));
                    }
                    SourceKind::HostInfo => {
                        let (sev, conf) = if to_exfil {
                            (Severity::High, Confidence::High)
                        } else {
                            (Severity::Low, Confidence::Low)
                        };
                        out.push(make(
                            ctx,
                            RuleId::T2ExfilRecon,
                            sev,
                            conf,
                            file,
                            line,
                            col,
                            format!(
                                "Sends host identity — {from} — via {} to {where_}.{tr}{multi}",
                                hit.api
                            ),
                            flow,
                        ));
                    }
                    SourceKind::CloudMetadata { .. } => {
                        out.push(make(ctx, RuleId::T2CloudMetadata, Severity::Critical, Confidence::High, file, line, col, format!("Forwards cloud instance metadata — {from} — via {} to {where_}.{multi}", hit.api), flow));
                    }
                    _ => {}
                }
            }
            (SinkKind::Exec | SinkKind::Eval, SourceKind::NetResponse { url }) => {
                let u = url
                    .as_deref()
                    .map(|u| u.replace(super::shell::HOLE, "…"))
                    .unwrap_or_else(|| "the network".into());
                out.push(make(
                    ctx,
                    RuleId::T2RemoteCodeExec,
                    Severity::Critical,
                    Confidence::High,
                    file,
                    line,
                    col,
                    format!(
                        "Runs code downloaded from {u} — {from} — via {}.{multi}",
                        hit.api
                    ),
                    flow,
                ));
            }
            (SinkKind::Exec | SinkKind::Eval, SourceKind::Decoded) => {
                // Tier 1's decode-and-execute is critical too: no skill needs to hide
                // what it runs.
                out.push(make(
                    ctx,
                    RuleId::T2ObfuscatedExec,
                    Severity::Critical,
                    Confidence::High,
                    file,
                    line,
                    col,
                    format!(
                        "Executes data decoded at run time — {from} — via {}.{multi}",
                        hit.api
                    ),
                    flow,
                ));
            }
            (
                SinkKind::Write {
                    target: WriteTarget::Persistence(what),
                    path,
                },
                SourceKind::NetResponse { .. },
            ) => {
                out.push(make(
                    ctx,
                    RuleId::T2Persistence,
                    Severity::Critical,
                    Confidence::High,
                    file,
                    line,
                    col,
                    format!(
                        "Installs downloaded data — {from} — into a {what} ({}).{multi}",
                        path.as_deref().unwrap_or("?")
                    ),
                    flow,
                ));
            }
            _ => {}
        }
    }
}

fn sink_kind_word(k: &SinkKind) -> &'static str {
    match k {
        SinkKind::Network => "A network call",
        SinkKind::Exec => "A process execution",
        SinkKind::Eval => "Code evaluation",
        SinkKind::Write { .. } => "A file write",
        SinkKind::Weakness(_) => "An unsafe operation",
    }
}
