use crate::rules::shared::has_shell;
use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds every call of the functions in the Bandit setting `shell_injection.subprocess` that
    /// does not pass a truthy `shell=` (Bandit B603), even with literal arguments.
    ///
    /// ## Why is this bad?
    /// Without a shell there is no shell injection, but the program and its arguments still decide
    /// what runs; if they come from outside, so does the command.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run([tool, user_arg])  # B603: review where tool and user_arg come from
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b603_subprocess_without_shell_equals_true.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static RULE = {
        id: "B603", name: "subprocess_without_shell_equals_true", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(78),
        summary: "A subprocess call without a shell: check the input it runs.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if cx.settings.shell_subprocess.contains(&call.qualname) && !has_shell(call, cx.src) {
        let line = call.kw_line("shell");
        cx.report(
            Rule::B603,
            call.node,
            "subprocess call - check for execution of untrusted input.",
        )
        .on_line(line);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualnames(s.shell_subprocess.iter().map(String::as_str))
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
