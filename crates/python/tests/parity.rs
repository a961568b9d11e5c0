//! Parity with Bandit 1.9.4's functional tests.
//!
//! Needs two inputs from outside the repository, and skips (with a printed reason) without them,
//! except under `CI=true`, where a missing input fails the test:
//! - the bandit 1.9.4 sdist (its `examples/`), downloaded once with pip into
//!   `target/bandit-sdist/` (PyPI is the only network this test uses);
//! - `../shared/research/` beside the repository: `bandit_expected.tsv` (the severity and
//!   confidence counts `tests/functional/test_functional.py` asserts, with the settings each
//!   test uses; the YAML configs are in `bandit-configs/`) and `bandit_example_findings.tsv`
//!   (every finding bandit 1.9.4 reports on the examples with its default configuration).
//!
//! The first test asserts every count row. The second compares every (file, line, ID) and
//! allows only the deviations listed in [`DEVIATIONS`], each with its reason.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use palisade_python::{BanditConfig, Config, PythonChecker};

/// Where palisade deliberately or knowingly differs from bandit 1.9.4 on its examples:
/// `(file, line, ID, extra_in_palisade, reason)`.
const DEVIATIONS: &[(&str, u32, &str, bool, &str)] = &[];

fn inputs() -> Option<(PathBuf, PathBuf)> {
    // Under CI=true a missing input fails the test: CI has both, and a skip there would pass
    // without comparing anything.
    let skip = |why: &str| {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{why} (CI=true: the parity test must run)"
        );
        println!("SKIP: {why}");
    };
    let Some(research) = common::research_dir() else {
        skip("../shared/research/bandit_expected.tsv not found beside the repository");
        return None;
    };
    match common::examples_dir() {
        Ok(ex) => Some((research, ex)),
        Err(why) => {
            skip(&why);
            None
        }
    }
}

fn check_file(checker: &PythonChecker, examples: &Path, file: &str) -> palisade_core::FileReport {
    let bytes = std::fs::read(examples.join(file)).unwrap();
    common::run(checker, &format!("examples/{file}"), &bytes)
}

fn level_index(s: &str) -> usize {
    match s {
        "low" => 1,
        "medium" => 2,
        "high" | "critical" => 3,
        _ => 0,
    }
}

#[test]
fn functional_test_counts() {
    let Some((research, examples)) = inputs() else {
        return;
    };
    let tsv = std::fs::read_to_string(research.join("bandit_expected.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut rows = 0;
    for (idx, line) in tsv.lines().skip(1).enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let file = cols[0];
        let want: Vec<usize> = cols[1..9].iter().map(|c| c.parse().unwrap()).collect();
        let (function, cli) = (cols[10], cols.get(12).copied().unwrap_or(""));
        let mut config = Config::default();
        let mut bandit = BanditConfig::default();
        if cli.contains("--ignore-nosec") {
            config.ignore_nosec = true;
        }
        if cli.contains("-s B308") {
            bandit.skips = vec!["B308".into()];
        }
        if cli.contains("-c <yaml") {
            let name = format!("{}_{idx}.yaml", function.trim_start_matches("test_"));
            let path = research.join("bandit-configs").join(format!("test_{name}"));
            bandit = BanditConfig::load(&path).unwrap_or_else(|e| panic!("{e}"));
        }
        let checker = PythonChecker::with_bandit_config(&config, Some(&bandit)).unwrap();
        let report = check_file(&checker, &examples, file);
        let mut got = vec![0usize; 8];
        for f in &report.findings {
            got[level_index(f.severity.as_str())] += 1;
            got[4 + level_index(f.confidence.as_str())] += 1;
        }
        rows += 1;
        let status = if got == want { "ok" } else { "MISMATCH" };
        println!(
            "{status:8} {file:50} {function:45} want sev {:?} conf {:?} got sev {:?} conf {:?}",
            &want[1..4],
            &want[5..8],
            &got[1..4],
            &got[5..8]
        );
        if got != want {
            failures.push(file.to_string());
        }
    }
    println!("{} of {rows} count rows match", rows - failures.len());
    assert!(failures.is_empty(), "count mismatches: {failures:?}");
}

#[test]
fn findings_match_bandit() {
    let Some((research, examples)) = inputs() else {
        return;
    };
    let tsv = std::fs::read_to_string(research.join("bandit_example_findings.tsv")).unwrap();
    let mut want: BTreeSet<(String, u32, String)> = BTreeSet::new();
    for line in tsv.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        want.insert((c[0].to_string(), c[1].parse().unwrap(), c[4].to_string()));
    }
    let checker = PythonChecker::new(&Config::default());
    let mut got = BTreeSet::new();
    let mut files = Vec::new();
    collect_py(&examples, &examples, &mut files);
    for file in &files {
        for f in check_file(&checker, &examples, file).findings {
            got.insert((file.clone(), f.span.start_line, f.rule_id));
        }
    }
    let allowed: BTreeMap<(String, u32, String), bool> = DEVIATIONS
        .iter()
        .map(|(f, l, id, extra, _)| ((f.to_string(), *l, id.to_string()), *extra))
        .collect();
    let mut unexpected = Vec::new();
    let mut per_rule: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for k in want.union(&got) {
        let (in_want, in_got) = (want.contains(k), got.contains(k));
        let e = per_rule.entry(k.2.clone()).or_default();
        match (in_want, in_got) {
            (true, true) => e.0 += 1,
            (true, false) => {
                e.1 += 1;
                if allowed.get(k) != Some(&false) {
                    unexpected.push(format!("missing {}:{} {}", k.0, k.1, k.2));
                }
            }
            (false, true) => {
                e.2 += 1;
                if allowed.get(k) != Some(&true) {
                    unexpected.push(format!("extra   {}:{} {}", k.0, k.1, k.2));
                }
            }
            (false, false) => unreachable!(),
        }
    }
    for (id, (both, missing, extra)) in &per_rule {
        if missing + extra > 0 {
            println!("{id}: {both} same, {missing} missing, {extra} extra");
        }
    }
    println!(
        "bandit {} findings, palisade {}, same {}",
        want.len(),
        got.len(),
        want.intersection(&got).count()
    );
    for u in &unexpected {
        println!("{u}");
    }
    assert!(
        unexpected.is_empty(),
        "{} undocumented differences",
        unexpected.len()
    );
}

fn collect_py(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            collect_py(root, &p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}
