//! Human output: `path:line:col: ID severity/confidence message`, a snippet, a summary.

use std::io::{self, Write};

use super::Report;
use crate::finding::Severity;

#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    pub color: bool,
    pub show_snippets: bool,
    /// No summary line (`-q`).
    pub quiet: bool,
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
    }
}

pub fn write(report: &Report<'_>, opts: &TextOptions, out: &mut dyn Write) -> io::Result<()> {
    let paint = |code: &'static str| if opts.color { code } else { "" };
    for f in report.findings {
        writeln!(
            out,
            "{b}{}:{}:{}:{r} {c}{}{r} {}/{} {}",
            f.path,
            f.span.start_line,
            f.span.start_col,
            f.rule_id,
            f.severity,
            f.confidence,
            f.message,
            b = paint(BOLD),
            c = paint(severity_color(f.severity)),
            r = paint(RESET),
        )?;
        if let Some(p) = &f.provenance {
            writeln!(
                out,
                "    first added in commit {} by {} <{}> on {}",
                p.short_commit(),
                p.author,
                p.email,
                p.date
            )?;
        }
        for note in &f.notes {
            writeln!(out, "    note: {note}")?;
        }
        if !f.related.is_empty() {
            writeln!(out, "    also reported by: {}", f.related.join(", "))?;
        }
        if opts.show_snippets {
            if let Some(snippet) = &f.snippet {
                for line in snippet.lines() {
                    writeln!(out, "    {}{line}{}", paint(DIM), paint(RESET))?;
                }
            }
        }
    }
    if opts.quiet {
        return Ok(());
    }
    let s = report.summary;
    let n = report.findings.len();
    let count = |sev: Severity| report.findings.iter().filter(|f| f.severity == sev).count();
    let mut line = if n == 0 {
        "no findings".to_string()
    } else {
        let mut parts = Vec::new();
        for sev in [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
        ] {
            let c = count(sev);
            if c > 0 {
                parts.push(format!("{c} {sev}"));
            }
        }
        format!(
            "{n} finding{} ({})",
            if n == 1 { "" } else { "s" },
            parts.join(", ")
        )
    };
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let with: std::collections::BTreeSet<&str> =
        report.findings.iter().map(|f| f.path.as_str()).collect();
    match s.commits_checked {
        Some(commits) => line.push_str(&format!(
            " in {commits} commit{} ({} unique file version{})",
            plural(commits),
            s.files_checked,
            plural(s.files_checked)
        )),
        None if n == 0 => line.push_str(&format!(
            " in {} file{} checked",
            s.files_checked,
            plural(s.files_checked)
        )),
        None => line.push_str(&format!(
            " in {} of {} file{} checked",
            with.len(),
            s.files_checked,
            plural(s.files_checked)
        )),
    }
    let mut extra = Vec::new();
    if s.suppressed_inline > 0 {
        extra.push(format!("{} suppressed inline", s.suppressed_inline));
    }
    if s.suppressed_baseline > 0 {
        extra.push(format!("{} in baseline", s.suppressed_baseline));
    }
    if s.accepted > 0 {
        extra.push(format!("{} accepted", s.accepted));
    }
    if s.outside_change > 0 {
        extra.push(format!("{} on unchanged lines", s.outside_change));
    }
    if s.errors > 0 {
        extra.push(format!(
            "{} error{}",
            s.errors,
            if s.errors == 1 { "" } else { "s" }
        ));
    }
    if s.merged > 0 {
        extra.push(format!("{} merged into another rule's finding", s.merged));
    }
    if !extra.is_empty() {
        line.push_str(&format!("; {}", extra.join(", ")));
    }
    writeln!(out, "{line}")?;
    // What was not checked is part of the result: said at default verbosity.
    let coverage = super::Coverage::of(report.diagnostics);
    if coverage.file_count > 0 {
        let parts: Vec<String> = coverage
            .files
            .iter()
            .map(|(g, n)| format!("{n} {}", g.label()))
            .collect();
        writeln!(
            out,
            "{} file{} not (fully) checked: {} (-v lists them)",
            coverage.file_count,
            if coverage.file_count == 1 { "" } else { "s" },
            parts.join(", ")
        )?;
    }
    for d in coverage.run {
        writeln!(out, "not checked: {}", d.message)?;
    }
    if let Some(first) = report.findings.first() {
        // Said once, with a real id, so a newcomer learns where the rule texts are.
        writeln!(
            out,
            "`palisade explain ID` tells what a rule finds and how to fix it (e.g. palisade explain {})",
            first.rule_id
        )?;
    }
    Ok(())
}
