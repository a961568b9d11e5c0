//! Cuts Python source into statements, with the atoms of each, without parsing it.
//!
//! Only what decides where a statement starts is modelled: strings (prefixes, triple quotes,
//! escapes, f-string replacement fields with nested strings as in Python 3.12), comments,
//! brackets, backslash continuations and indentation. Each logical line either starts a
//! statement at its block's indentation, continues one (a deeper line, a decorated `def`,
//! `elif`/`else`/`except`/`finally`), or starts the body of a `class`, `def`, `with`, `for`,
//! `while` or `if` whose header ends with `:` — the body's statements then become that
//! unit's members. Anything inconsistent returns `None`, and the caller parses the whole file.

use std::collections::HashMap;

use super::{Atoms, FastHash, Table};

/// One statement (or, for a split compound statement, its header, with its members as the
/// units that follow it).
#[derive(Debug)]
pub(crate) struct Unit {
    /// Byte offset of the first line's start (0 for the first unit: leading comments go
    /// with it).
    pub start: usize,
    /// Byte offset where the next statement that is not a member starts (or the end).
    pub end: usize,
    pub start_row: u32,
    pub end_row: u32,
    /// For a split compound statement: where its first member starts (byte, row).
    pub body: Option<(usize, u32)>,
    /// How many units after this one are its members (at any depth).
    pub descendants: u32,
    /// What this unit's own lines hold (a split unit: its header only).
    pub atoms: Atoms,
    pub has_import: bool,
    /// A split `if`/`for`/`while` turned out to have an `elif`/`else` clause: it is kept
    /// whole or not at all.
    pub broken: bool,
    pub def_kind: DefKind,
    pub parent: u32,
}

pub(crate) const ROOT: u32 = u32::MAX;

/// Whether a unit is a function definition, and which kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum DefKind {
    #[default]
    NotADef,
    Def,
    /// An `async def`, whose body Bandit's B703 does not see as a scope.
    AsyncDef,
}

/// Nesting the lexer follows before it leaves a file to the full parse: CPython's own limits
/// are 100 indentation levels and 150 nested f-strings.
const MAX_BLOCKS: usize = 100;
const MAX_FIELDS: u32 = 150;

/// An open block: the indentation of its statements, its owner, and its current statement.
struct Block {
    indent: (usize, usize),
    owner: u32,
    current: Option<u32>,
}

/// Cuts `src` into units, or `None` when it is not lexically sound Python.
pub(crate) fn units(src: &[u8], table: &Table) -> Option<Vec<Unit>> {
    let mut lx = Lexer {
        s: src,
        i: 0,
        row: 0,
        table,
        aliases: HashMap::default(),
        units: Vec::new(),
        cur: ROOT,
        import: None,
        import_start: 0,
        stmt_start: true,
        depth: 0,
        closers: Vec::new(),
        handler_first: false,
        except_line: false,
        buf: StrValue::default(),
        first_colon: None,
        except_start: 0,
        plain_handler: false,
        pwd_pending: false,
        pwd_pair: false,
        pwd_string: false,
        last_binop: false,
        after_binop: false,
        after_colon: false,
        colon_before: false,
        fields: 0,
    };
    lx.run()?;
    let mut units = lx.units;
    finish(&mut units, src);
    Some(units)
}

struct Lexer<'a, 't> {
    s: &'a [u8],
    i: usize,
    row: u32,
    table: &'t Table,
    /// Import aliases bound so far whose targets carry atoms.
    aliases: HashMap<&'a [u8], Atoms, FastHash>,
    units: Vec<Unit>,
    /// The unit the current tokens belong to.
    cur: u32,
    /// Tokens of the import statement being read, and where it starts.
    import: Option<Vec<Tok<'a>>>,
    import_start: usize,
    /// Whether the next token starts a simple statement.
    stmt_start: bool,
    /// Bracket depth in the current logical line.
    depth: u32,
    /// The closing bracket each open one expects, innermost last: a mismatch (`f(]`) is
    /// something tree-sitter recovers from in its own way, so the file is parsed whole.
    closers: Vec<u8>,
    /// The next statement is the first of an `except` handler's body.
    handler_first: bool,
    /// The current logical line starts with `except`.
    except_line: bool,
    /// A string value buffer to reuse.
    buf: StrValue,
    /// Where the current logical line's first top-level `:` is.
    first_colon: Option<usize>,
    /// Where the current `except` clause's header starts (after the keyword).
    except_start: usize,
    /// The current `except` clause is bare or names `Exception` only.
    plain_handler: bool,
    /// The last token was a password-like name or string: what follows decides whether it
    /// is assigned, compared, a keyword argument, a default, a key or an index.
    pwd_pending: bool,
    /// Such a name was assigned, compared, passed... in this logical line: a string after
    /// it could be the password.
    pwd_pair: bool,
    /// The pending password-like token is a string.
    pwd_string: bool,
    /// The last token was a binary operator; the current token follows one.
    last_binop: bool,
    after_binop: bool,
    /// The last token was a depth-0 `:`; the current token follows one.
    after_colon: bool,
    colon_before: bool,
    /// f-string replacement fields open now (nested f-strings).
    fields: u32,
}

/// The value of a string literal group as far as the lexer knows it.
#[derive(Default)]
struct StrValue {
    bytes: Vec<u8>,
    /// Where each literal part starts in `bytes` (also after each f-string field).
    parts: Vec<usize>,
    any_f: bool,
    /// Its value may differ from `bytes` in ways a pattern could see.
    opaque: bool,
}

impl StrValue {
    fn clear(&mut self) {
        self.bytes.clear();
        self.parts.clear();
        self.any_f = false;
        self.opaque = false;
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
    if (!raw && text.contains("\\N")) || value.contains(['\u{17f}', '\u{212a}']) {
        v.opaque = true;
    }
    v.bytes.truncate(segment);
    v.bytes.extend_from_slice(value.as_bytes());
}

fn string_flags(prefix: &[u8]) -> (bool, bool) {
    let raw = prefix.iter().any(|c| matches!(c, b'r' | b'R'));
    let f = prefix
        .iter()
        .any(|c| matches!(c, b'f' | b'F' | b't' | b'T'));
    (raw, f)
}

/// The tokens an import statement is made of.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok<'a> {
    Name(&'a [u8]),
    Dot,
    Comma,
    Star,
}

/// How a logical line ended.
struct LineEnd {
    colon: bool,
}

impl<'a> Lexer<'a, '_> {
    fn run(&mut self) -> Option<()> {
        let mut blocks = vec![Block {
            indent: (0, 0),
            owner: ROOT,
            current: None,
        }];
        // A split header waiting for its body, and a decorator waiting for its `def`.
        let mut expect_body: Option<u32> = None;
        let mut decorated = false;
        // The indentation of a line that ended with `:` (any block opener): the next line
        // must be deeper (tree-sitter accepts a block of only comments, CPython does not).
        let mut opener: Option<(usize, usize)> = None;
        loop {
            let line_start = self.i;
            let row = self.row;
            while matches!(self.peek(0), Some(b' ' | b'\t')) {
                self.i += 1;
            }
            let indent = (line_start, self.i);
            match self.peek(0) {
                None => break,
                Some(b'\n') => {
                    self.i += 1;
                    self.row += 1;
                    continue;
                }
                Some(b'\r') if self.peek(1) == Some(b'\n') => {
                    self.i += 2;
                    self.row += 1;
                    continue;
                }
                Some(b'#') => {
                    self.skip_comment();
                    continue;
                }
                Some(b'\\') => return None,
                _ => {}
            }
            let first = self.peek_word();
            let ind = &self.s[indent.0..indent.1];
            if let Some(o) = opener.take() {
                let o = &self.s[o.0..o.1];
                if !(ind.len() > o.len() && ind.starts_with(o)) {
                    return None;
                }
            }
            let continuation = matches!(first, b"elif" | b"else" | b"except" | b"finally");
            // Where this line goes: a new statement of the innermost block, or the block's
            // current statement (a deeper line, a decorated definition, `else:` and kin).
            let new_unit = if let Some(owner) = expect_body.take() {
                let top = blocks.last()?;
                let top_ind = &self.s[top.indent.0..top.indent.1];
                if !(ind.len() > top_ind.len() && ind.starts_with(top_ind)) || continuation {
                    return None;
                }
                self.units[owner as usize].body = Some((line_start, row));
                if blocks.len() > MAX_BLOCKS {
                    // CPython refuses more than 100 indentation levels; the plan's walk over
                    // units recurses per level.
                    return None;
                }
                blocks.push(Block {
                    indent,
                    owner,
                    current: None,
                });
                true
            } else {
                let mut popped = false;
                let deeper = loop {
                    let top = blocks.last()?;
                    let top_ind = &self.s[top.indent.0..top.indent.1];
                    if ind == top_ind {
                        break false;
                    }
                    if ind.len() > top_ind.len() && ind.starts_with(top_ind) {
                        if popped {
                            // A dedent to a level no enclosing block has.
                            return None;
                        }
                        break true;
                    }
                    if top_ind.len() > ind.len() && top_ind.starts_with(ind) && blocks.len() > 1 {
                        blocks.pop();
                        popped = true;
                        continue;
                    }
                    return None;
                };
                if deeper || decorated || continuation {
                    let cur = blocks.last()?.current?;
                    if !deeper && self.units[cur as usize].body.is_some() {
                        if !continuation {
                            return None;
                        }
                        self.units[cur as usize].broken = true;
                    }
                    self.cur = cur;
                    false
                } else {
                    true
                }
            };
            if new_unit {
                let block = blocks.last_mut()?;
                let id = self.units.len() as u32;
                self.units.push(Unit {
                    start: line_start,
                    end: 0,
                    start_row: row,
                    end_row: 0,
                    body: None,
                    descendants: 0,
                    atoms: Atoms::default(),
                    has_import: false,
                    broken: false,
                    def_kind: DefKind::NotADef,
                    parent: block.owner,
                });
                block.current = Some(id);
                self.cur = id;
            }
            let keyword = if first == b"async" {
                self.word_after(b"async")
            } else {
                first
            };
            // Compound statements whose body is cut into members. `try` always has a
            // clause after its body and `match` bodies are `case` clauses: those stay whole.
            let header = matches!(
                keyword,
                b"class" | b"def" | b"with" | b"for" | b"while" | b"if"
            );
            let at_block_level = new_unit || decorated;
            if at_block_level && keyword == b"def" {
                self.units[self.cur as usize].def_kind = if first == b"async" {
                    DefKind::AsyncDef
                } else {
                    DefKind::Def
                };
            }
            // A decorator inside a nested block is just part of that block's statement.
            decorated = at_block_level && first.is_empty() && self.peek(0) == Some(b'@');
            self.except_line = first == b"except";
            self.except_start = self.i + first.len();
            self.first_colon = None;
            let end = self.logical_line()?;
            // `except ...:` ends the line: the next line starts the handler's body.
            self.handler_first = self.except_line && end.colon;
            if end.colon {
                opener = Some(indent);
            }
            if header && end.colon && at_block_level {
                expect_body = Some(self.cur);
            }
        }
        if expect_body.is_some() || decorated || opener.is_some() {
            // A header or decorator at the end of the file: not Python.
            return None;
        }
        Some(())
    }

    fn peek(&self, k: usize) -> Option<u8> {
        self.s.get(self.i + k).copied()
    }

    /// The identifier at the cursor (empty if none), without consuming it.
    fn peek_word(&self) -> &'a [u8] {
        &self.s[self.i..self.i + ident_len(&self.s[self.i..])]
    }

    /// The identifier after `word` and blanks at the cursor.
    fn word_after(&self, word: &[u8]) -> &'a [u8] {
        let s = self.s;
        let mut j = self.i + word.len();
        while j < s.len() && matches!(s[j], b' ' | b'\t') {
            j += 1;
        }
        let k = j;
        while j < s.len() && is_ident(s[j]) {
            j += 1;
        }
        &s[k..j]
    }

    fn skip_comment(&mut self) {
        self.i = memchr::memchr(b'\n', &self.s[self.i..]).map_or(self.s.len(), |k| self.i + k);
    }

    fn unit(&mut self) -> &mut Unit {
        &mut self.units[self.cur as usize]
    }

    /// Reads tokens to the end of the logical line.
    fn logical_line(&mut self) -> Option<LineEnd> {
        self.depth = 0;
        self.closers.clear();
        let mut colon = false;
        // Where the last token (not a blank or comment) starts and ends.
        let mut last = (0, 0);
        self.stmt_start = true;
        self.after_colon = false;
        self.colon_before = false;
        self.pwd_pending = false;
        self.pwd_pair = false;
        loop {
            let Some(c) = self.peek(0) else {
                self.end_import();
                return (self.depth == 0).then_some(LineEnd { colon });
            };
            if self.pwd_pending {
                self.password_follower(c);
            }
            let (start, significant) = (
                self.i,
                !matches!(c, b' ' | b'\t' | b'\x0c' | b'\r' | b'\\' | b'#' | b'\n'),
            );
            if significant {
                self.colon_before = std::mem::take(&mut self.after_colon);
                // An opening bracket keeps a binary operator before it in view:
                // `x + ("SELECT ..." ...)`.
                self.after_binop = if c == b'(' {
                    self.last_binop
                } else {
                    std::mem::take(&mut self.last_binop)
                };
            }
            match c {
                b' ' | b'\t' | b'\x0c' => self.i += 1,
                b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.row += 1;
                    if self.depth == 0 {
                        // tree-sitter reads on past a line break where no statement can end
                        // (`from mako.`, `q = "SELECT " +`); CPython refuses the line. The
                        // full parse gives that file its one answer.
                        if dangling(self.s, last) {
                            return None;
                        }
                        self.end_import();
                        return Some(LineEnd { colon });
                    }
                }
                b'\\' => {
                    match (self.peek(1), self.peek(2)) {
                        (Some(b'\n'), _) => self.i += 2,
                        (Some(b'\r'), Some(b'\n')) => self.i += 3,
                        _ => return None,
                    }
                    self.row += 1;
                }
                b'#' => self.skip_comment(),
                c @ (b'(' | b'[' | b'{') => {
                    self.depth += 1;
                    self.closers.push(closer(c));
                    self.i += 1;
                    colon = false;
                    self.stmt_start = false;
                    self.import_tok(None);
                }
                c @ (b')' | b']' | b'}') => {
                    if self.closers.pop()? != c {
                        return None;
                    }
                    self.depth = self.depth.checked_sub(1)?;
                    self.i += 1;
                    colon = false;
                    self.import_tok(None);
                }
                b'"' | b'\'' => {
                    self.string(0)?;
                    colon = false;
                    self.stmt_start = false;
                }
                b':' => {
                    self.i += 1;
                    colon = false;
                    if self.peek(0) == Some(b'=') {
                        self.i += 1;
                    } else if self.depth == 0 {
                        colon = true;
                        if self.first_colon.is_none() {
                            self.first_colon = Some(self.i - 1);
                            if self.except_line {
                                self.plain_handler =
                                    plain_handler(&self.s[self.except_start..self.i - 1]);
                            }
                        }
                        // `try: import x` — a statement may follow on the same line.
                        self.end_import();
                        self.stmt_start = true;
                        // ... or not: `lambda: "0.0.0.0"`, `x: "/tmp/x"` (an annotation).
                        self.after_colon = true;
                        self.handler_first = self.except_line;
                    }
                }
                b';' => {
                    self.i += 1;
                    colon = false;
                    if self.depth == 0 {
                        self.end_import();
                        self.stmt_start = true;
                    }
                }
                b'.' if !self.peek(1).is_some_and(|d| d.is_ascii_digit()) => {
                    self.i += 1;
                    colon = false;
                    self.import_tok(Some(Tok::Dot));
                }
                b',' => {
                    self.i += 1;
                    colon = false;
                    self.import_tok(Some(Tok::Comma));
                }
                b'*' => {
                    self.i += 1;
                    colon = false;
                    self.last_binop = true;
                    self.import_tok(Some(Tok::Star));
                }
                b'0'..=b'9' | b'.' => {
                    self.number()?;
                    colon = false;
                    self.stmt_start = false;
                }
                c if is_ident(c) => {
                    if let Some(word) = self.name_or_literal()? {
                        if self.stmt_start && (word == b"print" || word == b"exec") {
                            // Python 2's print and exec statements (`print >>f, x` is a valid
                            // Python 3 expression).
                            let mut j = self.i;
                            while matches!(self.s.get(j), Some(b' ' | b'\t')) {
                                j += 1;
                            }
                            if self.s.get(j).is_some_and(|&c| {
                                is_ident(c) || c.is_ascii_digit() || c == b'"' || c == b'\''
                            }) && j > self.i
                            {
                                return None;
                            }
                        }
                        self.word(word);
                    }
                    colon = false;
                }
                // Python 2's `<>` and backquotes.
                b'<' if self.peek(1) == Some(b'>') => return None,
                b'`' => return None,
                // A control character outside strings and comments (`\x1c` as indentation):
                // CPython refuses it, tree-sitter recovers in its own way; the full parse
                // gives the file its one answer.
                c if c < 0x20 || c == 0x7f => return None,
                _ => {
                    self.i += 1;
                    colon = false;
                    self.stmt_start = false;
                    // `<<` and `>>` too: the second `<`/`>` of the pair.
                    let shift = matches!(c, b'<' | b'>') && self.i >= 2 && self.s[self.i - 2] == c;
                    self.last_binop =
                        shift || matches!(c, b'+' | b'-' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^');
                    self.import_tok(None);
                }
            }
            if significant {
                last = (start, self.i);
            }
        }
    }

    /// A number token; `None` for what CPython 3 rejects and tree-sitter reads as something
    /// else (`1abc`, Python 2's `0777` and `10L`), so the full parse reports it.
    /// After a password-like name or string: whether the token starting with `c` makes it
    /// an assignment target, a comparison's left side, a keyword argument or default, a
    /// dictionary key or a subscript index (B105–B107's shapes).
    fn password_follower(&mut self, c: u8) {
        let pair = match c {
            b' ' | b'\t' | b'\x0c' | b'\r' | b'\\' | b'#' => return,
            b'\n' if self.depth > 0 => return,
            // `(password) = ...`: the parentheses do not count.
            b')' => return,
            b'=' | b'!' | b'<' | b'>' | b':' | b']' => true,
            b'i' | b'n' => matches!(self.peek_word(), b"is" | b"in" | b"not"),
            _ => false,
        };
        self.pwd_pending = false;
        // A password-like string key (`{"password": None}`, `d["token"] = ...`) is itself
        // the string B105 looks at: its value need not be a string.
        if pair && std::mem::take(&mut self.pwd_string) {
            if let Some(id) = self.table.password {
                self.unit().atoms.set(id);
            }
        }
        self.pwd_pair |= pair;
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        let hex = matches!(self.s.get(start..start + 2), Some(b"0x" | b"0X"));
        while let Some(c) = self.peek(0) {
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
                let exp = !hex && (c == b'e' || c == b'E');
                self.i += 1;
                if exp && matches!(self.peek(0), Some(b'+' | b'-')) {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
        valid_number(&self.s[start..self.i]).then_some(())
    }

    /// The name at the cursor, or a string literal with its prefix: `Some(Some(name))` for a
    /// name, `Some(None)` once a literal is read, `None` for what is not Python.
    fn name_or_literal(&mut self) -> Option<Option<&'a [u8]>> {
        let start = self.i;
        self.i += ident_len(&self.s[start..]);
        let word = &self.s[start..self.i];
        if !word.is_ascii() && !valid_name(word) {
            // Not a Python name (`€`): leave the error to the full parse.
            return None;
        }
        if matches!(self.peek(0), Some(b'"' | b'\'')) && is_string_prefix(word) {
            self.string(word.len())?;
            return Some(None);
        }
        Some(Some(word))
    }

    /// An identifier or keyword token.
    fn word(&mut self, word: &'a [u8]) {
        let table = self.table;
        let starts = self.stmt_start;
        self.stmt_start = false;
        if starts && std::mem::take(&mut self.handler_first) {
            let plain = self.plain_handler;
            for &(kw, typed, id) in &table.handlers {
                if kw.as_bytes() == word && (typed || plain) {
                    self.unit().atoms.set(id);
                }
            }
        }
        if starts && (word == b"import" || word == b"from") && self.import.is_none() {
            self.import = Some(Vec::new());
            self.import_start = self.i - word.len();
            self.unit().has_import = true;
        }
        if let Some(toks) = &mut self.import {
            toks.push(Tok::Name(word));
        }
        if !word.is_ascii() && folds_to_ascii(word) {
            self.opaque();
        }
        if let Some(id) = table.word(word) {
            self.unit().atoms.set(id);
        }
        if table.password.is_some() && word != b"pass" && password_name(word) {
            self.pwd_pending = true;
            self.pwd_string = false;
        }
        if !self.aliases.is_empty() {
            if let Some(a) = self.aliases.get(word).copied() {
                self.unit().atoms.union(&a);
            }
        }
    }

    fn import_tok(&mut self, tok: Option<Tok<'a>>) {
        if let Some(toks) = &mut self.import {
            // Brackets (`None`) carry no meaning for the bindings.
            if let Some(t) = tok {
                toks.push(t);
            }
        }
    }

    /// Ends the import statement being read and records the aliases it binds.
    fn end_import(&mut self) {
        let Some(toks) = self.import.take() else {
            return;
        };
        let mut found = Atoms::default();
        self.table
            .imports
            .atoms(&self.s[self.import_start..self.i], &mut found);
        self.unit().atoms.union(&found);
        for (name, target) in bindings(&toks) {
            let mut atoms = Atoms::default();
            for part in target.split(|&c| c == b'.') {
                if let Some(id) = self.table.word(part) {
                    atoms.set(id);
                }
            }
            self.table.text.atoms(&target, &mut atoms);
            if atoms.any() {
                self.aliases.entry(name).or_default().union(&atoms);
            }
        }
    }

    /// A string literal whose prefix (`prefix` bytes, already consumed) ends at the cursor,
    /// with the literals implicitly concatenated to it.
    fn string(&mut self, prefix: usize) -> Option<()> {
        // A statement that may turn out to be just this string (a docstring). After a
        // depth-0 `:` it may as well be a lambda's body or an annotation: never bare.
        let bare = self.stmt_start && self.depth == 0 && !self.colon_before;
        self.stmt_start = false;
        self.import_tok(None);
        // Reuse the buffers of the last literal (a nested literal in an f-string field finds
        // them taken and starts empty).
        let mut v = std::mem::take(&mut self.buf);
        v.clear();
        let (raw, f) = string_flags(&self.s[self.i - prefix..self.i]);
        self.string_body(raw, f, &mut v)?;
        loop {
            let save = (self.i, self.row);
            self.skip_blank_between_strings();
            let start = self.i;
            while self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) && self.i - start < 3 {
                self.i += 1;
            }
            let word = &self.s[start..self.i];
            if matches!(self.peek(0), Some(b'"' | b'\''))
                && (word.is_empty() || is_string_prefix(word))
            {
                let (raw, f) = string_flags(word);
                self.string_body(raw, f, &mut v)?;
            } else {
                (self.i, self.row) = save;
                break;
            }
        }
        // A bare string statement is no constant the string rules look at (the walk skips
        // it too); an f-string statement still is.
        if bare && !v.any_f && self.at_statement_end() {
            self.buf = v;
            return Some(());
        }
        let table = self.table;
        let mut atoms = Atoms::default();
        if let Some(id) = table.any_string {
            atoms.set(id);
        }
        if v.opaque {
            if let Some(id) = table.opaque {
                atoms.set(id);
            }
        }
        table.strs.atoms(&v.bytes, &mut atoms);
        if v.any_f || self.after_binop || self.binop_follows() {
            table.operands.atoms(&v.bytes, &mut atoms);
        }
        for &p in &v.parts {
            for (needle, id) in &table.str_starts {
                if v.bytes[p..].starts_with(needle) {
                    atoms.set(*id);
                }
            }
        }
        if self.pwd_pair {
            if let Some(id) = table.password {
                atoms.set(id);
            }
        }
        let pwd = table.password.is_some() && password_name(&v.bytes);
        self.unit().atoms.union(&atoms);
        self.buf = v;
        self.pwd_pending = pwd;
        self.pwd_string = pwd;
        Some(())
    }

    /// Whether a binary operator or a method call follows (closing brackets, blanks and line
    /// breaks skipped: `("SELECT ..." \n "FROM t") % x`).
    fn binop_follows(&self) -> bool {
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
    fn at_statement_end(&self) -> bool {
        let mut j = self.i;
        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        matches!(self.s.get(j), None | Some(b'\n' | b'\r' | b'#' | b';'))
    }

    /// Skips what may separate implicitly concatenated literals: blanks, escaped line
    /// breaks, and inside brackets line breaks and comments.
    fn skip_blank_between_strings(&mut self) {
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t' | b'\x0c' | b'\r') => self.i += 1,
                Some(b'\n') if self.depth > 0 => {
                    self.i += 1;
                    self.row += 1;
                }
                Some(b'#') if self.depth > 0 => self.skip_comment(),
                Some(b'\\') if self.peek(1) == Some(b'\n') => {
                    self.i += 2;
                    self.row += 1;
                }
                Some(b'\\') if self.peek(1) == Some(b'\r') && self.peek(2) == Some(b'\n') => {
                    self.i += 3;
                    self.row += 1;
                }
                _ => return,
            }
        }
    }

    /// The quotes and body of one literal; appends its value to `v`, escapes (and an
    /// f-string's doubled braces) decoded by the rules' own [`syntax::unescape`].
    fn string_body(&mut self, raw: bool, f: bool, v: &mut StrValue) -> Option<()> {
        let q = self.peek(0)?;
        let triple = self.peek(1) == Some(q) && self.peek(2) == Some(q);
        self.i += if triple { 3 } else { 1 };
        v.any_f |= f;
        v.parts.push(v.bytes.len());
        // The literal text since the last field, and whether it needs decoding.
        let mut segment = v.bytes.len();
        let mut escaped = false;
        loop {
            // Copy the run of ordinary characters at once.
            let run = self.s[self.i..]
                .iter()
                .position(|&c| {
                    c == q
                        || c == b'\\'
                        || c == b'\n'
                        || c >= 0x80
                        || (f && (c == b'{' || c == b'}'))
                })
                .unwrap_or(self.s.len() - self.i);
            v.bytes.extend_from_slice(&self.s[self.i..self.i + run]);
            self.i += run;
            let c = self.peek(0)?;
            match c {
                _ if c == q => {
                    let close = if triple { 3 } else { 1 };
                    if !triple || (self.peek(1) == Some(q) && self.peek(2) == Some(q)) {
                        self.i += close;
                        decode(v, segment, raw, f, escaped);
                        return Some(());
                    }
                    v.bytes.push(c);
                    self.i += 1;
                }
                b'\\' => {
                    // Kept as written (the backslash protects the next character, a quote
                    // included) and decoded with the segment.
                    let next = self.peek(1)?;
                    v.bytes.extend_from_slice(&[c, next]);
                    self.i += 2;
                    if next == b'\n' {
                        self.row += 1;
                    } else if next == b'\r' && self.peek(0) == Some(b'\n') {
                        v.bytes.push(b'\n');
                        self.i += 1;
                        self.row += 1;
                    }
                    escaped = true;
                }
                b'\n' => {
                    if !triple {
                        return None;
                    }
                    self.row += 1;
                    v.bytes.push(c);
                    self.i += 1;
                }
                b'{' | b'}' if f && self.peek(1) == Some(c) => {
                    v.bytes.extend_from_slice(&[c, c]);
                    self.i += 2;
                    escaped = true;
                }
                b'{' if f => {
                    decode(v, segment, raw, f, escaped);
                    self.i += 1;
                    self.replacement_field(q, triple)?;
                    // The text after a field is a constant of its own.
                    v.parts.push(v.bytes.len());
                    segment = v.bytes.len();
                    escaped = false;
                }
                _ => {
                    if c >= 0x80 && folds_at(&self.s[self.i..]) {
                        v.opaque = true;
                    }
                    v.bytes.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn opaque(&mut self) {
        if let Some(id) = self.table.opaque {
            self.unit().atoms.set(id);
        }
    }

    /// An f-string's `{expression!conversion:format_spec}`, the opening brace consumed.
    fn replacement_field(&mut self, q: u8, triple: bool) -> Option<()> {
        // Nested f-strings recurse here: past CPython's own limit, leave it to the full parse.
        if self.fields >= MAX_FIELDS {
            return None;
        }
        self.fields += 1;
        let r = self.replacement_field_inner(q, triple);
        self.fields -= 1;
        r
    }

    fn replacement_field_inner(&mut self, q: u8, triple: bool) -> Option<()> {
        let mut depth = 0u32;
        let mut closers: Vec<u8> = Vec::new();
        let saved_import = self.import.take();
        let saved_start = self.stmt_start;
        let saved_pwd = std::mem::take(&mut self.pwd_pending);
        loop {
            let c = self.peek(0)?;
            // Inside a field, a password-like name counts whatever follows it.
            if std::mem::take(&mut self.pwd_pending) {
                if let Some(id) = self.table.password {
                    self.unit().atoms.set(id);
                }
            }
            match c {
                b'}' if depth == 0 => {
                    self.i += 1;
                    break;
                }
                b':' if depth == 0 => {
                    self.i += 1;
                    // The format spec: literal text with nested fields; checked on its own,
                    // as it is no part of the joined value.
                    let mut spec = Vec::new();
                    loop {
                        let c = self.peek(0)?;
                        match c {
                            b'}' => {
                                self.i += 1;
                                break;
                            }
                            b'{' => {
                                self.i += 1;
                                self.replacement_field(q, triple)?;
                            }
                            b'\n' if !triple => return None,
                            _ if c == q && !triple => return None,
                            _ => {
                                if c == b'\n' {
                                    self.row += 1;
                                }
                                if c == b'\\' || (c >= 0x80 && folds_at(&self.s[self.i..])) {
                                    self.opaque();
                                }
                                spec.push(c);
                                self.i += 1;
                            }
                        }
                    }
                    let mut atoms = Atoms::default();
                    self.table.strs.atoms(&spec, &mut atoms);
                    self.table.operands.atoms(&spec, &mut atoms);
                    self.unit().atoms.union(&atoms);
                    break;
                }
                c @ (b'(' | b'[' | b'{') => {
                    depth += 1;
                    closers.push(closer(c));
                    self.i += 1;
                }
                c @ (b')' | b']' | b'}') => {
                    if closers.pop()? != c {
                        return None;
                    }
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b'\n' => {
                    self.row += 1;
                    self.i += 1;
                }
                b'"' | b'\'' => self.string(0)?,
                b'#' => self.skip_comment(),
                b'0'..=b'9' => self.number()?,
                c if is_ident(c) => {
                    if let Some(word) = self.name_or_literal()? {
                        self.word(word);
                    }
                }
                _ => self.i += 1,
            }
        }
        if self.pwd_pending {
            if let Some(id) = self.table.password {
                self.unit().atoms.set(id);
            }
        }
        self.import = saved_import;
        self.stmt_start = saved_start;
        self.pwd_pending = saved_pwd;
        Some(())
    }
}

/// `(bound name, dotted target)` of each alias an import statement's tokens bind, as the
/// walk's alias map records them: `import a.b as c` binds `c` to `a.b`; `from m import x as
/// y` binds `y` (or `x`) to `m.x`; `from . import x as y` binds `y` to `x`.
fn bindings<'a>(toks: &[Tok<'a>]) -> Vec<(&'a [u8], Vec<u8>)> {
    let mut out = Vec::new();
    let mut it = toks.iter().copied().peekable();
    match it.next() {
        Some(Tok::Name(b"import")) => {
            // dotted [as name] {, dotted [as name]}
            loop {
                let mut dotted = Vec::new();
                while let Some(t) = it.peek().copied() {
                    match t {
                        Tok::Name(b"as") => break,
                        Tok::Name(n) => dotted.extend_from_slice(n),
                        Tok::Dot => dotted.push(b'.'),
                        _ => break,
                    }
                    it.next();
                }
                if it.peek() == Some(&Tok::Name(b"as")) {
                    it.next();
                    if let Some(Tok::Name(alias)) = it.next() {
                        out.push((alias, dotted));
                    }
                }
                match it.next() {
                    Some(Tok::Comma) => continue,
                    _ => break,
                }
            }
        }
        Some(Tok::Name(b"from")) => {
            let mut module = Vec::new();
            for t in it.by_ref() {
                match t {
                    Tok::Name(b"import") => break,
                    Tok::Name(n) => module.extend_from_slice(n),
                    Tok::Dot => module.push(b'.'),
                    _ => {}
                }
            }
            // Leading dots are the relative level, which the alias map ignores.
            let module: Vec<u8> = module.iter().copied().skip_while(|c| *c == b'.').collect();
            while let Some(Tok::Name(name)) = it.next() {
                let mut bound = name;
                if it.peek() == Some(&Tok::Name(b"as")) {
                    it.next();
                    if let Some(Tok::Name(alias)) = it.next() {
                        bound = alias;
                    }
                }
                let target = if module.is_empty() {
                    name.to_vec()
                } else {
                    [&module[..], b".", name].concat()
                };
                if !module.is_empty() || bound != name {
                    out.push((bound, target));
                }
                match it.next() {
                    Some(Tok::Comma) => continue,
                    _ => break,
                }
            }
        }
        _ => {}
    }
    out
}

/// Sets each unit's end (the start of the next unit that is not a member) and member count.
fn finish(units: &mut [Unit], src: &[u8]) {
    if let Some(first) = units.first_mut() {
        first.start = 0;
        first.start_row = 0;
    }
    for i in (0..units.len()).rev() {
        let p = units[i].parent;
        if p != ROOT {
            let d = units[i].descendants + 1;
            units[p as usize].descendants += d;
        }
    }
    let eof_row = src.iter().filter(|&&c| c == b'\n').count() as u32;
    for i in 0..units.len() {
        let next = i + 1 + units[i].descendants as usize;
        let (end, row) = units
            .get(next)
            .map_or((src.len(), eof_row), |n| (n.start, n.start_row));
        units[i].end = end;
        units[i].end_row = row;
    }
}

/// Whether a name holds one of the two non-ASCII characters that Unicode case folding maps
/// to ASCII letters, U+017F (s) and U+212A (k): the rules' case-insensitive patterns could
/// match through them.
/// The bracket that closes `open`.
fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

fn folds_to_ascii(s: &[u8]) -> bool {
    (0..s.len()).any(|i| folds_at(&s[i..]))
}

/// Whether `s` starts with U+017F or U+212A.
fn folds_at(s: &[u8]) -> bool {
    s.starts_with(&[0xc5, 0xbf]) || s.starts_with(&[0xe2, 0x84, 0xaa])
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

/// Whether an `except` clause's header (between `except` and its `:`) catches everything or
/// `Exception` by that name: `except:`, `except Exception:`, `except (Exception) as e:`.
fn plain_handler(header: &[u8]) -> bool {
    // Comments (`except (Exception  # why\n):`) are no part of it.
    let words: Vec<&[u8]> = header
        .split(|&c| c == b'\n')
        .flat_map(|line| {
            let code = memchr::memchr(b'#', line).map_or(line, |k| &line[..k]);
            code.split(|c| c.is_ascii_whitespace() || matches!(c, b'(' | b')' | b'\\' | b'*'))
        })
        .filter(|w| !w.is_empty())
        .collect();
    matches!(&words[..], [] | [b"Exception"] | [b"Exception", b"as", _])
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

/// Whether a logical line whose last token is `s[last.0..last.1]` cannot end there: after an
/// operator, a `.` or a keyword that needs an operand. CPython refuses such a line, and
/// tree-sitter takes the line break for a blank and reads on into the next line.
fn dangling(s: &[u8], last: (usize, usize)) -> bool {
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
        b'+' | b'-' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'<' | b'>' | b'=' | b'~' => true,
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
fn is_ident(c: u8) -> bool {
    IDENT[c as usize]
}

/// Bytes that may be part of a name: ASCII letters, digits, `_` and any non-ASCII byte.
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        c += 1;
    }
    t
};

/// The length of the name at the start of `s`.
fn ident_len(s: &[u8]) -> usize {
    s.iter().position(|&c| !is_ident(c)).unwrap_or(s.len())
}

fn is_string_prefix(w: &[u8]) -> bool {
    if w.is_empty() || w.len() > 2 {
        return false;
    }
    let lower: Vec<u8> = w.iter().map(|c| c.to_ascii_lowercase()).collect();
    matches!(
        &lower[..],
        b"r" | b"u" | b"b" | b"f" | b"t" | b"br" | b"rb" | b"fr" | b"rf" | b"tr" | b"rt"
    )
}

/// Whether a name or string value matches B105–B107's password pattern: one of its
/// `_`-separated parts is `pas+wo?r?d`, `pass`, `passphrase`, `pwd`, `token` or `secrete?`
/// (ASCII case ignored; names that fold to these through non-ASCII letters are opaque).
fn password_name(w: &[u8]) -> bool {
    let mut rest = w;
    loop {
        let end = memchr::memchr(b'_', rest).unwrap_or(rest.len());
        if password_word(&rest[..end]) {
            return true;
        }
        if end == rest.len() {
            return false;
        }
        rest = &rest[end + 1..];
    }
}

/// Whether one `_`-separated part is a word of the password pattern, ASCII case ignored.
fn password_word(p: &[u8]) -> bool {
    let lower = |i: usize| p[i].to_ascii_lowercase();
    let is = |word: &[u8]| p.len() == word.len() && p.eq_ignore_ascii_case(word);
    if p.len() < 3 {
        return false;
    }
    match lower(0) {
        b't' => is(b"token"),
        b's' => is(b"secret") || is(b"secrete"),
        b'p' => {
            if is(b"pwd") || is(b"pass") || is(b"passphrase") {
                return true;
            }
            // pa s+ w o? r? d
            if lower(1) != b'a' {
                return false;
            }
            let mut i = 2;
            while i < p.len() && lower(i) == b's' {
                i += 1;
            }
            if i == 2 || i >= p.len() || lower(i) != b'w' {
                return false;
            }
            i += 1;
            for optional in [b'o', b'r'] {
                if i < p.len() && lower(i) == optional {
                    i += 1;
                }
            }
            i + 1 == p.len() && lower(i) == b'd'
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_names_match_the_rules_pattern() {
        let names = [
            "password",
            "PASSWORD",
            "Passwd",
            "passwd",
            "paswd",
            "passswd",
            "passwrd",
            "passwod",
            "pawd",
            "passw",
            "pas",
            "pass",
            "pass_",
            "_pass",
            "passphrase",
            "pass_phrase",
            "pwd",
            "pwds",
            "token",
            "tokens",
            "tokenize",
            "csrf_token",
            "x_token_y",
            "secret",
            "secrete",
            "secrets",
            "client_secret",
            "SECRET_KEY",
            "bypass",
            "passed",
            "password_hash",
            "a__pwd",
            "_",
            "__",
            "",
            "p_w_d",
            "my_password_",
            "passwordd",
            "spassword",
        ];
        for n in names {
            assert_eq!(
                password_name(n.as_bytes()),
                crate::rules::shared::PASSWORD_NAME.is_match(n),
                "{n:?}"
            );
        }
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
