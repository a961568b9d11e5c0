//! `palisade check`: plan the run once, select files, run the pass, send every finding through
//! the one pipeline, redact, report.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use palisade_core::checker::{ContentReader, FsReader};
use palisade_core::clock::Clock;
use palisade_core::pipeline::{all_rules, Changes, ConfigPaths, Counts, Pipeline, RuleSelection};
use palisade_core::redact::Redactor;
use palisade_core::report::{Format, Report, Summary, TextOptions};
use palisade_core::suppress::accept;
use palisade_core::suppress::baseline::Baseline;
use palisade_core::{Checker, CheckerKind, Diagnostic, DiagnosticLevel, Finding, RuleMeta};

use crate::args::{CheckArgs, FormatArg};
use crate::config::{self, Excludes, Loaded};
use crate::scan::{self, ScanOptions};
use crate::select::{self, Confinement};

/// Files above this size are skipped by the parsing checkers unless configured otherwise
/// (generated bundles and data dumps); the secrets checker still streams them.
const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// A finished pass: findings after every pipeline stage but redaction.
pub struct Collected {
    pub loaded: Loaded,
    pub checkers: Vec<Box<dyn Checker>>,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// Every secret value seen, for the redactor.
    pub secrets: Vec<String>,
    /// The run's risk acceptances and whether each decided some finding.
    pub accepts: Vec<accept::AcceptedRisk>,
    pub accepts_used: Vec<bool>,
    pub today: jiff::civil::Date,
}

/// `with_baseline`: apply the configured baseline (not when recording a new one).
pub fn collect(args: &CheckArgs, with_baseline: bool) -> Result<Collected> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let loaded = config::load(args.config.as_deref(), &cwd)?;
    let cfg = &loaded.config;
    let mut enabled: Vec<CheckerKind> = if !args.only.is_empty() {
        args.only.clone()
    } else {
        cfg.checkers
            .clone()
            .unwrap_or_else(|| CheckerKind::ALL.to_vec())
    };
    // History mode checks secrets only: Python code and manifests are judged as they are now
    // (`--all`), not in every past version. Said in every report, never dropped silently.
    let mut mode_notes = Vec::new();
    if args.mode.history.is_some() {
        if !args.paths.is_empty() {
            bail!(
                "--history checks every commit's files; it takes no PATHS (a range goes right after it: `--history A..B`; leave paths out with `exclude` in the config)"
            );
        }
        let others: Vec<String> = enabled
            .iter()
            .filter(|k| **k != CheckerKind::Secrets)
            .map(|k| k.to_string())
            .collect();
        if !args.only.is_empty() && !enabled.contains(&CheckerKind::Secrets) {
            bail!(
                "--history checks secrets only; --only {} asks for none of it (check the current tree with --all)",
                others.join(",")
            );
        }
        if !others.is_empty() {
            let mut d = Diagnostic::note(
                "",
                format!(
                    "--history checks secrets only: the {} checker{} did not run (check the current tree with --all)",
                    others.join(" and "),
                    if others.len() == 1 { "" } else { "s" }
                ),
            );
            d.gap = Some(palisade_core::Gap::NotInMode);
            mode_notes.push(d);
        }
        enabled = vec![CheckerKind::Secrets];
    }
    if enabled.is_empty() {
        bail!(
            "no checker is enabled ({}): a run that checks nothing would pass everything; name at least one of secrets, python, deps",
            loaded
                .source
                .as_deref()
                .map(|p| format!("`checkers = []` in {}", p.display()))
                .unwrap_or_else(|| "--only".into())
        );
    }
    let clock = args.now.map(Clock::fixed).unwrap_or_else(Clock::system);
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
    let history_repo = args
        .mode
        .history
        .as_ref()
        .map(|_| palisade_git::HistoryRepo::discover(&cwd))
        .transpose()
        .map_err(|e| anyhow::anyhow!("--history needs a git repository: {e}"))?;
    let git_mode =
        args.mode.staged || args.mode.diff.is_some() || args.mode.patch.is_some() || args.mode.all;
    // In git modes the repository is opened once: its root, the change and the snapshot
    // reader share it. Other runs only need its root (to confine symlinks), found without
    // starting libgit2, whose start-up (TLS certificates) would dominate a one-file run.
    let mut repo = if git_mode {
        palisade_git::Repo::discover(&cwd)
    } else {
        Err(palisade_git::GitError::NotARepository {
            path: cwd.clone(),
            message: "not opened outside git modes".into(),
        })
    };
    let repo_root = match &repo {
        _ if history_repo.is_some() => history_repo.as_ref().map(|h| h.root()),
        Ok(r) => Some(r.root().to_path_buf()),
        Err(_) => cwd
            .ancestors()
            .find(|d| d.join(".git").exists())
            .map(Path::to_path_buf),
    };
    let scan_root = match (&repo_root, git_mode || history_repo.is_some()) {
        (Some(r), true) => r.clone(),
        _ => cwd.clone(),
    };
    let config_paths = ConfigPaths::new(&scan_root, &cwd.join(&loaded.root));
    let excludes = Excludes::new(loaded.exclude_globs()?, config_paths.clone());
    let per_path = loaded.per_path_ignores()?;
    let select_rules: Vec<String> = args.select.iter().chain(&cfg.select).cloned().collect();
    let ignore_rules: Vec<String> = args.ignore.iter().chain(&cfg.ignore).cloned().collect();
    let severity = args.severity.or(cfg.severity);
    let confidence = args.confidence.or(cfg.confidence);
    let selection_of = |rules: &[&RuleMeta]| {
        RuleSelection::new(
            rules.iter().copied(),
            &select_rules,
            &ignore_rules,
            severity,
            confidence,
            Vec::new(),
            ConfigPaths::default(),
        )
    };
    let plan = crate::checkers::BuildPlan {
        enabled: &enabled,
        clock,
        accepted_packages: accept::accepted_packages(&accepts, clock.today()),
        select: &selection_of,
    };
    let checkers = crate::checkers::build(&plan, args, cfg, &loaded.root)?;
    let selection = RuleSelection::new(
        all_rules(&checkers),
        &select_rules,
        &ignore_rules,
        severity,
        confidence,
        per_path,
        config_paths,
    );

    let mut diagnostics = mode_notes;
    // Symlinks are followed only inside the repository (or the folder checked, outside git).
    let confine = Confinement::new(repo_root.as_deref().unwrap_or(&cwd));
    let (inputs, root, changes) = match select::git::select(
        &args.mode,
        repo.as_mut().map_err(|e| &*e),
        &cwd,
        &excludes,
        args.whole_files,
    )? {
        Some(found) => {
            diagnostics.extend(found.diagnostics);
            let changes = if args.whole_files {
                Changes::Files(found.inputs.iter().map(|i| i.path.clone()).collect())
            } else {
                let map: HashMap<String, _> = found
                    .inputs
                    .iter()
                    .filter_map(|i| i.changed.clone().map(|c| (i.path.clone(), c)))
                    .collect();
                Changes::Lines(map)
            };
            (found.inputs, found.root, changes)
        }
        None if history_repo.is_some() => (Vec::new(), scan_root.clone(), Changes::All),
        None if args.mode.all => {
            let root = scan_root.clone();
            let (inputs, d) = select::walk::select(
                std::slice::from_ref(&root),
                &excludes,
                walk_threads,
                Some(&root),
                &confine,
            );
            diagnostics.extend(d);
            (inputs, root, Changes::All)
        }
        None => {
            let paths = select::walk::requested(&args.paths, &args.deps.requirements);
            // A text file named explicitly that only the secrets checker reads is said: a
            // requirements file with an unconventional name is otherwise checked for
            // secrets only, silently.
            for p in &args.paths {
                // Text files only (`.txt`, `.in`): pre-commit names every staged file, and a
                // note per README would be noise.
                let texty = p
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("in"));
                if !texty || !p.is_file() {
                    continue;
                }
                let shown = select::display_path(p);
                let others = checkers
                    .iter()
                    .filter(|c| c.kind() != CheckerKind::Secrets)
                    .any(|c| c.applies_to(&shown));
                if !others {
                    diagnostics.push(Diagnostic::note(
                        &shown,
                        "only the secrets checker reads this file; if it is a pip requirements file, name it with `-r`/`--requirements` or `[deps] requirements`",
                    ));
                }
            }
            let (inputs, d) = select::walk::select(&paths, &excludes, walk_threads, None, &confine);
            diagnostics.extend(d);
            (inputs, cwd.clone(), Changes::All)
        }
    };

    let baseline = if with_baseline {
        let path = args
            .baseline
            .clone()
            .or_else(|| loaded.config.baseline.as_ref().map(|p| loaded.root.join(p)));
        path.map(|p| Baseline::load(&p)).transpose()?
    } else {
        None
    };
    let accepts_used = accepts
        .iter()
        .map(|_| std::sync::atomic::AtomicBool::new(false))
        .collect();
    let mut pipeline = Pipeline {
        selection,
        changes,
        accepts,
        baseline,
        today: clock.today(),
        accepts_used,
    };

    // Checkers that follow includes read from the same snapshot as the files they check.
    let reader: Box<dyn ContentReader> = match (repo, &args.mode.diff) {
        (Ok(repo), _) if args.mode.staged => Box::new(repo.into_index_reader()),
        (Ok(repo), Some(spec)) => repo.into_diff_reader(spec)?,
        _ => Box::new(FsReader(root.clone())),
    };
    // The redactor must know the secrets of every file a finding or diagnostic quotes, also
    // when the secrets checker is not among the enabled ones: then one is built on first use.
    let enabled_secrets = checkers
        .iter()
        .find(|c| c.kind() == CheckerKind::Secrets)
        .map(|c| c.as_ref());
    let lazy: OnceLock<Option<palisade_secrets::SecretsChecker>> = OnceLock::new();
    let secrets_args = &args.secrets;
    let secrets_cfg = &cfg.secrets;
    let secrets_root = loaded.root.clone();
    let scanner = || -> Option<&dyn Checker> {
        enabled_secrets.or_else(|| {
            lazy.get_or_init(|| {
                crate::checkers::secrets::build(secrets_args, secrets_cfg, &secrets_root).ok()
            })
            .as_ref()
            .map(|c| c as &dyn Checker)
        })
    };
    let opts = ScanOptions {
        checkers: &checkers,
        pipeline: &pipeline,
        reader: reader.as_ref(),
        max_file_size: args
            .max_file_size
            .or(cfg.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        secret_scanner: (!args.no_redact).then_some(&scanner as scan::SecretScanner<'_>),
        secrets_enabled: enabled_secrets.is_some(),
        quoted_bytes: Default::default(),
    };
    let result = match &history_repo {
        Some(h) => {
            let spec = palisade_git::HistorySpec {
                range: args.mode.history.clone().filter(|r| !r.is_empty()),
                since: args.since.clone(),
            };
            crate::history::run(h, &spec, &opts, &excludes, args.verbose > 1)?
        }
        None => scan::run(inputs, &opts),
    };
    diagnostics.extend(result.diagnostics);
    let mut counts: Counts = result.counts;
    let findings = pipeline.run_stages(result.findings, &mut counts);
    let accepts_used: Vec<bool> = pipeline
        .accepts_used
        .iter()
        .map(|u| u.load(std::sync::atomic::Ordering::Relaxed))
        .collect();
    // The risk register's warnings: acceptances about to lapse, and (when the whole tree was
    // checked, so "nothing matched" means something) acceptances that matched nothing.
    let whole_tree = args.mode.all
        || (args.paths.is_empty()
            && args.deps.requirements.is_empty()
            && !args.mode.staged
            && args.mode.diff.is_none()
            && args.mode.patch.is_none());
    let soon = loaded.config.accept_expiry_warning_days.unwrap_or(14);
    for (a, used) in pipeline.accepts.iter().zip(&accepts_used) {
        if let Some(days) =
            accept::days_left(a, clock.today()).filter(|d| (0..=i64::from(soon)).contains(d))
        {
            diagnostics.push(Diagnostic::warning(
                "",
                format!(
                    "risk acceptance {} expires in {days} day{} ({}); renew it or fix the finding (reason: {})",
                    a.origin,
                    if days == 1 { "" } else { "s" },
                    a.expires.map(|d| d.to_string()).unwrap_or_default(),
                    a.reason
                ),
            ));
        }
        if whole_tree && !used && a.in_force(clock.today()) {
            diagnostics.push(Diagnostic::warning(
                "",
                format!(
                    "risk acceptance {} matched nothing in this run; remove it if the risk is gone",
                    a.origin
                ),
            ));
        }
    }
    let mut summary = result.summary;
    summary.suppressed_inline += counts.suppressed_inline;
    summary.outside_change = counts.outside_change;
    summary.accepted = counts.accepted;
    summary.suppressed_baseline = counts.baseline;
    summary.merged = counts.merged;
    summary.files_skipped = diagnostics
        .iter()
        .filter(|d| d.gap.is_some() && !d.path.is_empty())
        .map(|d| d.path.as_str())
        .collect::<HashSet<_>>()
        .len();
    summary.errors = diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count();
    let accepts = std::mem::take(&mut pipeline.accepts);
    Ok(Collected {
        loaded,
        checkers,
        findings,
        diagnostics,
        summary,
        secrets: result.secrets,
        accepts,
        accepts_used,
        today: clock.today(),
    })
}

pub fn run(args: &CheckArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    // With `-o FILE` standard output is free, but the bar still goes to standard error only.
    crate::progress::enable_if_interactive(args.format == FormatArg::Text, args.quiet);
    let mut c = collect(args, true)?;
    // Stage 7 of the pipeline: nothing leaves the process unredacted.
    let redactor = if args.no_redact {
        Redactor::disabled()
    } else {
        Redactor::new(c.secrets.iter().map(String::as_str))
    };
    for f in &mut c.findings {
        redactor.finding(f);
    }
    for d in &mut c.diagnostics {
        redactor.diagnostic(d);
    }

    report_diagnostics(&c.diagnostics, args);
    // Only the rules that have results: a report must not carry every rule's examples.
    let reported: HashSet<&str> = c.findings.iter().map(|f| f.rule_id.as_str()).collect();
    let mut rules: Vec<&RuleMeta> = c
        .checkers
        .iter()
        .flat_map(|ch| ch.rules().iter())
        .filter(|r| reported.contains(r.id.as_ref()))
        .collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    rules.dedup_by(|a, b| a.id == b.id);
    let components: Vec<palisade_core::checker::Component> = if args.format == FormatArg::Cyclonedx
    {
        c.checkers.iter().flat_map(|ch| ch.components()).collect()
    } else {
        Vec::new()
    };
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &c.findings,
        diagnostics: &c.diagnostics,
        rules: &rules,
        summary: &c.summary,
        components: &components,
    };
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
        FormatArg::Junit => Format::Junit,
        FormatArg::Cyclonedx => Format::Cyclonedx,
    };
    let text = TextOptions {
        color: format == Format::Text
            && args.output.is_none()
            && crate::output::use_color(args.color),
        show_snippets: !args.no_snippets,
        quiet: args.quiet,
    };
    if !crate::output::write_report(format, &report, &text, args.output.as_deref(), &redactor)? {
        return Ok(ExitCode::SUCCESS);
    }
    if args.verbose > 0 {
        let n = c.summary.files_checked;
        eprintln!(
            "palisade: {n} file{} checked in {:.3}s",
            if n == 1 { "" } else { "s" },
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

/// Problems go to stderr: errors always, warnings unless `-q`, notes with `-v` (the report's
/// summary counts what was not checked at default verbosity). Already redacted.
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
