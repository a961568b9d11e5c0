//! Where a word starts: provider names count only as whole words of an identifier, at a word
//! or camelCase boundary. `okta_token`, `OKTA_TOKEN`, `oktaToken`, `corpOktaToken` name Okta;
//! `rookTable` does not (the `okta` starts inside `rook`), nor `SetSysctl` (`etsy`),
//! `ReactNativeCameraKit` (`meraki`), `sumOfExposures` (`sumo` ends inside the word `Of`).

/// Whether a camelCase or word boundary lies just before `bytes[i]`.
fn word_starts_at(bytes: &[u8], i: usize) -> bool {
    let Some(&c) = bytes.get(i) else {
        return false;
    };
    if i == 0 {
        return true;
    }
    let p = bytes[i - 1];
    // Java system properties: `-Dsonar.login=...`.
    if !p.is_ascii_alphanumeric() || (p == b'D' && i >= 2 && bytes[i - 2] == b'-') {
        return true;
    }
    if !c.is_ascii_uppercase() {
        // A lower-case letter continues its word; a number after letters starts one.
        return c.is_ascii_digit() && !p.is_ascii_digit();
    }
    // `fooBar`, `v2Token`: an upper-case letter after a lower-case one or a digit.
    // `HTTPServer`: the last capital of an acronym starts the next word.
    !p.is_ascii_uppercase() || bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase)
}

/// Whether the name `bytes[start..end]` ends one letter into a camelCase word that goes on
/// after it (`sumO` in `sumOfExposures`): the name's last letter belongs to the next word. A
/// name that spans whole words (`accountkey` in `AccountKey`) or stops inside its last word
/// (`sumo` in `sumologic`) is fine.
fn ends_inside_next_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let last = end - 1;
    if last <= start || end >= bytes.len() || !bytes[end].is_ascii_lowercase() {
        return false;
    }
    let (p, c) = (bytes[last - 1], bytes[last]);
    c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_uppercase())
}

/// Whether a name-anchored rule's match starting at `start` names the provider: the match
/// starts a word, and the longest rule keyword found there (lower-case) does not end one letter
/// into the next camelCase word. Where no keyword is found there (names the keywords only approximate),
/// the start alone decides.
pub fn name_at_boundary(bytes: &[u8], start: usize, keywords: &[impl AsRef<str>]) -> bool {
    let first = bytes.get(start).copied().unwrap_or(b' ');
    if first.is_ascii_alphanumeric() && !word_starts_at(bytes, start) {
        return false;
    }
    let rest = &bytes[start.min(bytes.len())..];
    let longest = keywords
        .iter()
        .map(|k| k.as_ref().as_bytes())
        .filter(|k| rest.len() >= k.len() && rest[..k.len()].eq_ignore_ascii_case(k))
        .map(<[u8]>::len)
        .max();
    match longest {
        Some(n) => !ends_inside_next_word(bytes, start, start + n),
        None => true,
    }
}

/// File extensions of assets and documents: a token-shaped value directly followed by one is
/// a file name (`ico-<32 characters>.png`), not a credential.
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "avif", "css", "js",
    "mjs", "map", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "webm", "ogg", "wav", "pdf",
    "html", "htm", "xml", "zip", "gz", "tgz", "whl", "jar",
];

/// Whether the text at `end` (just after a matched token) is `.ext` of a file name.
pub fn file_extension_follows(bytes: &[u8], end: usize) -> bool {
    let Some(rest) = bytes.get(end..) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(b".") else {
        return false;
    };
    let n = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let ext = &rest[..n];
    FILE_EXTENSIONS
        .iter()
        .any(|e| e.len() == ext.len() && e.as_bytes().eq_ignore_ascii_case(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(text: &str, kw: &str) -> bool {
        let at = text.to_ascii_lowercase().find(kw).unwrap();
        name_at_boundary(text.as_bytes(), at, &[kw])
    }

    #[test]
    fn provider_names_at_word_boundaries() {
        for t in [
            "okta_token",
            "OKTA_TOKEN",
            "oktaToken",
            "corpOktaToken",
            "corp_okta_api_token",
            "corp.okta.key",
            "\"okta\": 1",
            "MyOKTAToken",
            "sumologic_key",
            "SUMO_ACCESS_ID",
            "etsyApiKey",
            "x-etsy-key",
            "-Dokta.token",
            "AccountKey",
            "StorageAccountKeys",
        ] {
            let kw = ["okta", "sumo", "etsy", "accountkey"]
                .into_iter()
                .find(|k| t.to_ascii_lowercase().contains(k))
                .unwrap();
            assert!(named(t, kw), "{t}");
        }
    }

    #[test]
    fn names_inside_other_words() {
        assert!(!named("SetSysctl", "etsy"));
        assert!(!named("rookTable", "okta"));
        assert!(!named("sumOfExposures", "sumo"));
        assert!(!named("SUMOfExposures", "sumo"));
        assert!(!named("ReactNativeCameraKit", "meraki"));
        assert!(!named("bookTab", "okta"));
        assert!(!named("1okta", "okta"));
    }

    #[test]
    fn file_names() {
        assert!(file_extension_follows(b"ico-abc.png\"", 7));
        assert!(file_extension_follows(b"x.SVG", 1));
        assert!(!file_extension_follows(b"abc.def", 3));
        assert!(!file_extension_follows(b"abc", 3));
        assert!(!file_extension_follows(b"abc.", 3));
    }
}
