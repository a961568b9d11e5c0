//! Turns a file's bytes into the text Python would parse: BOM removed, PEP 263 coding honoured.

use std::borrow::Cow;

/// The decoded text of a Python file, or why it could not be decoded.
pub(crate) enum Decoded<'a> {
    Text(Cow<'a, str>),
    /// The coding declaration names an encoding we do not know (Python would refuse the file).
    UnknownEncoding(String),
    /// A UTF-8 BOM with a coding declaration naming another encoding (Python refuses it).
    BomConflict(String),
}

/// Decodes `bytes` the way CPython does: a UTF-8 BOM wins, then a `coding:` declaration in
/// the first two lines, else UTF-8. `lossy` is the caller's UTF-8 decoding, reused when the
/// file is UTF-8 so the common case copies nothing.
pub(crate) fn decode<'a>(bytes: &'a [u8], lossy: &'a str) -> Decoded<'a> {
    if let Some(rest) = lossy.strip_prefix('\u{feff}') {
        if let Some(label) = coding_declaration(&bytes[3..]) {
            // With a BOM, CPython accepts only `utf-8` itself (not even the alias `utf8`).
            let l = label.to_ascii_lowercase().replace('_', "-");
            if l != "utf-8" && !l.starts_with("utf-8-") {
                return Decoded::BomConflict(label);
            }
        }
        return Decoded::Text(Cow::Borrowed(rest));
    }
    let Some(label) = coding_declaration(bytes) else {
        return Decoded::Text(Cow::Borrowed(lossy));
    };
    let label = label.to_ascii_lowercase().replace('_', "-");
    if is_utf8_label(&label) {
        return Decoded::Text(Cow::Borrowed(lossy));
    }
    // Python's latin-1 is ISO-8859-1 proper; WHATWG maps that label to windows-1252.
    if matches!(
        label.as_str(),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "iso-latin-1"
    ) {
        return Decoded::Text(Cow::Owned(bytes.iter().map(|&b| b as char).collect()));
    }
    if label == "ascii" || label == "us-ascii" {
        return Decoded::Text(Cow::Borrowed(lossy));
    }
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        Some(enc) => Decoded::Text(enc.decode_without_bom_handling(bytes).0),
        None => Decoded::UnknownEncoding(label),
    }
}

fn is_utf8_label(label: &str) -> bool {
    label == "utf-8" || label == "utf8" || label.starts_with("utf-8-")
}

/// The encoding named by a PEP 263 comment on line 1 or 2 (line 2 only if line 1 is a
/// comment or blank, as the tokenizer requires).
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    let mut lines = bytes.splitn(3, |&b| b == b'\n');
    let first = lines.next()?;
    if let Some(label) = coding_in_line(first) {
        return Some(label);
    }
    let first_trimmed = trim_ascii(first);
    if !first_trimmed.is_empty() && first_trimmed[0] != b'#' {
        return None;
    }
    coding_in_line(lines.next()?)
}

fn coding_in_line(line: &[u8]) -> Option<String> {
    let line = trim_ascii(line);
    if line.first() != Some(&b'#') {
        return None;
    }
    let pos = find(line, b"coding")?;
    let rest = &line[pos + 6..];
    let rest = match rest.first() {
        Some(b':') | Some(b'=') => &rest[1..],
        _ => return None,
    };
    let rest = trim_ascii(rest);
    let end = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'))
        .unwrap_or(rest.len());
    (end > 0).then(|| String::from_utf8_lossy(&rest[..end]).into_owned())
}

fn trim_ascii(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &s[start..end]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        let lossy = String::from_utf8_lossy(bytes);
        match decode(bytes, &lossy) {
            Decoded::Text(t) => t.into_owned(),
            Decoded::UnknownEncoding(e) => format!("unknown {e}"),
            Decoded::BomConflict(e) => format!("bom {e}"),
        }
    }

    #[test]
    fn bom_and_latin1_and_unknown() {
        assert_eq!(text(b"\xef\xbb\xbfx = 1\n"), "x = 1\n");
        assert_eq!(
            text(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
                .lines()
                .nth(1),
            Some("x = '\u{e9}'")
        );
        assert_eq!(
            text(b"#!/usr/bin/env python\n# vim: set fileencoding=latin1 :\ns='\xe9'")
                .lines()
                .nth(2),
            Some("s='\u{e9}'")
        );
        assert_eq!(
            text(b"x = 1\n# coding: latin-1\ns='\xc3\xa9'"),
            "x = 1\n# coding: latin-1\ns='\u{e9}'"
        );
        assert_eq!(text(b"# coding: klingon\n"), "unknown klingon");
        assert_eq!(text(b"\xef\xbb\xbf# coding: latin-1\n"), "bom latin-1");
        assert_eq!(text(b"\xef\xbb\xbf#coding: utf8\n"), "bom utf8");
        assert_eq!(
            text(b"\xef\xbb\xbf# coding: utf-8\nx\n"),
            "# coding: utf-8\nx\n"
        );
        assert_eq!(
            text(b"# coding=cp1252\ns='\x80'").lines().nth(1),
            Some("s='\u{20ac}'")
        );
    }
}
