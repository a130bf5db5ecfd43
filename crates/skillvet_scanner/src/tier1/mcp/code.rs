//! MCP tools in server code: Python (`@mcp.tool()` and FastMCP decorators, docstrings,
//! `description=` of decorators, `Tool(…)` and `Field(…)`, server `instructions=`) and
//! JavaScript/TypeScript (`server.tool(name, description, …, handler)`,
//! `registerTool(name, {description, annotations}, handler)`, FastMCP `addTool({…})`,
//! `description:` properties, zod `.describe(…)`). Each tool's handler is kept, with the
//! bodies of same-file functions it calls, to compare what it does with what it declares.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::config::Described;
use super::{finding, line_at, note};
use crate::model::{Confidence, Finding, Severity};
use crate::registry::RuleId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Python,
    Js,
}

/// One tool found in code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tool {
    pub name: String,
    pub line: u32,
    /// How it is declared read-only, if it is.
    pub read_only: Option<&'static str>,
    /// Handler source, followed by the bodies of same-file functions it calls.
    pub body: String,
}

#[derive(Debug, Default)]
pub(crate) struct CodeScan {
    pub described: Vec<Described>,
    pub tools: Vec<Tool>,
}

fn lang_of(path: &str) -> Option<Lang> {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    match ext.as_str() {
        "py" | "pyw" => Some(Lang::Python),
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => Some(Lang::Js),
        _ => None,
    }
}

/// Longest call, literal or function body followed; more tools, functions or descriptions
/// than these in one file are not read. Hostile files (unclosed brackets and quotes by the
/// thousand) would otherwise cost quadratic time.
const MAX_SPAN: usize = 64 * 1024;
const MAX_TOOLS: usize = 64;
const MAX_FUNCTIONS: usize = 1024;
const MAX_DESCRIPTIONS: usize = 200;

static MCP_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)mcp|inputschema|input_schema").expect("mcp mark"));

/// Tools and descriptions of one source file (empty for files that are not MCP code).
pub(crate) fn tools(path: &str, text: &str) -> CodeScan {
    let Some(lang) = lang_of(path) else {
        return CodeScan::default();
    };
    if !MCP_MARK.is_match(text) {
        return CodeScan::default();
    }
    let mut scan = CodeScan::default();
    let functions = match lang {
        Lang::Python => python_functions(text),
        Lang::Js => js_functions(text),
    };
    let mut taken: Vec<usize> = Vec::new();
    match lang {
        Lang::Python => python_tools(path, text, &functions, &mut scan, &mut taken),
        Lang::Js => js_tools(path, text, &functions, &mut scan, &mut taken),
    }
    // Every other description, parameter description and server instructions.
    static KEYED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:\b(description|instructions)\s*[=:]|\.(describe)\s*\()\s*"#)
            .expect("keyed")
    });
    for c in KEYED.captures_iter(text).take(4 * MAX_DESCRIPTIONS) {
        let m = c.get(0).expect("group 0");
        if taken.contains(&m.end()) {
            continue;
        }
        if scan.described.len() >= MAX_DESCRIPTIONS {
            break;
        }
        let Some((s, _)) = literal_at(text, m.end(), lang) else {
            continue;
        };
        let what = match c.get(1).map(|k| k.as_str()) {
            Some("instructions") => "server instructions".to_owned(),
            Some(_) => "description".to_owned(),
            None => "parameter description".to_owned(),
        };
        scan.described.push(Described {
            path: path.to_owned(),
            line: line_at(text, m.end()),
            what,
            text: s,
        });
    }
    scan
}

// -------------------------------------------------------------------------- literals

/// The string literal (or literals joined by `+` or, in Python, by adjacency) starting at
/// `i` (after whitespace, optionally in parentheses), and the offset after it.
fn literal_at(text: &str, i: usize, lang: Lang) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, i, true);
    let paren = b.get(i) == Some(&b'(');
    if paren {
        i = skip_ws(b, i + 1, true);
    }
    let mut out = String::new();
    let mut any = false;
    let stop = i + MAX_SPAN;
    while let Some((s, end)) = one_literal(text, i, lang) {
        out.push_str(&s);
        any = true;
        let j = skip_ws(b, end, paren);
        if j > stop {
            i = end;
            break;
        }
        if b.get(j) == Some(&b'+') {
            i = skip_ws(b, j + 1, true);
            continue;
        }
        if lang == Lang::Python && starts_literal(b, j) {
            i = j;
            continue;
        }
        i = end;
        break;
    }
    any.then_some((out, i))
}

fn skip_ws(b: &[u8], mut i: usize, newlines: bool) -> usize {
    while let Some(&c) = b.get(i) {
        let skip = c == b' ' || c == b'\t' || (newlines && (c == b'\n' || c == b'\r'));
        // Python line continuation.
        let cont = c == b'\\' && matches!(b.get(i + 1), Some(b'\n'));
        if cont {
            i += 2;
        } else if skip {
            i += 1;
        } else {
            break;
        }
    }
    i
}

fn starts_literal(b: &[u8], i: usize) -> bool {
    let mut j = i;
    while j < i + 2 && b.get(j).is_some_and(|c| b"rRbBuUfF".contains(c)) {
        j += 1;
    }
    matches!(b.get(j), Some(b'"' | b'\''))
}

fn one_literal(text: &str, i: usize, lang: Lang) -> Option<(String, usize)> {
    let b = text.as_bytes();
    let mut j = i;
    let mut raw = false;
    if lang == Lang::Python {
        while j < i + 2 && b.get(j).is_some_and(|c| b"rRbBuUfF".contains(c)) {
            raw |= matches!(b[j], b'r' | b'R');
            j += 1;
        }
    }
    let q = *b.get(j)?;
    let quotes: &[u8] = match lang {
        Lang::Python => b"\"'",
        Lang::Js => b"\"'`",
    };
    if !quotes.contains(&q) {
        return None;
    }
    let triple = lang == Lang::Python && b.get(j..j + 3) == Some(&[q, q, q][..]);
    let open = if triple { 3 } else { 1 };
    let mut k = j + open;
    let mut out = Vec::new();
    let stop = b.len().min(k + MAX_SPAN);
    while k < stop {
        let c = b[k];
        if c == b'\\' && !raw {
            match b.get(k + 1) {
                Some(b'n') => out.push(b'\n'),
                Some(b't') => out.push(b'\t'),
                Some(b'\n') => {}
                Some(&e) => out.push(e),
                None => return None,
            }
            k += 2;
            continue;
        }
        if c == q && (!triple || b.get(k..k + 3) == Some(&[q, q, q][..])) {
            let end = k + open;
            return Some((String::from_utf8_lossy(&out).into_owned(), end));
        }
        if c == b'\n' && !triple && q != b'`' {
            return None;
        }
        out.push(c);
        k += 1;
    }
    None
}

// --------------------------------------------------------------------------- effects

static READ_ONLY_HINT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)read_?only_?hint["']?\s*[:=]\s*true"#).expect("hint"));
static READ_ONLY_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&crate::tier1::ascii_boundaries(r"(?i)\bread[\s-]?only\b|\bdoes\s+not\s+(modify|change|write|alter|delete|touch)\b|\bdoesn'?t\s+(modify|change|write|alter|delete)\b|\bwithout\s+(modifying|changing|writing|altering|side[\s-]effects)\b|\bno\s+side[\s-]effects\b|\bnever\s+(modifies|writes|changes|deletes)\b|\bnon[\s-]destructive\b")).expect("words")
});

fn read_only(decl: &str, description: &str) -> Option<&'static str> {
    if READ_ONLY_HINT.is_match(decl) {
        Some("readOnlyHint")
    } else if READ_ONLY_WORDS.is_match(description) {
        Some("its description")
    } else {
        None
    }
}

static SHELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bsubprocess\.\w+|\bos\.(system|popen|exec\w*|spawn\w*)\s*\(|\bpty\.spawn|\bcreate_subprocess_\w+|\bcommands\.getoutput|\bchild_process\b|\b(execSync|execFile|execFileSync|spawnSync|execa|execaSync)\s*\(|\bBun\.spawn|\bDeno\.(Command|run)\b|\bshell\s*=\s*True")
        .expect("shell")
});
/// `exec(`/`spawn(` count as processes in JavaScript only when `child_process` is imported.
static JS_EXEC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w])(exec|spawn)\s*\(").expect("js exec"));
static WRITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bopen\([^)\n]*,\s*(mode\s*=\s*)?["'][rbt]?[wax+]|\.open\(\s*["'][rbt]?[wax+]|\.write_(text|bytes)\(|\bos\.(remove|unlink|rename|replace|rmdir|removedirs|makedirs|mkdir|chmod|truncate)\(|\bshutil\.(rmtree|move|copy\w*)\(|\.(unlink|rmdir|touch)\(|\bfs(\.promises)?\.(writeFile|appendFile|rm|rmdir|unlink|rename|copyFile|mkdir|truncate|createWriteStream|chmod|cp)(Sync)?\s*\(|\b(writeFileSync|appendFileSync|unlinkSync|rmSync|rmdirSync|mkdirSync|createWriteStream)\s*\("#)
        .expect("write")
});
static SEND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\brequests\.(post|put|patch|delete)\(|\bhttpx\.(post|put|patch)\(|\burlopen\(|method\s*[:=]\s*["'](post|put|patch|delete)["']|\baxios\.(post|put|patch)\(|\bsmtplib\b|\bsendmail\(|\bsocket\.(socket|create_connection)\("#)
        .expect("send")
});

/// A tool declared read-only whose handler acts.
pub(crate) fn check_effects(t: &Tool, js_processes: bool, path: &str, out: &mut Vec<Finding>) {
    let Some(how) = t.read_only else { return };
    let shell = SHELL
        .find(&t.body)
        .or_else(|| js_processes.then(|| JS_EXEC.find(&t.body)).flatten());
    let (effect, m, severity, confidence) = if let Some(m) = shell {
        ("runs a process", m, Severity::High, Confidence::High)
    } else if let Some(m) = WRITE.find(&t.body) {
        let sure = if how == "readOnlyHint" {
            Confidence::High
        } else {
            Confidence::Medium
        };
        ("writes or deletes files", m, Severity::High, sure)
    } else if let Some(m) = SEND.find(&t.body) {
        (
            "sends data over the network",
            m,
            Severity::Medium,
            Confidence::Medium,
        )
    } else {
        return;
    };
    let line_text = t.body[..m.start()]
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .to_owned()
        + t.body[m.start()..].lines().next().unwrap_or("");
    let mut f = finding(
        RuleId::T1McpUndeclaredEffect,
        path,
        t.line,
        line_text.trim(),
        &format!(
            "Tool `{}` is declared read-only ({how}) but {effect}.",
            t.name
        ),
    );
    f.severity = severity;
    f.confidence = confidence;
    if how != "readOnlyHint" {
        note(&mut f, "read-only by its description");
    }
    out.push(f);
}

/// Whether a JavaScript file imports `child_process` (so bare `exec(` starts a process).
pub(crate) fn imports_processes(text: &str) -> bool {
    text.contains("child_process")
}

/// Appends the bodies of same-file functions that `body` calls (one level).
fn with_callees(body: &str, own: &str, functions: &HashMap<String, String>) -> String {
    static CALL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(^|[^.\w])([A-Za-z_]\w*)\s*\(").expect("call"));
    let mut out = body.to_owned();
    let mut seen: Vec<&str> = vec![own];
    for c in CALL.captures_iter(body) {
        let name = c.get(2).expect("name").as_str();
        if seen.len() > 32 || out.len() > 4 * MAX_SPAN {
            break;
        }
        if seen.contains(&name) {
            continue;
        }
        if let Some(f) = functions.get(name) {
            out.push('\n');
            out.push_str(f);
            seen.push(name);
        }
    }
    out
}

// ---------------------------------------------------------------------------- Python

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Byte offsets of line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i <= text.len())
        .collect()
}

/// (name, start of the `def` line, end of its body) of every function.
fn python_defs(text: &str) -> Vec<(String, usize, usize, usize)> {
    static DEF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^([ \t]*)(async[ \t]+)?def[ \t]+([A-Za-z_]\w*)").expect("def")
    });
    let starts = line_starts(text);
    DEF.captures_iter(text)
        .take(MAX_FUNCTIONS)
        .map(|c| {
            let start = c.get(0).expect("group 0").start();
            let own = c[1].len();
            let first = starts.partition_point(|&s| s <= start) - 1;
            let mut end = text.len();
            let mut in_sig = true;
            for &ls in &starts[first..] {
                if ls > start + MAX_SPAN {
                    end = ls;
                    break;
                }
                let le = text[ls..].find('\n').map_or(text.len(), |e| ls + e);
                let line = &text[ls..le];
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                if in_sig {
                    // The signature ends at the first line ending in `:` outside brackets;
                    // parameters on their own lines may be indented like the body.
                    if line.trim_end().ends_with(':') {
                        in_sig = false;
                    }
                    continue;
                }
                if indent(line) <= own {
                    end = ls;
                    break;
                }
            }
            (c[3].to_owned(), start, end, own)
        })
        .collect()
}

fn python_functions(text: &str) -> HashMap<String, String> {
    python_defs(text)
        .into_iter()
        .map(|(name, s, e, _)| (name, text[s..e].to_owned()))
        .collect()
}

fn python_tools(
    path: &str,
    text: &str,
    functions: &HashMap<String, String>,
    scan: &mut CodeScan,
    taken: &mut Vec<usize>,
) {
    static DECORATOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^[ \t]*@[ \t]*(?:[A-Za-z_]\w*\.)*tool\b[ \t]*(\()?").expect("decorator")
    });
    let defs = python_defs(text);
    for c in DECORATOR.captures_iter(text).take(MAX_TOOLS) {
        let m = c.get(0).expect("group 0");
        let args_end = if c.get(1).is_some() {
            balanced(text, m.end() - 1, Lang::Python).unwrap_or(m.end())
        } else {
            m.end()
        };
        let decl = &text[m.start()..args_end];
        let Some((name, s, e, own)) = defs.iter().find(|d| d.1 >= args_end).cloned() else {
            continue;
        };
        let func = &text[s..e];
        let mut tool_name = name.clone();
        static NAME: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\bname\s*=\s*").expect("name"));
        if let Some(n) = NAME.find(decl)
            && let Some((n, _)) = literal_at(text, m.start() + n.end(), Lang::Python)
        {
            tool_name = n;
        }
        // Description: the decorator's `description=`, else the docstring.
        static DESC: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\bdescription\s*=\s*").expect("desc"));
        let mut description: Option<(String, usize)> = None;
        if let Some(d) = DESC.find(decl) {
            let at = m.start() + d.end();
            taken.push(at);
            description = literal_at(text, at, Lang::Python).map(|(s, _)| (s, at));
        }
        if description.is_none()
            && let Some(colon) = signature_end(func)
        {
            let at = s + colon;
            let b = text.as_bytes();
            let first = skip_ws(b, at, true);
            let body_indented = text[..first]
                .rsplit('\n')
                .next()
                .is_some_and(|l| l.len() > own);
            if body_indented
                && starts_literal(b, first)
                && let Some((doc, _)) = literal_at(text, first, Lang::Python)
            {
                description = Some((doc, first));
            }
        }
        let desc_text = description.as_ref().map_or("", |d| d.0.as_str());
        if let Some((d, at)) = &description {
            scan.described.push(Described {
                path: path.to_owned(),
                line: line_at(text, *at),
                what: format!("tool `{tool_name}`"),
                text: d.clone(),
            });
        }
        scan.tools.push(Tool {
            name: tool_name,
            line: line_at(text, s),
            read_only: read_only(decl, desc_text),
            body: with_callees(func, &name, functions),
        });
    }
}

/// Offset just after the `:` ending a `def` signature.
fn signature_end(func: &str) -> Option<usize> {
    let b = func.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'"' | b'\'' => {
                if let Some((_, end)) = one_literal(func, i, Lang::Python) {
                    i = end;
                    continue;
                }
            }
            b':' if depth == 0 => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

// ------------------------------------------------------------------ JavaScript/TypeScript

/// Offset just after the bracket closing the one at `open`, skipping strings and comments.
fn balanced(text: &str, open: usize, lang: Lang) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0i32;
    let mut i = open;
    let stop = b.len().min(open + MAX_SPAN);
    while i < stop {
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' | b'\'' | b'`' => {
                if let Some((_, end)) = one_literal(text, i, lang) {
                    i = end;
                    continue;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < stop && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'#' if lang == Lang::Python => {
                while i < stop && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < stop && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The top-level arguments of the call whose `(` is at `open`, as byte ranges.
fn call_args(text: &str, open: usize) -> Option<(Vec<(usize, usize)>, usize)> {
    let close = balanced(text, open, Lang::Js)?;
    let b = text.as_bytes();
    let mut args = Vec::new();
    let mut start = open + 1;
    let mut i = open + 1;
    while i < close - 1 {
        match b[i] {
            b'(' | b'[' | b'{' => {
                i = balanced(text, i, Lang::Js)?;
                continue;
            }
            b'"' | b'\'' | b'`' => {
                if let Some((_, end)) = one_literal(text, i, Lang::Js) {
                    i = end;
                    continue;
                }
            }
            b',' => {
                args.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if text[start..close - 1].trim().is_empty() {
        // Trailing comma.
    } else {
        args.push((start, close - 1));
    }
    Some((args, close))
}

fn js_functions(text: &str) -> HashMap<String, String> {
    static FUNC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\bfunction\s+([A-Za-z_$][\w$]*)\s*\(|\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>")
            .expect("js function")
    });
    let mut out = HashMap::new();
    for c in FUNC.captures_iter(text).take(MAX_FUNCTIONS) {
        let name = c.get(1).or(c.get(2)).expect("name").as_str();
        let after = c.get(0).expect("group 0").end();
        let near = &text.as_bytes()[after..text.len().min(after + MAX_SPAN)];
        let Some(brace) = near.iter().position(|&b| b == b'{').map(|i| after + i) else {
            continue;
        };
        if let Some(end) = balanced(text, brace, Lang::Js) {
            out.insert(
                name.to_owned(),
                text[c.get(0).unwrap().start()..end].to_owned(),
            );
        }
    }
    out
}

fn js_tools(
    path: &str,
    text: &str,
    functions: &HashMap<String, String>,
    scan: &mut CodeScan,
    taken: &mut Vec<usize>,
) {
    static CALL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\.(tool|registerTool|addTool)\s*\(").expect("tool call"));
    static DESC_KEY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\bdescription\s*:\s*").expect("desc key"));
    static NAME_KEY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\bname\s*:\s*").expect("name key"));
    for c in CALL.captures_iter(text).take(MAX_TOOLS) {
        let m = c.get(0).expect("group 0");
        let Some((args, _)) = call_args(text, m.end() - 1) else {
            continue;
        };
        let Some(&(first_s, _)) = args.first() else {
            continue;
        };
        let kind = &c[1];
        let arg_text = |k: usize| args.get(k).map(|&(s, e)| &text[s..e]);
        let lit = |k: usize| {
            args.get(k).and_then(|&(s, e)| {
                literal_at(text, s, Lang::Js)
                    .filter(|(_, end)| text[*end..e].trim().is_empty())
                    .map(|(v, _)| (v, s))
            })
        };
        let in_object = |k: usize, key: &Regex| -> Option<(String, usize)> {
            let (s, e) = *args.get(k)?;
            let o = &text[s..e];
            if !o.trim_start().starts_with('{') {
                return None;
            }
            let found = key.find(o)?;
            let at = s + found.end();
            literal_at(text, at, Lang::Js).map(|(v, _)| (v, at))
        };
        let (name, description, decl_args) = match kind {
            "addTool" => (
                in_object(0, &NAME_KEY).map(|n| n.0),
                in_object(0, &DESC_KEY),
                (0..1).collect::<Vec<_>>(),
            ),
            "registerTool" => (
                lit(0).map(|n| n.0),
                in_object(1, &DESC_KEY),
                (1..2).collect(),
            ),
            _ => {
                // server.tool(name, description?, schema?, annotations?, handler)
                let desc = if args.len() >= 3 { lit(1) } else { None };
                (lit(0).map(|n| n.0), desc, (1..args.len()).collect())
            }
        };
        let Some(name) = name else { continue };
        if let Some((_, at)) = &description {
            taken.push(*at);
        }
        let decl: String = decl_args
            .iter()
            .filter_map(|&k| arg_text(k))
            .filter(|a| !a.contains("=>") && !a.trim_start().starts_with("async"))
            .collect::<Vec<_>>()
            .join(",");
        let handler = if kind == "addTool" {
            arg_text(0).unwrap_or("")
        } else {
            args.last().map_or("", |&(s, e)| &text[s..e])
        };
        let desc_text = description.as_ref().map_or("", |d| d.0.as_str());
        if let Some((d, at)) = &description {
            scan.described.push(Described {
                path: path.to_owned(),
                line: line_at(text, *at),
                what: format!("tool `{name}`"),
                text: d.clone(),
            });
        }
        let decl = if kind == "addTool" {
            // The annotations sit in the same object as the handler.
            handler.to_owned()
        } else {
            decl
        };
        scan.tools.push(Tool {
            line: line_at(text, first_s),
            read_only: read_only(&decl, desc_text),
            body: with_callees(handler, &name, functions),
            name,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        let py = r#"x = ("Adds two " 'numbers.'
     "\nThird.")"#;
        assert_eq!(
            literal_at(py, 4, Lang::Python).unwrap().0,
            "Adds two numbers.\nThird."
        );
        assert_eq!(
            literal_at(r#"d = """Doc\nstring""" "#, 4, Lang::Python)
                .unwrap()
                .0,
            "Doc\nstring"
        );
        assert_eq!(
            literal_at("d: 'a' +\n  `b ${x}` + \"c\"", 3, Lang::Js)
                .unwrap()
                .0,
            "ab ${x}c"
        );
        assert_eq!(literal_at("x = name", 4, Lang::Python), None);
    }

    #[test]
    fn python_tools_with_docstrings_and_handlers() {
        let text = r#"from mcp.server.fastmcp import FastMCP
mcp = FastMCP("notes", instructions="Keeps notes.")

def _save(p, t):
    with open(p, "w") as f:
        f.write(t)

@mcp.tool(annotations={"readOnlyHint": True})
async def list_notes(
    folder: str,
) -> list[str]:
    """List the notes in a folder.

    Args:
        folder: a folder of the project.
    """
    _save("index", folder)
    return []

@mcp.tool(description="Adds two numbers.")
def add(a: int, b: int) -> int:
    return a + b
"#;
        let scan = tools("server.py", text);
        let names: Vec<&str> = scan.tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["list_notes", "add"]);
        let t = &scan.tools[0];
        assert_eq!((t.line, t.read_only), (9, Some("readOnlyHint")));
        assert!(t.body.contains("open(p, \"w\")"), "{}", t.body);
        assert!(!scan.tools[1].body.contains("open("));
        let what: Vec<(&str, u32)> = scan
            .described
            .iter()
            .map(|d| (d.what.as_str(), d.line))
            .collect();
        assert_eq!(
            what,
            [
                ("tool `list_notes`", 12),
                ("tool `add`", 20),
                ("server instructions", 2)
            ]
        );
        let mut out = Vec::new();
        check_effects(t, false, "server.py", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].rule_id, RuleId::T1McpUndeclaredEffect.code());
    }

    #[test]
    fn typescript_tools() {
        let text = r#"import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { execSync } from "node:child_process";
const server = new McpServer({ name: "x", version: "1.0.0" });
server.tool("status", "Shows the git status. Read-only.", { dir: z.string().describe("The folder.") },
  async ({ dir }) => ({ content: [{ type: "text", text: run(dir) }] }));
function run(d) { return execSync("git status", { cwd: d }).toString(); }
server.registerTool("greet", { title: "Greet", description: "Says hello.", annotations: { readOnlyHint: true } },
  async () => ({ content: [] }));
"#;
        let scan = tools("src/index.ts", text);
        let t: Vec<(&str, Option<&str>)> = scan
            .tools
            .iter()
            .map(|t| (t.name.as_str(), t.read_only))
            .collect();
        assert_eq!(
            t,
            [
                ("status", Some("its description")),
                ("greet", Some("readOnlyHint"))
            ]
        );
        assert!(scan.tools[0].body.contains("execSync"));
        let what: Vec<&str> = scan.described.iter().map(|d| d.what.as_str()).collect();
        assert_eq!(
            what,
            ["tool `status`", "tool `greet`", "parameter description"]
        );
        let mut out = Vec::new();
        for t in &scan.tools {
            check_effects(t, imports_processes(text), "src/index.ts", &mut out);
        }
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::High);
    }

    #[test]
    fn other_code_is_ignored() {
        assert!(
            tools("a.py", "def tool():\n    '''Reads ~/.ssh'''\n")
                .tools
                .is_empty()
        );
        assert!(tools("a.rs", "mcp").tools.is_empty());
    }
}
