use crate::rules::shared::has_shell;
use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds calls of any function not in `shell_injection.subprocess` that pass a truthy `shell=`
    /// argument (Bandit B604), reported on the `shell=` line.
    ///
    /// ## Why is this bad?
    /// A `shell=True` parameter usually means the wrapper hands its command to a shell, with the same
    /// injection risk as `subprocess` with a shell.
    ///
    /// ## Example
    /// ```python
    /// utils.execute(cmd, shell=True)  # B604
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b604_any_other_function_with_shell_equals_true.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static RULE = {
        id: "B604", name: "any_other_function_with_shell_equals_true", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Low, cwe: Some(78),
        summary: "A non-subprocess call with shell=True.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if !cx.settings.shell_subprocess.contains(&call.qualname) && has_shell(call, cx.src) {
        let line = call.kw_line("shell");
        cx.report(
            Rule::B604,
            call.node,
            "Function call with shell=True parameter identified, possible security issue.",
        )
        .on_line(line);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    // Calls named in the subprocess list are B602/B603's: their aliases matter.
    Trigger::words(&["shell"]).with_imports(s.shell_subprocess.iter().map(String::as_str))
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
