//! Secrets hidden in base64, hex, percent-encoding and string escapes are found, reported at
//! the encoded text with the chain of encodings, and never printed whole.

use palisade_core::FileReport;
use palisade_secrets::check_rules::{encode_base64_std, expand_example};
use palisade_secrets::{Config, SecretsChecker};

/// What output shows: the checker's report through the core redactor, as the binary applies it.
fn scan(path: &str, text: &str) -> FileReport {
    let checker = SecretsChecker::new(&Config::default());
    palisade_testkit::redacted(
        palisade_testkit::check_file(&checker, path, text.as_bytes()),
        false,
    )
}

fn token() -> String {
    expand_example("ghp_{{base62:30}}{{crc32:30}}", "decoded")
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn percent(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The one finding of `text`, its rule and the encoded text it points at.
fn one(text: &str) -> (String, String, String) {
    let out = scan("deploy/config.yaml", text);
    assert_eq!(out.findings.len(), 1, "{text}\n{:?}", out.findings);
    let f = &out.findings[0];
    assert_eq!(f.span.start_line, f.span.end_line);
    let line = text.lines().nth(f.span.start_line as usize - 1).unwrap();
    let chars: Vec<char> = line.chars().collect();
    let at: String = chars[f.span.start_col as usize - 1..f.span.end_col as usize - 1]
        .iter()
        .collect();
    for shown in [f.message.as_str(), f.snippet.as_deref().unwrap_or("")] {
        assert!(!shown.contains(&token()), "{shown}");
        assert!(
            !shown.contains(&at),
            "the encoded secret is shown whole: {shown}"
        );
    }
    (f.rule_id.clone(), at, f.message.clone())
}

#[test]
fn base64_in_a_kubernetes_secret() {
    let b64 = encode_base64_std(token().as_bytes());
    let text = format!("apiVersion: v1\nkind: Secret\ndata:\n  gh: {b64}\n");
    let (rule, at, message) = one(&text);
    assert_eq!(rule, "github-pat");
    assert_eq!(at, b64);
    assert!(message.contains("(decoded: base64)"), "{message}");
}

#[test]
fn hex_percent_and_unicode_escapes() {
    let t = token();
    let (rule, at, message) = one(&format!("blob = \"{}\"\n", hex(&t)));
    assert_eq!((rule.as_str(), at), ("github-pat", hex(&t)));
    assert!(message.contains("(decoded: hex)"));

    let (rule, at, message) = one(&format!(
        "url = \"https://x.example.net/?t={}\"\n",
        percent(&t)
    ));
    assert_eq!((rule.as_str(), at), ("github-pat", percent(&t)));
    assert!(message.contains("(decoded: percent)"));

    let escaped: String = t.chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
    let (rule, at, message) = one(&format!("\"token\": \"{escaped}\"\n"));
    assert_eq!((rule.as_str(), at), ("github-pat", escaped));
    assert!(message.contains("(decoded: escapes)"));
}

#[test]
fn escaped_json_with_base64_inside() {
    // GitLab's DOCKER_AUTH_CONFIG: JSON escaped into a string; the auth field is base64 of
    // `user:token`.
    let auth = encode_base64_std(format!("ci-bot:{}", token()).as_bytes());
    let text = format!(
        "variables:\n  DOCKER_AUTH_CONFIG: \"{{\\\"auths\\\":{{\\\"registry.internal.net\\\":{{\\\"auth\\\":\\\"{auth}\\\"}}}}}}\"\n"
    );
    let out = scan(".gitlab-ci.yml", &text);
    // One finding for the auth field: the Docker rule reads the escaped JSON, and the token
    // inside its base64 is the same span, not a second finding.
    assert_eq!(out.findings.len(), 1, "{text}\n{:?}", out.findings);
    let f = &out.findings[0];
    assert_eq!(f.span.start_line, 2);
    assert!(
        ["docker-config-auth", "github-pat"].contains(&f.rule_id.as_str()),
        "{}",
        f.rule_id
    );
    let line = text.lines().nth(1).unwrap();
    let at: String = line
        .chars()
        .skip(f.span.start_col as usize - 1)
        .take((f.span.end_col - f.span.start_col) as usize)
        .collect();
    assert_eq!(at, auth);
}

#[test]
fn nested_encodings_name_their_chain() {
    let inner = format!("GITHUB_TOKEN%3D{}", token());
    let b64 = encode_base64_std(inner.as_bytes());
    let (rule, at, message) = one(&format!("payload: {b64}\n"));
    assert_eq!((rule.as_str(), at), ("github-pat", b64));
    assert!(message.contains("(decoded: base64 → percent)"), "{message}");
}

#[test]
fn decoded_values_keep_the_filters() {
    // A placeholder or a bad checksum stays no finding once decoded.
    let fake = encode_base64_std(b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert!(scan("a.yaml", &format!("x: {fake}\n")).findings.is_empty());
    let mut bad = token().into_bytes();
    bad[8] = if bad[8] == b'A' { b'B' } else { b'A' };
    let bad = encode_base64_std(&bad);
    assert!(scan("a.yaml", &format!("x: {bad}\n")).findings.is_empty());
    // Encoded text that holds no secret: images, hashes, words.
    let png = encode_base64_std(&[0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2, 3]);
    let clean = format!(
        "img: {png}\nsum: {}\nmsg: {}\nurl: https://x.net/?q=a%20b%2Fc\n",
        hex("plain words of no interest at all"),
        encode_base64_std(b"hello world, nothing to see here")
    );
    assert!(scan("a.yaml", &clean).findings.is_empty());
}

#[test]
fn a_finding_in_the_file_is_not_reported_twice() {
    // The line holds an escape, so it is decoded and scanned again; the token itself is not
    // encoded and must be reported once, as found in the file.
    let t = token();
    let out = scan(
        "a.json",
        &format!("{{\"note\": \"a \\\"quote\\\"\", \"token\": \"{t}\"}}\n"),
    );
    assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
    assert!(!out.findings[0].message.contains("decoded"));
}
