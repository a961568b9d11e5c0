//! `palisade db ...`: the offline advisory database (owned by the deps checker).

use std::process::ExitCode;

use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Print where the advisory database is looked for.
    Status,
}

pub fn run(args: &DbArgs) -> Result<ExitCode> {
    match args.command {
        DbCommand::Status => {
            eprintln!("palisade: no advisory database support in this build yet");
            Ok(ExitCode::from(2))
        }
    }
}
