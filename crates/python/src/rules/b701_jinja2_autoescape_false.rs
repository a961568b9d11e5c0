use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use std::collections::VecDeque;

use crate::rules::Rule;
use crate::syntax::unparen;
use crate::walk::{Call, FileCx};

declare_rule! {
    /// ## What it does
    /// Finds `jinja2.Environment(...)` without `autoescape=` (high confidence), with
    /// `autoescape=False` (high), or with another value that is neither `True` nor a
    /// `select_autoescape(...)` call (medium confidence; Bandit B701).
    ///
    /// ## Why is this bad?
    /// Without autoescaping, data rendered into HTML templates is not escaped: cross-site scripting.
    ///
    /// ## Example
    /// ```python
    /// env = jinja2.Environment(loader=loader)  # B701
    /// env = jinja2.Environment(loader=loader, autoescape=select_autoescape())  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b701_jinja2_autoescape_false.html
    /// - https://cwe.mitre.org/data/definitions/94.html
    pub static RULE = {
        id: "B701", name: "jinja2_autoescape_false", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(94),
        summary: "A jinja2 Environment without autoescaping.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.name() != "Environment" || !call.qualname.split('.').any(|p| p == "jinja2") {
        return;
    }
    // Bandit walks the whole call, nested calls included, breadth first.
    let mut queue = VecDeque::from([call.node]);
    while let Some(n) = queue.pop_front() {
        if n.kind() == "keyword_argument"
            && n.child_by_field_id(field!("name"))
                .is_some_and(|k| cx.text(k) == "autoescape")
        {
            let Some(v) = n.child_by_field_id(field!("value")).map(unparen) else {
                continue;
            };
            match v.kind() {
                "false" => {
                    cx.report(
                        Rule::B701,
                        call.node,
                        "Using jinja2 templates with autoescape=False is dangerous and can lead to XSS. Use autoescape=True or use the select_autoescape function to mitigate XSS vulnerabilities.",
                    );
                }
                "true" => {}
                "call"
                    if v.child_by_field_id(field!("function"))
                        .map(unparen)
                        .is_some_and(|f| {
                            let name = match f.kind() {
                                "attribute" => {
                                    f.child_by_field_id(field!("attribute")).map(|a| cx.text(a))
                                }
                                "identifier" => Some(cx.text(f)),
                                _ => None,
                            };
                            name == Some("select_autoescape")
                        }) => {}
                _ => {
                    cx.report_with(
                        Rule::B701,
                        call.node,
                        Severity::High,
                        Confidence::Medium,
                        "Using jinja2 templates with autoescape=False is dangerous and can lead to XSS. Ensure autoescape=True or use the select_autoescape function to mitigate XSS vulnerabilities.",
                    );
                }
            }
            return;
        }
        let mut cursor = n.walk();
        queue.extend(n.named_children(&mut cursor));
    }
    cx.report(
        Rule::B701,
        call.node,
        "By default, jinja2 sets autoescape to False. Consider using autoescape=True or use the select_autoescape function to mitigate XSS vulnerabilities.",
    );
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["Environment", "jinja2"])
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
