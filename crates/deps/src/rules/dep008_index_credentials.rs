use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::requirements::{GlobalOption, OptionLine};

declare_rule! {
    /// ## What it does
    /// Flags an index or find-links URL that carries credentials (`https://user:token@host/...`)
    /// written into the file: requirements options, a `Pipfile` `[[source]]`, or an index in
    /// `pyproject.toml` (uv, Poetry). Credentials taken from the environment (`${PIP_TOKEN}`) are
    /// fine.
    /// The reported URL and snippet are redacted.
    ///
    /// ## Why is this bad?
    /// A committed token is readable by everyone with access to the repository and its history,
    /// and it ends up in CI logs and pip's error messages. Rotate it, then read it from the
    /// environment, a keyring or `~/.netrc`.
    ///
    /// ## Example
    /// ```text
    /// --index-url https://ci:s3cr3t@pypi.internal.example/simple           # error
    /// --index-url https://ci:${PIP_INDEX_TOKEN}@pypi.internal.example/simple  # OK
    /// ```
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/topics/authentication/
    pub static INDEX_CREDENTIALS = {
        id: "DEP008", name: "credentials-in-index-url", checker: CheckerKind::Deps,
        severity: Severity::High, confidence: Confidence::High, cwe: Some(798),
        summary: "A package index URL has credentials written into it.",
    };
}

pub fn check(path: &str, opt: &OptionLine, out: &mut Vec<Finding>) {
    let (flag, url) = match &opt.option {
        GlobalOption::IndexUrl(u) => ("--index-url", u),
        GlobalOption::ExtraIndexUrl(u) => ("--extra-index-url", u),
        GlobalOption::FindLinks(u) => ("--find-links", u),
        _ => return,
    };
    let raw = opt.raw.as_deref().unwrap_or(url);
    let Some(userinfo) = userinfo(raw) else {
        return;
    };
    // The password (or a lone token used as the user name) is what must not be committed;
    // a `${VAR}` reference is filled in from the environment at install time.
    let secret = match userinfo.split_once(':') {
        Some((_, password)) => password,
        None if userinfo.len() >= 20 => userinfo,
        None => return,
    };
    let from_env = secret.starts_with("${") && secret.ends_with('}') && !secret[2..].contains("${");
    if secret.is_empty() || from_env {
        return;
    }
    let shown = palisade_core::redact::url_credentials(raw);
    out.push(super::finding(
        &INDEX_CREDENTIALS,
        path,
        opt.loc,
        format!("`{flag} {shown}` has credentials written into the URL; read them from the environment (`${{VAR}}`) or a keyring"),
        &opt.snippet,
        shown,
    )
    .with_secret(secret));
}

fn userinfo(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let auth = &rest[..rest.find('/').unwrap_or(rest.len())];
    auth.rfind('@').map(|i| &auth[..i])
}
