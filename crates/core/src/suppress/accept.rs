//! Accepted risks: `[[accept]]` entries in the config. Each names a rule and/or a path, must
//! give a reason, and may expire; after the expiry date the finding is reported again with a
//! note, so an acceptance is never silently permanent.

use jiff::civil::Date;
use serde::Serialize;

use crate::finding::Finding;

#[derive(Debug, Clone, Serialize)]
pub struct AcceptedRisk {
    /// Rule id or id prefix; `None` means any rule.
    pub rule: Option<String>,
    /// Glob over display paths (`*` within a folder, `**` across folders); `None` means any path.
    pub path: Option<String>,
    pub reason: String,
    pub expires: Option<Date>,
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

impl AcceptedRisk {
    /// Whether this acceptance covers `finding`, whose path relative to the config file's
    /// folder (what the glob is written against) is `path`.
    pub fn covers(&self, finding: &Finding, path: &str) -> bool {
        let rule_ok = self
            .rule
            .as_deref()
            .is_none_or(|r| finding.rule_id == r || finding.rule_id.starts_with(r));
        let path_ok = self.path.as_deref().is_none_or(|p| glob_match(p, path));
        rule_ok && path_ok
    }
}

/// Applies the acceptances in order; the first one that covers the finding and is in force
/// wins; otherwise the first expired one that covers it explains why it is back.
pub fn judge(accepts: &[AcceptedRisk], finding: &Finding, path: &str, today: Date) -> Verdict {
    let mut expired = None;
    for a in accepts.iter().filter(|a| a.covers(finding, path)) {
        match a.expires {
            Some(d) if d < today => {
                expired.get_or_insert_with(|| {
                    format!("risk acceptance expired on {d} (reason: {})", a.reason)
                });
            }
            _ => return Verdict::Accepted,
        }
    }
    expired.map_or(Verdict::Open, Verdict::Expired)
}

/// Minimal glob: `**` matches across `/`, `*` within a path segment, `?` one character.
/// A pattern without `/` also matches the file name alone, as in .gitignore.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    fn rec(p: &[u8], s: &[u8]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => {
                let rest = if p.get(2) == Some(&b'/') {
                    &p[3..]
                } else {
                    &p[2..]
                };
                (0..=s.len()).any(|i| {
                    (i == 0 || s[i - 1] == b'/' || p.get(2) != Some(&b'/')) && rec(rest, &s[i..])
                })
            }
            Some(b'*') => (0..=s.len())
                .take_while(|&i| i == 0 || s[i - 1] != b'/')
                .any(|i| rec(&p[1..], &s[i..])),
            Some(b'?') => !s.is_empty() && s[0] != b'/' && rec(&p[1..], &s[1..]),
            Some(&c) => s.first() == Some(&c) && rec(&p[1..], &s[1..]),
        }
    }
    let pattern = pattern.trim_start_matches("./");
    if rec(pattern.as_bytes(), path.as_bytes()) {
        return true;
    }
    // A folder pattern covers everything below it.
    let folder = pattern.trim_end_matches('/');
    if path.len() > folder.len()
        && path.as_bytes()[folder.len()] == b'/'
        && rec(folder.as_bytes(), &path.as_bytes()[..folder.len()])
    {
        return true;
    }
    !pattern.contains('/')
        && rec(
            pattern.as_bytes(),
            path.rsplit('/').next().unwrap_or(path).as_bytes(),
        )
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

    #[test]
    fn globs() {
        assert!(glob_match("tests/**", "tests/a/b.py"));
        assert!(glob_match("tests/", "tests/a/b.py"));
        assert!(glob_match("**/test_*.py", "a/b/test_x.py"));
        assert!(glob_match("**/test_*.py", "test_x.py"));
        assert!(glob_match("*.py", "deep/x.py"));
        assert!(!glob_match("src/*.py", "src/a/x.py"));
        assert!(glob_match("src/*.py", "src/x.py"));
        assert!(!glob_match("tests/**", "src/tests.py"));
    }

    #[test]
    fn expiry() {
        let today = jiff::civil::date(2026, 6, 1);
        let live = AcceptedRisk {
            rule: Some("B1".into()),
            path: None,
            reason: "r".into(),
            expires: Some(jiff::civil::date(2026, 6, 1)),
        };
        let dead = AcceptedRisk {
            rule: None,
            path: Some("a.py".into()),
            reason: "old".into(),
            expires: Some(jiff::civil::date(2026, 5, 31)),
        };
        assert_eq!(
            judge(
                std::slice::from_ref(&live),
                &f("B101", "a.py"),
                "a.py",
                today
            ),
            Verdict::Accepted
        );
        assert_eq!(
            judge(
                std::slice::from_ref(&live),
                &f("B602", "a.py"),
                "a.py",
                today
            ),
            Verdict::Open
        );
        assert!(
            matches!(judge(std::slice::from_ref(&dead), &f("B602", "a.py"), "a.py", today), Verdict::Expired(n) if n.contains("2026-05-31") && n.contains("old"))
        );
        assert_eq!(
            judge(&[dead, live], &f("B101", "a.py"), "a.py", today),
            Verdict::Accepted
        );
    }
}
