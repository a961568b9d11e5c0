use crate::rules::Rule;
use crate::syntax::{self, unparen};
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds process-starting calls (any function of the three `shell_injection` lists) whose
    /// program, the first argument or the first element of a list first argument, is a string
    /// literal that is not an absolute or relative path (Bandit B607).
    ///
    /// ## Why is this bad?
    /// A bare name is looked up on `PATH`; whoever controls `PATH` or a folder early in it decides
    /// which program runs.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run(["git", "status"])  # B607
    /// subprocess.run(["/usr/bin/git", "status"])  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b607_start_process_with_partial_path.html
    /// - https://cwe.mitre.org/data/definitions/78.html
    pub static RULE = {
        id: "B607", name: "start_process_with_partial_path", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::High, cwe: Some(78),
        summary: "A process started by a bare program name, looked up on PATH.",
    };
}

/// `X:...`, `/...`, `\...` and `./...` are paths; anything else is looked up on PATH.
fn is_path(program: &str) -> bool {
    let mut chars = program.chars();
    match (chars.next(), chars.next()) {
        (Some(c), Some(':')) if c.is_ascii_alphabetic() => true,
        (Some('/' | '\\' | '.'), _) => true,
        _ => false,
    }
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let s = cx.settings;
    let q = &call.qualname;
    if !(s.shell_subprocess.contains(q)
        || s.shell_shell.contains(q)
        || s.shell_no_shell.contains(q))
    {
        return;
    }
    let Some(mut program) = call.args.arg(0).map(unparen) else {
        return;
    };
    if program.kind() == "list" {
        if let Some(first) = syntax::named_children(program).next() {
            program = first;
        }
    }
    if let Some(p) = syntax::str_const(program, cx.src) {
        if !is_path(&p) {
            cx.report(
                Rule::B607,
                call.node,
                "Starting a process with a partial executable path",
            );
        }
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualnames(
        s.shell_subprocess
            .iter()
            .chain(&s.shell_shell)
            .chain(&s.shell_no_shell)
            .map(String::as_str),
    )
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
