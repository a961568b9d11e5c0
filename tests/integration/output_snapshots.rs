//! What users read, pinned: every report format on `examples/project`, `palisade rules` and
//! `palisade explain`. A change to any of them shows up here as a snapshot diff to review
//! (`cargo insta review`, or `INSTA_UPDATE=always` and read the diff).

use std::path::Path;

use crate::common::palisade;

/// Runs palisade in `examples/project` with no user cache (so no advisory data a developer
/// happens to have changes the report), returning standard output.
fn run(args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let home = tempfile::tempdir().unwrap();
    let out = palisade(&root.join("examples/project"))
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path())
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // The version changes with every release; the rest must not change without a review.
    text.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn report_formats_on_the_example_project() {
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = run(&["check", "--format", format, "."]);
        insta::assert_snapshot!(format!("check_{format}"), out);
    }
}

#[test]
fn rules_and_explain() {
    insta::assert_snapshot!("rules", run(&["rules"]));
    for id in ["B602", "DEP001", "aws-access-token", "generic-password"] {
        insta::assert_snapshot!(format!("explain_{id}"), run(&["explain", id]));
    }
}
