//! The licence policy on METADATA fixtures (issue 14 acceptance): SPDX OR/AND/WITH parsed,
//! free text unknown, clarifications pinned by hash, exceptions, unused entries.

mod common;

use std::path::Path;

use common::*;
use palisade_core::DiagnosticLevel;
use palisade_deps::licenses::LicensePolicy;
use palisade_deps::{Config, DepsChecker};

fn dist(site: &Path, name: &str, version: &str, headers: &str) {
    let dir = site.join(format!("{name}-{version}.dist-info"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("METADATA"),
        format!("Metadata-Version: 2.4\nName: {name}\nVersion: {version}\n{headers}\n\nbody\n"),
    )
    .unwrap();
}

fn policy(toml_text: &str) -> LicensePolicy {
    toml::from_str(toml_text).unwrap()
}

/// Runs the checker over an empty repository with `site` as the environment; returns
/// (rule, package identity) of the findings and the warnings.
fn run(
    site: &Path,
    policy: LicensePolicy,
    select_lic004: bool,
) -> (Vec<(String, String)>, Vec<String>) {
    let config = Config {
        environment: Some(site.to_path_buf()),
        licenses: Some(policy),
        ..Default::default()
    };
    assert!(config.validate().is_ok(), "{:?}", config.validate());
    let c = DepsChecker::new(&config).with_env(Box::new(|_| None));
    let repo = tempfile::tempdir().unwrap();
    let r = run_dir(&c, repo.path());
    let mut f: Vec<(String, String)> = r
        .findings
        .iter()
        .filter(|f| select_lic004 || f.rule_id != "LIC004")
        .map(|f| (f.rule_id.clone(), f.identity.clone()))
        .collect();
    f.sort();
    let w = r
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Warning)
        .map(|d| d.message.clone())
        .collect();
    (f, w)
}

fn site() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site-packages");
    dist(
        &site,
        "cryptography",
        "43.0.0",
        "License-Expression: Apache-2.0 OR BSD-3-Clause",
    );
    dist(
        &site,
        "numpy",
        "2.1.0",
        "License-Expression: BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0",
    );
    (tmp, site)
}

#[test]
fn or_passes_with_either_branch_and_and_needs_every_part() {
    let (_tmp, site) = site();
    for allow in [r#"["Apache-2.0"]"#, r#"["BSD-3-Clause"]"#] {
        let (f, _) = run(&site, policy(&format!("allow = {allow}")), false);
        // cryptography passes with either branch; numpy fails (MIT alone is not enough).
        assert_eq!(
            f,
            vec![("LIC001".to_string(), "numpy".to_string())],
            "{allow}"
        );
    }
    let (f, _) = run(
        &site,
        policy(r#"allow = ["Apache-2.0", "BSD-3-Clause", "0BSD", "MIT", "Zlib", "CC0-1.0"]"#),
        false,
    );
    assert!(f.is_empty(), "{f:?}");
    // `MIT` allowed alone does not pass numpy (pip-licenses --partial-match does).
    let (f, w) = run(
        &site,
        policy(r#"allow = ["MIT", "Apache-2.0", "GPL-3.0-only"]"#),
        false,
    );
    assert_eq!(f, vec![("LIC001".to_string(), "numpy".to_string())]);
    assert_eq!(
        w,
        vec!["licence policy: allow entry `GPL-3.0-only` was not needed by any installed distribution".to_string()]
    );
}

#[test]
fn free_text_is_unknown_and_classifiers_must_be_unambiguous() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site-packages");
    dist(&site, "gplish", "1.0", "License: GPL");
    dist(&site, "lgplish", "1.0", "License: LGPL with exceptions");
    dist(
        &site,
        "bsdish",
        "1.0",
        "Classifier: License :: OSI Approved :: BSD License",
    );
    dist(
        &site,
        "mitish",
        "1.0",
        "Classifier: License :: OSI Approved :: MIT License",
    );
    dist(&site, "legacy", "1.0", "License: MIT");
    dist(&site, "old-lgpl", "1.0", "License-Expression: LGPL-2.1");
    dist(&site, "nothing", "1.0", "");
    let (f, _) = run(&site, policy(r#"allow = ["MIT", "LGPL-2.1-only"]"#), true);
    assert_eq!(
        f,
        vec![
            ("LIC002".to_string(), "bsdish".to_string()),
            ("LIC002".to_string(), "gplish".to_string()),
            ("LIC002".to_string(), "lgplish".to_string()),
            ("LIC002".to_string(), "nothing".to_string()),
            ("LIC004".to_string(), "legacy".to_string()),
            ("LIC004".to_string(), "mitish".to_string()),
        ]
    );
    // unknown = "warn": warnings instead of findings.
    let (f, w) = run(
        &site,
        policy("allow = [\"MIT\", \"LGPL-2.1-only\"]\nunknown = \"warn\""),
        false,
    );
    assert!(f.is_empty(), "{f:?}");
    assert!(w.iter().any(|m| m.starts_with("gplish 1.0: licence unknown (not an SPDX expression or one unambiguous classifier: License: GPL)")), "{w:#?}");
}

#[test]
fn with_exceptions_and_per_package_exceptions() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site-packages");
    dist(
        &site,
        "javaish",
        "1.0",
        "License-Expression: GPL-2.0-only WITH Classpath-exception-2.0",
    );
    dist(&site, "certifi", "2024.8.30", "License-Expression: MPL-2.0");
    let (f, _) = run(&site, policy(r#"allow = ["GPL-2.0-only"]"#), false);
    assert_eq!(
        f,
        vec![
            ("LIC001".to_string(), "certifi".to_string()),
            ("LIC001".to_string(), "javaish".to_string())
        ]
    );
    let (f, w) = run(
        &site,
        policy(
            r#"allow = ["GPL-2.0-only WITH Classpath-exception-2.0"]
exceptions = [
  { package = "certifi", version = ">=2024", allow = ["MPL-2.0"] },
  { package = "unused-pkg", allow = ["MIT"] },
]"#,
        ),
        false,
    );
    assert!(f.is_empty(), "{f:?}");
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(w[0].contains("`unused-pkg`"));
    // The exception's version range is honoured.
    let (f, _) = run(
        &site,
        policy(
            r#"allow = ["GPL-2.0-only WITH Classpath-exception-2.0"]
exceptions = [{ package = "certifi", version = "<2024", allow = ["MPL-2.0"] }]"#,
        ),
        false,
    );
    assert_eq!(f, vec![("LIC001".to_string(), "certifi".to_string())]);
}

#[test]
fn clarifications_are_pinned_by_licence_file_hash() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site-packages");
    dist(&site, "vague", "1.0", "License: BSD");
    let lic = site.join("vague-1.0.dist-info/licenses");
    std::fs::create_dir_all(&lic).unwrap();
    std::fs::write(lic.join("LICENSE"), "test").unwrap();
    // sha256("test")
    let good = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let clarify = |hash: &str| {
        policy(&format!(
            "allow = [\"BSD-3-Clause\"]\n[[clarify]]\npackage = \"vague\"\nexpression = \"BSD-3-Clause\"\nlicense-files = [{{ path = \"LICENSE\", hash = \"sha256:{hash}\" }}]\n"
        ))
    };
    let (f, w) = run(&site, clarify(good), false);
    assert!(f.is_empty() && w.is_empty(), "{f:?} {w:?}");
    let (f, _) = run(&site, clarify(&"0".repeat(64)), false);
    // The stale clarification is reported and not used: the licence is unknown again.
    assert_eq!(
        f,
        vec![
            ("LIC002".to_string(), "vague".to_string()),
            ("LIC003".to_string(), "vague".to_string())
        ]
    );
    // Invalid policies are configuration errors.
    let bad = Config {
        licenses: Some(policy("allow = [\"Not A Licence\"]")),
        ..Default::default()
    };
    assert!(bad.validate().is_err());
}

#[test]
fn without_an_environment_the_policy_says_it_did_not_run() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("uv.lock"), "version = 1\n").unwrap();
    for (required, level) in [
        (false, DiagnosticLevel::Warning),
        (true, DiagnosticLevel::Error),
    ] {
        let config = Config {
            licenses: Some(LicensePolicy {
                allow: vec!["MIT".into()],
                required,
                ..Default::default()
            }),
            ..Default::default()
        };
        let c = DepsChecker::new(&config).with_env(Box::new(|_| None));
        let r = run_dir(&c, repo.path());
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.message.starts_with("licence policy not checked"))
            .expect("said");
        assert_eq!(d.level, level);
        assert!(d.gap.is_some());
    }
}
