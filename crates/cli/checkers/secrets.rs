//! Wires the secrets checker: its command-line options and how they merge with the `[secrets]` config.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use palisade_secrets::{Config, SecretsChecker};

/// Command-line options of the secrets checker (flattened into `palisade check`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SecretsArgs {
    /// Extra secret rules (YAML, the built-in format); they add to the built-in rules.
    #[arg(long = "secrets-rules", value_name = "FILE")]
    pub secrets_rules: Vec<PathBuf>,
    /// Report secrets under paths matching this regex with low confidence (test fixtures).
    #[arg(long = "secrets-fixture-path", value_name = "REGEX")]
    pub secrets_fixture_path: Vec<String>,
    /// Do not read `.secrets.baseline` (detect-secrets) and `.gitleaksignore` found in the root.
    #[arg(long = "secrets-no-peer-baselines")]
    pub secrets_no_peer_baselines: bool,
}

/// Builds the checker from its config section and options. `root` is the folder paths are
/// relative to (the config file's folder, or the working directory).
pub fn build(args: &SecretsArgs, config: &Config, root: &Path) -> Result<SecretsChecker> {
    let mut config = config.clone();
    // Command-line files are relative to the working directory, config files to the root.
    let cwd = std::env::current_dir().context("reading the working directory")?;
    config
        .rules_files
        .extend(args.secrets_rules.iter().map(|p| cwd.join(p)));
    config
        .fixture_paths
        .extend(args.secrets_fixture_path.iter().cloned());
    if args.secrets_no_peer_baselines {
        config.import_peer_baselines = false;
    }
    Ok(SecretsChecker::from_config(&config, root)?)
}

/// Proves the examples of a custom rules file (`palisade rules --check FILE`): prints one line
/// per example and returns whether all of them behaved.
pub fn check_rules_file(path: &Path) -> Result<bool> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let results = palisade_secrets::check_rules::check_rules_yaml(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut all = true;
    for r in &results {
        all &= r.passed;
        let first = r.text.lines().next().unwrap_or("");
        let shown: String = first.chars().take(60).collect();
        println!(
            "{} {} {} example: {}{}",
            if r.passed { "ok  " } else { "FAIL" },
            r.rule_id,
            if r.positive { "positive" } else { "negative" },
            shown,
            if shown.len() < r.text.len() {
                "…"
            } else {
                ""
            }
        );
    }
    let failed = results.iter().filter(|r| !r.passed).count();
    println!(
        "{}: {} examples, {failed} failed",
        path.display(),
        results.len()
    );
    Ok(all)
}
