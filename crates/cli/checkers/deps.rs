//! Wires the deps checker: its command-line options and how they merge with the `[deps]` config.

use std::path::Path;

use anyhow::Result;
use palisade_deps::{Config, DepsChecker};

/// Command-line options of the deps checker (flattened into `palisade check`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DepsArgs {}

/// Builds the checker from its config section and options. `root` is the folder paths are
/// relative to (the config file's folder, or the working directory).
pub fn build(_args: &DepsArgs, config: &Config, _root: &Path) -> Result<DepsChecker> {
    Ok(DepsChecker::new(config))
}
