//! Wires the python checker: its command-line options and how they merge with the `[python]` config.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use palisade_python::{BanditConfig, Config, PythonChecker};

/// Command-line options of the python checker (flattened into `palisade check`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PythonArgs {
    /// Bandit configuration to honour: a YAML file, a pyproject.toml with `[tool.bandit]`, or a
    /// `.bandit` INI file. Without it, `[tool.bandit]` in pyproject.toml or a `.bandit` file is
    /// looked for upward from the root.
    #[arg(long = "bandit-config", value_name = "FILE")]
    pub bandit_config: Option<PathBuf>,
    /// Report Python findings even where a `# nosec` comment suppresses them.
    #[arg(long = "ignore-nosec")]
    pub ignore_nosec: bool,
    /// Parse every Python statement, also those no enabled rule could report in (slower; also
    /// reports syntax errors there). Config: `[python] full-parse = true`.
    #[arg(long = "python-full-parse")]
    pub full_parse: bool,
}

/// Builds the checker from its config section and options. `root` is the folder paths are
/// relative to (the config file's folder, or the working directory).
pub fn build(args: &PythonArgs, config: &Config, root: &Path) -> Result<PythonChecker> {
    let mut config = config.clone();
    if args.ignore_nosec {
        config.ignore_nosec = true;
    }
    if args.full_parse {
        config.full_parse = true;
    }
    let bandit_path = match (&args.bandit_config, &config.bandit_config) {
        (Some(cli), _) => Some(cli.clone()),
        (None, Some(cfg)) => Some(root.join(cfg)),
        (None, None) if config.discover_bandit_config != Some(false) => {
            BanditConfig::discover(root)
        }
        (None, None) => None,
    };
    let bandit = bandit_path
        .map(|p| {
            BanditConfig::load(&p)
                .with_context(|| format!("reading Bandit configuration {}", p.display()))
        })
        .transpose()?;
    PythonChecker::with_bandit_config(&config, bandit.as_ref())
        .context("invalid Bandit configuration")
}
