//! Project manifests (`pyproject.toml`, `setup.cfg`, `Pipfile`) and lock files.

use palisade_core::{Diagnostic, Finding, ScanContext, SourceFile};

use crate::audit::AuditTarget;
use crate::files::{is_lock_name, ManifestKind};
use crate::manifest::project::{
    parse_pipfile, parse_pyproject, parse_script, parse_setup_cfg, Manifest,
};
use crate::manifest::{locks, Pinning};
use crate::rules;
use crate::DepsChecker;

fn targets(path: &str, m: &Manifest) -> Vec<AuditTarget> {
    m.deps
        .iter()
        .map(|d| AuditTarget {
            path: path.to_string(),
            loc: d.dep.loc,
            snippet: d.dep.snippet.clone(),
            name: d.dep.name.clone(),
            pinning: d.dep.pinning(),
            marker: d.dep.marker.clone(),
        })
        .collect()
}

/// Whether a lock file sits in the folder of `path`: committed with it (in the scan), or
/// already in the tree the scan reads from.
pub fn lock_beside(path: &str, ctx: &ScanContext<'_>) -> bool {
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let in_dir = |p: &str| p.rsplit_once('/').map(|(d, _)| d).unwrap_or("") == dir;
    if ctx
        .files
        .iter()
        .any(|f| in_dir(f) && is_lock_name(f.rsplit('/').next().unwrap_or(f)))
    {
        return true;
    }
    ["uv.lock", "poetry.lock", "Pipfile.lock", "pylock.toml"]
        .iter()
        .any(|name| {
            let p = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            ctx.reader.read(&p).is_ok()
        })
}

pub fn check_manifest(
    checker: &DepsChecker,
    kind: ManifestKind,
    file: &SourceFile<'_>,
    ctx: &ScanContext<'_>,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let m = match kind {
        ManifestKind::Pyproject => parse_pyproject(file.path, &file.text),
        ManifestKind::SetupCfg => parse_setup_cfg(file.path, &file.text),
        ManifestKind::Pipfile => parse_pipfile(file.path, &file.text),
        ManifestKind::Script => parse_script(file.path, &file.text),
        _ => return,
    };
    diagnostics.extend(m.diagnostics.iter().cloned());
    for opt in &m.indexes {
        rules::dep007_insecure_index::check(file.path, opt, findings);
        rules::dep008_index_credentials::check(file.path, opt, findings);
    }
    if m.deps.is_empty() {
        return;
    }
    checker.note_updatable(kind, file.path);
    // Only look for a lock file when the answer matters.
    let needs_lock_check = checker.config.application || checker.audits();
    // A project's lock file does not lock a PEP 723 script beside it.
    let locked = kind != ManifestKind::Script && needs_lock_check && lock_beside(file.path, ctx);
    for d in &m.deps {
        if let Some(n) = &d.dep.name {
            checker.note_requested(n, file.path, d.dep.loc.line);
        }
        checker.note_component(&d.dep, file.path, None);
        if checker.config.application && !locked {
            rules::dep010_unpinned_application_dependency::check(file.path, d, findings);
        }
        rules::dep002_vcs_not_at_commit::check(file.path, &d.dep, findings);
        rules::dep003_url_without_hash::check(file.path, &d.dep, findings);
    }
    // With a lock file beside it, the lock says what is installed and is audited instead.
    if !locked {
        checker
            .auditor
            .audit(&targets(file.path, &m), findings, diagnostics);
    }
}

pub fn check_lock(
    checker: &DepsChecker,
    kind: ManifestKind,
    file: &SourceFile<'_>,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let m = match kind {
        ManifestKind::PipfileLock => locks::parse_pipfile_lock(file.path, &file.text),
        ManifestKind::PoetryLock => locks::parse_poetry_lock(file.path, &file.text),
        ManifestKind::UvLock => locks::parse_uv_lock(file.path, &file.text),
        ManifestKind::Pylock => locks::parse_pylock(file.path, &file.text),
        _ => return,
    };
    diagnostics.extend(m.diagnostics.iter().cloned());
    if !m.deps.is_empty() {
        checker.note_updatable(kind, file.path);
    }
    for d in &m.deps {
        checker.note_component(&d.dep, file.path, None);
        if matches!(d.dep.pinning(), Pinning::Vcs { .. }) {
            rules::dep002_vcs_not_at_commit::check(file.path, &d.dep, findings);
        }
    }
    checker
        .auditor
        .audit(&targets(file.path, &m), findings, diagnostics);
}
