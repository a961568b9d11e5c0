//! The deps rules: one file each, with the documentation that `palisade explain` prints.
//! IDs are stable and never reused.

use palisade_core::{Finding, RuleMeta, Span};

use crate::manifest::Loc;

pub mod dep001_unpinned_requirement;

pub use dep001_unpinned_requirement::UNPINNED_REQUIREMENT;

/// Every rule of the deps checker, in ID order.
pub static ALL: &[&RuleMeta] = &[&UNPINNED_REQUIREMENT];

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
    .with_snippet(snippet)
    .with_identity(identity)
}
