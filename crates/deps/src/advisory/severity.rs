//! How bad an advisory is: the CVSS base score of its vector (v3.0, v3.1 or v4.0, computed with
//! the RustSec `cvss` crate, the published formulas), the qualitative rating that score maps to,
//! and GitHub's label (`database_specific.severity`) shown beside it or used where no vector
//! exists. A vector that lacks a base metric is *unknown*, never scored 0.0 (the crate would
//! score `CVSS:3.1/AV:N/AC:L` as 0.0); so is a record with neither vector nor label.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The qualitative severity rating of CVSS (v3.1 and v4.0 specifications, table "Qualitative
/// Severity Rating Scale"): none 0.0, low 0.1-3.9, medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn of_score(score: f64) -> Level {
        if score >= 9.0 {
            Level::Critical
        } else if score >= 7.0 {
            Level::High
        } else if score >= 4.0 {
            Level::Medium
        } else if score > 0.0 {
            Level::Low
        } else {
            Level::None
        }
    }

    /// GitHub's labels (`CRITICAL`, `HIGH`, `MODERATE`, `LOW`) and the CVSS names.
    pub fn from_label(label: &str) -> Option<Level> {
        match label.trim().to_ascii_lowercase().as_str() {
            "critical" => Some(Level::Critical),
            "high" => Some(Level::High),
            "moderate" | "medium" => Some(Level::Medium),
            "low" => Some(Level::Low),
            "none" => Some(Level::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// The finding severity this rating gives (palisade has no "none": a 0.0 score is low).
    pub fn finding_severity(self) -> palisade_core::Severity {
        match self {
            Level::None | Level::Low => palisade_core::Severity::Low,
            Level::Medium => palisade_core::Severity::Medium,
            Level::High => palisade_core::Severity::High,
            Level::Critical => palisade_core::Severity::Critical,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::from_label(s).ok_or_else(|| {
            format!("unknown severity `{s}`: expected low, medium, high or critical")
        })
    }
}

/// A CVSS vector with its computed base score.
#[derive(Debug, Clone, PartialEq)]
pub struct Cvss {
    /// `3.0`, `3.1` or `4.0`.
    pub version: &'static str,
    pub vector: String,
    pub score: f64,
}

impl Cvss {
    pub fn level(&self) -> Level {
        Level::of_score(self.score)
    }
}

/// Why a vector was not scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CvssError {
    /// Not `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/` (v2 vectors have no prefix and are not scored).
    UnsupportedVersion,
    /// A base metric is missing: scoring it would invent a 0.
    Incomplete(Vec<&'static str>),
    /// The crate rejected it (unknown metric or value, duplicate metric).
    Invalid(String),
}

impl fmt::Display for CvssError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CvssError::UnsupportedVersion => f.write_str("not a CVSS 3.x or 4.0 vector"),
            CvssError::Incomplete(m) => write!(f, "base metric(s) {} missing", m.join(", ")),
            CvssError::Invalid(e) => write!(f, "invalid vector: {e}"),
        }
    }
}

const V3_BASE: &[&str] = &["AV", "AC", "PR", "UI", "S", "C", "I", "A"];
const V4_BASE: &[&str] = &[
    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
];

/// Parses and scores a CVSS 3.x or 4.0 vector; every base metric must be present.
pub fn score_vector(vector: &str) -> Result<Cvss, CvssError> {
    let vector = vector.trim();
    let (version, base): (&'static str, &[&str]) = if vector.starts_with("CVSS:3.1/") {
        ("3.1", V3_BASE)
    } else if vector.starts_with("CVSS:3.0/") {
        ("3.0", V3_BASE)
    } else if vector.starts_with("CVSS:4.0/") {
        ("4.0", V4_BASE)
    } else {
        return Err(CvssError::UnsupportedVersion);
    };
    let present: Vec<&str> = vector
        .split('/')
        .skip(1)
        .filter_map(|m| m.split_once(':').map(|(k, _)| k))
        .collect();
    let missing: Vec<&'static str> = base
        .iter()
        .copied()
        .filter(|m| !present.contains(m))
        .collect();
    if !missing.is_empty() {
        return Err(CvssError::Incomplete(missing));
    }
    let score = if version == "4.0" {
        cvss::v4::Vector::from_str(vector)
            .map_err(|e| CvssError::Invalid(e.to_string()))?
            .score()
            .value()
    } else {
        cvss::v3::Vector::from_str(vector)
            .map_err(|e| CvssError::Invalid(e.to_string()))?
            .score()
            .value()
    };
    if !score.is_finite() || !(0.0..=10.0).contains(&score) {
        return Err(CvssError::Invalid(format!("score {score} out of range")));
    }
    Ok(Cvss {
        version,
        vector: vector.to_string(),
        score,
    })
}

/// What the audit knows about an advisory's severity.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rating {
    /// The scored vector (the newest CVSS version the record carries).
    pub cvss: Option<Cvss>,
    /// The vector the record carries when it could not be scored, and why.
    pub unscored: Option<(String, String)>,
    /// GitHub's label, as written (`MODERATE`).
    pub label: Option<String>,
}

impl Rating {
    /// Rates the vectors (`(type, vector)`) and label an advisory carries: the highest CVSS
    /// version that scores wins (4.0 over 3.1 over 3.0).
    pub fn new(vectors: &[String], label: Option<&str>) -> Rating {
        let mut best: Option<Cvss> = None;
        let mut unscored = None;
        for v in vectors {
            match score_vector(v) {
                Ok(c) => {
                    if best.as_ref().is_none_or(|b| c.version > b.version) {
                        best = Some(c);
                    }
                }
                Err(e) => {
                    if unscored.is_none() {
                        unscored = Some((v.clone(), e.to_string()));
                    }
                }
            }
        }
        Rating {
            unscored: if best.is_some() { None } else { unscored },
            cvss: best,
            label: label
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        }
    }

    /// The rating: the score's, else the label's; `None` is unknown.
    pub fn level(&self) -> Option<Level> {
        match &self.cvss {
            Some(c) => Some(c.level()),
            None => self.label.as_deref().and_then(Level::from_label),
        }
    }

    /// One phrase for a message: `CVSS 3.1 7.5 high (GitHub: HIGH)`, `GitHub: MODERATE`, or
    /// `severity unknown (...)`.
    pub fn describe(&self) -> String {
        let label = self
            .label
            .as_deref()
            .filter(|l| Level::from_label(l).is_some());
        match (&self.cvss, label) {
            (Some(c), Some(l)) => format!(
                "CVSS {} {:.1} {} (GitHub: {l})",
                c.version,
                c.score,
                c.level()
            ),
            (Some(c), None) => format!("CVSS {} {:.1} {}", c.version, c.score, c.level()),
            (None, Some(l)) => format!(
                "severity {} (GitHub label, no CVSS vector)",
                l.to_ascii_lowercase()
            ),
            (None, None) => match &self.unscored {
                Some((v, why)) => format!("severity unknown (CVSS vector `{v}` not scored: {why})"),
                None => "severity unknown (no CVSS vector or label in the advisory data)".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_v3_and_v4_vectors_and_rejects_incomplete_ones() {
        let c = score_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
        assert_eq!(
            (c.version, c.score, c.level()),
            ("3.1", 9.8, Level::Critical)
        );
        let c = score_vector("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N").unwrap();
        assert_eq!((c.score, c.level()), (6.1, Level::Medium));
        let c = score_vector("CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:N/I:L/A:N").unwrap();
        assert_eq!((c.score, c.level()), (3.5, Level::Low));
        let c = score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
            .unwrap();
        assert_eq!(
            (c.version, c.score, c.level()),
            ("4.0", 9.3, Level::Critical)
        );
        assert_eq!(
            score_vector("CVSS:3.1/AV:N/AC:L"),
            Err(CvssError::Incomplete(vec!["PR", "UI", "S", "C", "I", "A"]))
        );
        assert!(matches!(
            score_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H"),
            Err(CvssError::Incomplete(_))
        ));
        assert_eq!(
            score_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Err(CvssError::UnsupportedVersion)
        );
        assert!(matches!(
            score_vector("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Err(CvssError::Invalid(_))
        ));
    }

    #[test]
    fn ratings_prefer_the_score_and_say_when_unknown() {
        let r = Rating::new(
            &["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H".into()],
            Some("MODERATE"),
        );
        assert_eq!(r.level(), Some(Level::High));
        assert_eq!(r.describe(), "CVSS 3.1 7.5 high (GitHub: MODERATE)");
        let r = Rating::new(&[], Some("MODERATE"));
        assert_eq!(r.level(), Some(Level::Medium));
        let r = Rating::new(&["CVSS:3.1/AV:N/AC:L".into()], None);
        assert_eq!(r.level(), None);
        assert!(r.describe().starts_with("severity unknown (CVSS vector"));
        assert_eq!(Rating::new(&[], None).level(), None);
        // The newest version that scores wins.
        let r = Rating::new(
            &[
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H".into(),
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into(),
            ],
            None,
        );
        assert_eq!(r.cvss.unwrap().version, "4.0");
        assert_eq!(Level::of_score(0.0), Level::None);
        assert_eq!(Level::of_score(8.9), Level::High);
        assert_eq!(Level::of_score(9.0), Level::Critical);
    }
}
