//! palisade's configuration: `palisade.toml`, or `[tool.palisade]` in `pyproject.toml`, found
//! upward from the working directory (`--config FILE` overrides). Unknown keys and bad values
//! are errors naming the file and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use palisade_core::glob::{self, Glob};
use palisade_core::pipeline::ConfigPaths;
use palisade_core::suppress::accept::AcceptedRisk;
use palisade_core::{CheckerKind, Confidence, Severity};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Checkers to run (default: all).
    pub checkers: Option<Vec<CheckerKind>>,
    /// Report only these rules (ids, prefixes or names).
    #[serde(default)]
    pub select: Vec<String>,
    /// Never report these rules.
    #[serde(default)]
    pub ignore: Vec<String>,
    pub severity: Option<Severity>,
    pub confidence: Option<Confidence>,
    /// Globs of paths never checked (on top of .gitignore).
    #[serde(default)]
    pub exclude: Vec<String>,
    pub max_file_size: Option<u64>,
    /// Baseline file, relative to the config file.
    pub baseline: Option<PathBuf>,
    /// Glob -> rules ignored in matching files.
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
    /// Accepted risks: a rule and/or path, a reason, an optional expiry date.
    #[serde(default)]
    pub accept: Vec<AcceptEntry>,
    /// Warn about acceptances that expire within this many days (default 14).
    pub accept_expiry_warning_days: Option<u32>,
    #[serde(default)]
    pub secrets: palisade_secrets::Config,
    #[serde(default)]
    pub python: palisade_python::Config,
    #[serde(default)]
    pub deps: palisade_deps::Config,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptEntry {
    pub rule: Option<String>,
    pub path: Option<String>,
    /// An advisory id or alias (DEP009 findings).
    pub advisory: Option<String>,
    /// A package name (DEP findings about it).
    pub package: Option<String>,
    pub reason: String,
    pub expires: Option<toml::value::Datetime>,
    /// Who accepted the risk (for the risk register).
    pub by: Option<String>,
    /// When it was accepted.
    pub date: Option<toml::value::Datetime>,
}

/// A loaded configuration and where it came from.
pub struct Loaded {
    pub config: Config,
    /// The config file, if any.
    pub source: Option<PathBuf>,
    /// The folder relative paths in the config are resolved against.
    pub root: PathBuf,
}

impl Loaded {
    fn file(&self) -> String {
        self.source
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the command line".into())
    }

    /// `exclude`, compiled; an invalid glob is an error naming the file and the key.
    pub fn exclude_globs(&self) -> Result<Vec<Glob>> {
        glob::compile_all("exclude", &self.config.exclude)
            .map_err(|e| anyhow::anyhow!("{}: {e}", self.file()))
    }

    /// `per-path-ignores`, compiled.
    pub fn per_path_ignores(&self) -> Result<Vec<(Glob, Vec<String>)>> {
        self.config
            .per_path_ignores
            .iter()
            .map(|(k, v)| {
                Glob::path(k)
                    .map(|g| (g, v.clone()))
                    .map_err(|e| anyhow::anyhow!("{}: {e} (in `per-path-ignores`)", self.file()))
            })
            .collect()
    }

    /// Every risk acceptance: `[[accept]]` entries, then the older `[[deps.ignore]]` ones as
    /// acceptances of DEP009 for an advisory and/or a package (one expiry engine for both).
    pub fn accepted_risks(&self) -> Result<Vec<AcceptedRisk>> {
        let mut out = self.accept_entries()?;
        let file = self.file();
        for (i, e) in self.config.deps.ignore.iter().enumerate() {
            out.push(AcceptedRisk {
                rule: Some("DEP009".into()),
                path: None,
                advisory: e.id.clone(),
                package: e.package.clone(),
                reason: e.reason.clone(),
                expires: e.expires,
                origin: format!("{file}: deps.ignore[{i}]"),
                by: e.by.clone(),
                date: e.date,
            });
        }
        Ok(out)
    }

    fn accept_entries(&self) -> Result<Vec<AcceptedRisk>> {
        let file = self.file();
        self.config
            .accept
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let at = format!("{file}: accept[{i}]");
                if a.reason.trim().is_empty() {
                    bail!("{at}: `reason` must say why the risk is accepted");
                }
                if a.rule.is_none()
                    && a.path.is_none()
                    && a.advisory.is_none()
                    && a.package.is_none()
                {
                    bail!("{at}: give a `rule`, a `path`, an `advisory` or a `package`");
                }
                let path = a
                    .path
                    .as_deref()
                    .map(Glob::path)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("{at}: {e} (in `path`)"))?;
                let expires = match &a.expires {
                    None => None,
                    Some(dt) => {
                        let Some(d) = dt.date else {
                            bail!("{at}: `expires` must be a date like 2026-12-31")
                        };
                        Some(
                            jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8)
                                .with_context(|| format!("{at}: `expires` is not a valid date"))?,
                        )
                    }
                };
                let date = match &a.date {
                    None => None,
                    Some(dt) => {
                        let Some(d) = dt.date else {
                            bail!("{at}: `date` must be a date like 2026-11-02")
                        };
                        Some(
                            jiff::civil::Date::new(d.year as i16, d.month as i8, d.day as i8)
                                .with_context(|| format!("{at}: `date` is not a valid date"))?,
                        )
                    }
                };
                Ok(AcceptedRisk {
                    rule: a.rule.clone(),
                    path,
                    advisory: a.advisory.clone(),
                    package: a.package.clone(),
                    reason: a.reason.clone(),
                    expires,
                    origin: at.clone(),
                    by: a.by.clone(),
                    date,
                })
            })
            .collect()
    }
}

/// `exclude` globs, matched against config-relative paths.
#[derive(Debug, Clone)]
pub struct Excludes {
    globs: Vec<Glob>,
    paths: ConfigPaths,
}

impl Excludes {
    pub fn new(globs: Vec<Glob>, paths: ConfigPaths) -> Self {
        Excludes { globs, paths }
    }

    pub fn excludes(&self, display: &str) -> bool {
        !self.globs.is_empty() && {
            let rel = self.paths.relative(display);
            self.globs.iter().any(|g| g.is_match(&rel))
        }
    }
}

/// Finds and loads the configuration: `explicit` if given, else the nearest `palisade.toml`
/// or `pyproject.toml` with a `[tool.palisade]` table, from `start` upward.
pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Loaded> {
    if let Some(path) = explicit {
        let config =
            read(path)?.with_context(|| format!("{}: no [tool.palisade] table", path.display()))?;
        return Ok(Loaded {
            config,
            source: Some(path.to_path_buf()),
            root: parent(path),
        });
    }
    for dir in start.ancestors() {
        for name in ["palisade.toml", "pyproject.toml"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                if let Some(config) = read(&candidate)? {
                    return Ok(Loaded {
                        config,
                        source: Some(candidate),
                        root: dir.to_path_buf(),
                    });
                }
            }
        }
        // The repository root bounds the search: a config above it belongs to someone else.
        if dir.join(".git").exists() {
            break;
        }
    }
    Ok(Loaded {
        config: Config::default(),
        source: None,
        root: start.to_path_buf(),
    })
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `Ok(None)` for a pyproject.toml without `[tool.palisade]`.
fn read(path: &Path) -> Result<Option<Config>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config {}", path.display()))?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    palisade_core::nesting::check_toml_depth(&text, palisade_core::nesting::MAX_TOML_DEPTH)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    // The parser's own message, never the source lines it quotes.
    let toml_error = |e: toml::de::Error| {
        anyhow::anyhow!(
            "{}: {}",
            path.display(),
            palisade_core::nesting::toml_error_line(e.message(), e.span().map(|s| s.start), &text)
        )
    };
    if is_pyproject {
        let value: toml::Table = toml::from_str(&text).map_err(toml_error)?;
        let Some(section) = value.get("tool").and_then(|t| t.get("palisade")) else {
            return Ok(None);
        };
        let config = Config::deserialize(section.clone())
            .map_err(|e| anyhow::anyhow!("{}: [tool.palisade]: {e}", path.display()))?;
        Ok(Some(config))
    } else {
        let config: Config = toml::from_str(&text).map_err(toml_error)?;
        Ok(Some(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("palisade.toml");
        std::fs::write(&p, "severity = \"high\"\nbogus-key = 1\n").unwrap();
        let err = load(Some(&p), dir.path()).err().unwrap().to_string();
        assert!(
            err.contains("palisade.toml") && err.contains("bogus-key"),
            "{err}"
        );
    }

    #[test]
    fn pyproject_section_is_found_upward() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.palisade]\nseverity = \"medium\"\n",
        )
        .unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        let loaded = load(None, &sub).unwrap();
        assert_eq!(loaded.config.severity, Some(Severity::Medium));
        assert_eq!(loaded.root, dir.path());
    }

    #[test]
    fn accept_needs_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("palisade.toml");
        std::fs::write(&p, "[[accept]]\nrule = \"B101\"\nreason = \"\"\n").unwrap();
        let loaded = load(Some(&p), dir.path()).unwrap();
        assert!(loaded.accepted_risks().is_err());
        std::fs::write(
            &p,
            "[[accept]]\nrule = \"B101\"\nreason = \"tests\"\nexpires = 2027-01-31\n",
        )
        .unwrap();
        let risks = load(Some(&p), dir.path())
            .unwrap()
            .accepted_risks()
            .unwrap();
        assert_eq!(risks[0].expires, Some(jiff::civil::date(2027, 1, 31)));
    }
}
