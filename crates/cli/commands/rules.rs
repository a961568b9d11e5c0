//! `palisade rules`: every rule, one per line.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::args::RulesArgs;
use crate::output::ignore_broken_pipe;

pub fn run(args: &RulesArgs) -> Result<ExitCode> {
    if let Some(file) = &args.check {
        let ok = crate::checkers::secrets::check_rules_file(file)?;
        return Ok(if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let checkers = crate::checkers::all_with_defaults()?;
    let mut rules: Vec<_> = checkers
        .iter()
        .filter(|c| args.only.is_empty() || args.only.contains(&c.kind()))
        .flat_map(|c| c.rules().iter())
        .collect();
    rules.sort_by(|a, b| (a.checker, &a.id).cmp(&(b.checker, &b.id)));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = (|| -> std::io::Result<()> {
        if args.json {
            serde_json::to_writer_pretty(&mut out, &rules)?;
            writeln!(out)?;
        } else {
            for r in &rules {
                let off = if r.default_enabled {
                    ""
                } else {
                    "  (off by default)"
                };
                writeln!(
                    out,
                    "{:<28} {:<8} {:<8} {:<7} {}{off}",
                    r.id, r.checker, r.severity, r.confidence, r.name
                )?;
            }
        }
        out.flush()
    })();
    ignore_broken_pipe(written)?;
    Ok(ExitCode::SUCCESS)
}
