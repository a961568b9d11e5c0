//! GitHub Actions workflow commands: one annotation per finding and per error.

use std::io::{self, Write};

use super::Report;
use crate::checker::DiagnosticLevel;
use crate::finding::Severity;

/// Escaping per the workflow-command spec: data escapes `%`, CR, LF; properties also `:` and `,`.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for f in report.findings {
        let level = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "notice",
        };
        let mut message = format!("{} [{}/{}]", f.message, f.severity, f.confidence);
        if let Some(p) = &f.provenance {
            message.push_str(&format!(
                "\nfirst added in commit {} by {} <{}> on {}",
                p.short_commit(),
                p.author,
                p.email,
                p.date
            ));
        }
        for note in &f.notes {
            message.push_str(&format!("\n{note}"));
        }
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},title={}::{}",
            prop(&f.path),
            f.span.start_line,
            f.span.start_col,
            f.span.end_line.max(f.span.start_line),
            prop(&format!("palisade {}", f.rule_id)),
            data(&message)
        )?;
    }
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error || d.gap.is_some())
    {
        let kind = match d.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Note => "notice",
        };
        let loc = if d.path.is_empty() {
            String::new()
        } else {
            format!(" file={}", prop(&d.path))
        };
        let line = d.line.map(|l| format!(",line={l}")).unwrap_or_default();
        let title = match d.gap {
            Some(g) => format!(
                ",title={}",
                prop(&format!("palisade: not checked ({})", g.label()))
            ),
            None => String::new(),
        };
        let sep = if loc.is_empty() && !title.is_empty() {
            " "
        } else {
            ""
        };
        let title = if sep.is_empty() {
            title
        } else {
            title.trim_start_matches(',').to_string()
        };
        writeln!(out, "::{kind}{loc}{line}{sep}{title}::{}", data(&d.message))?;
    }
    Ok(())
}
