//! Builds real git repositories in a temporary folder for tests, with the `git` binary.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestRepo {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl TestRepo {
    /// An empty repository on branch `main`, at `<tmp>/<owner>/<name>` so that the registry
    /// derives `owner/name` from its path.
    pub fn new(owner: &str, name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join(owner).join(name);
        std::fs::create_dir_all(&root).expect("repository folder");
        let repo = Self { _dir: dir, root };
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo.git(&["config", "user.email", "tests@skillvet.invalid"]);
        repo.git(&["config", "user.name", "skillvet tests"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    /// The repository's working folder.
    pub fn path(&self) -> PathBuf {
        self.root.clone()
    }

    /// `file://` URL of the repository.
    pub fn url(&self) -> String {
        format!("file://{}", self.path().display())
    }

    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("running git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    }

    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) -> &Self {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("folders");
        std::fs::write(full, content).expect("write");
        self
    }

    pub fn executable(&self, path: &str, content: impl AsRef<[u8]>) -> &Self {
        use std::os::unix::fs::PermissionsExt;
        self.write(path, content);
        let full = self.path().join(path);
        std::fs::set_permissions(full, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        self
    }

    pub fn symlink(&self, path: &str, target: &str) -> &Self {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("folders");
        std::os::unix::fs::symlink(target, full).expect("symlink");
        self
    }

    /// A valid skill folder: `SKILL.md` with the folder name as `name`.
    pub fn skill(&self, folder: &str, description: &str) -> &Self {
        let name = Path::new(folder)
            .file_name()
            .expect("folder name")
            .to_string_lossy()
            .into_owned();
        self.write(
            &format!("{folder}/SKILL.md"),
            format!(
                "---\nname: {name}\ndescription: {description}\n---\n\n# {name}\n\nUse it well.\n"
            ),
        )
    }

    /// Commits everything and returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }
}
