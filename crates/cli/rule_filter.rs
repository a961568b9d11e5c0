//! Which rules a run reports: `--select`/`--ignore` (and their config keys), thresholds and
//! per-path ignores.

use std::collections::HashSet;

use crate::config::ConfigPaths;
use palisade_core::suppress::accept::glob_match;
use palisade_core::{Checker, Confidence, Finding, RuleMeta, Severity};

pub struct RuleFilter {
    enabled: HashSet<String>,
    severity: Severity,
    confidence: Confidence,
    per_path: Vec<(String, Vec<String>)>,
    paths: ConfigPaths,
}

/// A selector names a rule by exact id, id prefix (`B6`, `DEP`) or exact name.
fn selects(selector: &str, rule: &RuleMeta) -> bool {
    rule.id.starts_with(selector) || rule.name == selector
}

impl RuleFilter {
    pub fn new(
        checkers: &[Box<dyn Checker>],
        select: &[String],
        ignore: &[String],
        severity: Option<Severity>,
        confidence: Option<Confidence>,
        per_path: Vec<(String, Vec<String>)>,
        paths: ConfigPaths,
    ) -> Self {
        let mut enabled = HashSet::new();
        for c in checkers {
            let rules = c.rules();
            for r in rules {
                let chosen = if select.is_empty() {
                    r.default_enabled
                } else {
                    select.iter().any(|s| selects(s, r))
                };
                if chosen && !ignore.iter().any(|s| selects(s, r)) {
                    enabled.insert(r.id.to_string());
                }
            }
        }
        RuleFilter {
            enabled,
            severity: severity.unwrap_or(Severity::Low),
            confidence: confidence.unwrap_or(Confidence::Low),
            per_path,
            paths,
        }
    }

    /// Maps finding paths to config-relative paths.
    pub fn config_paths(&self) -> &ConfigPaths {
        &self.paths
    }

    pub fn is_enabled(&self, rule_id: &str) -> bool {
        self.enabled.contains(rule_id)
    }

    /// Whether a finding passes rule selection, thresholds and per-path ignores.
    pub fn keeps(&self, f: &Finding) -> bool {
        self.enabled.contains(f.rule_id.as_str())
            && f.severity >= self.severity
            && f.confidence >= self.confidence
            && (self.per_path.is_empty() || {
                let path = self.paths.relative(&f.path);
                !self.per_path.iter().any(|(glob, rules)| {
                    glob_match(glob, &path)
                        && rules.iter().any(|r| f.rule_id.starts_with(r.as_str()))
                })
            })
    }
}
