//! Fixture tests of the pin rules: each fixture folder is checked as a scan would, and the
//! findings must be exactly its `# error:` annotations.

mod common;

use common::*;

#[test]
fn dep001_unpinned_requirement() {
    let run = assert_fixture(&checker(), "dep001");
    let f = run
        .findings
        .iter()
        .find(|f| f.span.start_line == 2 && f.path == "requirements.txt")
        .unwrap();
    assert_eq!(f.message, "`requests` is not pinned: `>=2.19` allows more than one version; pin one exact version with `==`");
    assert_eq!(
        f.snippet.as_deref(),
        Some("requests>=2.19  # error: DEP001")
    );
    assert_eq!(f.identity, "requests");
}

#[test]
fn dep002_vcs_not_at_commit() {
    assert_fixture(&checker(), "dep002");
}

#[test]
fn dep003_url_without_hash() {
    assert_fixture(&checker(), "dep003");
}

#[test]
fn dep004_missing_hash() {
    assert_fixture(&checker(), "dep004");
}

#[test]
fn dep005_conflicting_pins() {
    let run = assert_fixture(&checker(), "dep005");
    let f = run
        .findings
        .iter()
        .find(|f| f.path == "requirements.txt")
        .unwrap();
    assert_eq!(
        f.message,
        "`requests` is pinned to 2.32.3 here but to 2.31.0 at base.txt:1"
    );
}

#[test]
fn dep006_extra_index_url() {
    assert_fixture(&checker(), "dep006");
}

#[test]
fn dep007_insecure_index() {
    assert_fixture(&checker(), "dep007");
}

#[test]
fn dep008_credentials_are_reported_redacted() {
    let run = assert_fixture(&checker(), "dep008");
    for f in &run.findings {
        let text = format!("{} {}", f.message, f.snippet.as_deref().unwrap_or(""));
        assert!(!text.contains("s3cr3t") && !text.contains("ghp_"), "{text}");
        assert!(text.contains("https://****@"), "{text}");
    }
}

#[test]
fn includes_cycles_and_missing_files_are_diagnostics() {
    let dir = fixture_dir("includes");
    let run = run_dir(&checker(), &dir);
    let mut msgs: Vec<String> = run.diagnostics.iter().map(|d| d.to_string()).collect();
    msgs.sort();
    assert_eq!(
        msgs,
        vec![
            "error: requirements.txt:4: cannot read included file `missing.txt`: No such file or directory (os error 2)".to_string(),
            "error: requirements.txt:5: include `../../outside.txt` points outside the scanned tree; it was not checked".to_string(),
            "error: requirements.txt:6: `https://****@example.com/r.txt` is a remote include: it cannot be read offline, so its requirements were not checked".to_string(),
            "warning: sub/b.txt:1: include cycle: requirements.txt -> sub/a.txt -> sub/b.txt -> requirements.txt".to_string(),
        ]
    );
    // The file reached twice is checked once, and the nested include is followed.
    assert_eq!(
        actual(&run).into_iter().collect::<Vec<_>>(),
        vec![("DEP001".to_string(), "sub/b.txt".to_string(), 2)]
    );
}

#[test]
fn dep010_unpinned_application_dependency() {
    let config = palisade_deps::Config {
        application: true,
        ..Default::default()
    };
    let checker = palisade_deps::DepsChecker::new(&config).with_env(Box::new(|_| None));
    assert_fixture(&checker, "dep010");
}

#[test]
fn dep010_is_silent_for_libraries() {
    let run = run_dir(&checker(), &fixture_dir("dep010"));
    assert!(run.findings.iter().all(|f| f.rule_id != "DEP010"));
    assert_eq!(
        run.findings.len(),
        2,
        "only the DEP002 findings: {:#?}",
        run.findings
    );
}

#[test]
fn dep011_to_dep014_ci_and_container_pins() {
    let run = assert_fixture(&checker(), "ci");
    let f = run.findings.iter().find(|f| f.rule_id == "DEP012").unwrap();
    assert_eq!(
        f.message,
        "base image `python:3.12-slim` is not pinned by digest; use `python:3.12-slim@sha256:...`"
    );
    let f = run
        .findings
        .iter()
        .find(|f| f.rule_id == "DEP011" && f.span.start_line == 7)
        .unwrap();
    assert_eq!(
        f.message,
        "`uses: actions/checkout@v4` `@v4` is a tag or branch, which can be moved; pin it to a full commit SHA"
    );
}

#[test]
fn broken_yaml_is_a_diagnostic_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let wf = tmp.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    std::fs::write(wf.join("ci.yml"), "jobs:\n  a: [\n  - uses: x@v1\n").unwrap();
    std::fs::write(tmp.path().join("pyproject.toml"), b"\xff\xfe[project]\n").unwrap();
    let run = run_dir(&checker(), tmp.path());
    assert!(run.findings.is_empty());
    let mut msgs: Vec<String> = run
        .diagnostics
        .iter()
        .map(|d| format!("{}:{:?}", d.path, d.level))
        .collect();
    msgs.sort();
    assert_eq!(
        msgs,
        vec![
            ".github/workflows/ci.yml:Error".to_string(),
            "pyproject.toml:Error".to_string(),
            "pyproject.toml:Warning".to_string(),
        ]
    );
}

#[test]
fn include_chains_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..100 {
        let name = if i == 0 {
            "requirements.txt".to_string()
        } else {
            format!("r{i}.txt")
        };
        std::fs::write(
            tmp.path().join(name),
            format!("-r r{}.txt\nflask==3.0.{i}\n", i + 1),
        )
        .unwrap();
    }
    let files = vec!["requirements.txt".to_string()];
    let run = run_files(&checker(), tmp.path(), &files);
    let deep: Vec<_> = run
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("includes nest deeper than 64 files"))
        .collect();
    assert_eq!(deep.len(), 1, "{:#?}", run.diagnostics);
    // Every file up to the limit was read, and its pins compared.
    assert_eq!(
        run.findings
            .iter()
            .filter(|f| f.rule_id == "DEP005")
            .count(),
        63
    );
}

/// Every prefix of every fixture, checked under each manifest name: truncated input must give
/// diagnostics, never a panic.
#[test]
fn truncated_inputs_never_panic() {
    let names = [
        "requirements.txt",
        "pyproject.toml",
        "setup.cfg",
        "Pipfile",
        "Pipfile.lock",
        "poetry.lock",
        "uv.lock",
        "pylock.toml",
        ".github/workflows/ci.yml",
        "Dockerfile",
        ".pre-commit-config.yaml",
    ];
    let root = fixture_dir("");
    let checker = checker();
    let empty = tempfile::tempdir().unwrap();
    let reader = palisade_core::checker::FsReader(empty.path().to_path_buf());
    for fixture in list_files(&root) {
        let text = std::fs::read_to_string(root.join(&fixture)).unwrap();
        let cuts: Vec<usize> = (0..=text.len()).step_by(3).collect();
        for name in names {
            let files = vec![name.to_string()];
            let ctx = palisade_core::ScanContext {
                files: &files,
                reader: &reader,
            };
            for &cut in &cuts {
                // Cuts may split a UTF-8 sequence: that is input too.
                let bytes = &text.as_bytes()[..cut];
                let file = palisade_core::SourceFile::new(name, bytes);
                let mut out = palisade_core::FileReport::default();
                palisade_core::Checker::check(&checker, &file, &ctx, &mut out);
            }
        }
    }
}

#[test]
fn a_diagnostic_of_a_file_reached_twice_is_reported_once() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("requirements.txt"), "-c constraints.txt\n").unwrap();
    std::fs::write(tmp.path().join("constraints.txt"), "bad==\n").unwrap();
    let run = run_dir(&checker(), tmp.path());
    assert_eq!(run.diagnostics.len(), 1, "{:#?}", run.diagnostics);
    assert_eq!(run.diagnostics[0].path, "constraints.txt");
}

#[test]
fn indexes_configured_in_pipfile_and_pyproject() {
    let run = assert_fixture(&checker(), "indexes");
    for f in &run.findings {
        let text = format!("{} {}", f.message, f.snippet.as_deref().unwrap_or(""));
        assert!(
            !text.contains("hunter2") && !text.contains("s3cr3t"),
            "{text}"
        );
    }
}

/// A checker that reports DEP015 (off by default, as `--select DEP015` turns it on).
fn dependabot_checker() -> palisade_deps::DepsChecker {
    let mut c = checker();
    c.restrict_to(&|_| true);
    c
}

#[test]
fn dep015_reports_ecosystems_and_folders_dependabot_does_not_cover() {
    let run = assert_fixture(&dependabot_checker(), "dependabot/partial");
    let f = finding_on(&run, "services/worker/poetry.lock");
    assert_eq!(
        f.message,
        ".github/dependabot.yml has no `pip` entry for /services/worker: nothing keeps the dependencies of `services/worker/poetry.lock` up to date; add `package-ecosystem: pip` with `directory: /services/worker` (or list the folder in `directories`)"
    );
    assert_eq!(f.identity, "pip:/services/worker");
}

#[test]
fn dep015_without_dependabot_yml_reports_each_ecosystem_once() {
    let run = assert_fixture(&dependabot_checker(), "dependabot/missing");
    let f = finding_on(&run, ".github/workflows/ci.yml");
    assert!(
        f.message.starts_with("no .github/dependabot.yml: nothing keeps the github-actions dependencies of `.github/workflows/ci.yml` up to date"),
        "{}",
        f.message
    );
}

#[test]
fn dep015_is_silent_when_every_folder_is_covered() {
    let run = run_dir(&dependabot_checker(), &fixture_dir("dependabot/covered"));
    assert!(run.diagnostics.is_empty(), "{:#?}", run.diagnostics);
    assert!(run.findings.is_empty(), "{:#?}", run.findings);
    // The same files without the configuration: three ecosystems in two folders uncovered.
    let dir = tempfile::tempdir().unwrap();
    for f in list_files(&fixture_dir("dependabot/covered")) {
        if f.starts_with(".github/dependabot") {
            continue;
        }
        let bytes = std::fs::read(fixture_dir("dependabot/covered").join(&f)).unwrap();
        palisade_testkit::write(dir.path(), &f, bytes);
    }
    let run = run_dir(&dependabot_checker(), dir.path());
    let mut ids: Vec<&str> = run.findings.iter().map(|f| f.identity.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        ["docker:/api", "github-actions:/", "pip:/", "pip:/api"]
    );
}

#[test]
fn dep015_off_by_default_reads_no_dependabot_yml() {
    let dir = tempfile::tempdir().unwrap();
    palisade_testkit::write(dir.path(), ".github/dependabot.yml", "updates: [\n");
    palisade_testkit::write(dir.path(), "requirements.txt", "requests==2.32.3\n");
    let run = run_dir(&checker(), dir.path());
    assert!(run.findings.is_empty() && run.diagnostics.is_empty());
    // Selected, the broken file is an error naming it, and no finding guesses at coverage.
    let run = run_dir(&dependabot_checker(), dir.path());
    assert!(run.findings.is_empty(), "{:#?}", run.findings);
    assert_eq!(run.diagnostics.len(), 1, "{:#?}", run.diagnostics);
    let d = &run.diagnostics[0];
    assert_eq!(d.path, ".github/dependabot.yml");
    assert_eq!(d.level, palisade_core::DiagnosticLevel::Error);
    assert!(
        d.message.contains("invalid YAML") && d.message.contains("DEP015"),
        "{}",
        d.message
    );
}

#[test]
fn dep015_entries_that_cannot_be_read_are_errors_and_the_others_still_count() {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        (".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n  - package-ecosystem: docker\n    directory: [web]\n"),
        ("requirements.txt", "requests==2.32.3\n"),
        ("web/Dockerfile", "FROM python:3.12@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"),
    ] {
        palisade_testkit::write(dir.path(), path, text);
    }
    let run = run_dir(&dependabot_checker(), dir.path());
    let msgs: Vec<String> = run.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(msgs, ["error: .github/dependabot.yml:5: `updates` entry 2 (docker) needs `directory` (a string) or `directories` (a list of strings); Dependabot coverage (DEP015) was not checked against it"]);
    let ids: Vec<&str> = run.findings.iter().map(|f| f.identity.as_str()).collect();
    assert_eq!(ids, ["docker:/web"]);
}
