//! The parallel pass: read each selected file once, let every enabled checker see the same
//! bytes, filter the findings, collect them in a deterministic order.

use palisade_core::checker::ContentReader;
use palisade_core::report::Summary;
use palisade_core::suppress::inline;
use palisade_core::{Checker, Diagnostic, FileReport, Finding, LineIndex, ScanContext, SourceFile};
use rayon::prelude::*;

use crate::rule_filter::RuleFilter;
use crate::select::{Input, Source};

pub struct ScanOptions<'a> {
    pub checkers: &'a [Box<dyn Checker>],
    pub filter: &'a RuleFilter,
    pub reader: &'a dyn ContentReader,
    pub max_file_size: u64,
    pub no_redact: bool,
}

/// What a pass produced before baselines and acceptances.
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

/// Bytes sniffed for a NUL to call a file binary, as git does.
const SNIFF: usize = 8192;

enum Outcome {
    Checked(FileReport, usize, usize),
    Skipped(Diagnostic),
    Failed(Diagnostic),
    /// No enabled checker wants this file: not counted anywhere.
    NotApplicable,
}

pub fn run(inputs: Vec<Input>, opts: &ScanOptions<'_>) -> ScanResult {
    let files: Vec<String> = inputs.iter().map(|i| i.path.clone()).collect();
    let ctx = ScanContext {
        files: &files,
        reader: opts.reader,
        no_redact: opts.no_redact,
    };
    let outcomes: Vec<Outcome> = inputs
        .into_par_iter()
        .map(|input| check_one(input, &ctx, opts))
        .collect();

    let mut result = ScanResult {
        findings: Vec::new(),
        diagnostics: Vec::new(),
        summary: Summary::default(),
    };
    for o in outcomes {
        match o {
            Outcome::Checked(report, suppressed, outside) => {
                result.summary.files_checked += 1;
                result.summary.suppressed_inline += suppressed + report.suppressed;
                result.summary.outside_change += outside;
                result.findings.extend(report.findings);
                result.diagnostics.extend(report.diagnostics);
            }
            Outcome::Skipped(d) => {
                result.summary.files_skipped += 1;
                result.diagnostics.push(d);
            }
            Outcome::Failed(d) => result.diagnostics.push(d),
            Outcome::NotApplicable => {}
        }
    }
    // Scan-wide findings (cross-file rules) come last; they have no single file's text.
    for c in opts.checkers {
        let mut report = FileReport::default();
        c.finish(&ctx, &mut report);
        result.findings.extend(
            report
                .findings
                .into_iter()
                .filter(|f| opts.filter.keeps(f))
                .map(|mut f| {
                    f.seal();
                    f
                }),
        );
        result.diagnostics.extend(report.diagnostics);
    }
    result
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    result
        .diagnostics
        .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    result
}

fn check_one(input: Input, ctx: &ScanContext<'_>, opts: &ScanOptions<'_>) -> Outcome {
    let wanted: Vec<&dyn Checker> = opts
        .checkers
        .iter()
        .map(|c| c.as_ref())
        .filter(|c| c.applies_to(&input.path))
        .collect();
    if wanted.is_empty() {
        return Outcome::NotApplicable;
    }
    let bytes = match input.source {
        Source::Memory(b) => b,
        Source::Disk(p) => match read_limited(&p, opts.max_file_size) {
            Ok(Some(b)) => b,
            Ok(None) => {
                return Outcome::Skipped(Diagnostic::note(
                    &input.path,
                    format!(
                        "skipped: larger than {} bytes (--max-file-size)",
                        opts.max_file_size
                    ),
                ))
            }
            Err(e) => {
                return Outcome::Failed(Diagnostic::error(
                    &input.path,
                    format!("cannot read: {}", crate::select::walk::io_reason(&e)),
                ))
            }
        },
    };
    if bytes.len() as u64 > opts.max_file_size {
        return Outcome::Skipped(Diagnostic::note(
            &input.path,
            format!(
                "skipped: larger than {} bytes (--max-file-size)",
                opts.max_file_size
            ),
        ));
    }
    if bytes[..bytes.len().min(SNIFF)].contains(&0) {
        return Outcome::Skipped(Diagnostic::note(&input.path, "skipped: binary file"));
    }
    let file = SourceFile::new(&input.path, &bytes);
    let mut report = FileReport::default();
    for c in wanted {
        c.check(&file, ctx, &mut report);
    }
    let mut suppressed = 0;
    let mut outside = 0;
    if !report.findings.is_empty() {
        let has_markers = file.text.contains("palisade:");
        // Lines are only looked up for inline ignore markers.
        let index = has_markers.then(|| LineIndex::new(&file.text));
        let changed = input.changed.as_ref();
        report.findings.retain_mut(|f| {
            if !opts.filter.keeps(f) {
                return false;
            }
            if let Some(c) = changed {
                if !c.intersects(f.span.start_line, f.span.end_line.max(f.span.start_line)) {
                    outside += 1;
                    return false;
                }
            }
            if let Some(index) = &index {
                if inline::is_ignored(&f.rule_id, f.span.start_line, |n| index.line_text(n)) {
                    suppressed += 1;
                    return false;
                }
            }
            f.seal();
            true
        });
    }
    Outcome::Checked(report, suppressed, outside)
}

/// Reads a file unless it is larger than `limit` (`Ok(None)`); the size is checked before
/// reading so a huge file costs nothing.
fn read_limited(path: &std::path::Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > limit {
        return Ok(None);
    }
    std::fs::read(path).map(Some)
}
