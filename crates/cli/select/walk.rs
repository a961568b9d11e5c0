//! Files named on the command line, folders walked with the `ignore` crate.
//!
//! Hidden files are checked (secrets hide in `.env`, `.npmrc`, `.pypirc`); `.git/` and
//! git-ignored files are not. Explicitly named files are checked even if git-ignored, as
//! pre-commit only passes files it wants checked, but config excludes still apply. Symbolic
//! links are followed only while they stay inside the root; anything that is not a regular
//! file is selected as refused, so the report says it was not checked.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use palisade_core::{Diagnostic, Gap};

use super::{display_path, Confinement, Input, Source};
use crate::config::Excludes;

/// What a path-mode run walks: the PATHS given and the files named with `--requirements`, or
/// the current folder when neither is given.
pub fn requested(paths: &[PathBuf], requirements: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() && requirements.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.iter().chain(requirements).cloned().collect()
    }
}

/// Expands PATHS into inputs, in a deterministic order. Missing paths become error diagnostics.
/// Display paths are relative to `base` when given (the repository root for `--all`).
pub fn select(
    paths: &[impl AsRef<Path>],
    exclude: &Excludes,
    threads: usize,
    base: Option<&Path>,
    confine: &Confinement,
) -> (Vec<Input>, Vec<Diagnostic>) {
    let mut inputs = Vec::new();
    let mut diags = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let shown = display_path(p);
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => {
                walk_dir(p, exclude, threads, base, confine, &mut inputs, &mut diags)
            }
            Ok(m) => {
                if !exclude.excludes(&shown) {
                    inputs.push(Input {
                        path: shown,
                        source: source_of(p, &m, confine),
                        changed: None,
                    });
                }
            }
            Err(e) => diags.push(
                Diagnostic::error(
                    shown,
                    format!("cannot read: {}", crate::read::io_reason(&e)),
                )
                .gap(Gap::Unreadable),
            ),
        }
    }
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|a, b| a.path == b.path);
    (inputs, diags)
}

/// How to read a selected non-folder entry, from its own (not followed) metadata.
fn source_of(p: &Path, meta: &std::fs::Metadata, confine: &Confinement) -> Source {
    let t = meta.file_type();
    if t.is_symlink() {
        return match (confine.source(p), std::fs::metadata(p)) {
            (Source::Disk(_), Ok(m)) if m.is_dir() => Source::Refused(
                Gap::NotRegularFile,
                "not checked: a symbolic link to a folder (not followed)".into(),
            ),
            (s, _) => s,
        };
    }
    if t.is_file() {
        // A folder named on the way may itself be a link out of the root.
        let linked = p
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
            .any(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.file_type().is_symlink()));
        return if linked {
            confine.source(p)
        } else {
            Source::Disk(p.to_path_buf())
        };
    }
    Source::Refused(
        Gap::NotRegularFile,
        "not checked: not a regular file (a FIFO, device or socket)".into(),
    )
}

fn walk_dir(
    dir: &Path,
    exclude: &Excludes,
    threads: usize,
    base: Option<&Path>,
    confine: &Confinement,
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
                    Ok(e) if e.file_type().is_some_and(|t| t.is_dir()) => {}
                    // A regular file by its directory entry's type: no `stat` (the walk
                    // meets every file of the tree, whatever checker wants it).
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                        let source = Source::Disk(e.path().to_path_buf());
                        found.lock().unwrap().push((e.into_path(), source));
                    }
                    Ok(e) => {
                        let source = match e.metadata() {
                            Ok(m) if m.is_file() => Source::Disk(e.path().to_path_buf()),
                            Ok(m) => source_of(e.path(), &m, confine),
                            Err(err) => {
                                Source::Refused(Gap::Unreadable, format!("cannot read: {err}"))
                            }
                        };
                        found.lock().unwrap().push((e.into_path(), source));
                    }
                    Err(err) => problems.lock().unwrap().push(err.to_string()),
                }
                WalkState::Continue
            })
        });
    for (p, source) in found.into_inner().unwrap() {
        inputs.push(Input {
            path: shown(&p),
            source,
            changed: None,
        });
    }
    for msg in problems.into_inner().unwrap() {
        diags.push(
            Diagnostic::error(display_path(dir), format!("cannot walk: {msg}"))
                .gap(Gap::Unreadable),
        );
    }
}
