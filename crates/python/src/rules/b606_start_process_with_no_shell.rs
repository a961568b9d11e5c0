use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds calls of the functions in the Bandit setting `shell_injection.no_shell` (`os.exec*`,
    /// `os.spawn*`, `os.startfile`; Bandit B606).
    ///
    /// ## Why is this bad?
    /// No shell is involved, but the program and its arguments decide what runs; if they come from
    /// outside, so does the command.
    ///
    /// ## Example
    /// ```python
    /// os.execvp(program, args)  # B606: review where program and args come from
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b606_start_process_with_no_shell.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static RULE = {
        id: "B606", name: "start_process_with_no_shell", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::Medium, cwe: Some(78),
        summary: "os.exec*/os.spawn*/os.startfile: a process started without a shell.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if cx.settings.shell_no_shell.contains(&call.qualname) {
        cx.report(Rule::B606, call.node, "Starting a process without a shell.");
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualnames(s.shell_no_shell.iter().map(String::as_str))
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
