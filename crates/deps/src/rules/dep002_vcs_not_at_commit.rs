use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::{Dependency, Pinning};

declare_rule! {
    /// ## What it does
    /// Flags a VCS requirement (`git+`, `hg+`, `bzr+` URLs, editable or not) whose revision is not
    /// a full commit id: no `@revision` at all, a branch, a tag, or an abbreviated hash. For
    /// Subversion a numeric revision is accepted.
    ///
    /// ## Why is this bad?
    /// Branches move and tags can be re-pointed, so the same requirement installs different code
    /// over time, and nothing records what was installed. Only a full commit id names one tree.
    ///
    /// ## Example
    /// ```text
    /// mylib @ git+https://github.com/org/mylib@main          # error
    /// -e git+https://github.com/org/mylib@v1.2#egg=mylib     # error: a tag
    /// mylib @ git+https://github.com/org/mylib@6f1e3c0d1c9c2f5a7a3e9b8d4c2b1a0f9e8d7c6b  # OK
    /// ```
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/topics/vcs-support/
    pub static VCS_NOT_AT_COMMIT = {
        id: "DEP002", name: "vcs-requirement-not-at-commit", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(829),
        summary: "A VCS requirement is not pinned to a full commit id.",
    };
}

pub fn check(path: &str, dep: &Dependency, out: &mut Vec<Finding>) {
    let Pinning::Vcs {
        url,
        at_commit: false,
    } = dep.pinning()
    else {
        return;
    };
    let shown = palisade_core::redact::url_credentials(&url);
    let what = match crate::manifest::vcs_ref(&url) {
        Some(r) => format!("`@{r}` is a branch, tag or short hash"),
        None => "it has no `@revision`".to_string(),
    };
    out.push(super::finding(
        &VCS_NOT_AT_COMMIT,
        path,
        dep.loc,
        format!(
            "VCS requirement `{shown}` is not pinned to a commit: {what}; use the full commit id"
        ),
        &dep.snippet,
        shown.split('@').next().unwrap_or("").to_string(),
    ));
}
