//! `check --history [RANGE]`: the secrets checker over a whole git history.
//!
//! 1. palisade-git walks the commits (all refs, or the range, minus `--since`) and lists, per
//!    commit, the files whose blob differs from every parent's.
//! 2. Each unique file version (blob and path: the checker's verdict depends on the path, a
//!    test folder lowers confidence) is read and checked once, in parallel, by the same
//!    [`scan::check_one`] every other mode uses, file stages of the one pipeline included.
//! 3. Each finding is credited to the earliest commit (parents first) that changed that file
//!    version and added the finding's line: a line diff against each parent's version, computed
//!    only for the few versions with findings. A merge adds a line only when no parent has it.
//! 4. One finding per rule and secret: the earliest. Its fingerprint (rule, path, secret) has no
//!    commit or line in it, so baselines and acceptances made from a history scan keep
//!    matching as history grows.

use std::collections::HashMap;

use anyhow::Result;
use palisade_core::report::Summary;
use palisade_core::{Diagnostic, Finding, Gap, Provenance, ScanContext};
use palisade_git::{HistoryRepo, HistorySpec, Oid};
use rayon::prelude::*;

use crate::config::Excludes;
use crate::scan::{self, ScanOptions, ScanResult};
use crate::select::{Input, Source};

/// The history pass. Errors (exit 2): a bad revision, a range that reaches a shallow clone's
/// boundary, an unreadable object database.
pub fn run(
    repo: &HistoryRepo,
    spec: &HistorySpec,
    opts: &ScanOptions<'_>,
    excludes: &Excludes,
    verbose: bool,
) -> Result<ScanResult> {
    let started = std::time::Instant::now();
    let history = repo.walk(spec)?;
    let walked = started.elapsed();
    let blobs = repo.blobs();

    // Unique file versions, each with the changes (commits, in order) that produced it.
    let mut versions: Vec<(Oid, u32)> = Vec::new();
    let mut changes_of: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<(Oid, u32), usize> = HashMap::new();
    for (i, ch) in history.changes.iter().enumerate() {
        let v = *index.entry((ch.blob, ch.path)).or_insert_with(|| {
            versions.push((ch.blob, ch.path));
            changes_of.push(Vec::new());
            versions.len() - 1
        });
        changes_of[v].push(i);
    }
    let excluded: Vec<bool> = history.paths.iter().map(|p| excludes.excludes(p)).collect();

    let ctx = ScanContext {
        files: &history.paths,
        reader: opts.reader,
    };
    let progress = crate::progress::counter(versions.len() as u64, "file versions");
    let outcomes: Vec<(usize, scan::FileOutcome)> = versions
        .par_iter()
        .enumerate()
        .filter(|(_, (_, path))| !excluded[*path as usize])
        .map(|(v, &(blob, path))| {
            progress.inc();
            let source = match blobs.read(blob) {
                Ok(bytes) => Source::Memory(bytes),
                Err(e) => Source::Refused(Gap::Unreadable, format!("cannot read: {e}")),
            };
            let input = Input {
                path: history.paths[path as usize].clone(),
                source,
                changed: None,
            };
            (v, scan::check_one(input, &ctx, opts))
        })
        .collect();

    let scanned = started.elapsed();
    let mut result = ScanResult {
        findings: Vec::new(),
        diagnostics: Vec::new(),
        secrets: Vec::new(),
        summary: Summary {
            commits_checked: Some(history.commits.len()),
            ..Summary::default()
        },
        counts: Default::default(),
    };
    // Lines added per (old blob, new blob): several commits may make the same change.
    let mut added: HashMap<(Option<Oid>, Oid), palisade_core::ChangedLines> = HashMap::new();
    // (rule, secret identity) -> (commit index, finding): the earliest wins.
    let mut first: HashMap<(String, String), (u32, Finding)> = HashMap::new();
    for (v, mut o) in outcomes {
        scan::scan_quoted(&mut o, &ctx, opts);
        if o.checked {
            result.summary.files_checked += 1;
        }
        result.summary.suppressed_inline += o.suppressed;
        result.counts.add(&o.counts);
        result.diagnostics.extend(o.diagnostics);
        result.secrets.extend(o.secrets);
        let blob = versions[v].0;
        for mut f in o.findings {
            let (start, end) = (f.span.start_line, f.span.end_line.max(f.span.start_line));
            let mut credited = None;
            for &c in &changes_of[v] {
                let change = &history.changes[c];
                let mut all_added = true;
                for parent in &change.parents {
                    let lines = match added.get(&(*parent, blob)) {
                        Some(l) => l,
                        None => {
                            let l = blobs.added_lines(*parent, blob)?;
                            added.entry((*parent, blob)).or_insert(l)
                        }
                    };
                    if !lines.intersects(start, end) {
                        all_added = false;
                        break;
                    }
                }
                if all_added {
                    credited = Some(change.commit);
                    break;
                }
            }
            let Some(commit) = credited else {
                // In this version, but added by no commit that produced it (a rename: the
                // line came with the file from its old path, where it was credited).
                result.counts.outside_change += 1;
                continue;
            };
            let c = &history.commits[commit as usize];
            f.provenance = Some(Box::new(Provenance {
                commit: c.id.to_string(),
                author: c.author.clone(),
                email: c.email.clone(),
                date: date(c.time),
            }));
            let key = (f.rule_id.clone(), identity(&f));
            match first.get(&key) {
                Some((earlier, g)) if (*earlier, g.sort_key()) <= (commit, f.sort_key()) => {}
                _ => {
                    first.insert(key, (commit, f));
                }
            }
        }
    }
    result.findings = first.into_values().map(|(_, f)| f).collect();
    if verbose {
        eprintln!(
            "palisade: history: {} commits, {} changed files, {} unique versions; walk {:.3}s, scan {:.3}s, attribution {:.3}s ({} line diffs)",
            history.commits.len(),
            history.changes.len(),
            versions.len(),
            walked.as_secs_f64(),
            (scanned - walked).as_secs_f64(),
            (started.elapsed() - scanned).as_secs_f64(),
            added.len()
        );
    }
    result
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let shallow: Vec<_> = history.commits.iter().filter(|c| c.shallow).collect();
    if !shallow.is_empty() {
        let mut d = Diagnostic::warning(
            "",
            format!(
                "shallow clone: history before {} boundary commit{} ({}) is not in this repository and was not checked; files of a boundary commit count as added by it (fetch the rest with `git fetch --unshallow`)",
                shallow.len(),
                if shallow.len() == 1 { "" } else { "s" },
                shallow
                    .iter()
                    .take(3)
                    .map(|c| c.id.to_string()[..12].to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        d.gap = Some(Gap::ShallowHistory);
        result.diagnostics.push(d);
    }
    result
        .diagnostics
        .sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
    result.diagnostics.dedup();
    Ok(result)
}

/// What makes two findings the same secret: the checker's identity (the secret's hash),
/// else the fingerprint.
fn identity(f: &Finding) -> String {
    if f.identity.is_empty() {
        f.fingerprint.clone()
    } else {
        f.identity.clone()
    }
}

/// Seconds since the epoch as RFC 3339 in UTC.
fn date(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| seconds.to_string())
}
