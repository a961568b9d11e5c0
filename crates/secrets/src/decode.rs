//! Encoded secrets: base64 (standard and URL-safe), hex, percent-encoding and string escapes
//! (`\uXXXX`, `\xXX`, JSON's `\"`) are decoded and the result is scanned like any text, so a
//! token hidden in `DOCKER_AUTH_CONFIG`'s escaped JSON, a Kubernetes secret's base64 or a
//! URL-encoded form is found. Decoded text is decoded again, up to [`MAX_DEPTH`] layers.
//!
//! Every layer knows where it came from, so a finding points at the encoded text in the file:
//! a base64 or hex layer maps back to its whole encoded run, an escape or percent layer (one
//! decoded line) byte by byte to the characters that encoded the secret.
//!
//! Cost stays linear: each layer is decoded from disjoint runs or lines of its parent, decoding
//! never grows text, depth is bounded, and the bytes decoded per file are capped
//! ([`budget_for`]); a file that reaches the cap says so instead of passing silently. Runs that
//! do not decode to printable text are dropped after their first few bytes.

use std::ops::Range;

use crate::validate::decode_base64;

/// How many times decoded text is decoded again (betterleaks decodes to depth 5 too).
pub const MAX_DEPTH: u8 = 5;
/// The shortest base64 run worth decoding: 15 bytes, shorter than any token worth finding.
const MIN_BASE64: usize = 20;
/// The shortest hex run worth decoding.
const MIN_HEX: usize = 32;
/// How many leading characters of a run must decode to printable text before the whole run
/// is decoded.
const PROBE: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Base64,
    Base64Url,
    Hex,
    Percent,
    Escape,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
            Encoding::Escape => "escapes",
        }
    }
}

/// One decoded text and where it came from.
#[derive(Debug)]
pub struct Layer {
    pub text: String,
    pub encoding: Encoding,
    /// The layer it was decoded from; `None` for the file itself.
    pub parent: Option<usize>,
    pub depth: u8,
    /// The encoded range in the parent's text.
    span: Range<usize>,
    /// For line layers (escapes, percent): the parent offset where the encoding of each
    /// decoded byte starts, plus the span's end. Empty for run layers (base64, hex), which
    /// map to their whole span.
    offsets: Vec<u32>,
}

/// Every decoded layer of a file.
#[derive(Debug, Default)]
pub struct Decoded {
    pub layers: Vec<Layer>,
    /// The byte budget ran out: some encoded text was left undecoded.
    pub truncated: bool,
}

/// Bytes a file of `len` bytes may decode in all: twice its size, at least 64 KiB, at most
/// 16 MiB.
pub fn budget_for(len: usize) -> usize {
    (len.saturating_mul(2)).clamp(64 << 10, 16 << 20)
}

impl Decoded {
    /// The range of the file's text that encodes `range` of layer `layer`.
    pub fn to_root(&self, mut layer: usize, mut range: Range<usize>) -> Range<usize> {
        loop {
            let l = &self.layers[layer];
            range = if l.offsets.is_empty() {
                l.span.clone()
            } else {
                let at = |i: usize| l.offsets[i.min(l.offsets.len() - 1)] as usize;
                at(range.start)..at(range.end).max(at(range.start))
            };
            match l.parent {
                Some(p) => layer = p,
                None => return range,
            }
        }
    }

    /// The encodings from the file inwards: `[Escape, Base64]` for base64 inside escaped JSON.
    pub fn chain(&self, mut layer: usize) -> Vec<Encoding> {
        let mut chain = vec![self.layers[layer].encoding];
        while let Some(p) = self.layers[layer].parent {
            chain.push(self.layers[p].encoding);
            layer = p;
        }
        chain.reverse();
        chain
    }
}

/// Decodes every encoded run and line of `text`, and of what they decode to, within `budget`
/// bytes of decoded text.
pub fn decode_all(text: &str, budget: usize) -> Decoded {
    let mut out = Decoded::default();
    let mut used = 0usize;
    let mut next = 0usize;
    children(text, None, 0, &mut out, &mut used, budget);
    while next < out.layers.len() {
        let depth = out.layers[next].depth;
        if depth < MAX_DEPTH {
            // Taken out and put back so the layer's text can be read while children are added.
            let text = std::mem::take(&mut out.layers[next].text);
            children(&text, Some(next), depth, &mut out, &mut used, budget);
            out.layers[next].text = text;
        }
        next += 1;
    }
    out
}

fn push(out: &mut Decoded, used: &mut usize, budget: usize, layer: Layer) {
    if *used + layer.text.len() > budget {
        out.truncated = true;
        return;
    }
    *used += layer.text.len();
    out.layers.push(layer);
}

/// The layers directly encoded in `text`: escaped or percent-encoded lines, base64 and hex runs.
fn children(
    text: &str,
    parent: Option<usize>,
    depth: u8,
    out: &mut Decoded,
    used: &mut usize,
    budget: usize,
) {
    let bytes = text.as_bytes();
    // Lines holding escapes or percent-encoding, each decoded whole.
    let mut done_to = 0;
    for at in memchr::memchr2_iter(b'\\', b'%', bytes) {
        if at < done_to || out.truncated {
            continue;
        }
        if escape_len(bytes, at).is_none() && percent_byte(bytes, at).is_none() {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |p| at + p);
        done_to = end;
        let line = &bytes[start..end];
        // Escapes first: their layer decodes percent-encoding in turn, one level deeper.
        let has_escape = memchr::memchr_iter(b'\\', line).any(|i| escape_len(line, i).is_some());
        let (decoded, offsets, encoding) = if has_escape {
            let (d, o) = unescape(line, start);
            (d, o, Encoding::Escape)
        } else {
            let (d, o) = unpercent(line, start);
            (d, o, Encoding::Percent)
        };
        if decoded.len() == line.len() {
            continue;
        }
        push(
            out,
            used,
            budget,
            Layer {
                text: decoded,
                encoding,
                parent,
                depth: depth + 1,
                span: start..end,
                offsets,
            },
        );
    }
    // Base64 and hex runs.
    for run in runs(bytes) {
        if out.truncated {
            return;
        }
        if let Some((decoded, encoding)) = decode_run(&bytes[run.clone()]) {
            push(
                out,
                used,
                budget,
                Layer {
                    text: decoded,
                    encoding,
                    parent,
                    depth: depth + 1,
                    span: run,
                    offsets: Vec::new(),
                },
            );
        }
    }
}

const B64: u8 = 1;
const B64_STD: u8 = 2;
const B64_URL: u8 = 4;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphanumeric() {
            B64
        } else if b == b'+' || b == b'/' {
            B64_STD
        } else if b == b'-' || b == b'_' {
            B64_URL
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Maximal runs of base64 characters (with their `=` padding) at least [`MIN_BASE64`] long.
/// Looks at every `MIN_BASE64`-th byte only, and around it where it could belong to such a run,
/// so text of short words is skipped quickly.
fn runs(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut probe = MIN_BASE64 - 1;
    let mut floor = 0;
    while probe < bytes.len() {
        if CLASS[bytes[probe] as usize] == 0 {
            probe += MIN_BASE64;
            continue;
        }
        let mut s = probe;
        while s > floor && CLASS[bytes[s - 1] as usize] != 0 {
            s -= 1;
        }
        let mut e = probe + 1;
        while e < bytes.len() && CLASS[bytes[e] as usize] != 0 {
            e += 1;
        }
        if e - s >= MIN_BASE64 {
            let mut pe = e;
            while pe < bytes.len() && pe - e < 2 && bytes[pe] == b'=' {
                pe += 1;
            }
            found.push(s..pe);
        }
        floor = e;
        probe = e + MIN_BASE64;
    }
    found
}

/// Decodes a run as hex or base64 when it decodes to printable text.
fn decode_run(run: &[u8]) -> Option<(String, Encoding)> {
    let body_len = run.iter().rposition(|&b| b != b'=').map_or(0, |p| p + 1);
    let body = &run[..body_len];
    let mut kinds = 0;
    let mut hex = true;
    for &b in body {
        kinds |= CLASS[b as usize];
        hex &= b.is_ascii_hexdigit();
    }
    if hex && body.len() >= MIN_HEX && body.len().is_multiple_of(2) {
        let probe = body[..PROBE]
            .chunks_exact(2)
            .all(|p| printable_ascii(hex_value(p[0]) << 4 | hex_value(p[1])));
        if probe {
            if let Some(text) = printable(unhex(body)) {
                return Some((text, Encoding::Hex));
            }
        }
    }
    let url = match (kinds & B64_STD != 0, kinds & B64_URL != 0) {
        (true, true) => return None,
        (_, url) => url,
    };
    // The first 16 characters (12 bytes) first, without allocating: most runs (identifiers,
    // words, paths) fail here.
    let probe = body[..PROBE].chunks_exact(4).all(|g| {
        let mut n = 0u32;
        for &c in g {
            match b64_value(c, url) {
                Some(v) => n = n << 6 | v as u32,
                None => return false,
            }
        }
        (0..3).all(|i| printable_ascii((n >> (16 - 8 * i)) as u8))
    });
    if !probe {
        return None;
    }
    let text = printable(decode_base64(run, url)?)?;
    let encoding = if url {
        Encoding::Base64Url
    } else {
        Encoding::Base64
    };
    Some((text, encoding))
}

/// The 6-bit value of a base64 digit (`url`: the URL-safe alphabet's `-` and `_`).
pub(crate) fn b64_value(c: u8, url: bool) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' if !url => 62,
        b'/' if !url => 63,
        b'-' if url => 62,
        b'_' if url => 63,
        _ => return None,
    })
}

fn hex_value(b: u8) -> u8 {
    (b as char).to_digit(16).unwrap_or(0) as u8
}

/// Printable ASCII or whitespace: what the start of encoded text must decode to.
fn printable_ascii(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t')
}

fn unhex(hex: &[u8]) -> Vec<u8> {
    hex.chunks_exact(2)
        .map(|p| hex_value(p[0]) << 4 | hex_value(p[1]))
        .collect()
}

/// The bytes as text, if they are UTF-8 without control characters other than whitespace.
fn printable(bytes: Vec<u8>) -> Option<String> {
    let text = String::from_utf8(bytes).ok()?;
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .then_some(text)
}

fn hex_at(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let digits = bytes.get(at..at + n)?;
    let s = std::str::from_utf8(digits).ok()?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// The decoded character and the length of the escape at `at` (a backslash), for the escapes
/// worth a layer: `\uXXXX`, `\xXX` (ASCII) and `\"`.
fn escape_len(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    match bytes.get(at + 1)? {
        b'u' => char::from_u32(hex_at(bytes, at + 2, 4)?).map(|c| (c, 6)),
        b'x' => {
            let v = hex_at(bytes, at + 2, 2)?;
            (v < 0x80).then_some((v as u8 as char, 4))
        }
        b'"' => Some(('"', 2)),
        _ => None,
    }
}

/// Decodes the escapes of one line; `base` is the line's offset in its text.
fn unescape(line: &[u8], base: usize) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(line.len());
    let mut offsets = Vec::with_capacity(line.len() + 1);
    let mut i = 0;
    while i < line.len() {
        let simple = match (line[i], line.get(i + 1)) {
            (b'\\', Some(b'\\')) => Some('\\'),
            (b'\\', Some(b'/')) => Some('/'),
            (b'\\', Some(b'\'')) => Some('\''),
            (b'\\', Some(b'n')) => Some('\n'),
            (b'\\', Some(b'r')) => Some('\r'),
            (b'\\', Some(b't')) => Some('\t'),
            _ => None,
        };
        let (c, n) = if let Some(c) = simple {
            (c, 2)
        } else if line[i] == b'\\' {
            escape_len(line, i).unwrap_or(('\\', 1))
        } else {
            // Copy the character as it is (the line is UTF-8: it is a slice of a `str`).
            let n = utf8_len(line[i]);
            let ch = std::str::from_utf8(&line[i..(i + n).min(line.len())])
                .ok()
                .and_then(|s| s.chars().next())
                .unwrap_or('\u{FFFD}');
            (ch, n)
        };
        let mut buf = [0u8; 4];
        for _ in 0..c.encode_utf8(&mut buf).len() {
            offsets.push((base + i) as u32);
        }
        out.push(c);
        i += n;
    }
    offsets.push((base + line.len()) as u32);
    (out, offsets)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The ASCII byte a `%XX` at `at` stands for.
fn percent_byte(bytes: &[u8], at: usize) -> Option<u8> {
    if bytes[at] != b'%' {
        return None;
    }
    let v = hex_at(bytes, at + 1, 2)?;
    (0x20..0x80).contains(&v).then_some(v as u8)
}

/// Decodes the `%XX` of one line (printable ASCII only, so the result stays UTF-8).
fn unpercent(line: &[u8], base: usize) -> (String, Vec<u32>) {
    let mut out = Vec::with_capacity(line.len());
    let mut offsets = Vec::with_capacity(line.len() + 1);
    let mut i = 0;
    while i < line.len() {
        offsets.push((base + i) as u32);
        match percent_byte(line, i) {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(line[i]);
                i += 1;
            }
        }
    }
    offsets.push((base + line.len()) as u32);
    // Only ASCII bytes replaced ASCII sequences, so the line is still UTF-8.
    (String::from_utf8(out).unwrap_or_default(), offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        crate::check_rules::encode_base64_std(s.as_bytes())
    }

    #[test]
    fn base64_run_is_decoded_and_maps_to_its_run() {
        let inner = "api_token = \"some value here\"";
        let text = format!("data: {}\n", b64(inner));
        let d = decode_all(&text, 1 << 20);
        assert_eq!(d.layers.len(), 1);
        assert_eq!(d.layers[0].text, inner);
        assert_eq!(d.chain(0), vec![Encoding::Base64]);
        let r = d.to_root(0, 3..5);
        assert_eq!(&text[r], b64(inner));
    }

    #[test]
    fn escapes_map_byte_by_byte() {
        let text = r#"cfg = "{\"auth\":\"a\u0062c\"}""#;
        let d = decode_all(text, 1 << 20);
        assert_eq!(d.layers[0].text, r#"cfg = "{"auth":"abc"}""#);
        let at = d.layers[0].text.find("abc").unwrap();
        assert_eq!(&text[d.to_root(0, at..at + 3)], r"a\u0062c");
    }

    #[test]
    fn percent_and_nesting() {
        let inner = "token%3Dabc";
        let text = format!("x = {}\n", b64(&format!("payload: {inner} and more text")));
        let d = decode_all(&text, 1 << 20);
        assert_eq!(d.layers.len(), 2);
        assert_eq!(d.chain(1), vec![Encoding::Base64, Encoding::Percent]);
        assert!(d.layers[1].text.contains("token=abc"));
    }

    #[test]
    fn binary_words_and_hashes_are_not_decoded() {
        let text = "sha256 = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
                    name = SomeVeryLongIdentifierNameWithoutAnyMeaning\n\
                    printf(\"%d%s\\n\", 100%)";
        let d = decode_all(text, 1 << 20);
        assert!(d.layers.is_empty(), "{:?}", d.layers);
    }

    #[test]
    fn depth_and_budget_are_bounded() {
        let mut s = "password = \"value\"".to_string();
        for _ in 0..8 {
            s = b64(&s);
        }
        let d = decode_all(&s, 1 << 20);
        assert_eq!(d.layers.len(), MAX_DEPTH as usize);
        let d = decode_all(&s, 10);
        assert!(d.truncated && d.layers.is_empty());
    }

    #[test]
    fn bad_input_never_panics() {
        for t in [
            "\\",
            "\\u",
            "\\u12",
            "\\x4",
            "%",
            "%4",
            "%zz",
            "é\\u00e9%41é",
            "\\uD800 x",
            "====================",
            "AAAAAAAAAAAAAAAAAAAA=",
        ] {
            let d = decode_all(t, 1 << 20);
            for (i, l) in d.layers.iter().enumerate() {
                let _ = d.to_root(i, 0..l.text.len());
            }
        }
    }
}
