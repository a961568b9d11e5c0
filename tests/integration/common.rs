//! Helpers shared by the integration tests.

use std::path::Path;

use assert_cmd::Command;

/// The binary under test, run in `dir` with a clean, colourless environment.
pub fn palisade(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("palisade").expect("palisade binary builds");
    cmd.current_dir(dir)
        .env_remove("PRE_COMMIT")
        .env("NO_COLOR", "1");
    // A surrounding git hook's variables (`cargo test` run from a hook) must not point the
    // binary at another repository.
    for var in palisade_testkit::git::HOOK_ENV {
        cmd.env_remove(var);
    }
    cmd
}

/// A fake PEM private key: the right shape, no real key material.
pub fn fake_private_key() -> String {
    let body: String = (0..6)
        .map(|i| {
            let line: String = (0..64)
                .map(|j| {
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                        [(i * 7 + j * 13) % 64] as char
                })
                .collect();
            line + "\n"
        })
        .collect();
    format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n")
}

/// A project with one finding per checker's walking-skeleton rule.
pub fn project_with_findings(dir: &Path) {
    std::fs::write(
        dir.join("app.py"),
        "def f(x):\n    assert x > 0\n    return x\n",
    )
    .unwrap();
    std::fs::write(dir.join("requirements.txt"), "requests>=2.0\n").unwrap();
    std::fs::write(dir.join("deploy.pem"), fake_private_key()).unwrap();
}

/// Runs `cmd`, expects exit code `code`, and parses its output as a JSON report.
pub fn run_json(cmd: &mut Command, code: i32) -> serde_json::Value {
    json(&cmd.assert().code(code).get_output().stdout)
}

/// Runs `cmd` and expects exit code `code` (a mismatch fails with its stdout and stderr).
pub fn run_code(cmd: &mut Command, code: i32) -> std::process::Output {
    cmd.assert().code(code).get_output().clone()
}

pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

/// `(rule_id, path, line)` of every finding in a JSON report.
pub fn findings(doc: &serde_json::Value) -> Vec<(String, String, u64)> {
    doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["span"]["start_line"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub use palisade_testkit::skip_unless_ci;

/// Variables a surrounding git hook may set (`cargo test` run from a hook).
pub use palisade_testkit::git::HOOK_ENV as GIT_ENV;

/// A git repository in a temporary folder, isolated from the user's git configuration, whose
/// commits get the dates the test chooses (so the order commits were made in is the test's).
pub struct GitRepo {
    pub dir: tempfile::TempDir,
    /// Seconds since the epoch for the next commit; each commit moves it on a minute.
    clock: std::cell::Cell<i64>,
}

impl Default for GitRepo {
    fn default() -> Self {
        Self::new()
    }
}

impl GitRepo {
    pub fn new() -> Self {
        let repo = GitRepo {
            dir: tempfile::tempdir().unwrap(),
            clock: std::cell::Cell::new(1_700_000_000),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git; panics with its stderr when it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_command(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// git, with its exit status left to the caller (a merge that stops on a conflict).
    pub fn git_command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = palisade_testkit::git::command(self.path());
        let date = format!("@{} +0000", self.clock.get());
        cmd.args(args)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        cmd
    }

    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }

    /// Commits everything in the work tree; returns the new commit's id.
    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.clock.set(self.clock.get() + 60);
        self.head()
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// The binary under test in this repository, without a surrounding hook's git variables.
    pub fn palisade(&self) -> Command {
        let mut cmd = palisade(self.path());
        for var in GIT_ENV {
            cmd.env_remove(var);
        }
        cmd
    }
}
