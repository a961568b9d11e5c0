//! Requirements completeness (issue 14): pip 26's options, the lines that used to pass without
//! a word, requirements files named by hand, PEP 723 scripts and environment markers evaluated
//! for a stated target.

mod common;

use common::*;
use palisade_core::{Checker, DiagnosticLevel, ScanContext};
use palisade_deps::{Config, DepsChecker};

const DEMO: &str = r#"{"id":"PYSEC-2026-1","modified":"2026-11-22T10:00:00Z","published":"2026-11-01T00:00:00Z",
 "summary":"Demo is broken","affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#;

fn write(dir: &std::path::Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A folder with the demo advisory (outside the checked tree) and a config auditing with it.
fn audited(tmp: &tempfile::TempDir) -> Config {
    write(tmp.path(), "osv/a.json", DEMO);
    Config {
        advisory_db: Some(tmp.path().join("osv")),
        cache_dir: Some(tmp.path().join("cache")),
        max_db_age_days: Some(100_000),
        ..Default::default()
    }
}

fn messages(run: &Run, level: DiagnosticLevel) -> Vec<(u32, String)> {
    run.diagnostics
        .iter()
        .filter(|d| d.level == level)
        .map(|d| (d.line.unwrap_or(0), d.message.clone()))
        .collect()
}

#[test]
fn pip_26_options_parse_and_silent_lines_are_said() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    write(
        &root,
        "requirements.txt",
        "--all-releases :all:\n--only-final django\nbar==1.0 --hash=abcdef0123\nbaz==1.0 --hash=md5:abc\n--use-feature=truststore\n-e file:x.py#egg=x==1\n-e ./lib#egg=lib[extra]\nqux==2.0\n",
    );
    let run = run_dir(&checker(), &root);
    let errors = messages(&run, DiagnosticLevel::Error);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].0, 3);
    assert!(
        errors[0]
            .1
            .starts_with("`--hash=abcdef0123` names no algorithm"),
        "{}",
        errors[0].1
    );
    assert_eq!(errors[1].0, 4);
    assert!(
        errors[1].1.contains("`md5`, which pip does not accept"),
        "{}",
        errors[1].1
    );
    let warnings = messages(&run, DiagnosticLevel::Warning);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert_eq!(warnings[0].0, 5);
    assert!(
        warnings[0]
            .1
            .starts_with("`--use-feature=truststore` turns on"),
        "{}",
        warnings[0].1
    );
    assert_eq!(warnings[1].0, 6);
    assert!(
        warnings[1]
            .1
            .starts_with("`#egg=x==1` is not a project name"),
        "{}",
        warnings[1].1
    );
    // A malformed hash is not a hash: the line counts as unhashed (no DEP004 from it, since
    // the valid hash of no other line switches hash mode on).
    assert!(
        run.findings.iter().all(|f| f.rule_id != "DEP004"),
        "{:#?}",
        run.findings
    );
}

#[test]
fn requirements_files_can_be_named_by_glob_or_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    write(&root, "deps/prod.txt", "requests>=2\n");
    write(&root, "reqs.txt", "flask\n");
    write(&root, "notes.txt", "not requirements at all\n");
    // By name alone: none of them is a requirements file.
    assert!(run_dir(&checker(), &root).findings.is_empty());
    let config = Config {
        requirements: vec!["deps/*.txt".into()],
        requirement_files: vec!["reqs.txt".into()],
        ..Default::default()
    };
    assert!(config.validate().is_ok());
    let c = DepsChecker::new(&config).with_env(Box::new(|_| None));
    let run = run_dir(&c, &root);
    let mut got: Vec<(&str, &str)> = run
        .findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.path.as_str()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![("DEP001", "deps/prod.txt"), ("DEP001", "reqs.txt")]
    );
    assert!(!c.applies_to("notes.txt"));
    let bad = Config {
        requirements: vec!["deps/[.txt".into()],
        ..Default::default()
    };
    assert!(bad.validate().is_err());
}

#[test]
fn pep723_script_dependencies_are_checked_and_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let config = audited(&tmp);
    let root = tmp.path().join("repo");
    write(
        &root,
        "tools/fetch.py",
        "# /// script\n# dependencies = [\n#   \"demo==1.0\",\n#   \"lib @ git+https://example.com/lib@main\",\n#   \"rich\",\n# ]\n# ///\nimport demo\n",
    );
    write(&root, "plain.py", "import os\n");
    let c = DepsChecker::new(&config)
        .with_env(Box::new(|_| None))
        .with_now("2026-11-25T00:00:00Z".parse().unwrap());
    let run = run_dir(&c, &root);
    let mut got: Vec<(&str, u32)> = run
        .findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.span.start_line))
        .collect();
    got.sort();
    assert_eq!(got, vec![("DEP002", 4), ("DEP009", 3)]);
    // The VCS pin cannot be audited: said, as for any manifest.
    assert!(
        run.diagnostics
            .iter()
            .any(|d| d.line == Some(4) && d.message.contains("could not be audited")),
        "{:#?}",
        run.diagnostics
    );
    // A Python file is never a must-check manifest (an unread one cannot hold a block).
    assert!(!c.must_check("plain.py") && c.must_check("requirements.txt"));
}

#[test]
fn markers_are_evaluated_only_for_a_stated_target() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = audited(&tmp);
    let root = tmp.path().join("repo");
    write(
        &root,
        "requirements.txt",
        "demo==1.0 ; python_version < \"3.9\"\ndemo==1.0 ; sys_platform == \"win32\" or extra == \"x\"\ndemo==1.0 ; platform_machine == \"arm64\"\n",
    );
    let run_with = |config: &Config| {
        let c = DepsChecker::new(config)
            .with_env(Box::new(|_| None))
            .with_now("2026-11-25T00:00:00Z".parse().unwrap());
        let run = run_dir(&c, &root);
        let files = list_files(&root);
        let reader = palisade_core::checker::FsReader(root.clone());
        let mut coverage = Vec::new();
        c.coverage(
            &ScanContext {
                files: &files,
                reader: &reader,
            },
            &mut coverage,
        );
        let mut lines: Vec<u32> = run.findings.iter().map(|f| f.span.start_line).collect();
        lines.sort();
        (lines, coverage)
    };
    // No target: every branch is audited, as before.
    let (lines, coverage) = run_with(&config);
    assert_eq!(lines, vec![1, 2, 3]);
    assert!(coverage.is_empty(), "{coverage:#?}");
    // Python 3.12 on Linux: line 1 is false for certain; line 2 depends on an extra
    // (unknown), line 3 on the machine (not stated): both still audited.
    config.python_version = Some("3.12".into());
    config.platform = Some("linux".into());
    let (lines, coverage) = run_with(&config);
    assert_eq!(lines, vec![2, 3]);
    assert_eq!(coverage.len(), 1);
    assert_eq!(
        coverage[0].message,
        "1 pin not audited: its environment markers exclude the target environment (python 3.12, linux)"
    );
    config.platform = Some("solaris".into());
    assert!(config.validate().unwrap_err().contains("solaris"));
}
