//! Python reads identifiers NFKC-normalised (PEP 3131): `ｅｖａｌ(x)` runs `eval`, and
//! `ｏｓ.ｓｙｓｔｅｍ` is `os.system`. The rules compare names as text, so a file with such
//! names is checked as the source Python runs: each identifier replaced by its normal form.
//! Only identifiers change (strings and comments keep their text, as in Python), and positions
//! are mapped back to the file as written.

use std::collections::HashMap;

use tree_sitter::Node;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// A source whose identifiers were normalised, and how to find columns of the original.
pub(crate) struct Normalised {
    pub text: String,
    /// For each 0-based row with a replaced name: (start column in `text`, end there,
    /// start column in the original, end there), in column order (byte columns).
    rows: HashMap<u32, Vec<(u32, u32, u32, u32)>>,
}

impl Normalised {
    /// The byte column in the original source of byte column `col` of row `row` in `text`.
    pub fn column(&self, row: u32, col: u32) -> u32 {
        let Some(repl) = self.rows.get(&row) else {
            return col;
        };
        let i = repl.partition_point(|r| r.0 <= col);
        if i == 0 {
            return col;
        }
        let (start, end, o_start, o_end) = repl[i - 1];
        if col < end {
            // Inside a replaced name: its start (names are reported by their start).
            o_start + (col - start).min(o_end - o_start)
        } else {
            col - end + o_end
        }
    }
}

/// The source with its identifiers NFKC-normalised, or `None` when every identifier already
/// is (the common case: an ASCII file costs one scan, a file with other text one more).
pub(crate) fn normalise(src: &str) -> Option<Normalised> {
    if src.is_ascii() || !names_may_change(src) {
        return None;
    }
    normalise_names(src)
}

/// Whether NFKC could change some identifier of `src`: a run of identifier characters
/// (`\p{XID_Continue}`, which holds `\p{XID_Start}` and `_`; tree-sitter-python's identifiers are
/// `[_\p{XID_Start}][_\p{XID_Continue}]*`) with a non-ASCII character that is not already in
/// NFKC by the quick check. An identifier is a part of such a run, and a part of a run the quick
/// check passes is itself in NFKC, so `false` means [`normalise_names`] would find nothing to
/// replace. Most non-ASCII files that are not in NFKC owe it to text no name can hold (`…`, a
/// no-break space, `™`, `²` in strings and comments): they are spared a full parse.
/// `tests::the_quick_answer_is_the_slow_one` proves it against the slow path for every such
/// character.
///
/// Such runs are then looked for where names are: a run wholly inside a comment or a plain
/// string literal (outside an f-string's fields) is no name, and a file whose runs all are there is spared the
/// parse too (full-width digits in CJK comments, `µs` or `①` in docstrings). Whatever that
/// small lexer is not sure of (an f-string field holding a literal, a comment or a line break,
/// a quote after a word that is no string prefix, an unterminated literal) counts as a name:
/// the parse decides.
fn names_may_change(src: &str) -> bool {
    if is_nfkc_quick(src.chars()) == IsNormalized::Yes {
        return false;
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut run: Option<(usize, bool)> = None;
    for (i, c) in src.char_indices() {
        if unicode_ident::is_xid_continue(c) {
            let r = run.get_or_insert((i, false));
            r.1 |= !c.is_ascii();
            continue;
        }
        if let Some((start, true)) = run.take() {
            if is_nfkc_quick(src[start..i].chars()) != IsNormalized::Yes {
                runs.push((start, i));
            }
        }
    }
    if let Some((start, true)) = run {
        if is_nfkc_quick(src[start..].chars()) != IsNormalized::Yes {
            runs.push((start, src.len()));
        }
    }
    !runs.is_empty() && !all_in_text(src.as_bytes(), &runs)
}

/// Whether every run (byte ranges, in order) lies wholly inside a comment or a string
/// literal of `src`, outside an f-string's replacement fields, as Python's tokenizer reads it. `false` when unsure.
fn all_in_text(s: &[u8], runs: &[(usize, usize)]) -> bool {
    let mut next = 0;
    let mut i = 0;
    // Moves past the runs that start inside `start..end` (a comment or a literal); `false`
    // if one of them is not wholly inside it.
    let covered = |start: usize, end: usize, next: &mut usize| -> bool {
        while *next < runs.len() && runs[*next].0 < end {
            if runs[*next].0 < start || runs[*next].1 > end {
                return false;
            }
            *next += 1;
        }
        true
    };
    while next < runs.len() {
        if i >= runs[next].0 {
            // A run in code: a name (or what the parse makes of it).
            return false;
        }
        let Some(&c) = s.get(i) else {
            return false;
        };
        match c {
            b'#' => {
                let end = memchr::memchr(b'\n', &s[i..]).map_or(s.len(), |k| i + k);
                if !covered(i, end, &mut next) {
                    return false;
                }
                i = end;
            }
            b'"' | b'\'' => {
                // The word the quote touches must be a string prefix (or nothing).
                let mut p = i;
                while p > 0
                    && (s[p - 1].is_ascii_alphanumeric()
                        || s[p - 1] == b'_'
                        || !s[p - 1].is_ascii())
                {
                    p -= 1;
                }
                let prefix = &s[p..i];
                let lower = prefix.to_ascii_lowercase();
                let plain = matches!(&lower[..], b"" | b"r" | b"u" | b"b" | b"br" | b"rb");
                let f = matches!(&lower[..], b"f" | b"t" | b"fr" | b"rf" | b"tr" | b"rt");
                if !plain && !f {
                    // No literal at all (`abc"..."`): leave it to the parse.
                    return false;
                }
                let triple = s.get(i + 1) == Some(&c) && s.get(i + 2) == Some(&c);
                let open = if triple { 3 } else { 1 };
                let mut j = i + open;
                // An f-string's replacement fields: code, where names are.
                let mut fields: Vec<(usize, usize)> = Vec::new();
                let end = loop {
                    match s.get(j) {
                        None => return false,
                        Some(b'\\') => j += 2,
                        Some(b'\n') if !triple => return false,
                        Some(&q) if q == c => {
                            if !triple {
                                break j + 1;
                            }
                            if s.get(j + 1) == Some(&c) && s.get(j + 2) == Some(&c) {
                                break j + 3;
                            }
                            j += 1;
                        }
                        Some(b'{' | b'}') if f && s.get(j + 1) == s.get(j) => j += 2,
                        Some(b'}') if f => return false,
                        Some(b'{') if f => {
                            // Only a field of plain code (no literal, comment, escape or line
                            // break in it) ends where every Python version and tree-sitter
                            // end it; anything else goes to the parse.
                            let start = j;
                            let mut depth = 0usize;
                            j += 1;
                            loop {
                                match s.get(j) {
                                    None | Some(b'"' | b'\'' | b'#' | b'\\' | b'\n') => {
                                        return false
                                    }
                                    Some(b'(' | b'[' | b'{') => depth += 1,
                                    Some(b'}') if depth == 0 => break,
                                    Some(b')' | b']' | b'}') => {
                                        if depth == 0 {
                                            return false;
                                        }
                                        depth -= 1;
                                    }
                                    Some(_) => {}
                                }
                                j += 1;
                            }
                            j += 1;
                            fields.push((start, j));
                        }
                        Some(_) => j += 1,
                    }
                };
                if runs[next..]
                    .iter()
                    .take_while(|r| r.0 < end)
                    .any(|r| fields.iter().any(|f| r.0 < f.1 && f.0 < r.1))
                {
                    return false;
                }
                if !covered(i, end, &mut next) {
                    return false;
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    true
}

/// A name to replace: its byte range, row and column in the original, and its normal form.
struct Name {
    start: usize,
    end: usize,
    row: u32,
    col: u32,
    nf: String,
}

/// [`normalise`] without the quick answer: every identifier of a full parse, normalised.
/// A file larger than one parse may take is parsed in groups of module-level statements, as
/// the checker parses it (a part too large to parse keeps its names as written: it is not
/// checked either).
fn normalise_names(src: &str) -> Option<Normalised> {
    use crate::prefilter::Plan;
    let mut names = Vec::new();
    match crate::prefilter::plan_all(src) {
        Plan::Pieces(pieces) => {
            for group in &pieces.groups {
                names_of(&crate::walk::parse_spans(src, group)?, src, &mut names);
            }
        }
        Plan::Unsplittable => return None,
        _ => names_of(&crate::walk::parse(src)?, src, &mut names),
    }
    build(src, names)
}

/// Adds the identifiers of `tree` that NFKC changes.
fn names_of(tree: &tree_sitter::Tree, src: &str, names: &mut Vec<Name>) {
    let mut cursor = tree.walk();
    loop {
        let node: Node<'_> = cursor.node();
        if node.kind() == "identifier" {
            let text = crate::syntax::text(node, src);
            // Names never span lines; anything else is left as written.
            if !text.is_ascii() && node.start_position().row == node.end_position().row {
                let nf: String = text.nfkc().collect();
                // A keyword is recognised before normalisation: `ｉｍｐｏｒｔ` stays a name
                // (and a syntax error), as in CPython.
                if nf != text && !is_keyword(&nf) {
                    names.push(Name {
                        start: node.start_byte(),
                        end: node.end_byte(),
                        row: node.start_position().row as u32,
                        col: node.start_position().column as u32,
                        nf,
                    });
                }
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

fn build(src: &str, names: Vec<Name>) -> Option<Normalised> {
    if names.is_empty() {
        return None;
    }
    let mut text = String::with_capacity(src.len());
    let mut rows: HashMap<u32, Vec<(u32, u32, u32, u32)>> = HashMap::new();
    let mut at = 0;
    // Per row: how much the columns moved so far.
    let mut shift: (u32, i64) = (u32::MAX, 0);
    for Name {
        start,
        end,
        row,
        col: o_start,
        nf,
    } in names
    {
        if start < at {
            continue;
        }
        if shift.0 != row {
            shift = (row, 0);
        }
        text.push_str(&src[at..start]);
        let o_end = o_start + (end - start) as u32;
        let n_start = (i64::from(o_start) + shift.1) as u32;
        let n_end = n_start + nf.len() as u32;
        rows.entry(row)
            .or_default()
            .push((n_start, n_end, o_start, o_end));
        shift.1 += nf.len() as i64 - (end - start) as i64;
        text.push_str(&nf);
        at = end;
    }
    text.push_str(&src[at..]);
    Some(Normalised { text, rows })
}

/// Python's keywords and soft keywords (which the tokenizer also compares as written).
fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
            | "match"
            | "case"
            | "type"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_strings_and_comments_are_not() {
        let src = "import ｏｓ  # ｃｏｍｍｅｎｔ\nｏｓ.ｓｙｓｔｅｍ('ｅｃｈｏ')\nx = 1\n";
        let n = normalise(src).unwrap();
        assert_eq!(
            n.text,
            "import os  # ｃｏｍｍｅｎｔ\nos.system('ｅｃｈｏ')\nx = 1\n"
        );
        // `'ｅｃｈｏ'` starts at byte 10 of row 1 in the normalised text, at byte 26 as written.
        assert_eq!(n.column(1, 10), 26);
        assert_eq!(n.column(1, 0), 0);
        assert_eq!(n.column(1, 3), 7);
        assert_eq!(n.column(2, 4), 4);
        assert!(normalise("x = 'ｅｃｈｏ'\n").is_none());
        assert!(normalise("é = 1\n").is_none());
        // A keyword written in full width stays what CPython sees: a name.
        assert!(normalise("ｉｍｐｏｒｔ os\n").is_none());
    }

    /// Names are what NFKC changes, wherever a name can hold them; text no name can hold
    /// (`…`, a no-break space, `™`) leaves the file as written, without a parse.
    #[test]
    fn only_characters_a_name_can_hold_send_a_file_to_the_parse() {
        for src in ["x = 'a…b'  # ½ ™\n", "x\u{a0}= 1\n", "x = 'ｅｃｈｏ'\n"] {
            assert!(normalise(src).is_none(), "{src:?}");
            assert!(normalise_names(src).is_none(), "{src:?}");
        }
        assert!(!names_may_change("x = 'a…b'  # ½ ™\n"));
        assert!(names_may_change("ﬁle = 1\n"));
        assert_eq!(normalise("ﬁle = 1\n").unwrap().text, "file = 1\n");
        // Marks out of canonical order (each one in NFKC alone) are reordered by NFKC.
        let marks = "a\u{305}\u{316} = 1\n";
        assert!(names_may_change(marks));
        assert_eq!(
            normalise(marks).map(|n| n.text),
            normalise_names(marks).map(|n| n.text)
        );
        assert!(normalise(marks).is_some());
    }

    /// Characters NFKC changes in comments and plain string literals are no names: those files
    /// are spared the parse, and the answer is the parse's (no name to replace) for every such
    /// character in every place, code and f-string fields included.
    #[test]
    fn text_is_told_from_names_as_the_parse_tells_them() {
        let (mut spared, mut parsed) = (0, 0);
        for c in (0x80..=0x10FFFF_u32).filter_map(char::from_u32) {
            let alone = c.to_string();
            if !unicode_ident::is_xid_continue(c)
                || is_nfkc_quick(alone.chars()) == IsNormalized::Yes
            {
                continue;
            }
            let text = [
                format!("x = 1  # a{c}b\n"),
                format!("x = '{c}'\n"),
                format!("x = \"\"\"a\n{c}\"\"\"  # {c}\n"),
                format!("x = r'\\'{c}'\n"),
                format!("x = 'it\\'s {c}' + Rb'{c}'\n"),
                format!("x = f'{{x}} {c}' + Rt'{{y!r:>{{w}}}}{c}}}}}'\n"),
                format!("x = F\"\"\"{{a[1]:{{w}}}}\n{c}\"\"\"\n"),
            ];
            for src in &text {
                assert!(!names_may_change(src), "U+{:04X} in {src:?}", c as u32);
            }
            let code = [
                format!("x = '{c}' + {c}\n"),
                format!("x = 'it\\'s' ; {c}()\n"),
                format!("x = '''a'''  # '\n{c} = 1\n"),
                format!("x = f'{{{c}}}'\n"),
                format!("x = f'{{x}}' '{c}'\n"),
                format!("x = u'a'{c}\n"),
                format!("x = a'{c}'\n"),
                format!("x = 'abc\n{c} = 1\n"),
                format!("x = f'{{a + {c}}}'\n"),
                format!("x = f'{{a[{c}]:>{{w}}}}'\n"),
                format!("x = f'{{a:{{{c}}}}}'\n"),
                format!("x = f'{{a[\"k\"]}}' + {c}\n"),
                format!("x = f'{{a}} }} {c}'\n"),
            ];
            for src in text.iter().chain(&code) {
                if names_may_change(src) {
                    parsed += 1;
                    continue;
                }
                spared += 1;
                assert!(
                    normalise_names(src).is_none(),
                    "U+{:04X} in {src:?}: a name changes, the quick answer says none can",
                    c as u32
                );
            }
            // Where a name is, the parse is asked.
            for src in code[..4].iter().chain(&code[8..12]) {
                assert!(names_may_change(src), "U+{:04X} in {src:?}", c as u32);
            }
        }
        assert!(spared > 1_000 && parsed > 1_000, "{spared} {parsed}");
    }

    /// The quick answer against the full parse: every character NFKC changes that the quick
    /// answer says no name can hold, in the places a name would be, gives no name to replace.
    #[test]
    fn the_quick_answer_is_the_slow_one() {
        let mut checked = 0;
        for c in (0x80..=0x10FFFF_u32).filter_map(char::from_u32) {
            let alone = c.to_string();
            if is_nfkc_quick(alone.chars()) == IsNormalized::Yes {
                continue;
            }
            for src in [
                format!("{c}\n"),
                format!("a{c}b = 1\n"),
                format!("x = a{c}\n"),
                format!("def f{c}(): pass\n"),
                format!("{c}x.y({c})\n"),
            ] {
                if names_may_change(&src) {
                    continue;
                }
                checked += 1;
                assert!(
                    normalise_names(&src).is_none(),
                    "U+{:04X} in {src:?}: a name changes, the quick answer says none can",
                    c as u32
                );
            }
        }
        // Thousands of characters NFKC changes are no identifier characters.
        assert!(checked > 5_000, "{checked}");
    }
}
