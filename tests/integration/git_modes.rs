//! The binary in its git modes: `--staged`, `--diff REV`, `--diff A..B`, `--patch FILE|-`.
//! Each reports findings on the lines the change adds or modifies, not on untouched lines
//! (`--whole-files` reports all), and reads content as the change has it.

use std::path::Path;

use palisade_testkit::TestRepo;

use crate::common::{fake_private_key, findings, json, palisade};

/// A temporary repository (palisade-testkit) that can run the binary in itself.
struct Repo(TestRepo);

impl std::ops::Deref for Repo {
    type Target = TestRepo;
    fn deref(&self) -> &TestRepo {
        &self.0
    }
}

impl Repo {
    fn new() -> Self {
        Repo(TestRepo::new())
    }

    fn path(&self) -> &Path {
        self.root()
    }

    /// `palisade check ARGS --format json` in the repository: (exit code, findings).
    fn check(&self, args: &[&str]) -> (i32, Vec<(String, String, u64)>) {
        self.check_with_stdin(args, "")
    }

    fn check_with_stdin(&self, args: &[&str], stdin: &str) -> (i32, Vec<(String, String, u64)>) {
        let out = palisade(self.path())
            .arg("check")
            .args(args)
            .args(["--format", "json"])
            .write_stdin(stdin)
            .output()
            .unwrap();
        let code = out.status.code().expect("exit code");
        assert!(
            code == 0 || code == 1,
            "palisade check {args:?} exited {code}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (code, findings(&json(&out.stdout)))
    }
}

/// Python with one `assert` (B101) on line 2.
const APP: &str = "def f(x):\n    assert x > 0\n    return x\n";
/// APP with a second `assert` added as line 5.
const APP_ADDED: &str = "def f(x):\n    assert x > 0\n    return x\n\nassert f(1) == 1\n";
/// One unpinned requirement (DEP001) on line 2.
const REQS: &str = "flask==3.0.0\nrequests>=2.0\n";
/// REQS with a second unpinned requirement added as line 3.
const REQS_ADDED: &str = "flask==3.0.0\nrequests>=2.0\nurllib3\n";

fn at(found: &[(String, String, u64)], rule: &str, path: &str, line: u64) -> bool {
    found
        .iter()
        .any(|(r, p, l)| r == rule && p == path && *l == line)
}

fn in_file(found: &[(String, String, u64)], path: &str) -> bool {
    found.iter().any(|(_, p, _)| p == path)
}

/// A repository whose first commit has a finding of each checker on lines a later change
/// does not touch.
fn repo_with_old_findings() -> Repo {
    let repo = Repo::new();
    repo.write("app.py", APP);
    repo.write("requirements.txt", REQS);
    repo.commit_all("base");
    repo
}

/// Stages a change that adds one finding per checker.
fn stage_new_findings(repo: &Repo) {
    repo.write("app.py", APP_ADDED);
    repo.write("requirements.txt", REQS_ADDED);
    repo.write("keys/deploy.pem", fake_private_key());
    repo.git(&["add", "-A"]);
}

fn assert_only_new_findings(found: &[(String, String, u64)]) {
    assert!(at(found, "B101", "app.py", 5), "added assert: {found:?}");
    assert!(
        !at(found, "B101", "app.py", 2),
        "untouched assert: {found:?}"
    );
    assert!(
        at(found, "DEP001", "requirements.txt", 3),
        "added requirement: {found:?}"
    );
    assert!(
        !at(found, "DEP001", "requirements.txt", 2),
        "untouched requirement: {found:?}"
    );
    assert!(
        at(found, "private-key", "keys/deploy.pem", 1),
        "new key file: {found:?}"
    );
}

#[test]
fn staged_reports_only_added_lines() {
    let repo = repo_with_old_findings();
    stage_new_findings(&repo);
    let (code, found) = repo.check(&["--staged"]);
    assert_eq!(code, 1);
    assert_only_new_findings(&found);

    let (code, found) = repo.check(&["--staged", "--whole-files"]);
    assert_eq!(code, 1);
    assert!(
        at(&found, "B101", "app.py", 2) && at(&found, "B101", "app.py", 5),
        "{found:?}"
    );
    assert!(at(&found, "DEP001", "requirements.txt", 2), "{found:?}");
}

#[test]
fn staged_with_nothing_new_exits_zero() {
    let repo = repo_with_old_findings();
    // Nothing staged at all.
    let (code, found) = repo.check(&["--staged"]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
    // A clean change staged in a file that has an old finding.
    repo.write("app.py", APP.replace("return x", "return x + 1"));
    repo.git(&["add", "app.py"]);
    let (code, found) = repo.check(&["--staged"]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
}

#[test]
fn staged_secret_removed_from_work_tree_still_blocks() {
    let repo = repo_with_old_findings();
    repo.write(
        "settings.py",
        format!("x = 1\nKEY = '''\n{}'''\n", fake_private_key()),
    );
    repo.git(&["add", "settings.py"]);
    // The working copy no longer has the key; the commit still would.
    repo.write("settings.py", "x = 1\n");
    let (code, found) = repo.check(&["--staged"]);
    assert_eq!(code, 1, "{found:?}");
    assert!(at(&found, "private-key", "settings.py", 3), "{found:?}");
}

#[test]
fn secret_only_in_work_tree_does_not_block() {
    let repo = repo_with_old_findings();
    repo.write("settings.py", "x = 1\n");
    repo.commit_all("settings");
    // Stage a clean edit, then add a key to the working copy without staging it.
    repo.write("settings.py", "x = 2\n");
    repo.git(&["add", "settings.py"]);
    repo.write(
        "settings.py",
        format!("x = 2\nKEY = '''\n{}'''\n", fake_private_key()),
    );
    repo.write("untracked.pem", fake_private_key());
    let (code, found) = repo.check(&["--staged"]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
}

#[test]
fn staged_in_a_repository_without_commits_fails_closed() {
    let repo = Repo::new();
    repo.write("app.py", APP);
    repo.write("keys/deploy.pem", fake_private_key());
    repo.git(&["add", "-A"]);
    let (code, found) = repo.check(&["--staged"]);
    assert_eq!(code, 1);
    // Before the first commit every staged line is new.
    assert!(at(&found, "B101", "app.py", 2), "{found:?}");
    assert!(at(&found, "private-key", "keys/deploy.pem", 1), "{found:?}");
}

#[test]
fn staged_from_a_subfolder_checks_the_whole_index() {
    let repo = repo_with_old_findings();
    stage_new_findings(&repo);
    std::fs::create_dir_all(repo.path().join("keys")).unwrap();
    let out = palisade(&repo.path().join("keys"))
        .args(["check", "--staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = findings(&json(&out.stdout));
    assert!(found.iter().any(|(r, _, _)| r == "B101"), "{found:?}");
    assert!(
        found.iter().any(|(r, _, _)| r == "private-key"),
        "{found:?}"
    );
}

#[test]
fn diff_range_reports_only_what_the_range_adds() {
    let repo = repo_with_old_findings();
    let base = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    stage_new_findings(&repo);
    let head = repo.commit_all("add findings");
    // The working tree moves on; a range does not look at it.
    repo.write("app.py", "assert False\n");

    let (code, found) = repo.check(&["--diff", &format!("{base}..{head}")]);
    assert_eq!(code, 1);
    assert_only_new_findings(&found);

    let (code, found) = repo.check(&["--diff", &format!("{base}...HEAD")]);
    assert_eq!(code, 1);
    assert_only_new_findings(&found);

    // The reverse range adds nothing with a finding.
    let (code, found) = repo.check(&["--diff", &format!("{head}..{base}")]);
    assert_eq!((code, found.len()), (0, 0), "{found:?}");
}

#[test]
fn diff_rev_compares_with_the_work_tree() {
    let repo = repo_with_old_findings();
    // Unstaged edits count (like `git diff HEAD`); untracked files do not.
    repo.write("app.py", APP_ADDED);
    repo.write("requirements.txt", REQS_ADDED);
    repo.write("untracked.pem", fake_private_key());
    let (code, found) = repo.check(&["--diff", "HEAD"]);
    assert_eq!(code, 1);
    assert!(at(&found, "B101", "app.py", 5), "{found:?}");
    assert!(!at(&found, "B101", "app.py", 2), "{found:?}");
    assert!(at(&found, "DEP001", "requirements.txt", 3), "{found:?}");
    assert!(!in_file(&found, "untracked.pem"), "{found:?}");
}

#[test]
fn patch_from_file_and_stdin() {
    let repo = repo_with_old_findings();
    stage_new_findings(&repo);
    let text = repo.git(&["diff", "--cached", "--no-color"]);
    std::fs::write(repo.path().join("change.patch"), &text).unwrap();

    let (code, found) = repo.check(&["--patch", "change.patch"]);
    assert_eq!(code, 1);
    assert_only_new_findings(&found);

    let (code, found) = repo.check_with_stdin(&["--patch", "-"], &text);
    assert_eq!(code, 1);
    assert_only_new_findings(&found);
}

#[test]
fn patch_without_the_files_on_disk_keeps_line_numbers() {
    let repo = repo_with_old_findings();
    repo.write("app.py", APP_ADDED);
    let text = repo.git(&["diff", "--no-color"]);
    // Checked somewhere else: the new side is rebuilt from the hunks alone.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = palisade(elsewhere.path())
        .args(["check", "--patch", "-", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = findings(&json(&out.stdout));
    assert!(at(&found, "B101", "app.py", 5), "{found:?}");
    assert!(!at(&found, "B101", "app.py", 2), "{found:?}");
}

#[test]
fn empty_patch_is_clean_and_garbage_is_an_error() {
    let repo = repo_with_old_findings();
    let (code, found) = repo.check_with_stdin(&["--patch", "-"], "");
    assert_eq!((code, found.len()), (0, 0));
    palisade(repo.path())
        .args(["check", "--patch", "-"])
        .write_stdin("print('this is not a diff')\n")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a unified diff"));
}

#[test]
fn git_mode_errors_exit_two_with_a_reason() {
    let repo = repo_with_old_findings();
    palisade(repo.path())
        .args(["check", "--diff", "no-such-branch"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad revision `no-such-branch`"));
    let plain = tempfile::tempdir().unwrap();
    palisade(plain.path())
        .args(["check", "--staged"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not inside a git repository"));
}

/// The project's plain git hook (`hooks/pre-commit`) in a real `git commit`: `commit -a` and
/// `commit PATHS` run it with `GIT_INDEX_FILE` naming a temporary index, which is what the
/// commit will contain and what `--staged` must read.
#[test]
fn plain_git_hook_blocks_commit_a_and_commit_paths() {
    let hook = Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit");
    assert!(
        hook.is_file(),
        "{} is part of the repository",
        hook.display()
    );
    let repo = repo_with_old_findings();
    let hooks = repo.path().join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(&hook, hooks.join("pre-commit")).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("palisade");
    let commit = |args: &[&str]| {
        let out = palisade_testkit::git::command(repo.root())
            .args(args)
            .env("PALISADE", &binary)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    };
    let head = || repo.git(&["rev-parse", "HEAD"]);
    let before = head();

    // Nothing staged; the key and the assert reach the commit only through `-a` / PATHS.
    repo.write("app.py", APP_ADDED);
    let (ok, text) = commit(&["commit", "-q", "-a", "-m", "with -a"]);
    assert!(!ok, "commit -a must be blocked: {text}");
    assert!(text.contains("B101"), "{text}");
    let (ok, text) = commit(&["commit", "-q", "-m", "with paths", "app.py"]);
    assert!(!ok, "commit PATHS must be blocked: {text}");
    assert_eq!(head(), before, "no commit was made");

    // A clean change passes the same hook, untouched old findings notwithstanding.
    repo.write("app.py", APP.replace("return x", "return x + 1"));
    let (ok, text) = commit(&["commit", "-q", "-a", "-m", "clean"]);
    assert!(ok, "clean commit -a must pass: {text}");
    assert_ne!(head(), before);
}
