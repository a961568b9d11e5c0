//! The finding model: what a checker reports about one place in one file.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::checker::CheckerKind;

/// How bad a finding is if it is real. Ordered, so thresholds are comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// How sure the rule is that the finding is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// An unknown level name; the message lists the accepted names.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown level `{0}`: expected low, medium, high{1}")]
pub struct LevelParseError(String, &'static str);

impl FromStr for Severity {
    type Err = LevelParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(LevelParseError(s.to_string(), " or critical")),
        }
    }
}

impl FromStr for Confidence {
    type Err = LevelParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(Confidence::Low),
            "medium" => Ok(Confidence::Medium),
            "high" => Ok(Confidence::High),
            _ => Err(LevelParseError(s.to_string(), "")),
        }
    }
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A region of a file. Lines are 1-based; columns are 1-based character columns;
/// `end_col` is exclusive, as SARIF wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    pub fn line(line: u32) -> Self {
        Span {
            start_line: line,
            start_col: 1,
            end_line: line,
            end_col: 1,
        }
    }
}

/// One problem a rule found. Findings are data: a checker never fails because it found one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub checker: CheckerKind,
    pub severity: Severity,
    pub confidence: Confidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwe: Option<u32>,
    /// Display path: relative to the scan root, forward slashes.
    pub path: String,
    pub span: Span,
    pub message: String,
    /// The source line(s), already redacted by the checker where it holds a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// What identifies this finding apart from where it sits: the checker chooses it
    /// (a secret's hash, the normalised source line). Combined with rule and path into
    /// [`Finding::fingerprint`].
    #[serde(skip)]
    pub identity: String,
    /// Stable hash of rule, path and identity; line numbers never enter it.
    pub fingerprint: String,
    /// Extra remarks added by the pipeline, e.g. an expired risk acceptance.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<String>,
    /// Rules that reported the same problem and were folded into this finding (a generic
    /// password rule under a provider rule, B105 under a secret rule).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub related: Vec<String>,
    /// Secret values this finding saw. Never serialised: the redactor masks every occurrence
    /// of them in everything palisade prints or writes.
    #[serde(skip)]
    pub secrets: Vec<String>,
    /// Keys risk acceptances can match besides rule and path (`advisory:GHSA-…`,
    /// `package:django`), and `generic` for a secret rule without a provider.
    #[serde(skip)]
    pub tags: Vec<String>,
    /// Structured facts a checker attaches (an advisory's CVSS score, vector, publication day
    /// and age): in JSON as `properties`, in SARIF as the result's property bag. A `sarif-rule`
    /// object (`id`, `name`, `summary`, `security-severity`) makes SARIF give the finding a rule
    /// of its own (one per advisory: GitHub reads `security-severity` from rules only).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty", default)]
    pub properties: std::collections::BTreeMap<String, serde_json::Value>,
    /// In history mode (`check --history`): the commit that first added this finding's line.
    /// Not part of the fingerprint, so baselines and acceptances key on the secret, not on
    /// where in history it sits. Boxed: most findings have none, and four strings inline
    /// would make every finding 96 bytes larger.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub provenance: Option<Box<Provenance>>,
}

/// Where in git history a finding first appeared: the earliest commit (in topological order)
/// that added the line it sits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Full commit id (hex).
    pub commit: String,
    pub author: String,
    pub email: String,
    /// Author date, RFC 3339 in UTC (`2024-05-01T12:00:00Z`).
    pub date: String,
}

impl Provenance {
    /// The first 12 hex digits of the commit, for human output.
    pub fn short_commit(&self) -> &str {
        self.commit.get(..12).unwrap_or(&self.commit)
    }
}

impl Finding {
    /// A finding whose identity is the trimmed text of the line it sits on, the right default
    /// for code rules: moving code around keeps the fingerprint, editing the line changes it.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rule_id: impl Into<String>,
        checker: CheckerKind,
        severity: Severity,
        confidence: Confidence,
        cwe: Option<u32>,
        path: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule_id: rule_id.into(),
            checker,
            severity,
            confidence,
            cwe,
            path: path.into(),
            span,
            message: message.into(),
            snippet: None,
            identity: String::new(),
            fingerprint: String::new(),
            notes: Vec::new(),
            related: Vec::new(),
            secrets: Vec::new(),
            tags: Vec::new(),
            properties: std::collections::BTreeMap::new(),
            provenance: None,
        }
    }

    pub fn with_snippet(mut self, snippet: impl Into<String>) -> Self {
        self.snippet = Some(snippet.into());
        self
    }

    pub fn with_identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = identity.into();
        self
    }

    /// Records a secret value this finding holds, for the redactor.
    pub fn with_secret(mut self, value: impl Into<String>) -> Self {
        let v = value.into();
        if !v.is_empty() {
            self.secrets.push(v);
        }
        self
    }

    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Fills `fingerprint` from rule, path and identity (falling back to the snippet).
    pub fn seal(&mut self) {
        let identity = if self.identity.is_empty() {
            self.snippet.as_deref().map(str::trim).unwrap_or("")
        } else {
            self.identity.as_str()
        };
        self.fingerprint = crate::fingerprint::fingerprint(&[&self.rule_id, &self.path, identity]);
    }

    /// Deterministic report order: path, then position, then rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.path,
            self.span.start_line,
            self.span.start_col,
            &self.rule_id,
            &self.message,
        )
    }
}
