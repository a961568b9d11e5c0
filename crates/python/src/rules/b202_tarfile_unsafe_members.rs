use crate::rules::Rule;
use crate::syntax::{self, unparen};
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `extractall` calls in files that import `tarfile` (Bandit B202). Without `members=` the
    /// finding is high severity; with `members=` set to a call (a filter function) it is low; with
    /// another `members=` value it is medium. `filter="data"` makes the call safe.
    ///
    /// ## Why is this bad?
    /// Archive members can have absolute paths, `..` components or links that point outside the
    /// target folder; extracting them blindly lets an archive overwrite any file the program can
    /// write (path traversal).
    ///
    /// ## Example
    /// ```python
    /// tar.extractall(path)  # B202
    /// tar.extractall(path, filter="data")  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b202_tarfile_unsafe_members.html
    /// - https://cwe.mitre.org/data/definitions/22.html
    pub static RULE = {
        id: "B202", name: "tarfile_unsafe_members", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(22),
        summary: "tarfile extractall without validating the members.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if !call.name().contains("extractall") || !cx.imports.exact("tarfile") {
        return;
    }
    if let Some(filter) = call.args.keyword("filter") {
        if syntax::str_const(filter, cx.src).as_deref() == Some("data") {
            return;
        }
    }
    let Some(members) = call.args.keyword("members") else {
        cx.report(
            Rule::B202,
            call.node,
            "tarfile.extractall used without any validation. Please check and discard dangerous members.",
        );
        return;
    };
    let members = unparen(members);
    if members.kind() == "call" {
        // Bandit reads the called function's plain name; a method call is not understood.
        let Some(func) = members.child_by_field_id(field!("function")).map(unparen) else {
            return;
        };
        if func.kind() != "identifier" {
            return;
        }
        cx.report_with(
            Rule::B202,
            call.node,
            Severity::Low,
            Confidence::Low,
            format!(
                "Usage of tarfile.extractall(members=function(tarfile)). Make sure your function properly discards dangerous members {{'Function': '{}'}}).",
                cx.text(func)
            ),
        );
    } else {
        let shown = if members.kind() == "identifier" {
            format!("'{}'", cx.text(members))
        } else {
            format!("<{}>", cx.text(members))
        };
        cx.report_with(
            Rule::B202,
            call.node,
            Severity::Medium,
            Confidence::Medium,
            format!(
                "Found tarfile.extractall(members=?) but couldn't identify the type of members. Check if the members were properly validated {{'Other': {shown}}})."
            ),
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::text("extractall").if_imported("tarfile")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
