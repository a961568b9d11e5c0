//! The matching engine: one Aho-Corasick pass over the file finds every rule keyword; each
//! rule's regex (compiled on first need) then runs only on the lines holding its keywords.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::boundary;
use crate::decode;
use crate::noise;
use crate::rules::Rule;

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
    prefilter: AhoCorasick,
    /// The same automaton as a DFA: several times faster to scan with, but slower to build,
    /// so it is built only for scans of many files.
    prefilter_dfa: OnceLock<AhoCorasick>,
    keywords: Vec<String>,
    /// For each prefilter pattern, the rules that listed it.
    pattern_rules: Vec<Vec<u32>>,
}

impl Engine {
    pub fn new(rules: Vec<Rule>) -> Self {
        let mut keywords: Vec<&str> = Vec::new();
        let mut pattern_rules: Vec<Vec<u32>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (i, rule) in rules.iter().enumerate() {
            for k in &rule.keywords {
                let id = *index.entry(k.as_ref()).or_insert_with(|| {
                    keywords.push(k.as_ref());
                    pattern_rules.push(Vec::new());
                    keywords.len() - 1
                });
                if !pattern_rules[id].contains(&(i as u32)) {
                    pattern_rules[id].push(i as u32);
                }
            }
        }
        // A contiguous NFA builds in well under a millisecond for a few hundred keywords; a
        // DFA scans faster but costs milliseconds to build, which a one-file commit would pay.
        let prefilter = build_prefilter(&keywords, AhoCorasickKind::ContiguousNFA);
        let keywords = keywords.into_iter().map(str::to_string).collect();
        Engine {
            rules,
            prefilter,
            prefilter_dfa: OnceLock::new(),
            keywords,
            pattern_rules,
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
        self.scan_text(text, large_scan, windows, out, errors);
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
        let prefilter = if large_scan {
            self.prefilter_dfa
                .get_or_init(|| build_prefilter(&self.keywords, AhoCorasickKind::DFA))
        } else {
            &self.prefilter
        };
        for hit in prefilter.find_overlapping_iter(text) {
            if !(line.start <= hit.start() && hit.start() < line.end) {
                line = line_around(bytes, hit.start());
            }
            for &r in &self.pattern_rules[hit.pattern().as_usize()] {
                let end = if self.rules[r as usize].multiline {
                    let limit = (line.start + MULTILINE_WINDOW).min(bytes.len());
                    line_end(bytes, limit)
                } else {
                    line.end
                };
                windows.push((r, line.start, end));
            }
        }
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
        while pos <= hay.len() {
            // `find_at` does not allocate; capture slots are only made for a real match.
            let Some(m) = re.find_at(hay, pos) else { break };
            // A provider name inside another word (`okta` in `rookTable`) is no match; a
            // later occurrence on the line may still be, so search on from the next byte.
            if rule.name_anchored && !boundary::name_at_boundary(hay, m.start(), &rule.keywords)
            {
                pos = m.start() + 1;
                continue;
            }
            pos = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            let Some(caps) = re.captures_at(hay, m.start()) else {
                continue;
            };
            // The secret is the first group that took part in the match (alternatives may
            // capture in different groups), or the whole match.
            let Some(g) = caps.iter().skip(1).flatten().next().or_else(|| caps.get(0)) else {
                continue;
            };
            // Byte-oriented regexes may cut a multi-byte character; such a match is not a token.
            let (Some(secret), Some(context)) =
                (text.get(g.range()), text.get(m.start()..g.start()))
            else {
                continue;
            };
            // A token-shaped part of a file name (`ico-<32 characters>.png`) is no token.
            if secret.is_empty() || boundary::file_extension_follows(text.as_bytes(), g.end()) {
                continue;
            }
            let rejected = match passes_filters(rule, secret, context, text, g.start()) {
                Verdict::Pass => false,
                Verdict::Invalid if !rule.generic => true,
                _ => continue,
            };
            out.push(RawMatch {
                rule: r,
                secret: g.range(),
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
            if noise::is_generic_noise(secret, &text[line], context) {
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

fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |p| at + p)
}
