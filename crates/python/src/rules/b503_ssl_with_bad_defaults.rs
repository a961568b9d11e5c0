use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use tree_sitter::Node;

use crate::rules::Rule;
use crate::syntax::{self, unparen};
use crate::walk::FileCx;

declare_rule! {
    /// ## What it does
    /// Finds function definitions with a positional parameter whose default is an attribute naming a
    /// broken SSL/TLS protocol version, such as `ssl.PROTOCOL_SSLv3` (Bandit B503). The list is the
    /// one of B502.
    ///
    /// ## Why is this bad?
    /// Callers that rely on the default silently get a protocol with known attacks.
    ///
    /// ## Example
    /// ```python
    /// def connect(sock, version=ssl.PROTOCOL_TLSv1):  # B503
    ///     ...
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b503_ssl_with_bad_defaults.html
    /// - https://cwe.mitre.org/data/definitions/327.html
    pub static RULE = {
        id: "B503", name: "ssl_with_bad_defaults", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(327),
        summary: "A function whose default argument is a broken SSL/TLS protocol version.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, def: Node<'_>) {
    let Some(params) = def.child_by_field_id(field!("parameters")) else {
        return;
    };
    for p in syntax::named_children(params) {
        match p.kind() {
            "default_parameter" | "typed_default_parameter" => {
                let Some(v) = p.child_by_field_id(field!("value")).map(unparen) else {
                    continue;
                };
                if v.kind() != "attribute" {
                    continue;
                }
                let attr = v
                    .child_by_field_id(field!("attribute"))
                    .map_or("", |a| cx.text(a));
                if cx.settings.bad_protocol_versions.iter().any(|b| b == attr) {
                    cx.report(
                        Rule::B503,
                        def,
                        "Function definition identified with insecure SSL/TLS protocol version by default, possible security issue.",
                    );
                    return;
                }
            }
            "list_splat_pattern" | "keyword_separator" | "dictionary_splat_pattern" => return,
            _ => {}
        }
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    s.bad_protocol_versions
        .iter()
        .fold(Trigger::default(), |t, v| t.or(Trigger::text(v)))
}

/// How the registry runs this rule: `check` on every function definition (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::FunctionDef(check), trigger);
