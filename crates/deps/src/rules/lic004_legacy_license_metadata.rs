use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// With a licence policy, reports a distribution whose licence was taken from legacy
    /// metadata: a `License:` field that happens to be a valid SPDX expression, or a single
    /// licence classifier, instead of PEP 639's `License-Expression`. Off by default
    /// (`--select LIC004`): an audit trail for reviewers, not a violation.
    ///
    /// ## Why is this bad?
    /// Legacy fields are free text; a valid-looking value may still not be what the project
    /// meant, and classifiers name licence families, not versions.
    ///
    /// ## Example
    /// ```text
    /// License: MIT                                         # reported: legacy field
    /// Classifier: License :: OSI Approved :: MIT License   # reported: classifier
    /// License-Expression: MIT                              # OK
    /// ```
    ///
    /// ## References
    /// - https://peps.python.org/pep-0639/#deprecate-license-field
    pub static LEGACY_LICENSE_METADATA = {
        id: "LIC004", name: "license-from-legacy-metadata", checker: CheckerKind::Deps,
        severity: Severity::Low, confidence: Confidence::Medium, cwe: None,
        summary: "An installed distribution's licence was taken from legacy metadata.",
        default_enabled: false,
    };
}
