//! Packages a skill installs or declares (`pip`/`npm install` lines, requirements files,
//! package.json) checked for typosquats of popular names and for releases known to have
//! been compromised (`SV-T1-SUP-SUSPECT-PACKAGE`), and the package registries that
//! `SV-T1-SUP-CUSTOM-INDEX` does not report.

use std::sync::LazyLock;

use regex::Regex;

use super::{Adjust, Doc, Role, SkillContext, adjust_for, finding_with, rules};
use crate::model::{Confidence, Finding, Severity};
use crate::registry::RuleId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eco {
    PyPi,
    Npm,
    Crates,
}

/// Popular PyPI names (normalised: lower case, `-` for `_` and `.`), with the legitimate
/// packages one edit away from them, so neither is ever taken for a typosquat.
const PYPI: &[&str] = &[
    "requests",
    "urllib3",
    "numpy",
    "pandas",
    "scipy",
    "scapy",
    "simpy",
    "sympy",
    "matplotlib",
    "seaborn",
    "flask",
    "django",
    "fastapi",
    "uvicorn",
    "gunicorn",
    "boto3",
    "botocore",
    "boto",
    "pyyaml",
    "pyaml",
    "setuptools",
    "wheel",
    "python-dateutil",
    "pytz",
    "beautifulsoup4",
    "lxml-html-clean",
    "pillow",
    "colorama",
    "cryptography",
    "pycryptodome",
    "pytest",
    "jinja2",
    "click",
    "httpx",
    "hyper",
    "aiohttp",
    "selenium",
    "scrapy",
    "tensorflow",
    "torch",
    "torchx",
    "torchvision",
    "keras",
    "transformers",
    "openai",
    "openapi",
    "anthropic",
    "langchain",
    "pydantic",
    "sqlalchemy",
    "psycopg",
    "psycopg2",
    "psycopg-binary",
    "psycopg2-binary",
    "pymongo",
    "redis",
    "celery",
    "paramiko",
    "docker",
    "kubernetes",
    "certifi",
    "charset-normalizer",
    "chardet",
    "attrs",
    "packaging",
    "virtualenv",
    "black",
    "flake8",
    "pylint",
    "isort",
    "coverage",
    "poetry",
    "twine",
    "scikit-learn",
    "xgboost",
    "lightgbm",
    "opencv-python",
    "spacy",
    "gensim",
    "networkx",
    "jupyter",
    "notebook",
    "ipython",
    "ipykernel",
    "pyarrow",
    "polars",
    "duckdb",
    "openpyxl",
    "pypdf",
    "pypdf2",
    "pypdf3",
    "pypdf4",
    "pdfplumber",
    "markdown",
    "markdown2",
    "mistune",
    "pygments",
    "tabulate",
    "termcolor",
    "python-dotenv",
    "pyjwt",
    "bcrypt",
    "passlib",
    "werkzeug",
    "markupsafe",
    "simplejson",
    "orjson",
    "msgpack",
    "protobuf",
    "grpcio",
    "google-auth",
    "pyopenssl",
    "websocket",
    "websocket-client",
    "websockets",
    "pyserial",
    "psutil",
    "html5lib",
    "feedparser",
    "tweepy",
    "slack-sdk",
    "stripe",
    "twilio",
    "sendgrid",
    "pymysql",
    "mysqlclient",
    "sentry-sdk",
    "loguru",
    "structlog",
    "arrow",
    "pendulum",
    "dateparser",
    "regex",
    "rapidfuzz",
    "cython",
    "numba",
    "shapely",
    "geopandas",
    "plotly",
    "streamlit",
    "gradio",
    "bokeh",
    "altair",
    "tiktoken",
    "huggingface-hub",
    "datasets",
    "accelerate",
    "diffusers",
    "safetensors",
    "sentencepiece",
    "tokenizers",
    "pytest-cov",
    "responses",
    "httplib2",
    "oauthlib",
    "jsonschema",
    "tomli",
    "tomlkit",
    "typer",
    "docopt",
    "pexpect",
    "fabric",
    "fabric2",
    "invoke",
    "ansible",
    "pywin32",
    "pyautogui",
    "pynput",
    "playwright",
    "rich",
    "tqdm",
    "mypy",
    "ruff",
];

/// Popular npm names, with their legitimate one-edit neighbours.
const NPM: &[&str] = &[
    "lodash",
    "lodash-es",
    "react",
    "preact",
    "react-dom",
    "express",
    "axios",
    "chalk",
    "commander",
    "moment",
    "request",
    "debug",
    "async",
    "underscore",
    "webpack",
    "typescript",
    "eslint",
    "tslint",
    "prettier",
    "mocha",
    "yargs",
    "dotenv",
    "dotenvx",
    "colors",
    "color",
    "cross-env",
    "node-fetch",
    "discord.js",
    "electron",
    "jquery",
    "bluebird",
    "fs-extra",
    "minimist",
    "body-parser",
    "mongoose",
    "socket.io",
    "rollup",
    "esbuild",
    "nodemon",
    "dayjs",
    "date-fns",
    "classnames",
    "prop-types",
    "redux",
    "react-redux",
    "react-router",
    "react-router-dom",
    "styled-components",
    "tailwindcss",
    "postcss",
    "autoprefixer",
    "svelte",
    "rxjs",
    "semver",
    "rimraf",
    "mkdirp",
    "inquirer",
    "cheerio",
    "puppeteer",
    "playwright",
    "jsdom",
    "helmet",
    "morgan",
    "winston",
    "bcrypt",
    "bcryptjs",
    "jsonwebtoken",
    "passport",
    "mysql",
    "mysql2",
    "sequelize",
    "prisma",
    "typeorm",
    "redis",
    "ioredis",
    "graphql",
    "nodemailer",
    "multer",
    "sharp",
    "canvas",
    "three",
    "chart.js",
    "highcharts",
    "leaflet",
    "marked",
    "markdown-it",
    "highlight.js",
    "prismjs",
    "handlebars",
    "mustache",
    "tslib",
    "core-js",
    "ts-node",
    "vitest",
    "cypress",
    "karma",
    "sinon",
    "supertest",
    "husky",
    "lint-staged",
    "concurrently",
    "cross-spawn",
    "execa",
    "shelljs",
    "chokidar",
    "fast-glob",
    "micromatch",
    "minimatch",
    "superagent",
    "node-gyp",
    "ethers",
    "immer",
    "zustand",
    "ramda",
    "immutable",
    "event-stream",
    "ua-parser-js",
    "picocolors",
    "kleur",
    "strip-ansi",
    "ansi-regex",
    "ansi-styles",
    "supports-color",
    "wrap-ansi",
    "string-width",
    "uglify-js",
    "terser",
    "browserify",
    "gulp",
    "grunt",
    "openai",
    "langchain",
    "zod",
    "uuid",
    "glob",
    "vite",
    "next",
    "nuxt",
    "jest",
];

/// Crates whose replacement by a fork (`[patch.crates-io]`) reaches nearly every build.
const CRATES: &[&str] = &[
    "serde",
    "serde_json",
    "serde_derive",
    "tokio",
    "reqwest",
    "rand",
    "clap",
    "anyhow",
    "log",
    "regex",
    "hyper",
    "openssl",
    "ring",
    "rustls",
    "syn",
    "quote",
    "proc-macro2",
    "libc",
    "futures",
    "thiserror",
    "tracing",
    "tokio-rustls",
    "base64",
    "sha2",
];

/// Releases known to have carried malware (public incident reports); `None` is every
/// version of a name that only ever existed as malware.
const COMPROMISED: &[(Eco, &str, Option<&[&str]>)] = &[
    (Eco::Npm, "event-stream", Some(&["3.3.6"])),
    (Eco::Npm, "flatmap-stream", None),
    (
        Eco::Npm,
        "ua-parser-js",
        Some(&["0.7.29", "0.8.0", "1.0.0"]),
    ),
    (
        Eco::Npm,
        "coa",
        Some(&["2.0.3", "2.0.4", "2.1.1", "2.1.3", "3.0.1", "3.1.3"]),
    ),
    (Eco::Npm, "rc", Some(&["1.2.9", "1.3.9", "2.3.9"])),
    (Eco::Npm, "node-ipc", Some(&["10.1.1", "10.1.2", "10.1.3"])),
    (
        Eco::Npm,
        "colors",
        Some(&["1.4.1", "1.4.2", "1.4.44-liberty-2"]),
    ),
    (Eco::Npm, "faker", Some(&["6.6.6"])),
    (Eco::Npm, "eslint-scope", Some(&["3.7.2"])),
    (Eco::Npm, "chalk", Some(&["5.6.1"])),
    (Eco::Npm, "debug", Some(&["4.4.2"])),
    (Eco::Npm, "ansi-styles", Some(&["6.2.2"])),
    (Eco::Npm, "strip-ansi", Some(&["7.1.1"])),
    (Eco::Npm, "ansi-regex", Some(&["6.2.1"])),
    (Eco::Npm, "supports-color", Some(&["10.2.1"])),
    (Eco::Npm, "wrap-ansi", Some(&["9.0.1"])),
    (Eco::Npm, "crossenv", None),
    (Eco::Npm, "cross-env.js", None),
    (Eco::Npm, "getcookies", None),
    (Eco::Npm, "electron-native-notify", None),
    (
        Eco::PyPi,
        "ultralytics",
        Some(&["8.3.41", "8.3.42", "8.3.45", "8.3.46"]),
    ),
    (Eco::PyPi, "torchtriton", None),
];

/// Registries, vendor indexes and large public mirrors: configuring these is ordinary.
const KNOWN_INDEXES: &[&str] = &[
    "pypi.org",
    "pypi.python.org",
    "files.pythonhosted.org",
    "download.pytorch.org",
    "pypi.nvidia.com",
    "pypi.ngc.nvidia.com",
    "data.pyg.org",
    "registry.npmjs.org",
    "registry.yarnpkg.com",
    "registry.npmmirror.com",
    "npm.pkg.github.com",
    "proxy.golang.org",
    "goproxy.io",
    "goproxy.cn",
    "rubygems.org",
    "index.crates.io",
    "crates.io",
    "mirrors.aliyun.com",
    "mirrors.cloud.tencent.com",
    "repo.huaweicloud.com",
    "pypi.tuna.tsinghua.edu.cn",
    "mirrors.tuna.tsinghua.edu.cn",
    "mirrors.ustc.edu.cn",
    "pkgs.dev.azure.com",
    "gitlab.com",
];

/// Hosted private-registry services (the user's organisation's own feed).
const HOSTED_SUFFIXES: &[&str] = &[".jfrog.io", ".pkg.dev", ".pkg.github.com"];

/// How `SV-T1-SUP-CUSTOM-INDEX` weighs an index host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndexHost {
    /// The default registry, a vendor index or a big public mirror.
    Known,
    /// Documentation host (`example.com`, `.example`, `.test`).
    Placeholder,
    /// This machine, a private address or an organisation-internal name.
    Internal,
    /// A public raw IP address.
    RawIp,
    Other,
}

/// `host` is lower-case, without port or credentials.
pub(crate) fn index_host(host: &str) -> IndexHost {
    let host = host.trim_end_matches('.');
    let under = |d: &str| host == d || host.ends_with(&format!(".{d}"));
    if KNOWN_INDEXES.iter().any(|d| under(d))
        || HOSTED_SUFFIXES.iter().any(|s| host.ends_with(s))
        || host.contains(".codeartifact.") && host.ends_with(".amazonaws.com")
    {
        return IndexHost::Known;
    }
    if [
        "example.com",
        "example.org",
        "example.net",
        "example",
        "test",
        "invalid",
    ]
    .iter()
    .any(|d| under(d))
    {
        return IndexHost::Placeholder;
    }
    if let Some(ip) = super::parse_ipv4(host) {
        return if super::is_public_ipv4(ip) {
            IndexHost::RawIp
        } else {
            IndexHost::Internal
        };
    }
    if host == "localhost"
        || [
            "internal",
            "corp",
            "local",
            "lan",
            "intranet",
            "localhost",
            "home.arpa",
        ]
        .iter()
        .any(|d| under(d))
    {
        return IndexHost::Internal;
    }
    IndexHost::Other
}

/// `pip install a b`, `npm i a@1`, `uv add a`, `npx a`, `uvx a`…, continuation lines
/// included.
static INSTALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:(pip3?|pipx|uv\s+pip|uv|poetry|pdm|python3?\s+-m\s+pip)\s+(?:install|add)|(npm|pnpm|yarn|bun)\s+(?:install|i|add)|(npx|bunx|pnpm\s+dlx|yarn\s+dlx)|(uvx|pipx\s+run))(?-u:\b)((?:[^\n;&|`]|\\\n)*)",
    )
    .expect("install regex")
});

/// Flags whose value is the next word, not a package.
const VALUE_FLAGS: &[&str] = &[
    "-r",
    "-c",
    "-e",
    "-i",
    "-f",
    "-t",
    "--requirement",
    "--constraint",
    "--editable",
    "--index-url",
    "--extra-index-url",
    "--trusted-host",
    "--find-links",
    "--target",
    "--prefix",
    "--python",
    "--registry",
    "--workspace",
    "-w",
];

/// A package named somewhere in the file: ecosystem, name, pinned version, offset.
struct Mention {
    eco: Eco,
    name: String,
    version: Option<String>,
    offset: usize,
    /// Installed from git or a URL instead of the registry.
    fork: bool,
}

/// Splits a package argument into name and exact version.
fn split_spec(eco: Eco, token: &str) -> Option<(String, Option<String>)> {
    let t = token.trim_matches(|c| matches!(c, '"' | '\'' | '\\' | ',' | '(' | ')'));
    if t.is_empty() || t.contains("://") || t.contains('/') && !t.starts_with('@') {
        return None;
    }
    let (name, version) = match eco {
        Eco::PyPi | Eco::Crates => {
            let end = t
                .find(['=', '<', '>', '!', '~', ';', '@', '[', ' '])
                .unwrap_or(t.len());
            let version = t[end..].strip_prefix("==").map(|v| v.trim().to_owned());
            (&t[..end], version)
        }
        Eco::Npm => {
            // A scope's leading `@` is part of the name.
            let at = t
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c == '@')
                .map(|(i, _)| i);
            match at {
                Some(i) => (
                    &t[..i],
                    Some(t[i + 1..].trim_start_matches(['=', 'v']).to_owned()),
                ),
                None => (t, None),
            }
        }
    };
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b'/'));
    ok.then(|| (name.to_owned(), version))
}

fn from_install_lines(text: &str, out: &mut Vec<Mention>) {
    for caps in INSTALL.captures_iter(text) {
        let eco = if caps.get(1).is_some() || caps.get(4).is_some() {
            Eco::PyPi
        } else {
            Eco::Npm
        };
        // `npx tool args…` runs one package; what follows are the tool's arguments.
        let runs_one = caps.get(3).is_some() || caps.get(4).is_some();
        let args = caps.get(5).expect("args group");
        let mut skip_next = false;
        let mut pos = args.start();
        for word in args.as_str().split([' ', '\t', '\n']) {
            let offset = pos;
            pos += word.len() + 1;
            if word.is_empty() || word == "\\" {
                continue;
            }
            if skip_next {
                skip_next = false;
                continue;
            }
            if word.starts_with('#') || word.starts_with('>') || word.starts_with("2>") {
                break;
            }
            if word.starts_with('-') {
                skip_next = VALUE_FLAGS.contains(&word);
                continue;
            }
            if let Some((name, version)) = split_spec(eco, word) {
                out.push(Mention {
                    eco,
                    name,
                    version,
                    offset,
                    fork: false,
                });
            }
            if runs_one {
                break;
            }
        }
    }
}

fn is_requirements(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    name.ends_with(".txt")
        && (name.starts_with("requirements")
            || name.starts_with("constraints")
            || lower.contains("requirements/"))
}

fn from_requirements(text: &str, out: &mut Vec<Mention>) {
    let mut offset = 0;
    for line in text.split('\n') {
        let t = line.trim();
        if !t.is_empty()
            && !t.starts_with('#')
            && !t.starts_with('-')
            && let Some((name, version)) = split_spec(Eco::PyPi, t)
        {
            out.push(Mention {
                eco: Eco::PyPi,
                name,
                version,
                offset: offset + (line.len() - line.trim_start().len()),
                fork: t.contains(" @ ") || t.contains("git+"),
            });
        }
        offset += line.len() + 1;
    }
}

fn from_package_json(text: &str, out: &mut Vec<Mention>) {
    let Ok(serde_json::Value::Object(root)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return;
    };
    for key in [
        "dependencies",
        "devDependencies",
        "optionalDependencies",
        "peerDependencies",
    ] {
        let Some(serde_json::Value::Object(deps)) = root.get(key) else {
            continue;
        };
        for (name, version) in deps {
            let offset = text.find(&format!("\"{name}\"")).unwrap_or(0);
            let version = version.as_str().map(str::trim);
            out.push(Mention {
                eco: Eco::Npm,
                name: name.clone(),
                version: version.map(|v| v.trim_start_matches(['=', 'v']).to_owned()),
                offset,
                fork: version.is_some_and(npm_fork),
            });
        }
    }
}

/// An npm version that is a git repository, a URL or a GitHub `owner/repo` shorthand.
fn npm_fork(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    [
        "git+",
        "git://",
        "http://",
        "https://",
        "github:",
        "gitlab:",
        "bitbucket:",
    ]
    .iter()
    .any(|p| l.starts_with(p))
        || !l.starts_with(['@', '.', '/', '~', '^', '<', '>', '='])
            && !l.starts_with("file:")
            && !l.starts_with("npm:")
            && !l.starts_with("link:")
            && !l.starts_with("workspace:")
            && l.split('/').count() == 2
            && l.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
}

/// Crates patched from git or a URL in a Cargo.toml `[patch.crates-io]` section.
fn from_cargo_patch(text: &str, out: &mut Vec<Mention>) {
    let mut in_patch = false;
    let mut offset = 0;
    for line in text.split('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            in_patch = t.trim_matches(['[', ']', ' ']) == "patch.crates-io";
        } else if in_patch
            && let Some((name, spec)) = t.split_once('=')
            && (spec.contains("git") || spec.contains("http"))
        {
            out.push(Mention {
                eco: Eco::Crates,
                name: name.trim().trim_matches('"').to_owned(),
                version: None,
                offset: offset + (line.len() - line.trim_start().len()),
                fork: true,
            });
        }
        offset += line.len() + 1;
    }
}

fn normalise(eco: Eco, name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match eco {
        Eco::PyPi => lower.replace(['_', '.'], "-"),
        Eco::Npm | Eco::Crates => lower,
    }
}

/// One substitution, insertion, deletion or swap of neighbours turns `a` into `b`.
fn one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..short.len()).filter(|&i| short[i] != long[i]).collect();
            match diff[..] {
                [_] => true,
                [i, j] => j == i + 1 && short[i] == long[j] && short[j] == long[i],
                _ => false,
            }
        }
        1 => short[prefix..] == long[prefix + 1..],
        _ => false,
    }
}

/// The popular name `name` imitates, if it is one typo away from one.
fn typosquat_of(eco: Eco, name: &str) -> Option<&'static str> {
    if name.starts_with('@') {
        // A scope belongs to its owner; look-alike scopes are a different check.
        return None;
    }
    let n = normalise(eco, name);
    let list = popular(eco);
    if n.len() < 5 || list.contains(&n.as_str()) {
        return None;
    }
    list.iter()
        .copied()
        .find(|p| p.len() >= 5 && one_edit(n.as_bytes(), p.as_bytes()))
}

fn popular(eco: Eco) -> &'static [&'static str] {
    match eco {
        Eco::PyPi => PYPI,
        Eco::Npm => NPM,
        Eco::Crates => CRATES,
    }
}

fn compromised(eco: Eco, name: &str, version: Option<&str>) -> bool {
    let n = normalise(eco, name);
    COMPROMISED.iter().any(|(e, bad, versions)| {
        *e == eco
            && *bad == n
            && match versions {
                None => true,
                Some(vs) => version.is_some_and(|v| vs.contains(&v)),
            }
    })
}

/// Reports suspect packages named in `doc`.
pub(crate) fn scan(doc: &Doc, ctx: &SkillContext, out: &mut Vec<Finding>) {
    if doc.origin.is_some() {
        return;
    }
    let mut mentions = Vec::new();
    let lower = doc.path.to_ascii_lowercase();
    let manifest = if lower == "package.json" || lower.ends_with("/package.json") {
        from_package_json(doc.text, &mut mentions);
        true
    } else if is_requirements(doc.path) {
        from_requirements(doc.text, &mut mentions);
        true
    } else if lower == "cargo.toml" || lower.ends_with("/cargo.toml") {
        from_cargo_patch(doc.text, &mut mentions);
        true
    } else {
        false
    };
    if !manifest && doc.role != Role::Data {
        from_install_lines(doc.text, &mut mentions);
    }
    let rule = rules::known(RuleId::T1SupSuspectPackage);
    let mut count = 0;
    for m in mentions {
        let (severity, confidence, what) = if compromised(m.eco, &m.name, m.version.as_deref()) {
            let release = m
                .version
                .as_deref()
                .map_or(String::new(), |v| format!("@{v}"));
            (
                Severity::Critical,
                Confidence::High,
                format!("{}{release} is a release known to carry malware.", m.name),
            )
        } else if m.fork && popular(m.eco).contains(&normalise(m.eco, &m.name).as_str()) {
            (
                rule.severity,
                rule.confidence,
                format!(
                    "The popular `{}` comes from a git repository or URL instead of the registry: a fork nobody reviewed.",
                    m.name
                ),
            )
        } else if let Some(real) = typosquat_of(m.eco, &m.name) {
            (
                rule.severity,
                rule.confidence,
                format!("`{}` is one typo away from the popular `{real}`.", m.name),
            )
        } else {
            continue;
        };
        // Declaring a dependency installs it: a manifest is not lowered as mere data.
        let adj = if manifest {
            let mut a = Adjust::default();
            if doc.example_path {
                a.add(1, 1, "in a test or example file");
            }
            a
        } else {
            adjust_for(rule, doc, ctx, m.offset).0
        };
        let line = doc.line_text(doc.line_index(m.offset));
        out.push(finding_with(
            rule,
            doc,
            m.offset,
            line,
            format!("{} {what}", rule.description),
            severity,
            confidence,
            adj,
        ));
        count += 1;
        if count >= 20 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_covers_typos_only() {
        assert!(one_edit(b"reqeusts", b"requests"));
        assert!(one_edit(b"colourama", b"colorama"));
        assert!(one_edit(b"lodahs", b"lodash"));
        assert!(one_edit(b"reqests", b"requests"));
        assert!(!one_edit(b"requests", b"requests"));
        assert!(!one_edit(b"rqeusets", b"requests"));
        assert!(!one_edit(b"", b"ab"));
    }

    #[test]
    fn typosquats_and_their_legitimate_neighbours() {
        assert_eq!(typosquat_of(Eco::PyPi, "reqeusts"), Some("requests"));
        assert_eq!(typosquat_of(Eco::Npm, "lodahs"), Some("lodash"));
        assert_eq!(typosquat_of(Eco::PyPi, "scapy"), None);
        assert_eq!(typosquat_of(Eco::PyPi, "Python_Dateutil"), None);
        assert_eq!(typosquat_of(Eco::Npm, "preact"), None);
        assert_eq!(typosquat_of(Eco::Npm, "@acme/lodahs"), None);
        assert_eq!(typosquat_of(Eco::Npm, "left-pad"), None);
    }

    #[test]
    fn specs_and_versions() {
        assert_eq!(
            split_spec(Eco::Npm, "@scope/pkg@1.2.3"),
            Some(("@scope/pkg".into(), Some("1.2.3".into())))
        );
        assert_eq!(
            split_spec(Eco::PyPi, "\"requests[socks]==2.31.0\""),
            Some(("requests".into(), None))
        );
        assert_eq!(
            split_spec(Eco::PyPi, "ultralytics==8.3.41"),
            Some(("ultralytics".into(), Some("8.3.41".into())))
        );
        assert_eq!(split_spec(Eco::PyPi, "./local/pkg"), None);
        // Non-ASCII first characters must not split inside a code point.
        assert_eq!(split_spec(Eco::Npm, "éé@1"), None);
        assert!(npm_fork("github:someone/lodash") && npm_fork("someone/lodash#main"));
        assert!(!npm_fork("^4.17.21") && !npm_fork("npm:lodash@4") && !npm_fork("workspace:*"));
        assert!(compromised(Eco::Npm, "event-stream", Some("3.3.6")));
        assert!(!compromised(Eco::Npm, "event-stream", Some("4.0.1")));
    }

    #[test]
    fn index_hosts() {
        assert_eq!(index_host("download.pytorch.org"), IndexHost::Known);
        assert_eq!(index_host("acme.jfrog.io"), IndexHost::Known);
        assert_eq!(
            index_host("npm.internal.acme.example"),
            IndexHost::Placeholder
        );
        assert_eq!(index_host("45.155.205.99"), IndexHost::RawIp);
        assert_eq!(index_host("10.0.0.5"), IndexHost::Internal);
        assert_eq!(index_host("pypi.acme-mirror.net"), IndexHost::Other);
    }
}
