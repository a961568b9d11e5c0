use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::ci::Located;
use crate::manifest::is_full_commit;

declare_rule! {
    /// ## What it does
    /// Flags a `uses:` in a GitHub Actions workflow or an `action.yml` that is not pinned to a
    /// full 40-character commit SHA: a tag (`@v4`), a branch (`@main`), no ref at all, or a
    /// `docker://` image without an `@sha256:` digest. Local actions (`./path`) are fine.
    /// Reusable workflows (`org/repo/.github/workflows/x.yml@ref`) are checked too.
    ///
    /// ## Why is this bad?
    /// Tags and branches are mutable: whoever controls the action's repository (or steals its
    /// credentials) can point them at new code, which then runs in your CI with your secrets
    /// and token. That is how the tj-actions/changed-files compromise reached thousands of
    /// repositories in 2025. A commit SHA cannot be moved.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v4                                       # error
    /// - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2, OK
    /// - uses: ./.github/actions/setup                                   # OK: local
    /// ```
    /// Tools such as pinact, gha-update, frizbee or `zizmor --fix` rewrite tags to SHAs.
    ///
    /// ## References
    /// - https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions
    /// - https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies
    pub static ACTION_NOT_PINNED = {
        id: "DEP011", name: "action-not-pinned-to-sha", checker: CheckerKind::Deps,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(829),
        summary: "A GitHub Action or reusable workflow is not pinned to a full commit SHA.",
    };
}

/// Whether a `uses:` value is pinned.
pub fn is_pinned(uses: &str) -> bool {
    if uses.starts_with("./") || uses.starts_with("../") {
        return true;
    }
    if let Some(image) = uses.strip_prefix("docker://") {
        return super::dep012_image_not_pinned::has_digest(image);
    }
    uses.rsplit_once('@')
        .is_some_and(|(_, r)| r.len() == 40 && is_full_commit(r))
}

pub fn check(path: &str, uses: &Located, out: &mut Vec<Finding>) {
    let v = uses.value.as_str();
    if v.is_empty() || v.contains("${{") || is_pinned(v) {
        return;
    }
    let (name, why) = if let Some(image) = v.strip_prefix("docker://") {
        (image.to_string(), "has no `@sha256:` digest".to_string())
    } else {
        match v.rsplit_once('@') {
            Some((n, r)) => (
                n.to_string(),
                format!("`@{r}` is a tag or branch, which can be moved"),
            ),
            None => (v.to_string(), "has no ref at all".to_string()),
        }
    };
    out.push(super::finding(
        &ACTION_NOT_PINNED,
        path,
        uses.loc,
        format!("`uses: {v}` {why}; pin it to a full commit SHA"),
        &uses.snippet,
        name,
    ));
}
