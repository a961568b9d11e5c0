//! History mode: every commit reachable from all refs (or a range), what each one adds, and the
//! blobs to read.
//!
//! The walk is in process (libgit2) and cheap: commits come parents first; each commit's tree
//! is compared with its parents' trees, descending only into subtrees whose ids differ, so a
//! commit costs what it changes, not the size of its tree. A file counts as changed by a merge
//! only when its blob differs from every parent's: content a merge takes from one side was
//! added by that side's own commits, and content that is in no parent (a conflict resolution)
//! was added by the merge itself.
//!
//! Which lines a commit added is computed later, and only for the few blobs in which a checker
//! found something ([`HistoryBlobs::added_lines`]): a line diff of every changed file of every
//! commit would cost more than scanning every blob whole.

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository, RevparseMode, Sort, Tree};
use palisade_core::ChangedLines;

use crate::error::message;
use crate::{paths, GitError};

/// One commit of the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryCommit {
    pub id: Oid,
    pub author: String,
    pub email: String,
    /// Author time, seconds since the Unix epoch (UTC).
    pub time: i64,
    /// A shallow clone's boundary: its parents are not in the repository, so everything in it
    /// counts as added here.
    pub shallow: bool,
}

/// A file a commit changed: its path and new blob, and the blob each parent has at that path
/// (`None`: the parent has no such file). Pure deletions are not listed (nothing to check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryChange {
    /// Index into [`History::commits`].
    pub commit: u32,
    /// Index into [`History::paths`].
    pub path: u32,
    pub blob: Oid,
    pub parents: Vec<Option<Oid>>,
}

/// The commits of a walk, parents before children, and what each one changed.
#[derive(Debug, Default)]
pub struct History {
    /// Topological order, parents first; among commits unrelated by ancestry, older author
    /// time first, then commit id, so the order does not depend on how the refs were made.
    pub commits: Vec<HistoryCommit>,
    /// Repo-relative display paths (forward slashes, non-UTF-8 shown as U+FFFD), interned.
    pub paths: Vec<String>,
    /// Sorted by commit index.
    pub changes: Vec<HistoryChange>,
}

/// Which commits to walk.
#[derive(Debug, Clone, Default)]
pub struct HistorySpec {
    /// `None`: every commit reachable from any ref (and `HEAD`). `Some("A..B")`: reachable from
    /// B but not from A; `Some("A...B")`: from either but not from their merge base;
    /// `Some("REV")`: reachable from REV.
    pub range: Option<String>,
    /// Leave out every commit reachable from this revision (CI on a pull request).
    pub since: Option<String>,
}

/// A repository opened for a history scan: bare repositories (a server's mirror) are fine.
pub struct HistoryRepo {
    repo: Repository,
    git_dir: PathBuf,
}

impl HistoryRepo {
    /// The repository containing `start` (a work tree or a bare repository).
    pub fn discover(start: &Path) -> Result<HistoryRepo, GitError> {
        // Re-hashing every object read is a fifth of a history scan's time, and it guards
        // against disk corruption, not against content: the bytes scanned are the bytes stored.
        // git itself does not re-hash on read. (Process-wide: only history mode sets it.)
        git2::opts::strict_hash_verification(false);
        let repo = Repository::discover(start).map_err(|e| GitError::NotARepository {
            path: start.to_path_buf(),
            message: message(&e),
        })?;
        let git_dir = repo.path().to_path_buf();
        Ok(HistoryRepo { repo, git_dir })
    }

    /// The work tree root, or the git folder of a bare repository.
    pub fn root(&self) -> PathBuf {
        match self.repo.workdir() {
            Some(dir) => dir.components().collect(),
            None => self.git_dir.components().collect(),
        }
    }

    /// Whether the repository is a shallow clone (some commits' parents are missing).
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// Walks the commits `spec` names and lists what each one changed.
    ///
    /// Errors (the CLI exits 2): a revision that does not resolve; a range or `since` in a
    /// shallow clone whose walk reaches the shallow boundary (the history the range needs is
    /// not there: an empty or partial scan would pass silently); an object missing or corrupt.
    pub fn walk(&self, spec: &HistorySpec) -> Result<History, GitError> {
        let repo = &self.repo;
        let shallow_roots = shallow_roots(&self.git_dir);
        let mut walk = repo.revwalk().map_err(walk_error)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)
            .map_err(walk_error)?;
        match &spec.range {
            None => {
                walk.push_glob("*").map_err(walk_error)?;
                // A detached HEAD is not under refs/; an unborn one (no commit yet) is nothing.
                if let Ok(head) = repo.head() {
                    if let Ok(c) = head.peel_to_commit() {
                        walk.push(c.id()).map_err(walk_error)?;
                    }
                }
            }
            Some(range) => {
                let bad = |e: git2::Error| GitError::BadRevision {
                    spec: range.clone(),
                    message: message(&e),
                };
                let rs = repo.revparse(range).map_err(bad)?;
                let commit_of = |o: Option<&git2::Object<'_>>| -> Result<Oid, GitError> {
                    let o = o.ok_or_else(|| GitError::BadRevision {
                        spec: range.clone(),
                        message: "no revision given".into(),
                    })?;
                    o.peel_to_commit().map(|c| c.id()).map_err(bad)
                };
                if rs.mode().contains(RevparseMode::SINGLE) {
                    walk.push(commit_of(rs.from())?).map_err(walk_error)?;
                } else {
                    let from = commit_of(rs.from())?;
                    let to = commit_of(rs.to())?;
                    walk.push(to).map_err(walk_error)?;
                    if rs.mode().contains(RevparseMode::MERGE_BASE) {
                        walk.push(from).map_err(walk_error)?;
                        let base = repo.merge_base(from, to).map_err(bad)?;
                        walk.hide(base).map_err(walk_error)?;
                    } else {
                        walk.hide(from).map_err(walk_error)?;
                    }
                }
            }
        }
        if let Some(since) = &spec.since {
            let c = repo
                .revparse_single(since)
                .and_then(|o| o.peel_to_commit())
                .map_err(|e| GitError::BadRevision {
                    spec: since.clone(),
                    message: if self.is_shallow() {
                        format!(
                            "{} (this is a shallow clone: fetch the revision, e.g. `git fetch --deepen` or `--unshallow`)",
                            message(&e)
                        )
                    } else {
                        message(&e)
                    },
                })?;
            walk.hide(c.id()).map_err(walk_error)?;
        }
        let limited = spec.range.is_some() || spec.since.is_some();

        let mut history = History::default();
        let mut ids = Vec::new();
        for id in walk {
            ids.push(id.map_err(walk_error)?);
        }
        let mut path_index: std::collections::HashMap<String, u32> = Default::default();
        let mut found: Vec<(String, Oid, Vec<Option<Oid>>)> = Vec::new();
        for (n, id) in ids.iter().enumerate() {
            let commit = repo.find_commit(*id).map_err(walk_error)?;
            let shallow = shallow_roots.contains(id);
            if shallow && limited {
                return Err(GitError::ShallowHistory {
                    commit: id.to_string(),
                });
            }
            let author = commit.author();
            history.commits.push(HistoryCommit {
                id: *id,
                author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
                time: author.when().seconds(),
                shallow,
            });
            let tree = commit.tree().map_err(walk_error)?;
            let parents: Vec<Tree<'_>> = if shallow {
                Vec::new()
            } else {
                let mut v = Vec::new();
                for p in commit.parents() {
                    v.push(p.tree().map_err(walk_error)?);
                }
                v
            };
            found.clear();
            changed_files(repo, &tree, &parents, &mut found)?;
            for (path, blob, parent_blobs) in found.drain(..) {
                let next = path_index.len() as u32;
                let p = *path_index.entry(path).or_insert_with_key(|k| {
                    history.paths.push(k.clone());
                    next
                });
                history.changes.push(HistoryChange {
                    commit: n as u32,
                    path: p,
                    blob,
                    parents: parent_blobs,
                });
            }
        }
        Ok(history)
    }

    /// A reader of this repository's blobs that can be shared by worker threads.
    pub fn blobs(&self) -> HistoryBlobs {
        HistoryBlobs {
            git_dir: self.git_dir.clone(),
        }
    }
}

fn walk_error(e: git2::Error) -> GitError {
    GitError::History {
        message: message(&e),
    }
}

/// The commits a shallow clone lists in `.git/shallow`: their parents are not here.
fn shallow_roots(git_dir: &Path) -> HashSet<Oid> {
    std::fs::read_to_string(git_dir.join("shallow"))
        .map(|text| {
            text.lines()
                .filter_map(|l| Oid::from_str(l.trim()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Regular files (mode 100644/100755) of `tree` whose blob differs from every parent's at the
/// same path, with each parent's blob there. Submodules and symbolic links are left out, as in
/// the other git modes.
fn changed_files(
    repo: &Repository,
    tree: &Tree<'_>,
    parents: &[Tree<'_>],
    out: &mut Vec<(String, Oid, Vec<Option<Oid>>)>,
) -> Result<(), GitError> {
    let Some((first, rest)) = parents.split_first() else {
        let mut prefix = Vec::new();
        let mut all = Vec::new();
        diff_trees(repo, Some(tree), None, &mut prefix, &mut all)?;
        out.extend(
            all.into_iter()
                .map(|(p, b, _)| (paths::display(&p), b, Vec::new())),
        );
        return Ok(());
    };
    let mut prefix = Vec::new();
    let mut against_first = Vec::new();
    diff_trees(
        repo,
        Some(tree),
        Some(first),
        &mut prefix,
        &mut against_first,
    )?;
    'file: for (raw, blob, old) in against_first {
        let mut olds = vec![old];
        for p in rest {
            let theirs = blob_at(p, &raw);
            if theirs == Some(blob) {
                continue 'file; // taken whole from this parent: added by its own commits
            }
            olds.push(theirs);
        }
        out.push((paths::display(&raw), blob, olds));
    }
    Ok(())
}

fn is_file_mode(mode: i32) -> bool {
    mode == 0o100644 || mode == 0o100755 || mode == 0o100664
}

/// The regular file's blob at `path` in `tree`, if any.
fn blob_at(tree: &Tree<'_>, path: &[u8]) -> Option<Oid> {
    let p = paths::to_fs(path);
    let entry = tree.get_path(&p).ok()?;
    (entry.kind() == Some(ObjectType::Blob) && is_file_mode(entry.filemode())).then(|| entry.id())
}

type Found = Vec<(Vec<u8>, Oid, Option<Oid>)>;

/// Regular files in `new` whose blob is not the one `old` has at the same path; descends only
/// into subtrees whose ids differ.
fn diff_trees(
    repo: &Repository,
    new: Option<&Tree<'_>>,
    old: Option<&Tree<'_>>,
    prefix: &mut Vec<u8>,
    out: &mut Found,
) -> Result<(), GitError> {
    let Some(new) = new else { return Ok(()) };
    for entry in new.iter() {
        let name = entry.name_bytes();
        let old_entry = old.and_then(|t| t.get_name_bytes(name));
        let old_id = old_entry.as_ref().map(|e| (e.id(), e.kind(), e.filemode()));
        if old_id.is_some_and(|(id, _, mode)| id == entry.id() && mode == entry.filemode()) {
            continue;
        }
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        prefix.extend_from_slice(name);
        match entry.kind() {
            Some(ObjectType::Tree) => {
                let sub = repo.find_tree(entry.id()).map_err(walk_error)?;
                let old_sub = match old_id {
                    Some((id, Some(ObjectType::Tree), _)) => {
                        Some(repo.find_tree(id).map_err(walk_error)?)
                    }
                    _ => None,
                };
                diff_trees(repo, Some(&sub), old_sub.as_ref(), prefix, out)?;
            }
            Some(ObjectType::Blob) if is_file_mode(entry.filemode()) => {
                let old_blob = match old_id {
                    Some((id, Some(ObjectType::Blob), mode)) if is_file_mode(mode) => Some(id),
                    _ => None,
                };
                // A mode change alone adds no line.
                if old_blob != Some(entry.id()) {
                    out.push((prefix.clone(), entry.id(), old_blob));
                }
            }
            _ => {}
        }
        prefix.truncate(len);
    }
    Ok(())
}

/// Reads blobs from worker threads: each thread opens the repository once (a libgit2 handle
/// must not be shared between threads).
#[derive(Debug, Clone)]
pub struct HistoryBlobs {
    git_dir: PathBuf,
}

thread_local! {
    static OPEN: RefCell<Option<(PathBuf, Repository)>> = const { RefCell::new(None) };
}

impl HistoryBlobs {
    fn with_repo<T>(
        &self,
        f: impl FnOnce(&Repository) -> Result<T, GitError>,
    ) -> Result<T, GitError> {
        OPEN.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.as_ref().is_none_or(|(dir, _)| *dir != self.git_dir) {
                let repo =
                    Repository::open(&self.git_dir).map_err(|e| GitError::NotARepository {
                        path: self.git_dir.clone(),
                        message: message(&e),
                    })?;
                *cell = Some((self.git_dir.clone(), repo));
            }
            let (_, repo) = cell.as_ref().expect("opened above");
            f(repo)
        })
    }

    /// The bytes of a blob.
    pub fn read(&self, id: Oid) -> Result<Vec<u8>, GitError> {
        self.with_repo(|repo| {
            repo.find_blob(id)
                .map(|b| b.content().to_vec())
                .map_err(|e| GitError::Object {
                    path: id.to_string(),
                    message: message(&e),
                })
        })
    }

    /// The lines of `new` that are not in `old` (every line when `old` is `None`), by a line
    /// diff with no context, as `git diff -U0` shows them on the `+` side.
    pub fn added_lines(&self, old: Option<Oid>, new: Oid) -> Result<ChangedLines, GitError> {
        self.with_repo(|repo| {
            let object_error = |e: git2::Error| GitError::Object {
                path: new.to_string(),
                message: message(&e),
            };
            let new_blob = repo.find_blob(new).map_err(object_error)?;
            let Some(old) = old else {
                return Ok(crate::all_lines(new_blob.content()));
            };
            let old_blob = repo.find_blob(old).map_err(object_error)?;
            let mut opts = git2::DiffOptions::new();
            opts.context_lines(0).force_text(true);
            let patch = git2::Patch::from_blobs(&old_blob, None, &new_blob, None, Some(&mut opts))
                .map_err(crate::error::diff_error)?;
            let mut lines = Vec::new();
            for h in 0..patch.num_hunks() {
                let n = patch
                    .num_lines_in_hunk(h)
                    .map_err(crate::error::diff_error)?;
                for l in 0..n {
                    let line = patch.line_in_hunk(h, l).map_err(crate::error::diff_error)?;
                    if line.origin() == '+' {
                        if let Some(no) = line.new_lineno() {
                            lines.push(no);
                        }
                    }
                }
            }
            lines.sort_unstable();
            Ok(crate::runs(lines))
        })
    }
}
