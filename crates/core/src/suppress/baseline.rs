//! Baselines: the findings a team has already triaged, matched by fingerprint with counts.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("baseline {path} is not a palisade baseline: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("baseline {path} has version {version}; this palisade reads version 1")]
    Version { path: String, version: u32 },
    #[error("cannot write baseline {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// One triaged finding. Path, rule and line are for humans reading the file; matching uses
/// the fingerprint only.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
    pub line: u32,
    /// How many identical findings (same fingerprint) were accepted.
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

impl Baseline {
    /// Builds a baseline from findings (already sorted for stable output).
    pub fn from_findings(findings: &[Finding]) -> Self {
        let mut entries: Vec<BaselineEntry> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for f in findings {
            match index.get(f.fingerprint.as_str()) {
                Some(&i) => entries[i].count += 1,
                None => {
                    index.insert(&f.fingerprint, entries.len());
                    entries.push(BaselineEntry {
                        fingerprint: f.fingerprint.clone(),
                        rule_id: f.rule_id.clone(),
                        path: f.path.clone(),
                        line: f.span.start_line,
                        count: 1,
                    });
                }
            }
        }
        Baseline {
            version: 1,
            findings: entries,
        }
    }

    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| BaselineError::Read {
            path: shown.clone(),
            source,
        })?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|source| BaselineError::Parse {
                path: shown.clone(),
                source,
            })?;
        if value.get("version").is_none() && value.get("results").is_some() {
            return Baseline::from_bandit_report(&value).map_err(|source| BaselineError::Parse {
                path: shown,
                source,
            });
        }
        let b: Baseline = serde_json::from_value(value).map_err(|source| BaselineError::Parse {
            path: shown.clone(),
            source,
        })?;
        if b.version != 1 {
            return Err(BaselineError::Version {
                path: shown,
                version: b.version,
            });
        }
        Ok(b)
    }

    /// A Bandit JSON report (`bandit -f json -o baseline.json`) as a baseline, so a team that
    /// switches keeps what it accepted. Each result becomes the fingerprint palisade gives the
    /// same finding: rule id, path (without `./`) and the trimmed source line, taken from the
    /// result's `code` excerpt. Unlike Bandit, which hides every issue equal to a baseline one,
    /// each result absorbs one finding: a second copy of an accepted issue is new.
    pub fn from_bandit_report(report: &serde_json::Value) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        struct BanditResult {
            filename: String,
            test_id: String,
            line_number: u32,
            #[serde(default)]
            code: String,
        }
        let results: Vec<BanditResult> = serde_json::from_value(
            report
                .get("results")
                .cloned()
                .unwrap_or(serde_json::Value::Null),
        )?;
        let mut entries: Vec<BaselineEntry> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for r in results {
            let path = r.filename.trim_start_matches("./").replace('\\', "/");
            // `code` is the excerpt as `N text` lines; the finding's line is the one numbered N.
            let prefix = format!("{} ", r.line_number);
            let line = r
                .code
                .lines()
                .find_map(|l| l.strip_prefix(&prefix))
                .unwrap_or("")
                .trim();
            let fingerprint = crate::fingerprint::fingerprint(&[&r.test_id, &path, line]);
            match index.get(&fingerprint) {
                Some(&i) => entries[i].count += 1,
                None => {
                    index.insert(fingerprint.clone(), entries.len());
                    entries.push(BaselineEntry {
                        fingerprint,
                        rule_id: r.test_id,
                        path,
                        line: r.line_number,
                        count: 1,
                    });
                }
            }
        }
        Ok(Baseline {
            version: 1,
            findings: entries,
        })
    }

    /// Writes atomically: a temporary file in the same folder, then a rename, so an
    /// interrupted run never leaves a half-written baseline.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let shown = path.display().to_string();
        let err = |source| BaselineError::Write {
            path: shown.clone(),
            source,
        };
        let mut json = serde_json::to_vec_pretty(self).expect("baseline serialises");
        json.push(b'\n');
        crate::write::write_atomic(path, &json).map_err(|e| match e {
            crate::write::WriteError::Io { source, .. } => err(source),
            other => err(std::io::Error::other(other.to_string())),
        })
    }

    /// Splits findings into (new, number matched by the baseline). Each baseline entry
    /// absorbs at most `count` findings with its fingerprint; the rest are new.
    pub fn filter(&self, mut findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let mut budget: HashMap<&str, u32> = HashMap::new();
        for e in &self.findings {
            *budget.entry(e.fingerprint.as_str()).or_default() += e.count;
        }
        let mut matched = 0;
        // In place, in order (no second vector of every finding).
        findings.retain(|f| match budget.get_mut(f.fingerprint.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                matched += 1;
                false
            }
            _ => true,
        });
        (findings, matched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CheckerKind, Confidence, Severity, Span};

    fn finding(line: u32, text: &str) -> Finding {
        let mut f = Finding::new(
            "B101",
            CheckerKind::Python,
            Severity::Low,
            Confidence::High,
            None,
            "a.py",
            Span::line(line),
            "m",
        )
        .with_snippet(text);
        f.seal();
        f
    }

    #[test]
    fn counts_matter_and_lines_do_not() {
        let base = Baseline::from_findings(&[finding(3, "assert x")]);
        let (fresh, matched) = base.filter(vec![
            finding(10, "assert x"),
            finding(11, "assert x"),
            finding(12, "assert y"),
        ]);
        assert_eq!(matched, 1);
        assert_eq!(fresh.len(), 2);
        assert_eq!(fresh[1].snippet.as_deref(), Some("assert y"));
    }

    #[test]
    fn a_bandit_report_is_a_baseline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bandit.json");
        let report = serde_json::json!({
            "errors": [],
            "metrics": {},
            "results": [{
                "code": "2 import os\n3 assert x\n4 y = 1\n",
                "filename": "./a.py",
                "issue_text": "Use of assert detected.",
                "line_number": 3,
                "test_id": "B101",
                "test_name": "assert_used"
            }]
        });
        std::fs::write(&path, report.to_string()).unwrap();
        let base = Baseline::load(&path).unwrap();
        // The accepted assert, moved to another line, stays accepted; a second copy is new,
        // and so is another assert.
        let (fresh, matched) = base.filter(vec![
            finding(7, "assert x"),
            finding(9, "assert x"),
            finding(12, "assert y"),
        ]);
        assert_eq!(matched, 1);
        assert_eq!(fresh.len(), 2);
    }

    #[test]
    fn round_trip_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".palisade-baseline.json");
        let base = Baseline::from_findings(&[finding(3, "assert x"), finding(4, "assert x")]);
        base.save(&path).unwrap();
        let loaded = Baseline::load(&path).unwrap();
        assert_eq!(loaded.findings.len(), 1);
        assert_eq!(loaded.findings[0].count, 2);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
        std::fs::write(&path, "{").unwrap();
        assert!(matches!(
            Baseline::load(&path),
            Err(BaselineError::Parse { .. })
        ));
    }
}
