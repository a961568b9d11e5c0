use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::{Dependency, Pinning};

declare_rule! {
    /// ## What it does
    /// Flags a requirement that downloads an archive from a URL (`pkg @ https://.../pkg-1.0.tar.gz`
    /// or a bare URL line) without a hash: neither a `#sha256=` fragment nor a `--hash` option.
    ///
    /// ## Why is this bad?
    /// The content behind a URL can change without the URL changing: a re-uploaded file, a
    /// compromised host, or a proxy in the way. A hash makes pip refuse anything but the
    /// reviewed file.
    ///
    /// ## Example
    /// ```text
    /// pkg @ https://files.example.com/pkg-1.0.tar.gz                      # error
    /// pkg @ https://files.example.com/pkg-1.0.tar.gz#sha256=9f86d08...     # OK
    /// ```
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/topics/secure-installs/
    pub static URL_WITHOUT_HASH = {
        id: "DEP003", name: "url-requirement-without-hash", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(494),
        summary: "A requirement downloads an archive from a URL without a hash.",
    };
}

pub fn check(path: &str, dep: &Dependency, out: &mut Vec<Finding>) {
    let Pinning::Archive { url, hashed: false } = dep.pinning() else {
        return;
    };
    let shown = palisade_core::redact::url_credentials(&url);
    out.push(super::finding(
        &URL_WITHOUT_HASH,
        path,
        dep.loc,
        format!("`{shown}` is downloaded without a hash; add `#sha256=...` or `--hash=sha256:...`"),
        &dep.snippet,
        shown,
    ));
}
