//! Report emitters: one per output format, all reading the same [`Report`].
//!
//! Findings arrive sorted and filtered; emitters only render. Machine formats never carry
//! colour, and secrets are already redacted in the findings.

mod cyclonedx;
mod github;
mod json;
mod junit;
mod sarif;
mod text;

use std::io::{self, Write};
use std::str::FromStr;

use serde::Serialize;

use crate::checker::{Diagnostic, Gap};
use crate::finding::Finding;
use crate::rule::RuleMeta;

pub use text::TextOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Junit,
    /// CycloneDX 1.6 JSON: the components found and their vulnerabilities.
    Cyclonedx,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "github" => Ok(Format::Github),
            "junit" => Ok(Format::Junit),
            "cyclonedx" => Ok(Format::Cyclonedx),
            other => Err(format!(
                "unknown format `{other}`: expected text, json, sarif, github, junit or cyclonedx"
            )),
        }
    }
}

/// Counts for the summary line and the machine formats.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Files checked; in history mode, unique file versions (blob and path).
    pub files_checked: usize,
    /// History mode: commits walked (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commits_checked: Option<usize>,
    pub files_skipped: usize,
    /// Removed by inline comments (`# palisade: ignore`, `# nosec`, `pragma: allowlist secret`).
    pub suppressed_inline: usize,
    /// Matched by the baseline.
    pub suppressed_baseline: usize,
    /// Covered by an `[[accept]]` entry in force.
    pub accepted: usize,
    /// Dropped because they are on lines the change does not touch (diff modes).
    pub outside_change: usize,
    /// Folded into another finding of the same secret (listed in its `related`).
    pub merged: usize,
    /// Errors that make the run exit 2.
    pub errors: usize,
}

/// What was not checked, grouped for the summary: file-level gaps counted by reason, and
/// run-level ones (the audit did not run) with their message.
pub struct Coverage<'a> {
    /// (reason, number of distinct files), in reason order.
    pub files: Vec<(Gap, usize)>,
    /// Distinct files with any file-level gap.
    pub file_count: usize,
    /// Run-level gaps (no path): their diagnostics.
    pub run: Vec<&'a Diagnostic>,
}

impl<'a> Coverage<'a> {
    pub fn of(diagnostics: &'a [Diagnostic]) -> Self {
        use std::collections::{BTreeMap, BTreeSet};
        let mut by_gap: BTreeMap<Gap, BTreeSet<&str>> = BTreeMap::new();
        let mut files = BTreeSet::new();
        let mut run = Vec::new();
        for d in diagnostics {
            let Some(gap) = d.gap else { continue };
            if d.path.is_empty() {
                run.push(d);
            } else {
                by_gap.entry(gap).or_default().insert(&d.path);
                files.insert(d.path.as_str());
            }
        }
        Coverage {
            files: by_gap.into_iter().map(|(g, s)| (g, s.len())).collect(),
            file_count: files.len(),
            run,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.file_count == 0 && self.run.is_empty()
    }
}

/// Everything an emitter needs.
pub struct Report<'a> {
    pub tool_version: &'a str,
    pub findings: &'a [Finding],
    pub diagnostics: &'a [Diagnostic],
    /// Every enabled rule, sorted by id (SARIF lists them; findings point into it).
    pub rules: &'a [&'a RuleMeta],
    pub summary: &'a Summary,
    /// Components found (SBOM formats).
    pub components: &'a [crate::checker::Component],
}

/// Renders `report` in `format`. `text` options apply to the text format only.
pub fn emit(
    format: Format,
    report: &Report<'_>,
    text: &TextOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, text, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Cyclonedx => cyclonedx::write(report, out),
    }
}
