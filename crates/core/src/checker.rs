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

/// Reads from the file system below a root folder: regular files only (a FIFO would block,
/// a device never end), never through a symbolic link out of the root, at most
/// [`FsReader::LIMIT`] bytes.
pub struct FsReader(pub std::path::PathBuf);

impl FsReader {
    /// Files another file names (an include) larger than this are refused.
    pub const LIMIT: u64 = 64 << 20;
}

impl ContentReader for FsReader {
    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        use std::io::Read;
        let full = self.0.join(path);
        let target = std::fs::canonicalize(&full)?;
        let root = std::fs::canonicalize(&self.0)?;
        if !target.starts_with(&root) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "outside the repository (a symbolic link or `..` leading out of it)",
            ));
        }
        let meta = std::fs::metadata(&target)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file (a FIFO, device or folder)",
            ));
        }
        let file = std::fs::File::open(&target)?;
        let mut bytes = Vec::with_capacity(meta.len().min(Self::LIMIT) as usize);
        file.take(Self::LIMIT + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > Self::LIMIT {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("larger than {} bytes", Self::LIMIT),
            ));
        }
        Ok(bytes)
    }
}

/// What a checker may know about the scan as a whole.
pub struct ScanContext<'a> {
    /// Every display path in this scan, sorted, so a checker can see what else is committed
    /// (a lock file beside a manifest).
    pub files: &'a [String],
    pub reader: &'a dyn ContentReader,
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

/// Why something was left unchecked: the coverage vocabulary every report format uses. The
/// README's "What was not checked" table lists each with its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gap {
    /// A NUL byte in the first 8 KiB, or text in an encoding palisade does not decode.
    Binary,
    /// Over `--max-file-size`: secrets were still checked (streamed), parsing checkers skipped it.
    TooLarge,
    /// Could not be read: permissions, vanished, an I/O error.
    Unreadable,
    /// A FIFO, device, socket or folder where a file was expected.
    NotRegularFile,
    /// A symbolic link whose target lies outside the repository (or checked folder).
    OutsideRoot,
    /// A checker could not parse it (Python syntax error, malformed manifest).
    Unparsable,
    /// The vulnerability audit did not run: no advisory data configured.
    AuditNotRun,
    /// Advisory data missing, stale or partly unusable.
    AdvisoryData,
    /// A pin the audit cannot evaluate (URL requirement, non-PEP 440 version).
    Unauditable,
    /// A checker failed on this file (an internal error, reported instead of crashing).
    CheckerFailed,
    /// History mode: commits whose parents a shallow clone does not have; their content is
    /// checked as if they were first commits, and what came before them is not checked.
    ShallowHistory,
    /// A checker that does not run in this mode (history mode checks secrets only).
    NotInMode,
}

impl Gap {
    /// Short words for the summary line ("2 binary, 1 too large").
    pub fn label(self) -> &'static str {
        match self {
            Gap::Binary => "binary",
            Gap::TooLarge => "too large",
            Gap::Unreadable => "unreadable",
            Gap::NotRegularFile => "not a regular file",
            Gap::OutsideRoot => "symlink out of the root",
            Gap::Unparsable => "unparsable",
            Gap::AuditNotRun => "audit not run",
            Gap::AdvisoryData => "advisory data",
            Gap::Unauditable => "not auditable",
            Gap::CheckerFailed => "checker failed",
            Gap::ShallowHistory => "shallow history",
            Gap::NotInMode => "not in this mode",
        }
    }
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
    /// What this says was left unchecked, when it says so.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub gap: Option<Gap>,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Error,
            path: path.into(),
            line: None,
            message: message.into(),
            gap: None,
        }
    }
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Warning,
            path: path.into(),
            line: None,
            message: message.into(),
            gap: None,
        }
    }
    pub fn note(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: DiagnosticLevel::Note,
            path: path.into(),
            line: None,
            message: message.into(),
            gap: None,
        }
    }
    pub fn at_line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }
    /// Marks this diagnostic as saying something was not checked, and why.
    pub fn gap(mut self, gap: Gap) -> Self {
        self.gap = Some(gap);
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
    /// Secret values a checker saw but did not report (allowlisted, baselined): the redactor
    /// still masks them wherever another finding quotes them.
    pub secrets: Vec<String>,
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
/// A software component a checker found (a pinned, locked or installed package), for SBOMs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Component {
    /// Package URL (`pkg:pypi/requests@2.31.0`): the component's identity.
    pub purl: String,
    pub name: String,
    pub version: String,
    /// `(algorithm, hex digest)`, e.g. `("SHA-256", "…")`.
    pub hashes: Vec<(String, String)>,
    /// An SPDX expression, where known.
    pub license: Option<String>,
    /// Where it was found: (display path, line).
    pub found_in: Vec<(String, u32)>,
}

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

    /// Whether leaving this file unchecked must fail the run (exit 2) rather than be noted: a
    /// manifest whose vulnerability audit is required. Files a checker could not read or
    /// decode always fail the run; this decides for files skipped by choice (too large).
    fn must_check(&self, _path: &str) -> bool {
        false
    }

    /// Run-level notes about what this checker will not check at all in this run (the
    /// vulnerability audit without advisory data), given the findings of the run. Called once
    /// after `finish`.
    fn coverage(&self, _ctx: &ScanContext<'_>, _out: &mut Vec<Diagnostic>) {}

    /// The components this run found (after `finish`), for an SBOM; sorted by purl.
    fn components(&self) -> Vec<Component> {
        Vec::new()
    }
}
