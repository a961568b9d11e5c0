use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `ssl.wrap_socket(...)` calls without an `ssl_version=` argument (Bandit B504).
    ///
    /// ## Why is this bad?
    /// The default negotiates the highest version both sides support, which on old installations
    /// can include broken protocol versions. `ssl.wrap_socket` is deprecated altogether.
    ///
    /// ## Example
    /// ```python
    /// ssl.wrap_socket(sock)  # B504
    /// ssl.create_default_context().wrap_socket(sock, server_hostname=host)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b504_ssl_with_no_version.html
    /// - https://cwe.mitre.org/data/definitions/327.html
    pub static RULE = {
        id: "B504", name: "ssl_with_no_version", checker: CheckerKind::Python,
        severity: Severity::Low, confidence: Confidence::Medium, cwe: Some(327),
        summary: "ssl.wrap_socket without an explicit protocol version.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.qualname == "ssl.wrap_socket" && call.kw("ssl_version", cx.src).is_none() {
        let line = call.kw_line("ssl_version");
        cx.report(
            Rule::B504,
            call.node,
            "ssl.wrap_socket call with no SSL/TLS protocol version specified, the default SSLv23 could be insecure, possible security issue.",
        )
        .on_line(line);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualname("ssl.wrap_socket")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
