//! One parse and one pre-order walk per file; each node kind is handed to the rules that
//! look at it (Bandit's `Call`, `Import`, `ImportFrom`, `FunctionDef`, `Assert`,
//! `ExceptHandler` and `Str` tests), then `# nosec` is applied to what they reported.

use std::cell::RefCell;
use std::collections::HashMap;

use tree_sitter::{Node, Parser, Tree};

use crate::config::Settings;
use crate::nosec;
use crate::prefilter::{self, Plan, Span, Table};
use crate::rules::{self, Rule, RuleSet};
use crate::syntax::{self, Args, Imports, Value};

thread_local! {
    // A tree-sitter parser is not Sync: one per rayon worker thread, reused for every file.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Runs `f` with this thread's parser.
fn with_parser<R>(f: impl FnOnce(&mut Parser) -> Option<R>) -> Option<R> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_python::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        f(slot.as_mut()?)
    })
}

/// Parses Python source with this thread's parser.
pub(crate) fn parse(src: &str) -> Option<Tree> {
    with_parser(|p| p.parse(src, None))
}

/// Parses only `spans` of `src` (positions stay those of the whole source).
pub(crate) fn parse_spans(src: &str, spans: &[Span]) -> Option<Tree> {
    let ranges: Vec<tree_sitter::Range> = spans
        .iter()
        .map(|s| tree_sitter::Range {
            start_byte: s.start,
            end_byte: s.end,
            start_point: tree_sitter::Point::new(s.start_row as usize, 0),
            end_point: end_point(src, s),
        })
        .collect();
    with_parser(|parser| {
        parser.set_included_ranges(&ranges).ok()?;
        let tree = parser.parse(src, None);
        // Back to whole documents for the next file.
        parser.set_included_ranges(&[]).ok()?;
        tree
    })
}

/// The point of a span's end: a line start, or the end of the source.
fn end_point(src: &str, s: &Span) -> tree_sitter::Point {
    if s.end < src.len() {
        tree_sitter::Point::new(s.end_row as usize, 0)
    } else {
        let col = src.len() - src.rfind('\n').map_or(0, |i| i + 1);
        tree_sitter::Point::new(s.end_row as usize, col)
    }
}

/// One reported problem before it becomes a `Finding`.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub rule: Rule,
    pub severity: palisade_core::Severity,
    pub confidence: palisade_core::Confidence,
    pub message: String,
    /// 1-based line Bandit reports (may be a keyword's line rather than the node's).
    pub line: u32,
    /// 1-based line where the node starts (`col` is on this line).
    pub node_line: u32,
    /// 0-based byte column of the node's start, like Bandit's `col_offset`.
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
    /// Lines whose `# nosec` applies (Bandit's `linerange`), 1-based inclusive.
    pub range: (u32, u32),
    /// A hard-coded password the message quotes (B105-B107): redacted in output.
    pub secret: Option<String>,
}

impl Issue {
    /// Reports on another line than the node's (a keyword's value line), when known.
    pub fn on_line(&mut self, line: Option<u32>) {
        if let Some(l) = line {
            self.line = l;
        }
    }

    /// Takes the `# nosec` line range from another node (a string's parent, for `Str` tests).
    pub fn range_of(&mut self, node: Node<'_>) {
        self.range = (
            node.start_position().row as u32 + 1,
            node.end_position().row as u32 + 1,
        );
    }
}

/// A call as the call rules see it.
pub(crate) struct Call<'t> {
    pub node: Node<'t>,
    /// Qualified name through the import aliases (`subprocess.Popen`).
    pub qualname: String,
    pub args: Args<'t>,
}

impl<'t> Call<'t> {
    /// The last dotted part of the qualified name (Bandit's `call_function_name`).
    pub fn name(&self) -> &str {
        self.qualname.rsplit('.').next().unwrap_or("")
    }

    /// Whether a keyword is passed (Bandit's `name in context.call_keywords`).
    pub fn has_kw(&self, name: &str) -> bool {
        self.args.keyword(name).is_some()
    }

    /// A keyword's converted value; `None` if absent or not a literal (Bandit cannot tell
    /// these apart either).
    pub fn kw(&self, name: &str, src: &str) -> Option<Value> {
        self.args
            .keyword(name)
            .map(|v| syntax::value(v, src))
            .filter(Value::is_known)
    }

    /// Bandit's `check_call_arg_value`: `None` if the keyword has no literal value, else
    /// whether it equals one of `values`.
    pub fn kw_is(&self, name: &str, values: &[&str], src: &str) -> Option<bool> {
        let v = self.kw(name, src)?;
        Some(values.iter().any(|x| v.as_str() == Some(*x)))
    }

    /// A positional argument's converted value (Bandit's `get_call_arg_at_position`).
    pub fn arg_value(&self, i: usize, src: &str) -> Option<Value> {
        self.args
            .arg(i)
            .map(|a| syntax::value(a, src))
            .filter(Value::is_known)
    }

    /// 1-based line of a keyword's value (Bandit's `get_lineno_for_call_arg`).
    pub fn kw_line(&self, name: &str) -> Option<u32> {
        self.args
            .keyword(name)
            .map(|v| v.start_position().row as u32 + 1)
    }
}

/// A string constant as the `Str` rules see it.
pub(crate) struct Str<'t> {
    /// The literal (or f-string) node, for the location.
    pub node: Node<'t>,
    pub value: String,
    /// The constant's parent in Python's AST (parentheses skipped; an f-string part's parent is
    /// the f-string itself).
    pub parent: Node<'t>,
    /// For the first literal part of an f-string: all its literal parts joined.
    pub joined_first: Option<String>,
    /// Whether this is a literal part of an f-string (a `JoinedStr` constant).
    pub in_joined: bool,
}

/// Per-file state shared by the rules during the walk.
pub(crate) struct FileCx<'t, 's> {
    pub src: &'s str,
    pub path: &'s str,
    pub settings: &'s Settings,
    pub imports: Imports,
    pub issues: Vec<Issue>,
    /// Ancestors of the node being visited, root first.
    pub stack: Vec<Node<'t>>,
    /// B608's `+`/`%` chains seen so far (each collected once, however many literals it has).
    pub sql_chains: rules::b608_hardcoded_sql_expressions::Chains<'t>,
    nosec: HashMap<u32, RuleSet>,
    /// The line where brackets first nest deeper than [`MAX_BRACKET_DEPTH`].
    pub too_deep: Option<u32>,
    /// The first construct CPython rejects but tree-sitter accepts (a block of only comments,
    /// a number run into a name): (line, column).
    rejected: Option<(u32, u32)>,
}

impl<'t, 's> FileCx<'t, 's> {
    pub fn on(&self, rule: Rule) -> bool {
        self.settings.enabled.contains(rule)
    }

    /// Reports an issue located at `node`, with the rule's own levels.
    pub fn report(&mut self, rule: Rule, node: Node<'_>, message: impl Into<String>) -> &mut Issue {
        let meta = rule.meta();
        self.report_with(rule, node, meta.severity, meta.confidence, message)
    }

    pub fn report_with(
        &mut self,
        rule: Rule,
        node: Node<'_>,
        severity: palisade_core::Severity,
        confidence: palisade_core::Confidence,
        message: impl Into<String>,
    ) -> &mut Issue {
        let start = node.start_position();
        let end = node.end_position();
        self.issues.push(Issue {
            rule,
            severity,
            confidence,
            message: message.into(),
            line: start.row as u32 + 1,
            node_line: start.row as u32 + 1,
            col: start.column as u32,
            end_line: end.row as u32 + 1,
            end_col: end.column as u32,
            range: (start.row as u32 + 1, end.row as u32 + 1),
            secret: None,
        });
        self.issues.last_mut().expect("just pushed")
    }

    pub fn text(&self, node: Node<'_>) -> &'s str {
        syntax::text(node, self.src)
    }
}

/// What checking one file produced.
pub(crate) struct Outcome {
    pub issues: Vec<Issue>,
    pub suppressed: usize,
    /// First syntax error (1-based line, column) if the file did not parse cleanly.
    pub syntax_error: Option<(u32, u32)>,
    /// The line where brackets nest deeper than [`MAX_BRACKET_DEPTH`] (what is inside them
    /// was not checked).
    pub too_deep: Option<u32>,
    /// Per rule, the findings past [`MAX_FINDINGS_PER_RULE`]: counted, not kept.
    pub unlisted: Vec<(Rule, usize)>,
    /// Module-level statements too large to parse (1-based first and last line, and bytes):
    /// not checked.
    pub too_large: Vec<(u32, u32, usize)>,
    /// The file is too large to parse at once and the lexer could not cut it into
    /// statements: not checked at all.
    pub unsplittable: bool,
}

/// Findings of one rule kept per file; more are counted, not kept. A generated or minified
/// file can hold millions (`eval(x);` repeated on a 16 MB line): each finding keeps a slice
/// of its line, and the report quotes them all.
pub const MAX_FINDINGS_PER_RULE: usize = 5_000;

/// Checks decoded Python source.
pub(crate) fn check_source(
    src: &str,
    path: &str,
    settings: &Settings,
    prefilter: Option<&Table>,
) -> Option<Outcome> {
    let Some(normal) = crate::names::normalise(src) else {
        return check_text(src, path, settings, prefilter);
    };
    // Checked as Python reads it; reported where the file has it.
    let mut out = check_text(&normal.text, path, settings, prefilter)?;
    for i in &mut out.issues {
        i.col = normal.column(i.node_line - 1, i.col);
        i.end_col = normal.column(i.end_line - 1, i.end_col);
    }
    if let Some((line, col)) = &mut out.syntax_error {
        *col = normal.column(*line - 1, *col - 1) + 1;
    }
    Some(out)
}

fn check_text(
    src: &str,
    path: &str,
    settings: &Settings,
    prefilter: Option<&Table>,
) -> Option<Outcome> {
    let plan = match prefilter {
        Some(t) => prefilter::plan(src, t),
        None => prefilter::plan_all(src),
    };
    let mut file = Walked {
        src,
        path,
        settings,
        imports: Imports::default(),
        nosec: HashMap::new(),
        issues: Vec::new(),
        per_rule: Vec::new(),
        suppressed: 0,
        tree_error: None,
        rejected: None,
        too_deep: None,
    };
    let mut too_large = Vec::new();
    let mut unsplittable = false;
    match plan {
        Plan::Nothing => {
            return Some(Outcome {
                issues: Vec::new(),
                suppressed: 0,
                syntax_error: None,
                too_deep: None,
                unlisted: Vec::new(),
                too_large,
                unsplittable,
            })
        }
        Plan::Whole => file.walk_tree(&parse(src)?),
        Plan::Ranges(spans) => {
            let tree = match parse_spans(src, &spans) {
                Some(t) if !t.root_node().has_error() => t,
                // Report a syntax error where the whole file shows it.
                _ => parse(src)?,
            };
            file.walk_tree(&tree);
        }
        Plan::Pieces(pieces) => {
            // One group at a time: each tree is dropped before the next is built. Imports
            // and `# nosec` lines carry over, as in one walk over the whole file.
            for group in &pieces.groups {
                let tree = parse_spans(src, group)?;
                file.walk_tree(&tree);
            }
            too_large = pieces
                .too_large
                .iter()
                .map(|s| {
                    (
                        s.start_row + 1,
                        s.end_row.max(s.start_row + 1),
                        s.end - s.start,
                    )
                })
                .collect();
        }
        Plan::Unsplittable => unsplittable = true,
    }
    Some(file.finish(too_large, unsplittable))
}

/// What the walks over one file's trees have gathered so far.
struct Walked<'s> {
    src: &'s str,
    path: &'s str,
    settings: &'s Settings,
    imports: Imports,
    nosec: HashMap<u32, RuleSet>,
    issues: Vec<Issue>,
    /// Per rule: findings kept, and those past the cap.
    per_rule: Vec<(Rule, usize, usize)>,
    suppressed: usize,
    tree_error: Option<(u32, u32)>,
    rejected: Option<(u32, u32)>,
    too_deep: Option<u32>,
}

impl<'s> Walked<'s> {
    fn cx<'t>(&mut self) -> FileCx<'t, 's> {
        FileCx {
            src: self.src,
            path: self.path,
            settings: self.settings,
            imports: std::mem::take(&mut self.imports),
            issues: Vec::new(),
            stack: Vec::new(),
            sql_chains: Default::default(),
            too_deep: None,
            nosec: std::mem::take(&mut self.nosec),
            rejected: None,
        }
    }

    /// Takes back what a walk gathered; its issues pass `# nosec` and the cap.
    fn absorb(&mut self, cx: FileCx<'_, 's>) {
        self.imports = cx.imports;
        self.nosec = cx.nosec;
        self.rejected = self.rejected.or(cx.rejected);
        self.too_deep = self.too_deep.or(cx.too_deep);
        for issue in cx.issues {
            if !self.settings.ignore_nosec && suppressed(&self.nosec, &issue) {
                self.suppressed += 1;
                continue;
            }
            let at = match self.per_rule.iter().position(|(r, _, _)| *r == issue.rule) {
                Some(i) => i,
                None => {
                    self.per_rule.push((issue.rule, 0, 0));
                    self.per_rule.len() - 1
                }
            };
            if self.per_rule[at].1 >= MAX_FINDINGS_PER_RULE {
                self.per_rule[at].2 += 1;
            } else {
                self.per_rule[at].1 += 1;
                self.issues.push(issue);
            }
        }
    }

    fn walk_tree(&mut self, tree: &Tree) {
        let root = tree.root_node();
        let mut cx = self.cx();
        walk(root, &mut cx);
        if self.tree_error.is_none() && root.has_error() {
            self.tree_error = first_error(root);
        }
        self.absorb(cx);
    }

    fn finish(mut self, too_large: Vec<(u32, u32, usize)>, unsplittable: bool) -> Outcome {
        let mut cx = self.cx();
        rules::on_file(&mut cx);
        self.absorb(cx);
        Outcome {
            issues: self.issues,
            suppressed: self.suppressed,
            syntax_error: self.tree_error.or(self.rejected),
            too_deep: self.too_deep,
            unlisted: self
                .per_rule
                .into_iter()
                .filter(|(_, _, n)| *n > 0)
                .map(|(r, _, n)| (r, n))
                .collect(),
            too_large,
            unsplittable,
        }
    }
}

/// Whether an issue survives `# nosec`, Bandit's way: the IDs on the reported line plus
/// those of the first line with a nosec comment within the node's line range; an empty
/// union suppresses everything.
fn suppressed(nosec: &HashMap<u32, RuleSet>, issue: &Issue) -> bool {
    if nosec.is_empty() {
        return false;
    }
    let base = nosec.get(&issue.line);
    let ranged = (issue.range.0..=issue.range.1).find_map(|l| nosec.get(&l));
    if base.is_none() && ranged.is_none() {
        return false;
    }
    let mut set = RuleSet::EMPTY;
    for s in base.into_iter().chain(ranged) {
        set = set.union(*s);
    }
    set.is_empty() || set.contains(issue.rule)
}

/// Brackets nested deeper than this are refused, as CPython's tokenizer refuses them ("too
/// many nested parentheses"): rules that look into a subtree recurse, and a file of nothing
/// but brackets must not overflow the stack.
pub(crate) const MAX_BRACKET_DEPTH: usize = 200;

fn walk<'t>(root: Node<'t>, cx: &mut FileCx<'t, '_>) {
    let mut cursor = root.walk();
    // Which entries of `cx.stack` are brackets, and how many.
    let mut bracket = Vec::new();
    let mut depth = 0;
    loop {
        let node = cursor.node();
        let opens = BRACKETS
            .get(node.kind_id() as usize)
            .copied()
            .unwrap_or(false);
        if opens && depth >= MAX_BRACKET_DEPTH {
            // Not visited, nor anything below it.
            if cx.too_deep.is_none() {
                cx.too_deep = Some(node.start_position().row as u32 + 1);
            }
        } else {
            visit(node, cx);
            if cursor.goto_first_child() {
                cx.stack.push(node);
                bracket.push(opens);
                depth += usize::from(opens);
                continue;
            }
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            cx.stack.pop();
            depth -= usize::from(bracket.pop().unwrap_or(false));
        }
    }
}

/// Node kinds written with brackets, by kind id. (Not `subscript`: `a[0][0]` nests
/// subscripts, not brackets.)
static BRACKETS: std::sync::LazyLock<Vec<bool>> = std::sync::LazyLock::new(|| {
    let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    (0..lang.node_kind_count() as u16)
        .map(|id| {
            lang.node_kind_is_named(id)
                && matches!(
                    lang.node_kind_for_id(id).unwrap_or(""),
                    "parenthesized_expression"
                        | "argument_list"
                        | "parameters"
                        | "list"
                        | "tuple"
                        | "set"
                        | "dictionary"
                        | "list_comprehension"
                        | "set_comprehension"
                        | "dictionary_comprehension"
                        | "generator_expression"
                        | "interpolation"
                        | "parenthesized_list_splat"
                        | "list_pattern"
                        | "tuple_pattern"
                        | "dict_pattern"
                        | "class_pattern"
                )
        })
        .collect()
});

/// Node kinds some rule looks at, by tree-sitter kind id, so the walk skips every other node
/// with one table lookup.
static INTERESTING: std::sync::LazyLock<Vec<bool>> = std::sync::LazyLock::new(|| {
    let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    (0..lang.node_kind_count() as u16)
        .map(|id| {
            (lang.node_kind_is_named(id) || lang.node_kind_for_id(id) == Some("<>"))
                && matches!(
                    lang.node_kind_for_id(id).unwrap_or(""),
                    "call"
                        | "import_statement"
                        | "import_from_statement"
                        | "future_import_statement"
                        | "function_definition"
                        | "except_clause"
                        | "assert_statement"
                        | "block"
                        | "string"
                        | "concatenated_string"
                        | "comment"
                        | "integer"
                        | "float"
                        | "print_statement"
                        | "exec_statement"
                        | "<>"
                )
        })
        .collect()
});

fn visit<'t>(node: Node<'t>, cx: &mut FileCx<'t, '_>) {
    if !INTERESTING
        .get(node.kind_id() as usize)
        .copied()
        .unwrap_or(false)
    {
        return;
    }
    match node.kind() {
        "call" => {
            let Some(func) = node.child_by_field_id(field!("function")) else {
                return;
            };
            let call = Call {
                node,
                qualname: syntax::qualname(func, cx.src, &cx.imports.aliases),
                args: Args::of(node, cx.src),
            };
            rules::on_call(cx, &call);
        }
        "import_statement" => {
            for name in node.children_by_field_name("name", &mut node.walk()) {
                let (module, asname) = import_name(name, cx.src);
                cx.imports.add_import(&module, asname.as_deref());
            }
            rules::on_import(cx, node);
        }
        "import_from_statement" | "future_import_statement" => {
            let module = import_from_module(node, cx.src);
            for name in node.children_by_field_name("name", &mut node.walk()) {
                let (n, asname) = import_name(name, cx.src);
                match &module {
                    Some(m) => cx.imports.add_from(m, &n, asname.as_deref()),
                    None => cx.imports.add_import(&n, asname.as_deref()),
                }
            }
            rules::on_import(cx, node);
        }
        "function_definition" => {
            // Bandit registers FunctionDef only: `async def` is never checked.
            if node.child(0).is_some_and(|c| c.kind() == "async") {
                return;
            }
            rules::on_function_def(cx, node);
        }
        "except_clause" => rules::on_except(cx, node),
        "assert_statement" => rules::on_assert(cx, node),
        "block" if cx.rejected.is_none() && syntax::named_children(node).next().is_none() => {
            let p = node.start_position();
            let parent_end = cx.stack.last().map_or(p, |n| n.end_position());
            // Report where the statement was expected: the line after the header.
            let at = if node.start_byte() == node.end_byte() {
                parent_end
            } else {
                p
            };
            cx.rejected = Some((at.row as u32 + 1, at.column as u32 + 1));
        }
        "string" | "concatenated_string" => visit_string(node, cx),
        // `1abc` is two tokens to tree-sitter but an invalid literal to CPython (a keyword
        // right after a number, `1if`, is only a warning there).
        // Python 2 forms tree-sitter still parses and CPython 3 rejects.
        // (`print >> f, x` is a valid Python 3 expression that tree-sitter also reads as a
        // Python 2 print statement.)
        "print_statement" | "exec_statement" | "<>"
            if cx.rejected.is_none()
                && !(node.kind() == "print_statement"
                    && syntax::named_children(node).any(|c| c.kind() == "chevron")) =>
        {
            let p = node.start_position();
            cx.rejected = Some((p.row as u32 + 1, p.column as u32 + 1));
        }
        "integer" if cx.rejected.is_none() && is_py2_integer(cx.text(node)) => {
            let p = node.start_position();
            cx.rejected = Some((p.row as u32 + 1, p.column as u32 + 1));
        }
        "integer" | "float" if cx.rejected.is_none() => {
            let rest = &cx.src[node.end_byte()..];
            let word: &str = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            let starts_word = rest
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
            if starts_word
                && !matches!(
                    word,
                    "and" | "or" | "if" | "else" | "in" | "is" | "not" | "for"
                )
            {
                let p = node.start_position();
                cx.rejected = Some((p.row as u32 + 1, p.column as u32 + 1));
            }
        }
        "comment" => {
            if cx.settings.ignore_nosec {
                return;
            }
            let text = cx.text(node);
            if text.contains("nosec") {
                if let Some(set) = nosec::parse(text) {
                    cx.nosec.insert(node.start_position().row as u32 + 1, set);
                }
            }
        }
        _ => {}
    }
}

/// `0777` (a Python 2 octal) and `10L` (a Python 2 long) are errors in Python 3.
fn is_py2_integer(t: &str) -> bool {
    let b = t.as_bytes();
    let leading_zero = b.len() > 1
        && b[0] == b'0'
        && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b'_')
        && b.iter().any(|c| (b'1'..=b'9').contains(c));
    leading_zero || t.ends_with(['l', 'L'])
}

/// `(dotted name, alias)` of an import's `name` field.
fn import_name(name: Node<'_>, src: &str) -> (String, Option<String>) {
    if name.kind() == "aliased_import" {
        let n = name
            .child_by_field_id(field!("name"))
            .map(|n| syntax::text(n, src))
            .unwrap_or("");
        let a = name
            .child_by_field_id(field!("alias"))
            .map(|a| syntax::text(a, src).to_string());
        (strip_ws(n), a)
    } else {
        (strip_ws(syntax::text(name, src)), None)
    }
}

fn strip_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The module of `from M import ...`: the dotted name without leading dots (Bandit ignores
/// the level), or `None` for `from . import x`.
pub(crate) fn import_from_module(node: Node<'_>, src: &str) -> Option<String> {
    if node.kind() == "future_import_statement" {
        return Some("__future__".into());
    }
    let m = node.child_by_field_id(field!("module_name"))?;
    if m.kind() == "relative_import" {
        let d = syntax::named_children(m).find(|c| c.kind() == "dotted_name")?;
        Some(strip_ws(syntax::text(d, src)))
    } else {
        Some(strip_ws(syntax::text(m, src)))
    }
}

fn visit_string<'t>(node: Node<'t>, cx: &mut FileCx<'t, '_>) {
    let parent = cx.stack.last().copied();
    // The parts of an implicit concatenation are handled with the whole.
    if node.kind() == "string" && parent.is_some_and(|p| p.kind() == "concatenated_string") {
        return;
    }
    let parts: Vec<Node<'t>> = if node.kind() == "concatenated_string" {
        syntax::named_children(node).collect()
    } else {
        vec![node]
    };
    let has_f = parts.iter().any(|p| syntax::prefix(*p, cx.src).f);
    if has_f {
        // A `JoinedStr`: each literal part is a constant whose parent is the f-string, so
        // even an f-string statement is checked.
        let values = joined_parts(&parts, cx.src);
        let all: String = values.concat();
        for (i, value) in values.into_iter().enumerate() {
            let s = Str {
                node,
                value,
                parent: node,
                joined_first: (i == 0).then(|| all.clone()),
                in_joined: true,
            };
            rules::on_str(cx, &s);
        }
        return;
    }
    let Some(syntax::StrLit::Str(value)) = syntax::string_literal(node, cx.src) else {
        return;
    };
    let Some(parent) = ast_parent(&cx.stack) else {
        return;
    };
    // A docstring or any bare string statement is not a `Str` for Bandit.
    if parent.kind() == "expression_statement" {
        return;
    }
    let s = Str {
        node,
        value,
        parent,
        joined_first: None,
        in_joined: false,
    };
    rules::on_str(cx, &s);
}

/// The literal parts of a `JoinedStr` built from implicitly concatenated strings, merged
/// across part boundaries as CPython does.
fn joined_parts(parts: &[Node<'_>], src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for part in parts {
        let p = syntax::prefix(*part, src);
        if !p.f {
            if let Some(syntax::StrLit::Str(s)) = syntax::string_literal(*part, src) {
                cur.push_str(&s);
            }
            continue;
        }
        let mut cursor = part.walk();
        for child in part.children(&mut cursor) {
            match child.kind() {
                "string_content" => {
                    cur.push_str(&syntax::unescape(syntax::text(child, src), p.raw, true))
                }
                "interpolation" if !cur.is_empty() => {
                    out.push(std::mem::take(&mut cur));
                }
                _ => {}
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Ancestors as Python's AST has them, nearest first: parentheses, argument lists, dict
/// entries and blocks have no AST node of their own, so an argument's parent is the call and
/// a dict value's parent the dict.
pub(crate) fn ast_ancestors<'a, 't>(stack: &'a [Node<'t>]) -> impl Iterator<Item = Node<'t>> + 'a {
    stack.iter().rev().copied().filter(|n| match n.kind() {
        "parenthesized_expression" | "argument_list" | "pair" | "block" => false,
        // A statement holding an assignment is the assignment in Python's AST.
        "expression_statement" => !n
            .named_child(0)
            .is_some_and(|c| matches!(c.kind(), "assignment" | "augmented_assignment")),
        _ => true,
    })
}

/// The parent in Python's AST of the node whose ancestors are `stack`.
pub(crate) fn ast_parent<'t>(stack: &[Node<'t>]) -> Option<Node<'t>> {
    ast_ancestors(stack).next()
}

fn first_error(root: Node<'_>) -> Option<(u32, u32)> {
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            let p = node.start_position();
            return Some((p.row as u32 + 1, p.column as u32 + 1));
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return None;
            }
        }
    }
}
