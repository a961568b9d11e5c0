//! palisade-python: see the crate README.

use palisade_core::{Checker, CheckerKind, FileReport, RuleMeta, ScanContext, SourceFile};
use serde::Deserialize;

/// The `[python]` section of palisade's configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {}

pub struct PythonChecker {
    rules: Vec<RuleMeta>,
}

impl PythonChecker {
    pub fn new(_config: &Config) -> Self {
        PythonChecker { rules: Vec::new() }
    }
}

impl Checker for PythonChecker {
    fn kind(&self) -> CheckerKind {
        CheckerKind::Python
    }
    fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }
    fn applies_to(&self, _path: &str) -> bool {
        false
    }
    fn check(&self, _file: &SourceFile<'_>, _ctx: &ScanContext<'_>, _out: &mut FileReport) {}
}
