use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::project::Declared;
use crate::manifest::{DepSource, Pinning};

declare_rule! {
    /// ## What it does
    /// For a project configured as an application (`application = true` in `[deps]`), flags a
    /// dependency in `pyproject.toml` (`[project]`, `[dependency-groups]`, Poetry's tables),
    /// `setup.cfg` or `Pipfile` that is not an exact version, when no lock file (`uv.lock`,
    /// `poetry.lock`, `Pipfile.lock`, `pylock.toml`) sits in the same folder.
    ///
    /// Libraries declare ranges on purpose so that their users can resolve them, which is why
    /// nothing is reported unless the configuration says the project is an application. A lock
    /// file in the repository counts as pinning.
    ///
    /// ## Why is this bad?
    /// An application deployed from ranges gets whatever versions are newest on the day it is
    /// built: builds are not reproducible and a bad release ships unreviewed.
    ///
    /// ## Example
    /// ```toml
    /// [project]
    /// dependencies = [
    ///     "flask>=2.3",      # error (without a lock file)
    ///     "gunicorn==22.0.0" # OK
    /// ]
    /// ```
    /// Commit a lock file (`uv lock`, `poetry lock`, `pipenv lock`, `pip lock`), or pin exactly.
    ///
    /// ## References
    /// - https://packaging.python.org/en/latest/discussions/install-requires-vs-requirements/
    /// - https://packaging.python.org/en/latest/specifications/pylock-toml/
    pub static UNPINNED_APPLICATION_DEPENDENCY = {
        id: "DEP010", name: "unpinned-application-dependency", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(829),
        summary: "An application's manifest dependency is a range and no lock file pins it.",
    };
}

pub fn check(path: &str, d: &Declared, out: &mut Vec<Finding>) {
    if d.dep.pinning() != Pinning::Range {
        return;
    }
    let Some(name) = d.dep.normalized_name() else {
        return;
    };
    let what = match &d.dep.source {
        DepSource::Registry(Some(set)) => format!("`{}`", set.raw),
        DepSource::Constraint(c) => format!("`{c}`"),
        _ => "any version".to_string(),
    };
    out.push(super::finding(
        &UNPINNED_APPLICATION_DEPENDENCY,
        path,
        d.dep.loc,
        format!(
            "`{}` in [{}] allows {what} and no lock file sits beside {}; pin it or commit a lock file",
            d.dep.name.as_deref().unwrap_or(&name),
            d.section,
            path.rsplit('/').next().unwrap_or(path)
        ),
        &d.dep.snippet,
        name,
    ));
}
