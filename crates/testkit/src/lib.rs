//! What palisade's tests share. See the README.

pub mod archive;
pub mod git;

use std::path::{Path, PathBuf};

use palisade_core::{Checker, FileReport, FsReader, ScanContext, SourceFile};

pub use git::{git, TestRepo};

/// Writes `content` to `dir/path`, making the folders on the way; returns the full path.
pub fn write(dir: &Path, path: impl AsRef<Path>, content: impl AsRef<[u8]>) -> PathBuf {
    let full = dir.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).expect("create folders");
    }
    std::fs::write(&full, content).expect("write file");
    full
}

/// A test whose tool or data set is missing: skipped with the reason printed on a developer's
/// machine, a failure when `CI=true` (CI installs everything; a skip there would be a silent pass).
pub fn skip_unless_ci(test: &str, why: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test}: {why} (CI=true: this test must run)"
    );
    eprintln!("SKIPPED {test}: {why}");
}

/// A checker's report as the binary prints it: messages, snippets and notes through the core
/// redactor (which checkers do not apply themselves). `no_redact` leaves it as it is.
pub fn redacted(mut out: FileReport, no_redact: bool) -> FileReport {
    if !no_redact {
        let redactor = palisade_core::redact::Redactor::new(
            out.secrets
                .iter()
                .chain(out.findings.iter().flat_map(|f| f.secrets.iter()))
                .map(String::as_str),
        );
        for f in &mut out.findings {
            redactor.finding(f);
        }
        for d in &mut out.diagnostics {
            redactor.diagnostic(d);
        }
    }
    out
}

/// Runs `checker` on one file as the binary does in a run of that file alone (includes read
/// from the working directory). The report is raw: see [`redacted`] for what output shows.
pub fn check_file(checker: &dyn Checker, path: &str, bytes: &[u8]) -> FileReport {
    check_file_among(checker, path, bytes, &[path.to_string()])
}

/// [`check_file`] in a run of `files` (a large run prepares differently).
pub fn check_file_among(
    checker: &dyn Checker,
    path: &str,
    bytes: &[u8],
    files: &[String],
) -> FileReport {
    let reader = FsReader(".".into());
    let ctx = ScanContext {
        files,
        reader: &reader,
    };
    let mut out = FileReport::default();
    checker.check(&SourceFile::new(path, bytes), &ctx, &mut out);
    out
}
