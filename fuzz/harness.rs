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

/// Oracle for a checker's report: findings and diagnostics point into the file.
fn points_into(report: &FileReport, data: &[u8]) {
    let n = lines(data);
    for f in &report.findings {
        assert!(
            f.span.start_line >= 1 && f.span.start_line <= n,
            "{f:?} outside {n} lines"
        );
    }
}

fn deps(path: &str, data: &[u8]) {
    let checker = palisade_deps::DepsChecker::new(&palisade_deps::Config::default())
        .with_env(Box::new(|_| None));
    let files = vec![path.to_string()];
    let reader = SameBytes(data.to_vec());
    let ctx = ScanContext {
        files: &files,
        reader: &reader,
    };
    let file = SourceFile::new(path, data);
    let mut out = FileReport::default();
    if checker.applies_to(path) {
        checker.check(&file, &ctx, &mut out);
    }
    checker.finish(&ctx, &mut out);
    points_into(&out, data);
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
    static CHECKER: OnceLock<palisade_secrets::SecretsChecker> = OnceLock::new();
    let checker = CHECKER.get_or_init(|| {
        palisade_secrets::SecretsChecker::new(&palisade_secrets::Config::default())
    });
    let files = vec!["input.txt".to_string()];
    let reader = SameBytes(Vec::new());
    let ctx = ScanContext {
        files: &files,
        reader: &reader,
    };
    let file = SourceFile::new("input.txt", data);
    let mut out = FileReport::default();
    checker.check(&file, &ctx, &mut out);
    points_into(&out, data);
    no_whole_secret_after_redaction(&mut out);
}

/// The redactor's promise as an oracle: once masked, no finding's message, snippet or note
/// holds one of the secrets it reports, whole. (A value made of `*` alone is its own mask.)
fn no_whole_secret_after_redaction(out: &mut FileReport) {
    let redactor = palisade_core::redact::Redactor::new(
        out.findings
            .iter()
            .flat_map(|f| f.secrets.iter().map(String::as_str)),
    );
    for f in &mut out.findings {
        redactor.finding(f);
        for secret in &f.secrets {
            if secret.trim().is_empty() || secret.contains('*') {
                continue;
            }
            let shown = std::iter::once(&f.message)
                .chain(f.snippet.as_ref())
                .chain(f.notes.iter());
            for text in shown {
                assert!(
                    !text.contains(secret.as_str()),
                    "{} shows its secret whole: {text:?}",
                    f.rule_id
                );
            }
        }
    }
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
    let run = |c: &palisade_python::PythonChecker| {
        let files = vec!["input.py".to_string()];
        let reader = SameBytes(Vec::new());
        let ctx = ScanContext {
            files: &files,
            reader: &reader,
        };
        let mut out = FileReport::default();
        c.check(&SourceFile::new("input.py", data), &ctx, &mut out);
        out
    };
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
    points_into(&b, data);
}

fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for name in ["bandit.yaml", "pyproject.toml", ".bandit"] {
        let _ = palisade_python::BanditConfig::parse(&text, Path::new(name));
    }
    let _ = toml::from_str::<palisade_deps::Config>(&text);
}
