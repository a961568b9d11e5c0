//! `palisade: ignore[ID,...]` comments, in any comment syntax.
//!
//! Forms, written anywhere on a line (after `#`, `//`, `--`, `;`, inside `<!-- -->`...):
//! - `palisade: ignore` — every rule on this line;
//! - `palisade: ignore[B602, aws-access-key-id]` — those rules (or id prefixes) on this line;
//! - `palisade: ignore-next-line[...]` — the same for the following line, for files where a
//!   trailing comment would change a value (`.env`, `.properties`).

const MARKER: &str = "palisade:";

/// Which rules an ignore comment names; `None` means all.
type Ids<'a> = Option<Vec<&'a str>>;

fn parse(line: &str) -> Vec<(bool, Ids<'_>)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(pos) = rest.find(MARKER) {
        let after = rest[pos + MARKER.len()..].trim_start();
        rest = &rest[pos + MARKER.len()..];
        let (next_line, after) = if let Some(a) = after.strip_prefix("ignore-next-line") {
            (true, a)
        } else if let Some(a) = after.strip_prefix("ignore") {
            (false, a)
        } else {
            continue;
        };
        // `ignore` must end there or open a bracket: `ignored` is prose, not a directive.
        if let Some(list) = after.strip_prefix('[') {
            let Some(end) = list.find(']') else { continue };
            let ids = list[..end]
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            out.push((next_line, Some(ids)));
        } else if after
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '-' && c != '_')
        {
            out.push((next_line, None));
        }
    }
    out
}

fn names(ids: &Ids<'_>, rule_id: &str) -> bool {
    match ids {
        None => true,
        Some(ids) => ids
            .iter()
            .any(|id| rule_id == *id || (id.len() < rule_id.len() && rule_id.starts_with(id))),
    }
}

/// Whether `rule_id` on 1-based `line` is suppressed by a comment on that line or an
/// `ignore-next-line` comment on the line before. `line_text` returns a line's text.
pub fn is_ignored<'t>(rule_id: &str, line: u32, line_text: impl Fn(u32) -> &'t str) -> bool {
    let this = line_text(line);
    if this.contains(MARKER)
        && parse(this)
            .iter()
            .any(|(next, ids)| !next && names(ids, rule_id))
    {
        return true;
    }
    if line > 1 {
        let prev = line_text(line - 1);
        if prev.contains(MARKER)
            && parse(prev)
                .iter()
                .any(|(next, ids)| *next && names(ids, rule_id))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lines: &[&str], rule: &str, line: u32) -> bool {
        is_ignored(rule, line, |n| {
            lines.get(n as usize - 1).copied().unwrap_or("")
        })
    }

    #[test]
    fn forms() {
        assert!(check(&["x = 1  # palisade: ignore"], "B101", 1));
        assert!(check(
            &["x = 1  // palisade: ignore[B101, B102]"],
            "B102",
            1
        ));
        assert!(!check(&["x = 1  # palisade: ignore[B102]"], "B101", 1));
        assert!(
            check(&["x = 1  # palisade: ignore[B1]"], "B101", 1),
            "prefix"
        );
        assert!(!check(&["# palisade: ignored here"], "B101", 1), "prose");
        assert!(check(
            &[
                "# palisade: ignore-next-line[generic-password]",
                "PASSWORD=abc"
            ],
            "generic-password",
            2
        ));
        assert!(!check(
            &["# palisade: ignore-next-line", "a", "PASSWORD=abc"],
            "x",
            3
        ));
        assert!(
            !check(&["# palisade: ignore-next-line"], "x", 1),
            "next-line does not cover its own line"
        );
        assert!(
            !check(&["x = 1  # palisade: ignore[B101"], "B101", 1),
            "unclosed list"
        );
    }
}
