use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::ci::Located;
use crate::manifest::is_full_commit;

declare_rule! {
    /// ## What it does
    /// Flags a `rev:` in `.pre-commit-config.yaml` that is not a full commit SHA (a tag such as
    /// `v4.6.0`). Off by default: select it explicitly (`--select DEP014`) for a strict profile.
    ///
    /// ## Why is this bad?
    /// pre-commit clones the hook repository at `rev` and runs its code on every developer's
    /// machine and in CI. A tag can be moved to different code by the hook's maintainers or by
    /// whoever takes over their account; a SHA cannot.
    ///
    /// ## Example
    /// ```yaml
    /// - repo: https://github.com/psf/black
    ///   rev: 24.8.0                                          # error
    /// - repo: https://github.com/psf/black
    ///   rev: b965c2a5026f8ba399283ba3e01898b012853c79  # frozen: 24.8.0, OK
    /// ```
    /// `pre-commit autoupdate --freeze` writes SHAs with the tag as a comment.
    ///
    /// ## References
    /// - https://pre-commit.com/#pre-commit-autoupdate
    pub static PRECOMMIT_REV_NOT_SHA = {
        id: "DEP014", name: "pre-commit-rev-not-sha", checker: CheckerKind::Deps,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(829),
        summary: "A pre-commit hook repository is pinned to a tag instead of a commit SHA.",
        default_enabled: false,
    };
}

/// `repo` is the `repo:` the `rev:` belongs to.
pub fn check(path: &str, repo: &str, rev: &Located, out: &mut Vec<Finding>) {
    if matches!(repo, "local" | "meta") || is_full_commit(&rev.value) {
        return;
    }
    out.push(super::finding(
        &PRECOMMIT_REV_NOT_SHA,
        path,
        rev.loc,
        format!(
            "`rev: {}` of {repo} is a tag, which can be moved; freeze it to a commit SHA (`pre-commit autoupdate --freeze`)",
            rev.value
        ),
        &rev.snippet,
        repo.to_string(),
    ));
}
