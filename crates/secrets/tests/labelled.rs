//! Recall and precision per rule on the labelled set in `tests/labelled/` (see its README), and
//! recall on the shared catalogue of peer rule examples when it is present.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use palisade_core::FileReport;
use palisade_secrets::check_rules::expand_example;
use palisade_secrets::{Config, SecretsChecker};

/// Files whose real names would be awkward in the repository (dotfiles) are stored under a
/// plain name and scanned under their real one.
fn display_path(name: &str) -> String {
    match name {
        "docker_config.json" => ".docker/config.json".into(),
        "github_workflow.yml" => ".github/workflows/release.yml".into(),
        n if n.starts_with("dot_") => format!(".{}", &n[4..]),
        n => n.into(),
    }
}

struct Labelled {
    path: String,
    text: String,
    /// 1-based line -> acceptable rule ids.
    expected: BTreeMap<u32, Vec<String>>,
}

fn load() -> Vec<Labelled> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/labelled");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let raw = std::fs::read_to_string(dir.join(&name)).unwrap();
            let expanded = expand_example(&raw, &name);
            let mut text = String::new();
            let mut expected = BTreeMap::new();
            for (i, line) in expanded.split_inclusive('\n').enumerate() {
                let (body, eol) = match line.strip_suffix('\n') {
                    Some(b) => (b, "\n"),
                    None => (line, ""),
                };
                match body.find("  ⟦") {
                    Some(p) if body.ends_with('⟧') => {
                        let ids = &body[p + "  ⟦".len()..body.len() - '⟧'.len_utf8()];
                        expected.insert(
                            i as u32 + 1,
                            ids.split(',').map(|s| s.trim().to_string()).collect(),
                        );
                        text.push_str(&body[..p]);
                    }
                    _ => text.push_str(body),
                }
                text.push_str(eol);
            }
            Labelled {
                path: display_path(&name),
                text,
                expected,
            }
        })
        .collect()
}

fn scan(checker: &SecretsChecker, path: &str, text: &str) -> FileReport {
    palisade_testkit::check_file(checker, path, text.as_bytes())
}

#[derive(Default)]
struct Score {
    tp: u32,
    fp: u32,
    fn_: u32,
}

#[test]
fn labelled_set_recall_and_precision() {
    let checker = SecretsChecker::new(&Config::default());
    let mut per_rule: BTreeMap<String, Score> = BTreeMap::new();
    let mut problems = Vec::new();
    let files = load();
    assert!(files.len() >= 20);
    for f in &files {
        let out = scan(&checker, &f.path, &f.text);
        assert!(
            out.diagnostics.is_empty(),
            "{}: {:?}",
            f.path,
            out.diagnostics
        );
        let mut found: BTreeSet<u32> = BTreeSet::new();
        for finding in &out.findings {
            let line = finding.span.start_line;
            match f.expected.get(&line) {
                Some(ids) if ids.contains(&finding.rule_id) => {
                    if found.insert(line) {
                        per_rule.entry(finding.rule_id.clone()).or_default().tp += 1;
                    }
                }
                _ => {
                    per_rule.entry(finding.rule_id.clone()).or_default().fp += 1;
                    problems.push(format!(
                        "false positive {}:{line} {} {}",
                        f.path,
                        finding.rule_id,
                        finding.snippet.as_deref().unwrap_or("")
                    ));
                }
            }
        }
        for (line, ids) in &f.expected {
            if !found.contains(line) {
                per_rule.entry(ids[0].clone()).or_default().fn_ += 1;
                problems.push(format!("missed {}:{line} {}", f.path, ids.join(",")));
            }
        }
    }
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    println!(
        "{:<32} {:>4} {:>4} {:>4} {:>7} {:>9}",
        "rule", "tp", "fp", "fn", "recall", "precision"
    );
    for (rule, s) in &per_rule {
        tp += s.tp;
        fp += s.fp;
        fn_ += s.fn_;
        println!(
            "{rule:<32} {:>4} {:>4} {:>4} {:>7.2} {:>9.2}",
            s.tp,
            s.fp,
            s.fn_,
            ratio(s.tp, s.tp + s.fn_),
            ratio(s.tp, s.tp + s.fp)
        );
    }
    let recall = ratio(tp, tp + fn_);
    let precision = ratio(tp, tp + fp);
    println!("total: {tp} true, {fp} false positives, {fn_} missed; recall {recall:.3}, precision {precision:.3}");
    for p in &problems {
        println!("{p}");
    }
    assert!(
        tp >= 50,
        "the labelled set should hold at least 50 positives, has {tp}"
    );
    // Floors: every labelled positive found, no false positive on the labelled negatives.
    assert!(recall >= 1.0 && precision >= 1.0, "{}", problems.join("\n"));
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Recall on the example strings of two open rule catalogues (kingfisher 1.10 and
/// noseyparker 0.24), kept beside the repository in `../shared/data/secret-examples`.
#[test]
fn peer_catalogue_examples() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/secret-examples/examples.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {} is absent", path.display());
        return;
    };
    let checker = SecretsChecker::new(&Config::default());
    let mut by_source: BTreeMap<String, [u32; 4]> = BTreeMap::new();
    let mut missed_by_rule: BTreeMap<String, u32> = BTreeMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let source = v["source"].as_str().unwrap().to_string();
        let positive = v["label"] == "positive";
        let example = v["text"].as_str().unwrap();
        let found = !checker.find_secrets(example).is_empty();
        if std::env::var_os("PALISADE_SHOW_MISSES").is_some() && positive != found {
            println!(
                "{} {}: {:?}",
                if positive { "MISS" } else { "FLAG" },
                v["rule_name"],
                example
            );
        }
        let s = by_source.entry(source).or_default();
        match (positive, found) {
            (true, true) => s[0] += 1,
            (true, false) => {
                s[1] += 1;
                *missed_by_rule
                    .entry(v["rule_name"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
            (false, true) => s[2] += 1,
            (false, false) => s[3] += 1,
        }
    }
    let mut total = [0u32; 4];
    for (source, s) in &by_source {
        println!(
            "{source}: positives found {}/{} ({:.1}%), negatives flagged {}/{}",
            s[0],
            s[0] + s[1],
            100.0 * ratio(s[0], s[0] + s[1]),
            s[2],
            s[2] + s[3]
        );
        for i in 0..4 {
            total[i] += s[i];
        }
    }
    let recall = ratio(total[0], total[0] + total[1]);
    println!("overall recall {:.3}", recall);
    let mut missed: Vec<_> = missed_by_rule.into_iter().collect();
    missed.sort_by_key(|m| std::cmp::Reverse(m.1));
    println!("most missed: {:?}", &missed[..missed.len().min(40)]);
    // Many catalogue positives are deliberately fake-looking (sequential, `EXAMPLE`, bad
    // checksums) and are rejected by design; the floor guards against regressions.
    assert!(
        recall >= 0.33,
        "recall on the peer catalogue fell to {recall:.3}"
    );
}
