//! Installed environments: site-packages fixtures made of METADATA files only, read without
//! any interpreter, audited at their exact versions.

mod common;

use std::path::Path;

use common::*;
use palisade_core::{DiagnosticLevel, Gap};
use palisade_deps::environment::{read_environment, site_packages};
use palisade_deps::{Config, DepsChecker};

fn dist(site: &Path, name: &str, version: &str, extra: &str) {
    let dir = site.join(format!("{}-{version}.dist-info", name.replace('-', "_")));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("METADATA"),
        format!(
            "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{extra}\nlong description\n"
        ),
    )
    .unwrap();
}

#[test]
fn site_packages_is_found_in_posix_and_windows_layouts() {
    let tmp = tempfile::tempdir().unwrap();
    let posix = tmp.path().join("venv/lib/python3.12/site-packages");
    dist(&posix, "demo", "1.0", "");
    assert_eq!(
        site_packages(&tmp.path().join("venv")).unwrap(),
        vec![posix.clone()]
    );
    assert_eq!(site_packages(&posix).unwrap(), vec![posix.clone()]);
    let win = tmp.path().join("winvenv/Lib/site-packages");
    dist(&win, "demo", "1.0", "");
    assert_eq!(
        site_packages(&tmp.path().join("winvenv")).unwrap(),
        vec![win]
    );
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(site_packages(&empty)
        .unwrap_err()
        .contains("has no site-packages"));
    assert!(site_packages(&tmp.path().join("missing")).is_err());
}

#[test]
fn broken_metadata_is_an_error_never_a_silent_skip() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site-packages");
    dist(
        &site,
        "good",
        "1.0",
        "Requires-Dist: other>=2; extra == \"x\"",
    );
    std::fs::create_dir_all(site.join("noversion-1.0.dist-info")).unwrap();
    std::fs::write(
        site.join("noversion-1.0.dist-info/METADATA"),
        "Name: noversion\n",
    )
    .unwrap();
    std::fs::create_dir_all(site.join("nometa-1.0.dist-info")).unwrap();
    // An old-style egg-info file.
    std::fs::write(
        site.join("old-0.1.egg-info"),
        "Metadata-Version: 1.0\nName: old\nVersion: 0.1\n",
    )
    .unwrap();
    let (dists, diags) = read_environment(&site, &|p| {
        p.strip_prefix(tmp.path())
            .unwrap()
            .to_string_lossy()
            .into_owned()
    });
    let names: Vec<&str> = dists.iter().map(|d| d.name()).collect();
    assert_eq!(names, vec!["good", "old"]);
    assert_eq!(
        dists[0].metadata.requires_dist,
        vec!["other>=2; extra == \"x\""]
    );
    assert_eq!(
        dists[0].display,
        "site-packages/good-1.0.dist-info/METADATA"
    );
    let mut got: Vec<(String, Option<Gap>)> =
        diags.iter().map(|d| (d.path.clone(), d.gap)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "site-packages/nometa-1.0.dist-info/METADATA".to_string(),
                Some(Gap::Unreadable)
            ),
            (
                "site-packages/noversion-1.0.dist-info/METADATA".to_string(),
                Some(Gap::Unparsable)
            ),
        ]
    );
    assert!(diags.iter().all(|d| d.level == DiagnosticLevel::Error));
}

fn audit_env(config: &Config, root: &Path) -> Run {
    let c = DepsChecker::new(config)
        .with_env(Box::new(|_| None))
        .with_now("2024-10-12T00:00:00Z".parse().unwrap());
    run_dir(&c, root)
}

/// Acceptance: an installed django 3.2.0 plus its transitive pins give the same advisory set
/// as the requirements-file audit of the same versions (PyPA snapshot).
#[test]
fn installed_django_matches_the_requirements_audit_on_the_snapshot() {
    let Some(db) = snapshot() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let pins = [
        ("Django", "3.2.0"),
        ("asgiref", "3.3.2"),
        ("pytz", "2021.1"),
        ("sqlparse", "0.4.1"),
        ("requests", "2.19.0"),
        ("urllib3", "1.23"),
        ("idna", "2.7"),
    ];
    let venv = tmp.path().join("venv");
    let site = venv.join("lib/python3.9/site-packages");
    for (n, v) in pins {
        dist(&site, n, v, "");
    }
    let reqs = tmp.path().join("reqs");
    std::fs::create_dir_all(&reqs).unwrap();
    let text: String = pins.iter().map(|(n, v)| format!("{n}=={v}\n")).collect();
    std::fs::write(reqs.join("requirements.txt"), text).unwrap();

    let base = Config {
        advisory_db: Some(db),
        cache_dir: Some(tmp.path().join("cache")),
        allow_stale: true,
        ..Default::default()
    };
    let from_reqs = audit_env(&base, &reqs);
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let with_env = Config {
        environment: Some(venv.clone()),
        display_root: Some(tmp.path().to_path_buf()),
        ..base.clone()
    };
    let from_env = audit_env(&with_env, &empty);
    let set = |run: &Run| {
        let mut s: Vec<String> = run
            .findings
            .iter()
            .filter(|f| f.rule_id == "DEP009")
            .map(|f| f.identity.clone())
            .collect();
        s.sort();
        s
    };
    let a = set(&from_reqs);
    assert!(a.len() >= 27, "{a:?}");
    assert_eq!(a, set(&from_env));
    let errors: Vec<_> = from_env
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let f = from_env
        .findings
        .iter()
        .find(|f| f.identity == "django:PYSEC-2021-98")
        .or_else(|| {
            from_env
                .findings
                .iter()
                .find(|f| f.identity.starts_with("django:"))
        })
        .unwrap();
    assert_eq!(
        f.path,
        "venv/lib/python3.9/site-packages/Django-3.2.0.dist-info/METADATA"
    );
    assert_eq!(f.span.start_line, 3);
    assert!(
        f.message
            .ends_with("(installed, not asked for by any manifest checked)"),
        "{}",
        f.message
    );

    // Checked together with the requirements file, the finding names the line asking for it.
    let both = audit_env(
        &Config {
            display_root: Some(reqs.clone()),
            ..with_env
        },
        &reqs,
    );
    let f = both
        .findings
        .iter()
        .find(|f| f.identity.starts_with("requests:") && f.path.ends_with("METADATA"))
        .unwrap();
    assert!(
        f.message
            .ends_with("(installed; asked for at requirements.txt:5)"),
        "{}",
        f.message
    );
    assert_eq!(f.properties["requested-at"], "requirements.txt:5");
}

#[test]
fn an_environment_without_advisory_data_is_counted_as_not_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site-packages");
    dist(&site, "demo", "1.0", "");
    dist(&site, "other", "2.0", "");
    let config = Config {
        environment: Some(site),
        ..Default::default()
    };
    let c = DepsChecker::new(&config).with_env(Box::new(|_| None));
    let root = tmp.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    let run = run_dir(&c, &root);
    assert!(run.findings.is_empty());
    let files: Vec<String> = Vec::new();
    let reader = palisade_core::checker::FsReader(root.clone());
    let mut coverage = Vec::new();
    palisade_core::Checker::coverage(
        &c,
        &palisade_core::ScanContext {
            files: &files,
            reader: &reader,
        },
        &mut coverage,
    );
    assert!(
        coverage[0].message.contains("(2 exact pins not audited"),
        "{coverage:#?}"
    );
}
