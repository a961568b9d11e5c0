//! `--staged` and `--diff`: libgit2 computes the diff, we keep the new side and its changed lines.

use std::path::{Path, PathBuf};

use git2::{
    Delta, Diff, DiffFindOptions, DiffOptions, ErrorCode, FileMode, Object, ObjectType, Patch,
    Repository, RevparseMode, Tree,
};

use crate::error::{diff_error, message};
use crate::{all_lines, open, paths, ChangedFile, GitError};

/// The files the index would commit, against `HEAD`; before the first commit every staged file
/// is new. Deleted files, submodules, symbolic links and conflicted entries are left out;
/// a renamed file appears under its new path with only its differing lines changed.
///
/// The index is `$GIT_INDEX_FILE` when set (git sets it for the hooks of `git commit -a` and
/// `git commit PATHS`), else the repository's.
pub fn staged(repo_root: &Path) -> Result<Vec<ChangedFile>, GitError> {
    staged_from(repo_root, crate::index_file_from_env().as_deref())
}

/// [`staged`] with an explicit index file (`None`: the repository's own index).
pub fn staged_from(
    repo_root: &Path,
    index_file: Option<&Path>,
) -> Result<Vec<ChangedFile>, GitError> {
    staged_in(&open(repo_root)?, index_file)
}

/// [`staged_from`] in a repository already open.
pub(crate) fn staged_in(
    repo: &Repository,
    index_file: Option<&Path>,
) -> Result<Vec<ChangedFile>, GitError> {
    let head_tree = head_tree(repo)?;
    let index = crate::load_index(repo, index_file)?;
    let mut diff = repo
        .diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut options()))
        .map_err(diff_error)?;
    let files = collect(repo, &mut diff, NewSide::Blobs)?;
    // `git add -N` entries hold the empty blob and are not committed: leave them out.
    Ok(files
        .into_iter()
        .filter(|f| !(f.content.is_empty() && is_intent_to_add(&index, &f.path)))
        .collect())
}

/// Whether the index entry at `path` only records an intent to add (`git add -N`).
fn is_intent_to_add(index: &git2::Index, path: &str) -> bool {
    const INTENT_TO_ADD: u16 = 1 << 13; // GIT_INDEX_ENTRY_INTENT_TO_ADD in flags_extended
    paths::repo_relative(path)
        .and_then(|p| index.get_path(&p, 0))
        .is_some_and(|e| e.flags_extended & INTENT_TO_ADD != 0)
}

/// The files changed by `spec`: `A..B` (B's blobs), `A...B` (from the merge base of A and B to
/// B), or a single `REV` (against the working tree: content read from disk, untracked files
/// left out, like `git diff REV`). An empty side of a range means `HEAD`, as in git.
pub fn diff(repo_root: &Path, spec: &str) -> Result<Vec<ChangedFile>, GitError> {
    diff_in(&open(repo_root)?, repo_root, spec)
}

/// [`diff`] in a repository already open.
pub(crate) fn diff_in(
    repo: &Repository,
    repo_root: &Path,
    spec: &str,
) -> Result<Vec<ChangedFile>, GitError> {
    let bad = |e: git2::Error| GitError::BadRevision {
        spec: spec.to_owned(),
        message: message(&e),
    };
    let revspec = repo.revparse(spec).map_err(bad)?;
    let mode = revspec.mode();
    let from = revspec.from().ok_or_else(|| GitError::BadRevision {
        spec: spec.to_owned(),
        message: "no revision given".to_owned(),
    })?;
    if mode.contains(RevparseMode::SINGLE) {
        let tree = peel_tree(from, spec)?;
        let mut diff = repo
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options()))
            .map_err(diff_error)?;
        let root = repo.workdir().unwrap_or(repo_root).to_path_buf();
        return collect(repo, &mut diff, NewSide::WorkTree(root));
    }
    let to = revspec.to().ok_or_else(|| GitError::BadRevision {
        spec: spec.to_owned(),
        message: "the range has no end".to_owned(),
    })?;
    let old_tree = if mode.contains(RevparseMode::MERGE_BASE) {
        let a = from.peel_to_commit().map_err(bad)?;
        let b = to.peel_to_commit().map_err(bad)?;
        let base = repo.merge_base(a.id(), b.id()).map_err(bad)?;
        repo.find_commit(base).and_then(|c| c.tree()).map_err(bad)?
    } else {
        peel_tree(from, spec)?
    };
    let new_tree = peel_tree(to, spec)?;
    let mut diff = repo
        .diff_tree_to_tree(Some(&old_tree), Some(&new_tree), Some(&mut options()))
        .map_err(diff_error)?;
    collect(repo, &mut diff, NewSide::Blobs)
}

/// `HEAD`'s tree, or `None` before the first commit (an unborn branch).
pub(crate) fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>, GitError> {
    match repo.head() {
        Ok(head) => head
            .peel_to_tree()
            .map(Some)
            .map_err(|e| GitError::BadRevision {
                spec: "HEAD".to_owned(),
                message: message(&e),
            }),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(e) => Err(GitError::BadRevision {
            spec: "HEAD".to_owned(),
            message: message(&e),
        }),
    }
}

pub(crate) fn peel_tree<'r>(object: &Object<'r>, spec: &str) -> Result<Tree<'r>, GitError> {
    object.peel_to_tree().map_err(|e| GitError::BadRevision {
        spec: spec.to_owned(),
        message: match object.kind() {
            Some(ObjectType::Blob) => "names a file, not a commit or tree".to_owned(),
            _ => message(&e),
        },
    })
}

fn options() -> DiffOptions {
    let mut opts = DiffOptions::new();
    // Zero context: every hunk line on the new side is an added or modified line.
    opts.context_lines(0)
        .interhunk_lines(0)
        .ignore_submodules(true)
        .include_typechange(true)
        .include_untracked(false);
    opts
}

enum NewSide {
    /// New content is the blob the diff names (index or commit).
    Blobs,
    /// New content is the file in this work tree.
    WorkTree(PathBuf),
}

fn collect(
    repo: &Repository,
    diff: &mut Diff<'_>,
    new_side: NewSide,
) -> Result<Vec<ChangedFile>, GitError> {
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find)).map_err(diff_error)?;

    let mut files = Vec::new();
    for idx in 0..diff.deltas().len() {
        let Some(delta) = diff.get_delta(idx) else {
            continue;
        };
        let status = delta.status();
        if !matches!(
            status,
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let new = delta.new_file();
        if !matches!(
            new.mode(),
            FileMode::Blob | FileMode::BlobExecutable | FileMode::BlobGroupWritable
        ) {
            continue;
        }
        let raw_path = new.path_bytes().unwrap_or_default().to_vec();
        let path = paths::display(&raw_path);
        let content =
            match &new_side {
                NewSide::Blobs => repo
                    .find_blob(new.id())
                    .map(|b| b.content().to_vec())
                    .map_err(|e| GitError::Object {
                        path: path.clone(),
                        message: message(&e),
                    })?,
                NewSide::WorkTree(root) => std::fs::read(root.join(paths::to_fs(&raw_path)))
                    .map_err(|source| GitError::WorkTree {
                        path: path.clone(),
                        source,
                    })?,
            };
        let changed = match Patch::from_diff(diff, idx).map_err(diff_error)? {
            // A type change replaces a link by a file: all of it is new.
            Some(patch) if !patch.delta().flags().is_binary() && status != Delta::Typechange => {
                let mut ranges = Vec::with_capacity(patch.num_hunks());
                for h in 0..patch.num_hunks() {
                    let (hunk, _) = patch.hunk(h).map_err(diff_error)?;
                    if hunk.new_lines() > 0 {
                        ranges.push((hunk.new_start(), hunk.new_start() + hunk.new_lines() - 1));
                    }
                }
                palisade_core::ChangedLines::from_ranges(ranges)
            }
            // Binary to git (NUL bytes, a `binary` attribute): no line diff exists, so every
            // line counts; the CLI still decides whether the bytes are checkable text.
            _ => all_lines(&content),
        };
        files.push(ChangedFile {
            path,
            content,
            changed,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{numbered, replace_line, TestRepo};
    use palisade_core::ChangedLines;

    const SECRET: &str = "key = '-----BEGIN RSA PRIVATE KEY-----'";

    fn by_path<'a>(files: &'a [ChangedFile], path: &str) -> &'a ChangedFile {
        files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} not in {:?}", paths_of(files)))
    }

    fn paths_of(files: &[ChangedFile]) -> Vec<&str> {
        files.iter().map(|f| f.path.as_str()).collect()
    }

    fn lines(ranges: &[(u32, u32)]) -> ChangedLines {
        ChangedLines::from_ranges(ranges.to_vec())
    }

    #[test]
    fn partially_staged_secret_staged_and_removed_from_work_tree_is_seen() {
        let repo = TestRepo::new();
        let base = numbered(10);
        repo.write("app.py", &base);
        repo.git(&["add", "app.py"]);
        repo.commit("base");
        // Stage a secret on line 4, then clean it from the working tree only.
        repo.write("app.py", replace_line(&base, 4, SECRET));
        repo.git(&["add", "app.py"]);
        repo.write("app.py", replace_line(&base, 9, "clean = 1"));

        let files = staged(repo.root()).unwrap();
        assert_eq!(paths_of(&files), ["app.py"]);
        let text = String::from_utf8(files[0].content.clone()).unwrap();
        assert!(text.contains(SECRET), "staged blob, not the work tree");
        assert!(!text.contains("clean = 1"));
        assert_eq!(files[0].changed, lines(&[(4, 4)]));
    }

    #[test]
    fn partially_staged_secret_only_in_work_tree_is_not_seen() {
        let repo = TestRepo::new();
        let base = numbered(10);
        repo.write("app.py", &base);
        repo.git(&["add", "app.py"]);
        repo.commit("base");
        // Stage a clean change on line 2; the secret on line 7 stays unstaged.
        let clean = replace_line(&base, 2, "clean = 1");
        repo.write("app.py", &clean);
        repo.git(&["add", "app.py"]);
        repo.write("app.py", replace_line(&clean, 7, SECRET));

        let files = staged(repo.root()).unwrap();
        assert_eq!(files[0].content, clean.as_bytes());
        assert_eq!(files[0].changed, lines(&[(2, 2)]));
    }

    #[test]
    fn repository_without_commits_treats_every_staged_file_as_new() {
        let repo = TestRepo::new();
        repo.write("a.py", "x = 1\ny = 2\nz = 3\n");
        repo.write("sub/b.txt", "one\n");
        repo.write("untracked.py", SECRET);
        repo.git(&["add", "a.py", "sub/b.txt"]);

        let files = staged(repo.root()).unwrap();
        assert_eq!(paths_of(&files), ["a.py", "sub/b.txt"]);
        assert_eq!(by_path(&files, "a.py").changed, lines(&[(1, 3)]));
        assert_eq!(by_path(&files, "sub/b.txt").changed, lines(&[(1, 1)]));
    }

    #[test]
    fn empty_index_without_commits_is_empty() {
        let repo = TestRepo::new();
        assert!(staged(repo.root()).unwrap().is_empty());
    }

    #[test]
    fn added_modified_renamed_and_deleted_files() {
        let repo = TestRepo::new();
        let long = numbered(40);
        repo.write("keep.py", numbered(5));
        repo.write("gone.py", numbered(5));
        repo.write("old_name.py", &long);
        repo.git(&["add", "."]);
        repo.commit("base");

        repo.write("keep.py", replace_line(&numbered(5), 3, "changed"));
        repo.git(&["rm", "-q", "gone.py"]);
        repo.git(&["mv", "old_name.py", "new_name.py"]);
        repo.write(
            "new_name.py",
            replace_line(&long, 20, "renamed and changed"),
        );
        repo.write("fresh.py", "a\nb\n");
        repo.git(&["add", "."]);

        let files = staged(repo.root()).unwrap();
        assert_eq!(paths_of(&files), ["fresh.py", "keep.py", "new_name.py"]);
        assert_eq!(by_path(&files, "fresh.py").changed, lines(&[(1, 2)]));
        assert_eq!(by_path(&files, "keep.py").changed, lines(&[(3, 3)]));
        // Detected as a rename: only the differing line counts, not all 40.
        assert_eq!(by_path(&files, "new_name.py").changed, lines(&[(20, 20)]));
    }

    #[test]
    fn pure_rename_has_no_changed_lines_but_keeps_its_content() {
        let repo = TestRepo::new();
        repo.write("a.py", numbered(30));
        repo.git(&["add", "."]);
        repo.commit("base");
        repo.git(&["mv", "a.py", "b.py"]);

        let files = staged(repo.root()).unwrap();
        assert_eq!(paths_of(&files), ["b.py"]);
        assert!(files[0].changed.is_empty());
        assert_eq!(files[0].content, numbered(30).as_bytes());
    }

    #[test]
    fn inserted_and_deleted_lines_count_only_the_new_side() {
        let repo = TestRepo::new();
        repo.write("a.py", numbered(10));
        repo.git(&["add", "."]);
        repo.commit("base");
        // Delete lines 2-3, insert two lines after line 8 (new numbering).
        let mut v: Vec<String> = numbered(10).lines().map(str::to_owned).collect();
        v.drain(1..3);
        v.insert(6, "inserted a".into());
        v.insert(7, "inserted b".into());
        repo.write("a.py", v.join("\n") + "\n");
        repo.git(&["add", "."]);

        let files = staged(repo.root()).unwrap();
        assert_eq!(files[0].changed, lines(&[(7, 8)]));
    }

    #[test]
    fn binary_file_is_returned_whole() {
        let repo = TestRepo::new();
        repo.write("blob.bin", b"\x00bin\nsame\nold\n");
        repo.git(&["add", "."]);
        repo.commit("base");
        // A line diff would say line 3; git has no line diff for binary content.
        let content = b"\x00bin\nsame\nnew".to_vec();
        repo.write("blob.bin", &content);
        repo.git(&["add", "."]);

        let files = staged(repo.root()).unwrap();
        assert_eq!(files[0].content, content);
        assert_eq!(files[0].changed, lines(&[(1, 3)]));
    }

    #[test]
    fn binary_attribute_marks_every_line_changed() {
        let repo = TestRepo::new();
        repo.write(".gitattributes", "*.env binary\n");
        repo.write("prod.env", "A=1\nB=2\nC=3\n");
        repo.git(&["add", "."]);
        repo.commit("base");
        repo.write("prod.env", "A=1\nB=changed\nC=3\n");
        repo.git(&["add", "."]);

        let files = staged(repo.root()).unwrap();
        assert_eq!(by_path(&files, "prod.env").changed, lines(&[(1, 3)]));
    }

    #[test]
    fn submodules_and_symlinks_are_skipped() {
        let repo = TestRepo::new();
        repo.write("a.py", "x\n");
        repo.git(&["add", "."]);
        let head = repo.commit("base");
        let gitlink = format!("160000,{head},vendored");
        repo.git(&["update-index", "--add", "--cacheinfo", &gitlink]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a.py", repo.root().join("link.py")).unwrap();
            repo.git(&["add", "link.py"]);
        }
        repo.write("real.py", "y\n");
        repo.git(&["add", "real.py"]);

        let files = staged(repo.root()).unwrap();
        assert_eq!(paths_of(&files), ["real.py"]);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_path_is_displayed_lossily_and_read_exactly() {
        use std::os::unix::ffi::OsStrExt;
        let repo = TestRepo::new();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
        repo.write(name, "x = 1\n");
        repo.git(&["add", "."]);

        let files = staged(repo.root()).unwrap();
        assert_eq!(files[0].path, "caf\u{FFFD}.py");
        assert_eq!(files[0].content, b"x = 1\n");

        // --diff REV reads the work tree by the exact bytes too.
        repo.commit("base");
        repo.write(name, "x = 2\n");
        let files = diff(repo.root(), "HEAD").unwrap();
        assert_eq!(files[0].content, b"x = 2\n");
    }

    #[test]
    fn diff_range_uses_blobs_of_the_end() {
        let repo = TestRepo::new();
        repo.write("a.py", numbered(6));
        repo.write("b.py", "b\n");
        repo.git(&["add", "."]);
        let first = repo.commit("one");
        repo.write("a.py", replace_line(&numbered(6), 5, "five"));
        repo.git(&["add", "."]);
        repo.git(&["rm", "-q", "b.py"]);
        let second = repo.commit("two");
        // The work tree differs from the second commit; a range ignores it.
        repo.write("a.py", "dirty\n");

        let files = diff(repo.root(), &format!("{first}..{second}")).unwrap();
        assert_eq!(paths_of(&files), ["a.py"]);
        assert_eq!(files[0].changed, lines(&[(5, 5)]));
        assert!(String::from_utf8_lossy(&files[0].content).contains("five"));

        // `A..` means A..HEAD, as in git.
        let open_end = diff(repo.root(), &format!("{first}..")).unwrap();
        assert_eq!(open_end, files);
    }

    #[test]
    fn diff_three_dots_starts_at_the_merge_base() {
        let repo = TestRepo::new();
        repo.write("a.py", numbered(5));
        repo.write("main_only.py", "m\n");
        repo.git(&["add", "."]);
        repo.commit("base");
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.write("a.py", replace_line(&numbered(5), 2, "feature line"));
        repo.git(&["add", "."]);
        repo.commit("feature");
        repo.git(&["checkout", "-q", "main"]);
        repo.write("main_only.py", "m\nchanged on main\n");
        repo.git(&["add", "."]);
        repo.commit("main moves on");

        let three = diff(repo.root(), "main...feature").unwrap();
        assert_eq!(paths_of(&three), ["a.py"]);
        assert_eq!(three[0].changed, lines(&[(2, 2)]));
        // Two dots compare the tips: main's own change shows up (reverted on feature's side).
        let two = diff(repo.root(), "main..feature").unwrap();
        assert_eq!(paths_of(&two), ["a.py", "main_only.py"]);
    }

    #[test]
    fn diff_rev_against_work_tree_reads_disk_and_skips_untracked() {
        let repo = TestRepo::new();
        repo.write("a.py", numbered(4));
        repo.git(&["add", "."]);
        repo.commit("base");
        let on_disk = replace_line(&numbered(4), 3, "unstaged edit");
        repo.write("a.py", &on_disk);
        repo.write("new_untracked.py", SECRET);
        repo.write("staged_new.py", "s\n");
        repo.git(&["add", "staged_new.py"]);

        let files = diff(repo.root(), "HEAD").unwrap();
        assert_eq!(paths_of(&files), ["a.py", "staged_new.py"]);
        assert_eq!(by_path(&files, "a.py").content, on_disk.as_bytes());
        assert_eq!(by_path(&files, "a.py").changed, lines(&[(3, 3)]));
    }

    #[test]
    fn errors_name_the_problem() {
        let repo = TestRepo::new();
        let err = diff(repo.root(), "HEAD").unwrap_err();
        assert!(matches!(err, GitError::BadRevision { .. }), "{err}");
        repo.write("a.py", "x\n");
        repo.git(&["add", "."]);
        repo.commit("base");
        let err = diff(repo.root(), "no-such-branch").unwrap_err().to_string();
        assert!(err.starts_with("bad revision `no-such-branch`"), "{err}");
        let err = diff(repo.root(), "..").unwrap_err().to_string();
        assert!(err.starts_with("bad revision `..`"), "{err}");
        let err = diff(repo.root(), "HEAD:a.py").unwrap_err().to_string();
        assert!(err.contains("names a file"), "{err}");

        let plain = tempfile::tempdir().unwrap();
        let err = staged(plain.path()).unwrap_err();
        assert!(matches!(err, GitError::NotARepository { .. }));
        assert!(
            err.to_string().contains("is not inside a git repository"),
            "{err}"
        );
    }

    #[test]
    fn discover_root_finds_the_work_tree_from_a_subfolder() {
        let repo = TestRepo::new();
        repo.write("deep/er/file.py", "x\n");
        let root = crate::discover_root(&repo.root().join("deep/er")).unwrap();
        assert_eq!(
            root.canonicalize().unwrap(),
            repo.root().canonicalize().unwrap()
        );
        let bare = tempfile::tempdir().unwrap();
        git2::Repository::init_bare(bare.path()).unwrap();
        let err = crate::discover_root(bare.path()).unwrap_err();
        assert!(matches!(err, GitError::BareRepository { .. }), "{err}");
    }

    /// `git add -N` records a file without content; the commit will not contain it.
    #[test]
    fn intent_to_add_entries_are_left_out() {
        let repo = TestRepo::new();
        repo.write("a.py", "x = 1\n");
        repo.git(&["add", "."]);
        repo.commit("base");
        repo.write("later.py", "KEY = 'secret'\n");
        repo.git(&["add", "-N", "later.py"]);
        repo.write("b.py", "y = 2\n");
        repo.git(&["add", "b.py"]);

        let files = staged(repo.root()).unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["b.py"]);
    }

    /// `git commit -a` runs the hook with `GIT_INDEX_FILE` naming a temporary index that
    /// holds the `-a` changes; `.git/index` does not have them.
    #[test]
    fn explicit_index_file_is_what_gets_committed() {
        let repo = TestRepo::new();
        repo.write("a.py", "x = 1\n");
        repo.git(&["add", "."]);
        repo.commit("base");
        repo.write("a.py", format!("x = 1\n{SECRET}\n"));
        let alt = repo.root().join(".git/index.lock");
        std::fs::copy(repo.root().join(".git/index"), &alt).unwrap();
        repo.git_env(&["add", "-u"], &[("GIT_INDEX_FILE", &alt)]);

        assert!(staged_from(repo.root(), None).unwrap().is_empty());
        let files = staged_from(repo.root(), Some(&alt)).unwrap();
        assert_eq!(files[0].path, "a.py");
        assert_eq!(files[0].changed, lines(&[(2, 2)]));

        let reader = crate::IndexReader::open_from(repo.root(), Some(&alt)).unwrap();
        use palisade_core::checker::ContentReader;
        assert!(String::from_utf8(reader.read("a.py").unwrap())
            .unwrap()
            .contains(SECRET));

        // A named index that does not exist fails closed instead of reading as empty.
        let missing = repo.root().join(".git/no-such-index");
        let err = staged_from(repo.root(), Some(&missing))
            .unwrap_err()
            .to_string();
        assert!(err.contains("GIT_INDEX_FILE names"), "{err}");
    }
}
