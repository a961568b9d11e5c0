//! The "same answer, faster" promise of the keyword prefilter: the build-time table a small
//! scan uses, the NFA custom rules use and the DFA large scans use find exactly the same
//! keyword hits, and scans with them report exactly the same findings.

use std::path::PathBuf;

use palisade_core::FileReport;
use palisade_secrets::check_rules::{encode_base64_std, expand_example};
use palisade_secrets::prefilter::Prefilter;
use palisade_secrets::spec::RuleFile;
use palisade_secrets::{Config, SecretsChecker};

/// Texts with many keyword hits: every rule example and negative example, every labelled
/// file, the peer catalogue when present, the rules files themselves, and pseudo-random text
/// sprinkled with keywords in mixed case.
fn texts() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["rules", "tests/labelled"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap();
            out.push(expand_example(&text, "prefilter"));
            if dir == "rules" {
                let file: RuleFile = serde_yaml::from_str(&text).unwrap();
                for r in file.rules {
                    for e in r.examples.iter().chain(&r.negative_examples) {
                        out.push(expand_example(e, &r.id));
                    }
                }
            }
            out.push(text);
        }
    }
    let peers = root.join("../../../shared/data/secret-examples/examples.jsonl");
    if let Ok(text) = std::fs::read_to_string(peers) {
        out.push(text);
    }
    // Keywords at random places and in random case, glued to random neighbours.
    let rules = SecretsChecker::new(&Config::default());
    let keywords: Vec<String> = rules
        .rule_set()
        .iter()
        .flat_map(|r| r.keywords.iter().map(|k| k.to_string()))
        .collect();
    let mut rng = palisade_secrets::check_rules::Rng::new("prefilter");
    for _ in 0..50 {
        let mut s = String::new();
        for _ in 0..200 {
            let k = &keywords[rng.next_u64() as usize % keywords.len()];
            let cased: String = k
                .chars()
                .map(|c| {
                    if rng.next_u64().is_multiple_of(2) {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            s.push_str(&cased);
            let n = 1 + rng.next_u64() as usize % 3;
            s.push_str(&rng.pick(b"abcXYZ_-.:=\" \n\t0189/+%\\", n));
        }
        out.push(s);
    }
    out.push(String::new());
    out.push("k".into());
    out
}

#[test]
fn the_three_prefilters_find_the_same_hits() {
    let checker = SecretsChecker::new(&Config::default());
    let engine = checker.engine();
    let mut total = 0;
    for text in texts() {
        let table = engine.keyword_hits(&text, Prefilter::Static).unwrap();
        let nfa = engine.keyword_hits(&text, Prefilter::Nfa).unwrap();
        let dfa = engine.keyword_hits(&text, Prefilter::Dfa).unwrap();
        assert_eq!(table, nfa, "{}", &text[..text.len().min(200)]);
        assert_eq!(table, dfa, "{}", &text[..text.len().min(200)]);
        total += table.len();
    }
    assert!(total > 10_000, "only {total} hits: the texts prove little");
}

fn check(checker: &SecretsChecker, path: &str, text: &str, files: usize) -> FileReport {
    let files: Vec<String> = (0..files).map(|i| format!("f{i}")).collect();
    palisade_testkit::check_file_among(checker, path, text.as_bytes(), &files)
}

#[test]
fn small_and_large_scans_report_the_same_findings() {
    // One file: the build-time table; 500 files: the DFA.
    let checker = SecretsChecker::new(&Config::default());
    let mut findings = 0;
    let mut texts = texts();
    // Encoded secrets too: decoded layers go through the same prefilter.
    texts.push(format!(
        "data:\n  token: {}\n",
        encode_base64_std(expand_example("GH=ghp_{{base62:30}}{{crc32:30}}", "x").as_bytes())
    ));
    for text in &texts {
        let small = check(&checker, "config/app.yaml", text, 1);
        let large = check(&checker, "config/app.yaml", text, 500);
        assert_eq!(small.findings, large.findings);
        assert_eq!(small.suppressed, large.suppressed);
        findings += small.findings.len();
    }
    assert!(
        findings > 100,
        "only {findings} findings: the texts prove little"
    );
}
