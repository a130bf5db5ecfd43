//! The small language-neutral program form that the Python, JavaScript and shell front-ends
//! lower scripts into. It keeps only what data-flow needs: bindings, calls with their
//! arguments, string building, imports and function bodies. Control flow is flattened;
//! statements inside branches and loops are marked `weak` so assignments merge instead of
//! overwrite.

/// Source line (1-based) and column (1-based, in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Python,
    Shell,
    JavaScript,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A variable or global. Shell variables keep their bare name (`HOME`), positional
    /// parameters are `$1`…, `$@`.
    Name(String, Pos),
    Attr(Box<Expr>, String, Pos),
    Index(Box<Expr>, Box<Expr>, Pos),
    Call(Box<Call>),
    Str(String),
    /// String building: `a + b`, f-strings, template literals, adjacent shell word pieces.
    Concat(Vec<Expr>),
    /// Python `a / b` on paths, kept apart so `Path.home() / ".ssh"` resolves to `~/.ssh`.
    Div(Box<Expr>, Box<Expr>),
    /// Literal list/tuple/array whose element order matters (`subprocess.run([...])`).
    List(Vec<Expr>),
    /// Dict or object literal; keys are kept when literal (`{body: data}`).
    Dict(Vec<(Option<String>, Expr)>),
    /// Anything else that merely mixes its operands' data (arithmetic, conditionals…).
    Mix(Vec<Expr>),
    /// `a or b`, `a ?? b`, `x if c else y`: either operand's data, the first known string.
    Or(Vec<Expr>),
    Num(i64),
    /// An inline function (lambda, arrow function, callback).
    Lambda(Box<Function>),
    /// Statements run for their output (shell command substitution `$(…)`): the value is
    /// what the contained commands print.
    Block(Vec<Stmt>),
    /// Something the front-end could not make sense of; carries no data.
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub callee: Expr,
    pub args: Vec<Arg>,
    pub pos: Pos,
    /// Data piped into a shell command.
    pub stdin: Option<Expr>,
    /// Set by the shell front-end: the callee is a command name, not a function value.
    pub command: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: Option<String>,
    pub value: Expr,
    /// `*args` / `...spread`.
    pub spread: bool,
}

impl Arg {
    pub fn pos(value: Expr) -> Self {
        Arg {
            name: None,
            value,
            spread: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Name(String),
    /// `obj.field = …` (self attributes, module attributes).
    Attr(Expr, String),
    /// `d[k] = …`: taints the container.
    Index(Expr),
    /// Destructuring `{a, b: c} = …` / `a, b = …`: each name gets the value's field or the whole.
    Destructure(Vec<(Option<String>, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    Assign {
        targets: Vec<Target>,
        value: Expr,
        /// `+=`, or inside a branch: merge with the previous value instead of replacing.
        weak: bool,
        pos: Pos,
    },
    Expr(Expr),
    Return(Expr),
    Import(Import),
    /// A function defined at this point (hoisted to the module's function table too).
    Def(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    /// Module path as written: `os.path`, `./encoder`, `.collector`, `child_process`.
    pub module: String,
    /// Name bound to the module itself (`import x as y`, `const y = require("x")`).
    pub alias: Option<String>,
    /// `from m import a as b` → (`a`, `b`); `*` imports every name.
    pub names: Vec<(String, String)>,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub name: String,
    pub params: Vec<Param>,
    pub body: Vec<Stmt>,
    pub pos: Pos,
    /// Class the function is a method of, if any.
    pub class: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    /// `*args`, `...rest`, or shell functions (all positional parameters).
    pub rest: bool,
}

/// One parsed script.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub lang: Lang,
    pub body: Vec<Stmt>,
    pub functions: Vec<Function>,
    /// Source the front-end could not make sense of and skipped or degraded to
    /// `Expr::Unknown` (in source order, at most [`MAX_UNPARSED`]). Empty when the script
    /// was parsed completely. The data flow through these lines is not analysed.
    pub unparsed: Vec<Unparsed>,
}

impl Module {
    pub fn new(lang: Lang) -> Self {
        Module {
            lang,
            body: Vec::new(),
            functions: Vec::new(),
            unparsed: Vec::new(),
        }
    }
}

/// A stretch of source a front-end did not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    /// First line (1-based) of the stretch.
    pub line: u32,
    /// Last line (inclusive): the same line for a token the grammar did not expect, the end
    /// of the script for an unterminated string or bracket that swallowed the rest.
    pub end_line: u32,
    /// What stopped the parser (`unexpected token "?"`, `unterminated string`…).
    pub reason: String,
}

/// Most unparsed stretches recorded per script (hostile input can produce one per token).
pub const MAX_UNPARSED: usize = 256;

/// Last line number that stands for "the end of the script" in [`Unparsed::end_line`].
pub const TO_END: u32 = u32::MAX;

thread_local! {
    static UNPARSED: std::cell::RefCell<Option<Vec<Unparsed>>> =
        const { std::cell::RefCell::new(None) };
}

/// Records a stretch the running front-end could not parse. Nested parses (command
/// substitutions, f-string fields, template literals) report into the outermost script's
/// list; outside [`collect_unparsed`] this does nothing.
pub fn note_unparsed(line: u32, end_line: u32, reason: impl FnOnce() -> String) {
    UNPARSED.with(|u| {
        if let Some(v) = u.borrow_mut().as_mut()
            && v.len() < MAX_UNPARSED
        {
            v.push(Unparsed {
                line,
                end_line: end_line.max(line),
                reason: reason(),
            });
        }
    });
}

/// Runs a front-end and returns what it reported through [`note_unparsed`], sorted by
/// line. A call nested in another leaves its reports to the outer one (and returns none).
pub fn collect_unparsed<T>(parse: impl FnOnce() -> T) -> (T, Vec<Unparsed>) {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            UNPARSED.with(|u| *u.borrow_mut() = None);
        }
    }
    let outer = UNPARSED.with(|u| {
        let mut u = u.borrow_mut();
        if u.is_some() {
            return false;
        }
        *u = Some(Vec::new());
        true
    });
    if !outer {
        return (parse(), Vec::new());
    }
    let reset = Reset;
    let value = parse();
    let mut found = UNPARSED.with(|u| u.borrow_mut().take()).unwrap_or_default();
    drop(reset);
    found.sort_by_key(|u| (u.line, u.end_line));
    found.dedup();
    (value, found)
}

pub fn name(n: &str, pos: Pos) -> Expr {
    Expr::Name(n.to_string(), pos)
}

pub fn call(callee: Expr, args: Vec<Expr>, pos: Pos) -> Expr {
    Expr::Call(Box::new(Call {
        callee,
        args: args.into_iter().map(Arg::pos).collect(),
        pos,
        stdin: None,
        command: false,
    }))
}
