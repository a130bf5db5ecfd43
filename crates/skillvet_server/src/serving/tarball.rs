//! Deterministic `.tar.gz` of a skill version: the same files always give the same bytes (and
//! so the same sha256), whoever builds them and when.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use skillvet_core::model::VersionFile;
use skillvet_core::store::Store;

use crate::error::{ApiError, ApiResult};

/// Every entry's modification time (1980-01-01, as zip's epoch): never the build time.
pub const MTIME: u64 = 315_532_800;

/// The archive of `files` under a top folder `name/`: regular files only, sorted by path,
/// mode 0644 (0755 for executables), owner 0:0, fixed mtime; gzip without name or time.
pub fn build(name: &str, files: &[(VersionFile, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    let mut sorted: Vec<&(VersionFile, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let gzip = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::default());
    let mut tar = tar::Builder::new(gzip);
    tar.mode(tar::HeaderMode::Deterministic);
    for (file, content) in sorted {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(content.len() as u64);
        header.set_mode(if file.kind == "executable" {
            0o755
        } else {
            0o644
        });
        header.set_mtime(MTIME);
        header.set_uid(0);
        header.set_gid(0);
        tar.append_data(
            &mut header,
            format!("{name}/{}", file.path),
            content.as_slice(),
        )?;
    }
    let gzip: GzEncoder<Vec<u8>> = tar.into_inner()?;
    let mut bytes = gzip.finish()?;
    bytes.flush()?;
    Ok(bytes)
}

/// Reads the version's files from the store and archives them.
pub async fn of_version(store: &dyn Store, name: &str, version_id: i64) -> ApiResult<Vec<u8>> {
    let listed = store.version_files(version_id).await?;
    let mut files = Vec::with_capacity(listed.len());
    for file in listed {
        let content = store.blob(&file.sha256).await?.ok_or_else(|| {
            ApiError::internal_message(format!(
                "blob {} of version {version_id} is missing",
                file.sha256
            ))
        })?;
        files.push((file, content));
    }
    build(name, &files).map_err(ApiError::internal_message)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn file(path: &str, kind: &str) -> VersionFile {
        VersionFile {
            path: path.into(),
            kind: kind.into(),
            size: 0,
            sha256: String::new(),
        }
    }

    #[test]
    fn same_files_same_bytes_in_any_order() {
        let a = vec![
            (file("SKILL.md", "regular"), b"# x".to_vec()),
            (file("scripts/run.sh", "executable"), b"echo".to_vec()),
        ];
        let mut b = a.clone();
        b.reverse();
        let one = build("x", &a).unwrap();
        assert_eq!(one, build("x", &b).unwrap());

        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(one.as_slice()));
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let header = entry.header().clone();
            let mut body = String::new();
            entry.read_to_string(&mut body).unwrap();
            seen.push((
                entry.path().unwrap().display().to_string(),
                header.mode().unwrap(),
                header.mtime().unwrap(),
                body,
            ));
        }
        assert_eq!(
            seen,
            vec![
                ("x/SKILL.md".into(), 0o644, MTIME, "# x".into()),
                ("x/scripts/run.sh".into(), 0o755, MTIME, "echo".into()),
            ]
        );
    }
}
