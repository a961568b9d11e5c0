//! The contract between the dispatcher and a checker.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::rule::RuleMeta;

/// The three checkers palisade composes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckerKind {
    Secrets,
    Python,
    Deps,
}

impl CheckerKind {
    pub const ALL: [CheckerKind; 3] =
        [CheckerKind::Secrets, CheckerKind::Python, CheckerKind::Deps];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckerKind::Secrets => "secrets",
            CheckerKind::Python => "python",
            CheckerKind::Deps => "deps",
        }
    }
}

impl fmt::Display for CheckerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CheckerKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "secrets" => Ok(CheckerKind::Secrets),
            "python" => Ok(CheckerKind::Python),
            "deps" => Ok(CheckerKind::Deps),
            other => Err(format!(
                "unknown checker `{other}`: expected secrets, python or deps"
            )),
        }
    }
}

/// One file's content as every checker sees it: read once, shared.
pub struct SourceFile<'a> {
    /// Display path: relative to the scan root, forward slashes.
    pub path: &'a str,
    pub bytes: &'a [u8],
    /// `bytes` decoded as UTF-8; invalid sequences become U+FFFD so the valid parts are
    /// still checked. Borrowed when the file is valid UTF-8.
    pub text: Cow<'a, str>,
}

impl<'a> SourceFile<'a> {
    pub fn new(path: &'a str, bytes: &'a [u8]) -> Self {
        SourceFile {
            path,
            bytes,
            // `from_utf8` validates valid text faster than the lossy decoder does.
            text: match std::str::from_utf8(bytes) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(bytes),
            },
        }
    }

    /// Whether decoding replaced invalid UTF-8.
    pub fn is_lossy(&self) -> bool {
        matches!(self.text, Cow::Owned(_))
    }
}

/// Reads other files of the same scan (an included requirements file, a lock file beside a
/// manifest) from wherever the scan reads: the working tree, the git index or a commit.
pub trait ContentReader: Sync {
    /// `path` is a display path (relative to the scan root, forward slashes).
    fn read(&self, path: &str) -> io::Result<Vec<u8>>;
}

/// Reads from the file system below a root folder.
pub struct FsReader(pub std::path::PathBuf);

impl ContentReader for FsReader {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.0.join(path))
    }
}

/// What a checker may know about the scan as a whole.
pub struct ScanContext<'a> {
    /// Every display path in this scan, sorted, so a checker can see what else is committed
    /// (a lock file beside a manifest).
    pub files: &'a [String],
    pub reader: &'a dyn ContentReader,
    /// Show whole secrets in snippets and messages (local triage only).
    pub no_redact: bool,
}

/// How much a diagnostic matters to the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticLevel {
    /// Shown with `-v` only (a skipped binary file).
    Note,
    /// Shown unless `-q`; does not change the exit code.
    Warning,
    /// Something could not be checked: shown always, and the run exits 2.
    Error,
}

/// A problem with the input, not a finding: a file that could not be (fully) checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    /// Display path, or empty for run-level problems.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Error,
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Warning,
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }
    pub fn note(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Note,
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }
    pub fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            DiagnosticLevel::Note => "note",
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Error => "error",
        };
        match (self.path.is_empty(), self.line) {
            (true, _) => write!(f, "{level}: {}", self.message),
            (false, Some(l)) => write!(f, "{level}: {}:{l}: {}", self.path, self.message),
            (false, None) => write!(f, "{level}: {}: {}", self.path, self.message),
        }
    }
}

/// Where a checker puts what it found in one file.
#[derive(Debug, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings a checker's own inline suppression removed (`# nosec`, `pragma: allowlist
    /// secret`), counted for the summary.
    pub suppressed: usize,
}

impl FileReport {
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
    pub fn diagnose(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// A checker: pure function of file contents to findings. It knows nothing of the CLI, git,
/// output formats or the other checkers.
pub trait Checker: Send + Sync {
    fn kind(&self) -> CheckerKind;

    /// Every rule this checker can report, enabled or not.
    fn rules(&self) -> &[RuleMeta];

    /// Whether this checker wants to see a file, by its display path alone (cheap: called for
    /// every file of a scan).
    fn applies_to(&self, path: &str) -> bool;

    /// Checks one file. Must not panic on any input; problems go to `out.diagnostics`.
    fn check(&self, file: &SourceFile<'_>, ctx: &ScanContext<'_>, out: &mut FileReport);

    /// Called once after every file was checked, for findings about the scan as a whole
    /// (the same package pinned to two versions in two files).
    fn finish(&self, _ctx: &ScanContext<'_>, _out: &mut FileReport) {}
}
