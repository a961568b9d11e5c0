//! File selection: which files a run checks, and for diff modes which of their lines changed.
//!
//! - [`walk`]: PATHS given on the command line (what pre-commit passes) and `--all`;
//! - [`git`]: `--staged`, `--diff`, `--patch`, read through palisade-git.

pub mod git;
pub mod walk;

use std::path::PathBuf;

use palisade_core::ChangedLines;

/// Where a selected file's bytes come from.
pub enum Source {
    /// Read from disk when its turn comes (one read, in the worker thread).
    Disk(PathBuf),
    /// Already in memory: a blob from the git index or a commit.
    Memory(Vec<u8>),
}

/// One file to check.
pub struct Input {
    /// Display path: relative to the scan root, forward slashes.
    pub path: String,
    pub source: Source,
    /// Lines to report on; `None` means all.
    pub changed: Option<ChangedLines>,
}

/// Normalises a path for display and matching: forward slashes, no leading `./`.
pub fn display_path(p: &std::path::Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}
