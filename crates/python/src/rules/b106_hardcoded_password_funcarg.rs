use crate::rules::shared::{password_message, PASSWORD_NAME};
use crate::rules::Rule;
use crate::syntax;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds calls that pass a string constant to a keyword argument named like a password
    /// (`password=`, `db_pwd=`, `auth_token=`, `secret=`; Bandit B106). Only the first such argument
    /// of a call is reported, on the line of its value.
    ///
    /// ## Why is this bad?
    /// Passwords in source code end up in version control, backups and logs, where anyone with read
    /// access can use them; they are also hard to rotate.
    ///
    /// ## Example
    /// ```python
    /// connect(user="app", password="s3cr3t")  # B106
    /// connect(user="app", password=os.environ["DB_PASSWORD"])  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b106_hardcoded_password_funcarg.html
    /// - https://cwe.mitre.org/data/definitions/259.html
    pub static RULE = {
        id: "B106", name: "hardcoded_password_funcarg", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::Medium, cwe: Some(259),
        summary: "A string passed as a password-like keyword argument.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    for (name, value) in &call.args.keywords {
        let Some(name) = name else { continue };
        let Some(v) = syntax::str_const(*value, cx.src) else {
            continue;
        };
        if PASSWORD_NAME.is_match(name) {
            let line = value.start_position().row as u32 + 1;
            let message = password_message(&v);
            let issue = cx.report(Rule::B106, call.node, message);
            issue.on_line(Some(line));
            issue.secret = Some(v);
            return;
        }
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::password()
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
