use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use tree_sitter::Node;

use crate::rules::Rule;
use crate::walk::FileCx;

declare_rule! {
    /// ## What it does
    /// Finds `except` handlers whose body is only `pass` (Bandit B110). By default only a bare
    /// `except:` and `except Exception:` are reported; with the Bandit setting
    /// `try_except_pass.check_typed_exception: true` every handler is.
    ///
    /// ## Why is this bad?
    /// Swallowing every exception hides failures, including security-relevant ones such as a failed
    /// permission check, and makes attacks and bugs invisible.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     verify(token)
    /// except Exception:  # B110
    ///     pass
    /// ```
    /// Catch the specific exception you expect, and log or handle it.
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b110_try_except_pass.html
    /// - https://cwe.mitre.org/data/definitions/703.html
    pub static RULE = {
        id: "B110", name: "try_except_pass", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(703),
        summary: "An except handler whose only statement is pass.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, handler: Node<'_>) {
    let typed = cx.settings.except_pass_typed;
    if crate::rules::shared::swallowing_handler(handler, cx.src, typed, "pass_statement") {
        cx.report(Rule::B110, handler, "Try, Except, Pass detected.");
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::handler_body("pass", s.except_pass_typed)
}

/// How the registry runs this rule: `check` on every `except` handler (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Except(check), trigger);
