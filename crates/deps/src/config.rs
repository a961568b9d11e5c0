//! The `[deps]` section of palisade's configuration (`palisade.toml` or
//! `[tool.palisade.deps]` in `pyproject.toml`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

/// The default repository `palisade db update` clones.
pub const DEFAULT_DB_URL: &str = "https://github.com/pypa/advisory-database";

/// The default maximum age of the advisory data, in days.
pub const DEFAULT_MAX_DB_AGE_DAYS: u32 = 7;

/// The `[deps]` section of palisade's configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Audit exact pins against this advisory data: a PyPA advisory-database checkout, a folder
    /// of OSV JSON files, OSV's `PyPI/all.zip`, a palisade index file, or the folder
    /// `palisade db update` maintains. Setting it makes the audit required (fail closed).
    pub advisory_db: Option<PathBuf>,
    /// `true`: audit with the database `palisade db update` maintains in `cache-dir` (required,
    /// fail closed). `false`: never audit. Unset: audit only when `advisory-db` is set.
    /// Written as a table (`[deps.audit]`), `enabled` is this switch and the table also holds
    /// the severity policy ([`AuditPolicy`]).
    #[serde(default)]
    pub audit: AuditSetting,
    /// Advisory data older than this many days is an error (default 7).
    pub max_db_age_days: Option<u32>,
    /// Report missing or stale advisory data as a warning instead of an error.
    #[serde(default)]
    pub allow_stale: bool,
    /// Report pins that cannot be audited (URL/VCS requirements, non-PEP 440 versions) as
    /// warnings instead of errors.
    #[serde(default)]
    pub allow_unauditable: bool,
    /// Where indexes and the `db update` checkout live (default: `$XDG_CACHE_HOME/palisade`
    /// or `~/.cache/palisade`).
    pub cache_dir: Option<PathBuf>,
    /// The git repository (`https://`, `file://` or a local path) `palisade db update` clones.
    pub db_url: Option<String>,
    /// The project is an application: its `pyproject.toml`, `setup.cfg` and `Pipfile`
    /// dependencies must be exact pins unless a lock file sits beside them.
    #[serde(default)]
    pub application: bool,
    /// Risk acceptances for advisories or packages.
    #[serde(default)]
    pub ignore: Vec<IgnoreEntry>,
    /// More files to read as pip requirements files, whatever their names (globs, like
    /// `exclude`): `["reqs.txt", "deps/*.txt"]`.
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Files named as requirements files on the command line (`-r FILE`), as display paths.
    #[serde(skip)]
    pub requirement_files: Vec<String>,
    /// The Python version the project installs for (`3.12`): environment markers are evaluated
    /// against it, and pins whose markers are false for certain are not audited. Unset: every
    /// branch is audited.
    pub python_version: Option<String>,
    /// The platform the project installs for (`linux`, `windows`, `macos`), as above.
    pub platform: Option<String>,
    /// An installed environment to audit (a virtualenv or a `site-packages` folder), read
    /// without running any interpreter. In the config it must lie inside the repository
    /// (`.venv`); a path outside it is accepted only on the command line (`--env`).
    pub environment: Option<PathBuf>,
    /// The licence policy (`[deps.licenses]`), checked on installed environments.
    pub licenses: Option<crate::licenses::LicensePolicy>,
    /// The folder report paths are relative to (the scan root), set by the binary.
    #[serde(skip)]
    pub display_root: Option<PathBuf>,
}

/// The severity policy of the audit (`[deps.audit]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditPolicy {
    /// Only advisories rated at or above this severity fail the run; those below are reported
    /// as warnings (diagnostics). An advisory of unknown severity always fails.
    pub fail_on_severity: Option<crate::advisory::severity::Level>,
    /// Days an advisory of each severity may stay unpatched (its age: today − `published`);
    /// past them the finding is marked overdue.
    pub sla_days: SlaDays,
}

/// `sla-days = { critical = 7, high = 30, medium = 90, low = 180 }`
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaDays {
    pub critical: Option<u32>,
    pub high: Option<u32>,
    pub medium: Option<u32>,
    pub low: Option<u32>,
}

impl SlaDays {
    pub fn for_level(&self, level: crate::advisory::severity::Level) -> Option<u32> {
        use crate::advisory::severity::Level;
        match level {
            Level::Critical => self.critical,
            Level::High => self.high,
            Level::Medium => self.medium,
            Level::Low | Level::None => self.low,
        }
    }
}

/// `audit = true|false`, or a `[deps.audit]` table: `enabled` plus the policy.
#[derive(Deserialize)]
#[serde(untagged)]
enum AuditValue {
    Switch(bool),
    Table(AuditTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct AuditTable {
    enabled: Option<bool>,
    fail_on_severity: Option<String>,
    sla_days: Option<SlaDays>,
}

/// `audit = true|false`, or `[deps.audit]` with `enabled` and the severity policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditSetting {
    /// `true`: required with the managed database; `false`: never; unset: when `advisory-db`
    /// is set.
    pub enabled: Option<bool>,
    pub policy: AuditPolicy,
}

impl<'de> Deserialize<'de> for AuditSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match AuditValue::deserialize(d).map_err(|_| {
            D::Error::custom(
                "`audit` is `true`, `false`, or a [deps.audit] table with `enabled`, `fail-on-severity` and `sla-days`",
            )
        })? {
            AuditValue::Switch(b) => Ok(AuditSetting {
                enabled: Some(b),
                policy: AuditPolicy::default(),
            }),
            AuditValue::Table(t) => {
                let fail_on_severity = match t.fail_on_severity {
                    None => None,
                    Some(s) => Some(s.parse().map_err(D::Error::custom)?),
                };
                Ok(AuditSetting {
                    enabled: t.enabled,
                    policy: AuditPolicy {
                        fail_on_severity,
                        sla_days: t.sla_days.unwrap_or_default(),
                    },
                })
            }
        }
    }
}

/// One `[[deps.ignore]]` entry: an advisory (by its id or any alias), a package, or an
/// advisory in one package; always with a reason, optionally until a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    pub id: Option<String>,
    pub package: Option<String>,
    pub reason: String,
    pub expires: Option<jiff::civil::Date>,
    /// Who accepted the risk, and when (`by = "…"`, `date = 2026-11-02`), for the risk
    /// register (`palisade accepts`), as on `[[accept]]`.
    pub by: Option<String>,
    pub date: Option<jiff::civil::Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    id: Option<String>,
    package: Option<String>,
    reason: Option<String>,
    expires: Option<DateValue>,
    by: Option<String>,
    date: Option<DateValue>,
}

impl DateValue {
    /// The day it names; `key` names it in the error.
    fn day(self, key: &str) -> Result<jiff::civil::Date, String> {
        let text = match self {
            DateValue::Text(s) => s,
            DateValue::Toml(dt) => dt.to_string(),
        };
        text.parse::<jiff::civil::Date>()
            .map_err(|e| format!("`{key} = {text}` is not a date (YYYY-MM-DD): {e}"))
    }
}

/// A date written as a TOML date (`2026-12-31`) or a string (`"2026-12-31"`).
#[derive(Deserialize)]
#[serde(untagged)]
enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

impl<'de> Deserialize<'de> for IgnoreEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = RawIgnore::deserialize(d)?;
        let reason = raw.reason.unwrap_or_default();
        if reason.trim().is_empty() {
            return Err(D::Error::custom(
                "a [[deps.ignore]] entry needs a `reason` saying why the risk is accepted",
            ));
        }
        if raw.id.is_none() && raw.package.is_none() {
            return Err(D::Error::custom(
                "a [[deps.ignore]] entry needs an advisory `id` (or alias), a `package`, or both",
            ));
        }
        let expires = raw
            .expires
            .map(|v| v.day("expires"))
            .transpose()
            .map_err(D::Error::custom)?;
        let date = raw
            .date
            .map(|v| v.day("date"))
            .transpose()
            .map_err(D::Error::custom)?;
        Ok(IgnoreEntry {
            id: raw.id,
            package: raw.package,
            reason,
            expires,
            by: raw.by,
            date,
        })
    }
}

impl Config {
    /// The stated target environment for markers.
    pub fn target_env(&self) -> crate::manifest::markers::TargetEnv {
        crate::manifest::markers::TargetEnv {
            python_version: self.python_version.clone(),
            platform: self.platform.clone(),
        }
    }

    /// Checks what loading cannot: `requirements` globs and the target environment.
    pub fn validate(&self) -> Result<(), String> {
        palisade_core::glob::compile_all("deps.requirements", &self.requirements)
            .map_err(|e| e.to_string())?;
        if let Some(p) = &self.licenses {
            crate::licenses::CompiledPolicy::new(p)?;
        }
        self.target_env().validate()
    }

    /// The cache folder: the configured one, else the platform's user cache.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        self.cache_dir.clone().or_else(default_cache_dir)
    }

    pub fn max_db_age_days(&self) -> u32 {
        self.max_db_age_days.unwrap_or(DEFAULT_MAX_DB_AGE_DAYS)
    }

    /// The advisory data to audit with, when the audit is on: the configured source, or the
    /// folder `palisade db update` maintains.
    pub fn audit_source(&self) -> Option<PathBuf> {
        if self.audit.enabled == Some(false) {
            return None;
        }
        if let Some(p) = &self.advisory_db {
            return Some(p.clone());
        }
        if self.audit.enabled == Some(true) {
            return Some(managed_db_dir(
                &self
                    .cache_dir()
                    .unwrap_or_else(|| PathBuf::from(".palisade-cache")),
            ));
        }
        None
    }

    /// Resolves relative paths against the folder of the config file.
    pub fn resolve_paths(&mut self, root: &Path) {
        for p in [
            &mut self.advisory_db,
            &mut self.cache_dir,
            &mut self.environment,
        ]
        .into_iter()
        .flatten()
        {
            if p.is_relative() {
                *p = root.join(&*p);
            }
        }
    }
}

/// The folder `palisade db update` writes (`<cache>/advisory-db`).
pub fn managed_db_dir(cache_dir: &Path) -> PathBuf {
    cache_dir.join("advisory-db")
}

fn default_cache_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("palisade"));
    }
    if let Some(l) = std::env::var_os("LOCALAPPDATA").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(l).join("palisade"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".cache").join("palisade"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Wrap {
        deps: Config,
    }

    fn parse(s: &str) -> Result<Config, String> {
        toml::from_str::<Wrap>(s)
            .map(|w| w.deps)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn ignore_entries_need_a_reason_and_a_target() {
        let c = parse(
            "[deps]\nadvisory-db = \"db\"\n[[deps.ignore]]\nid = \"CVE-2018-18074\"\nreason = \"not reachable\"\nexpires = 2026-12-31\n[[deps.ignore]]\npackage = \"internal-lib\"\nreason = \"private\"\nexpires = \"2027-01-02\"\n",
        )
        .unwrap();
        assert_eq!(c.ignore.len(), 2);
        assert_eq!(c.ignore[0].expires, Some(jiff::civil::date(2026, 12, 31)));
        assert_eq!(c.ignore[1].expires, Some(jiff::civil::date(2027, 1, 2)));
        assert_eq!((&c.ignore[0].by, c.ignore[0].date), (&None, None));
        assert!(parse("[[deps.ignore]]\nid = \"X\"\n")
            .unwrap_err()
            .contains("reason"));
        assert!(parse("[[deps.ignore]]\nreason = \"r\"\n")
            .unwrap_err()
            .contains("`id`"));
        assert!(
            parse("[[deps.ignore]]\nid = \"X\"\nreason = \"r\"\nexpires = \"soon\"\n")
                .unwrap_err()
                .contains("not a date")
        );
        assert!(parse("[deps]\nbogus = 1\n").is_err());
    }

    #[test]
    fn ignore_entries_say_who_accepted_the_risk_and_when() {
        let c = parse(
            "[[deps.ignore]]\nid = \"X\"\nreason = \"r\"\nby = \"sec-team\"\ndate = 2026-11-02\n[[deps.ignore]]\npackage = \"p\"\nreason = \"r\"\ndate = \"2026-10-01\"\n",
        )
        .unwrap();
        assert_eq!(c.ignore[0].by.as_deref(), Some("sec-team"));
        assert_eq!(c.ignore[0].date, Some(jiff::civil::date(2026, 11, 2)));
        assert_eq!(c.ignore[1].by, None);
        assert_eq!(c.ignore[1].date, Some(jiff::civil::date(2026, 10, 1)));
        let e = parse("[[deps.ignore]]\nid = \"X\"\nreason = \"r\"\ndate = \"last week\"\n")
            .unwrap_err();
        assert!(e.contains("`date = last week` is not a date"), "{e}");
    }

    #[test]
    fn audit_is_a_switch_or_a_table_with_the_severity_policy() {
        use crate::advisory::severity::Level;
        let c = parse("[deps]\naudit = true\n").unwrap();
        assert_eq!(c.audit.enabled, Some(true));
        let c = parse(
            "[deps.audit]\nfail-on-severity = \"high\"\nsla-days = { critical = 7, high = 30 }\n",
        )
        .unwrap();
        assert_eq!(c.audit.enabled, None);
        assert_eq!(c.audit.policy.fail_on_severity, Some(Level::High));
        assert_eq!(c.audit.policy.sla_days.for_level(Level::Critical), Some(7));
        assert_eq!(c.audit.policy.sla_days.for_level(Level::Medium), None);
        let c = parse("[deps.audit]\nenabled = false\n").unwrap();
        assert_eq!(c.audit.enabled, Some(false));
        assert!(parse("[deps.audit]\nfail-on-severity = \"severe\"\n")
            .unwrap_err()
            .contains("audit"));
        assert!(parse("[deps.audit]\nbogus = 1\n").is_err());
    }

    #[test]
    fn the_audit_is_on_only_when_asked_for() {
        assert_eq!(Config::default().audit_source(), None);
        let c = Config {
            audit: AuditSetting {
                enabled: Some(true),
                ..Default::default()
            },
            cache_dir: Some("/c".into()),
            ..Default::default()
        };
        assert_eq!(c.audit_source(), Some(PathBuf::from("/c/advisory-db")));
        let c = Config {
            audit: AuditSetting {
                enabled: Some(false),
                ..Default::default()
            },
            advisory_db: Some("/db".into()),
            ..Default::default()
        };
        assert_eq!(c.audit_source(), None);
    }
}
