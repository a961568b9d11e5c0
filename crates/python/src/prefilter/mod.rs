//! Which parts of a file need the parse at all.
//!
//! tree-sitter's parse is nearly all of this checker's time, and most statements of most
//! files cannot make any rule fire: a rule about `subprocess.Popen` needs the words
//! `subprocess` and `Popen` (or an import alias that stands for them) somewhere in the
//! statement. Each rule states such a necessary condition as a [`Trigger`] (`trigger.rs`);
//! [`statements`] cuts the file into statements (and the bodies of `class`, `def`, `with`,
//! `for`, `while` and `if` into their members) with the tokens of a small lexer
//! ([`tokenize`], which knows nothing of rules), and [`plan`]
//! keeps the statements where some enabled rule's trigger holds, plus the imports before
//! them. tree-sitter then parses only those byte ranges (its included ranges keep every
//! position as in the whole file), so the rules see the same nodes they would in a full parse.
//!
//! A trigger is a superset: it may keep a statement in which the rule then finds nothing,
//! never drop one where it would find something. Tests check that for every rule alone on
//! every fixture and Bandit example (`tests/prefilter.rs`). Whatever the lexer does not
//! understand (an unterminated string, unbalanced brackets, a stray dedent, a lone `\r` line
//! break) makes the whole file parsed, so such files are still reported as syntax errors.
//! A syntax error inside a statement that no rule could look at is not reported: no check
//! was lost there. `--python-full-parse` (`[python] full-parse = true`) parses every file
//! whole.
//!
//! One parse takes at most [`MAX_PARSE`] bytes, whatever the mode: the lexer hands over one
//! module-level statement at a time, and a larger file is planned as [`Plan::Pieces`], groups
//! of whole module-level statements parsed one after the other (`walk::check_text` carries
//! imports and `# nosec` lines across them). A statement larger than a parse may take is
//! reported, not parsed.

mod statements;
mod tokenize;
mod trigger;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

pub(crate) use statements::Unit;
pub(crate) use trigger::{Atom, Trigger};

/// How many distinct atoms a trigger table may use (the width of [`Atoms`]).
const MAX_ATOMS: usize = 64 * WORDS;
const WORDS: usize = 8;

/// A set of atom ids: what a statement contains, or what a conjunction needs.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct Atoms([u64; WORDS]);

impl Atoms {
    fn set(&mut self, id: u16) {
        self.0[id as usize / 64] |= 1 << (id % 64);
    }
    fn union(&mut self, o: &Atoms) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a |= b;
        }
    }
    fn covers(&self, need: &Atoms) -> bool {
        self.0.iter().zip(need.0).all(|(a, b)| a & b == b)
    }
    fn any(&self) -> bool {
        self.0.iter().any(|w| *w != 0)
    }
    fn first(&self) -> Option<usize> {
        self.ids().next()
    }
    /// The ids in the set, ascending.
    fn ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let b = w.trailing_zeros() as usize;
                    w &= w - 1;
                    i * 64 + b
                })
            })
        })
    }
}

/// The triggers of all enabled rules, compiled for one run.
pub(crate) struct Table {
    words: HashMap<Box<[u8]>, u16, FastHash>,
    /// For each first byte, the lengths of the words starting with it (see [`shape_bit`]),
    /// to skip most identifiers without hashing them.
    word_shapes: Box<[u64; 256]>,
    text: Needles,
    operands: Needles,
    imports: Needles,
    strs: Needles,
    str_starts: Vec<(Vec<u8>, u16)>,
    handlers: Vec<(&'static str, bool, u16)>,
    any_string: Option<u16>,
    password: Option<u16>,
    opaque: Option<u16>,
    /// Conjunctions that keep a statement, by their first atom (a statement can only
    /// satisfy those whose first atom it has), and those that make the whole file parsed.
    keep: Vec<Vec<Atoms>>,
    whole: Vec<Atoms>,
    /// Bytes planned so far in this run, and whether the needles search with their DFAs.
    planned: AtomicUsize,
    fast: Arc<AtomicBool>,
}

/// The texts of one kind of atom, searched at once.
///
/// Two automata with the same patterns and match kind, so the same matches: a contiguous
/// NFA, cheap to build, for the first [`DFA_AFTER`] bytes a run plans; then a DFA, faster to
/// search but costing more to build than checking a small commit (about 1.5 M instructions
/// for all rules), built once the run has planned that much text (`tests::automata_agree`).
struct Needles {
    nfa: Option<AhoCorasick>,
    dfa: OnceLock<Option<AhoCorasick>>,
    pats: Vec<String>,
    fold: bool,
    /// Shared by the needles of one table: set once the run has planned enough text.
    fast: Arc<AtomicBool>,
    ids: Vec<u16>,
    /// For each pattern, the other patterns that are prefixes of it: they match wherever it
    /// does.
    prefixes: Vec<Vec<u16>>,
}

/// Bytes of Python a run plans with the NFAs before it builds the DFAs.
const DFA_AFTER: usize = 256 << 10;

impl Needles {
    /// `None` if no automaton can be built (then nothing may be prefiltered).
    fn new(pats: &[(String, u16)], fold: bool, fast: &Arc<AtomicBool>) -> Option<Needles> {
        let ids = pats.iter().map(|(_, id)| *id).collect();
        let same = |a: &[u8], b: &[u8]| {
            if fold {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        let prefixes = pats
            .iter()
            .map(|(p, _)| {
                pats.iter()
                    .filter(|(q, _)| {
                        q.len() < p.len() && same(&p.as_bytes()[..q.len()], q.as_bytes())
                    })
                    .map(|(_, id)| *id)
                    .collect()
            })
            .collect();
        let pats: Vec<String> = pats.iter().map(|(p, _)| p.clone()).collect();
        let nfa = if pats.is_empty() {
            None
        } else {
            Some(
                Self::build(&pats, fold, Some(AhoCorasickKind::ContiguousNFA))
                    .or_else(|| Self::build(&pats, fold, None))?,
            )
        };
        Some(Needles {
            nfa,
            dfa: OnceLock::new(),
            pats,
            fold,
            fast: Arc::clone(fast),
            ids,
            prefixes,
        })
    }

    /// Leftmost-longest lets the search skip ahead with its prefilter; `each` restarts
    /// after each match's start, so no match is lost.
    fn build(pats: &[String], fold: bool, kind: Option<AhoCorasickKind>) -> Option<AhoCorasick> {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(fold)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(kind)
            .build(pats)
            .ok()
    }

    /// The automaton to search with: the DFA once the run has planned enough text (built
    /// then, by the first thread that needs it), else the NFA.
    fn automaton(&self) -> Option<&AhoCorasick> {
        let nfa = self.nfa.as_ref()?;
        if !self.fast.load(Ordering::Relaxed) {
            return Some(nfa);
        }
        let dfa = self
            .dfa
            .get_or_init(|| Self::build(&self.pats, self.fold, Some(AhoCorasickKind::DFA)));
        Some(dfa.as_ref().unwrap_or(nfa))
    }

    /// Calls `found(start, atom)` for every occurrence in `hay`, overlapping ones included:
    /// each leftmost-longest match also implies the patterns that are its prefixes, and the
    /// search resumes one byte after the match's start.
    fn each(&self, hay: &[u8], mut found: impl FnMut(usize, u16)) {
        let Some(ac) = self.automaton() else { return };
        let mut at = 0;
        while at < hay.len() {
            let Some(m) = ac.find(aho_corasick::Input::new(hay).range(at..)) else {
                return;
            };
            let p = m.pattern().as_usize();
            found(m.start(), self.ids[p]);
            for &q in &self.prefixes[p] {
                found(m.start(), q);
            }
            at = m.start() + 1;
        }
    }

    /// Adds the atoms of the occurrences in `hay`.
    fn atoms(&self, hay: &[u8], out: &mut Atoms) {
        self.each(hay, |_, id| out.set(id));
    }
}

/// FNV-1a: identifiers are short, and the default SipHash showed in profiles.
#[derive(Clone, Copy, Default)]
pub(crate) struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(FNV_OFFSET_BASIS)
    }
}

pub(crate) struct Fnv(u64);

/// FNV-1a's 64-bit parameters.
const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(FNV_PRIME);
        }
    }
}

/// What to parse of one file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Everything.
    Whole,
    /// Nothing: no enabled rule can report in this file.
    Nothing,
    /// Only these line-aligned byte ranges (sorted, disjoint).
    Ranges(Vec<Span>),
    /// A file larger than one parse may take ([`MAX_PARSE`]): ranges in groups of whole
    /// module-level statements, each group parsed and walked on its own.
    Pieces(Pieces),
    /// A file larger than one parse may take whose statements the lexer could not tell apart:
    /// not parsed.
    Unsplittable,
}

/// The groups of a [`Plan::Pieces`], and the module-level statements too large to parse.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Pieces {
    pub groups: Vec<Vec<Span>>,
    /// Each one statement (with its members) over [`MAX_PARSE`] bytes to parse: not checked.
    pub too_large: Vec<Span>,
}

/// Source bytes one tree-sitter parse may take. Its tree costs 50-130 bytes per byte of
/// source, so a larger file is parsed in groups of module-level statements, and a single
/// statement this large is not parsed at all (reported): memory stays bounded whatever the
/// file's size.
pub(crate) const MAX_PARSE: usize = 1 << 20;

/// A byte range `start..end` whose ends are line starts (or the end of the file), with the
/// 0-based rows of those ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub start_row: u32,
    pub end_row: u32,
}

/// The bit of a word's length in [`Table::word_shapes`]: bit n for n bytes, the last bit for
/// all longer words.
fn shape_bit(len: usize) -> u64 {
    1 << len.min(u64::BITS as usize - 1)
}

impl Table {
    /// Compiles triggers; `None` when they need more atoms than a statement can record or a
    /// needle automaton cannot be built (then every file is parsed whole).
    pub fn new(triggers: &[Trigger]) -> Option<Table> {
        let mut ids: HashMap<Atom, u16, FastHash> = HashMap::default();
        for atom in triggers.iter().flat_map(|t| t.imported.iter().cloned()) {
            let next = ids.len();
            if next >= MAX_ATOMS {
                return None;
            }
            ids.entry(atom).or_insert(next as u16);
        }
        let mut keep = Vec::new();
        let mut whole = Vec::new();
        for t in triggers {
            for conj in &t.any_of {
                let mut need = Atoms::default();
                for atom in conj {
                    let next = ids.len();
                    if next >= MAX_ATOMS {
                        return None;
                    }
                    need.set(*ids.entry(atom.clone()).or_insert(next as u16));
                }
                // An empty conjunction would hold everywhere: parse everything.
                let first = need.first()?;
                if keep.len() <= first {
                    keep.resize(first + 1, Vec::new());
                }
                keep[first].push(need);
                if t.whole_file {
                    whole.push(need);
                }
            }
        }
        let mut words = HashMap::default();
        let mut word_shapes = Box::new([0u64; 256]);
        let (mut text, mut strs, mut imports, mut operands) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut any_string, mut password, mut opaque) = (None, None, None);
        let mut handlers = Vec::new();
        let mut str_starts = Vec::new();
        for (atom, id) in &ids {
            match atom {
                Atom::Word(w) => {
                    words.insert(w.as_bytes().into(), *id);
                    if let Some(&b) = w.as_bytes().first() {
                        word_shapes[b as usize] |= shape_bit(w.len());
                    }
                }
                Atom::Text(t) => text.push((t.clone(), *id)),
                Atom::OperandStr(t) => operands.push((t.clone(), *id)),
                Atom::ImportText(t) => imports.push((t.clone(), *id)),
                Atom::Str(t) => strs.push((t.clone(), *id)),
                Atom::StrStart(s) => str_starts.push((s.as_bytes().to_vec(), *id)),
                Atom::HandlerBody(k, typed) => match k.as_str() {
                    "pass" => handlers.push(("pass", *typed, *id)),
                    "continue" => handlers.push(("continue", *typed, *id)),
                    // A handler body the lexer does not record: parse everything.
                    _ => return None,
                },
                Atom::AnyString => any_string = Some(*id),
                Atom::PasswordName => password = Some(*id),
                Atom::Opaque => opaque = Some(*id),
            }
        }
        let fast = Arc::new(AtomicBool::new(false));
        Some(Table {
            words,
            word_shapes,
            // The rules compare names and module paths as written, and SQL words in any case.
            text: Needles::new(&text, false, &fast)?,
            operands: Needles::new(&operands, true, &fast)?,
            imports: Needles::new(&imports, false, &fast)?,
            strs: Needles::new(&strs, true, &fast)?,
            str_starts,
            handlers,
            any_string,
            password,
            opaque,
            keep,
            whole,
            planned: AtomicUsize::new(0),
            fast,
        })
    }

    /// Counts the bytes about to be planned; past [`DFA_AFTER`] in this run, the needles
    /// search with their DFAs.
    fn note_planned(&self, len: usize) {
        if self.planned.fetch_add(len, Ordering::Relaxed) + len > DFA_AFTER {
            self.fast.store(true, Ordering::Relaxed);
        }
    }

    fn word(&self, w: &[u8]) -> Option<u16> {
        let first = *w.first()?;
        if self.word_shapes[first as usize] & shape_bit(w.len()) == 0 {
            return None;
        }
        self.words.get(w).copied()
    }

    fn keeps(&self, atoms: &Atoms) -> bool {
        atoms.ids().any(|id| {
            self.keep
                .get(id)
                .is_some_and(|needs| needs.iter().any(|need| atoms.covers(need)))
        })
    }
}

/// When the ranges to parse would hold this share of a file (numerator, denominator) or
/// more, it is parsed whole: leaving the rest out would save little.
const WHOLE_WHEN_KEPT: (usize, usize) = (8, 10);

/// Decides what of `src` to parse.
pub(crate) fn plan(src: &str, table: &Table) -> Plan {
    let bytes = src.as_bytes();
    table.note_planned(bytes.len());
    let big = bytes.len() > MAX_PARSE;
    // What the lexer does not model goes to the full parse.
    if unmodelled_breaks(bytes) {
        return if big { Plan::Unsplittable } else { Plan::Whole };
    }
    // Text needles, in file order: each belongs to the innermost statement holding it.
    let mut texts: Vec<(usize, u16)> = Vec::new();
    table.text.each(bytes, |at, id| texts.push((at, id)));
    let mut next_text = 0;
    let limit = if big { MAX_PARSE } else { usize::MAX };
    let mut picked = Picker::new(limit);
    // Every statement whole, in case a rule needs the module (only kept for a big file).
    let mut full = Picker::new(limit);
    let mut module_whole = false;
    let mut any_unit = false;
    let mut whole: Vec<bool> = Vec::new();
    // Where the statements handed over so far end.
    let mut done = (0, 0);
    let cut = statements::units_each(bytes, table, &mut |units: &mut [Unit]| {
        any_unit = true;
        let extent = units[0].extent();
        done = (extent.end, extent.end_row);
        while let Some(&(at, id)) = texts.get(next_text) {
            if at >= extent.end {
                break;
            }
            // Statements are in start order and each one's members partition its body.
            let i = units.partition_point(|u| u.start <= at).saturating_sub(1);
            units[i].atoms.set(id);
            next_text += 1;
        }
        if big {
            full.add(extent, vec![extent]);
        }
        if module_whole && !big {
            return;
        }
        // A rule that reads the enclosing scope (B703: the nearest `def`, else the module)
        // gets that `def` whole, or the whole file.
        whole.clear();
        whole.resize(units.len(), false);
        for i in 0..units.len() {
            if !table.whole.iter().any(|need| units[i].atoms.covers(need)) {
                continue;
            }
            let mut at = i as u32;
            loop {
                if units[at as usize].def_kind == statements::DefKind::Def {
                    whole[at as usize] = true;
                    break;
                }
                at = units[at as usize].parent;
                if at == statements::ROOT {
                    module_whole = true;
                    break;
                }
            }
        }
        let pick = |import_limit: usize| {
            let mut spans = Vec::new();
            select(units, &whole, import_limit, 0, table, &mut spans);
            spans
        };
        // Imports matter only to what follows them: what the rules need, then the imports
        // before the end of the last of it.
        let needed = pick(0);
        // Only an import reads the limit: without one, the two picks are the same.
        let with_imports = if units.iter().any(|u| u.has_import) {
            pick(usize::MAX)
        } else {
            needed.clone()
        };
        picked.statement(extent, needed, with_imports, pick);
    });
    if cut.is_none() {
        if !big {
            return Plan::Whole;
        }
        // The statements before the first one the lexer could not read are cut as usual;
        // from there to the end is one piece, parsed whole (or too large to parse).
        let rest = rest_of(bytes, done);
        picked.statement(rest, vec![rest], vec![rest], |_| vec![rest]);
        full.add(rest, vec![rest]);
    } else if !any_unit {
        // Only comments and blank lines: a text needle there (a bidi character) still
        // matters to the rules that read the raw text.
        let mut atoms = Atoms::default();
        for (_, id) in &texts {
            atoms.set(*id);
        }
        return if table.keeps(&atoms) {
            Plan::Whole
        } else {
            Plan::Nothing
        };
    }
    if module_whole {
        return if big {
            Plan::Pieces(full.finish())
        } else {
            Plan::Whole
        };
    }
    let pieces = picked.finish();
    if !big {
        let spans = pieces.groups.into_iter().next().unwrap_or_default();
        let kept: usize = spans.iter().map(|s| s.end - s.start).sum();
        return if spans.is_empty() {
            Plan::Nothing
        } else if kept * WHOLE_WHEN_KEPT.1 >= bytes.len() * WHOLE_WHEN_KEPT.0 {
            Plan::Whole
        } else {
            Plan::Ranges(spans)
        };
    }
    if pieces.groups.is_empty() && pieces.too_large.is_empty() {
        Plan::Nothing
    } else {
        Plan::Pieces(pieces)
    }
}

/// Whether `bytes` has a line break the lexer does not model (a lone `\r`, a form feed that
/// resets indentation) or a NUL (where tree-sitter stops).
fn unmodelled_breaks(bytes: &[u8]) -> bool {
    memchr::memchr3_iter(0, b'\x0c', b'\r', bytes)
        .any(|i| bytes[i] != b'\r' || bytes.get(i + 1) != Some(&b'\n'))
}

/// What to parse of a file that every statement of matters (no prefilter): the whole file,
/// or, when it is larger than one parse may take, its module-level statements in groups.
pub(crate) fn plan_all(src: &str) -> Plan {
    let bytes = src.as_bytes();
    if bytes.len() <= MAX_PARSE {
        return Plan::Whole;
    }
    static NO_RULES: std::sync::LazyLock<Option<Table>> =
        std::sync::LazyLock::new(|| Table::new(&[]));
    let Some(table) = NO_RULES.as_ref() else {
        return Plan::Unsplittable;
    };
    if unmodelled_breaks(bytes) {
        return Plan::Unsplittable;
    }
    let mut full = Picker::new(MAX_PARSE);
    let mut done = (0, 0);
    let cut = statements::units_each(bytes, table, &mut |units: &mut [Unit]| {
        let extent = units[0].extent();
        done = (extent.end, extent.end_row);
        full.add(extent, vec![extent]);
    });
    if cut.is_none() {
        let rest = rest_of(bytes, done);
        full.add(rest, vec![rest]);
    }
    Plan::Pieces(full.finish())
}

/// The span from `done` (a byte offset and its row) to the end of `bytes`.
fn rest_of(bytes: &[u8], done: (usize, u32)) -> Span {
    Span {
        start: done.0,
        end: bytes.len(),
        start_row: done.1,
        end_row: done.1 + memchr::memchr_iter(b'\n', &bytes[done.0..]).count() as u32,
    }
}

/// Collects the spans of module-level statements, in file order, into groups of at most
/// `limit` bytes, never splitting a statement.
struct Picker {
    limit: usize,
    pieces: Pieces,
    /// Bytes in the last group.
    bytes: usize,
    /// The spans (with imports) of the statements since the last one that needed anything:
    /// kept only if a later statement needs something.
    waiting: Vec<(Span, Vec<Span>)>,
    /// The last statement that needed anything: its spans with all its imports, and with
    /// only the imports before the end of what it needed.
    last: Option<(Span, Vec<Span>, Vec<Span>)>,
}

impl Picker {
    fn new(limit: usize) -> Picker {
        Picker {
            limit,
            pieces: Pieces::default(),
            bytes: 0,
            waiting: Vec::new(),
            last: None,
        }
    }

    /// One statement: what the rules need of it, the same with every import it has, and how
    /// to pick it with only the imports before a byte offset.
    fn statement(
        &mut self,
        extent: Span,
        needed: Vec<Span>,
        with_imports: Vec<Span>,
        before: impl FnOnce(usize) -> Vec<Span>,
    ) {
        match needed.last() {
            Some(end) => {
                // The imports of every earlier statement now come before something needed.
                if let Some((e, spans, _)) = self.last.take() {
                    self.add(e, spans);
                }
                for (e, spans) in std::mem::take(&mut self.waiting) {
                    self.add(e, spans);
                }
                let end = end.end;
                let only = if with_imports == needed {
                    needed
                } else {
                    before(end)
                };
                self.last = Some((extent, with_imports, only));
            }
            None if !with_imports.is_empty() => self.waiting.push((extent, with_imports)),
            None => {}
        }
    }

    /// Adds the spans of one statement (`extent`) to the groups.
    fn add(&mut self, extent: Span, spans: Vec<Span>) {
        let len: usize = spans.iter().map(|s| s.end - s.start).sum();
        if len == 0 {
            return;
        }
        if len > self.limit {
            self.pieces.too_large.push(extent);
            return;
        }
        if self.pieces.groups.is_empty() || self.bytes + len > self.limit {
            self.pieces.groups.push(Vec::new());
            self.bytes = 0;
        }
        self.bytes += len;
        let group = self.pieces.groups.last_mut().expect("just ensured");
        for s in spans {
            match group.last_mut() {
                Some(last) if last.end == s.start => {
                    last.end = s.end;
                    last.end_row = s.end_row;
                }
                _ => group.push(s),
            }
        }
    }

    /// The groups, with the last statement that needed anything and its imports before it.
    fn finish(mut self) -> Pieces {
        if let Some((e, _, only)) = self.last.take() {
            self.add(e, only);
        }
        self.pieces
    }
}

/// Adds the spans to parse of unit `i` and its members; returns the index after them.
fn select(
    units: &[Unit],
    whole: &[bool],
    import_limit: usize,
    i: usize,
    table: &Table,
    out: &mut Vec<Span>,
) -> usize {
    let u = &units[i];
    let after = i + 1 + u.descendants as usize;
    let all = u.extent();
    let keep_self = whole[i]
        || table.keeps(&u.atoms)
        // An import's aliases and modules change how later calls resolve.
        || (u.has_import && u.start < import_limit && u.atoms.any());
    match u.body {
        Some(body) if !keep_self => {
            let before = out.len();
            let mut j = i + 1;
            while j < after {
                j = select(units, whole, import_limit, j, table, out);
            }
            if out.len() > before && u.broken {
                // An `if` with an `elif`/`else`: all of it or nothing.
                out.truncate(before);
                out.push(all);
            } else if out.len() > before {
                // The members need their `class`/`def` line (and decorators) around them.
                out.insert(
                    before,
                    Span {
                        start: u.start,
                        end: body.0,
                        start_row: u.start_row,
                        end_row: body.1,
                    },
                );
            }
        }
        _ if keep_self => out.push(all),
        _ => {}
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Python files to compare on: the fixtures and, when downloaded, Bandit's examples.
    fn sources() -> Vec<(std::path::PathBuf, String)> {
        let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![crate_dir.join("tests/fixtures")];
        dirs.push(crate_dir.join("../../target/bandit-sdist/bandit-1.9.4/examples"));
        let mut out = Vec::new();
        for d in dirs {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "py") {
                    if let Ok(t) = std::fs::read_to_string(&p) {
                        out.push((p, t));
                    }
                }
            }
        }
        out
    }

    /// The NFAs a run starts with and the DFAs it switches to find the same atoms, so the
    /// switch never changes what is parsed: every needle set on every whole file, and the
    /// plan of every file with all rules enabled.
    #[test]
    fn automata_agree() {
        let settings =
            crate::config::Settings::new(&crate::config::Config::default(), None).unwrap();
        let slow = Table::new(&crate::rules::triggers(&settings)).unwrap();
        let fast = Table::new(&crate::rules::triggers(&settings)).unwrap();
        fast.fast.store(true, Ordering::Relaxed);
        let files = sources();
        assert!(files.len() >= 40, "{} files", files.len());
        let mut found = 0;
        for (path, text) in &files {
            for (a, b) in [
                (&slow.text, &fast.text),
                (&slow.operands, &fast.operands),
                (&slow.imports, &fast.imports),
                (&slow.strs, &fast.strs),
            ] {
                let run = |n: &Needles| {
                    let mut v = Vec::new();
                    n.each(text.as_bytes(), |at, id| v.push((at, id)));
                    v
                };
                let (x, y) = (run(a), run(b));
                found += x.len();
                assert_eq!(x, y, "{}", path.display());
            }
            // The slow table stays on its NFAs whatever it plans.
            slow.planned.store(0, Ordering::Relaxed);
            assert_eq!(plan(text, &slow), plan(text, &fast), "{}", path.display());
            assert!(!slow.fast.load(Ordering::Relaxed));
        }
        // The fixtures alone give about 130 matches (a fresh clone has no Bandit examples
        // until the parity test downloads them; with them, thousands).
        assert!(found > 100, "{found} needle matches");
        // Both kinds were really used.
        assert!(slow.text.dfa.get().is_none());
        assert!(fast
            .text
            .dfa
            .get()
            .is_some_and(|d| d.as_ref().is_some_and(|d| d.kind() == AhoCorasickKind::DFA)));
        assert_eq!(
            slow.text.nfa.as_ref().map(|n| n.kind()),
            Some(AhoCorasickKind::ContiguousNFA)
        );
    }

    /// A run switches to the DFAs once it has planned more than `DFA_AFTER` bytes.
    #[test]
    fn switches_after_enough_text() {
        let settings =
            crate::config::Settings::new(&crate::config::Config::default(), None).unwrap();
        let t = Table::new(&crate::rules::triggers(&settings)).unwrap();
        let chunk = "import os\nos.system('ls')\n".repeat(1000);
        let mut planned = 0;
        while planned + chunk.len() <= DFA_AFTER {
            plan(&chunk, &t);
            planned += chunk.len();
            assert!(!t.fast.load(Ordering::Relaxed));
        }
        plan(&chunk, &t);
        assert!(t.fast.load(Ordering::Relaxed));
    }
}
