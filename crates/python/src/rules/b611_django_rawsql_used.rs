use crate::rules::Rule;
use crate::syntax;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `RawSQL(...)` calls, in files that import from `django.db.models`, whose SQL (first
    /// argument or `sql=`) is not a string literal (Bandit B611).
    ///
    /// ## Why is this bad?
    /// A query built from input is SQL injection; pass values as `params` instead.
    ///
    /// ## Example
    /// ```python
    /// RawSQL("select col from t where id = %s" % uid, [])  # B611
    /// RawSQL("select col from t where id = %s", [uid])  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b611_django_rawsql_used.html
    /// - https://cwe.mitre.org/data/definitions/89.html
    pub static RULE = {
        id: "B611", name: "django_rawsql_used", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(89),
        summary: "Django RawSQL with a query that is not a string literal.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.name() != "RawSQL" || !cx.imports.like("django.db.models") {
        return;
    }
    let Some(sql) = call.args.arg(0).or_else(|| call.args.keyword("sql")) else {
        return;
    };
    if !syntax::is_str_const(sql, cx.src) {
        cx.report(
            Rule::B611,
            call.node,
            "Use of RawSQL potential SQL attack vector.",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["RawSQL"]).if_imported("django")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
