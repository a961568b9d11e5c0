use std::collections::BTreeMap;

use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::files::ManifestKind;
use crate::manifest::dependabot::DependabotConfig;
use crate::manifest::Loc;

declare_rule! {
    /// ## What it does
    /// Checks that `.github/dependabot.yml` (or `.yaml`) exists and has an `updates` entry for
    /// every package ecosystem the run found, in the folder it was found in:
    ///
    /// - `pip` for requirements files, `pyproject.toml`, `setup.cfg`, `Pipfile`,
    ///   `Pipfile.lock`, `poetry.lock` and `pylock.toml` (`uv` also covers requirements files,
    ///   `pyproject.toml`, `setup.cfg` and `pylock.toml`); a requirements file in a
    ///   `requirements/` folder is also covered by an entry for the folder above, as Dependabot
    ///   reads it from there, and a file another requirements file includes is covered with it;
    /// - `uv` for `uv.lock`;
    /// - `github-actions` for workflows (`directory: /` or `/.github/workflows`; for
    ///   `sub/.github/workflows`, `/sub`) and for `action.yml` (its folder);
    /// - `docker` for Dockerfiles.
    ///
    /// Only files that declare something Dependabot updates count (a `pyproject.toml` without
    /// dependencies, a Dockerfile `FROM scratch` do not). A `directories` glob (`/services/*`)
    /// covers the folders it matches and those below them. One finding per ecosystem and
    /// folder, on line 1 of the first file found there. Off by default: select it
    /// (`--select DEP015`, or `select` in the config) where the repository is hosted on GitHub.
    /// The folders are the scan's display paths, so run it from the repository's root.
    ///
    /// ## Why is this bad?
    /// The vulnerability audit finds a known vulnerability after it is published; Dependabot
    /// opens the pull request that fixes it. Pins, lock files, action SHAs and image digests
    /// that nothing updates stay on the vulnerable version, and a new manifest added without a
    /// matching entry is silently left out.
    ///
    /// ## Example
    /// ```yaml
    /// # .github/dependabot.yml; the repository also has docker/Dockerfile
    /// version: 2
    /// updates:
    ///   - package-ecosystem: pip
    ///     directory: /
    ///     schedule: { interval: weekly }
    ///   # error: nothing updates the base image of docker/Dockerfile; add
    ///   # - package-ecosystem: docker
    ///   #   directory: /docker
    /// ```
    ///
    /// ## References
    /// - https://docs.github.com/en/code-security/reference/supply-chain-security/dependabot-options-reference#package-ecosystem-
    /// - https://github.com/ossf/scorecard/blob/main/docs/checks.md#dependency-update-tool
    pub static DEPENDABOT_NOT_COVERING = {
        id: "DEP015", name: "dependabot-not-covering", checker: CheckerKind::Deps,
        severity: Severity::Low, confidence: Confidence::Medium, cwe: Some(1104),
        summary: "Dependabot does not keep a manifest's dependencies up to date (no .github/dependabot.yml entry for its ecosystem and folder).",
        default_enabled: false,
    };
}

const PIP_OR_UV: &[&str] = &["pip", "uv"];
const UV_OR_PIP: &[&str] = &["uv", "pip"];
const UV: &[&str] = &["uv"];

/// A manifest whose dependencies Dependabot would have to update.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Need {
    pub path: String,
    /// The ecosystem to suggest, then the others that also cover the file.
    pub ecosystems: &'static [&'static str],
    /// The folders an entry may name to cover the file; the first is the file's own.
    pub folders: Vec<String>,
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

impl Need {
    /// What a manifest of `kind` at `path` asks of dependabot.yml; `None` for kinds Dependabot
    /// does not update (PEP 723 scripts, pre-commit configurations).
    pub fn of(kind: ManifestKind, path: &str) -> Option<Need> {
        use ManifestKind::*;
        let dir = folder_of(path);
        let ecosystems: &'static [&'static str] = match kind {
            Requirements | Pyproject | SetupCfg | Pylock => PIP_OR_UV,
            Pipfile | PipfileLock | PoetryLock => &["pip"],
            UvLock => UV,
            Workflow | Action => &["github-actions"],
            Dockerfile => &["docker"],
            Script | PreCommit => return None,
        };
        let mut folders = vec![dir.to_string()];
        match kind {
            // Dependabot reads workflows from `.github/workflows` below the entry's folder
            // (`directory: /` for the repository's own), or from that folder named itself.
            Workflow => {
                let base = dir.strip_suffix(".github/workflows").unwrap_or(dir);
                folders = vec![base.trim_end_matches('/').to_string(), dir.to_string()];
            }
            Requirements if dir == "requirements" || dir.ends_with("/requirements") => {
                folders.push(folder_of(dir).to_string())
            }
            _ => {}
        }
        Some(Need {
            path: path.to_string(),
            ecosystems,
            folders,
        })
    }
}

fn shown(folder: &str) -> String {
    format!("/{folder}")
}

/// Reports every ecosystem and folder of `needs` that `config` does not cover (`None`: there
/// is no dependabot.yml).
pub fn check(needs: &[Need], config: Option<&DependabotConfig>, out: &mut Vec<Finding>) {
    // In a folder with a uv.lock, uv is the ecosystem to suggest for its pyproject too.
    let uv_folders: std::collections::HashSet<&str> = needs
        .iter()
        .filter(|n| n.ecosystems == UV)
        .map(|n| n.folders[0].as_str())
        .collect();
    // One finding per (ecosystem, folder), at the first file found there.
    let mut groups: BTreeMap<(&str, &str), Vec<&Need>> = BTreeMap::new();
    for n in needs {
        if config.is_some_and(|c| c.covers(n.ecosystems, &n.folders)) {
            continue;
        }
        let ecosystems = if n.ecosystems == PIP_OR_UV && uv_folders.contains(n.folders[0].as_str())
        {
            UV_OR_PIP
        } else {
            n.ecosystems
        };
        groups
            .entry((ecosystems[0], n.folders[0].as_str()))
            .or_default()
            .push(n);
    }
    for ((ecosystem, folder), mut files) in groups {
        files.sort();
        files.dedup_by(|a, b| a.path == b.path);
        let first = &files[0].path;
        let what = match files.len() {
            1 => format!("`{first}`"),
            n => format!("`{first}` and {} more", n - 1),
        };
        let names = files
            .iter()
            .flat_map(|f| f.ecosystems.iter())
            .fold(vec![ecosystem], |mut all, e| {
                if !all.contains(e) {
                    all.push(e);
                }
                all
            })
            .iter()
            .map(|e| format!("`{e}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        let message = match config {
            None => format!(
                "no .github/dependabot.yml: nothing keeps the {ecosystem} dependencies of {what} up to date; add one with an `updates` entry `package-ecosystem: {ecosystem}`, `directory: {}`",
                shown(folder)
            ),
            Some(c) => format!(
                "{} has no {names} entry for {}: nothing keeps the dependencies of {what} up to date; add `package-ecosystem: {ecosystem}` with `directory: {}` (or list the folder in `directories`)",
                c.path,
                shown(folder),
                shown(folder)
            ),
        };
        out.push(super::finding(
            &DEPENDABOT_NOT_COVERING,
            first,
            Loc {
                line: 1,
                col: 1,
                end_col: 1,
            },
            message,
            "",
            format!("{ecosystem}:{}", shown(folder)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folders_that_cover_a_manifest() {
        let folders = |kind, path| Need::of(kind, path).unwrap().folders;
        assert_eq!(
            folders(ManifestKind::Workflow, ".github/workflows/ci.yml"),
            ["", ".github/workflows"]
        );
        assert_eq!(
            folders(ManifestKind::Workflow, "sub/.github/workflows/ci.yml"),
            ["sub", "sub/.github/workflows"]
        );
        assert_eq!(
            folders(ManifestKind::Requirements, "requirements/dev.txt"),
            ["requirements", ""]
        );
        assert_eq!(
            folders(ManifestKind::Requirements, "api/requirements/dev.txt"),
            ["api/requirements", "api"]
        );
        assert_eq!(folders(ManifestKind::Dockerfile, "Dockerfile"), [""]);
        assert!(Need::of(ManifestKind::Script, "tool.py").is_none());
        assert!(Need::of(ManifestKind::PreCommit, ".pre-commit-config.yaml").is_none());
    }

    #[test]
    fn a_uv_project_is_one_uv_finding() {
        let needs: Vec<Need> = [
            (ManifestKind::Pyproject, "app/pyproject.toml"),
            (ManifestKind::UvLock, "app/uv.lock"),
            (ManifestKind::Pyproject, "lib/pyproject.toml"),
        ]
        .into_iter()
        .filter_map(|(k, p)| Need::of(k, p))
        .collect();
        let mut out = Vec::new();
        check(&needs, Some(&DependabotConfig::default()), &mut out);
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|f| (f.identity.as_str(), f.path.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("pip:/lib", "lib/pyproject.toml"),
                ("uv:/app", "app/pyproject.toml")
            ]
        );
        assert!(
            out[1]
                .message
                .contains("has no `uv` or `pip` entry for /app"),
            "{}",
            out[1].message
        );
        assert!(
            out[1].message.contains("`app/pyproject.toml` and 1 more"),
            "{}",
            out[1].message
        );
    }
}
