//! Requirements and constraints files: parse the file and everything it includes, then run the
//! pin rules over the whole install they describe.

use std::collections::HashSet;

use palisade_core::{Diagnostic, Finding, ScanContext, SourceFile};

use crate::audit::AuditTarget;
use crate::manifest::requirements::{load_tree, RequirementsTree};
use crate::manifest::Pinning;
use crate::rules;
use crate::DepsChecker;

pub fn check(
    checker: &DepsChecker,
    file: &SourceFile<'_>,
    ctx: &ScanContext<'_>,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let tree = load_tree(file.path, &file.text, ctx.reader, &*checker.env);
    for (f, _) in &tree.files {
        diagnostics.extend(f.diagnostics.iter().cloned());
    }
    diagnostics.extend(tree.diagnostics.iter().cloned());
    if tree.files.iter().any(|(f, _)| !f.requirements.is_empty()) {
        checker.note_updatable(crate::ManifestKind::Requirements, file.path);
    }
    // Dependabot follows `-r`/`-c`: an include is updated with the file that includes it.
    // (Only one in another folder matters, and skipping the rest keeps an include cycle
    // within a folder from hiding both files.)
    let folder = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    for (f, _) in &tree.files {
        if folder(&f.path) != folder(file.path) {
            checker.note_included(&f.path);
        }
    }
    let pinned = pinned_names(&tree);
    let hash_mode = tree.hash_mode();
    for (f, constraint) in &tree.files {
        for dep in &f.requirements {
            if let Some(n) = &dep.name {
                checker.note_requested(n, &f.path, dep.loc.line);
            }
            if !constraint {
                checker.note_component(dep, &f.path, None);
            }
            rules::dep001_unpinned_requirement::check(&f.path, dep, &pinned, findings);
            rules::dep002_vcs_not_at_commit::check(&f.path, dep, findings);
            rules::dep003_url_without_hash::check(&f.path, dep, findings);
            // Constraints install nothing, so pip does not ask them for hashes.
            if hash_mode && !constraint {
                rules::dep004_missing_hash::check(&f.path, dep, findings);
            }
        }
        for opt in &f.options {
            rules::dep006_extra_index_url::check(&f.path, opt, findings);
            rules::dep007_insecure_index::check(&f.path, opt, findings);
            rules::dep008_index_credentials::check(&f.path, opt, findings);
        }
    }
    rules::dep005_conflicting_pins::check(&tree, findings);

    // Always handed over: without advisory data the auditor counts what went unaudited, and
    // the report says so.
    {
        let targets: Vec<AuditTarget> = tree
            .files
            .iter()
            .flat_map(|(f, _)| {
                f.requirements.iter().map(move |dep| AuditTarget {
                    path: f.path.clone(),
                    loc: dep.loc,
                    snippet: dep.snippet.clone(),
                    name: dep.name.clone(),
                    pinning: dep.pinning(),
                    marker: dep.marker.clone(),
                })
            })
            .collect();
        checker.auditor.audit(&targets, findings, diagnostics);
    }
}

/// Normalised names that some entry of the install pins exactly (or to a URL/VCS artifact),
/// so a bare `requests[socks]` next to `requests==2.32.3` is not reported.
fn pinned_names(tree: &RequirementsTree) -> HashSet<String> {
    let mut names = HashSet::new();
    for (f, _) in &tree.files {
        for dep in &f.requirements {
            if matches!(dep.pinning(), Pinning::Exact(_) | Pinning::ExactOpaque(_)) {
                names.extend(dep.normalized_name());
            }
        }
    }
    names
}
