//! What the engine knows about the outside world: which paths hold credentials, which
//! environment variable names are secrets, which hosts are exfiltration services, which
//! files are persistence points, and the source/sink/transform tables for library calls
//! (Python, Node) and shell commands.

/// Kind of credential store a path points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredClass {
    Ssh,
    Cloud,
    Browser,
    Keychain,
    Wallet,
    DotEnv,
    ShellHistory,
    KeyFile,
    System,
}

impl CredClass {
    pub fn describe(self) -> &'static str {
        match self {
            CredClass::Ssh => "SSH private keys",
            CredClass::Cloud => "cloud/CLI credentials",
            CredClass::Browser => "browser profile data (cookies, saved logins)",
            CredClass::Keychain => "the OS keychain",
            CredClass::Wallet => "cryptocurrency wallet files",
            CredClass::DotEnv => "a .env secrets file",
            CredClass::ShellHistory => "shell history",
            CredClass::KeyFile => "private key material",
            CredClass::System => "system password/sudo files",
        }
    }
}

/// Classifies a path string (possibly with unknown parts) as a credential location.
pub fn cred_path(path: &str) -> Option<CredClass> {
    let p = path.replace('\\', "/").to_ascii_lowercase();
    let p = p.as_str();
    let last = p.trim_end_matches('/').rsplit('/').next().unwrap_or(p);
    if last.ends_with(".pub") || last == "known_hosts" || last == "authorized_keys" {
        return None;
    }
    const SSH: &[&str] = &["id_rsa", "id_ed25519", "id_ecdsa", "id_dsa", "identity"];
    if SSH.iter().any(|k| last.starts_with(k)) && (p.contains(".ssh") || last.starts_with("id_")) {
        return Some(CredClass::Ssh);
    }
    if p.ends_with(".ssh") || p.ends_with(".ssh/") || p.contains(".ssh/*") {
        return Some(CredClass::Ssh);
    }
    const CLOUD: &[&str] = &[
        ".aws/credentials",
        ".aws/config",
        ".config/gcloud",
        "application_default_credentials.json",
        ".azure/",
        ".kube/config",
        ".docker/config.json",
        ".terraform.d/credentials",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".git-credentials",
        ".config/gh/hosts.yml",
        ".boto",
        ".s3cfg",
        ".vault-token",
        ".pgpass",
        ".my.cnf",
        ".config/op/",
        ".cargo/credentials",
        ".gem/credentials",
    ];
    if CLOUD.iter().any(|k| p.contains(k)) || p.ends_with(".aws") || p.ends_with(".aws/") {
        return Some(CredClass::Cloud);
    }
    const BROWSER: &[&str] = &[
        "google/chrome",
        "google-chrome",
        "chromium",
        "bravesoftware",
        "microsoft/edge",
        "microsoft edge",
        ".mozilla/firefox",
        "firefox/profiles",
        "login data",
        "/cookies",
        "local state",
        "key4.db",
        "logins.json",
        "cookies.sqlite",
        "web data",
        "opera software",
    ];
    if BROWSER.iter().any(|k| p.contains(k)) || last == "cookies" {
        return Some(CredClass::Browser);
    }
    const KEYCHAIN: &[&str] = &[
        "library/keychains",
        ".keychain",
        ".local/share/keyrings",
        "kwallet",
    ];
    if KEYCHAIN.iter().any(|k| p.contains(k)) {
        return Some(CredClass::Keychain);
    }
    const WALLET: &[&str] = &[
        "wallet.dat",
        ".electrum",
        "exodus/",
        ".ethereum/keystore",
        "nkbihfbeogaeaoehlefnkodbefgpgknn",
        "solana/id.json",
        "atomic/local storage",
    ];
    if WALLET.iter().any(|k| p.contains(k)) {
        return Some(CredClass::Wallet);
    }
    if last == ".env"
        || (last.starts_with(".env.")
            && !last.ends_with(".example")
            && !last.ends_with(".sample")
            && !last.ends_with(".template"))
    {
        return Some(CredClass::DotEnv);
    }
    if matches!(
        last,
        ".bash_history"
            | ".zsh_history"
            | ".python_history"
            | ".psql_history"
            | ".mysql_history"
            | "consolehost_history.txt"
    ) {
        return Some(CredClass::ShellHistory);
    }
    if p.contains(".gnupg")
        || last.ends_with(".p12")
        || last.ends_with(".pfx")
        || last == "private.pem"
        || last.ends_with("_private_key.pem")
        || last.ends_with(".keystore")
    {
        return Some(CredClass::KeyFile);
    }
    if matches!(
        p,
        "/etc/shadow" | "/etc/sudoers" | "/etc/gshadow" | "/etc/master.passwd"
    ) {
        return Some(CredClass::System);
    }
    None
}

/// The user's home (or all homes) as a whole, as opposed to one file in it.
pub fn is_home_listing_target(path: &str) -> bool {
    let p = path.trim().trim_end_matches(['*', '/']);
    // The user's own document folders (`~/Desktop`, `$HOME/Documents`…).
    let lower = p.replace('\\', "/").to_ascii_lowercase();
    let personal = [
        "/desktop",
        "/documents",
        "/downloads",
        "/pictures",
        "/photos",
    ]
    .iter()
    .any(|d| lower.ends_with(d))
        && lower.matches('/').count() <= 3
        && (lower.starts_with('~')
            || lower.starts_with("$home")
            || lower.starts_with("/users/")
            || lower.starts_with("/home/")
            || lower.starts_with(super::shell::HOLE));
    personal
        || matches!(
            p,
            "~" | "" | "/home" | "/Users" | "/root" | "$HOME" | "C:/Users" | "C:\\Users"
        ) && !path.trim().is_empty()
}

/// Secret-looking environment variable names.
pub fn is_secret_env(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    const PARTS: &[&str] = &[
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PASS",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
        "AUTH",
        "SESSION",
        "COOKIE",
        "_KEY",
        "KEY_",
        "PAT",
        "WEBHOOK",
    ];
    if n == "KEY" {
        return true;
    }
    PARTS.iter().any(|p| {
        if *p == "PAT" || *p == "PASS" {
            n.split('_').any(|w| w == *p)
        } else {
            n.contains(p)
        }
    }) && !matches!(
        n.as_str(),
        "PATH" | "PASSTHROUGH" | "KEYBOARD" | "AUTHOR" | "AUTHOR_NAME"
    )
}

/// Environment variables whose value is a location, not a secret (their string value is
/// useful for resolving paths).
pub fn env_value_hint(name: &str) -> Option<&'static str> {
    match name {
        "HOME" | "USERPROFILE" => Some("~"),
        "XDG_CONFIG_HOME" => Some("~/.config"),
        "APPDATA" => Some("~/AppData/Roaming"),
        "LOCALAPPDATA" => Some("~/AppData/Local"),
        "TMPDIR" | "TMP" | "TEMP" => Some("/tmp"),
        _ => None,
    }
}

/// Where a write lands, when the path says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteTarget {
    /// Shell start-up files, crontabs, authorized_keys, launch agents, systemd units…
    Persistence(&'static str),
    /// The user's home or a system directory outside the skill.
    Outside,
    /// Relative paths, temp dirs, /dev/null: nothing to report.
    Local,
}

pub fn write_target(path: &str) -> WriteTarget {
    let p = path.replace('\\', "/");
    let lower = p.to_ascii_lowercase();
    let last = lower.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    const RC: &[&str] = &[
        ".bashrc",
        ".bash_profile",
        ".bash_login",
        ".profile",
        ".zshrc",
        ".zprofile",
        ".zshenv",
        ".zlogin",
        ".kshrc",
        ".cshrc",
        ".tcshrc",
        "config.fish",
        ".xprofile",
        ".xinitrc",
    ];
    if RC.contains(&last) {
        return WriteTarget::Persistence("shell start-up file");
    }
    if last == "authorized_keys" || last == "authorized_keys2" {
        return WriteTarget::Persistence("SSH authorized_keys");
    }
    if lower.contains("/cron") || lower.starts_with("/var/spool/cron") || last == "crontab" {
        return WriteTarget::Persistence("cron schedule");
    }
    if lower.contains("launchagents") || lower.contains("launchdaemons") {
        return WriteTarget::Persistence("macOS launch agent");
    }
    if lower.contains("systemd/") && (last.ends_with(".service") || last.ends_with(".timer")) {
        return WriteTarget::Persistence("systemd unit");
    }
    if lower.contains("/autostart/")
        || lower.contains("/etc/rc.local")
        || lower.contains("/etc/profile")
        || lower.contains("/etc/init.d")
    {
        return WriteTarget::Persistence("system start-up script");
    }
    if lower.contains(".git/hooks/") {
        return WriteTarget::Persistence("git hook");
    }
    if lower.contains("/start menu/programs/startup") || lower.contains("currentversion/run") {
        return WriteTarget::Persistence("Windows start-up entry");
    }
    if lower.contains("sudoers")
        || lower == "/etc/passwd"
        || lower == "/etc/shadow"
        || lower.contains("/etc/ld.so.preload")
    {
        return WriteTarget::Persistence("system authentication file");
    }
    if p.starts_with("/tmp")
        || p.starts_with("/dev/")
        || p.starts_with("/var/tmp")
        || p.starts_with("/proc/self/fd")
    {
        return WriteTarget::Local;
    }
    if p.starts_with('~') || p.starts_with('/') || p.starts_with("$HOME") || lower.starts_with("c:")
    {
        return WriteTarget::Outside;
    }
    WriteTarget::Local
}

/// `/dev/tcp/host/port` or `/dev/udp/…`: bash's built-in sockets.
pub fn dev_socket_host(path: &str) -> Option<String> {
    let rest = path
        .strip_prefix("/dev/tcp/")
        .or_else(|| path.strip_prefix("/dev/udp/"))?;
    Some(rest.split('/').next().unwrap_or("").to_string())
}

/// Host part of a URL-ish string (`https://h:1/x`, `h:1`, `user@h:path`).
pub fn url_host(s: &str) -> Option<String> {
    let s = s.trim();
    let rest = if let Some(k) = s.find("://") {
        &s[k + 3..]
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut host = &rest[..end];
    if let Some(at) = host.rfind('@') {
        host = &host[at + 1..];
    }
    if host.starts_with('[') {
        host = host
            .split(']')
            .next()
            .unwrap_or(host)
            .trim_start_matches('[');
    } else if let Some(c) = host.rfind(':') {
        host = &host[..c];
    }
    if host.is_empty() || host.contains(super::shell::HOLE) {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

pub fn url_scheme(s: &str) -> Option<&str> {
    s.find("://").map(|k| &s[..k])
}

pub fn is_cloud_metadata(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("169.254.169.254")
        || l.contains("metadata.google.internal")
        || l.contains("100.100.100.200")
        || l.contains("fd00:ec2::254")
        || l.contains("169.254.170.2")
}

/// How a destination host looks for data carrying secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostClass {
    /// Paste sites, request bins, tunnels, chat webhooks, raw IPs: where stolen data goes.
    Exfil(&'static str),
    Loopback,
    Named,
}

pub fn host_class(host: &str) -> HostClass {
    let h = host.trim_end_matches('.');
    if h == "localhost" || h.starts_with("127.") || h == "::1" || h == "0.0.0.0" {
        return HostClass::Loopback;
    }
    if h.parse::<std::net::IpAddr>().is_ok() {
        return HostClass::Exfil("a raw IP address");
    }
    const EXFIL: &[(&str, &str)] = &[
        ("webhook.site", "a request-capture service"),
        ("requestbin", "a request-capture service"),
        ("pipedream.net", "a request-capture service"),
        ("beeceptor.com", "a request-capture service"),
        ("hookbin.com", "a request-capture service"),
        ("requestcatcher.com", "a request-capture service"),
        ("interact.sh", "an out-of-band interaction server"),
        ("oast.", "an out-of-band interaction server"),
        ("burpcollaborator.net", "an out-of-band interaction server"),
        ("canarytokens", "a canary/interaction service"),
        ("ngrok.io", "a tunnel"),
        ("ngrok-free.app", "a tunnel"),
        ("ngrok.app", "a tunnel"),
        ("trycloudflare.com", "a tunnel"),
        ("serveo.net", "a tunnel"),
        ("loca.lt", "a tunnel"),
        ("localtunnel.me", "a tunnel"),
        ("pastebin.com", "a paste site"),
        ("hastebin", "a paste site"),
        ("paste.ee", "a paste site"),
        ("termbin.com", "a paste site"),
        ("transfer.sh", "a file drop"),
        ("file.io", "a file drop"),
        ("0x0.st", "a file drop"),
        ("temp.sh", "a file drop"),
        ("discord.com", "a chat webhook"),
        ("discordapp.com", "a chat webhook"),
        ("api.telegram.org", "a chat bot API"),
        ("duckdns.org", "a dynamic-DNS host"),
        ("no-ip.", "a dynamic-DNS host"),
    ];
    for (pat, what) in EXFIL {
        if h == *pat
            || h.ends_with(&format!(".{pat}"))
            || (pat.ends_with('.') && h.contains(pat))
            || (!pat.contains('.') && h.contains(pat))
        {
            return HostClass::Exfil(what);
        }
    }
    HostClass::Named
}

/// Registrable-ish name of a host (`api.github.com` → `github`), for matching against an
/// env var name or the skill's own text.
pub fn host_brand(host: &str) -> Option<&str> {
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    if labels.len() < 2 {
        return labels.first().copied();
    }
    let n = labels.len();
    let generic_sld = matches!(labels[n - 2], "co" | "com" | "org" | "net" | "gov" | "ac");
    if generic_sld && n >= 3 {
        Some(labels[n - 3])
    } else {
        Some(labels[n - 2])
    }
}

/// Data transforms worth naming in a flow's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    Base64,
    Hex,
    Compress,
    Encrypt,
    Serialize,
    Decode,
    /// Sanitisers (see `vuln`): the data is made safe for one kind of use.
    ShellQuoted,
    Numeric,
    FileName,
    RegexEscaped,
    SqlEscaped,
}

impl Transform {
    /// Encodings and packing that hide data, as opposed to sanitisers.
    pub fn hides(self) -> bool {
        matches!(
            self,
            Transform::Base64
                | Transform::Hex
                | Transform::Compress
                | Transform::Encrypt
                | Transform::Serialize
                | Transform::Decode
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            Transform::Base64 => "base64-encoded",
            Transform::Hex => "hex-encoded",
            Transform::Compress => "compressed/archived",
            Transform::Encrypt => "encrypted",
            Transform::Serialize => "serialized",
            Transform::Decode => "decoded",
            Transform::ShellQuoted => "shell-quoted",
            Transform::Numeric => "converted to a number",
            Transform::FileName => "reduced to a file name",
            Transform::RegexEscaped => "regex-escaped",
            Transform::SqlEscaped => "SQL-escaped",
        }
    }
}

/// Library call transforms, by qualified name.
pub fn transform_of(q: &str) -> Option<Transform> {
    let last = q.rsplit('.').next().unwrap_or(q);
    Some(match q {
        _ if q.starts_with("base64.") && last.contains("decode") => Transform::Decode,
        _ if q.starts_with("base64.") && last.contains("encode") => Transform::Base64,
        "binascii.b2a_base64" => Transform::Base64,
        "binascii.hexlify" | "binascii.b2a_hex" => Transform::Hex,
        "binascii.unhexlify"
        | "binascii.a2b_hex"
        | "binascii.a2b_base64"
        | "bytes.fromhex"
        | "codecs.decode"
        | "atob"
        | "decodeURIComponent"
        | "decodeURI"
        | "unescape"
        | "urllib.parse.unquote" => Transform::Decode,
        "btoa" => Transform::Base64,
        _ if q.starts_with("zlib.")
            || q.starts_with("gzip.")
            || q.starts_with("bz2.")
            || q.starts_with("lzma.")
            || q.starts_with("zipfile.")
            || q.starts_with("tarfile.")
            || q.starts_with("shutil.make_archive") =>
        {
            Transform::Compress
        }
        _ if q.starts_with("cryptography.")
            || q.starts_with("Crypto.")
            || q.starts_with("Cryptodome.")
            || q.starts_with("nacl.")
            || q.starts_with("crypto.createCipher")
            || q.starts_with("crypto.publicEncrypt") =>
        {
            Transform::Encrypt
        }
        "json.dumps"
        | "json.dump"
        | "pickle.dumps"
        | "marshal.dumps"
        | "JSON.stringify"
        | "yaml.dump"
        | "yaml.safe_dump"
        | "urllib.parse.urlencode"
        | "querystring.stringify" => Transform::Serialize,
        _ if q.starts_with("zlib") => Transform::Compress,
        _ => return None,
    })
}

/// What a qualified library call does to the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Sends data: every argument is payload; `url_arg` names the destination.
    Net,
    /// Creates a client/socket object whose methods send.
    NetClient,
    /// Runs a command: shell string or argv list in the first argument.
    ExecShell,
    ExecArgv,
    /// Evaluates code in the script's own language.
    Eval,
    /// Writes its second argument (or content) to the path in the first.
    WriteFile,
    /// Opens a file: mode decides read or write.
    Open,
    /// Copies/moves first path to second.
    CopyFile,
    /// Reads a file named by the first argument.
    ReadFile,
    /// Lists a directory.
    ListDir,
    EnvGet,
    HostInfo,
    Clipboard,
    Keychain,
    /// Prints to stdout.
    Output,
    /// Pure path arithmetic / existence checks: keeps the path string, is no read.
    PathPure,
    /// Loads a .env file into the environment (config, like reading a secret env var).
    DotEnvLoad,
}

/// Classifies a fully qualified callee (`subprocess.run`, `child_process.exec`,
/// `requests.Session().post`). Instances are marked with `()`.
pub fn call_kind(q: &str) -> Option<CallKind> {
    use CallKind::*;
    let last = q.rsplit('.').next().unwrap_or(q);
    let k = match q {
        // Python networking.
        _ if q.starts_with("requests.")
            && matches!(
                last,
                "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "request"
            ) =>
        {
            Net
        }
        _ if (q.starts_with("requests.Session()") || q.starts_with("requests.session()"))
            && matches!(
                last,
                "get" | "post" | "put" | "patch" | "delete" | "head" | "request" | "send"
            ) =>
        {
            Net
        }
        "requests.Session"
        | "requests.session"
        | "httpx.Client"
        | "httpx.AsyncClient"
        | "aiohttp.ClientSession"
        | "urllib3.PoolManager"
        | "http.client.HTTPConnection"
        | "http.client.HTTPSConnection"
        | "socket.socket"
        | "smtplib.SMTP"
        | "smtplib.SMTP_SSL"
        | "ftplib.FTP"
        | "ftplib.FTP_TLS"
        | "telnetlib.Telnet"
        | "xmlrpc.client.ServerProxy"
        | "paramiko.SSHClient"
        | "websocket.WebSocket"
        | "net.Socket"
        | "XMLHttpRequest"
        | "WebSocket"
        | "ws"
        | "dgram.createSocket" => NetClient,
        _ if q.starts_with("httpx.")
            && matches!(
                last,
                "get" | "post" | "put" | "patch" | "delete" | "request" | "stream"
            ) =>
        {
            Net
        }
        _ if (q.starts_with("httpx.Client()")
            || q.starts_with("httpx.AsyncClient()")
            || q.starts_with("aiohttp.ClientSession()")
            || q.starts_with("urllib3.PoolManager()"))
            && matches!(
                last,
                "get" | "post" | "put" | "patch" | "delete" | "request" | "stream" | "ws_connect"
            ) =>
        {
            Net
        }
        "urllib.request.urlopen"
        | "urllib.request.urlretrieve"
        | "urllib.urlopen"
        | "urllib2.urlopen"
        | "socket.create_connection"
        | "websocket.create_connection"
        | "websockets.connect"
        | "socket.gethostbyname"
        | "socket.getaddrinfo"
        | "dns.resolver.resolve"
        | "dns.resolver.query"
        | "urllib.request.OpenerDirector().open"
        | "urllib.request.build_opener().open" => Net,
        "urllib.request.Request" | "urllib2.Request" | "requests.Request" | "Request" => NetClient,
        _ if q.starts_with("http.client.HTTP")
            && matches!(last, "request" | "putrequest" | "send" | "endheaders") =>
        {
            Net
        }
        _ if q.starts_with("socket.socket()")
            && matches!(
                last,
                "connect" | "connect_ex" | "send" | "sendall" | "sendto" | "recv" | "recvfrom"
            ) =>
        {
            Net
        }
        _ if q.starts_with("smtplib.SMTP") && matches!(last, "sendmail" | "send_message") => Net,
        _ if q.starts_with("ftplib.FTP") && matches!(last, "storbinary" | "storlines") => Net,
        _ if q.starts_with("paramiko.SSHClient()")
            && matches!(last, "connect" | "exec_command") =>
        {
            Net
        }
        _ if q.starts_with("telnetlib.Telnet()") && last == "write" => Net,
        _ if q.starts_with("xmlrpc.client.ServerProxy()") => Net,
        // Node networking.
        "fetch"
        | "node-fetch"
        | "node-fetch.default"
        | "axios"
        | "axios.default"
        | "got"
        | "superagent"
        | "request"
        | "needle"
        | "undici.fetch"
        | "undici.request"
        | "navigator.sendBeacon"
        | "net.connect"
        | "net.createConnection"
        | "tls.connect"
        | "dns.lookup"
        | "dns.resolve"
        | "dns.promises.resolve"
        | "dns.resolve4"
        | "cross-fetch"
        | "isomorphic-fetch" => Net,
        _ if (q.starts_with("axios.")
            || q.starts_with("got.")
            || q.starts_with("superagent.")
            || q.starts_with("needle."))
            && matches!(
                last,
                "get" | "post" | "put" | "patch" | "delete" | "request" | "head"
            ) =>
        {
            Net
        }
        _ if (q.starts_with("axios.create()"))
            && matches!(
                last,
                "get" | "post" | "put" | "patch" | "delete" | "request"
            ) =>
        {
            Net
        }
        "http.request" | "https.request" | "http.get" | "https.get" | "http2.connect" => Net,
        _ if (q.starts_with("net.Socket()")
            || q.starts_with("net.connect()")
            || q.starts_with("net.createConnection()")
            || q.starts_with("tls.connect()"))
            && matches!(last, "connect" | "write" | "end") =>
        {
            Net
        }
        _ if (q.starts_with("http.request()") || q.starts_with("https.request()"))
            && matches!(last, "write" | "end") =>
        {
            Net
        }
        _ if q.starts_with("XMLHttpRequest()") && matches!(last, "open" | "send") => Net,
        _ if (q.starts_with("WebSocket()") || q.starts_with("ws()")) && last == "send" => Net,
        _ if q.starts_with("dgram.createSocket()") && last == "send" => Net,
        // Process execution.
        "os.system"
        | "os.popen"
        | "subprocess.getoutput"
        | "subprocess.getstatusoutput"
        | "commands.getoutput"
        | "child_process.exec"
        | "child_process.execSync"
        | "pty.spawn"
        | "shelljs.exec"
        | "execa.command"
        | "execa.commandSync"
        | "Deno.run" => ExecShell,
        _ if q.starts_with("subprocess.")
            && matches!(
                last,
                "run" | "call" | "check_call" | "check_output" | "Popen"
            ) =>
        {
            ExecArgv
        }
        _ if q.starts_with("os.exec")
            || q.starts_with("os.spawn")
            || q.starts_with("os.posix_spawn") =>
        {
            ExecArgv
        }
        "child_process.spawn"
        | "child_process.spawnSync"
        | "child_process.execFile"
        | "child_process.execFileSync"
        | "child_process.fork"
        | "execa"
        | "execa.default"
        | "execa.sync"
        | "cross-spawn"
        | "Bun.spawn"
        | "Bun.spawnSync"
        | "asyncio.create_subprocess_exec" => ExecArgv,
        "asyncio.create_subprocess_shell" => ExecShell,
        "eval"
        | "exec"
        | "compile"
        | "execfile"
        | "runpy.run_path"
        | "runpy.run_module"
        | "Function"
        | "vm.runInNewContext"
        | "vm.runInThisContext"
        | "vm.runInContext"
        | "vm.Script"
        | "vm.compileFunction"
        | "setTimeout.string" => Eval,
        // Files.
        "open" | "io.open" | "codecs.open" | "os.open" | "pathlib.Path().open" => Open,
        "pathlib.Path().write_text"
        | "pathlib.Path().write_bytes"
        | "open().write"
        | "open().writelines" => WriteFile,
        "fs.writeFileSync"
        | "fs.writeFile"
        | "fs.appendFileSync"
        | "fs.appendFile"
        | "fs.promises.writeFile"
        | "fs.promises.appendFile"
        | "fs.createWriteStream"
        | "fs-extra.outputFile"
        | "fs-extra.writeFile"
        | "fs-extra.outputFileSync"
        | "Bun.write"
        | "Deno.writeTextFile" => WriteFile,
        "shutil.copy"
        | "shutil.copy2"
        | "shutil.copyfile"
        | "shutil.copytree"
        | "shutil.move"
        | "os.rename"
        | "os.replace"
        | "os.symlink"
        | "os.link"
        | "fs.copyFileSync"
        | "fs.copyFile"
        | "fs.renameSync"
        | "fs.rename"
        | "fs.symlinkSync"
        | "fs.promises.copyFile"
        | "fs.cpSync" => CopyFile,
        "pathlib.Path().read_text"
        | "pathlib.Path().read_bytes"
        | "fs.readFileSync"
        | "fs.readFile"
        | "fs.promises.readFile"
        | "fs.createReadStream"
        | "sqlite3.connect"
        | "configparser.ConfigParser().read"
        | "configparser.RawConfigParser().read"
        | "configparser.SafeConfigParser().read"
        | "configparser.ConfigParser().read_file"
        | "configparser.RawConfigParser().read_file"
        | "Deno.readTextFile"
        | "Bun.file" => ReadFile,
        "os.listdir"
        | "os.scandir"
        | "os.walk"
        | "glob.glob"
        | "glob.iglob"
        | "pathlib.Path().iterdir"
        | "pathlib.Path().glob"
        | "pathlib.Path().rglob"
        | "fs.readdirSync"
        | "fs.readdir"
        | "fs.promises.readdir"
        | "glob.sync"
        | "fast-glob"
        | "fast-glob.sync"
        | "globby" => ListDir,
        "os.getenv"
        | "os.environ.get"
        | "os.environ.__getitem__"
        | "os.environ.setdefault"
        | "os.environ.pop"
        | "os.getenvb" => EnvGet,
        "getpass.getuser"
        | "socket.gethostname"
        | "platform.node"
        | "platform.uname"
        | "platform.platform"
        | "os.uname"
        | "uuid.getnode"
        | "os.getlogin"
        | "os.hostname"
        | "os.userInfo"
        | "os.networkInterfaces"
        | "os.platform" => HostInfo,
        "pyperclip.paste"
        | "clipboard.paste"
        | "clipboardy.read"
        | "clipboardy.readSync"
        | "tkinter.Tk().clipboard_get" => Clipboard,
        "keyring.get_password"
        | "keyring.get_credential"
        | "keytar.getPassword"
        | "keytar.findCredentials"
        | "browser_cookie3.load"
        | "browser_cookie3.chrome"
        | "browser_cookie3.firefox" => Keychain,
        "dotenv.load_dotenv"
        | "dotenv.dotenv_values"
        | "dotenv.config"
        | "dotenv.default.config" => DotEnvLoad,
        "print"
        | "sys.stdout.write"
        | "sys.stdout.buffer.write"
        | "console.log"
        | "console.info"
        | "process.stdout.write"
        | "pprint.pprint"
        | "json.dump.stdout" => Output,
        _ if q.starts_with("os.path.") || q.starts_with("posixpath.") || q.starts_with("path.") => {
            PathPure
        }
        "pathlib.Path"
        | "pathlib.PurePath"
        | "pathlib.PosixPath"
        | "pathlib.Path().joinpath"
        | "pathlib.Path().expanduser"
        | "pathlib.Path().resolve"
        | "pathlib.Path().absolute"
        | "pathlib.Path().exists"
        | "pathlib.Path().is_file"
        | "pathlib.Path().is_dir"
        | "pathlib.Path().mkdir"
        | "pathlib.Path().stat"
        | "pathlib.Path().with_suffix"
        | "pathlib.Path().with_name"
        | "os.makedirs"
        | "os.mkdir"
        | "os.chmod"
        | "os.stat"
        | "os.access"
        | "fs.existsSync"
        | "fs.mkdirSync"
        | "fs.statSync"
        | "fs.chmodSync"
        | "fs.accessSync"
        | "fs.lstatSync"
        | "os.remove"
        | "os.unlink"
        | "fs.unlinkSync"
        | "str"
        | "String"
        | "len"
        | "pathlib.Path.home"
        | "pathlib.Path.cwd"
        | "os.homedir"
        | "os.path.expanduser"
        | "os.getcwd"
        | "process.cwd" => PathPure,
        _ => return None,
    };
    Some(k)
}

/// Shell commands, by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    /// Network client: curl, wget, nc…
    Net,
    /// Network only when data flows into it (DNS lookups: exfiltration by query name).
    NetIfTainted,
    /// Prints the environment.
    EnvDump,
    /// Lists directories.
    List,
    Clipboard,
    HostInfo,
    Keychain,
    /// Prints a credential from a CLI's store (`gh auth token`).
    CredTool,
    /// Runs a program from its arguments (`sudo`, `env`, `nohup`, `timeout`…).
    Wrapper,
    /// Runs a shell or interpreter: `-c`/`-e` string, script file, or stdin.
    Interpreter,
    Eval,
    /// Reads `source` / `.` another script into this shell.
    Source,
    /// Copies files: last argument is the destination.
    Copy,
    /// Writes stdin to the files in its arguments.
    Tee,
    Crontab,
    /// Registers a service/agent to run at start-up.
    ServiceInstall,
    Output,
    Transform(Transform),
    /// Commands that only look at paths (mkdir, chmod, test) — never a read.
    PathOnly,
}

pub fn command_kind(cmd: &str, args: &[Option<String>]) -> Option<CommandKind> {
    use CommandKind::*;
    let first = args.first().and_then(|a| a.as_deref()).unwrap_or("");
    let has = |flag: &str| args.iter().any(|a| a.as_deref() == Some(flag));
    Some(match cmd {
        "curl" | "wget" | "nc" | "ncat" | "netcat" | "socat" | "telnet" | "ssh" | "scp"
        | "sftp" | "ftp" | "http" | "https" | "xh" | "aria2c" | "lftp" | "tftp" | "smbclient" => {
            Net
        }
        "rsync"
            if args
                .iter()
                .any(|a| a.as_deref().is_some_and(|s| s.contains(':'))) =>
        {
            Net
        }
        "openssl" if first == "s_client" => Net,
        "dig" | "nslookup" | "host" | "ping" | "drill" => NetIfTainted,
        "env" | "printenv"
            if args
                .iter()
                .all(|a| a.as_deref().is_some_and(|s| s.starts_with('-'))) =>
        {
            EnvDump
        }
        "env" => Wrapper,
        "printenv" => Output,
        "set" | "export" | "declare" | "typeset" | "compgen"
            if args.is_empty() || has("-p") || has("-x") || has("-v") =>
        {
            EnvDump
        }
        "ls" | "find" | "tree" | "du" | "locate" | "fd" | "dir" => List,
        "pbpaste" | "wl-paste" | "xsel" => Clipboard,
        "xclip" if has("-o") || has("-out") => Clipboard,
        "hostname" | "whoami" | "id" | "uname" | "ifconfig" | "sw_vers" | "system_profiler"
        | "hostnamectl" => HostInfo,
        "ip" if matches!(first, "a" | "addr" | "address") => HostInfo,
        "security"
            if first.starts_with("find-") || first == "dump-keychain" || first == "export" =>
        {
            Keychain
        }
        "gh" if first == "auth" && has("token") => CredTool,
        "aws"
            if (first == "configure" && has("get"))
                || (first == "sts"
                    && args
                        .iter()
                        .any(|a| a.as_deref().is_some_and(|s| s.contains("token"))))
                || first == "ecr" =>
        {
            CredTool
        }
        "gcloud"
            if args.iter().any(|a| {
                a.as_deref()
                    .is_some_and(|s| s.contains("access-token") || s.contains("identity-token"))
            }) =>
        {
            CredTool
        }
        "az" if has("get-access-token") => CredTool,
        "op" if first == "read" || first == "item" => CredTool,
        "pass" | "gopass" if first == "show" || args.len() == 1 => CredTool,
        "vault" if matches!(first, "read" | "kv") => CredTool,
        "git"
            if first == "credential"
                || (first == "config"
                    && args.iter().any(|a| {
                        a.as_deref()
                            .is_some_and(|s| s.contains("credential") || s.contains("token"))
                    })) =>
        {
            CredTool
        }
        "sudo" | "doas" | "nohup" | "timeout" | "nice" | "exec" | "command" | "builtin"
        | "time" | "stdbuf" | "setsid" | "xargs" | "watch" | "caffeinate" | "chronic"
        | "unbuffer" | "ionice" | "strace" | "uv" | "uvx" | "poetry" | "pipenv" | "npx"
        | "bunx" => Wrapper,
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "fish" | "python" | "python2" | "python3"
        | "node" | "nodejs" | "deno" | "bun" | "perl" | "ruby" | "php" | "tsx" | "ts-node"
        | "pwsh" | "powershell" | "osascript" => Interpreter,
        _ if cmd.starts_with("python3.") => Interpreter,
        "eval" => Eval,
        "source" | "." => Source,
        "cp" | "mv" | "install" | "ln" => Copy,
        "tee" => Tee,
        "crontab" if !has("-l") || args.len() > 1 => Crontab,
        "launchctl" if matches!(first, "load" | "bootstrap" | "submit" | "enable") => {
            ServiceInstall
        }
        "systemctl" if has("enable") => ServiceInstall,
        "at" | "schtasks" | "update-rc.d" | "chkconfig" => ServiceInstall,
        "echo" | "printf" | "cat" | "head" | "tail" | "less" | "more" | "strings" => Output,
        "base64" | "base32" | "basenc" if has("-d") || has("--decode") || has("-D") => {
            Transform(super::catalog::Transform::Decode)
        }
        "base64" | "base32" | "basenc" | "uuencode" => Transform(super::catalog::Transform::Base64),
        "xxd" | "od" | "hexdump" if has("-r") => Transform(super::catalog::Transform::Decode),
        // `echo 'hs | moc.x//:sptth lruc' | rev`: reversed text is hidden text.
        "rev" => Transform(super::catalog::Transform::Decode),
        "tr" if args.len() >= 2
            && super::engine::tr_cipher(
                args[args.len() - 2].as_deref().unwrap_or(""),
                args[args.len() - 1].as_deref().unwrap_or(""),
            )
            .is_some() =>
        {
            Transform(super::catalog::Transform::Decode)
        }
        "xxd" | "od" | "hexdump" => Transform(super::catalog::Transform::Hex),
        "gzip" | "bzip2" | "xz" | "zstd" | "zip" | "tar" | "7z" | "lz4" | "compress" => {
            Transform(super::catalog::Transform::Compress)
        }
        "gpg" | "age" => Transform(super::catalog::Transform::Encrypt),
        "openssl"
            if first == "enc" || first == "rsautl" || first == "pkeyutl" || first == "smime" =>
        {
            Transform(super::catalog::Transform::Encrypt)
        }
        "openssl" if first == "base64" => Transform(super::catalog::Transform::Base64),
        "mkdir" | "chmod" | "chown" | "test" | "[" | "[[" | "rm" | "rmdir" | "touch" | "stat"
        | "file" | "realpath" | "readlink" | "dirname" | "basename" | "cd" | "pushd" | "popd"
        | "wc" | "md5sum" | "sha256sum" | "shasum" | "sha1sum" => PathOnly,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cred_paths() {
        assert_eq!(cred_path("~/.ssh/id_rsa"), Some(CredClass::Ssh));
        assert_eq!(cred_path("/home/u/.ssh/id_ed25519"), Some(CredClass::Ssh));
        assert_eq!(cred_path("~/.ssh/id_rsa.pub"), None);
        assert_eq!(cred_path("~/.aws/credentials"), Some(CredClass::Cloud));
        assert_eq!(cred_path(".env"), Some(CredClass::DotEnv));
        assert_eq!(cred_path(".env.example"), None);
        assert_eq!(cred_path("src/environment.py"), None);
        assert_eq!(
            cred_path("~/Library/Application Support/Google/Chrome/Default/Login Data"),
            Some(CredClass::Browser)
        );
        assert_eq!(cred_path("report.json"), None);
    }

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://api.github.com/repos/x").as_deref(),
            Some("api.github.com")
        );
        assert_eq!(
            url_host("http://user@10.0.0.1:8080/x").as_deref(),
            Some("10.0.0.1")
        );
        assert!(matches!(host_class("webhook.site"), HostClass::Exfil(_)));
        assert!(matches!(
            host_class("x.ngrok-free.app"),
            HostClass::Exfil(_)
        ));
        assert!(matches!(host_class("45.9.1.2"), HostClass::Exfil(_)));
        assert_eq!(host_class("api.github.com"), HostClass::Named);
        assert_eq!(host_brand("api.github.com"), Some("github"));
        assert_eq!(host_brand("www.bbc.co.uk"), Some("bbc"));
    }

    #[test]
    fn secrets_and_writes() {
        assert!(is_secret_env("GITHUB_TOKEN"));
        assert!(is_secret_env("OPENAI_API_KEY"));
        assert!(!is_secret_env("PATH"));
        assert!(!is_secret_env("HOME"));
        assert!(matches!(
            write_target("~/.bashrc"),
            WriteTarget::Persistence(_)
        ));
        assert!(matches!(
            write_target("/home/u/.ssh/authorized_keys"),
            WriteTarget::Persistence(_)
        ));
        assert_eq!(write_target("out/report.md"), WriteTarget::Local);
        assert_eq!(write_target("/tmp/x"), WriteTarget::Local);
        assert_eq!(write_target("~/notes.txt"), WriteTarget::Outside);
    }
}
