use crate::rules::Rule;
use crate::syntax::Value;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `hashlib.md4/md5/sha/sha1(...)` and `hashlib.new("md5", ...)` (any case of the name)
    /// unless `usedforsecurity=False` is passed (high severity), and `crypt.crypt(x, salt)` or
    /// `crypt.mksalt(method)` with `METHOD_CRYPT`, `METHOD_MD5` or `METHOD_BLOWFISH` (medium;
    /// Bandit B324).
    ///
    /// ## Why is this bad?
    /// MD4, MD5 and SHA1 have practical collision attacks, and the old crypt methods are fast to
    /// brute-force: signatures, tokens or password hashes made with them can be forged or cracked.
    ///
    /// ## Example
    /// ```python
    /// digest = hashlib.md5(password).hexdigest()  # B324
    /// etag = hashlib.md5(body, usedforsecurity=False).hexdigest()  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b324_hashlib.html
    /// - https://cwe.mitre.org/data/definitions/327.html
    pub static RULE = {
        id: "B324", name: "hashlib", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(327),
        summary: "MD4, MD5 or SHA1 from hashlib used for security, or a weak crypt method.",
    };
}

const WEAK_HASHES: &[&str] = &["md4", "md5", "sha", "sha1"];
const WEAK_CRYPT: &[&str] = &["METHOD_CRYPT", "METHOD_MD5", "METHOD_BLOWFISH"];

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let parts: Vec<&str> = call.qualname.split('.').collect();
    let func = call.name();
    let src = cx.src;
    if parts.contains(&"hashlib") {
        // Flagged unless `usedforsecurity` is given and is not literally True.
        let for_security = match call.args.keyword("usedforsecurity") {
            None => true,
            Some(_) => {
                call.kw("usedforsecurity", src)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .as_deref()
                    == Some("True")
            }
        };
        let weak = if WEAK_HASHES.contains(&func) {
            Some(func.to_uppercase())
        } else if func == "new" {
            let name = if call.args.positional.is_empty() {
                call.kw("name", src)
            } else {
                call.arg_value(0, src)
            };
            match name {
                Some(Value::Str(n)) if WEAK_HASHES.contains(&n.to_lowercase().as_str()) => {
                    Some(n.to_uppercase())
                }
                _ => None,
            }
        } else {
            None
        };
        if let (Some(name), true) = (weak, for_security) {
            cx.report(
                Rule::B324,
                call.node,
                format!("Use of weak {name} hash for security. Consider usedforsecurity=False"),
            );
        }
    } else if parts.contains(&"crypt") && (func == "crypt" || func == "mksalt") {
        let (pos, kw) = if func == "crypt" {
            (1, "salt")
        } else {
            (0, "method")
        };
        let method = if call.args.positional.len() > pos {
            call.arg_value(pos, src)
        } else {
            call.kw(kw, src)
        };
        if let Some(Value::Str(m)) = method {
            if WEAK_CRYPT.contains(&m.as_str()) {
                cx.report_with(
                    Rule::B324,
                    call.node,
                    Severity::Medium,
                    Confidence::High,
                    format!("Use of insecure crypt.{} hash function.", m.to_uppercase()),
                );
            }
        }
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::any_word(&["hashlib", "crypt"])
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
