use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds calls to the built-in `exec` (Bandit B102), including through an import alias.
    ///
    /// ## Why is this bad?
    /// `exec` runs arbitrary Python code. If any part of the string comes from outside the program,
    /// an attacker can run code of their choice with the program's rights.
    ///
    /// ## Example
    /// ```python
    /// exec(request.args["code"])  # B102
    /// ```
    /// Dispatch to known functions instead, or parse data with `ast.literal_eval` or `json`.
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b102_exec_used.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static RULE = {
        id: "B102", name: "exec_used", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(78),
        summary: "Use of exec: running dynamically built code.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.qualname == "exec" {
        cx.report(Rule::B102, call.node, "Use of exec detected.");
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualname("exec")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
