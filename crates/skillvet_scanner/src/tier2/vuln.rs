//! Vulnerable code shipped in a skill: untrusted input reaching a dangerous operation.
//!
//! *Untrusted input* is what the skill's callers control: command-line arguments
//! (`sys.argv`, `argparse`, `process.argv`, `$1`), standard input, request data and the
//! arguments of web or MCP tool handlers (Flask/FastAPI routes, `@mcp.tool()` functions,
//! `server.tool(name, schema, handler)`, Express routes), and the parameters of functions
//! nothing in the skill calls (its API). The engine marks the operations (`Weak`) where
//! such data is dangerous — a shell command line built around it, code evaluation, a SQL
//! string built around it, a joined file path, unsafe deserialisation, a regular
//! expression — and sanitisers (`shlex.quote`, `int()`, `basename`, `re.escape`) as
//! transforms on the data. This module holds those tables and turns the hits into
//! findings; severities are in [`grade`].

use super::catalog::{self, CallKind, Transform};
use super::engine::{Analysis, InputHit, Label, Origin, SinkHit, SinkKind, SourceKind, Val};
use super::ir::Lang;
use super::rules::{self, Ctx, T2Finding};
use super::shell::HOLE;
use crate::model::{Confidence, Severity};
use crate::registry::RuleId;

/// A dangerous operation for untrusted data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weak {
    /// A shell command line built around the data.
    Command,
    /// Code evaluation of the data.
    Code,
    /// A SQL statement built around the data.
    Sql,
    /// A file path joined from the data, then opened, read, written or sent.
    Path,
    /// Deserialisation that can run code (pickle, marshal, yaml.load, node-serialize).
    Deserialize,
    /// A regular expression compiled from the data (catastrophic backtracking).
    Regex,
}

/// How untrusted input arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    /// A web request (route handler, `request.args`, `req.body`).
    Request,
    /// An agent tool call (MCP tool handler).
    Tool,
}

impl Via {
    pub fn describe(self) -> &'static str {
        match self {
            Via::Request => "web request data",
            Via::Tool => "a tool call's arguments",
        }
    }
}

/// Where the input enters, which decides the severity.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    /// A handler or command line: whoever drives the skill controls the data.
    Handler(String),
    Cli(String),
    /// A parameter of a function nothing in the skill calls.
    Library(String),
}

/// A string built around unknown data: known text and at least one hole.
pub fn interpolated(v: &Val) -> bool {
    v.s.as_deref()
        .is_some_and(|s| s.contains(HOLE) && s.chars().any(|c| c != HOLE && !c.is_whitespace()))
}

fn looks_sql(s: &str) -> bool {
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
    let word: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        word.as_str(),
        "select"
            | "insert"
            | "update"
            | "delete"
            | "replace"
            | "create"
            | "drop"
            | "alter"
            | "with"
            | "merge"
            | "upsert"
            | "pragma"
            | "truncate"
    ) && t[word.len()..].starts_with(|c: char| c.is_whitespace() || c == HOLE)
}

/// A file path joined from unknown data: `BASE/…`, `os.path.join(d, name)`.
fn joined_path(v: &Val) -> bool {
    v.s.as_deref()
        .is_some_and(|s| s.contains(HOLE) && (s.contains('/') || s.contains('\\')))
}

/// The operation a library call performs on which argument, for untrusted data.
/// `kw` looks up keyword arguments; `recv` is the method's receiver.
pub fn classify<'v>(
    q: &str,
    method: Option<&str>,
    recv: Option<&'v Val>,
    positional: &'v [Val],
    kw: &dyn Fn(&str) -> Option<&'v Val>,
) -> Option<(Weak, &'v Val)> {
    let last = method.unwrap_or_else(|| q.rsplit('.').next().unwrap_or(q));
    let first = positional.first();
    // SQL: a method whose first argument reads as a statement with a hole in it.
    let sql_call = (method.is_some() || q.starts_with("sqlalchemy") || q.starts_with("pandas"))
        && matches!(
            last,
            "execute"
                | "executemany"
                | "executescript"
                | "query"
                | "raw"
                | "prepare"
                | "exec"
                | "run"
                | "all"
                | "get"
                | "each"
                | "text"
                | "read_sql"
                | "read_sql_query"
                | "mogrify"
                | "unsafe"
        );
    if sql_call
        && let Some(a) = first
        && a.s.as_deref().is_some_and(looks_sql)
        && interpolated(a)
    {
        return Some((Weak::Sql, a));
    }
    match q {
        "pickle.loads"
        | "pickle.load"
        | "cPickle.loads"
        | "cPickle.load"
        | "_pickle.loads"
        | "dill.loads"
        | "dill.load"
        | "marshal.loads"
        | "marshal.load"
        | "jsonpickle.decode"
        | "yaml.unsafe_load"
        | "yaml.unsafe_load_all"
        | "pandas.read_pickle"
        | "node-serialize.unserialize"
        | "serialize.unserialize" => {
            return first.or_else(|| kw("data")).map(|a| (Weak::Deserialize, a));
        }
        "yaml.load" | "yaml.load_all" => {
            let loader = kw("Loader").or_else(|| positional.get(1));
            let safe = loader.is_some_and(|l| {
                l.qual()
                    .is_some_and(|q| q.ends_with("SafeLoader") || q.ends_with("BaseLoader"))
            });
            if !safe {
                return first
                    .or_else(|| kw("stream"))
                    .map(|a| (Weak::Deserialize, a));
            }
            return None;
        }
        "re.compile" | "re.search" | "re.match" | "re.fullmatch" | "re.findall" | "re.finditer"
        | "re.sub" | "re.subn" | "re.split" | "regex.compile" | "regex.search" | "regex.match"
        | "RegExp" => {
            return first.or_else(|| kw("pattern")).map(|a| (Weak::Regex, a));
        }
        _ => {}
    }
    // Files: the path argument (or a pathlib receiver) joined from untrusted data.
    let path_arg = match catalog::call_kind(q) {
        Some(CallKind::Open | CallKind::ReadFile | CallKind::WriteFile | CallKind::CopyFile) => {
            if q.starts_with("pathlib.Path()") || q.starts_with("open()") {
                recv
            } else {
                first
            }
        }
        _ if matches!(
            last,
            "send_file"
                | "sendFile"
                | "createReadStream"
                | "download"
                | "rmtree"
                | "unlink"
                | "unlinkSync"
                | "rmSync"
                | "remove"
        ) && (q.starts_with("flask")
            || q.starts_with("<value>")
            || q.starts_with("shutil")
            || q.starts_with("os.")
            || q.starts_with("fs"))
            || q.ends_with("().sendFile")
            || q.ends_with("().download") =>
        {
            first
        }
        _ => None,
    };
    path_arg.filter(|a| joined_path(a)).map(|a| (Weak::Path, a))
}

/// Calls whose result is neutralised for some operations.
pub fn sanitizer(q: &str) -> Option<Transform> {
    let last = q.rsplit('.').next().unwrap_or(q);
    Some(match q {
        "shlex.quote" | "pipes.quote" | "shlex.join" | "shell-quote.quote" | "shell-escape" => {
            Transform::ShellQuoted
        }
        "int" | "float" | "bool" | "len" | "abs" | "round" | "parseInt" | "parseFloat"
        | "Number" | "Math.floor" | "Math.round" | "Math.min" | "Math.max" | "uuid.UUID" => {
            Transform::Numeric
        }
        "os.path.basename"
        | "path.basename"
        | "posixpath.basename"
        | "werkzeug.utils.secure_filename"
        | "werkzeug.secure_filename"
        | "sanitize-filename" => Transform::FileName,
        "re.escape"
        | "regex.escape"
        | "escape-string-regexp"
        | "lodash.escapeRegExp"
        | "_.escapeRegExp" => Transform::RegexEscaped,
        _ if matches!(
            last,
            "escape_string" | "escapeId" | "quote_ident" | "quote_identifier"
        ) || (last == "escape" && !q.starts_with("re.") && !q.starts_with("html")) =>
        {
            Transform::SqlEscaped
        }
        _ => return None,
    })
}

fn neutralised(label: &Label, w: Weak) -> bool {
    label.transforms.iter().any(|t| match t {
        Transform::Numeric => true,
        Transform::ShellQuoted => w == Weak::Command,
        Transform::FileName => w == Weak::Path,
        Transform::RegexEscaped => w == Weak::Regex,
        Transform::SqlEscaped => w == Weak::Sql,
        _ => false,
    })
}

/// Library calls that read untrusted input into the program.
pub fn input_call(q: &str) -> Option<Origin> {
    let last = q.rsplit('.').next().unwrap_or(q);
    match q {
        "input" | "raw_input" | "fileinput.input" => Some(Origin::Stdin),
        _ if matches!(
            last,
            "parse_args" | "parse_known_args" | "parse_intermixed_args"
        ) && (q.starts_with("argparse") || q.starts_with("optparse")) =>
        {
            Some(Origin::Argv)
        }
        _ => None,
    }
}

/// Request objects of Python web frameworks: every attribute is request data.
pub fn request_global(q: &str) -> bool {
    [
        "flask.request.",
        "quart.request.",
        "bottle.request.",
        "sanic.request.",
    ]
    .iter()
    .any(|p| q.starts_with(p))
}

/// Registering a handler whose callback receives untrusted input: `server.tool(name,
/// schema, cb)`, `app.post("/x", cb)`, `http.createServer(cb)`.
pub fn handler_registration(q: &str, method: Option<&str>, first: Option<&Val>) -> Option<Via> {
    let m = method.unwrap_or_else(|| q.rsplit('.').next().unwrap_or(q));
    match m {
        "tool" | "registerTool" | "addTool" | "setRequestHandler" => Some(Via::Tool),
        "add_url_rule" | "add_api_route" | "add_route" => Some(Via::Request),
        "get" | "post" | "put" | "patch" | "delete" | "all" | "route" | "options"
            if first
                .and_then(|a| a.s.as_deref())
                .is_some_and(|p| p.starts_with('/')) =>
        {
            Some(Via::Request)
        }
        "createServer"
            if q.starts_with("http.") || q.starts_with("https.") || q.starts_with("http2.") =>
        {
            Some(Via::Request)
        }
        _ => None,
    }
}

// ----- findings ------------------------------------------------------------------------

fn rule_of(w: Weak) -> RuleId {
    match w {
        Weak::Command => RuleId::T2VulnCommandInjection,
        Weak::Code => RuleId::T2VulnCodeInjection,
        Weak::Sql => RuleId::T2VulnSqlInjection,
        Weak::Path => RuleId::T2VulnPathTraversal,
        Weak::Deserialize => RuleId::T2VulnUnsafeDeserialization,
        Weak::Regex => RuleId::T2VulnResourceExhaustion,
    }
}

fn what_of(w: Weak) -> &'static str {
    match w {
        Weak::Command => "a shell command line (command injection)",
        Weak::Code => "code evaluation (code injection)",
        Weak::Sql => "a SQL statement built by string formatting (SQL injection)",
        Weak::Path => "a file path joined without a containment check (path traversal)",
        Weak::Deserialize => "unsafe deserialisation, which runs code embedded in the data",
        Weak::Regex => "a regular expression compiled from it (catastrophic backtracking)",
    }
}

/// Severity and confidence by operation and entry (see the module docs).
fn grade(w: Weak, e: &Entry) -> Option<(Severity, Confidence)> {
    use Weak::*;
    Some(match (e, w) {
        (Entry::Handler(_), Command | Code | Deserialize) => (Severity::Critical, Confidence::High),
        (Entry::Cli(_), Command | Code) => (Severity::Critical, Confidence::High),
        (Entry::Cli(_), Deserialize) => (Severity::High, Confidence::High),
        (Entry::Handler(_) | Entry::Cli(_), Sql) => (Severity::High, Confidence::High),
        (Entry::Handler(_), Path) => (Severity::High, Confidence::High),
        (Entry::Handler(_), Regex) => (Severity::Medium, Confidence::Medium),
        // The user names files and patterns on their own command line.
        (Entry::Cli(_), Path | Regex) => return None,
        (Entry::Library(_), Command | Code | Sql | Deserialize) => {
            (Severity::High, Confidence::Medium)
        }
        (Entry::Library(_), Path) => (Severity::Medium, Confidence::Low),
        (Entry::Library(_), Regex) => (Severity::Low, Confidence::Low),
    })
}

/// Adds the vulnerable-code findings of one bundle.
pub fn findings(a: &Analysis, ctx: &Ctx, out: &mut Vec<T2Finding>) {
    // Concrete request/tool input (JavaScript handlers, Flask's `request`).
    for hit in &a.hits {
        let SinkKind::Weakness(w) = hit.kind else {
            continue;
        };
        for l in &hit.taint {
            let Origin::Src(id) = l.origin else { continue };
            let ev = &a.sources[id as usize];
            let SourceKind::Input { via } = ev.kind else {
                continue;
            };
            let entry = Entry::Handler(format!(
                "{} ({}:{})",
                via.describe(),
                ctx.units[ev.file].path,
                ev.pos.line
            ));
            report(ctx, hit, w, l, &entry, out);
        }
    }
    // Symbolic input: command lines, standard input, parameters.
    for ih in &a.input_hits {
        let SinkKind::Weakness(w) = ih.hit.kind else {
            continue;
        };
        let Some(entry) = entry_of(a, ctx, ih) else {
            continue;
        };
        report(ctx, &ih.hit, w, &ih.label, &entry, out);
    }
}

fn entry_of(a: &Analysis, ctx: &Ctx, ih: &InputHit) -> Option<Entry> {
    match ih.label.origin {
        Origin::Argv => Some(Entry::Cli("command-line arguments".into())),
        Origin::Stdin => Some(Entry::Cli("standard input".into())),
        Origin::Param(i) => {
            let (file, idx) = ih.func?;
            let func = &ctx.units[file].module.functions[idx];
            let pname = match func.params.get(i as usize) {
                Some(p) => p.name.replace(',', ", "),
                None if i == u16::MAX => "its arguments".into(),
                None => return None,
            };
            if matches!(pname.as_str(), "self" | "cls" | "ctx" | "context") {
                return None;
            }
            let fname = func.name.rsplit('.').next().unwrap_or(&func.name);
            let what = format!("parameter `{pname}` of {fname}()");
            let decorated = if a.handlers.contains(&(file, idx)) {
                Some(DecoratorKind::Handler)
            } else {
                decorator_entry(ctx.texts[file], func.pos.line)
            };
            match decorated {
                Some(DecoratorKind::Handler) => {
                    Some(Entry::Handler(format!("{what}, a request/tool handler")))
                }
                Some(DecoratorKind::Cli) => Some(Entry::Cli(format!("{what}, a CLI command"))),
                None if !a.called.contains(&(file, idx))
                    && !fname.starts_with('_')
                    && !is_test(&ctx.units[file].path, fname)
                    // Shell functions serve their own script, whose entry is its argv.
                    && ctx.units[file].lang != Lang::Shell =>
                {
                    Some(Entry::Library(format!(
                        "{what}, which nothing in the skill calls (its callers' data)"
                    )))
                }
                None => None,
            }
        }
        Origin::Src(_) => None,
    }
}

/// Test code: its parameters are fixtures, not callers' data.
fn is_test(path: &str, func: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    func.starts_with("test")
        || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name == "conftest.py"
        || path
            .split('/')
            .any(|d| d == "tests" || d == "test" || d == "__tests__")
}

enum DecoratorKind {
    Handler,
    Cli,
}

/// Decorators right above a Python `def` at `line` that make it a handler or command.
fn decorator_entry(text: &str, line: u32) -> Option<DecoratorKind> {
    let lines: Vec<&str> = text.lines().collect();
    let def = (line as usize).checked_sub(1)?;
    let mut kind = None;
    for l in lines[..def.min(lines.len())].iter().rev().take(8) {
        let t = l.trim();
        if t.is_empty() || t.ends_with(':') && !t.starts_with('@') {
            break;
        }
        if !t.starts_with('@') {
            continue;
        }
        let name: String = t[1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let last = name.rsplit('.').next().unwrap_or(&name);
        let handler = matches!(
            last,
            "tool" | "call_tool" | "route" | "api_route" | "websocket" | "resource"
        ) || (matches!(last, "get" | "post" | "put" | "patch" | "delete")
            && name.contains('.'));
        if handler {
            return Some(DecoratorKind::Handler);
        }
        if name.starts_with("click.") || name.starts_with("typer.") || last == "command" {
            kind = Some(DecoratorKind::Cli);
        }
    }
    kind
}

/// A normalised path compared with its base somewhere before the sink.
fn containment_checked(text: &str, line: u32) -> bool {
    const CHECKS: &[&str] = &[
        "startswith(",
        "startsWith(",
        "is_relative_to(",
        "relative_to(",
        "commonpath(",
        "path.relative(",
        "\"..\" in",
        "'..' in",
        "includes(\"..\")",
        "includes('..')",
    ];
    let end = line as usize;
    let start = end.saturating_sub(30);
    text.lines()
        .skip(start)
        .take(end - start)
        .any(|l| CHECKS.iter().any(|c| l.contains(c)))
}

fn report(
    ctx: &Ctx,
    hit: &SinkHit,
    w: Weak,
    label: &Label,
    entry: &Entry,
    out: &mut Vec<T2Finding>,
) {
    if neutralised(label, w) {
        return;
    }
    if w == Weak::Path && containment_checked(ctx.texts[hit.file], hit.pos.line) {
        return;
    }
    let Some((sev, conf)) = grade(w, entry) else {
        return;
    };
    let (from, tail) = match entry {
        Entry::Handler(s) => (
            s.as_str(),
            " Whoever calls the skill's handler controls this data.",
        ),
        Entry::Cli(s) => (
            s.as_str(),
            " The agent fills these from conversations and documents it reads.",
        ),
        Entry::Library(s) => (s.as_str(), ""),
    };
    let mut flow: Vec<String> = label
        .steps
        .iter()
        .map(|s| format!("{}:{} {}", ctx.units[s.file].path, s.line, s.what))
        .collect();
    flow.push(format!(
        "{}:{} reaches {} via {}",
        ctx.units[hit.file].path,
        hit.pos.line,
        what_of(w),
        hit.api
    ));
    out.push(rules::make(
        ctx,
        rule_of(w),
        sev,
        conf,
        hit.file,
        hit.pos.line,
        hit.pos.col,
        format!(
            "Untrusted input — {from} — reaches {} via {}.{tail}",
            what_of(w),
            hit.api
        ),
        flow,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Val {
        Val {
            s: Some(x.replace('?', &HOLE.to_string())),
            ..Val::default()
        }
    }

    fn weak(q: &str, method: Option<&str>, arg: &str) -> Option<Weak> {
        let args = [s(arg)];
        classify(q, method, None, &args, &|_| None).map(|x| x.0)
    }

    #[test]
    fn sql_needs_a_statement_with_a_hole() {
        let q = "sqlite3.connect().cursor().execute";
        let ex = Some("execute");
        assert_eq!(
            weak(q, ex, "SELECT * FROM t WHERE a = '?'"),
            Some(Weak::Sql)
        );
        assert_eq!(
            weak(q, ex, " (select a from t where b = ?)"),
            Some(Weak::Sql)
        );
        assert_eq!(weak(q, ex, "SELECT * FROM t"), None);
        assert_eq!(weak(q, ex, "echo ?"), None);
        assert_eq!(weak("<value>.get", Some("get"), "/items/?"), None);
    }

    #[test]
    fn paths_must_be_joined() {
        assert_eq!(weak("open", None, "data/?"), Some(Weak::Path));
        assert_eq!(weak("open", None, "?"), None);
    }

    #[test]
    fn decorators_name_handlers_and_commands() {
        let t = "@mcp.tool()\nasync def f(x):\n  pass\n@app.get(\"/a\")\ndef g(y):\n  pass\n@click.command()\n@click.argument('z')\ndef h(z):\n  pass\n@functools.cache\ndef k(w):\n  pass\n";
        assert!(matches!(
            decorator_entry(t, 2),
            Some(DecoratorKind::Handler)
        ));
        assert!(matches!(
            decorator_entry(t, 5),
            Some(DecoratorKind::Handler)
        ));
        assert!(matches!(decorator_entry(t, 9), Some(DecoratorKind::Cli)));
        assert!(decorator_entry(t, 12).is_none());
    }

    #[test]
    fn sanitisers_neutralise_their_own_operation() {
        let l = |t| Label {
            origin: Origin::Argv,
            steps: Vec::new(),
            transforms: vec![t],
        };
        assert!(neutralised(&l(Transform::ShellQuoted), Weak::Command));
        assert!(!neutralised(&l(Transform::ShellQuoted), Weak::Sql));
        assert!(neutralised(&l(Transform::Numeric), Weak::Sql));
        assert_eq!(sanitizer("shlex.quote"), Some(Transform::ShellQuoted));
        assert_eq!(sanitizer("re.escape"), Some(Transform::RegexEscaped));
        assert_eq!(sanitizer("html.escape"), None);
    }
}
