//! Facts several rules share: Bandit's password-name pattern, its notion of a truthy `shell=`
//! argument, and the HTTP client verbs.

use std::sync::LazyLock;

use regex::Regex;
use tree_sitter::Node;

use crate::syntax::{self, unparen};

/// Names that look like they hold a password (B105–B107): a password word alone or as a
/// `_`-separated part.
pub(crate) static PASSWORD_NAME: LazyLock<Regex> = LazyLock::new(|| {
    let w = "(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)";
    Regex::new(&format!("(?i)(^{w}$|_{w}_|^{w}_|_{w}$)")).expect("valid regex")
});

/// The message of B105–B107.
pub(crate) fn password_message(value: &str) -> String {
    format!("Possible hardcoded password: '{value}'")
}

/// Bandit's truthiness of a `shell=` value: numbers by value, lists/dicts non-empty, `False`
/// and `None` false, other constants by Python truthiness, anything else (a variable, a
/// call) true.
pub(crate) fn shell_truthy(value: Node<'_>, src: &str) -> bool {
    let v = unparen(value);
    match v.kind() {
        "integer" => syntax::parse_int(syntax::text(v, src)).is_none_or(|n| n != 0),
        "float" => {
            syntax::text(v, src)
                .replace('_', "")
                .trim_end_matches(['j', 'J'])
                .parse::<f64>()
                .is_ok_and(|f| f != 0.0)
                || syntax::text(v, src).parse::<f64>().is_err()
        }
        "list" => syntax::named_children(v).next().is_some(),
        "dictionary" => syntax::named_children(v).next().is_some(),
        "false" | "none" => false,
        "true" | "ellipsis" => true,
        "string" | "concatenated_string" => match syntax::string_literal(v, src) {
            Some(syntax::StrLit::Str(s)) => !s.is_empty(),
            // Bytes: truthy unless empty; an f-string is not a constant.
            Some(syntax::StrLit::Bytes) => syntax::text(v, src).len() > 3,
            None => true,
        },
        _ => true,
    }
}

/// Whether a call passes a truthy `shell=` (Bandit's `has_shell`; the last `shell=` wins).
pub(crate) fn has_shell(call: &crate::walk::Call<'_>, src: &str) -> bool {
    call.args
        .keywords
        .iter()
        .rfind(|(k, _)| *k == Some("shell"))
        .is_some_and(|(_, v)| shell_truthy(*v, src))
}

pub(crate) const HTTP_VERBS: &[&str] =
    &["get", "options", "head", "post", "put", "patch", "delete"];
pub(crate) const HTTPX_EXTRA: &[&str] = &["request", "stream", "Client", "AsyncClient"];

/// `(root module, is a requests verb call, is an httpx call)` for B113/B501.
pub(crate) fn http_call(qualname: &str, name: &str) -> (String, bool, bool) {
    let root = qualname.split('.').next().unwrap_or("").to_string();
    let requests = root == "requests" && HTTP_VERBS.contains(&name);
    let httpx = root == "httpx" && (HTTP_VERBS.contains(&name) || HTTPX_EXTRA.contains(&name));
    (root, requests, httpx)
}

/// Bandit's B110/B112 test: the handler's body is the one statement `body_kind`, and (unless
/// `typed`) the handler is bare or catches `Exception` by that name.
pub(crate) fn swallowing_handler(
    handler: Node<'_>,
    src: &str,
    typed: bool,
    body_kind: &str,
) -> bool {
    let Some(block) = syntax::named_children(handler).find(|c| c.kind() == "block") else {
        return false;
    };
    let mut body = syntax::named_children(block);
    let (Some(only), None) = (body.next(), body.next()) else {
        return false;
    };
    if !typed {
        if let Some(t) = handler.child_by_field_id(field!("value")) {
            let t = unparen(t);
            let t = if t.kind() == "as_pattern" {
                syntax::named_children(t).next().map(unparen).unwrap_or(t)
            } else {
                t
            };
            if !(t.kind() == "identifier" && syntax::text(t, src) == "Exception") {
                return false;
            }
        }
    }
    only.kind() == body_kind
}
