//! The ways a team says "not this one", each with its own scope:
//! - [`inline`]: a comment on the finding's line (or the line before) — that line only;
//! - [`baseline`]: findings recorded by `palisade baseline` — matched by fingerprint and count;
//! - [`accept`]: `[[accept]]` risk acceptances in the config — by rule and path, with a reason
//!   and an optional expiry date.

pub mod accept;
pub mod baseline;
pub mod inline;
