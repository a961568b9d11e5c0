use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use tree_sitter::Node;

use crate::rules::Rule;
use crate::walk::FileCx;

declare_rule! {
    /// ## What it does
    /// Finds `except` handlers whose body is only `continue` (Bandit B112). By default only a bare
    /// `except:` and `except Exception:` are reported; with the Bandit setting
    /// `try_except_continue.check_typed_exception: true` every handler is.
    ///
    /// ## Why is this bad?
    /// Skipping to the next iteration on any exception hides failures, including security-relevant
    /// ones, and can leave a loop silently doing nothing.
    ///
    /// ## Example
    /// ```python
    /// for item in items:
    ///     try:
    ///         process(item)
    ///     except Exception:  # B112
    ///         continue
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b112_try_except_continue.html
    /// - https://cwe.mitre.org/data/definitions/703.html
    pub static RULE = {
        id: "B112", name: "try_except_continue", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(703),
        summary: "An except handler whose only statement is continue.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, handler: Node<'_>) {
    let typed = cx.settings.except_continue_typed;
    if crate::rules::shared::swallowing_handler(handler, cx.src, typed, "continue_statement") {
        cx.report(Rule::B112, handler, "Try, Except, Continue detected.");
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::handler_body("continue", s.except_continue_typed)
}

/// How the registry runs this rule: `check` on every `except` handler (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Except(check), trigger);
