use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// With a licence policy, reports an installed distribution whose licence cannot be
    /// determined: no `clarify` entry, no PEP 639 `License-Expression`, a legacy `License:`
    /// field that is not a valid SPDX expression (free text such as `GPL`, `BSD`, `LGPL with
    /// exceptions`), and no single unambiguous licence classifier (`BSD License` names no one
    /// licence). Set `unknown = "warn"` to make these warnings.
    ///
    /// ## Why is this bad?
    /// An unknown licence cannot be checked against the policy; passing it silently is the
    /// failure the policy exists to prevent.
    ///
    /// ## Example
    /// ```text
    /// License: GPL                     # error: not an SPDX expression
    /// License-Expression: MIT          # OK
    /// ```
    /// Pin the answer with a `clarify` entry (an expression and the sha256 of the licence files
    /// it was read from).
    ///
    /// ## References
    /// - https://peps.python.org/pep-0639/
    pub static LICENSE_UNKNOWN = {
        id: "LIC002", name: "license-unknown", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::High, cwe: None,
        summary: "An installed distribution's licence could not be determined.",
    };
}
