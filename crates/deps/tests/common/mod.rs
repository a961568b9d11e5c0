//! Shared test harness: run the checker over a fixture folder the way the CLI would, and
//! compare what it reports with the `# error: ID` annotations written in the fixtures.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use palisade_core::checker::FsReader;
use palisade_core::{Checker, Diagnostic, FileReport, Finding, ScanContext, SourceFile};
use palisade_deps::{Config, DepsChecker};

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every file below `dir`, as display paths.
pub fn list_files(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

pub struct Run {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every file of `dir` the checker applies to, then calls `finish`.
pub fn run_dir(checker: &DepsChecker, dir: &Path) -> Run {
    let files = list_files(dir);
    run_files(checker, dir, &files)
}

pub fn run_files(checker: &DepsChecker, dir: &Path, files: &[String]) -> Run {
    let reader = FsReader(dir.to_path_buf());
    let ctx = ScanContext {
        files,
        reader: &reader,
    };
    let mut findings = Vec::new();
    let mut diagnostics = Vec::new();
    for path in files {
        if !checker.applies_to(path) {
            continue;
        }
        let bytes = std::fs::read(dir.join(path)).unwrap();
        let file = SourceFile::new(path, &bytes);
        let mut out = FileReport::default();
        checker.check(&file, &ctx, &mut out);
        findings.extend(out.findings);
        diagnostics.extend(out.diagnostics);
    }
    let mut out = FileReport::default();
    checker.finish(&ctx, &mut out);
    findings.extend(out.findings);
    diagnostics.extend(out.diagnostics);
    Run {
        findings,
        diagnostics,
    }
}

/// The first finding of `run` reported on `path`.
pub fn finding_on<'a>(run: &'a Run, path: &str) -> &'a Finding {
    run.findings
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no finding on {path}: {:#?}", run.findings))
}

pub fn checker() -> DepsChecker {
    DepsChecker::new(&Config::default()).with_env(Box::new(|_| None))
}

/// (rule, path, line) annotated in the fixtures: `# error: ID[, ID]` on the line itself, or
/// `# error-next: ID` on a comment line for the line after it.
pub fn expected(dir: &Path) -> BTreeSet<(String, String, u32)> {
    let mut out = BTreeSet::new();
    for path in list_files(dir) {
        let Ok(text) = std::fs::read_to_string(dir.join(&path)) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            for (marker, offset) in [("# error-next:", 1), ("# error:", 0)] {
                if let Some(pos) = line.find(marker) {
                    let ids = &line[pos + marker.len()..];
                    for id in ids
                        .split([',', ' '])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .take_while(|s| is_rule_id(s))
                    {
                        out.insert((id.to_string(), path.clone(), i as u32 + 1 + offset));
                    }
                    break;
                }
            }
        }
    }
    out
}

fn is_rule_id(s: &str) -> bool {
    s.len() > 3
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.ends_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

pub fn actual(run: &Run) -> BTreeSet<(String, String, u32)> {
    run.findings
        .iter()
        .map(|f| (f.rule_id.clone(), f.path.clone(), f.span.start_line))
        .collect()
}

/// Asserts that the findings of a fixture folder are exactly its annotations, with no
/// diagnostics, and that no finding is reported twice.
pub fn assert_fixture(checker: &DepsChecker, name: &str) -> Run {
    let dir = fixture_dir(name);
    let run = run_dir(checker, &dir);
    assert!(
        run.diagnostics.is_empty(),
        "unexpected diagnostics: {:#?}",
        run.diagnostics
    );
    let want = expected(&dir);
    let got = actual(&run);
    assert!(!want.is_empty(), "fixture {name} has no annotations");
    assert_eq!(got, want, "findings differ from the annotations of {name}");
    assert_eq!(
        run.findings.len(),
        got.len(),
        "duplicate findings: {:#?}",
        run.findings
    );
    run
}

/// The PyPA advisory snapshot beside the checkout (`../shared/data/pypa-advisory-db`), or
/// `None` with the reason printed, so a test can skip when it is absent.
pub fn snapshot() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pypa-advisory-db");
    if p.join("vulns").is_dir() {
        Some(p)
    } else {
        // In CI a missing data set fails the test, never skips it.
        assert!(
            std::env::var_os("CI").is_none_or(|v| v != "true"),
            "the PyPA advisory snapshot is not at {} (CI=true: not skipping)",
            p.display()
        );
        eprintln!(
            "skipped: the PyPA advisory snapshot is not at {}",
            p.display()
        );
        None
    }
}
