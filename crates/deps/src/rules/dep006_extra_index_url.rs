use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::requirements::{GlobalOption, OptionLine};

declare_rule! {
    /// ## What it does
    /// Flags `--extra-index-url` in a requirements file.
    ///
    /// ## Why is this bad?
    /// pip treats every index as equal and installs the highest version it finds on any of them.
    /// Anyone who registers the name of a private package on the public index with a higher
    /// version number gets their code installed instead ("dependency confusion"). Use a single
    /// `--index-url` that proxies the public index, or pin with hashes so a substituted file is
    /// refused.
    ///
    /// ## Example
    /// ```text
    /// --extra-index-url https://pypi.internal.example/simple    # error
    /// --index-url https://pypi.internal.example/simple          # OK: one index
    /// ```
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-extra-index-url
    /// - https://medium.com/@alex.birsan/dependency-confusion-4a5d60fec610
    pub static EXTRA_INDEX_URL = {
        id: "DEP006", name: "extra-index-url", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(427),
        summary: "An `--extra-index-url` lets a public package shadow a private one (dependency confusion).",
    };
}

pub fn check(path: &str, opt: &OptionLine, out: &mut Vec<Finding>) {
    let GlobalOption::ExtraIndexUrl(url) = &opt.option else {
        return;
    };
    let shown = crate::manifest::redact_url(opt.raw.as_deref().unwrap_or(url));
    out.push(super::finding(
        &EXTRA_INDEX_URL,
        path,
        opt.loc,
        format!("`--extra-index-url {shown}` lets packages of the same name on any index compete (dependency confusion)"),
        &redact_snippet(&opt.snippet),
        shown,
    ));
}

/// The snippet with the user-info of any URL in it replaced.
pub fn redact_snippet(snippet: &str) -> String {
    snippet
        .split(' ')
        .map(|w| {
            if w.contains("://") {
                crate::manifest::redact_url(w)
            } else if let Some((k, v)) = w.split_once('=') {
                if v.contains("://") {
                    format!("{k}={}", crate::manifest::redact_url(v))
                } else {
                    w.to_string()
                }
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
