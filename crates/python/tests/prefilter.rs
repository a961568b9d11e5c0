//! The prefilter parses only the statements some enabled rule could report in. It must never
//! change what is reported: for every rule alone (so no other rule's trigger keeps the
//! statement for it) and for all rules together, the findings and the suppressed count on
//! every rule fixture, every Bandit example (when the sdist is available) and the tricky
//! snippets below equal those of a full parse.

mod common;

use std::path::Path;

use palisade_core::FileReport;
use palisade_python::{BanditConfig, Config, PythonChecker};

/// Source shapes that stress the lexer: aliases, nesting, continuation lines, string forms.
const SNIPPETS: &[(&str, &str)] = &[
    (
        "aliases.py",
        "from subprocess import call as c, Popen\nimport os.path as osp\nimport tarfile\n\n\nclass A:\n    x = 1\n\n    def f(self):\n        c('ls', shell=True)\n        return Popen(x)\n\n    @staticmethod\n    def g(t):\n        t.extractall()\n\n\ndef h():\n    from pickle import loads as l\n    return l(b'')\n\n\ndef k():\n    return l(b'x')\n",
    ),
    (
        "late_import.py",
        "def f():\n    return y.loads(b'')\n\n\nimport pickle as y\n\n\ndef g():\n    return y.loads(b'')\n",
    ),
    (
        "shadow.py",
        "import json as subprocess\n\n\ndef f():\n    subprocess.Popen('x', shell=True)\n",
    ),
    (
        "continuations.py",
        "try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle\nelse:\n    pass\nfinally:\n    pass\n\nif x:\n    pass\nelif y:\n    eval(z)\nelse:\n    assert q\n\nfor i in r:\n    pass\nelse:\n    pickle.loads(i)\n\nimport os; os.system(cmd)\nif a: import marshal as m\nm.loads(b'')\nx = 1 + \\\n    eval(y)\n",
    ),
    (
        "strings.py",
        "A = ('SEL' 'ECT * FROM t WHERE a = %s' % v)\nB = (\"SELECT *\"\n     # a comment between\n     \" FROM t \" + w)\nC = f\"SEL{x}ECT * FROM {t}\"\nD = '\\x30.0.0.0'\nE = \"0.0\" \".0.0\"\nF = '/tm' 'p/x'\nG = f'{d[\"k\"]} update {t} set a=1'\nH = f'''{\n  x\n} /tmp/y'''\nI = rb'\\d+' + b'select from'\nJ = '''multi\nline select x from y ''' % z\nK = \"it's\" + 'say \"hi\"'\nL = u'\\N{LATIN SMALL LETTER S}elect * from ' + t\nM = f'{x:>{w}} delete from {t}'\nN = (\"SELECT a \"\n     \"FROM b\") % x\nO = x + (\"UPDATE t SET a=%s\" % y)\nP = \"DELETE FROM t WHERE id={}\".format(i)\nQ = cursor.execute(\"SELECT a FROM \" + t)\nR = x % (\"INSERT INTO t VALUES (%s)\")\nS = [\"select x from y\"] + z\n",
    ),
    (
        "passwords.py",
        "password = 'hunter22'\nPASSWORD = \"x\"\ndb_passwd = 'p'\nd = {'api_token': 'tok'}\nd['secret'] = 'value'\nif user.password == 'abc':\n    pass\nconnect(passwd='pw')\ncall(token=\"t\")\n\n\ndef f(a, password='default'):\n    pass\n\n\ndef g(pwd=''):\n    pass\n\n\nclass C:\n    token = 'x'\n    pa\u{17f}\u{17f}word = 'folded'\n\n    def m(self, secret='s'):\n        return 1\n",
    ),
    (
        "nesting.py",
        "import subprocess\n\n\n@decorator(arg)\nclass Outer(Base,\n            metaclass=M):\n    \"\"\"Doc.\"\"\"\n\n    class Inner:\n        def deep(self):\n            if x:\n                subprocess.run(a, shell=True)\n\n    @property\n    def p(self):\n        return 1\n\n    async def q(self):\n        assert x\n\n    def one(self): return eval(x)\n\n\nasync def top():\n    try:\n        pass\n    except Exception:\n        pass\n\n\ndef typed[T](x: T) -> T:\n    match x:\n        case {'k': v}:\n            exec(v)\n        case _:\n            pass\n    return (y := x)\n",
    ),
    (
        "tabs.py",
        "import os\n\n\nclass T:\n\tdef a(self):\n\t\tos.system(x)\n\n\tdef b(self):\n\t\treturn 1\n",
    ),
    (
        "nosec.py",
        "import subprocess  # nosec\n\n\ndef f():\n    subprocess.call(x, shell=True)  # nosec B602\n    subprocess.call(\n        x,\n        shell=True,  # nosec\n    )\n    assert y  # nosec: B101\n\n# \u{202e} bidi in a comment  # nosec\n",
    ),
    (
        "mark_safe.py",
        "from django.utils.safestring import mark_safe\n\n\ndef f(v):\n    w = v + 'x'\n    return mark_safe(w)\n\n\nMY = 'constant'\nmark_safe(MY)\n",
    ),
    (
        "crlf.py",
        "import pickle\r\n\r\n\r\nclass A:\r\n    def f(self):\r\n        return pickle.loads(x)\r\n\r\n    def g(self):\r\n        return 2\r\n",
    ),
    (
        "dynamic_import.py",
        "m = __import__('pickle')\nimport importlib\nn = importlib.import_module('telnetlib')\n",
    ),
    (
        "password_shapes.py",
        "(password) = 'paren'\nif token is 'x':\n    pass\nif secret in 'abc':\n    pass\nif pwd\\\n        == 'x':\n    pass\nd = {\n    'password'\n    : 'k',\n}\nd['passwd'] = 'v'\nf(\n    password\n    ='kw',\n)\n\n\ndef g(a, password: str = 'typed'):\n    return f'{password == \"x\"}'\n\n\nx = [password for password in 'ab']\nuser.token = \"t\"\nm = {'token': 1}\n",
    ),
    (
        "handlers.py",
        "try:\n    a()\nexcept:\n    pass\ntry:\n    a()\nexcept (Exception) as e:\n    pass\ntry:\n    a()\nexcept ValueError:\n    pass\nfor i in x:\n    try:\n        a()\n    except Exception: continue\n    try:\n        a()\n    except* OSError:\n        pass\n    try:\n        a()\n    except KeyError as e:  # comment\n        continue\n",
    ),
    (
        "split_compounds.py",
        "import os\n\n\ndef t():\n    with open(p) as f:\n        x = 1\n        assert x\n        y = 2\n    for i in r:\n        z = i\n        assert z\n    else:\n        w = 3\n    if a:\n        b = 1\n    elif c:\n        assert c\n    else:\n        d = 2\n    while q:\n        os.system(q)\n        break\n    if e:\n        pass\n    async with l:\n        assert l\n\n\nasync def u():\n    async for i in g():\n        assert i\n",
    ),
    (
        "mark_safe_scopes.py",
        "from django.utils.safestring import mark_safe\n\n\nclass V:\n    def a(self, v):\n        w = v\n        if v:\n            return mark_safe(w)\n        return None\n\n    async def b(self, v):\n        w = 'x'\n        return mark_safe(w)\n\n    c = mark_safe(CONST)\n\n\ndef outer():\n    s = 'safe'\n\n    def inner():\n        return mark_safe(s)\n    return inner\n\n\nCONST = 'x'\n",
    ),
    ("comments_only.py", "# just a comment\n# \u{202b} bidi\n"),
    ("empty.py", ""),
];

/// Broken inputs: the prefilter must not panic, and must not invent syntax errors.
const BROKEN: &[&str] = &[
    "x = 'unterminated\nimport os\nos.system(x)\n",
    "def f(:\n    eval(x)\n",
    "class A:\n    def f(self):\n        eval(x)\n    def g(self):\n        exec(y = = 1)\n",
    "x = (1,\n",
    "def f():\nreturn eval(x)\n",
    "@decorator\n",
    "class A:\n",
    "s = '''never closed\neval(x)\n",
    "print 'python 2', eval(x)\n",
    "x = 1\ry = eval(z) +\r",
    ")\neval(x)\n",
    "f\"{x\"\neval(y)\n",
    "\u{20ac} = 1\neval(y)\n",
];

fn checker(rule: Option<&str>, full_parse: bool) -> PythonChecker {
    let yaml = rule.map(|r| format!("tests: [{r}]\n"));
    checker_with(yaml.as_deref(), full_parse)
}

fn checker_with(yaml: Option<&str>, full_parse: bool) -> PythonChecker {
    let config = Config {
        full_parse,
        ..Config::default()
    };
    let bandit = yaml.map(|y| BanditConfig::parse(y, Path::new("bandit.yaml")).unwrap());
    PythonChecker::with_bandit_config(&config, bandit.as_ref()).unwrap()
}

fn findings(report: &FileReport) -> String {
    let mut v: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}-{}:{} {} {}/{} {}",
                f.span.start_line,
                f.span.start_col,
                f.span.end_line,
                f.span.end_col,
                f.rule_id,
                f.severity,
                f.confidence,
                f.message
            )
        })
        .collect();
    v.sort();
    v.push(format!("suppressed: {}", report.suppressed));
    v.join("\n")
}

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = SNIPPETS
        .iter()
        .map(|(n, s)| (format!("snippets/{n}"), s.as_bytes().to_vec()))
        .collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut add_dir = |dir: &Path, prefix: &str| {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "py"))
            .collect();
        names.sort();
        for p in names {
            let name = format!("{prefix}/{}", p.file_name().unwrap().to_string_lossy());
            out.push((name, std::fs::read(&p).unwrap()));
        }
    };
    add_dir(&fixtures, "fixtures");
    match common::examples_dir() {
        Ok(examples) => add_dir(&examples, "examples"),
        Err(why) => println!("SKIP (Bandit examples only; fixtures and snippets still run): {why}"),
    }
    out.into_iter().map(|(n, b)| (n, padded(b))).collect()
}

/// The source followed by statements no rule looks at, several times its size: a small file
/// where most statements are kept is parsed whole, which would hide a statement wrongly
/// left out. Appended, so line numbers do not change.
fn padded(mut src: Vec<u8>) -> Vec<u8> {
    src.extend_from_slice(b"\n\n");
    let mut i = 0;
    while i < 12 || src.len() < 2048 {
        src.extend_from_slice(
            format!("\n\ndef _pad_{i}(a, b):\n    return a + b * {i}\n").as_bytes(),
        );
        i += 1;
    }
    src.extend_from_slice(&vec![b'#'; src.len() * 4]);
    src.push(b'\n');
    src
}

#[test]
fn every_rule_alone_finds_the_same_as_a_full_parse() {
    let files = inputs();
    let mut rules: Vec<Option<String>> = vec![None];
    rules.extend(
        palisade_python::rules::ALL
            .iter()
            .map(|m| Some(m.id.to_string())),
    );
    let mut failures = Vec::new();
    let mut compared = 0;
    for rule in &rules {
        let fast = checker(rule.as_deref(), false);
        let full = checker(rule.as_deref(), true);
        for (name, bytes) in &files {
            let a = common::run(&fast, name, bytes);
            let b = common::run(&full, name, bytes);
            compared += 1;
            if findings(&a) != findings(&b) {
                failures.push(format!(
                    "{name} with {}:\n--- prefiltered\n{}\n--- full parse\n{}",
                    rule.as_deref().unwrap_or("all rules"),
                    findings(&a),
                    findings(&b)
                ));
            }
            // Fewer syntax errors are allowed (in statements no rule looks at), never more.
            if b.diagnostics.is_empty() && !a.diagnostics.is_empty() {
                failures.push(format!(
                    "{name} with {}: prefiltered run reports {:?}",
                    rule.as_deref().unwrap_or("all rules"),
                    a.diagnostics
                ));
            }
        }
    }
    assert!(compared > 1000, "only {compared} comparisons");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Options that change what a rule looks at change its trigger too.
#[test]
fn configured_rules_find_the_same_as_a_full_parse() {
    let files = inputs();
    let configs = [
        "tests: [B110, B112]\ntry_except_pass:\n  check_typed_exception: true\ntry_except_continue:\n  check_typed_exception: true\n",
        "tests: [B108]\nhardcoded_tmp_directory:\n  tmp_dirs: ['/srv/tmp', '']\n",
        "tests: [B602, B603, B604, B607]\nshell_injection:\n  subprocess: [my.run, os.system]\n  shell: [sh.call]\n  no_shell: []\n",
        "tests: [B502, B503]\nssl_with_bad_version:\n  bad_protocol_versions: [PROTOCOL_TLSv1_2]\n",
    ];
    let mut failures = Vec::new();
    for yaml in configs {
        let fast = checker_with(Some(yaml), false);
        let full = checker_with(Some(yaml), true);
        for (name, bytes) in &files {
            let (a, b) = (
                common::run(&fast, name, bytes),
                common::run(&full, name, bytes),
            );
            if findings(&a) != findings(&b) {
                failures.push(format!(
                    "{name} with {yaml}:\n--- prefiltered\n{}\n--- full parse\n{}",
                    findings(&a),
                    findings(&b)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn broken_sources_are_reported_not_skipped() {
    let fast = checker(None, false);
    for src in BROKEN {
        let report = common::run(&fast, "broken.py", src.as_bytes());
        // Each holds `eval`/`exec` (B307/B102 can fire): the lexer gives up on it or the
        // statements it keeps are parsed, and the syntax error is reported either way.
        assert!(
            !report.diagnostics.is_empty(),
            "no syntax error reported for {src:?}: {}",
            findings(&report)
        );
    }
}

#[test]
fn a_file_no_rule_can_fire_in_is_not_parsed_but_one_that_can_is() {
    // Two outcomes a user sees: a clean file stays clean, and a syntax error right next to a
    // call a rule looks at is still reported.
    let fast = checker(None, false);
    let clean = common::run(&fast, "clean.py", b"def add(a, b):\n    return a + b\n");
    assert!(clean.findings.is_empty() && clean.diagnostics.is_empty());
    let near = common::run(&fast, "near.py", b"import os\nos.system(x) +\n");
    assert!(!near.diagnostics.is_empty(), "{}", findings(&near));
}
