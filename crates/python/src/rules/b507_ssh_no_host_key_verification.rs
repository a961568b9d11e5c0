use crate::rules::Rule;
use crate::syntax::unparen;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `set_missing_host_key_policy(...)` with `AutoAddPolicy` or `WarningPolicy` (as a class,
    /// an instance or a name) in files that import paramiko (Bandit B507).
    ///
    /// ## Why is this bad?
    /// Accepting unknown host keys means the first server to answer, including an attacker's, is
    /// trusted: SSH's protection against impersonation is gone.
    ///
    /// ## Example
    /// ```python
    /// client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # B507
    /// client.set_missing_host_key_policy(paramiko.RejectPolicy())  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b507_ssh_no_host_key_verification.html
    /// - https://cwe.mitre.org/data/definitions/295.html
    pub static RULE = {
        id: "B507", name: "ssh_no_host_key_verification", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::Medium, cwe: Some(295),
        summary: "paramiko set to accept unknown host keys.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.name() != "set_missing_host_key_policy" || !cx.imports.like("paramiko") {
        return;
    }
    let Some(arg) = call.args.arg(0).map(unparen) else {
        return;
    };
    let last_name = |n: tree_sitter::Node<'_>| -> Option<String> {
        let n = unparen(n);
        match n.kind() {
            "attribute" => n
                .child_by_field_id(field!("attribute"))
                .map(|a| cx.text(a).to_string()),
            "identifier" => Some(cx.text(n).to_string()),
            _ => None,
        }
    };
    let policy = match arg.kind() {
        "call" => arg
            .child_by_field_id(field!("function"))
            .and_then(last_name),
        _ => last_name(arg),
    };
    if matches!(policy.as_deref(), Some("AutoAddPolicy" | "WarningPolicy")) {
        cx.report(
            Rule::B507,
            call.node,
            "Paramiko call with policy set to automatically trust the unknown host key.",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["set_missing_host_key_policy"]).if_imported("paramiko")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
