//! Helpers shared by the integration tests: run the checker on text, render findings.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use palisade_core::FileReport;
use palisade_python::{BanditConfig, Config, PythonChecker};

pub fn run(checker: &PythonChecker, path: &str, bytes: &[u8]) -> FileReport {
    run_with(checker, path, bytes, false)
}

/// `run`, choosing whether hard-coded passwords are shown whole (`--no-redact`).
pub fn run_with(checker: &PythonChecker, path: &str, bytes: &[u8], no_redact: bool) -> FileReport {
    redacted(
        palisade_testkit::check_file(checker, path, bytes),
        no_redact,
    )
}

pub use palisade_testkit::redacted;

pub fn default_checker() -> PythonChecker {
    PythonChecker::new(&Config::default())
}

pub fn checker_with_yaml(yaml: &str) -> PythonChecker {
    let cfg = BanditConfig::parse(yaml, std::path::Path::new("bandit.yaml")).unwrap();
    PythonChecker::with_bandit_config(&Config::default(), Some(&cfg)).unwrap()
}

/// One line per finding: `line:col ID severity/confidence message`, sorted.
pub fn render(report: &FileReport) -> String {
    let mut v: Vec<_> = report.findings.iter().collect();
    v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut out = String::new();
    for f in v {
        out.push_str(&format!(
            "{}:{} {} {}/{} {}\n",
            f.span.start_line, f.span.start_col, f.rule_id, f.severity, f.confidence, f.message
        ));
    }
    for d in &report.diagnostics {
        out.push_str(&format!("diagnostic: {d}\n"));
    }
    out
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn research_dir() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/research");
    dir.join("bandit_expected.tsv").is_file().then_some(dir)
}

/// The examples folder of the bandit 1.9.4 sdist, downloading it with pip on first use (into
/// a folder of this process, renamed into place, so parallel test binaries do not collide).
pub fn examples_dir() -> Result<PathBuf, String> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    let cache = target.join("bandit-sdist");
    let examples = cache.join("bandit-1.9.4/examples");
    if examples.is_dir() {
        return Ok(examples);
    }
    let work = cache.join(format!("download-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let archive = work.join("bandit-1.9.4.tar.gz");
    let mut ok = false;
    for (prog, pre) in [("pip", vec![]), ("python3", vec!["-m", "pip"])] {
        let status = Command::new(prog)
            .args(pre)
            .args([
                "download",
                "--no-deps",
                "--no-binary",
                ":all:",
                "bandit==1.9.4",
                "-d",
            ])
            .arg(&work)
            .status();
        if status.is_ok_and(|s| s.success()) {
            ok = true;
            break;
        }
    }
    if !ok || !archive.is_file() {
        let _ = std::fs::remove_dir_all(&work);
        return Err("pip could not download the bandit 1.9.4 sdist (no pip or no PyPI)".into());
    }
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&work)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    // Another test binary may have won the race: its copy is as good as ours.
    let _ = std::fs::rename(work.join("bandit-1.9.4"), cache.join("bandit-1.9.4"));
    let _ = std::fs::remove_dir_all(&work);
    if !status.success() || !examples.is_dir() {
        return Err("could not unpack the bandit sdist".into());
    }
    Ok(examples)
}
