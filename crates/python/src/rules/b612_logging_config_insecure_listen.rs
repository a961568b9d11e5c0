use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `logging.config.listen(...)` without a `verify=` argument (Bandit B612).
    ///
    /// ## Why is this bad?
    /// The listener accepts logging configurations from the network, and a configuration can name
    /// classes to instantiate: anyone who can connect can run code. `verify` lets the program check
    /// (for example, a signature on) what it receives.
    ///
    /// ## Example
    /// ```python
    /// logging.config.listen(9999)  # B612
    /// logging.config.listen(9999, verify=check_signature)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b612_logging_config_insecure_listen.html
    /// - https://cwe.mitre.org/data/definitions/94.html
    pub static RULE = {
        id: "B612", name: "logging_config_insecure_listen", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(94),
        summary: "logging.config.listen without a verify function.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.qualname == "logging.config.listen" && !call.has_kw("verify") {
        cx.report(
            Rule::B612,
            call.node,
            "Use of insecure logging.config.listen detected.",
        );
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::qualname("logging.config.listen")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
