//! Files named on the command line, folders walked with the `ignore` crate.
//!
//! Hidden files are checked (secrets hide in `.env`, `.npmrc`, `.pypirc`); `.git/` and
//! git-ignored files are not. Explicitly named files are checked even if git-ignored, as
//! pre-commit only passes files it wants checked, but config excludes still apply.

use std::path::Path;
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use palisade_core::Diagnostic;

use super::{display_path, Input, Source};
use crate::config::Excludes;

/// Expands PATHS into inputs, in a deterministic order. Missing paths become error diagnostics.
/// Display paths are relative to `base` when given (the repository root for `--all`).
pub fn select(
    paths: &[impl AsRef<Path>],
    exclude: &Excludes,
    threads: usize,
    base: Option<&Path>,
) -> (Vec<Input>, Vec<Diagnostic>) {
    let mut inputs = Vec::new();
    let mut diags = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let shown = display_path(p);
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk_dir(p, exclude, threads, base, &mut inputs, &mut diags),
            Ok(_) => {
                if !exclude.excludes(&shown) {
                    inputs.push(Input {
                        path: shown,
                        source: Source::Disk(p.to_path_buf()),
                        changed: None,
                    });
                }
            }
            Err(e) => diags.push(Diagnostic::error(
                shown,
                format!("cannot read: {}", io_reason(&e)),
            )),
        }
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|a, b| a.path == b.path);
    (inputs, diags)
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn walk_dir(
    dir: &Path,
    exclude: &Excludes,
    threads: usize,
    base: Option<&Path>,
    inputs: &mut Vec<Input>,
    diags: &mut Vec<Diagnostic>,
) {
    let found = Mutex::new(Vec::new());
    let problems = Mutex::new(Vec::new());
    let exclude_owned = exclude.clone();
    let base_owned = base.map(Path::to_path_buf);
    let shown = move |p: &Path| {
        display_path(
            base_owned
                .as_deref()
                .and_then(|b| p.strip_prefix(b).ok())
                .unwrap_or(p),
        )
    };
    let shown_in_filter = shown.clone();
    WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .threads(threads)
        .filter_entry(move |e| {
            let is_git_dir = e.file_name() == ".git" && e.file_type().is_some_and(|t| t.is_dir());
            !is_git_dir && !exclude_owned.excludes(&shown_in_filter(e.path()))
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                        found.lock().unwrap().push(e.into_path());
                    }
                    Ok(_) => {}
                    Err(err) => problems.lock().unwrap().push(err.to_string()),
                }
                WalkState::Continue
            })
        });
    for p in found.into_inner().unwrap() {
        inputs.push(Input {
            path: shown(&p),
            source: Source::Disk(p),
            changed: None,
        });
    }
    for msg in problems.into_inner().unwrap() {
        diags.push(Diagnostic::error(
            display_path(dir),
            format!("cannot walk: {msg}"),
        ));
    }
}
