//! Assignments written with a space where other syntaxes have an operator: the legacy
//! Dockerfile form `ENV NAME value` and fish's `set -gx NAME value`.
//!
//! Rather than teach every rule's regex a bare space as an operator (which would read prose
//! such as "password reset" as an assignment), the engine scans a copy of the text in which
//! the space after the name on such a line is an `=`. The copy has the same length and the
//! same bytes everywhere else, so every range found in it is a range of the original text.

/// The text with the separator of each spaced assignment made an `=`, or `None` when no line
/// has one (then the text is scanned as it is, with no copy).
pub fn as_operators(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    // Cheap refusal: neither instruction anywhere.
    let has = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    if !(has(b"ENV") || has(b"set -") || has(b"set\t")) {
        return None;
    }
    let mut out: Option<Vec<u8>> = None;
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        if let Some(at) = separator(&bytes[start..end]) {
            out.get_or_insert_with(|| bytes.to_vec())[start + at] = b'=';
        }
        start = end + 1;
    }
    // Only an ASCII space or tab was replaced by an ASCII `=`: still UTF-8.
    out.map(|v| String::from_utf8(v).expect("an ASCII byte replaced by an ASCII byte"))
}

/// In one line, the offset of the blank that separates the name from its value, when the line
/// is `ENV NAME value` or `set -FLAGS… NAME value`.
fn separator(line: &[u8]) -> Option<usize> {
    let mut p = skip_blanks(line, 0);
    let word = word_end(line, p);
    match &line[p..word] {
        b"ENV" => {
            p = skip_blanks(line, word);
            if p == word {
                return None;
            }
        }
        b"set" => {
            // At least one flag: `set -gx`, `set --export`. Without one, `set name value`
            // is too common outside fish (Tcl, prose, Vim) to read as an assignment.
            let mut q = word;
            let mut flags = 0;
            loop {
                let next = skip_blanks(line, q);
                if next == q || line.get(next) != Some(&b'-') {
                    break;
                }
                let end = word_end(line, next);
                let flag = &line[next..end];
                let long = flag.starts_with(b"--") && flag.len() > 2;
                let short = flag.len() > 1 && flag[1..].iter().all(u8::is_ascii_alphabetic);
                if !(long || short) {
                    return None;
                }
                flags += 1;
                q = end;
            }
            if flags == 0 {
                return None;
            }
            p = skip_blanks(line, q);
            if p == q {
                return None;
            }
        }
        _ => return None,
    }
    // The name: an identifier with no operator of its own (`ENV A=1` is the `=` form).
    let name_end = p + line[p..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    if name_end == p || !matches!(line.get(name_end), Some(b' ' | b'\t')) {
        return None;
    }
    let value = skip_blanks(line, name_end);
    match line.get(value) {
        None | Some(b'\r' | b'=' | b'#' | b'\\') => None,
        Some(_) => Some(name_end),
    }
}

fn skip_blanks(line: &[u8], mut p: usize) -> usize {
    while matches!(line.get(p), Some(b' ' | b'\t')) {
        p += 1;
    }
    p
}

fn word_end(line: &[u8], mut p: usize) -> usize {
    while line.get(p).is_some_and(|b| !b.is_ascii_whitespace()) {
        p += 1;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::as_operators;

    #[test]
    fn the_separator_becomes_an_operator_and_nothing_else_moves() {
        let text = "FROM x\nENV API_TOKEN  abc def\n  set -gx GH_TOKEN 'v'\nset --export K v\n";
        let view = as_operators(text).unwrap();
        assert_eq!(
            view,
            "FROM x\nENV API_TOKEN= abc def\n  set -gx GH_TOKEN='v'\nset --export K=v\n"
        );
        assert_eq!(view.len(), text.len());
    }

    #[test]
    fn lines_that_are_not_spaced_assignments_are_left_alone() {
        for line in [
            "ENV A=1 B=2",
            "ENV",
            "ENV NAME",
            "ENV NAME \\",
            "set name value",
            "set -e NAME",
            "set -euo pipefail",
            "set -x",
            "reset -x NAME value",
            "SETENV NAME value",
            "the ENV variables are set",
            "set -1 NAME value",
            "ENV NAME =value",
        ] {
            assert_eq!(as_operators(line), None, "{line:?}");
        }
    }
}
