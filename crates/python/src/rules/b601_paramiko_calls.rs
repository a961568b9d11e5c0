use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `exec_command(...)` calls in files that import paramiko (Bandit B601).
    ///
    /// ## Why is this bad?
    /// `exec_command` runs its argument through the remote user's shell; input built into it can
    /// inject further commands.
    ///
    /// ## Example
    /// ```python
    /// client.exec_command("ls " + folder)  # B601
    /// ```
    /// Quote every argument with `shlex.quote`, or avoid the shell on the remote side.
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b601_paramiko_calls.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static RULE = {
        id: "B601", name: "paramiko_calls", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(78),
        summary: "paramiko exec_command: a shell command on the remote host.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.name() == "exec_command" && cx.imports.like("paramiko") {
        cx.report(
            Rule::B601,
            call.node,
            "Possible shell injection via Paramiko call, check inputs are properly sanitized.",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["exec_command"]).if_imported("paramiko")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
