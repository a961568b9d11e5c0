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
    let shown = palisade_core::redact::url_credentials(opt.raw.as_deref().unwrap_or(url));
    out.push(super::finding(
        &EXTRA_INDEX_URL,
        path,
        opt.loc,
        format!("`--extra-index-url {shown}` lets packages of the same name on any index compete (dependency confusion)"),
        &opt.snippet,
        shown,
    ));
}

#[cfg(test)]
mod tests {
    #[test]
    fn snippets_lose_credentials() {
        assert_eq!(
            palisade_core::redact::url_credentials("-i https://u:p@h/simple --extra-index-url=http://t0k@x/s \"mylib @ git+https://a:b@g/o/r\""),
            "-i https://****@h/simple --extra-index-url=http://****@x/s \"mylib @ git+https://****@g/o/r\""
        );
        assert_eq!(
            palisade_core::redact::url_credentials("git+ssh://git@github.com/o/r@main"),
            "git+ssh://****@github.com/o/r@main"
        );
        assert_eq!(
            palisade_core::redact::url_credentials("requests==2.0"),
            "requests==2.0"
        );
    }
}
