//! What to fetch: the default branch, a branch or tag name, or a full commit id. Names are
//! validated strictly, and always passed after `--`, so a reference can never be read as a
//! git option or a refspec with a destination.

use crate::error::FetchError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// The remote's HEAD (default branch).
    Head,
    /// A branch or tag (`main`, `v1.2`, `refs/tags/v1.2`).
    Name(String),
    /// A full 40-hex commit id (lower-cased).
    Commit(String),
}

impl Reference {
    pub fn parse(input: Option<&str>) -> Result<Reference, FetchError> {
        let Some(input) = input.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(Reference::Head);
        };
        if input.len() == 40 && input.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(Reference::Commit(input.to_ascii_lowercase()));
        }
        let invalid = |reason| FetchError::InvalidReference {
            reference: input.to_owned(),
            reason,
        };
        if input.len() > 255 {
            return Err(invalid("longer than 255 characters"));
        }
        if input.starts_with('-') {
            return Err(invalid("must not start with '-'"));
        }
        if !input
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
        {
            return Err(invalid(
                "only letters, digits, '.', '_', '-' and '/' are allowed",
            ));
        }
        if input.contains("..")
            || input.contains("//")
            || input.ends_with('/')
            || input.ends_with(".lock")
        {
            return Err(invalid("not a valid git reference name"));
        }
        if input
            .split('/')
            .any(|part| part.starts_with('.') || part.is_empty())
        {
            return Err(invalid("a path component must not start with '.'"));
        }
        Ok(Reference::Name(input.to_owned()))
    }

    /// The refspec handed to `git fetch` (source only: fetched into FETCH_HEAD).
    pub(crate) fn refspec(&self) -> &str {
        match self {
            Reference::Head => "HEAD",
            Reference::Name(name) => name,
            Reference::Commit(sha) => sha,
        }
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.refspec())
    }
}
