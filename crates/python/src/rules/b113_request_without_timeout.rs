use crate::rules::shared::http_call;
use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `requests` calls (`get`, `post`, `put`, `patch`, `delete`, `head`, `options`) without a
    /// literal `timeout=` argument, and `requests` or `httpx` calls (also `request`, `stream`,
    /// `Client`, `AsyncClient`) with `timeout=None` (Bandit B113).
    ///
    /// ## Why is this bad?
    /// Without a timeout a request can hang forever on a slow or malicious server, tying up a worker
    /// or the whole program.
    ///
    /// ## Example
    /// ```python
    /// requests.get(url)  # B113
    /// requests.get(url, timeout=10)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b113_request_without_timeout.html
    /// - https://cwe.mitre.org/data/definitions/400.html
    pub static RULE = {
        id: "B113", name: "request_without_timeout", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Low, cwe: Some(400),
        summary: "An HTTP request without a timeout, or with timeout=None.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let (root, requests, httpx) = http_call(&call.qualname, call.name());
    if requests && call.kw("timeout", cx.src).is_none() {
        cx.report(
            Rule::B113,
            call.node,
            format!("Call to {root} without timeout"),
        );
        return;
    }
    if (requests || httpx) && call.kw_is("timeout", &["None"], cx.src) == Some(true) {
        cx.report(
            Rule::B113,
            call.node,
            format!("Call to {root} with timeout set to None"),
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::any_word(&["requests", "httpx"])
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
