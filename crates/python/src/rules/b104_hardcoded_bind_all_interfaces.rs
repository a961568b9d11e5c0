use crate::rules::Rule;
use crate::walk::{FileCx, Str};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds the string constant `"0.0.0.0"` (Bandit B104), usually a host to bind a server to.
    ///
    /// ## Why is this bad?
    /// Binding to all interfaces exposes the service on every network the machine is attached to,
    /// including ones it was not meant to be reachable from.
    ///
    /// ## Example
    /// ```python
    /// app.run(host="0.0.0.0")  # B104
    /// app.run(host="127.0.0.1")  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b104_hardcoded_bind_all_interfaces.html
    /// - https://cwe.mitre.org/data/definitions/605.html
    pub static RULE = {
        id: "B104", name: "hardcoded_bind_all_interfaces", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(605),
        summary: "The string \"0.0.0.0\": binding to all network interfaces.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, s: &Str<'_>) {
    if s.value == "0.0.0.0" {
        cx.report(Rule::B104, s.node, "Possible binding to all interfaces.")
            .range_of(s.parent);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::string_start("0.0.0.0")
}

/// How the registry runs this rule: `check` on every string literal (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Str(check), trigger);
