use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use tree_sitter::Node;

use crate::rules::Rule;
use crate::syntax::{self, unparen};
use crate::walk::{Call, FileCx};

declare_rule! {
    /// ## What it does
    /// Finds `.extra(...)` calls whose `where`/`tables` are not lists of string literals, or whose
    /// `select` is not a dict of string literals (Bandit B610).
    ///
    /// ## Why is this bad?
    /// `extra()` pastes its strings into the SQL; anything built from input is SQL injection.
    ///
    /// ## Example
    /// ```python
    /// User.objects.extra(where=["id = %s" % user_id])  # B610
    /// User.objects.extra(where=["id = %s"], params=[user_id])  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b610_django_extra_used.html
    /// - https://cwe.mitre.org/data/definitions/89.html
    pub static RULE = {
        id: "B610", name: "django_extra_used", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(89),
        summary: "Django QuerySet.extra with SQL that is not all literal.",
    };
}

const POSITIONS: &[&str] = &[
    "select",
    "where",
    "params",
    "tables",
    "order_by",
    "select_params",
];

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.name() != "extra" {
        return;
    }
    let src = cx.src;
    let arg = |name: &str| -> Option<Node<'_>> {
        let pos = POSITIONS.iter().position(|p| *p == name)?;
        call.args.arg(pos).or_else(|| call.args.keyword(name))
    };
    let all_str = |n: Node<'_>| syntax::is_str_const(n, src);
    let mut insecure = false;
    for key in ["where", "tables"] {
        if let Some(v) = arg(key).map(unparen) {
            if v.kind() == "list" {
                if !syntax::named_children(v).all(all_str) {
                    insecure = true;
                }
            } else {
                insecure = true;
            }
            if insecure {
                break;
            }
        }
    }
    if !insecure {
        if let Some(select) = arg("select").map(unparen) {
            insecure = if select.kind() == "dictionary" {
                !syntax::named_children(select).all(|pair| {
                    pair.kind() == "pair"
                        && pair.child_by_field_id(field!("key")).is_some_and(all_str)
                        && pair.child_by_field_id(field!("value")).is_some_and(all_str)
                })
            } else {
                true
            };
        }
    }
    if insecure {
        cx.report(
            Rule::B610,
            call.node,
            "Use of extra potential SQL attack vector.",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["extra"])
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
