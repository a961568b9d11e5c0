//! One stable JSON document per run.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, Summary};
use crate::checker::Diagnostic;
use crate::finding::Finding;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool<'a>,
    summary: &'a Summary,
    findings: &'a [Finding],
    /// Everything left unchecked, with the reason (`gap`): the coverage of this run.
    not_checked: Vec<&'a Diagnostic>,
    diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        version: 1,
        tool: Tool {
            name: "palisade",
            version: report.tool_version,
        },
        summary: report.summary,
        findings: report.findings,
        not_checked: report
            .diagnostics
            .iter()
            .filter(|d| d.gap.is_some())
            .collect(),
        diagnostics: report.diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
