//! Rules at run time: the built-in table generated from `rules/*.yaml` by `build.rs`, user
//! rules parsed from YAML, and each rule's regex compiled on first need.

use std::borrow::Cow;
use std::sync::OnceLock;

use palisade_core::{CheckerKind, Confidence, RuleMeta, Severity};
use regex_automata::meta::Regex;

use crate::spec::{self, RuleSpec};
use crate::validate::Validator;

/// A built-in rule as `build.rs` emits it: all borrowed, so loading costs nothing.
pub(crate) struct StaticRule {
    pub id: &'static str,
    pub name: &'static str,
    pub provider: &'static str,
    pub regex: &'static str,
    pub keywords: &'static [Cow<'static, str>],
    pub min_entropy: Option<f64>,
    pub validator: Option<&'static str>,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: u32,
    pub summary: &'static str,
    pub doc: &'static str,
    pub multiline: bool,
    pub generic: bool,
    pub skip_noise_filter: bool,
    pub identifier: bool,
    pub name_anchored: bool,
    /// The regex uses the shared assignment grammar (`{{assign}}`, `{{assign-op}}`).
    pub assign_grammar: bool,
    pub pair: Option<(&'static str, u32)>,
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Upper bound on a compiled rule regex, so a user rule cannot take unbounded memory.
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// One rule ready to scan with.
#[derive(Debug)]
pub struct Rule {
    pub id: Cow<'static, str>,
    pub name: Cow<'static, str>,
    pub provider: Cow<'static, str>,
    /// Regex source with macros expanded.
    pub regex: Cow<'static, str>,
    /// Lower-case keywords.
    pub keywords: Cow<'static, [Cow<'static, str>]>,
    pub min_entropy: Option<f64>,
    pub validator: Option<Validator>,
    pub severity: Severity,
    pub confidence: Confidence,
    pub cwe: u32,
    pub multiline: bool,
    pub generic: bool,
    pub skip_noise_filter: bool,
    /// Only a pair's companion, never a finding alone.
    pub identifier: bool,
    /// The regex starts with the provider's name (see [`spec::is_name_anchored`]): a match
    /// counts only where that name starts at a word or camelCase boundary.
    pub name_anchored: bool,
    /// The regex uses the shared assignment grammar (`{{assign}}`, `{{assign-op}}`).
    pub assign_grammar: bool,
    pub pair: Option<(Cow<'static, str>, u32)>,
    compiled: OnceLock<Result<Regex, String>>,
}

impl Rule {
    /// The compiled regex, compiled now if this is the first use.
    pub fn regex(&self) -> Result<&Regex, &str> {
        self.compiled
            .get_or_init(|| compile(&self.regex))
            .as_ref()
            .map_err(String::as_str)
    }

    pub(crate) fn from_static(s: &'static StaticRule) -> Self {
        Rule {
            id: Cow::Borrowed(s.id),
            name: Cow::Borrowed(s.name),
            provider: Cow::Borrowed(s.provider),
            regex: Cow::Borrowed(s.regex),
            keywords: Cow::Borrowed(s.keywords),
            min_entropy: s.min_entropy,
            validator: s.validator.and_then(Validator::from_name),
            severity: s.severity,
            confidence: s.confidence,
            cwe: s.cwe,
            multiline: s.multiline,
            generic: s.generic,
            skip_noise_filter: s.skip_noise_filter,
            identifier: s.identifier,
            name_anchored: s.name_anchored,
            assign_grammar: s.assign_grammar,
            pair: s.pair.map(|(id, n)| (Cow::Borrowed(id), n)),
            compiled: OnceLock::new(),
        }
    }

    /// A user rule; checks everything the build checks for built-ins, and compiles the regex
    /// now so a broken rule is reported at start rather than silently never matching.
    pub fn from_spec(s: &RuleSpec) -> Result<Self, String> {
        spec::lint(s)?;
        let regex = spec::expand_macros(&s.regex);
        let compiled = compile(&regex).map_err(|e| format!("{}: {e}", s.id))?;
        let cell = OnceLock::new();
        let _ = cell.set(Ok(compiled));
        Ok(Rule {
            id: Cow::Owned(s.id.clone()),
            name: Cow::Owned(s.name.clone()),
            provider: Cow::Owned(s.provider.clone()),
            regex: Cow::Owned(regex),
            keywords: Cow::Owned(
                s.keywords
                    .iter()
                    .map(|k| Cow::Owned(k.to_ascii_lowercase()))
                    .collect(),
            ),
            min_entropy: s.min_entropy,
            validator: s.validator.as_deref().and_then(Validator::from_name),
            severity: s.severity.parse().map_err(|e| format!("{}: {e}", s.id))?,
            confidence: s.confidence.parse().map_err(|e| format!("{}: {e}", s.id))?,
            cwe: s.cwe.unwrap_or(798),
            multiline: s.multiline,
            generic: s.generic,
            skip_noise_filter: s.skip_noise_filter,
            identifier: s.identifier,
            name_anchored: spec::is_name_anchored(&s.regex),
            assign_grammar: s.regex.contains("{{assign"),
            pair: s
                .pair
                .as_ref()
                .map(|p| (Cow::Owned(p.with.clone()), p.within_lines)),
            compiled: cell,
        })
    }
}

/// Rule regexes run over bytes with ASCII semantics (`\w`, `\d`, `\s`, `(?i)` are ASCII):
/// tokens are ASCII, and Unicode classes would make every counted repetition a large
/// automaton, slow to compile on first use.
///
/// The settings are the `regex` crate's for a `bytes::Regex` (leftmost-first, same syntax, same
/// matches), minus two things built at compile time that a rule does not need, which were most
/// of a one-file run's cost: the literal prefilters (the keyword prefilter already put the
/// regex on the few lines that can match) and the one-pass DFA for captures (only a real match
/// asks for its groups, and the PikeVM answers that). Every engine of `regex-automata` reports
/// the same leftmost-first matches and groups, so findings do not change.
fn compile(src: &str) -> Result<Regex, String> {
    let config = Regex::config()
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(false)
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(2 << 20)
        .auto_prefilter(false)
        .onepass(false);
    regex_automata::meta::Builder::new()
        .configure(config)
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .build(src)
        .map_err(|e| e.to_string())
}

/// Metadata of a built-in rule; its documentation was assembled by `build.rs`.
pub(crate) fn static_meta(s: &'static StaticRule) -> RuleMeta {
    RuleMeta {
        id: Cow::Borrowed(s.id),
        name: Cow::Borrowed(s.id),
        checker: CheckerKind::Secrets,
        severity: s.severity,
        confidence: s.confidence,
        cwe: Some(s.cwe),
        summary: Cow::Borrowed(s.summary),
        doc: Cow::Borrowed(s.doc),
        default_enabled: true,
    }
}

/// Metadata of a user rule.
pub(crate) fn spec_meta(s: &RuleSpec, rule: &Rule) -> RuleMeta {
    let mut doc = format!(
        "## What it does\n{} The rule comes from the project's configuration.",
        crate::spec::finds(&s.name, &s.provider)
    );
    if let Some(d) = &s.description {
        doc.push(' ');
        doc.push_str(d);
    }
    if !s.references.is_empty() {
        doc.push_str("\n\n## References\n");
        for r in &s.references {
            doc.push_str(&format!("- {r}\n"));
        }
    }
    RuleMeta {
        id: Cow::Owned(s.id.clone()),
        name: Cow::Owned(s.id.clone()),
        checker: CheckerKind::Secrets,
        severity: rule.severity,
        confidence: rule.confidence,
        cwe: Some(rule.cwe),
        summary: Cow::Owned(crate::spec::title(&s.name, &s.provider)),
        doc: Cow::Owned(doc),
        default_enabled: true,
    }
}
