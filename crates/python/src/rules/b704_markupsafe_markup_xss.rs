use crate::rules::Rule;
use crate::syntax::{self, unparen};
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `markupsafe.Markup(...)` and `flask.Markup(...)` (plus the Bandit setting
    /// `markupsafe_xss.extend_markup_names`) whose first argument is not a constant, unless it is a
    /// call of one of `markupsafe_xss.allowed_calls` (Bandit B704).
    ///
    /// ## Why is this bad?
    /// `Markup` marks its argument as safe HTML; user data in it is rendered unescaped (cross-site
    /// scripting).
    ///
    /// ## Example
    /// ```python
    /// Markup(f"<b>{name}</b>")  # B704
    /// Markup("<b>{}</b>").format(name)  # fine: format escapes
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b704_markupsafe_markup_xss.html
    /// - https://cwe.mitre.org/data/definitions/79.html
    pub static RULE = {
        id: "B704", name: "markupsafe_markup_xss", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(79),
        summary: "markupsafe.Markup on a value that is not a literal.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if !cx.settings.markup_names.contains(&call.qualname) {
        return;
    }
    let Some(arg) = call.args.arg(0).map(unparen) else {
        return;
    };
    if syntax::is_constant(arg, cx.src) {
        return;
    }
    if !cx.settings.allowed_calls.is_empty() && arg.kind() == "call" {
        if let Some(func) = arg.child_by_field_id(field!("function")) {
            let q = syntax::qualname(func, cx.src, &cx.imports.aliases);
            if cx.settings.allowed_calls.contains(&q) {
                return;
            }
        }
    }
    cx.report(
        Rule::B704,
        call.node,
        format!(
            "Potential XSS with ``{}`` detected. Do not use ``{}`` on untrusted data.",
            call.qualname,
            call.name()
        ),
    );
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    // An allowed call (through its import alias) makes a call safe.
    Trigger::qualnames(s.markup_names.iter().map(String::as_str))
        .with_imports(s.allowed_calls.iter().map(String::as_str))
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
