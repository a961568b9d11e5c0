//! Wires the deps checker: its command-line options and how they merge with the `[deps]` config.
//!
//! The vulnerability audit is opt-in and, once on, fails closed: with no advisory data
//! configured the pin rules run and nothing is audited; with `--advisory-db`, `--audit`, or
//! `advisory-db`/`audit = true` in the config, missing or stale data and pins that cannot be
//! evaluated are errors (exit 2) unless `--allow-stale`/`--allow-unauditable` say otherwise.

use std::path::{Path, PathBuf};

use anyhow::Result;
use palisade_deps::{Config, DepsChecker};

/// Command-line options of the deps checker (flattened into `palisade check`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DepsArgs {
    /// Audit exact pins and lock files against this advisory data: a PyPA advisory-database
    /// checkout, a folder of OSV JSON files, OSV's PyPI all.zip, or a palisade index. Makes the
    /// audit required: missing or stale data is an error (exit 2).
    #[arg(long, value_name = "PATH", help_heading = "Deps")]
    pub advisory_db: Option<PathBuf>,
    /// Audit with the database `palisade db update` maintains (required, fails closed).
    /// Without this, `--advisory-db` or a configured database, pins are checked but not audited.
    #[arg(long, conflicts_with = "no_audit", help_heading = "Deps")]
    pub audit: bool,
    /// Do not audit, even if the configuration asks for it.
    #[arg(long, help_heading = "Deps")]
    pub no_audit: bool,
    /// Missing or stale advisory data is a warning instead of an error.
    #[arg(long, help_heading = "Deps")]
    pub allow_stale: bool,
    /// Pins that cannot be audited (URL/VCS requirements, non-PEP 440 versions) are warnings
    /// instead of errors.
    #[arg(long, help_heading = "Deps")]
    pub allow_unauditable: bool,
    /// Advisory data older than this many days is stale (default 7).
    #[arg(long, value_name = "DAYS", help_heading = "Deps")]
    pub max_db_age: Option<u32>,
    /// Fail only on advisories rated at or above this severity (CVSS base score, else GitHub's
    /// label): low, medium, high or critical. Those below are warnings; unknown always fails.
    #[arg(long, value_name = "LEVEL", help_heading = "Deps")]
    pub fail_on_severity: Option<palisade_deps::advisory::severity::Level>,
    /// Read FILE as a pip requirements file whatever its name, and check it (repeatable;
    /// like pip-audit's `-r`). With no PATHS, only these files are checked.
    #[arg(
        long = "requirements",
        short = 'r',
        value_name = "FILE",
        help_heading = "Deps"
    )]
    pub requirements: Vec<PathBuf>,
    /// Evaluate environment markers for this Python version (`3.12`): pins whose markers are
    /// false for it are not audited. Without it (and --platform) every branch is audited.
    #[arg(long, value_name = "X.Y", help_heading = "Deps")]
    pub python_version: Option<String>,
    /// Audit the packages installed in this environment (a virtualenv or a site-packages
    /// folder; read, never run): every *.dist-info / *.egg-info at its exact version,
    /// transitive dependencies included. May lie outside the repository.
    #[arg(long = "env", value_name = "PATH", help_heading = "Deps")]
    pub environment: Option<PathBuf>,
    /// Evaluate environment markers for this platform: linux, windows or macos.
    #[arg(long, value_name = "NAME", help_heading = "Deps")]
    pub platform: Option<String>,
}

/// Builds the checker from its config section and options. `root` is the folder paths are
/// relative to (the config file's folder, or the working directory).
pub fn build(args: &DepsArgs, config: &Config, root: &Path) -> Result<DepsChecker> {
    // A configured environment must lie inside the repository (the config's folder): a
    // config file must not send palisade reading elsewhere. `--env` may point anywhere.
    if let (Some(env), None) = (&config.environment, &args.environment) {
        let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let full = if env.is_relative() {
            root.join(env)
        } else {
            env.clone()
        };
        let inside = full
            .canonicalize()
            .map(|c| c.starts_with(&base))
            // A missing environment is reported when it is read; judge the path as written.
            .unwrap_or_else(|_| {
                env.is_relative()
                    && !env
                        .components()
                        .any(|c| matches!(c, std::path::Component::ParentDir))
            });
        if !inside {
            anyhow::bail!(
                "[deps] environment = \"{}\" lies outside the repository; name an environment outside it with --env on the command line",
                env.display()
            );
        }
    }
    let mut merged = merge(args, config, root);
    merged.display_root = std::env::current_dir().ok();
    merged
        .validate()
        .map_err(|e| anyhow::anyhow!("[deps]: {e}"))?;
    Ok(DepsChecker::new(&merged))
}

/// The config with relative paths resolved and the command-line options applied on top.
pub fn merge(args: &DepsArgs, config: &Config, root: &Path) -> Config {
    let mut config = config.clone();
    config.resolve_paths(root);
    if let Some(db) = &args.advisory_db {
        config.advisory_db = Some(db.clone());
        config.audit.enabled = Some(true);
    }
    if args.audit {
        config.audit.enabled = Some(true);
    }
    if args.no_audit {
        config.audit.enabled = Some(false);
    }
    config.allow_stale |= args.allow_stale;
    config.allow_unauditable |= args.allow_unauditable;
    if let Some(days) = args.max_db_age {
        config.max_db_age_days = Some(days);
    }
    config.requirement_files.extend(
        args.requirements
            .iter()
            .map(|p| crate::select::display_path(p)),
    );
    if let Some(env) = &args.environment {
        config.environment = Some(env.canonicalize().unwrap_or_else(|_| env.clone()));
    }
    if args.python_version.is_some() {
        config.python_version = args.python_version.clone();
    }
    if args.platform.is_some() {
        config.platform = args.platform.clone();
    }
    if let Some(level) = args.fail_on_severity {
        config.audit.policy.fail_on_severity = Some(level);
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_override_the_config_and_paths_resolve_against_the_config_folder() {
        let config = Config {
            advisory_db: Some("db".into()),
            cache_dir: Some("cache".into()),
            ..Default::default()
        };
        let merged = merge(&DepsArgs::default(), &config, Path::new("/proj"));
        assert_eq!(merged.advisory_db, Some(PathBuf::from("/proj/db")));
        assert_eq!(merged.cache_dir, Some(PathBuf::from("/proj/cache")));
        assert_eq!(merged.audit_source(), Some(PathBuf::from("/proj/db")));

        let args = DepsArgs {
            advisory_db: Some("other".into()),
            allow_stale: true,
            max_db_age: Some(30),
            ..Default::default()
        };
        let merged = merge(&args, &config, Path::new("/proj"));
        assert_eq!(merged.audit_source(), Some(PathBuf::from("other")));
        assert!(merged.allow_stale && !merged.allow_unauditable);
        assert_eq!(merged.max_db_age_days(), 30);

        let args = DepsArgs {
            no_audit: true,
            ..Default::default()
        };
        assert_eq!(
            merge(&args, &config, Path::new("/proj")).audit_source(),
            None
        );
        // Nothing configured, nothing asked: no audit.
        assert_eq!(
            merge(&DepsArgs::default(), &Config::default(), Path::new("/p")).audit_source(),
            None
        );
    }
}
