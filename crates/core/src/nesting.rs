//! A bound on how deep a YAML document's flow collections (`{a: {a: ...}}`, `[[...]]`) and a
//! TOML document's arrays and inline tables nest, checked before a parser sees the text.
//!
//! The YAML parser does work per token proportional to the open flow levels, so 20,000 nested
//! mappings take seconds; and a document nested deeper than the deserializer's recursion limit
//! (128) is refused by it anyway. Checking first, in one linear pass, turns such a file into a
//! clear per-file error in linear time. The scan knows quoted scalars and comments, so brackets
//! in them do not count; a bracket in a plain scalar (`a[0]`) counts, which can only make a
//! file with hundreds of them in one value be refused.
//!
//! The TOML parser lexes the whole document before it parses: 16 MB of `[[[...` holds millions
//! of tokens (800 MB) before its own recursion limit refuses the first hundred. The same kind
//! of pass, knowing TOML's strings and comments, refuses it first.

/// TOML arrays and inline tables nested deeper than this are refused (the TOML parser's own
/// limit is lower: what passes here may still be refused by it, with its message).
pub const MAX_TOML_DEPTH: usize = 128;

/// Flow collections nested deeper than this are refused (the YAML deserializer's own limit).
pub const MAX_YAML_DEPTH: usize = 128;

/// Where a document nests too deep: the 1-based line of the first bracket past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub line: u32,
    pub limit: usize,
    /// `"YAML"` or `"TOML"`.
    pub language: &'static str,
}

impl std::fmt::Display for TooDeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} collections nest deeper than {} levels (line {}); not parsed",
            self.language, self.limit, self.line
        )
    }
}

/// The brackets open so far, refused past a limit.
struct Depth {
    open: usize,
    limit: usize,
    language: &'static str,
}

impl Depth {
    fn new(limit: usize, language: &'static str) -> Depth {
        Depth {
            open: 0,
            limit,
            language,
        }
    }

    /// One more bracket, opened on `line`.
    fn open(&mut self, line: u32) -> Result<(), TooDeep> {
        self.open += 1;
        if self.open > self.limit {
            return Err(TooDeep {
                line,
                limit: self.limit,
                language: self.language,
            });
        }
        Ok(())
    }

    fn close(&mut self) {
        self.open = self.open.saturating_sub(1);
    }
}

/// Checks that `text`'s flow collections nest at most `limit` deep.
pub fn check_yaml_flow_depth(text: &str, limit: usize) -> Result<(), TooDeep> {
    let b = text.as_bytes();
    let mut depth = Depth::new(limit, "YAML");
    let (mut line, mut i) = (1u32, 0usize);
    // Whether the previous byte lets a `#` start a comment (line start or a blank).
    let mut blank_before = true;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => line += 1,
            b'#' if blank_before => {
                i = memchr_newline(b, i);
                continue;
            }
            b'\'' | b'"' if quote_may_start(b, i) => {
                // A quoted scalar runs to its closing quote (`''` inside single quotes,
                // backslash escapes inside double quotes); it may span lines.
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\n' => line += 1,
                        b'\\' if c == b'"' => i += 1,
                        q if q == c => {
                            if c == b'\'' && b.get(i + 1) == Some(&b'\'') {
                                i += 1;
                            } else {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'{' | b'[' => depth.open(line)?,
            b'}' | b']' => depth.close(),
            _ => {}
        }
        blank_before = matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        i += 1;
    }
    Ok(())
}

/// Checks that `text`'s TOML arrays and inline tables (and table headers) nest at most `limit`
/// deep. Brackets in strings (basic, literal, multi-line) and comments do not count.
pub fn check_toml_depth(text: &str, limit: usize) -> Result<(), TooDeep> {
    let b = text.as_bytes();
    let mut depth = Depth::new(limit, "TOML");
    let (mut line, mut i) = (1u32, 0usize);
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => line += 1,
            b'#' => {
                i = memchr_newline(b, i);
                continue;
            }
            b'"' | b'\'' => {
                let multi = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                i += if multi { 3 } else { 1 };
                // To the closing quote(s): backslash escapes in basic strings; a one-line
                // string also ends at a line break (a syntax error the parser reports).
                while i < b.len() {
                    match b[i] {
                        b'\n' if !multi => break,
                        b'\n' => line += 1,
                        b'\\' if c == b'"' => {
                            if b.get(i + 1) == Some(&b'\n') {
                                line += 1;
                            }
                            i += 1;
                        }
                        q if q == c
                            && (!multi
                                || (b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c))) =>
                        {
                            if multi {
                                i += 2;
                            }
                            break;
                        }
                        _ => {}
                    }
                    i += 1;
                }
                if b.get(i) == Some(&b'\n') {
                    continue;
                }
            }
            b'{' | b'[' => depth.open(line)?,
            b'}' | b']' => depth.close(),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Whether a quote at `i` starts a quoted scalar: after a blank, a line start or an
/// indicator (`:`, `,`, `[`, `{`, `-`, `?`), not inside a plain scalar (`it's`).
fn quote_may_start(b: &[u8], i: usize) -> bool {
    i == 0
        || matches!(
            b[i - 1],
            b' ' | b'\t' | b'\n' | b'\r' | b':' | b',' | b'[' | b'{' | b'-' | b'?'
        )
}

/// A TOML parser's error as one line: where, and the parser's message without the lines of
/// source it quotes (a line of a manifest or a config may hold a secret, or be megabytes long).
pub fn toml_error_line(message: &str, offset: Option<usize>, text: &str) -> String {
    let message = message.lines().next().unwrap_or("").trim();
    match offset {
        Some(at) => format!(
            "line {}: {message}",
            crate::LineIndex::new(text).line_of(at)
        ),
        None => message.to_string(),
    }
}

fn memchr_newline(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |k| from + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_collections_are_refused_with_their_line() {
        let deep = format!("a: 1\nb: {}x{}\n", "{k: ".repeat(200), "}".repeat(200));
        assert_eq!(
            check_yaml_flow_depth(&deep, MAX_YAML_DEPTH),
            Err(TooDeep {
                line: 2,
                limit: 128,
                language: "YAML",
            })
        );
        let ok = format!("b: {}x{}\n", "[".repeat(128), "]".repeat(128));
        assert_eq!(check_yaml_flow_depth(&ok, MAX_YAML_DEPTH), Ok(()));
    }

    #[test]
    fn brackets_in_quotes_and_comments_do_not_count() {
        let many = "[".repeat(500);
        for text in [
            format!("a: '{many}'\n"),
            format!("a: \"{many}\\\"{many}\"\n"),
            format!("a: 'it''s {many}'\n"),
            format!("a: 1  # {many}\n# {many}\n"),
            format!("a: \"multi\n  line {many}\"\n"),
        ] {
            assert_eq!(
                check_yaml_flow_depth(&text, MAX_YAML_DEPTH),
                Ok(()),
                "{text}"
            );
        }
        // An apostrophe inside a plain scalar opens no quote.
        let text = format!("a: it's\nb: {}x{}\n", "[".repeat(200), "]".repeat(200));
        assert!(check_yaml_flow_depth(&text, MAX_YAML_DEPTH).is_err());
    }

    #[test]
    fn deep_toml_is_refused_with_its_line_and_strings_do_not_count() {
        let deep = format!("[project]\nx = {}1{}\n", "[".repeat(200), "]".repeat(200));
        let err = check_toml_depth(&deep, MAX_TOML_DEPTH).unwrap_err();
        assert_eq!((err.line, err.language), (2, "TOML"));
        assert!(err
            .to_string()
            .starts_with("TOML collections nest deeper than 128"));
        let inline = format!("a = {}1{}\n", "{b = ".repeat(129), "}".repeat(129));
        assert!(check_toml_depth(&inline, MAX_TOML_DEPTH).is_err());
        let many = "[{".repeat(300);
        for ok in [
            format!("a = \"{many}\\\"{many}\"\n"),
            format!("a = '{many}'\n"),
            format!("a = \"\"\"\n{many}\n\"\"\"\n"),
            format!("a = '''{many}\n'''\n"),
            format!("# {many}\na = 1\n"),
            format!("a = {}1{}\n", "[".repeat(128), "]".repeat(128)),
        ] {
            assert_eq!(check_toml_depth(&ok, MAX_TOML_DEPTH), Ok(()), "{ok}");
        }
        // Lines are counted through multi-line strings.
        let after = format!("a = '''\n\n'''\nb = {}\n", "[".repeat(200));
        assert_eq!(
            check_toml_depth(&after, MAX_TOML_DEPTH).unwrap_err().line,
            4
        );
    }
}
