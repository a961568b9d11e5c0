//! The command line: `palisade [check] ...`, `rules`, `explain`, `baseline`, `db`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use palisade_core::{CheckerKind, Confidence, Severity};

use crate::checkers::{deps::DepsArgs, python::PythonArgs, secrets::SecretsArgs};

#[derive(Debug, Parser)]
#[command(
    name = "palisade",
    version = env!("PALISADE_VERSION_LONG"),
    about = "Guards the commits of Python projects: secrets, Bandit's security rules and dependency pins/audits in one pass.",
    after_help = "`palisade PATHS...` is short for `palisade check PATHS...`.\nExit codes: 0 clean, 1 findings, 2 error (bad arguments or config, a file that could not be checked)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files, the staged index, a diff or the whole repository (the default command).
    Check(Box<CheckArgs>),
    /// List every rule (id, checker, severity, confidence, summary), custom rules included.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Record the current findings in a baseline file, so later runs report only new ones.
    // The report options of `check` do nothing here: hidden from the help, refused if given.
    #[command(
        mut_arg("format", |a| a.hide(true)),
        mut_arg("exit_zero", |a| a.hide(true)),
        mut_arg("color", |a| a.hide(true)),
        mut_arg("no_snippets", |a| a.hide(true)),
        mut_arg("baseline", |a| a.hide(true)),
        mut_arg("output", |a| a.help("Write the baseline to FILE (default: the configured baseline, or .palisade-baseline.json)"))
    )]
    Baseline(Box<BaselineArgs>),
    /// Manage the offline advisory database used by the dependency audit.
    Db(crate::commands::db::DbArgs),
    /// List the licence of every distribution installed in an environment, with where it was
    /// read from and what the `[deps.licenses]` policy says (text, JSON or Markdown).
    Licenses(crate::commands::licenses::LicensesArgs),
    /// Raise vulnerable exact pins to the smallest version that fixes all their advisories
    /// (prints a diff; `--write` applies it atomically). Lock files and hash-pinned lines get
    /// the command to run instead.
    Fix(Box<crate::commands::fix::FixArgs>),
    /// The risk register: every accepted risk with its reason, owner, expiry and days left,
    /// and whether it matched anything in this run (text, JSON or Markdown).
    Accepts(Box<crate::commands::accepts::AcceptsArgs>),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    #[default]
    Text,
    Json,
    Sarif,
    Github,
    Junit,
    /// CycloneDX 1.6 JSON SBOM: every pinned, locked and installed package with the audit's
    /// vulnerabilities and ratings.
    Cyclonedx,
}

/// Which files to check; at most one of these, default: the PATHS given (or `.`).
#[derive(Debug, Clone, Default, Args)]
#[group(multiple = false)]
pub struct ModeArgs {
    /// Check what is staged in the git index, exactly as it will be committed; report only
    /// findings on lines the commit adds or changes.
    #[arg(long)]
    pub staged: bool,
    /// Check the files changed between REV and the working tree, or between A and B (`A..B`,
    /// `A...B`); report only findings on changed lines.
    #[arg(long, value_name = "REV|A..B")]
    pub diff: Option<String>,
    /// Check the added lines of a unified diff (`git diff` output) read from FILE or `-` (stdin).
    #[arg(long, value_name = "FILE|-")]
    pub patch: Option<PathBuf>,
    /// Check the whole repository (or the current folder outside git), honouring .gitignore.
    #[arg(long)]
    pub all: bool,
    /// Check the git history for secrets: every commit reachable from any ref, or RANGE
    /// (`A..B`, `A...B`, `REV`). Each unique blob is scanned once; a finding is reported once
    /// per secret and rule, on the commit that first added its line. Secrets checker only.
    #[arg(
        long,
        value_name = "RANGE",
        num_args = 0..=1,
        default_missing_value = "",
        require_equals = false
    )]
    pub history: Option<String>,
}

#[derive(Debug, Clone, Default, Args)]
pub struct CheckArgs {
    /// Files or folders to check (folders are walked, honouring .gitignore).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub mode: ModeArgs,

    /// With --history: leave out the commits reachable from REV (`--since origin/main` checks
    /// what a pull request adds). A REV that is not in the clone is an error.
    #[arg(long, value_name = "REV", requires = "history")]
    pub since: Option<String>,

    /// In --staged/--diff/--patch modes, report findings anywhere in the changed files.
    #[arg(long)]
    pub whole_files: bool,

    /// Run only these checkers (comma-separated: secrets, python, deps).
    #[arg(long, value_delimiter = ',', value_name = "CHECKERS")]
    pub only: Vec<CheckerKind>,
    /// Report only these rules (ids, id prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Never report these rules (ids, id prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Report only findings of at least this severity.
    #[arg(long, value_name = "LEVEL")]
    pub severity: Option<Severity>,
    /// Report only findings of at least this confidence.
    #[arg(long, value_name = "LEVEL")]
    pub confidence: Option<Confidence>,

    /// Exit 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Skip files larger than this many bytes (default 4 MiB, or `max-file-size` in the config).
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Do not print source snippets under text findings.
    #[arg(long)]
    pub no_snippets: bool,
    /// Show whole secrets in snippets and messages (local triage only; never in CI logs).
    #[arg(long)]
    pub no_redact: bool,
    /// Less output: findings only, no summary or warnings.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// More output: skipped files, timings.
    #[arg(long, short = 'v', action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Use this config file instead of discovering palisade.toml / pyproject.toml upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Take this date as today for expiry decisions (risk acceptances, advisory-data age):
    /// reproducible runs and tests. Default: today in UTC.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub now: Option<jiff::civil::Date>,

    #[command(flatten, next_help_heading = "Secrets checker")]
    pub secrets: SecretsArgs,
    #[command(flatten, next_help_heading = "Python checker")]
    pub python: PythonArgs,
    #[command(flatten, next_help_heading = "Deps checker")]
    pub deps: DepsArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// List only the rules of these checkers.
    #[arg(long, value_delimiter = ',', value_name = "CHECKERS")]
    pub only: Vec<CheckerKind>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Check a file of custom secret rules: every example must match, no negative example may.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    #[command(flatten)]
    pub project: ProjectRules,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (`B602`, `private-key`, ...) or name.
    pub rule: String,
    #[command(flatten)]
    pub project: ProjectRules,
}

/// Where `rules` and `explain` find the project's own rules, as `check` does.
#[derive(Debug, Clone, Default, Args)]
pub struct ProjectRules {
    /// Use this config file instead of discovering palisade.toml / pyproject.toml upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Extra secret rules (YAML, the built-in format), as given to `check`.
    #[arg(long = "secrets-rules", value_name = "FILE")]
    pub secrets_rules: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub check: CheckArgs,
}
