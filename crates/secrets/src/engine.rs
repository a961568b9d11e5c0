//! The matching engine: one Aho-Corasick pass over the file finds every rule keyword; each
//! rule's regex (compiled on first need) then runs only on the lines holding its keywords.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex_automata::Input;

use crate::boundary;
use crate::decode;
use crate::noise;
use crate::prefilter::{static_hits, Prefilter};
use crate::rules::{Rule, BUILTIN, KEYWORDS, KEYWORD_RULES};

/// How far past its keyword's line a multi-line rule (a PEM block) may reach.
const MULTILINE_WINDOW: usize = 64 * 1024;

/// Prefilter windows: (rule, start, end) byte ranges to run a rule's regex on.
pub type Windows = Vec<(u32, usize, usize)>;

/// One rule match that passed the rule's own filters (entropy, noise, validator).
#[derive(Debug, Clone)]
pub struct RawMatch {
    pub rule: usize,
    /// Byte range of the secret (the capture group) in the text.
    pub secret: Range<usize>,
    /// The value has a provider's format but failed its checksum or structure check: not a
    /// finding, and it keeps generic rules from reporting the same value.
    pub rejected: bool,
    /// Found in decoded text: `secret` is then the encoded text in the file.
    pub decoded: Option<Box<DecodedMatch>>,
}

/// What a match in decoded text was encoded with, and the decoded secret.
#[derive(Debug, Clone)]
pub struct DecodedMatch {
    /// The encodings from the file inwards (`base64`, then `percent`).
    pub chain: Vec<decode::Encoding>,
    pub value: String,
}

impl DecodedMatch {
    /// `base64 → percent`.
    pub fn chain_text(&self) -> String {
        let names: Vec<&str> = self.chain.iter().map(|e| e.name()).collect();
        names.join(" → ")
    }
}

/// A regex that failed to compile (only possible for user rules loaded without checks).
#[derive(Debug, Clone)]
pub struct RuleError {
    pub rule: usize,
    pub message: String,
}

pub struct Engine {
    pub rules: Vec<Rule>,
    /// The keywords, or `None` when they are the built-in rules' (then the build-time tables
    /// hold them, and the static prefilter applies).
    custom: Option<Keywords>,
    /// Built on first need: for custom rules, or when the static table is not wanted.
    prefilter_nfa: OnceLock<AhoCorasick>,
    /// The same automaton as a DFA: several times faster to scan with, but slower to build,
    /// so it is built only for scans of many files.
    prefilter_dfa: OnceLock<AhoCorasick>,
}

/// Keywords of a rule set other than the built-in one, numbered as `build.rs` numbers the
/// built-in ones.
struct Keywords {
    keywords: Vec<String>,
    /// For each keyword, the rules that listed it.
    rules: Vec<Vec<u32>>,
}

impl Engine {
    pub fn new(rules: Vec<Rule>) -> Self {
        let builtin =
            rules.len() == BUILTIN.len() && rules.iter().zip(BUILTIN).all(|(r, b)| r.id == b.id);
        let custom = (!builtin).then(|| {
            let mut keywords: Vec<String> = Vec::new();
            let mut by_keyword: Vec<Vec<u32>> = Vec::new();
            let mut index = std::collections::HashMap::new();
            for (i, rule) in rules.iter().enumerate() {
                for k in rule.keywords.iter() {
                    let id = *index.entry(k.to_string()).or_insert_with(|| {
                        keywords.push(k.to_string());
                        by_keyword.push(Vec::new());
                        keywords.len() - 1
                    });
                    if !by_keyword[id].contains(&(i as u32)) {
                        by_keyword[id].push(i as u32);
                    }
                }
            }
            Keywords {
                keywords,
                rules: by_keyword,
            }
        });
        Engine {
            rules,
            custom,
            prefilter_nfa: OnceLock::new(),
            prefilter_dfa: OnceLock::new(),
        }
    }

    fn keywords(&self) -> Vec<&str> {
        match &self.custom {
            Some(c) => c.keywords.iter().map(String::as_str).collect(),
            None => KEYWORDS.to_vec(),
        }
    }

    fn keyword_rules(&self, keyword: usize) -> &[u32] {
        match &self.custom {
            Some(c) => &c.rules[keyword],
            None => KEYWORD_RULES[keyword],
        }
    }

    /// The prefilter a scan uses: the DFA for large scans, else the build-time table when the
    /// rules are the built-in ones, else the NFA.
    fn choose(&self, large_scan: bool) -> Prefilter {
        match (large_scan, &self.custom) {
            (true, _) => Prefilter::Dfa,
            (false, None) => Prefilter::Static,
            (false, Some(_)) => Prefilter::Nfa,
        }
    }

    /// Every keyword hit in `text` as (keyword id, start), found with `kind`, sorted; `None`
    /// when `kind` is the static table and the rules are not the built-in ones. For tests that
    /// prove the prefilters agree.
    pub fn keyword_hits(&self, text: &str, kind: Prefilter) -> Option<Vec<(usize, usize)>> {
        if kind == Prefilter::Static && self.custom.is_some() {
            return None;
        }
        let mut hits = Vec::new();
        self.for_each_hit(text, kind, |k, at| hits.push((k, at)));
        hits.sort_unstable();
        Some(hits)
    }

    fn for_each_hit(&self, text: &str, kind: Prefilter, mut hit: impl FnMut(usize, usize)) {
        let automaton = match kind {
            Prefilter::Static => return static_hits(text.as_bytes(), hit),
            // A contiguous NFA builds in well under a millisecond for a few hundred keywords;
            // a DFA scans faster but costs milliseconds to build.
            Prefilter::Nfa => self
                .prefilter_nfa
                .get_or_init(|| build_prefilter(&self.keywords(), AhoCorasickKind::ContiguousNFA)),
            Prefilter::Dfa => self
                .prefilter_dfa
                .get_or_init(|| build_prefilter(&self.keywords(), AhoCorasickKind::DFA)),
        };
        for m in automaton.find_overlapping_iter(text) {
            hit(m.pattern().as_usize(), m.start());
        }
    }

    /// Finds every match of every rule in `text` and in what its encoded parts decode to
    /// (see [`decode`]). `windows` is scratch space reused between files by the caller;
    /// `large_scan` selects the faster-scanning DFA prefilter, worth building when many files
    /// are scanned. Returns whether decoding stopped at its byte budget.
    pub fn scan(
        &self,
        text: &str,
        large_scan: bool,
        windows: &mut Windows,
        out: &mut Vec<RawMatch>,
        errors: &mut Vec<RuleError>,
    ) -> bool {
        // `ENV NAME value` and `set -gx NAME value` are scanned as `NAME=value`: same length,
        // so the ranges found are the text's own.
        match crate::spaced::as_operators(text) {
            Some(view) => self.scan_text(&view, large_scan, windows, out, errors),
            None => self.scan_text(text, large_scan, windows, out, errors),
        }
        let decoded = decode::decode_all(text, decode::budget_for(text.len()));
        let mut inner = Vec::new();
        for (i, layer) in decoded.layers.iter().enumerate() {
            inner.clear();
            self.scan_text(&layer.text, large_scan, windows, &mut inner, errors);
            for m in inner.drain(..) {
                // An escape or percent layer is a whole line: what it finds unchanged, the
                // file's own scan found at the same place, and the overlap resolution keeps
                // that one.
                let secret = decoded.to_root(i, m.secret.clone());
                out.push(RawMatch {
                    rule: m.rule,
                    rejected: m.rejected,
                    decoded: Some(Box::new(DecodedMatch {
                        chain: decoded.chain(i),
                        value: layer.text[m.secret].to_string(),
                    })),
                    secret,
                });
            }
        }
        decoded.truncated
    }

    /// Finds every match of every rule in `text` itself.
    fn scan_text(
        &self,
        text: &str,
        large_scan: bool,
        windows: &mut Windows,
        out: &mut Vec<RawMatch>,
        errors: &mut Vec<RuleError>,
    ) {
        windows.clear();
        let bytes = text.as_bytes();
        let mut line = 0..0;
        self.for_each_hit(text, self.choose(large_scan), |keyword, start| {
            if !(line.start <= start && start < line.end) {
                line = line_around(bytes, start);
            }
            for &r in self.keyword_rules(keyword) {
                let end = if self.rules[r as usize].multiline {
                    let limit = (line.start + MULTILINE_WINDOW).min(bytes.len());
                    line_end(bytes, limit)
                } else {
                    after_open_element(bytes, line.end)
                };
                windows.push((r, line.start, end));
            }
        });
        if windows.is_empty() {
            return;
        }
        windows.sort_unstable();
        let mut i = 0;
        while i < windows.len() {
            let (rule, start, mut end) = windows[i];
            let mut j = i + 1;
            while j < windows.len() && windows[j].0 == rule && windows[j].1 <= end {
                end = end.max(windows[j].2);
                j += 1;
            }
            self.run_rule(rule as usize, text, start..end, out, errors);
            i = j;
        }
    }

    fn run_rule(
        &self,
        r: usize,
        text: &str,
        window: Range<usize>,
        out: &mut Vec<RawMatch>,
        errors: &mut Vec<RuleError>,
    ) {
        let rule = &self.rules[r];
        let re = match rule.regex() {
            Ok(re) => re,
            Err(e) => {
                if !errors.iter().any(|x| x.rule == r) {
                    errors.push(RuleError {
                        rule: r,
                        message: e.to_string(),
                    });
                }
                return;
            }
        };
        // The haystack ends at the window but starts at the text's start, so `\b` and `^`
        // see the real preceding character.
        let hay = &text.as_bytes()[..window.end];
        // From the line break before the window, so a `{{start}}` boundary class can
        // consume it for a token at the start of a line.
        let mut pos = window.start.saturating_sub(1);
        let mut caps = None;
        while pos <= hay.len() {
            // A search without captures allocates nothing; groups are only asked of a match.
            let Some(m) = re.search(&Input::new(hay).range(pos..)) else {
                break;
            };
            // A provider name inside another word (`okta` in `rookTable`) is no match; a
            // later occurrence on the line may still be, so search on from the next byte.
            if rule.name_anchored && !boundary::name_at_boundary(hay, m.start(), &rule.keywords[..])
            {
                pos = m.start() + 1;
                continue;
            }
            pos = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            let caps = caps.get_or_insert_with(|| re.create_captures());
            re.search_captures(&Input::new(hay).range(m.start()..), caps);
            // The secret is the first group that took part in the match (alternatives may
            // capture in different groups), or the whole match.
            let Some(g) = (1..caps.group_len())
                .find_map(|i| caps.get_group(i))
                .or_else(|| caps.get_group(0))
            else {
                continue;
            };
            let g = g.range();
            // Byte-oriented regexes may cut a multi-byte character; such a match is not a token.
            let (Some(secret), Some(context)) = (text.get(g.clone()), text.get(m.start()..g.start))
            else {
                continue;
            };
            // A token-shaped part of a file name (`ico-<32 characters>.png`) is no token.
            if secret.is_empty() || boundary::file_extension_follows(text.as_bytes(), g.end) {
                continue;
            }
            let rejected = match passes_filters(rule, secret, context, text, g.start) {
                Verdict::Pass => false,
                Verdict::Invalid if !rule.generic => true,
                _ => continue,
            };
            out.push(RawMatch {
                rule: r,
                secret: g,
                rejected,
                decoded: None,
            });
        }
    }
}

fn build_prefilter<S: AsRef<[u8]>>(keywords: &[S], kind: AhoCorasickKind) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(keywords)
        .expect("keywords form a valid automaton")
}

enum Verdict {
    Pass,
    /// Noise: a placeholder, a reference, too little entropy.
    Noise,
    /// The right shape, but the checksum or structure is wrong.
    Invalid,
}

fn passes_filters(rule: &Rule, secret: &str, context: &str, text: &str, at: usize) -> Verdict {
    if let Some(min) = rule.min_entropy {
        if noise::shannon_entropy(secret) < min {
            return Verdict::Noise;
        }
    }
    if !rule.skip_noise_filter {
        if rule.generic {
            let line = line_around(text.as_bytes(), at);
            let before = text.get(line.start..at - context.len()).unwrap_or("");
            if noise::is_generic_noise(secret, &text[line], context)
                || (rule.assign_grammar && !noise::comma_form_is_setter(context, before))
            {
                return Verdict::Noise;
            }
        } else if noise::is_placeholder(secret) {
            return Verdict::Noise;
        }
    }
    match rule.validator {
        Some(v) if !v.check(secret) => Verdict::Invalid,
        _ => Verdict::Pass,
    }
}

/// The byte range of the line holding `at`, without its line ending.
pub fn line_around(bytes: &[u8], at: usize) -> Range<usize> {
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
    start..line_end(bytes, at)
}

/// Where a single-line rule's window ends for a line ending at `end`: the line, or with the
/// next line when this one ends with `>` (an XML element whose value is on the next line:
/// `<apiKey>` / `  value` / `</apiKey>`).
fn after_open_element(bytes: &[u8], end: usize) -> usize {
    let body = &bytes[..end];
    let last = body
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r'));
    match last {
        Some(i) if body[i] == b'>' && end < bytes.len() => line_end(bytes, end + 1),
        _ => end,
    }
}

fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |p| at + p)
}
