//! Skills on the local disk (`skillvet scan PATH`): the directory is walked with `lstat`
//! only, so symbolic links are recorded, never followed; `.git` is skipped; special files
//! (FIFOs, sockets, devices) are refused without being opened.

use std::fs::{File, Metadata};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::bundle::{FileKind, SKILL_MD, SkillBundle};
use crate::tree::{Limits, LoadError, TreeEntry, TreeSource, bundle_from_tree, check_limits, join};

/// A local directory listed as a [`TreeSource`]; file contents are read on demand.
#[derive(Debug, Clone)]
pub struct LocalTree {
    root: PathBuf,
    entries: Vec<TreeEntry>,
    limits: Limits,
}

impl LocalTree {
    /// Lists `root` recursively under `limits` (file count, single and total size from
    /// `lstat`). `root` itself may be reached through a symlink given by the operator;
    /// nothing inside it is followed.
    pub fn open(root: &Path, limits: &Limits) -> Result<Self, LoadError> {
        let mut entries: Vec<TreeEntry> = Vec::new();
        let mut total: u64 = 0;
        walk(root, &mut |path, meta| {
            let entry = entry_for(root, path, meta)?;
            // Fail fast on huge trees instead of listing them completely first.
            total = total.saturating_add(entry.size);
            check_limits(std::slice::from_ref(&entry), limits)?;
            if entries.len() >= limits.max_files {
                return Err(LoadError::TooManyFiles {
                    limit: limits.max_files,
                    path: entry.path,
                });
            }
            if total > limits.max_total_bytes {
                return Err(LoadError::TotalTooLarge {
                    path: entry.path,
                    limit: limits.max_total_bytes,
                });
            }
            entries.push(entry);
            Ok(())
        })?;
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(LocalTree {
            root: root.to_owned(),
            entries,
            limits: *limits,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl TreeSource for LocalTree {
    fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, LoadError> {
        let entry = self.entry(path).ok_or_else(|| LoadError::NotInTree {
            path: path.to_owned(),
        })?;
        let full = self.root.join(path);
        match &entry.kind {
            FileKind::Symlink { target } => Ok(target.clone().into_bytes()),
            FileKind::Submodule => Ok(Vec::new()),
            FileKind::Regular | FileKind::Executable => {
                read_regular(&full, self.limits.max_file_bytes)
            }
        }
    }
}

/// Reads a regular file without following a symlink in its last component and without
/// blocking on a FIFO swapped in after listing; never more than `max` bytes (+1 to detect).
fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, LoadError> {
    let display = path.display().to_string();
    let io = |source| LoadError::Io {
        path: display.clone(),
        source,
    };
    let file = File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.file_type().is_file() {
        return Err(LoadError::Changed { path: display });
    }
    let mut content = Vec::new();
    file.take(max + 1).read_to_end(&mut content).map_err(io)?;
    if content.len() as u64 > max {
        return Err(LoadError::FileTooLarge {
            path: display,
            size: content.len() as u64,
            limit: max,
        });
    }
    Ok(content)
}

fn entry_for(root: &Path, path: &Path, meta: &Metadata) -> Result<TreeEntry, LoadError> {
    let rel = relative(root, path)?;
    let file_type = meta.file_type();
    let kind = if file_type.is_symlink() {
        let target = std::fs::read_link(path).map_err(|source| LoadError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let target = target.to_str().ok_or_else(|| LoadError::NonUtf8Path {
            parent: rel.clone(),
        })?;
        FileKind::Symlink {
            target: target.to_owned(),
        }
    } else if file_type.is_file() {
        if meta.permissions().mode() & 0o111 != 0 {
            FileKind::Executable
        } else {
            FileKind::Regular
        }
    } else {
        let kind = if file_type.is_fifo() {
            "FIFO"
        } else if file_type.is_socket() {
            "socket"
        } else if file_type.is_block_device() || file_type.is_char_device() {
            "device file"
        } else {
            "special file"
        };
        return Err(LoadError::SpecialFile {
            path: path.display().to_string(),
            kind,
        });
    };
    let size = match &kind {
        FileKind::Symlink { target } => target.len() as u64,
        _ => meta.len(),
    };
    Ok(TreeEntry {
        path: rel,
        kind,
        size,
    })
}

fn relative(root: &Path, path: &Path) -> Result<String, LoadError> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in rel.components() {
        let part = component
            .as_os_str()
            .to_str()
            .ok_or_else(|| LoadError::NonUtf8Path {
                parent: out.clone(),
            })?;
        out = join(&out, part);
    }
    Ok(out)
}

/// Depth-first walk of `root` with `lstat`, skipping `.git`; calls `visit` for every
/// non-directory. Iterative, so deep trees cannot overflow the stack.
fn walk(
    root: &Path,
    visit: &mut dyn FnMut(&Path, &Metadata) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| LoadError::Io { path, source }
    };
    let root_meta = std::fs::metadata(root).map_err(io(root))?;
    if !root_meta.is_dir() {
        return Err(LoadError::NotADirectory {
            path: root.display().to_string(),
        });
    }
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let mut children: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(io(&dir))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(io(&dir))?;
        children.sort();
        let mut subdirs = Vec::new();
        for child in children {
            if child.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            let meta = std::fs::symlink_metadata(&child).map_err(io(&child))?;
            if meta.is_dir() {
                subdirs.push(child);
            } else {
                visit(&child, &meta)?;
            }
        }
        // Popped in sorted order.
        stack.extend(subdirs.into_iter().rev());
    }
    Ok(())
}

/// Reads one skill folder from disk into a bundle. `root` of the bundle is the folder's own
/// name (callers scanning a repository may replace it with the path inside the repository).
pub fn load_dir(path: &Path, limits: &Limits) -> Result<SkillBundle, LoadError> {
    let tree = LocalTree::open(path, limits)?;
    let mut bundle = bundle_from_tree(&tree, "", limits)?;
    bundle.root = path
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
        .unwrap_or_default();
    Ok(bundle)
}

/// Every folder under `path` (itself included) holding a `SKILL.md` (as a file or a
/// symlink, which the scanner then rejects), sorted. Symlinked folders are not entered.
pub fn find_skill_dirs(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut found = Vec::new();
    walk(path, &mut |file, meta| {
        if file.file_name().is_some_and(|n| n == SKILL_MD)
            && (meta.is_file() || meta.file_type().is_symlink())
            && let Some(parent) = file.parent()
        {
            found.push(parent.to_owned());
        }
        Ok(())
    })?;
    found.sort();
    Ok(found)
}
