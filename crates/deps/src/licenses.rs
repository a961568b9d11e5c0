//! The licence policy (`[deps.licenses]`), modelled on cargo-deny's `[licenses]`: an allow list
//! of SPDX licences, per-package exceptions with a version range, clarifications pinned to the
//! sha256 of licence files, and warnings for entries nothing used.
//!
//! A distribution's licence comes, in order, from: a `clarify` entry whose files still hash as
//! pinned; PEP 639 `License-Expression`; a legacy `License:` field that is a valid SPDX
//! expression; one unambiguous licence classifier; otherwise it is unknown. Expressions are
//! parsed strictly by the `spdx` crate (the one cargo-deny uses), after deprecated GNU ids are
//! rewritten to their `-only` / `-or-later` forms (`spdx` strict mode rejects `LGPL-2.1`, and
//! its lax mode guesses wrongly). Lock files carry no licences, so this reads installed
//! environments only.

use std::path::Path;
use std::str::FromStr;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::environment::InstalledDist;

/// `[deps.licenses]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LicensePolicy {
    /// SPDX licences (optionally `WITH` an exception) that are acceptable.
    #[serde(default)]
    pub allow: Vec<String>,
    /// What an unknown licence is: `"deny"` (LIC002 finding, the default) or `"warn"`.
    #[serde(default)]
    pub unknown: UnknownIs,
    /// Without an installed environment to read licences from, the check cannot run: an
    /// error (exit 2) when `true`, a warning otherwise.
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub exceptions: Vec<LicenseException>,
    #[serde(default)]
    pub clarify: Vec<Clarification>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownIs {
    #[default]
    Deny,
    Warn,
}

/// More licences allowed for one package (optionally only in a version range).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LicenseException {
    pub package: String,
    /// PEP 440 specifiers (`">=2,<3"`); unset: every version.
    pub version: Option<String>,
    pub allow: Vec<String>,
}

/// The licence of a package stated by hand, valid while its licence files hash as pinned.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Clarification {
    pub package: String,
    pub version: Option<String>,
    pub expression: String,
    pub license_files: Vec<PinnedFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinnedFile {
    /// Relative to the `*.dist-info` folder (or its `licenses/` folder).
    pub path: String,
    /// `sha256:<hex>` (or the bare hex digest).
    pub hash: String,
}

/// Deprecated GNU ids and their current forms (`+` means "or later").
const DEPRECATED_GNU: &[&str] = &[
    "GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1", "LGPL-3.0", "AGPL-1.0", "AGPL-3.0",
    "GFDL-1.1", "GFDL-1.2", "GFDL-1.3",
];

/// Rewrites deprecated GNU ids (`LGPL-2.1` -> `LGPL-2.1-only`, `GPL-2.0+` ->
/// `GPL-2.0-or-later`) and `+` on them; other tokens are kept as written.
pub fn modernize(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len() + 8);
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        let (base, plus) = match token.strip_suffix('+') {
            Some(b) => (b, true),
            None => (token.as_str(), false),
        };
        if DEPRECATED_GNU.contains(&base) {
            out.push_str(base);
            out.push_str(if plus { "-or-later" } else { "-only" });
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in expr.chars() {
        if c.is_whitespace() || c == '(' || c == ')' {
            flush(&mut token, &mut out);
            out.push(c);
        } else {
            token.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// Parses an SPDX expression strictly (after [`modernize`]).
pub fn parse_expression(expr: &str) -> Result<spdx::Expression, String> {
    let e = modernize(expr.trim());
    spdx::Expression::parse(&e).map_err(|err| err.reason.to_string())
}

fn parse_licensee(s: &str) -> Result<spdx::Licensee, String> {
    spdx::Licensee::parse(&modernize(s.trim())).map_err(|e| format!("`{s}`: {}", e.reason))
}

fn parse_specifiers(s: &str) -> Result<pep440_rs::VersionSpecifiers, String> {
    pep440_rs::VersionSpecifiers::from_str(s).map_err(|e| format!("`{s}`: {e}"))
}

/// Classifiers that name exactly one SPDX licence. Family names (`BSD License`, `Apache
/// Software License`, `GNU Library or Lesser General Public License (LGPL)`) name none.
const CLASSIFIERS: &[(&str, &str)] = &[
    ("License :: OSI Approved :: MIT License", "MIT"),
    (
        "License :: OSI Approved :: MIT No Attribution License (MIT-0)",
        "MIT-0",
    ),
    ("License :: OSI Approved :: ISC License (ISCL)", "ISC"),
    (
        "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)",
        "MPL-2.0",
    ),
    (
        "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
        "GPL-2.0-only",
    ),
    (
        "License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)",
        "GPL-2.0-or-later",
    ),
    (
        "License :: OSI Approved :: GNU General Public License v3 (GPLv3)",
        "GPL-3.0-only",
    ),
    (
        "License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)",
        "GPL-3.0-or-later",
    ),
    (
        "License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)",
        "LGPL-2.0-only",
    ),
    (
        "License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)",
        "LGPL-2.0-or-later",
    ),
    (
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
        "LGPL-3.0-only",
    ),
    (
        "License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)",
        "LGPL-3.0-or-later",
    ),
    (
        "License :: OSI Approved :: GNU Affero General Public License v3",
        "AGPL-3.0-only",
    ),
    (
        "License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)",
        "AGPL-3.0-or-later",
    ),
    (
        "License :: OSI Approved :: Python Software Foundation License",
        "PSF-2.0",
    ),
    (
        "License :: OSI Approved :: The Unlicense (Unlicense)",
        "Unlicense",
    ),
    ("License :: OSI Approved :: zlib/libpng License", "Zlib"),
    (
        "License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)",
        "BSL-1.0",
    ),
    (
        "License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)",
        "EPL-2.0",
    ),
    (
        "License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)",
        "HPND",
    ),
    (
        "License :: OSI Approved :: Universal Permissive License (UPL)",
        "UPL-1.0",
    ),
    (
        "License :: OSI Approved :: Apache Software License 2.0",
        "Apache-2.0",
    ),
    (
        "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication",
        "CC0-1.0",
    ),
];

/// Where a licence was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Clarified,
    /// PEP 639 `License-Expression`.
    Expression,
    /// A legacy `License:` field that is valid SPDX.
    LegacyField,
    /// One unambiguous classifier.
    Classifier,
    Unknown,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Clarified => "clarify",
            Source::Expression => "License-Expression",
            Source::LegacyField => "License",
            Source::Classifier => "classifier",
            Source::Unknown => "unknown",
        }
    }
}

/// What the policy says about one installed distribution.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub name: String,
    pub version: String,
    /// The expression used, as written (after deprecated ids were rewritten).
    pub expression: Option<String>,
    pub source: Source,
    /// `None`: unknown licence, or no allow list to judge by.
    pub allowed: Option<bool>,
    /// The requirements no allow entry satisfied (when not allowed).
    pub failures: Vec<String>,
    /// A clarification that no longer matches its files, and why.
    pub stale: Option<String>,
    /// What was written in the metadata when it could not be used (free text, ambiguous
    /// classifiers), for the message.
    pub unusable: Vec<String>,
    /// The metadata line the licence came from (1 when unknown).
    pub line: u32,
}

/// A validated policy, with a use counter per allow entry.
pub struct CompiledPolicy {
    allow: Vec<(String, spdx::Licensee)>,
    exceptions: Vec<(
        LicenseException,
        Option<pep440_rs::VersionSpecifiers>,
        Vec<spdx::Licensee>,
    )>,
    clarify: Vec<(
        Clarification,
        Option<pep440_rs::VersionSpecifiers>,
        spdx::Expression,
    )>,
    pub unknown: UnknownIs,
    pub required: bool,
    used_allow: Vec<bool>,
    used_exceptions: Vec<bool>,
    used_clarify: Vec<bool>,
}

impl CompiledPolicy {
    pub fn new(p: &LicensePolicy) -> Result<CompiledPolicy, String> {
        let allow = p
            .allow
            .iter()
            .map(|a| parse_licensee(a).map(|l| (a.clone(), l)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("[deps.licenses] allow: {e}"))?;
        let mut exceptions = Vec::new();
        for e in &p.exceptions {
            let spec = e.version.as_deref().map(parse_specifiers).transpose()?;
            let allow = e
                .allow
                .iter()
                .map(|a| parse_licensee(a))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|err| format!("[deps.licenses] exception for {}: {err}", e.package))?;
            exceptions.push((e.clone(), spec, allow));
        }
        let mut clarify = Vec::new();
        for c in &p.clarify {
            let spec = c.version.as_deref().map(parse_specifiers).transpose()?;
            let expr = parse_expression(&c.expression).map_err(|e| {
                format!(
                    "[deps.licenses] clarify for {}: `{}` is not an SPDX expression: {e}",
                    c.package, c.expression
                )
            })?;
            if c.license_files.is_empty() {
                return Err(format!(
                    "[deps.licenses] clarify for {} pins no `license-files`: a clarification must name the licence texts it was read from",
                    c.package
                ));
            }
            clarify.push((c.clone(), spec, expr));
        }
        Ok(CompiledPolicy {
            used_allow: vec![false; allow.len()],
            used_exceptions: vec![false; exceptions.len()],
            used_clarify: vec![false; clarify.len()],
            allow,
            exceptions,
            clarify,
            unknown: p.unknown,
            required: p.required,
        })
    }

    pub fn has_allow_list(&self) -> bool {
        !self.allow.is_empty() || !self.exceptions.is_empty()
    }

    /// Judges one distribution.
    pub fn judge(&mut self, d: &InstalledDist) -> Verdict {
        let name = d.name().to_string();
        let norm = crate::manifest::normalize_name(&name);
        let version = d.metadata.version.clone().unwrap_or_default();
        let parsed_version = pep440_rs::Version::from_str(&version).ok();
        let applies = |package: &str, spec: &Option<pep440_rs::VersionSpecifiers>| {
            crate::manifest::normalize_name(package) == norm
                && spec
                    .as_ref()
                    .is_none_or(|s| parsed_version.as_ref().is_some_and(|v| s.contains(v)))
        };
        let mut v = Verdict {
            name: name.clone(),
            version: version.clone(),
            expression: None,
            source: Source::Unknown,
            allowed: None,
            failures: Vec::new(),
            stale: None,
            unusable: Vec::new(),
            line: 1,
        };
        let mut expr: Option<spdx::Expression> = None;
        // 1. A clarification whose files still hash as pinned.
        for (i, (c, spec, e)) in self.clarify.iter().enumerate() {
            if !applies(&c.package, spec) {
                continue;
            }
            self.used_clarify[i] = true;
            match check_files(&d.dist_dir, &c.license_files) {
                Ok(()) => {
                    expr = Some(e.clone());
                    v.expression = Some(modernize(&c.expression));
                    v.source = Source::Clarified;
                }
                Err(why) => v.stale = Some(why),
            }
            break;
        }
        let m = &d.metadata;
        // 2. PEP 639 License-Expression.
        if expr.is_none() {
            if let Some(text) = m.license_expression.as_deref().filter(|t| !t.is_empty()) {
                match parse_expression(text) {
                    Ok(e) => {
                        expr = Some(e);
                        v.expression = Some(modernize(text));
                        v.source = Source::Expression;
                        v.line = m.license_expression_line;
                    }
                    Err(_) => v.unusable.push(format!("License-Expression: {text}")),
                }
            }
        }
        // 3. A legacy License field that is valid SPDX.
        if expr.is_none() {
            if let Some(text) = m.license.as_deref().filter(|t| !t.trim().is_empty()) {
                match parse_expression(text) {
                    Ok(e) => {
                        expr = Some(e);
                        v.expression = Some(modernize(text.trim()));
                        v.source = Source::LegacyField;
                        v.line = m.license_line;
                    }
                    Err(_) => v.unusable.push(format!("License: {}", text.trim())),
                }
            }
        }
        // 4. One unambiguous licence classifier.
        if expr.is_none() {
            let licence_classifiers: Vec<&String> = m
                .classifiers
                .iter()
                .filter(|c| c.starts_with("License ::"))
                .collect();
            let mapped: Vec<&str> = licence_classifiers
                .iter()
                .filter_map(|c| CLASSIFIERS.iter().find(|(k, _)| k == c).map(|(_, id)| *id))
                .collect();
            if licence_classifiers.len() == 1 && mapped.len() == 1 {
                if let Ok(e) = parse_expression(mapped[0]) {
                    expr = Some(e);
                    v.expression = Some(mapped[0].to_string());
                    v.source = Source::Classifier;
                }
            } else if !licence_classifiers.is_empty() {
                v.unusable.extend(
                    licence_classifiers
                        .iter()
                        .map(|c| format!("Classifier: {c}")),
                );
            }
        }
        let Some(expr) = expr else {
            return v;
        };
        if !self.has_allow_list() {
            return v;
        }
        // Exceptions of this package add to the allow list.
        let mut exception_ids = Vec::new();
        for (i, (e, spec, _)) in self.exceptions.iter().enumerate() {
            if applies(&e.package, spec) {
                exception_ids.push(i);
            }
        }
        let allow = &self.allow;
        let exceptions = &self.exceptions;
        let used_allow = &mut self.used_allow;
        let used_exceptions = &mut self.used_exceptions;
        let result = expr.evaluate_with_failures(|req| {
            let mut ok = false;
            for (i, (_, l)) in allow.iter().enumerate() {
                if l.satisfies(req) {
                    used_allow[i] = true;
                    ok = true;
                }
            }
            for &i in &exception_ids {
                if exceptions[i].2.iter().any(|l| l.satisfies(req)) {
                    used_exceptions[i] = true;
                    ok = true;
                }
            }
            ok
        });
        match result {
            Ok(()) => v.allowed = Some(true),
            Err(failed) => {
                v.allowed = Some(false);
                v.failures = failed.iter().map(|r| r.req.to_string()).collect();
                v.failures.dedup();
            }
        }
        v
    }

    /// Policy entries that nothing in this run used: allow entries, exceptions, clarifications.
    pub fn unused(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, (a, _)) in self.allow.iter().enumerate() {
            if !self.used_allow[i] {
                out.push(format!(
                    "allow entry `{a}` was not needed by any installed distribution"
                ));
            }
        }
        for (i, (e, _, _)) in self.exceptions.iter().enumerate() {
            if !self.used_exceptions[i] {
                out.push(format!(
                    "the licence exception for `{}` was not needed (no matching installed version needed it)",
                    e.package
                ));
            }
        }
        for (i, (c, _, _)) in self.clarify.iter().enumerate() {
            if !self.used_clarify[i] {
                out.push(format!(
                    "the licence clarification for `{}` matched no installed distribution",
                    c.package
                ));
            }
        }
        out
    }
}

/// Checks pinned licence files: each must exist (in the dist-info folder or its `licenses/`)
/// and hash as pinned.
fn check_files(dist_dir: &Path, files: &[PinnedFile]) -> Result<(), String> {
    for f in files {
        if Path::new(&f.path).is_absolute()
            || Path::new(&f.path)
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(format!(
                "`{}` is not a path inside the dist-info folder",
                f.path
            ));
        }
        let candidates = [
            dist_dir.join(&f.path),
            dist_dir.join("licenses").join(&f.path),
        ];
        let Some(bytes) = candidates.iter().find_map(|p| {
            std::fs::symlink_metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .and_then(|_| std::fs::read(p).ok())
        }) else {
            return Err(format!("licence file `{}` is missing", f.path));
        };
        let digest = format!("{:x}", Sha256::digest(&bytes));
        let want = f
            .hash
            .strip_prefix("sha256:")
            .unwrap_or(&f.hash)
            .to_ascii_lowercase();
        if digest != want {
            return Err(format!(
                "licence file `{}` has sha256 {digest}, the clarification pinned {want}",
                f.path
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecated_gnu_ids_are_modernised() {
        assert_eq!(modernize("LGPL-2.1"), "LGPL-2.1-only");
        assert_eq!(modernize("(GPL-2.0+ OR MIT)"), "(GPL-2.0-or-later OR MIT)");
        assert_eq!(modernize("GPL-3.0-only"), "GPL-3.0-only");
        assert!(parse_expression("LGPL-2.1 OR MIT").is_ok());
        assert!(parse_expression("GPL").is_err());
        assert!(parse_expression("LGPL with exceptions").is_err());
        assert!(parse_expression("Apache-2.0 WITH LLVM-exception").is_ok());
    }
}
