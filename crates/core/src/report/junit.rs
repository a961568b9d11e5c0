//! JUnit XML: one test case per finding, each a failure, so CI dashboards list them.

use std::io::{self, Write};

use super::Report;
use crate::checker::DiagnosticLevel;

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .collect();
    // What was not checked without failing the run: skipped test cases, so it shows.
    let skipped: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.level != DiagnosticLevel::Error && d.gap.is_some())
        .collect();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="palisade" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        report.findings.len() + errors.len() + skipped.len(),
        report.findings.len(),
        errors.len(),
        skipped.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="palisade" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        report.findings.len() + errors.len() + skipped.len(),
        report.findings.len(),
        errors.len(),
        skipped.len()
    )?;
    for f in report.findings {
        writeln!(
            out,
            r#"    <testcase name="{} {}:{}:{}" classname="{}">"#,
            xml(&f.rule_id),
            xml(&f.path),
            f.span.start_line,
            f.span.start_col,
            xml(&f.path)
        )?;
        let mut body = format!(
            "{}:{}:{}: {} {}/{} {}",
            f.path,
            f.span.start_line,
            f.span.start_col,
            f.rule_id,
            f.severity,
            f.confidence,
            f.message
        );
        if let Some(s) = &f.snippet {
            body.push('\n');
            body.push_str(s);
        }
        writeln!(
            out,
            r#"      <failure type="{}" message="{}">{}</failure>"#,
            xml(&f.rule_id),
            xml(&f.message),
            xml(&body)
        )?;
        writeln!(out, "    </testcase>")?;
    }
    for d in errors {
        writeln!(
            out,
            r#"    <testcase name="{}" classname="{}">"#,
            xml(&d.to_string()),
            xml(&d.path)
        )?;
        writeln!(out, r#"      <error message="{}"/>"#, xml(&d.message))?;
        writeln!(out, "    </testcase>")?;
    }
    for d in skipped {
        writeln!(
            out,
            r#"    <testcase name="{}" classname="{}">"#,
            xml(&d.to_string()),
            xml(&d.path)
        )?;
        writeln!(
            out,
            r#"      <skipped message="not checked: {}"/>"#,
            xml(&d.message)
        )?;
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
