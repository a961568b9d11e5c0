use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Reports a `[[deps.licenses.clarify]]` entry whose licence files no longer have the
    /// sha256 it was pinned to (or are missing). The clarification is then not used: the
    /// licence is taken from the metadata, as if there were no entry.
    ///
    /// ## Why is this bad?
    /// A clarification records a human's reading of a licence text. When the text changes (a
    /// relicensing), that reading no longer holds and must be made again.
    ///
    /// ## Example
    /// ```toml
    /// [[deps.licenses.clarify]]
    /// package = "foo"
    /// expression = "MIT"
    /// license-files = [{ path = "LICENSE", hash = "sha256:9f86d0..." }]   # error if changed
    /// ```
    ///
    /// ## References
    /// - https://embarkstudios.github.io/cargo-deny/checks/licenses/cfg.html#the-clarify-field-optional
    pub static STALE_CLARIFICATION = {
        id: "LIC003", name: "stale-license-clarification", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::High, cwe: None,
        summary: "A licence clarification's files changed since it was written.",
    };
}
