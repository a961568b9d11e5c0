//! Lenient OSV records. Real data has broken strict parsers (empty `{}` events, an `affected`
//! entry without `ranges`, unquoted YAML timestamps), so every field is optional and unknown
//! shapes are skipped instead of failing the record.

use serde::{Deserialize, Deserializer};

use super::{PackageAdvisory, RangeEvent};
use crate::manifest::normalize_name;

/// A scalar read as text whatever its YAML/JSON type (`introduced: 0`, an unquoted timestamp).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or number")
            }
            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Text, E> {
                Ok(Text(String::new()))
            }
            fn visit_none<E>(self) -> Result<Text, E> {
                Ok(Text(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Deserialises to `None` instead of failing when the value has another shape.
fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).ok())
}

#[derive(Debug, Default, Deserialize)]
pub struct Record {
    #[serde(default)]
    pub id: Option<Text>,
    #[serde(default, deserialize_with = "lenient")]
    pub schema_version: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub aliases: Option<Vec<String>>,
    #[serde(default)]
    pub modified: Option<Text>,
    #[serde(default)]
    pub published: Option<Text>,
    #[serde(default)]
    pub withdrawn: Option<Text>,
    #[serde(default, deserialize_with = "lenient")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub details: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub severity: Option<Vec<Severity>>,
    #[serde(default, deserialize_with = "lenient")]
    pub database_specific: Option<DatabaseSpecific>,
    // Typed, not `lenient`: going through a JSON value doubles the load time, and a record
    // whose `affected` has another shape is skipped (and counted) anyway.
    #[serde(default)]
    pub affected: Option<Vec<Affected>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Severity {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub score: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DatabaseSpecific {
    #[serde(default, deserialize_with = "lenient")]
    pub severity: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<Package>,
    #[serde(default)]
    pub ranges: Option<Vec<Range>>,
    #[serde(default)]
    pub versions: Option<Vec<Text>>,
    #[serde(default, deserialize_with = "lenient")]
    pub severity: Option<Vec<Severity>>,
    #[serde(default, deserialize_with = "lenient")]
    pub database_specific: Option<DatabaseSpecific>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Package {
    #[serde(default)]
    pub ecosystem: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Range {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub events: Option<Vec<std::collections::BTreeMap<String, Text>>>,
}

/// Why a record was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    Withdrawn,
    NotPyPI,
    Unsupported(String),
    /// PyPI packages are named but no range or version of theirs is PEP 440: pins of these
    /// packages cannot be fully audited.
    Unreadable(Vec<String>),
}

/// A short, single-line description: the summary, or the first sentence of the details.
fn short_text(summary: Option<&str>, details: Option<&str>) -> Option<String> {
    let text = summary
        .filter(|s| !s.trim().is_empty())
        .or(details)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut end = text.len();
    if summary.is_none() {
        // Whole sentences, enough of them to say something (the first is often just
        // "X is an HTTP library.").
        let mut from = 0;
        while let Some(i) = text[from..].find(". ") {
            end = from + i + 1;
            if end >= 80 {
                break;
            }
            from = end + 1;
            end = text.len();
        }
    }
    let mut s = text[..end].to_string();
    if s.chars().count() > 200 {
        s = s.chars().take(197).collect::<String>() + "...";
    }
    (!s.is_empty()).then_some(s)
}

/// GitHub's severity label (`database_specific.severity`), upper-cased.
fn severity_label(db: Option<&DatabaseSpecific>) -> Option<String> {
    db.and_then(|d| d.severity.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_uppercase)
}

/// The CVSS vectors of a `severity` list (v2 and the `Ubuntu` type are kept too: the rating
/// says why they were not scored).
fn cvss_vectors(list: Option<&Vec<Severity>>) -> Vec<String> {
    list.map(|l| {
        l.iter()
            .filter(|s| {
                s.kind
                    .as_deref()
                    .is_none_or(|k| k.to_ascii_uppercase().starts_with("CVSS"))
            })
            .filter_map(|s| s.score.clone().filter(|v| !v.trim().is_empty()))
            .collect()
    })
    .unwrap_or_default()
}

/// The day an advisory was published, from the four spellings of real data (RFC 3339 with or
/// without fractions, quoted or not; a bare date).
pub fn published_date(text: &str) -> Option<jiff::civil::Date> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    t.get(..10)?.parse::<jiff::civil::Date>().ok()
}

impl Record {
    /// Turns a record into one entry per affected PyPI package. Unparseable parts are counted
    /// in `quirks` and skipped.
    pub fn into_packages(self, quirks: &mut usize) -> Result<Vec<(String, PackageAdvisory)>, Skip> {
        let id = self
            .id
            .map(|t| t.0)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Skip::Unsupported("no `id`".into()))?;
        if self.withdrawn.as_ref().is_some_and(|w| !w.0.is_empty()) {
            return Err(Skip::Withdrawn);
        }
        if let Some(v) = &self.schema_version {
            if !v.starts_with("1.") && v != "1" {
                return Err(Skip::Unsupported(format!("schema_version {v}")));
            }
        }
        let aliases = self.aliases.unwrap_or_default();
        let summary = short_text(self.summary.as_deref(), self.details.as_deref());
        let top_label = severity_label(self.database_specific.as_ref());
        let top_cvss = cvss_vectors(self.severity.as_ref());
        let published = self
            .published
            .as_ref()
            .and_then(|p| published_date(&p.0))
            .map(|d| d.to_string());
        let mut out = Vec::new();
        let mut pypi_names = Vec::new();
        for a in self.affected.unwrap_or_default() {
            let Some(pkg) = a.package else { continue };
            if !pkg
                .ecosystem
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case("pypi"))
            {
                continue;
            }
            let Some(name) = pkg.name.filter(|n| !n.is_empty()) else {
                *quirks += 1;
                continue;
            };
            pypi_names.push(normalize_name(&name));
            let listed = a.versions.unwrap_or_default();
            let mut ranges = Vec::new();
            for r in a.ranges.unwrap_or_default() {
                // GIT ranges need the repository's history; PyPI data always carries an
                // ECOSYSTEM range or a versions list alongside.
                if !matches!(r.kind.as_deref(), Some("ECOSYSTEM") | Some("SEMVER")) {
                    continue;
                }
                let mut events = Vec::new();
                for e in r.events.unwrap_or_default() {
                    let Some((k, v)) = e.iter().next() else {
                        *quirks += 1; // `{}`
                        continue;
                    };
                    let v = v.0.clone();
                    if v.is_empty() {
                        *quirks += 1;
                        continue;
                    }
                    events.push(match k.as_str() {
                        "introduced" => RangeEvent::Introduced(v),
                        "fixed" => RangeEvent::Fixed(v),
                        "last_affected" => RangeEvent::LastAffected(v),
                        "limit" => RangeEvent::Limit(v),
                        _ => {
                            *quirks += 1;
                            continue;
                        }
                    });
                }
                let readable = events.iter().all(|e| match e {
                    RangeEvent::Introduced(v)
                    | RangeEvent::Fixed(v)
                    | RangeEvent::LastAffected(v) => {
                        v == "0" || v.parse::<pep440_rs::Version>().is_ok()
                    }
                    RangeEvent::Limit(v) => v == "*" || v.parse::<pep440_rs::Version>().is_ok(),
                });
                if events.is_empty() || !readable {
                    *quirks += 1;
                    continue;
                }
                ranges.push(events);
            }
            // Keep only the listed versions the ranges do not already cover: most lists just
            // enumerate the ranges, and a smaller index decodes faster.
            let parsed: Vec<super::ParsedRange> = ranges
                .iter()
                .filter_map(|r| super::ParsedRange::new(r))
                .collect();
            let mut versions = Vec::new();
            for t in &listed {
                match t.0.parse::<pep440_rs::Version>() {
                    Ok(v) if parsed.iter().any(|r| r.contains(&v)) => {}
                    Ok(v) => versions.push(super::version_key(&v)),
                    // Legacy strings such as `0.7.10p1` can never equal a PEP 440 pin.
                    Err(_) => *quirks += 1,
                }
            }
            if ranges.is_empty() && versions.is_empty() {
                *quirks += 1;
                continue;
            }
            let label = severity_label(a.database_specific.as_ref()).or_else(|| top_label.clone());
            let mut cvss = cvss_vectors(a.severity.as_ref());
            if cvss.is_empty() {
                cvss = top_cvss.clone();
            }
            out.push((
                normalize_name(&name),
                PackageAdvisory {
                    id: id.clone(),
                    aliases: aliases.clone(),
                    summary: summary.clone(),
                    label,
                    cvss,
                    published: published.clone(),
                    versions,
                    ranges,
                },
            ));
        }
        if out.is_empty() {
            return Err(if pypi_names.is_empty() {
                Skip::NotPyPI
            } else {
                Skip::Unreadable(pypi_names)
            });
        }
        Ok(out)
    }
}
