use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::{Dependency, Pinning};

declare_rule! {
    /// ## What it does
    /// In pip's hash-checking mode (switched on by `--require-hashes` or by any `--hash` in the
    /// requirements file or the files it includes) flags every requirement without a `--hash`,
    /// and every editable requirement, which hash mode does not allow.
    ///
    /// ## Why is this bad?
    /// Hash mode is all or nothing: pip refuses the whole install when one requirement lacks a
    /// hash, so the file is broken, usually because a line was added by hand after
    /// `pip-compile --generate-hashes` ran.
    ///
    /// ## Example
    /// ```text
    /// requests==2.32.3 --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6
    /// idna==3.7            # error: no --hash in a hashed file
    /// ```
    /// Regenerate the file with `pip-compile --generate-hashes` or `uv pip compile --generate-hashes`.
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
    pub static MISSING_HASH = {
        id: "DEP004", name: "requirement-without-hash-in-hash-mode", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(494),
        summary: "A requirements file in hash-checking mode has a requirement without a hash.",
    };
}

pub fn check(path: &str, dep: &Dependency, out: &mut Vec<Finding>) {
    let name = dep.normalized_name().unwrap_or_else(|| dep.snippet.clone());
    if dep.editable {
        out.push(super::finding(
            &MISSING_HASH,
            path,
            dep.loc,
            "editable requirements are not allowed in hash-checking mode".to_string(),
            &dep.snippet,
            name,
        ));
        return;
    }
    if !dep.hashes.is_empty() || matches!(dep.pinning(), Pinning::Local) {
        return;
    }
    if let Pinning::Archive { hashed: true, .. } = dep.pinning() {
        return;
    }
    out.push(super::finding(
        &MISSING_HASH,
        path,
        dep.loc,
        format!(
            "`{}` has no `--hash` but the install runs in hash-checking mode; pip will refuse it",
            dep.name.as_deref().unwrap_or(&name)
        ),
        &dep.snippet,
        name,
    ));
}
