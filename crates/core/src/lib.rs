//! palisade-core: the vocabulary every palisade checker and the dispatcher share.
//!
//! A checker turns the bytes of one file into [`Finding`]s (data, never errors) and
//! [`Diagnostic`]s (what it could not check). The dispatcher filters findings through the
//! suppression layers in [`suppress`] and hands the survivors to one emitter in [`report`].

pub mod checker;
pub mod clock;
pub mod finding;
pub mod fingerprint;
pub mod glob;
pub mod lines;
pub mod nesting;
pub mod pipeline;
pub mod redact;
pub mod report;
pub mod rule;
pub mod suppress;
pub mod write;

pub use checker::{
    Checker, CheckerKind, ContentReader, Diagnostic, DiagnosticLevel, FileReport, FsReader, Gap,
    ScanContext, SourceFile,
};
pub use finding::{Confidence, Finding, Provenance, Severity, Span};
pub use lines::{ChangedLines, LineIndex};
pub use rule::RuleMeta;
