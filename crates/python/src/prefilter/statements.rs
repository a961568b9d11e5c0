//! Cuts Python source into statements, with the atoms of each: what the rules' triggers
//! (compiled into a [`Table`]) can see in them.
//!
//! This module owns the rule-facing side of the prefilter. It pulls tokens from
//! `tokenize.rs` and follows indentation: each logical line either starts a statement at its
//! block's indentation, continues one (a deeper line, a decorated `def`,
//! `elif`/`else`/`except`/`finally`), or starts the body of a `class`, `def`, `with`, `for`,
//! `while` or `if` whose header ends with `:` — the body's statements then become that
//! unit's members. On the way it records each statement's atoms: the words, texts and
//! string values the table's needles look for, import aliases standing for them, `except`
//! handler bodies, password-like names given a string (B105–B107's shapes), and what the
//! tokens cannot show (opaque strings). Anything inconsistent returns `None`, and the caller
//! parses the whole file.

use std::collections::HashMap;

use super::tokenize::{Brackets, FieldToken, Piece, Prefix, Quote, StrValue, Token, Tokenizer};
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
    /// The unit whose member this one is, or [`ROOT`].
    pub parent: u32,
}

impl Unit {
    /// The unit with its members, as a span.
    pub fn extent(&self) -> super::Span {
        super::Span {
            start: self.start,
            end: self.end,
            start_row: self.start_row,
            end_row: self.end_row,
        }
    }
}

/// The parent of a module-level unit.
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

/// Nesting followed before a file is left to the full parse: CPython's own limits are 100
/// indentation levels and 150 nested f-strings.
const MAX_BLOCKS: usize = 100;
const MAX_FIELDS: u32 = 150;

/// An open block: the indentation of its statements, its owner, and its current statement.
struct Block {
    indent: (usize, usize),
    owner: u32,
    current: Option<u32>,
}

/// Units one module-level statement may hold with its members before the file is left to the
/// full parse: a file small enough to parse whole never has this many lines, and a huge one
/// (a class of millions of one-line members) must not hold them all.
const MAX_HELD: usize = 400_000;

/// Cuts `src` into units, or `None` when it is not lexically sound Python. The units are handed
/// to `each` one module-level statement at a time, with its members after it (their `parent`
/// counts from that statement, at index 0), so a huge file never holds all of them.
pub(crate) fn units_each(
    src: &[u8],
    table: &Table,
    each: &mut dyn FnMut(&mut [Unit]),
) -> Option<()> {
    let mut st = Statements {
        tk: Tokenizer::new(src),
        table,
        aliases: HashMap::default(),
        units: Vec::new(),
        base: 0,
        each,
        cur: ROOT,
        import: None,
        import_start: 0,
        stmt_start: true,
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
    st.run()?;
    let eof_row = memchr::memchr_iter(b'\n', src).count() as u32;
    st.flush(src.len(), eof_row);
    Some(())
}

struct Statements<'a, 't> {
    tk: Tokenizer<'a>,
    table: &'t Table,
    /// Import aliases bound so far whose targets carry atoms.
    aliases: HashMap<&'a [u8], Atoms, FastHash>,
    /// The units of the current module-level statement; `units[0]` has id `base` (ids count
    /// from the file's first unit).
    units: Vec<Unit>,
    base: u32,
    each: &'t mut dyn FnMut(&mut [Unit]),
    /// The unit the current tokens belong to.
    cur: u32,
    /// Tokens of the import statement being read, and where it starts.
    import: Option<Vec<Token<'a>>>,
    import_start: usize,
    /// Whether the next token starts a simple statement.
    stmt_start: bool,
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

/// How a logical line ended.
struct LineEnd {
    colon: bool,
}

impl<'a> Statements<'a, '_> {
    /// The unit with id `id`, which must be held.
    fn at(&mut self, id: u32) -> &mut Unit {
        &mut self.units[(id - self.base) as usize]
    }

    /// Hands the held units (one module-level statement and its members) to `each`; the next
    /// unit that is not a member starts at `end` (row `end_row`).
    fn flush(&mut self, end: usize, end_row: u32) {
        if self.units.is_empty() {
            return;
        }
        if self.base == 0 {
            // Leading comments go with the first statement.
            self.units[0].start = 0;
            self.units[0].start_row = 0;
        }
        for u in &mut self.units {
            if u.parent != ROOT {
                u.parent -= self.base;
            }
        }
        finish(&mut self.units, end, end_row);
        (self.each)(&mut self.units);
        self.base += self.units.len() as u32;
        self.units.clear();
    }

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
        let s = self.tk.src();
        while let Some((line_start, row, indent)) = self.tk.next_line()? {
            let first = self.tk.peek_word();
            let ind = &s[indent.0..indent.1];
            if let Some(o) = opener.take() {
                let o = &s[o.0..o.1];
                if !(ind.len() > o.len() && ind.starts_with(o)) {
                    return None;
                }
            }
            let continuation = matches!(first, b"elif" | b"else" | b"except" | b"finally");
            // Where this line goes: a new statement of the innermost block, or the block's
            // current statement (a deeper line, a decorated definition, `else:` and kin).
            let new_unit = if let Some(owner) = expect_body.take() {
                let top = blocks.last()?;
                let top_ind = &s[top.indent.0..top.indent.1];
                if !(ind.len() > top_ind.len() && ind.starts_with(top_ind)) || continuation {
                    return None;
                }
                self.at(owner).body = Some((line_start, row));
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
                    let top_ind = &s[top.indent.0..top.indent.1];
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
                    if !deeper && self.at(cur).body.is_some() {
                        if !continuation {
                            return None;
                        }
                        self.at(cur).broken = true;
                    }
                    self.cur = cur;
                    false
                } else {
                    true
                }
            };
            if new_unit {
                if blocks.len() == 1 {
                    // A new module-level statement: the previous one is complete.
                    self.flush(line_start, row);
                }
                if self.units.len() >= MAX_HELD {
                    return None;
                }
                let block = blocks.last_mut()?;
                let id = self.base + self.units.len() as u32;
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
                self.tk.word_after(b"async")
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
                self.at(self.cur).def_kind = if first == b"async" {
                    DefKind::AsyncDef
                } else {
                    DefKind::Def
                };
            }
            // A decorator inside a nested block is just part of that block's statement.
            decorated = at_block_level && first.is_empty() && self.tk.peek() == Some(b'@');
            self.except_line = first == b"except";
            self.except_start = self.tk.pos() + first.len();
            self.first_colon = None;
            let end = self.logical_line()?;
            // A clause header with no `:` of its own (`def keyword_o#ly(...):` cut by a
            // comment) is a syntax error that tree-sitter recovers from by reading the lines
            // below into it: the full parse gives the file its one answer.
            let clause = matches!(
                keyword,
                b"class"
                    | b"def"
                    | b"with"
                    | b"for"
                    | b"while"
                    | b"if"
                    | b"elif"
                    | b"else"
                    | b"try"
                    | b"except"
                    | b"finally"
            );
            if clause && self.first_colon.is_none() {
                return None;
            }
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

    fn unit(&mut self) -> &mut Unit {
        let cur = self.cur;
        self.at(cur)
    }

    fn set(&mut self, atom: Option<u16>) {
        if let Some(id) = atom {
            self.unit().atoms.set(id);
        }
    }

    /// Reads tokens to the end of the logical line.
    fn logical_line(&mut self) -> Option<LineEnd> {
        let mut colon = false;
        // Where the last token (not a blank or comment) starts and ends.
        let mut last = (0, 0);
        self.stmt_start = true;
        self.after_colon = false;
        self.colon_before = false;
        self.pwd_pending = false;
        self.pwd_pair = false;
        loop {
            let start = self.tk.pos();
            let tok = self.tk.next_token()?;
            if tok == Token::End {
                self.end_import();
                return (self.tk.depth() == 0).then_some(LineEnd { colon });
            }
            if self.pwd_pending {
                self.password_follower(tok);
            }
            let significant = tok.significant();
            if significant {
                self.colon_before = std::mem::take(&mut self.after_colon);
                // An opening bracket keeps a binary operator before it in view:
                // `x + ("SELECT ..." ...)`.
                self.after_binop = if tok == Token::Open(b'(') {
                    self.last_binop
                } else {
                    std::mem::take(&mut self.last_binop)
                };
            }
            match tok {
                Token::Blank | Token::Continuation | Token::Comment | Token::End => {}
                Token::LineBreak => {
                    if self.tk.depth() == 0 {
                        // tree-sitter reads on past a line break where no statement can end
                        // (`from mako.`, `q = "SELECT " +`); CPython refuses the line. The
                        // full parse gives that file its one answer.
                        if self.tk.dangling(last) {
                            return None;
                        }
                        self.end_import();
                        return Some(LineEnd { colon });
                    }
                }
                Token::Open(_) => {
                    colon = false;
                    self.stmt_start = false;
                }
                Token::Close(_) => colon = false,
                Token::Str(prefix) => {
                    self.string(prefix)?;
                    colon = false;
                    self.stmt_start = false;
                }
                Token::Walrus => colon = false,
                Token::Colon => {
                    colon = false;
                    if self.tk.depth() == 0 {
                        colon = true;
                        let at = self.tk.pos() - 1;
                        if self.first_colon.is_none() {
                            self.first_colon = Some(at);
                            if self.except_line {
                                self.plain_handler =
                                    plain_handler(&self.tk.src()[self.except_start..at]);
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
                Token::Semicolon => {
                    colon = false;
                    if self.tk.depth() == 0 {
                        self.end_import();
                        self.stmt_start = true;
                    }
                }
                Token::Dot | Token::Comma => colon = false,
                Token::Star => {
                    colon = false;
                    self.last_binop = true;
                }
                Token::Number => {
                    colon = false;
                    self.stmt_start = false;
                }
                Token::Name(word) => {
                    // Python 2's print and exec statements.
                    if self.stmt_start
                        && (word == b"print" || word == b"exec")
                        && self.tk.py2_operand_follows()
                    {
                        return None;
                    }
                    self.word(word);
                    colon = false;
                }
                Token::Op { binary, .. } => {
                    colon = false;
                    self.stmt_start = false;
                    self.last_binop = binary;
                }
            }
            self.import_tok(tok);
            if significant {
                last = (start, self.tk.pos());
            }
        }
    }

    /// After a password-like name or string: whether the token `tok` makes it an assignment
    /// target, a comparison's left side, a keyword argument or default, a dictionary key or a
    /// subscript index (B105–B107's shapes).
    fn password_follower(&mut self, tok: Token) {
        let pair = match tok {
            Token::Blank | Token::Continuation | Token::Comment => return,
            Token::LineBreak if self.tk.depth() > 0 => return,
            // `(password) = ...`: the parentheses do not count.
            Token::Close(b')') => return,
            Token::Op {
                byte: b'=' | b'!' | b'<' | b'>',
                ..
            }
            | Token::Colon
            | Token::Walrus
            | Token::Close(b']') => true,
            Token::Name(w) => matches!(w, b"is" | b"in" | b"not"),
            _ => false,
        };
        self.pwd_pending = false;
        // A password-like string key (`{"password": None}`, `d["token"] = ...`) is itself
        // the string B105 looks at: its value need not be a string.
        if pair && std::mem::take(&mut self.pwd_string) {
            self.set(self.table.password);
        }
        self.pwd_pair |= pair;
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
            self.import_start = self.tk.pos() - word.len();
            self.unit().has_import = true;
        }
        if let Some(toks) = &mut self.import {
            toks.push(Token::Name(word));
        }
        if !word.is_ascii() && super::tokenize::folds_to_ascii(word) {
            self.set(table.opaque);
        }
        self.set(table.word(word));
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

    /// Records a token of the import statement being read; only names, dots, commas and
    /// stars carry meaning for its bindings.
    fn import_tok(&mut self, tok: Token<'a>) {
        if let Some(toks) = &mut self.import {
            if matches!(tok, Token::Dot | Token::Comma | Token::Star) {
                toks.push(tok);
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
            .atoms(&self.tk.src()[self.import_start..self.tk.pos()], &mut found);
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

    /// A string literal group whose first literal's prefix is read: its value's atoms.
    fn string(&mut self, prefix: Prefix) -> Option<()> {
        // A statement that may turn out to be just this string (a docstring). After a
        // depth-0 `:` it may as well be a lambda's body or an annotation: never bare.
        let bare = self.stmt_start && self.tk.depth() == 0 && !self.colon_before;
        self.stmt_start = false;
        // Reuse the buffers of the last literal (a nested literal in an f-string field finds
        // them taken and starts empty).
        let mut v = std::mem::take(&mut self.buf);
        v.clear();
        let mut lit = self.tk.open_literal(prefix, &mut v)?;
        loop {
            match self.tk.literal_piece(&mut lit, &mut v)? {
                Piece::Field => self.replacement_field(lit.quote)?,
                Piece::End => match self.tk.next_literal() {
                    Some(prefix) => lit = self.tk.open_literal(prefix, &mut v)?,
                    None => break,
                },
            }
        }
        // A bare string statement is no constant the string rules look at (the walk skips
        // it too); an f-string statement still is.
        if bare && !v.any_f && self.tk.at_statement_end() {
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
        if v.any_f || self.after_binop || self.tk.binop_follows() {
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

    /// An f-string's `{expression!conversion:format_spec}`, the opening brace consumed.
    fn replacement_field(&mut self, quote: Quote) -> Option<()> {
        // Nested f-strings recurse here: past CPython's own limit, leave it to the full parse.
        if self.fields >= MAX_FIELDS {
            return None;
        }
        self.fields += 1;
        let r = self.replacement_field_inner(quote);
        self.fields -= 1;
        r
    }

    fn replacement_field_inner(&mut self, quote: Quote) -> Option<()> {
        let mut brackets = Brackets::default();
        let saved_import = self.import.take();
        let saved_start = self.stmt_start;
        let saved_pwd = std::mem::take(&mut self.pwd_pending);
        loop {
            let tok = self.tk.field_token(&mut brackets)?;
            // Inside a field, a password-like name counts whatever follows it.
            if std::mem::take(&mut self.pwd_pending) {
                self.set(self.table.password);
            }
            match tok {
                FieldToken::End => break,
                FieldToken::Spec => {
                    // The format spec: literal text with nested fields; checked on its own,
                    // as it is no part of the joined value.
                    let mut spec = Vec::new();
                    let mut opaque = false;
                    while self.tk.spec_piece(quote, &mut spec, &mut opaque)? == Piece::Field {
                        self.replacement_field(quote)?;
                    }
                    if opaque {
                        self.set(self.table.opaque);
                    }
                    let mut atoms = Atoms::default();
                    self.table.strs.atoms(&spec, &mut atoms);
                    self.table.operands.atoms(&spec, &mut atoms);
                    self.unit().atoms.union(&atoms);
                    break;
                }
                FieldToken::Name(word) => self.word(word),
                FieldToken::Str(prefix) => self.string(prefix)?,
                FieldToken::Other => {}
            }
        }
        if self.pwd_pending {
            self.set(self.table.password);
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
fn bindings<'a>(toks: &[Token<'a>]) -> Vec<(&'a [u8], Vec<u8>)> {
    let mut out = Vec::new();
    let mut it = toks.iter().copied().peekable();
    match it.next() {
        Some(Token::Name(b"import")) => {
            // dotted [as name] {, dotted [as name]}
            loop {
                let mut dotted = Vec::new();
                while let Some(t) = it.peek().copied() {
                    match t {
                        Token::Name(b"as") => break,
                        Token::Name(n) => dotted.extend_from_slice(n),
                        Token::Dot => dotted.push(b'.'),
                        _ => break,
                    }
                    it.next();
                }
                if it.peek() == Some(&Token::Name(b"as")) {
                    it.next();
                    if let Some(Token::Name(alias)) = it.next() {
                        out.push((alias, dotted));
                    }
                }
                match it.next() {
                    Some(Token::Comma) => continue,
                    _ => break,
                }
            }
        }
        Some(Token::Name(b"from")) => {
            let mut module = Vec::new();
            for t in it.by_ref() {
                match t {
                    Token::Name(b"import") => break,
                    Token::Name(n) => module.extend_from_slice(n),
                    Token::Dot => module.push(b'.'),
                    _ => {}
                }
            }
            // Leading dots are the relative level, which the alias map ignores.
            let module: Vec<u8> = module.iter().copied().skip_while(|c| *c == b'.').collect();
            while let Some(Token::Name(name)) = it.next() {
                let mut bound = name;
                if it.peek() == Some(&Token::Name(b"as")) {
                    it.next();
                    if let Some(Token::Name(alias)) = it.next() {
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
                    Some(Token::Comma) => continue,
                    _ => break,
                }
            }
        }
        _ => {}
    }
    out
}

/// Sets each unit's end (the start of the next unit that is not a member; for the last ones,
/// `end`) and member count.
fn finish(units: &mut [Unit], end: usize, end_row: u32) {
    for i in (0..units.len()).rev() {
        let p = units[i].parent;
        if p != ROOT {
            let d = units[i].descendants + 1;
            units[p as usize].descendants += d;
        }
    }
    for i in 0..units.len() {
        let next = i + 1 + units[i].descendants as usize;
        let (end, row) = units
            .get(next)
            .map_or((end, end_row), |n| (n.start, n.start_row));
        units[i].end = end;
        units[i].end_row = row;
    }
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
}
