use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use tree_sitter::Node;

use crate::rules::shared::{password_message, PASSWORD_NAME};
use crate::rules::Rule;
use crate::syntax;
use crate::walk::FileCx;

declare_rule! {
    /// ## What it does
    /// Finds function definitions whose positional parameter named like a password (`password`,
    /// `api_token`, ...) has a string default (Bandit B107). Keyword-only parameters, `async def` and
    /// lambdas are not checked, as in Bandit; a `None` default is fine.
    ///
    /// ## Why is this bad?
    /// A default password is a hard-coded password: it is in the source for everyone to read, and
    /// callers that forget to pass one silently use it.
    ///
    /// ## Example
    /// ```python
    /// def connect(user, password="admin"):  # B107
    ///     ...
    /// def connect(user, password=None):  # fine
    ///     ...
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b107_hardcoded_password_default.html
    /// - https://cwe.mitre.org/data/definitions/259.html
    pub static RULE = {
        id: "B107", name: "hardcoded_password_default", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::Medium, cwe: Some(259),
        summary: "A password-like parameter with a string default.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, def: Node<'_>) {
    for (name, default) in positional_defaults(def, cx.src) {
        let Some(default) = default else { continue };
        if syntax::unparen(default).kind() == "none" {
            continue;
        }
        if let Some(v) = syntax::str_const(default, cx.src) {
            if PASSWORD_NAME.is_match(name) {
                let message = password_message(&v);
                cx.report(Rule::B107, def, message).secret = Some(v);
                return;
            }
        }
    }
}

/// `(name, default)` of the parameters Python puts in `args.args`: after a `/`, before `*`.
pub(crate) fn positional_defaults<'t, 's>(
    def: Node<'t>,
    src: &'s str,
) -> Vec<(&'s str, Option<Node<'t>>)> {
    let mut out = Vec::new();
    let Some(params) = def.child_by_field_id(field!("parameters")) else {
        return out;
    };
    for p in syntax::named_children(params) {
        match p.kind() {
            "identifier" => out.push((syntax::text(p, src), None)),
            "typed_parameter" => {
                let name = syntax::named_children(p)
                    .find(|c| c.kind() == "identifier")
                    .map_or("", |c| syntax::text(c, src));
                out.push((name, None));
            }
            "default_parameter" | "typed_default_parameter" => {
                let name = p
                    .child_by_field_id(field!("name"))
                    .map_or("", |n| syntax::text(n, src));
                out.push((name, p.child_by_field_id(field!("value"))));
            }
            // Parameters before `/` are positional-only (not `args.args`).
            "positional_separator" => out.clear(),
            "list_splat_pattern" | "keyword_separator" | "dictionary_splat_pattern" => break,
            _ => {}
        }
    }
    out
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::password()
}

/// How the registry runs this rule: `check` on every function definition (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::FunctionDef(check), trigger);
