//! `palisade licenses`: the licence of every distribution installed in an environment, where
//! it was read from, and what the `[deps.licenses]` policy says about it: a table for audits.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use palisade_deps::environment::read_environment;
use palisade_deps::licenses::{CompiledPolicy, Source};

use crate::config;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    #[default]
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct LicensesArgs {
    /// The environment to read (a virtualenv or a site-packages folder); default: `[deps]
    /// environment` from the config.
    #[arg(long = "env", value_name = "PATH")]
    pub environment: Option<PathBuf>,
    /// Use this config file instead of discovering palisade.toml / pyproject.toml upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
}

pub fn run(args: &LicensesArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let loaded = config::load(args.config.as_deref(), &cwd)?;
    let deps = &loaded.config.deps;
    let env = match (&args.environment, &deps.environment) {
        (Some(e), _) => e.clone(),
        (None, Some(e)) => loaded.root.join(e),
        (None, None) => bail!(
            "no environment to read: pass --env PATH (lock files and manifests record no licences)"
        ),
    };
    let mut policy = deps
        .licenses
        .as_ref()
        .map(CompiledPolicy::new)
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let show = |p: &std::path::Path| {
        p.strip_prefix(&cwd)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let (mut dists, diagnostics) = read_environment(&env, &show);
    dists.sort_by_key(|d| palisade_deps::manifest::normalize_name(d.name()));
    let rows: Vec<[String; 5]> = dists
        .iter()
        .map(|d| {
            let v = match policy.as_mut() {
                Some(p) => p.judge(d),
                None => CompiledPolicy::new(&Default::default())
                    .expect("an empty policy is valid")
                    .judge(d),
            };
            let verdict = match (v.source, v.allowed, &v.stale) {
                (_, _, Some(_)) if v.source == Source::Unknown => {
                    "unknown (stale clarification)".to_string()
                }
                (Source::Unknown, _, _) => "unknown".to_string(),
                (_, Some(true), _) => "allowed".to_string(),
                (_, Some(false), _) => format!("NOT ALLOWED: {}", v.failures.join(", ")),
                (_, None, _) => "-".to_string(),
            };
            let licence = v
                .expression
                .clone()
                .unwrap_or_else(|| v.unusable.join("; "));
            [
                v.name,
                v.version,
                licence,
                v.source.as_str().to_string(),
                verdict,
            ]
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let header = ["package", "version", "licence", "source", "policy"];
    match args.format {
        TableFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "package": r[0], "version": r[1], "license": r[2],
                        "source": r[3], "policy": r[4],
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "environment": show(&env),
                "distributions": list,
                "diagnostics": diagnostics,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        TableFormat::Markdown => {
            writeln!(out, "| {} |", header.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(header.len()))?;
            for r in &rows {
                let cells: Vec<String> = r.iter().map(|c| c.replace('|', "\\|")).collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
        }
        TableFormat::Text => {
            let mut widths = header.map(|h| h.chars().count());
            for r in &rows {
                for (w, c) in widths.iter_mut().zip(r) {
                    *w = (*w).max(c.chars().count());
                }
            }
            let line = |cells: &[&str]| {
                cells
                    .iter()
                    .zip(widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(out, "{}", line(&header))?;
            for r in &rows {
                let cells: Vec<&str> = r.iter().map(String::as_str).collect();
                writeln!(out, "{}", line(&cells))?;
            }
        }
    }
    for d in &diagnostics {
        eprintln!("error: {}: {}", d.path, d.message);
    }
    if let Some(p) = &policy {
        for u in p.unused() {
            eprintln!("warning: licence policy: {u}");
        }
    }
    Ok(if diagnostics.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
