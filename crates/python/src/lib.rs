//! palisade-python: Bandit's security checks for Python, over one tree-sitter parse and one
//! walk per file. See the crate README.
//!
//! [`PythonChecker`] implements palisade's [`Checker`]: it decodes a file (BOM, PEP 263),
//! parses it, walks the tree once while the rules in [`rules`] look at the node kinds they
//! care about, applies `# nosec`, and turns what the rules reported into [`Finding`]s with
//! Bandit's IDs, severities, confidences, CWEs and messages.

/// The tree-sitter field id of a field name, looked up once per use site (looking fields up by
/// name compares strings on every call).
macro_rules! field {
    ($name:literal) => {{
        static ID: std::sync::LazyLock<u16> = std::sync::LazyLock::new(|| {
            let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
            lang.field_id_for_name($name).map_or(0, |f| f.get())
        });
        *ID
    }};
}

mod config;
mod excerpt;
mod names;
mod nosec;
mod notebook;
mod prefilter;
pub mod rules;
mod source;
mod syntax;
mod walk;

use palisade_core::{
    Checker, CheckerKind, Diagnostic, FileReport, Finding, RuleMeta, ScanContext, SourceFile, Span,
};

pub use config::{BanditConfig, Config, ConfigError};

use config::{fnmatch, Settings};
use source::Decoded;

/// The python checker.
pub struct PythonChecker {
    settings: Settings,
    rules: Vec<RuleMeta>,
    /// What the enabled rules need to see, to parse only those statements (`None`: parse
    /// every file whole). Built with the first Python file: a run without one pays nothing.
    prefilter: std::sync::OnceLock<Option<prefilter::Table>>,
    full_parse: bool,
}

impl PythonChecker {
    /// A checker with Bandit's defaults and palisade's `[python]` options.
    pub fn new(config: &Config) -> Self {
        Self::with_bandit_config(config, None).expect("the default configuration is valid")
    }

    /// A checker configured by a Bandit configuration as well (tests, skips, excludes and
    /// plugin options).
    pub fn with_bandit_config(
        config: &Config,
        bandit: Option<&BanditConfig>,
    ) -> Result<Self, ConfigError> {
        Ok(PythonChecker {
            settings: Settings::new(config, bandit)?,
            rules: rules::ALL.iter().map(|m| (*m).clone()).collect(),
            prefilter: std::sync::OnceLock::new(),
            full_parse: config.full_parse,
        })
    }

    /// Limits the checker to the rules a run will report (its `--select`/`--ignore`), so the
    /// prefilter and the walk do no work for the others. Call before the first file.
    pub fn restrict_to(&mut self, enabled: &dyn Fn(&str) -> bool) {
        let mut set = rules::RuleSet::EMPTY;
        for r in self.settings.enabled.iter() {
            if enabled(r.meta().id.as_ref()) {
                set.insert(r);
            }
        }
        self.settings.set_enabled(set);
        self.prefilter = std::sync::OnceLock::new();
    }

    fn prefilter(&self) -> Option<&prefilter::Table> {
        if self.full_parse {
            return None;
        }
        self.prefilter
            .get_or_init(|| prefilter::Table::new(&rules::triggers(&self.settings)))
            .as_ref()
    }

    /// Whether Bandit's `exclude_dirs` excludes a display path: a glob match, or the entry is
    /// a substring of the path (Bandit's rule), with a leading `./` ignored.
    fn excluded(&self, path: &str) -> bool {
        self.settings.exclude_dirs.iter().any(|e| {
            let e = e.strip_prefix("./").unwrap_or(e);
            !e.is_empty() && (fnmatch(path, e) || path.contains(e))
        })
    }
}

impl Checker for PythonChecker {
    fn kind(&self) -> CheckerKind {
        CheckerKind::Python
    }

    fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    fn applies_to(&self, path: &str) -> bool {
        let wanted = if self.settings.include.is_empty() {
            path.ends_with(".py") || path.ends_with(".pyi") || path.ends_with(".ipynb")
        } else {
            let base = path.rsplit('/').next().unwrap_or(path);
            self.settings
                .include
                .iter()
                .any(|g| fnmatch(path, g) || fnmatch(base, g))
        };
        wanted && !self.excluded(path)
    }

    fn check(&self, file: &SourceFile<'_>, _ctx: &ScanContext<'_>, out: &mut FileReport) {
        if file.path.ends_with(".ipynb") {
            return self.check_notebook(file, out);
        }
        let text = match source::decode(file.bytes, &file.text) {
            Decoded::Text(t) => t,
            Decoded::BomConflict(enc) => {
                out.diagnose(Diagnostic::error(
                    file.path,
                    format!("a UTF-8 byte order mark with a coding declaration for `{enc}`: Python refuses this file; not checked"),
                ).gap(palisade_core::Gap::Binary));
                return;
            }
            Decoded::UnknownEncoding(enc) => {
                out.diagnose(Diagnostic::error(
                    file.path,
                    format!("unknown source encoding `{enc}` in the coding declaration; file not checked"),
                ).gap(palisade_core::Gap::Binary));
                return;
            }
        };
        if file.is_lossy() && matches!(text, std::borrow::Cow::Borrowed(_)) {
            // CPython refuses such a file; we still check it with the bad bytes replaced.
            out.diagnose(Diagnostic::error(
                file.path,
                "not valid UTF-8 and no coding declaration (Python refuses it): invalid bytes were replaced before checking",
            ));
        }
        // Python ends a line at a lone CR as at LF; tree-sitter does not. One byte for one
        // keeps every offset.
        let text = if memchr_lone_cr(text.as_bytes()) {
            let mut b = text.into_owned().into_bytes();
            for i in 0..b.len() {
                if b[i] == b'\r' && b.get(i + 1) != Some(&b'\n') {
                    b[i] = b'\n';
                }
            }
            std::borrow::Cow::Owned(String::from_utf8(b).unwrap_or_default())
        } else {
            text
        };
        self.check_module(&text, file.path, None, out);
    }
}

impl PythonChecker {
    /// The code cells of a notebook, checked as one module; findings point at the notebook's
    /// own lines (see `notebook`).
    fn check_notebook(&self, file: &SourceFile<'_>, out: &mut FileReport) {
        match notebook::read(&file.text) {
            Ok(nb) => self.check_module(&nb.source, file.path, Some(&nb.lines), out),
            Err(notebook::NotPython::Invalid(why)) => out.diagnose(
                Diagnostic::error(
                    file.path,
                    format!("not a readable notebook ({why}): its code cells were not checked"),
                )
                .gap(palisade_core::Gap::Unparsable),
            ),
            Err(notebook::NotPython::Language(lang)) => out.diagnose(Diagnostic::note(
                file.path,
                format!("a notebook in {lang}, not Python: no code cell checked"),
            )),
        }
    }

    /// Checks one Python module. `origins` maps its lines to a notebook's (line `n` of the
    /// module is `origins[n - 1]`).
    fn check_module(
        &self,
        text: &str,
        path: &str,
        origins: Option<&[notebook::LineOrigin]>,
        out: &mut FileReport,
    ) {
        let file_line = |line: u32| match origins {
            Some(o) => o
                .get(line.saturating_sub(1) as usize)
                .map_or(line, |x| x.file_line),
            None => line,
        };
        let where_ = |line: u32| match origins.and_then(|o| o.get(line.saturating_sub(1) as usize))
        {
            Some(o) => format!("cell {}, line {}", o.cell, o.cell_line),
            None => format!("line {line}"),
        };
        let Some(outcome) = walk::check_source(text, path, &self.settings, self.prefilter()) else {
            out.diagnose(
                Diagnostic::error(path, "the Python parser gave up; file not checked")
                    .gap(palisade_core::Gap::Unparsable),
            );
            return;
        };
        if let Some((line, col)) = outcome.syntax_error {
            out.diagnose(
                Diagnostic::error(
                    path,
                    format!(
                        "syntax error at {}, column {col}: only the parts that parsed were checked",
                        where_(line)
                    ),
                )
                .gap(palisade_core::Gap::Unparsable)
                .at_line(file_line(line)),
            );
        }
        if let Some(line) = outcome.too_deep {
            out.diagnose(
                Diagnostic::error(
                    path,
                    format!("brackets nest deeper than {} levels at {} (CPython refuses this too): what is inside them was not checked", walk::MAX_BRACKET_DEPTH, where_(line)),
                )
                .at_line(file_line(line)),
            );
        }
        if outcome.unsplittable {
            out.diagnose(
                Diagnostic::warning(
                    path,
                    format!(
                        "{} of Python with a form feed or a NUL, which the statement splitter does not model, is more than one parse may take ({}): not checked",
                        human_bytes(text.len()),
                        human_bytes(prefilter::MAX_PARSE)
                    ),
                )
                .gap(palisade_core::Gap::TooLarge),
            );
        }
        for &(first, last, bytes) in &outcome.too_large {
            out.diagnose(
                Diagnostic::warning(
                    path,
                    format!(
                        "{} ({}) could not be cut into statements small enough for one parse ({}): not checked; the rest of the file was",
                        if first == last {
                            where_(first)
                        } else {
                            format!("from {} to {}", where_(first), where_(last))
                        },
                        human_bytes(bytes),
                        human_bytes(prefilter::MAX_PARSE)
                    ),
                )
                .gap(palisade_core::Gap::TooLarge)
                .at_line(file_line(first)),
            );
        }
        out.suppressed += outcome.suppressed;
        for &(rule, unlisted) in &outcome.unlisted {
            out.diagnose(Diagnostic::warning(
                path,
                format!(
                    "{} more {} findings in this file are not listed (only the first {MAX_FINDINGS_PER_RULE} of a rule per file are kept); fix or suppress the listed ones and check again",
                    unlisted,
                    rule.meta().id
                ),
            ));
        }
        if outcome.issues.is_empty() {
            return;
        }
        let lines = palisade_core::LineIndex::new(text);
        let mut cols = excerpt::CharColumns::default();
        for issue in outcome.issues {
            let mut f = to_finding(&issue, path, &lines, &mut cols);
            if let Some(o) = origins {
                notebook::relocate(&mut f, o);
            }
            out.push(f);
        }
    }
}

/// `1.5 MiB`, `812 KiB`, `300 bytes`.
fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MiB", n as f64 / f64::from(1 << 20))
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

pub use walk::MAX_FINDINGS_PER_RULE;

fn to_finding(
    issue: &walk::Issue,
    path: &str,
    lines: &palisade_core::LineIndex<'_>,
    cols: &mut excerpt::CharColumns,
) -> Finding {
    let meta = issue.rule.meta();
    let mut char_col = |line: u32, byte_col: u32| -> u32 {
        cols.column(line, lines.line_text(line), byte_col as usize)
    };
    let start_col = char_col(issue.node_line, issue.col);
    let (end_line, end_col) = if issue.end_line >= issue.line {
        (issue.end_line, char_col(issue.end_line, issue.end_col))
    } else {
        (issue.line, start_col)
    };
    let span = Span {
        start_line: issue.line,
        start_col,
        end_line,
        end_col,
    };
    // A bounded slice of a long line (`excerpt`): findings x line length must not add up.
    let whole_line = lines.line_text(issue.line);
    let at = if issue.node_line == issue.line {
        issue.col as usize
    } else {
        0
    };
    let line = &*excerpt::around(whole_line, at);
    let finding = |message: String| {
        Finding::new(
            meta.id.as_ref(),
            CheckerKind::Python,
            issue.severity,
            issue.confidence,
            meta.cwe,
            path,
            span,
            message,
        )
    };
    let f = finding(issue.message.clone());
    match issue.secret.as_deref() {
        // The password is quoted by the message and sits in the line: the redactor masks it
        // on the way out. The fingerprint follows the real line, so it never churns baselines.
        Some(secret) if !secret.is_empty() => {
            let f = f.with_identity(line.trim()).with_secret(secret);
            if whole_line.len() <= excerpt::MAX_LINE && line.contains(secret) {
                f.with_snippet(line)
            } else {
                // Escapes or concatenation make the source differ from the value, or a cut
                // could split it: the redactor could not find it there, so show no line.
                f
            }
        }
        _ => f.with_snippet(line),
    }
}

/// Whether `b` has a CR not followed by LF.
fn memchr_lone_cr(b: &[u8]) -> bool {
    // `contains` on bytes is a memchr: the common file has no CR at all.
    b.contains(&b'\r')
        && b.iter()
            .enumerate()
            .any(|(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n'))
}
