use crate::rules::shared::has_shell;
use crate::rules::Rule;
use crate::syntax;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds calls of the functions in the Bandit setting `shell_injection.subprocess` (by default
    /// `subprocess.Popen`, `call`, `check_call`, `check_output`, `run`) with a truthy `shell=`
    /// argument and at least one positional argument (Bandit B602). A command that is a plain string
    /// literal is low severity; anything built at run time is high. Reported on the `shell=` line.
    ///
    /// ## Why is this bad?
    /// With `shell=True` the command line is interpreted by the shell, so any input that reaches it
    /// can add commands of its own (`; rm -rf ~`).
    ///
    /// ## Example
    /// ```python
    /// subprocess.run(f"grep {pattern} log.txt", shell=True)  # B602, high
    /// subprocess.run(["grep", pattern, "log.txt"])  # no shell (B603 still notes the call)
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b602_subprocess_popen_with_shell_equals_true.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static RULE = {
        id: "B602", name: "subprocess_popen_with_shell_equals_true", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(78),
        summary: "A subprocess call with shell=True.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if !cx.settings.shell_subprocess.contains(&call.qualname) || !has_shell(call, cx.src) {
        return;
    }
    let Some(command) = call.args.arg(0) else {
        return;
    };
    let line = call.kw_line("shell");
    if syntax::is_str_const(command, cx.src) {
        cx.report_with(
            Rule::B602,
            call.node,
            Severity::Low,
            Confidence::High,
            "subprocess call with shell=True seems safe, but may be changed in the future, consider rewriting without shell",
        )
        .on_line(line);
    } else {
        cx.report(
            Rule::B602,
            call.node,
            "subprocess call with shell=True identified, security issue.",
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
