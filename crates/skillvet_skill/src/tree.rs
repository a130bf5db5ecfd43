//! A repository tree seen as a flat list of entries, whatever it comes from (a fetched git
//! commit, a local folder), and the limits applied when turning part of it into a bundle.

use crate::bundle::{FileKind, SkillBundle, SkillFile};

/// Size and count limits for a tree or a skill folder. Defaults: 5,000 files, 10 MB per
/// file, 50 MB in total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries (files, symlinks, submodules; not directories).
    pub max_files: usize,
    /// Largest single file, in bytes.
    pub max_file_bytes: u64,
    /// Largest sum of file sizes, in bytes.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_files: 5_000,
            max_file_bytes: 10_000_000,
            max_total_bytes: 50_000_000,
        }
    }
}

/// `50 MB`, `10 kB` or `1234 bytes`: byte counts as people read them (decimal units).
pub fn format_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 && b % 1_000_000 == 0 => format!("{} MB", b / 1_000_000),
        b if b >= 1_000 && b % 1_000 == 0 => format!("{} kB", b / 1_000),
        b => format!("{b} bytes"),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a directory")]
    NotADirectory { path: String },
    #[error("skill folder {folder:?} does not exist in the tree")]
    FolderNotFound { folder: String },
    #[error("{path:?} is not a file in the tree")]
    NotInTree { path: String },
    #[error("more than {limit} files: the file-count limit was reached at {path}")]
    TooManyFiles { limit: usize, path: String },
    #[error("{path} is {size} bytes, over the single-file size limit of {}", format_bytes(*limit))]
    FileTooLarge { path: String, size: u64, limit: u64 },
    #[error("the files exceed the total size limit of {} (reached at {path})", format_bytes(*limit))]
    TotalTooLarge { path: String, limit: u64 },
    #[error("a file name under {parent} is not valid UTF-8")]
    NonUtf8Path { parent: String },
    #[error("{path} is a {kind}; only regular files, directories and symbolic links are allowed")]
    SpecialFile { path: String, kind: &'static str },
    #[error("{path} changed while it was being read")]
    Changed { path: String },
}

/// One non-directory entry of a tree. `path` is relative to the tree root, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    pub path: String,
    pub kind: FileKind,
    /// Content size in bytes (link-target length for symlinks, 0 for submodules).
    pub size: u64,
}

/// A tree that can be walked without checking anything out.
pub trait TreeSource {
    /// Every entry, sorted by path.
    fn entries(&self) -> &[TreeEntry];

    /// Content of an entry listed in [`TreeSource::entries`]: file bytes, a symlink's target,
    /// or a submodule's pinned commit id. Paths not listed are an error, so a hostile path
    /// (`../x`) can never reach outside the tree.
    fn read(&self, path: &str) -> Result<Vec<u8>, LoadError>;

    /// The entry at `path`, if listed.
    fn entry(&self, path: &str) -> Option<&TreeEntry> {
        let entries = self.entries();
        entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()
            .map(|i| &entries[i])
    }
}

/// Checks a whole tree against `limits` (count, single size, total) using listed sizes.
pub fn check_limits(entries: &[TreeEntry], limits: &Limits) -> Result<(), LoadError> {
    let mut total: u64 = 0;
    for (i, entry) in entries.iter().enumerate() {
        if i >= limits.max_files {
            return Err(LoadError::TooManyFiles {
                limit: limits.max_files,
                path: entry.path.clone(),
            });
        }
        if entry.size > limits.max_file_bytes {
            return Err(LoadError::FileTooLarge {
                path: entry.path.clone(),
                size: entry.size,
                limit: limits.max_file_bytes,
            });
        }
        total = total.saturating_add(entry.size);
        if total > limits.max_total_bytes {
            return Err(LoadError::TotalTooLarge {
                path: entry.path.clone(),
                limit: limits.max_total_bytes,
            });
        }
    }
    Ok(())
}

/// `folder` joined with `name` (`folder` may be `""` for the root).
pub fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    }
}

/// Entries under `folder` (all of them for `""`), as (path relative to folder, entry).
pub fn entries_under<'a>(
    entries: &'a [TreeEntry],
    folder: &'a str,
) -> impl Iterator<Item = (&'a str, &'a TreeEntry)> + 'a {
    entries.iter().filter_map(move |e| {
        if folder.is_empty() {
            Some((e.path.as_str(), e))
        } else {
            e.path
                .strip_prefix(folder)?
                .strip_prefix('/')
                .map(|rel| (rel, e))
        }
    })
}

/// Every file under `folder` as a bundle, applying `limits` to that folder alone. Symlinks and
/// submodules are recorded as such, never followed.
pub fn bundle_from_tree(
    source: &dyn TreeSource,
    folder: &str,
    limits: &Limits,
) -> Result<SkillBundle, LoadError> {
    let folder = folder.trim_matches('/');
    let selected: Vec<(&str, &TreeEntry)> = entries_under(source.entries(), folder).collect();
    if selected.is_empty() && !folder.is_empty() {
        return Err(LoadError::FolderNotFound {
            folder: folder.to_owned(),
        });
    }
    let owned: Vec<TreeEntry> = selected.iter().map(|(_, e)| (*e).clone()).collect();
    check_limits(&owned, limits)?;
    let mut files = Vec::with_capacity(selected.len());
    let mut total: u64 = 0;
    for (rel, entry) in selected {
        let content = match &entry.kind {
            FileKind::Symlink { .. } => Vec::new(),
            _ => source.read(&entry.path)?,
        };
        // Listed sizes were checked; re-check what was actually read.
        let size = content.len() as u64;
        if size > limits.max_file_bytes {
            return Err(LoadError::FileTooLarge {
                path: entry.path.clone(),
                size,
                limit: limits.max_file_bytes,
            });
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(LoadError::TotalTooLarge {
                path: entry.path.clone(),
                limit: limits.max_total_bytes,
            });
        }
        files.push(SkillFile {
            path: rel.to_owned(),
            kind: entry.kind.clone(),
            content,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(SkillBundle {
        root: folder.to_owned(),
        files,
    })
}
