//! Matching of the call and import blacklists (B3xx, B4xx) the way Bandit's one `blacklist`
//! test does: at most one blacklist finding per node, the first enabled entry that matches.

use std::collections::HashMap;
use std::sync::LazyLock;

use tree_sitter::Node;

use crate::rules::blacklist_calls::{Entry, CALLS};
use crate::rules::blacklist_imports::IMPORTS;
use crate::syntax::{self, unparen, Value};
use crate::walk::{import_from_module, Call, FileCx};

/// Calls: the qualified name must equal an entry's name exactly. `__import__("m")`,
/// `importlib.import_module("m")` and `importlib.__import__("m")` are matched by the module
/// they import, against the import blacklist too.
pub(crate) fn check_call(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let func = call.node.child_by_field_id(field!("function")).map(unparen);
    let name: Option<String> = if func
        .is_some_and(|f| f.kind() == "identifier" && cx.text(f) == "__import__")
    {
        Some(match call.args.arg(0) {
            Some(a) => syntax::str_const(a, cx.src).unwrap_or_else(|| "UNKNOWN".into()),
            None => String::new(),
        })
    } else if call.qualname == "importlib.import_module" || call.qualname == "importlib.__import__"
    {
        // Bandit compares the converted first argument (a variable's name counts), else
        // `name=`; anything else cannot match.
        let v = if call.args.positional.is_empty() {
            call.kw("name", cx.src)
        } else {
            call.arg_value(0, cx.src)
        };
        match v {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    } else {
        Some(call.qualname.clone())
    };
    let Some(name) = name else { return };
    let Some(candidates) = BY_NAME.get(name.as_str()) else {
        return;
    };
    if let Some(e) = candidates.iter().copied().find(|e| cx.on(e.rule)) {
        report(cx, e, call.node, &name);
    }
}

/// Every exact name of both blacklists to its entries, in list order (one hash probe per call
/// instead of comparing against every name).
static BY_NAME: LazyLock<HashMap<&'static str, Vec<&'static Entry>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<&'static Entry>> = HashMap::new();
    for e in CALLS.iter().chain(IMPORTS) {
        for n in e.names {
            let v = map.entry(*n).or_default();
            if !v.iter().any(|x| std::ptr::eq(*x, e)) {
                v.push(e);
            }
        }
    }
    map
});

/// Imports: `prefix + imported name` must start with an entry's name (so `import pickletools`
/// matches `pickle`, as in Bandit); the message names the imported name.
pub(crate) fn check_import(cx: &mut FileCx<'_, '_>, node: Node<'_>) {
    let prefix = if node.kind() == "import_statement" {
        String::new()
    } else {
        import_from_module(node, cx.src)
            .map(|m| format!("{m}."))
            .unwrap_or_default()
    };
    let mut names: Vec<String> = node
        .children_by_field_name("name", &mut node.walk())
        .map(|n| {
            let n = if n.kind() == "aliased_import" {
                n.child_by_field_id(field!("name")).unwrap_or(n)
            } else {
                n
            };
            cx.text(n).chars().filter(|c| !c.is_whitespace()).collect()
        })
        .collect();
    if syntax::named_children(node).any(|c| c.kind() == "wildcard_import") {
        names.push("*".into());
    }
    for e in IMPORTS.iter().filter(|e| cx.on(e.rule)) {
        for name in &names {
            let full = format!("{prefix}{name}");
            if e.names.iter().any(|q| full.starts_with(q)) {
                let name = name.clone();
                report(cx, e, node, &name);
                return;
            }
        }
    }
}

fn report(cx: &mut FileCx<'_, '_>, e: &Entry, node: Node<'_>, name: &str) {
    let meta = e.rule.meta();
    cx.report_with(
        e.rule,
        node,
        meta.severity,
        meta.confidence,
        e.message.replace("{name}", name),
    );
}

/// What a blacklist rule needs in a statement (see `crate::prefilter`): a call by one of its
/// qualified names, an import whose dotted name starts with one of its module names (the
/// first part is then in the text), or a dynamic import (`__import__("x")`,
/// `importlib.import_module("x")`) whose string names it.
pub(crate) fn trigger(rule: crate::rules::Rule) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    let dynamic = Trigger::any_word(&["__import__", "import_module"]);
    let calls = CALLS
        .iter()
        .filter(|e| e.rule == rule)
        .flat_map(|e| e.names.iter().copied());
    let imports = IMPORTS
        .iter()
        .filter(|e| e.rule == rule)
        .flat_map(|e| e.names.iter())
        .fold(Trigger::default(), |t, q| {
            // The import itself, or a call by that very name.
            t.or(Trigger::import_text(q.split('.').next().unwrap_or(q)))
                .or(Trigger::qualname(q))
        });
    Trigger::qualnames(calls).or(imports).or(dynamic)
}
