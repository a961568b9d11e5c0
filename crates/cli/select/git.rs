//! `--staged`, `--diff` and `--patch`: files as the commit or diff has them, with the lines
//! it changes, read through palisade-git.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use palisade_core::Diagnostic;

use super::{Input, Source};
use crate::args::ModeArgs;
use crate::config::Excludes;

/// The repository's files for a git mode, or `None` when `mode` is not a git mode.
/// A git mode's selection: the inputs, the repository root, and per-file notes (binary
/// changes in a patch).
pub struct GitSelection {
    pub inputs: Vec<Input>,
    pub root: std::path::PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn select(
    mode: &ModeArgs,
    repo: Result<&mut palisade_git::Repo, &palisade_git::GitError>,
    cwd: &Path,
    exclude: &Excludes,
    whole_files: bool,
) -> Result<Option<GitSelection>> {
    let mut repo = repo.map_err(|e| anyhow::anyhow!("--staged/--diff need a git repository: {e}"));
    let diagnostics = Vec::new();
    let mut refused: Vec<(String, String)> = Vec::new();
    let (files, root) = if mode.staged {
        let repo = repo.as_mut().map_err(|e| anyhow::anyhow!("{e}"))?;
        (repo.staged()?, repo.root().to_path_buf())
    } else if let Some(spec) = &mode.diff {
        let repo = repo.as_mut().map_err(|e| anyhow::anyhow!("{e}"))?;
        (repo.diff(spec)?, repo.root().to_path_buf())
    } else if let Some(patch) = &mode.patch {
        let mut text = Vec::new();
        if patch.as_os_str() == "-" {
            std::io::stdin()
                .read_to_end(&mut text)
                .context("cannot read the patch from standard input")?;
        } else {
            text = std::fs::read(patch)
                .with_context(|| format!("cannot read patch {}", patch.display()))?;
        }
        // A patch names repo-relative paths; outside a repository they are relative to here.
        let root = repo
            .as_ref()
            .map_or_else(|_| cwd.to_path_buf(), |r| r.root().to_path_buf());
        let found = palisade_git::patch_with_skipped(&text, &root)?;
        // A binary change has no lines to read: selected as refused, so the scan decides
        // (by which checkers want the path) whether that is a note or an error.
        refused.extend(found.skipped.iter().map(|s| {
            let d = s.diagnostic();
            (s.path.clone(), d.message)
        }));
        (found.files, root)
    } else {
        return Ok(None);
    };
    let mut inputs: Vec<Input> = files
        .into_iter()
        .filter(|f| !exclude.excludes(&f.path))
        .map(|f| Input {
            path: f.path,
            source: Source::Memory(f.content),
            changed: if whole_files { None } else { Some(f.changed) },
        })
        .collect();
    inputs.extend(
        refused
            .into_iter()
            .filter(|(p, _)| !exclude.excludes(p))
            .map(|(path, message)| Input {
                path,
                source: Source::Refused(palisade_core::Gap::Binary, message),
                changed: None,
            }),
    );
    Ok(Some(GitSelection {
        inputs,
        root,
        diagnostics,
    }))
}
