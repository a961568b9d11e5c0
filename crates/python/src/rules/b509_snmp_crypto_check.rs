use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `pysnmp.hlapi.UsmUserData(...)` with fewer than three positional arguments, that is
    /// without both an authentication and a privacy key (Bandit B509).
    ///
    /// ## Why is this bad?
    /// SNMPv3 in noAuthNoPriv or authNoPriv mode sends its data unencrypted.
    ///
    /// ## Example
    /// ```python
    /// UsmUserData("user")  # B509
    /// UsmUserData("user", auth_key, priv_key)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b509_snmp_crypto_check.html
    /// - https://cwe.mitre.org/data/definitions/319.html
    pub static RULE = {
        id: "B509", name: "snmp_crypto_check", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(319),
        summary: "SNMPv3 without both authentication and privacy keys.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.qualname == "pysnmp.hlapi.UsmUserData" && call.args.positional.len() < 3 {
        cx.report(
            Rule::B509,
            call.node,
            "You should not use SNMPv3 without encryption. noAuthNoPriv & authNoPriv is insecure",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualname("pysnmp.hlapi.UsmUserData")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
