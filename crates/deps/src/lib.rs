//! palisade-deps: see the crate README.

use palisade_core::{Checker, CheckerKind, FileReport, RuleMeta, ScanContext, SourceFile};
use serde::Deserialize;

/// The `[deps]` section of palisade's configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {}

pub struct DepsChecker {
    rules: Vec<RuleMeta>,
}

impl DepsChecker {
    pub fn new(_config: &Config) -> Self {
        DepsChecker { rules: Vec::new() }
    }
}

impl Checker for DepsChecker {
    fn kind(&self) -> CheckerKind {
        CheckerKind::Deps
    }
    fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }
    fn applies_to(&self, _path: &str) -> bool {
        false
    }
    fn check(&self, _file: &SourceFile<'_>, _ctx: &ScanContext<'_>, _out: &mut FileReport) {}
}
