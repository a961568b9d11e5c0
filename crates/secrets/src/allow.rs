//! Inline allow comments of the peer tools, so a team switching to palisade keeps its
//! annotations. palisade's own `palisade: ignore[...]` is applied by the dispatcher.

/// Markers that allow the secret on their own line.
const SAME_LINE: &[&str] = &[
    "gitleaks:allow",
    "betterleaks:allow",
    "kingfisher:ignore",
    "trufflehog:ignore",
];

/// Whether `line` carries an allow comment for a secret on the same line.
pub fn allows_same_line(line: &str) -> bool {
    if !line.contains(':') {
        return false;
    }
    SAME_LINE.iter().any(|m| line.contains(m)) || pragma(line) == Some(false)
}

/// Whether `line` carries `pragma: allowlist nextline secret` (detect-secrets), which allows a
/// secret on the following line.
pub fn allows_next_line(line: &str) -> bool {
    line.contains(':') && pragma(line) == Some(true)
}

/// Parses detect-secrets' `pragma: allowlist secret` / `pragma: allowlist nextline secret`
/// (any case, flexible spacing, `-` or space separators). `Some(next_line)` when present.
fn pragma(line: &str) -> Option<bool> {
    let lower_pos = find_ci(line, "pragma:")?;
    let rest = line[lower_pos + 7..].trim_start();
    let rest = strip_ci(rest, "allowlist")?;
    let rest = rest.trim_start_matches([' ', '-']);
    if let Some(r) = strip_ci(rest, "nextline") {
        let r = r.trim_start_matches([' ', '-']);
        return strip_ci(r, "secret").map(|_| true);
    }
    strip_ci(rest, "secret").map(|_| false)
}

fn strip_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes()
        .windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert!(allows_same_line("k = 'v'  # pragma: allowlist secret"));
        assert!(allows_same_line("k = 'v'  // Pragma: Allowlist-Secret"));
        assert!(allows_same_line("k = 'v'  # gitleaks:allow"));
        assert!(allows_same_line("k = 'v'  # kingfisher:ignore"));
        assert!(allows_same_line("k = 'v'  # trufflehog:ignore"));
        assert!(!allows_same_line(
            "k = 'v'  # pragma: allowlist nextline secret"
        ));
        assert!(allows_next_line("# pragma: allowlist nextline secret"));
        assert!(!allows_next_line("# pragma: allowlist secret"));
        assert!(!allows_same_line("k = 'v'  # allowlist secret"));
    }
}
