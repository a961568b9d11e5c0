//! Reading the peers' accept lists, so a team switching to palisade re-triages nothing:
//! detect-secrets' `.secrets.baseline` (SHA-1 of each accepted secret) and gitleaks'
//! `.gitleaksignore` (`[commit:]file:rule:line` fingerprints).

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct DetectSecretsEntry {
    pub hashed_secret: String,
    #[serde(default)]
    pub line_number: Option<u32>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Deserialize)]
struct DetectSecretsBaseline {
    #[serde(default)]
    results: HashMap<String, Vec<DetectSecretsEntry>>,
}

/// The accepted secrets of a detect-secrets baseline, by file path (forward slashes).
pub fn parse_detect_secrets_baseline(
    text: &str,
) -> Result<HashMap<String, Vec<DetectSecretsEntry>>, String> {
    let b: DetectSecretsBaseline =
        serde_json::from_str(text).map_err(|e| format!("not a detect-secrets baseline: {e}"))?;
    Ok(b.results
        .into_iter()
        .map(|(path, mut entries)| {
            for e in &mut entries {
                e.hashed_secret.make_ascii_lowercase();
            }
            (
                path.replace('\\', "/").trim_start_matches("./").to_string(),
                entries,
            )
        })
        .collect())
}

/// The (file, line) places of a `.gitleaksignore`. Each line is `file:rule:line` or
/// `commit:file:rule:line`; `#` starts a comment. Rule ids are not compared: the two tools
/// name rules differently, and the place is what a team accepted.
pub fn parse_gitleaks_ignore(text: &str) -> HashSet<(String, u32)> {
    let mut out = HashSet::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.rsplitn(3, ':');
        let (Some(num), Some(_rule), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Ok(num) = num.parse::<u32>() else {
            continue;
        };
        // A leading 40-hex commit id is not part of the path.
        let path = match rest.split_once(':') {
            Some((commit, p))
                if commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                p
            }
            _ => rest,
        };
        out.insert((path.trim_start_matches("./").to_string(), num));
    }
    out
}

/// SHA-1 as lower-case hex (FIPS 180-4); only for matching detect-secrets' hashes.
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let bit_len = (data.len() as u64).wrapping_mul(8);
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, &wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_vectors() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        let long = vec![b'a'; 1000];
        assert_eq!(sha1_hex(&long), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    }

    #[test]
    fn gitleaks_ignore_forms() {
        let set = parse_gitleaks_ignore(
            "# comment\nsrc/a.py:github-pat:12\n0123456789abcdef0123456789abcdef01234567:cfg/b.env:aws-access-token:3\nbad line\n",
        );
        assert!(set.contains(&("src/a.py".to_string(), 12)));
        assert!(set.contains(&("cfg/b.env".to_string(), 3)));
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn detect_secrets_baseline() {
        let text = r#"{"version": "1.5.0", "results": {"config/settings.py": [
            {"type": "Secret Keyword", "filename": "config/settings.py",
             "hashed_secret": "A9993E364706816ABA3E25717850C26C9CD0D89D", "is_verified": false, "line_number": 4}]}}"#;
        let map = parse_detect_secrets_baseline(text).unwrap();
        let e = &map["config/settings.py"][0];
        assert_eq!(e.hashed_secret, sha1_hex(b"abc"));
        assert_eq!(e.line_number, Some(4));
        assert!(parse_detect_secrets_baseline("42").is_err());
    }
}
