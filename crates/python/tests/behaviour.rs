//! Behaviour around the rules: decoding, syntax errors, `# nosec`, Bandit configuration and
//! file selection.

mod common;

use palisade_core::{Checker, DiagnosticLevel};
use palisade_python::{BanditConfig, Config, PythonChecker};

fn ids(report: &palisade_core::FileReport) -> Vec<(u32, String)> {
    let mut v: Vec<_> = report
        .findings
        .iter()
        .map(|f| (f.span.start_line, f.rule_id.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn syntax_error_is_reported_and_the_rest_still_checked() {
    let src = b"import pickle\ndef broken(:\n    pass\nassert x\n";
    let r = common::run(&common::default_checker(), "bad.py", src);
    let errors: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(errors[0].line, Some(2));
    assert!(errors[0].message.contains("syntax error"));
    assert_eq!(ids(&r), vec![(1, "B403".into()), (4, "B101".into())]);
}

#[test]
fn modern_syntax_parses_cleanly() {
    let src = b"type Point = tuple[float, float]\n\
def f[T](x: T) -> T:\n    return x\n\
match cmd:\n    case [\"go\", d]:\n        pass\n\
try:\n    pass\nexcept* ValueError:\n    pass\n\
if (n := len(a)) > 10:\n    pass\n\
s = f\"{'nested'!r:>{width}}\"\n";
    let r = common::run(&common::default_checker(), "new.py", src);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn latin1_coding_declaration_and_bom() {
    let latin1 = b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\npassword = 'h\xe9'\n";
    let r = common::run_with(&common::default_checker(), "l1.py", latin1, true);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(
        r.findings[0].message,
        "Possible hardcoded password: 'h\u{e9}'"
    );
    let bom = b"\xef\xbb\xbfassert x\n";
    let r = common::run(&common::default_checker(), "bom.py", bom);
    assert_eq!(ids(&r), vec![(1, "B101".into())]);
    assert_eq!(r.findings[0].span.start_col, 1);
}

#[test]
fn unknown_encoding_and_invalid_utf8_are_diagnosed() {
    let r = common::run(
        &common::default_checker(),
        "k.py",
        b"# coding: klingon\nassert x\n",
    );
    assert_eq!(r.diagnostics[0].level, DiagnosticLevel::Error);
    assert!(r.findings.is_empty());
    let r = common::run(
        &common::default_checker(),
        "u.py",
        b"x = '\xff'\nassert x\n",
    );
    assert_eq!(r.diagnostics[0].level, DiagnosticLevel::Error);
    assert_eq!(ids(&r), vec![(2, "B101".into())]);
}

#[test]
fn nosec_applies_over_the_node_range_and_counts() {
    let src = b"import subprocess  # nosec B404\n\
subprocess.Popen(cmd,  # nosec\n    shell=True)\n\
subprocess.Popen(cmd,\n    shell=True)  # nosec B602,B607\n\
subprocess.Popen('ls',\n    shell=True)  # nosec B602\n\
assert x  # nosec: B602 # but not assert_used\n";
    let r = common::run(&common::default_checker(), "n.py", src);
    assert_eq!(ids(&r), vec![(6, "B607".into()), (8, "B101".into())]);
    assert_eq!(r.suppressed, 4);
    let ignoring = PythonChecker::new(&Config {
        ignore_nosec: true,
        ..Config::default()
    });
    let r = common::run(&ignoring, "n.py", src);
    assert_eq!(r.suppressed, 0);
    assert_eq!(r.findings.len(), 6);
}

#[test]
fn bandit_tests_skips_and_plugin_options() {
    let src = b"import pickle\nassert x\nopen('/scratch/x')\nopen('/tmp/x')\n";
    let only = common::checker_with_yaml("tests: [B101]\n");
    assert_eq!(
        ids(&common::run(&only, "t.py", src)),
        vec![(2, "B101".into())]
    );
    let skip_blacklists = common::checker_with_yaml(
        "skips: [B001]\nhardcoded_tmp_directory:\n  tmp_dirs: ['/scratch']\n",
    );
    assert_eq!(
        ids(&common::run(&skip_blacklists, "t.py", src)),
        vec![(2, "B101".into()), (3, "B108".into())]
    );
    let assert_skips = common::checker_with_yaml("assert_used:\n  skips: ['*/test_*.py']\n");
    assert!(ids(&common::run(&assert_skips, "test_a.py", src)).contains(&(1, "B403".into())));
    assert!(!ids(&common::run(&assert_skips, "tests/test_a.py", src)).contains(&(2, "B101".into())));
    assert!(!ids(&common::run(&assert_skips, "test_a.py", src)).contains(&(2, "B101".into())));
}

#[test]
fn shell_lists_from_the_generator_alias_section() {
    let cfg = common::checker_with_yaml(
        "any_other_function_with_shell_equals_true:\n  subprocess: [mylib.run]\n  shell: []\n  no_shell: []\n",
    );
    let r = common::run(&cfg, "s.py", b"import mylib\nmylib.run(cmd, shell=True)\n");
    assert_eq!(ids(&r), vec![(2, "B602".into())]);
}

#[test]
fn file_selection_follows_extensions_and_bandit_excludes() {
    let plain = common::default_checker();
    assert!(plain.applies_to("a/b.py") && plain.applies_to("stubs/x.pyi"));
    assert!(!plain.applies_to("setup.cfg") && !plain.applies_to("a.pyc"));
    let cfg = BanditConfig::parse(
        "exclude_dirs: ['tests', './build/*']\n",
        std::path::Path::new("b.yaml"),
    )
    .unwrap();
    let c = PythonChecker::with_bandit_config(&Config::default(), Some(&cfg)).unwrap();
    assert!(!c.applies_to("tests/test_x.py"));
    assert!(!c.applies_to("pkg/tests/x.py"));
    assert!(!c.applies_to("build/lib/x.py"));
    assert!(c.applies_to("src/x.py"));
    let inc = BanditConfig::parse("include: ['*.pyw']\n", std::path::Path::new("b.yaml")).unwrap();
    let c = PythonChecker::with_bandit_config(&Config::default(), Some(&inc)).unwrap();
    assert!(c.applies_to("tool/run.pyw") && !c.applies_to("x.py"));
}

#[test]
fn invalid_bandit_config_is_an_error() {
    let both = BanditConfig::parse(
        "tests: [B101]\nskips: [B101]\n",
        std::path::Path::new("b.yaml"),
    )
    .unwrap();
    assert!(PythonChecker::with_bandit_config(&Config::default(), Some(&both)).is_err());
    let unknown = BanditConfig::parse("tests: [B999]\n", std::path::Path::new("b.yaml")).unwrap();
    assert!(PythonChecker::with_bandit_config(&Config::default(), Some(&unknown)).is_err());
}

#[test]
fn discovers_pyproject_and_dot_bandit_upward() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    assert_eq!(BanditConfig::discover(&sub), None);
    std::fs::write(dir.path().join("pyproject.toml"), "[project]\nname='x'\n").unwrap();
    assert_eq!(BanditConfig::discover(&sub), None);
    std::fs::write(dir.path().join(".bandit"), "[bandit]\nskips = B101\n").unwrap();
    assert_eq!(
        BanditConfig::discover(&sub),
        Some(dir.path().join(".bandit"))
    );
    std::fs::write(
        dir.path().join("a/pyproject.toml"),
        "[tool.bandit]\nskips = ['B404']\n",
    )
    .unwrap();
    let found = BanditConfig::discover(&sub).unwrap();
    assert_eq!(found, dir.path().join("a/pyproject.toml"));
    assert_eq!(BanditConfig::load(&found).unwrap().skips, vec!["B404"]);
}

#[test]
fn every_rule_has_documentation() {
    let c = common::default_checker();
    assert_eq!(c.rules().len(), 75);
    for r in c.rules() {
        let doc = r.doc_text();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(doc.contains(section), "{} lacks {section}", r.id);
        }
        assert!(r.help_uri().is_some(), "{} has no reference link", r.id);
    }
}

#[test]
fn a_block_of_only_comments_is_a_syntax_error() {
    let src = b"def f():\n    # nothing here\n\ndef g():\n    assert x\n";
    let r = common::run(&common::default_checker(), "e.py", src);
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].level, DiagnosticLevel::Error);
    assert_eq!(r.diagnostics[0].line, Some(1));
    assert_eq!(ids(&r), vec![(5, "B101".into())]);
}

#[test]
fn a_number_run_into_a_name_is_a_syntax_error() {
    let r = common::run(
        &common::default_checker(),
        "n.py",
        b"x = 1\n1syntax_error\n",
    );
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics[0].line, Some(2));
    let ok = b"y = 1if x else 2\nz = 0x1f + 1_000 + 1e5 + 2j + 0o17\n";
    assert!(common::run(&common::default_checker(), "k.py", ok)
        .diagnostics
        .is_empty());
}

#[test]
fn python2_forms_are_syntax_errors() {
    for src in [
        &b"print 'x'\n"[..],
        b"exec 'code'\n",
        b"if a <> b:\n    pass\n",
        b"os.chmod(p, 0777)\n",
        b"n = 10L\n",
    ] {
        let r = common::run(&common::default_checker(), "py2.py", src);
        assert_eq!(
            r.diagnostics.len(),
            1,
            "{:?}: {:?}",
            String::from_utf8_lossy(src),
            r.diagnostics
        );
        assert_eq!(r.diagnostics[0].level, DiagnosticLevel::Error);
    }
    let ok =
        b"x = 0\ny = 00\nz = 0_0\nw = 0o777\nprint('x')\nprint >> sys.stderr, 'valid py3 tuple'\n";
    assert!(common::run(&common::default_checker(), "py3.py", ok)
        .diagnostics
        .is_empty());
}

#[test]
fn chained_subscript_assignment_of_a_password() {
    let src = b"data['name'] = data['password'] = data['email'] = ''\n";
    let r = common::run(&common::default_checker(), "c.py", src);
    assert_eq!(ids(&r), vec![(1, "B105".into())]);
}

#[test]
fn very_long_chains_do_not_exhaust_the_stack() {
    let mut src = String::from("q = \"SELECT a FROM t WHERE x = \"");
    for i in 0..20_000 {
        src.push_str(&format!(" + v{i}"));
    }
    src.push('\n');
    src.push_str("y = a");
    for i in 0..5_000 {
        src.push_str(&format!(".b{i}"));
    }
    src.push_str("()\n");
    let r = common::run(&common::default_checker(), "long.py", src.as_bytes());
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(ids(&r), vec![(1, "B608".into())]);
}

#[test]
fn hard_coded_passwords_are_redacted_unless_asked() {
    let src = b"PASSWORD = 'hunter2hunter2'\ndef f(password='root'):\n    connect(password='Sup3rS3cret!')\n";
    let r = common::run(&common::default_checker(), "pw.py", src);
    assert_eq!(r.findings.len(), 3);
    for f in &r.findings {
        let shown = format!("{} {}", f.message, f.snippet.as_deref().unwrap_or(""));
        for secret in ["hunter2hunter2", "root'", "Sup3rS3cret!"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("****"), "{shown}");
    }
    let whole = common::run_with(&common::default_checker(), "pw.py", src, true);
    assert!(whole.findings[0].message.contains("hunter2hunter2"));
    // The fingerprint follows the real line, so redaction never churns baselines.
    let (mut a, mut b) = (r.findings[0].clone(), whole.findings[0].clone());
    a.seal();
    b.seal();
    assert_eq!(a.fingerprint, b.fingerprint);
}
