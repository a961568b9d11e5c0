//! A `.gitleaks.toml` in the root: its custom rules become palisade rules, its allowlists
//! apply, and what cannot be translated is said as a warning naming the rule.

use palisade_core::{Checker, FileReport, FsReader, ScanContext, SourceFile};
use palisade_secrets::check_rules::expand_example;
use palisade_secrets::{Config, SecretsChecker};

fn scan(checker: &SecretsChecker, path: &str, text: &str) -> FileReport {
    let files = vec![path.to_string()];
    let reader = FsReader(".".into());
    let ctx = ScanContext {
        files: &files,
        reader: &reader,
    };
    let mut out = FileReport::default();
    checker.check(&SourceFile::new(path, text.as_bytes()), &ctx, &mut out);
    out
}

fn notes(checker: &SecretsChecker) -> Vec<String> {
    let files: Vec<String> = Vec::new();
    let reader = FsReader(".".into());
    let ctx = ScanContext {
        files: &files,
        reader: &reader,
    };
    let mut out = Vec::new();
    checker.coverage(&ctx, &mut out);
    out.iter()
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect()
}

const CONFIG: &str = r#"
title = "acme"

[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "acme-token"
description = "ACME internal token"
regex = '''\b(acme_[a-z0-9]{24})\b'''
keywords = ["acme_"]
entropy = 3.0

[[rules.allowlists]]
description = "test tokens"
regexes = ['''^acme_test''']
paths = ['''^fixtures/''']

[[rules]]
id = "acme-password"
description = "ACME service password"
regex = '''(?i)(acme_svc_pass)\s*=\s*"([^"]{8,})"'''
secretGroup = 2

[[rules]]
id = "legacy-quoted"
regex = '''\Qacme.legacy\E=[0-9a-f]{32}'''
keywords = ["acme.legacy"]

[[rules]]
id = "pkcs12-file"
path = '''\.p12$'''

[[rules]]
id = "github-pat"
description = "our own GitHub rule"
regex = '''ghx_[A-Za-z0-9]{36}'''
keywords = ["ghx_"]
path = '''\.env$'''

[allowlist]
description = "global"
paths = ['''^vendor/''']
stopwords = ["sandbox"]
commits = ["0123456789abcdef0123456789abcdef01234567"]
"#;

fn checker() -> SecretsChecker {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitleaks.toml"), CONFIG).unwrap();
    SecretsChecker::from_config(&Config::default(), dir.path()).unwrap()
}

#[test]
fn custom_rules_are_imported() {
    let c = checker();
    let token = expand_example("acme_{{alnum:24}}", "t");
    let out = scan(&c, "app/settings.py", &format!("TOKEN = \"{token}\"\n"));
    assert_eq!(
        out.findings
            .iter()
            .map(|f| f.rule_id.as_str())
            .collect::<Vec<_>>(),
        ["acme-token"]
    );
    // secretGroup = 2: the password, not the name, is the secret.
    let pw = expand_example("{{base62:12}}!{{base62:4}}", "p");
    let out = scan(&c, "app/svc.py", &format!("acme_svc_pass = \"{pw}\"\n"));
    let f = out
        .findings
        .iter()
        .find(|f| f.rule_id == "acme-password")
        .expect("acme-password finding");
    assert_eq!(f.secrets, vec![pw.clone()]);
    // An id a built-in rule has is imported under a prefixed id, and still runs.
    let ghx = expand_example("ghx_{{base62:36}}", "g");
    let out = scan(&c, "x.env", &format!("T={ghx}\n"));
    assert!(
        out.findings
            .iter()
            .any(|f| f.rule_id == "gitleaks-github-pat"),
        "{:?}",
        out.findings
    );
}

#[test]
fn allowlists_apply() {
    let c = checker();
    let test_token = format!("acme_test{}", expand_example("{{alnum:15}}", "a"));
    let out = scan(
        &c,
        "app/settings.py",
        &format!("TOKEN = \"{test_token}\"\n"),
    );
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let token = expand_example("acme_{{alnum:24}}", "t");
    // The rule's path allowlist and the global one; OR between conditions, as gitleaks.
    assert!(scan(&c, "fixtures/a.py", &format!("T = \"{token}\"\n"))
        .findings
        .is_empty());
    assert!(!c.applies_to("vendor/lib/x.py"));
    // Global stopwords apply to built-in rules too.
    let sandbox = format!("sk_live_sandbox{}", expand_example("{{base62:20}}", "s"));
    let out = scan(&c, "pay.py", &format!("STRIPE = \"{sandbox}\"\n"));
    assert!(out.findings.is_empty(), "{:?}", out.findings);
}

#[test]
fn what_is_not_translated_is_said_naming_the_rule() {
    let n = notes(&checker());
    let has = |needle: &str| n.iter().any(|m| m.contains(needle));
    assert!(
        has("rule `legacy-quoted` was not imported") && has("\\Q"),
        "{n:#?}"
    );
    assert!(
        has("rule `pkcs12-file` was not imported: it has no regex"),
        "{n:#?}"
    );
    assert!(
        has("rule `github-pat`: its `path` condition is not applied"),
        "{n:#?}"
    );
    assert!(
        has("rule `acme-password` has no keywords: palisade derived `acme_svc_pass`"),
        "{n:#?}"
    );
    assert!(has("disabledRules (generic-api-key)"), "{n:#?}");
    assert!(
        has("global allowlist: the `commits` allowlist is not applied"),
        "{n:#?}"
    );
    assert!(
        n.iter().all(|m| m.starts_with(".gitleaks.toml: ")),
        "{n:#?}"
    );
}

#[test]
fn no_gitleaks_config_no_notes_and_bad_toml_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let c = SecretsChecker::from_config(&Config::default(), dir.path()).unwrap();
    assert!(notes(&c).is_empty());
    std::fs::write(dir.path().join(".gitleaks.toml"), "[[rules]\nid=").unwrap();
    let err = SecretsChecker::from_config(&Config::default(), dir.path())
        .err()
        .expect("an error");
    assert!(err.to_string().contains(".gitleaks.toml"), "{err}");
}
