use crate::rules::Rule;
use crate::syntax::Value;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds shell commands (functions of `shell_injection.shell`, or of
    /// `shell_injection.subprocess` with `shell=True`) whose literal command contains `*` and one of
    /// `chown`, `chmod`, `tar`, `rsync` (Bandit B609).
    ///
    /// ## Why is this bad?
    /// The shell expands `*` to file names, and a file named like an option (`--checkpoint-action=`,
    /// `--reference=`) becomes an option of these tools: whoever can create files in the folder can
    /// run commands or change permissions.
    ///
    /// ## Example
    /// ```python
    /// os.system("tar czf backup.tgz *")  # B609
    /// subprocess.run(["tar", "czf", "backup.tgz", "--", *files])  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b609_linux_commands_wildcard_injection.html
    /// - https://cwe.mitre.org/data/definitions/155.html
    pub static RULE = {
        id: "B609", name: "linux_commands_wildcard_injection", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::Medium, cwe: Some(155),
        summary: "chown/chmod/tar/rsync with a * wildcard run through a shell.",
    };
}

const TOOLS: &[&str] = &["chown", "chmod", "tar", "rsync"];

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let s = cx.settings;
    let q = &call.qualname;
    let shell = s.shell_shell.contains(q)
        || (s.shell_subprocess.contains(q) && call.kw_is("shell", &["True"], cx.src) == Some(true));
    if !shell || call.args.positional.is_empty() {
        return;
    }
    let command = match call.arg_value(0, cx.src) {
        Some(Value::List(items)) => items.iter().map(|v| format!(" {}", v.py_str())).collect(),
        Some(Value::Str(s)) => s,
        _ => String::new(),
    };
    if command.contains('*') && TOOLS.iter().any(|t| command.contains(t)) {
        let line = call.kw_line("shell");
        cx.report(
            Rule::B609,
            call.node,
            format!("Possible wildcard injection in call: {q}"),
        )
        .on_line(line);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualnames(
        s.shell_shell
            .iter()
            .chain(&s.shell_subprocess)
            .map(String::as_str),
    )
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
