use crate::rules::Rule;
use crate::syntax::Value;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `pysnmp.hlapi.CommunityData(..., mpModel=0)` or `mpModel=1` (SNMPv1/v2c; Bandit B508).
    ///
    /// ## Why is this bad?
    /// SNMP v1 and v2c authenticate with a community string sent in clear text and do not encrypt.
    ///
    /// ## Example
    /// ```python
    /// CommunityData("public", mpModel=0)  # B508
    /// UsmUserData("user", auth_key, priv_key)  # SNMPv3 with encryption: fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b508_snmp_insecure_version_check.html
    /// - https://cwe.mitre.org/data/definitions/319.html
    pub static RULE = {
        id: "B508", name: "snmp_insecure_version_check", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(319),
        summary: "SNMP v1 or v2 (mpModel=0 or 1).",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.qualname != "pysnmp.hlapi.CommunityData" {
        return;
    }
    let insecure = match call.kw("mpModel", cx.src) {
        Some(Value::Int(n)) => n == 0 || n == 1,
        Some(Value::Float(f)) => f == 0.0 || f == 1.0,
        _ => false,
    };
    if insecure {
        cx.report(
            Rule::B508,
            call.node,
            "The use of SNMPv1 and SNMPv2 is insecure. You should use SNMPv3 if able.",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualname("pysnmp.hlapi.CommunityData")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
