use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use tree_sitter::Node;

use crate::rules::shared::{password_message, PASSWORD_NAME};
use crate::rules::Rule;
use crate::syntax::{self, unparen};
use crate::walk::{ast_ancestors, FileCx, Str};

declare_rule! {
    /// ## What it does
    /// Finds string constants that look like hard-coded passwords (Bandit B105): a string assigned to
    /// a name or attribute such as `password`, `db_pwd`, `api_token` or `secret`; the value of a dict
    /// entry with such a key (any constant value); a string assigned to `d["password"]`; or a string
    /// a password-like name is compared with (`if password == "hunter2"`). Empty strings count.
    ///
    /// ## Why is this bad?
    /// Passwords in source code end up in version control, backups and logs, where anyone with read
    /// access can use them; they are also hard to rotate.
    ///
    /// ## Example
    /// ```python
    /// DB_PASSWORD = "s3cr3t"  # B105
    /// DB_PASSWORD = os.environ["DB_PASSWORD"]  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b105_hardcoded_password_string.html
    /// - https://cwe.mitre.org/data/definitions/259.html
    pub static RULE = {
        id: "B105", name: "hardcoded_password_string", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::Medium, cwe: Some(259),
        summary: "A string assigned to or compared with a password-like name.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, s: &Str<'_>) {
    if s.in_joined {
        return;
    }
    let src = cx.src;
    let parent = s.parent;
    let value = match parent.kind() {
        "assignment" if parent.child_by_field_id(field!("type")).is_none() => {
            assigned_to_password(cx, parent).then(|| s.value.clone())
        }
        "dictionary" => dict_value(cx, s),
        "subscript" if PASSWORD_NAME.is_match(&s.value) => {
            let mut up = ast_ancestors(&cx.stack).skip(1);
            up.next()
                .filter(|a| {
                    a.kind() == "assignment" && a.child_by_field_id(field!("type")).is_none()
                })
                .and_then(assigned_value)
                .and_then(|r| syntax::str_const(r, src))
        }
        "comparison_operator" => {
            let mut operands = syntax::named_children(parent);
            let left = operands.next().map(unparen);
            let name = left.and_then(|l| match l.kind() {
                "identifier" => Some(syntax::text(l, src)),
                "attribute" => l
                    .child_by_field_id(field!("attribute"))
                    .map(|a| syntax::text(a, src)),
                _ => None,
            });
            match name {
                Some(n) if PASSWORD_NAME.is_match(n) => {
                    operands.next().and_then(|c| syntax::str_const(c, src))
                }
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(v) = value {
        let message = password_message(&v);
        let issue = cx.report(Rule::B105, s.node, message);
        issue.range_of(parent);
        issue.secret = Some(v);
    }
}

/// The value of an assignment, through a chain (`a[k] = b = "x"` is one Python `Assign`).
fn assigned_value(assignment: Node<'_>) -> Option<Node<'_>> {
    let mut value = assignment.child_by_field_id(field!("right"))?;
    while value.kind() == "assignment" {
        value = value.child_by_field_id(field!("right"))?;
    }
    Some(value)
}

/// Whether any target of the assignment (all of a chained `a = b = "x"`) is a password-like
/// name or attribute.
fn assigned_to_password(cx: &FileCx<'_, '_>, assignment: Node<'_>) -> bool {
    let src = cx.src;
    let target_matches = |a: Node<'_>| {
        a.child_by_field_id(field!("left")).is_some_and(|t| {
            let t = unparen(t);
            match t.kind() {
                "identifier" => PASSWORD_NAME.is_match(syntax::text(t, src)),
                "attribute" => t
                    .child_by_field_id(field!("attribute"))
                    .is_some_and(|n| PASSWORD_NAME.is_match(syntax::text(n, src))),
                _ => false,
            }
        })
    };
    if target_matches(assignment) {
        return true;
    }
    // Outer assignments of a chain hold the other targets.
    let mut current = assignment;
    for a in ast_ancestors(&cx.stack).skip(1) {
        let chained = a.kind() == "assignment"
            && a.child_by_field_id(field!("right"))
                .is_some_and(|r| r.id() == current.id());
        if !chained {
            break;
        }
        if target_matches(a) {
            return true;
        }
        current = a;
    }
    false
}

/// For a dict key that looks like a password name: the paired value, if it is a constant.
fn dict_value(cx: &FileCx<'_, '_>, s: &Str<'_>) -> Option<String> {
    let pair = cx.stack.last().filter(|p| p.kind() == "pair")?;
    let key = pair.child_by_field_id(field!("key"))?;
    if key.id() != s.node.id() || !PASSWORD_NAME.is_match(&s.value) {
        return None;
    }
    let value = pair.child_by_field_id(field!("value"))?;
    syntax::is_constant(value, cx.src).then(|| syntax::constant_str(value, cx.src))
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::password()
}

/// How the registry runs this rule: `check` on every string literal (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Str(check), trigger);
