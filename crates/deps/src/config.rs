//! The `[deps]` section of palisade's configuration (`palisade.toml` or
//! `[tool.palisade.deps]` in `pyproject.toml`).

use serde::Deserialize;

/// The `[deps]` section of palisade's configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {}
