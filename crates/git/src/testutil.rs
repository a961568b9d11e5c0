//! Temporary repositories for the unit tests, built with the `git` command so that they look
//! exactly like a user's (partial staging, renames, submodule entries).

use std::path::{Path, PathBuf};
use std::process::Command;

const GIT_ENV: [&str; 6] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
];

pub(crate) struct TestRepo {
    dir: tempfile::TempDir,
}

impl TestRepo {
    /// `git init` in a new temporary folder, isolated from the user's git configuration.
    pub(crate) fn new() -> Self {
        let repo = TestRepo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn git(&self, args: &[&str]) -> String {
        self.git_env(args, &[])
    }

    /// `git` with extra environment variables. Variables a surrounding git hook may have set
    /// (`cargo test` run from a hook) are removed so the test never touches another repository.
    pub(crate) fn git_env(&self, args: &[&str], env: &[(&str, &Path)]) -> String {
        let mut cmd = Command::new("git");
        for var in GIT_ENV {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied());
        let out = cmd
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(self.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub(crate) fn write(&self, path: impl AsRef<Path>, content: impl AsRef<[u8]>) -> PathBuf {
        let full = self.root().join(path);
        std::fs::create_dir_all(full.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&full, content).expect("write");
        full
    }

    pub(crate) fn commit(&self, message: &str) -> String {
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }
}

/// Numbered lines `line 1\n` ... `line n\n`.
pub(crate) fn numbered(n: u32) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

/// `content` with line `at` (1-based) replaced by `with`.
pub(crate) fn replace_line(content: &str, at: usize, with: &str) -> String {
    content
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == at {
                format!("{with}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}
