//! palisade-secrets: see the crate README.

use palisade_core::{Checker, CheckerKind, FileReport, RuleMeta, ScanContext, SourceFile};
use serde::Deserialize;

/// The `[secrets]` section of palisade's configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {}

pub struct SecretsChecker {
    rules: Vec<RuleMeta>,
}

impl SecretsChecker {
    pub fn new(_config: &Config) -> Self {
        SecretsChecker { rules: Vec::new() }
    }
}

impl Checker for SecretsChecker {
    fn kind(&self) -> CheckerKind {
        CheckerKind::Secrets
    }
    fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }
    fn applies_to(&self, _path: &str) -> bool {
        false
    }
    fn check(&self, _file: &SourceFile<'_>, _ctx: &ScanContext<'_>, _out: &mut FileReport) {}
}
