//! `palisade explain ID`: a rule's documentation, from its doc comment or data.

use std::process::ExitCode;

use anyhow::Result;
use palisade_core::CheckerKind;

use crate::args::ExplainArgs;

pub fn run(args: &ExplainArgs) -> Result<ExitCode> {
    let checkers = crate::checkers::all_configured(&args.project)?;
    let wanted = args.rule.as_str();
    let found = checkers
        .iter()
        .flat_map(|c| c.rules().iter())
        .find(|r| r.id.eq_ignore_ascii_case(wanted) || r.name == wanted);
    let Some(rule) = found else {
        let near: Vec<String> = checkers
            .iter()
            .flat_map(|c| c.rules().iter())
            .filter(|r| {
                r.id.to_ascii_lowercase()
                    .starts_with(&wanted.to_ascii_lowercase())
            })
            .take(8)
            .map(|r| r.id.to_string())
            .collect();
        eprint!("palisade: no rule `{wanted}`");
        if near.is_empty() {
            eprintln!("; `palisade rules` lists them all");
        } else {
            eprintln!("; did you mean {}?", near.join(", "));
        }
        return Ok(ExitCode::from(2));
    };
    let cwe = rule.cwe.map(|c| format!(", CWE-{c}")).unwrap_or_default();
    // Secret rules are named by their id: say it once.
    let name = if rule.name == rule.id {
        String::new()
    } else {
        format!(" {}", rule.name)
    };
    let mut text = format!(
        "{}{name} ({} checker, {}/{}{cwe})\n\n{}\n",
        rule.id, rule.checker, rule.severity, rule.confidence, rule.summary
    );
    let mut doc = rule.doc_text();
    if rule.checker == CheckerKind::Secrets {
        // The rule data writes examples as generators (`AKIA{{upper:16}}`); a reader wants to
        // see what a match looks like. (SARIF help keeps the generators: a report committed to
        // the repository must not be full of realistic tokens.)
        doc = palisade_secrets::check_rules::expand_example(&doc, &rule.id);
    }
    if !doc.is_empty() {
        text.push('\n');
        text.push_str(&doc);
        text.push('\n');
    }
    crate::output::ignore_broken_pipe(std::io::Write::write_all(
        &mut std::io::stdout(),
        text.as_bytes(),
    ))?;
    Ok(ExitCode::SUCCESS)
}
