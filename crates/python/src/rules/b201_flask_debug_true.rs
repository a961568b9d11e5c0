use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `.run(..., debug=True)` calls in files that import flask (Bandit B201), reported on the
    /// line of the `debug=` value.
    ///
    /// ## Why is this bad?
    /// Flask's debug mode serves the Werkzeug debugger, which lets anyone who can reach the app run
    /// Python code on the server.
    ///
    /// ## Example
    /// ```python
    /// app.run(debug=True)  # B201
    /// app.run(debug=os.environ.get("FLASK_DEBUG") == "1")  # not reported
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b201_flask_debug_true.html
    /// - https://cwe.mitre.org/data/definitions/94.html
    pub static RULE = {
        id: "B201", name: "flask_debug_true", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::Medium, cwe: Some(94),
        summary: "A Flask app run with debug=True.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.qualname.ends_with(".run")
        && cx.imports.like("flask")
        && call.kw_is("debug", &["True"], cx.src) == Some(true)
    {
        let line = call.kw_line("debug");
        cx.report(
            Rule::B201,
            call.node,
            "A Flask app appears to be run with debug=True, which exposes the Werkzeug debugger and allows the execution of arbitrary code.",
        )
        .on_line(line);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["run", "debug"]).if_imported("flask")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
