//! `palisade fix`: the one command that edits a user's files, and only when asked. Without
//! `--write` it prints a diff; with it, each file is rewritten through the core's atomic writer
//! (never through a symbolic link). Lock files and hash-pinned lines get the command to run.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use palisade_core::pipeline::ConfigPaths;
use palisade_deps::fix::{diff, fix_file};
use palisade_deps::ManifestKind;

use crate::checkers::deps::DepsArgs;
use crate::config::{self, Excludes};
use crate::select::{self, Confinement};

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files or folders to fix (default: the current folder).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Apply the changes (default: print a diff and change nothing).
    #[arg(long)]
    pub write: bool,
    /// Use this config file instead of discovering palisade.toml / pyproject.toml upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten, next_help_heading = "Deps checker")]
    pub deps: DepsArgs,
}

pub fn run(args: &FixArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let loaded = config::load(args.config.as_deref(), &cwd)?;
    let checker = crate::checkers::deps::build(&args.deps, &loaded.config.deps, &loaded.root)?;
    let Some(source) = checker.config().audit_source() else {
        bail!("palisade fix needs advisory data: pass --advisory-db PATH or --audit (after `palisade db update`)");
    };
    let db = palisade_deps::audit::open_source(&source, checker.config().cache_dir().as_deref())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let excludes = Excludes::new(
        loaded.exclude_globs()?,
        ConfigPaths::new(&cwd, &cwd.join(&loaded.root)),
    );
    let paths = select::walk::requested(&args.paths, &args.deps.requirements);
    let confine = Confinement::new(&cwd);
    let (inputs, diagnostics) = select::walk::select(&paths, &excludes, 1, None, &confine);
    let mut failed = !diagnostics.is_empty();
    for d in &diagnostics {
        eprintln!("error: {}: {}", d.path, d.message);
    }
    let env = |k: &str| std::env::var(k).ok();
    let (mut edited, mut raised) = (0, 0);
    let mut commands = Vec::new();
    for input in inputs {
        let kind = match checker.kind_of(&input.path) {
            Some(
                k @ (ManifestKind::Requirements
                | ManifestKind::Pyproject
                | ManifestKind::PipfileLock
                | ManifestKind::PoetryLock
                | ManifestKind::UvLock
                | ManifestKind::Pylock),
            ) => k,
            _ => continue,
        };
        let file = cwd.join(&input.path);
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: cannot read: {e}", input.path);
                failed = true;
                continue;
            }
        };
        let beside = |name: &str| file.parent().is_some_and(|d| d.join(name).is_file());
        let fix = fix_file(&db, kind, &input.path, &text, &env, &beside);
        for u in &fix.unfixable {
            eprintln!("warning: {}: {u}", input.path);
        }
        commands.extend(fix.commands.iter().cloned());
        let Some(new_text) = &fix.new_text else {
            continue;
        };
        raised += fix.changes.len();
        if args.write {
            // Never through a symbolic link: the atomic writer refuses anything but a regular file.
            if let Err(e) = palisade_core::write::write_atomic(&file, new_text.as_bytes()) {
                eprintln!("error: {}: not written: {e}", input.path);
                failed = true;
                continue;
            }
            edited += 1;
            for c in &fix.changes {
                println!(
                    "{}:{}: {} {} -> {} ({})",
                    input.path,
                    c.line,
                    c.package,
                    c.from,
                    c.to,
                    c.advisories.join(", ")
                );
            }
        } else {
            print!("{}", diff(&fix));
        }
    }
    for c in &commands {
        println!("run: {c}");
    }
    if args.write {
        eprintln!("{raised} pin(s) raised in {edited} file(s)");
    } else if raised > 0 {
        eprintln!("{raised} pin(s) would be raised; run with --write to apply");
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
