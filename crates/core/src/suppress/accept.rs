//! Accepted risks, the one expiry engine: `[[accept]]` entries in the config, and the older
//! `[[deps.ignore]]` entries, which become acceptances of DEP009 for an advisory and/or a
//! package. Each names what it covers, must give a reason, and may expire; after the expiry
//! date the finding is reported again with a note, so an acceptance is never silently
//! permanent.

use jiff::civil::Date;

use crate::finding::Finding;
use crate::glob::Glob;

#[derive(Debug, Clone)]
pub struct AcceptedRisk {
    /// Rule id or id prefix; `None` means any rule.
    pub rule: Option<String>,
    /// Glob over config-relative paths; `None` means any path.
    pub path: Option<Glob>,
    /// An advisory id or alias (`GHSA-…`, `CVE-…`, `PYSEC-…`); `None` means any.
    pub advisory: Option<String>,
    /// A package name (normalised as PEP 503 does); `None` means any.
    pub package: Option<String>,
    pub reason: String,
    pub expires: Option<Date>,
    /// Where it was written (`palisade.toml: accept[2]`), for notes.
    pub origin: String,
    /// Who accepted it and when, where given (`by = "…"`, `date = 2026-11-02`), for the
    /// risk register.
    pub by: Option<String>,
    pub date: Option<Date>,
}

/// What the acceptances decided for one finding.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No acceptance covers it.
    Open,
    /// Accepted and still in force.
    Accepted,
    /// Was accepted; the acceptance lapsed. The string is the note to attach.
    Expired(String),
}

/// PEP 503 name normalisation: lowercase, runs of `-_.` become one `-`.
pub fn normalize_package(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

impl AcceptedRisk {
    /// Whether this acceptance covers `finding`, whose path relative to the config file's
    /// folder (what the glob is written against) is `path`.
    pub fn covers(&self, finding: &Finding, path: &str) -> bool {
        let rule_ok = self
            .rule
            .as_deref()
            .is_none_or(|r| finding.rule_id == r || finding.rule_id.starts_with(r));
        let path_ok = self.path.as_ref().is_none_or(|g| g.is_match(path));
        let advisory_ok = self.advisory.as_deref().is_none_or(|a| {
            finding.tags.iter().any(|t| {
                t.strip_prefix("advisory:")
                    .is_some_and(|id| id.eq_ignore_ascii_case(a))
            })
        });
        let package_ok = self.package.as_deref().is_none_or(|p| {
            let p = normalize_package(p);
            finding
                .tags
                .iter()
                .any(|t| t.strip_prefix("package:") == Some(p.as_str()))
        });
        rule_ok && path_ok && advisory_ok && package_ok
    }

    pub fn in_force(&self, today: Date) -> bool {
        self.expires.is_none_or(|d| d >= today)
    }
}

/// Applies the acceptances in order; the first one that covers the finding and is in force
/// wins; otherwise the first expired one that covers it explains why it is back.
pub fn judge(accepts: &[AcceptedRisk], finding: &Finding, path: &str, today: Date) -> Verdict {
    judge_at(accepts, finding, path, today).0
}

/// [`judge`], also giving the index of the acceptance that decided (in force or expired), so
/// the run can tell which entries matched nothing.
pub fn judge_at(
    accepts: &[AcceptedRisk],
    finding: &Finding,
    path: &str,
    today: Date,
) -> (Verdict, Option<usize>) {
    let mut expired = None;
    let mut expired_at = None;
    for (i, a) in accepts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.covers(finding, path))
    {
        if a.in_force(today) {
            return (Verdict::Accepted, Some(i));
        }
        expired_at.get_or_insert(i);
        expired.get_or_insert_with(|| {
            format!(
                "risk acceptance expired on {} (reason: {}; {})",
                a.expires.map(|d| d.to_string()).unwrap_or_default(),
                a.reason,
                a.origin
            )
        });
    }
    (expired.map_or(Verdict::Open, Verdict::Expired), expired_at)
}

/// Days from `today` to an acceptance's expiry (negative once expired), `None` without one.
pub fn days_left(a: &AcceptedRisk, today: Date) -> Option<i64> {
    let e = a.expires?;
    today.until(e).ok().map(|s| i64::from(s.get_days()))
}

/// Packages accepted as a whole (no rule other than the audit's, no advisory, no path) and in
/// force today: the audit does not ask for their pins to be auditable.
pub fn accepted_packages(accepts: &[AcceptedRisk], today: Date) -> Vec<String> {
    accepts
        .iter()
        .filter(|a| {
            a.advisory.is_none()
                && a.path.is_none()
                && a.rule.as_deref().is_none_or(|r| "DEP009".starts_with(r))
                && a.in_force(today)
        })
        .filter_map(|a| a.package.as_deref().map(normalize_package))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CheckerKind, Confidence, Severity, Span};

    fn f(rule: &str, path: &str) -> Finding {
        Finding::new(
            rule,
            CheckerKind::Python,
            Severity::Low,
            Confidence::High,
            None,
            path,
            Span::line(1),
            "m",
        )
    }

    fn risk(rule: Option<&str>, path: Option<&str>, expires: Option<Date>) -> AcceptedRisk {
        AcceptedRisk {
            rule: rule.map(str::to_string),
            path: path.map(|p| Glob::path(p).unwrap()),
            advisory: None,
            package: None,
            reason: "r".into(),
            expires,
            origin: "test".into(),
            by: None,
            date: None,
        }
    }

    #[test]
    fn expiry() {
        let today = jiff::civil::date(2026, 6, 1);
        let live = risk(Some("B1"), None, Some(jiff::civil::date(2026, 6, 1)));
        let mut dead = risk(None, Some("a.py"), Some(jiff::civil::date(2026, 5, 31)));
        dead.reason = "old".into();
        let one = |a: &AcceptedRisk, rule| {
            judge(std::slice::from_ref(a), &f(rule, "a.py"), "a.py", today)
        };
        assert_eq!(one(&live, "B101"), Verdict::Accepted);
        assert_eq!(one(&live, "B602"), Verdict::Open);
        assert!(
            matches!(one(&dead, "B602"), Verdict::Expired(n) if n.contains("2026-05-31") && n.contains("old"))
        );
        assert_eq!(
            judge(&[dead, live], &f("B101", "a.py"), "a.py", today),
            Verdict::Accepted
        );
    }

    #[test]
    fn advisories_and_packages() {
        let today = jiff::civil::date(2026, 6, 1);
        let mut a = risk(Some("DEP009"), None, None);
        a.advisory = Some("cve-2018-18074".into());
        let v = f("DEP009", "req.txt")
            .with_tag("advisory:GHSA-x84v-xcm2-53pg")
            .with_tag("advisory:CVE-2018-18074")
            .with_tag("package:requests");
        assert_eq!(
            judge(std::slice::from_ref(&a), &v, "req.txt", today),
            Verdict::Accepted
        );
        let mut p = risk(None, None, None);
        p.package = Some("Requests".into());
        assert!(p.covers(&v, "req.txt"));
        assert_eq!(accepted_packages(&[p], today), vec!["requests".to_string()]);
        assert_eq!(normalize_package("Foo__Bar.baz"), "foo-bar-baz");
    }
}
