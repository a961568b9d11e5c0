//! Hostile inputs (issue 11), one test per input class: each asserts the bounded result or the
//! clear error. Speed itself is measured by `bench/hostile.sh`, never asserted here.

mod common;

use palisade_python::{Config, PythonChecker, MAX_FINDINGS_PER_RULE};

fn ids(report: &palisade_core::FileReport, id: &str) -> usize {
    report.findings.iter().filter(|f| f.rule_id == id).count()
}

/// How many findings of `id` a warning says were not listed (0 without one).
fn unlisted(report: &palisade_core::FileReport, id: &str) -> usize {
    let tail = format!(" more {id} findings in this file are not listed");
    report
        .diagnostics
        .iter()
        .filter(|d| d.level == palisade_core::DiagnosticLevel::Warning)
        .filter_map(|d| {
            d.message
                .split_once(&tail)
                .map(|(n, _)| n.parse::<usize>().unwrap())
        })
        .sum()
}

fn both_parses() -> [PythonChecker; 2] {
    [
        common::default_checker(),
        PythonChecker::new(&Config {
            full_parse: true,
            ..Config::default()
        }),
    ]
}

/// 10,000 literals in one `+` chain (40 s and 600 MB when each literal joined the chain
/// again): every literal but the last has a later `from` to pair with.
#[test]
fn a_long_concatenation_is_tested_once_per_literal() {
    let n = 10_000;
    let mut src = String::from("q = (");
    for i in 0..n {
        let part = if i % 2 == 0 {
            "'select a '"
        } else {
            "'from t '"
        };
        src.push_str(if i == 0 { "" } else { "\n     + " });
        src.push_str(part);
    }
    src.push_str(")\n");
    for checker in both_parses() {
        let report = common::run(&checker, "q.py", src.as_bytes());
        // Listed up to the cap; the rest counted in the warning.
        assert_eq!(ids(&report, "B608"), MAX_FINDINGS_PER_RULE);
        assert_eq!(
            ids(&report, "B608") + unlisted(&report, "B608"),
            n - 1,
            "{:?}",
            report.diagnostics
        );
    }
}

/// A `%` chain (2.8 GB before): only the first literal holds both keywords with what follows.
#[test]
fn a_long_percent_chain_is_bounded() {
    let n = 10_000;
    let mut src = String::from("q = 'SELECT %s FROM t' ");
    for i in 0..n {
        src.push_str(&format!("% 'a{i}' "));
    }
    src.push('\n');
    let report = common::run(&common::default_checker(), "q.py", src.as_bytes());
    assert_eq!(ids(&report, "B608"), 1);
}

/// One 256 KB line with a finding every 8 bytes (5.3 GB before): each finding quotes a
/// bounded slice of the line, marked as cut, around its own column.
#[test]
fn findings_on_a_long_line_quote_a_bounded_slice() {
    let calls = 32 * 1024;
    let src = "eval(x);".repeat(calls) + "\n";
    let report = common::run(&common::default_checker(), "l.py", src.as_bytes());
    assert_eq!(ids(&report, "B307"), MAX_FINDINGS_PER_RULE);
    assert_eq!(unlisted(&report, "B307"), calls - MAX_FINDINGS_PER_RULE);
    for f in &report.findings {
        let s = f.snippet.as_deref().unwrap_or("");
        assert!(s.len() <= 400 + 2 * '…'.len_utf8(), "{} bytes", s.len());
        assert!(s.contains("eval(x)"), "{s}");
    }
    let middle = &report.findings[MAX_FINDINGS_PER_RULE / 2];
    let snippet = middle.snippet.as_deref().unwrap_or("");
    assert!(snippet.starts_with('…') && snippet.ends_with('…'));
}

/// Past the cap of findings per rule and file, the rest are counted in a warning that names
/// the rule and how many were not listed; other rules of the file keep their own count, and a
/// file under the cap has no warning (same with the full parse).
#[test]
fn findings_past_the_cap_are_counted_in_a_warning() {
    let extra = 7;
    let src = "eval(x);".repeat(MAX_FINDINGS_PER_RULE + extra)
        + "\n"
        + &"exec(y)\n".repeat(3)
        + "import pickle\n";
    for checker in both_parses() {
        let report = common::run(&checker, "g.py", src.as_bytes());
        assert_eq!(ids(&report, "B307"), MAX_FINDINGS_PER_RULE);
        assert_eq!(unlisted(&report, "B307"), extra);
        assert_eq!(ids(&report, "B102"), 3);
        assert_eq!(unlisted(&report, "B102"), 0);
        assert_eq!(ids(&report, "B403"), 1);
        let warning = report
            .diagnostics
            .iter()
            .find(|d| d.message.contains("not listed"))
            .expect("a warning");
        assert_eq!(warning.path, "g.py");
        assert!(
            warning
                .message
                .starts_with(&format!("{extra} more B307 findings")),
            "{}",
            warning.message
        );
        let under = "eval(x);".repeat(MAX_FINDINGS_PER_RULE) + "\n";
        let report = common::run(&checker, "u.py", under.as_bytes());
        assert_eq!(ids(&report, "B307"), MAX_FINDINGS_PER_RULE);
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    }
}

/// Python reads `ｅｖａｌ` as `eval` and `ｏｓ.ｓｙｓｔｅｍ` as `os.system` (NFKC): the rules
/// report them, at the columns of the file as written.
#[test]
fn full_width_names_are_the_names_python_runs() {
    let src =
        "import ｓｕｂｐｒｏｃｅｓｓ\nimport ｏｓ\nｅｖａｌ(x)\ny = 1; ｏｓ.ｓｙｓｔｅｍ(cmd)\n";
    for checker in both_parses() {
        let report = common::run(&checker, "w.py", src.as_bytes());
        let got: Vec<(u32, u32, &str)> = report
            .findings
            .iter()
            .map(|f| (f.span.start_line, f.span.start_col, f.rule_id.as_str()))
            .collect();
        assert!(got.contains(&(1, 1, "B404")), "{got:?}");
        assert!(got.contains(&(3, 1, "B307")), "{got:?}");
        assert!(got.contains(&(4, 8, "B605")), "{got:?}");
    }
}

/// Brackets 50,000 deep (CPython refuses more than 200): a clear error for the file, no stack
/// overflow, and what lies outside them is still checked.
#[test]
fn deep_brackets_are_a_clear_error() {
    let n = 50_000;
    for (open, close) in [("(", ")"), ("[", "]"), ("{", "}"), ("f(", ")")] {
        // `subprocess.call` converts its first argument: a recursion of its own.
        let (o, c) = (open.repeat(n), close.repeat(n));
        let src = format!("eval(x)\ny = eval({o}1{c})\nsubprocess.call({o}1{c}, shell=True)\n");
        for checker in both_parses() {
            let report = common::run(&checker, "n.py", src.as_bytes());
            assert_eq!(ids(&report, "B307"), 2, "{open}");
            assert!(
                report
                    .diagnostics
                    .iter()
                    .any(|d| d.to_string().contains("nest deeper than 200")),
                "{open}: {:?}",
                report.diagnostics
            );
        }
    }
}

/// Long chains are not nesting: `a[0][0]...` and `f(1)(2)...` are one bracket deep to CPython.
#[test]
fn long_chains_are_not_deep_brackets() {
    let src = format!(
        "y = a{}\nz = f{}\n",
        "[0]".repeat(1_000),
        "(1)".repeat(1_000)
    );
    for checker in both_parses() {
        let report = common::run(&checker, "c.py", src.as_bytes());
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    }
}

/// f-strings nested in f-strings, and blocks nested in blocks, deeper than CPython allows:
/// no stack overflow in the prefilter's lexer.
#[test]
fn deep_f_strings_and_blocks_do_not_overflow() {
    let n = 20_000;
    let fstrings = format!("eval(x)\ny = {}1{}\n", "f'{".repeat(n), "}'".repeat(n));
    let mut blocks = String::from("eval(x)\n");
    for i in 0..2_000 {
        blocks.push_str(&format!("{}if x:\n", " ".repeat(i)));
    }
    blocks.push_str(&format!("{}pass\n", " ".repeat(2_000)));
    for src in [fstrings, blocks] {
        let report = common::run(&common::default_checker(), "d.py", src.as_bytes());
        assert_eq!(ids(&report, "B307"), 1);
    }
}

/// A file larger than one parse may take (1 MiB) is parsed in groups of module-level
/// statements: findings at both ends, an import at the top resolving a call 2 MB below it,
/// `# nosec` on the way, and the same answer with or without the prefilter.
#[test]
fn a_huge_file_is_parsed_in_pieces() {
    let mut src = String::from("import subprocess as sp\neval(a)\n");
    // 2 MB of plain statements and functions, some with findings.
    let mut i: usize = 0;
    while src.len() < 2 << 20 {
        src.push_str(&format!(
            "def f{i}(x):\n    y = x + {i}\n    return y\n\nvalue_{i} = [{i}, {i}, {i}]\n"
        ));
        if i.is_multiple_of(5_000) {
            src.push_str("eval(b)\neval(c)  # nosec\n");
        }
        i += 1;
    }
    src.push_str("sp.Popen(cmd, shell=True)\neval(d)\n");
    let mut answers = Vec::new();
    for checker in both_parses() {
        let report = common::run(&checker, "big.py", src.as_bytes());
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        assert_eq!(ids(&report, "B602"), 1, "the alias from 2 MB above");
        let evals: Vec<u32> = report
            .findings
            .iter()
            .filter(|f| f.rule_id == "B307")
            .map(|f| f.span.start_line)
            .collect();
        // `eval(a)`, one `eval(b)` per 5,000 functions (never its `# nosec` twin), `eval(d)`.
        assert_eq!(evals.len(), 2 + i.div_ceil(5_000), "{evals:?}");
        assert_eq!(report.suppressed, i.div_ceil(5_000));
        assert_eq!(evals.first(), Some(&2));
        assert_eq!(evals.last().copied(), Some(src.lines().count() as u32));
        answers.push(common::render(&report));
    }
    assert_eq!(answers[0], answers[1]);
}

/// One statement larger than one parse may take (a 2 MB `+` chain; a 2 MB line of `eval(x);`)
/// is not parsed: a warning names its lines, and the statements around it are still checked.
#[test]
fn a_statement_too_large_to_parse_is_a_clear_gap() {
    let chain = format!(
        "q = ('SELECT a FROM t WHERE b = '\n{})\n",
        "     + 'x'\n".repeat(200_000)
    );
    let line = format!("{}\n", "eval(x);".repeat(300_000));
    for body in [chain, line] {
        let lines = body.lines().count() as u32;
        let src = format!("eval(before)\n{body}eval(after)\n");
        for checker in both_parses() {
            let report = common::run(&checker, "s.py", src.as_bytes());
            let gaps: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.gap == Some(palisade_core::Gap::TooLarge))
                .collect();
            assert_eq!(gaps.len(), 1, "{:?}", report.diagnostics);
            let lines_named = if lines == 1 {
                "line 2 (".to_string()
            } else {
                format!("from line 2 to line {} (", lines + 1)
            };
            assert!(
                gaps[0].message.starts_with(&lines_named),
                "{}",
                gaps[0].message
            );
            assert!(gaps[0].message.contains("not checked"));
            let evals: Vec<u32> = report
                .findings
                .iter()
                .filter(|f| f.rule_id == "B307")
                .map(|f| f.span.start_line)
                .collect();
            assert_eq!(evals, vec![1, lines + 2]);
        }
    }
}

/// A file larger than one parse may take that the lexer cannot cut (an unterminated
/// string) is checked up to the statement where the cut failed; the rest, over 1 MiB, is a
/// clear gap.
#[test]
fn a_huge_file_that_cannot_be_cut_is_checked_up_to_the_cut() {
    let src = format!(
        "eval(a)\nx = 1\ns = '''{}\neval(b)\n",
        "text\n".repeat(300_000)
    );
    for checker in both_parses() {
        let report = common::run(&checker, "u.py", src.as_bytes());
        assert_eq!(ids(&report, "B307"), 1, "{:?}", report.diagnostics);
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.gap == Some(palisade_core::Gap::TooLarge)
                    && d.message.starts_with("from line 3 to line")),
            "{:?}",
            report.diagnostics
        );
    }
}

/// A huge file of valid, black-formatted Python is cut into statements all the way (no gap):
/// an infix keyword at the start of a continued line inside brackets, or after a soft keyword
/// used as a name, is no syntax error (both once stopped the lexer, which left the rest of a
/// large file unchecked).
#[test]
fn a_huge_file_of_valid_python_is_cut_into_statements() {
    let unit = "def f(self, a, b):\n    if (\n        a in b\n        or self.match is None\n        and a.type is not b\n    ):\n        return [\n            a\n            for a in b\n            if a not in self.case\n        ]\n    return eval(a)\n\n\n";
    let src = unit.repeat((2 << 20) / unit.len());
    let report = common::run(&common::default_checker(), "valid.py", src.as_bytes());
    assert!(
        report.diagnostics.iter().all(|d| d.gap.is_none()),
        "{:?}",
        report.diagnostics
    );
    assert_eq!(
        ids(&report, "B307") + unlisted(&report, "B307"),
        (2 << 20) / unit.len()
    );
}

/// A file larger than one parse may take with a form feed (which resets indentation, and the
/// statement splitter does not model) cannot be cut: a clear gap, with or without the prefilter.
#[test]
fn a_huge_file_with_a_form_feed_is_a_clear_gap() {
    let src = format!("eval(a)\n\x0c\n{}", "x = 1\n".repeat(300_000));
    for checker in both_parses() {
        let report = common::run(&checker, "ff.py", src.as_bytes());
        let gaps: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.gap == Some(palisade_core::Gap::TooLarge))
            .collect();
        assert_eq!(gaps.len(), 1, "{:?}", report.diagnostics);
        assert!(gaps[0].message.contains("form feed"), "{}", gaps[0].message);
        assert!(report.findings.is_empty());
    }
}
