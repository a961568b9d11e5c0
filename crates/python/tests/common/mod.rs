//! Helpers shared by the integration tests: run the checker on text, render findings.

#![allow(dead_code)]

use palisade_core::{Checker, FileReport, FsReader, ScanContext, SourceFile};
use palisade_python::{BanditConfig, Config, PythonChecker};

pub fn run(checker: &PythonChecker, path: &str, bytes: &[u8]) -> FileReport {
    run_with(checker, path, bytes, false)
}

/// `run`, choosing whether hard-coded passwords are shown whole (`--no-redact`).
pub fn run_with(checker: &PythonChecker, path: &str, bytes: &[u8], no_redact: bool) -> FileReport {
    let reader = FsReader(std::path::PathBuf::from("."));
    let files = vec![path.to_string()];
    let ctx = ScanContext {
        files: &files,
        reader: &reader,
        no_redact,
    };
    let file = SourceFile::new(path, bytes);
    let mut out = FileReport::default();
    checker.check(&file, &ctx, &mut out);
    out
}

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
