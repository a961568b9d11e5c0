use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use std::sync::LazyLock;

use std::collections::HashMap;

use regex::Regex;
use regex_automata::dfa::{dense, Automaton};
use regex_automata::util::primitives::StateID;
use regex_automata::Anchored;
use tree_sitter::Node;

use crate::rules::Rule;
use crate::syntax::{self, unparen};
use crate::walk::{ast_ancestors, FileCx, Str};

declare_rule! {
    /// ## What it does
    /// Finds SQL statements (`SELECT ... FROM`, `DELETE FROM`, `INSERT INTO ... VALUES`,
    /// `UPDATE ... SET`) built with string operations: a literal that is part of a `+`/`%` chain
    /// (the chain's literals are joined to test them), a literal whose `.format()` or `.replace()` is
    /// called, or an f-string (Bandit B608). Confidence is medium when the result goes straight into
    /// `execute`/`executemany` (and was not built with `.replace`), low otherwise. Plain literals and
    /// docstrings are not reported.
    ///
    /// ## Why is this bad?
    /// Values formatted into SQL text are SQL injection when they come from outside; the database
    /// driver's parameters keep data and query apart.
    ///
    /// ## Example
    /// ```python
    /// cur.execute("SELECT * FROM users WHERE name = '%s'" % name)  # B608
    /// cur.execute("SELECT * FROM users WHERE name = %s", (name,))  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b608_hardcoded_sql_expressions.html
    /// - https://cwe.mitre.org/data/definitions/89.html
    pub static RULE = {
        id: "B608", name: "hardcoded_sql_expressions", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Low, cwe: Some(89),
        summary: "SQL built by string formatting or concatenation.",
    };
}

const SQL_PATTERN: &str =
    r"(?is)(select\s.*from\s|delete\s+from\s|insert\s+into\s.*values[\s(]|update\s.*set\s)";

static SQL: LazyLock<Regex> = LazyLock::new(|| Regex::new(SQL_PATTERN).expect("valid regex"));

/// Whether `text` matches [`SQL_PATTERN`]. Compiling the pattern costs more than checking a
/// small file, and most strings B608 looks at (any literal in a `+`/`%` chain) hold no SQL:
/// every alternative of the pattern contains `from`, `into` or `update`, whose letters match
/// only their ASCII forms even under `(?i)` (no other character folds to them; proved by
/// `keyword_letters_fold_only_to_ascii`), so text without one of those words, ASCII case
/// ignored, cannot match and the regex is not needed (nor built).
fn sql_match(text: &str) -> bool {
    has_keyword(text.as_bytes()) && SQL.is_match(text)
}

/// Whether `b` contains `from`, `into` or `update`, ASCII case ignored. Linear.
fn has_keyword(b: &[u8]) -> bool {
    b.windows(4).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(b"from")
            || w.eq_ignore_ascii_case(b"into")
            || (w.eq_ignore_ascii_case(b"upda")
                && b.get(i + 4..i + 6)
                    .is_some_and(|t| t.eq_ignore_ascii_case(b"te")))
    })
}

/// The same pattern as a DFA, for the joins of a `+`/`%` chain: its explicit states let the
/// tests of one chain's literals share their work (see [`Chain`]).
static SQL_DFA: LazyLock<Option<dense::DFA<Vec<u32>>>> =
    LazyLock::new(|| dense::DFA::new(SQL_PATTERN).ok());

pub(crate) fn check<'t>(cx: &mut FileCx<'t, '_>, s: &Str<'t>) {
    let src = cx.src;
    let mut replace = false;
    let (matched, wrapper) = if s.in_joined {
        // Only the first literal part of an f-string tests, with all parts joined.
        let Some(all) = &s.joined_first else { return };
        (sql_match(all), ast_ancestors(&cx.stack).next())
    } else {
        match s.parent.kind() {
            "binary_operator" => chain_test(cx, s),
            "attribute" => {
                let attr = s
                    .parent
                    .child_by_field_id(field!("attribute"))
                    .map_or("", |a| syntax::text(a, src));
                if attr != "format" && attr != "replace" {
                    return;
                }
                replace = attr == "replace";
                (sql_match(&s.value), ast_ancestors(&cx.stack).nth(2))
            }
            _ => return,
        }
    };
    if !matched {
        return;
    }
    let execute = wrapper.is_some_and(|w| {
        w.kind() == "call" && matches!(called_name(w, src), "execute" | "executemany")
    });
    let confidence = if execute && !replace {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    cx.report_with(
        Rule::B608,
        s.node,
        Severity::Medium,
        confidence,
        "Possible SQL injection vector through string-based query construction.",
    )
    .range_of(s.parent);
}

/// Bandit's test of a literal in a `+`/`%` chain: the literal, then every other str literal
/// of the whole chain outside the literal's own operation, joined with spaces, must match.
/// Returns (matched, the node around the chain).
///
/// Joining per literal is quadratic in the chain (10,000 literals took 40 s). The operands
/// outside the literal's operation are a prefix and a suffix of the chain's literals in
/// source order, so the test is: the literal, then a prefix, then a suffix. The chain is
/// collected once; a DFA runs over the literal, the prefix run is shared by all literals
/// that leave the DFA in the same state, and the suffix runs are memoised by (operand,
/// state). Each (operand, state) pair is run at most once, and the DFA has few states.
fn chain_test<'t>(cx: &mut FileCx<'t, '_>, s: &Str<'t>) -> (bool, Option<Node<'t>>) {
    let parent_id = s.parent.id();
    let at = match cx.sql_chains.by_op.get(&parent_id) {
        Some(&i) => i,
        None => {
            // Walk up to the chain's root, stopping at an operation already seen.
            let mut up = ast_ancestors(&cx.stack);
            let mut seen = vec![up.next().unwrap_or(s.parent).id()];
            let mut found = None;
            let mut root = s.parent;
            let mut wrapper = None;
            for a in up {
                if let Some(&i) = cx.sql_chains.by_op.get(&a.id()) {
                    found = Some(i);
                    break;
                }
                if a.kind() == "binary_operator" {
                    seen.push(a.id());
                    root = a;
                } else {
                    wrapper = Some(a);
                    break;
                }
            }
            let i = found.unwrap_or_else(|| {
                cx.sql_chains.chains.push(Chain::new(root, wrapper, cx.src));
                cx.sql_chains.chains.len() - 1
            });
            for id in seen {
                cx.sql_chains.by_op.insert(id, i);
            }
            i
        }
    };
    let chain = &mut cx.sql_chains.chains[at];
    let (lo, hi) = (s.parent.start_byte(), s.parent.end_byte());
    let a = chain.starts.partition_point(|&b| b < lo);
    let b = chain.starts.partition_point(|&b| b < hi);
    (chain.matches(&s.value, a, b), chain.wrapper)
}

/// The `+`/`%` chains of one file, by their operations' node ids.
#[derive(Default)]
pub(crate) struct Chains<'t> {
    by_op: HashMap<usize, usize>,
    chains: Vec<Chain<'t>>,
}

/// One chain's str operands in source order, and the DFA runs over them so far.
struct Chain<'t> {
    wrapper: Option<Node<'t>>,
    /// Start byte of each str operand, and its value.
    starts: Vec<usize>,
    values: Vec<String>,
    /// From a state (after the literal and a space): the states after operands `0..=i` joined
    /// with spaces, extended on demand. `MATCHED` once the pattern has matched.
    prefix: HashMap<StateID, Vec<StateID>>,
    /// (operand, state) -> whether running operands `i..` (joined) and the end matches.
    suffix: HashMap<(usize, StateID), bool>,
}

/// Chains with at most this many str operands are tested by joining them for each literal.
const SHORT_CHAIN: usize = 32;

/// Stands for "the pattern has matched" in a run (DFA state ids are far below it).
const MATCHED: StateID = StateID::MAX;

impl<'t> Chain<'t> {
    fn new(root: Node<'t>, wrapper: Option<Node<'t>>, src: &str) -> Self {
        let mut bits = Vec::new();
        leaves(root, &mut bits);
        let (mut starts, mut values) = (Vec::new(), Vec::new());
        for b in bits {
            if let Some(v) = syntax::str_const(b, src) {
                starts.push(unparen(b).start_byte());
                values.push(v);
            }
        }
        Chain {
            wrapper,
            starts,
            values,
            prefix: HashMap::new(),
            suffix: HashMap::new(),
        }
    }

    /// Whether `lit`, then operands `..a` and `b..` (joined with spaces), matches.
    fn matches(&mut self, lit: &str, a: usize, b: usize) -> bool {
        let n = self.values.len();
        // Short chains (nearly all) are joined: the DFA is built only for long ones.
        if n <= SHORT_CHAIN {
            return chain_join_matches(lit, &self.values, a, b);
        }
        let Some((dfa, start)) = SQL_DFA
            .as_ref()
            .and_then(|d| Some((d, d.universal_start_state(Anchored::No)?)))
        else {
            return chain_join_matches(lit, &self.values, a, b);
        };
        let mut q = feed(dfa, start, lit.as_bytes());
        if q == MATCHED {
            return true;
        }
        if a == 0 && b >= n {
            return at_end(dfa, q);
        }
        q = feed(dfa, q, b" ");
        if q == MATCHED {
            return true;
        }
        if a > 0 {
            q = self.prefix_state(dfa, q, a - 1);
            if q == MATCHED {
                return true;
            }
            if b >= n {
                return at_end(dfa, q);
            }
            q = feed(dfa, q, b" ");
            if q == MATCHED {
                return true;
            }
        }
        self.suffix_matches(dfa, q, b)
    }

    /// The state after operands `0..=i` joined with spaces, from `from`.
    fn prefix_state(&mut self, dfa: &dense::DFA<Vec<u32>>, from: StateID, i: usize) -> StateID {
        let run = self.prefix.entry(from).or_default();
        while run.len() <= i {
            let k = run.len();
            let mut q = match run.last() {
                None => from,
                Some(&MATCHED) => MATCHED,
                Some(&q) => feed(dfa, q, b" "),
            };
            if q != MATCHED {
                q = feed(dfa, q, self.values[k].as_bytes());
            }
            run.push(q);
        }
        run[i]
    }

    /// Whether operands `b..` joined with spaces, then the end, match from state `q`.
    fn suffix_matches(&mut self, dfa: &dense::DFA<Vec<u32>>, q: StateID, b: usize) -> bool {
        let n = self.values.len();
        let mut path = Vec::new();
        let (mut j, mut q) = (b, q);
        let result = loop {
            if let Some(&r) = self.suffix.get(&(j, q)) {
                break r;
            }
            path.push((j, q));
            let mut next = feed(dfa, q, self.values[j].as_bytes());
            if next == MATCHED {
                break true;
            }
            if j + 1 == n {
                break at_end(dfa, next);
            }
            next = feed(dfa, next, b" ");
            if next == MATCHED {
                break true;
            }
            (j, q) = (j + 1, next);
        };
        for key in path {
            self.suffix.insert(key, result);
        }
        result
    }
}

/// Runs the DFA over `bytes`; `MATCHED` as soon as a match is seen.
fn feed(dfa: &dense::DFA<Vec<u32>>, mut q: StateID, bytes: &[u8]) -> StateID {
    for &b in bytes {
        q = dfa.next_state(q, b);
        if dfa.is_match_state(q) {
            return MATCHED;
        }
        if dfa.is_dead_state(q) {
            return q;
        }
    }
    q
}

/// Whether the run ending in state `q` matches at the end of the text.
fn at_end(dfa: &dense::DFA<Vec<u32>>, q: StateID) -> bool {
    q == MATCHED || dfa.is_match_state(dfa.next_eoi_state(q))
}

/// The join itself: for short chains, and should the DFA be unavailable (it is built from a
/// constant pattern without look-around, so it always is).
fn chain_join_matches(lit: &str, values: &[String], a: usize, b: usize) -> bool {
    let mut parts = vec![lit];
    parts.extend(values[..a].iter().map(String::as_str));
    parts.extend(values[b.min(values.len())..].iter().map(String::as_str));
    // The parts are joined with spaces, so a keyword of the pattern lies within one part.
    parts.iter().any(|p| has_keyword(p.as_bytes())) && SQL.is_match(&parts.join(" "))
}

/// The operands of a `+`/`%` chain in source order, as Bandit's `concat_string` collects
/// them. Iterative: generated code can chain thousands of operands.
fn leaves<'t>(root: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut pending = vec![root];
    while let Some(n) = pending.pop() {
        if n.kind() != "binary_operator" {
            out.push(n);
            continue;
        }
        // Right pushed first so the left operand comes out first.
        for side in [field!("right"), field!("left")] {
            if let Some(c) = n.child_by_field_id(side).map(unparen) {
                pending.push(c);
            }
        }
    }
}
/// The called function's own name: `x.execute(...)` and `execute(...)` both give `execute`.
fn called_name<'s>(call: Node<'_>, src: &'s str) -> &'s str {
    let Some(f) = call.child_by_field_id(field!("function")).map(unparen) else {
        return "";
    };
    match f.kind() {
        "attribute" => f
            .child_by_field_id(field!("attribute"))
            .map_or("", |a| syntax::text(a, src)),
        "identifier" => syntax::text(f, src),
        _ => "",
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    // Each alternative of the SQL pattern needs both of its keywords (the parts of a
    // concatenation are all in one statement), the first in a string B608 looks at.
    Trigger::operand_strings(&["select", "from"])
        .or(Trigger::operand_strings(&["delete", "from"]))
        .or(Trigger::operand_strings(&["insert", "into"]))
        .or(Trigger::operand_strings(&["update", "set"]))
}

/// How the registry runs this rule: `check` on every string literal (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Str(check), trigger);

#[cfg(test)]
mod tests {
    use super::*;

    /// The premise of [`sql_match`]'s shortcut: under `(?i)`, the letters of `from`, `into`
    /// and `update` match no character but their ASCII upper and lower case.
    #[test]
    fn keyword_letters_fold_only_to_ascii() {
        let letters = Regex::new("(?i)^[fromintupdae]$").unwrap();
        let folded: Vec<char> = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|c| letters.is_match(c.encode_utf8(&mut [0; 4])))
            .collect();
        assert!(folded.iter().all(char::is_ascii), "{folded:?}");
        assert_eq!(folded.len(), 24, "{folded:?}");
    }

    /// The shortcut gives the regex's answer on SQL-ish text: keywords in any case, split,
    /// folded (`ſ`, `K`), with Unicode blanks, and text without them.
    #[test]
    fn shortcut_agrees_with_the_regex() {
        let words = [
            "select", "SELECT", "from", "FrOm", "fr", "om", "delete", "insert", "into", "INTO",
            "values(", "values ", "update", "UPDATE", "upda", "te", "set", "ſet", "ſelect", "K",
            " ", "\t", "\u{a0}", "\u{2003}", "\n", "x", "*", "tar czf", "é", "ı", "İ", "",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut seen = [0; 2];
        for _ in 0..20_000 {
            let text: String = (0..next(8))
                .map(|_| words[next(words.len())])
                .collect::<Vec<_>>()
                .join(["", " "][next(2)]);
            let expected = SQL.is_match(&text);
            seen[usize::from(expected)] += 1;
            assert_eq!(sql_match(&text), expected, "{text:?}");
            let parts: Vec<String> = text.split(' ').map(str::to_owned).collect();
            if parts.len() > 1 {
                assert_eq!(
                    chain_join_matches(&parts[0], &parts[1..], parts.len() - 1, parts.len()),
                    SQL.is_match(&parts.join(" ")),
                    "{parts:?}"
                );
            }
        }
        assert!(seen[0] > 1000 && seen[1] > 200, "{seen:?}");
    }

    /// The shared DFA runs give what joining gives, for every literal and cut of long chains
    /// of SQL-ish words (keywords split across operands, blanks, `ſ` folding to `s`).
    #[test]
    fn dfa_runs_agree_with_joining() {
        let words = [
            "select",
            "from",
            "delete",
            "insert",
            "into",
            "values(",
            "update",
            "set",
            "x",
            " ",
            "",
            "ſelect",
            "FROM ",
            "\t",
            "sel",
            "ect",
            "into t values",
            "a\nb",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut seen = [0; 2];
        for _ in 0..40 {
            let n = SHORT_CHAIN + 1 + next(20);
            let values: Vec<String> = (0..n)
                .map(|_| {
                    (0..1 + next(3))
                        .map(|_| {
                            if next(12) == 0 {
                                words[next(words.len())]
                            } else {
                                "x"
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(if next(2) == 0 { " " } else { "" })
                })
                .collect();
            let mut chain = Chain {
                wrapper: None,
                starts: (0..n).collect(),
                values,
                prefix: HashMap::new(),
                suffix: HashMap::new(),
            };
            for _ in 0..60 {
                let a = next(n + 1);
                let b = (a + next(n + 1 - a)).max(a);
                let lit = words[next(words.len())];
                let m = chain.matches(lit, a, b);
                seen[usize::from(m)] += 1;
                assert_eq!(
                    m,
                    chain_join_matches(lit, &chain.values, a, b),
                    "{lit:?} {a} {b} {:?}",
                    chain.values
                );
            }
        }
        assert!(seen[0] > 100 && seen[1] > 100, "{seen:?}");
    }
}
