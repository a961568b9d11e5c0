//! What each fuzz target does with one input, shared by the targets (`fuzz_targets/`) and by
//! the workspace test that replays the committed corpus on the stable toolchain
//! (`tests/integration/fuzz_replay.rs`). Each function must not panic, and asserts its oracle.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use palisade_core::{Checker, ContentReader, FileReport, ScanContext, SourceFile};

/// Every target, with the file name the input is checked as (deps targets) or its kind.
pub const TARGETS: &[&str] = &[
    "requirements",
    "locks",
    "pyproject",
    "pipfile",
    "workflow",
    "dockerfile",
    "precommit",
    "advisory_zip",
    "advisory_json",
    "advisory_yaml",
    "patch",
    "secrets",
    "redactor",
    "python_prefilter",
    "config",
];

/// Runs target `name` on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "requirements" => deps("requirements.txt", data),
        "locks" => {
            // The first byte picks the lock format; the rest is the file.
            let (pick, rest) = data.split_first().unwrap_or((&0, &[]));
            let path =
                ["poetry.lock", "uv.lock", "pylock.toml", "Pipfile.lock"][*pick as usize % 4];
            deps(path, rest)
        }
        "pyproject" => deps("pyproject.toml", data),
        "pipfile" => deps("Pipfile", data),
        "workflow" => deps(".github/workflows/ci.yml", data),
        "dockerfile" => deps("Dockerfile", data),
        "precommit" => deps(".pre-commit-config.yaml", data),
        "advisory_zip" => advisory("all.zip", data),
        "advisory_json" => advisory("records/PYSEC-1.json", data),
        "advisory_yaml" => advisory("records/PYSEC-1.yaml", data),
        "patch" => patch(data),
        "secrets" => secrets(data),
        "redactor" => redactor(data),
        "python_prefilter" => python(data),
        "config" => config(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

/// Every include (`-r x`) reads the input again: include trees stay bounded.
struct SameBytes(Vec<u8>);

impl ContentReader for SameBytes {
    fn read(&self, _path: &str) -> std::io::Result<Vec<u8>> {
        Ok(self.0.clone())
    }
}

fn lines(data: &[u8]) -> u32 {
    data.iter().filter(|&&b| b == b'\n').count() as u32 + 1
}

/// Lines as Python counts them: a lone CR ends a line too (the Python checker reports Python's
/// line numbers).
fn python_lines(data: &[u8]) -> u32 {
    let lone_cr = data
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && data.get(i + 1) != Some(&b'\n'))
        .count();
    lines(data) + lone_cr as u32
}

/// Oracle for a checker's report: findings and diagnostics point into the file.
fn points_into(report: &FileReport, data: &[u8]) {
    points_into_lines(report, lines(data));
}

fn points_into_lines(report: &FileReport, n: u32) {
    for f in &report.findings {
        assert!(
            f.span.start_line >= 1 && f.span.start_line <= n,
            "{f:?} outside {n} lines"
        );
    }
}

fn deps(path: &str, data: &[u8]) {
    let mut checker = palisade_deps::DepsChecker::new(&palisade_deps::Config::default())
        .with_env(Box::new(|_| None));
    // Every rule on, DEP015 included: it reads `.github/dependabot.yml`, which the reader
    // answers with the same input.
    checker.restrict_to(&|_| true);
    let out = check_one(&checker, path, data, &SameBytes(data.to_vec()));
    points_into(&out, data);
}

/// `checker` on the one file `path` of a run, its reads answered by `reader`; then the
/// checker's end-of-run pass.
fn check_one(
    checker: &dyn Checker,
    path: &str,
    data: &[u8],
    reader: &dyn ContentReader,
) -> FileReport {
    let files = vec![path.to_string()];
    let ctx = ScanContext {
        files: &files,
        reader,
    };
    let mut out = FileReport::default();
    if checker.applies_to(path) {
        checker.check(&SourceFile::new(path, data), &ctx, &mut out);
    }
    checker.finish(&ctx, &mut out);
    out
}

/// A scratch folder per thread for the inputs that must be files.
fn scratch() -> PathBuf {
    thread_local! {
        static DIR: tempfile::TempDir = tempfile::tempdir().expect("a temporary folder");
    }
    DIR.with(|d| d.path().to_path_buf())
}

fn advisory(name: &str, data: &[u8]) {
    let root = scratch();
    let path = root.join(name);
    let _ = std::fs::remove_dir_all(root.join("records"));
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("writable");
    std::fs::write(&path, data).expect("writable");
    let source = if name.contains('/') {
        root.join("records")
    } else {
        path
    };
    // Errors are fine; a panic or an endless read is not.
    if let Ok(db) = palisade_deps::advisory::AdvisoryDb::build(&source) {
        let _ = db.meta();
    }
}

fn patch(data: &[u8]) {
    static EMPTY: OnceLock<tempfile::TempDir> = OnceLock::new();
    let root = EMPTY.get_or_init(|| tempfile::tempdir().expect("a temporary folder"));
    if let Ok(found) = palisade_git::patch_with_skipped(data, root.path()) {
        for f in &found.files {
            assert!(!f.path.is_empty(), "a file without a path");
        }
    }
}

fn secrets(data: &[u8]) {
    let mut out = check_secrets("input.txt", data);
    points_into(&out, data);
    no_whole_secret_after_redaction(&mut out);
}

/// The redactor's promise as an oracle: once masked, no finding's message, snippet or note
/// holds one of the secrets the checker saw, whole: a value of [`MIN_GLOBAL_LEN`] characters
/// or more nowhere, a shorter one not in its own finding. (A value with a `*` may be its own
/// mask.)
///
/// [`MIN_GLOBAL_LEN`]: palisade_core::redact::MIN_GLOBAL_LEN
fn no_whole_secret_after_redaction(out: &mut FileReport) {
    let redactor = palisade_core::redact::Redactor::new(
        out.findings
            .iter()
            .flat_map(|f| f.secrets.iter())
            .chain(&out.secrets)
            .map(String::as_str),
    );
    for f in &mut out.findings {
        redactor.finding(f);
    }
    let seen: Vec<String> = out
        .findings
        .iter()
        .flat_map(|f| f.secrets.iter())
        .chain(&out.secrets)
        .cloned()
        .collect();
    for secret in &seen {
        not_shown(out, secret);
    }
}

/// Whether `secret` can be checked for: a mask is `*`s, so a value holding one may be its own.
fn checkable(secret: &str) -> bool {
    !secret.trim().is_empty() && !secret.contains('*')
}

/// Asserts that no (already redacted) finding shows `secret` whole where the redactor promises
/// to mask it: everywhere for a long value, in the findings that report it for a short one.
fn not_shown(out: &FileReport, secret: &str) {
    if !checkable(secret) {
        return;
    }
    let global = secret.chars().count() >= palisade_core::redact::MIN_GLOBAL_LEN;
    for f in &out.findings {
        if !global && !f.secrets.iter().any(|s| s == secret) {
            continue;
        }
        let shown = std::iter::once(&f.message)
            .chain(f.snippet.as_ref())
            .chain(f.notes.iter());
        for text in shown {
            assert!(
                !text.contains(secret),
                "{} shows the secret {secret:?} whole: {text:?}",
                f.rule_id
            );
        }
    }
}

/// Where the redactor target plants its secret: `{}` is the value.
const PLANTS: &[&str] = &[
    "{}",
    "password = \"{}\"\n",
    "AWS_SECRET_ACCESS_KEY={}\n",
    "url = \"https://user:{}@db.example.com/app\"\n",
    "api_key: {}\n",
    "export GITHUB_TOKEN='{}'\n",
    "{\"client_secret\": \"{}\"}\n",
    "Authorization: Bearer {}\n",
    "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
    "token = os.environ.get(\"TOKEN\", \"{}\")  # was {}\n",
    "secret={}&next={}\n",
    "<password>{}</password>\n",
];

/// The file name the redactor target checks its input as (the checker treats tests, docs and
/// lock files differently).
const PLANT_NAMES: &[&str] = &["input.txt", "settings.py", ".env", "config.yaml"];

/// The redactor target: a planted secret in surrounding text. The first byte picks where the
/// secret is planted ([`PLANTS`]) and the file name; the rest is the secret, then after a NUL
/// the text before it, then after another NUL the text after it. Oracle: once the secrets
/// checker reports the planted value, the redactor leaves it whole in no message, snippet or
/// note (and every other value the checker saw, as in the secrets target).
fn redactor(data: &[u8]) {
    let (pick, rest) = data.split_first().unwrap_or((&0, &[]));
    let mut parts = rest.splitn(3, |&b| b == 0);
    let planted = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let before = parts.next().unwrap_or_default();
    let after = parts.next().unwrap_or_default();
    let plant = PLANTS[*pick as usize % PLANTS.len()];
    let name = PLANT_NAMES[(*pick as usize / PLANTS.len()) % PLANT_NAMES.len()];
    let mut text = before.to_vec();
    text.extend_from_slice(plant.replace("{}", &planted).as_bytes());
    text.extend_from_slice(after);

    let mut out = check_secrets(name, &text);
    points_into(&out, &text);
    // Reported: as a value of its own, or as one line of a multi-line value (a key).
    let reported = |p: &str| {
        out.findings.iter().flat_map(|f| f.secrets.iter()).any(|s| {
            s == p
                || (s.contains('\n')
                    && p.len() >= palisade_core::redact::MIN_GLOBAL_LEN
                    && !p.starts_with("-----")
                    && s.lines().any(|l| l.trim() == p))
        })
    };
    let planted: Vec<&str> = [planted.as_str(), planted.trim()]
        .into_iter()
        .filter(|p| reported(p))
        .collect();
    no_whole_secret_after_redaction(&mut out);
    for p in planted {
        not_shown(&out, p);
    }
}

/// The secrets checker with its default configuration, on one file.
fn check_secrets(path: &str, data: &[u8]) -> FileReport {
    static CHECKER: OnceLock<palisade_secrets::SecretsChecker> = OnceLock::new();
    let checker = CHECKER.get_or_init(|| {
        palisade_secrets::SecretsChecker::new(&palisade_secrets::Config::default())
    });
    check_one(checker, path, data, &SameBytes(Vec::new()))
}

/// The prefilter against the full parse as oracle: the same findings on a file the full parse
/// reads cleanly; on a broken file, at least the full parse's findings (tree-sitter's error
/// recovery may swallow statements the prefilter parses on their own).
fn python(data: &[u8]) {
    static CHECKERS: OnceLock<[palisade_python::PythonChecker; 2]> = OnceLock::new();
    let [fast, full] = CHECKERS.get_or_init(|| {
        [false, true].map(|full_parse| {
            palisade_python::PythonChecker::new(&palisade_python::Config {
                full_parse,
                ..palisade_python::Config::default()
            })
        })
    });
    let run =
        |c: &palisade_python::PythonChecker| check_one(c, "input.py", data, &SameBytes(Vec::new()));
    let (a, b) = (run(fast), run(full));
    let key = |r: &FileReport| {
        let mut v: Vec<String> = r
            .findings
            .iter()
            .map(|f| format!("{:?} {} {}", f.span, f.rule_id, f.message))
            .collect();
        v.sort();
        v
    };
    let (ka, kb) = (key(&a), key(&b));
    if b.diagnostics.is_empty() {
        assert_eq!(ka, kb, "prefilter and full parse disagree");
        assert_eq!(a.suppressed, b.suppressed, "nosec counts disagree");
    } else {
        for k in &kb {
            assert!(ka.contains(k), "the prefilter dropped {k}");
        }
    }
    points_into_lines(&b, python_lines(data));
}

fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for name in ["bandit.yaml", "pyproject.toml", ".bandit"] {
        let _ = palisade_python::BanditConfig::parse(&text, Path::new(name));
    }
    let _ = toml::from_str::<palisade_deps::Config>(&text);
}
