use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `ssl.wrap_socket(ssl_version=...)` with a broken protocol (high), and any other call
    /// with `method=` or `ssl_version=` naming one (medium; Bandit B502). The versions are SSLv2,
    /// SSLv3, TLS 1.0 and TLS 1.1 by their `ssl`/pyOpenSSL constant names, or the Bandit setting
    /// `ssl_with_bad_version.bad_protocol_versions`.
    ///
    /// ## Why is this bad?
    /// These protocol versions have known attacks (DROWN, POODLE, BEAST) that let an attacker on the
    /// network decrypt or tamper with the traffic.
    ///
    /// ## Example
    /// ```python
    /// ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_SSLv3)  # B502
    /// ctx = ssl.create_default_context()  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b502_ssl_with_bad_version.html
    /// - https://cwe.mitre.org/data/definitions/327.html
    pub static RULE = {
        id: "B502", name: "ssl_with_bad_version", checker: CheckerKind::Python,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(327),
        summary: "A call asking for a broken SSL/TLS protocol version.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let bad = |kw: &str| -> bool {
        call.kw(kw, cx.src)
            .and_then(|v| v.as_str().map(str::to_string))
            .is_some_and(|v| cx.settings.bad_protocol_versions.contains(&v))
    };
    // Bandit's high branch names `pyOpenSSL.SSL.Context`, which real imports never produce.
    let (high, kw) = match call.qualname.as_str() {
        "ssl.wrap_socket" => (true, "ssl_version"),
        "pyOpenSSL.SSL.Context" => (true, "method"),
        _ => (false, ""),
    };
    if high {
        if bad(kw) {
            let text = if kw == "method" {
                "SSL.Context call with insecure SSL/TLS protocol version identified, security issue."
            } else {
                "ssl.wrap_socket call with insecure SSL/TLS protocol version identified, security issue."
            };
            let line = call.kw_line(kw);
            cx.report(Rule::B502, call.node, text).on_line(line);
        }
        return;
    }
    if bad("method") || bad("ssl_version") {
        let line = call
            .kw_line("method")
            .or_else(|| call.kw_line("ssl_version"));
        cx.report_with(
            Rule::B502,
            call.node,
            Severity::Medium,
            Confidence::Medium,
            "Function call with insecure SSL/TLS protocol identified, possible security issue.",
        )
        .on_line(line);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::{Atom, Trigger};
    s.bad_protocol_versions
        .iter()
        .fold(Trigger::all(vec![Atom::Opaque]), |t, v| {
            t.or(Trigger::text(v))
        })
        // Which of these a call is (through import aliases) sets the severity.
        .with_imports(["ssl.wrap_socket", "pyOpenSSL.SSL.Context"])
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
