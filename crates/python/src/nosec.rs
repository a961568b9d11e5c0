//! `# nosec` comments with Bandit's semantics, except where Bandit loses IDs.
//!
//! Bandit searches each comment for `#\s*nosec:?` and reads the words up to the next `#` as test
//! IDs or names; no recognised word means a blanket nosec. Its word pattern keeps only the last
//! ID of a comma-joined run (`# nosec B602,B607` suppresses only B607). palisade reads every word
//! of the run, which is what the comment says, and also accepts IDs in lower case (`b602`), which
//! Bandit would ignore and so turn into a blanket nosec.

use crate::rules::{Rule, RuleSet};

/// What one comment suppresses: `RuleSet::EMPTY` means everything (blanket).
pub(crate) fn parse(comment: &str) -> Option<RuleSet> {
    let tests = find_nosec(comment)?;
    let mut set = RuleSet::EMPTY;
    for word in tests
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        if let Some(rule) = Rule::from_nosec_word(word) {
            set.insert(rule);
        }
    }
    Some(set)
}

/// The text after `nosec` up to the next `#`, if the comment holds a nosec marker.
fn find_nosec(comment: &str) -> Option<&str> {
    let bytes = comment.as_bytes();
    let mut i = 0;
    while let Some(off) = comment[i..].find('#') {
        let hash = i + off;
        let mut j = hash + 1;
        while j < bytes.len() && (bytes[j] as char).is_whitespace() {
            j += 1;
        }
        if comment[j..].starts_with("nosec") {
            let mut rest = &comment[j + 5..];
            rest = rest.strip_prefix(':').unwrap_or(rest);
            let end = rest.find('#').unwrap_or(rest.len());
            return Some(&rest[..end]);
        }
        i = hash + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(c: &str) -> Option<Vec<&'static str>> {
        parse(c).map(|s| s.iter().map(|r| r.meta().id.as_ref()).collect())
    }

    #[test]
    fn forms() {
        assert_eq!(ids("# nosec"), Some(vec![]));
        assert_eq!(ids("#nosec because reviewed"), Some(vec![]));
        assert_eq!(ids("# NOSEC"), None);
        assert_eq!(ids("# reviewed nosec"), None);
        assert_eq!(ids("# nosec B101"), Some(vec!["B101"]));
        assert_eq!(
            ids("# nosec: assert_used # B999 is a reason"),
            Some(vec!["B101"])
        );
        assert_eq!(ids("# nosec b101"), Some(vec!["B101"]));
        assert_eq!(ids("# nosec B602 B607"), Some(vec!["B602", "B607"]));
        assert_eq!(ids("# nosec: B602, B607"), Some(vec!["B602", "B607"]));
        // Bandit keeps only B607 here; palisade suppresses both, as written.
        assert_eq!(ids("# nosec B602,B607"), Some(vec!["B602", "B607"]));
        assert_eq!(
            ids("# nosec B602 # assert_used is a reason"),
            Some(vec!["B602"])
        );
        assert_eq!(
            ids("# type: x # nosec: import_subprocess"),
            Some(vec!["B404"])
        );
        assert_eq!(ids("# nosec: md5"), Some(vec!["B303"]));
    }
}
