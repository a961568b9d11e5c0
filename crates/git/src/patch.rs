//! `--patch`: a small parser for unified diffs (`git diff`, `git format-patch`, `diff -u`).
//!
//! For every file the patch leaves behind, the new side is either the working-tree file (when
//! it agrees with every new-side line the patch shows) or a reconstruction from the hunks,
//! with lines the patch does not show left blank so that line numbers stay right.

use std::path::Path;

use palisade_core::Diagnostic;

use crate::{paths, runs, ChangedFile, GitError};

/// What [`patch`] found: the files to check, and the files it could not check.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PatchFiles {
    pub files: Vec<ChangedFile>,
    /// Files the patch changes whose new side is not in the patch. The CLI reports each one
    /// with [`SkippedFile::diagnostic`] and goes on.
    pub skipped: Vec<SkippedFile>,
}

/// A file of a patch that was not checked, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    /// Display path, as in [`ChangedFile::path`].
    pub path: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// `Binary files a/x and b/x differ` or a `GIT binary patch`: no lines to check. Binary
    /// files are skipped in every mode, so this is a note, not an error.
    Binary,
}

impl SkippedFile {
    /// The diagnostic the CLI shows for this file.
    pub fn diagnostic(&self) -> Diagnostic {
        match self.reason {
            SkipReason::Binary => Diagnostic::note(
                self.path.clone(),
                "binary change in the patch: skipped (no lines to check)",
            ),
        }
    }
}

/// Parses a unified diff and returns each new-side file with its added lines.
///
/// `repo_root` is the folder the patch's paths are relative to (the work tree root for `git
/// diff` output; the current folder for `diff -u` output outside a repository). Prefixes such
/// as `a/` and `b/` are removed as `git apply` would; for plain `diff -u` output the choice is
/// made by which path exists under `repo_root`. Deleted files are left out; so are binary
/// changes, which [`patch_with_skipped`] lists.
///
/// Errors: input that is not empty but holds no file section, a hunk before any file header,
/// a malformed hunk header, a hunk whose lines do not match its header; and a patch of several
/// commits (`git log -p`, `git format-patch` of a series): more than one commit header, or one
/// path changed by two sections. One file's sections from different commits cannot be applied
/// to one new side, and keeping only the last would drop what the earlier ones added.
pub fn patch(patch_text: &[u8], repo_root: &Path) -> Result<Vec<ChangedFile>, GitError> {
    Ok(patch_with_skipped(patch_text, repo_root)?.files)
}

/// [`patch`], plus the files it had to skip (binary changes), so the CLI can report each with
/// [`SkippedFile::diagnostic`] instead of dropping it silently.
pub fn patch_with_skipped(patch_text: &[u8], repo_root: &Path) -> Result<PatchFiles, GitError> {
    let sections = parse(patch_text)?;
    refuse_several_commits(patch_text, &sections, repo_root)?;
    if sections.is_empty() && !patch_text.iter().all(u8::is_ascii_whitespace) {
        return Err(GitError::Patch {
            line: 1,
            message:
                "no file header (`diff --git`, or `---`/`+++` lines) found: not a unified diff"
                    .to_owned(),
        });
    }
    let mut out = PatchFiles::default();
    for section in &sections {
        let Some(raw_path) = section.new_path(repo_root) else {
            let deleted = section.deleted || matches!(section.new, Some(None));
            if !deleted && (section.binary || !section.hunks.is_empty()) {
                // Changes under a header whose paths cannot be read: never dropped unsaid.
                return Err(GitError::Patch {
                    line: 1,
                    message: "a `diff --git` section with changes names no path that can be read"
                        .to_owned(),
                });
            }
            continue; // deleted, or a header with nothing under it
        };
        if raw_path.is_empty() {
            // However the headers came to name it (`Binary files  and  differ`, a `diff -u`
            // with blank paths...): a file needs a path, and its changes are not dropped unsaid.
            return Err(GitError::Patch {
                line: 1,
                message: "a file section names an empty path".to_owned(),
            });
        }
        let path = paths::display(&raw_path);
        if section.binary {
            out.skipped.push(SkippedFile {
                path,
                reason: SkipReason::Binary,
            });
            continue;
        }
        let on_disk = read_work_tree(repo_root, &raw_path);
        if section.hunks.is_empty() {
            // A rename, copy or mode change without content change: nothing was added, but
            // `--whole-files` may still want the file if it is there.
            if let Some(content) = on_disk {
                out.files.push(ChangedFile {
                    path,
                    content,
                    changed: runs([]),
                });
            }
            continue;
        }
        let content = match on_disk {
            Some(content) if section.agrees_with(&content) => content,
            _ => section.reconstruct(),
        };
        let changed = runs(
            section
                .hunks
                .iter()
                .flat_map(|h| h.lines.iter())
                .filter(|l| l.added)
                .map(|l| l.number),
        );
        out.files.push(ChangedFile {
            path,
            content,
            changed,
        });
    }
    Ok(out)
}

/// A line that starts one commit of `git log -p` (`commit <id>`) or of an mbox series from
/// `git format-patch` (`From <id> <date>`). Hunk lines start with ` `, `+`, `-` or `\\`, so
/// such a line is never part of a hunk.
fn commit_header(line: &[u8]) -> bool {
    let hex_id = |rest: &[u8]| {
        let id: Vec<u8> = rest
            .iter()
            .copied()
            .take_while(|b| b.is_ascii_hexdigit())
            .collect();
        (id.len() == 40 || id.len() == 64)
            && rest.get(id.len()).is_none_or(|b| b.is_ascii_whitespace())
    };
    line.strip_prefix(b"commit ").is_some_and(hex_id)
        || line.strip_prefix(b"From ").is_some_and(hex_id)
}

/// Refuses a patch of several commits, with what to do instead.
fn refuse_several_commits(
    text: &[u8],
    sections: &[Section<'_>],
    repo_root: &Path,
) -> Result<(), GitError> {
    let commits = text
        .split(|&b| b == b'\n')
        .filter(|l| commit_header(l))
        .count();
    let advice = "check each commit on its own (`git show COMMIT | palisade check --patch -`), or the whole history with `palisade check --history [RANGE]`, which names the commit that added each finding";
    if commits > 1 {
        return Err(GitError::MultiCommitPatch {
            message: format!("the patch holds {commits} commits (`git log -p` or a `format-patch` series); --patch reads one change: {advice}"),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for s in sections {
        if let Some(p) = s.new_path(repo_root) {
            if !seen.insert(p.clone()) {
                return Err(GitError::MultiCommitPatch {
                    message: format!(
                        "the patch changes `{}` in more than one section (several commits?); --patch reads one change: {advice}",
                        paths::display(&p)
                    ),
                });
            }
        }
    }
    Ok(())
}

fn read_work_tree(root: &Path, raw_path: &[u8]) -> Option<Vec<u8>> {
    if !paths::is_safe_relative(raw_path) {
        return None;
    }
    let full = root.join(paths::to_fs(raw_path));
    if !full.is_file() {
        return None;
    }
    std::fs::read(full).ok()
}

/// One file's part of a patch.
#[derive(Debug, Default)]
struct Section<'a> {
    /// Started by `diff --git` / `diff --cc`: paths carry git's prefixes (unless
    /// `--no-prefix`), and extended headers may follow.
    git: bool,
    /// The two paths of a `diff --git A B` line, when they could be told apart.
    header: Option<(Vec<u8>, Vec<u8>)>,
    /// `---` path; `Some(None)` is `/dev/null`.
    old: Option<Option<Vec<u8>>>,
    /// `+++` path; `Some(None)` is `/dev/null`.
    new: Option<Option<Vec<u8>>>,
    /// The new path exactly, without prefix: `rename to`, `copy to`, `diff --cc PATH`.
    exact_new_path: Option<Vec<u8>>,
    deleted: bool,
    binary: bool,
    hunks: Vec<Hunk<'a>>,
    /// The new side's last line has no final newline (`\ No newline at end of file`).
    no_final_newline: bool,
}

#[derive(Debug)]
struct Hunk<'a> {
    /// New-side lines the hunk shows (context and added), in order.
    lines: Vec<NewLine<'a>>,
}

#[derive(Debug)]
struct NewLine<'a> {
    number: u32,
    /// Without the prefix column(s) and the `\n`; a `\r` of a CRLF file stays.
    text: &'a [u8],
    added: bool,
}

impl Section<'_> {
    /// The new side's path, without git's prefix; `None` when the file is deleted.
    fn new_path(&self, root: &Path) -> Option<Vec<u8>> {
        if self.deleted || matches!(self.new, Some(None)) {
            return None;
        }
        if let Some(to) = &self.exact_new_path {
            return Some(normalize(to));
        }
        let (raw, old) = match (&self.new, &self.header) {
            (Some(Some(new)), _) => (new.clone(), self.old.clone().flatten()),
            (_, Some((a, b))) => (b.clone(), Some(a.clone())),
            _ => return None,
        };
        let raw = normalize(&raw);
        let stripped = strip_component(&raw);
        let strip = if self.git {
            // git prefixes both sides (`a/`, `b/`, or `i/`, `w/`, ...) unless `--no-prefix`,
            // which shows as identical header paths.
            match &self.header {
                Some((a, b)) => a != b,
                None => true,
            }
        } else {
            match old.map(|o| normalize(&o)) {
                Some(o) if o == raw => false,
                Some(o) if strip_component(&o).is_some() && strip_component(&o) == stripped => true,
                _ => {
                    // `diff -u old new` or a new file: go by what exists.
                    let exists = |p: &[u8]| {
                        paths::is_safe_relative(p) && root.join(paths::to_fs(p)).exists()
                    };
                    match &stripped {
                        _ if exists(&raw) => false,
                        Some(s) if exists(s) => true,
                        _ => raw.starts_with(b"b/"),
                    }
                }
            }
        };
        match stripped {
            Some(s) if strip => Some(s),
            _ => Some(raw),
        }
    }

    /// Whether `content` has every new-side line of the patch at its line number.
    fn agrees_with(&self, content: &[u8]) -> bool {
        let mut lines: Vec<&[u8]> = content.split(|&b| b == b'\n').collect();
        if content.ends_with(b"\n") {
            lines.pop();
        }
        self.hunks.iter().flat_map(|h| h.lines.iter()).all(|l| {
            lines
                .get(l.number as usize - 1)
                .is_some_and(|have| trim_cr(have) == trim_cr(l.text))
        })
    }

    /// The new side as far as the patch shows it; unknown lines are blank.
    fn reconstruct(&self) -> Vec<u8> {
        let mut known: Vec<&NewLine<'_>> = self.hunks.iter().flat_map(|h| h.lines.iter()).collect();
        // Hunks are in order in a well-formed patch; sorting makes overlaps harmless.
        known.sort_by_key(|l| l.number);
        let mut out = Vec::new();
        let mut next = 1;
        for line in known {
            if line.number < next {
                continue; // an overlapping hunk repeats a line; the first one wins
            }
            out.resize(out.len() + (line.number - next) as usize, b'\n');
            out.extend_from_slice(line.text);
            out.push(b'\n');
            next = line.number + 1;
        }
        if next > 1 && self.no_final_newline {
            out.pop();
        }
        out
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Drops leading `./` parts.
fn normalize(path: &[u8]) -> Vec<u8> {
    let mut p = path;
    while let Some(rest) = p.strip_prefix(b"./") {
        p = rest;
    }
    p.to_vec()
}

/// The path without its first component (`b/src/x.py` -> `src/x.py`), if it has one.
fn strip_component(path: &[u8]) -> Option<Vec<u8>> {
    let slash = path.iter().position(|&b| b == b'/')?;
    let rest = &path[slash + 1..];
    (!rest.is_empty()).then(|| rest.to_vec())
}

fn parse(text: &[u8]) -> Result<Vec<Section<'_>>, GitError> {
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    if text.ends_with(b"\n") || text.is_empty() {
        lines.pop();
    }
    let mut sections: Vec<Section<'_>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = trim_cr(lines[i]);
        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            sections.push(Section {
                git: true,
                header: split_git_header(rest),
                ..Section::default()
            });
        } else if let Some(rest) = line
            .strip_prefix(b"diff --cc ")
            .or_else(|| line.strip_prefix(b"diff --combined "))
        {
            sections.push(Section {
                git: true,
                // A combined diff names the path once, without prefix.
                exact_new_path: Some(header_path(rest)),
                ..Section::default()
            });
        } else if line.starts_with(b"--- ")
            && lines.get(i + 1).is_some_and(|l| l.starts_with(b"+++ "))
        {
            let old = header_path(&line[4..]);
            let new = header_path(&trim_cr(lines[i + 1])[4..]);
            for (side, path, at) in [("---", &old, i), ("+++", &new, i + 1)] {
                if path.is_empty() {
                    return Err(GitError::Patch {
                        line: at + 1,
                        message: format!("`{side}` line without a path"),
                    });
                }
            }
            let dev_null = |p: Vec<u8>| (p != b"/dev/null").then_some(p);
            let continues_git = sections
                .last()
                .is_some_and(|s| s.git && s.hunks.is_empty() && s.new.is_none() && !s.binary);
            if !continues_git {
                sections.push(Section::default());
            }
            let section = sections.last_mut().expect("pushed above");
            section.old = Some(dev_null(old));
            section.new = Some(dev_null(new));
            i += 2;
            continue;
        } else if line.starts_with(b"@@") {
            let Some(section) = sections.last_mut() else {
                return Err(GitError::Patch {
                    line: i + 1,
                    message: "hunk before any file header".to_owned(),
                });
            };
            i = parse_hunk(&lines, i, section)?;
            continue;
        } else if let Some(section) = sections.last_mut().filter(|s| s.hunks.is_empty()) {
            // Extended headers of the current file (git), or `diff -r`'s binary notice.
            if let Some(to) = line
                .strip_prefix(b"rename to ")
                .or_else(|| line.strip_prefix(b"copy to "))
            {
                let to = header_path(to);
                if to.is_empty() {
                    return Err(GitError::Patch {
                        line: i + 1,
                        message: "rename or copy without a path".to_owned(),
                    });
                }
                section.exact_new_path = Some(to);
            } else if line.starts_with(b"deleted file mode ") {
                section.deleted = true;
            } else if line.starts_with(b"GIT binary patch") || is_binary_notice(line) {
                section.binary = true;
            }
        } else if is_binary_notice(line) {
            // `diff -r` prints only this line for a binary file: `Binary files A and B differ`.
            if let Some((old, new)) = binary_notice_paths(line) {
                sections.push(Section {
                    old: Some(Some(old)),
                    new: Some(Some(new)),
                    binary: true,
                    ..Section::default()
                });
            }
        }
        i += 1;
    }
    Ok(sections)
}

fn is_binary_notice(line: &[u8]) -> bool {
    line.len() >= b"Binary files  differ".len()
        && line.starts_with(b"Binary files ")
        && line.ends_with(b" differ")
}

/// `A` and `B` of `Binary files A and B differ`.
fn binary_notice_paths(line: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let inner = &line[b"Binary files ".len()..line.len() - b" differ".len()];
    let at = inner.windows(5).rposition(|w| w == b" and ")?;
    Some((header_path(&inner[..at]), header_path(&inner[at + 5..])))
}

/// Parses the hunk whose header is `lines[start]`; returns the index of the line after it.
fn parse_hunk<'a>(
    lines: &[&'a [u8]],
    start: usize,
    section: &mut Section<'a>,
) -> Result<usize, GitError> {
    let header = trim_cr(lines[start]);
    let err = |line: usize, message: String| GitError::Patch { line, message };
    let (old_counts, new_start, new_count) = parse_hunk_header(header).ok_or_else(|| {
        err(
            start + 1,
            format!("bad hunk header `{}`", paths::display(header)),
        )
    })?;
    // One prefix column per parent: 1 in a unified diff, 2+ in a combined diff.
    let columns = old_counts.len();
    let mut old_left = old_counts;
    let mut new_left = new_count;
    let mut number = new_start;
    let mut hunk = Hunk { lines: Vec::new() };
    let mut last_was_new = false;
    let mut i = start + 1;
    while new_left > 0 || old_left.iter().any(|&n| n > 0) {
        let Some(&line) = lines.get(i) else {
            return Err(err(
                start + 1,
                "the patch ends inside this hunk: fewer lines than its header says".to_owned(),
            ));
        };
        if line.starts_with(b"\\") {
            section.no_final_newline = last_was_new;
            i += 1;
            continue;
        }
        // Some tools strip the single space of an empty context line.
        let (marks, text): (&[u8], &[u8]) = if trim_cr(line).is_empty() {
            (&[], b"")
        } else if line.len() >= columns {
            line.split_at(columns)
        } else {
            (line, b"")
        };
        let valid = trim_cr(line).is_empty()
            || (marks.len() == columns && marks.iter().all(|m| matches!(m, b' ' | b'+' | b'-')));
        if !valid {
            return Err(err(
                i + 1,
                format!(
                    "unexpected line inside the hunk that starts at line {}; \
                     the hunk header promises more lines",
                    start + 1
                ),
            ));
        }
        let too_many = || {
            err(
                i + 1,
                format!(
                    "more lines than the header of the hunk at line {} says",
                    start + 1
                ),
            )
        };
        if marks.contains(&b'-') {
            // Removed from the parents marked `-`; not on the new side.
            for (col, &m) in marks.iter().enumerate() {
                if m == b'-' {
                    old_left[col] = old_left[col].checked_sub(1).ok_or_else(too_many)?;
                }
            }
            last_was_new = false;
        } else {
            new_left = new_left.checked_sub(1).ok_or_else(too_many)?;
            for (col, left) in old_left.iter_mut().enumerate() {
                // A context column (or a stripped empty context line) consumes that parent.
                if !matches!(marks.get(col), Some(&m) if m != b' ') {
                    *left = left.checked_sub(1).ok_or_else(too_many)?;
                }
            }
            hunk.lines.push(NewLine {
                number,
                text,
                added: marks.contains(&b'+'),
            });
            number += 1;
            last_was_new = true;
            section.no_final_newline = false;
        }
        i += 1;
    }
    // A `\ No newline at end of file` may follow the hunk's last line.
    while lines.get(i).is_some_and(|l| l.starts_with(b"\\")) {
        section.no_final_newline = last_was_new;
        i += 1;
    }
    section.hunks.push(hunk);
    Ok(i)
}

/// Line numbers beyond this are taken for a damaged patch (no source file is that long).
const MAX_LINE: u32 = 100_000_000;

/// `@@ -a,b +c,d @@ ...` (or `@@@ -a,b -c,d +e,f @@@` for a combined diff) to
/// (old counts per parent, new start, new count). A missing count is 1.
fn parse_hunk_header(line: &[u8]) -> Option<(Vec<u32>, u32, u32)> {
    let ats = line.iter().take_while(|&&b| b == b'@').count();
    if ats < 2 {
        return None;
    }
    let fence = &line[..ats];
    let body = &line[ats..];
    let end = body.windows(ats).position(|w| w == fence)?;
    let mut olds = Vec::new();
    let mut new = None;
    for token in body[..end].split(|&b| b == b' ').filter(|t| !t.is_empty()) {
        let (sign, range) = token.split_first()?;
        let range = std::str::from_utf8(range).ok()?;
        let (start, count) = match range.split_once(',') {
            Some((s, c)) => (s.parse::<u32>().ok()?, c.parse::<u32>().ok()?),
            None => (range.parse::<u32>().ok()?, 1),
        };
        match sign {
            b'-' if new.is_none() => olds.push(count),
            b'+' if new.is_none() => new = Some((start, count)),
            _ => return None,
        }
    }
    let (new_start, new_count) = new?;
    // A new side of 0 lines names the line before it; there is no line 0 otherwise.
    if olds.len() != ats - 1 || (new_start == 0 && new_count > 0) {
        return None;
    }
    // Reconstruction writes one byte per unknown line: refuse absurd line numbers.
    if new_start.checked_add(new_count)? > MAX_LINE {
        return None;
    }
    Some((olds, new_start, new_count))
}

/// A path as written after `--- `, `+++ `, `rename to `: C-quoted if it starts with `"`,
/// else up to a tab (diff -u's timestamp; git's marker after names with spaces).
fn header_path(value: &[u8]) -> Vec<u8> {
    let value = trim_cr(value);
    if value.starts_with(b"\"") {
        if let Some((path, _)) = unquote(value) {
            return path;
        }
    }
    let end = value
        .iter()
        .position(|&b| b == b'\t')
        .unwrap_or(value.len());
    value[..end].to_vec()
}

/// Parses a C-quoted string at the start of `s`; returns it and the rest after the quote.
fn unquote(s: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut out = Vec::new();
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Some((out, &s[i + 1..])),
            b'\\' => {
                let c = *s.get(i + 1)?;
                i += 2;
                match c {
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b't' => out.push(b'\t'),
                    b'n' => out.push(b'\n'),
                    b'v' => out.push(11),
                    b'f' => out.push(12),
                    b'r' => out.push(b'\r'),
                    b'0'..=b'7' => {
                        // Octal byte: git writes non-ASCII bytes as \ooo.
                        let digits = s.get(i - 1..i + 2)?;
                        if !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                            return None;
                        }
                        let value = digits
                            .iter()
                            .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                        out.push(u8::try_from(value).ok()?);
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// The two paths of `diff --git A B`. Paths with spaces are ambiguous, so a split is accepted
/// only when both halves name the same file (identical, or identical after their prefix).
fn split_git_header(rest: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let rest = trim_cr(rest);
    let both = |a: Vec<u8>, b: Vec<u8>| (!a.is_empty() && !b.is_empty()).then_some((a, b));
    if rest.starts_with(b"\"") {
        let (a, tail) = unquote(rest)?;
        let tail = tail.strip_prefix(b" ")?;
        return both(a, header_path(tail));
    }
    if rest.ends_with(b"\"") {
        let open = rest.windows(2).rposition(|w| w == b" \"")?;
        let (b, _) = unquote(&rest[open + 1..])?;
        return both(rest[..open].to_vec(), b);
    }
    let spaces = rest
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b' ')
        .map(|(i, _)| i);
    let mut renamed = None;
    for at in spaces {
        let (a, b) = (&rest[..at], &rest[at + 1..]);
        if a.is_empty() || b.is_empty() {
            continue;
        }
        if a == b {
            return Some((a.to_vec(), b.to_vec()));
        }
        if strip_component(a).is_some() && strip_component(a) == strip_component(b) {
            return Some((a.to_vec(), b.to_vec()));
        }
        // A rename without spaces has exactly one space: still usable.
        if renamed.is_none() && !a.contains(&b' ') && !b.contains(&b' ') {
            renamed = Some((a.to_vec(), b.to_vec()));
        }
    }
    renamed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{numbered, replace_line, TestRepo};
    use palisade_core::ChangedLines;

    fn lines(ranges: &[(u32, u32)]) -> ChangedLines {
        ChangedLines::from_ranges(ranges.to_vec())
    }

    fn no_repo() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    const ONE_SECTION: &str =
        "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-x\n+y\n";

    #[test]
    fn a_patch_of_several_commits_is_refused() {
        let dir = no_repo();
        let id = "0123456789abcdef0123456789abcdef01234567";
        let log = format!("commit {id}\n\n    one\n\n{ONE_SECTION}commit {id}\n\n    two\n\n");
        let err = patch(log.as_bytes(), dir.path()).unwrap_err();
        assert!(matches!(err, GitError::MultiCommitPatch { .. }), "{err}");
        let mbox = format!(
            "From {id} Mon Sep 17 00:00:00 2001\n{ONE_SECTION}From {id} Mon Sep 17 00:00:00 2001\n"
        );
        assert!(patch(mbox.as_bytes(), dir.path()).is_err());
        // One path in two sections, no commit headers.
        let twice = format!("{ONE_SECTION}{ONE_SECTION}");
        let err = patch(twice.as_bytes(), dir.path()).unwrap_err();
        assert!(err.to_string().contains("more than one section"), "{err}");
        // One commit is one change.
        let one = format!("commit {id}\n\n    one\n\n{ONE_SECTION}");
        assert_eq!(patch(one.as_bytes(), dir.path()).unwrap().len(), 1);
        // `commit` inside a hunk is content, not a header.
        let content = "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1,2 @@\n-x\n+commit 0123456789abcdef0123456789abcdef01234567\n+y\n";
        assert_eq!(patch(content.as_bytes(), dir.path()).unwrap().len(), 1);
    }

    const TWO_HUNKS: &str = "\
diff --git a/app.py b/app.py
index 1111111..2222222 100644
--- a/app.py
+++ b/app.py
@@ -1,3 +1,4 @@
 line 1
+added 2
 line 2
 line 3
@@ -8,2 +9,2 @@ def section():
 line 8
-line 9
+changed 10
";

    #[test]
    fn work_tree_file_that_agrees_is_used_whole() {
        let dir = no_repo();
        let mut on_disk = vec!["line 1", "added 2", "line 2", "line 3"];
        on_disk.extend([
            "line 4",
            "line 5",
            "line 6",
            "line 7",
            "line 8",
            "changed 10",
            "tail",
        ]);
        let on_disk = on_disk.join("\n") + "\n";
        std::fs::write(dir.path().join("app.py"), &on_disk).unwrap();

        let files = patch(TWO_HUNKS.as_bytes(), dir.path()).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "app.py");
        assert_eq!(files[0].content, on_disk.as_bytes());
        assert_eq!(files[0].changed, lines(&[(2, 2), (10, 10)]));
    }

    #[test]
    fn missing_or_disagreeing_work_tree_is_reconstructed_with_blank_gaps() {
        let dir = no_repo();
        let expected = "line 1\nadded 2\nline 2\nline 3\n\n\n\n\nline 8\nchanged 10\n";
        let files = patch(TWO_HUNKS.as_bytes(), dir.path()).unwrap();
        assert_eq!(String::from_utf8_lossy(&files[0].content), expected);

        // The file on disk has moved on: its line 10 is not the patch's.
        std::fs::write(dir.path().join("app.py"), numbered(12)).unwrap();
        let files = patch(TWO_HUNKS.as_bytes(), dir.path()).unwrap();
        assert_eq!(String::from_utf8_lossy(&files[0].content), expected);
        assert_eq!(files[0].changed, lines(&[(2, 2), (10, 10)]));
    }

    #[test]
    fn new_file_has_every_line_added_and_deleted_file_is_left_out() {
        let text = "\
diff --git a/new.py b/new.py
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new.py
@@ -0,0 +1,3 @@
+a
+b
+c
diff --git a/old.py b/old.py
deleted file mode 100644
index 4444444..0000000
--- a/old.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/empty_gone.py b/empty_gone.py
deleted file mode 100644
index e69de29..0000000
";
        let files = patch(text.as_bytes(), no_repo().path()).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "new.py");
        assert_eq!(files[0].content, b"a\nb\nc\n");
        assert_eq!(files[0].changed, lines(&[(1, 3)]));
    }

    #[test]
    fn renames_use_the_new_path() {
        let dir = no_repo();
        std::fs::write(dir.path().join("same.py"), "unchanged\n").unwrap();
        let text = "\
diff --git a/src/old.py b/src/new.py
similarity index 90%
rename from src/old.py
rename to src/new.py
index 1111111..2222222 100644
--- a/src/old.py
+++ b/src/new.py
@@ -2 +2 @@
-was
+now
diff --git a/before.py b/same.py
similarity index 100%
rename from before.py
rename to same.py
";
        let files = patch(text.as_bytes(), dir.path()).unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["src/new.py", "same.py"]);
        assert_eq!(files[0].changed, lines(&[(2, 2)]));
        assert_eq!(files[0].content, b"\nnow\n");
        // A pure rename adds nothing, but the file is there for --whole-files.
        assert!(files[1].changed.is_empty());
        assert_eq!(files[1].content, b"unchanged\n");
    }

    #[test]
    fn quoted_and_spaced_paths() {
        let text = "\
diff --git \"a/caf\\303\\251 \\\"q\\\".py\" \"b/caf\\303\\251 \\\"q\\\".py\"
--- \"a/caf\\303\\251 \\\"q\\\".py\"
+++ \"b/caf\\303\\251 \\\"q\\\".py\"
@@ -0,0 +1 @@
+x
diff --git a/with space.py b/with space.py
--- a/with space.py\t
+++ b/with space.py\t
@@ -0,0 +1 @@
+y
diff --git a/bad\\377.py b/bad\\377.py
--- \"a/bad\\377.py\"
+++ \"b/bad\\377.py\"
@@ -0,0 +1 @@
+z
";
        let files = patch(text.as_bytes(), no_repo().path()).unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["café \"q\".py", "with space.py", "bad\u{FFFD}.py"]);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_path_from_a_patch_reads_the_exact_file() {
        use std::os::unix::ffi::OsStrExt;
        let dir = no_repo();
        let name = std::ffi::OsStr::from_bytes(b"bad\xff.py");
        std::fs::write(dir.path().join(name), "z\nmore on disk\n").unwrap();
        let text = "--- \"a/bad\\377.py\"\n+++ \"b/bad\\377.py\"\n@@ -0,0 +1 @@\n+z\n";
        let files = patch(text.as_bytes(), dir.path()).unwrap();
        assert_eq!(files[0].content, b"z\nmore on disk\n");
    }

    #[test]
    fn no_newline_at_end_of_file() {
        let text = "\
--- a/f.txt
+++ b/f.txt
@@ -1,2 +1,2 @@
 keep
-old
\\ No newline at end of file
+new
\\ No newline at end of file
";
        let files = patch(text.as_bytes(), no_repo().path()).unwrap();
        assert_eq!(files[0].content, b"keep\nnew");
        assert_eq!(files[0].changed, lines(&[(2, 2)]));

        // Only the old side lacked the newline: the new side ends with one.
        let text = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-old\n\\ No newline at end of file\n+new\n";
        let files = patch(text.as_bytes(), no_repo().path()).unwrap();
        assert_eq!(files[0].content, b"new\n");
    }

    #[test]
    fn binary_changes_are_listed_as_skipped() {
        let text = "\
diff --git a/logo.png b/logo.png
index 1111111..2222222 100644
Binary files a/logo.png and b/logo.png differ
diff --git a/data.bin b/data.bin
new file mode 100644
index 0000000..3333333
GIT binary patch
literal 12
TcmZQzU|?ckU|?ckU|=~002KfP

literal 0
HcmV?d00001

diff --git a/ok.py b/ok.py
--- a/ok.py
+++ b/ok.py
@@ -0,0 +1 @@
+fine
";
        let out = patch_with_skipped(text.as_bytes(), no_repo().path()).unwrap();
        assert_eq!(out.files.len(), 1);
        assert_eq!(out.files[0].path, "ok.py");
        let skipped: Vec<_> = out.skipped.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(skipped, ["logo.png", "data.bin"]);
        let diagnostic = out.skipped[0].diagnostic();
        assert_eq!(diagnostic.path, "logo.png");
        assert_eq!(diagnostic.level, palisade_core::DiagnosticLevel::Note);
        // `patch` alone drops them.
        assert_eq!(patch(text.as_bytes(), no_repo().path()).unwrap(), out.files);

        // `diff -r` prints a lone notice line for a binary file.
        let lone = "Binary files old/img.png and new/img.png differ\n";
        let out = patch_with_skipped(lone.as_bytes(), no_repo().path()).unwrap();
        assert_eq!(out.skipped[0].path, "img.png");
    }

    #[test]
    fn plain_diff_u_with_timestamps_and_folder_prefixes() {
        let dir = no_repo();
        std::fs::create_dir(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join("pkg/mod.py"), "a\nB\n").unwrap();
        std::fs::write(dir.path().join("conf.py"), "new\n").unwrap();
        let text = "\
diff -ru orig/pkg/mod.py work/pkg/mod.py
--- orig/pkg/mod.py\t2026-01-01 10:00:00.000000000 +0000
+++ work/pkg/mod.py\t2026-01-02 10:00:00.000000000 +0000
@@ -1,2 +1,2 @@
 a
-b
+B
Only in work: extra
--- conf.py.orig\t2026-01-01 10:00:00.000000000 +0000
+++ conf.py\t2026-01-02 10:00:00.000000000 +0000
@@ -1 +1 @@
-old
+new
--- ./same.py\t2026-01-01
+++ ./same.py\t2026-01-02
@@ -1 +1 @@
-1
+2
";
        let files = patch(text.as_bytes(), dir.path()).unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["pkg/mod.py", "conf.py", "same.py"]);
        assert_eq!(files[0].content, b"a\nB\n", "read from disk: it agrees");
        assert_eq!(files[0].changed, lines(&[(2, 2)]));
    }

    #[test]
    fn no_prefix_and_mnemonic_prefix_git_diffs() {
        let dir = no_repo();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        let text = "\
diff --git src/x.py src/x.py
--- src/x.py
+++ src/x.py
@@ -0,0 +1 @@
+x
diff --git i/src/y.py w/src/y.py
--- i/src/y.py
+++ w/src/y.py
@@ -0,0 +1 @@
+y
";
        let files = patch(text.as_bytes(), dir.path()).unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["src/x.py", "src/y.py"]);
    }

    #[test]
    fn hunk_lines_that_look_like_headers_stay_in_the_hunk() {
        let text = "\
--- a/notes.md
+++ b/notes.md
@@ -1,3 +1,3 @@
---- a/looks-like-a-header
-@@ -1 +1 @@
++++ b/also-looks-like-one
+diff --git x y
 @@ context that looks like a hunk
";
        let files = patch(text.as_bytes(), no_repo().path()).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(
            String::from_utf8_lossy(&files[0].content),
            "+++ b/also-looks-like-one\ndiff --git x y\n@@ context that looks like a hunk\n"
        );
        assert_eq!(files[0].changed, lines(&[(1, 2)]));
    }

    #[test]
    fn crlf_patches_and_stripped_empty_context_lines() {
        let dir = no_repo();
        std::fs::write(dir.path().join("w.txt"), "one\r\n\r\ntwo\r\n").unwrap();
        // A CRLF file in an LF patch, and an empty context line whose space an editor removed.
        let text = "--- a/w.txt\n+++ b/w.txt\n@@ -1,3 +1,3 @@\n one\r\n\n-uno\r\n+two\r\n";
        let files = patch(text.as_bytes(), dir.path()).unwrap();
        assert_eq!(files[0].content, b"one\r\n\r\ntwo\r\n");
        assert_eq!(files[0].changed, lines(&[(3, 3)]));
        // A patch saved with CRLF endings throughout still parses.
        let crlf = TWO_HUNKS.replace('\n', "\r\n");
        let files = patch(crlf.as_bytes(), dir.path()).unwrap();
        assert_eq!(files[0].path, "app.py");
        assert_eq!(files[0].changed, lines(&[(2, 2), (10, 10)]));
    }

    #[test]
    fn email_patches_with_signature() {
        let text = "\
From 1234 Mon Sep 17 00:00:00 2001
From: Dev <dev@example.com>
Subject: [PATCH] add config

---
 cfg.py | 1 +
 1 file changed, 1 insertion(+)

diff --git a/cfg.py b/cfg.py
--- a/cfg.py
+++ b/cfg.py
@@ -1 +1,2 @@
 a = 1
+b = 2
-- 
2.47.0

";
        let files = patch(text.as_bytes(), no_repo().path()).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].changed, lines(&[(2, 2)]));
    }

    #[test]
    fn combined_diff_of_a_merge() {
        let text = "\
diff --cc merged.py
index 1111111,2222222..0000000
--- a/merged.py
+++ b/merged.py
@@@ -1,2 -1,3 +1,3 @@@
  same
- ours
 -theirs
++resolved
+ from ours
";
        let files = patch(text.as_bytes(), no_repo().path()).unwrap();
        assert_eq!(files[0].path, "merged.py");
        assert_eq!(files[0].content, b"same\nresolved\nfrom ours\n");
        assert_eq!(files[0].changed, lines(&[(2, 3)]));
    }

    #[test]
    fn paths_that_leave_the_root_are_not_read_from_disk() {
        let outer = no_repo();
        let root = outer.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(outer.path().join("secret.txt"), "outside\n").unwrap();
        let text = "--- a/../secret.txt\n+++ b/../secret.txt\n@@ -0,0 +1 @@\n+outside\n";
        let files = patch(text.as_bytes(), &root).unwrap();
        assert_eq!(
            files[0].content, b"outside\n",
            "reconstructed from the patch"
        );
        let text = "--- a/x\n+++ b/x\n@@ -4,0 +5 @@\n+only line 5 is known\n";
        let files = patch(text.as_bytes(), &root).unwrap();
        assert_eq!(files[0].content, b"\n\n\n\nonly line 5 is known\n");
    }

    #[test]
    fn malformed_input_is_an_error_with_a_line_number() {
        let root = no_repo();
        let err = |text: &str| patch(text.as_bytes(), root.path()).unwrap_err().to_string();
        assert_eq!(
            err("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n"),
            "malformed patch, line 3: the patch ends inside this hunk: fewer lines than its header says"
        );
        assert!(err("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n?what\n")
            .starts_with("malformed patch, line 5: unexpected line"));
        assert!(err("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n-b\n")
            .starts_with("malformed patch, line 5: more lines than"));
        assert!(err("--- a/x\n+++ b/x\n@@ -x +1 @@\n")
            .starts_with("malformed patch, line 3: bad hunk header"));
        assert!(err("@@ -1 +1 @@\n-a\n+b\n").contains("hunk before any file header"));
        assert!(err("import os\nprint('not a patch')\n").contains("not a unified diff"));
        // Nothing to check is not an error: `git diff | palisade check --patch -` on a clean tree.
        assert!(patch(b"", root.path()).unwrap().is_empty());
        assert!(patch(b"\n \n", root.path()).unwrap().is_empty());
    }

    /// Every truncation and many byte mutations of real patches: errors allowed, panics not.
    #[test]
    fn damaged_patches_never_panic() {
        let root = no_repo();
        let samples = [
            TWO_HUNKS.to_owned(),
            "diff --cc m\n--- a/m\n+++ b/m\n@@@ -1,2 -1,3 +1,3 @@@\n  s\n- o\n -t\n++r\n+ f\n".into(),
            "diff --git \"a/\\303\" \"b/\\303\"\nBinary files a/x and b/x differ\nBinary files  differ\n".into(),
            "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n".into(),
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for sample in &samples {
            let bytes = sample.as_bytes();
            for cut in 0..=bytes.len() {
                let _ = patch_with_skipped(&bytes[..cut], root.path());
            }
            for _ in 0..500 {
                let mut damaged = bytes.to_vec();
                for _ in 0..3 {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    let at = (seed >> 33) as usize % damaged.len();
                    let table = b" +-@\\\"\n0\t/";
                    damaged[at] = table[(seed >> 20) as usize % table.len()];
                }
                let _ = patch_with_skipped(&damaged, root.path());
            }
        }
    }

    #[test]
    fn hunk_header_forms() {
        assert_eq!(parse_hunk_header(b"@@ -1,2 +3,4 @@"), Some((vec![2], 3, 4)));
        assert_eq!(
            parse_hunk_header(b"@@ -1 +3 @@ fn x()"),
            Some((vec![1], 3, 1))
        );
        assert_eq!(parse_hunk_header(b"@@ -5,3 +4,0 @@"), Some((vec![3], 4, 0)));
        assert_eq!(
            parse_hunk_header(b"@@@ -1,2 -3,4 +5,6 @@@"),
            Some((vec![2, 4], 5, 6))
        );
        assert_eq!(parse_hunk_header(b"@@ -1,2 +3,4"), None);
        assert_eq!(parse_hunk_header(b"@@ -1,2 -3,4 +5,6 @@"), None);
        assert_eq!(parse_hunk_header(b"@@ -1 +0,1 @@"), None);
        assert_eq!(parse_hunk_header(b"@@ -1 +99999999999 @@"), None);
        assert_eq!(parse_hunk_header(b"@@ -0,0 +4000000000,5 @@"), None);
    }

    /// `git diff --cached` through the parser agrees with reading the index directly.
    #[test]
    fn git_diff_output_matches_staged() {
        let repo = TestRepo::new();
        let base = numbered(30);
        repo.write("a.py", &base);
        repo.write("b.py", numbered(8));
        repo.write("old name.py", numbered(25));
        repo.write("gone.py", "g\n");
        repo.git(&["add", "."]);
        repo.commit("base");
        let a = replace_line(&replace_line(&base, 3, "three"), 27, "twenty-seven");
        repo.write("a.py", a);
        repo.write("b.py", "prefix\n".to_owned() + &numbered(8));
        repo.git(&["mv", "old name.py", "new name.py"]);
        repo.write("new name.py", replace_line(&numbered(25), 12, "twelve"));
        repo.git(&["rm", "-q", "gone.py"]);
        repo.write("fresh.py", "f1\nf2\n");
        repo.git(&["add", "."]);

        let staged = crate::staged(repo.root()).unwrap();
        for context in ["-U0", "-U3", "-U10"] {
            let text = repo.git(&["diff", "--cached", "-M", "--no-color", context]);
            let mut from_patch = patch(text.as_bytes(), repo.root()).unwrap();
            from_patch.sort_by(|x, y| x.path.cmp(&y.path));
            assert_eq!(from_patch, staged, "git diff --cached {context}:\n{text}");
        }
    }

    /// Found by the `patch` fuzz target: a `+++` line with nothing after it gave a file with an
    /// empty path, which the reader then looked up as the repository root.
    #[test]
    fn a_header_line_without_a_path_is_an_error() {
        let dir = no_repo();
        for text in [
            "--- a/x.py\n+++ \n@@ -1 +1 @@\n-x\n+y\n",
            "--- \n+++ b/x.py\n@@ -1 +1 @@\n-x\n+y\n",
            "diff --git a/x.py b/y.py\nrename from x.py\nrename to \n",
        ] {
            let err = patch(text.as_bytes(), dir.path()).unwrap_err();
            assert!(
                err.to_string().contains("without a path"),
                "{text:?}: {err}"
            );
        }
        let crash = include_bytes!(
            "../../../fuzz/corpus/patch/crash-4a98b57a79362c200130c7fb981c21a054f6839d"
        );
        assert!(patch(crash, dir.path()).is_err());
        // `diff --git b/x ` splits into `b/x` and nothing: no path, and its hunk is not dropped
        // unsaid (found by the fuzz target after the fix above).
        let err = patch(b"diff --git b/x \n@@ -1 +1 @@\n-x\n+y\n", dir.path()).unwrap_err();
        assert!(err.to_string().contains("no path"), "{err}");
        let crash = include_bytes!(
            "../../../fuzz/corpus/patch/crash-3449c1ec6e689b360cc1067b8103e453a2b27297"
        );
        if let Ok(files) = patch(crash, dir.path()) {
            assert!(files.iter().all(|f| !f.path.is_empty()));
        }
        let crash = include_bytes!(
            "../../../fuzz/corpus/patch/crash-0a53620cc96a42a077534e6726d70b3897959b10"
        );
        if let Ok(files) = patch_with_skipped(crash, dir.path()) {
            assert!(files.files.iter().all(|f| !f.path.is_empty()));
            assert!(files.skipped.iter().all(|f| !f.path.is_empty()));
        }
    }
}
