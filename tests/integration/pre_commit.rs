//! pre-commit integration: the hook manifest `.pre-commit-hooks.yaml`, the real pre-commit
//! framework installing this checkout as a hook repository, and the plain git hook
//! `hooks/pre-commit`.
//!
//! The framework test needs `pre-commit` (env `PALISADE_PRE_COMMIT`, else PATH): without it, it
//! skips with a printed reason on a developer's machine and fails under `CI=true` (`.ci/run`
//! installs pre-commit). The manifest and git-hook tests need only git and the built binary.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use predicates::Predicate;

pub(crate) fn checkout() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary cargo built for these tests.
pub(crate) fn palisade_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("palisade")
}

// ---------------------------------------------------------------------------------------------
// The manifest, read with the YAML crate: a list of hooks whose values are strings, booleans or
// lists of strings (anything else is a mistake in the manifest and fails the test).

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Str(String),
    Bool(bool),
    List(Vec<String>),
}

pub(crate) type Hook = BTreeMap<String, Value>;

pub(crate) fn parse_manifest(text: &str) -> Vec<Hook> {
    let hooks: Vec<BTreeMap<String, serde_yaml::Value>> =
        serde_yaml::from_str(text).expect("the hook manifest is a YAML list of hooks");
    hooks
        .into_iter()
        .map(|hook| {
            hook.into_iter()
                .map(|(key, v)| {
                    let value = match v {
                        serde_yaml::Value::String(s) => Value::Str(s),
                        serde_yaml::Value::Bool(b) => Value::Bool(b),
                        serde_yaml::Value::Sequence(items) => Value::List(
                            items
                                .into_iter()
                                .map(|i| match i {
                                    serde_yaml::Value::String(s) => s,
                                    other => {
                                        panic!("`{key}`: a list item {other:?} is not a string")
                                    }
                                })
                                .collect(),
                        ),
                        other => panic!("`{key}`: {other:?} is not a string, boolean or list"),
                    };
                    (key, value)
                })
                .collect()
        })
        .collect()
}

pub(crate) fn manifest() -> Vec<Hook> {
    let path = checkout().join(".pre-commit-hooks.yaml");
    parse_manifest(&fs::read_to_string(&path).expect("read .pre-commit-hooks.yaml"))
}

pub(crate) fn str_of<'a>(hook: &'a Hook, key: &str) -> &'a str {
    match hook.get(key) {
        Some(Value::Str(s)) => s,
        other => panic!(
            "hook {:?}: `{key}` is {other:?}, expected a string",
            hook.get("id")
        ),
    }
}

const DEPS_FILES: &[&str] = &[
    "requirements.txt",
    "requirements-dev.txt",
    "sub/dev-requirements.txt",
    "requirements/base.txt",
    "constraints.txt",
    "pyproject.toml",
    "pkg/setup.cfg",
    "Pipfile",
    "Pipfile.lock",
    "poetry.lock",
    "uv.lock",
    "pylock.toml",
    "pylock.dev.toml",
    ".github/workflows/ci.yml",
    ".github/workflows/release.yaml",
    "action.yml",
    ".github/actions/setup/action.yaml",
    "Dockerfile",
    "docker/Dockerfile.prod",
    "Containerfile",
    "web.Dockerfile",
    ".pre-commit-config.yaml",
];
const NOT_DEPS_FILES: &[&str] = &[
    "app.py",
    "notes.txt",
    "requirements.in",
    "setup.py",
    "Cargo.lock",
    "pyproject.toml.orig",
    "docs/workflows/ci.yml",
    "Pipfile.bak",
];

#[test]
fn manifest_declares_every_hook_with_its_system_twin() {
    let hooks = manifest();
    let ids: Vec<&str> = hooks.iter().map(|h| str_of(h, "id")).collect();
    assert_eq!(
        ids,
        [
            "palisade",
            "palisade-secrets",
            "palisade-python",
            "palisade-deps",
            "palisade-system",
            "palisade-secrets-system",
            "palisade-python-system",
            "palisade-deps-system",
        ]
    );
    let known_keys = [
        "id",
        "name",
        "description",
        "entry",
        "language",
        "types",
        "types_or",
        "files",
        "require_serial",
        "minimum_pre_commit_version",
    ];
    for hook in &hooks {
        let id = str_of(hook, "id");
        for key in hook.keys() {
            assert!(
                known_keys.contains(&key.as_str()),
                "{id}: unexpected key `{key}`"
            );
        }
        assert!(!str_of(hook, "name").is_empty(), "{id}: empty name");
        assert_eq!(hook.get("require_serial"), Some(&Value::Bool(true)), "{id}");
        let (base, language) = match id.strip_suffix("-system") {
            Some(base) => (base, "system"),
            None => (id, "rust"),
        };
        assert_eq!(str_of(hook, "language"), language, "{id}");
        let expected_entry = match base.strip_prefix("palisade-") {
            Some(checker) => format!("palisade check --only {checker}"),
            None => "palisade check".to_string(),
        };
        assert_eq!(str_of(hook, "entry"), expected_entry, "{id}");
        // A -system twin differs from its base hook only in id and language.
        if language == "system" {
            let twin = hooks.iter().find(|h| str_of(h, "id") == base).unwrap();
            for (key, value) in hook {
                if key != "id" && key != "language" {
                    assert_eq!(twin.get(key), Some(value), "{id} vs {base}: `{key}`");
                }
            }
            assert_eq!(twin.len(), hook.len(), "{id} vs {base}: different keys");
        }
        match base {
            "palisade" | "palisade-secrets" => {
                assert_eq!(
                    hook.get("types"),
                    Some(&Value::List(vec!["text".into()])),
                    "{id}"
                )
            }
            "palisade-python" => assert_eq!(
                hook.get("types_or"),
                Some(&Value::List(vec![
                    "python".into(),
                    "pyi".into(),
                    "jupyter".into()
                ])),
                "{id}"
            ),
            "palisade-deps" => {
                let regex = str_of(hook, "files");
                let matches = predicates::str::is_match(regex).expect("files regex compiles");
                for path in DEPS_FILES {
                    assert!(matches.eval(path), "{id}: files should match {path}");
                }
                for path in NOT_DEPS_FILES {
                    assert!(!matches.eval(path), "{id}: files should not match {path}");
                }
            }
            other => panic!("unexpected hook {other}"),
        }
    }
    // The entry's first word is the binary this package builds.
    let cargo_toml = fs::read_to_string(checkout().join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains("[[bin]]\nname = \"palisade\""),
        "Cargo.toml no longer builds a binary named palisade"
    );
}

#[test]
fn manifest_entries_are_accepted_by_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("app.py"), CLEAN_PY).unwrap();
    fs::write(dir.path().join("requirements.txt"), "requests==2.32.3\n").unwrap();
    fs::write(dir.path().join("leak.py"), leaky_py()).unwrap();
    for hook in manifest() {
        let id = str_of(&hook, "id");
        let mut words = str_of(&hook, "entry").split_whitespace();
        assert_eq!(words.next(), Some("palisade"));
        let args: Vec<&str> = words.collect();
        let run = |files: &[&str]| {
            Command::new(palisade_bin())
                .args(&args)
                .args(files)
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .env("PRE_COMMIT", "1")
                .output()
                .unwrap()
        };
        let clean = run(&["app.py", "requirements.txt"]);
        assert_eq!(
            clean.status.code(),
            Some(0),
            "{id} on clean files: {}",
            text(&clean)
        );
        if !id.contains("python") && !id.contains("deps") {
            let leak = run(&["app.py", "leak.py"]);
            assert_eq!(
                leak.status.code(),
                Some(1),
                "{id} on a leak: {}",
                text(&leak)
            );
            assert!(text(&leak).contains("leak.py:"), "{id}: {}", text(&leak));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Git helpers: every git call is isolated from the user's configuration (a global
// core.hooksPath or commit signing would change what these tests see).

pub(crate) const CLEAN_PY: &str =
    "import os\n\n\ndef greeting(name):\n    return \"hello \" + name + os.sep\n";

/// A fake private key: PEM armour around lines of base64-alphabet noise. The armour is assembled
/// at run time so that this source file holds no key block itself.
pub(crate) fn fake_private_key() -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u32 = 0x2545_f491;
    let mut body = String::new();
    for _ in 0..8 {
        for _ in 0..64 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            body.push(alphabet[(state % 64) as usize] as char);
        }
        body.push('\n');
    }
    let kind = ["RSA", "PRIVATE", "KEY"].join(" ");
    format!("-----BEGIN {kind}-----\n{body}-----END {kind}-----\n")
}

/// The third body line of the fake key: it must never be printed whole.
pub(crate) fn key_body_line() -> String {
    fake_private_key().lines().nth(3).unwrap().to_string()
}

pub(crate) fn leaky_py() -> String {
    format!("DEPLOY_KEY = \"\"\"\n{}\"\"\"\n", fake_private_key())
}

pub(crate) fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `program` run in `dir` with the user's git configuration and identity replaced.
pub(crate) fn isolated(program: impl AsRef<OsStr>, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "palisade tests")
        .env("GIT_AUTHOR_EMAIL", "tests@palisade.invalid")
        .env("GIT_COMMITTER_NAME", "palisade tests")
        .env("GIT_COMMITTER_EMAIL", "tests@palisade.invalid")
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE");
    cmd
}

fn git_cmd(dir: &Path) -> Command {
    isolated("git", dir)
}

/// Runs git and insists it succeeds; returns stdout.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_cmd(dir).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
}

pub(crate) fn head(dir: &Path) -> Option<String> {
    let out = git_cmd(dir)
        .args(["rev-parse", "-q", "--verify", "HEAD"])
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// PATH with `first` in front of the current one.
fn path_with(first: &Path) -> OsString {
    let mut dirs = vec![first.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).unwrap()
}

/// Asserts a commit attempt was refused because of the planted key in `file`, and that the
/// output names the file without printing the key.
pub(crate) fn assert_blocked(out: &Output, file: &str, repo: &Path, head_before: &Option<String>) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "commit should be refused: {}",
        text(out)
    );
    let all = text(out);
    assert!(
        all.contains(&format!("{file}:")),
        "finding not printed: {all}"
    );
    assert!(
        all.to_lowercase().contains("private"),
        "rule not named: {all}"
    );
    assert!(
        !all.contains(&key_body_line()),
        "the key was printed: {all}"
    );
    assert_eq!(&head(repo), head_before, "a commit was created");
}

// ---------------------------------------------------------------------------------------------
// hooks/pre-commit: the plain git hook.

fn install_git_hook(repo: &Path) {
    let hook = repo.join(".git/hooks/pre-commit");
    fs::copy(checkout().join("hooks/pre-commit"), &hook).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_ne!(
            fs::metadata(checkout().join("hooks/pre-commit"))
                .unwrap()
                .permissions()
                .mode()
                & 0o111,
            0,
            "hooks/pre-commit must be executable in the checkout"
        );
        fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn git_hook_blocks_a_staged_secret_and_passes_a_clean_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    init_repo(repo);
    install_git_hook(repo);
    let bin_dir = palisade_bin().parent().unwrap().to_path_buf();
    let commit = |msg: &str| {
        git_cmd(repo)
            .args(["commit", "-q", "-m", msg])
            .env("PATH", path_with(&bin_dir))
            .env_remove("PALISADE")
            .env_remove("PALISADE_ARGS")
            .output()
            .unwrap()
    };

    // A clean first commit (no HEAD yet) passes.
    fs::write(repo.join("app.py"), CLEAN_PY).unwrap();
    git(repo, &["add", "app.py"]);
    let out = commit("clean");
    assert!(out.status.success(), "clean commit refused: {}", text(&out));
    let clean_head = head(repo);
    assert!(clean_head.is_some());

    // A staged key blocks the commit, even when the working copy no longer has it: the hook
    // checks what is committed, not what is on disk.
    fs::write(repo.join("settings.py"), leaky_py()).unwrap();
    git(repo, &["add", "settings.py"]);
    fs::write(repo.join("settings.py"), "DEPLOY_KEY = None\n").unwrap();
    let out = commit("leak");
    assert_blocked(&out, "settings.py", repo, &clean_head);

    // Staging the fixed file makes the commit pass.
    git(repo, &["add", "settings.py"]);
    let out = commit("fixed");
    assert!(out.status.success(), "fixed commit refused: {}", text(&out));
    assert_ne!(head(repo), clean_head);
}

#[test]
fn git_hook_passes_palisade_args_through() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    init_repo(repo);
    install_git_hook(repo);
    let bin_dir = palisade_bin().parent().unwrap().to_path_buf();
    fs::write(repo.join("settings.py"), leaky_py()).unwrap();
    git(repo, &["add", "settings.py"]);
    let commit = |args: &str| {
        git_cmd(repo)
            .args(["commit", "-q", "-m", "x"])
            .env("PATH", path_with(&bin_dir))
            .env("PALISADE_ARGS", args)
            .output()
            .unwrap()
    };
    // Only the python checker: the key is not its business, so the commit goes through.
    let out = commit("--only python");
    assert!(out.status.success(), "{}", text(&out));
    // A bad argument is palisade's usage error (exit 2), which refuses the commit too.
    fs::write(repo.join("app.py"), CLEAN_PY).unwrap();
    git(repo, &["add", "app.py"]);
    let head_before = head(repo);
    let out = commit("--no-such-option");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("--no-such-option"), "{}", text(&out));
    assert_eq!(head(repo), head_before);
}

#[test]
fn git_hook_without_palisade_refuses_and_says_how_to_install() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    init_repo(repo);
    install_git_hook(repo);
    fs::write(repo.join("app.py"), CLEAN_PY).unwrap();
    git(repo, &["add", "app.py"]);
    let out = git_cmd(repo)
        .args(["commit", "-q", "-m", "x"])
        .env("PALISADE", "palisade-not-installed-anywhere")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("was not found on PATH"), "{stderr}");
    assert!(stderr.contains("cargo install"), "{stderr}");
    assert!(stderr.contains("pipx install palisade-cli"), "{stderr}");
    assert!(stderr.contains("--no-verify"), "{stderr}");
    assert_eq!(head(repo), None);
}

// ---------------------------------------------------------------------------------------------
// The real pre-commit framework, with this checkout as the hook repository.

pub(crate) fn find_pre_commit() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PALISADE_PRE_COMMIT") {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("pre-commit"))
        .find(|candidate| candidate.is_file())
}

/// Copies the checkout's working tree (tracked files and untracked ones that are not ignored, as
/// they are on disk now) into `dest` and commits it there, so `rev:` names a real commit with
/// exactly the code under test. Returns the commit id.
fn snapshot_checkout(dest: &Path) -> String {
    let listing = git(
        &checkout(),
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    let mut copied = 0;
    for rel in listing.split('\0').filter(|p| !p.is_empty()) {
        let from = checkout().join(rel);
        // Deleted-but-tracked files are listed too; symlinks and folders (submodules) are skipped.
        let Ok(meta) = fs::symlink_metadata(&from) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let to = dest.join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(&from, &to).unwrap();
        copied += 1;
    }
    assert!(copied > 0, "nothing copied from the checkout");
    init_repo(dest);
    git(dest, &["add", "-A"]);
    git(
        dest,
        &[
            "commit",
            "-q",
            "--no-verify",
            "-m",
            "snapshot for the pre-commit test",
        ],
    );
    git(dest, &["rev-parse", "HEAD"]).trim().to_string()
}

#[test]
fn pre_commit_framework_blocks_a_secret_and_passes_a_clean_commit() {
    let Some(pre_commit) = find_pre_commit() else {
        crate::common::skip_unless_ci(
            "pre_commit_framework_blocks_a_secret_and_passes_a_clean_commit",
            "`pre-commit` is not on PATH and PALISADE_PRE_COMMIT is not set (pip install pre-commit)",
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let hook_repo = tmp.path().join("hook-repo");
    let project = tmp.path().join("project");
    fs::create_dir_all(&hook_repo).unwrap();
    fs::create_dir_all(&project).unwrap();
    let rev = snapshot_checkout(&hook_repo);

    // pre-commit's `language: rust` runs `cargo install --path .` in its clone of the hook repo.
    // A persistent target folder beside the test build keeps the compiled dependencies between
    // runs (only the workspace crates rebuild, as the clone's path changes every time); the
    // profile overrides trade run-time speed of the installed binary for build time.
    let target_dir = palisade_bin()
        .parent()
        .and_then(Path::parent)
        .expect("target folder")
        .join("pre-commit-e2e");
    let store = tmp.path().join("store");
    let hook_env = |program: &Path| {
        let mut cmd = isolated(program, &project);
        cmd.env("PRE_COMMIT_HOME", &store)
            .env("PRE_COMMIT_COLOR", "never")
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
            .env_remove("PALISADE");
        cmd
    };
    let manifest = checkout().join(".pre-commit-hooks.yaml");
    run_on_a_clean_project(
        &hook_env,
        &pre_commit,
        &manifest,
        &project,
        &hook_repo,
        &rev,
    );
    commit_through_the_hook(&hook_env, &pre_commit, &project);

    let out = hook_env(&pre_commit)
        .args(["run", "--all-files"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("settings.py:"), "{}", text(&out));
}

/// Runs pre-commit (`hook_env` sets up its environment) the way a user starts: the hook
/// repository's manifest validates, a project whose config names the hook at `repo`@`rev`
/// installs it, and `run --all-files` passes on its clean tree.
pub(crate) fn run_on_a_clean_project(
    hook_env: &dyn Fn(&Path) -> Command,
    pre_commit: &Path,
    manifest: &Path,
    project: &Path,
    repo: &Path,
    rev: &str,
) {
    let out = hook_env(pre_commit)
        .arg("validate-manifest")
        .arg(manifest)
        .output()
        .unwrap();
    assert!(out.status.success(), "validate-manifest: {}", text(&out));

    init_repo(project);
    let config = format!(
        "repos:\n  - repo: '{}'\n    rev: '{rev}'\n    hooks:\n      - id: palisade\n",
        repo.display().to_string().replace('\'', "''")
    );
    fs::write(project.join(".pre-commit-config.yaml"), config).unwrap();
    fs::write(project.join("app.py"), CLEAN_PY).unwrap();
    git(project, &["add", "."]);

    let out = hook_env(pre_commit)
        .args(["run", "--all-files"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pre-commit run on a clean tree: {}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Passed"),
        "{}",
        text(&out)
    );
}

/// After `pre-commit install`, git's own hook lets a clean commit through and blocks the next
/// one, which stages a private key.
pub(crate) fn commit_through_the_hook(
    hook_env: &dyn Fn(&Path) -> Command,
    pre_commit: &Path,
    project: &Path,
) {
    let out = hook_env(pre_commit).arg("install").output().unwrap();
    assert!(out.status.success(), "pre-commit install: {}", text(&out));
    // git runs the hook, which finds pre-commit through the path recorded at install time.
    let commit = |msg: &str| {
        hook_env(Path::new("git"))
            .args(["commit", "-q", "-m", msg])
            .output()
            .unwrap()
    };
    let out = commit("clean");
    assert!(out.status.success(), "clean commit refused: {}", text(&out));
    let clean_head = head(project);
    assert!(clean_head.is_some());

    fs::write(project.join("settings.py"), leaky_py()).unwrap();
    git(project, &["add", "settings.py"]);
    let out = commit("leak");
    assert_blocked(&out, "settings.py", project, &clean_head);
}
