use crate::rules::Rule;
use crate::syntax;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds calls of the functions in the Bandit setting `shell_injection.shell` (`os.system`,
    /// `os.popen*`, `popen2.*`, `commands.*`, `subprocess.getoutput`, ...) with at least one
    /// argument (Bandit B605). A plain string literal command is low severity, anything else high.
    ///
    /// ## Why is this bad?
    /// These functions always use a shell, so any input in the command can inject commands.
    ///
    /// ## Example
    /// ```python
    /// os.system("tar czf backup.tgz " + folder)  # B605, high
    /// subprocess.run(["tar", "czf", "backup.tgz", folder])  # no shell
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b605_start_process_with_a_shell.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static RULE = {
        id: "B605", name: "start_process_with_a_shell", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(78),
        summary: "A function that always runs its command through a shell (os.system, os.popen).",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if !cx.settings.shell_shell.contains(&call.qualname) {
        return;
    }
    let Some(command) = call.args.arg(0) else {
        return;
    };
    if syntax::is_str_const(command, cx.src) {
        cx.report_with(
            Rule::B605,
            call.node,
            Severity::Low,
            Confidence::High,
            "Starting a process with a shell: Seems safe, but may be changed in the future, consider rewriting without shell",
        );
    } else {
        cx.report(
            Rule::B605,
            call.node,
            "Starting a process with a shell, possible injection detected, security issue.",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualnames(s.shell_shell.iter().map(String::as_str))
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
