use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `mako...Template(...)` calls (Bandit B702).
    ///
    /// ## Why is this bad?
    /// Mako renders expressions without HTML escaping unless each one is filtered, so data in
    /// templates is open to cross-site scripting.
    ///
    /// ## Example
    /// ```python
    /// Template("<p>${name}</p>")  # B702
    /// Template("<p>${name | h}</p>", default_filters=["h"])  # still reported: review the filters
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b702_use_of_mako_templates.html
    /// - https://cwe.mitre.org/data/definitions/80.html
    pub static RULE = {
        id: "B702", name: "use_of_mako_templates", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(80),
        summary: "Mako templates, which do not escape by default.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.name() == "Template" && call.qualname.split('.').any(|p| p == "mako") {
        cx.report(
            Rule::B702,
            call.node,
            "Mako templates allow HTML/JS rendering by default and are inherently open to XSS attacks. Ensure variables in all templates are properly sanitized via the 'n', 'h' or 'x' flags (depending on context). For example, to HTML escape the variable 'data' do ${ data |h }.",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["Template", "mako"])
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
