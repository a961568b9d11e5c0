//! The `[secrets]` configuration section and its compiled form.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

use crate::migrate;
use crate::spec::RuleSpec;
use crate::Error;

/// The `[secrets]` section of palisade's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// YAML files of extra rules, in the built-in format; they extend the built-in rules.
    #[serde(default)]
    pub rules_files: Vec<PathBuf>,
    /// Extra rules written in the config itself (same fields as a rules file).
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Allowlist entries: `[[secrets.allow]]`.
    #[serde(default)]
    pub allow: Vec<AllowEntry>,
    /// Regexes over display paths of test fixtures: their secrets are reported with low
    /// confidence (so a `--confidence medium` threshold hides them) instead of hidden.
    #[serde(default)]
    pub fixture_paths: Vec<String>,
    /// A detect-secrets baseline whose accepted secrets (SHA-1 of the value) are not
    /// reported. Default: `.secrets.baseline` in the root, if present.
    #[serde(default)]
    pub detect_secrets_baseline: Option<PathBuf>,
    /// A gitleaks ignore file (`[commit:]file:rule:line` fingerprints) whose places are not
    /// reported. Default: `.gitleaksignore` in the root, if present.
    #[serde(default)]
    pub gitleaks_ignore: Option<PathBuf>,
    /// A gitleaks configuration whose custom rules and allowlists are imported (see
    /// `gitleaks.rs`). Default: `.gitleaks.toml` in the root, if present.
    #[serde(default)]
    pub gitleaks_config: Option<PathBuf>,
    /// Look for the three files above at their default places (default true).
    #[serde(default = "yes")]
    pub import_peer_baselines: bool,
}

fn yes() -> bool {
    true
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rules_files: Vec::new(),
            rules: Vec::new(),
            allow: Vec::new(),
            fixture_paths: Vec::new(),
            detect_secrets_baseline: None,
            gitleaks_ignore: None,
            gitleaks_config: None,
            import_peer_baselines: true,
        }
    }
}

/// One allowlist entry. It allows a finding when every condition it states holds: its rule is
/// listed (or `rules` is empty), its path matches one of `paths` (or `paths` is empty), and
/// its secret matches one of `values` or contains one of `stopwords` (or both are empty). An
/// entry with only `paths` excludes those files from the secrets scan.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AllowEntry {
    #[serde(default)]
    pub rules: Vec<String>,
    /// Regexes over display paths.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes over the secret value.
    #[serde(default)]
    pub values: Vec<String>,
    /// Case-insensitive substrings of the secret value.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Why this is allowed (for reviewers; not used by the scan).
    #[serde(default)]
    pub reason: Option<String>,
}

struct CompiledEntry {
    rules: Vec<String>,
    paths: Vec<Regex>,
    values: Vec<Regex>,
    stopwords: Vec<String>,
}

/// Allowlists, fixture paths and imported peer baselines, ready to query.
#[derive(Default)]
pub struct CompiledAllow {
    entries: Vec<CompiledEntry>,
    fixtures: Vec<Regex>,
    detect_secrets: HashMap<String, Vec<migrate::DetectSecretsEntry>>,
    gitleaks: HashSet<(String, u32)>,
}

fn regexes(list: &[String], what: &str) -> Result<Vec<Regex>, Error> {
    list.iter()
        .map(|r| {
            Regex::new(r).map_err(|e| Error::Config(format!("secrets {what} regex `{r}`: {e}")))
        })
        .collect()
}

impl CompiledAllow {
    pub fn new(config: &Config, root: &Path) -> Result<Self, Error> {
        let mut entries = Vec::new();
        for e in &config.allow {
            if e.paths.is_empty() && e.values.is_empty() && e.stopwords.is_empty() {
                return Err(Error::Config(
                    "a [[secrets.allow]] entry needs paths, values or stopwords (to turn a rule off, use ignore = [...])".into(),
                ));
            }
            entries.push(CompiledEntry {
                rules: e.rules.clone(),
                paths: regexes(&e.paths, "allow path")?,
                values: regexes(&e.values, "allow value")?,
                stopwords: e.stopwords.iter().map(|s| s.to_ascii_lowercase()).collect(),
            });
        }
        let mut allow = CompiledAllow {
            entries,
            fixtures: regexes(&config.fixture_paths, "fixture path")?,
            ..Default::default()
        };
        let pick = |explicit: &Option<PathBuf>, default: &str| -> Option<(PathBuf, bool)> {
            match explicit {
                Some(p) => Some((root.join(p), true)),
                None if config.import_peer_baselines => Some((root.join(default), false)),
                None => None,
            }
        };
        if let Some((path, required)) = pick(&config.detect_secrets_baseline, ".secrets.baseline") {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    allow.detect_secrets =
                        migrate::parse_detect_secrets_baseline(&text).map_err(|m| Error::File {
                            path: path.display().to_string(),
                            message: m,
                        })?;
                }
                Err(e) if required || e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::File {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    });
                }
                Err(_) => {}
            }
        }
        if let Some((path, required)) = pick(&config.gitleaks_ignore, ".gitleaksignore") {
            match std::fs::read_to_string(&path) {
                Ok(text) => allow.gitleaks = migrate::parse_gitleaks_ignore(&text),
                Err(e) if required || e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::File {
                        path: path.display().to_string(),
                        message: e.to_string(),
                    });
                }
                Err(_) => {}
            }
        }
        Ok(allow)
    }

    /// Whether an entry with only paths excludes this file.
    pub fn path_excluded(&self, path: &str) -> bool {
        self.entries.iter().any(|e| {
            e.rules.is_empty()
                && e.values.is_empty()
                && e.stopwords.is_empty()
                && e.paths.iter().any(|r| r.is_match(path))
        })
    }

    pub fn is_fixture(&self, path: &str) -> bool {
        self.fixtures.iter().any(|r| r.is_match(path))
    }

    /// Whether an allowlist entry allows this secret.
    pub fn allows(&self, rule: &str, path: &str, secret: &str) -> bool {
        self.entries.iter().any(|e| {
            (e.rules.is_empty() || e.rules.iter().any(|r| r == rule))
                && (e.paths.is_empty() || e.paths.iter().any(|r| r.is_match(path)))
                && ((e.values.is_empty() && e.stopwords.is_empty())
                    || e.values.iter().any(|r| r.is_match(secret))
                    || e.stopwords
                        .iter()
                        .any(|w| secret.to_ascii_lowercase().contains(w.as_str())))
        })
    }

    /// Whether an imported detect-secrets baseline or gitleaks ignore file accepted this
    /// secret: same file and same secret (detect-secrets hashes values) or same line.
    pub fn baseline_accepts(&self, path: &str, secret: &str, line: u32, _rule: &str) -> bool {
        if self.gitleaks.contains(&(path.to_string(), line)) {
            return true;
        }
        match self.detect_secrets.get(path) {
            Some(entries) => {
                let hash = migrate::sha1_hex(secret.as_bytes());
                entries
                    .iter()
                    .any(|e| e.hashed_secret == hash || e.line_number == Some(line))
            }
            None => false,
        }
    }
}
