use crate::rules::shared::http_call;
use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `requests` and `httpx` calls (the HTTP verbs, and for httpx also `request`, `stream`,
    /// `Client`, `AsyncClient`) with `verify=False` (Bandit B501), reported on the `verify=` line.
    ///
    /// ## Why is this bad?
    /// Without certificate verification anyone on the network path can impersonate the server and
    /// read or change the traffic.
    ///
    /// ## Example
    /// ```python
    /// requests.get(url, verify=False)  # B501
    /// requests.get(url, verify="/etc/ssl/internal-ca.pem")  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b501_request_with_no_cert_validation.html
    /// - https://cwe.mitre.org/data/definitions/295.html
    pub static RULE = {
        id: "B501", name: "request_with_no_cert_validation", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(295),
        summary: "An HTTP request with verify=False.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let (root, requests, httpx) = http_call(&call.qualname, call.name());
    if (requests || httpx) && call.kw_is("verify", &["False"], cx.src) == Some(true) {
        let line = call.kw_line("verify");
        cx.report(
            Rule::B501,
            call.node,
            format!("Call to {root} with verify=False disabling SSL certificate checks, security issue."),
        )
        .on_line(line);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["requests", "verify"]).or(Trigger::words(&["httpx", "verify"]))
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
