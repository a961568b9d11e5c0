//! Fixture tests of the requirements-file rules.

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
