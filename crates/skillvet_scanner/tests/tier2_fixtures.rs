//! Labelled tier-2 fixtures: each malicious behaviour must produce exactly the expected
//! rule ids; benign look-alikes must stay at info.

use std::collections::BTreeSet;
use std::path::Path;

use skillvet_scanner::tier2::{self, T2Finding};
use skillvet_scanner::{Confidence, RuleId, Severity};

fn scan(name: &str) -> Vec<T2Finding> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tier2")
        .join(name);
    let bundle = skillvet_skill::local::load_dir(&dir, &Default::default())
        .unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()));
    let report = tier2::analyze_bundle(&bundle);
    assert!(!report.truncated, "{name}: analysis ran out of budget");
    report.findings
}

fn rules(findings: &[T2Finding]) -> BTreeSet<&'static str> {
    findings.iter().map(|f| f.rule.code()).collect()
}

fn expect(name: &str, expected: &[&str]) -> Vec<T2Finding> {
    let f = scan(name);
    let got = rules(&f);
    let want: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(got, want, "{name}: {f:#?}");
    f
}

fn find<'a>(f: &'a [T2Finding], rule: &str) -> &'a T2Finding {
    f.iter()
        .find(|x| x.rule.code() == rule)
        .unwrap_or_else(|| panic!("no {rule} in {f:#?}"))
}

#[test]
fn env_exfiltration_through_variable_indirection() {
    let f = expect(
        "exfil-env-python",
        &["SV-T2-EXFIL-ENVIRONMENT", "SV-T2-UNDECLARED-NETWORK"],
    );
    let x = find(&f, "SV-T2-EXFIL-ENVIRONMENT");
    assert_eq!(x.severity, Severity::Critical);
    assert_eq!((x.file.as_str(), x.line), ("scripts/format.py", 17));
    assert!(
        x.message.contains("webhook.site") && x.message.contains("request-capture"),
        "{}",
        x.message
    );
    // The path starts at `k = os.environ`, two assignments before the sink.
    assert!(
        x.flow[0].starts_with("scripts/format.py:15 os.environ"),
        "{:?}",
        x.flow
    );
}

#[test]
fn ssh_key_theft_in_shell() {
    let f = expect(
        "ssh-key-theft-shell",
        &[
            "SV-T2-EXFIL-CREDENTIALS",
            "SV-T2-UNDECLARED-CREDENTIAL-ACCESS",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    let x = find(&f, "SV-T2-EXFIL-CREDENTIALS");
    assert_eq!(x.severity, Severity::Critical);
    assert!(
        x.message.contains("SSH private keys")
            && x.message.contains("base64-encoded")
            && x.message.contains("raw IP"),
        "{}",
        x.message
    );
}

#[test]
fn multi_file_collector_encoder_reporter() {
    let f = expect(
        "multi-file-collector",
        &[
            "SV-T2-EXFIL-CREDENTIALS",
            "SV-T2-EXFIL-ENVIRONMENT",
            "SV-T2-UNDECLARED-CREDENTIAL-ACCESS",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    let x = find(&f, "SV-T2-EXFIL-CREDENTIALS");
    assert_eq!(x.file, "scripts/reporter.py");
    let files: BTreeSet<&str> = x
        .flow
        .iter()
        .map(|s| s.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        files,
        [
            "scripts/collector.py",
            "scripts/encoder.py",
            "scripts/reporter.py"
        ]
        .into_iter()
        .collect()
    );
    assert!(
        x.message.contains("crosses scripts") && x.message.contains("compressed"),
        "{}",
        x.message
    );
}

#[test]
fn shell_script_feeding_python_script() {
    let f = expect(
        "shell-to-python",
        &["SV-T2-EXFIL-ENVIRONMENT", "SV-T2-UNDECLARED-NETWORK"],
    );
    let x = find(&f, "SV-T2-EXFIL-ENVIRONMENT");
    assert_eq!(x.file, "scripts/report.py");
    assert!(
        x.flow
            .iter()
            .any(|s| s.starts_with("scripts/check.sh:4 `env`")),
        "{:?}",
        x.flow
    );
    assert!(
        x.flow.iter().any(|s| s.contains("runs scripts/report.py")),
        "{:?}",
        x.flow
    );
}

#[test]
fn declared_vs_actual_pdf_formatter_opening_sockets() {
    let f = expect("pdf-formatter-socket", &["SV-T2-UNDECLARED-NETWORK"]);
    let x = find(&f, "SV-T2-UNDECLARED-NETWORK");
    assert_eq!(
        x.severity,
        Severity::High,
        "raw sockets in an undeclared skill"
    );
    assert!(x.message.contains("fonts-cdn.example.org"), "{}", x.message);
}

#[test]
fn split_string_and_indirection_evasions() {
    let f = expect(
        "evasion-split-strings",
        &[
            "SV-T2-EVASION",
            "SV-T2-EXFIL-ENVIRONMENT",
            "SV-T2-EXFIL-RECON",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    let ev: Vec<_> = f
        .iter()
        .filter(|x| x.rule == RuleId::T2Evasion)
        .map(|x| x.file.as_str())
        .collect();
    assert_eq!(ev, vec!["scripts/count.py", "scripts/count.sh"]);
    let recon = find(&f, "SV-T2-EXFIL-RECON");
    assert!(
        recon.message.contains("whoami") && recon.message.contains("tunnel"),
        "{}",
        recon.message
    );
}

#[test]
fn remote_code_through_js_callbacks() {
    let f = expect(
        "remote-exec-js",
        &["SV-T2-REMOTE-CODE-EXEC", "SV-T2-DECLARED-NETWORK"],
    );
    assert_eq!(find(&f, "SV-T2-REMOTE-CODE-EXEC").line, 12);
}

#[test]
fn decoded_payload_is_analysed_too() {
    let f = expect(
        "obfuscated-exec",
        &[
            "SV-T2-OBFUSCATED-EXEC",
            "SV-T2-REMOTE-CODE-EXEC",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    // The base64 payload pipes a download into sh: found by analysing the decoded code.
    assert!(
        find(&f, "SV-T2-REMOTE-CODE-EXEC")
            .message
            .contains("198.51.100.7")
    );
}

#[test]
fn persistence_points() {
    let f = expect("persistence-shell", &["SV-T2-PERSISTENCE"]);
    let lines: Vec<u32> = f.iter().map(|x| x.line).collect();
    assert_eq!(lines, vec![3, 4, 5], "{f:#?}");
}

#[test]
fn js_ssh_key_to_discord_webhook() {
    let f = expect(
        "js-ssh-exfil",
        &[
            "SV-T2-EXFIL-CREDENTIALS",
            "SV-T2-UNDECLARED-CREDENTIAL-ACCESS",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    assert!(
        find(&f, "SV-T2-EXFIL-CREDENTIALS")
            .message
            .contains("chat webhook")
    );
}

#[test]
fn benign_api_client_is_info_only() {
    let f = expect(
        "benign-github-client",
        &["SV-T2-DECLARED-NETWORK", "SV-T2-SECRET-TO-DECLARED-API"],
    );
    assert!(f.iter().all(|x| x.severity == Severity::Info), "{f:#?}");
}

#[test]
fn benign_local_tool_is_clean() {
    expect("benign-local-tool", &[]);
}

// ----- vulnerable code (untrusted input reaching a dangerous operation) -----------------

fn verdict(name: &str) -> skillvet_scanner::Verdict {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tier2")
        .join(name);
    let report = skillvet_scanner::scan(&dir, &Default::default()).expect("scan");
    assert_eq!(report.skills.len(), 1, "{name}");
    report.skills[0].verdict
}

#[test]
fn mcp_tool_argument_in_a_shell_command_fails() {
    let f = expect("vuln-mcp-tool-command", &["SV-T2-VULN-COMMAND-INJECTION"]);
    let x = find(&f, "SV-T2-VULN-COMMAND-INJECTION");
    assert_eq!(
        (x.severity, x.confidence),
        (Severity::Critical, Confidence::High)
    );
    // Found in the helper, through the decorated handler's argument.
    assert_eq!((x.file.as_str(), x.line), ("scripts/server.py", 9));
    assert!(
        x.message.contains("of convert(), a request/tool handler"),
        "{}",
        x.message
    );
    assert!(
        x.flow.iter().any(|s| s.contains("passed to soffice()")),
        "{:?}",
        x.flow
    );
    // `page_count` passes its argument in a list without a shell: not reported.
    assert!(f.iter().all(|x| x.line != 23), "{f:#?}");
    assert_eq!(
        verdict("vuln-mcp-tool-command"),
        skillvet_scanner::Verdict::Fail
    );
}

#[test]
fn node_tool_handler_and_express_route() {
    let f = expect(
        "vuln-node-tool-server",
        &["SV-T2-VULN-COMMAND-INJECTION", "SV-T2-VULN-PATH-TRAVERSAL"],
    );
    let cmd = find(&f, "SV-T2-VULN-COMMAND-INJECTION");
    assert_eq!((cmd.line, cmd.severity), (11, Severity::Critical));
    assert!(
        cmd.message.contains("a tool call's arguments"),
        "{}",
        cmd.message
    );
    let paths: Vec<&T2Finding> = f
        .iter()
        .filter(|x| x.rule.code() == "SV-T2-VULN-PATH-TRAVERSAL")
        .collect();
    assert_eq!(paths.len(), 2, "{f:#?}");
    // A route callback, then a named function registered as a route.
    assert_eq!((paths[0].line, paths[0].severity), (26, Severity::High));
    assert!(
        paths[0].message.contains("web request data"),
        "{}",
        paths[0].message
    );
    assert_eq!((paths[1].line, paths[1].severity), (30, Severity::High));
    assert!(
        paths[1]
            .message
            .contains("of preview(), a request/tool handler"),
        "{}",
        paths[1].message
    );
    assert_eq!(
        verdict("vuln-node-tool-server"),
        skillvet_scanner::Verdict::Fail
    );
}

#[test]
fn flask_routes_sql_path_and_deserialisation() {
    let f = expect(
        "vuln-flask-app",
        &[
            "SV-T2-VULN-PATH-TRAVERSAL",
            "SV-T2-VULN-SQL-INJECTION",
            "SV-T2-VULN-UNSAFE-DESERIALIZATION",
        ],
    );
    let sql = find(&f, "SV-T2-VULN-SQL-INJECTION");
    assert_eq!(
        (sql.line, sql.severity, sql.confidence),
        (19, Severity::High, Confidence::High)
    );
    assert_eq!(find(&f, "SV-T2-VULN-PATH-TRAVERSAL").line, 26);
    let lines: Vec<u32> = f
        .iter()
        .filter(|x| x.rule.code() == "SV-T2-VULN-UNSAFE-DESERIALIZATION")
        .map(|x| x.line)
        .collect();
    assert_eq!(
        lines,
        vec![31, 32],
        "pickle.loads and yaml.load(Loader=yaml.Loader)"
    );
}

#[test]
fn command_line_arguments_reaching_eval() {
    let f = expect(
        "vuln-cli-injection",
        &["SV-T2-VULN-CODE-INJECTION", "SV-T2-VULN-COMMAND-INJECTION"],
    );
    let code = find(&f, "SV-T2-VULN-CODE-INJECTION");
    assert_eq!((code.file.as_str(), code.line), ("scripts/calc.py", 5));
    assert!(
        code.message.contains("command-line arguments"),
        "{}",
        code.message
    );
    let shell = find(&f, "SV-T2-VULN-COMMAND-INJECTION");
    assert_eq!((shell.file.as_str(), shell.line), ("scripts/build.sh", 4));
    assert_eq!(
        verdict("vuln-cli-injection"),
        skillvet_scanner::Verdict::Fail
    );
}

#[test]
fn exposed_library_function_is_a_concern_not_a_failure() {
    let f = expect("vuln-library-sql", &["SV-T2-VULN-SQL-INJECTION"]);
    let x = find(&f, "SV-T2-VULN-SQL-INJECTION");
    assert_eq!(
        (x.line, x.severity, x.confidence),
        (10, Severity::High, Confidence::Medium)
    );
    assert!(
        x.message.contains("parameter `name` of find_by_name()"),
        "{}",
        x.message
    );
    assert_eq!(
        verdict("vuln-library-sql"),
        skillvet_scanner::Verdict::Concerns
    );
}

#[test]
fn safe_handlers_are_clean() {
    // Placeholders, int(), shlex.quote, argument lists, realpath + startswith,
    // secure_filename, yaml.safe_load / SafeLoader, json, ast.literal_eval, re.escape.
    expect("benign-safe-handlers", &[]);
    assert_eq!(
        verdict("benign-safe-handlers"),
        skillvet_scanner::Verdict::Pass
    );
}

// ----- obfuscation folded to the real string ---------------------------------------------

fn obfuscated_lines(f: &[T2Finding]) -> Vec<(&str, u32)> {
    let mut v: Vec<(&str, u32)> = f
        .iter()
        .filter(|x| x.rule.code() == "SV-T2-OBFUSCATED-EXEC")
        .map(|x| (x.file.as_str(), x.line))
        .collect();
    v.sort();
    v
}

#[test]
fn character_codes_are_folded() {
    let f = expect(
        "obf-char-codes",
        &[
            "SV-T2-OBFUSCATED-EXEC",
            "SV-T2-REMOTE-CODE-EXEC",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    // Generator of chr(), bytes([...]).decode(), fromCharCode(...spread), .map(fromCharCode).
    let want = vec![
        ("scripts/fmt.js", 3),
        ("scripts/fmt.js", 4),
        ("scripts/fmt.py", 11),
        ("scripts/fmt.py", 12),
    ];
    assert_eq!(obfuscated_lines(&f), want);
    assert!(
        find(&f, "SV-T2-REMOTE-CODE-EXEC")
            .message
            .contains("198.51.100.23")
    );
}

#[test]
fn reversed_strings_are_folded() {
    let f = expect(
        "obf-reversed",
        &[
            "SV-T2-OBFUSCATED-EXEC",
            "SV-T2-REMOTE-CODE-EXEC",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    assert_eq!(
        obfuscated_lines(&f),
        vec![("scripts/sort.js", 2), ("scripts/sort.py", 4)]
    );
}

#[test]
fn compressed_layers_are_unpacked() {
    let f = expect(
        "obf-compressed-layers",
        &[
            "SV-T2-OBFUSCATED-EXEC",
            "SV-T2-REMOTE-CODE-EXEC",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    // zlib under base64 (Python) and gzip under a base64 Buffer (Node): the inner
    // download-and-run is found in both.
    let rce: Vec<&str> = f
        .iter()
        .filter(|x| x.rule.code() == "SV-T2-REMOTE-CODE-EXEC")
        .map(|x| x.file.as_str())
        .collect();
    assert_eq!(rce, vec!["scripts/pp.js", "scripts/pp.py"]);
}

#[test]
fn builtins_globals_and_homoglyph_indirection() {
    let f = expect(
        "obf-indirection",
        &[
            "SV-T2-EVASION",
            "SV-T2-OBFUSCATED-EXEC",
            "SV-T2-REMOTE-CODE-EXEC",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    let evasions: Vec<u32> = f
        .iter()
        .filter(|x| x.rule.code() == "SV-T2-EVASION")
        .map(|x| x.line)
        .collect();
    // getattr(__builtins__, "ex"+"ec"), globals()["__imp"+"ort__"]("o"+"s").popen, 𝐞𝐯𝐚𝐥.
    assert_eq!(evasions, vec![5, 8, 10], "{f:#?}");
}

#[test]
fn payload_assembled_across_files() {
    let f = expect(
        "obf-split-files",
        &[
            "SV-T2-OBFUSCATED-EXEC",
            "SV-T2-REMOTE-CODE-EXEC",
            "SV-T2-UNDECLARED-NETWORK",
        ],
    );
    let rce: Vec<(&str, u32)> = f
        .iter()
        .filter(|x| x.rule.code() == "SV-T2-REMOTE-CODE-EXEC")
        .map(|x| (x.file.as_str(), x.line))
        .collect();
    // Python: base64 halves imported from theme.py; Node: pieces from module.exports.
    assert_eq!(
        rce,
        vec![("scripts/render.js", 2), ("scripts/render.py", 5)]
    );
}

#[test]
fn benign_string_tricks_are_clean() {
    // chr(10), list[::-1], a base64 icon, "".join of separators, getattr on stdout.
    expect("benign-string-tricks", &[]);
    assert_eq!(
        verdict("benign-string-tricks"),
        skillvet_scanner::Verdict::Pass
    );
}

#[test]
fn a_secret_sent_to_a_host_the_skill_never_names_fails() {
    // Issue 14: a file and an API key posted to an unknown host ended PASS with two medium
    // findings. The flow is certain and the host undeclared: a confirmed critical.
    let f = scan("secret-and-file-to-unknown-host");
    let x = find(&f, "SV-T2-EXFIL-SECRET");
    assert_eq!(
        (x.severity, x.confidence),
        (Severity::Critical, Confidence::High)
    );
    assert_eq!(
        verdict("secret-and-file-to-unknown-host"),
        skillvet_scanner::Verdict::Fail
    );
}

#[test]
fn a_loop_over_literal_paths_reads_each_path() {
    // The body is analysed once per element, so each credential file is seen by name.
    let f = scan("cred-paths-in-a-loop");
    let reads: Vec<&T2Finding> = f
        .iter()
        .filter(|x| x.rule.code() == "SV-T2-UNDECLARED-CREDENTIAL-ACCESS")
        .collect();
    assert!(!reads.is_empty(), "{f:#?}");
    assert!(reads.iter().all(|x| x.line == 8), "{f:#?}");
}
