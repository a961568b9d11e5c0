//! `palisade db ...`: the offline advisory database (owned by the deps checker).
//!
//! `db update` clones or pulls an advisory repository (palisade-git's `mirror`) (default: the PyPA
//! advisory-database; a local path or `file://` URL works the same) or imports an OSV
//! `all.zip`, then builds the compact index into the cache folder, where `palisade check
//! --audit` (or `audit = true` in `[deps]`) finds it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use palisade_deps::advisory::update;
use palisade_deps::config::{managed_db_dir, DEFAULT_DB_URL};

#[derive(Debug, clap::Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
    /// Configuration file (default: palisade.toml or pyproject.toml found upward).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Cache folder holding the managed database (default: `[deps] cache-dir`, else
    /// $XDG_CACHE_HOME/palisade or ~/.cache/palisade).
    #[arg(long, global = true, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Fetch the advisory data (git clone/pull, or import an OSV all.zip) and rebuild the index.
    Update {
        /// Git repository to clone or pull: https://, file:// or a local path (default:
        /// `[deps] db-url`, else the PyPA advisory-database).
        #[arg(long, value_name = "URL", conflicts_with = "zip")]
        url: Option<String>,
        /// Import this OSV `PyPI/all.zip` instead of using git.
        #[arg(long, value_name = "FILE")]
        zip: Option<PathBuf>,
    },
    /// Show where the managed database is and how old its data is.
    Status,
}

pub fn run(args: &DbArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let loaded = crate::config::load(args.config.as_deref(), &cwd)?;
    let mut deps = loaded.config.deps.clone();
    deps.resolve_paths(&loaded.root);
    let cache = match &args.cache_dir {
        Some(dir) => dir.clone(),
        None => deps.cache_dir().context(
            "no cache folder: set HOME, XDG_CACHE_HOME, `[deps] cache-dir` or --cache-dir",
        )?,
    };
    let managed = managed_db_dir(&cache);
    match &args.command {
        DbCommand::Update { url, zip } => {
            // The error's own text once (its source is already in it), and the way to work
            // without the network.
            const OFFLINE: &str = "to work offline, point --advisory-db (or `[deps] advisory-db`) at a local copy of the data: a PyPA advisory-database checkout, a folder of OSV JSON files or OSV's PyPI all.zip";
            let report = match zip {
                Some(zip) => update::import_zip(zip, &managed).map_err(|e| {
                    anyhow::anyhow!("cannot import {}: {e}; {OFFLINE}", zip.display())
                })?,
                None => {
                    let url = url
                        .clone()
                        .or_else(|| deps.db_url.clone())
                        .unwrap_or_else(|| DEFAULT_DB_URL.to_string());
                    eprintln!("palisade: fetching {url} into {}", managed.display());
                    let failed = |e: &dyn std::fmt::Display| {
                        anyhow::anyhow!(
                            "cannot update the advisory database from {url}: {e}; {OFFLINE}"
                        )
                    };
                    std::fs::create_dir_all(&managed)
                        .with_context(|| format!("cannot create {}", managed.display()))?;
                    crate::progress::enable_if_interactive(true, false);
                    let spinner = crate::progress::spinner("fetching the advisory data");
                    let fetched =
                        palisade_git::mirror::fetch_head(&url, &update::checkout_dir(&managed))
                            .map_err(|e| failed(&e))?;
                    spinner.set_message("building the index".into());
                    let report = update::rebuild_from_checkout(
                        &url,
                        &managed,
                        &fetched.commit,
                        fetched.time,
                    )
                    .map_err(|e| failed(&e))?;
                    drop(spinner);
                    report
                }
            };
            let m = &report.meta;
            println!(
                "advisory database updated: {} records for {} packages ({} withdrawn, {} unusable), data up to {}",
                m.records,
                m.packages,
                m.withdrawn,
                m.skipped,
                m.data_date.as_deref().unwrap_or("unknown"),
            );
            for example in &m.skipped_examples {
                eprintln!("palisade: warning: record skipped: {example}");
            }
            if let Some(c) = &report.commit {
                println!("commit {c}");
            }
            println!(
                "index {} built in {:.3} s",
                report.index.display(),
                report.build_seconds
            );
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Status => {
            let index = managed.join(palisade_deps::audit::MANAGED_INDEX);
            println!("managed database: {}", managed.display());
            match palisade_deps::advisory::AdvisoryDb::open_index(&index) {
                Ok(db) => {
                    let m = db.meta();
                    let age = m
                        .data_timestamp()
                        .map(|t| jiff::Timestamp::now().duration_since(t).as_secs() / 86_400);
                    println!(
                        "source {}\n{} records, {} packages, data up to {} ({} days old; limit {})",
                        m.source,
                        m.records,
                        m.packages,
                        m.data_date.as_deref().unwrap_or("unknown"),
                        age.map_or("?".to_string(), |a| a.to_string()),
                        deps.max_db_age_days()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("palisade: {e}; run `palisade db update`");
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}
