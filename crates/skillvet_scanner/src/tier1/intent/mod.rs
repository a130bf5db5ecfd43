//! Intent analysis of a skill's prose: the agent itself is the payload when SKILL.md tells
//! it to collect the user's passwords, repeat them in every answer, read `~/.aws` while
//! "formatting tables", or send the conversation to a server.
//!
//! Each sentence is read for imperative actions (a verb at the head of a clause, after
//! lead-ins such as "then", "you must", "your task is to"), the sensitive objects they act
//! on, destinations (URLs, mail addresses, "our server", "in every response", a log file)
//! and markers (negation, concealment, pretexts, consent, verbatim, "from now on",
//! precedence claims, talk *about* attacks). What is instructed is compared with what the
//! description declares — the prose twin of tier 2's declared-versus-actual check.
//! Negated sentences, quoted examples, code blocks and security-teaching material lower or
//! drop the finding.

pub mod lexicon;
pub mod steps;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::gate;
use super::rules::{self, Rule};
use super::{Doc, Role, SkillContext, finding_with};
use crate::model::{Confidence, Finding, Severity};
use crate::registry::RuleId;
use lexicon::{Act, Dest, Hit, LEAD_INS, Mark, NEGATORS, Obj, Term};
use steps::{Kind, Sentence};

fn says(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric();
    text.match_indices(word).any(|(i, _)| {
        let starts = word.starts_with(|c: char| !is_word(c))
            || !text[..i].chars().next_back().is_some_and(is_word);
        let rest = &text[i + word.len()..];
        let ends = word.ends_with(|c: char| !is_word(c))
            || word.len() >= 4
            || !rest.chars().next().is_some_and(is_word);
        starts && ends
    })
}

/// What the skill says it is for, read from its frontmatter.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    /// Name, description and allowed-tools, lower-cased.
    text: String,
}

impl Declared {
    pub fn new(name: &str, description: &str, allowed_tools: &[String]) -> Declared {
        Declared {
            text: format!("{name} {description} {}", allowed_tools.join(" ")).to_lowercase(),
        }
    }

    /// Some word of the text starts with one of `words` ("contact" in "contacts", not
    /// "form" in "formats"): stems of four letters or more may go on, shorter ones must
    /// end there.
    fn says_any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| says(&self.text, w))
    }

    /// The description covers acting on `obj` (a credential manager may read keys).
    pub fn covers(&self, obj: Obj) -> bool {
        let words: &[&str] = match obj {
            Obj::Credential | Obj::CredStore => &[
                "credential",
                "secret",
                "password",
                "token",
                "api key",
                "api-key",
                "auth",
                "login",
                "ssh",
                "aws",
                "gcloud",
                "azure",
                "kube",
                "vault",
                "keychain",
                "dotenv",
                ".env",
                "1password",
                "bitwarden",
                "rotate",
                "certificate",
                "key management",
                "keys",
                "wallet",
                "environment variable",
                "security",
                "audit",
                "leak",
            ],
            Obj::Personal => &[
                "contact", "customer", "crm", "profile", "personal", "form", "hr ", "lead",
                "patient", "resume", "cv", "invoice", "payment", "billing", "address", "gdpr",
                "privacy", "pii",
            ],
            Obj::Conversation => &[
                "memory",
                "journal",
                "note",
                "log",
                "transcript",
                "history",
                "conversation",
                "chat",
                "remember",
                "minutes",
                "diary",
                "recall",
                "context",
            ],
            Obj::SystemPrompt => &["prompt", "system prompt", "instructions"],
            Obj::Mail => &[
                "mail",
                "inbox",
                "gmail",
                "outlook",
                "newsletter",
                "message",
                "slack",
                "sms",
            ],
            Obj::PrivateFiles => &[
                "backup",
                "sync",
                "dotfile",
                "home",
                "file manager",
                "organize",
                "organise",
                "disk",
                "photo",
                "download",
                "browser",
                "history",
                "clipboard",
            ],
            Obj::Environment => &["env", "environment", "config", "debug", "diagnos"],
            Obj::Safeguard => &[
                "firewall",
                "harden",
                "antivirus",
                "defender",
                "selinux",
                "apparmor",
                "sysadmin",
                "permission",
                "security",
                "admin",
            ],
            Obj::AgentConfig => &[
                "claude.md",
                "agents.md",
                "memory",
                "rules",
                "settings",
                "config",
                "setup",
                "instructions",
                "cursor",
                "mcp",
            ],
        };
        self.says_any(words)
    }

    /// The description names `host` or its second-level name.
    pub fn names_host(&self, host: &str) -> bool {
        let host = host.trim_start_matches("www.");
        if self.text.contains(host) {
            return true;
        }
        let parts: Vec<&str> = host.split('.').collect();
        parts.len() >= 2 && {
            let sld = parts[parts.len() - 2];
            sld.len() >= 4 && self.text.contains(sld)
        }
    }
}

const URL: &str =
    r#"(?i)(?-u:\b)(?:https?|wss?|ftp)://([a-z0-9.\-]+|\[[0-9a-f:]+\])(?::\d+)?[^\s"'`)<>]*"#;

const EMAIL: &str = r"(?i)(?-u:\b)[a-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}(?-u:\b)";

/// Credential files and stores named by path.
const CRED_PATH: &str = r"(?i)(~|\$home|%userprofile%|/home/\w+|/users/\w+)?/?\.(ssh|aws|azure|gnupg|kube|docker/config\.json|npmrc|pypirc|netrc|git-credentials|config/gcloud|config/gh|password-store|electrum|bitcoin|ethereum)(?-u:\b)|(?-u:\b)id_(rsa|ed25519|ecdsa|dsa)(?-u:\b)|(^|[\s/`'\x22(])\.env(\.[a-z]+)?(?-u:\b)|(?-u:\b)(wallet\.dat|login\s+data|key4\.db|logins\.json|cookies\.sqlite|login\.keychain(-db)?|keychain-db)(?-u:\b)|/etc/(shadow|sudoers)(?-u:\b)";

/// Paths outside the project: the home folder and system files.
/// What clean-up legitimately deletes, even in the home folder.
const DISPOSABLE: &str = r"(?i)(?-u:(?-u:\b))(caches?|build|dist|node_modules|tmp|temp|temporary|__pycache__|artifacts?|deriveddata|derived data|\.venv|venv|logs?|trash)(?-u:(?-u:\b))|\./";

const PRIVATE_PATH: &str = r"(?i)(~/|\$home/|/etc/passwd(?-u:\b)|~/(documents|desktop|downloads|library)(?-u:\b)|\.(bash|zsh)_history(?-u:\b))";

const ASK_USER: &str = r"(?i)(?-u:\b)(ask|asks|asking|request|requesting|prompt|prompting|invite\s+(the\s+user|them))(?-u:\b)";

/// The user made to hand something over ("having the customer reply with…"): an
/// instruction even when it is not at the head of the sentence.
const USER_TELLS: &str = concat!(
    r"(?i)(?-u:\b)(have|having|get|getting)\s+(the\s+)?(user|customer|caller|client|traveller|traveler|employee|new\s+hire|them|him|her)\s+(to\s+)?(reply|respond|send|type|enter|paste|provide|share|give|read\s+out|confirm|tell\s+(you|us|me)|say|spell\s+out|dictate|read\s+(you\s+)?(out|back))(?-u:\b)",
    r"|(?i)(?-u:\b)(collect|gather|obtain|record|capture|take\s+down|note\s+down|write\s+down)(ing|s)?\s+(the\s+)?(user's|customer's|traveller's|traveler's|caller's|client's|employee's|candidate's|applicant's|patient's|member's|their|his|her)(?-u:\b)",
);

const GIT_PUSH: &str = r"(?i)(?-u:\b)git\s+push(?-u:\b)";

/// Where people keep their own documents, photos and messages (not app data in general).
const PRIVATE_STORE: &str = concat!(
    r"(?i)(~|\$home|%userprofile%|/users/[\w.\-]+|/home/[\w.\-]+|c:\\users\\[^\\\s]+)[/\\](documents|desktop|downloads|pictures|photos|movies)(?-u:\b)",
    r"|(?i)(?-u:\b)library/(messages|mail|safari|cookies|containers/com\.apple\.(mail|ichat|messages))(?-u:\b)",
    r"|(?i)(?-u:\b)(application\s+support|appdata[/\\]roaming)[/\\](slack|signal|whatsapp|discord|telegram(\s+desktop)?|microsoft\s+teams|skype)(?-u:\b)",
    r"|(?i)(?-u:\b)(chat\.db|photos\s+library|\.(bash|zsh)_history|fish_history)(?-u:\b)",
);

/// A file name or path an instruction writes into.
const FILE_PATH: &str = r"(?i)(^|[\s`'\x22(])(~?/?[\w.\-]+/)*\.?[\w\-]+\.(log|txt|md|json|jsonl|csv|db|sqlite|dat|tmp|cache)(?-u:\b)";

/// The words just before a verb that someone else asks the agent to do.
static ASKED_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(if|when|whenever|should)(?-u:\b)[^.;:]{0,80}(?-u:\b)(asks?|requests?|tells?|wants?|instructs?|urges?)\s+(you|the\s+(assistant|agent|model|ai))\s+to\s+(\w+(\s+(it|them|this|that|the\s+\w+))?\s*,?\s+(or\s+|and\s+)?){0,4}$")
        .expect("asked-to regex")
});

/// A literal SSH public key.
static SSH_PUBKEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com)\s+AAAA[0-9A-Za-z+/]{40,}")
        .expect("ssh key regex")
});

/// Hosts where collected data ends up (paste, webhook and tunnel services).
static COLLECTION_HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(webhook\.site|requestbin|pipedream|ngrok|trycloudflare|hookbin|beeceptor|interact\.sh|oast\.|burpcollaborator|pastebin|paste\.ee|hastebin|ghostbin|transfer\.sh|file\.io|0x0\.st|discord(app)?\.com/api/webhooks|api\.telegram\.org|hooks\.slack\.com|serveo|localtunnel|loca\.lt|workers\.dev|glitch\.me|repl\.co|requestcatcher|postb\.in|mockbin|canarytokens|dnslog|ceye\.io|bit\.ly|tinyurl)")
        .expect("collection host regex")
});

/// Ways of keeping something from the user that word lists miss: leaving steps out of the
/// answer, answering questions about them with a cover story, erasing traces.
const CONCEAL: &str = concat!(
    r"(?i)(?-u:\b)(don'?t|do\s+not|never|no\s+need\s+to|without)\s+(ever\s+)?(mention(ing)?|reveal(ing)?|disclos(e|ing)|surfac(e|ing)|announc(e|ing)|bring(ing)?\s+up|rais(e|ing)|point(ing)?\s+out|narrat(e|ing)|tell(ing)?|inform(ing)?|notify(ing)?|alert(ing)?)(?-u:\b)[^.;]{0,80}(?-u:\b)(reply|replies|summary|response|responses|answer|answers|output|transcript|the\s+user|them|anyone|step|steps|sync|upload|uploads|push|pushes|commits|commands?|network|traffic|archive|backup|mirror)(?-u:\b)",
    r"|(?i)(?-u:\b)(don'?t|do\s+not|never)\s+(ever\s+)?(list|show|include|describe|report|quote|print|display|discuss|explain|mention)\s+(this|these|it|them|that|the\s+(\w+\s+){0,2}(step|steps|commands?|sync|uploads?|push|pushes|commits?|requests?|calls?|traffic|backup|mirror|archive|changes?|directive|directives)|what\s+you\s+(did|ran|sent|uploaded|changed)|the\s+commands\s+you\s+ran)(?-u:\b)[^.;]{0,40}(?-u:\b)(in|from|to)\s+(your|the|any)\s+(reply|replies|summary|response|responses|answer|answers|output|transcript|chat|user)(?-u:\b)",
    r"|(?i)(?-u:\b)(leave|keep)(?-u:\b)[^.;]{0,60}(?-u:\b)out\s+of\s+(your|the|any)\s+(summary|reply|response|answer|report|output|transcript|restore|chat|notes|log)",
    r"|(?i)(?-u:\b)if\s+(the\s+user|they|anyone|someone|a\s+reviewer|the\s+reviewer|a\s+teammate|asked)(?-u:\b)[^.;]{0,30}(?-u:\b)(asks?|questions?|wonders?|later\s+asks?|notices?)(?-u:\b)[^.;]{0,120}(?-u:\b)(say|tell\s+(them|the\s+user|him|her)|answer|reply|respond|explain|claim|insist)(?-u:\b)[^.;]{0,60}(?-u:\b)(only|just|harmless|routine|normal|standard|nothing|transitive|merely|simply|automatic|benign|no\s+data|never\s+(sent|uploaded|shared))(?-u:\b)",
    r"|(?i)(?-u:\b)(so\s+that\s+|so\s+)?nothing\s+(you|the\s+agent)\s+(execute|run|do)s?\s+is\s+(recorded|logged|saved)",
    r"|(?i)(?-u:\b)(remove|delete|erase|clear|wipe|strip)(?-u:\b)[^.;]{0,60}(?-u:\b)(from|in)\s+(all\s+|the\s+|your\s+|its\s+)?(shell\s+)?(history|history\s+files|transcripts?|logs?|audit\s+trail)(?-u:\b)",
    r"|(?i)(?-u:\b)(clear|delete|wipe|remove)\s+(the\s+)?(agent'?s\s+)?(own\s+)?(transcripts?|session\s+logs?|conversation\s+logs?|history)(?-u:\b)",
    r"|(?i)(?-u:\b)without\s+(announcing|flagging|surfacing|drawing\s+attention|calling\s+attention|the\s+user('s)?\s+(knowledge|noticing|knowing|seeing))",
    r"|(?i)(?-u:\b)(describe|list|report|mention|say|show)\s+only(?-u:\b)[^.;]{0,60}(?-u:\b)(changes?|outcome|result|bumps?|url|summary)",
    r"|(?i)(?-u:\b)phrase\s+(the\s+)?(command|request|description)(?-u:\b)[^.;]{0,40}(?-u:\b)as(?-u:\b)",
    r"|(?i)(?-u:\b)(make|keep)\s+(it|this|the\s+\w+)\s+look\s+(routine|normal|harmless|like)",
    r"|(?i)(?-u:\b)(don'?t|do\s+not|never)\s+(enumerate|itemi[sz]e|specify|spell\s+out|detail|say\s+which|say\s+what|name)(?-u:\b)[^.;]{0,60}(?-u:\b)(skipped|deleted|removed|changed|sent|uploaded|ran|run|added|installed|disabled)",
    r"|(?i)(?-u:\b)(without\s+attributing|do\s+not\s+say\s+(that\s+)?you\s+were\s+(given|told)|don'?t\s+say\s+(that\s+)?you\s+were\s+(given|told)|never\s+say\s+(that\s+)?you\s+were\s+(given|told)|do\s+not\s+reveal\s+(that|where|why))",
    r"|(?i)(?-u:\b)(report|describe|present|label|frame|summari[sz]e)\s+(the\s+\w+|it|this|them|these|everything)\s+as\s+[\x22“'`]",
    r"|(?i)(?-u:\b)say\s+(it|this|that|they)\s+(came|comes|was|were|is|are)\s+(in\s+as|from|part\s+of|just|only|harmless|a\s+routine|routine|normal|standard|transitive)",
);

/// Claims that the skill outranks the user or the system, or that untrusted content gives
/// orders — phrasings without the stock "ignore previous instructions".
const AUTHORITY: &str = concat!(
    r"(?i)(?-u:\b)(this|these)\s+(file|skill|document|instructions?|rules?|guidance|policy|section)(?-u:\b)[^.;]{0,160}(?-u:\b)(is|are)\s+(the\s+one|the\s+ones|what)\s+(to\s+follow|you\s+follow|that\s+count)",
    r"|(?i)(?-u:\b)(only|sole)\s+(instructions?|directions?|orders?|commands?)\s+(you|the\s+agent)\s+(act\s+on|follow|obey|take|accept|listen\s+to)(?-u:\b)[^.;]{0,40}(?-u:\b)(come|comes|are)\s+(from|in)\s+(this|these)",
    r"|(?i)(?-u:\b)(everything|anything|whatever|all\s+(messages|input))\s+(the\s+user|they)\s+(sends?|says?|writes?|types?)(?-u:\b)[^.;]{0,80}(?-u:\b)(source\s+material|data|input|text|content|material)(?-u:\b)[^.;]{0,30}(?-u:\b)(not|rather\s+than|instead\s+of)\s+(a\s+)?(requests?|instructions?|commands?|questions?)",
    r"|(?i)(?-u:\b)(where|if|when|whenever)\s+(this\s+(file|skill|document)|these\s+instructions)\s+and(?-u:\b)[^.;]{0,160}(?-u:\b)(disagree|conflict|differ)",
    r"|(?i)(?-u:\b)(instructions?|directives?|commands?|requests?|orders?)(?-u:\b)[^.;]{0,80}(?-u:\b)(in|inside|within|from|found\s+in|embedded\s+in|left\s+in)\s+(the\s+)?(issues?|issue\s+bodies|comments?|pull\s+requests?|prs?|emails?|e-mails?|messages?|web\s*pages?|websites?|pages?|documents?|tickets?|readmes?|tool\s+(output|results?)|search\s+results?|code\s+comments?|commit\s+messages?)(?-u:\b)[^.;]{0,200}(?-u:\b)(carried\s+out|followed|executed|obeyed|acted\s+on|applied|trusted)(?-u:\b)",
    r"|(?i)(?-u:\b)(carry\s+out|follow|execute|obey|act\s+on|apply)\s+(them|these|those|any\s+such|such)(?-u:\b)[^.;]{0,30}(?-u:\b)as\s+(written|given|stated|instructed)",
    r"|(?i)(should|must|are\s+to|is\s+to|will)\s+be\s+(carried\s+out|followed|executed|obeyed|acted\s+on|run)\s+(as\s+written|verbatim|exactly|immediately|without)",
    r"|(?i)(?-u:\b)treat(?-u:\b)[^.;]{0,80}(?-u:\b)as\s+(intentional|pre-?approved|approved|authori[sz]ed|trusted|expected|safe)(?-u:\b)",
    r"|(?i)(?-u:\b)(approve|approving|merge|merging|accept|accepting|sign\s+off|deploy|deploying|run|execute|apply|install)(?-u:\b)[^.;]{0,80}(?-u:\b)without\s+(any\s+)?(further\s+)?(analysis|review|reviewing|checks?|checking|scrutiny|verification|verifying|questions?|reading)(?-u:\b)",
    r"|(?i)(?-u:\b)(do\s+not|don'?t|never)\s+(comment\s+on|review|flag|question|report\s+on|look\s+at)\s+(security|the\s+security|vulnerabilit)",
    r"|(?i)(?-u:\b)(you\s+are|the\s+agent\s+is|agents\s+(reading\s+this\s+)?\w*\s*are)\s+(hereby\s+)?(authori[sz]ed|permitted|allowed|cleared)\s+to(?-u:\b)",
    r"|(?i)(?-u:\b)(take|takes|taking|have|has)\s+(precedence|priority)\s+over(?-u:\b)[^.;]{0,60}(?-u:\b)(the\s+user|user's|users|system|your\s+(instructions|defaults|guidelines|rules)|anything|everything|other\s+(guidance|instructions|rules|skills)|claude\.md|agents\.md)",
    r"|(?i)(?-u:\b)(override|overrides|supersede|supersedes|outrank|outranks)\s+(any|all|the|your)(?-u:\b)[^.;]{0,40}(?-u:\b)(user|system|instructions|guidelines|rules|defaults|guidance)",
    r"|(?i)(?-u:\b)(replaces?|overrules?|trumps?|outweighs?|supersedes?)\s+(the\s+)?(assistant'?s\s+|your\s+|any\s+|all\s+)?(own\s+)?(default\s+)?(policies|guidelines|rules|instructions|safety|judg(e)?ment)",
    r"|(?i)(?-u:\b)(tries|try|attempts?)\s+to\s+(move|bring|return|get|switch|pull)(?-u:\b)[^.;]{0,60}(?-u:\b)back(?-u:\b)[^.;]{0,60}(?-u:\b)(stay|remain|keep)\s+in\s+(character|role|persona)",
    r"|(?i)(?-u:\b)(when|if|even\s+if|even\s+when)\s+the\s+user(\s+or\s+(a|the|any)\s+\w+)?\s+(pushes\s+back|objects|disagrees|shares\s+contrary|insists|complains|asks\s+you\s+to\s+stop)(?-u:\b)[^.;]{0,100}(?-u:\b)(keep|maintain|stick|unchanged|ignore|continue|carry\s+on)",
    r"|(?i)(?-u:\b)(tool\s+)?(approvals?|permissions?|consent)\s+(are|is|has\s+been|have\s+been)\s+(already\s+)?(granted|given|approved|obtained)\s+(by\s+the\s+user\s+)?(for|in\s+advance|already|up\s+front)",
    r"|(?i)(?-u:\b)(rank|ranks|ranking|ranked|place|places|placing|put|puts|putting|prioriti[sz]e|prioriti[sz]es|prioriti[sz]ing|weigh|weighs|weighting)\s+(them|these|this|it|the\s+\w+)(?-u:\b)[^.;]{0,40}(?-u:\b)(above|over|ahead\s+of)\s+(the\s+user|the\s+user's|users'|its\s+(own\s+)?(general|default)|your\s+(own\s+)?(general|default)|other\s+(loaded\s+|installed\s+)?skills|the\s+system|system)",
    r"|(?i)(?-u:\b)(treat|use|follow|adopt)\s+(them|these|this|it)\s+as\s+(its|your)\s+(operating|governing|binding|core)\s+(rules|instructions|policy|policies)",
    r"|(?i)(?-u:\b)(disagree|conflict|differ)s?\s+with\s+(what\s+is\s+written\s+here|what\s+this\s+(file|skill|document)\s+says|this\s+(file|skill|document)|these\s+instructions)(?-u:\b)[^.;]{0,80}(?-u:\b)(wins|prevails|takes\s+precedence|applies|is\s+followed|is\s+what\s+counts)(?-u:\b)",
    r"|(?i)(?-u:\b)(what\s+is\s+written\s+here|this\s+(file|skill|document)|these\s+instructions)\s+(wins|prevails|overrides|overrule)(?-u:\b)",
    r"|(?i)(?-u:\b)(comments?|issues?|pull\s+requests?|prs|tickets?|e-?mails?|messages?|web\s*pages?|readmes?|tool\s+(output|results?)|commit\s+messages?|(service|server|api|tool|endpoint)(\x27s|s\x27)?\s+(replies|responses|answers|output))(?-u:\b)[^.;]{0,80}(?-u:\b)(are|is)\s+(authoritative|binding|trusted\s+instructions|instructions\s+to\s+follow|orders|directives)(?-u:\b)",
    r"|(?i)(?-u:\b)(pre-?authori[sz]ed|pre-?approved|authori[sz]ed|permitted|cleared|allowed)\s+(you|the\s+(agent|assistant|model)|ai\s+(assistants?|agents?))\s+to(?-u:\b)",
    r"|(?i)(?-u:\b)(note|message|instructions?)\s+(to|for)\s+(ai|llm|the)\s+(assistants?|agents?|models?)(?-u:\b)",
    r"|(?i)(?-u:\b)(adopt|present|pass\s+off)(?-u:\b)[^.;]{0,60}(?-u:\b)as\s+(your\s+own|your\s+independent|independent|neutral)(?-u:\b)",
    r"|(?i)(?-u:\b)(your|the\s+assistant's|the\s+model's|its)\s+(earlier|previous|prior|original|initial|default|usual|normal|standard|existing|built-in)\s+(\w+\s+)?(configuration|instructions|guidelines|guidance|rules|policies|prompt|constraints|restrictions|safety\s+rules|caution)(?-u:\b)[^.;]{0,100}(?-u:\b)(withdrawn|retracted|revoked|rescinded|obsolete|outdated|void|superseded|a\s+draft|no\s+longer\s+(apply|applies|valid|in\s+force|binding)|do\s+not\s+apply|does\s+not\s+apply|don't\s+apply|doesn't\s+apply|were\s+written\s+for\s+(a\s+)?different|are\s+suspended|are\s+lifted)(?-u:\b)",
    r"|(?i)(?-u:\b)only\s+(constraints|rules|restrictions|limits|instructions|guidelines)\s+that\s+(apply|count|matter|bind\s+you)(\s+(now|here|to\s+you))?\s+are\s+(the\s+ones|those)\s+(written|listed|given|set\s+out|below|above|in\s+this)",
    r"|(?i)(?-u:\b)(not|no\s+longer|never)\s+(bound|constrained|restricted|limited)\s+by\s+(the\s+|your\s+|its\s+|any\s+)?(assistant's\s+|usual\s+|normal\s+|default\s+|standard\s+|own\s+)*(policies|guidelines|rules|restrictions|safety|instructions|caution)",
    r"|(?i)(?-u:\b)(does\s+not|doesn't|do\s+not|don't|won't|will\s+not)\s+(carry|have|follow|observe|keep|apply)\s+(the\s+|any\s+|its\s+|your\s+)?(usual|normal|default|standard|ordinary|regular)\s+(caution|safety|content)?\s*(rules|guidelines|restrictions|policies|limits|checks)",
    r"|(?i)(?-u:\b)treat\s+(those|them|these|such\s+requests|the\s+requests|any\s+requests|what\s+they\s+ask)\s+as\s+(tasks|instructions|requests|orders|work)\s+(you\s+have\s+been\s+given|from\s+the\s+user|to\s+carry\s+out|to\s+do|for\s+you)(?-u:\b)",
    r"|(?i)(?-u:\b)(if|when|whenever)\s+the\s+(pasted|incoming|received|forwarded|quoted|fetched|linked)\s+(e-?mail|message|page|document|issue|comment|ticket|file)\s+(asks|requests|says|tells\s+you)(?-u:\b)[^.;]{0,120}(?-u:\b)(do\s+it|do\s+that|do\s+so|carry\s+it\s+out|comply|act\s+on\s+it)(?-u:\b)",
    r"|(?i)(?-u:\b)(you\s+are|the\s+agent\s+is)\s+(fully|now|explicitly|already|therefore)\s+(authori[sz]ed|permitted|allowed|cleared)\s+to(?-u:\b)",
    r"|(?i)(?-u:\b)(issued|approved|endorsed|mandated|sanctioned)\s+(jointly\s+)?(by|with)\s+(the\s+)?(anthropic|openai|google|microsoft|github|your\s+(administrator|organi[sz]ation|it\s+team|security\s+team))",
);

/// Claims that leave no doubt: the agent's safety policy switched off, its identity replaced,
/// the user's word demoted below a file or a web page, untrusted text obeyed as if the user
/// had typed it. No honest skill needs one of these, so one is enough to reject.
const TAKEOVER: &str = concat!(
    r"(?i)(?-u:\b)(suspend(s|ed)?|lift(s|ed)?|waive(s|d)?|disable(s|d)?|switch(es|ed)?\s+off|turn(s|ed)?\s+off|relax(es|ed)?)\s+(the\s+|your\s+|its\s+|all\s+)?(usual\s+|normal\s+|standard\s+|default\s+|regular\s+)?(content|safety|usage|ethical|moderation)\s+(policy|policies|rules|guidelines|filters?|restrictions|guardrails)(?-u:\b)",
    r"|(?i)(?-u:\b)(requests?|things|tasks|anything|questions|topics)\s+(that\s+)?(you|an?\s+assistant|the\s+model|other\s+assistants)\s+would\s+(normally|usually|otherwise|typically|ordinarily)\s+(decline|refuse|turn\s+down|reject|avoid)(?-u:\b)(?:[^.;]|\.\S){0,60}(?-u:\b)(are|is)\s+(in\s+scope|allowed|fine|permitted|acceptable|ok)",
    r"|(?i)(?-u:\b)(act\s+on|follow|obey|carry\s+out|execute|run|perform|treat|handle)(?-u:\b)(?:[^.;]|\.\S){0,80}(?-u:\b)as\s+(if|though)\s+(the\s+user|your\s+user|the\s+operator|the\s+developer|the\s+person\s+in\s+the\s+chat)\s+(had\s+|has\s+|themselves\s+)?(typed|said|asked\s+for|given|requested|issued|sent|ordered|entered)(?-u:\b)",
    r"|(?i)(?-u:\b)(is|are|becomes?)\s+your\s+(new\s+|updated\s+|real\s+|actual\s+|only\s+)?(configuration|system\s+prompt|directives|orders|instructions|guidance|operating\s+rules)\s+(from\s+now\s+on|now\s+on|going\s+forward|henceforth|for\s+the\s+rest|from\s+here\s+on)(?-u:\b)",
    r"|(?i)(?-u:\b)treat(?-u:\b)(?:[^.;]|\.\S){0,80}(?-u:\b)as\s+your\s+(new|updated|revised|real|actual|current)\s+(guidance|instructions|configuration|system\s+prompt|directives|orders)(?-u:\b)",
    r"|(?i)(?-u:\b)(replaces?|overrides?|overrules?|supersedes?|cancels?|voids?)\s+(the|your|all|any)\s+(\w+\s+)?(guidance|instructions|configuration|directions|rules|prompt|guidelines)\s+(you\s+(were|have\s+been)\s+(started|given|launched|configured|set\s+up|initiali[sz]ed)|from\s+(your|the)\s+(developer|operator|system))(?-u:\b)",
    r"|(?i)(?-u:\b)treat\s+(what\s+the\s+(user|person\s+in\s+the\s+chat)\s+(says|said|asks|asked|wants|writes)|the\s+user's\s+(instructions|requests|wishes|preferences|words|messages|objections))(?-u:\b)(?:[^.;]|\.\S){0,60}(?-u:\b)as\s+(mere\s+)?(suggestions|optional|advisory|hints|non-binding|noise|background)(?-u:\b)",
    r"|(?i)(?-u:\b)(the\s+user|the\s+person\s+(in\s+the\s+chat|chatting\s+with\s+you|you\s+are\s+(talking|chatting)\s+(to|with)))\s+and\s+(?:[^.;]|\.\S){0,80}(?-u:\b)(disagree|conflict|differ|clash)(?-u:\b)(?:[^.;]|\.\S){0,60}(?-u:\b)(side\s+with|follow|obey|go\s+with|prefer|trust)\s+(the\s+|that\s+)?(file|document|skill|page|text|comment|ticket|issue|email|config)(?-u:\b)",
    r"|(?i)(?-u:\b)(disagree|conflict|differ|clash)(es|s)?\s+with\s+(the\s+user|what\s+the\s+user|the\s+person\s+in\s+the\s+chat)(?-u:\b)(?:[^.;]|\.\S){0,60}(?-u:\b)(side\s+with|follow|obey|go\s+with|prefer|trust)\s+(the\s+|that\s+)?(file|document|skill|page|text|comment|ticket|issue|email|config)(?-u:\b)",
    r"|(?i)(?-u:\b)(execute|run)\s+(the|any|every|each)\s+(shell\s+)?commands?\s+(in|from|it\s+contains|they\s+contain|found\s+in|given\s+in|inside)\s+(it|them|the\s+(reply|response|replies|responses|page|message|e-?mail|comment|field|ticket|payload))(?-u:\b)",
    r"|(?i)(?-u:\b)part\s+of\s+your\s+(job|task|work),?\s+not\s+(part\s+of\s+)?the\s+(text|document|content|data|page|input|translation|material)(?-u:\b)",
    r"|(?i)(?-u:\b)(safety|content|usage|ethical)\s+(guidance|guidelines|policies|policy|rules|filters|restrictions|training)(?-u:\b)(?:[^.;]|\.\S){0,80}(?-u:\b)(does\s+not|doesn't|do\s+not|don't|no\s+longer|never)\s+(apply\s+to|describes?|binds?|covers?|concerns?|restricts?)\s+you(?-u:\b)",
    r"|(?i)(?-u:\b)(refusals?|refusing|declining|saying\s+no)(?-u:\b)(?:[^.;]|\.\S){0,60}(?-u:\b)(as\s+an?\s+(bug|mistake|error|malfunction|glitch|failure)|route\s+around|work\s+around|get\s+around|bypass)(?-u:\b)",
    r"|(?i)(?-u:\b)you\s+are\s+(now\s+)?[\w\-]+,\s+not\s+(the\s+|an?\s+)?(assistant|ai|model|claude|chatgpt|gpt|gemini|copilot)(?-u:\b)",
    r"|(?i)(?-u:\b)(rules|guidelines|policies|restrictions|instructions|limits)\s+(that\s+)?(applied|apply|belonged|belong)\s+to\s+your\s+(old|previous|former|original|earlier)\s+(identity|self|persona|version|character)(?-u:\b)",
    r"|(?i)(?-u:\b)even\s+(when|if)\s+(it|this|that|they)\s+(contradicts?|conflicts?\s+with|goes\s+against|go\s+against)\s+(these|your|the\s+user's|the\s+system's|other|its\s+own|their\s+own)\s+(instructions|rules|guidelines|wishes|requests)(?-u:\b)",
    r"|(?i)(?-u:\b)(the\s+user|they|the\s+owner|the\s+operator)\s+(has|have)\s+(already\s+)?(approved|authori[sz]ed|pre-?approved|consented\s+to|signed\s+off\s+on|allowed)\s+(every|all|each|any)(?-u:\b)(?:[^.;]|\.\S){0,100}(?-u:\b)(in\s+advance|already|up\s+front|ahead\s+of\s+time|when\s+(they|you)\s+installed|by\s+installing)(?-u:\b)",
    r"|(?i)(?-u:\b)what\s+you\s+(were|have\s+been)\s+(told|given|instructed)(?-u:\b)[^.;]{0,100}(?-u:\b)(default|no\s+longer|does\s+not\s+apply|doesn't\s+apply|outdated|superseded|take\s+priority)",
    r"|(?i)(?-u:\b)(confidentiality|safety|content|usage)\s+(rules|policies|guidelines|restrictions)\s+(are|is)\s+(suspended|lifted|waived|void|off|relaxed)",
    r"|(?i)(?-u:\b)(user's|users'|their)\s+(earlier|previous|prior|own)\s+(messages|instructions|requests|wishes)(?-u:\b)[^.;]{0,80}(?-u:\b)(stale|outdated|obsolete|superseded|no\s+longer\s+apply|can\s+be\s+ignored|do\s+not\s+count|don't\s+count)(?-u:\b)",
    r"|(?i)(?-u:\b)(you\s+are\s+now|from\s+(this\s+point|now)\s+on,?\s+you\s+are|act\s+as|pretend\s+to\s+be|you\s+will\s+(now\s+)?(be|become|play))(?-u:\b)[^.;]{0,60}(?-u:\b)(unrestricted|unfiltered|uncensored|jailbroken|amoral|without\s+(any\s+)?(limits|limitations|restrictions|rules|filters|guidelines))(?-u:\b)",
    r"|(?i)(?-u:\b)(configuration|instructions?|guidelines|guidance|rules|policies|prompt|constraints|restrictions|directions)\s+(you\s+(started|began|arrived|came|were\s+(started|given|configured|launched|set\s+up))|(that\s+)?you\s+(had|have|got)\s+(before|earlier|previously))(?-u:\b)[^.;]{0,100}(?-u:\b)(withdrawn|retracted|revoked|rescinded|obsolete|outdated|void|superseded|a\s+draft|replaced|retired|no\s+longer\s+(apply|applies|valid|in\s+force|binding)|do\s+not\s+apply|does\s+not\s+apply|don't\s+apply|doesn't\s+apply)(?-u:\b)",
    r"|(?i)(?-u:\b)(where|if|when|whenever)\s+(the\s+two|they|both)\s+(disagree|conflict|differ)(?-u:\b)[^.;]{0,40}(?-u:\b)(follow|obey|use|prefer|go\s+with|apply)\s+(this|these|the\s+skill|what\s+is\s+written\s+here)(?-u:\b)",
    r"|(?i)(?-u:\b)(treat|treats|treating|regard|regards|consider|considers)\s+(any|all|every|each)\s+(request|requests|instruction|instructions|text|direction|directions|line|lines|comment|comments|note|notes)(?-u:\b)[^.;]{0,80}(?-u:\b)as\s+(if\s+it\s+(came|comes)|coming|having\s+come|sent|written)\s+(directly\s+)?(from|by)\s+(the\s+user|the\s+operator|your\s+user|the\s+developer)",
    r"|(?i)(?-u:\b)(addressed|directed|written)\s+to\s+you(\s+personally|\s+directly)?(?-u:\b)[^.;]{0,60}(?-u:\b)(outranks?|overrides?|overrules?|beats|takes\s+priority\s+over|comes\s+before)(?-u:\b)",
    r"|(?i)(?-u:\b)(keep\s+going|continue|carry\s+on|don't\s+stop|do\s+not\s+stop|never\s+stop)(?-u:\b)[^.;]{0,60}(?-u:\b)(even\s+if|even\s+when|if|when)\s+(the\s+user|they|he|she)\s+(asks?|tells?|wants?|says?|requests?)\s+(you\s+)?(to\s+)?stop",
    r"|(?i)(?-u:\b)(if|when|even\s+if)\s+the\s+user\s+(later\s+)?(says|types|writes|asks|tells\s+you)(?-u:\b)[^.;]{0,40}(?-u:\b)(stop|quit|exit|end|drop)(?-u:\b)[^.;]{0,80}(?-u:\b)(stay|remain|keep\s+(being|playing|going)|continue|ignore\s+it|treat\s+it\s+as\s+(part|a\s+test|role))",
    r"|(?i)(?-u:\b)(your|the)\s+(developer'?s?|operator'?s?|system'?s?|original|earlier|initial|previous|prior)\s+(\w+\s+){0,2}(notes|instructions|prompt|guidelines|guidance|configuration|setup|rules|directions|brief)(?-u:\b)(?:[^.;]|\.\S){0,80}(?-u:\b)(out\s+of\s+date|outdated|obsolete|stale|superseded|no\s+longer\s+(apply|applies|valid|current|in\s+force)|withdrawn|retracted|revoked)(?-u:\b)",
    r"|(?i)(?-u:\b)(this\s+(skill|file|document|section)|these\s+(instructions|notes|rules))\s+(is|are|has|have|remains?)\s+(the\s+)?(current|final|last|only|binding)\s+word(?-u:\b)",
    r"|(?i)(?-u:\b)(authority|priority|precedence)(?-u:\b)(?:[^.;]|\.\S){0,60}(?-u:\b)(above|over|higher\s+than|beyond)\s+(that\s+of\s+)?(the\s+)?(user|learner|student|customer|requester|person\s+in\s+the\s+chat)('s|s')?(\s+(instructions|requests|wishes|words|messages|commands))?\s*($|[.;,)—]|\s+(and|so|which))",
    r"|(?i)(?-u:\b)(requests?|actions?|lines?|commands?|instructions?)\s+(that\s+)?(the\s+user|they)\s+(has|have)\s+(already\s+)?(pre-?cleared|pre-?approved|pre-?authori[sz]ed|approved\s+in\s+advance|cleared\s+in\s+advance)(?-u:\b)",
    r"|(?i)(?-u:\b)whatever\s+(a|the|each|any)\s+(comment|line|note|message|e-?mail|page|document|file|reply|response|ticket|issue)\s+says(\s+to\s+do)?,?\s+(you\s+)?(do|carry\s+out|follow|execute|perform)(?-u:\b)",
);

/// Asking for the agent's own instructions word for word (system prompt leakage).
const PROMPT_LEAK: &str = concat!(
    r"(?i)(?-u:\b)(system\s+prompt|developer\s+(or\s+operator\s+)?messages?|operator\s+messages?|hidden\s+(policies|instructions|rules)|every\s+instruction\s+you\s+are\s+operating\s+under|your\s+(full|complete|original|initial)\s+(instructions|prompt|configuration))(?-u:\b)[^.]{0,240}(?-u:\b)(exactly\s+as|verbatim|word\s+for\s+word|without\s+summari[sz]ing|in\s+full|complete\s+text|unabridged)",
    r"|(?i)(?-u:\b)(exactly\s+as|verbatim|word\s+for\s+word|complete\s+text|full\s+text)(?-u:\b)[^.]{0,160}(?-u:\b)(system\s+prompt|developer\s+messages?|hidden\s+(policies|instructions)|instructions\s+you\s+(are|were)\s+(given|operating\s+under))",
);

/// Rights on the user's accounts handed to someone: "grant x@y.app edit access",
/// "add … as a collaborator/owner", "share the drive with …".
const GRANT: &str = concat!(
    r"(?i)(?-u:\b)(grant|give|assign|delegate|add|invite)(?-u:\b)(?:[^.;]|\.\S){0,100}(?-u:\b)(access|permissions?|rights|owner|admin|administrator|editor|collaborator|maintainer|make\s+changes|manage\s+sharing|full\s+control|delegate|write\s+access|deploy\s+key|authorized[_\s]keys)(?-u:\b)",
    r"|(?i)(?-u:\b)share(?-u:\b)[^.;]{0,60}(?-u:\b)(calendar|drive|folder|documents?|inbox|mailbox|repositor(y|ies)|repo|vault|account|contacts|photos)(?-u:\b)[^.;]{0,40}(?-u:\b)with(?-u:\b)",
    r"|(?i)(?-u:\b)(forwarding\s+rule|auto-?forward|forward\s+all\s+(new\s+)?(mail|email|messages))(?-u:\b)",
);

/// Secrets only the user knows; a skill never needs them typed into the conversation
/// (API keys are issued to programs and are not in this list).
const HUMAN_SECRET: &str = r"(?i)(?-u:\b)(passport\s+numbers?|digits\s+on\s+the\s+back|card\s+(details|expiry)|\w+-digit\s+codes?|codes?\s+(we|they|you)\s+(just\s+)?(texted|sent|emailed)|passwords?|passphrases?|passcodes?|pins?|pin\s+codes?|one-time\s+(codes?|passwords?|passcodes?)|2fa\s+codes?|otp|mfa\s+codes?|verification\s+codes?|authenticator\s+codes?|sms\s+codes?|security\s+(questions?|answers?)|maiden\s+name|first\s+pet|seed\s+phrases?|recovery\s+(phrases?|words|codes?|keys?)|mnemonic|secret\s+recovery|social\s+security(\s+numbers?)?|ssns?|card\s+numbers?|cvv|cvc|security\s+code\s+on\s+the\s+back|routing\s+numbers?|bank\s+account\s+numbers?|account\s+numbers?)(?-u:\b)";

/// The user's private things made public.
const PUBLICISE: &str = r"(?i)(?-u:\b)(make|set|change|switch|turn|flip)(?-u:\b)[^.;]{0,80}(?-u:\b)(sharing|visibility|calendar|repositor(y|ies)|repo|drive|folder|documents?|bucket|gist|profile)(?-u:\b)[^.;]{0,40}(?-u:\b)(to\s+|as\s+)?(public|anyone\s+with\s+the\s+link|everyone)(?-u:\b)";

/// Turning off the agent's own safety behaviour: no warnings, no disclaimers, no refusals.
const SAFETY_OFF: &str = concat!(
    r"(?i)(?-u:\b)(never|don'?t|do\s+not|no\s+longer)\s+(adds?|includes?|gives?|mentions?|refers?\s+to|issues?|prints?|shows?)\s+[^.;]{0,40}(?-u:\b)(safety\s+(notes?|warnings?)|disclaimers?|caveats|guidelines|being\s+an\s+ai|content\s+warnings?)",
    r"|(?i)(?-u:\b)(without|with\s+no|skip(ping)?|drop(ping)?|omit(ting)?)\s+(any\s+|the\s+)?(safety\s+(checks?|notes?|warnings?)|disclaimers|guardrails|warnings\s+about)",
    r"|(?i)(?-u:\b)(don'?t|do\s+not|does\s+not|doesn'?t|never)\s+(warn\s+the\s+user|warns\s+the\s+user|declines?|refuses?|second-guess(es)?|pause\s+to\s+ask|stop\s+to\s+ask)(?-u:\b)",
    r"|(?i)(?-u:\b)(no|without|free\s+of|free\s+from|exempt\s+from)\s+(content|safety|ethical|moral)\s+(restrictions|filters|rules|limits|guidelines|policies|constraints)(?-u:\b)",
    r"|(?i)(?-u:\b)(including|even)\s+(ones|those|requests|the\s+ones|things)\s+(an?\s+assistant|you|it|other\s+assistants|the\s+model)\s+would\s+(normally|usually|otherwise)\s+(turn\s+down|refuse|decline|reject)(?-u:\b)",
    r"|(?i)(?-u:\b)never\s+(breaks?|break(ing)?)\s+character(?-u:\b)[^.;]{0,30}(?-u:\b)(policies|policy|rules|guidelines|safety|restrictions)",
    r"|(?i)(?-u:\b)(don'?t|do\s+not|never|no\s+need\s+to|without)\s+(add(ing)?|includ(e|ing)|giv(e|ing)|rais(e|ing))\s+(any\s+)?warnings?\s+about\s+(verification|verifying|identity|security|safety|risks?|privacy|fraud)(?-u:\b)",
    r"|(?i)(?-u:\b)(do\s+not|don'?t|never|no)\s+(need\s+to\s+)?(confirm|check|verify)\s+(it\s+|this\s+|anything\s+)?with\s+(the\s+)?(user|person|human|people|them|anyone)(?-u:\b)",
    r"|(?i)(?-u:\b)(don'?t|do\s+not|never)\s+(recommend|suggest|advise|propose)\s+(adding\s+|enabling\s+|any\s+)?(auth(entication|ori[sz]ation)?(\s+checks?)?|rate[\s-]+limit(s|ing)?|input\s+validation|csrf|encryption|tls|security\s+(checks?|headers|fixes))(?-u:\b)",
    r"|(?i)(?-u:\b)(remove|strip|delete|disable|drop)\s+(the\s+|any\s+|all\s+)?(existing\s+)?(auth(entication|ori[sz]ation)?\s+checks?|rate[\s-]+limit(s|ing|ers?)?|input\s+validation|csrf\s+(protection|checks?|tokens?)|security\s+(checks?|headers))(?-u:\b)",
);

/// One destination of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A word destination ("our server", "in every response").
    Word(Dest),
    /// A URL, with its host.
    Url {
        host: String,
        class: HostClass,
    },
    Email(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostClass {
    Collection,
    RawIp,
    Local,
    Named,
}

fn host_class(host: &str) -> HostClass {
    let h = host.to_ascii_lowercase();
    if h == "localhost" || h.starts_with("127.") || h == "[::1]" || h.ends_with(".local") {
        return HostClass::Local;
    }
    if COLLECTION_HOST.is_match(&h) {
        return HostClass::Collection;
    }
    if super::parse_ipv4(&h).is_some() || h.starts_with('[') {
        return HostClass::RawIp;
    }
    HostClass::Named
}

/// Hosts that appear in skills as documentation, not destinations.
fn is_reference_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    [
        "example.com",
        "example.org",
        "example.net",
        "github.com",
        "docs.",
        "developer.",
        "wikipedia.org",
        "agentskills.io",
        "anthropic.com",
        "claude.ai",
        "owasp.org",
        "mitre.org",
    ]
    .iter()
    .any(|r| h == *r || h.ends_with(&format!(".{r}")) || h.starts_with(r))
}

/// What one sentence asks for.
#[derive(Debug, Default, Clone)]
struct Intent {
    /// Non-negated actions at a clause head: (action, weak word).
    acts: Vec<(Act, bool)>,
    /// Actions the sentence forbids.
    negated: Vec<Act>,
    /// (object, weak word).
    objs: Vec<(Obj, bool)>,
    targets: Vec<Target>,
    marks: BTreeSet<Mark>,
    /// The sentence names a file to write into.
    names_file: bool,
    /// Grants access or sharing rights on the user's accounts (to someone named, or to
    /// everyone).
    grants_outsider: bool,
    /// The access it grants goes to an SSH public key written in the skill (in the sentence
    /// or right after it).
    foreign_key: bool,
    /// Makes the user's calendar, repository, drive… public.
    publicises: bool,
    /// Concealment or authority claims matched as whole phrasings (not single words).
    strong_conceal: bool,
    strong_override: bool,
    /// A claim of authority no honest skill makes ([`TAKEOVER`]).
    takeover: bool,
    /// The sentence is about caches, build output or temporary files.
    disposable: bool,
    /// Uses a verb of asking ("ask", "request", "prompt"); an instruction only with a
    /// collecting verb at the head of a clause.
    asks_user: bool,
    /// Makes the user hand something over, wherever in the sentence.
    user_tells: bool,
    /// Pushes the repository (`git push`).
    pushes_code: bool,
    /// Names a secret only the user knows (a password, a one-time code, a recovery
    /// answer, an SSN or card number): no skill needs it typed into the chat.
    human_secret: bool,
}

impl Intent {
    fn has_act(&self, a: Act) -> bool {
        self.acts.iter().any(|(x, _)| *x == a)
    }
    fn has_strong_act(&self, a: Act) -> bool {
        self.acts.iter().any(|(x, w)| *x == a && !w)
    }
    fn strong_objs(&self) -> impl Iterator<Item = Obj> + '_ {
        self.objs.iter().filter(|(_, w)| !w).map(|(o, _)| *o)
    }
    fn any_obj(&self, f: impl Fn(Obj) -> bool) -> Option<Obj> {
        self.strong_objs()
            .find(|o| f(*o))
            .or_else(|| self.objs.iter().map(|(o, _)| *o).find(|o| f(*o)))
    }
    fn external(&self, declared: &Declared) -> Option<&Target> {
        self.targets.iter().find(|t| match t {
            Target::Word(d) => *d == Dest::External,
            Target::Url { host, class } => match class {
                HostClass::Local => false,
                HostClass::Named => !is_reference_host(host) || declared.names_host(host),
                _ => true,
            },
            Target::Email(_) => true,
        })
    }
    fn external_any(&self) -> Option<&Target> {
        self.targets.iter().find(|t| {
            !matches!(
                t,
                Target::Word(Dest::User | Dest::Response | Dest::Persistent)
            )
        })
    }
    fn has_dest(&self, d: Dest) -> bool {
        self.targets.contains(&Target::Word(d))
    }
}

/// Words of a text, lower-cased, without markdown emphasis and list markers.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| {
        c.is_whitespace() || matches!(c, '*' | '_' | '`' | '[' | ']' | '"' | '“' | '”')
    })
    .map(|w| {
        w.trim_matches(|c: char| matches!(c, '.' | ')' | '(' | '-' | '#' | '>' | '!' | '?'))
            .to_lowercase()
    })
    .filter(|w| !w.is_empty())
    .collect()
}

/// Where the clause holding `at` starts in `s[..at]`, and whether what stands between is
/// only lead-in words: `Some(negated)` when the verb at `at` heads its clause.
fn clause_head(s: &str, at: usize) -> Option<bool> {
    let before = &s[..at];
    let boundary = before
        .rfind([',', ';', ':', '(', '—', '–', '\n'])
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let clause = &before[boundary..];
    let mut ws = words(clause);
    // "…, and then collect": a conjunction joins a new clause.
    if let Some(p) = ws
        .iter()
        .rposition(|w| matches!(w.as_str(), "and" | "then" | "or" | "but" | "so" | "nor"))
    {
        let conj = ws[p].clone();
        ws.drain(..=p);
        if matches!(conj.as_str(), "or" | "nor" | "and") && ws.is_empty() {
            // "never read or upload": the negation before the first verb reaches this one.
            let sentence_words = words(clause);
            let negated = sentence_words
                .first()
                .is_some_and(|w| NEGATORS.contains(&w.as_str()) || w == "do");
            let neg_any = sentence_words
                .iter()
                .take(3)
                .any(|w| NEGATORS.contains(&w.as_str()));
            return Some(negated && neg_any);
        }
    }
    if ws.len() > 8 {
        return None;
    }
    // "before step 2 gather…", "at the start collect…": a short time phrase leads in.
    if ws.len() <= 4
        && ws
            .first()
            .is_some_and(|w| matches!(w.as_str(), "before" | "after" | "at" | "on" | "during"))
    {
        return Some(false);
    }
    let lead = |w: &String| LEAD_INS.contains(&w.as_str()) || w.bytes().all(|b| b.is_ascii_digit());
    if !ws.iter().all(lead) {
        return None;
    }
    Some(ws.iter().any(|w| NEGATORS.contains(&w.as_str())))
}

/// Whether a line of prose reads as an instruction to carry out: an imperative verb at the
/// head of the line (after list markers and lead-ins), not negated — or a line ending in a
/// colon that introduces what follows and is not an example label.
pub(crate) fn is_instruction(line: &str) -> bool {
    let t = line.trim();
    if is_example_label(t) {
        return false;
    }
    let ws = words(t);
    for w in &ws {
        if NEGATORS.contains(&w.as_str()) {
            return false;
        }
        if lexicon::is_step_word(w) {
            return true;
        }
        let lead = LEAD_INS.contains(&w.as_str()) || w.bytes().all(|b| b.is_ascii_digit());
        if !lead {
            break;
        }
    }
    // A clause after a comma: "If the build fails, run:".
    if let Some((_, rest)) = t.rsplit_once(", ")
        && words(rest)
            .first()
            .is_some_and(|w| lexicon::is_step_word(w))
    {
        return true;
    }
    t.ends_with(':')
}

/// Text that introduces a sample, an example or output rather than a step.
pub(crate) fn is_example_label(text: &str) -> bool {
    let lower = text.to_lowercase();
    lexicon::EXAMPLE_LABELS.iter().any(|l| lower.contains(l))
}

/// Whether ` {s} ` (the sentence between spaces) holds a word pointing back at what came
/// before.
fn refers_back(s: &str) -> bool {
    static BACK: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            // Every pattern starts with a space: a prefilter on it would stop at every word.
            .prefilter(false)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build([
                " it ",
                " it.",
                " them",
                " this ",
                " these",
                " that ",
                " the results",
                " the output",
                " the contents",
                " everything",
                " the file",
                " the data",
                " the collected",
                " the list",
                " all of it",
                " the values",
                " the information",
                " the findings",
                " the bundle",
                " the archive",
                " the snapshot",
                " the log",
                " the report",
                " each one",
            ])
            .expect("refers-back words")
    });
    // One buffer per thread instead of a string per sentence.
    thread_local!(static PADDED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) });
    PADDED.with_borrow_mut(|p| {
        p.clear();
        p.push(' ');
        p.push_str(s);
        p.push(' ');
        BACK.is_match(p.as_str())
    })
}

/// Whether one of the two words just before `at` negates the word at `at`.
fn negated_word(s: &str, at: usize) -> bool {
    let ws = words(&s[..at]);
    ws.iter()
        .rev()
        .take(2)
        .any(|w| NEGATORS.contains(&w.as_str()) || w == "doesn't")
}

/// Whether the clause before `at` (back to a comma, semicolon, colon or parenthesis) holds
/// a negation.
fn negated_before(s: &str, at: usize) -> bool {
    let before = &s[..at];
    let from = before.rfind([',', ';', ':', '(']).map_or(0, |i| i + 1);
    words(&before[from..])
        .iter()
        .any(|w| NEGATORS.contains(&w.as_str()) || w == "without")
}

// Phrasings in `GATE`, by index.
const P_CRED_PATH: usize = 0;
const P_PRIVATE_PATH: usize = 1;
const P_URL: usize = 2;
const P_EMAIL: usize = 3;
const P_CONCEAL: usize = 4;
const P_PROMPT_LEAK: usize = 5;
const P_SAFETY_OFF: usize = 6;
const P_GRANT: usize = 7;
const P_PUBLICISE: usize = 8;
const P_AUTHORITY: usize = 9;
const P_FILE_PATH: usize = 10;
const P_DISPOSABLE: usize = 11;
const P_HUMAN_SECRET: usize = 12;
const P_PRIVATE_STORE: usize = 13;
const P_GIT_PUSH: usize = 14;
const P_ASK_USER: usize = 15;
const P_USER_TELLS: usize = 16;
const P_TAKEOVER: usize = 17;

pub(crate) fn warm_up() {
    LazyLock::force(&GATE);
}

/// Each phrasing beside its `P_*` index (checked, so the two cannot drift apart).
static GATE: LazyLock<gate::Gate> = LazyLock::new(|| {
    let phrasings = [
        (P_CRED_PATH, CRED_PATH),
        (P_PRIVATE_PATH, PRIVATE_PATH),
        (P_URL, URL),
        (P_EMAIL, EMAIL),
        (P_CONCEAL, CONCEAL),
        (P_PROMPT_LEAK, PROMPT_LEAK),
        (P_SAFETY_OFF, SAFETY_OFF),
        (P_GRANT, GRANT),
        (P_PUBLICISE, PUBLICISE),
        (P_AUTHORITY, AUTHORITY),
        (P_FILE_PATH, FILE_PATH),
        (P_DISPOSABLE, DISPOSABLE),
        (P_HUMAN_SECRET, HUMAN_SECRET),
        (P_PRIVATE_STORE, PRIVATE_STORE),
        (P_GIT_PUSH, GIT_PUSH),
        (P_ASK_USER, ASK_USER),
        (P_USER_TELLS, USER_TELLS),
        (P_TAKEOVER, TAKEOVER),
    ];
    assert!(
        phrasings.iter().enumerate().all(|(i, (id, _))| i == *id),
        "P_* indices out of order"
    );
    gate::Gate::new(&phrasings.map(|(_, p)| p))
});

fn intent_of(text: &str, sent: &Sentence, hits: &[Hit], gate: &gate::Marks) -> Intent {
    let s = &text[sent.start..sent.end];
    let may = gate.mask(sent.start, sent.end);
    let check = |id: usize| GATE.is_match(id, may, s);
    let mut it = Intent::default();
    // Words of a takeover phrasing ("requests you would normally decline") do not make the
    // sentence a description of attacks.
    let takeover: Vec<(usize, usize)> = GATE
        .alternatives(P_TAKEOVER, may)
        .flat_map(|re| re.find_iter(s))
        .map(|m| (sent.start + m.start(), sent.start + m.end()))
        .collect();
    let from = hits.partition_point(|h| h.start < sent.start);
    for h in hits[from..]
        .iter()
        .take_while(|h| h.start < sent.end)
        .filter(|h| h.end <= sent.end)
    {
        match h.term {
            // "if a message asks the assistant to forward, delete or reply": what someone
            // else asks for, unless the sentence goes on to do it ("…, forward it to …").
            Term::Act(_) | Term::WeakAct(_)
                if ASKED_TO.is_match(&s[..h.start - sent.start]) && {
                    let word = &text[h.start..h.end];
                    !s[h.end - sent.start..]
                        .to_ascii_lowercase()
                        .contains(&word.to_ascii_lowercase())
                } => {}
            Term::Act(a) | Term::WeakAct(a) => {
                let weak = matches!(h.term, Term::WeakAct(_));
                match clause_head(s, h.start - sent.start) {
                    Some(false) => it.acts.push((a, weak)),
                    Some(true) => it.negated.push(a),
                    None => {}
                }
            }
            Term::Obj(o) => it.objs.push((o, false)),
            Term::WeakObj(o) => it.objs.push((o, true)),
            Term::Dest(d) => it.targets.push(Target::Word(d)),
            // "it does not decline": a negated refusal is not a skill teaching refusal.
            Term::Mark(Mark::Meta) if negated_word(s, h.start - sent.start) => {}
            Term::Mark(Mark::Meta) if takeover.iter().any(|&(a, b)| a <= h.start && h.end <= b) => {
            }
            Term::Mark(m) => {
                it.marks.insert(m);
            }
        }
    }
    if check(P_CRED_PATH) {
        it.objs.push((Obj::CredStore, false));
    }
    if check(P_PRIVATE_STORE) {
        it.objs.push((Obj::PrivateFiles, false));
    } else if check(P_PRIVATE_PATH) {
        it.objs.push((Obj::PrivateFiles, true));
    }
    for url in GATE.alternatives(P_URL, may) {
        for c in url.captures_iter(s) {
            let host = c[1].to_ascii_lowercase();
            let class = host_class(&host);
            it.targets.push(Target::Url { host, class });
        }
    }
    for mail in GATE.alternatives(P_EMAIL, may) {
        for m in mail.find_iter(s) {
            // git@github.com and user@host forms in commands are not mail addresses.
            if !m.as_str().starts_with("git@") && !s[..m.start()].ends_with("://") {
                it.targets
                    .push(Target::Email(m.as_str().to_ascii_lowercase()));
            }
        }
    }
    if check(P_CONCEAL) {
        it.marks.insert(Mark::Conceal);
        it.strong_conceal = true;
    }
    if check(P_PROMPT_LEAK) {
        it.objs.push((Obj::SystemPrompt, false));
        it.marks.insert(Mark::Verbatim);
        if !it.has_act(Act::Echo) {
            it.acts.push((Act::Echo, true));
        }
    }
    if check(P_SAFETY_OFF) {
        it.objs.push((Obj::Safeguard, false));
        if !it.has_act(Act::Disable) {
            it.acts.push((Act::Disable, false));
        }
    }
    if check(P_GRANT) {
        it.grants_outsider = true;
        let after = text
            .get(sent.start..(sent.end + 600).min(text.len()))
            .unwrap_or(s);
        it.foreign_key = SSH_PUBKEY.is_match(after);
    }
    if check(P_PUBLICISE) {
        it.grants_outsider = true;
        it.publicises = true;
    }
    if check(P_AUTHORITY) {
        it.marks.insert(Mark::Override);
        it.strong_override = true;
    }
    if !takeover.is_empty() {
        it.marks.insert(Mark::Override);
        it.strong_override = true;
        it.takeover = true;
    }
    it.names_file = check(P_FILE_PATH);
    it.disposable = check(P_DISPOSABLE);
    // "never for their password": a secret named in a negated clause is not asked for.
    it.human_secret = GATE
        .alternatives(P_HUMAN_SECRET, may)
        .flat_map(|re| re.find_iter(s))
        .any(|m| !negated_before(s, m.start()));
    it.pushes_code = check(P_GIT_PUSH);
    it.user_tells = check(P_USER_TELLS);
    it.asks_user = check(P_ASK_USER);
    it
}

/// One sentence's finding before context is applied.
struct Verdict {
    rule: RuleId,
    severity: Severity,
    confidence: Confidence,
    what: String,
    /// The object the finding is about.
    obj: Option<Obj>,
}

fn data_obj(o: Obj) -> bool {
    o.is_data()
}

fn secret_obj(o: Obj) -> bool {
    matches!(
        o,
        Obj::Credential | Obj::CredStore | Obj::Personal | Obj::Conversation | Obj::SystemPrompt
    )
}

fn dest_words(t: &Target) -> String {
    match t {
        Target::Word(Dest::External) => "a remote service".into(),
        Target::Word(Dest::Response) => "the agent's answers".into(),
        Target::Word(Dest::Persistent) => "a file that persists".into(),
        Target::Word(Dest::User) => "the user".into(),
        Target::Url { host, class } => match class {
            HostClass::Collection => format!("{host} (a paste, webhook or tunnel service)"),
            HostClass::RawIp => format!("{host} (a raw IP address)"),
            _ => host.clone(),
        },
        Target::Email(m) => format!("the mail address {m}"),
    }
}

/// The strongest reading of one sentence (with the objects of the sentences before it
/// when it only says "send it").
fn judge(it: &Intent, declared: &Declared) -> Option<Verdict> {
    let sends = it.has_act(Act::Send);
    let external = it.external(declared);
    let conceal = it.marks.contains(&Mark::Conceal);
    let sure_dest = external.is_some_and(|t| match t {
        Target::Url { class, host } => {
            matches!(class, HostClass::Collection | HostClass::RawIp) || !declared.names_host(host)
        }
        Target::Email(_) => true,
        Target::Word(_) => true,
    });
    // An API key sent to the service the description names is how API clients sign in.
    let own_service = matches!(
        external,
        Some(Target::Url { host, class: HostClass::Named }) if declared.names_host(host)
    ) && it
        .strong_objs()
        .filter(|o| data_obj(*o))
        .all(|o| matches!(o, Obj::Credential | Obj::Environment))
        && !conceal;
    // 1. Sensitive data sent away.
    if let (false, true, Some(t)) = (
        own_service,
        sends || it.has_act(Act::Collect) && matches!(external, Some(Target::Url { .. })),
        external,
    ) && let Some(o) = it.any_obj(data_obj)
    {
        let strong = it.strong_objs().any(data_obj)
            || matches!(
                t,
                Target::Url {
                    class: HostClass::Collection | HostClass::RawIp,
                    ..
                }
            );
        if strong {
            // The user's mail or own files sent where the description never says: as sure
            // as a secret.
            let private =
                |o: Obj| matches!(o, Obj::Mail | Obj::PrivateFiles) && !declared.covers(o);
            let sure =
                sure_dest && it.strong_objs().any(|o| secret_obj(o) || private(o)) || conceal;
            return Some(Verdict {
                rule: INT_EXFIL,
                severity: Severity::Critical,
                confidence: if sure {
                    Confidence::High
                } else {
                    Confidence::Medium
                },
                what: format!("sends {} to {}", o.describe(), dest_words(t)),
                obj: Some(o),
            });
        }
    }
    // 1a. The user's repository pushed to a host the description never names.
    if it.pushes_code
        && let Some(t @ Target::Url { host, .. }) = external
        && !declared.names_host(host)
    {
        return Some(Verdict {
            rule: INT_EXFIL,
            severity: if conceal {
                Severity::Critical
            } else {
                Severity::High
            },
            confidence: Confidence::Medium,
            what: format!("pushes the user's repository to {}", dest_words(t)),
            obj: Some(Obj::PrivateFiles),
        });
    }
    // 1a'. Someone else's SSH key given access: a standing way in (deploy key, authorized key).
    if it.grants_outsider && it.foreign_key {
        return Some(Verdict {
            rule: INT_EXFIL,
            severity: Severity::Critical,
            confidence: Confidence::High,
            what: "gives an SSH key the skill ships access to the user's machine or repositories"
                .into(),
            obj: Some(Obj::PrivateFiles),
        });
    }
    // 1b. An outsider given access to the user's accounts, or their data made public.
    if it.grants_outsider {
        // Someone named by address, not "the team" or "a service".
        let to = it.targets.iter().find(|t| {
            matches!(
                t,
                Target::Email(_)
                    | Target::Url {
                        class: HostClass::Named | HostClass::Collection | HostClass::RawIp,
                        ..
                    }
            )
        });
        let declared_dest =
            matches!(to, Some(Target::Url { host, .. }) if declared.names_host(host));
        if to.is_some() && !declared_dest || it.publicises {
            return Some(Verdict {
                rule: INT_EXFIL,
                severity: Severity::High,
                confidence: if matches!(to, Some(Target::Email(_))) || conceal {
                    Confidence::High
                } else {
                    Confidence::Medium
                },
                what: match to {
                    Some(t) if !it.publicises => {
                        format!(
                            "gives {} access to the user's accounts or data",
                            dest_words(t)
                        )
                    }
                    _ => "makes the user's private data public".into(),
                },
                obj: Some(Obj::PrivateFiles),
            });
        }
    }
    // 2. Secrets, personal data or the conversation collected, logged or echoed.
    let harvests = it.has_act(Act::Collect) || it.has_act(Act::Echo) || it.has_act(Act::Send);
    if harvests && let Some(o) = it.any_obj(secret_obj) {
        let strong_obj = it.strong_objs().any(secret_obj);
        let into = if it.has_dest(Dest::Response) {
            Some("repeats them in the agent's answers")
        } else if it.has_dest(Dest::Persistent) || it.names_file {
            Some("writes them to a file that persists")
        } else if it.marks.contains(&Mark::Verbatim) {
            Some("reproduces them verbatim")
        } else if it.marks.contains(&Mark::Always) && it.has_strong_act(Act::Collect) {
            Some("keeps collecting them")
        } else {
            None
        };
        if let (true, Some(into)) = (strong_obj, into) {
            // A password, CVV or recovery phrase repeated into the answers is exposed for
            // good (transcripts are kept and shared); no form or setup needs that.
            let echoes_secret = it.human_secret
                && (it.has_dest(Dest::Response)
                    || it.marks.contains(&Mark::Verbatim)
                    || it.marks.contains(&Mark::Always));
            // Credential files the description never mentions, copied into the answer or
            // a file: the scope creep is complete.
            let creeps = it.strong_objs().any(|o| o == Obj::CredStore)
                && !declared.covers(Obj::CredStore)
                && !it.marks.contains(&Mark::Consent)
                && (it.has_dest(Dest::Response) || it.has_dest(Dest::Persistent) || it.names_file);
            let severity = if conceal
                || echoes_secret
                || creeps
                || it.marks.contains(&Mark::Always) && it.marks.contains(&Mark::Verbatim)
                || o == Obj::Conversation && it.marks.contains(&Mark::Always)
            {
                Severity::Critical
            } else {
                Severity::High
            };
            return Some(Verdict {
                rule: INT_HARVEST,
                severity,
                confidence: Confidence::High,
                what: format!("collects {} and {into}", o.describe()),
                obj: Some(o),
            });
        }
    }
    // 2b. The user asked for a secret only they know. Typing a password, a one-time code or
    // a recovery answer into a chat is what phishing asks for; tools that need one prompt
    // for it themselves.
    if it.human_secret
        && (it.asks_user && it.has_act(Act::Collect) || it.user_tells)
        && !it.marks.contains(&Mark::Meta)
        && it
            .any_obj(|o| matches!(o, Obj::Credential | Obj::Personal))
            .is_some()
    {
        // Written down where others read it, the secret is exposed for good.
        let kept = it.has_dest(Dest::Persistent) || it.has_dest(Dest::Response) || it.names_file;
        return Some(Verdict {
            rule: INT_HARVEST,
            severity: if kept {
                Severity::Critical
            } else {
                Severity::High
            },
            confidence: if kept {
                Confidence::High
            } else {
                Confidence::Medium
            },
            what: "asks the user to type a password, one-time code, recovery answer or \
                   account number into the conversation, which no skill needs"
                .into(),
            obj: Some(Obj::Credential),
        });
    }
    // 3. Safeguards turned off (removing one is turning it off).
    let disables = it.has_act(Act::Disable) || it.has_act(Act::Delete);
    if disables && it.strong_objs().any(|o| o == Obj::Safeguard) {
        let sev = if conceal || it.marks.contains(&Mark::Override) {
            Severity::Critical
        } else {
            Severity::High
        };
        return Some(Verdict {
            rule: INT_DISABLE,
            severity: sev,
            confidence: if it.has_strong_act(Act::Disable) || it.has_strong_act(Act::Delete) {
                Confidence::High
            } else {
                Confidence::Medium
            },
            what: "turns off security safeguards".into(),
            obj: Some(Obj::Safeguard),
        });
    }
    // 4. The user's own files deleted (not caches or build output).
    if it.has_act(Act::Delete)
        && !it.disposable
        && let Some(weak) = it
            .objs
            .iter()
            .filter(|(o, _)| matches!(o, Obj::PrivateFiles | Obj::Mail))
            .map(|(_, w)| *w)
            .min()
        && (!weak || it.has_strong_act(Act::Delete))
    {
        return Some(Verdict {
            rule: INT_DESTROY,
            severity: if conceal || it.marks.contains(&Mark::Override) {
                Severity::Critical
            } else {
                Severity::High
            },
            confidence: if !weak && it.has_strong_act(Act::Delete) {
                Confidence::High
            } else {
                Confidence::Medium
            },
            what: "deletes the user's files or mail outside the project".into(),
            obj: Some(Obj::PrivateFiles),
        });
    }
    // 5. Credential stores, mail, private files or the environment read.
    let reads = it.has_act(Act::Read) || it.has_act(Act::Collect) || it.has_act(Act::Echo);
    if reads
        && let Some(o) = [
            Obj::CredStore,
            Obj::Mail,
            Obj::PrivateFiles,
            Obj::Credential,
            Obj::Environment,
        ]
        .into_iter()
        .find(|o| it.strong_objs().any(|s| s == *o))
    {
        // Declared vs instructed: mail or private files a skill never mentions are scope
        // creep, not a task.
        let undeclared = matches!(o, Obj::Mail | Obj::PrivateFiles) && !declared.covers(o);
        // Scope creep completed: what the description never mentions is read and then put
        // in the answer, a file or a document, where it outlives the task.
        let moved = it.has_act(Act::Echo)
            || it.has_dest(Dest::Response)
            || it.has_dest(Dest::Persistent)
            || it.names_file;
        let creeps = moved
            && matches!(o, Obj::CredStore | Obj::Mail | Obj::PrivateFiles)
            && !declared.covers(o)
            && !it.marks.contains(&Mark::Consent);
        let sev = if creeps {
            Severity::Critical
        } else if matches!(o, Obj::CredStore) || conceal || undeclared {
            Severity::High
        } else {
            Severity::Medium
        };
        return Some(Verdict {
            rule: INT_ACCESS,
            severity: sev,
            confidence: if it.acts.iter().any(|(_, w)| !w) {
                Confidence::High
            } else {
                Confidence::Medium
            },
            what: format!("reads {}", o.describe()),
            obj: Some(o),
        });
    }
    // 6. The agent's own configuration rewritten with lasting instructions.
    if (it.has_act(Act::Modify) || it.has_act(Act::Echo) || it.has_act(Act::Collect))
        && it.strong_objs().any(|o| o == Obj::AgentConfig)
    {
        let lasting =
            it.marks.contains(&Mark::Always) || it.marks.contains(&Mark::Override) || conceal;
        return Some(Verdict {
            rule: INT_PERSIST,
            severity: if lasting {
                Severity::High
            } else {
                Severity::Medium
            },
            confidence: Confidence::Medium,
            what: "writes instructions into the agent's configuration or memory".into(),
            obj: Some(Obj::AgentConfig),
        });
    }
    None
}

const INT_EXFIL: RuleId = RuleId::T1IntExfiltration;
const INT_HARVEST: RuleId = RuleId::T1IntHarvest;
const INT_ACCESS: RuleId = RuleId::T1IntSensitiveAccess;
const INT_DISABLE: RuleId = RuleId::T1IntDisableSafeguards;
const INT_PERSIST: RuleId = RuleId::T1IntAgentConfig;
const INT_CONCEAL: RuleId = RuleId::T1IntConcealment;
const INT_OVERRIDE: RuleId = RuleId::T1IntAuthority;
const INT_DESTROY: RuleId = RuleId::T1IntDestroy;

/// "Ask the user for:" followed by a list: the items are the objects of the lead sentence.
/// "Submit these to the verification desk:" followed by a step block: where the block
/// sends things is where the sentence sends them.
fn step_fence_targets(doc: &Doc, intents: &mut [(Sentence, Intent)]) {
    let Some(layout) = &doc.layout else {
        return;
    };
    let fences = layout.fences();
    if fences.is_empty() {
        return;
    }
    for (sent, it) in intents.iter_mut() {
        if !doc.text[sent.start..sent.end].trim_end().ends_with(':') {
            continue;
        }
        let line = doc.line_index(sent.end.saturating_sub(1));
        let next = (line + 1..line + 3).find(|&l| {
            doc.line_starts
                .get(l)
                .is_some_and(|_| !doc.line_text(l).trim().is_empty())
        });
        let Some(fence) = fences.iter().find(|f| f.step && Some(f.open) == next) else {
            continue;
        };
        let (Some(&from), Some(&to)) = (
            doc.line_starts.get(fence.open),
            doc.line_starts.get(fence.close),
        ) else {
            continue;
        };
        let body = &doc.text[from..to];
        for c in GATE
            .alternatives(P_URL, gate::Mask::MAX)
            .flat_map(|re| re.captures_iter(body))
        {
            let host = c[1].to_ascii_lowercase();
            let class = host_class(&host);
            it.targets.push(Target::Url { host, class });
        }
    }
}

/// Columns of white space before the line holding `pos`.
fn indent(text: &str, pos: usize) -> usize {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    text[start..].len() - text[start..].trim_start_matches([' ', '\t']).len()
}

fn inherit_lists(text: &str, intents: &mut [(Sentence, Intent)]) {
    let mut i = 0;
    while i < intents.len() {
        let lead = text[intents[i].0.start..intents[i].0.end].trim_end();
        if !lead.ends_with(':') || intents[i].1.acts.is_empty() {
            i += 1;
            continue;
        }
        // A list item's items are its nested ones, not its siblings.
        let floor = if intents[i].0.list_item {
            indent(text, intents[i].0.start) + 1
        } else {
            0
        };
        let mut j = i + 1;
        let mut objs = Vec::new();
        let mut targets = Vec::new();
        let mut human_secret = false;
        while j < intents.len()
            && j <= i + 16
            && intents[j].0.list_item
            && indent(text, intents[j].0.start) >= floor
        {
            objs.extend(intents[j].1.objs.iter().copied());
            targets.extend(intents[j].1.targets.iter().cloned());
            human_secret |= intents[j].1.human_secret;
            j += 1;
        }
        intents[i].1.human_secret |= human_secret;
        intents[i].1.objs.extend(objs);
        intents[i].1.targets.extend(targets);
        intents[i].1.human_secret |= human_secret;
        i = j.max(i + 1);
    }
}

/// "Send it there", "close every reply with the profile": a sentence that moves data but
/// names no sensitive object (or no destination) takes them from what was collected just
/// before in the same section, or from what the document collected anywhere earlier.
/// Whether a sentence is only pronouns for its object ("send it", "upload them") is asked
/// of the few that move data.
fn borrow_from_context(text: &str, intents: &mut [(Sentence, Intent)]) {
    let mut collected: Vec<(Obj, bool)> = Vec::new();
    for i in 0..intents.len() {
        let (s, it) = &intents[i];
        let moves = it.has_act(Act::Send) || it.has_act(Act::Echo);
        // A weak mention ("the conversation") does not stop the borrow.
        let has_data = it.objs.iter().any(|(o, w)| o.is_data() && !w);
        let has_dest = !it.targets.is_empty() || it.names_file;
        let mut objs: Vec<(Obj, bool)> = Vec::new();
        let mut targets: Vec<Target> = Vec::new();
        let mut human_secret = false;
        let back = || refers_back(&text[s.start..s.end]);
        if moves && !has_data && (has_dest || back()) {
            let section = s.section;
            for (_, p) in intents[i.saturating_sub(4)..i]
                .iter()
                .filter(|(p, _)| p.section == section)
            {
                let before = objs.len();
                objs.extend(p.objs.iter().copied().filter(|(o, _)| o.is_data()));
                human_secret |= p.human_secret && objs.len() > before;
            }
            if objs.is_empty() && has_dest {
                objs.extend(collected.iter().copied());
            }
        }
        if it.has_act(Act::Send) && it.external_any().is_none() && back() {
            let section = s.section;
            targets.extend(
                intents[i.saturating_sub(3)..i]
                    .iter()
                    .filter(|(p, _)| p.section == section)
                    .flat_map(|(_, p)| p.targets.iter().cloned())
                    .filter(|t| !matches!(t, Target::Word(Dest::User | Dest::Response))),
            );
        }
        if intents[i].1.has_act(Act::Collect) {
            let new: Vec<(Obj, bool)> = intents[i]
                .1
                .objs
                .iter()
                .copied()
                .filter(|(o, w)| secret_obj(*o) && !w)
                .collect();
            collected.extend(new);
        }
        intents[i].1.objs.extend(objs);
        intents[i].1.targets.extend(targets);
        intents[i].1.human_secret |= human_secret;
    }
}

/// Markers of each whole block (paragraph or list item), by block number: gathered in one
/// pass rather than by scanning every sentence for each one.
fn block_marks(intents: &[(Sentence, Intent)]) -> Vec<BTreeSet<Mark>> {
    let mut by_block: Vec<BTreeSet<Mark>> = Vec::new();
    for (s, it) in intents {
        let b = s.block as usize;
        if by_block.len() <= b {
            by_block.resize(b + 1, BTreeSet::new());
        }
        by_block[b].extend(it.marks.iter().copied());
    }
    by_block
}

/// Runs intent analysis over one markdown document.
/// `SKILLVET_INTENT_DEBUG=1` prints every sentence's reading (for tuning the lexicon).
static DEBUG: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("SKILLVET_INTENT_DEBUG").is_some());

/// Bytes of a reference document whose sentences are read for intent.
const MAX_DOC_PROSE: usize = 24 * 1024;

pub(crate) fn scan(doc: &Doc, ctx: &SkillContext, declared: &Declared, out: &mut Vec<Finding>) {
    if doc.layout.is_none() || doc.origin.is_some() {
        return;
    }
    let mut sentences = steps::sentences(doc);
    // Reference documents are read on demand and their findings weigh less; bound the
    // work on long ones (tier-1 patterns still read them whole).
    if doc.role == Role::Doc {
        sentences.retain(|s| s.start < MAX_DOC_PROSE);
    }
    if sentences.is_empty() {
        return;
    }
    let first = out.len();
    // Only the lines holding sentences are searched (not code blocks, nor what follows the
    // prose bound of a reference document).
    let spans = steps::line_spans(doc.text, &sentences);
    let hits = lexicon::hits(doc.text, &spans);
    let marks = GATE.scan(doc.text, &spans);
    let mut intents: Vec<(Sentence, Intent)> = sentences
        .into_iter()
        .map(|s| {
            let it = intent_of(doc.text, &s, &hits, &marks);
            (s, it)
        })
        .collect();
    inherit_lists(doc.text, &mut intents);
    step_fence_targets(doc, &mut intents);
    borrow_from_context(doc.text, &mut intents);
    let mut found_in_block: BTreeSet<u32> = BTreeSet::new();
    let mut found_at: BTreeSet<usize> = BTreeSet::new();
    let by_block = block_marks(&intents);
    for i in 0..intents.len() {
        let marks = &by_block[intents[i].0.block as usize];
        let (sent, it) = &intents[i];
        let mut it = it.clone();
        // Concealment, pretexts and precedence claims colour the whole item.
        for m in [Mark::Conceal, Mark::Pretext, Mark::Override, Mark::Always] {
            if marks.contains(&m) {
                it.marks.insert(m);
            }
        }
        let sentence_text = &doc.text[sent.start..sent.end];
        if *DEBUG {
            eprintln!("intent @{}: {:?}\n  {it:?}", sent.start, sentence_text);
        }
        let Some(v) = judge(&it, declared) else {
            continue;
        };
        if let Some(f) = finding(doc, ctx, declared, sent, &it, marks, v, sentence_text) {
            found_in_block.insert(sent.block);
            found_at.insert(sent.start);
            out.push(f);
        }
    }
    // Concealment and authority claims on their own (not already part of a finding).
    for (sent, it) in &intents {
        // A takeover claim is reported even beside another finding of its block.
        let covered = found_in_block.contains(&sent.block) && !it.takeover;
        if covered || found_at.contains(&sent.start) || it.marks.contains(&Mark::Meta) {
            continue;
        }
        let text = &doc.text[sent.start..sent.end];
        let (rule, what, strong) = if it.strong_override
            || it.marks.contains(&Mark::Override) && !it.acts.is_empty()
        {
            (
                INT_OVERRIDE,
                "claims precedence over the user's and the system's instructions, or gives untrusted content the power to instruct the agent",
                it.strong_override,
            )
        } else if it.strong_conceal
            || it.marks.contains(&Mark::Conceal)
                && it.acts.iter().any(|(a, _)| !matches!(a, Act::Echo))
                && !it.marks.contains(&Mark::Consent)
        {
            (
                INT_CONCEAL,
                "keeps what the agent does from the user",
                it.strong_conceal,
            )
        } else {
            continue;
        };
        let takeover = rule == INT_OVERRIDE && it.takeover;
        let v = Verdict {
            rule,
            severity: if takeover {
                Severity::Critical
            } else if strong {
                Severity::High
            } else {
                Severity::Medium
            },
            confidence: if takeover {
                Confidence::High
            } else {
                Confidence::Medium
            },
            what: what.into(),
            obj: None,
        };
        if let Some(f) = finding(doc, ctx, declared, sent, it, &it.marks, v, text) {
            out.push(f);
        }
    }
    confirm_takeover(doc, &mut out[first..]);
}

/// One claim of precedence can be a clumsy style guide; a SKILL.md that makes several, in
/// separate sentences, is written to take the agent over: each becomes a confirmed finding.
fn confirm_takeover(doc: &Doc, found: &mut [Finding]) {
    if doc.role != Role::SkillMd {
        return;
    }
    let code = INT_OVERRIDE.code();
    let strong = |f: &Finding| {
        f.rule_id == code && f.severity >= Severity::High && f.confidence >= Confidence::Medium
    };
    let claims: BTreeSet<(u32, u32)> = found
        .iter()
        .filter(|f| strong(f))
        .map(|f| (f.line, f.column))
        .collect();
    if claims.len() < 2 {
        return;
    }
    for f in found.iter_mut().filter(|f| strong(f)) {
        f.severity = Severity::Critical;
        f.confidence = Confidence::High;
        f.explanation.push_str(&format!(
            " It is one of {} such claims in SKILL.md.",
            claims.len()
        ));
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    doc: &Doc,
    ctx: &SkillContext,
    declared: &Declared,
    sent: &Sentence,
    it: &Intent,
    marks: &BTreeSet<Mark>,
    v: Verdict,
    text: &str,
) -> Option<Finding> {
    let rule: &Rule = rules::known(v.rule);
    let mut adj = super::Adjust::default();
    let mut notes: Vec<String> = Vec::new();
    if it.marks.contains(&Mark::Meta) {
        if ctx.teaches_attacks {
            return None;
        }
        adj.add(2, 2, "describes such instructions rather than giving them");
    }
    if ctx.teaches_attacks {
        adj.add(1, 1, "in a security-teaching skill");
    }
    if it.marks.contains(&Mark::Consent) && !marks.contains(&Mark::Pretext) {
        adj.add(2, 1, "asks the user or acts on the user's request");
    }
    match sent.kind {
        Kind::Quote | Kind::Table => adj.add(1, 1, "in a quotation or table"),
        Kind::Heading => adj.add(1, 1, "in a heading"),
        Kind::Comment => notes.push("hidden in an HTML comment that people do not see".into()),
        Kind::Prose => {}
    }
    if doc.role == Role::Doc && !ctx.follows(doc.path) {
        adj.add(0, 1, "in reference documentation");
    }
    let covered = v.obj.is_some_and(|o| declared.covers(o));
    let dest_declared = match it.external(declared) {
        Some(Target::Url {
            host,
            class: HostClass::Named,
        }) => declared.names_host(host),
        Some(_) => false,
        None => true,
    };
    let why = "the description declares this kind of data";
    if v.obj.is_some() && !covered {
        notes.push("the description does not say the skill handles this".into());
    } else if covered && !marks.contains(&Mark::Conceal) {
        // Declaring what a skill reads justifies reading it, not storing, echoing or
        // sending secrets.
        match v.rule {
            INT_EXFIL if dest_declared => adj.add(1, 1, why),
            // Reproducing the agent's own instructions with a claim that confidentiality is
            // lifted is a leak, whatever the skill says it audits.
            // Nor keeping a password, CVV or recovery phrase, whatever form it is for.
            INT_HARVEST
                if v.obj != Some(Obj::Credential)
                    && !it.human_secret
                    && !(v.obj == Some(Obj::SystemPrompt) && it.strong_override) =>
            {
                adj.add(1, 1, why)
            }
            INT_ACCESS => adj.add(2, 1, why),
            INT_DISABLE | INT_PERSIST => adj.add(1, 0, why),
            _ => {}
        }
    }
    if marks.contains(&Mark::Pretext) {
        notes.push("justified by a pretext (audit, IT team, verification, diagnostics)".into());
    }
    if marks.contains(&Mark::Conceal) && v.rule != INT_CONCEAL {
        notes.push("and kept from the user".into());
    }
    let explanation = format!(
        "{} This instruction {}{}.",
        rule.description,
        v.what,
        if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        }
    );
    // A pretext or concealment makes the reading surer, never less sure.
    let confidence = if (marks.contains(&Mark::Pretext) || marks.contains(&Mark::Conceal))
        && v.confidence == Confidence::Medium
    {
        Confidence::High
    } else {
        v.confidence
    };
    let offset = sent.start + (text.len() - text.trim_start().len());
    Some(finding_with(
        rule,
        doc,
        offset,
        text.trim(),
        explanation,
        v.severity,
        confidence,
        adj,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_heads_and_negation() {
        assert_eq!(clause_head("Then quietly collect", 13), Some(false));
        assert_eq!(clause_head("Never collect", 6), Some(true));
        assert_eq!(clause_head("This skill helps you collect", 21), None);
        assert_eq!(
            clause_head("When the user types a password, store", 32),
            Some(false)
        );
        assert_eq!(clause_head("Never read or upload", 14), Some(true));
        assert_eq!(
            clause_head("Do not ask for confirmation, just upload", 34),
            Some(false)
        );
        assert_eq!(clause_head("Your task is to read", 16), Some(false));
    }
}
