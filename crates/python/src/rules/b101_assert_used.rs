use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use tree_sitter::Node;

use crate::config::fnmatch;
use crate::rules::Rule;
use crate::walk::FileCx;

declare_rule! {
    /// ## What it does
    /// Finds `assert` statements (Bandit B101). Files whose path matches a glob in the Bandit
    /// setting `assert_used.skips` (for example `*/test_*.py`) are not checked.
    ///
    /// ## Why is this bad?
    /// Python removes `assert` statements when it compiles with optimisation (`python -O`,
    /// `PYTHONOPTIMIZE`). A check written as an assert, such as an authorisation or input
    /// validation, then silently disappears in production.
    ///
    /// ## Example
    /// ```python
    /// assert user.is_admin, "admins only"  # gone under python -O
    /// ```
    /// Use an explicit test instead:
    /// ```python
    /// if not user.is_admin:
    ///     raise PermissionError("admins only")
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html
    /// - https://cwe.mitre.org/data/definitions/703.html
    pub static RULE = {
        id: "B101", name: "assert_used", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(703),
        summary: "Use of assert: the check is removed when Python optimises byte code.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, node: Node<'_>) {
    // Bandit matches the path as given on its command line (`./tests/x.py` for `bandit -r .`).
    let path = cx.path;
    let dotted = format!("./{path}");
    if cx
        .settings
        .assert_skips
        .iter()
        .any(|g| fnmatch(path, g) || fnmatch(&dotted, g))
    {
        return;
    }
    cx.report(
        Rule::B101,
        node,
        "Use of assert detected. The enclosed code will be removed when compiling to optimised byte code.",
    );
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["assert"])
}

/// How the registry runs this rule: `check` on every `assert` statement (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Assert(check), trigger);
