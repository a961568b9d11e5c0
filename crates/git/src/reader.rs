//! Reading other files of the same snapshot, for checkers that follow includes
//! (`-r other.txt` in a requirements file, a lock file beside a manifest).

use std::io;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use git2::{Oid, Repository, RevparseMode};
use palisade_core::checker::{ContentReader, FsReader};

use crate::changes::peel_tree;
use crate::error::message;
use crate::{open, paths, GitError};

/// Mode bits of a gitlink (submodule) entry in the index.
const GITLINK: u32 = 0o160000;
/// Mode bits of a symbolic link entry.
const SYMLINK: u32 = 0o120000;

/// Reads files as the commit will contain them: stage 0 of the git index. A path that is not
/// staged (untracked, deleted, a folder) reads as `NotFound`, as it would in the commit.
pub struct IndexReader {
    // git2's Repository is Send but not Sync (and Index is neither); checkers read from many
    // threads, rarely, so one lock is enough. The repository keeps its index loaded, so
    // `Repository::index` per read is a reference count, not a reload.
    state: Mutex<IndexState>,
}

struct IndexState {
    repo: Repository,
    /// `GIT_INDEX_FILE` at open time, loaded with the index on first read.
    index_file: Option<std::path::PathBuf>,
    loaded: bool,
}

impl IndexReader {
    /// Opens the repository only: the index is loaded on the first read, since most scans
    /// never read another file (loading it costs ~1.5 µs per entry).
    /// Honours `GIT_INDEX_FILE` like [`crate::staged`].
    pub fn open(repo_root: &Path) -> Result<Self, GitError> {
        Self::open_from(repo_root, crate::index_file_from_env().as_deref())
    }

    /// With an explicit index file (`None`: the repository's own index).
    pub fn open_from(repo_root: &Path, index_file: Option<&Path>) -> Result<Self, GitError> {
        Ok(Self::from_repo(open(repo_root)?, index_file, false))
    }

    /// Over a repository already open; `loaded`: its index is loaded already.
    pub(crate) fn from_repo(repo: Repository, index_file: Option<&Path>, loaded: bool) -> Self {
        IndexReader {
            state: Mutex::new(IndexState {
                repo,
                index_file: index_file.map(Path::to_path_buf),
                loaded,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, IndexState> {
        // A panic elsewhere while holding the lock leaves the handle usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ContentReader for IndexReader {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        let mut state = self.lock();
        if !state.loaded {
            crate::load_index(&state.repo, state.index_file.as_deref())
                .map_err(io::Error::other)?;
            state.loaded = true;
        }
        let repo = &state.repo;
        let index = repo.index().map_err(io::Error::other)?;
        let entry = paths::repo_relative(path)
            .and_then(|p| index.get_path(&p, 0))
            .or_else(|| {
                // A non-UTF-8 name reaches us in its lossy display form: match that form.
                if !path.contains('\u{FFFD}') {
                    return None;
                }
                index
                    .iter()
                    .find(|e| (e.flags >> 12) & 3 == 0 && paths::display(&e.path) == path)
            })
            .ok_or_else(|| not_found(path, "is not in the git index"))?;
        if entry.mode & 0o170000 == GITLINK || entry.mode & 0o170000 == SYMLINK {
            return Err(not_found(path, "is not a regular file in the git index"));
        }
        read_blob(repo, entry.id, path)
    }
}

/// Reads files as a commit (or any tree-ish) contains them.
pub struct TreeReader {
    state: Mutex<(Repository, Oid)>,
}

impl TreeReader {
    /// `rev` is anything git resolves to a tree: a commit, a branch, `HEAD~2`, a tree id.
    pub fn open(repo_root: &Path, rev: &str) -> Result<Self, GitError> {
        Self::from_repo(open(repo_root)?, rev)
    }

    pub(crate) fn from_repo(repo: Repository, rev: &str) -> Result<Self, GitError> {
        let tree = {
            let object = repo
                .revparse_single(rev)
                .map_err(|e| GitError::BadRevision {
                    spec: rev.to_owned(),
                    message: message(&e),
                })?;
            peel_tree(&object, rev)?.id()
        };
        Ok(TreeReader {
            state: Mutex::new((repo, tree)),
        })
    }
}

impl ContentReader for TreeReader {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (repo, tree_id) = &*state;
        let tree = repo.find_tree(*tree_id).map_err(io::Error::other)?;
        let mut found = paths::repo_relative(path)
            .and_then(|p| tree.get_path(&p).ok())
            .map(|e| (e.id(), e.filemode()));
        if found.is_none() && path.contains('\u{FFFD}') {
            // A non-UTF-8 name reaches us in its lossy display form: search for that form.
            found = find_lossy(repo, &tree, path);
        }
        let (id, mode) = found.ok_or_else(|| not_found(path, "is not in the revision"))?;
        if mode as u32 & 0o170000 != 0o100000 {
            return Err(not_found(path, "is not a regular file in the revision"));
        }
        read_blob(repo, id, path)
    }
}

/// The reader matching [`crate::diff`]'s snapshot: the end of a range (`A..B`, `A...B`) is
/// read from git, a single `REV` compares with the working tree, so files come from disk.
pub fn diff_reader(repo_root: &Path, spec: &str) -> Result<Box<dyn ContentReader>, GitError> {
    diff_reader_in(open(repo_root)?, repo_root, spec)
}

/// [`diff_reader`] over a repository already open (which it keeps).
pub(crate) fn diff_reader_in(
    repo: Repository,
    repo_root: &Path,
    spec: &str,
) -> Result<Box<dyn ContentReader>, GitError> {
    let revspec = repo.revparse(spec).map_err(|e| GitError::BadRevision {
        spec: spec.to_owned(),
        message: message(&e),
    })?;
    if revspec.mode().contains(RevparseMode::SINGLE) {
        let root = repo.workdir().unwrap_or(repo_root).to_path_buf();
        return Ok(Box::new(FsReader(root)));
    }
    let end = revspec
        .to()
        .ok_or_else(|| GitError::BadRevision {
            spec: spec.to_owned(),
            message: "the range has no end".to_owned(),
        })?
        .id()
        .to_string();
    drop(revspec);
    Ok(Box::new(TreeReader::from_repo(repo, &end)?))
}

/// Walks `tree` for the entry whose lossy display path is `path`. git2's `Tree::walk` gives up
/// on non-UTF-8 folder names, so this walks by bytes.
fn find_lossy(repo: &Repository, tree: &git2::Tree<'_>, path: &str) -> Option<(Oid, i32)> {
    let mut stack = vec![(Vec::new(), tree.id())];
    while let Some((prefix, id)) = stack.pop() {
        let tree = repo.find_tree(id).ok()?;
        for entry in tree.iter() {
            let mut full = prefix.clone();
            full.extend_from_slice(entry.name_bytes());
            if entry.kind() == Some(git2::ObjectType::Tree) {
                full.push(b'/');
                // Only folders on the way to `path` can hold it.
                if path.starts_with(&paths::display(&full)) {
                    stack.push((full, entry.id()));
                }
            } else if paths::display(&full) == path {
                return Some((entry.id(), entry.filemode()));
            }
        }
    }
    None
}

fn read_blob(repo: &Repository, id: Oid, path: &str) -> io::Result<Vec<u8>> {
    repo.find_blob(id)
        .map(|b| b.content().to_vec())
        .map_err(|e| io::Error::other(format!("cannot read `{path}` from git: {}", e.message())))
}

fn not_found(path: &str, what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("`{path}` {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TestRepo;

    fn kind(r: io::Result<Vec<u8>>) -> io::ErrorKind {
        r.expect_err("should fail").kind()
    }

    #[test]
    fn index_reader_reads_what_the_commit_will_contain() {
        let repo = TestRepo::new();
        repo.write("requirements.txt", "-r base.txt\n");
        repo.write("base.txt", "staged==1.0\n");
        repo.git(&["add", "."]);
        repo.write("base.txt", "working-tree==2.0\n");
        repo.write("untracked.txt", "x\n");

        // Opened before the first commit, on purpose: nothing needs HEAD.
        let reader = IndexReader::open(repo.root()).unwrap();
        assert_eq!(reader.read("base.txt").unwrap(), b"staged==1.0\n");
        assert_eq!(reader.read("./base.txt").unwrap(), b"staged==1.0\n");
        assert_eq!(kind(reader.read("untracked.txt")), io::ErrorKind::NotFound);
        // Paths git2 would panic on are just not found.
        for bad in ["", "/etc/passwd", "../base.txt", ".", "a\0b", "sub/../../x"] {
            assert_eq!(kind(reader.read(bad)), io::ErrorKind::NotFound, "{bad:?}");
        }
        // Shared across threads, as checkers do.
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| assert_eq!(reader.read("requirements.txt").unwrap(), b"-r base.txt\n"));
            }
        });
    }

    #[test]
    fn index_reader_skips_gitlinks() {
        let repo = TestRepo::new();
        repo.write("a.txt", "a\n");
        repo.git(&["add", "."]);
        let head = repo.commit("base");
        repo.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{head},sub"),
        ]);
        let reader = IndexReader::open(repo.root()).unwrap();
        assert_eq!(kind(reader.read("sub")), io::ErrorKind::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn readers_find_non_utf8_names_by_their_display_form() {
        use std::os::unix::ffi::OsStrExt;
        let repo = TestRepo::new();
        let dir = std::ffi::OsStr::from_bytes(b"d\xfer");
        repo.write(
            std::path::Path::new(dir).join(std::ffi::OsStr::from_bytes(b"f\xff.txt")),
            "yes\n",
        );
        repo.git(&["add", "."]);
        repo.commit("base");
        let shown = "d\u{FFFD}r/f\u{FFFD}.txt";
        let index = IndexReader::open(repo.root()).unwrap();
        assert_eq!(index.read(shown).unwrap(), b"yes\n");
        let tree = TreeReader::open(repo.root(), "HEAD").unwrap();
        assert_eq!(tree.read(shown).unwrap(), b"yes\n");
    }

    #[test]
    fn tree_and_diff_readers_read_the_end_of_the_range() {
        let repo = TestRepo::new();
        repo.write("dep.txt", "v1\n");
        repo.git(&["add", "."]);
        let first = repo.commit("one");
        repo.write("dep.txt", "v2\n");
        repo.git(&["add", "."]);
        repo.commit("two");
        repo.write("dep.txt", "disk\n");

        let tree = TreeReader::open(repo.root(), &first).unwrap();
        assert_eq!(tree.read("dep.txt").unwrap(), b"v1\n");
        assert_eq!(kind(tree.read("nope.txt")), io::ErrorKind::NotFound);
        assert_eq!(kind(tree.read("../dep.txt")), io::ErrorKind::NotFound);

        let range = diff_reader(repo.root(), &format!("{first}..HEAD")).unwrap();
        assert_eq!(range.read("dep.txt").unwrap(), b"v2\n");
        let single = diff_reader(repo.root(), &first).unwrap();
        assert_eq!(single.read("dep.txt").unwrap(), b"disk\n");
        assert!(matches!(
            TreeReader::open(repo.root(), "missing"),
            Err(GitError::BadRevision { .. })
        ));
    }
}
