//! The one redactor: nothing palisade prints or writes holds a whole secret.
//!
//! It learns every secret value the checkers saw in a run (reported or not) and masks every
//! occurrence of those of 8 characters or more anywhere in the output: messages, snippets,
//! notes, diagnostics, every format, every verbosity. Shorter values are masked where their own
//! finding reports them (a 5-character password is too common a string to mask everywhere).
//! Passwords in URLs (`scheme://user:password@host`) are always masked. `--no-redact` is the
//! one way to see them.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use crate::checker::Diagnostic;
use crate::finding::Finding;

/// Values shorter than this are masked only inside their own finding.
pub const MIN_GLOBAL_LEN: usize = 8;

/// A secret as output shows it: a few leading characters of a long value, then `****`. The
/// armour line of a multi-line key is not secret and is kept.
pub fn mask(secret: &str) -> String {
    if let Some(armour) = armour_line(secret) {
        return format!("{armour}****");
    }
    let n = secret.chars().count();
    let show = if n >= MIN_GLOBAL_LEN {
        (n / 4).min(6)
    } else {
        0
    };
    let head: String = secret.chars().take(show).collect();
    format!("{head}****")
}

/// The first line of a multi-line key when it is armour alone (`-----BEGIN RSA PRIVATE
/// KEY-----`, `PuTTY-User-Key-File-3: ssh-rsa`). A one-line value, or a first line with more
/// on it, is secret however it starts.
fn armour_line(secret: &str) -> Option<&str> {
    let (first, rest) = secret.split_once('\n')?;
    let first = first.trim_end();
    if rest.trim().is_empty() {
        return None;
    }
    let pem = first
        .strip_prefix("-----BEGIN ")
        .and_then(|s| s.strip_suffix("-----"))
        .is_some_and(|label| {
            label
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
        });
    let putty = first
        .strip_prefix("PuTTY-User-Key-File-")
        .and_then(|s| s.split_once(": "))
        .is_some_and(|(version, algorithm)| {
            !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_digit())
                && !algorithm.is_empty()
                && algorithm
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-@.".contains(&b))
        });
    (pem || putty).then_some(first)
}

fn url_userinfo() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // scheme://userinfo@ — the user-info ends at the first `/` of the URL.
        Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s/@'\x22<>`]+)@").expect("valid regex")
    })
}

/// [`mask_url_passwords`] as an owned string: what checkers put in identities and messages
/// that name a URL, so no credential ever enters a fingerprint either.
pub fn url_credentials(text: &str) -> String {
    mask_url_passwords(text).into_owned()
}

/// Masks the user-info (`user:password`, or a token used as the user name) of every URL in
/// `text`: `https://u:pw@host/` becomes `https://****@host/`.
pub fn mask_url_passwords(text: &str) -> Cow<'_, str> {
    if !may_hold_userinfo(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    url_userinfo().replace_all(text, |c: &regex::Captures<'_>| {
        if &c[2] == "****" {
            c[0].to_string()
        } else {
            format!("{}****@", &c[1])
        }
    })
}

/// Whether `text` may hold a URL with user-info: a `://` followed by at least one byte that is
/// none of the bytes the user-info pattern stops at (ASCII white space, `/@'"<>` and backquote)
/// and then `@`. Every match of [`url_userinfo`] has this shape (its `\s` also stops at
/// non-ASCII spaces, where this goes on), so `false` means the pattern matches nowhere: the
/// pass over a report full of `https://` links without user-info is a memmem, not a regex
/// (`tests::the_userinfo_prefilter_never_hides_a_match`).
fn may_hold_userinfo(text: &[u8]) -> bool {
    memchr::memmem::find_iter(text, b"://").any(|at| {
        let rest = &text[at + 3..];
        let n = rest
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b"\x0b/@'\"<>`".contains(&b))
            .unwrap_or(rest.len());
        n > 0 && rest.get(n) == Some(&b'@')
    })
}

/// The pieces of `value` worth masking on their own: the value, and each line of a multi-line
/// value (a private key shows up one line at a time), armour lines excepted.
fn pieces(value: &str) -> impl Iterator<Item = &str> {
    let lines = value.contains('\n').then(|| {
        value
            .lines()
            .map(str::trim)
            .filter(|l| l.len() >= MIN_GLOBAL_LEN && !l.starts_with("-----"))
    });
    std::iter::once(value).chain(lines.into_iter().flatten())
}

pub struct Redactor {
    enabled: bool,
    values: Vec<String>,
    masks: Vec<String>,
    automaton: Option<AhoCorasick>,
}

impl Redactor {
    /// A redactor that masks `values` (every secret seen in the run) and URL passwords.
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut all: Vec<String> = values
            .into_iter()
            .flat_map(pieces)
            .filter(|v| v.chars().count() >= MIN_GLOBAL_LEN)
            .map(str::to_string)
            .collect();
        all.sort();
        all.dedup();
        let automaton = (!all.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&all)
                .expect("literal patterns build")
        });
        Redactor {
            enabled: true,
            masks: all.iter().map(|v| mask(v)).collect(),
            values: all,
            automaton,
        }
    }

    /// `--no-redact`: everything passes as it is.
    pub fn disabled() -> Self {
        Redactor {
            enabled: false,
            values: Vec::new(),
            masks: Vec::new(),
            automaton: None,
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// `text` with every known secret and URL password masked.
    pub fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if !self.enabled {
            return Cow::Borrowed(text);
        }
        let masked = match &self.automaton {
            Some(ac) if ac.is_match(text) => Cow::Owned(ac.replace_all(text, &self.masks)),
            _ => Cow::Borrowed(text),
        };
        match mask_url_passwords(&masked) {
            Cow::Borrowed(_) => masked,
            Cow::Owned(s) => Cow::Owned(s),
        }
    }

    /// Masks a finding's message, snippet and notes; its own short secrets too.
    pub fn finding(&self, f: &mut Finding) {
        if !self.enabled {
            return;
        }
        let own: Vec<&String> = f
            .secrets
            .iter()
            .filter(|v| v.chars().count() < MIN_GLOBAL_LEN)
            .collect();
        // A field with nothing to mask is left as it is (no copy of every finding's text).
        let apply = |s: &mut String| {
            if let Cow::Owned(masked) = self.text(s) {
                *s = masked;
            }
            for v in &own {
                if !v.trim().is_empty() && s.contains(v.as_str()) {
                    *s = s.replace(v.as_str(), &mask(v));
                }
            }
        };
        apply(&mut f.message);
        if let Some(s) = &mut f.snippet {
            apply(s);
        }
        for n in &mut f.notes {
            apply(n);
        }
    }

    pub fn diagnostic(&self, d: &mut Diagnostic) {
        if self.enabled {
            if let Cow::Owned(masked) = self.text(&d.message) {
                d.message = masked;
            }
        }
    }

    /// A last pass over bytes about to leave the process (the whole rendered report), for
    /// anything that reached it without passing the fields above.
    ///
    /// One search of the known values (masked in place: a mask is never longer than what it
    /// replaces, but for the armour line of a tiny key, where it copies), then the URL check,
    /// whose regex runs only where a `://` is followed by user-info (`may_hold_userinfo`).
    pub fn bytes(&self, mut out: Vec<u8>) -> Vec<u8> {
        if !self.enabled {
            return out;
        }
        if let Some(ac) = &self.automaton {
            let found: Vec<aho_corasick::Match> = ac.find_iter(&out).collect();
            if found
                .iter()
                .all(|m| self.masks[m.pattern()].len() <= m.len())
            {
                // Compaction: what is written never passes what is still to be read.
                let (mut w, mut r) = (0, 0);
                for m in &found {
                    out.copy_within(r..m.start(), w);
                    w += m.start() - r;
                    let mask = self.masks[m.pattern()].as_bytes();
                    out[w..w + mask.len()].copy_from_slice(mask);
                    w += mask.len();
                    r = m.end();
                }
                out.copy_within(r.., w);
                out.truncate(w + out.len() - r);
            } else {
                let masks: Vec<&[u8]> = self.masks.iter().map(|m| m.as_bytes()).collect();
                out = ac.replace_all_bytes(&out, &masks);
            }
        }
        if !may_hold_userinfo(&out) {
            return out;
        }
        match std::str::from_utf8(&out) {
            Ok(s) => match mask_url_passwords(s) {
                Cow::Borrowed(_) => out,
                Cow::Owned(s) => s.into_bytes(),
            },
            Err(_) => out,
        }
    }

    /// How many distinct values it masks (for tests and `-v`).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_occurrence_and_urls() {
        let r = Redactor::new(["s3cr3tV4lue99"]);
        let out = r.text("a=s3cr3tV4lue99 b=s3cr3tV4lue99 https://u:hunter2@h/x");
        assert!(!out.contains("s3cr3tV4lue99"), "{out}");
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("https://****@h/x"), "{out}");
        assert_eq!(mask("s3cr3tV4lue99"), "s3c****");
        assert_eq!(mask("short"), "****");
    }

    #[test]
    fn short_values_only_in_their_own_finding() {
        let r = Redactor::new(["abc12"]);
        let mut f = Finding::new(
            "B105",
            crate::CheckerKind::Python,
            crate::Severity::Low,
            crate::Confidence::Medium,
            None,
            "a.py",
            crate::Span::line(1),
            "Possible hardcoded password: 'abc12'",
        )
        .with_secret("abc12");
        r.finding(&mut f);
        assert_eq!(f.message, "Possible hardcoded password: '****'");
        assert_eq!(r.text("abc12"), "abc12");
    }

    /// Found by the redactor fuzz target: a one-line value that starts like armour was shown
    /// whole, as if it were the armour line of a key.
    #[test]
    fn only_the_armour_line_of_a_multi_line_key_is_kept() {
        let one_line = "PuTTY-User-Key-FileF26pAttMuCUQPOobamul9";
        let r = Redactor::new([one_line]);
        let line = format!("key: {one_line}");
        let out = r.text(&line);
        assert!(!out.contains(one_line), "{out}");
        assert_eq!(mask(one_line), "PuTTY-****");
        assert_eq!(mask("-----BEGIN-x9Kq2mZ7vL4pN8rT"), "-----B****");
        // Armour with more on its line is no armour.
        assert_eq!(
            mask("-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA\nQWERTYUIOPASDFGH"),
            "-----B****"
        );
        let putty = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1";
        assert_eq!(mask(putty), "PuTTY-User-Key-File-3: ssh-ed25519****");
        let pem =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(mask(pem), "-----BEGIN RSA PRIVATE KEY-----****");
    }

    /// The user-info prefilter against the regex it spares: wherever the regex matches, the
    /// prefilter says it may; and the byte pass gives what the text pass gives.
    #[test]
    fn the_userinfo_prefilter_never_hides_a_match() {
        let parts = [
            "https://",
            "ftp://",
            "git+ssh://",
            "://",
            "u",
            "user:pw",
            "tok3n",
            "@",
            "h.example",
            "/",
            " ",
            "\t",
            "\n",
            "\u{a0}",
            "\u{3000}",
            "é",
            "'",
            "\"",
            "<",
            ">",
            "`",
            "\x0b",
            "\x0c",
            ":",
            "x://",
            "A",
            "9",
        ];
        let mut checked = 0;
        // Every sequence of up to four parts: matches and near misses of every shape.
        let n = parts.len();
        for len in 1..=4u32 {
            for code in 0..n.pow(len) {
                let mut text = String::new();
                let mut c = code;
                for _ in 0..len {
                    text.push_str(parts[c % n]);
                    c /= n;
                }
                let slow = url_userinfo().is_match(&text);
                assert!(!slow || may_hold_userinfo(text.as_bytes()), "{text:?}");
                assert_eq!(
                    mask_url_passwords(&text),
                    url_userinfo().replace_all(&text, |c: &regex::Captures<'_>| {
                        if &c[2] == "****" {
                            c[0].to_string()
                        } else {
                            format!("{}****@", &c[1])
                        }
                    }),
                    "{text:?}"
                );
                checked += usize::from(slow);
            }
        }
        assert!(checked > 1_000, "{checked}");
    }

    /// The in-place byte pass masks what the copying one did, for values whose masks are
    /// shorter and for the armour line of a short key (a longer mask).
    #[test]
    fn the_byte_pass_masks_as_the_text_pass_does() {
        // Armour and two characters: its mask (the armour and `****`) is the longer.
        let key = "-----BEGIN RSA PRIVATE KEY-----\nab";
        assert!(mask(key).len() > key.len());
        let values = [
            "s3cr3tV4lue99",
            "another-secret-value-é-ü",
            "QWERTYUIOPASDFGH",
            key,
        ];
        for vals in [&values[..3], &values[..]] {
            let r = Redactor::new(vals.iter().copied());
            let text = format!(
                "x {} y {}{} https://u:p4ss@h/ {} z é {}",
                vals[0],
                vals[1],
                vals[0],
                vals[2],
                vals[vals.len() - 1]
            );
            let bytes = r.bytes(text.clone().into_bytes());
            assert_eq!(String::from_utf8(bytes).unwrap(), r.text(&text), "{text}");
            for v in vals {
                let out = r.text(&text);
                assert!(!out.contains(v), "{out}");
            }
        }
        let r = Redactor::new(["s3cr3tV4lue99"]);
        assert_eq!(r.bytes(b"nothing here".to_vec()), b"nothing here");
        assert_eq!(r.bytes(b"s3cr3tV4lue99".to_vec()), b"s3c****");
    }

    #[test]
    fn private_key_lines_are_masked_one_by_one() {
        let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234567890abcdef\nQWERTYUIOPASDFGH\n-----END RSA PRIVATE KEY-----";
        let r = Redactor::new([key]);
        let out = r.text("line: QWERTYUIOPASDFGH and MIIEowIBAAKCAQEA1234567890abcdef");
        assert!(!out.contains("QWERTYUIOPASDFGH") && !out.contains("MIIEowIBAAKCAQEA1234"));
        assert!(Redactor::disabled().text(key).contains("QWERTY"));
    }
}
