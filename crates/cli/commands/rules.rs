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
    let checkers = crate::checkers::all_configured(&args.project)?;
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
            // Columns as wide as their longest entry (custom rule ids can be long).
            let rows: Vec<[String; 5]> = rules
                .iter()
                .map(|r| {
                    let off = if r.default_enabled {
                        ""
                    } else {
                        " (off by default)"
                    };
                    [
                        r.id.to_string(),
                        r.checker.to_string(),
                        r.severity.to_string(),
                        r.confidence.to_string(),
                        if r.name == r.id {
                            format!("{}{off}", r.summary)
                        } else {
                            format!("{}: {}{off}", r.name, r.summary)
                        },
                    ]
                })
                .collect();
            let header = ["ID", "CHECKER", "SEVERITY", "CONFIDENCE", "SUMMARY"].map(String::from);
            let mut width = [0usize; 4];
            for row in std::iter::once(&header).chain(&rows) {
                for (w, cell) in width.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            for row in std::iter::once(&header).chain(&rows) {
                writeln!(
                    out,
                    "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {}",
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    w0 = width[0],
                    w1 = width[1],
                    w2 = width[2],
                    w3 = width[3],
                )?;
            }
        }
        out.flush()
    })();
    ignore_broken_pipe(written)?;
    Ok(ExitCode::SUCCESS)
}
