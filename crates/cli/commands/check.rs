//! `palisade check`: select files, run the pass, apply acceptances and the baseline, report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use palisade_core::checker::{ContentReader, FsReader};
use palisade_core::report::{Format, Report, Summary, TextOptions};
use palisade_core::suppress::accept::{self, Verdict};
use palisade_core::suppress::baseline::Baseline;
use palisade_core::{Checker, CheckerKind, Diagnostic, DiagnosticLevel, Finding, RuleMeta};

use crate::args::{CheckArgs, FormatArg};
use crate::config::{self, ConfigPaths, Excludes, Loaded};
use crate::rule_filter::RuleFilter;
use crate::scan::{self, ScanOptions};
use crate::select;

/// Files above this size are skipped unless configured otherwise: generated bundles and data
/// dumps, not code anyone writes by hand.
const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// A finished pass: findings after acceptances, before the baseline.
pub struct Collected {
    pub loaded: Loaded,
    pub checkers: Vec<Box<dyn Checker>>,
    pub filter: RuleFilter,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

pub fn collect(args: &CheckArgs) -> Result<Collected> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let loaded = config::load(args.config.as_deref(), &cwd)?;
    let cfg = &loaded.config;
    let enabled: Vec<CheckerKind> = if !args.only.is_empty() {
        args.only.clone()
    } else {
        cfg.checkers
            .clone()
            .unwrap_or_else(|| CheckerKind::ALL.to_vec())
    };
    let checkers = crate::checkers::build(&enabled, args, cfg, &loaded.root)?;
    let accepts = loaded.accepted_risks()?;

    let threads = args.jobs.unwrap_or(0);
    if threads > 0 {
        // Only fails if a pool already exists, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
    let walk_threads = if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    };

    // Paths are shown relative to the scan root: the repository root in git modes and with
    // --all, else the working directory (pre-commit runs hooks from the repository root).
    let git_mode =
        args.mode.staged || args.mode.diff.is_some() || args.mode.patch.is_some() || args.mode.all;
    let scan_root = if git_mode {
        palisade_git::discover_root(&cwd).unwrap_or_else(|_| cwd.clone())
    } else {
        cwd.clone()
    };
    let config_paths = ConfigPaths::new(&scan_root, &cwd.join(&loaded.root));
    let excludes = Excludes::new(cfg.exclude.clone(), config_paths.clone());

    let mut diagnostics = Vec::new();
    let (inputs, root) = match select::git::select(&args.mode, &cwd, &excludes, args.whole_files)? {
        Some(found) => {
            diagnostics.extend(found.diagnostics);
            (found.inputs, found.root)
        }
        None if args.mode.all => {
            let root = scan_root.clone();
            let (inputs, d) = select::walk::select(
                std::slice::from_ref(&root),
                &excludes,
                walk_threads,
                Some(&root),
            );
            diagnostics.extend(d);
            (inputs, root)
        }
        None => {
            let paths: Vec<PathBuf> = if args.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                args.paths.clone()
            };
            let (inputs, d) = select::walk::select(&paths, &excludes, walk_threads, None);
            diagnostics.extend(d);
            (inputs, cwd.clone())
        }
    };

    let select_rules: Vec<String> = args.select.iter().chain(&cfg.select).cloned().collect();
    let ignore_rules: Vec<String> = args.ignore.iter().chain(&cfg.ignore).cloned().collect();
    let per_path = cfg
        .per_path_ignores
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let filter = RuleFilter::new(
        &checkers,
        &select_rules,
        &ignore_rules,
        args.severity.or(cfg.severity),
        args.confidence.or(cfg.confidence),
        per_path,
        config_paths,
    );

    // Checkers that follow includes read from the same snapshot as the files they check.
    let reader: Box<dyn ContentReader> = if args.mode.staged {
        Box::new(palisade_git::IndexReader::open(&root)?)
    } else if let Some(spec) = &args.mode.diff {
        palisade_git::diff_reader(&root, spec)?
    } else {
        Box::new(FsReader(root.clone()))
    };
    let opts = ScanOptions {
        checkers: &checkers,
        filter: &filter,
        reader: reader.as_ref(),
        max_file_size: args
            .max_file_size
            .or(cfg.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        no_redact: args.no_redact,
    };
    let mut result = scan::run(inputs, &opts);
    diagnostics.append(&mut result.diagnostics);

    let today = jiff::Zoned::now().date();
    let mut findings = Vec::with_capacity(result.findings.len());
    for mut f in result.findings {
        let verdict = if accepts.is_empty() {
            Verdict::Open
        } else {
            accept::judge(
                &accepts,
                &f,
                &filter.config_paths().relative(&f.path),
                today,
            )
        };
        match verdict {
            Verdict::Accepted => result.summary.accepted += 1,
            Verdict::Open => findings.push(f),
            Verdict::Expired(note) => {
                f.notes.push(note);
                findings.push(f);
            }
        }
    }
    Ok(Collected {
        loaded,
        checkers,
        filter,
        findings,
        diagnostics,
        summary: result.summary,
    })
}

pub fn run(args: &CheckArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut c = collect(args)?;
    let baseline_path = args.baseline.clone().or_else(|| {
        c.loaded
            .config
            .baseline
            .as_ref()
            .map(|p| c.loaded.root.join(p))
    });
    if let Some(path) = baseline_path {
        let baseline = Baseline::load(&path)?;
        let (fresh, matched) = baseline.filter(std::mem::take(&mut c.findings));
        c.findings = fresh;
        c.summary.suppressed_baseline = matched;
    }
    c.summary.errors = c
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count();

    report_diagnostics(&c.diagnostics, args);
    let mut rules: Vec<&RuleMeta> = c
        .checkers
        .iter()
        .flat_map(|ch| ch.rules().iter())
        .filter(|r| c.filter.is_enabled(&r.id))
        .collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &c.findings,
        diagnostics: &c.diagnostics,
        rules: &rules,
        summary: &c.summary,
    };
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Junit => Format::Junit,
    };
    let text = TextOptions {
        color: format == Format::Text
            && args.output.is_none()
            && crate::output::use_color(args.color),
        show_snippets: !args.no_snippets,
        quiet: args.quiet,
    };
    if !crate::output::write_report(format, &report, &text, args.output.as_deref())? {
        return Ok(ExitCode::SUCCESS);
    }
    if args.verbose > 0 {
        eprintln!(
            "palisade: {} files checked in {:.3}s",
            c.summary.files_checked,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(exit_code(&c, args.exit_zero))
}

fn exit_code(c: &Collected, exit_zero: bool) -> ExitCode {
    if c.summary.errors > 0 {
        ExitCode::from(2)
    } else if !c.findings.is_empty() && !exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Problems go to stderr: errors always, warnings unless `-q`, notes with `-v`.
pub fn report_diagnostics(diagnostics: &[Diagnostic], args: &CheckArgs) {
    for d in diagnostics {
        let show = match d.level {
            DiagnosticLevel::Error => true,
            DiagnosticLevel::Warning => !args.quiet,
            DiagnosticLevel::Note => args.verbose > 0,
        };
        if show {
            eprintln!("{d}");
        }
    }
}

/// The default baseline location: beside the config file, else in the working directory.
pub fn default_baseline_path(loaded: &Loaded) -> PathBuf {
    loaded
        .config
        .baseline
        .as_ref()
        .map(|p| loaded.root.join(p))
        .unwrap_or_else(|| Path::new(".palisade-baseline.json").to_path_buf())
}
