//! The parallel pass: read each selected file once, let every enabled checker see the same
//! bytes, send every finding through the one pipeline's file stages, and collect findings,
//! diagnostics and the secret values the redactor must mask, in a deterministic order.

use std::collections::HashSet;
use std::io::Read;

use palisade_core::pipeline::{Counts, Pipeline};
use palisade_core::report::Summary;
use palisade_core::{
    Checker, CheckerKind, ContentReader, Diagnostic, DiagnosticLevel, FileReport, Finding, Gap,
    ScanContext, SourceFile,
};
use rayon::prelude::*;

use crate::read::{self, Content};
use crate::select::{Input, Source};

/// Builds a secrets checker on first use, for runs where the secrets checker is not enabled:
/// the redactor still has to know the secrets in files whose findings or diagnostics quote them.
pub type SecretScanner<'a> = &'a (dyn Fn() -> Option<&'a dyn Checker> + Sync);

pub struct ScanOptions<'a> {
    pub checkers: &'a [Box<dyn Checker>],
    pub pipeline: &'a Pipeline,
    pub reader: &'a dyn ContentReader,
    pub max_file_size: u64,
    /// `None` when redaction is off (`--no-redact`): no values need collecting.
    pub secret_scanner: Option<SecretScanner<'a>>,
    /// Whether the secrets checker is among the enabled checkers (then it saw every file).
    pub secrets_enabled: bool,
    /// Bytes of quoted text scanned for secrets so far in this run (see [`quoted_secrets`]).
    pub quoted_bytes: std::sync::atomic::AtomicUsize,
}

/// Past this many bytes of quoted text in a run, the secrets scanner searches quoted text with
/// its large-scan prefilter (a DFA built once per run, the same hits as the build-time table:
/// `crates/secrets/tests/prefilter.rs`); before, a one-file commit pays for no automaton.
const QUOTED_DFA_AFTER: usize = 256 << 10;

/// What a pass produced: findings after the file stages, before the run stages.
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub secrets: Vec<String>,
    pub summary: Summary,
    pub counts: Counts,
}

/// What checking one file produced, after the pipeline's file stages.
#[derive(Default)]
pub struct FileOutcome {
    pub checked: bool,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub secrets: Vec<String>,
    pub counts: Counts,
    pub suppressed: usize,
    /// What the findings and diagnostics of a file the secrets checker did not see quote
    /// (path, joined distinct texts), for [`scan_quoted`] to scan once all files are checked.
    pub quoted: Vec<(String, String)>,
}

/// Large files are streamed to the secrets checker in chunks this big, each starting with the
/// last lines of the one before, so a secret across a boundary is still seen whole.
const CHUNK: usize = 1 << 20;
const OVERLAP: usize = 64 << 10;

pub fn run(inputs: Vec<Input>, opts: &ScanOptions<'_>) -> ScanResult {
    let files: Vec<String> = inputs.iter().map(|i| i.path.clone()).collect();
    let ctx = ScanContext {
        files: &files,
        reader: opts.reader,
    };
    let progress = crate::progress::counter(inputs.len() as u64, "files");
    let outcomes: Vec<FileOutcome> = inputs
        .into_par_iter()
        .map(|input| {
            let outcome = check_one(input, &ctx, opts);
            progress.inc();
            outcome
        })
        .collect();
    drop(progress);

    let mut outcomes = outcomes;
    for o in &mut outcomes {
        scan_quoted(o, &ctx, opts);
    }
    let mut result = ScanResult {
        findings: Vec::new(),
        diagnostics: Vec::new(),
        secrets: Vec::new(),
        summary: Summary::default(),
        counts: Counts::default(),
    };
    // One allocation of the final size: growing by doubling would hold up to twice the
    // findings at the moment it moves them.
    result
        .findings
        .reserve_exact(outcomes.iter().map(|o| o.findings.len()).sum());
    for o in outcomes {
        if o.checked {
            result.summary.files_checked += 1;
        }
        result.summary.suppressed_inline += o.suppressed;
        result.counts.add(&o.counts);
        result.findings.extend(o.findings);
        result.diagnostics.extend(o.diagnostics);
        result.secrets.extend(o.secrets);
    }

    // Scan-wide findings (cross-file rules) go through the same file stages, with the text of
    // the file they point at read from the same snapshot.
    let scanned: HashSet<&str> = files.iter().map(String::as_str).collect();
    let mut late = FileReport::default();
    for c in opts.checkers {
        c.finish(&ctx, &mut late);
    }
    let mut by_path: std::collections::BTreeMap<String, Vec<Finding>> = Default::default();
    for f in late.findings {
        by_path.entry(f.path.clone()).or_default().push(f);
    }
    let mut late_found = Vec::new();
    for (path, mut found) in by_path {
        let text = opts
            .reader
            .read(&path)
            .ok()
            .and_then(|b| read::decode_text(b).ok());
        let file = text.as_deref().map(|b| SourceFile::new(&path, b));
        for f in &found {
            result.secrets.extend(f.secrets.iter().cloned());
        }
        opts.pipeline.file_stages(
            &mut found,
            file.as_ref().map(|f| &*f.text),
            1,
            &mut result.counts,
        );
        late_found.extend(found);
    }
    // What the late findings and diagnostics quote of files the secrets checker did not see.
    let unseen = |p: &str| !scanned.contains(p) || !opts.secrets_enabled;
    let late_quotes: Vec<&Finding> = late_found.iter().filter(|f| unseen(&f.path)).collect();
    let late_diags: Vec<&Diagnostic> = late
        .diagnostics
        .iter()
        .filter(|d| unseen(&d.path))
        .collect();
    if opts.secret_scanner.is_some() {
        let text = quoted_text(&late_quotes, &late_diags);
        result
            .secrets
            .extend(quoted_secrets("(quoted)", &text, &ctx, opts));
    }
    result.findings.extend(late_found);
    result.diagnostics.extend(late.diagnostics);
    result.secrets.extend(late.secrets);
    for c in opts.checkers {
        c.coverage(&ctx, &mut result.diagnostics);
    }

    result
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    result
        .diagnostics
        .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    result.diagnostics.dedup();
    result
}

/// Scans what `out`'s files quote for secrets ([`quoted_secrets`]), after the parallel pass:
/// interleaved with parsing in the workers, the scanner's tables were cold for every file, and
/// the same text cost several times as much (0.25 s against 0.05 s of CPU for the 1.4 MB the
/// corpus's Python findings quote).
pub fn scan_quoted(out: &mut FileOutcome, ctx: &ScanContext<'_>, opts: &ScanOptions<'_>) {
    for (path, text) in std::mem::take(&mut out.quoted) {
        out.secrets.extend(quoted_secrets(&path, &text, ctx, opts));
    }
}

/// What findings and diagnostics quote (messages, snippets, notes), one line per distinct
/// text. A file's findings of one rule mostly repeat its message (28,000 of the corpus's
/// 34,000 Python findings are B101's), and findings on one line its snippet: a secret within a
/// quoted text is found in its first copy. What the joined text holds across two quoted texts
/// was never one printed text (the B101 message between two snippets of a PEM header and
/// footer had become a "private key", and every B101 message of the run was masked).
fn quoted_text(findings: &[&Finding], diagnostics: &[&Diagnostic]) -> String {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut text = String::new();
    let parts = findings
        .iter()
        .flat_map(|f| {
            std::iter::once(&f.message)
                .chain(f.snippet.as_ref())
                .chain(&f.notes)
        })
        .chain(diagnostics.iter().map(|d| &d.message));
    for part in parts {
        if seen.insert(part.as_str()) {
            text.push_str(part);
            text.push('\n');
        }
    }
    text
}

/// The secret values in `text`, what findings and diagnostics quote ([`quoted_text`]) of
/// text the enabled secrets checker did not see (or when it is not enabled): the redactor
/// then masks them. Only the quoted lines are scanned, not whole files: they are all that is
/// printed.
fn quoted_secrets(
    path: &str,
    text: &str,
    ctx: &ScanContext<'_>,
    opts: &ScanOptions<'_>,
) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let Some(scanner) = opts.secret_scanner.and_then(|s| s()) else {
        return Vec::new();
    };
    let file = SourceFile::new(path, text.as_bytes());
    let mut r = FileReport::default();
    // A few quoted lines: no large-scan automaton for them, until the run has quoted enough
    // text (thousands of findings) for one to repay its build. The secrets checker picks its
    // prefilter by the number of files in the context (the run's files: a DFA when they are
    // many); both prefilters give the same hits.
    let so_far = opts
        .quoted_bytes
        .fetch_add(text.len(), std::sync::atomic::Ordering::Relaxed);
    let quoted = ScanContext {
        files: if so_far + text.len() > QUOTED_DFA_AFTER {
            ctx.files
        } else {
            &[]
        },
        reader: ctx.reader,
    };
    guarded(scanner, &file, &quoted, &mut r);
    let mut out = r.secrets;
    for f in r.findings {
        out.extend(f.secrets);
    }
    out
}

/// Runs one checker on one file; a panic (a bug) becomes an error diagnostic for that file
/// and the scan goes on. The panic's message is not quoted: it may hold file contents.
fn guarded(c: &dyn Checker, file: &SourceFile<'_>, ctx: &ScanContext<'_>, out: &mut FileReport) {
    let mut local = FileReport::default();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        c.check(file, ctx, &mut local);
    }));
    match run {
        Ok(()) => {
            out.findings.append(&mut local.findings);
            out.diagnostics.append(&mut local.diagnostics);
            out.secrets.append(&mut local.secrets);
            out.suppressed += local.suppressed;
        }
        Err(_) => {
            // What it saw is still secret, whatever else failed.
            out.secrets.append(&mut local.secrets);
            out.secrets
                .extend(local.findings.into_iter().flat_map(|f| f.secrets));
            out.diagnostics.push(gap(
                DiagnosticLevel::Error,
                file.path,
                Gap::CheckerFailed,
                format!(
                    "not checked by the {} checker: it failed on this file (an internal error; please report it)",
                    c.kind()
                ),
            ));
        }
    }
}

fn gap(level: DiagnosticLevel, path: &str, gap: Gap, message: String) -> Diagnostic {
    let mut d = match level {
        DiagnosticLevel::Error => Diagnostic::error(path, message),
        DiagnosticLevel::Warning => Diagnostic::warning(path, message),
        DiagnosticLevel::Note => Diagnostic::note(path, message),
    };
    d.gap = Some(gap);
    d
}

/// Checks one file with every enabled checker that wants it: read, check, file stages.
pub fn check_one(input: Input, ctx: &ScanContext<'_>, opts: &ScanOptions<'_>) -> FileOutcome {
    let wanted: Vec<&dyn Checker> = opts
        .checkers
        .iter()
        .map(|c| c.as_ref())
        .filter(|c| c.applies_to(&input.path))
        .collect();
    let mut out = FileOutcome::default();
    if wanted.is_empty() {
        return out;
    }
    // A parsing checker that cannot read its file leaves it unchecked: the run fails.
    let parsers = wanted.iter().any(|c| c.kind() != CheckerKind::Secrets);
    if !parsers && crate::archive::kind(&input.path).is_some() {
        return archive_file(input, &wanted, ctx, opts);
    }
    let content = match input.source {
        Source::Memory(b) => {
            if b.len() as u64 > opts.max_file_size {
                Content::TooLarge(None, b)
            } else {
                read::decode(b)
            }
        }
        Source::Disk(p) => read::read_disk(&p, opts.max_file_size),
        Source::Refused(gap, message) => Content::Gap(gap, message),
    };
    let bytes = match content {
        Content::Text(b) => b,
        Content::Gap(g, message) => {
            let level = match g {
                Gap::Binary if !parsers => DiagnosticLevel::Note,
                Gap::OutsideRoot => DiagnosticLevel::Warning,
                _ => DiagnosticLevel::Error,
            };
            out.diagnostics.push(gap(level, &input.path, g, message));
            return out;
        }
        Content::TooLarge(file, memory) => {
            return large_file(&input.path, file, memory, &wanted, ctx, opts);
        }
    };
    let file = SourceFile::new(&input.path, &bytes);
    let mut report = FileReport::default();
    let mut secrets_ran = false;
    for c in &wanted {
        secrets_ran |= c.kind() == CheckerKind::Secrets;
        guarded(*c, &file, ctx, &mut report);
    }
    out.checked = true;
    finish_file(&mut out, report, &file, 1, opts, secrets_ran);
    out
}

/// Archives are read up to this size (the members' limits are in `archive::Limits`).
const ARCHIVE_MAX: u64 = 64 << 20;

/// An archive only the secrets checker wants: each member it holds is checked as a file of
/// its own (`archive.zip!member`); what the limits or a broken archive leave out is a note.
fn archive_file(
    input: Input,
    wanted: &[&dyn Checker],
    ctx: &ScanContext<'_>,
    opts: &ScanOptions<'_>,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let bytes = match input.source {
        Source::Memory(b) => b,
        Source::Disk(p) => match read::open_regular(&p) {
            Ok((file, _)) => {
                let mut b = Vec::new();
                if let Err(e) = file.take(ARCHIVE_MAX + 1).read_to_end(&mut b) {
                    out.diagnostics.push(gap(
                        DiagnosticLevel::Error,
                        &input.path,
                        Gap::Unreadable,
                        format!("cannot read: {}", read::io_reason(&e)),
                    ));
                    return out;
                }
                b
            }
            Err((g, m)) => {
                out.diagnostics
                    .push(gap(DiagnosticLevel::Error, &input.path, g, m));
                return out;
            }
        },
        Source::Refused(g, m) => {
            let level = if g == Gap::OutsideRoot {
                DiagnosticLevel::Warning
            } else {
                DiagnosticLevel::Error
            };
            out.diagnostics.push(gap(level, &input.path, g, m));
            return out;
        }
    };
    if bytes.len() as u64 > ARCHIVE_MAX {
        out.diagnostics.push(gap(
            DiagnosticLevel::Note,
            &input.path,
            Gap::TooLarge,
            format!(
                "an archive over {} MiB: its members were not checked",
                ARCHIVE_MAX >> 20
            ),
        ));
        return out;
    }
    let opened = crate::archive::open(
        &input.path,
        &bytes,
        &crate::archive::Limits::new(opts.max_file_size),
    );
    drop(bytes);
    let mut binary = 0;
    for member in opened.members {
        let text = match read::decode_text(member.bytes) {
            Ok(t) => t,
            Err(_) => {
                binary += 1;
                continue;
            }
        };
        let file = SourceFile::new(&member.path, &text);
        let mut report = FileReport::default();
        for c in wanted {
            guarded(*c, &file, ctx, &mut report);
        }
        finish_file(&mut out, report, &file, 1, opts, true);
    }
    out.checked = true;
    if binary > 0 {
        out.diagnostics.push(gap(
            DiagnosticLevel::Note,
            &input.path,
            Gap::Binary,
            format!(
                "{binary} binary member{} of the archive not checked",
                if binary == 1 { "" } else { "s" }
            ),
        ));
    }
    for what in opened.not_read {
        out.diagnostics.push(gap(
            DiagnosticLevel::Note,
            &input.path,
            Gap::TooLarge,
            format!("not checked in the archive: {what}"),
        ));
    }
    out
}

/// Collects the secret values of one checked piece of a file and runs the file stages.
fn finish_file(
    out: &mut FileOutcome,
    mut report: FileReport,
    file: &SourceFile<'_>,
    first_line: u32,
    opts: &ScanOptions<'_>,
    secrets_ran: bool,
) {
    if opts.secret_scanner.is_some() {
        out.secrets.append(&mut report.secrets);
        for f in &report.findings {
            out.secrets.extend(f.secrets.iter().cloned());
        }
        if !secrets_ran {
            let f: Vec<&Finding> = report.findings.iter().collect();
            let d: Vec<&Diagnostic> = report.diagnostics.iter().collect();
            let text = quoted_text(&f, &d);
            if !text.is_empty() {
                out.quoted.push((file.path.to_string(), text));
            }
        }
    }
    out.suppressed += report.suppressed;
    opts.pipeline.file_stages(
        &mut report.findings,
        Some(&file.text),
        first_line,
        &mut out.counts,
    );
    out.findings.append(&mut report.findings);
    out.diagnostics.append(&mut report.diagnostics);
}

/// A file over the size limit: the secrets checker still sees all of it, streamed in
/// overlapping chunks (memory stays bounded); the parsing checkers skip it, and the report
/// says so.
fn large_file(
    path: &str,
    file: Option<std::fs::File>,
    memory: Vec<u8>,
    wanted: &[&dyn Checker],
    ctx: &ScanContext<'_>,
    opts: &ScanOptions<'_>,
) -> FileOutcome {
    let mut out = FileOutcome::default();
    let limit = opts.max_file_size;
    for c in wanted.iter().filter(|c| c.kind() != CheckerKind::Secrets) {
        let level = if c.must_check(path) {
            DiagnosticLevel::Error
        } else {
            DiagnosticLevel::Warning
        };
        out.diagnostics.push(gap(
            level,
            path,
            Gap::TooLarge,
            format!(
                "not checked by the {} checker: larger than {limit} bytes (--max-file-size); secrets were still checked",
                c.kind()
            ),
        ));
    }
    let Some(secrets) = wanted.iter().find(|c| c.kind() == CheckerKind::Secrets) else {
        return out;
    };
    let mut source: Box<dyn Read> = match file {
        Some(f) => Box::new(f),
        None => Box::new(std::io::Cursor::new(memory)),
    };
    let mut carry: Vec<u8> = Vec::new();
    let mut carry_line = 1u32; // line number of carry[0]
    let mut seen: HashSet<(String, u32, u32)> = HashSet::new();
    let mut first = true;
    loop {
        let mut buf = std::mem::take(&mut carry);
        let start_len = buf.len();
        let got = match (&mut source).take(CHUNK as u64).read_to_end(&mut buf) {
            Ok(n) => n,
            Err(e) => {
                out.diagnostics.push(gap(
                    DiagnosticLevel::Error,
                    path,
                    Gap::Unreadable,
                    format!("cannot read: {}", read::io_reason(&e)),
                ));
                return out;
            }
        };
        let eof = got == 0 || got < CHUNK;
        if first {
            first = false;
            let probe = buf.clone();
            match read::decode_text(probe) {
                Ok(decoded) if decoded.len() != buf.len() || decoded != buf => {
                    // UTF-16/32 text this large: not streamed (decoding needs the whole file).
                    out.diagnostics.push(gap(
                        DiagnosticLevel::Warning,
                        path,
                        Gap::TooLarge,
                        format!("not checked: UTF-16/32 text larger than {limit} bytes"),
                    ));
                    return out;
                }
                Ok(_) => {}
                Err(message) => {
                    out.diagnostics
                        .push(gap(DiagnosticLevel::Note, path, Gap::Binary, message));
                    return out;
                }
            }
        }
        // Cut at the last newline so no line is split; keep the tail's last lines as overlap.
        let cut = if eof {
            buf.len()
        } else {
            buf.iter()
                .rposition(|&b| b == b'\n')
                .map_or(buf.len(), |i| i + 1)
        };
        if got == 0 && buf.len() == start_len && start_len == 0 {
            break;
        }
        let piece = &buf[..cut];
        let file = SourceFile::new(path, piece);
        let mut report = FileReport::default();
        guarded(*secrets, &file, ctx, &mut report);
        report.findings.retain_mut(|f| {
            f.span.start_line += carry_line - 1;
            f.span.end_line += carry_line - 1;
            seen.insert((f.rule_id.clone(), f.span.start_line, f.span.start_col))
        });
        finish_file(&mut out, report, &file, carry_line, opts, true);
        if eof {
            break;
        }
        // The overlap starts at a line boundary at most OVERLAP bytes before the cut.
        let from = cut.saturating_sub(OVERLAP);
        let from = if from == 0 {
            0
        } else {
            piece[from..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(cut, |i| from + i + 1)
        };
        carry_line += piece[..from].iter().filter(|&&b| b == b'\n').count() as u32;
        carry = buf[from..].to_vec();
    }
    out.checked = true;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_core::{CheckerKind, RuleMeta};

    /// Reports what it saw, then fails: a checker with a bug.
    struct Panicking;

    impl Checker for Panicking {
        fn kind(&self) -> CheckerKind {
            CheckerKind::Python
        }
        fn rules(&self) -> &[RuleMeta] {
            &[]
        }
        fn applies_to(&self, _path: &str) -> bool {
            true
        }
        fn check(&self, file: &SourceFile<'_>, _ctx: &ScanContext<'_>, out: &mut FileReport) {
            out.secrets.push("hunter2-was-seen".into());
            panic!("cannot handle {:?}", file.bytes);
        }
    }

    #[test]
    fn a_panicking_checker_is_that_files_error_and_keeps_its_secrets() {
        let files = vec!["a.py".to_string()];
        let reader = palisade_core::FsReader(".".into());
        let ctx = ScanContext {
            files: &files,
            reader: &reader,
        };
        let mut out = FileReport::default();
        guarded(
            &Panicking,
            &SourceFile::new("a.py", b"x = 1\n"),
            &ctx,
            &mut out,
        );
        assert!(out.findings.is_empty());
        let [d] = out.diagnostics.as_slice() else {
            panic!("{:?}", out.diagnostics)
        };
        assert_eq!(d.level, DiagnosticLevel::Error);
        assert_eq!(d.gap, Some(Gap::CheckerFailed));
        assert_eq!(d.path, "a.py");
        assert!(!d.message.contains("x = 1"), "{}", d.message);
        assert_eq!(out.secrets, ["hunter2-was-seen"]);
    }
}
