//! The checkers this binary composes, built from the config and command line.

pub mod deps;
pub mod python;
pub mod secrets;

use std::path::Path;

use anyhow::Result;
use palisade_core::clock::Clock;
use palisade_core::{Checker, CheckerKind, RuleMeta};

use crate::args::CheckArgs;
use crate::config::Config;

/// What the run plan tells the checkers before they are built.
pub struct BuildPlan<'a> {
    pub enabled: &'a [CheckerKind],
    pub clock: Clock,
    /// Packages whose risk is accepted as a whole, in force today.
    pub accepted_packages: Vec<String>,
    /// Decides the enabled rule ids from every rule of the enabled checkers.
    pub select: &'a dyn Fn(&[&RuleMeta]) -> palisade_core::pipeline::RuleSelection,
}

/// Builds the enabled checkers, in the fixed order secrets, python, deps, each limited to the
/// rules the run will report (so prefilters skip what no enabled rule needs).
pub fn build(
    plan: &BuildPlan<'_>,
    args: &CheckArgs,
    config: &Config,
    root: &Path,
) -> Result<Vec<Box<dyn Checker>>> {
    let on = |k| plan.enabled.contains(&k);
    let secrets = on(CheckerKind::Secrets)
        .then(|| secrets::build(&args.secrets, &config.secrets, root))
        .transpose()?;
    let mut python = on(CheckerKind::Python)
        .then(|| python::build(&args.python, &config.python, root))
        .transpose()?;
    let mut deps = on(CheckerKind::Deps)
        .then(|| deps::build(&args.deps, &config.deps, root))
        .transpose()?
        .map(|d| {
            let d = d
                .with_now(plan.clock.now())
                .with_accepted_packages(plan.accepted_packages.clone());
            // A run over a change reports what the change adds; an installed environment is
            // part of none (the checker says it was not audited).
            let mode = &args.mode;
            if mode.staged || mode.diff.is_some() || mode.patch.is_some() {
                d.without_environment(args.deps.environment.is_some())
            } else {
                d
            }
        });
    let mut rules: Vec<&RuleMeta> = Vec::new();
    if let Some(s) = &secrets {
        rules.extend(s.rules());
    }
    if let Some(p) = &python {
        rules.extend(p.rules());
    }
    if let Some(d) = &deps {
        rules.extend(d.rules());
    }
    let enabled = (plan.select)(&rules);
    if let Some(p) = &mut python {
        p.restrict_to(&|id| enabled.is_enabled(id));
    }
    if let Some(d) = &mut deps {
        d.restrict_to(&|id| enabled.is_enabled(id));
    }
    let mut out: Vec<Box<dyn Checker>> = Vec::new();
    if let Some(s) = secrets {
        out.push(Box::new(s));
    }
    if let Some(p) = python {
        out.push(Box::new(p));
    }
    if let Some(d) = deps {
        out.push(Box::new(d));
    }
    Ok(out)
}

/// Every checker as the project configures it (its config file and custom secret rules), with
/// every rule, for `rules` and `explain`.
pub fn all_configured(project: &crate::args::ProjectRules) -> Result<Vec<Box<dyn Checker>>> {
    let cwd = std::env::current_dir()?;
    let loaded = crate::config::load(project.config.as_deref(), &cwd)?;
    let config = &loaded.config;
    let mut args = CheckArgs::default();
    args.secrets.secrets_rules = project.secrets_rules.clone();
    let root = loaded.root.as_path();
    let out: Vec<Box<dyn Checker>> = vec![
        Box::new(secrets::build(&args.secrets, &config.secrets, root)?),
        Box::new(python::build(&args.python, &config.python, root)?),
        Box::new(deps::build(&args.deps, &config.deps, root)?),
    ];
    Ok(out)
}
