//! palisade-git: reads what a commit will contain from git, and which lines it changes.
//!
//! Three ways to name a change, one result type, [`ChangedFile`]:
//!
//! - [`staged`]: the index against `HEAD` (or against nothing before the first commit). The
//!   content is the staged blob, so a partially staged file is checked exactly as it will be
//!   committed, whatever the working tree holds.
//! - [`diff`]: `A..B` (tree against tree), `A...B` (merge base of A and B against B), or `REV`
//!   (REV against the working tree, tracked files only, like `git diff REV`).
//! - [`patch`]: a unified diff read from a file or stdin (`git diff` or `diff -u` output).
//!
//! And a fourth, for whole histories: [`HistoryRepo::walk`] lists every commit reachable from
//! all refs (or a range) with the files each one changed, and [`HistoryBlobs`] reads their
//! blobs and computes the lines a commit added, from worker threads.
//!
//! Changed lines come from libgit2's diff with zero context lines, so they are exactly the lines
//! a change adds or modifies on its new side. [`IndexReader`] and [`TreeReader`] let checkers
//! that follow includes read other files from the same snapshot.
//!
//! What is left out, on purpose: deleted files (nothing to check), submodules (gitlinks: their
//! content is another repository), symbolic links (their blob is a target path, not a file of
//! the commit), and conflicted index entries (git refuses to commit them).

mod changes;
mod error;
mod history;
pub mod mirror;
mod patch;
mod paths;
mod reader;

#[cfg(test)]
mod testutil;

use std::path::{Path, PathBuf};

use git2::Repository;
use palisade_core::ChangedLines;

pub use changes::{diff, staged, staged_from};
pub use error::GitError;
pub use git2::Oid;
pub use history::{History, HistoryBlobs, HistoryChange, HistoryCommit, HistoryRepo, HistorySpec};
pub use patch::{patch, patch_with_skipped, PatchFiles, SkipReason, SkippedFile};
pub use reader::{diff_reader, IndexReader, TreeReader};

/// One file as the commit (or diff) will contain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// Repo-relative path, forward slashes. Non-UTF-8 bytes are shown as U+FFFD; the content
    /// was still read from the exact path.
    pub path: String,
    /// The new content (index blob for `--staged`, new-side blob or working-tree file for
    /// `--diff`, reconstructed new side for `--patch`).
    pub content: Vec<u8>,
    /// Lines added or modified by the change; every line for a new file and for a file git
    /// diffs as binary (no line diff exists). Empty for a pure rename or mode change.
    pub changed: ChangedLines,
}

/// A repository opened once for a whole run: its root, the change it is asked about, and
/// the reader of that change's snapshot all come from this one handle.
pub struct Repo {
    repo: Repository,
    root: PathBuf,
    index_loaded: bool,
}

impl Repo {
    /// The repository whose work tree contains `start`.
    pub fn discover(start: &Path) -> Result<Repo, GitError> {
        let repo = Repository::discover(start).map_err(|e| GitError::NotARepository {
            path: start.to_path_buf(),
            message: error::message(&e),
        })?;
        let root = match repo.workdir() {
            // libgit2 returns the folder with a trailing slash; components() drops it.
            Some(dir) => dir.components().collect(),
            None => {
                return Err(GitError::BareRepository {
                    path: repo.path().components().collect(),
                })
            }
        };
        Ok(Repo {
            repo,
            root,
            index_loaded: false,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// [`staged`] (honours `GIT_INDEX_FILE`).
    pub fn staged(&mut self) -> Result<Vec<ChangedFile>, GitError> {
        let files = changes::staged_in(&self.repo, index_file_from_env().as_deref())?;
        self.index_loaded = true;
        Ok(files)
    }

    /// [`diff`].
    pub fn diff(&self, spec: &str) -> Result<Vec<ChangedFile>, GitError> {
        changes::diff_in(&self.repo, &self.root, spec)
    }

    /// The reader of the index, reusing this handle (and its loaded index).
    pub fn into_index_reader(self) -> IndexReader {
        IndexReader::from_repo(
            self.repo,
            index_file_from_env().as_deref(),
            self.index_loaded,
        )
    }

    /// The reader of `spec`'s new side, reusing this handle.
    pub fn into_diff_reader(
        self,
        spec: &str,
    ) -> Result<Box<dyn palisade_core::ContentReader>, GitError> {
        reader::diff_reader_in(self.repo, &self.root, spec)
    }
}

/// The root of the work tree that contains `start` (a file or folder inside it).
pub fn discover_root(start: &Path) -> Result<PathBuf, GitError> {
    let repo = Repository::discover(start).map_err(|e| GitError::NotARepository {
        path: start.to_path_buf(),
        message: error::message(&e),
    })?;
    match repo.workdir() {
        // libgit2 returns the folder with a trailing slash; components() drops it.
        Some(dir) => Ok(dir.components().collect()),
        None => Err(GitError::BareRepository {
            path: repo.path().components().collect(),
        }),
    }
}

/// Opens the repository whose work tree root is `repo_root`.
pub(crate) fn open(repo_root: &Path) -> Result<Repository, GitError> {
    let repo = Repository::open(repo_root).map_err(|e| GitError::NotARepository {
        path: repo_root.to_path_buf(),
        message: error::message(&e),
    })?;
    if repo.is_bare() {
        return Err(GitError::BareRepository {
            path: repo_root.to_path_buf(),
        });
    }
    Ok(repo)
}

/// The index a commit would be made from. git runs the pre-commit hook of `git commit -a`
/// or `git commit PATHS` with `GIT_INDEX_FILE` naming a temporary index that holds what will
/// be committed; `.git/index` does not have those changes yet. So, like `git diff --cached`,
/// honour `GIT_INDEX_FILE` (relative to the current directory, as git resolves it).
pub(crate) fn index_file_from_env() -> Option<PathBuf> {
    std::env::var_os("GIT_INDEX_FILE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Loads the index: `index_file` if given (it must exist: a missing file would read as an
/// empty index and pass every check), else the repository's own.
pub(crate) fn load_index(
    repo: &Repository,
    index_file: Option<&Path>,
) -> Result<git2::Index, GitError> {
    let index_error = |e: git2::Error| GitError::Index {
        message: error::message(&e),
    };
    match index_file {
        Some(path) => {
            if !path.is_file() {
                return Err(GitError::Index {
                    message: format!(
                        "GIT_INDEX_FILE names `{}`, which is not a file",
                        path.display()
                    ),
                });
            }
            let mut index = git2::Index::open(path).map_err(index_error)?;
            // Make it the repository's index too, for later `Repository::index` calls.
            repo.set_index(&mut index).map_err(index_error)?;
            Ok(index)
        }
        None => repo.index().map_err(index_error),
    }
}

/// Every line of `content` as changed (1..=last line; one line for an empty file).
pub(crate) fn all_lines(content: &[u8]) -> ChangedLines {
    let newlines = content.iter().filter(|&&b| b == b'\n').count();
    let trailing = usize::from(!content.is_empty() && !content.ends_with(b"\n"));
    let lines = (newlines + trailing).max(1);
    ChangedLines::from_ranges(vec![(1, u32::try_from(lines).unwrap_or(u32::MAX))])
}

/// Ranges of consecutive line numbers from a sorted list.
pub(crate) fn runs(lines: impl IntoIterator<Item = u32>) -> ChangedLines {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for n in lines {
        match ranges.last_mut() {
            Some(last) if n == last.1 + 1 => last.1 = n,
            _ => ranges.push((n, n)),
        }
    }
    ChangedLines::from_ranges(ranges)
}
