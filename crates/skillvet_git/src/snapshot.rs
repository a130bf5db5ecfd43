//! A fetched commit held in memory: its tree listing and blob contents.

use std::collections::HashMap;

use skillvet_skill::{
    Discovery, FileKind, Limits, LoadError, SkillBundle, TreeEntry, TreeSource, bundle_from_tree,
    discover,
};

use crate::url::RepoUrl;

/// One commit of a repository, read completely (within the limits) into memory. The bare
/// repository it came from lived in a temporary directory that was removed before `fetch`
/// returned, so a snapshot leaves nothing on disk whatever happens to it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub(crate) url: RepoUrl,
    pub(crate) commit_sha: String,
    /// Sorted by path.
    pub(crate) entries: Vec<TreeEntry>,
    /// Object id of each entry (same index as `entries`).
    pub(crate) object_ids: Vec<String>,
    /// Blob contents by object id.
    pub(crate) blobs: HashMap<String, Vec<u8>>,
    pub(crate) limits: Limits,
}

impl Snapshot {
    /// The pinned commit (40 lowercase hex).
    pub fn commit_sha(&self) -> &str {
        &self.commit_sha
    }

    pub fn url(&self) -> &RepoUrl {
        &self.url
    }

    /// Every file under `folder` (`""` for the whole repository), with the fetch limits.
    pub fn bundle(&self, folder: &str) -> Result<SkillBundle, LoadError> {
        bundle_from_tree(self, folder, &self.limits)
    }

    /// Every skill in the commit (root-level skill checked against the repository name).
    pub fn discover(&self) -> Discovery {
        discover(self, Some(self.url.name()))
    }

    /// Sum of listed entry sizes.
    pub fn total_bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }
}

impl TreeSource for Snapshot {
    fn entries(&self) -> &[TreeEntry] {
        &self.entries
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, LoadError> {
        let index = self
            .entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .map_err(|_| LoadError::NotInTree {
                path: path.to_owned(),
            })?;
        let oid = &self.object_ids[index];
        match &self.entries[index].kind {
            FileKind::Submodule => Ok(oid.clone().into_bytes()),
            FileKind::Symlink { target } => Ok(target.clone().into_bytes()),
            FileKind::Regular | FileKind::Executable => {
                self.blobs
                    .get(oid)
                    .cloned()
                    .ok_or_else(|| LoadError::NotInTree {
                        path: path.to_owned(),
                    })
            }
        }
    }
}
