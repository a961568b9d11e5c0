//! Temporary git repositories built with the real `git` command, so they look exactly like a
//! user's (partial staging, renames, merges), isolated from the machine's git configuration.

use std::path::Path;
use std::process::Command;

/// Variables a surrounding git hook may have set (`cargo test` run from a hook): removed for
/// every command, so no test reads or writes another repository.
pub const HOOK_ENV: [&str; 6] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
];

/// `git` in `dir`, isolated: no system or global configuration, a fixed identity, no signing,
/// no line-ending conversion, and none of a surrounding hook's variables.
pub fn command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    for var in HOOK_ENV {
        cmd.env_remove(var);
    }
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
        .args(["-c", "init.defaultBranch=main"]);
    cmd
}

/// Runs `git ARGS` in `dir`, insists it succeeds, returns its standard output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    git_env(dir, args, &[])
}

/// [`git`] with extra environment variables (`GIT_INDEX_FILE`, dates).
pub fn git_env(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> String {
    let out = command(dir)
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository in a new temporary folder (branch `main`), removed when dropped.
pub struct TestRepo {
    dir: tempfile::TempDir,
}

impl Default for TestRepo {
    fn default() -> Self {
        Self::new()
    }
}

impl TestRepo {
    pub fn new() -> Self {
        let repo = TestRepo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn git(&self, args: &[&str]) -> String {
        git(self.root(), args)
    }

    pub fn git_env(&self, args: &[&str], env: &[(&str, &Path)]) -> String {
        git_env(self.root(), args, env)
    }

    pub fn write(&self, path: impl AsRef<Path>, content: impl AsRef<[u8]>) -> std::path::PathBuf {
        crate::write(self.root(), path, content)
    }

    /// Commits what is staged (an empty commit if nothing is); returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.head()
    }

    /// Stages everything, commits it; returns the commit id.
    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.commit(message)
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }
}
