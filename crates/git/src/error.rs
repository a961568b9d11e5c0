//! What can go wrong when palisade asks git for the files of a change.

use std::path::PathBuf;

/// A failure that stops a git-based selection as a whole (the CLI exits 2). Per-file problems
/// that should not stop the run are data instead: see [`crate::SkippedFile`].
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("`{}` is not inside a git repository ({message})", path.display())]
    NotARepository { path: PathBuf, message: String },

    #[error("`{}` is a bare repository: there is no work tree to check", path.display())]
    BareRepository { path: PathBuf },

    #[error("bad revision `{spec}`: {message}")]
    BadRevision { spec: String, message: String },

    #[error("cannot read the git index: {message}")]
    Index { message: String },

    #[error("cannot compute the diff: {message}")]
    Diff { message: String },

    #[error("cannot read `{path}` from the git object database: {message}")]
    Object { path: String, message: String },

    #[error("cannot read `{path}` from the work tree: {source}")]
    WorkTree {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("malformed patch, line {line}: {message}")]
    Patch { line: usize, message: String },

    #[error("{message}")]
    MultiCommitPatch { message: String },

    #[error("cannot walk the history: {message}")]
    History { message: String },

    #[error("the history is incomplete: commit {commit} is a shallow clone's boundary (its parents were not fetched), so the range cannot be checked; fetch more history (`git fetch --deepen=N` or `--unshallow`)")]
    ShallowHistory { commit: String },
}

/// libgit2's own text without the `; class=...; code=...` suffix git2's Display adds.
pub(crate) fn message(e: &git2::Error) -> String {
    e.message().to_owned()
}

pub(crate) fn diff_error(e: git2::Error) -> GitError {
    GitError::Diff {
        message: message(&e),
    }
}
