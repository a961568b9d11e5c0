//! Reading tree-sitter nodes the way Bandit reads Python's `ast`: qualified call names through
//! the file's import aliases, argument values converted like `Context._get_literal_value`, and
//! decoded string literals.

use std::collections::HashMap;

use tree_sitter::Node;

/// Source text of a node.
pub(crate) fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// Python's AST has no node for parentheses; skip them.
pub(crate) fn unparen(mut node: Node<'_>) -> Node<'_> {
    while node.kind() == "parenthesized_expression" {
        match named_children(node).next() {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// Named children that are not comments (comments are extras anywhere in the tree).
pub(crate) fn named_children<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = node.walk();
    let kids: Vec<Node<'t>> = node
        .named_children(&mut cursor)
        .filter(|n| !n.is_extra())
        .collect();
    kids.into_iter()
}

/// The import alias map and the set of imported names, filled in walk order like Bandit's
/// (file-global, no scopes, no shadowing).
#[derive(Default)]
pub(crate) struct Imports {
    pub aliases: HashMap<String, String>,
    pub imported: Vec<String>,
    /// Which of [`LIKE_NEEDLES`] some imported name contains, kept up to date on import.
    like_flags: u32,
}

/// The substrings rules test with [`Imports::like`], precomputed per import.
const LIKE_NEEDLES: &[&str] = &[
    "flask",
    "paramiko",
    "django.db.models",
    "django.utils.safestring",
    "transformers",
    "datasets",
    "huggingface_hub",
];

impl Imports {
    pub fn add_import(&mut self, name: &str, asname: Option<&str>) {
        if let Some(asname) = asname {
            self.aliases.insert(asname.to_string(), name.to_string());
        }
        self.add_imported(name.to_string());
    }

    pub fn add_from(&mut self, module: &str, name: &str, asname: Option<&str>) {
        let full = format!("{module}.{name}");
        self.aliases
            .insert(asname.unwrap_or(name).to_string(), full.clone());
        self.add_imported(full);
    }

    fn add_imported(&mut self, name: String) {
        for (i, needle) in LIKE_NEEDLES.iter().enumerate() {
            if name.contains(needle) {
                self.like_flags |= 1 << i;
            }
        }
        if !self.imported.contains(&name) {
            self.imported.push(name);
        }
    }

    /// Bandit's `is_module_imported_exact`.
    pub fn exact(&self, module: &str) -> bool {
        self.imported.iter().any(|m| m == module)
    }

    /// Bandit's `is_module_imported_like`: any imported name contains `module`.
    pub fn like(&self, module: &str) -> bool {
        match LIKE_NEEDLES.iter().position(|n| *n == module) {
            Some(i) => self.like_flags & (1 << i) != 0,
            None => self.imported.iter().any(|m| m.contains(module)),
        }
    }
}

/// Bandit's `get_call_name`: the dotted name of a call's function, each dotted prefix replaced
/// by its import alias; a chain rooted in anything but a name yields an empty root (`.get`).
pub(crate) fn qualname(func: Node<'_>, src: &str, aliases: &HashMap<String, String>) -> String {
    let func = unparen(func);
    match func.kind() {
        "identifier" => {
            let id = text(func, src);
            aliases.get(id).cloned().unwrap_or_else(|| id.to_string())
        }
        "attribute" => attr_qualname(func, src, aliases),
        _ => String::new(),
    }
}

fn attr_qualname(node: Node<'_>, src: &str, aliases: &HashMap<String, String>) -> String {
    // Iterative: `a.b.c...` chains in generated code can be thousands deep.
    let mut attrs = Vec::new();
    let mut cur = unparen(node);
    while cur.kind() == "attribute" {
        attrs.push(
            cur.child_by_field_id(field!("attribute"))
                .map(|a| text(a, src))
                .unwrap_or(""),
        );
        match cur.child_by_field_id(field!("object")) {
            Some(o) => cur = unparen(o),
            None => return String::new(),
        }
    }
    let mut name = if cur.kind() == "identifier" {
        let id = text(cur, src);
        aliases.get(id).cloned().unwrap_or_else(|| id.to_string())
    } else {
        String::new()
    };
    for attr in attrs.iter().rev() {
        name.push('.');
        name.push_str(attr);
        if let Some(alias) = aliases.get(&name) {
            name = alias.clone();
        }
    }
    name
}

/// A call's arguments split like Python's `ast.Call`: positional (including `*x`) and keywords
/// (`**x` has no name).
pub(crate) struct Args<'t> {
    pub positional: Vec<Node<'t>>,
    pub keywords: Vec<(Option<&'t str>, Node<'t>)>,
}

impl<'t> Args<'t> {
    pub fn of(call: Node<'t>, src: &'t str) -> Self {
        let mut positional = Vec::new();
        let mut keywords = Vec::new();
        if let Some(args) = call.child_by_field_id(field!("arguments")) {
            if args.kind() == "generator_expression" {
                positional.push(args);
            } else {
                for arg in named_children(args) {
                    match arg.kind() {
                        "keyword_argument" => {
                            let name = arg.child_by_field_id(field!("name")).map(|n| text(n, src));
                            if let Some(value) = arg.child_by_field_id(field!("value")) {
                                keywords.push((name, value));
                            }
                        }
                        "dictionary_splat" => {
                            if let Some(v) = named_children(arg).next() {
                                keywords.push((None, v));
                            }
                        }
                        _ => positional.push(arg),
                    }
                }
            }
        }
        Args {
            positional,
            keywords,
        }
    }

    /// The value node of keyword `name`, the first one if repeated.
    pub fn keyword(&self, name: &str) -> Option<Node<'t>> {
        self.keywords
            .iter()
            .find(|(k, _)| *k == Some(name))
            .map(|(_, v)| *v)
    }

    pub fn arg(&self, i: usize) -> Option<Node<'t>> {
        self.positional.get(i).copied()
    }
}

/// A value converted as Bandit's `Context` converts call arguments: attributes become their
/// last name, names their identifier, `True`/`False`/`None` the strings `"True"`/..., other
/// literals their value; anything else is `Unknown` (Bandit's `None`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Str(String),
    Int(i128),
    Float(f64),
    Bytes,
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Set(Vec<Value>),
    Dict,
    Unknown,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether Bandit would see the value as present (not Python `None`).
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }

    /// Python's `str()` of the converted value, for messages.
    pub fn py_str(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            other => other.py_repr(),
        }
    }

    /// Python's `repr()` of the converted value, for messages.
    pub fn py_repr(&self) -> String {
        let join = |items: &[Value]| {
            items
                .iter()
                .map(Value::py_repr)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Value::Str(s) => format!("'{s}'"),
            Value::Int(n) => n.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::Bytes => "b'...'".into(),
            Value::List(v) => format!("[{}]", join(v)),
            Value::Tuple(v) if v.len() == 1 => format!("({},)", join(v)),
            Value::Tuple(v) => format!("({})", join(v)),
            Value::Set(v) => format!("{{{}}}", join(v)),
            Value::Dict => "{...}".into(),
            Value::Unknown => "None".into(),
        }
    }
}

/// Python's `str()` of a constant node's value (`'x'` gives `x`, `None` gives `None`), for
/// messages quoting a value.
pub(crate) fn constant_str(node: Node<'_>, src: &str) -> String {
    let node = unparen(node);
    match node.kind() {
        "string" | "concatenated_string" => match string_literal(node, src) {
            Some(StrLit::Str(s)) => s,
            _ => text(node, src).to_string(),
        },
        "ellipsis" => "Ellipsis".into(),
        _ => text(node, src).to_string(),
    }
}

/// `Context.call_args`/`call_keywords` conversion of one argument.
pub(crate) fn value(node: Node<'_>, src: &str) -> Value {
    let node = unparen(node);
    match node.kind() {
        "attribute" => node
            .child_by_field_id(field!("attribute"))
            .map(|a| Value::Str(text(a, src).to_string()))
            .unwrap_or(Value::Unknown),
        _ => literal(node, src),
    }
}

/// `Context._get_literal_value`: like [`value`] but attributes inside containers are unknown.
pub(crate) fn literal(node: Node<'_>, src: &str) -> Value {
    literal_at(node, src, 0)
}

/// Containers nested deeper than this are `Unknown` (CPython refuses files nested that deep;
/// the walk reports them): the conversion recurses and must not overflow the stack.
const MAX_LITERAL_DEPTH: u32 = 100;

fn literal_at(node: Node<'_>, src: &str, depth: u32) -> Value {
    if depth > MAX_LITERAL_DEPTH {
        return Value::Unknown;
    }
    let literal = |n, src| literal_at(n, src, depth + 1);
    let node = unparen(node);
    match node.kind() {
        "true" => Value::Str("True".into()),
        "false" => Value::Str("False".into()),
        "none" => Value::Str("None".into()),
        "identifier" => Value::Str(text(node, src).to_string()),
        "integer" => parse_int(text(node, src))
            .map(Value::Int)
            .unwrap_or(Value::Unknown),
        "float" => text(node, src)
            .replace('_', "")
            .parse()
            .map(Value::Float)
            .unwrap_or(Value::Unknown),
        "string" | "concatenated_string" => match string_literal(node, src) {
            Some(StrLit::Str(s)) => Value::Str(s),
            Some(StrLit::Bytes) => Value::Bytes,
            None => Value::Unknown,
        },
        "list" => Value::List(named_children(node).map(|n| literal(n, src)).collect()),
        "tuple" => Value::Tuple(named_children(node).map(|n| literal(n, src)).collect()),
        "set" => Value::Set(named_children(node).map(|n| literal(n, src)).collect()),
        "dictionary" => Value::Dict,
        _ => Value::Unknown,
    }
}

/// An integer literal's value (`0o777`, `0x1F`, `1_000`).
pub(crate) fn parse_int(t: &str) -> Option<i128> {
    let t = t.replace('_', "");
    let lower = t.to_ascii_lowercase();
    let lower = lower.trim_end_matches(['l', 'j']);
    if let Some(h) = lower.strip_prefix("0x") {
        i128::from_str_radix(h, 16).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        i128::from_str_radix(o, 8).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        i128::from_str_radix(b, 2).ok()
    } else {
        lower.parse().ok()
    }
}

/// What a string literal evaluates to, when it is a constant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StrLit {
    Str(String),
    Bytes,
}

/// The value of a `string` or `concatenated_string` that Python folds into one constant;
/// `None` for f-strings (a `JoinedStr` in Python).
pub(crate) fn string_literal(node: Node<'_>, src: &str) -> Option<StrLit> {
    match node.kind() {
        "string" => {
            let p = prefix(node, src);
            if p.f {
                return None;
            }
            if p.b {
                return Some(StrLit::Bytes);
            }
            Some(StrLit::Str(string_body(node, src, p.raw)))
        }
        "concatenated_string" => {
            let mut out = String::new();
            for part in named_children(node) {
                match string_literal(part, src)? {
                    StrLit::Str(s) => out.push_str(&s),
                    StrLit::Bytes => return Some(StrLit::Bytes),
                }
            }
            Some(StrLit::Str(out))
        }
        _ => None,
    }
}

/// Whether a node is a `str` constant in Python's AST (not bytes, not an f-string).
pub(crate) fn is_str_const(node: Node<'_>, src: &str) -> bool {
    matches!(string_literal(unparen(node), src), Some(StrLit::Str(_)))
}

/// A str constant's value, if the node is one.
pub(crate) fn str_const(node: Node<'_>, src: &str) -> Option<String> {
    match string_literal(unparen(node), src)? {
        StrLit::Str(s) => Some(s),
        StrLit::Bytes => None,
    }
}

/// Whether a node is any `ast.Constant` (str, bytes, number, True/False/None, Ellipsis).
pub(crate) fn is_constant(node: Node<'_>, src: &str) -> bool {
    let node = unparen(node);
    match node.kind() {
        "integer" | "float" | "true" | "false" | "none" | "ellipsis" => true,
        "string" | "concatenated_string" => string_literal(node, src).is_some(),
        _ => false,
    }
}

#[derive(Default, Clone, Copy)]
pub(crate) struct Prefix {
    pub raw: bool,
    pub b: bool,
    pub f: bool,
}

pub(crate) fn prefix(string: Node<'_>, src: &str) -> Prefix {
    let start = string
        .child(0)
        .filter(|c| c.kind() == "string_start")
        .map(|c| text(c, src))
        .unwrap_or("");
    let mut p = Prefix::default();
    for c in start.chars() {
        match c {
            'r' | 'R' => p.raw = true,
            'b' | 'B' => p.b = true,
            'f' | 'F' | 't' | 'T' => p.f = true,
            _ => {}
        }
    }
    p
}

/// The decoded text between a (non-f) string's quotes.
fn string_body(string: Node<'_>, src: &str, raw: bool) -> String {
    let (Some(first), Some(last)) = (string.child(0), string.child(string.child_count() - 1))
    else {
        return String::new();
    };
    if first.kind() != "string_start" || last.kind() != "string_end" {
        // A string cut by a syntax error: take what is there.
        return unescape(
            src.get(first.end_byte()..string.end_byte()).unwrap_or(""),
            raw,
            false,
        );
    }
    unescape(
        src.get(first.end_byte()..last.start_byte()).unwrap_or(""),
        raw,
        false,
    )
}

/// Python escape processing of a literal body. `fstring` also folds `{{`/`}}`.
pub(crate) fn unescape(body: &str, raw: bool, fstring: bool) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if fstring && (c == '{' || c == '}') && chars.peek() == Some(&c) {
            chars.next();
            out.push(c);
            continue;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&n) = chars.peek() else {
            out.push('\\');
            break;
        };
        if raw {
            // Raw strings keep the backslash; it only protects the quote after it.
            out.push('\\');
            out.push(n);
            chars.next();
            continue;
        }
        chars.next();
        match n {
            '\n' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = n.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let len = match n {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..len).filter_map(|_| chars.next()).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('\\');
                        out.push(n);
                        out.push_str(&hex);
                    }
                }
            }
            'N' => {
                // Named characters need the Unicode name table; keep the escape as written.
                out.push_str("\\N");
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_like_python() {
        assert_eq!(
            unescape(r"a\nb\x41\101\u00e9\\", false, false),
            "a\nbAA\u{e9}\\"
        );
        assert_eq!(unescape(r"a\nb", true, false), r"a\nb");
        assert_eq!(unescape("{{x}}", false, true), "{x}");
        assert_eq!(unescape("a\\\nb", false, false), "ab");
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int("0o777"), Some(0o777));
        assert_eq!(parse_int("0x1_F"), Some(31));
        assert_eq!(parse_int("0777"), Some(777));
        assert_eq!(parse_int("10"), Some(10));
    }
}
