//! Per-rule fixtures under `tests/fixtures/`. A line ending in `# error` must get a finding of
//! the fixture's rule (its file name), `# error: B404 B603` names the rules explicitly, and
//! every other line (the `# ok` cases) must get none at all. The rendered findings of each
//! fixture are also snapshot-tested.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

fn expected(id: &str, text: &str) -> BTreeSet<(u32, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find("# error") else {
            continue;
        };
        let rest = &line[pos + "# error".len()..];
        // `# error: B404 B603 (why)` names rules; `# error: why` means the fixture's rule.
        let mut ids: Vec<&str> = rest
            .strip_prefix(':')
            .unwrap_or("")
            .split('(')
            .next()
            .unwrap_or("")
            .split(|c: char| !c.is_ascii_alphanumeric())
            .take_while(|w| w.is_empty() || (w.len() == 4 && w.starts_with('B')))
            .filter(|w| !w.is_empty())
            .collect();
        if ids.is_empty() {
            ids.push(id);
        }
        for rule in ids {
            out.insert((i as u32 + 1, rule.to_string()));
        }
    }
    out
}

fn check_fixture(id: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{id}.py"));
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let want = expected(id, &text);
    assert!(
        want.iter().any(|(_, r)| r.starts_with(&id[..2])),
        "{id}: a fixture needs `# error` lines"
    );
    let report = common::run(&common::default_checker(), &format!("{id}.py"), &bytes);
    let got: BTreeSet<(u32, String)> = report
        .findings
        .iter()
        .map(|f| (f.span.start_line, f.rule_id.clone()))
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{id}: missing {missing:?}, unexpected {extra:?}"
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
    b102 => "B102",
    b103 => "B103",
    b104 => "B104",
    b105 => "B105",
    b106 => "B106",
    b107 => "B107",
    b108 => "B108",
    b110 => "B110",
    b112 => "B112",
    b113 => "B113",
    b201 => "B201",
    b202 => "B202",
    b3xx => "B3xx_call_blacklist",
    b324 => "B324",
    b4xx => "B4xx_import_blacklist",
    b501 => "B501",
    b502 => "B502",
    b503 => "B503",
    b504 => "B504",
    b505 => "B505",
    b506 => "B506",
    b507 => "B507",
    b508 => "B508",
    b509 => "B509",
    b601 => "B601",
    b602 => "B602",
    b603 => "B603",
    b604 => "B604",
    b605 => "B605",
    b606 => "B606",
    b607 => "B607",
    b608 => "B608",
    b609 => "B609",
    b610 => "B610",
    b611 => "B611",
    b612 => "B612",
    b613 => "B613",
    b614 => "B614",
    b615 => "B615",
    b701 => "B701",
    b702 => "B702",
    b703 => "B703",
    b704 => "B704",
}
