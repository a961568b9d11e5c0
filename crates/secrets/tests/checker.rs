//! The checker as the dispatcher drives it: findings, redaction, identity, allow comments,
//! config allowlists and imported peer baselines.

use palisade_core::{Checker, FileReport, FsReader, ScanContext, SourceFile};
use palisade_secrets::check_rules::expand_example;
use palisade_secrets::{Config, SecretsChecker};
use palisade_testkit::{check_file, redacted};

fn scan_with(checker: &SecretsChecker, path: &str, text: &str, no_redact: bool) -> FileReport {
    redacted(check_file(checker, path, text.as_bytes()), no_redact)
}

fn scan(path: &str, text: &str) -> FileReport {
    scan_with(&SecretsChecker::new(&Config::default()), path, text, false)
}

fn pem() -> String {
    expand_example(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{{pem-body}}\n-----END OPENSSH PRIVATE KEY-----\n",
        "pem",
    )
}

#[test]
fn private_key_is_found_and_redacted() {
    let text = format!("# deploy key\n{}", pem());
    let out = scan("keys/id_ed25519", &text);
    assert_eq!(out.findings.len(), 1, "{:?}", out.findings);
    let f = &out.findings[0];
    assert_eq!(f.rule_id, "private-key");
    assert_eq!(f.span.start_line, 2);
    assert_eq!(f.span.end_line, 12);
    let body_line = text.lines().nth(2).unwrap();
    assert!(!f.message.contains(body_line));
    assert!(!f.snippet.as_deref().unwrap().contains(body_line));
    assert!(f
        .message
        .contains("-----BEGIN OPENSSH PRIVATE KEY-----****"));
}

#[test]
fn identity_follows_the_secret_not_the_line() {
    let a = scan("k.pem", &pem());
    let b = scan("k.pem", &format!("\n\n\n{}", pem()));
    assert_eq!(a.findings[0].identity, b.findings[0].identity);
    assert!(!a.findings[0].identity.is_empty());
    let other = expand_example(
        "-----BEGIN RSA PRIVATE KEY-----\n{{pem-body}}\n-----END RSA PRIVATE KEY-----\n",
        "other",
    );
    let c = scan("k.pem", &other);
    assert_ne!(a.findings[0].identity, c.findings[0].identity);
}

#[test]
fn no_redact_shows_the_whole_secret() {
    let checker = SecretsChecker::new(&Config::default());
    let out = scan_with(&checker, "k.pem", &pem(), true);
    let body_line = pem().lines().nth(1).unwrap().to_string();
    assert!(out.findings[0].message.contains(&body_line));
}

#[test]
fn peer_allow_comments() {
    let key = expand_example(
        "KEY = \"-----BEGIN PRIVATE KEY-----\\n{{base64:64}}\\n{{base64:64}}\\n-----END PRIVATE KEY-----\\n\"",
        "k",
    );
    for marker in [
        "# pragma: allowlist secret",
        "# gitleaks:allow",
        "# kingfisher:ignore",
        "# trufflehog:ignore",
    ] {
        let out = scan("settings.py", &format!("{key}  {marker}\n"));
        assert!(out.findings.is_empty(), "{marker}");
        assert_eq!(out.suppressed, 1);
    }
    let out = scan(
        "settings.py",
        &format!("# pragma: allowlist nextline secret\n{key}\n"),
    );
    assert!(out.findings.is_empty());
    let out = scan(
        "settings.py",
        &format!("{key}\n# pragma: allowlist nextline secret\n"),
    );
    assert_eq!(out.findings.len(), 1);
}

#[test]
fn config_allowlists_and_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let config: Config = toml_like(&[("paths", r"^vendor/")]);
    let checker = SecretsChecker::from_config(&config, dir.path()).unwrap();
    assert!(!checker.applies_to("vendor/lib/key.pem"));
    assert!(checker.applies_to("src/key.pem"));

    let mut config = Config::default();
    config.allow.push(palisade_secrets::AllowEntry {
        rules: vec!["private-key".into()],
        paths: vec![r"^tests/".into()],
        ..Default::default()
    });
    config.fixture_paths.push(r"^fixtures/".into());
    let checker = SecretsChecker::from_config(&config, dir.path()).unwrap();
    assert!(scan_with(&checker, "tests/k.pem", &pem(), false)
        .findings
        .is_empty());
    assert_eq!(
        scan_with(&checker, "src/k.pem", &pem(), false)
            .findings
            .len(),
        1
    );
    let fx = scan_with(&checker, "fixtures/k.pem", &pem(), false);
    assert_eq!(fx.findings[0].confidence, palisade_core::Confidence::Low);

    // An entry that would allow everything is refused.
    let mut bad = Config::default();
    bad.allow.push(palisade_secrets::AllowEntry {
        rules: vec!["private-key".into()],
        ..Default::default()
    });
    assert!(SecretsChecker::from_config(&bad, dir.path()).is_err());
}

fn toml_like(paths: &[(&str, &str)]) -> Config {
    let mut c = Config::default();
    for (_, p) in paths {
        c.allow.push(palisade_secrets::AllowEntry {
            paths: vec![p.to_string()],
            ..Default::default()
        });
    }
    c
}

#[test]
fn imported_peer_baselines() {
    let dir = tempfile::tempdir().unwrap();
    let key = pem();
    let secret = key.trim_end();
    let hash = palisade_secrets::migrate::sha1_hex(secret.as_bytes());
    std::fs::write(
        dir.path().join(".secrets.baseline"),
        format!(r#"{{"results": {{"keys/a.pem": [{{"type": "Private Key", "hashed_secret": "{hash}", "line_number": 40}}]}}}}"#),
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".gitleaksignore"),
        "keys/b.pem:private-key:2\n",
    )
    .unwrap();
    let checker = SecretsChecker::from_config(&Config::default(), dir.path()).unwrap();
    assert!(scan_with(&checker, "keys/a.pem", &key, false)
        .findings
        .is_empty());
    assert!(
        scan_with(&checker, "keys/b.pem", &format!("\n{key}"), false)
            .findings
            .is_empty()
    );
    assert_eq!(
        scan_with(&checker, "keys/b.pem", &key, false)
            .findings
            .len(),
        1
    );
    assert_eq!(
        scan_with(&checker, "keys/c.pem", &key, false)
            .findings
            .len(),
        1
    );

    let no_import = Config {
        import_peer_baselines: false,
        ..Default::default()
    };
    let checker = SecretsChecker::from_config(&no_import, dir.path()).unwrap();
    assert_eq!(
        scan_with(&checker, "keys/a.pem", &key, false)
            .findings
            .len(),
        1
    );
}

#[test]
fn custom_rules_extend_and_never_replace() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("rules.yaml"),
        r#"
rules:
  - id: acme-internal-token
    name: ACME internal token
    provider: ACME
    regex: '\b(acme_[a-z0-9]{24})\b'
    keywords: [acme_]
    examples: ["t = 'acme_{{alnum:24}}'"]
    negative_examples: ["t = 'acme_short'"]
"#,
    )
    .unwrap();
    let config = Config {
        rules_files: vec!["rules.yaml".into()],
        ..Default::default()
    };
    let checker = SecretsChecker::from_config(&config, dir.path()).unwrap();
    let token = expand_example("acme_{{alnum:24}}", "t");
    let out = scan_with(
        &checker,
        "a.py",
        &format!("TOKEN = '{token}'\n{}", pem()),
        false,
    );
    let ids: Vec<_> = out.findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(ids, ["acme-internal-token", "private-key"]);

    std::fs::write(
        dir.path().join("clash.yaml"),
        "rules:\n  - {id: private-key, name: x, provider: x, regex: 'x(y)', keywords: [xy]}\n",
    )
    .unwrap();
    let config = Config {
        rules_files: vec!["clash.yaml".into()],
        ..Default::default()
    };
    assert!(SecretsChecker::from_config(&config, dir.path()).is_err());
}

#[test]
fn bad_input_never_panics() {
    let checker = SecretsChecker::new(&Config::default());
    for bytes in [
        &b"\xff\xfe-----BEGIN RSA PRIVATE KEY-----\xc3\x28"[..],
        b"",
        b"-----BEGIN PRIVATE KEY-----",
        b"PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 99999999999999999999\n",
    ] {
        let files = vec!["x".to_string()];
        let reader = FsReader(".".into());
        let ctx = ScanContext {
            files: &files,
            reader: &reader,
        };
        let mut out = FileReport::default();
        checker.check(&SourceFile::new("x", bytes), &ctx, &mut out);
        assert!(out.findings.is_empty());
    }
}

fn ids(out: &FileReport) -> Vec<&str> {
    out.findings.iter().map(|f| f.rule_id.as_str()).collect()
}

#[test]
fn github_checksum_decides() {
    let good = expand_example("ghp_{{base62:30}}{{crc32:30}}", "gh");
    let out = scan("src/client.py", &format!("GITHUB_TOKEN = \"{good}\"\n"));
    assert_eq!(
        ids(&out),
        ["github-pat"],
        "a provider rule wins over the generic one"
    );
    // Same shape, one character of the body changed: the checksum no longer matches.
    let mut bad = good.clone().into_bytes();
    bad[8] = if bad[8] == b'A' { b'B' } else { b'A' };
    let bad = String::from_utf8(bad).unwrap();
    let out = scan("src/legacy.py", &format!("GITHUB_TOKEN = \"{bad}\"\n"));
    // Not a finding at all: no generic rule picks up a value the provider check rejected.
    assert!(out.findings.is_empty(), "{:?}", out.findings);
}

#[test]
fn aws_key_pair_is_one_finding() {
    let id = expand_example("AKIA{{upper:16}}", "id");
    let secret = expand_example("{{base64:40}}", "secret");
    let text = format!("[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n");
    let out = scan(".aws/credentials", &text);
    assert_eq!(ids(&out), ["aws-secret-access-key"], "{:?}", out.findings);
    let f = &out.findings[0];
    assert_eq!(f.confidence, palisade_core::Confidence::High);
    assert!(
        f.message.contains("aws-access-token on line 2"),
        "{}",
        f.message
    );
    // Alone, the key id is still reported.
    let out = scan("config.py", &format!("KEY_ID = '{id}'\n"));
    assert_eq!(ids(&out), ["aws-access-token"]);
}

#[test]
fn twilio_account_sid_only_names_its_auth_token() {
    let sid = expand_example("AC{{hex:32}}", "sid");
    let token = expand_example("{{hex:32}}", "tok");
    // The account SID is an identifier, not a secret: alone it is no finding.
    let out = scan("notify.py", &format!("TWILIO_ACCOUNT_SID = '{sid}'\n"));
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let text = format!("TWILIO_ACCOUNT_SID = '{sid}'\nTWILIO_AUTH_TOKEN = '{token}'\n");
    let out = scan("notify.py", &text);
    assert_eq!(ids(&out), ["twilio-auth-token"], "{:?}", out.findings);
    assert_eq!(out.findings[0].confidence, palisade_core::Confidence::High);
    assert!(
        out.findings[0]
            .message
            .contains("twilio-account-sid on line 1"),
        "{}",
        out.findings[0].message
    );
}

#[test]
fn documented_examples_and_placeholders_are_not_secrets() {
    let text = "\
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
API_KEY=YOUR_API_KEY
DB_PASSWORD=${DB_PASSWORD}
SECRET_KEY=<your-secret-key-here>
PASSWORD=changeme
password = \"password\"
REQUEST_ID=123e4567-e89b-12d3-a456-426614174000
";
    let out = scan("example.env", text);
    assert!(out.findings.is_empty(), "{:?}", ids(&out));
}

#[test]
fn lock_file_hashes_are_not_secrets() {
    let text = r#"{
  "packages": {
    "node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQ5ZK7xe3aZ3CBkPRK1m9YqrmCF5Ib23Hge4DGBQAsYXYrBQ==",
      "token": "Zq8vK2mN4pR7tW1xY3bC6dF9gH0jL5aaB3c"
    }
  }
}"#;
    assert!(scan("package-lock.json", text).findings.is_empty());
    assert_eq!(ids(&scan("config.json", text)), ["generic-api-key"]);
}

#[test]
fn generic_password_in_realistic_files() {
    let pw = expand_example("{{base62:8}}#{{base62:6}}", "pw");
    let cases = [
        (
            "settings.py",
            format!("DATABASES = {{'default': {{'PASSWORD': '{pw}'}}}}\n"),
        ),
        (
            "config/database.yml",
            format!("production:\n  password: \"{pw}\"\n"),
        ),
        (".env", format!("DB_PASSWORD={pw}\n")),
        ("Dockerfile", format!("ENV POSTGRES_PASSWORD={pw}\n")),
        ("deploy.sh", format!("export MYSQL_PWD='{pw}'\n")),
    ];
    for (path, text) in cases {
        assert_eq!(
            ids(&scan(path, &text)),
            ["generic-password"],
            "{path}: {text}"
        );
    }
    for text in [
        "password = os.environ['DB_PASSWORD']\n",
        "password: ${{ secrets.DB_PASSWORD }}\n",
        "PASSWORD_MIN_LENGTH = 12\n",
        "def login(username, password):\n    pass\n",
        "password = getpass.getpass()\n",
    ] {
        assert!(scan("app.py", text).findings.is_empty(), "{text}");
    }
}

#[test]
fn generic_values_in_test_code() {
    // A test password is a test value; a generated-looking one is kept, with low confidence;
    // provider formats are reported as anywhere else.
    let out = scan(
        "tests/test_login.py",
        "user = create(password=\"Sup3rS3cret!\")\n",
    );
    assert!(out.findings.is_empty(), "{:?}", ids(&out));
    let key = expand_example("{{base62:32}}", "k");
    let out = scan("tests/test_client.py", &format!("API_KEY = \"{key}\"\n"));
    assert_eq!(ids(&out), ["generic-api-key"]);
    assert_eq!(out.findings[0].confidence, palisade_core::Confidence::Low);
    let pem = pem();
    let out = scan("tests/test_keys.py", &format!("KEY = '''{pem}'''\n"));
    assert_eq!(ids(&out), ["private-key"]);
    assert_eq!(out.findings[0].confidence, palisade_core::Confidence::High);
}

#[test]
fn validated_generic_rule_beats_keyword_rule() {
    let jwt = expand_example("{{jwt}}", "j");
    let out = scan("salt/sdb/tism.py", &format!("    token: {jwt}\n"));
    assert_eq!(ids(&out), ["jwt"]);
}

#[test]
fn large_scans_find_the_same() {
    // Scans of many files use a DFA prefilter instead of the NFA: same findings.
    let text = expand_example(
        "GITHUB_TOKEN=ghp_{{base62:30}}{{crc32:30}}\nDB_PASSWORD={{base62:8}}#{{base62:6}}\nkey = \"AKIA{{upper:16}}\"\n-----BEGIN PRIVATE KEY-----\n{{pem-body}}\n-----END PRIVATE KEY-----\n",
        "large",
    );
    let checker = SecretsChecker::new(&Config::default());
    let reader = FsReader(".".into());
    let run = |n: usize| {
        let files: Vec<String> = (0..n).map(|i| format!("f{i}")).collect();
        let ctx = ScanContext {
            files: &files,
            reader: &reader,
        };
        let mut out = FileReport::default();
        checker.check(&SourceFile::new("app.env", text.as_bytes()), &ctx, &mut out);
        out.findings
    };
    let small = run(1);
    assert_eq!(small.len(), 4, "{small:?}");
    assert_eq!(small, run(500));
}
