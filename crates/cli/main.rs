//! palisade: one pass over the files being committed for secrets, Bandit's Python security
//! rules and dependency pins/audits.
//!
//! Reading order: `args` (the command line) -> `commands/check` -> `select/` (which files)
//! -> `read` (each file once) -> `scan` (the parallel pass over the `checkers/`) ->
//! palisade-core's `pipeline` (every finding, one order) -> `output` (redacted, atomic).

mod archive;
mod args;
mod checkers;
mod commands;
mod config;
mod history;
mod output;
mod progress;
mod read;
mod scan;
mod select;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

const SUBCOMMANDS: [&str; 9] = [
    "check", "rules", "explain", "baseline", "db", "licenses", "fix", "accepts", "help",
];

/// `palisade PATHS...` means `palisade check PATHS...`: insert `check` unless the first
/// argument is a subcommand or a top-level flag.
fn with_default_command(mut argv: Vec<OsString>) -> Vec<OsString> {
    let first = argv.get(1).and_then(|a| a.to_str()).map(str::to_owned);
    let insert = match first.as_deref() {
        None => true,
        Some(a) => !SUBCOMMANDS.contains(&a) && !matches!(a, "-h" | "--help" | "-V" | "--version"),
    };
    if insert {
        argv.insert(1, OsString::from("check"));
    }
    argv
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(with_default_command(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // A checker's panic is caught per file and reported as that file's error; the default hook
    // would print the panic message, which may quote file contents (a secret), to stderr.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("palisade: internal error{at} (a bug; please report it)");
    }));
    let result = match &cli.command {
        Command::Check(a) => commands::check::run(a),
        Command::Rules(a) => commands::rules::run(a),
        Command::Explain(a) => commands::explain::run(a),
        Command::Baseline(a) => commands::baseline::run(a),
        Command::Db(a) => commands::db::run(a),
        Command::Licenses(a) => commands::licenses::run(a),
        Command::Fix(a) => commands::fix::run(a),
        Command::Accepts(a) => commands::accepts::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("palisade: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
