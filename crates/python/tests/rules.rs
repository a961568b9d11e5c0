//! Per-rule fixtures: `tests/fixtures/<ID>.py` marks each line where rule <ID> must fire with
//! `# error` and every other line must stay silent for that rule; the rendered findings of
//! each fixture are also snapshot-tested.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

fn check_fixture(id: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{id}.py"));
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let expected: BTreeSet<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("# error"))
        .map(|(i, _)| i as u32 + 1)
        .collect();
    assert!(
        !expected.is_empty(),
        "{id}: a fixture needs `# error` lines"
    );
    let report = common::run(&common::default_checker(), &format!("{id}.py"), &bytes);
    let got: BTreeSet<u32> = report
        .findings
        .iter()
        .filter(|f| f.rule_id == id)
        .map(|f| f.span.start_line)
        .collect();
    assert_eq!(
        got, expected,
        "{id}: lines flagged vs lines marked `# error`"
    );
    insta::assert_snapshot!(id, common::render(&report));
}

macro_rules! fixtures {
    ($($name:ident => $id:literal),* $(,)?) => {
        $(#[test] fn $name() { check_fixture($id); })*
    };
}

fixtures! {
    b101 => "B101",
}
