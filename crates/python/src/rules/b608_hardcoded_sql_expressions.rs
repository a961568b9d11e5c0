use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};
use std::sync::LazyLock;

use regex::Regex;
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

static SQL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)(select\s.*from\s|delete\s+from\s|insert\s+into\s.*values[\s(]|update\s.*set\s)",
    )
    .expect("valid regex")
});

pub(crate) fn check(cx: &mut FileCx<'_, '_>, s: &Str<'_>) {
    let src = cx.src;
    let mut replace = false;
    let (statement, wrapper) = if s.in_joined {
        // Only the first literal part of an f-string tests, with all parts joined.
        let Some(all) = &s.joined_first else { return };
        (all.clone(), ast_ancestors(&cx.stack).next())
    } else {
        match s.parent.kind() {
            "binary_operator" => {
                let mut up = ast_ancestors(&cx.stack);
                let mut root = up.next().unwrap_or(s.parent);
                let mut wrapper = None;
                for a in up {
                    if a.kind() == "binary_operator" {
                        root = a;
                    } else {
                        wrapper = Some(a);
                        break;
                    }
                }
                let mut bits = Vec::new();
                leaves(root, s.parent, &mut bits);
                let mut parts = vec![s.value.clone()];
                parts.extend(bits.into_iter().filter_map(|b| syntax::str_const(b, src)));
                (parts.join(" "), wrapper)
            }
            "attribute" => {
                let attr = s
                    .parent
                    .child_by_field_id(field!("attribute"))
                    .map_or("", |a| syntax::text(a, src));
                if attr != "format" && attr != "replace" {
                    return;
                }
                replace = attr == "replace";
                (s.value.clone(), ast_ancestors(&cx.stack).nth(2))
            }
            _ => return,
        }
    };
    if !SQL.is_match(&statement) {
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

/// The operands of a `+`/`%` chain, without descending into `stop` (the literal's own
/// operation), as Bandit's `concat_string` collects them. Iterative: generated code can chain
/// thousands of operands.
fn leaves<'t>(root: Node<'t>, stop: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut pending = vec![root];
    while let Some(n) = pending.pop() {
        if n.id() == stop.id() {
            continue;
        }
        // Right pushed first so the left operand is visited first (source order).
        for side in ["right", "left"] {
            if let Some(c) = n.child_by_field_name(side).map(unparen) {
                if c.kind() == "binary_operator" {
                    pending.push(c);
                } else {
                    out.push(c);
                }
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
