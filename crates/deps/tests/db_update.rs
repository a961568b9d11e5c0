//! `palisade db update` machinery: clone and pull of a local git repository (a `file://` URL
//! and a plain path), import of an all.zip, and an audit that finds the managed index.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;
use palisade_deps::advisory::update::{self, import_zip, UpdateReport};
use palisade_deps::audit::open_source;
use palisade_deps::config::managed_db_dir;
use palisade_deps::{Config, DepsChecker};

const REC1: &str = "id: PYSEC-2026-1\nmodified: 2026-11-20T00:00:00Z\naliases:\n- CVE-2026-1111\naffected:\n- package:\n    name: demo\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: '0'\n    - fixed: '2.0'\n";
const REC2: &str = "id: PYSEC-2026-2\nmodified: 2026-11-21T00:00:00Z\naffected:\n- package:\n    name: demo\n    ecosystem: PyPI\n  versions:\n  - '1.0'\n";

fn commit_file(repo: &git2::Repository, rel: &str, body: &str, msg: &str) {
    let root = repo.workdir().unwrap();
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, body).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new(rel)).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("t", "t@example.com").unwrap();
    let parents: Vec<git2::Commit> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents)
        .unwrap();
}

fn ids(managed: &Path) -> Vec<String> {
    let db = open_source(managed, None).unwrap();
    db.query("demo", &"1.0".parse().unwrap())
        .unwrap()
        .into_iter()
        .map(|v| v.id)
        .collect()
}

/// What `palisade db update --url` does: the binary fetches with palisade-git, this crate
/// rebuilds the index from the checkout.
fn update_from_git(url: &str, managed: &Path) -> Result<UpdateReport, String> {
    std::fs::create_dir_all(managed).map_err(|e| e.to_string())?;
    let fetched = palisade_git::mirror::fetch_head(url, &update::checkout_dir(managed))
        .map_err(|e| e.to_string())?;
    update::rebuild_from_checkout(url, managed, &fetched.commit, fetched.time)
        .map_err(|e| e.to_string())
}

#[test]
fn clone_then_pull_from_a_file_url_and_a_path() {
    let tmp = tempfile::tempdir().unwrap();
    let upstream = tmp.path().join("upstream");
    let repo = git2::Repository::init(&upstream).unwrap();
    commit_file(&repo, "vulns/demo/PYSEC-2026-1.yaml", REC1, "first");

    for (i, url) in [
        format!("file://{}", upstream.display()),
        upstream.display().to_string(),
    ]
    .iter()
    .enumerate()
    {
        let managed = tmp.path().join(format!("cache{i}/advisory-db"));
        let report = update_from_git(url, &managed).unwrap();
        assert_eq!(report.meta.records, 1);
        assert_eq!(report.meta.source, *url);
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(
            report.commit.as_deref(),
            Some(head.id().to_string().as_str())
        );
        assert_eq!(ids(&managed), vec!["PYSEC-2026-1"]);
        // The data date is the commit time when that is newer than the records.
        let commit_time = jiff::Timestamp::from_second(head.time().seconds()).unwrap();
        assert_eq!(
            report.meta.data_timestamp(),
            Some(commit_time.max("2026-11-20T00:00:00Z".parse().unwrap()))
        );
    }

    // A new advisory upstream arrives with the next update (the pull path).
    commit_file(&repo, "vulns/demo/PYSEC-2026-2.yaml", REC2, "second");
    let managed = tmp.path().join("cache0/advisory-db");
    let report = update_from_git(&format!("file://{}", upstream.display()), &managed).unwrap();
    assert_eq!(report.meta.records, 2);
    assert_eq!(ids(&managed), vec!["PYSEC-2026-1", "PYSEC-2026-2"]);
}

#[test]
fn a_bad_url_is_an_error_and_leaves_no_index() {
    let tmp = tempfile::tempdir().unwrap();
    let managed = tmp.path().join("advisory-db");
    let err = update_from_git(&format!("file://{}/nope", tmp.path().display()), &managed);
    assert!(err.is_err());
    assert!(open_source(&managed, None).is_err());
}

#[test]
fn zip_import_and_an_audit_from_the_managed_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let json = r#"{"id":"GHSA-1111-2222-3333","modified":"2026-11-24T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"demo"},"versions":["1.0"]}]}"#;
    w.start_file(
        "GHSA-1111-2222-3333.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(json.as_bytes()).unwrap();
    w.finish().unwrap();
    let cache = tmp.path().join("cache");
    import_zip(&zip_path, &managed_db_dir(&cache)).unwrap();

    let project = tmp.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("requirements.txt"), "demo==1.0\n").unwrap();
    let config = Config {
        audit: palisade_deps::config::AuditSetting {
            enabled: Some(true),
            ..Default::default()
        },
        cache_dir: Some(cache),
        ..Default::default()
    };
    let checker = DepsChecker::new(&config)
        .with_env(Box::new(|_| None))
        .with_now("2026-11-25T00:00:00Z".parse().unwrap());
    let run = run_dir(&checker, &project);
    assert!(run.diagnostics.is_empty(), "{:#?}", run.diagnostics);
    assert_eq!(run.findings.len(), 1);
    assert_eq!(run.findings[0].identity, "demo:GHSA-1111-2222-3333");

    // `audit = true` with nothing fetched yet fails closed.
    let config = Config {
        audit: palisade_deps::config::AuditSetting {
            enabled: Some(true),
            ..Default::default()
        },
        cache_dir: Some(tmp.path().join("empty-cache")),
        ..Default::default()
    };
    let run = run_dir(
        &DepsChecker::new(&config).with_env(Box::new(|_| None)),
        &project,
    );
    assert_eq!(run.diagnostics.len(), 1);
    assert_eq!(
        run.diagnostics[0].level,
        palisade_core::DiagnosticLevel::Error
    );
}
