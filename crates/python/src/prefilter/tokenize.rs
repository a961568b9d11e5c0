//! Python tokens, as far as finding where statements start and what they hold needs them.
//!
//! This module owns the bytes: names, numbers, string literals (prefixes, triple quotes,
//! escapes decoded, implicit concatenation, f-string replacement fields with nested strings
//! as in Python 3.12), comments, brackets, backslash continuations and line breaks. It knows
//! nothing of rules, statements or indentation blocks: `statements.rs` pulls [`Token`]s and
//! decides. Whatever CPython 3 would refuse here and tree-sitter might read some other way
//! (an unterminated string, a mismatched bracket, Python 2's `<>`, backquotes, `0777`, a
//! name that is no identifier) is `None`: the caller then parses the whole file.

/// One token of a logical line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// Spaces, tabs, form feeds, and the `\r` of a `\r\n`.
    Blank,
    /// A `\n`: the end of the logical line when no bracket is open.
    LineBreak,
    /// A backslash and the line break after it.
    Continuation,
    /// A comment, up to its line break.
    Comment,
    /// A name or keyword.
    Name(&'a [u8]),
    /// A Python 3 number literal.
    Number,
    /// A string literal, its prefix consumed: read it with [`Tokenizer::open_literal`].
    Str(Prefix),
    /// `(`, `[` or `{`.
    Open(u8),
    /// `)`, `]` or `}`, matching the innermost open bracket.
    Close(u8),
    Colon,
    /// `:=`.
    Walrus,
    Semicolon,
    Dot,
    Comma,
    Star,
    /// Any other operator byte (`=`, `==` is two); `binary` for an arithmetic or bitwise
    /// binary operator (`+ - / % @ & | ^`, and the second byte of `<<`/`>>`).
    Op {
        byte: u8,
        binary: bool,
    },
    /// The end of the source.
    End,
}

impl Token<'_> {
    /// Whether the token is code, not layout (blanks, line breaks, continuations, comments).
    pub fn significant(&self) -> bool {
        !matches!(
            self,
            Token::Blank | Token::LineBreak | Token::Continuation | Token::Comment | Token::End
        )
    }
}

/// What a string literal's prefix says about its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Prefix {
    /// `r`: backslashes are kept.
    raw: bool,
    /// `f` or `t`: braces open replacement fields.
    f: bool,
}

impl Prefix {
    fn of(prefix: &[u8]) -> Prefix {
        Prefix {
            raw: prefix.iter().any(|c| matches!(c, b'r' | b'R')),
            f: prefix
                .iter()
                .any(|c| matches!(c, b'f' | b'F' | b't' | b'T')),
        }
    }
}

/// The quotes a literal is delimited by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Quote {
    byte: u8,
    triple: bool,
}

/// One literal being read: its quotes and prefix, and the text since its last field.
pub(crate) struct Literal {
    pub quote: Quote,
    prefix: Prefix,
    /// Where the text since the last field starts in the value, and whether it holds an
    /// escape to decode.
    segment: usize,
    escaped: bool,
    /// The last piece ended at a replacement field, now read.
    after_field: bool,
}

/// Where reading a literal (or a format spec) stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// At its closing quote (or `}`), consumed.
    End,
    /// At a replacement field, its `{` consumed: the caller reads the field, then reads on.
    Field,
}

/// A token inside an f-string replacement field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldToken<'a> {
    /// The field's closing `}`.
    End,
    /// The `:` that starts the format spec: read it with [`Tokenizer::spec_piece`].
    Spec,
    Name(&'a [u8]),
    Str(Prefix),
    /// Anything else (brackets, operators, numbers, blanks, comments), consumed.
    Other,
}

/// The value of a string literal group (implicitly concatenated literals and f-string
/// literal parts joined) as far as the tokenizer knows it.
#[derive(Default)]
pub(crate) struct StrValue {
    pub bytes: Vec<u8>,
    /// Where each literal part starts in `bytes` (also after each f-string field).
    pub parts: Vec<usize>,
    /// Some part is an f-string.
    pub any_f: bool,
    /// Its value may differ from `bytes` in ways a pattern could see (`\N{...}`, a character
    /// that case-folds to an ASCII letter).
    pub opaque: bool,
}

impl StrValue {
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.parts.clear();
        self.any_f = false;
        self.opaque = false;
    }
}

/// The brackets open in a logical line (or an f-string field): the closing bracket each
/// expects, innermost last. A mismatch (`f(]`) is something tree-sitter recovers from in its
/// own way, so it is `None`.
#[derive(Default)]
pub(crate) struct Brackets {
    closers: Vec<u8>,
}

impl Brackets {
    pub fn depth(&self) -> usize {
        self.closers.len()
    }

    fn open(&mut self, open: u8) {
        self.closers.push(match open {
            b'(' => b')',
            b'[' => b']',
            _ => b'}',
        });
    }

    fn close(&mut self, close: u8) -> Option<()> {
        (self.closers.pop()? == close).then_some(())
    }
}

/// The longest string prefix (`rb`, `fr`...).
const MAX_PREFIX: usize = 2;

/// Reads tokens from Python source, tracking the byte offset, the row and the brackets of
/// the current logical line.
pub(crate) struct Tokenizer<'a> {
    s: &'a [u8],
    i: usize,
    row: u32,
    brackets: Brackets,
    /// What the last significant token was, to refuse two operands in a row.
    last: Last,
    /// The last significant token was a keyword that a name must follow.
    name_next: bool,
    /// The last significant token was `not` (`a not in b`).
    after_not: bool,
    /// The last significant token was a soft keyword, which may be a name (`x.match is y`).
    after_soft: bool,
    /// `*` tokens in a row, and whether the first of them began the logical line.
    stars: u32,
    stars_begin_line: bool,
    /// No significant token yet in this logical line.
    line_begins: bool,
}

/// The last significant token, as far as two operands in a row are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    /// An operator, a keyword, an opening bracket, a line break: an operand may follow.
    Other,
    /// A name, number or closing bracket: only an operator or a keyword may follow.
    Operand,
    /// A string: the next literal of an implicit concatenation may also follow.
    Str,
}

/// The keywords that may follow an operand on the same line: infix and clause keywords.
fn continues_an_operand(word: &[u8]) -> bool {
    matches!(
        word,
        b"and"
            | b"or"
            | b"not"
            | b"in"
            | b"is"
            | b"if"
            | b"else"
            | b"for"
            | b"async"
            | b"as"
            | b"from"
            | b"import"
    )
}

/// Python's keywords and soft keywords, which may stand between or beside operands
/// (`x if c else y`, `a not in b`, `match x:`); `True`, `False` and `None` are operands.
fn is_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"and"
            | b"as"
            | b"assert"
            | b"async"
            | b"await"
            | b"break"
            | b"case"
            | b"class"
            | b"continue"
            | b"def"
            | b"del"
            | b"elif"
            | b"else"
            | b"except"
            | b"finally"
            | b"for"
            | b"from"
            | b"global"
            | b"if"
            | b"import"
            | b"in"
            | b"is"
            | b"lambda"
            | b"match"
            | b"nonlocal"
            | b"not"
            | b"or"
            | b"pass"
            | b"raise"
            | b"return"
            | b"try"
            | b"type"
            | b"while"
            | b"with"
            | b"yield"
    )
}

impl<'a> Tokenizer<'a> {
    pub fn new(s: &'a [u8]) -> Tokenizer<'a> {
        Tokenizer {
            s,
            i: 0,
            row: 0,
            brackets: Brackets::default(),
            last: Last::Other,
            name_next: false,
            after_not: false,
            after_soft: false,
            stars: 0,
            stars_begin_line: false,
            line_begins: true,
        }
    }

    pub fn src(&self) -> &'a [u8] {
        self.s
    }

    /// The byte offset of the next token.
    pub fn pos(&self) -> usize {
        self.i
    }

    /// The 0-based row of the next token.
    #[cfg(test)]
    fn row(&self) -> u32 {
        self.row
    }

    /// Bracket depth in the current logical line.
    pub fn depth(&self) -> usize {
        self.brackets.depth()
    }

    pub fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.s.get(self.i + k).copied()
    }

    /// At a line start: skips blank and comment-only lines and the indentation of the next
    /// line of code. Returns that line's start, row and indentation (`start..end`), or
    /// `Some(None)` at the end of the source.
    #[allow(clippy::type_complexity)]
    pub fn next_line(&mut self) -> Option<Option<(usize, u32, (usize, usize))>> {
        loop {
            let line_start = self.i;
            let row = self.row;
            while matches!(self.peek(), Some(b' ' | b'\t')) {
                self.i += 1;
            }
            match self.peek() {
                None => return Some(None),
                Some(b'\n') => {
                    self.i += 1;
                    self.row += 1;
                }
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                    self.i += 2;
                    self.row += 1;
                }
                Some(b'#') => self.skip_comment(),
                Some(b'\\') => return None,
                _ => {
                    self.brackets.closers.clear();
                    self.last = Last::Other;
                    self.line_begins = true;
                    return Some(Some((line_start, row, (line_start, self.i))));
                }
            }
        }
    }

    /// The identifier at the cursor (empty if none), without consuming it.
    pub fn peek_word(&self) -> &'a [u8] {
        &self.s[self.i..self.i + ident_len(&self.s[self.i..])]
    }

    /// The identifier after `word` and blanks at the cursor.
    pub fn word_after(&self, word: &[u8]) -> &'a [u8] {
        let s = self.s;
        let mut j = self.i + word.len();
        while j < s.len() && matches!(s[j], b' ' | b'\t') {
            j += 1;
        }
        &s[j..j + ident_len(&s[j..])]
    }

    fn skip_comment(&mut self) {
        self.i = memchr::memchr(b'\n', &self.s[self.i..]).map_or(self.s.len(), |k| self.i + k);
    }

    /// The next token of the logical line.
    // One caller, per token: inlined, it costs no more than the byte loop it replaced.
    #[inline(always)]
    pub fn next_token(&mut self) -> Option<Token<'a>> {
        let Some(c) = self.peek() else {
            return Some(Token::End);
        };
        let tok = match c {
            b' ' | b'\t' | b'\x0c' | b'\r' => {
                self.i += 1;
                while matches!(self.peek(), Some(b' ' | b'\t' | b'\x0c' | b'\r')) {
                    self.i += 1;
                }
                Token::Blank
            }
            b'\n' => {
                self.i += 1;
                self.row += 1;
                Token::LineBreak
            }
            b'\\' => {
                match (self.peek_at(1), self.peek_at(2)) {
                    (Some(b'\n'), _) => self.i += 2,
                    (Some(b'\r'), Some(b'\n')) => self.i += 3,
                    _ => return None,
                }
                self.row += 1;
                Token::Continuation
            }
            b'#' => {
                self.skip_comment();
                Token::Comment
            }
            b'(' | b'[' | b'{' => {
                self.brackets.open(c);
                self.i += 1;
                Token::Open(c)
            }
            b')' | b']' | b'}' => {
                self.brackets.close(c)?;
                self.i += 1;
                Token::Close(c)
            }
            b'"' | b'\'' => Token::Str(Prefix::default()),
            b':' => {
                self.i += 1;
                if self.peek() == Some(b'=') {
                    self.i += 1;
                    Token::Walrus
                } else {
                    Token::Colon
                }
            }
            b';' => {
                self.i += 1;
                Token::Semicolon
            }
            b'.' if !self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => {
                self.i += 1;
                Token::Dot
            }
            b',' => {
                self.i += 1;
                Token::Comma
            }
            b'*' => {
                self.i += 1;
                Token::Star
            }
            b'0'..=b'9' | b'.' => {
                self.number()?;
                Token::Number
            }
            c if is_ident(c) => self.name_or_prefix()?,
            // Python 2's `<>` and backquotes.
            b'<' if self.peek_at(1) == Some(b'>') => return None,
            b'`' => return None,
            // What Python has no token for: a control character (`\x1c` as indentation), `$`,
            // `?`, a `!` that does not start `!=`. CPython refuses the line; tree-sitter
            // recovers in its own way (a `$pass` body is still a `pass`), so the full parse
            // gives the file its one answer.
            c if c < 0x20 || c == 0x7f => return None,
            b'$' | b'?' => return None,
            b'!' if self.peek_at(1) != Some(b'=') => return None,
            _ => {
                self.i += 1;
                // `<<` and `>>` too: the second `<`/`>` of the pair.
                let shift = matches!(c, b'<' | b'>') && self.i >= 2 && self.s[self.i - 2] == c;
                Token::Op {
                    byte: c,
                    binary: shift
                        || matches!(c, b'+' | b'-' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^'),
                }
            }
        };
        // Two operands in a row (`string literal`, `x 1`, `f() g`) is a syntax error that
        // tree-sitter recovers from by regrouping what follows, however far; the full parse
        // gives such a file its one answer. A line break inside brackets is blank space too
        // (`(a in b\n or c)`); outside them it ends the logical line, which resets this.
        if matches!(
            tok,
            Token::Blank | Token::Comment | Token::Continuation | Token::LineBreak
        ) {
            return Some(tok);
        }
        // A name must follow `from`, `import`, `def`, `class`, `global`, `nonlocal`: a keyword
        // there (`from or: x`) is a syntax error that tree-sitter recovers from by reaching
        // into the lines below.
        if std::mem::take(&mut self.name_next) {
            if let Token::Name(w) = tok {
                if is_keyword(w) && !matches!(w, b"match" | b"case" | b"type") {
                    return None;
                }
            }
        }
        if let Token::Name(w) = tok {
            self.name_next = matches!(
                w,
                b"from" | b"import" | b"def" | b"class" | b"global" | b"nonlocal"
            );
        }
        let now = match tok {
            // A closing bracket ends an operand whatever came before (`f(x)`, `[a, "b"]`).
            Token::Close(_) => {
                self.last = Last::Operand;
                return Some(tok);
            }
            // After an operand only the keywords that continue an expression or clause
            // (`x if c else y`, `a not in b`, `except E as e`); `x pass` is two statements
            // run together.
            Token::Name(w) if is_keyword(w) => {
                if self.last != Last::Other && !continues_an_operand(w) {
                    return None;
                }
                // An infix keyword with no operand before it (`or pass` as a handler's
                // body): tree-sitter skips it and reads on (a `pass` body), the prefilter
                // would not; the full parse gives the file its one answer. (`for x, in y`
                // is valid and goes to the full parse too: a rare form, and a safe answer.)
                // A soft keyword before it may be a name (`self.match is None`).
                let infix = matches!(w, b"and" | b"or" | b"is") || (w == b"in" && !self.after_not);
                if self.last == Last::Other && infix && !self.after_soft {
                    return None;
                }
                Last::Other
            }
            Token::Name(_) | Token::Number => Last::Operand,
            Token::Str(_) => Last::Str,
            _ => Last::Other,
        };
        self.after_not = tok == Token::Name(b"not");
        self.after_soft = matches!(tok, Token::Name(b"match" | b"case" | b"type"));
        // `***` anywhere, or `**` beginning a statement, is a syntax error that tree-sitter
        // recovers from by reading on into the lines below (`**** k`); the full parse gives
        // such a file its one answer.
        if tok == Token::Star {
            if self.stars == 0 {
                self.stars_begin_line = self.line_begins;
            }
            self.stars += 1;
            if self.stars >= 3 || (self.stars == 2 && self.stars_begin_line) {
                return None;
            }
        } else {
            self.stars = 0;
        }
        self.line_begins = false;
        match (self.last, now) {
            (Last::Operand | Last::Str, Last::Operand) | (Last::Operand, Last::Str) => None,
            _ => {
                self.last = now;
                Some(tok)
            }
        }
    }

    /// The next token inside an f-string replacement field, whose own brackets are `brackets`.
    pub fn field_token(&mut self, brackets: &mut Brackets) -> Option<FieldToken<'a>> {
        let c = self.peek()?;
        let tok = match c {
            b'}' if brackets.depth() == 0 => {
                self.i += 1;
                FieldToken::End
            }
            b':' if brackets.depth() == 0 => {
                self.i += 1;
                FieldToken::Spec
            }
            b'(' | b'[' | b'{' => {
                brackets.open(c);
                self.i += 1;
                FieldToken::Other
            }
            b')' | b']' | b'}' => {
                brackets.close(c)?;
                self.i += 1;
                FieldToken::Other
            }
            b'\n' => {
                self.row += 1;
                self.i += 1;
                FieldToken::Other
            }
            b'"' | b'\'' => FieldToken::Str(Prefix::default()),
            b'#' => {
                self.skip_comment();
                FieldToken::Other
            }
            b'0'..=b'9' => {
                self.number()?;
                FieldToken::Other
            }
            c if is_ident(c) => match self.name_or_prefix()? {
                Token::Name(w) => FieldToken::Name(w),
                Token::Str(p) => FieldToken::Str(p),
                _ => FieldToken::Other,
            },
            _ => {
                self.i += 1;
                FieldToken::Other
            }
        };
        Some(tok)
    }

    /// A number token; `None` for what CPython 3 rejects and tree-sitter reads as something
    /// else (`1abc`, Python 2's `0777` and `10L`), so the full parse reports it.
    fn number(&mut self) -> Option<()> {
        let start = self.i;
        let hex = matches!(self.s.get(start..start + 2), Some(b"0x" | b"0X"));
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
                let exp = !hex && (c == b'e' || c == b'E');
                self.i += 1;
                if exp && matches!(self.peek(), Some(b'+' | b'-')) {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
        valid_number(&self.s[start..self.i]).then_some(())
    }

    /// The name at the cursor, or the prefix of a string literal (the quote then follows).
    fn name_or_prefix(&mut self) -> Option<Token<'a>> {
        let start = self.i;
        self.i += ident_len(&self.s[start..]);
        let word = &self.s[start..self.i];
        if !word.is_ascii() && !valid_name(word) {
            // Not a Python name (`€`): leave the error to the full parse.
            return None;
        }
        if matches!(self.peek(), Some(b'"' | b'\'')) && is_string_prefix(word) {
            return Some(Token::Str(Prefix::of(word)));
        }
        Some(Token::Name(word))
    }

    /// Whether a Python 2 `print`/`exec` statement's operand follows the name just read
    /// (`print "x"`; `print >>f, x` is a valid Python 3 expression).
    pub fn py2_operand_follows(&self) -> bool {
        let mut j = self.i;
        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        self.s
            .get(j)
            .is_some_and(|&c| is_ident(c) || c.is_ascii_digit() || c == b'"' || c == b'\'')
            && j > self.i
    }

    /// Opens the literal at the cursor (its quotes), its prefix read.
    pub fn open_literal(&mut self, prefix: Prefix, v: &mut StrValue) -> Option<Literal> {
        let q = self.peek()?;
        let triple = self.peek_at(1) == Some(q) && self.peek_at(2) == Some(q);
        self.i += if triple { 3 } else { 1 };
        v.any_f |= prefix.f;
        v.parts.push(v.bytes.len());
        Some(Literal {
            quote: Quote { byte: q, triple },
            prefix,
            segment: v.bytes.len(),
            escaped: false,
            after_field: false,
        })
    }

    /// Reads a literal's body up to its end or its next replacement field, appending its
    /// value to `v`, escapes (and an f-string's doubled braces) decoded by the rules' own
    /// [`crate::syntax::unescape`].
    pub fn literal_piece(&mut self, lit: &mut Literal, v: &mut StrValue) -> Option<Piece> {
        if std::mem::take(&mut lit.after_field) {
            // The text after a field is a constant of its own.
            v.parts.push(v.bytes.len());
            lit.segment = v.bytes.len();
            lit.escaped = false;
        }
        let Quote { byte: q, triple } = lit.quote;
        let Prefix { raw, f } = lit.prefix;
        loop {
            // Copy the run of ordinary characters at once.
            let run = self.s[self.i..]
                .iter()
                .position(|&c| {
                    c == q
                        || c == b'\\'
                        || c == b'\n'
                        || !c.is_ascii()
                        || (f && (c == b'{' || c == b'}'))
                })
                .unwrap_or(self.s.len() - self.i);
            v.bytes.extend_from_slice(&self.s[self.i..self.i + run]);
            self.i += run;
            let c = self.peek()?;
            match c {
                _ if c == q => {
                    if !triple || (self.peek_at(1) == Some(q) && self.peek_at(2) == Some(q)) {
                        self.i += if triple { 3 } else { 1 };
                        if !self.may_follow_a_string() {
                            return None;
                        }
                        decode(v, lit.segment, raw, f, lit.escaped);
                        return Some(Piece::End);
                    }
                    v.bytes.push(c);
                    self.i += 1;
                }
                b'\\' => {
                    // Kept as written (the backslash protects the next character, a quote
                    // included) and decoded with the segment.
                    let next = self.peek_at(1)?;
                    v.bytes.extend_from_slice(&[c, next]);
                    self.i += 2;
                    if next == b'\n' {
                        self.row += 1;
                    } else if next == b'\r' && self.peek() == Some(b'\n') {
                        v.bytes.push(b'\n');
                        self.i += 1;
                        self.row += 1;
                    }
                    lit.escaped = true;
                }
                b'\n' => {
                    if !triple {
                        return None;
                    }
                    self.row += 1;
                    v.bytes.push(c);
                    self.i += 1;
                }
                b'{' | b'}' if f && self.peek_at(1) == Some(c) => {
                    v.bytes.extend_from_slice(&[c, c]);
                    self.i += 2;
                    lit.escaped = true;
                }
                b'{' if f => {
                    decode(v, lit.segment, raw, f, lit.escaped);
                    self.i += 1;
                    lit.after_field = true;
                    return Some(Piece::Field);
                }
                _ => {
                    if !c.is_ascii() && folds_at(&self.s[self.i..]) {
                        v.opaque = true;
                    }
                    v.bytes.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// Whether what touches a closing quote is something Python reads after a string: not a
    /// name or number (`"..."I % x`, which CPython refuses and tree-sitter recovers from in its
    /// own way), except the keywords an expression may meet (`"a"if c else"b"`, `"a"in s`)
    /// and the prefix of the next literal (`"a"rb"b"`).
    fn may_follow_a_string(&self) -> bool {
        let rest = &self.s[self.i..];
        if !rest.first().is_some_and(|&c| is_ident(c)) {
            return true;
        }
        let word = &rest[..ident_len(rest)];
        continues_an_operand(word)
            || (is_string_prefix(word) && matches!(rest.get(word.len()), Some(b'"' | b'\'')))
    }

    /// After a literal: the prefix of the next one implicitly concatenated to it, its
    /// separation (blanks, escaped line breaks, and inside the line's brackets line breaks
    /// and comments) consumed; `None`, and nothing consumed, if none follows.
    pub fn next_literal(&mut self) -> Option<Prefix> {
        let save = (self.i, self.row);
        self.skip_blank_between_strings();
        let start = self.i;
        // One letter more than a prefix can have, to tell `rb"` from `abc"`.
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) && self.i - start <= MAX_PREFIX {
            self.i += 1;
        }
        let word = &self.s[start..self.i];
        if matches!(self.peek(), Some(b'"' | b'\'')) && (word.is_empty() || is_string_prefix(word))
        {
            return Some(Prefix::of(word));
        }
        (self.i, self.row) = save;
        None
    }

    fn skip_blank_between_strings(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\x0c' | b'\r') => self.i += 1,
                Some(b'\n') if self.depth() > 0 => {
                    self.i += 1;
                    self.row += 1;
                }
                Some(b'#') if self.depth() > 0 => self.skip_comment(),
                Some(b'\\') if self.peek_at(1) == Some(b'\n') => {
                    self.i += 2;
                    self.row += 1;
                }
                Some(b'\\') if self.peek_at(1) == Some(b'\r') && self.peek_at(2) == Some(b'\n') => {
                    self.i += 3;
                    self.row += 1;
                }
                _ => return,
            }
        }
    }

    /// Reads a format spec (after a field's `:`) up to its `}` or its next nested field,
    /// appending its text to `spec`; `opaque` is set if its value may differ from that text.
    pub fn spec_piece(
        &mut self,
        quote: Quote,
        spec: &mut Vec<u8>,
        opaque: &mut bool,
    ) -> Option<Piece> {
        loop {
            let c = self.peek()?;
            match c {
                b'}' => {
                    self.i += 1;
                    return Some(Piece::End);
                }
                b'{' => {
                    self.i += 1;
                    return Some(Piece::Field);
                }
                b'\n' if !quote.triple => return None,
                _ if c == quote.byte && !quote.triple => return None,
                _ => {
                    if c == b'\n' {
                        self.row += 1;
                    }
                    if c == b'\\' || (!c.is_ascii() && folds_at(&self.s[self.i..])) {
                        *opaque = true;
                    }
                    spec.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// Whether a binary operator or a method call follows (closing brackets, blanks and line
    /// breaks skipped: `("SELECT ..." \n "FROM t") % x`).
    pub fn binop_follows(&self) -> bool {
        let rest = &self.s[self.i..];
        let mut k = 0;
        while let Some(&c) = rest.get(k) {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b')' | b'\\' | b'\x0c' => k += 1,
                // Inside brackets a comment may stand between the string and its operator.
                b'#' => k += memchr::memchr(b'\n', &rest[k..]).unwrap_or(rest.len() - k),
                b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'.' => return true,
                // `<<` and `>>` (a single `<`/`>` compares: no `BinOp`).
                b'<' | b'>' => return rest.get(k + 1) == Some(&c),
                _ => return false,
            }
        }
        false
    }

    /// Whether only blanks and a comment are left of the statement.
    pub fn at_statement_end(&self) -> bool {
        let mut j = self.i;
        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        matches!(self.s.get(j), None | Some(b'\n' | b'\r' | b'#' | b';'))
    }

    /// Whether a logical line whose last token is `s[last.0..last.1]` cannot end there: after
    /// an operator, a `.` or a keyword that needs an operand. CPython refuses such a line, and
    /// tree-sitter takes the line break for a blank and reads on into the next line.
    pub fn dangling(&self, last: (usize, usize)) -> bool {
        let s = self.s;
        let tok = &s[last.0..last.1];
        let Some(&end) = tok.last() else {
            return false;
        };
        if tok[0].is_ascii_digit() || (tok.len() > 1 && tok[0] == b'.') {
            // A number (`1.`, `.5`).
            return false;
        }
        match end {
            // `...` is Ellipsis.
            b'.' => !s[..last.1].ends_with(b"..."),
            b'+' | b'-' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'<' | b'>' | b'=' | b'~' => {
                true
            }
            _ => matches!(
                tok,
                b"import"
                    | b"from"
                    | b"as"
                    | b"and"
                    | b"or"
                    | b"not"
                    | b"in"
                    | b"is"
                    | b"lambda"
                    | b"if"
                    | b"elif"
                    | b"while"
                    | b"for"
                    | b"with"
                    | b"del"
                    | b"assert"
                    | b"global"
                    | b"nonlocal"
                    | b"class"
                    | b"def"
            ),
        }
    }
}

/// Decodes `v.bytes[segment..]`, a literal's text as written, in place.
fn decode(v: &mut StrValue, segment: usize, raw: bool, f: bool, escaped: bool) {
    if !escaped {
        return;
    }
    let Ok(text) = std::str::from_utf8(&v.bytes[segment..]) else {
        v.opaque = true;
        return;
    };
    let value = crate::syntax::unescape(text, raw, f);
    // `\N{...}` stays as written (Unicode's name table is not at hand), and an escape may
    // make a character that case-folds to an ASCII letter.
    if (!raw && text.contains("\\N")) || value.contains(FOLDS_TO_ASCII) {
        v.opaque = true;
    }
    v.bytes.truncate(segment);
    v.bytes.extend_from_slice(value.as_bytes());
}

/// The two non-ASCII characters that Unicode case folding maps to ASCII letters: U+017F
/// (long s) and U+212A (Kelvin sign, k). Case-insensitive patterns could match through them.
const FOLDS_TO_ASCII: [char; 2] = ['\u{17f}', '\u{212a}'];

/// Whether a name holds a character of [`FOLDS_TO_ASCII`].
pub(crate) fn folds_to_ascii(s: &[u8]) -> bool {
    (0..s.len()).any(|i| folds_at(&s[i..]))
}

/// Whether `s` starts with a character of [`FOLDS_TO_ASCII`].
fn folds_at(s: &[u8]) -> bool {
    const LONG_S: &[u8] = "\u{17f}".as_bytes();
    const KELVIN: &[u8] = "\u{212a}".as_bytes();
    s.starts_with(LONG_S) || s.starts_with(KELVIN)
}

/// Whether a name with non-ASCII characters is one Python accepts: `XID_Start` or `_`, then
/// `XID_Continue` (checked before NFKC normalisation, which can only make the full parse
/// decide a few more files).
fn valid_name(word: &[u8]) -> bool {
    let Ok(w) = std::str::from_utf8(word) else {
        return false;
    };
    let mut chars = w.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue)
}

/// Whether a token is a Python 3 number literal.
fn valid_number(t: &[u8]) -> bool {
    let digits =
        |d: &[u8], ok: fn(u8) -> bool| !d.is_empty() && d.iter().all(|&c| ok(c) || c == b'_');
    match t {
        [b'0', b'x' | b'X', rest @ ..] => digits(rest, |c| c.is_ascii_hexdigit()),
        [b'0', b'o' | b'O', rest @ ..] => digits(rest, |c| (b'0'..=b'7').contains(&c)),
        [b'0', b'b' | b'B', rest @ ..] => digits(rest, |c| c == b'0' || c == b'1'),
        _ => {
            let body = t
                .strip_suffix(b"j")
                .or_else(|| t.strip_suffix(b"J"))
                .unwrap_or(t);
            let (mantissa, exponent) = match body.iter().position(|c| matches!(c, b'e' | b'E')) {
                Some(i) => (&body[..i], Some(&body[i + 1..])),
                None => (body, None),
            };
            let mantissa_ok = !mantissa.is_empty()
                && mantissa
                    .iter()
                    .all(|c| c.is_ascii_digit() || matches!(c, b'_' | b'.'))
                && mantissa.iter().filter(|&&c| c == b'.').count() <= 1
                && mantissa.iter().any(u8::is_ascii_digit);
            let exponent_ok = exponent.is_none_or(|e| {
                let e = e
                    .strip_prefix(b"+")
                    .or_else(|| e.strip_prefix(b"-"))
                    .unwrap_or(e);
                digits(e, |c| c.is_ascii_digit())
            });
            // A decimal integer other than zero has no leading zero.
            let is_int = exponent.is_none() && !mantissa.contains(&b'.') && body.len() == t.len();
            let leading_zero = is_int
                && mantissa.first() == Some(&b'0')
                && mantissa.iter().any(|c| (b'1'..=b'9').contains(c));
            mantissa_ok && exponent_ok && !leading_zero
        }
    }
}

fn is_ident(c: u8) -> bool {
    IDENT[c as usize]
}

/// Bytes that may be part of a name: ASCII letters, digits, `_` and any non-ASCII byte.
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || !b.is_ascii();
        c += 1;
    }
    t
};

/// The length of the name at the start of `s`.
fn ident_len(s: &[u8]) -> usize {
    s.iter().position(|&c| !is_ident(c)).unwrap_or(s.len())
}

fn is_string_prefix(w: &[u8]) -> bool {
    if w.is_empty() || w.len() > MAX_PREFIX {
        return false;
    }
    let lower: Vec<u8> = w.iter().map(|c| c.to_ascii_lowercase()).collect();
    matches!(
        &lower[..],
        b"r" | b"u" | b"b" | b"f" | b"t" | b"br" | b"rb" | b"fr" | b"rf" | b"tr" | b"rt"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Option<Vec<Token<'_>>> {
        let mut t = Tokenizer::new(src.as_bytes());
        let mut out = Vec::new();
        loop {
            match t.next_token()? {
                Token::End => return Some(out),
                Token::Str(p) => {
                    let mut v = StrValue::default();
                    let mut lit = t.open_literal(p, &mut v)?;
                    while t.literal_piece(&mut lit, &mut v)? == Piece::Field {
                        while t.field_token(&mut Brackets::default())? != FieldToken::End {}
                    }
                    out.push(Token::Str(p));
                }
                tok => out.push(tok),
            }
        }
    }

    #[test]
    fn a_line_is_cut_into_tokens() {
        use Token::*;
        assert_eq!(
            tokens("x = f(a, *b)[1:] # c\n").unwrap(),
            [
                Name(b"x"),
                Blank,
                Op {
                    byte: b'=',
                    binary: false
                },
                Blank,
                Name(b"f"),
                Open(b'('),
                Name(b"a"),
                Comma,
                Blank,
                Star,
                Name(b"b"),
                Close(b')'),
                Open(b'['),
                Number,
                Colon,
                Close(b']'),
                Blank,
                Comment,
                LineBreak
            ]
        );
        assert_eq!(
            tokens("a<<b := .5 \\\n").unwrap()[..4],
            [
                Name(b"a"),
                Op {
                    byte: b'<',
                    binary: false
                },
                Op {
                    byte: b'<',
                    binary: true
                },
                Name(b"b")
            ]
        );
        assert_eq!(
            tokens("rb'x' f'{y}'").unwrap(),
            [
                Str(Prefix {
                    raw: true,
                    f: false
                }),
                Blank,
                Str(Prefix {
                    raw: false,
                    f: true
                })
            ]
        );
    }

    #[test]
    fn what_python_3_refuses_is_none() {
        for bad in ["f(]", "a <> b", "`x`", "0777", "'abc", "€ = 1", "x \\ y"] {
            assert_eq!(tokens(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_literal_group_is_joined_and_decoded() {
        let src = b"'a\\x41' \\\n r'\\n' f'{x:>{w}}b{{'";
        let mut t = Tokenizer::new(src);
        let mut v = StrValue::default();
        let Some(Token::Str(p)) = t.next_token() else {
            panic!()
        };
        let mut lit = t.open_literal(p, &mut v).unwrap();
        let mut fields = 0;
        loop {
            match t.literal_piece(&mut lit, &mut v).unwrap() {
                Piece::Field => {
                    fields += 1;
                    let mut b = Brackets::default();
                    loop {
                        match t.field_token(&mut b).unwrap() {
                            FieldToken::End => break,
                            FieldToken::Spec => {
                                let (mut spec, mut opaque) = (Vec::new(), false);
                                while t.spec_piece(lit.quote, &mut spec, &mut opaque).unwrap()
                                    == Piece::Field
                                {
                                    while t.field_token(&mut Brackets::default()).unwrap()
                                        != FieldToken::End
                                    {}
                                }
                                assert_eq!(spec, b">");
                                break;
                            }
                            _ => {}
                        }
                    }
                }
                Piece::End => match t.next_literal() {
                    Some(p) => lit = t.open_literal(p, &mut v).unwrap(),
                    None => break,
                },
            }
        }
        assert_eq!(fields, 1);
        assert_eq!(v.bytes, b"aA\\nb{");
        assert_eq!(v.parts, [0, 2, 4, 4]);
        assert!(v.any_f && !v.opaque);
        assert_eq!(t.next_token(), Some(Token::End));
        assert_eq!(t.row(), 1);
    }

    #[test]
    fn number_literals() {
        for ok in [
            "0", "00", "0_0", "10", "1_000", "0x1f", "0o17", "0b101", "1.5", "1e5", "1e-5", "2j",
            ".5",
        ] {
            assert!(valid_number(ok.as_bytes()), "{ok}");
        }
        for bad in ["0777", "10L", "1abc", "0x", "1e", "0b2"] {
            assert!(!valid_number(bad.as_bytes()), "{bad}");
        }
    }
}
