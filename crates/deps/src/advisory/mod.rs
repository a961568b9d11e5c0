//! The offline advisory database: OSV records from a PyPA advisory-database checkout (YAML under
//! `vulns/`), a folder of OSV JSON files, or OSV's `PyPI/all.zip`, turned into a compact
//! per-package index that is cached on disk and probed by package name.

pub mod index;
pub mod osv;
pub mod severity;
pub mod source;
pub mod update;

use std::str::FromStr;

use pep440_rs::Version;
use serde::{Deserialize, Serialize};

pub use index::{AdvisoryDb, DbMeta};

/// One event of an ECOSYSTEM range, versions kept as text (parsed when matched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeEvent {
    #[serde(rename = "i")]
    Introduced(String),
    #[serde(rename = "f")]
    Fixed(String),
    #[serde(rename = "l")]
    LastAffected(String),
    #[serde(rename = "x")]
    Limit(String),
}

/// What one advisory says about one package: the part of an OSV record the audit needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageAdvisory {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// GitHub's label (`database_specific.severity`), upper-cased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// CVSS vectors (`severity[].score`), as written; scored when matched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<String>,
    /// The day the advisory was published (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Vec<RangeEvent>>,
}

/// The outcome of matching one version against one advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affects {
    /// `fixed` versions above the matched one, ascending.
    pub fixed: Vec<Version>,
}

/// A version's PEP 440 identity as text: normalised, trailing zero release segments dropped
/// (`3.2.0` and `3.2` give the same key), so `versions` lists are compared as strings.
pub fn version_key(v: &Version) -> String {
    let release = v.release();
    let keep = release.iter().rposition(|&n| n != 0).map_or(1, |i| i + 1);
    v.clone()
        .with_release(release[..keep].iter().copied())
        .to_string()
}

fn parse_version(s: &str) -> Option<Version> {
    if s == "0" {
        return Some(Version::new([0]));
    }
    Version::from_str(s).ok()
}

impl PackageAdvisory {
    /// Whether `version` is affected (PEP 440 semantics): listed in `versions` (by PEP 440
    /// equality; a local build `1.0+x` of a listed `1.0` counts), or inside an ECOSYSTEM range.
    /// `versions` holds [`version_key`]s (the loader normalises them).
    pub fn affects(&self, version: &Version) -> Option<Affects> {
        let key = version_key(version);
        let public_key = version_key(&version.clone().without_local());
        let listed = self.versions.iter().any(|s| *s == key || *s == public_key);
        let in_range = self.ranges.iter().any(|r| in_range(r, version));
        if !listed && !in_range {
            return None;
        }
        let mut fixed: Vec<Version> = self
            .ranges
            .iter()
            .flatten()
            .filter_map(|e| match e {
                RangeEvent::Fixed(f) => parse_version(f),
                _ => None,
            })
            .filter(|f| f > version)
            .collect();
        fixed.sort();
        fixed.dedup();
        Some(Affects { fixed })
    }
}

/// An ECOSYSTEM range with its versions parsed and its events in evaluation order.
pub(crate) struct ParsedRange {
    /// (version, kind): 0 introduced, 1 fixed, 2 last_affected; sorted.
    events: Vec<(Version, u8)>,
    limits: Vec<Version>,
}

impl ParsedRange {
    /// `None` when a bound is not PEP 440: such a range cannot be evaluated.
    pub(crate) fn new(events: &[RangeEvent]) -> Option<ParsedRange> {
        let mut limits = Vec::new();
        let mut sorted = Vec::with_capacity(events.len());
        for e in events {
            match e {
                RangeEvent::Introduced(s) => sorted.push((parse_version(s)?, 0)),
                RangeEvent::Fixed(s) => sorted.push((parse_version(s)?, 1)),
                RangeEvent::LastAffected(s) => sorted.push((parse_version(s)?, 2)),
                RangeEvent::Limit(s) if s == "*" => {}
                RangeEvent::Limit(s) => limits.push(parse_version(s)?),
            }
        }
        sorted.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        Some(ParsedRange {
            events: sorted,
            limits,
        })
    }

    /// The OSV evaluation: walk the events in version order; `introduced` opens, `fixed`
    /// closes at the version, `last_affected` closes after it; `limit`s cap the whole range.
    pub(crate) fn contains(&self, v: &Version) -> bool {
        if !self.limits.is_empty() && self.limits.iter().all(|l| v >= l) {
            return false;
        }
        let mut affected = false;
        for (ver, kind) in &self.events {
            match kind {
                0 if ver <= v => affected = true,
                1 if ver <= v => affected = false,
                2 if ver < v => affected = false,
                _ => {}
            }
        }
        affected
    }
}

fn in_range(events: &[RangeEvent], v: &Version) -> bool {
    ParsedRange::new(events).is_some_and(|r| r.contains(v))
}

/// One finding of the audit: advisories that share an id or alias merged into one.
#[derive(Debug, Clone, PartialEq)]
pub struct Vulnerability {
    pub id: String,
    /// Every other id of the merged records and their aliases, sorted.
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    /// The score of the first merged record with a vector that scores, GitHub's label of the
    /// first with one.
    pub rating: severity::Rating,
    /// The earliest `published` day of the merged records.
    pub published: Option<jiff::civil::Date>,
    pub fixed: Vec<Version>,
}

impl Vulnerability {
    /// Whether `id` names this vulnerability (its id or any alias), case-insensitively.
    pub fn is_named(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }
}

fn id_rank(id: &str) -> u8 {
    if id.starts_with("PYSEC-") {
        0
    } else if id.starts_with("GHSA-") {
        1
    } else if id.starts_with("MAL-") {
        2
    } else {
        3
    }
}

/// The rating of merged records: the first record (PYSEC before GHSA) whose vectors score
/// gives the score; GitHub's label comes from the first record that has one.
fn rate(recs: &[&PackageAdvisory]) -> severity::Rating {
    let label = recs.iter().find_map(|a| a.label.as_deref());
    let mut first_unscored = None;
    for a in recs {
        let r = severity::Rating::new(&a.cvss, label);
        if r.cvss.is_some() {
            return r;
        }
        if first_unscored.is_none() && r.unscored.is_some() {
            first_unscored = Some(r);
        }
    }
    first_unscored.unwrap_or_else(|| severity::Rating::new(&[], label))
}

/// Matches `version` against a package's advisories and merges duplicates the way pip-audit
/// does: every PYSEC record is its own vulnerability (two PYSEC records that share a GHSA
/// alias by mistake are still two CVEs), and any other record (GHSA, MAL, ...) is merged into
/// the first earlier one whose id/alias set it intersects.
pub fn match_version(advisories: &[PackageAdvisory], version: &Version) -> Vec<Vulnerability> {
    let mut hits: Vec<(&PackageAdvisory, Affects)> = advisories
        .iter()
        .filter_map(|a| a.affects(version).map(|m| (a, m)))
        .collect();
    hits.sort_by(|a, b| (id_rank(&a.0.id), &a.0.id).cmp(&(id_rank(&b.0.id), &b.0.id)));
    // Each group: its member records and the union of their names.
    let mut groups: Vec<(Vec<usize>, std::collections::HashSet<&str>)> = Vec::new();
    for (i, (a, _)) in hits.iter().enumerate() {
        let names: Vec<&str> = std::iter::once(a.id.as_str())
            .chain(a.aliases.iter().map(String::as_str))
            .collect();
        let target = if a.id.starts_with("PYSEC-") {
            None
        } else {
            groups
                .iter()
                .position(|(_, seen)| names.iter().any(|n| seen.contains(n)))
        };
        match target {
            Some(g) => {
                groups[g].0.push(i);
                groups[g].1.extend(names);
            }
            None => groups.push((vec![i], names.into_iter().collect())),
        }
    }
    let mut out: Vec<Vulnerability> = groups
        .into_iter()
        .map(|(members, _)| {
            let recs: Vec<&(&PackageAdvisory, Affects)> =
                members.iter().map(|&i| &hits[i]).collect();
            let primary = recs[0].0;
            let mut names: Vec<String> = recs
                .iter()
                .flat_map(|(a, _)| std::iter::once(a.id.clone()).chain(a.aliases.iter().cloned()))
                .filter(|n| *n != primary.id)
                .collect();
            names.sort();
            names.dedup();
            let mut fixed: Vec<Version> = recs.iter().flat_map(|(_, m)| m.fixed.clone()).collect();
            fixed.sort();
            fixed.dedup();
            Vulnerability {
                id: primary.id.clone(),
                aliases: names,
                summary: recs.iter().find_map(|(a, _)| a.summary.clone()),
                rating: rate(&recs.iter().map(|(a, _)| *a).collect::<Vec<_>>()),
                published: recs
                    .iter()
                    .filter_map(|(a, _)| a.published.as_deref()?.parse().ok())
                    .min(),
                fixed,
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    fn adv(
        id: &str,
        aliases: &[&str],
        versions: &[&str],
        ranges: Vec<Vec<RangeEvent>>,
    ) -> PackageAdvisory {
        PackageAdvisory {
            id: id.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            summary: None,
            label: None,
            cvss: Vec::new(),
            published: None,
            versions: versions.iter().map(|s| s.to_string()).collect(),
            ranges,
        }
    }

    use RangeEvent::*;

    #[test]
    fn ranges_follow_the_osv_algorithm() {
        let a = adv(
            "X-1",
            &[],
            &[],
            vec![vec![
                Introduced("2.2".into()),
                Fixed("2.2.21".into()),
                Introduced("3.2".into()),
                Fixed("3.2.1".into()),
            ]],
        );
        assert!(a.affects(&v("3.2.0")).is_some(), "3.2 == 3.2.0");
        assert!(a.affects(&v("2.2.20")).is_some());
        assert!(a.affects(&v("2.2.21")).is_none());
        assert!(a.affects(&v("3.0")).is_none());
        assert!(a.affects(&v("3.2.1")).is_none());
        assert!(a.affects(&v("3.2.1rc1")).is_some());
        assert_eq!(a.affects(&v("3.2.0")).unwrap().fixed, vec![v("3.2.1")]);
        let last = adv(
            "X-2",
            &[],
            &[],
            vec![vec![Introduced("0".into()), LastAffected("1.11.0".into())]],
        );
        assert!(last.affects(&v("1.11.0")).is_some());
        assert!(last.affects(&v("1.11.1")).is_none());
        let limited = adv(
            "X-3",
            &[],
            &[],
            vec![vec![Introduced("1.0".into()), Limit("2.0".into())]],
        );
        assert!(limited.affects(&v("1.5")).is_some());
        assert!(limited.affects(&v("2.0")).is_none());
    }

    #[test]
    fn versions_lists_use_pep440_equality_and_skip_legacy_strings() {
        let a = adv("X-4", &[], &["3.2"], vec![]);
        assert!(a.affects(&v("3.2.0")).is_some());
        assert!(a.affects(&v("3.2+local.1")).is_some());
        assert!(a.affects(&v("3.2.1")).is_none());
        let broken = adv(
            "X-5",
            &[],
            &[],
            vec![vec![Introduced("not a version".into())]],
        );
        assert!(broken.affects(&v("1.0")).is_none());
    }

    #[test]
    fn aliases_merge_into_one_vulnerability() {
        let r = vec![Introduced("0".into()), Fixed("2.0".into())];
        let advs = vec![
            adv("GHSA-aaaa", &["CVE-2020-1"], &[], vec![r.clone()]),
            adv(
                "PYSEC-2020-9",
                &["CVE-2020-1"],
                &[],
                vec![vec![Introduced("0".into()), Fixed("1.9".into())]],
            ),
            adv("PYSEC-2021-1", &[], &[], vec![r.clone()]),
        ];
        let m = match_version(&advs, &v("1.5"));
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].id, "PYSEC-2020-9");
        assert_eq!(m[0].aliases, vec!["CVE-2020-1", "GHSA-aaaa"]);
        assert_eq!(m[0].fixed, vec![v("1.9"), v("2.0")]);
        assert!(m[0].is_named("ghsa-aaaa"));
        assert_eq!(m[1].id, "PYSEC-2021-1");

        // Two PYSEC records (two CVEs) that share a GHSA alias stay two findings, as in
        // pip-audit; a GHSA record joins the first one it names.
        let advs = vec![
            adv("PYSEC-1", &["CVE-1", "GHSA-shared"], &[], vec![r.clone()]),
            adv("PYSEC-2", &["CVE-2", "GHSA-shared"], &[], vec![r.clone()]),
            adv("GHSA-shared", &["CVE-1"], &[], vec![r]),
        ];
        let m = match_version(&advs, &v("1.5"));
        let ids: Vec<(&str, usize)> = m.iter().map(|x| (x.id.as_str(), x.aliases.len())).collect();
        assert_eq!(ids, vec![("PYSEC-1", 2), ("PYSEC-2", 2)]);
    }
}
