//! Every example of every built-in rule is found by its rule; no negative example is.

mod common;
use common::rule_files;

use palisade_core::Checker;
use palisade_secrets::check_rules::check_specs;
use palisade_secrets::{Config, SecretsChecker};

#[test]
fn every_example_of_every_rule() {
    let mut failures = Vec::new();
    let mut total = 0;
    for (path, file) in rule_files() {
        let results =
            check_specs(&file.rules).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for r in results {
            total += 1;
            if !r.passed {
                failures.push(format!(
                    "{}: {} {} example not honoured: {:?}",
                    path.file_name().unwrap().to_string_lossy(),
                    r.rule_id,
                    if r.positive { "positive" } else { "negative" },
                    r.text
                ));
            }
        }
    }
    assert!(total > 0);
    assert!(
        failures.is_empty(),
        "{} of {total} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_examples_of_both_kinds() {
    for (path, file) in rule_files() {
        for r in &file.rules {
            assert!(
                !r.examples.is_empty(),
                "{}: {} has no examples",
                path.display(),
                r.id
            );
            assert!(
                !r.negative_examples.is_empty(),
                "{}: {} has no negative examples",
                path.display(),
                r.id
            );
        }
    }
}

#[test]
fn built_in_table_matches_the_yaml() {
    let checker = SecretsChecker::new(&Config::default());
    let mut from_yaml: Vec<String> = rule_files()
        .into_iter()
        .flat_map(|(_, f)| f.rules.into_iter().map(|r| r.id))
        .collect();
    from_yaml.sort();
    let mut built: Vec<String> = checker.rules().iter().map(|m| m.id.to_string()).collect();
    built.sort();
    assert_eq!(from_yaml, built);
    // Every built-in regex compiles within the size limit.
    for rule in checker.rule_set() {
        rule.regex().unwrap_or_else(|e| panic!("{}: {e}", rule.id));
    }
}
