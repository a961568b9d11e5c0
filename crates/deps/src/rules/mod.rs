//! The deps rules: one file each, with the documentation that `palisade explain` prints.
//! IDs are stable and never reused.

use palisade_core::{Finding, RuleMeta, Span};

use crate::manifest::Loc;

pub mod dep001_unpinned_requirement;
pub mod dep002_vcs_not_at_commit;
pub mod dep003_url_without_hash;
pub mod dep004_missing_hash;
pub mod dep005_conflicting_pins;
pub mod dep006_extra_index_url;
pub mod dep007_insecure_index;
pub mod dep008_index_credentials;
pub mod dep009_known_vulnerability;
pub mod dep010_unpinned_application_dependency;
pub mod dep011_action_not_pinned;
pub mod dep012_image_not_pinned;
pub mod dep013_pip_install_unpinned;
pub mod dep014_precommit_rev_not_sha;
pub mod dep015_dependabot_not_covering;
pub mod lic001_license_not_allowed;
pub mod lic002_license_unknown;
pub mod lic003_stale_clarification;
pub mod lic004_legacy_license_metadata;

pub use dep001_unpinned_requirement::UNPINNED_REQUIREMENT;
pub use dep002_vcs_not_at_commit::VCS_NOT_AT_COMMIT;
pub use dep003_url_without_hash::URL_WITHOUT_HASH;
pub use dep004_missing_hash::MISSING_HASH;
pub use dep005_conflicting_pins::CONFLICTING_PINS;
pub use dep006_extra_index_url::EXTRA_INDEX_URL;
pub use dep007_insecure_index::INSECURE_INDEX;
pub use dep008_index_credentials::INDEX_CREDENTIALS;
pub use dep009_known_vulnerability::KNOWN_VULNERABILITY;
pub use dep010_unpinned_application_dependency::UNPINNED_APPLICATION_DEPENDENCY;
pub use dep011_action_not_pinned::ACTION_NOT_PINNED;
pub use dep012_image_not_pinned::IMAGE_NOT_PINNED;
pub use dep013_pip_install_unpinned::PIP_INSTALL_UNPINNED;
pub use dep014_precommit_rev_not_sha::PRECOMMIT_REV_NOT_SHA;
pub use dep015_dependabot_not_covering::DEPENDABOT_NOT_COVERING;
pub use lic001_license_not_allowed::LICENSE_NOT_ALLOWED;
pub use lic002_license_unknown::LICENSE_UNKNOWN;
pub use lic003_stale_clarification::STALE_CLARIFICATION;
pub use lic004_legacy_license_metadata::LEGACY_LICENSE_METADATA;

/// Every rule of the deps checker, in ID order.
pub static ALL: &[&RuleMeta] = &[
    &UNPINNED_REQUIREMENT,
    &VCS_NOT_AT_COMMIT,
    &URL_WITHOUT_HASH,
    &MISSING_HASH,
    &CONFLICTING_PINS,
    &EXTRA_INDEX_URL,
    &INSECURE_INDEX,
    &INDEX_CREDENTIALS,
    &KNOWN_VULNERABILITY,
    &UNPINNED_APPLICATION_DEPENDENCY,
    &ACTION_NOT_PINNED,
    &IMAGE_NOT_PINNED,
    &PIP_INSTALL_UNPINNED,
    &PRECOMMIT_REV_NOT_SHA,
    &DEPENDABOT_NOT_COVERING,
    &LICENSE_NOT_ALLOWED,
    &LICENSE_UNKNOWN,
    &STALE_CLARIFICATION,
    &LEGACY_LICENSE_METADATA,
];
/// A finding of `rule` at `loc`. `identity` is what the fingerprint keeps across line moves
/// and version bumps (usually the package name).
pub fn finding(
    rule: &RuleMeta,
    path: &str,
    loc: Loc,
    message: String,
    snippet: &str,
    identity: String,
) -> Finding {
    Finding::new(
        rule.id.clone(),
        rule.checker,
        rule.severity,
        rule.confidence,
        rule.cwe,
        path,
        Span {
            start_line: loc.line,
            start_col: loc.col.max(1),
            end_line: loc.line,
            end_col: loc.end_col.max(loc.col.max(1)),
        },
        message,
    )
    // A URL in the line may carry credentials (`https://user:token@host`): never echo them.
    .with_snippet(palisade_core::redact::url_credentials(snippet))
    .with_identity(identity)
}
