//! Content identity of a skill: the same files give the same hash at any commit, in any
//! folder, and any change of a byte, a path or a file mode changes it.
//!
//! Canonical encoding (version 1), hashed with SHA-256 and rendered as lowercase hex:
//!
//! ```text
//! "skillvet-tree-v1\n"
//! for each file, sorted by path (bytewise), then kind tag, then content:
//!     u64 big-endian length of path  ++  path bytes (UTF-8, '/'-separated, relative)
//!     one kind tag byte: b'f' regular, b'x' executable, b'l' symlink, b'm' submodule
//!     u64 big-endian length of payload  ++  payload
//! ```
//!
//! The payload is the file content for regular/executable files, the link target for a
//! symlink and the pinned commit id for a submodule. Length prefixes make the encoding
//! unambiguous (no two different file lists encode to the same bytes). The bundle's `root`
//! is deliberately excluded: moving a skill folder does not change what it contains.

use sha2::{Digest, Sha256};

use crate::bundle::{FileKind, SkillBundle, SkillFile};

const DOMAIN: &[u8] = b"skillvet-tree-v1\n";

/// SHA-256 (lowercase hex) of the bundle's canonical encoding; see the module docs.
pub fn content_hash(bundle: &SkillBundle) -> String {
    let mut files: Vec<&SkillFile> = bundle.files.iter().collect();
    files.sort_by(|a, b| {
        a.path
            .as_bytes()
            .cmp(b.path.as_bytes())
            .then_with(|| tag(&a.kind).cmp(&tag(&b.kind)))
            .then_with(|| payload(a).cmp(payload(b)))
    });
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    for file in files {
        hasher.update((file.path.len() as u64).to_be_bytes());
        hasher.update(file.path.as_bytes());
        hasher.update([tag(&file.kind)]);
        let payload = payload(file);
        hasher.update((payload.len() as u64).to_be_bytes());
        hasher.update(payload);
    }
    hex::encode(hasher.finalize())
}

fn tag(kind: &FileKind) -> u8 {
    match kind {
        FileKind::Regular => b'f',
        FileKind::Executable => b'x',
        FileKind::Symlink { .. } => b'l',
        FileKind::Submodule => b'm',
    }
}

fn payload(file: &SkillFile) -> &[u8] {
    match &file.kind {
        FileKind::Symlink { target } => target.as_bytes(),
        _ => &file.content,
    }
}
