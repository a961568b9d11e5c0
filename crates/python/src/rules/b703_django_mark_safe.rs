use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use tree_sitter::Node;

use crate::rules::Rule;
use crate::syntax::{self, named_children, unparen};
use crate::walk::{Call, FileCx};

declare_rule! {
    /// ## What it does
    /// Finds `mark_safe`, `SafeText`, `SafeUnicode`, `SafeString` and `SafeBytes` calls, in files
    /// that import `django.utils.safestring`, whose argument is not a string literal and cannot be
    /// shown, by a small look at the assignments earlier in the same function or module, to be built
    /// only from string literals (Bandit B703). A parameter of the function is never trusted.
    ///
    /// ## Why is this bad?
    /// `mark_safe` turns off Django's HTML escaping for the value; if any part of it comes from a
    /// user, the page is open to cross-site scripting.
    ///
    /// ## Example
    /// ```python
    /// def greeting(name):
    ///     return mark_safe("<b>%s</b>" % name)  # B703
    /// def greeting(name):
    ///     return format_html("<b>{}</b>", name)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b703_django_mark_safe.html
    /// - https://cwe.mitre.org/data/definitions/80.html
    pub static RULE = {
        id: "B703", name: "django_mark_safe", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(80),
        summary: "Django mark_safe (or SafeString) on a value that may hold user data.",
    };
}

const AFFECTED: &[&str] = &[
    "mark_safe",
    "SafeText",
    "SafeUnicode",
    "SafeString",
    "SafeBytes",
];

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if !AFFECTED.contains(&call.name()) || !cx.imports.like("django.utils.safestring") {
        return;
    }
    let Some(arg) = call.args.arg(0) else { return };
    if syntax::is_str_const(arg, cx.src) {
        return;
    }
    let flow = Flow {
        src: cx.src,
        depth: std::cell::Cell::new(0),
    };
    // The scope Bandit looks in: the nearest enclosing `def` (not `async def`), else the module.
    let scope = cx
        .stack
        .iter()
        .rev()
        .find(|n| {
            n.kind() == "module"
                || (n.kind() == "function_definition"
                    && n.child(0).is_none_or(|c| c.kind() != "async"))
        })
        .copied();
    let Some(scope) = scope else { return };
    let line = call.node.start_position().row + 1;
    let arg = unparen(arg);
    let secure = match arg.kind() {
        "identifier" => {
            !flow.is_param(scope, flow.text(arg)) && flow.evaluate_var(flow.text(arg), scope, line)
        }
        "call" => flow.evaluate_call(Format::of_call(arg, cx.src), scope),
        "binary_operator" => {
            let op = arg
                .child_by_field_id(field!("operator"))
                .map(|o| flow.text(o));
            let left = arg.child_by_field_id(field!("left"));
            match (op, left) {
                (Some("%"), Some(l)) if syntax::is_str_const(l, cx.src) => {
                    let right = arg.child_by_field_id(field!("right")).map(unparen);
                    let args = match right {
                        Some(r) if r.kind() == "tuple" => named_children(r).collect(),
                        Some(r) => vec![r],
                        None => vec![],
                    };
                    flow.evaluate_call(
                        Some(Format {
                            args,
                            line: arg.start_position().row + 1,
                        }),
                        scope,
                    )
                }
                _ => false,
            }
        }
        _ => false,
    };
    if !secure {
        cx.report(
            Rule::B703,
            call.node,
            "Potential XSS on mark_safe function.",
        );
    }
}

/// A `"literal".format(args)` call without keywords (the only call Bandit can vouch for).
struct Format<'t> {
    args: Vec<Node<'t>>,
    line: usize,
}

impl<'t> Format<'t> {
    fn of_call(call: Node<'t>, src: &str) -> Option<Self> {
        let func = unparen(call.child_by_field_id(field!("function"))?);
        if func.kind() != "attribute" {
            return None;
        }
        let object = func.child_by_field_id(field!("object"))?;
        let attr = func.child_by_field_id(field!("attribute"))?;
        let args = call.child_by_field_id(field!("arguments"))?;
        let src_const = matches!(
            unparen(object).kind(),
            "string" | "concatenated_string" | "integer" | "float" | "true" | "false" | "none"
        );
        let is_format = syntax::text(attr, src) == "format";
        if !src_const || !is_format {
            return None;
        }
        let mut positional = Vec::new();
        for a in named_children(args) {
            match a.kind() {
                "keyword_argument" | "dictionary_splat" => return None,
                _ => positional.push(a),
            }
        }
        Some(Format {
            args: positional,
            line: call.start_position().row + 1,
        })
    }
}

/// What an assignment found in a statement gives the variable.
enum Assigned<'t> {
    None,
    One(Node<'t>),
    Many(Vec<Node<'t>>),
}

/// Bandit's intra-scope data flow for B703 (`evaluate_var` / `evaluate_call`).
/// How deep the data-flow check follows variables and calls.
const MAX_FLOW_DEPTH: u32 = 200;

struct Flow<'s> {
    src: &'s str,
    /// How deep `evaluate_var`/`evaluate_call` recurse now: a chain of thousands of
    /// assignments must not overflow the stack (past [`MAX_FLOW_DEPTH`] nothing is proven safe).
    depth: std::cell::Cell<u32>,
}

impl<'s> Flow<'s> {
    fn text(&self, n: Node<'_>) -> &'s str {
        syntax::text(n, self.src)
    }

    fn is_str(&self, n: Node<'_>) -> bool {
        syntax::is_str_const(n, self.src)
    }

    /// Whether `name` is a positional parameter (`args.args`) of the scope.
    fn is_param(&self, scope: Node<'_>, name: &str) -> bool {
        if scope.kind() != "function_definition" {
            return false;
        }
        crate::rules::b107_hardcoded_password_default::positional_defaults(scope, self.src)
            .iter()
            .any(|(n, _)| *n == name)
    }

    fn statements<'t>(&self, scope: Node<'t>) -> Vec<Node<'t>> {
        match scope.kind() {
            "module" => named_children(scope).collect(),
            _ => scope
                .child_by_field_id(field!("body"))
                .map(|b| named_children(b).collect())
                .unwrap_or_default(),
        }
    }

    fn evaluate_var(&self, var: &str, scope: Node<'_>, until: usize) -> bool {
        self.deeper(|| self.evaluate_var_at(var, scope, until))
    }

    /// Runs one level of the data-flow recursion; `false` (not proven safe: reported) past
    /// [`MAX_FLOW_DEPTH`].
    fn deeper(&self, f: impl FnOnce() -> bool) -> bool {
        let d = self.depth.get();
        if d >= MAX_FLOW_DEPTH {
            return false;
        }
        self.depth.set(d + 1);
        let r = f();
        self.depth.set(d);
        r
    }

    fn evaluate_var_at(&self, var: &str, scope: Node<'_>, until: usize) -> bool {
        if self.is_param(scope, var) {
            return false;
        }
        let mut secure = false;
        for stmt in self.statements(scope) {
            if stmt.start_position().row + 1 >= until {
                break;
            }
            match self.is_assigned(stmt, var) {
                Assigned::None => {}
                Assigned::One(to) => {
                    let to = unparen(to);
                    if self.is_str(to) {
                        secure = true;
                    } else if to.kind() == "identifier" {
                        secure =
                            self.evaluate_var(self.text(to), scope, to.start_position().row + 1);
                    } else if to.kind() == "call" {
                        secure = self.evaluate_call(Format::of_call(to, self.src), scope);
                    } else {
                        return false;
                    }
                }
                Assigned::Many(list) => {
                    let line = stmt.start_position().row + 1;
                    let all = list.iter().all(|to| {
                        let to = unparen(*to);
                        self.is_str(to)
                            || (to.kind() == "identifier"
                                && self.evaluate_var(self.text(to), scope, line))
                    });
                    if !all {
                        return false;
                    }
                    secure = true;
                }
            }
        }
        secure
    }

    fn evaluate_call(&self, call: Option<Format<'_>>, scope: Node<'_>) -> bool {
        self.deeper(|| self.evaluate_call_at(call, scope))
    }

    fn evaluate_call_at(&self, call: Option<Format<'_>>, scope: Node<'_>) -> bool {
        let Some(call) = call else { return false };
        let mut args: Vec<Node<'_>> = call.args.clone();
        let mut secure = 0;
        let mut i = 0;
        while i < args.len() {
            let a = unparen(args[i]);
            i += 1;
            if self.is_str(a) {
                secure += 1;
            } else if a.kind() == "identifier" {
                if self.evaluate_var(self.text(a), scope, call.line) {
                    secure += 1;
                } else {
                    break;
                }
            } else if a.kind() == "call" {
                if self.evaluate_call(Format::of_call(a, self.src), scope) {
                    secure += 1;
                } else {
                    break;
                }
            } else if a.kind() == "list_splat" {
                match named_children(a).next().map(unparen) {
                    Some(inner) if matches!(inner.kind(), "list" | "tuple") => {
                        args.extend(named_children(inner));
                        secure += 1;
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        secure == args.len()
    }

    /// Bandit's `DeepAssignation.is_assigned` over one statement.
    fn is_assigned<'t>(&self, stmt: Node<'t>, var: &str) -> Assigned<'t> {
        match stmt.kind() {
            "expression_statement" => {
                let Some(inner) = stmt.named_child(0) else {
                    return Assigned::None;
                };
                match inner.kind() {
                    "assignment" if inner.child_by_field_id(field!("type")).is_none() => {
                        self.assignment(inner, var)
                    }
                    "augmented_assignment" => {
                        let target = inner.child_by_field_id(field!("left")).map(unparen);
                        if target.is_some_and(|t| t.kind() == "identifier" && self.text(t) == var) {
                            inner
                                .child_by_field_id(field!("right"))
                                .map_or(Assigned::None, Assigned::One)
                        } else {
                            Assigned::None
                        }
                    }
                    _ => Assigned::None,
                }
            }
            "decorated_definition" => stmt
                .child_by_field_id(field!("definition"))
                .map_or(Assigned::None, |d| self.is_assigned(d, var)),
            "function_definition" if stmt.child(0).is_none_or(|c| c.kind() != "async") => {
                self.in_blocks(&[stmt.child_by_field_id(field!("body"))], var)
            }
            "with_statement" => {
                // Bandit's result is the last item's: the statement itself if it binds the
                // name (not a string, so not trusted), else the body's assignments.
                let items: Vec<Node<'t>> = named_children(stmt)
                    .filter(|c| c.kind() == "with_clause")
                    .flat_map(named_children)
                    .collect();
                let mut result = Assigned::None;
                for item in items {
                    let binds = item
                        .child_by_field_id(field!("value"))
                        .filter(|v| v.kind() == "as_pattern")
                        .and_then(|v| v.child_by_field_id(field!("alias")))
                        .and_then(|a| named_children(a).next())
                        .is_some_and(|t| t.kind() == "identifier" && self.text(t) == var);
                    result = if binds {
                        Assigned::One(stmt)
                    } else {
                        self.in_blocks(&[stmt.child_by_field_id(field!("body"))], var)
                    };
                }
                result
            }
            "try_statement" => {
                let mut blocks = vec![stmt.child_by_field_id(field!("body"))];
                for c in named_children(stmt) {
                    match c.kind() {
                        "except_clause"
                        | "except_group_clause"
                        | "else_clause"
                        | "finally_clause" => {
                            blocks.push(named_children(c).find(|b| b.kind() == "block"))
                        }
                        _ => {}
                    }
                }
                self.in_blocks(&blocks, var)
            }
            "if_statement" | "for_statement" | "while_statement" | "elif_clause" => {
                let mut found = Vec::new();
                self.collect(
                    stmt.child_by_field_id(field!("consequence"))
                        .or_else(|| stmt.child_by_field_id(field!("body"))),
                    var,
                    &mut found,
                );
                for alt in stmt.children_by_field_name("alternative", &mut stmt.walk()) {
                    match alt.kind() {
                        "else_clause" => {
                            self.collect(alt.child_by_field_id(field!("body")), var, &mut found)
                        }
                        // `elif` is an `If` in the `orelse` of the previous one.
                        "elif_clause" => {
                            if let Assigned::Many(v) = self.is_assigned(alt, var) {
                                found.extend(v);
                            }
                        }
                        _ => {}
                    }
                }
                Assigned::Many(found).normalise()
            }
            _ => Assigned::None,
        }
    }

    fn assignment<'t>(&self, a: Node<'t>, var: &str) -> Assigned<'t> {
        let Some(target) = a.child_by_field_id(field!("left")).map(unparen) else {
            return Assigned::None;
        };
        // `a = b = value`: the first target, and the innermost value.
        let mut value = a.child_by_field_id(field!("right"));
        while let Some(v) = value.filter(|v| v.kind() == "assignment") {
            value = v.child_by_field_id(field!("right"));
        }
        let Some(value) = value else {
            return Assigned::None;
        };
        match target.kind() {
            "identifier" if self.text(target) == var => Assigned::One(value),
            "pattern_list" | "tuple_pattern" | "tuple" => {
                let value = unparen(value);
                if !matches!(value.kind(), "expression_list" | "tuple") {
                    return Assigned::None;
                }
                let names: Vec<Node<'t>> = named_children(target).collect();
                let values: Vec<Node<'t>> = named_children(value).collect();
                names
                    .iter()
                    .position(|n| n.kind() == "identifier" && self.text(*n) == var)
                    .and_then(|i| values.get(i).copied())
                    .map_or(Assigned::None, Assigned::One)
            }
            _ => Assigned::None,
        }
    }

    fn collect<'t>(&self, block: Option<Node<'t>>, var: &str, out: &mut Vec<Node<'t>>) {
        let Some(block) = block else { return };
        for stmt in named_children(block) {
            match self.is_assigned(stmt, var) {
                Assigned::None => {}
                Assigned::One(n) => out.push(n),
                Assigned::Many(v) => out.extend(v),
            }
        }
    }

    fn in_blocks<'t>(&self, blocks: &[Option<Node<'t>>], var: &str) -> Assigned<'t> {
        let mut found = Vec::new();
        for b in blocks {
            self.collect(*b, var, &mut found);
        }
        Assigned::Many(found).normalise()
    }
}

impl Assigned<'_> {
    /// An empty list is falsy in Bandit: nothing assigned.
    fn normalise(self) -> Self {
        match self {
            Assigned::Many(v) if v.is_empty() => Assigned::None,
            other => other,
        }
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    // Bandit follows the argument through the enclosing scope: parse the whole file.
    Trigger::any_word(AFFECTED)
        .whole_file()
        .if_imported("django")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
