use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// With a licence policy (`[deps.licenses] allow = [...]`), reports an installed
    /// distribution whose licence expression the allow list (plus the package's `exceptions`)
    /// does not satisfy. Expressions are parsed as SPDX: `A OR B` passes if either branch is
    /// allowed, `A AND B` needs every part, `A WITH exception` needs that exact pair allowed,
    /// and deprecated GNU ids (`LGPL-2.1`, `GPL-2.0+`) are read as their `-only` / `-or-later`
    /// forms.
    ///
    /// ## Why is this bad?
    /// Shipping or deploying code under a licence the organisation has not approved is a legal
    /// risk; tools that compare licence strings as text pass `BSD-3-Clause AND 0BSD AND MIT AND
    /// Zlib AND CC0-1.0` when `MIT` alone is allowed, or reject `Apache-2.0 OR BSD-3-Clause`.
    ///
    /// ## Example
    /// ```toml
    /// [deps.licenses]
    /// allow = ["MIT", "Apache-2.0", "BSD-3-Clause"]
    /// # cryptography: Apache-2.0 OR BSD-3-Clause         OK (either branch)
    /// # numpy: BSD-3-Clause AND 0BSD AND MIT AND ...      error: 0BSD, Zlib, CC0-1.0 not allowed
    /// ```
    ///
    /// ## References
    /// - https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/
    /// - https://peps.python.org/pep-0639/
    /// - https://embarkstudios.github.io/cargo-deny/checks/licenses/
    pub static LICENSE_NOT_ALLOWED = {
        id: "LIC001", name: "license-not-allowed", checker: CheckerKind::Deps,
        severity: Severity::High, confidence: Confidence::High, cwe: None,
        summary: "An installed distribution's licence is not allowed by the licence policy.",
    };
}
