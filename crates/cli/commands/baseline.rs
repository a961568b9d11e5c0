//! `palisade baseline`: records today's findings so later runs report only new ones.

use std::process::ExitCode;

use anyhow::Result;
use palisade_core::suppress::baseline::Baseline;
use palisade_core::DiagnosticLevel;

use crate::args::BaselineArgs;
use crate::commands::check;

pub fn run(args: &BaselineArgs) -> Result<ExitCode> {
    let c = &args.check;
    if c.format != crate::args::FormatArg::Text
        || c.exit_zero
        || c.no_snippets
        || c.baseline.is_some()
    {
        anyhow::bail!(
            "--format, --exit-zero, --no-snippets and --baseline apply to `palisade check`, not to `palisade baseline`"
        );
    }
    let mut c = check::collect(&args.check, false)?;
    let redactor = if args.check.no_redact {
        palisade_core::redact::Redactor::disabled()
    } else {
        palisade_core::redact::Redactor::new(c.secrets.iter().map(String::as_str))
    };
    for d in &mut c.diagnostics {
        redactor.diagnostic(d);
    }
    check::report_diagnostics(&c.diagnostics, &args.check);
    let path = args
        .check
        .output
        .clone()
        .unwrap_or_else(|| check::default_baseline_path(&c.loaded));
    let baseline = Baseline::from_findings(&c.findings);
    baseline.save(&path)?;
    if !args.check.quiet {
        eprintln!(
            "palisade: wrote {} finding{} ({} fingerprints) to {}",
            c.findings.len(),
            if c.findings.len() == 1 { "" } else { "s" },
            baseline.findings.len(),
            path.display()
        );
    }
    let errors = c
        .diagnostics
        .iter()
        .any(|d| d.level == DiagnosticLevel::Error);
    if errors {
        eprintln!("palisade: some files could not be checked; the baseline is incomplete");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}
