//! File selection: which files a run checks, and for diff modes which of their lines changed.
//!
//! - [`walk`]: PATHS given on the command line (what pre-commit passes) and `--all`;
//! - [`git`]: `--staged`, `--diff`, `--patch`, read through palisade-git.
//!
//! Selection never leaves the root: a symbolic link whose target lies outside the repository
//! (or the folder checked, outside git) is reported, not read.

pub mod git;
pub mod walk;

use std::path::{Path, PathBuf};

use palisade_core::{ChangedLines, Gap};

/// Where a selected file's bytes come from.
pub enum Source {
    /// Read from disk when its turn comes (one read, in the worker thread).
    Disk(PathBuf),
    /// Already in memory: a blob from the git index or a commit.
    Memory(Vec<u8>),
    /// Selected but not to be read, and why (a symlink out of the root, a FIFO).
    Refused(Gap, String),
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
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// The folder symlinks must stay inside, resolved once.
#[derive(Debug, Clone)]
pub struct Confinement {
    root: PathBuf,
}

impl Confinement {
    pub fn new(root: &Path) -> Self {
        Confinement {
            root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// How to read `path`, which is a symbolic link (or has one among its folders): from disk
    /// when its target stays inside the root, else refused.
    pub fn source(&self, path: &Path) -> Source {
        match std::fs::canonicalize(path) {
            Ok(target) if target.starts_with(&self.root) => Source::Disk(path.to_path_buf()),
            Ok(_) => Source::Refused(
                Gap::OutsideRoot,
                "not checked: a symbolic link to a file outside the repository".into(),
            ),
            Err(e) => Source::Refused(
                Gap::Unreadable,
                format!("cannot read: {}", crate::read::io_reason(&e)),
            ),
        }
    }
}
