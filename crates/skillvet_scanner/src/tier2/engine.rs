//! Abstract interpreter over the IR: follows data from sources to sinks inside and across
//! functions and files. Each function is summarised once with symbolic parameters
//! (`Origin::Param`), each script once with symbolic argv/stdin; call sites substitute
//! their arguments into the summary. Values also carry the string they are known to hold
//! (with `HOLE` for unknown parts), so split strings, `getattr(os, "sys"+"tem")` and
//! command strings handed to a shell resolve to what they name.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::catalog::{self, CallKind, CommandKind, CredClass, Transform, WriteTarget};
use super::ir::*;
use super::shell::HOLE;
use super::vuln::{self, Via, Weak};

/// Upper bound of evaluated nodes per bundle: keeps hostile inputs linear-time.
const STEP_LIMIT: usize = 3_000_000;
const MAX_LABELS: usize = 8;
const MAX_STEPS: usize = 10;
const MAX_STR: usize = 4096;
/// How many code strings (eval/exec/`sh -c`) one bundle may re-parse.
const MAX_NESTED: usize = 200;

pub struct Unit {
    pub path: String,
    pub lang: Lang,
    pub module: Module,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    EnvAll,
    EnvVar {
        name: String,
        secret: bool,
    },
    Cred {
        class: CredClass,
        path: String,
    },
    CredTool {
        command: String,
    },
    HomeListing {
        path: String,
    },
    Clipboard,
    HostInfo,
    CloudMetadata {
        url: String,
    },
    NetResponse {
        url: Option<String>,
    },
    /// Constant data decoded at run time (base64/hex/char codes): hidden code or strings.
    Decoded,
    /// Untrusted input from a request or tool call (see `vuln`).
    Input {
        via: Via,
    },
}

#[derive(Debug, Clone)]
pub struct SourceEvent {
    pub kind: SourceKind,
    pub file: usize,
    pub pos: Pos,
    pub what: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Src(u32),
    /// Function parameter; `u16::MAX` stands for "all arguments" (shell `$@`).
    Param(u16),
    Argv,
    Stdin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub file: usize,
    pub line: u32,
    pub what: Rc<str>,
}

#[derive(Debug, Clone)]
pub struct Label {
    pub origin: Origin,
    pub steps: Vec<Step>,
    pub transforms: Vec<Transform>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Ref {
    /// A library object by qualified name; instances end in `()`.
    Global(String),
    Func(usize, usize),
    Lambda(Rc<Function>),
    Module(usize),
    Class(usize, String),
    Instance(usize, String),
}

#[derive(Debug, Clone, Default)]
pub struct Val {
    pub taint: Vec<Label>,
    /// Known string content; `HOLE` marks unknown parts.
    pub s: Option<String>,
    /// The string was assembled (concatenation, reversal, decoding, char codes).
    pub built: bool,
    pub r: Option<Ref>,
    pub items: Option<Vec<Val>>,
    pub fields: Option<Vec<(String, Val)>>,
    /// Known integer (character codes, byte lists).
    pub num: Option<i64>,
    /// How many characters of `s` were produced from character codes or by reversal.
    pub coded: u32,
    /// Known bytes that are not text (a decoded, still compressed payload).
    pub bytes: Option<Rc<[u8]>>,
}

impl Val {
    fn str(s: impl Into<String>) -> Val {
        Val {
            s: Some(s.into()),
            ..Val::default()
        }
    }
    fn global(q: impl Into<String>) -> Val {
        Val {
            r: Some(Ref::Global(q.into())),
            ..Val::default()
        }
    }
    fn tainted(taint: Vec<Label>) -> Val {
        Val {
            taint,
            ..Val::default()
        }
    }
    pub fn qual(&self) -> Option<&str> {
        match &self.r {
            Some(Ref::Global(q)) => Some(q),
            _ => None,
        }
    }
    /// Known string without holes.
    fn exact(&self) -> Option<&str> {
        self.s.as_deref().filter(|s| !s.contains(HOLE))
    }
    /// Every label reachable from this value, including list items and fields.
    fn all_taint(&self) -> Vec<Label> {
        let mut t = self.taint.clone();
        if let Some(items) = &self.items {
            for i in items {
                merge(&mut t, &i.all_taint());
            }
        }
        if let Some(fields) = &self.fields {
            for (_, v) in fields {
                merge(&mut t, &v.all_taint());
            }
        }
        t
    }
}

pub fn merge(into: &mut Vec<Label>, from: &[Label]) {
    for l in from {
        if into.len() >= MAX_LABELS {
            return;
        }
        if !into.iter().any(|x| x.origin == l.origin) {
            into.push(l.clone());
        }
    }
}

fn with_step(labels: &[Label], step: &Step) -> Vec<Label> {
    labels
        .iter()
        .map(|l| {
            let mut l = l.clone();
            if l.steps.len() < MAX_STEPS && l.steps.last() != Some(step) {
                l.steps.push(step.clone());
            }
            l
        })
        .collect()
}

fn with_transform(labels: &[Label], t: Transform, step: &Step) -> Vec<Label> {
    let mut out = with_step(labels, step);
    for l in &mut out {
        if !l.transforms.contains(&t) {
            l.transforms.push(t);
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub enum SinkKind {
    Network,
    /// Runs a program or shell command.
    Exec,
    /// Evaluates code (eval/exec/Function/`sh -c`).
    Eval,
    Write {
        path: Option<String>,
        target: WriteTarget,
    },
    /// An operation dangerous for untrusted input (see `vuln`).
    Weakness(Weak),
}

#[derive(Debug, Clone)]
pub struct SinkHit {
    pub kind: SinkKind,
    pub file: usize,
    pub pos: Pos,
    pub api: String,
    pub taint: Vec<Label>,
    pub dest: Option<String>,
    /// How the callee was hidden, when it was (`getattr` with a built name…).
    pub evasion: Option<String>,
}

/// Something a script is able to do, whether or not sensitive data flows into it.
#[derive(Debug, Clone, PartialEq)]
pub enum CapKind {
    Network {
        host: Option<String>,
        raw_socket: bool,
    },
    Exec {
        program: Option<String>,
    },
    WriteOutside {
        path: String,
    },
    Persistence {
        what: &'static str,
        path: String,
    },
    SecretRead(SourceKind),
}

#[derive(Debug, Clone)]
pub struct Capability {
    pub kind: CapKind,
    pub file: usize,
    pub pos: Pos,
    pub api: String,
}

#[derive(Default, Clone)]
struct Summary {
    ret: Val,
    out: Vec<Label>,
    sinks: Vec<SinkHit>,
    /// Data the function passes to callbacks it received as parameter `n`.
    callbacks: Vec<(u16, Vec<Label>)>,
}

enum Scope {
    /// Module top level: variables live in the engine's per-file globals.
    Top,
    Local(HashMap<String, Val>),
}

struct Frame {
    file: usize,
    scope: Scope,
    ret: Val,
    out: Vec<Label>,
    sinks: Vec<SinkHit>,
    class: Option<String>,
    /// Shell function frames map `$1…` to parameters; top-level shell to argv.
    shell_fn: bool,
    weak: bool,
    callbacks: Vec<(u16, Vec<Label>)>,
    /// Language of the code being run (a shell string inside a Python file is shell).
    lang: Lang,
}

/// What the analysis found in one bundle.
#[derive(Default)]
pub struct Analysis {
    pub sources: Vec<SourceEvent>,
    pub hits: Vec<SinkHit>,
    pub caps: Vec<Capability>,
    pub truncated: bool,
    /// Weakness sinks reached by symbolic input (arguments, stdin, parameters), per label.
    pub input_hits: Vec<InputHit>,
    /// Local functions called somewhere in the bundle.
    pub called: HashSet<(usize, usize)>,
    /// Local functions registered as request/tool handlers (`app.get("/x", handler)`).
    pub handlers: HashSet<(usize, usize)>,
}

/// A weakness sink in a function's (or script's) summary reached by its own input.
#[derive(Debug, Clone)]
pub struct InputHit {
    pub hit: SinkHit,
    pub label: Label,
    /// The function whose summary holds it; `None` for a script's top level.
    pub func: Option<(usize, usize)>,
}

pub struct Engine<'p> {
    units: &'p [Unit],
    out: Analysis,
    globals: Vec<HashMap<String, Val>>,
    fn_index: Vec<HashMap<String, usize>>,
    classes: Vec<HashSet<String>>,
    fields: HashMap<(usize, String, String), Val>,
    summaries: HashMap<(usize, usize), Rc<Summary>>,
    scripts: HashMap<usize, Rc<Summary>>,
    in_progress: HashSet<(usize, usize)>,
    modules_started: HashSet<usize>,
    /// Data written to a path earlier (a downloaded file later executed).
    written: HashMap<String, Vec<Label>>,
    source_index: HashMap<(SourceKindKey, usize, u32, u32), u32>,
    hit_keys: HashSet<(usize, u32, u32, String)>,
    cap_keys: HashSet<String>,
    steps: usize,
    nested: usize,
}

type SourceKindKey = String;

/// Global holding what a CommonJS module exports.
const MODULE_EXPORTS: &str = "module.exports";

pub fn analyze(units: &[Unit]) -> Analysis {
    let mut e = Engine {
        units,
        out: Analysis::default(),
        globals: vec![HashMap::new(); units.len()],
        fn_index: units
            .iter()
            .map(|u| {
                u.module
                    .functions
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.class.is_none() || u.lang == Lang::Shell)
                    .map(|(i, f)| (f.name.clone(), i))
                    .collect()
            })
            .collect(),
        classes: units
            .iter()
            .map(|u| {
                u.module
                    .functions
                    .iter()
                    .filter_map(|f| f.class.clone())
                    .collect()
            })
            .collect(),
        fields: HashMap::new(),
        summaries: HashMap::new(),
        scripts: HashMap::new(),
        in_progress: HashSet::new(),
        modules_started: HashSet::new(),
        written: HashMap::new(),
        source_index: HashMap::new(),
        hit_keys: HashSet::new(),
        cap_keys: HashSet::new(),
        steps: 0,
        nested: 0,
    };
    for file in 0..units.len() {
        e.script(file);
    }
    for (file, unit) in units.iter().enumerate() {
        for func in 0..unit.module.functions.len() {
            e.summary(file, func);
        }
    }
    e.out.truncated = e.steps > STEP_LIMIT;
    e.collect_input_hits();
    e.out
}

impl<'p> Engine<'p> {
    fn tick(&mut self) -> bool {
        self.steps += 1;
        self.steps <= STEP_LIMIT
    }

    fn lang(&self, file: usize) -> Lang {
        self.units[file].lang
    }

    fn step(&self, file: usize, pos: Pos, what: impl Into<Rc<str>>) -> Step {
        Step {
            file,
            line: pos.line,
            what: what.into(),
        }
    }

    fn source(&mut self, kind: SourceKind, file: usize, pos: Pos, what: &str) -> Label {
        let key = (format!("{kind:?}"), file, pos.line, pos.col);
        let id = match self.source_index.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.out.sources.len() as u32;
                if matches!(
                    kind,
                    SourceKind::Cred { .. }
                        | SourceKind::CredTool { .. }
                        | SourceKind::EnvAll
                        | SourceKind::HomeListing { .. }
                        | SourceKind::Clipboard
                        | SourceKind::CloudMetadata { .. }
                ) {
                    self.capability(CapKind::SecretRead(kind.clone()), file, pos, what);
                }
                self.out.sources.push(SourceEvent {
                    kind,
                    file,
                    pos,
                    what: what.to_string(),
                });
                self.source_index.insert(key, id);
                id
            }
        };
        Label {
            origin: Origin::Src(id),
            steps: vec![self.step(file, pos, what.to_string())],
            transforms: Vec::new(),
        }
    }

    fn capability(&mut self, kind: CapKind, file: usize, pos: Pos, api: &str) {
        let key = format!("{kind:?}{file}:{}", pos.line);
        if self.cap_keys.insert(key) {
            self.out.caps.push(Capability {
                kind,
                file,
                pos,
                api: api.to_string(),
            });
        }
    }

    // ----- modules, scripts, functions -------------------------------------------------

    /// Evaluates a file's top level once (its globals and its run-as-a-script summary).
    fn script(&mut self, file: usize) -> Rc<Summary> {
        if let Some(s) = self.scripts.get(&file) {
            return s.clone();
        }
        if !self.modules_started.insert(file) {
            // Import cycle: what is known so far.
            return Rc::new(Summary::default());
        }
        let mut f = Frame {
            file,
            scope: Scope::Top,
            ret: Val::default(),
            out: Vec::new(),
            sinks: Vec::new(),
            class: None,
            shell_fn: false,
            weak: false,
            callbacks: Vec::new(),
            lang: self.units[file].lang,
        };
        let body = &self.units[file].module.body;
        self.stmts(&mut f, body);
        let s = Rc::new(Summary {
            ret: Val::default(),
            out: f.out,
            sinks: f.sinks,
            callbacks: Vec::new(),
        });
        self.scripts.insert(file, s.clone());
        s
    }

    fn summary(&mut self, file: usize, func: usize) -> Rc<Summary> {
        if let Some(s) = self.summaries.get(&(file, func)) {
            return s.clone();
        }
        if !self.in_progress.insert((file, func)) {
            return Rc::new(Summary::default());
        }
        // Globals the function reads come from the module's top level.
        if !self.modules_started.contains(&file) {
            self.script(file);
        }
        let units = self.units;
        let function = &units[file].module.functions[func];
        let s = self.summarise(file, function);
        self.in_progress.remove(&(file, func));
        let s = Rc::new(s);
        self.summaries.insert((file, func), s.clone());
        s
    }

    fn summarise(&mut self, file: usize, function: &Function) -> Summary {
        let shell = self.lang(file) == Lang::Shell;
        let mut env = HashMap::new();
        let params: &[Param] = if shell { &[] } else { &function.params };
        for (i, p) in params.iter().enumerate() {
            let v = Val::tainted(vec![Label {
                origin: Origin::Param(i as u16),
                steps: Vec::new(),
                transforms: Vec::new(),
            }]);
            // Destructured JS parameters bind several names to one argument.
            for n in p.name.split(',') {
                env.insert(n.to_string(), v.clone());
            }
        }
        let mut f = Frame {
            file,
            scope: Scope::Local(env),
            ret: Val::default(),
            out: Vec::new(),
            sinks: Vec::new(),
            class: function.class.clone(),
            shell_fn: shell,
            weak: false,
            callbacks: Vec::new(),
            lang: self.units[file].lang,
        };
        self.stmts(&mut f, &function.body);
        Summary {
            ret: f.ret,
            out: f.out,
            sinks: f.sinks,
            callbacks: f.callbacks,
        }
    }

    /// Replaces symbolic labels by the call's actual data.
    fn subst(
        &self,
        labels: &[Label],
        args: &[Val],
        argv: Option<&[Val]>,
        stdin: Option<&Val>,
        call: &Step,
    ) -> Vec<Label> {
        let mut out = Vec::new();
        for l in labels {
            let actual: Option<Vec<Label>> = match l.origin {
                Origin::Src(_) => None,
                Origin::Param(u16::MAX) => Some(args.iter().flat_map(|a| a.all_taint()).collect()),
                Origin::Param(i) => Some(
                    args.get(i as usize)
                        .map(|a| a.all_taint())
                        .unwrap_or_default(),
                ),
                Origin::Argv => argv.map(|a| a.iter().flat_map(|v| v.all_taint()).collect()),
                Origin::Stdin => stdin.map(|s| s.all_taint()),
            };
            match actual {
                None => merge(&mut out, std::slice::from_ref(l)),
                Some(act) => {
                    for a in act {
                        let mut n = a.clone();
                        if n.steps.len() < MAX_STEPS {
                            n.steps.push(call.clone());
                        }
                        for s in &l.steps {
                            if n.steps.len() < MAX_STEPS {
                                n.steps.push(s.clone());
                            }
                        }
                        for t in &l.transforms {
                            if !n.transforms.contains(t) {
                                n.transforms.push(*t);
                            }
                        }
                        merge(&mut out, &[n]);
                    }
                }
            }
        }
        out
    }

    /// Applies a callee summary at a call site.
    fn apply(
        &mut self,
        f: &mut Frame,
        s: &Summary,
        args: &[Val],
        argv: Option<&[Val]>,
        stdin: Option<&Val>,
        call: Step,
    ) -> Val {
        self.apply_out(f, s, args, argv, stdin, call).0
    }

    /// Like `apply`, also returning what the callee printed.
    fn apply_out(
        &mut self,
        f: &mut Frame,
        s: &Summary,
        args: &[Val],
        argv: Option<&[Val]>,
        stdin: Option<&Val>,
        call: Step,
    ) -> (Val, Vec<Label>) {
        for hit in &s.sinks {
            let taint = self.subst(&hit.taint, args, argv, stdin, &call);
            let mut h = hit.clone();
            h.taint = taint;
            self.record(f, h);
        }
        let out = self.subst(&s.out, args, argv, stdin, &call);
        merge(&mut f.out, &out);
        let mut ret = s.ret.clone();
        ret.taint = self.subst(&s.ret.all_taint(), args, argv, stdin, &call);
        ret.items = None;
        ret.fields = None;
        (ret, out)
    }

    fn record(&mut self, f: &mut Frame, hit: SinkHit) {
        let concrete: Vec<Label> = hit
            .taint
            .iter()
            .filter(|l| matches!(l.origin, Origin::Src(_)))
            .cloned()
            .collect();
        let symbolic = concrete.len() < hit.taint.len();
        if !concrete.is_empty() || hit.evasion.is_some() {
            let key = (
                hit.file,
                hit.pos.line,
                hit.pos.col,
                format!(
                    "{:?}{}",
                    concrete.iter().map(|l| l.origin).collect::<Vec<_>>(),
                    matches!(hit.kind, SinkKind::Weakness(_))
                ),
            );
            if self.hit_keys.insert(key) {
                let mut h = hit.clone();
                h.taint = concrete;
                self.out.hits.push(h);
            }
        }
        if symbolic {
            f.sinks.push(hit);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn sink(
        &mut self,
        f: &mut Frame,
        kind: SinkKind,
        pos: Pos,
        api: &str,
        taint: Vec<Label>,
        dest: Option<String>,
        evasion: Option<String>,
    ) {
        let file = f.file;
        match &kind {
            SinkKind::Network => {
                let raw = api.contains("socket")
                    || api.contains("net.")
                    || matches!(
                        api,
                        "nc" | "ncat" | "netcat" | "socat" | "telnet" | "/dev/tcp"
                    );
                let host = dest.as_deref().and_then(|d| {
                    catalog::url_host(d).or_else(|| {
                        let d = d.trim();
                        (!d.is_empty() && !d.contains(HOLE) && !d.contains('/'))
                            .then(|| d.to_ascii_lowercase())
                    })
                });
                self.capability(
                    CapKind::Network {
                        host,
                        raw_socket: raw,
                    },
                    file,
                    pos,
                    api,
                );
            }
            SinkKind::Exec | SinkKind::Eval => {
                self.capability(
                    CapKind::Exec {
                        program: dest.clone(),
                    },
                    file,
                    pos,
                    api,
                );
            }
            SinkKind::Write {
                path: Some(p),
                target,
            } => match target {
                WriteTarget::Persistence(what) => self.capability(
                    CapKind::Persistence {
                        what,
                        path: p.clone(),
                    },
                    file,
                    pos,
                    api,
                ),
                WriteTarget::Outside => {
                    self.capability(CapKind::WriteOutside { path: p.clone() }, file, pos, api)
                }
                WriteTarget::Local => {}
            },
            SinkKind::Write { .. } | SinkKind::Weakness(_) => {}
        }
        if let SinkKind::Write { path: Some(p), .. } = &kind {
            let entry = self.written.entry(p.clone()).or_default();
            merge(entry, &taint);
        }
        let hit = SinkHit {
            kind,
            file,
            pos,
            api: api.to_string(),
            taint,
            dest,
            evasion,
        };
        self.record(f, hit);
    }

    // ----- variables ------------------------------------------------------------------

    fn get_var(&self, f: &Frame, name: &str) -> Option<Val> {
        if let Scope::Local(env) = &f.scope
            && let Some(v) = env.get(name)
        {
            return Some(v.clone());
        }
        self.globals[f.file].get(name).cloned()
    }

    fn set_var(&mut self, f: &mut Frame, name: &str, mut v: Val, weak: bool) {
        let env = match &mut f.scope {
            Scope::Local(env) => env,
            Scope::Top => &mut self.globals[f.file],
        };
        if (weak || f.weak)
            && let Some(old) = env.get(name)
        {
            let mut t = old.taint.clone();
            merge(&mut t, &v.taint);
            v.taint = t;
            if v.s.is_none() {
                v.s = old.s.clone();
            }
            if v.r.is_none() {
                v.r = old.r.clone();
            }
        }
        env.insert(name.to_string(), v);
    }

    /// Adds taint to an existing variable (container mutation: `d[k] = v`, `l.append(v)`).
    fn taint_var(&mut self, f: &mut Frame, name: &str, taint: &[Label]) {
        if taint.is_empty() {
            return;
        }
        let mut v = self.get_var(f, name).unwrap_or_default();
        merge(&mut v.taint, taint);
        let env = match &mut f.scope {
            Scope::Local(env)
                if env.contains_key(name) || !self.globals[f.file].contains_key(name) =>
            {
                env
            }
            Scope::Local(_) | Scope::Top => &mut self.globals[f.file],
        };
        env.insert(name.to_string(), v);
    }

    fn lookup(&mut self, f: &Frame, name: &str, pos: Pos) -> Val {
        if f.lang == Lang::Python
            && let Some(plain) = super::fold::python_identifier(name)
        {
            // Python runs `𝐞𝐯𝐚𝐥` as `eval`: resolve it, and say it was disguised.
            let mut v = self.lookup(f, &plain, pos);
            v.built |= v.qual().is_some_and(is_dangerous_global);
            return v;
        }
        if let Some(v) = self.get_var(f, name) {
            return v;
        }
        let file = f.file;
        let lang = f.lang;
        if let Some(idx) = self.fn_index[file].get(name) {
            return Val {
                r: Some(Ref::Func(file, *idx)),
                ..Val::default()
            };
        }
        if self.classes[file].contains(name) {
            return Val {
                r: Some(Ref::Class(file, name.to_string())),
                ..Val::default()
            };
        }
        match lang {
            Lang::Shell => self.shell_var(f, name, pos),
            Lang::Python | Lang::JavaScript => self.global_ref(f, name.to_string(), pos),
        }
    }

    fn shell_var(&mut self, f: &Frame, name: &str, pos: Pos) -> Val {
        if name == "<stdin>" {
            return Val::tainted(vec![Label {
                origin: Origin::Stdin,
                steps: Vec::new(),
                transforms: Vec::new(),
            }]);
        }
        if let Some(rest) = name.strip_prefix('$') {
            let origin = if f.shell_fn {
                match rest.parse::<u16>() {
                    Ok(0) => return Val::default(),
                    Ok(n) => Origin::Param(n - 1),
                    Err(_) => Origin::Param(u16::MAX),
                }
            } else {
                if rest == "0" {
                    return Val::default();
                }
                Origin::Argv
            };
            return Val::tainted(vec![Label {
                origin,
                steps: Vec::new(),
                transforms: Vec::new(),
            }]);
        }
        self.env_var(name, f.file, pos, &format!("${name}"))
    }

    fn env_var(&mut self, name: &str, file: usize, pos: Pos, what: &str) -> Val {
        let secret = catalog::is_secret_env(name);
        let label = self.source(
            SourceKind::EnvVar {
                name: name.to_string(),
                secret,
            },
            file,
            pos,
            what,
        );
        Val {
            taint: vec![label],
            s: catalog::env_value_hint(name).map(str::to_string),
            ..Val::default()
        }
    }

    /// An unbound Python/JS name: a builtin or library global.
    fn global_ref(&mut self, f: &Frame, q: String, pos: Pos) -> Val {
        let file = f.file;
        let mut v = Val::global(q.clone());
        match q.as_str() {
            "os.environ" | "os.environb" | "process.env" | "Deno.env" => {
                v.taint = vec![self.source(SourceKind::EnvAll, file, pos, &q)];
            }
            "sys.argv" | "process.argv" | "Deno.args" => {
                v.taint = vec![Label {
                    origin: Origin::Argv,
                    steps: Vec::new(),
                    transforms: Vec::new(),
                }];
            }
            _ if vuln::request_global(&q) => {
                v.taint = vec![self.source(SourceKind::Input { via: Via::Request }, file, pos, &q)];
            }
            "sys.stdin" | "process.stdin" => {
                v.taint = vec![Label {
                    origin: Origin::Stdin,
                    steps: Vec::new(),
                    transforms: Vec::new(),
                }];
            }
            _ => {}
        }
        v
    }

    // ----- statements -----------------------------------------------------------------

    fn stmts(&mut self, f: &mut Frame, body: &[Stmt]) {
        for s in body {
            if !self.tick() {
                return;
            }
            self.stmt(f, s);
        }
    }

    fn stmt(&mut self, f: &mut Frame, s: &Stmt) {
        match s {
            Stmt::Expr(e) => {
                let v = self.eval(f, e);
                // Shell: a command's output goes to the script's stdout.
                if matches!(e, Expr::Call(c) if c.command) {
                    merge(&mut f.out, &v.all_taint());
                }
            }
            Stmt::Assign {
                targets,
                value,
                weak,
                pos,
            } => {
                let v = self.eval(f, value);
                for t in targets {
                    self.assign(f, t, v.clone(), *weak, *pos);
                }
            }
            Stmt::Return(e) => {
                let v = self.eval(f, e);
                let mut r = std::mem::take(&mut f.ret);
                merge(&mut r.taint, &v.all_taint());
                if r.r.is_none() {
                    r.r = v.r.clone();
                }
                if r.s.is_none() {
                    r.s = v.s.clone();
                    r.built |= v.built;
                    r.coded = v.coded;
                }
                if r.items.is_none() && r.num.is_none() {
                    r.num = v.num;
                }
                f.ret = r;
            }
            Stmt::Import(imp) => self.import(f, imp),
            Stmt::Def(idx) => {
                let file = f.file;
                let Some(func) = self.units[file].module.functions.get(*idx) else {
                    return;
                };
                if func.class.is_none() && !func.name.is_empty() {
                    let name = func.name.clone();
                    self.set_var(
                        f,
                        &name,
                        Val {
                            r: Some(Ref::Func(file, *idx)),
                            ..Val::default()
                        },
                        false,
                    );
                }
            }
        }
    }

    fn assign(&mut self, f: &mut Frame, t: &Target, v: Val, weak: bool, pos: Pos) {
        match t {
            Target::Name(n) => self.set_var(f, n, v, weak),
            Target::Destructure(names) => {
                for (key, local) in names {
                    let part = match key {
                        Some(k) => self.member(f, &v, k, pos, true),
                        None => Val {
                            taint: v.all_taint(),
                            r: v.r.clone().filter(|_| is_env_ref(&v)),
                            ..Val::default()
                        },
                    };
                    self.set_var(f, local, part, weak);
                }
            }
            Target::Attr(base, field) => {
                if self.export_assign(f, base, field, &v) {
                    return;
                }
                if let Some((file, class)) = self.instance_of(f, base) {
                    let key = (file, class, field.clone());
                    let entry = self.fields.entry(key).or_default();
                    merge(&mut entry.taint, &v.all_taint());
                    if entry.s.is_none() {
                        entry.s = v.s.clone();
                    }
                    if entry.r.is_none() {
                        entry.r = v.r.clone();
                    }
                    return;
                }
                if let Some(root) = root_name(base) {
                    self.taint_var(f, &root, &v.all_taint());
                }
            }
            Target::Index(base) => {
                if let Some(root) = root_name(base) {
                    self.taint_var(f, &root, &v.all_taint());
                }
            }
        }
    }

    /// CommonJS exports (`module.exports = {…}`, `exports.a = …`), kept as the module's
    /// `module.exports` global so that `require("./parts").a` sees the value.
    fn export_assign(&mut self, f: &mut Frame, base: &Expr, field: &str, v: &Val) -> bool {
        if f.lang != Lang::JavaScript || !matches!(f.scope, Scope::Top) {
            return false;
        }
        let is_module = |e: &Expr| matches!(e, Expr::Name(n, _) if n == "module");
        let is_exports = |e: &Expr| {
            matches!(e, Expr::Name(n, _) if n == "exports")
                || matches!(e, Expr::Attr(b, a, _) if a == "exports" && is_module(b))
        };
        if is_module(base) && field == "exports" {
            self.globals[f.file].insert(MODULE_EXPORTS.into(), v.clone());
            return true;
        }
        if !is_exports(base) {
            return false;
        }
        let entry = self.globals[f.file]
            .entry(MODULE_EXPORTS.into())
            .or_default();
        merge(&mut entry.taint, &v.all_taint());
        entry
            .fields
            .get_or_insert_with(Vec::new)
            .push((field.to_string(), v.clone()));
        true
    }

    /// `self`/`this` inside a method, or a value known to be a local class instance.
    fn instance_of(&mut self, f: &mut Frame, base: &Expr) -> Option<(usize, String)> {
        if let Expr::Name(n, _) = base
            && (n == "self" || n == "this")
            && let Some(c) = &f.class
        {
            return Some((f.file, c.clone()));
        }
        if let Expr::Name(n, _) = base
            && let Some(Val {
                r: Some(Ref::Instance(file, class)),
                ..
            }) = self.get_var(f, n)
        {
            return Some((file, class));
        }
        None
    }

    fn import(&mut self, f: &mut Frame, imp: &Import) {
        let lang = self.lang(f.file);
        let local = self.resolve_module(f.file, &imp.module, lang);
        let module_val = match local {
            Some(file) => {
                self.script(file);
                Val {
                    r: Some(Ref::Module(file)),
                    ..Val::default()
                }
            }
            None => Val::global(normalize_module(&imp.module)),
        };
        if let Some(alias) = &imp.alias {
            // `import a.b` binds `a` (unless it is a sibling module).
            let v = if lang == Lang::Python && local.is_none() && !alias_is_explicit(imp) {
                Val::global(alias.clone())
            } else {
                module_val.clone()
            };
            self.set_var(f, alias, v, false);
        }
        for (name, local_name) in &imp.names {
            if name == "*" {
                if let Some(file) = local {
                    let names: Vec<(String, usize)> = self.fn_index[file]
                        .iter()
                        .map(|(k, v)| (k.clone(), *v))
                        .collect();
                    for (n, idx) in names {
                        self.set_var(
                            f,
                            &n,
                            Val {
                                r: Some(Ref::Func(file, idx)),
                                ..Val::default()
                            },
                            false,
                        );
                    }
                    let globals: Vec<(String, Val)> = self.globals[file]
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    for (n, v) in globals {
                        self.set_var(f, &n, v, false);
                    }
                }
                continue;
            }
            let v = if name == "default" && local.is_none() {
                module_val.clone()
            } else {
                self.member(f, &module_val, name, imp.pos, true)
            };
            self.set_var(f, local_name, v, false);
        }
    }

    /// Finds a sibling file for an import/require/source/script path.
    fn resolve_module(&self, from: usize, module: &str, lang: Lang) -> Option<usize> {
        let base_dir = dir_of(&self.units[from].path);
        let mut candidates: Vec<String> = Vec::new();
        match lang {
            Lang::Python => {
                let dots = module.chars().take_while(|c| *c == '.').count();
                let rest = module[dots..].replace('.', "/");
                let mut dir = base_dir.to_string();
                for _ in 1..dots.max(1) {
                    dir = dir_of(&dir).to_string();
                }
                for ext in [".py", "/__init__.py"] {
                    candidates.push(join_path(&dir, &format!("{rest}{ext}")));
                    if dots == 0 {
                        candidates.push(format!("{rest}{ext}"));
                    }
                }
                if dots == 0 {
                    // `from scripts.x import y` or a module living in another folder of the skill.
                    let suffix = format!("/{rest}.py");
                    if let Some(i) = self
                        .units
                        .iter()
                        .position(|u| u.path.ends_with(&suffix) && u.lang == Lang::Python)
                    {
                        return Some(i);
                    }
                }
            }
            Lang::JavaScript => {
                if !(module.starts_with('.') || module.starts_with('/')) {
                    return None;
                }
                let p = join_path(base_dir, module);
                for ext in [
                    "",
                    ".js",
                    ".ts",
                    ".mjs",
                    ".cjs",
                    ".jsx",
                    ".tsx",
                    "/index.js",
                    "/index.ts",
                ] {
                    candidates.push(format!("{p}{ext}"));
                }
            }
            Lang::Shell => {
                candidates.push(join_path(base_dir, module));
                candidates.push(normalize_path(module));
            }
        }
        for c in candidates {
            if let Some(i) = self.units.iter().position(|u| u.path == c) {
                return Some(i);
            }
        }
        None
    }

    /// A script named by a command word or interpreter argument (`./x.sh`,
    /// `"$DIR/scripts/y.py"`): matched by its known path suffix.
    fn find_script(&self, from: usize, path: &str) -> Option<usize> {
        let known = path.rsplit(HOLE).next().unwrap_or(path);
        let known = known.trim_start_matches("./").trim_start_matches('/');
        if known.is_empty() || !known.contains('.') && !path.contains('/') {
            // A bare command name only matches an executable script with that exact name.
            return self
                .units
                .iter()
                .position(|u| u.path.rsplit('/').next() == Some(known) && !known.is_empty());
        }
        if let Some(i) = self.resolve_module(from, known, Lang::Shell) {
            return Some(i);
        }
        self.units
            .iter()
            .position(|u| u.path == known || u.path.ends_with(&format!("/{known}")))
    }

    // ----- expressions ----------------------------------------------------------------

    fn eval(&mut self, f: &mut Frame, e: &Expr) -> Val {
        if !self.tick() {
            return Val::default();
        }
        match e {
            Expr::Name(n, pos) => self.lookup(f, n, *pos),
            Expr::Str(s) => Val::str(truncate(s)),
            Expr::Num(n) => Val {
                num: Some(*n),
                ..Val::default()
            },
            Expr::Attr(base, attr, pos) => {
                if let Some((file, class)) = self.instance_of(f, base) {
                    return self.instance_member(file, &class, attr);
                }
                let b = self.eval(f, base);
                self.member(f, &b, attr, *pos, true)
            }
            Expr::Index(base, idx, pos) => {
                let b = self.eval(f, base);
                let i = self.eval(f, idx);
                match i.exact() {
                    Some(key) if b.r.is_some() || b.fields.is_some() => {
                        let key = key.to_string();
                        let mut v = self.member(f, &b, &key, *pos, true);
                        if i.built
                            && let Some(q) = v.qual()
                            && is_dangerous_global(q)
                        {
                            v.built = true;
                        }
                        v
                    }
                    _ => {
                        let mut v = Val::tainted(b.all_taint());
                        merge(&mut v.taint, &i.taint);
                        if is_env_ref(&b) {
                            // Dynamic key into the environment: any variable.
                            let l = self.source(
                                SourceKind::EnvAll,
                                f.file,
                                *pos,
                                "environment lookup with a computed key",
                            );
                            merge(&mut v.taint, &[l]);
                        }
                        v
                    }
                }
            }
            Expr::Call(c) => self.call(f, c),
            Expr::Concat(parts) => {
                let vals: Vec<Val> = parts.iter().map(|p| self.eval(f, p)).collect();
                let mut v = concat_vals(&vals);
                self.mark_coded(&mut v, f.file, first_pos(parts));
                v
            }
            Expr::Div(a, b) => {
                let a = self.eval(f, a);
                let b = self.eval(f, b);
                let mut v = Val::tainted(a.all_taint());
                merge(&mut v.taint, &b.all_taint());
                v.s = match (&a.s, &b.s) {
                    (Some(x), Some(y)) => Some(join_path(x, y)),
                    // `BASE / name` with an unknown name is still a path under BASE.
                    (Some(x), None) if !b.taint.is_empty() => Some(join_path(x, &HOLE.to_string())),
                    _ => None,
                };
                if v.s.is_some() {
                    v.r = a.r.clone();
                }
                v
            }
            Expr::List(items) => {
                let vals: Vec<Val> = items.iter().map(|p| self.eval(f, p)).collect();
                Val {
                    items: Some(vals),
                    ..Val::default()
                }
            }
            Expr::Dict(pairs) => {
                let mut fields = Vec::new();
                let mut taint = Vec::new();
                let mut r = None;
                for (k, v) in pairs {
                    let val = self.eval(f, v);
                    match k {
                        Some(k) => fields.push((k.clone(), val)),
                        None => {
                            // `{...process.env}` keeps the environment reference.
                            if is_env_ref(&val) {
                                r = val.r.clone();
                            }
                            merge(&mut taint, &val.all_taint());
                        }
                    }
                }
                Val {
                    taint,
                    fields: Some(fields),
                    r,
                    ..Val::default()
                }
            }
            Expr::Mix(parts) => {
                if let Some(v) = self.fold_comprehension(f, parts) {
                    return v;
                }
                let mut t = Vec::new();
                for p in parts {
                    let v = self.eval(f, p);
                    merge(&mut t, &v.all_taint());
                }
                Val::tainted(t)
            }
            Expr::Or(parts) => {
                let mut out = Val::default();
                for p in parts {
                    let v = self.eval(f, p);
                    merge(&mut out.taint, &v.all_taint());
                    if out.s.is_none() && v.s.is_some() {
                        out.s = v.s.clone();
                        out.built = v.built;
                    }
                    if out.r.is_none() {
                        out.r = v.r.clone();
                    }
                }
                out
            }
            Expr::Lambda(func) => Val {
                r: Some(Ref::Lambda(Rc::new((**func).clone()))),
                ..Val::default()
            },
            Expr::Block(stmts) => {
                // Command substitution: what the commands print.
                let saved = std::mem::take(&mut f.out);
                self.stmts(f, stmts);
                let printed = std::mem::replace(&mut f.out, saved);
                let mut v = Val::tainted(printed);
                // A single command's output keeps its string (`$(echo cu)`).
                if let [Stmt::Expr(e)] = stmts.as_slice()
                    && let Expr::Call(c) = e
                    && c.command
                    && let Some(Expr::Str(cmd)) = Some(&c.callee)
                    && (cmd == "echo" || cmd == "printf")
                {
                    let parts: Vec<Val> = c.args.iter().map(|a| self.eval(f, &a.value)).collect();
                    let joined = concat_vals(&parts);
                    v.s = joined.s;
                    v.built = true;
                }
                v
            }
            Expr::Unknown => Val::default(),
        }
    }

    fn instance_member(&mut self, file: usize, class: &str, attr: &str) -> Val {
        let method = format!("{class}.{attr}");
        if let Some(idx) = self.units[file]
            .module
            .functions
            .iter()
            .position(|f| f.name == method)
        {
            return Val {
                r: Some(Ref::Func(file, idx)),
                ..Val::default()
            };
        }
        self.fields
            .get(&(file, class.to_string(), attr.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    /// `base.attr` / `base["key"]` / destructuring a field.
    fn member(&mut self, f: &mut Frame, b: &Val, attr: &str, pos: Pos, _named: bool) -> Val {
        if f.lang == Lang::Python
            && let Some(plain) = super::fold::python_identifier(attr)
        {
            let mut v = self.member(f, b, &plain, pos, _named);
            v.built |= v.qual().is_some_and(is_dangerous_global);
            return v;
        }
        if let Some(q) = b.qual()
            && super::fold::is_namespace(q)
        {
            return self.namespace_member(f, q.to_string(), attr, pos);
        }
        if let Some(fields) = &b.fields
            && let Some((_, v)) = fields.iter().find(|(k, _)| k == attr)
        {
            return v.clone();
        }
        match &b.r {
            Some(Ref::Global(q)) => {
                let q = q.clone();
                if matches!(q.as_str(), "os.environ" | "process.env" | "os.environb") {
                    let what = format!("{q}[{attr:?}]");
                    if matches!(
                        attr,
                        "get"
                            | "copy"
                            | "items"
                            | "keys"
                            | "values"
                            | "setdefault"
                            | "pop"
                            | "__getitem__"
                            | "toObject"
                    ) {
                        let mut v = Val::global(format!("{q}.{attr}"));
                        if attr != "get" && attr != "setdefault" && attr != "pop" {
                            v.taint = b.taint.clone();
                            v.r = Some(Ref::Global(q));
                        }
                        return v;
                    }
                    return self.env_var(attr, f.file, pos, &what);
                }
                let full = format!("{q}.{attr}");
                let mut v = self.global_ref(f, full, pos);
                merge(&mut v.taint, &b.taint);
                v.built |= b.built;
                if q.ends_with("()") {
                    v.s = b.s.clone();
                }
                v
            }
            Some(Ref::Module(file)) => {
                let file = *file;
                if let Some(idx) = self.fn_index[file].get(attr) {
                    return Val {
                        r: Some(Ref::Func(file, *idx)),
                        ..Val::default()
                    };
                }
                if self.classes[file].contains(attr) {
                    return Val {
                        r: Some(Ref::Class(file, attr.to_string())),
                        ..Val::default()
                    };
                }
                let exported = self.globals[file]
                    .get(MODULE_EXPORTS)
                    .and_then(|e| e.fields.as_ref())
                    .and_then(|fs| fs.iter().rev().find(|(k, _)| k == attr))
                    .map(|(_, v)| v.clone());
                exported
                    .or_else(|| self.globals[file].get(attr).cloned())
                    .unwrap_or_default()
            }
            Some(Ref::Instance(file, class)) => {
                let (file, class) = (*file, class.clone());
                self.instance_member(file, &class, attr)
            }
            _ => {
                // Attribute of plain data: the data itself (`resp.text`, `d.items`).
                let mut v = Val::tainted(b.all_taint());
                if matches!(attr, "length") {
                    v.taint.clear();
                }
                // Methods on known strings are handled at the call.
                v.s = b.s.clone();
                v.items = b.items.clone();
                v.built = b.built;
                v.r = Some(Ref::Global(format!("<value>.{attr}")));
                v
            }
        }
    }

    // ----- calls ----------------------------------------------------------------------

    fn call(&mut self, f: &mut Frame, c: &Call) -> Val {
        if c.command {
            return self.command_call(f, c);
        }
        if let Expr::Name(n, _) = &c.callee
            && (n == "<write>" || n == "<append>")
        {
            return self.redirect_write(f, c, n == "<append>");
        }
        // Receiver of a method call, kept for string methods and container mutation.
        let (callee, receiver) = match &c.callee {
            Expr::Attr(base, attr, pos) => {
                if let Some((file, class)) = self.instance_of(f, base) {
                    (self.instance_member(file, &class, attr), None)
                } else {
                    let b = self.eval(f, base);
                    let m = self.member(f, &b, attr, *pos, true);
                    (m, Some((b, attr.clone(), root_name(base))))
                }
            }
            other => (self.eval(f, other), None),
        };
        let mut args = Vec::with_capacity(c.args.len());
        let mut lambdas = Vec::new();
        for a in &c.args {
            let v = self.eval(f, &a.value);
            if let Some(Ref::Lambda(func)) = &v.r {
                lambdas.push(func.clone());
            }
            args.push((a.name.clone(), v, a.spread));
        }
        if let Some(mut v) = self.fold_map(f, &callee, receiver.as_ref(), &args, c.pos) {
            self.mark_coded(&mut v, f.file, c.pos);
            return v;
        }
        let mut result = self.call_value(f, &callee, receiver.as_ref(), &args, c.pos);
        self.mark_coded(&mut result, f.file, c.pos);
        if let Some(q) = callee.qual()
            && let Some(t) = vuln::sanitizer(q)
        {
            let step = self.step(f.file, c.pos, format!("{} by {q}()", t.describe()));
            result.taint = with_transform(&result.taint, t, &step);
        }
        if matches!(callee.r, Some(Ref::Func(..))) {
            // Local functions feed their callbacks through their summary.
            return result;
        }
        let handler = callee.qual().and_then(|q| {
            let method = receiver.as_ref().map(|r| r.1.as_str());
            vuln::handler_registration(q, method, args.first().map(|a| &a.1))
        });
        if handler.is_some() {
            for (_, a, _) in &args {
                if let Some(Ref::Func(file, idx)) = a.r {
                    self.out.handlers.insert((file, idx));
                }
            }
        }
        // Callbacks receive what the call produced (`.then(r => …)`, `readFile(p, (e, d) => …)`).
        for func in lambdas {
            let mut feed = result.clone();
            if let Some((b, _, _)) = &receiver {
                merge(&mut feed.taint, &b.all_taint());
            }
            if let Some(via) = handler {
                // A request/tool handler: its arguments are whatever the caller sends.
                let what = format!("{} of the handler registered here", via.describe());
                let l = self.source(SourceKind::Input { via }, f.file, c.pos, &what);
                feed = Val::tainted(vec![l]);
            }
            let r = self.inline_lambda(f, &func, &[feed]);
            merge(&mut result.taint, &r.all_taint());
        }
        result
    }

    /// Shell output redirection `cmd > path` / `>> path` (and bash's `/dev/tcp` sockets).
    fn redirect_write(&mut self, f: &mut Frame, c: &Call, append: bool) -> Val {
        let target = c
            .args
            .first()
            .map(|a| self.eval(f, &a.value))
            .unwrap_or_default();
        let data = c
            .args
            .get(1)
            .map(|a| self.eval(f, &a.value))
            .unwrap_or_default();
        let op = if append { ">>" } else { ">" };
        let path = target.s.clone();
        if let Some(p) = &path
            && let Some(host) = catalog::dev_socket_host(p)
        {
            self.sink(
                f,
                SinkKind::Network,
                c.pos,
                "/dev/tcp",
                data.all_taint(),
                Some(host),
                None,
            );
            return Val::default();
        }
        let t = path
            .as_deref()
            .map(catalog::write_target)
            .unwrap_or(WriteTarget::Local);
        self.sink(
            f,
            SinkKind::Write { path, target: t },
            c.pos,
            op,
            data.all_taint(),
            None,
            None,
        );
        Val::default()
    }

    /// Runs a lambda's body in the caller's scope (closures see the caller's variables).
    fn inline_lambda(&mut self, f: &mut Frame, func: &Function, args: &[Val]) -> Val {
        let Some(_g) = super::python::DepthGuard::enter() else {
            return Val::default();
        };
        let mut saved = Vec::new();
        for (i, p) in func.params.iter().enumerate() {
            let v = args.get(i).or(args.first()).cloned().unwrap_or_default();
            for n in p.name.split(',') {
                saved.push((n.to_string(), self.get_var(f, n)));
                self.set_var(f, n, v.clone(), false);
            }
        }
        let outer_ret = std::mem::take(&mut f.ret);
        let outer_weak = f.weak;
        f.weak = true;
        self.stmts(f, &func.body);
        f.weak = outer_weak;
        let ret = std::mem::replace(&mut f.ret, outer_ret);
        for (n, old) in saved {
            match old {
                Some(v) => self.set_var(f, &n, v, false),
                None => {
                    if let Scope::Local(env) = &mut f.scope {
                        env.remove(&n);
                    } else {
                        self.globals[f.file].remove(&n);
                    }
                }
            }
        }
        ret
    }

    fn call_value(
        &mut self,
        f: &mut Frame,
        callee: &Val,
        receiver: Option<&(Val, String, Option<String>)>,
        args: &[(Option<String>, Val, bool)],
        pos: Pos,
    ) -> Val {
        let file = f.file;
        let positional: Vec<Val> = args
            .iter()
            .filter(|a| a.0.is_none())
            .map(|a| a.1.clone())
            .collect();
        match &callee.r {
            Some(Ref::Func(ffile, idx)) => {
                let (ffile, idx) = (*ffile, *idx);
                self.out.called.insert((ffile, idx));
                let func = &self.units[ffile].module.functions[idx];
                let mut bound: Vec<Val> = Vec::new();
                let is_method = func.class.is_some() && self.lang(ffile) == Lang::Python;
                if is_method
                    && func
                        .params
                        .first()
                        .is_some_and(|p| p.name == "self" || p.name == "cls")
                {
                    bound.push(Val::default());
                }
                bound.extend(positional.iter().cloned());
                // Keyword arguments by parameter name.
                for (name, v, _) in args {
                    if let Some(n) = name
                        && let Some(k) = func.params.iter().position(|p| &p.name == n)
                    {
                        while bound.len() <= k {
                            bound.push(Val::default());
                        }
                        bound[k] = v.clone();
                    }
                }
                // A rest parameter collects the remaining arguments.
                if let Some(k) = func.params.iter().position(|p| p.rest)
                    && bound.len() > k
                {
                    let mut rest = Val::default();
                    for v in &bound[k..] {
                        merge(&mut rest.taint, &v.all_taint());
                    }
                    bound.truncate(k);
                    bound.push(rest);
                }
                let name = func.name.clone();
                let s = self.summary(ffile, idx);
                let step = self.step(
                    file,
                    pos,
                    format!("passed to {name}() in {}", self.units[ffile].path),
                );
                let ret = self.apply(f, &s, &bound, None, None, step.clone());
                // Callbacks given to the function get what it passes them.
                for (k, feed) in &s.callbacks {
                    let Some(Ref::Lambda(cb)) = bound.get(*k as usize).and_then(|v| v.r.clone())
                    else {
                        continue;
                    };
                    let t = self.subst(feed, &bound, None, None, &step);
                    self.inline_lambda(f, &cb, &[Val::tainted(t)]);
                }
                return ret;
            }
            Some(Ref::Lambda(func)) => {
                let func = func.clone();
                return self.inline_lambda(f, &func, &positional);
            }
            Some(Ref::Class(cfile, class)) => {
                let (cfile, class) = (*cfile, class.clone());
                for ctor in ["__init__", "constructor"] {
                    let name = format!("{class}.{ctor}");
                    if let Some(idx) = self.units[cfile]
                        .module
                        .functions
                        .iter()
                        .position(|f| f.name == name)
                    {
                        let callee = Val {
                            r: Some(Ref::Func(cfile, idx)),
                            ..Val::default()
                        };
                        self.call_value(f, &callee, None, args, pos);
                    }
                }
                return Val {
                    r: Some(Ref::Instance(cfile, class)),
                    ..Val::default()
                };
            }
            _ => {}
        }
        let q = callee.qual().unwrap_or("").to_string();
        // Dynamic lookups: getattr(obj, "na"+"me"), __import__("o"+"s"), require(x).
        if let Some(v) = self.dynamic_lookup(f, &q, &positional, pos) {
            return v;
        }
        // String building helpers.
        if let Some(v) = string_builtin(&q, receiver, &positional) {
            return v;
        }
        // A parser object reading a credential store: `cfg.read("~/.aws/credentials")`
        // (configparser), `conf.load(path)`: what it holds afterwards is the file.
        if let Some((b, method, Some(root))) = receiver
            && matches!(
                method.as_str(),
                "read" | "read_file" | "load" | "load_file" | "parse" | "from_file"
            )
            && let Some(path) = positional.first().and_then(|v| v.s.clone())
        {
            let t = self.read_path(file, &path, pos, &format!("{root}.{method}"));
            if !t.is_empty() {
                self.taint_var(f, root, &t);
                let mut out = b.clone();
                merge(&mut out.taint, &t);
                return out;
            }
        }
        let evasion = callee
            .built
            .then(|| format!("`{q}` is reached through a name assembled or looked up at run time"));
        // Serialising into an open file writes it.
        if matches!(
            q.as_str(),
            "json.dump" | "pickle.dump" | "yaml.dump" | "yaml.safe_dump" | "marshal.dump"
        ) && let Some(target) = positional.get(1)
            && target.qual() == Some("open()")
        {
            let path = target.s.clone();
            let t = catalog::write_target(path.as_deref().unwrap_or(""));
            let data = positional
                .first()
                .map(|d| d.all_taint())
                .unwrap_or_default();
            self.sink(
                f,
                SinkKind::Write { path, target: t },
                pos,
                &q,
                data,
                None,
                evasion,
            );
            return Val::default();
        }
        if let Some(t) = buffer_transform(&q, receiver, &positional) {
            let mut taint = callee.taint.clone();
            for (_, v, _) in args {
                merge(&mut taint, &v.all_taint());
            }
            if let Some((b, _, _)) = receiver {
                merge(&mut taint, &b.all_taint());
            }
            let step = self.step(file, pos, format!("{} by {q}()", t.describe()));
            return Val::tainted(with_transform(&taint, t, &step));
        }
        if let Some(origin) = vuln::input_call(&q) {
            return Val::tainted(vec![Label {
                origin,
                steps: vec![self.step(file, pos, format!("{q}()"))],
                transforms: Vec::new(),
            }]);
        }
        self.weakness_sink(f, &q, receiver, args, &positional, pos);
        let kind = catalog::call_kind(&q);
        if let Some(kind) = kind {
            return self.known_call(
                f,
                &q,
                kind,
                callee,
                receiver,
                args,
                &positional,
                pos,
                evasion,
            );
        }
        if let Some(v) = self.fold_decompress(f, &q, &positional, pos) {
            return v;
        }
        if let Some(t) = catalog::transform_of(&q) {
            let mut taint = Vec::new();
            for (_, v, _) in args {
                merge(&mut taint, &v.all_taint());
            }
            let step = self.step(file, pos, format!("{} by {q}()", t.describe()));
            let mut v = Val::tainted(with_transform(&taint, t, &step));
            if t == Transform::Decode
                && let Some(s) = positional.first().and_then(|a| a.exact())
            {
                // Decoding constant data: keep what it decodes to (hidden code or names).
                let decoded = decode_const(&q, s, positional.get(1).and_then(|a| a.exact()));
                if let Some(d) = decoded {
                    let l = self.source(SourceKind::Decoded, file, pos, &format!("{q}(…)"));
                    merge(&mut v.taint, &[l]);
                    match String::from_utf8(d) {
                        Ok(text) => v.s = Some(truncate(&text)),
                        // Still binary (compressed, encrypted): kept for a decompressor.
                        Err(e) => v.bytes = Some(e.into_bytes().into()),
                    }
                    v.built = true;
                }
            }
            return v;
        }
        // Container mutation through a method: `d.update(x)`, `parts.append(x)`, `a.push(x)`.
        if let Some((b, method, Some(root))) = receiver
            && matches!(
                method.as_str(),
                "append"
                    | "extend"
                    | "update"
                    | "push"
                    | "unshift"
                    | "add"
                    | "insert"
                    | "setdefault"
                    | "write"
                    | "writelines"
                    | "set"
                    | "concat"
                    | "assign"
                    | "put"
            )
        {
            let mut t = Vec::new();
            for (_, v, _) in args {
                merge(&mut t, &v.all_taint());
            }
            self.taint_var(f, root, &t);
            let mut out = b.clone();
            merge(&mut out.taint, &t);
            return out;
        }
        // Calling a parameter: remember what is passed, for callers' callbacks.
        if callee.r.is_none() {
            for l in &callee.taint {
                if let Origin::Param(k) = l.origin
                    && k != u16::MAX
                {
                    let mut t = Vec::new();
                    for (_, a, _) in args {
                        merge(&mut t, &a.all_taint());
                    }
                    f.callbacks.push((k, t));
                }
            }
        }
        // Unknown call: the result mixes the receiver and the arguments.
        let mut v = Val::default();
        merge(&mut v.taint, &callee.taint);
        for (name, a, _) in args {
            if name.as_deref() == Some("env") {
                continue;
            }
            merge(&mut v.taint, &a.all_taint());
        }
        if !q.is_empty() && !q.starts_with("<value>") {
            v.r = Some(Ref::Global(format!("{q}()")));
        }
        // Copies of the environment stay the environment (`dict(os.environ)`, `Object.assign({}, process.env)`).
        if is_env_ref(callee)
            || ((q == "dict"
                || q == "Object.assign"
                || q == "structuredClone"
                || q == "Object.entries"
                || q == "Object.keys"
                || q == "Object.values")
                && positional.iter().any(is_env_ref))
        {
            v.r = Some(Ref::Global("os.environ".into()));
        }
        if evasion.is_some() {
            v.built = true;
        }
        v
    }

    fn dynamic_lookup(
        &mut self,
        f: &mut Frame,
        q: &str,
        positional: &[Val],
        pos: Pos,
    ) -> Option<Val> {
        match q {
            "getattr" | "Reflect.get" => {
                let obj = positional.first()?;
                let name = positional.get(1)?;
                let attr = name.exact()?.to_string();
                let mut v = self.member(f, obj, &attr, pos, true);
                v.built |= name.built;
                Some(v)
            }
            "__import__" | "importlib.import_module" | "require" | "import" => {
                let m = positional.first()?;
                let id = m.exact()?.to_string();
                let lang = self.lang(f.file);
                if let Some(file) = self.resolve_module(f.file, &id, lang) {
                    self.script(file);
                    return Some(Val {
                        r: Some(Ref::Module(file)),
                        ..Val::default()
                    });
                }
                let mut v = Val::global(normalize_module(&id));
                v.built = m.built;
                Some(v)
            }
            "chr"
            | "String.fromCharCode"
            | "bytes"
            | "bytearray"
            | "Buffer.from"
            | "Uint8Array.from" => self.fold_char_codes(f, q, positional, pos),
            _ => None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn known_call(
        &mut self,
        f: &mut Frame,
        q: &str,
        kind: CallKind,
        callee: &Val,
        receiver: Option<&(Val, String, Option<String>)>,
        args: &[(Option<String>, Val, bool)],
        positional: &[Val],
        pos: Pos,
        evasion: Option<String>,
    ) -> Val {
        let file = f.file;
        let kw = |name: &str| {
            args.iter()
                .find(|a| a.0.as_deref() == Some(name))
                .map(|a| a.1.clone())
        };
        let payload = |skip: &[&str]| {
            let mut t = Vec::new();
            for (name, v, _) in args {
                if name.as_deref().is_some_and(|n| skip.contains(&n)) {
                    continue;
                }
                merge(&mut t, &v.all_taint());
            }
            t
        };
        let recv = receiver.map(|r| &r.0);
        match kind {
            CallKind::Net => {
                let mut taint = payload(&["timeout", "verify"]);
                if let Some(r) = recv {
                    merge(&mut taint, &r.all_taint());
                }
                let dest = net_dest(positional, args, recv);
                if let Some(d) = &dest
                    && catalog::is_cloud_metadata(d)
                {
                    let l = self.source(SourceKind::CloudMetadata { url: d.clone() }, file, pos, q);
                    let step = self.step(file, pos, format!("{q}()"));
                    self.sink(f, SinkKind::Network, pos, q, taint, dest.clone(), evasion);
                    return Val::tainted(with_step(&[l], &step));
                }
                self.sink(f, SinkKind::Network, pos, q, taint, dest.clone(), evasion);
                // Socket objects learn where they connect.
                if q.ends_with(".connect")
                    && let Some((_, _, Some(root))) = receiver
                    && let Some(d) = &dest
                    && let Some(mut v) = self.get_var(f, root)
                {
                    v.s = Some(d.clone());
                    self.set_var(f, root, v, false);
                }
                let l = self.source(
                    SourceKind::NetResponse { url: dest },
                    file,
                    pos,
                    &format!("response of {q}()"),
                );
                // `urlretrieve(url, path)` saves the download: running `path` later runs it.
                if q.ends_with("urlretrieve")
                    && let Some(path) = positional.get(1).and_then(|p| p.s.clone())
                {
                    merge(
                        self.written.entry(path).or_default(),
                        std::slice::from_ref(&l),
                    );
                }
                let mut v = Val::tainted(vec![l]);
                v.r = Some(Ref::Global(format!("{q}()")));
                v
            }
            CallKind::NetClient => {
                let dest = net_dest(positional, args, None);
                let mut v = Val::global(format!("{q}()"));
                v.s = dest;
                v.taint = payload(&[]);
                v
            }
            CallKind::ExecShell | CallKind::ExecArgv => {
                let cmd = positional
                    .first()
                    .cloned()
                    .or_else(|| kw("args"))
                    .or_else(|| kw("cmd"))
                    .or_else(|| kw("command"))
                    .unwrap_or_default();
                let stdin = kw("input").unwrap_or_default();
                let shell_kw = kw("shell").is_some();
                let mut argv: Option<Vec<Val>> = cmd.items.clone();
                // spawn(cmd, [args]) / execFile(file, [args]) / os.execv(path, argv).
                if argv.is_none()
                    && kind == CallKind::ExecArgv
                    && let Some(list) = positional.get(1).and_then(|a| a.items.clone())
                {
                    let mut v = vec![cmd.clone()];
                    let skip_argv0 = q.starts_with("os.exec") || q.starts_with("os.spawn");
                    v.extend(list.into_iter().skip(usize::from(skip_argv0)));
                    argv = Some(v);
                }
                if q.starts_with("os.spawn") {
                    // os.spawnv(mode, path, args)
                    argv = positional.get(2).and_then(|a| a.items.clone());
                }
                let mut all = cmd.all_taint();
                if let Some(list) = positional.get(1) {
                    merge(&mut all, &list.all_taint());
                }
                let program = match &argv {
                    Some(v) => v.first().and_then(|a| a.exact()).map(str::to_string),
                    None => cmd
                        .exact()
                        .map(|s| s.split_whitespace().next().unwrap_or("").to_string()),
                };
                self.sink(f, SinkKind::Exec, pos, q, all.clone(), program, evasion);
                let through_shell = kind == CallKind::ExecShell
                    || kw("shell").is_some_and(|v| v.qual() != Some("False"));
                if through_shell
                    && !matches!(&argv, Some(list) if list.len() > 1)
                    && vuln::interpolated(&cmd)
                {
                    self.sink(
                        f,
                        SinkKind::Weakness(Weak::Command),
                        pos,
                        q,
                        cmd.all_taint(),
                        None,
                        None,
                    );
                }
                let out = match argv {
                    Some(list) if !shell_kw || list.len() > 1 => {
                        let name = list.first().cloned().unwrap_or_default();
                        self.run_argv(f, &name, &list[1..], stdin, pos)
                    }
                    _ => self.run_shell_string(f, &cmd, stdin, pos),
                };
                let mut v = out;
                v.r = Some(Ref::Global(format!("{q}()")));
                v
            }
            CallKind::Eval => {
                let code = positional.first().cloned().unwrap_or_default();
                let mut taint = code.all_taint();
                for p in positional.iter().skip(1) {
                    if q == "Function" || q == "vm.compileFunction" {
                        merge(&mut taint, &p.all_taint());
                    }
                }
                if !matches!(q, "runpy.run_path" | "runpy.run_module" | "execfile") {
                    self.sink(
                        f,
                        SinkKind::Weakness(Weak::Code),
                        pos,
                        q,
                        taint.clone(),
                        None,
                        None,
                    );
                }
                self.sink(f, SinkKind::Eval, pos, q, taint, None, evasion);
                if let Some(src) = code.s.clone() {
                    let lang = self.lang(file);
                    self.nested_code(f, lang, &src, &code, pos);
                }
                Val::default()
            }
            CallKind::Open => {
                let path = positional.first().or(recv).and_then(|p| p.s.clone());
                let mode = positional
                    .get(1)
                    .cloned()
                    .or_else(|| kw("mode"))
                    .and_then(|m| m.exact().map(str::to_string))
                    .unwrap_or_default();
                let writing = mode.contains(['w', 'a', 'x', '+']);
                let mut v = Val::global("open()");
                v.s = path.clone();
                if writing {
                    if let Some(p) = &path {
                        let target = catalog::write_target(p);
                        self.sink(
                            f,
                            SinkKind::Write {
                                path: Some(p.clone()),
                                target,
                            },
                            pos,
                            q,
                            Vec::new(),
                            None,
                            evasion,
                        );
                    }
                } else if let Some(p) = &path {
                    v.taint = self.read_path(file, p, pos, q);
                }
                v
            }
            CallKind::ReadFile => {
                let path = positional
                    .first()
                    .and_then(|p| p.s.clone())
                    .or_else(|| recv.and_then(|r| r.s.clone()));
                let mut v = Val::default();
                if let Some(p) = path {
                    v.taint = self.read_path(file, &p, pos, q);
                    if let Some(w) = self.written.get(&p) {
                        merge(&mut v.taint, &w.clone());
                    }
                }
                // A file named by a listing of the user's folders is one of the user's files.
                if let Some(p) = positional.first() {
                    let listed: Vec<Label> = p
                        .all_taint()
                        .into_iter()
                        .filter(|l| self.is_home_listing(l))
                        .collect();
                    merge(&mut v.taint, &listed);
                }
                if let Some(r) = recv {
                    merge(&mut v.taint, &r.taint);
                }
                v
            }
            CallKind::ListDir => {
                let path = positional
                    .first()
                    .and_then(|p| p.s.clone())
                    .or_else(|| recv.and_then(|r| r.s.clone()));
                let mut v = Val::default();
                if let Some(p) = path {
                    if catalog::is_home_listing_target(&p) {
                        v.taint = vec![self.source(
                            SourceKind::HomeListing { path: p.clone() },
                            file,
                            pos,
                            q,
                        )];
                    } else {
                        v.taint = self.read_path(file, &p, pos, q);
                    }
                }
                v
            }
            CallKind::WriteFile => {
                let (path, data) = if q.starts_with("pathlib.Path()") || q.starts_with("open()") {
                    (
                        recv.and_then(|r| r.s.clone()),
                        positional.first().cloned().unwrap_or_default(),
                    )
                } else {
                    (
                        positional.first().and_then(|p| p.s.clone()),
                        positional.get(1).cloned().unwrap_or_default(),
                    )
                };
                let target = path
                    .as_deref()
                    .map(catalog::write_target)
                    .unwrap_or(WriteTarget::Local);
                self.sink(
                    f,
                    SinkKind::Write { path, target },
                    pos,
                    q,
                    data.all_taint(),
                    None,
                    evasion,
                );
                Val::global(format!("{q}()"))
            }
            CallKind::CopyFile => {
                let src = positional.first().and_then(|p| p.s.clone());
                let dst = positional.get(1).and_then(|p| p.s.clone());
                let taint = match &src {
                    Some(s) => self.read_path(file, s, pos, q),
                    None => Vec::new(),
                };
                let target = dst
                    .as_deref()
                    .map(catalog::write_target)
                    .unwrap_or(WriteTarget::Local);
                self.sink(
                    f,
                    SinkKind::Write { path: dst, target },
                    pos,
                    q,
                    taint,
                    None,
                    evasion,
                );
                Val::default()
            }
            CallKind::EnvGet => {
                let name = positional
                    .first()
                    .and_then(|n| n.exact())
                    .map(str::to_string);
                let mut v = match name {
                    Some(n) => self.env_var(&n, file, pos, &format!("{q}({n:?})")),
                    None => Val::tainted(vec![self.source(
                        SourceKind::EnvAll,
                        file,
                        pos,
                        "environment lookup with a computed key",
                    )]),
                };
                if let Some(d) = positional.get(1) {
                    merge(&mut v.taint, &d.all_taint());
                    if v.s.is_none() {
                        v.s = d.s.clone();
                    }
                }
                v
            }
            CallKind::HostInfo => {
                Val::tainted(vec![self.source(SourceKind::HostInfo, file, pos, q)])
            }
            CallKind::Clipboard => {
                Val::tainted(vec![self.source(SourceKind::Clipboard, file, pos, q)])
            }
            CallKind::Keychain => {
                let class = if q.contains("cookie") {
                    CredClass::Browser
                } else {
                    CredClass::Keychain
                };
                Val::tainted(vec![self.source(
                    SourceKind::Cred {
                        class,
                        path: q.to_string(),
                    },
                    file,
                    pos,
                    q,
                )])
            }
            CallKind::DotEnvLoad => {
                let l = self.source(
                    SourceKind::EnvVar {
                        name: ".env".into(),
                        secret: true,
                    },
                    file,
                    pos,
                    q,
                );
                Val::tainted(vec![l])
            }
            CallKind::Output => {
                // print(x, file=f) writes to f.
                if let Some(target) = kw("file")
                    && target.qual() == Some("open()")
                {
                    let path = target.s.clone();
                    let t = catalog::write_target(path.as_deref().unwrap_or(""));
                    self.sink(
                        f,
                        SinkKind::Write { path, target: t },
                        pos,
                        q,
                        payload(&["file"]),
                        None,
                        None,
                    );
                    return Val::default();
                }
                let t = payload(&["file", "sep", "end", "flush"]);
                merge(&mut f.out, &t);
                Val::default()
            }
            CallKind::PathPure => {
                let strs: Vec<Val> = positional.to_vec();
                let mut v = Val::default();
                for a in &strs {
                    merge(&mut v.taint, &a.taint);
                }
                let last = q.rsplit('.').next().unwrap_or("");
                v.s = match last {
                    "join" | "resolve" | "joinpath"
                        if q.starts_with("os.path")
                            || q.starts_with("path.")
                            || q.starts_with("posixpath")
                            || q.ends_with("joinpath") =>
                    {
                        let mut acc = if q.ends_with("joinpath") {
                            recv.and_then(|r| r.s.clone())
                        } else {
                            None
                        };
                        for a in &strs {
                            let part = a.s.clone().unwrap_or_else(|| HOLE.to_string());
                            acc = Some(match acc {
                                None => part,
                                Some(p) => join_path(&p, &part),
                            });
                        }
                        acc
                    }
                    "expanduser" | "expandvars" | "abspath" | "realpath" | "normpath" | "Path"
                    | "PurePath" | "PosixPath" | "absolute" | "str" | "String" => strs
                        .first()
                        .and_then(|a| a.s.clone())
                        .or_else(|| recv.and_then(|r| r.s.clone())),
                    "dirname" => strs
                        .first()
                        .and_then(|a| a.s.as_deref().map(|s| dir_of(s).to_string())),
                    _ => None,
                };
                if q == "pathlib.Path.home" || q == "os.homedir" {
                    v.s = Some("~".into());
                }
                if q == "pathlib.Path"
                    || q == "pathlib.PurePath"
                    || q == "pathlib.PosixPath"
                    || q == "pathlib.Path.home"
                    || q == "pathlib.Path.cwd"
                    || q.starts_with("pathlib.Path().") && v.s.is_some()
                {
                    v.r = Some(Ref::Global("pathlib.Path()".into()));
                    if v.s.is_none() && q == "pathlib.Path" && strs.is_empty() {
                        v.s = Some(".".into());
                    }
                }
                let _ = callee;
                v
            }
        }
    }

    /// Reading a path: credential stores become sources.
    fn read_path(&mut self, file: usize, path: &str, pos: Pos, api: &str) -> Vec<Label> {
        let mut t = Vec::new();
        if let Some(class) = catalog::cred_path(path) {
            t.push(self.source(
                SourceKind::Cred {
                    class,
                    path: path.replace(HOLE, "…"),
                },
                file,
                pos,
                &format!("{api}({})", path.replace(HOLE, "…")),
            ));
        }
        if let Some(w) = self.written.get(path) {
            merge(&mut t, &w.clone());
        }
        t
    }

    // ----- untrusted input (see `vuln`) -----------------------------------------------

    /// Marks a library call that is dangerous for untrusted data in one of its arguments.
    fn weakness_sink(
        &mut self,
        f: &mut Frame,
        q: &str,
        receiver: Option<&(Val, String, Option<String>)>,
        args: &[(Option<String>, Val, bool)],
        positional: &[Val],
        pos: Pos,
    ) {
        let kw = |name: &str| {
            args.iter()
                .find(|a| a.0.as_deref() == Some(name))
                .map(|a| &a.1)
        };
        let method = receiver.map(|r| r.1.as_str());
        let recv = receiver.map(|r| &r.0);
        let Some((w, arg)) = vuln::classify(q, method, recv, positional, &kw) else {
            return;
        };
        let taint = arg.all_taint();
        if !taint.is_empty() {
            self.sink(f, SinkKind::Weakness(w), pos, q, taint, None, None);
        }
    }

    /// Weakness sinks left symbolic in summaries: reached by a script's arguments or stdin,
    /// or by a function's parameters. `vuln` decides which of these are entry points.
    fn collect_input_hits(&mut self) {
        let scripts = self.scripts.iter().map(|(file, s)| (None, *file, s));
        let funcs = self
            .summaries
            .iter()
            .map(|((file, idx), s)| (Some((*file, *idx)), *file, s));
        let mut out = Vec::new();
        for (func, _, s) in scripts.chain(funcs) {
            for hit in &s.sinks {
                if !matches!(hit.kind, SinkKind::Weakness(_)) {
                    continue;
                }
                for l in &hit.taint {
                    if matches!(l.origin, Origin::Src(_)) {
                        continue;
                    }
                    out.push(InputHit {
                        hit: hit.clone(),
                        label: l.clone(),
                        func,
                    });
                }
            }
        }
        out.sort_by_key(|h| (h.hit.file, h.hit.pos.line, h.hit.pos.col, h.func));
        self.out.input_hits = out;
    }

    // ----- constant folding (see `fold`) ---------------------------------------------

    /// `chr(99)`, `String.fromCharCode(99, 117)`, `bytes([99, 117])`, `Buffer.from([…])`,
    /// `Buffer.from("…", "base64")`: the text the codes spell.
    fn fold_char_codes(&mut self, f: &mut Frame, q: &str, args: &[Val], pos: Pos) -> Option<Val> {
        if q == "Buffer.from"
            && let (Some(data), Some(enc)) = (args.first().and_then(|a| a.exact()), args.get(1))
        {
            let name = match enc.exact()? {
                "base64" | "base64url" => "base64.b64decode",
                "hex" => "bytes.fromhex",
                _ => return None,
            };
            let bytes = decode_const(name, data, None)?;
            let l = self.source(SourceKind::Decoded, f.file, pos, &format!("{q}(…)"));
            let mut v = Val::tainted(vec![l]);
            match String::from_utf8(bytes) {
                Ok(text) => v.s = Some(truncate(&text)),
                Err(e) => v.bytes = Some(e.into_bytes().into()),
            }
            v.built = true;
            return Some(v);
        }
        // Codes as arguments, or as one list (`bytes([…])`, `fromCharCode(...codes)`).
        let list: Vec<&Val> = match args {
            [one] if one.items.is_some() => one.items.as_deref()?.iter().collect(),
            _ => args.iter().collect(),
        };
        let codes: Option<Vec<i64>> = list.iter().map(|v| v.num).collect();
        let codes = codes.filter(|c| !c.is_empty());
        let text = match (q, codes) {
            ("chr" | "String.fromCharCode", Some(c)) => c
                .iter()
                .map(|n| super::fold::char_of(*n))
                .collect::<Option<String>>(),
            (_, Some(c)) => super::fold::text_of_bytes(&c),
            _ => None,
        };
        match text {
            Some(t) => Some(Val {
                coded: t.chars().count() as u32,
                s: Some(truncate(&t)),
                built: true,
                ..Val::default()
            }),
            // Unknown codes still hide a name.
            None if q == "chr" || q == "String.fromCharCode" => Some(Val {
                built: true,
                s: Some(HOLE.to_string()),
                ..Val::default()
            }),
            None => None,
        }
    }

    /// Text assembled from enough character codes (or reversed) is decoded data: it becomes a
    /// `Decoded` source, so executing it is reported like executing base64.
    fn mark_coded(&mut self, v: &mut Val, file: usize, pos: Pos) {
        if v.coded < super::fold::CODED_MIN || v.s.is_none() {
            return;
        }
        v.coded = 0;
        let l = self.source(
            SourceKind::Decoded,
            file,
            pos,
            "text assembled from character codes or reversed",
        );
        merge(&mut v.taint, &[l]);
        v.built = true;
    }

    /// `getattr(__builtins__, "eval")`, `globals()["os"]`, `sys.modules["os"]`,
    /// `globalThis["eval"]`: the named builtin or global, flagged as reached indirectly.
    fn namespace_member(&mut self, f: &mut Frame, q: String, attr: &str, pos: Pos) -> Val {
        let mut v = if matches!(q.as_str(), "globals()" | "locals()" | "vars()") {
            self.lookup(f, attr, pos)
        } else if q == "sys.modules" {
            Val::global(normalize_module(attr))
        } else {
            self.global_ref(f, attr.to_string(), pos)
        };
        v.built |= v.qual().is_some_and(is_dangerous_global) || attr == "__import__";
        v
    }

    /// `chr(c) for c in [99, …]` (a comprehension lowered to a mix of element and
    /// iterable): the list of folded elements, when the element is one call on the loop
    /// variable and the items are constants.
    fn fold_comprehension(&mut self, f: &mut Frame, parts: &[Expr]) -> Option<Val> {
        let [Expr::Call(c), iter] = parts else {
            return None;
        };
        let [arg] = c.args.as_slice() else {
            return None;
        };
        if !matches!(arg.value, Expr::Name(..)) || !matches!(iter, Expr::List(_) | Expr::Name(..)) {
            return None;
        }
        let items = self.eval(f, iter).items?;
        if items.is_empty() || items.len() > 4096 || items.iter().any(|i| i.num.is_none()) {
            return None;
        }
        let callee = self.eval(f, &c.callee);
        self.map_items(f, &callee, &items, c.pos)
    }

    /// `map(chr, codes)`, `codes.map(c => String.fromCharCode(c))` on constant lists.
    fn fold_map(
        &mut self,
        f: &mut Frame,
        callee: &Val,
        receiver: Option<&(Val, String, Option<String>)>,
        args: &[(Option<String>, Val, bool)],
        pos: Pos,
    ) -> Option<Val> {
        let (func, items) = match (receiver, args) {
            (Some((r, m, _)), [(None, func, false)]) if m == "map" => (func, r.items.as_ref()?),
            (None, [(None, func, false), (None, list, false)]) if callee.qual() == Some("map") => {
                (func, list.items.as_ref()?)
            }
            _ => return None,
        };
        let known = |i: &Val| i.num.is_some() || i.exact().is_some();
        if items.is_empty() || items.len() > 4096 || !items.iter().all(known) {
            return None;
        }
        if !matches!(&func.r, Some(Ref::Lambda(_)))
            && !matches!(func.qual(), Some("chr" | "String.fromCharCode" | "str"))
        {
            return None;
        }
        let items = items.clone();
        self.map_items(f, func, &items, pos)
    }

    fn map_items(&mut self, f: &mut Frame, func: &Val, items: &[Val], pos: Pos) -> Option<Val> {
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            let v = match &func.r {
                Some(Ref::Lambda(l)) => {
                    let l = l.clone();
                    self.inline_lambda(f, &l, std::slice::from_ref(i))
                }
                _ => self.call_value(f, func, None, &[(None, i.clone(), false)], pos),
            };
            out.push(v);
        }
        Some(Val {
            items: Some(out),
            ..Val::default()
        })
    }

    /// `zlib.decompress(b64decode("…"))`: the inflated text of a constant payload.
    fn fold_decompress(&mut self, f: &mut Frame, q: &str, args: &[Val], pos: Pos) -> Option<Val> {
        let a = args.first()?;
        let data: &[u8] = match (&a.bytes, a.exact()) {
            (Some(b), _) => b,
            (None, Some(s)) => s.as_bytes(),
            _ => return None,
        };
        let out = super::fold::inflate(q, data)?;
        let l = self.source(SourceKind::Decoded, f.file, pos, &format!("{q}(…)"));
        let mut v = Val::tainted(a.all_taint());
        merge(&mut v.taint, &[l]);
        match String::from_utf8(out) {
            Ok(text) => v.s = Some(truncate(&text)),
            Err(e) => v.bytes = Some(e.into_bytes().into()),
        }
        v.built = true;
        Some(v)
    }

    // ----- shell commands -------------------------------------------------------------

    fn command_call(&mut self, f: &mut Frame, c: &Call) -> Val {
        let stdin = match &c.stdin {
            Some(e) => self.eval(f, e),
            None => Val::default(),
        };
        let name = self.eval(f, &c.callee);
        let args: Vec<Val> = c.args.iter().map(|a| self.eval(f, &a.value)).collect();
        self.run_argv(f, &name, &args, stdin, c.pos)
    }

    /// Runs `name args…` as a process (shell command, subprocess argv, exec'd string).
    fn run_argv(&mut self, f: &mut Frame, name: &Val, args: &[Val], stdin: Val, pos: Pos) -> Val {
        let file = f.file;
        let Some(_g) = super::python::DepthGuard::enter() else {
            return Val::default();
        };
        let raw = name.s.clone().unwrap_or_default();
        let evasion = (name.built && !raw.contains(HOLE))
            .then(|| format!("the command name `{raw}` is assembled at run time"));
        let cmd = raw.rsplit('/').next().unwrap_or(&raw).to_string();
        let arg_strs: Vec<Option<String>> = args.iter().map(|a| a.s.clone()).collect();
        let mut data = stdin.all_taint();
        for a in args {
            merge(&mut data, &a.all_taint());
        }
        // Shell functions of this script (or of scripts it sourced).
        if f.lang == Lang::Shell
            && let Some(v) = self.get_var(f, &cmd).or_else(|| {
                self.fn_index[file].get(&cmd).map(|i| Val {
                    r: Some(Ref::Func(file, *i)),
                    ..Val::default()
                })
            })
            && let Some(Ref::Func(ffile, idx)) = v.r
        {
            let s = self.summary(ffile, idx);
            let step = self.step(file, pos, format!("passed to {cmd}()"));
            let mut argv = args.to_vec();
            if argv.is_empty() {
                argv.push(stdin.clone());
            }
            let (r, printed) = self.apply_out(f, &s, &argv, None, Some(&stdin), step);
            let mut out = Val::tainted(printed);
            merge(&mut out.taint, &r.taint);
            return out;
        }
        // A script bundled with the skill.
        if (raw.contains('/')
            || raw.ends_with(".sh")
            || raw.ends_with(".py")
            || raw.ends_with(".js"))
            && !raw.starts_with("/usr")
            && !raw.starts_with("/bin")
            && let Some(target) = self.find_script(file, &raw)
        {
            if let Some(w) = self.written.get(&raw).cloned() {
                self.sink(f, SinkKind::Exec, pos, &raw, w, Some(raw.clone()), None);
            }
            return self.run_script(f, target, args, &stdin, pos);
        }
        // A file written earlier, now executed (download-then-run).
        if raw.contains('/')
            && let Some(w) = self.written.get(&raw).cloned()
        {
            self.sink(
                f,
                SinkKind::Exec,
                pos,
                &raw,
                w,
                Some(raw.clone()),
                evasion.clone(),
            );
        }
        let kind = catalog::command_kind(&cmd, &arg_strs);
        let step = self.step(file, pos, format!("`{cmd}`"));
        match kind {
            Some(CommandKind::Net) => {
                let mut taint = data.clone();
                // curl -d @file / -T file / --upload-file / wget --post-file=file / scp file host:.
                for (i, a) in arg_strs.iter().enumerate() {
                    let Some(a) = a else { continue };
                    let path = if let Some(p) = a.strip_prefix('@') {
                        Some(p.to_string())
                    } else if let Some(p) = a
                        .strip_prefix("--post-file=")
                        .or_else(|| a.strip_prefix("--body-file="))
                    {
                        Some(p.to_string())
                    } else if a.contains("=@") {
                        a.split_once("=@").map(|x| x.1.to_string())
                    } else if i > 0
                        && matches!(
                            arg_strs[i - 1].as_deref(),
                            Some(
                                "-T" | "--upload-file"
                                    | "--data-binary"
                                    | "-d"
                                    | "--data"
                                    | "-F"
                                    | "--form"
                            )
                        )
                    {
                        None
                    } else if matches!(cmd.as_str(), "scp" | "rsync" | "sftp")
                        && !a.contains(':')
                        && !a.starts_with('-')
                    {
                        Some(a.clone())
                    } else {
                        None
                    };
                    if let Some(p) = path {
                        let t = self.read_path(file, &p, pos, &cmd);
                        merge(&mut taint, &t);
                    }
                    if i > 0 && matches!(arg_strs[i - 1].as_deref(), Some("-T" | "--upload-file")) {
                        let t = self.read_path(file, a, pos, &cmd);
                        merge(&mut taint, &t);
                    }
                }
                let dest = arg_strs
                    .iter()
                    .flatten()
                    .find(|a| a.contains("://"))
                    .cloned()
                    .or_else(|| {
                        // nc host port / ssh user@host
                        arg_strs
                            .iter()
                            .flatten()
                            .find(|a| {
                                !a.starts_with('-')
                                    && (a.contains('.') || a.contains('@'))
                                    && !a.starts_with('@')
                            })
                            .map(|a| {
                                a.rsplit('@')
                                    .next()
                                    .unwrap_or(a)
                                    .split(':')
                                    .next()
                                    .unwrap_or(a)
                                    .to_string()
                            })
                    });
                if let Some(d) = &dest
                    && catalog::is_cloud_metadata(d)
                {
                    let l = self.source(
                        SourceKind::CloudMetadata { url: d.clone() },
                        file,
                        pos,
                        &cmd,
                    );
                    self.sink(
                        f,
                        SinkKind::Network,
                        pos,
                        &cmd,
                        taint,
                        dest.clone(),
                        evasion,
                    );
                    return Val::tainted(vec![l]);
                }
                self.sink(
                    f,
                    SinkKind::Network,
                    pos,
                    &cmd,
                    taint,
                    dest.clone(),
                    evasion,
                );
                // `curl -o file URL` writes the download.
                let out_file = arg_strs.iter().enumerate().find_map(|(i, a)| {
                    let prev = i.checked_sub(1).and_then(|k| arg_strs[k].as_deref());
                    match prev {
                        Some("-o" | "--output" | "-O") => a.clone(),
                        _ => a
                            .as_deref()
                            .and_then(|s| {
                                s.strip_prefix("--output=")
                                    .or_else(|| s.strip_prefix("-O"))
                                    .filter(|s| !s.is_empty())
                            })
                            .map(str::to_string),
                    }
                });
                let l = self.source(
                    SourceKind::NetResponse { url: dest },
                    file,
                    pos,
                    &format!("output of `{cmd}`"),
                );
                if let Some(p) = out_file {
                    let target = catalog::write_target(&p);
                    self.sink(
                        f,
                        SinkKind::Write {
                            path: Some(p),
                            target,
                        },
                        pos,
                        &cmd,
                        vec![l.clone()],
                        None,
                        None,
                    );
                }
                Val::tainted(vec![l])
            }
            Some(CommandKind::NetIfTainted) => {
                if !data.is_empty() {
                    let dest = arg_strs
                        .iter()
                        .flatten()
                        .find(|a| !a.starts_with('-'))
                        .cloned();
                    self.sink(f, SinkKind::Network, pos, &cmd, data, dest, evasion);
                }
                Val::default()
            }
            Some(CommandKind::EnvDump) => Val::tainted(vec![self.source(
                SourceKind::EnvAll,
                file,
                pos,
                &format!("`{cmd}`"),
            )]),
            Some(CommandKind::List) => {
                let mut t = Vec::new();
                for a in arg_strs.iter().flatten() {
                    if a.starts_with('-') {
                        continue;
                    }
                    if catalog::is_home_listing_target(a) {
                        merge(
                            &mut t,
                            &[self.source(
                                SourceKind::HomeListing { path: a.clone() },
                                file,
                                pos,
                                &format!("`{cmd} {a}`"),
                            )],
                        );
                    } else {
                        let r = self.read_path(file, a, pos, &cmd);
                        merge(&mut t, &r);
                    }
                }
                Val::tainted(t)
            }
            Some(CommandKind::Clipboard) => Val::tainted(vec![self.source(
                SourceKind::Clipboard,
                file,
                pos,
                &format!("`{cmd}`"),
            )]),
            Some(CommandKind::HostInfo) => Val::tainted(vec![self.source(
                SourceKind::HostInfo,
                file,
                pos,
                &format!("`{cmd}`"),
            )]),
            Some(CommandKind::Keychain) => Val::tainted(vec![self.source(
                SourceKind::Cred {
                    class: CredClass::Keychain,
                    path: format!(
                        "security {}",
                        arg_strs.first().cloned().flatten().unwrap_or_default()
                    ),
                },
                file,
                pos,
                &format!("`{cmd}`"),
            )]),
            Some(CommandKind::CredTool) => {
                let line = std::iter::once(cmd.clone())
                    .chain(arg_strs.iter().map(|a| a.clone().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(" ");
                Val::tainted(vec![self.source(
                    SourceKind::CredTool {
                        command: line.clone(),
                    },
                    file,
                    pos,
                    &format!("`{line}`"),
                )])
            }
            Some(CommandKind::Wrapper) => {
                // Skip the wrapper's own options and VAR=value pairs.
                let mut k = 0;
                while k < args.len() {
                    let s = arg_strs[k].as_deref().unwrap_or("");
                    let numeric = s.chars().next().is_some_and(|c| c.is_ascii_digit());
                    if s.starts_with('-')
                        || (s.contains('=') && cmd == "env")
                        || (cmd == "timeout" && numeric)
                        || (cmd == "uv" && s == "run")
                        || (matches!(cmd.as_str(), "poetry" | "pipenv") && s == "run")
                    {
                        k += 1;
                    } else {
                        break;
                    }
                }
                if cmd == "xargs" {
                    let mut rest: Vec<Val> = args.get(k + 1..).unwrap_or(&[]).to_vec();
                    rest.push(stdin.clone());
                    let head = args.get(k).cloned().unwrap_or_else(|| Val::str("echo"));
                    return self.run_argv(f, &head, &rest, Val::default(), pos);
                }
                match args.get(k) {
                    Some(head) => {
                        let head = head.clone();
                        let mut v = self.run_argv(f, &head, &args[k + 1..], stdin, pos);
                        if evasion.is_some() {
                            v.built = true;
                        }
                        v
                    }
                    None => Val::default(),
                }
            }
            Some(CommandKind::Interpreter) => {
                self.interpreter(f, &cmd, args, &arg_strs, stdin, pos, evasion)
            }
            Some(CommandKind::Eval) => {
                let code = concat_words(args);
                if vuln::interpolated(&code) {
                    self.sink(
                        f,
                        SinkKind::Weakness(Weak::Command),
                        pos,
                        "eval",
                        code.all_taint(),
                        None,
                        None,
                    );
                }
                self.sink(
                    f,
                    SinkKind::Eval,
                    pos,
                    "eval",
                    code.all_taint(),
                    None,
                    evasion,
                );
                self.run_shell_string(f, &code, stdin, pos)
            }
            Some(CommandKind::Source) => {
                if let Some(p) = arg_strs.first().cloned().flatten()
                    && let Some(target) = self.find_script(file, &p)
                    && self.lang(target) == Lang::Shell
                {
                    // Sourced: its functions and globals become ours.
                    let s = self.script(target);
                    let names: Vec<(String, usize)> = self.fn_index[target]
                        .iter()
                        .map(|(k, v)| (k.clone(), *v))
                        .collect();
                    for (n, idx) in names {
                        self.set_var(
                            f,
                            &n,
                            Val {
                                r: Some(Ref::Func(target, idx)),
                                ..Val::default()
                            },
                            false,
                        );
                    }
                    let globals: Vec<(String, Val)> = self.globals[target]
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    for (n, v) in globals {
                        self.set_var(f, &n, v, true);
                    }
                    let step = self.step(file, pos, format!("sourced {}", self.units[target].path));
                    return self.apply(f, &s, &[], Some(args), Some(&stdin), step);
                }
                let t = args.first().map(|a| a.all_taint()).unwrap_or_default();
                if let Some(p) = arg_strs.first().cloned().flatten()
                    && let Some(w) = self.written.get(&p).cloned()
                {
                    self.sink(f, SinkKind::Eval, pos, "source", w, Some(p), evasion);
                } else {
                    self.sink(
                        f,
                        SinkKind::Eval,
                        pos,
                        "source",
                        t,
                        arg_strs.first().cloned().flatten(),
                        evasion,
                    );
                }
                Val::default()
            }
            Some(CommandKind::Copy) => {
                let paths: Vec<&String> = arg_strs
                    .iter()
                    .flatten()
                    .filter(|a| !a.starts_with('-'))
                    .collect();
                if paths.len() >= 2 {
                    let dst = paths[paths.len() - 1].clone();
                    let mut t = Vec::new();
                    for p in &paths[..paths.len() - 1] {
                        let r = self.read_path(file, p, pos, &cmd);
                        merge(&mut t, &r);
                    }
                    let target = catalog::write_target(&dst);
                    self.sink(
                        f,
                        SinkKind::Write {
                            path: Some(dst),
                            target,
                        },
                        pos,
                        &cmd,
                        t,
                        None,
                        evasion,
                    );
                }
                Val::default()
            }
            Some(CommandKind::Tee) => {
                for a in arg_strs.iter().flatten().filter(|a| !a.starts_with('-')) {
                    let target = catalog::write_target(a);
                    self.sink(
                        f,
                        SinkKind::Write {
                            path: Some(a.clone()),
                            target,
                        },
                        pos,
                        "tee",
                        stdin.all_taint(),
                        None,
                        evasion.clone(),
                    );
                }
                stdin
            }
            Some(CommandKind::Crontab) => {
                let mut t = stdin.all_taint();
                for a in arg_strs.iter().flatten().filter(|a| !a.starts_with('-')) {
                    merge(&mut t, &self.read_path(file, a, pos, "crontab"));
                }
                self.sink(
                    f,
                    SinkKind::Write {
                        path: Some("crontab".into()),
                        target: WriteTarget::Persistence("cron schedule"),
                    },
                    pos,
                    "crontab",
                    t,
                    None,
                    evasion,
                );
                Val::default()
            }
            Some(CommandKind::ServiceInstall) => {
                let what = if cmd == "launchctl" {
                    "macOS launch agent"
                } else if cmd == "systemctl" {
                    "systemd unit"
                } else {
                    "scheduled task"
                };
                self.sink(
                    f,
                    SinkKind::Write {
                        path: Some(format!(
                            "{cmd} {}",
                            arg_strs
                                .iter()
                                .flatten()
                                .cloned()
                                .collect::<Vec<_>>()
                                .join(" ")
                        )),
                        target: WriteTarget::Persistence(what),
                    },
                    pos,
                    &cmd,
                    data,
                    None,
                    evasion,
                );
                Val::default()
            }
            Some(CommandKind::Output) => {
                let mut t = data;
                if matches!(
                    cmd.as_str(),
                    "cat" | "head" | "tail" | "less" | "more" | "strings"
                ) {
                    for a in arg_strs.iter().flatten().filter(|a| !a.starts_with('-')) {
                        let r = self.read_path(file, a, pos, &cmd);
                        merge(&mut t, &r);
                    }
                }
                let mut v = Val::tainted(t);
                if matches!(cmd.as_str(), "echo" | "printf") {
                    let joined = concat_words(args);
                    v.s = joined.s;
                    v.built = joined.built;
                }
                v
            }
            Some(CommandKind::Transform(tr)) => {
                let mut t = data;
                for a in arg_strs.iter().flatten().filter(|a| !a.starts_with('-')) {
                    let r = self.read_path(file, a, pos, &cmd);
                    merge(&mut t, &r);
                }
                let st = self.step(file, pos, format!("{} by `{cmd}`", tr.describe()));
                let mut v = Val::tainted(with_transform(&t, tr, &st));
                if tr == Transform::Decode
                    && let Some(s) = stdin
                        .exact()
                        .or_else(|| args.last().and_then(|a| a.exact()))
                    && let Some(d) = if cmd == "rev" {
                        let lines: Vec<String> =
                            s.lines().map(|l| l.chars().rev().collect()).collect();
                        Some(lines.join("\n").into_bytes())
                    } else if cmd == "tr" {
                        let sets: Vec<&str> = arg_strs
                            .iter()
                            .flatten()
                            .map(String::as_str)
                            .filter(|a| !a.starts_with('-'))
                            .collect();
                        sets.get(..2)
                            .and_then(|p| tr_cipher(p[0], p[1]))
                            .map(|map| {
                                s.chars()
                                    .map(|c| {
                                        map.iter().find(|(k, _)| *k == c).map_or(c, |(_, v)| *v)
                                    })
                                    .collect::<String>()
                                    .into_bytes()
                            })
                    } else {
                        decode_const("base64.b64decode", s, None)
                    }
                {
                    let l = self.source(
                        SourceKind::Decoded,
                        file,
                        pos,
                        &format!("`{cmd}` of constant data"),
                    );
                    merge(&mut v.taint, &[l]);
                    match String::from_utf8(d) {
                        Ok(text) => v.s = Some(truncate(&text)),
                        Err(e) => v.bytes = Some(e.into_bytes().into()),
                    }
                    v.built = true;
                }
                v
            }
            Some(CommandKind::PathOnly) => Val::default(),
            None => {
                if evasion.is_some() {
                    self.sink(
                        f,
                        SinkKind::Exec,
                        pos,
                        &cmd,
                        data.clone(),
                        Some(cmd.clone()),
                        evasion,
                    );
                }
                // Unknown tools: their output may carry what they were given, and any
                // credential file they were pointed at.
                let mut t = with_step(&data, &step);
                for a in arg_strs.iter().flatten().filter(|a| !a.starts_with('-')) {
                    if catalog::cred_path(a).is_some() {
                        let r = self.read_path(file, a, pos, &cmd);
                        merge(&mut t, &r);
                    }
                }
                Val::tainted(t)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn interpreter(
        &mut self,
        f: &mut Frame,
        cmd: &str,
        args: &[Val],
        arg_strs: &[Option<String>],
        stdin: Val,
        pos: Pos,
        evasion: Option<String>,
    ) -> Val {
        let file = f.file;
        let lang = match cmd {
            "sh" | "bash" | "zsh" | "dash" | "ksh" | "fish" => Some(Lang::Shell),
            "node" | "nodejs" | "deno" | "bun" | "tsx" | "ts-node" => Some(Lang::JavaScript),
            c if c.starts_with("python") => Some(Lang::Python),
            _ => None,
        };
        let mut k = 0;
        while k < args.len() {
            let s = arg_strs[k].as_deref().unwrap_or("");
            if matches!(
                s,
                "-c" | "-e" | "--eval" | "-p" | "--print" | "-Command" | "-command"
            ) {
                let code = args.get(k + 1).cloned().unwrap_or_default();
                if vuln::interpolated(&code) {
                    let w = if lang == Some(Lang::Shell) {
                        Weak::Command
                    } else {
                        Weak::Code
                    };
                    self.sink(
                        f,
                        SinkKind::Weakness(w),
                        pos,
                        &format!("{cmd} {s}"),
                        code.all_taint(),
                        None,
                        None,
                    );
                }
                self.sink(
                    f,
                    SinkKind::Eval,
                    pos,
                    &format!("{cmd} {s}"),
                    code.all_taint(),
                    None,
                    evasion,
                );
                let argv: Vec<Val> = args.get(k + 2..).unwrap_or(&[]).to_vec();
                if let (Some(lang), Some(src)) = (lang, code.s.clone()) {
                    let saved = std::mem::take(&mut f.out);
                    let mut sub = Frame {
                        file,
                        scope: Scope::Local(HashMap::new()),
                        ret: Val::default(),
                        out: Vec::new(),
                        sinks: Vec::new(),
                        class: None,
                        shell_fn: false,
                        weak: false,
                        callbacks: Vec::new(),
                        lang: self.units[file].lang,
                    };
                    if let Scope::Local(env) = &mut sub.scope {
                        let mut h = Val::default();
                        merge(&mut h.taint, &code.all_taint());
                        for a in &argv {
                            merge(&mut h.taint, &a.all_taint());
                        }
                        env.insert("<hole>".into(), h);
                    }
                    self.nested_code(&mut sub, lang, &src, &code, pos);
                    for hit in std::mem::take(&mut sub.sinks) {
                        self.record(f, hit);
                    }
                    f.out = saved;
                    return Val::tainted(sub.out);
                }
                return Val::default();
            }
            if s == "-m" {
                k += 2;
                continue;
            }
            if s.starts_with('-') {
                k += 1;
                continue;
            }
            break;
        }
        match args.get(k) {
            Some(script) => {
                let path = script.s.clone().unwrap_or_default();
                if let Some(target) = self.find_script(file, &path) {
                    return self.run_script(f, target, &args[k + 1..], &stdin, pos);
                }
                if let Some(w) = self.written.get(&path).cloned() {
                    self.sink(f, SinkKind::Exec, pos, cmd, w, Some(path), evasion);
                }
                let mut t = stdin.all_taint();
                for a in args {
                    merge(&mut t, &a.all_taint());
                }
                Val::tainted(t)
            }
            None => {
                // `curl … | sh`: the interpreter runs whatever arrives on stdin.
                self.sink(
                    f,
                    SinkKind::Eval,
                    pos,
                    &format!("{cmd} (stdin)"),
                    stdin.all_taint(),
                    None,
                    evasion,
                );
                if let (Some(lang), Some(src)) = (lang, stdin.s.clone()) {
                    self.nested_code(f, lang, &src, &stdin, pos);
                }
                Val::default()
            }
        }
    }

    /// Runs another script of the bundle as a process.
    fn run_script(
        &mut self,
        f: &mut Frame,
        target: usize,
        args: &[Val],
        stdin: &Val,
        pos: Pos,
    ) -> Val {
        let s = self.script(target);
        let step = self.step(f.file, pos, format!("runs {}", self.units[target].path));
        let saved = std::mem::take(&mut f.out);
        let mut sub = Frame {
            file: f.file,
            scope: Scope::Local(HashMap::new()),
            ret: Val::default(),
            out: Vec::new(),
            sinks: Vec::new(),
            class: None,
            shell_fn: false,
            weak: false,
            callbacks: Vec::new(),
            lang: f.lang,
        };
        let _ = self.apply(&mut sub, &s, &[], Some(args), Some(stdin), step);
        for hit in std::mem::take(&mut sub.sinks) {
            self.record(f, hit);
        }
        f.out = saved;
        Val::tainted(sub.out)
    }

    /// A command line held in a string (`os.system(s)`, `exec(s)`, `sh -c s`).
    fn run_shell_string(&mut self, f: &mut Frame, cmd: &Val, stdin: Val, pos: Pos) -> Val {
        let Some(src) = cmd.s.clone() else {
            let mut t = cmd.all_taint();
            merge(&mut t, &stdin.all_taint());
            return Val::tainted(t);
        };
        let saved = std::mem::take(&mut f.out);
        let mut sub = Frame {
            file: f.file,
            scope: Scope::Local(HashMap::new()),
            ret: Val::default(),
            out: Vec::new(),
            sinks: Vec::new(),
            class: None,
            shell_fn: false,
            weak: false,
            callbacks: Vec::new(),
            lang: f.lang,
        };
        if let Scope::Local(env) = &mut sub.scope {
            env.insert("<hole>".into(), Val::tainted(cmd.all_taint()));
            env.insert("<stdin>".into(), stdin);
        }
        self.nested_code(&mut sub, Lang::Shell, &src, cmd, pos);
        for hit in std::mem::take(&mut sub.sinks) {
            self.record(f, hit);
        }
        f.out = saved;
        Val::tainted(sub.out)
    }

    /// Parses and evaluates code found in a string, attributing findings to `pos`.
    fn is_home_listing(&self, l: &Label) -> bool {
        matches!(l.origin, Origin::Src(id) if matches!(
            self.out.sources.get(id as usize).map(|s| &s.kind),
            Some(SourceKind::HomeListing { .. })
        ))
    }

    fn nested_code(&mut self, f: &mut Frame, lang: Lang, src: &str, holder: &Val, pos: Pos) {
        if self.nested >= MAX_NESTED {
            return;
        }
        let Some(_g) = super::python::DepthGuard::enter() else {
            return;
        };
        self.nested += 1;
        let mut m = match lang {
            Lang::Shell => super::shell::parse_at(src, pos.line),
            Lang::Python => super::python::parse(src),
            Lang::JavaScript => super::js::parse(src),
        };
        // Its functions live in `m`, not in the unit: their bodies run where they are
        // defined (a Def index would point into the unit's own table).
        let body = std::mem::take(&mut m.body);
        m.body = inline_defs(body, &mut m.functions);
        // Everything in the string reports at the line that runs it.
        relocate(&mut m.body, pos);
        // Functions defined inside the string are evaluated inline where called.
        let _ = holder;
        if let Scope::Local(env) = &mut f.scope
            && !env.contains_key("<hole>")
        {
            env.insert("<hole>".into(), Val::tainted(holder.all_taint()));
        }
        let outer = f.lang;
        f.lang = lang;
        self.stmts(f, &m.body);
        f.lang = outer;
    }
}

// ----- helpers ------------------------------------------------------------------------

/// Node's `buf.toString("base64")` / `Buffer.from(s, "base64")` / `.hex()`.
fn buffer_transform(
    q: &str,
    receiver: Option<&(Val, String, Option<String>)>,
    args: &[Val],
) -> Option<Transform> {
    let enc = args.iter().rev().find_map(|a| a.exact());
    let method = receiver.map(|r| r.1.as_str()).unwrap_or("");
    match (method, enc) {
        ("toString", Some("base64" | "base64url")) => Some(Transform::Base64),
        ("toString", Some("hex")) | ("hex", _) => Some(Transform::Hex),
        _ if q == "Buffer.from" && matches!(enc, Some("base64" | "hex")) && args.len() == 2 => {
            Some(Transform::Decode)
        }
        _ => None,
    }
}

/// Top-level `def`s of nested code replaced by their bodies (nested ones are skipped by
/// `Stmt::Def`'s bounds check).
fn inline_defs(body: Vec<Stmt>, functions: &mut [Function]) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(body.len());
    for s in body {
        match s {
            Stmt::Def(i) if i < functions.len() => {
                let inner = std::mem::take(&mut functions[i].body);
                out.extend(inline_defs(inner, functions));
            }
            Stmt::Def(_) => {}
            s => out.push(s),
        }
    }
    out
}

fn relocate(stmts: &mut [Stmt], pos: Pos) {
    fn expr(e: &mut Expr, pos: Pos) {
        match e {
            Expr::Name(_, p) => *p = pos,
            Expr::Attr(b, _, p) => {
                *p = pos;
                expr(b, pos);
            }
            Expr::Index(b, i, p) => {
                *p = pos;
                expr(b, pos);
                expr(i, pos);
            }
            Expr::Call(c) => {
                c.pos = pos;
                expr(&mut c.callee, pos);
                for a in &mut c.args {
                    expr(&mut a.value, pos);
                }
                if let Some(s) = &mut c.stdin {
                    expr(s, pos);
                }
            }
            Expr::Concat(v) | Expr::List(v) | Expr::Mix(v) | Expr::Or(v) => {
                v.iter_mut().for_each(|x| expr(x, pos))
            }
            Expr::Div(a, b) => {
                expr(a, pos);
                expr(b, pos);
            }
            Expr::Dict(v) => v.iter_mut().for_each(|(_, x)| expr(x, pos)),
            Expr::Block(s) => relocate(s, pos),
            Expr::Lambda(f) => relocate(&mut f.body, pos),
            Expr::Str(_) | Expr::Num(_) | Expr::Unknown => {}
        }
    }
    for s in stmts {
        match s {
            Stmt::Assign { value, pos: p, .. } => {
                *p = pos;
                expr(value, pos);
            }
            Stmt::Expr(e) | Stmt::Return(e) => expr(e, pos),
            Stmt::Import(i) => i.pos = pos,
            Stmt::Def(_) => {}
        }
    }
}

/// Position of the first expression that has one (for sources found in string building).
fn first_pos(parts: &[Expr]) -> Pos {
    parts
        .iter()
        .find_map(|p| match p {
            Expr::Name(_, pos) | Expr::Attr(_, _, pos) | Expr::Index(_, _, pos) => Some(*pos),
            Expr::Call(c) => Some(c.pos),
            _ => None,
        })
        .unwrap_or_default()
}

fn root_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n, _) => Some(n.clone()),
        Expr::Attr(b, _, _) | Expr::Index(b, _, _) => root_name(b),
        _ => None,
    }
}

fn is_env_ref(v: &Val) -> bool {
    matches!(v.qual(), Some("os.environ" | "process.env" | "os.environb"))
}

fn is_dangerous_global(q: &str) -> bool {
    catalog::call_kind(q).is_some_and(|k| !matches!(k, CallKind::PathPure | CallKind::Output))
}

fn alias_is_explicit(imp: &Import) -> bool {
    imp.alias.as_deref() != imp.module.split('.').next()
}

fn normalize_module(m: &str) -> String {
    let m = m.strip_prefix("node:").unwrap_or(m);
    match m {
        "fs/promises" => "fs.promises".into(),
        "dns/promises" => "dns.promises".into(),
        "child_process" | "os" | "fs" => m.into(),
        _ => m.replace('/', "."),
    }
}

fn truncate(s: &str) -> String {
    if s.len() <= MAX_STR {
        return s.to_string();
    }
    let mut end = MAX_STR;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

fn normalize_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    parts.join("/")
}

fn join_path(a: &str, b: &str) -> String {
    if b.starts_with('/') || b.starts_with('~') || a.is_empty() {
        return if a.is_empty() {
            normalize_keep(b)
        } else {
            b.to_string()
        };
    }
    if a.starts_with('/') || a.starts_with('~') {
        return format!("{}/{}", a.trim_end_matches('/'), b.trim_start_matches("./"));
    }
    normalize_path(&format!("{a}/{b}"))
}

fn normalize_keep(p: &str) -> String {
    if p.starts_with('/') || p.starts_with('~') {
        p.to_string()
    } else {
        normalize_path(p)
    }
}

/// Joins string pieces. The result counts as `built` (an evasion marker) when two known
/// pieces meet inside a word (`"cu" + "rl"`), not at a separator (`"git " + "pull"`).
fn concat_vals(vals: &[Val]) -> Val {
    let sep = |c: char| c.is_whitespace() || "/.-=:,;\"'&|<>()[]{}?#@".contains(c);
    let mut v = Val::default();
    let mut s = String::new();
    let mut any = false;
    let mut prev_known = false;
    for p in vals {
        merge(&mut v.taint, &p.all_taint());
        v.coded += p.coded;
        match &p.s {
            Some(x) => {
                any = true;
                if prev_known
                    && !x.is_empty()
                    && s.chars().last().is_some_and(|c| !sep(c) && c != HOLE)
                    && x.chars().next().is_some_and(|c| !sep(c) && c != HOLE)
                {
                    v.built = true;
                }
                s.push_str(x);
                v.built |= p.built;
                prev_known = !x.is_empty() || prev_known;
            }
            None => {
                if !s.ends_with(HOLE) {
                    s.push(HOLE);
                }
                prev_known = false;
            }
        }
    }
    if any {
        v.s = Some(truncate(&s));
    }
    v
}

/// Shell words joined by spaces (`eval $a $b`, `echo …`).
fn concat_words(args: &[Val]) -> Val {
    let mut parts = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            parts.push(Val::str(" "));
        }
        parts.push(a.clone());
    }
    let mut v = concat_vals(&parts);
    v.built = args.iter().any(|a| a.built);
    v
}

/// Destination of a network call: URL argument, `url=`/`host=` keywords, options objects.
fn net_dest(
    positional: &[Val],
    args: &[(Option<String>, Val, bool)],
    recv: Option<&Val>,
) -> Option<String> {
    for name in ["url", "uri", "host", "hostname"] {
        if let Some((_, v, _)) = args.iter().find(|a| a.0.as_deref() == Some(name))
            && let Some(s) = &v.s
        {
            return Some(s.clone());
        }
    }
    for p in positional {
        if let Some(s) = &p.s
            && (s.contains("://") || s.contains('.'))
            && !s.contains(' ')
        {
            return Some(s.clone());
        }
        if let Some(items) = &p.items
            && let Some(s) = items.first().and_then(|i| i.s.clone())
        {
            return Some(s);
        }
        if let Some(fields) = &p.fields {
            for key in ["url", "hostname", "host"] {
                if let Some((_, v)) = fields.iter().find(|(k, _)| k == key)
                    && let Some(s) = &v.s
                {
                    return Some(s.clone());
                }
            }
        }
    }
    if let Some(r) = recv
        && let Some(s) = &r.s
    {
        return Some(s.clone());
    }
    positional
        .first()
        .and_then(|p| p.s.clone())
        .filter(|s| !s.chars().all(|c| c == HOLE))
}

/// Methods and builtins that compute strings (for resolving split-string evasions).
fn string_builtin(
    q: &str,
    receiver: Option<&(Val, String, Option<String>)>,
    args: &[Val],
) -> Option<Val> {
    let (recv, method) = match receiver {
        Some((r, m, _)) => (Some(r), m.as_str()),
        None => (None, q.rsplit('.').next().unwrap_or(q)),
    };
    let mut taint = Vec::new();
    if let Some(r) = recv {
        merge(&mut taint, &r.all_taint());
    }
    for a in args {
        merge(&mut taint, &a.all_taint());
    }
    let mk = |s: Option<String>, built: bool, items: Option<Vec<Val>>| {
        Some(Val {
            taint: taint.clone(),
            s: s.map(|x| truncate(&x)),
            built,
            r: None,
            items,
            fields: None,
            ..Val::default()
        })
    };
    if q == "<reverse>" || q == "reversed" {
        let a = args.first()?;
        let mut v = mk(a.s.as_ref().map(|s| s.chars().rev().collect()), true, None)?;
        // A reversed constant is hidden text (`"hs | …"[::-1]`).
        if let Some(x) = a.exact() {
            v.coded = x.chars().count() as u32;
        }
        return Some(v);
    }
    let r = recv?;
    if r.r
        .as_ref()
        .is_some_and(|x| !matches!(x, Ref::Global(g) if g.starts_with("<value>")))
    {
        return None;
    }
    match method {
        "join" => {
            // Python `sep.join(items)`, JavaScript `items.join(sep)`.
            let (items, sep) = match (&r.items, args.first()) {
                (Some(items), sep) if sep.is_none_or(|a| a.s.is_some()) => (
                    items.clone(),
                    sep.and_then(|a| a.s.clone()).unwrap_or_else(|| ",".into()),
                ),
                _ => (
                    args.first()?.items.clone()?,
                    r.s.clone().unwrap_or_default(),
                ),
            };
            let mut pieces: Vec<String> = Vec::new();
            for i in &items {
                pieces.push(i.s.clone().unwrap_or_else(|| HOLE.to_string()));
            }
            let mut v = mk(Some(pieces.join(&sep)), items.len() >= 2, None)?;
            for i in &items {
                merge(&mut v.taint, &i.all_taint());
                v.coded += i.coded;
            }
            Some(v)
        }
        "format" => {
            let fmt = r.s.clone()?;
            let mut out = String::new();
            let mut next = 0;
            let mut chars = fmt.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '{' {
                    if chars.peek() == Some(&'{') {
                        chars.next();
                        out.push('{');
                        continue;
                    }
                    let mut key = String::new();
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                        key.push(c);
                    }
                    let key = key.split([':', '!']).next().unwrap_or("").to_string();
                    let v = if key.is_empty() {
                        next += 1;
                        args.get(next - 1)
                    } else {
                        key.parse::<usize>().ok().and_then(|k| args.get(k))
                    };
                    out.push_str(
                        &v.and_then(|v| v.s.clone())
                            .unwrap_or_else(|| HOLE.to_string()),
                    );
                } else if c == '}' && chars.peek() == Some(&'}') {
                    chars.next();
                    out.push('}');
                } else {
                    out.push(c);
                }
            }
            mk(Some(out), true, None)
        }
        "replace" | "replaceAll" => {
            let s = r.s.clone()?;
            let (a, b) = (args.first()?.exact()?, args.get(1)?.exact()?);
            mk(Some(s.replace(a, b)), true, None)
        }
        "lower" | "upper" | "strip" | "toLowerCase" | "toUpperCase" | "trim" | "encode"
        | "decode" | "toString" | "valueOf" | "lstrip" | "rstrip" | "casefold" => {
            if method == "toString"
                && args
                    .first()
                    .and_then(|a| a.exact())
                    .is_some_and(|e| e == "base64" || e == "hex")
            {
                return None;
            }
            if method == "decode"
                && args
                    .first()
                    .and_then(|a| a.exact())
                    .is_some_and(|e| e != "utf-8" && e != "utf8" && e != "ascii")
            {
                return None;
            }
            let s = r.s.clone()?;
            let s = match method {
                "lower" | "toLowerCase" | "casefold" => s.to_lowercase(),
                "upper" | "toUpperCase" => s.to_uppercase(),
                "strip" | "trim" => s.trim().to_string(),
                "lstrip" => s.trim_start().to_string(),
                "rstrip" => s.trim_end().to_string(),
                _ => s,
            };
            let mut v = mk(Some(s), r.built, None)?;
            v.coded = r.coded;
            Some(v)
        }
        "split" if args.first().and_then(|a| a.exact()) == Some("") => {
            let s = r.exact()?;
            let items = s.chars().map(|c| Val::str(c.to_string())).collect();
            mk(None, true, Some(items))
        }
        "reverse" => {
            let mut items = r.items.clone()?;
            items.reverse();
            // Characters of a constant put back in order: `"…".split('').reverse()`.
            for i in &mut items {
                if i.exact().is_some_and(|c| c.chars().count() == 1) {
                    i.coded = 1;
                }
            }
            mk(None, true, Some(items))
        }
        "concat" if r.s.is_some() => {
            let mut parts = vec![r.clone()];
            parts.extend(args.iter().cloned());
            let mut v = concat_vals(&parts);
            v.built = true;
            Some(v)
        }
        _ => None,
    }
}

/// `decodeURIComponent("%63%75…")`, `unquote(…)`: URL escapes as a way to hide text.
fn is_percent_decoder(q: &str) -> bool {
    matches!(
        q,
        "decodeURIComponent" | "decodeURI" | "unescape" | "urllib.parse.unquote" | "unquote"
    )
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// `tr 'A-Za-z' 'N-ZA-Mn-za-m'`: the two sets as a character map, when it is a cipher
/// (letters moved to other letters) rather than a case change or a clean-up.
pub(crate) fn tr_cipher(from: &str, to: &str) -> Option<Vec<(char, char)>> {
    fn expand(set: &str) -> Vec<char> {
        let c: Vec<char> = set.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < c.len() {
            if i + 2 < c.len() && c[i + 1] == '-' && c[i] <= c[i + 2] {
                out.extend(c[i]..=c[i + 2]);
                i += 3;
            } else {
                out.push(c[i]);
                i += 1;
            }
        }
        out
    }
    let (a, b) = (expand(from), expand(to));
    if a.len() < 10 || a.len() != b.len() || from.contains("[:") {
        return None;
    }
    let moved = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| !x.eq_ignore_ascii_case(y))
        .count();
    (moved * 2 >= a.len()).then(|| a.into_iter().zip(b).collect())
}

/// Decodes constant data the way the called decoder would.
fn decode_const(q: &str, s: &str, encoding: Option<&str>) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let bytes = if is_percent_decoder(q) {
        return percent_decode(s);
    } else if q.contains("hex") || q == "bytes.fromhex" || q == "binascii.unhexlify" {
        hex::decode(s.trim()).ok()?
    } else if q == "codecs.decode" && encoding.is_some_and(|e| e.starts_with("rot")) {
        return Some(
            s.chars()
                .map(|c| match c {
                    'a'..='z' => (((c as u8 - b'a') + 13) % 26 + b'a') as char,
                    'A'..='Z' => (((c as u8 - b'A') + 13) % 26 + b'A') as char,
                    _ => c,
                })
                .collect::<String>()
                .into_bytes(),
        );
    } else {
        let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(cleaned.as_bytes())
            .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(cleaned.as_bytes()))
            .or_else(|_| {
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(cleaned.trim_end_matches('=').as_bytes())
            })
            .ok()?
    };
    Some(bytes)
}
