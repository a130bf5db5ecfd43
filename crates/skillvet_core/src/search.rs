//! The marketplace search contract, shared by both stores: what a query means is decided here,
//! once, so SQLite (FTS5) and PostgreSQL (tsvector) answer the same question.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::{CertTier, Skill};

/// How results are ordered. `Relevance` without words is the same as `Trending`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    #[default]
    Relevance,
    Trending,
    Installs,
    Newest,
}

impl SearchSort {
    pub const ALL: &'static [SearchSort] = &[
        SearchSort::Relevance,
        SearchSort::Trending,
        SearchSort::Installs,
        SearchSort::Newest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::Trending => "trending",
            Self::Installs => "installs",
            Self::Newest => "newest",
        }
    }
}

impl fmt::Display for SearchSort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SearchSort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                format!("unknown sort `{s}` (use relevance, trending, installs or newest)")
            })
    }
}

/// A marketplace search. Only ACTIVE (served) skills are ever returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// Free text as typed by a user; see [`ParsedText`].
    pub text: String,
    /// Exact category, case-insensitive.
    pub category: Option<String>,
    pub tier: Option<CertTier>,
    /// The skill's declared author or the repository owner (user or org), case-insensitive.
    pub author: Option<String>,
    /// `owner/name` of one repository, case-insensitive.
    pub repository: Option<(String, String)>,
    pub sort: SearchSort,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl SearchQuery {
    pub const MAX_PER_PAGE: u32 = 100;
    pub const DEFAULT_PER_PAGE: u32 = 20;
    /// Deepest reachable page; beyond it people refine the query instead.
    pub const MAX_PAGE: u32 = 1000;
    /// Above this many matches, `Relevance` ranks by popularity (trending) instead of text
    /// rank: ranking every match of a very common word costs a full pass over its postings.
    pub const RANKED_MATCH_LIMIT: u64 = 1000;

    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            category: None,
            tier: None,
            author: None,
            repository: None,
            sort: SearchSort::Relevance,
            page: 1,
            per_page: Self::DEFAULT_PER_PAGE,
        }
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(self.per_page)
    }

    pub fn parsed(&self) -> ParsedText {
        ParsedText::parse(&self.text)
    }
}

/// One page of results with the exact number of matching skills.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchPage {
    pub items: Vec<Skill>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

impl SearchPage {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(u64::from(self.per_page.max(1)))
    }
}

/// A category of listed (ACTIVE) skills with its exact number of skills: the facet of the
/// search page. `name` is lower-cased, as the category filter compares case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    pub name: String,
    pub count: u64,
}

impl CategoryCount {
    /// Categories are free text from SKILL.md; a facet lists at most this many, most used first.
    pub const MAX_LISTED: u32 = 100;
}

/// The text of a query split the way both backends index it.
///
/// - Terms that look like a repository (`owner/repo`, a URL, `github.com`) match as
///   case-insensitive substrings of `owner/name url` of the skill's repository.
/// - Every other run of letters and digits is a word: full-text (stemmed) over name,
///   description, category, labels, and repository owner/name. English stop words are dropped
///   (PostgreSQL drops them anyway; dropping them here keeps SQLite identical).
/// - All terms must match (AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedText {
    pub words: Vec<String>,
    pub repo_terms: Vec<String>,
}

/// Longest accepted query text; the rest is ignored.
const MAX_TEXT: usize = 256;
const MAX_TERMS: usize = 12;

impl ParsedText {
    pub fn parse(text: &str) -> Self {
        let mut parsed = Self::default();
        let text: String = text.chars().take(MAX_TEXT).collect();
        for raw in text.split_whitespace() {
            if parsed.words.len() + parsed.repo_terms.len() >= MAX_TERMS {
                break;
            }
            if raw.contains('/') || raw.contains(':') || raw.contains('.') {
                let mut term = raw.to_lowercase();
                if let Some(rest) = term.strip_suffix(".git") {
                    term = rest.to_string();
                }
                let term = term
                    .trim_matches(|c: char| c == '/' || c == '.')
                    .to_string();
                if term.chars().any(char::is_alphanumeric) && !parsed.repo_terms.contains(&term) {
                    parsed.repo_terms.push(term);
                }
                continue;
            }
            for word in raw
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                let word = word.to_lowercase();
                if !STOP_WORDS.contains(&word.as_str()) && !parsed.words.contains(&word) {
                    parsed.words.push(word);
                }
            }
        }
        parsed.words.truncate(MAX_TERMS);
        parsed
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.repo_terms.is_empty()
    }

    /// An FTS5 query: each word quoted (so no FTS syntax gets through), implicitly ANDed.
    pub fn fts5_query(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| {
            self.words
                .iter()
                .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// Text for PostgreSQL's `plainto_tsquery` (which ANDs the words).
    pub fn plain_words(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| self.words.join(" "))
    }
}

/// `owner/name` from a `repo` filter value, lower-cased.
pub fn parse_repository(value: &str) -> Option<(String, String)> {
    let value = value.trim().trim_end_matches('/');
    let value = value.strip_suffix(".git").unwrap_or(value);
    let value = value
        .strip_prefix("https://github.com/")
        .unwrap_or(value)
        .to_lowercase();
    let (owner, name) = value.split_once('/')?;
    (!owner.is_empty() && !name.is_empty() && !name.contains('/'))
        .then(|| (owner.to_string(), name.to_string()))
}

/// PostgreSQL's `english` stop words (Snowball list), so both backends ignore the same words.
const STOP_WORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "s",
    "t",
    "can",
    "will",
    "just",
    "don",
    "should",
    "now",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_and_repository_terms() {
        let p = ParsedText::parse("The PDF-tools for anthropics/skills https://github.com/a/b.git");
        assert_eq!(p.words, vec!["pdf", "tools"]);
        assert_eq!(
            p.repo_terms,
            vec!["anthropics/skills", "https://github.com/a/b"]
        );
    }

    #[test]
    fn fts_syntax_is_quoted() {
        let p = ParsedText::parse("a\"b OR NEAR(x) *");
        assert_eq!(p.fts5_query().unwrap(), "\"b\" \"near\" \"x\"");
    }

    #[test]
    fn only_stop_words_is_empty() {
        assert!(ParsedText::parse("the of and").is_empty());
        assert!(ParsedText::parse("  ").fts5_query().is_none());
    }

    #[test]
    fn repository_filter() {
        assert_eq!(
            parse_repository("https://github.com/Acme/Skills.git"),
            Some(("acme".into(), "skills".into()))
        );
        assert_eq!(parse_repository("acme"), None);
        assert_eq!(parse_repository("a/b/c"), None);
    }
}
