//! The audit through the checker: findings, fail-closed diagnostics, risk acceptances.

mod common;

use std::path::PathBuf;

use common::*;
use palisade_core::DiagnosticLevel;
use palisade_deps::{Config, DepsChecker};

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

const DEMO: &str = r#"{"id":"PYSEC-2026-1","modified":"2026-11-22T10:00:00Z","published":"2026-10-26T08:00:00Z",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],"aliases":["CVE-2026-0001","GHSA-aaaa-bbbb-cccc"],
 "summary":"Demo is broken","affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#;
const DEMO2: &str = r#"{"id":"GHSA-zzzz-zzzz-zzzz","modified":"2026-11-20T10:00:00Z","database_specific":{"severity":"LOW"},
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},"versions":["1.0"]}]}"#;

struct Project {
    dir: tempfile::TempDir,
    db: PathBuf,
    cache: PathBuf,
}

fn project(requirements: &str) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osv");
    std::fs::create_dir_all(&db).unwrap();
    std::fs::write(db.join("a.json"), DEMO).unwrap();
    std::fs::write(db.join("b.json"), DEMO2).unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("requirements.txt"), requirements).unwrap();
    let cache = dir.path().join("cache");
    Project { db, cache, dir }
}

impl Project {
    fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }
    fn config(&self) -> Config {
        Config {
            advisory_db: Some(self.db.clone()),
            cache_dir: Some(self.cache.clone()),
            ..Default::default()
        }
    }
    fn run(&self, config: &Config, now: &str) -> Run {
        self.run_accepting(config, now, &[])
    }

    /// `run` with packages accepted as a whole by the run's risk acceptances.
    fn run_accepting(&self, config: &Config, now: &str, packages: &[&str]) -> Run {
        let checker = DepsChecker::new(config)
            .with_env(Box::new(|_| None))
            .with_now(ts(now))
            .with_accepted_packages(packages.iter().map(|p| p.to_string()).collect());
        run_dir(&checker, &self.root())
    }
}

#[test]
fn snapshot_reference_case_through_the_checker() {
    let Some(db) = snapshot() else { return };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("requirements.txt"),
        "requests==2.19.0\ndjango==3.2.0\n",
    )
    .unwrap();
    let config = Config {
        advisory_db: Some(db),
        cache_dir: Some(tmp.path().join("cache")),
        ..Default::default()
    };
    let checker = DepsChecker::new(&config)
        .with_env(Box::new(|_| None))
        .with_now(ts("2024-10-12T00:00:00Z"));
    let run = run_files(&checker, tmp.path(), &["requirements.txt".to_string()]);
    let errors: Vec<_> = run
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let on = |line| {
        run.findings
            .iter()
            .filter(|f| f.rule_id == "DEP009" && f.span.start_line == line)
            .count()
    };
    assert_eq!((on(1), on(2)), (2, 25));
    assert_eq!(run.findings.len(), 27);
    let f = run
        .findings
        .iter()
        .find(|f| f.identity == "requests:PYSEC-2018-28")
        .unwrap();
    assert!(
        f.message
            .starts_with("requests 2.19.0 is affected by PYSEC-2018-28 (CVE-2018-18074"),
        "{}",
        f.message
    );
    assert!(f.message.contains("fixed in 2.20.0"), "{}", f.message);
}

#[test]
fn findings_name_aliases_fixes_and_severity() {
    let p = project("demo==1.0\nother==2.0\ndemo==1.0 ; python_version < \"3.9\"\n");
    let run = p.run(&p.config(), "2026-11-25T00:00:00Z");
    assert!(run.diagnostics.is_empty(), "{:#?}", run.diagnostics);
    let mut msgs: Vec<(String, String)> = run
        .findings
        .iter()
        .map(|f| (f.severity.to_string(), f.message.clone()))
        .collect();
    msgs.sort();
    let demo = "demo 1.0 is affected by PYSEC-2026-1 (CVE-2026-0001, GHSA-aaaa-bbbb-cccc): Demo is broken; fixed in 1.5; CVSS 3.1 7.5 high; published 2026-10-26 (30 days ago)";
    let demo2 = "demo 1.0 is affected by GHSA-zzzz-zzzz-zzzz; no fix; severity low (GitHub label, no CVSS vector); publication date unknown";
    let marker = " (installed only where `python_version < \"3.9\"`)";
    assert_eq!(
        msgs,
        vec![
            ("high".to_string(), demo.to_string()),
            ("high".to_string(), format!("{demo}{marker}")),
            ("low".to_string(), demo2.to_string()),
            ("low".to_string(), format!("{demo2}{marker}")),
        ]
    );
    // The structured facts, for JSON and SARIF.
    let f = run
        .findings
        .iter()
        .find(|f| f.identity == "demo:PYSEC-2026-1")
        .unwrap();
    let prop = |k: &str| f.properties.get(k).cloned().unwrap_or_default();
    assert_eq!(prop("cvss-score"), serde_json::json!(7.5));
    assert_eq!(
        prop("cvss-vector"),
        serde_json::json!("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")
    );
    assert_eq!(prop("severity"), serde_json::json!("high"));
    assert_eq!(prop("published"), serde_json::json!("2026-10-26"));
    assert_eq!(prop("age-days"), serde_json::json!(30));
    assert_eq!(prop("smallest-fix"), serde_json::json!("1.5"));
    assert_eq!(prop("overdue"), serde_json::json!(false));
    assert_eq!(
        prop("sarif-rule")["security-severity"],
        serde_json::json!(7.5)
    );
    let g = run
        .findings
        .iter()
        .find(|f| f.identity == "demo:GHSA-zzzz-zzzz-zzzz")
        .unwrap();
    assert_eq!(g.properties["smallest-fix"], serde_json::json!("no fix"));
    assert_eq!(g.properties["github-severity"], serde_json::json!("LOW"));
    assert_eq!(g.properties["age-days"], serde_json::Value::Null);
}

const UNRATED: &str = r#"{"id":"PYSEC-2026-9","modified":"2026-11-22T10:00:00Z","published":"2026-01-01T00:00:00Z",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L"}],
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},"versions":["1.0"]}]}"#;

#[test]
fn fail_on_severity_warns_below_it_and_unknown_always_fails() {
    let p = project("demo==1.0\n");
    std::fs::write(p.db.join("c.json"), UNRATED).unwrap();
    let mut config = p.config();
    config.audit.policy.fail_on_severity = Some(palisade_deps::advisory::severity::Level::High);
    config.audit.policy.sla_days.high = Some(20);
    let run = p.run(&config, "2026-11-25T00:00:00Z");
    let mut ids: Vec<(&str, String)> = run
        .findings
        .iter()
        .map(|f| (f.identity.as_str(), f.severity.to_string()))
        .collect();
    ids.sort();
    // 7.5 high fails (and is 30 days old, past the 20-day SLA); the incomplete vector is
    // unknown, never 0.0, and fails; the low one is a warning.
    assert_eq!(
        ids,
        vec![
            ("demo:PYSEC-2026-1", "high".to_string()),
            ("demo:PYSEC-2026-9", "high".to_string()),
        ]
    );
    let high = run
        .findings
        .iter()
        .find(|f| f.identity == "demo:PYSEC-2026-1")
        .unwrap();
    assert!(
        high.message.contains("OVERDUE (SLA 20 days)"),
        "{}",
        high.message
    );
    assert_eq!(high.properties["overdue"], serde_json::json!(true));
    let unknown = run
        .findings
        .iter()
        .find(|f| f.identity == "demo:PYSEC-2026-9")
        .unwrap();
    assert!(
        unknown.message.contains("severity unknown (CVSS vector `CVSS:3.1/AV:N/AC:L` not scored: base metric(s) PR, UI, S, C, I, A missing)"),
        "{}",
        unknown.message
    );
    assert_eq!(unknown.properties["severity"], serde_json::json!("unknown"));
    assert_eq!(unknown.properties["cvss-score"], serde_json::Value::Null);
    let warned: Vec<&str> = run
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Warning)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].starts_with(
            "DEP009 below fail-on-severity (high): demo 1.0 is affected by GHSA-zzzz-zzzz-zzzz"
        ),
        "{}",
        warned[0]
    );
}

#[test]
fn no_configured_database_means_no_audit_and_no_error() {
    let p = project("demo==1.0\n");
    let checker = DepsChecker::new(&Config::default()).with_env(Box::new(|_| None));
    let run = run_dir(&checker, &p.root());
    assert!(run.findings.is_empty() && run.diagnostics.is_empty());
}

#[test]
fn a_missing_database_fails_closed_unless_allowed() {
    let p = project("demo==1.0\n");
    let mut config = p.config();
    config.advisory_db = Some(p.dir.path().join("does-not-exist"));
    let run = p.run(&config, "2026-11-25T00:00:00Z");
    assert_eq!(run.diagnostics.len(), 1, "{:#?}", run.diagnostics);
    let d = &run.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.path, "requirements.txt");
    assert!(
        d.message.contains("1 pinned package(s) were not audited")
            && d.message.contains("does not exist"),
        "{}",
        d.message
    );

    config.allow_stale = true;
    let run = p.run(&config, "2026-11-25T00:00:00Z");
    assert_eq!(run.diagnostics[0].level, DiagnosticLevel::Warning);
}

#[test]
fn the_database_is_not_opened_when_nothing_is_pinned() {
    let p = project("-e .\nflask>=2\n");
    let mut config = p.config();
    config.advisory_db = Some(p.dir.path().join("does-not-exist"));
    let run = p.run(&config, "2026-11-25T00:00:00Z");
    assert!(run.diagnostics.is_empty(), "{:#?}", run.diagnostics);
    assert_eq!(actual(&run).len(), 1, "only DEP001 for flask");
}

#[test]
fn stale_data_is_an_error_unless_allowed() {
    let p = project("demo==1.0\n");
    let mut config = p.config();
    let run = p.run(&config, "2026-12-20T00:00:00Z");
    let stale: Vec<_> = run
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("stale"))
        .collect();
    assert_eq!(stale.len(), 1, "{:#?}", run.diagnostics);
    assert_eq!(stale[0].level, DiagnosticLevel::Error);
    assert!(
        stale[0]
            .message
            .contains("from 2026-11-22 (27 days old, the limit is 7)"),
        "{}",
        stale[0].message
    );
    assert_eq!(
        run.findings.len(),
        2,
        "stale data still reports what it knows"
    );

    config.max_db_age_days = Some(30);
    assert!(p
        .run(&config, "2026-12-20T00:00:00Z")
        .diagnostics
        .is_empty());
    config.max_db_age_days = None;
    config.allow_stale = true;
    let run = p.run(&config, "2026-12-20T00:00:00Z");
    assert_eq!(run.diagnostics[0].level, DiagnosticLevel::Warning);
}

#[test]
fn unauditable_pins_fail_closed_unless_allowed() {
    let p = project(
        "weird===1.0-custom\npkg @ https://files.example.com/pkg-1.0.tar.gz#sha256=abcd\ndemo==2.0\n",
    );
    let mut config = p.config();
    let run = p.run(&config, "2026-11-25T00:00:00Z");
    let mut lines: Vec<(DiagnosticLevel, Option<u32>)> =
        run.diagnostics.iter().map(|d| (d.level, d.line)).collect();
    lines.sort();
    assert_eq!(
        lines,
        vec![
            (DiagnosticLevel::Error, Some(1)),
            (DiagnosticLevel::Error, Some(2))
        ],
        "{:#?}",
        run.diagnostics
    );
    assert!(run
        .diagnostics
        .iter()
        .any(|d| d.message.contains("version `1.0-custom` is not PEP 440")));
    config.allow_unauditable = true;
    let run = p.run(&config, "2026-11-25T00:00:00Z");
    assert!(run
        .diagnostics
        .iter()
        .all(|d| d.level == DiagnosticLevel::Warning));
    // A package-wide acceptance covers an unauditable pin too.
    config.allow_unauditable = false;
    assert!(p
        .run_accepting(&config, "2026-11-25T00:00:00Z", &["weird", "pkg"])
        .diagnostics
        .is_empty());
}

/// Risk acceptances are matched by the core's one engine (`[[accept]]`, `[[deps.ignore]]`);
/// the checker's part is to tag each finding with every name of its advisory and its package.
#[test]
fn vulnerability_findings_carry_every_advisory_name_and_the_package() {
    let p = project("Demo==1.0\n");
    let run = p.run(&p.config(), "2026-11-25T00:00:00Z");
    let f = run
        .findings
        .iter()
        .find(|f| f.identity == "demo:PYSEC-2026-1")
        .unwrap();
    assert!(f.tags.contains(&"package:demo".to_string()), "{:?}", f.tags);
    assert!(
        f.tags.contains(&"advisory:PYSEC-2026-1".to_string()),
        "{:?}",
        f.tags
    );
    assert!(
        f.tags
            .iter()
            .any(|t| t.eq_ignore_ascii_case("advisory:CVE-2026-0001")),
        "{:?}",
        f.tags
    );
    let accepted = palisade_core::suppress::accept::AcceptedRisk {
        rule: Some("DEP009".into()),
        path: None,
        advisory: Some("cve-2026-0001".into()),
        package: None,
        reason: "not reachable".into(),
        expires: Some(jiff::civil::date(2026, 11, 30)),
        origin: "test".into(),
        by: None,
        date: None,
    };
    assert!(accepted.covers(f, "requirements.txt"));
}

#[test]
fn lock_files_are_audited_and_a_lock_replaces_the_manifest_audit() {
    let p = project("");
    let root = p.root();
    std::fs::remove_file(root.join("requirements.txt")).unwrap();
    std::fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"app\"\ndependencies = [\"demo==1.0\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("uv.lock"),
        "version = 1\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n[[package]]\nname = \"demo\"\nversion = \"1.4\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
    )
    .unwrap();
    for (dir, name, body) in [
        (
            "poetry",
            "poetry.lock",
            "[[package]]\nname = \"Demo\"\nversion = \"1.0\"\n",
        ),
        (
            "pylock",
            "pylock.toml",
            "lock-version = \"1.0\"\n[[packages]]\nname = \"demo\"\nversion = \"1.0.0\"\n",
        ),
        (
            "pipenv",
            "Pipfile.lock",
            "{\n  \"default\": {\n    \"demo\": {\"version\": \"==1.0\"}\n  }\n}\n",
        ),
    ] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
        std::fs::write(root.join(dir).join(name), body).unwrap();
    }
    let run = p.run(&p.config(), "2026-11-25T00:00:00Z");
    assert!(run.diagnostics.is_empty(), "{:#?}", run.diagnostics);
    let mut got: Vec<(String, u32, String)> = run
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.span.start_line, f.identity.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "pipenv/Pipfile.lock".into(),
                3,
                "demo:GHSA-zzzz-zzzz-zzzz".into()
            ),
            ("pipenv/Pipfile.lock".into(), 3, "demo:PYSEC-2026-1".into()),
            (
                "poetry/poetry.lock".into(),
                2,
                "demo:GHSA-zzzz-zzzz-zzzz".into()
            ),
            ("poetry/poetry.lock".into(), 2, "demo:PYSEC-2026-1".into()),
            (
                "pylock/pylock.toml".into(),
                3,
                "demo:GHSA-zzzz-zzzz-zzzz".into()
            ),
            ("pylock/pylock.toml".into(), 3, "demo:PYSEC-2026-1".into()),
            // The lock says 1.4 is installed: only the range advisory applies, and the
            // manifest's `demo==1.0` is not audited because the lock is authoritative.
            ("uv.lock".into(), 7, "demo:PYSEC-2026-1".into()),
        ]
    );
}

#[test]
fn skipped_records_warn_when_the_index_is_built_then_become_notes() {
    let p = project("demo==1.0\n");
    std::fs::write(
        p.db.join("c.json"),
        r#"{"id":"PYSEC-2026-9","modified":"2026-11-22T10:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"odd"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2019-09-12x"}]}]}]}"#,
    )
    .unwrap();
    let levels =
        |run: &Run| -> Vec<DiagnosticLevel> { run.diagnostics.iter().map(|d| d.level).collect() };
    let first = p.run(&p.config(), "2026-11-25T00:00:00Z");
    assert_eq!(
        levels(&first),
        vec![DiagnosticLevel::Warning],
        "{:#?}",
        first.diagnostics
    );
    assert!(first.diagnostics[0]
        .message
        .contains("1 record(s) could not be used"));
    let second = p.run(&p.config(), "2026-11-25T00:00:00Z");
    assert_eq!(levels(&second), vec![DiagnosticLevel::Note]);
}
