//! The checkers this binary composes, built from the config and command line.

pub mod deps;
pub mod python;
pub mod secrets;

use std::path::Path;

use anyhow::Result;
use palisade_core::{Checker, CheckerKind};

use crate::args::CheckArgs;
use crate::config::Config;

/// Builds the enabled checkers, in the fixed order secrets, python, deps.
pub fn build(
    enabled: &[CheckerKind],
    args: &CheckArgs,
    config: &Config,
    root: &Path,
) -> Result<Vec<Box<dyn Checker>>> {
    let mut out: Vec<Box<dyn Checker>> = Vec::new();
    for kind in CheckerKind::ALL {
        if !enabled.contains(&kind) {
            continue;
        }
        out.push(match kind {
            CheckerKind::Secrets => Box::new(secrets::build(&args.secrets, &config.secrets, root)?),
            CheckerKind::Python => Box::new(python::build(&args.python, &config.python, root)?),
            CheckerKind::Deps => Box::new(deps::build(&args.deps, &config.deps, root)?),
        });
    }
    Ok(out)
}

/// Every checker with its default configuration, for `rules` and `explain`.
pub fn all_with_defaults() -> Result<Vec<Box<dyn Checker>>> {
    build(
        &CheckerKind::ALL,
        &CheckArgs::default(),
        &Config::default(),
        Path::new("."),
    )
}
