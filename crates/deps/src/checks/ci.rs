//! CI and container files: workflows, `action.yml`, Dockerfiles, `.pre-commit-config.yaml`.

use palisade_core::{Diagnostic, Finding, SourceFile};

use crate::files::ManifestKind;
use crate::manifest::ci::{parse_dockerfile, yaml_error, yaml_run_commands, yaml_values};
use crate::rules;

/// Returns whether the file refers to something Dependabot updates (an action, a base image).
pub fn check(
    kind: ManifestKind,
    file: &SourceFile<'_>,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let path = file.path;
    let text: &str = &file.text;
    let mut updatable = false;
    match kind {
        ManifestKind::Workflow | ManifestKind::Action => {
            if let Some(d) = yaml_error(path, text) {
                diagnostics.push(d);
                return false;
            }
            for uses in yaml_values(text, "uses") {
                // Dependabot's github-actions ecosystem updates actions and reusable
                // workflows by ref; local ones and `docker://` images are not its business.
                updatable |= !uses.value.is_empty()
                    && !uses.value.starts_with("./")
                    && !uses.value.starts_with("../")
                    && !uses.value.starts_with("docker://");
                rules::dep011_action_not_pinned::check(path, &uses, findings);
            }
            for cmd in yaml_run_commands(text) {
                rules::dep013_pip_install_unpinned::check(path, &cmd, findings);
            }
        }
        ManifestKind::Dockerfile => {
            let d = parse_dockerfile(text);
            let mut stages: Vec<String> = Vec::new();
            for from in &d.froms {
                updatable |= !from.image.eq_ignore_ascii_case("scratch")
                    && !stages.iter().any(|s| s.eq_ignore_ascii_case(&from.image));
                rules::dep012_image_not_pinned::check(path, from, &stages, findings);
                stages.extend(from.stage.clone());
            }
            for cmd in &d.runs {
                rules::dep013_pip_install_unpinned::check(path, cmd, findings);
            }
        }
        ManifestKind::PreCommit => {
            if let Some(d) = yaml_error(path, text) {
                diagnostics.push(d);
                return false;
            }
            // Pair each `rev:` with the `repo:` before it.
            let repos = yaml_values(text, "repo");
            for rev in yaml_values(text, "rev") {
                // Both are in line order: a binary search keeps many repos linear-ish.
                let before = repos.partition_point(|r| r.loc.line <= rev.loc.line);
                let repo = before
                    .checked_sub(1)
                    .map_or("", |k| repos[k].value.as_str());
                rules::dep014_precommit_rev_not_sha::check(path, repo, &rev, findings);
            }
        }
        _ => {}
    }
    updatable
}
