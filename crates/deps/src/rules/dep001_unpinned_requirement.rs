use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Flags a requirement in a requirements or constraints file (and in every file they include
    /// with `-r`/`-c`) that does not name one exact version: no specifier at all, a range such as
    /// `>=2.0` or `~=2.0`, or a wildcard such as `==2.*`. An exact pin is `==X` without a wildcard
    /// or `===X`. A requirement whose package is pinned elsewhere in the same install (another
    /// included file or a constraints file) counts as pinned.
    ///
    /// ## Why is this bad?
    /// An unpinned requirement installs whatever is newest when the install runs, so two builds
    /// of the same commit can get different code, a compromised or broken release reaches you
    /// without a review, and a vulnerability audit of the file cannot say what is installed.
    ///
    /// ## Example
    /// ```text
    /// requests>=2.19      # error: any future version
    /// requests            # error
    /// requests==2.*       # error: a wildcard is a range
    /// requests==2.32.3    # OK
    /// ```
    /// Generate the pins with `pip-compile --generate-hashes` or `uv pip compile`, and keep the
    /// ranges in a `.in` file or `pyproject.toml`.
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/topics/repeatable-installs/
    /// - https://pip.pypa.io/en/stable/reference/requirements-file-format/
    pub static UNPINNED_REQUIREMENT = {
        id: "DEP001", name: "unpinned-requirement", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(829),
        summary: "A requirement in a requirements or constraints file is not pinned to an exact version.",
    };
}

use std::collections::HashSet;

use palisade_core::Finding;

use crate::manifest::{DepSource, Dependency, Pinning};

/// Reports `dep` when it is a registry requirement without an exact pin and nothing else in
/// the install pins its package.
pub fn check(path: &str, dep: &Dependency, pinned: &HashSet<String>, out: &mut Vec<Finding>) {
    if dep.pinning() != Pinning::Range {
        return;
    }
    let Some(name) = dep.normalized_name() else {
        return;
    };
    if pinned.contains(&name) {
        return;
    }
    let what = match &dep.source {
        DepSource::Registry(Some(set)) => format!("`{}` allows more than one version", set.raw),
        _ => "has no version specifier".to_string(),
    };
    out.push(super::finding(
        &UNPINNED_REQUIREMENT,
        path,
        dep.loc,
        format!(
            "`{}` is not pinned: {what}; pin one exact version with `==`",
            dep.name.as_deref().unwrap_or(&name)
        ),
        &dep.snippet,
        name,
    ));
}
