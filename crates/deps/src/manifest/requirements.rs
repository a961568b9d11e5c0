//! pip requirements files (`requirements*.txt`, `constraints*.txt` and anything passed with
//! `-r`/`-c`), following pip's own pipeline: join `\` continuations, strip comments (a `#` at the
//! start of a line or after whitespace), expand `${VAR}`, split the requirement from its options,
//! then read the options with shell quoting.

use palisade_core::checker::ContentReader;
use palisade_core::Diagnostic;

use super::pep508::{self, VersionReq};
use super::{DepSource, Dependency, Loc};

/// A global option that changes where or how pip finds packages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GlobalOption {
    IndexUrl(String),
    ExtraIndexUrl(String),
    FindLinks(String),
    TrustedHost(String),
    NoIndex,
    RequireHashes,
    /// An option that needs no check (`--pre`, `--no-binary`, ...), kept by name.
    Other(String),
}

/// A global option and where it was written. `raw` is the value before `${VAR}` expansion,
/// so a credential taken from the environment is not mistaken for a hard-coded one.
#[derive(Debug, Clone)]
pub struct OptionLine {
    pub option: GlobalOption,
    pub raw: Option<String>,
    pub loc: Loc,
    pub snippet: String,
}

/// A `-r`/`-c` line.
#[derive(Debug, Clone)]
pub struct Include {
    pub target: String,
    pub constraint: bool,
    pub loc: Loc,
}

/// One parsed requirements file.
#[derive(Debug, Clone, Default)]
pub struct RequirementsFile {
    pub path: String,
    pub requirements: Vec<Dependency>,
    pub options: Vec<OptionLine>,
    pub includes: Vec<Include>,
    pub diagnostics: Vec<Diagnostic>,
}

impl RequirementsFile {
    /// Whether the file switches on pip's hash-checking mode.
    pub fn hash_mode(&self) -> bool {
        self.options
            .iter()
            .any(|o| o.option == GlobalOption::RequireHashes)
            || self.requirements.iter().any(|r| !r.hashes.is_empty())
    }
}

/// A logical line: continuations joined, comment removed.
struct Logical {
    line: u32,
    first_physical: String,
    text: String,
}

fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Joins `\`-continued lines the way pip does: a comment line never continues, and a
/// continuation that reaches the end of the file is kept.
fn join_lines(text: &str) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut pending: Option<Logical> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let continues = line.ends_with('\\') && !is_comment_line(line);
        let piece = if continues {
            line.trim_end_matches('\\')
        } else {
            line
        };
        // A comment line inside a continuation ends it, as its own line.
        let piece = if is_comment_line(line) { "" } else { piece };
        match pending.as_mut() {
            Some(p) => p.text.push_str(piece),
            None => {
                pending = Some(Logical {
                    line: n,
                    first_physical: line.to_string(),
                    text: piece.to_string(),
                })
            }
        }
        if !continues {
            out.extend(pending.take());
        }
    }
    out.extend(pending);
    out
}

/// Removes a comment: `#` at the start or after whitespace.
fn strip_comment(text: &str) -> &str {
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) {
            return text[..i].trim_end();
        }
    }
    text
}

/// Expands `${NAME}` (NAME in `[A-Z0-9_]`) from the environment; unset variables stay as written.
pub fn expand_env(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(end)
                if end > 0
                    && after[..end]
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') =>
            {
                match lookup(&after[..end]) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[i..i + 3 + end]),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits shell-style words (quotes and backslash escapes), as pip does for the options part.
pub(crate) fn shell_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unclosed single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("unclosed double quote".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unclosed double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    cur.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Opt {
    Requirement,
    Constraint,
    Editable,
    IndexUrl,
    ExtraIndexUrl,
    NoIndex,
    FindLinks,
    TrustedHost,
    RequireHashes,
    Hash,
    PerRequirement,
    UseFeature,
    OtherWithValue,
    OtherFlag,
}

/// pip's requirements-file options: (long name, short name, meaning).
const OPTIONS: &[(&str, Option<char>, Opt)] = &[
    ("requirement", Some('r'), Opt::Requirement),
    ("constraint", Some('c'), Opt::Constraint),
    ("editable", Some('e'), Opt::Editable),
    ("index-url", Some('i'), Opt::IndexUrl),
    ("extra-index-url", None, Opt::ExtraIndexUrl),
    ("no-index", None, Opt::NoIndex),
    ("find-links", Some('f'), Opt::FindLinks),
    ("trusted-host", None, Opt::TrustedHost),
    ("require-hashes", None, Opt::RequireHashes),
    ("hash", None, Opt::Hash),
    ("config-settings", Some('C'), Opt::PerRequirement),
    ("global-option", None, Opt::PerRequirement),
    ("install-option", None, Opt::PerRequirement),
    ("no-binary", None, Opt::OtherWithValue),
    ("only-binary", None, Opt::OtherWithValue),
    ("use-feature", None, Opt::UseFeature),
    // pip 26: release-type filters, like --no-binary/--only-binary (`:all:`, `:none:`, names).
    ("all-releases", None, Opt::OtherWithValue),
    ("only-final", None, Opt::OtherWithValue),
    ("prefer-binary", None, Opt::OtherFlag),
    ("pre", None, Opt::OtherFlag),
];

fn takes_value(o: Opt) -> bool {
    !matches!(o, Opt::NoIndex | Opt::RequireHashes | Opt::OtherFlag)
}

/// Reads option words into (option, name, value) triples.
/// An option read from a line: what it means, its long name, its value.
type OptionValue = (Opt, &'static str, Option<String>);

fn read_options(words: &[String]) -> Result<Vec<OptionValue>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        let (entry, attached) = if let Some(long) = w.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let entry = OPTIONS
                .iter()
                .find(|(l, _, _)| *l == name)
                .ok_or_else(|| format!("unknown option `--{name}`"))?;
            (entry, value)
        } else if let Some(short) = w.strip_prefix('-') {
            let mut cs = short.chars();
            let c = cs
                .next()
                .ok_or_else(|| "a lone `-` is not an option".to_string())?;
            let entry = OPTIONS
                .iter()
                .find(|(_, s, _)| *s == Some(c))
                .ok_or_else(|| format!("unknown option `-{c}`"))?;
            let rest = cs.as_str();
            let rest = rest.strip_prefix('=').unwrap_or(rest);
            (entry, (!rest.is_empty()).then(|| rest.to_string()))
        } else {
            return Err(format!(
                "unexpected `{w}` among the options (a requirement must come first on its line)"
            ));
        };
        let (long, _, opt) = *entry;
        let value = if takes_value(opt) {
            match attached {
                Some(v) => Some(v),
                None => {
                    let v = words
                        .get(i)
                        .cloned()
                        .ok_or_else(|| format!("option `--{long}` needs a value"))?;
                    i += 1;
                    Some(v)
                }
            }
        } else {
            if attached.is_some() {
                return Err(format!("option `--{long}` takes no value"));
            }
            None
        };
        out.push((opt, long, value));
    }
    Ok(out)
}

/// pip's split of a line into the requirement part and the options part: the first
/// space-separated token that starts with `-` begins the options.
fn split_args_options(line: &str) -> (&str, &str) {
    let mut offset = 0;
    for token in line.split(' ') {
        if token.starts_with('-') {
            return (line[..offset].trim(), &line[offset..]);
        }
        offset += token.len() + 1;
    }
    (line.trim(), "")
}

fn looks_like_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    ["http://", "https://", "file:", "ftp://"]
        .iter()
        .any(|p| lower.starts_with(p))
        || super::VCS_PREFIXES.iter().any(|p| lower.starts_with(p))
}

fn looks_like_path(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    s.starts_with('.')
        || s.starts_with('/')
        || s.contains(['/', '\\'])
        || [
            ".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar.xz", ".tar",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The project name of a URL or path requirement: `#egg=name`, or the wheel/sdist file name.
fn name_from_url(url: &str) -> Option<String> {
    if let Some((_, frag)) = url.split_once('#') {
        for kv in frag.split('&') {
            if let Some(egg) = kv.strip_prefix("egg=") {
                let name = egg.split(['[', '=', '<', '>']).next().unwrap_or(egg);
                if pep508::is_valid_name(name) {
                    return Some(name.to_string());
                }
            }
        }
    }
    let path = url.split(['#', '?']).next().unwrap_or(url);
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file
        .strip_suffix(".whl")
        .or_else(|| file.strip_suffix(".tar.gz"))
        .or_else(|| file.strip_suffix(".zip"))?;
    let name = stem.split('-').next()?;
    pep508::is_valid_name(name).then(|| name.to_string())
}

/// Hash algorithms pip accepts for `--hash`.
const HASH_ALGORITHMS: &[&str] = &["sha256", "sha384", "sha512"];

/// Why a `--hash` value is not one pip accepts, if it is not (pip checks the form
/// `algorithm:digest` and the algorithm when it reads the file; the digest when it downloads).
fn hash_problem(value: &str) -> Option<String> {
    let Some((algo, digest)) = value.split_once(':') else {
        return Some("names no algorithm".into());
    };
    if !HASH_ALGORITHMS.contains(&algo) {
        return Some(format!(
            "uses `{algo}`, which pip does not accept (sha256, sha384, sha512)"
        ));
    }
    if digest.is_empty() {
        return Some("has an empty digest".into());
    }
    None
}

/// The `#egg=` value of a URL or path requirement when it is not a bare project name (with
/// optional extras): `x==1`, `x>=2`.
fn bad_egg(target: &str) -> Option<&str> {
    let (_, frag) = target.split_once('#')?;
    let egg = frag.split('&').find_map(|kv| kv.strip_prefix("egg="))?;
    let egg = egg.split_whitespace().next().unwrap_or(egg);
    let name = egg.split('[').next().unwrap_or(egg);
    let extras_ok =
        egg[name.len()..].is_empty() || (egg[name.len()..].starts_with('[') && egg.ends_with(']'));
    (!pep508::is_valid_name(name) || !extras_ok).then_some(egg)
}

/// Turns the requirement part of a line into a dependency.
fn parse_requirement_text(
    args: &str,
) -> Result<(Option<String>, DepSource, Option<String>), String> {
    let (target, marker) = match args.find(" ;").or_else(|| args.find("\t;")) {
        Some(i)
            if looks_like_url(args) || looks_like_path(args.split(';').next().unwrap_or("")) =>
        {
            (args[..i].trim(), Some(args[i + 2..].trim().to_string()))
        }
        _ => (args, None),
    };
    if looks_like_url(target) {
        return Ok((
            name_from_url(target),
            DepSource::Url(target.to_string()),
            marker,
        ));
    }
    match pep508::parse(args) {
        Ok(r) => {
            let source = match r.version {
                VersionReq::Any => DepSource::Registry(None),
                VersionReq::Specifiers(set) => DepSource::Registry(Some(set)),
                VersionReq::Url(u) if looks_like_url(&u) => DepSource::Url(u),
                VersionReq::Url(u) => DepSource::LocalPath(u),
            };
            Ok((Some(r.name), source, r.marker))
        }
        Err(e) if looks_like_path(target) => {
            let _ = e;
            Ok((
                name_from_url(target),
                DepSource::LocalPath(target.to_string()),
                marker,
            ))
        }
        Err(e) => Err(e),
    }
}

/// Parses one requirements file. `env` looks up `${VAR}` values.
pub fn parse(path: &str, text: &str, env: &dyn Fn(&str) -> Option<String>) -> RequirementsFile {
    let mut file = RequirementsFile {
        path: path.to_string(),
        ..Default::default()
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for logical in join_lines(text) {
        let raw = strip_comment(&logical.text).trim();
        if raw.is_empty() {
            continue;
        }
        let loc = Loc::of_line(logical.line, &logical.first_physical);
        let snippet = logical.first_physical.trim().to_string();
        let expanded = expand_env(raw, env);
        let (args, opts) = split_args_options(&expanded);
        let (_, raw_opts) = split_args_options(raw);
        let err = |msg: String| Diagnostic::error(path, msg).at_line(logical.line);
        let words = match shell_words(opts) {
            Ok(w) => w,
            Err(e) => {
                file.diagnostics.push(err(e));
                continue;
            }
        };
        let options = match read_options(&words) {
            Ok(o) => o,
            Err(e) => {
                file.diagnostics.push(err(e));
                continue;
            }
        };
        // Values before expansion, in the same order, for credential checks.
        let raw_values: Vec<Option<String>> = shell_words(raw_opts)
            .ok()
            .and_then(|w| read_options(&w).ok())
            .map(|o| o.into_iter().map(|(_, _, v)| v).collect())
            .unwrap_or_default();

        let mut hashes = Vec::new();
        let mut editable_target = None;
        for (k, (opt, long, value)) in options.into_iter().enumerate() {
            let value_or_empty = value.clone().unwrap_or_default();
            let raw_value = raw_values.get(k).cloned().flatten();
            let global = |option: GlobalOption| OptionLine {
                option,
                raw: raw_value.clone(),
                loc,
                snippet: snippet.clone(),
            };
            match opt {
                Opt::Hash => match hash_problem(&value_or_empty) {
                    None => hashes.push(value_or_empty),
                    Some(why) => file.diagnostics.push(err(format!(
                        "`--hash={value_or_empty}` {why}: pip refuses it (write `--hash=sha256:<hex digest>`); the line is checked as if it had no hash"
                    ))),
                },
                Opt::UseFeature => {
                    file.diagnostics.push(
                        Diagnostic::warning(
                            path,
                            format!(
                                "`--use-feature={value_or_empty}` turns on an experimental pip behaviour for the whole install; palisade does not model it, so what pip resolves may differ from what was checked"
                            ),
                        )
                        .at_line(logical.line),
                    );
                    file.options
                        .push(global(GlobalOption::Other(long.to_string())));
                }
                Opt::PerRequirement => {}
                Opt::Requirement | Opt::Constraint => file.includes.push(Include {
                    target: value_or_empty,
                    constraint: opt == Opt::Constraint,
                    loc,
                }),
                Opt::Editable => editable_target = value,
                Opt::IndexUrl => file
                    .options
                    .push(global(GlobalOption::IndexUrl(value_or_empty))),
                Opt::ExtraIndexUrl => file
                    .options
                    .push(global(GlobalOption::ExtraIndexUrl(value_or_empty))),
                Opt::FindLinks => file
                    .options
                    .push(global(GlobalOption::FindLinks(value_or_empty))),
                Opt::TrustedHost => file
                    .options
                    .push(global(GlobalOption::TrustedHost(value_or_empty))),
                Opt::NoIndex => file.options.push(global(GlobalOption::NoIndex)),
                Opt::RequireHashes => file.options.push(global(GlobalOption::RequireHashes)),
                Opt::OtherWithValue | Opt::OtherFlag => file
                    .options
                    .push(global(GlobalOption::Other(long.to_string()))),
            }
        }

        let requirement = match (&editable_target, args.is_empty()) {
            (Some(t), true) => Some((t.clone(), true)),
            (Some(_), false) => {
                file.diagnostics.push(err(
                    "`-e` cannot follow a requirement on the same line".into()
                ));
                None
            }
            (None, false) => Some((args.to_string(), false)),
            (None, true) => {
                if !hashes.is_empty() {
                    file.diagnostics.push(
                        Diagnostic::warning(
                            path,
                            "`--hash` on a line without a requirement is ignored",
                        )
                        .at_line(logical.line),
                    );
                }
                None
            }
        };
        let Some((req_text, editable)) = requirement else {
            continue;
        };
        if let Some(egg) = bad_egg(&req_text) {
            file.diagnostics.push(
                Diagnostic::warning(
                    path,
                    format!(
                        "`#egg={egg}` is not a project name: pip takes no version or specifier from `#egg=` (and pip 25+ rejects such fragments), so this installs whatever the URL or path holds, not a pinned release"
                    ),
                )
                .at_line(logical.line),
            );
        }
        match parse_requirement_text(&req_text) {
            Ok((name, source, marker)) => file.requirements.push(Dependency {
                name,
                source,
                marker,
                hashes,
                editable,
                loc,
                snippet,
            }),
            Err(e) => file
                .diagnostics
                .push(err(format!("cannot parse requirement `{req_text}`: {e}"))),
        }
    }
    // A file named like a requirements file in which most lines are not requirements or pip
    // options is probably something else (Django ships `docs/ref/models/constraints.txt`,
    // prose). It still could not be checked, so it stays an error, but one that says so
    // once and how to exclude it, instead of one per line.
    let unparsed = file
        .diagnostics
        .iter()
        .filter(|d| d.level == palisade_core::DiagnosticLevel::Error)
        .count();
    let parsed = file.requirements.len() + file.options.len();
    if unparsed >= NOT_REQUIREMENTS_MIN_LINES && unparsed > 2 * parsed {
        file.diagnostics = vec![Diagnostic::error(
            path,
            format!(
                "not a requirements file: most of its lines are not requirements or pip options \
                 ({unparsed} could not be parsed, {parsed} could); if it is not one, add it to `exclude`"
            ),
        )];
        return file;
    }
    // A binary or badly broken file would otherwise give one diagnostic per line.
    if file.diagnostics.len() > MAX_DIAGNOSTICS {
        let more = file.diagnostics.len() - MAX_DIAGNOSTICS;
        file.diagnostics.truncate(MAX_DIAGNOSTICS);
        file.diagnostics.push(Diagnostic::error(
            path,
            format!("{more} more lines could not be parsed"),
        ));
    }
    file
}

/// Unparseable lines (at least this many, and more than twice the parsed ones) that make a
/// file "not a requirements file".
const NOT_REQUIREMENTS_MIN_LINES: usize = 3;

/// Diagnostics kept per file before the rest are summarised.
const MAX_DIAGNOSTICS: usize = 20;

/// How deep `-r`/`-c` includes may nest (a guard against pathological chains).
const MAX_INCLUDE_DEPTH: usize = 64;
/// How many files one requirements file may pull in through includes, and how many bytes
/// they may add up to: an include tree is bounded however it is shaped.
const MAX_INCLUDE_FILES: usize = 1000;
const MAX_INCLUDE_BYTES: usize = 64 << 20;

/// A requirements file and the files it includes, each parsed once.
#[derive(Debug, Default)]
pub struct RequirementsTree {
    /// The root first, then includes in the order they were found. The flag says whether the
    /// file was reached through `-c` (its requirements are constraints, not installs).
    pub files: Vec<(RequirementsFile, bool)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl RequirementsTree {
    /// Every requirement in the order pip reads them: an included file's lines come where
    /// its `-r`/`-c` line is. Returns (file index, requirement).
    pub fn ordered(&self) -> Vec<(usize, &Dependency)> {
        let mut out = Vec::new();
        let mut done = vec![false; self.files.len()];
        if !self.files.is_empty() {
            self.walk(0, &mut done, &mut out);
        }
        out
    }

    fn walk<'a>(&'a self, i: usize, done: &mut [bool], out: &mut Vec<(usize, &'a Dependency)>) {
        done[i] = true;
        let file = &self.files[i].0;
        let mut reqs = file.requirements.iter().peekable();
        for inc in &file.includes {
            while let Some(r) = reqs.next_if(|r| r.loc.line < inc.loc.line) {
                out.push((i, r));
            }
            let target = inc.target.strip_prefix("file://").unwrap_or(&inc.target);
            let Some(resolved) = resolve_include(&file.path, target) else {
                continue;
            };
            if let Some(j) = self.files.iter().position(|(f, _)| f.path == resolved) {
                if !done[j] {
                    self.walk(j, done, out);
                }
            }
        }
        out.extend(reqs.map(|r| (i, r)));
    }

    /// Whether the install this tree describes runs in hash-checking mode.
    pub fn hash_mode(&self) -> bool {
        self.files.iter().any(|(f, _)| f.hash_mode())
    }
}

/// Joins an include target to the folder of the including display path; `None` when the
/// result would leave the scan root.
pub fn resolve_include(including: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = including.split('/').collect();
        p.pop();
        p
    };
    for seg in target.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    if target.starts_with('/') || parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// Parses `root` and, through `reader`, every file it includes. Cycles and missing files
/// become diagnostics; each file is parsed once even when included twice.
pub fn load_tree(
    root_path: &str,
    root_text: &str,
    reader: &dyn ContentReader,
    env: &dyn Fn(&str) -> Option<String>,
) -> RequirementsTree {
    let mut tree = RequirementsTree::default();
    let mut walk = IncludeWalk {
        stack: Vec::new(),
        seen: std::collections::HashSet::new(),
        bytes: 0,
    };
    visit(
        root_path,
        root_text.to_string(),
        false,
        reader,
        env,
        &mut walk,
        &mut tree,
    );
    tree
}

/// The state of one include walk: the chain being followed, the files read, the bytes read.
struct IncludeWalk {
    stack: Vec<String>,
    seen: std::collections::HashSet<String>,
    bytes: usize,
}

fn visit(
    path: &str,
    text: String,
    constraint: bool,
    reader: &dyn ContentReader,
    env: &dyn Fn(&str) -> Option<String>,
    walk: &mut IncludeWalk,
    tree: &mut RequirementsTree,
) {
    let file = parse(path, &text, env);
    walk.seen.insert(path.to_string());
    walk.stack.push(path.to_string());
    let includes = file.includes.clone();
    tree.files.push((file, constraint));
    for inc in includes {
        let is_constraint = constraint || inc.constraint;
        if looks_like_url(&inc.target) && !inc.target.starts_with("file:") {
            tree.diagnostics.push(
                Diagnostic::error(
                    path,
                    format!(
                        "`{}` is a remote include: it cannot be read offline, so its requirements were not checked",
                        palisade_core::redact::url_credentials(&inc.target)
                    ),
                )
                .at_line(inc.loc.line),
            );
            continue;
        }
        let target = inc.target.strip_prefix("file://").unwrap_or(&inc.target);
        let Some(resolved) = resolve_include(path, target) else {
            tree.diagnostics.push(
                Diagnostic::error(
                    path,
                    format!(
                        "include `{}` points outside the scanned tree; it was not checked",
                        inc.target
                    ),
                )
                .at_line(inc.loc.line),
            );
            continue;
        };
        if let Some(pos) = walk.stack.iter().position(|p| *p == resolved) {
            let mut cycle: Vec<&str> = walk.stack[pos..].iter().map(String::as_str).collect();
            cycle.push(&resolved);
            tree.diagnostics.push(
                Diagnostic::warning(path, format!("include cycle: {}", cycle.join(" -> ")))
                    .at_line(inc.loc.line),
            );
            continue;
        }
        if walk.seen.contains(&resolved) {
            continue;
        }
        if walk.seen.len() > MAX_INCLUDE_FILES {
            tree.diagnostics.push(
                Diagnostic::error(
                    path,
                    format!("includes pull in more than {MAX_INCLUDE_FILES} files; `{resolved}` was not checked"),
                )
                .at_line(inc.loc.line),
            );
            continue;
        }
        if walk.stack.len() >= MAX_INCLUDE_DEPTH {
            tree.diagnostics.push(
                Diagnostic::error(
                    path,
                    format!("includes nest deeper than {MAX_INCLUDE_DEPTH} files; `{resolved}` was not checked"),
                )
                .at_line(inc.loc.line),
            );
            continue;
        }
        match reader.read(&resolved) {
            Ok(bytes) if walk.bytes + bytes.len() > MAX_INCLUDE_BYTES => {
                tree.diagnostics.push(
                    Diagnostic::error(
                        path,
                        format!(
                            "includes add up to more than {} MiB; `{resolved}` was not checked",
                            MAX_INCLUDE_BYTES >> 20
                        ),
                    )
                    .at_line(inc.loc.line),
                );
            }
            Ok(bytes) => {
                walk.bytes += bytes.len();
                let text = match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        tree.diagnostics.push(Diagnostic::warning(
                            &resolved,
                            "not valid UTF-8; invalid bytes were replaced",
                        ));
                        String::from_utf8_lossy(e.as_bytes()).into_owned()
                    }
                };
                visit(&resolved, text, is_constraint, reader, env, walk, tree);
            }
            Err(e) => tree.diagnostics.push(
                Diagnostic::error(path, format!("cannot read included file `{resolved}`: {e}"))
                    .at_line(inc.loc.line),
            ),
        }
    }
    walk.stack.pop();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn comments_and_continuations() {
        let f = parse(
            "r.txt",
            "# top\nfoo==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n  # via x\nbar @ https://h/bar.whl#sha256=cc # trailing\n",
            &no_env,
        );
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(f.requirements.len(), 2);
        assert_eq!(f.requirements[0].hashes, vec!["sha256:aa", "sha256:bb"]);
        assert_eq!(f.requirements[0].loc.line, 2);
        assert_eq!(
            f.requirements[1].source,
            DepSource::Url("https://h/bar.whl#sha256=cc".into())
        );
    }

    #[test]
    fn env_vars_expand_only_braced_upper_case() {
        let env = |k: &str| (k == "TOKEN").then(|| "t0k".to_string());
        assert_eq!(
            expand_env("a${TOKEN}b$TOKEN${token}${MISSING}", &env),
            "at0kb$TOKEN${token}${MISSING}"
        );
    }

    #[test]
    fn options_includes_and_editables() {
        let f = parse(
            "sub/r.txt",
            "-r base.txt\n--constraint=../c.txt\n-i https://u:p@h/simple\n--extra-index-url https://x/simple\n--trusted-host x\n-e git+https://g/o/r@v1#egg=pkg\n-e .\n--require-hashes\n--pre\n",
            &no_env,
        );
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(f.includes.len(), 2);
        assert!(f.includes[1].constraint);
        assert_eq!(f.requirements.len(), 2);
        assert!(f.requirements[0].editable);
        assert_eq!(f.requirements[0].name.as_deref(), Some("pkg"));
        assert_eq!(f.requirements[1].source, DepSource::LocalPath(".".into()));
        assert!(f.hash_mode());
        assert_eq!(
            resolve_include("sub/r.txt", "../c.txt").as_deref(),
            Some("c.txt")
        );
        assert_eq!(resolve_include("r.txt", "../c.txt"), None);
    }

    #[test]
    fn binary_input_gives_a_bounded_number_of_diagnostics() {
        // Mostly junk: one error for the file.
        let junk: String = (0..500).map(|i| format!("\u{fffd}\u{1}{i}==\n")).collect();
        let f = parse("requirements.txt", &junk, &no_env);
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        assert!(f.diagnostics[0].message.contains("500 could not be parsed"));
        // A real file with many bad lines: the first ones, then a count.
        let mut mixed: String = (0..30).map(|i| format!("pkg{i}==1.0\n")).collect();
        mixed.extend((0..50).map(|i| format!("\u{fffd}\u{1}{i}==\n")));
        let f = parse("requirements.txt", &mixed, &no_env);
        assert_eq!(f.diagnostics.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(
            f.diagnostics.last().unwrap().message,
            "30 more lines could not be parsed"
        );
    }

    #[test]
    fn bad_lines_are_diagnostics() {
        let f = parse(
            "r.txt",
            "--bogus\nfoo==\n-r\nok==1 --hash='x\nbar==1.0\nbaz==2.0\n",
            &no_env,
        );
        assert_eq!(f.diagnostics.len(), 4, "{:?}", f.diagnostics);
        assert_eq!(f.requirements.len(), 2);
    }

    #[test]
    fn prose_named_like_requirements_is_one_error() {
        let prose = "Database constraints\n====================\n\nThe :class:`Foo` option adds\nconstraints to a model.\n\nExamples\n";
        let f = parse("docs/constraints.txt", prose, &no_env);
        assert_eq!(f.diagnostics.len(), 1, "{:?}", f.diagnostics);
        assert_eq!(
            f.diagnostics[0].level,
            palisade_core::DiagnosticLevel::Error
        );
        assert!(f.diagnostics[0]
            .message
            .starts_with("not a requirements file"));
    }
}
