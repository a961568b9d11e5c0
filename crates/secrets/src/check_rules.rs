//! Proving a rules file: every `examples` entry must be found by its rule, no
//! `negative_examples` entry may be. Used by the tests for the built-in rules and by
//! `palisade rules --check FILE` for user rules.
//!
//! Examples may hold generators, so rule files need no realistic-looking token literals
//! (which secret scanners, push protection included, would rightly flag):
//! `{{base62:N}}`, `{{alnum:N}}` (lower-case letters and digits), `{{ALNUM:N}}`,
//! `{{hex:N}}`, `{{HEX:N}}`, `{{base64:N}}`, `{{base64url:N}}`, `{{lower:N}}`, `{{upper:N}}`,
//! `{{digits:N}}`, `{{pem-body}}` (several lines of base64), `{{crc32:N}}` (GitHub-style
//! checksum of the N characters before it), `{{pypi}}` (a PyPI token body), `{{jwt}}`
//! (a structurally valid JWT). Generated characters are pseudo-random but deterministic.
//! `{{encode:HOW}}...{{/encode}}` encodes what is between (`base64`, `hex`, `percent`,
//! `unicode`, `json`), so examples can prove that encoded secrets are decoded and found.

use std::fmt::Write as _;

use crate::engine::Engine;
use crate::rules::Rule;
use crate::spec::{RuleFile, RuleSpec};
use crate::validate;

/// The outcome of one example.
#[derive(Debug, Clone)]
pub struct ExampleResult {
    pub rule_id: String,
    /// Whether this was a positive (`examples`) or negative (`negative_examples`) case.
    pub positive: bool,
    /// The example after generators were expanded.
    pub text: String,
    pub passed: bool,
}

/// A deterministic generator (xorshift64*), seeded per example.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
        Rng(h | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn pick(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[(self.next_u64() >> 33) as usize % alphabet.len()] as char)
            .collect()
    }
}

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode_base64(bytes: &[u8], alphabet: &[u8], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with padding.
pub fn encode_base64_std(bytes: &[u8]) -> String {
    encode_base64(bytes, B64, true)
}

/// `plain` encoded as an `{{encode:HOW}}` block asks: `base64`, `hex`, `percent` (every byte),
/// `unicode` (`\uXXXX` per character), `json` (quotes and backslashes escaped).
fn encode(how: &str, plain: &str) -> String {
    match how {
        "base64" => encode_base64(plain.as_bytes(), B64, true),
        "hex" => plain.bytes().map(|b| format!("{b:02x}")).collect(),
        "percent" => plain.bytes().map(|b| format!("%{b:02X}")).collect(),
        "unicode" => plain
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect(),
        "json" => plain.replace('\\', "\\\\").replace('"', "\\\""),
        _ => plain.to_string(),
    }
}

/// Expands the generators in an example (see the module docs).
pub fn expand_example(template: &str, seed: &str) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    let mut encodings: Vec<(&str, usize)> = Vec::new();
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let spec = &rest[open + 2..open + close];
        rest = &rest[open + close + 2..];
        // `{{encode:base64}}...{{/encode}}`: the expanded text between them, encoded.
        if let Some(how) = spec.strip_prefix("encode:") {
            encodings.push((how.trim(), out.len()));
            continue;
        }
        if spec == "/encode" {
            if let Some((how, start)) = encodings.pop() {
                let plain = out.split_off(start);
                out.push_str(&encode(how, &plain));
            }
            continue;
        }
        let (kind, n) = match spec.split_once(':') {
            Some((k, n)) => (k, n.trim().parse::<usize>().unwrap_or(0)),
            None => (spec, 0),
        };
        match kind.trim() {
            "base62" => out.push_str(&rng.pick(B62, n)),
            "alnum" => out.push_str(&rng.pick(b"abcdefghijklmnopqrstuvwxyz0123456789", n)),
            "ALNUM" => out.push_str(&rng.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n)),
            "hex" => out.push_str(&rng.pick(b"0123456789abcdef", n)),
            "HEX" => out.push_str(&rng.pick(b"0123456789ABCDEF", n)),
            "base64" => out.push_str(&rng.pick(B64, n)),
            "base64url" => out.push_str(&rng.pick(B64URL, n)),
            "lower" => out.push_str(&rng.pick(b"abcdefghijklmnopqrstuvwxyz", n)),
            "upper" => out.push_str(&rng.pick(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", n)),
            "digits" => out.push_str(&rng.pick(b"0123456789", n)),
            "crc32" => {
                let start = out.len().saturating_sub(n);
                let sum = validate::crc32_base62_suffix(&out[start..]);
                out.push_str(&sum);
            }
            "pem-body" => {
                for _ in 0..8 {
                    out.push_str(&rng.pick(B64, 64));
                    out.push('\n');
                }
                out.push_str(&rng.pick(B64, 20));
                out.push_str("==");
            }
            "pypi" => {
                let mut bytes = vec![2u8, 1, 8];
                bytes.extend_from_slice(b"pypi.org");
                bytes.extend_from_slice(&[2, 32]);
                bytes.extend(rng.pick(B62, 32).bytes());
                bytes.extend_from_slice(&[0, 2, 32]);
                bytes.extend(rng.pick(B62, 32).bytes());
                out.push_str(&encode_base64(&bytes, B64URL, false));
            }
            "jwt" => {
                let header = encode_base64(br#"{"alg":"HS256","typ":"JWT"}"#, B64URL, false);
                let claims = format!(
                    r#"{{"sub":"{}","name":"{}","iat":{}}}"#,
                    rng.pick(b"0123456789", 10),
                    rng.pick(b"abcdefghijklmnopqrstuvwxyz", 8),
                    1_700_000_000 + rng.next_u64() % 10_000_000
                );
                let payload = encode_base64(claims.as_bytes(), B64URL, false);
                let _ = write!(out, "{header}.{payload}.{}", rng.pick(B64URL, 43));
            }
            _ => {
                // Not a generator: keep it verbatim (a template in a negative example).
                let _ = write!(out, "{{{{{spec}}}}}");
            }
        }
    }
    out.push_str(rest);
    out
}

/// Checks every example of every rule of a parsed rules file against an engine holding
/// exactly those rules. `Err` for a rule that is itself invalid (bad id, regex...).
pub fn check_specs(specs: &[RuleSpec]) -> Result<Vec<ExampleResult>, String> {
    let rules = specs
        .iter()
        .map(Rule::from_spec)
        .collect::<Result<Vec<_>, _>>()?;
    let engine = Engine::new(rules);
    let mut results = Vec::new();
    for spec in specs {
        for (positive, list) in [(true, &spec.examples), (false, &spec.negative_examples)] {
            for (i, template) in list.iter().enumerate() {
                let text = expand_example(template, &format!("{}#{i}", spec.id));
                let found = found_by(&engine, &text, &spec.id);
                results.push(ExampleResult {
                    rule_id: spec.id.clone(),
                    positive,
                    text,
                    passed: found == positive,
                });
            }
        }
    }
    Ok(results)
}

/// Parses a rules file and checks it (see [`check_specs`]).
pub fn check_rules_yaml(text: &str) -> Result<Vec<ExampleResult>, String> {
    palisade_core::nesting::check_yaml_flow_depth(text, palisade_core::nesting::MAX_YAML_DEPTH)
        .map_err(|e| e.to_string())?;
    let file: RuleFile = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    check_specs(&file.rules)
}

fn found_by(engine: &Engine, text: &str, id: &str) -> bool {
    let mut windows = Vec::new();
    let mut raw = Vec::new();
    let mut errors = Vec::new();
    let _truncated = engine.scan(text, false, &mut windows, &mut raw, &mut errors);
    raw.iter()
        .any(|m| !m.rejected && engine.rules[m.rule].id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators() {
        let s = expand_example("ghp_{{base62:30}}{{crc32:30}}", "x");
        assert_eq!(s.len(), 40);
        assert!(validate::Validator::Crc32Base62.check(&s));
        assert_eq!(
            expand_example("a{{hex:4}}b", "s"),
            expand_example("a{{hex:4}}b", "s")
        );
        assert!(validate::Validator::Jwt.check(&expand_example("{{jwt}}", "j")));
        assert!(validate::Validator::PypiMacaroon.check(&expand_example("pypi-{{pypi}}", "p")));
        assert_eq!(expand_example("${{ secrets.X }}", "s"), "${{ secrets.X }}");
        assert_eq!(
            expand_example("x{{encode:hex}}ab{{/encode}}y", "s"),
            "x6162y"
        );
        assert_eq!(
            expand_example("{{encode:base64}}hello{{/encode}}", "s"),
            "aGVsbG8="
        );
        assert_eq!(
            expand_example(
                "{{encode:base64}}a{{encode:percent}}b{{/encode}}{{/encode}}",
                "s"
            ),
            encode_base64_std(b"a%62")
        );
        assert_eq!(
            expand_example("{{encode:unicode}}A{{/encode}}", "s"),
            "\\u0041"
        );
        let t = expand_example(
            "{{encode:base64}}ghp_{{base62:30}}{{crc32:30}}{{/encode}}",
            "c",
        );
        let plain = validate::decode_base64(t.as_bytes(), false).unwrap();
        assert!(validate::Validator::Crc32Base62.check(std::str::from_utf8(&plain).unwrap()));
    }
}
