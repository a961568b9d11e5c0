//! Rule metadata: one source for `palisade rules`, `palisade explain`, SARIF `rules[]` and docs.

use std::borrow::Cow;

use serde::Serialize;

use crate::checker::CheckerKind;
use crate::finding::{Confidence, Severity};

#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    /// Stable id, never reused: `B602`, `aws-access-key-id`, `DEP001`.
    pub id: Cow<'static, str>,
    /// Short kebab/snake name: `subprocess_popen_with_shell_equals_true`.
    pub name: Cow<'static, str>,
    pub checker: CheckerKind,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: Option<u32>,
    /// One sentence: what the rule finds.
    pub summary: Cow<'static, str>,
    /// Full Markdown documentation (What it does / Why is this bad? / Example / References).
    pub doc: Cow<'static, str>,
    /// Off unless selected explicitly (strict-profile rules).
    pub default_enabled: bool,
}

impl RuleMeta {
    /// The documentation with the one leading space that `///` leaves on every line removed.
    pub fn doc_text(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }

    /// Help URL for SARIF/explain when the rule has a reference; the first link in the doc.
    pub fn help_uri(&self) -> Option<&str> {
        let doc: &str = &self.doc;
        let start = doc.find("https://")?;
        let rest = &doc[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ')' || c == '>' || c == ']')
            .unwrap_or(rest.len());
        Some(&rest[..end])
    }
}

/// Declares a rule's metadata as a `static RuleMeta`, taking its documentation from the doc
/// comment written above it, so the comment is the `explain` text and SARIF help.
///
/// ```
/// use palisade_core::{declare_rule, CheckerKind, Severity, Confidence};
/// declare_rule! {
///     /// ## What it does
///     /// Finds things.
///     pub static THING = {
///         id: "X001", name: "thing", checker: CheckerKind::Python,
///         severity: Severity::Low, confidence: Confidence::High, cwe: Some(703),
///         summary: "Finds things.",
///     };
/// }
/// assert!(THING.doc_text().starts_with("## What it does"));
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        $vis:vis static $name:ident = {
            id: $id:expr, name: $rname:expr, checker: $checker:expr,
            severity: $sev:expr, confidence: $conf:expr, cwe: $cwe:expr,
            summary: $summary:expr $(, default_enabled: $enabled:expr)? $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        $vis static $name: $crate::RuleMeta = $crate::RuleMeta {
            id: ::std::borrow::Cow::Borrowed($id),
            name: ::std::borrow::Cow::Borrowed($rname),
            checker: $checker,
            severity: $sev,
            confidence: $conf,
            cwe: $cwe,
            summary: ::std::borrow::Cow::Borrowed($summary),
            doc: ::std::borrow::Cow::Borrowed(concat!($($doc, "\n"),*)),
            default_enabled: $crate::declare_rule!(@enabled $($enabled)?),
        };
    };
    (@enabled) => { true };
    (@enabled $e:expr) => { $e };
}
