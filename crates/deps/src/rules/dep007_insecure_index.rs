use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::requirements::{GlobalOption, OptionLine};

declare_rule! {
    /// ## What it does
    /// Flags a package index or find-links location reached over plain `http://`, and
    /// `--trusted-host`, which turns off TLS certificate checks for a host. Indexes configured
    /// in a `Pipfile` (`[[source]]`) or `pyproject.toml` (`[[tool.uv.index]]`, `[tool.uv]
    /// index-url`/`extra-index-url`, `[[tool.poetry.source]]`) are checked too.
    ///
    /// ## Why is this bad?
    /// Without TLS, or with its certificate check disabled, anyone on the network path can
    /// replace the packages pip downloads. Unless every requirement carries a hash, the
    /// substituted code is installed and run.
    ///
    /// ## Example
    /// ```text
    /// --index-url http://pypi.internal.example/simple    # error
    /// --trusted-host pypi.internal.example               # error
    /// --index-url https://pypi.internal.example/simple   # OK
    /// ```
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-trusted-host
    pub static INSECURE_INDEX = {
        id: "DEP007", name: "insecure-package-index", checker: CheckerKind::Deps,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(319),
        summary: "Packages are fetched over plain HTTP or without TLS certificate checks.",
    };
}

pub fn check(path: &str, opt: &OptionLine, out: &mut Vec<Finding>) {
    let (flag, url) = match &opt.option {
        GlobalOption::IndexUrl(u) => ("--index-url", u),
        GlobalOption::ExtraIndexUrl(u) => ("--extra-index-url", u),
        GlobalOption::FindLinks(u) => ("--find-links", u),
        GlobalOption::TrustedHost(host) => {
            out.push(super::finding(
                &INSECURE_INDEX,
                path,
                opt.loc,
                format!("`--trusted-host {host}` turns off TLS certificate checks for that host"),
                &opt.snippet,
                format!("trusted-host {host}"),
            ));
            return;
        }
        _ => return,
    };
    if !url.to_ascii_lowercase().starts_with("http://") {
        return;
    }
    let shown = palisade_core::redact::url_credentials(opt.raw.as_deref().unwrap_or(url));
    out.push(super::finding(
        &INSECURE_INDEX,
        path,
        opt.loc,
        format!("`{flag} {shown}` fetches packages over plain HTTP; use https://"),
        &opt.snippet,
        shown,
    ));
}
