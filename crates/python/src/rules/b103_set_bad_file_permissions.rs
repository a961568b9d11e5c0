use crate::rules::Rule;
use crate::syntax::Value;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `chmod`-like calls (any function whose name contains `chmod`: `os.chmod`, `os.fchmod`,
    /// `os.lchmod`) with exactly two positional arguments whose mode is an integer literal granting
    /// group or other users write or execute permission (Bandit B103). World-writable modes are high
    /// severity, the others medium. Modes built from `stat` constants are not evaluated.
    ///
    /// ## Why is this bad?
    /// A file that other users can write can be replaced or altered by them; an executable file that
    /// others can write is a direct path to running their code.
    ///
    /// ## Example
    /// ```python
    /// os.chmod("/etc/app.conf", 0o777)  # B103, high
    /// os.chmod("/etc/app.conf", 0o600)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b103_set_bad_file_permissions.html
    /// - https://cwe.mitre.org/data/definitions/732.html
    pub static RULE = {
        id: "B103", name: "set_bad_file_permissions", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(732),
        summary: "chmod with a mode that lets group or others write or execute.",
    };
}

/// `S_IWOTH | S_IWGRP | S_IXGRP | S_IXOTH`.
const DANGEROUS: i128 = 0o33;
const WORLD_WRITABLE: i128 = 0o2;

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if !call.name().contains("chmod") || call.args.positional.len() != 2 {
        return;
    }
    let Some(Value::Int(mode)) = call.arg_value(1, cx.src) else {
        return;
    };
    if mode & DANGEROUS == 0 {
        return;
    }
    let severity = if mode & WORLD_WRITABLE != 0 {
        Severity::High
    } else {
        Severity::Medium
    };
    let file = call
        .arg_value(0, cx.src)
        .map_or_else(|| "NOT PARSED".to_string(), |v| v.py_str());
    let octal = if mode < 0 {
        format!("-0o{:o}", -mode)
    } else {
        format!("0o{mode:o}")
    };
    cx.report_with(
        Rule::B103,
        call.node,
        severity,
        Confidence::High,
        format!("Chmod setting a permissive mask {octal} on file ({file})."),
    );
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::text("chmod")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
