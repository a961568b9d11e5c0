//! Project manifests that declare dependencies, usually as ranges: `pyproject.toml` (PEP 621
//! `[project]`, PEP 735 `[dependency-groups]`, Poetry's tables), `setup.cfg` and `Pipfile`.

use std::collections::BTreeMap;

use palisade_core::{Diagnostic, LineIndex};
use serde::Deserialize;
use toml::Spanned;

use super::pep508::{self, VersionReq};
use super::requirements::{GlobalOption, OptionLine};
use super::{DepSource, Dependency, Loc, SpecSet};

/// A dependency and the table it was declared in (`project.dependencies`, `tool.poetry.group.dev`...).
#[derive(Debug, Clone)]
pub struct Declared {
    pub section: String,
    pub dep: Dependency,
}

/// What a manifest declares.
#[derive(Debug, Default)]
pub struct Manifest {
    pub deps: Vec<Declared>,
    /// Package indexes the manifest configures (`[[source]]`, `[[tool.uv.index]]`, ...), as
    /// index-url options so the index rules apply to them as to requirements files.
    pub indexes: Vec<OptionLine>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Location of a byte range of `text`.
pub(crate) fn loc_of(index: &LineIndex<'_>, span: std::ops::Range<usize>) -> (Loc, String) {
    let (line, col) = index.position(span.start);
    let (end_line, end_col) = index.position(span.end);
    let text = index.line_text(line);
    let end_col = if end_line == line {
        end_col
    } else {
        text.chars().count() as u32 + 1
    };
    (Loc { line, col, end_col }, text.trim().to_string())
}

/// A PEP 508 string as a dependency.
fn pep508_dep(s: &str, loc: Loc, snippet: String) -> Result<Dependency, String> {
    let r = pep508::parse(s)?;
    let source = match r.version {
        VersionReq::Any => DepSource::Registry(None),
        VersionReq::Specifiers(set) => DepSource::Registry(Some(set)),
        VersionReq::Url(u) if u.starts_with("file:") => DepSource::LocalPath(u),
        VersionReq::Url(u) => DepSource::Url(u),
    };
    Ok(Dependency {
        name: Some(r.name),
        source,
        marker: r.marker,
        hashes: Vec::new(),
        editable: false,
        loc,
        snippet,
    })
}

/// Parses TOML whose arrays and inline tables nest at most
/// [`palisade_core::nesting::MAX_TOML_DEPTH`] deep (checked first, in one linear pass). `lead`
/// begins the error, saying what was not checked.
pub(super) fn toml_doc<T: serde::de::DeserializeOwned>(
    path: &str,
    text: &str,
    lead: &str,
) -> Result<T, Diagnostic> {
    if let Err(deep) =
        palisade_core::nesting::check_toml_depth(text, palisade_core::nesting::MAX_TOML_DEPTH)
    {
        return Err(Diagnostic::error(path, format!("{lead}: {deep}")).at_line(deep.line));
    }
    toml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::error(path, format!("{lead}: {}", e.message().trim()));
        if let Some(span) = e.span() {
            d = d.at_line(LineIndex::new(text).line_of(span.start));
        }
        d
    })
}

/// The lead of a manifest's TOML error.
const UNREADABLE: &str =
    "cannot read this TOML file (syntax or an unexpected value type), dependencies not checked";

#[derive(Deserialize, Default)]
struct Pyproject {
    #[serde(default)]
    project: Option<Project>,
    #[serde(default, rename = "dependency-groups")]
    dependency_groups: Option<BTreeMap<String, Vec<Spanned<toml::Value>>>>,
    #[serde(default)]
    tool: Option<Tool>,
}

#[derive(Deserialize, Default)]
struct Project {
    #[serde(default)]
    dependencies: Option<Vec<Spanned<String>>>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: Option<BTreeMap<String, Vec<Spanned<String>>>>,
}

#[derive(Deserialize, Default)]
struct Tool {
    #[serde(default)]
    poetry: Option<Poetry>,
    #[serde(default)]
    uv: Option<Uv>,
}

#[derive(Deserialize, Default)]
struct Uv {
    #[serde(default)]
    index: Vec<UrlEntry>,
    #[serde(default, rename = "index-url")]
    index_url: Option<Spanned<String>>,
    #[serde(default, rename = "extra-index-url")]
    extra_index_url: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
struct UrlEntry {
    #[serde(default)]
    url: Option<Spanned<String>>,
}

fn index_option(index: &LineIndex<'_>, url: &Spanned<String>) -> OptionLine {
    let (loc, snippet) = loc_of(index, url.span());
    OptionLine {
        option: GlobalOption::IndexUrl(url.get_ref().clone()),
        raw: Some(url.get_ref().clone()),
        loc,
        snippet,
    }
}

#[derive(Deserialize, Default)]
struct Poetry {
    #[serde(default)]
    source: Vec<UrlEntry>,
    #[serde(default)]
    dependencies: Option<BTreeMap<String, Spanned<toml::Value>>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: Option<BTreeMap<String, Spanned<toml::Value>>>,
    #[serde(default)]
    group: Option<BTreeMap<String, PoetryGroup>>,
}

#[derive(Deserialize, Default)]
struct PoetryGroup {
    #[serde(default)]
    dependencies: Option<BTreeMap<String, Spanned<toml::Value>>>,
}

/// Parses `pyproject.toml`.
pub fn parse_pyproject(path: &str, text: &str) -> Manifest {
    let mut m = Manifest::default();
    let doc: Pyproject = match toml_doc(path, text, UNREADABLE) {
        Ok(d) => d,
        Err(d) => {
            m.diagnostics.push(d);
            return m;
        }
    };
    let index = LineIndex::new(text);
    let add_pep508 = |m: &mut Manifest, section: String, s: &Spanned<String>| {
        let (loc, snippet) = loc_of(&index, s.span());
        match pep508_dep(s.get_ref(), loc, snippet) {
            Ok(dep) => m.deps.push(Declared { section, dep }),
            Err(e) => m.diagnostics.push(
                Diagnostic::error(
                    path,
                    format!("cannot parse dependency `{}`: {e}", s.get_ref()),
                )
                .at_line(loc.line),
            ),
        }
    };
    if let Some(p) = &doc.project {
        for d in p.dependencies.iter().flatten() {
            add_pep508(&mut m, "project.dependencies".into(), d);
        }
        for (extra, list) in p.optional_dependencies.iter().flatten() {
            for d in list {
                add_pep508(&mut m, format!("project.optional-dependencies.{extra}"), d);
            }
        }
    }
    if let Some(groups) = &doc.dependency_groups {
        // group -> (included group, line), names normalised, for the cycle check below.
        let mut edges: BTreeMap<String, Vec<(String, u32)>> = BTreeMap::new();
        for (group, items) in groups {
            for item in items {
                match item.get_ref() {
                    toml::Value::String(s) => {
                        let spanned = Spanned::new(item.span(), s.clone());
                        add_pep508(&mut m, format!("dependency-groups.{group}"), &spanned);
                    }
                    toml::Value::Table(t) if t.contains_key("include-group") => {
                        let target = t.get("include-group").and_then(|v| v.as_str());
                        if let Some(g) = target {
                            let (loc, _) = loc_of(&index, item.span());
                            edges
                                .entry(pep508::normalize_name(group))
                                .or_default()
                                .push((pep508::normalize_name(g), loc.line));
                        }
                        let known = target.is_some_and(|g| {
                            groups
                                .keys()
                                .any(|k| pep508::normalize_name(k) == pep508::normalize_name(g))
                        });
                        if !known {
                            let (loc, _) = loc_of(&index, item.span());
                            m.diagnostics.push(
                                Diagnostic::warning(
                                    path,
                                    format!(
                                        "dependency group `{group}` includes unknown group `{}`",
                                        target.unwrap_or("?")
                                    ),
                                )
                                .at_line(loc.line),
                            );
                        }
                    }
                    _ => {
                        let (loc, _) = loc_of(&index, item.span());
                        m.diagnostics.push(
                            Diagnostic::error(
                                path,
                                format!("dependency group `{group}`: expected a PEP 508 string or an include-group table"),
                            )
                            .at_line(loc.line),
                        );
                    }
                }
            }
        }
        if let Some((cycle, line)) = find_cycle(&edges) {
            m.diagnostics.push(
                Diagnostic::error(
                    path,
                    format!("dependency-groups include cycle: {}", cycle.join(" -> ")),
                )
                .at_line(line),
            );
        }
    }
    if let Some(uv) = doc.tool.as_ref().and_then(|t| t.uv.as_ref()) {
        let urls = uv
            .index
            .iter()
            .filter_map(|e| e.url.as_ref())
            .chain(uv.index_url.as_ref())
            .chain(uv.extra_index_url.iter());
        m.indexes.extend(urls.map(|u| index_option(&index, u)));
    }
    if let Some(poetry) = doc.tool.as_ref().and_then(|t| t.poetry.as_ref()) {
        m.indexes.extend(
            poetry
                .source
                .iter()
                .filter_map(|e| e.url.as_ref())
                .map(|u| index_option(&index, u)),
        );
        let mut tables: Vec<(String, &BTreeMap<String, Spanned<toml::Value>>)> = Vec::new();
        if let Some(d) = &poetry.dependencies {
            tables.push(("tool.poetry.dependencies".into(), d));
        }
        if let Some(d) = &poetry.dev_dependencies {
            tables.push(("tool.poetry.dev-dependencies".into(), d));
        }
        for (g, group) in poetry.group.iter().flatten() {
            if let Some(d) = &group.dependencies {
                tables.push((format!("tool.poetry.group.{g}.dependencies"), d));
            }
        }
        for (section, table) in tables {
            for (name, value) in table {
                if name.eq_ignore_ascii_case("python") {
                    continue; // the interpreter, not a package
                }
                let (loc, snippet) = loc_of(&index, value.span());
                for dep in poetry_deps(name, value.get_ref(), loc, &snippet) {
                    m.deps.push(Declared {
                        section: section.clone(),
                        dep,
                    });
                }
            }
        }
    }
    m
}

/// The first include cycle among dependency groups, and the line of the include closing it.
fn find_cycle(edges: &BTreeMap<String, Vec<(String, u32)>>) -> Option<(Vec<String>, u32)> {
    fn dfs(
        node: &str,
        edges: &BTreeMap<String, Vec<(String, u32)>>,
        stack: &mut Vec<String>,
        done: &mut std::collections::HashSet<String>,
    ) -> Option<(Vec<String>, u32)> {
        stack.push(node.to_string());
        for (next, line) in edges.get(node).into_iter().flatten() {
            if let Some(pos) = stack.iter().position(|s| s == next) {
                let mut cycle = stack[pos..].to_vec();
                cycle.push(next.clone());
                return Some((cycle, *line));
            }
            if !done.contains(next) {
                if let Some(found) = dfs(next, edges, stack, done) {
                    return Some(found);
                }
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = std::collections::HashSet::new();
    for start in edges.keys() {
        if !done.contains(start) {
            if let Some(found) = dfs(start, edges, &mut Vec::new(), &mut done) {
                return Some(found);
            }
        }
    }
    None
}

/// A Poetry version constraint as a source: a bare version is exact (`1.2.3` means `==1.2.3`);
/// `^`, `~`, `*`, `||` and comparisons are ranges.
fn poetry_constraint(s: &str) -> DepSource {
    let t = s.trim();
    if t.is_empty() || t == "*" {
        return DepSource::Registry(None);
    }
    if t.starts_with(|c: char| c.is_ascii_digit()) && !t.contains(['*', ',', '|', ' ']) {
        if let Ok(set) = SpecSet::parse(&format!("=={t}")) {
            return DepSource::Registry(Some(set));
        }
    }
    if t.starts_with(['<', '>', '=', '!']) || t.starts_with("~=") {
        if let Ok(set) = SpecSet::parse(t) {
            return DepSource::Registry(Some(set));
        }
    }
    DepSource::Constraint(t.to_string())
}

fn poetry_deps(name: &str, value: &toml::Value, loc: Loc, snippet: &str) -> Vec<Dependency> {
    let make = |source: DepSource, marker: Option<String>| Dependency {
        name: Some(name.to_string()),
        source,
        marker,
        hashes: Vec::new(),
        editable: false,
        loc,
        snippet: snippet.to_string(),
    };
    match value {
        toml::Value::String(s) => vec![make(poetry_constraint(s), None)],
        toml::Value::Table(t) => {
            let marker = t.get("markers").and_then(|v| v.as_str()).map(String::from);
            let get = |k: &str| t.get(k).and_then(|v| v.as_str());
            let source = if let Some(git) = get("git") {
                DepSource::Url(git_url(git, get("rev").or(get("tag")).or(get("branch"))))
            } else if let Some(p) = get("path") {
                DepSource::LocalPath(p.to_string())
            } else if let Some(u) = get("url") {
                DepSource::Url(u.to_string())
            } else {
                poetry_constraint(get("version").unwrap_or("*"))
            };
            vec![make(source, marker)]
        }
        toml::Value::Array(items) => items
            .iter()
            .flat_map(|i| poetry_deps(name, i, loc, snippet))
            .collect(),
        _ => Vec::new(),
    }
}

/// A pip-style VCS URL from a git location and an optional revision. scp-like locations
/// (`git@host:o/r.git`) become `ssh://` URLs; a bare path is a local repository.
fn git_url(git: &str, rev: Option<&str>) -> String {
    let git = git.strip_prefix("git+").unwrap_or(git);
    let base = if git.contains("://") {
        git.to_string()
    } else if let Some((host, path)) = git.split_once(':').filter(|(h, _)| h.contains('@')) {
        format!("ssh://{host}/{path}")
    } else {
        format!("file://{git}")
    };
    match rev {
        Some(r) => format!("git+{base}@{r}"),
        None => format!("git+{base}"),
    }
}

/// Parses a `Pipfile` (TOML): every table except `source`, `requires`, `scripts` and
/// `pipenv` is a package category.
pub fn parse_pipfile(path: &str, text: &str) -> Manifest {
    let mut m = Manifest::default();
    let doc: BTreeMap<String, toml::Value> = match toml_doc(path, text, UNREADABLE) {
        Ok(d) => d,
        Err(d) => {
            m.diagnostics.push(d);
            return m;
        }
    };
    let index = LineIndex::new(text);
    for source in doc
        .get("source")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        if let Some(url) = source.get("url").and_then(|v| v.as_str()) {
            // Plain tables carry no spans: the line is the one holding this URL.
            let (n, line) = text
                .lines()
                .enumerate()
                .find(|(_, l)| l.contains(url))
                .map(|(i, l)| (i as u32 + 1, l))
                .unwrap_or((1, ""));
            m.indexes.push(OptionLine {
                option: GlobalOption::IndexUrl(url.to_string()),
                raw: Some(url.to_string()),
                loc: Loc::of_line(n, line),
                snippet: line.trim().to_string(),
            });
        }
    }
    for (category, table) in &doc {
        if matches!(
            category.as_str(),
            "source" | "requires" | "scripts" | "pipenv"
        ) {
            continue;
        }
        let Some(table) = table.as_table() else {
            continue;
        };
        for (name, value) in table {
            let (loc, snippet) = find_key_line(&index, text, category, name);
            let source = match value {
                toml::Value::String(s) => pipfile_constraint(s),
                toml::Value::Table(t) => {
                    let get = |k: &str| t.get(k).and_then(|v| v.as_str());
                    if let Some(git) = get("git") {
                        DepSource::Url(git_url(git, get("ref")))
                    } else if let Some(p) = get("path").or(get("file")) {
                        if p.contains("://") && !p.starts_with("file:") {
                            DepSource::Url(p.to_string())
                        } else {
                            DepSource::LocalPath(p.to_string())
                        }
                    } else {
                        pipfile_constraint(get("version").unwrap_or("*"))
                    }
                }
                _ => continue,
            };
            m.deps.push(Declared {
                section: category.clone(),
                dep: Dependency {
                    name: Some(name.clone()),
                    source,
                    marker: None,
                    hashes: Vec::new(),
                    editable: false,
                    loc,
                    snippet,
                },
            });
        }
    }
    m
}

fn pipfile_constraint(s: &str) -> DepSource {
    let t = s.trim();
    if t.is_empty() || t == "*" {
        return DepSource::Registry(None);
    }
    match SpecSet::parse(t) {
        Ok(set) => DepSource::Registry(Some(set)),
        Err(_) => DepSource::Constraint(t.to_string()),
    }
}

/// The line of `name = ...` inside `[category]` (serde's plain tables carry no spans).
fn find_key_line(index: &LineIndex<'_>, text: &str, category: &str, name: &str) -> (Loc, String) {
    let mut in_section = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_section = t.trim_start_matches('[').trim_end_matches(']').trim() == category;
            continue;
        }
        if in_section {
            let key = t
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            if key == name {
                let n = i as u32 + 1;
                return (Loc::of_line(n, line), t.to_string());
            }
        }
    }
    let _ = index;
    (Loc::of_line(1, ""), String::new())
}

/// Parses `setup.cfg`: `[options] install_requires`, `setup_requires`, `tests_require`, and
/// every key of `[options.extras_require]`. Values continue on indented lines.
pub fn parse_setup_cfg(path: &str, text: &str) -> Manifest {
    let mut m = Manifest::default();
    let mut section = String::new();
    let mut key: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if !indented {
            key = None;
            if trimmed.starts_with('[') && trimmed.ends_with(']') {
                section = trimmed[1..trimmed.len() - 1].trim().to_string();
                continue;
            }
            let Some((k, v)) = trimmed.split_once(['=', ':']) else {
                continue;
            };
            let k = k.trim().to_ascii_lowercase();
            let wanted = (section == "options"
                && matches!(
                    k.as_str(),
                    "install_requires" | "setup_requires" | "tests_require"
                ))
                || section == "options.extras_require";
            if !wanted {
                continue;
            }
            let label = format!("{section}.{k}");
            key = Some(label.clone());
            let v = v.trim();
            if !v.is_empty() {
                setup_cfg_value(path, &label, v, n, line, &mut m);
            }
        } else if let Some(label) = &key {
            setup_cfg_value(path, label, trimmed, n, line, &mut m);
        }
    }
    m
}

fn setup_cfg_value(path: &str, label: &str, value: &str, n: u32, line: &str, m: &mut Manifest) {
    let value = value.split(" #").next().unwrap_or(value).trim();
    // `file:` and `attr:` directives point elsewhere.
    if value.is_empty() || value.starts_with("file:") || value.starts_with("attr:") {
        return;
    }
    // One requirement per line; a `;` starts its environment marker.
    match pep508_dep(value, Loc::of_line(n, line), line.trim().to_string()) {
        Ok(dep) => m.deps.push(Declared {
            section: label.to_string(),
            dep,
        }),
        Err(e) => m.diagnostics.push(
            Diagnostic::error(path, format!("cannot parse requirement `{value}`: {e}")).at_line(n),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Pinning;

    fn pins(m: &Manifest) -> Vec<(String, String, bool)> {
        m.deps
            .iter()
            .map(|d| {
                (
                    d.section.clone(),
                    d.dep.name.clone().unwrap_or_default(),
                    matches!(d.dep.pinning(), Pinning::Exact(_)),
                )
            })
            .collect()
    }

    #[test]
    fn pyproject_tables() {
        let m = parse_pyproject(
            "pyproject.toml",
            r#"
[project]
name = "x"
dependencies = ["requests>=2", "attrs==23.1.0"]
[project.optional-dependencies]
fast = ["orjson"]
[dependency-groups]
dev = ["pytest==8.3.3", {include-group = "lint"}]
lint = ["ruff"]
[tool.poetry.dependencies]
python = "^3.10"
flask = "2.3.2"
django = "^4.2"
mylib = {git = "https://github.com/o/mylib", branch = "main"}
[tool.poetry.group.dev.dependencies]
black = {version = "==24.1.0"}
"#,
        );
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
        let p = pins(&m);
        assert!(p.contains(&("project.dependencies".into(), "requests".into(), false)));
        assert!(p.contains(&("project.dependencies".into(), "attrs".into(), true)));
        assert!(p.contains(&("dependency-groups.dev".into(), "pytest".into(), true)));
        assert!(p.contains(&("tool.poetry.dependencies".into(), "flask".into(), true)));
        assert!(p.contains(&("tool.poetry.dependencies".into(), "django".into(), false)));
        assert!(p.contains(&(
            "tool.poetry.group.dev.dependencies".into(),
            "black".into(),
            true
        )));
        let mylib = m
            .deps
            .iter()
            .find(|d| d.dep.name.as_deref() == Some("mylib"))
            .unwrap();
        assert!(matches!(
            mylib.dep.pinning(),
            Pinning::Vcs {
                at_commit: false,
                ..
            }
        ));
        let attrs = m
            .deps
            .iter()
            .find(|d| d.dep.name.as_deref() == Some("attrs"))
            .unwrap();
        assert_eq!(attrs.dep.loc.line, 4);
        assert_eq!(p.len(), 9);
    }

    #[test]
    fn dependency_group_cycles_are_errors() {
        let m = parse_pyproject(
            "pyproject.toml",
            "[dependency-groups]\na = [{include-group = \"b\"}]\nb = [\"x==1\", {include-group = \"A\"}]\n",
        );
        assert_eq!(m.diagnostics.len(), 1, "{:?}", m.diagnostics);
        assert_eq!(m.diagnostics[0].line, Some(3));
        assert!(
            m.diagnostics[0].message.ends_with("a -> b -> a"),
            "{}",
            m.diagnostics[0].message
        );
    }

    #[test]
    fn bad_toml_is_an_error_with_a_line() {
        let m = parse_pyproject("pyproject.toml", "[project]\ndependencies = [\"a\",\n= 3\n");
        assert_eq!(m.diagnostics.len(), 1);
        assert!(m.diagnostics[0].line.is_some());
        let m = parse_pyproject("pyproject.toml", "[project]\ndependencies = [\"==1\"]\n");
        assert_eq!(m.diagnostics.len(), 1);
        assert_eq!(m.diagnostics[0].line, Some(2));
    }

    #[test]
    fn pipfile_and_setup_cfg() {
        let m = parse_pipfile(
            "Pipfile",
            "[[source]]\nurl = \"https://pypi.org/simple\"\n[packages]\nrequests = \"*\"\nflask = \"==2.3.2\"\nmylib = {git = \"https://github.com/o/m.git\", ref = \"v1\"}\n[dev-packages]\npytest = {version = \">=8\"}\n[requires]\npython_version = \"3.12\"\n",
        );
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
        let p = pins(&m);
        assert_eq!(p.len(), 4);
        assert!(p.contains(&("packages".into(), "flask".into(), true)));
        let flask = m
            .deps
            .iter()
            .find(|d| d.dep.name.as_deref() == Some("flask"))
            .unwrap();
        assert_eq!(flask.dep.loc.line, 5);

        let m = parse_setup_cfg(
            "setup.cfg",
            "[metadata]\nname = x\n[options]\ninstall_requires =\n    requests>=2\n    attrs==23.1.0 ; python_version>'3.8'\npackages = find:\n[options.extras_require]\ntest =\n    pytest\n",
        );
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
        let p = pins(&m);
        assert_eq!(
            p,
            vec![
                ("options.install_requires".into(), "requests".into(), false),
                ("options.install_requires".into(), "attrs".into(), true),
                ("options.extras_require.test".into(), "pytest".into(), false),
            ]
        );
        assert_eq!(m.deps[1].dep.loc.line, 6);
    }
}

/// The TOML of a PEP 723 `# /// script` block, with every other line blanked and each content
/// line's `# ` prefix replaced by spaces, so TOML positions are the file's lines and columns.
/// `None` when the file has no script block; an error when the block is never closed or
/// appears twice.
pub fn script_block(text: &str) -> Option<Result<String, (u32, String)>> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let start = lines.iter().position(|l| *l == "# /// script")?;
    // The block runs over the comment lines that follow and ends at the last `# ///` among
    // them (PEP 723's reference regex).
    let mut last_close = None;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if *line != "#" && !line.starts_with("# ") {
            break;
        }
        if *line == "# ///" {
            last_close = Some(i);
        }
    }
    if let Some(end) = last_close {
        if let Some(again) = lines[end + 1..].iter().position(|l| *l == "# /// script") {
            return Some(Err((
                (end + 2 + again) as u32,
                "a second `# /// script` block: PEP 723 allows one".into(),
            )));
        }
    }
    let mut out = String::with_capacity(text.len());
    let Some(end) = last_close else {
        return Some(Err((
            start as u32 + 1,
            "the `# /// script` block is never closed by `# ///`".into(),
        )));
    };
    for (i, line) in lines.iter().enumerate() {
        if i > start && i < end {
            out.push_str("  ");
            out.push_str(line.get(2..).unwrap_or(""));
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    Some(Ok(out))
}

#[derive(Deserialize, Default)]
struct Script {
    #[serde(default)]
    dependencies: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    tool: Option<Tool>,
}

/// PEP 723 inline script metadata (`# /// script` in a `.py` file): its `dependencies`, and
/// uv's index settings in `[tool.uv]`.
pub fn parse_script(path: &str, text: &str) -> Manifest {
    let mut m = Manifest::default();
    let toml_text = match script_block(text) {
        None => return m,
        Some(Err((line, msg))) => {
            m.diagnostics.push(
                Diagnostic::error(path, format!("{msg}; its dependencies were not checked"))
                    .at_line(line),
            );
            return m;
        }
        Some(Ok(t)) => t,
    };
    let doc: Script = match toml_doc(path, &toml_text, UNREADABLE) {
        Ok(d) => d,
        Err(d) => {
            m.diagnostics.push(d);
            return m;
        }
    };
    let index = LineIndex::new(&toml_text);
    for s in doc.dependencies.iter().flatten() {
        let (loc, snippet) = loc_of(&index, s.span());
        match pep508_dep(s.get_ref(), loc, snippet) {
            Ok(dep) => m.deps.push(Declared {
                section: "script".into(),
                dep,
            }),
            Err(e) => m.diagnostics.push(
                Diagnostic::error(
                    path,
                    format!("cannot parse dependency `{}`: {e}", s.get_ref()),
                )
                .at_line(loc.line),
            ),
        }
    }
    if let Some(uv) = doc.tool.and_then(|t| t.uv) {
        for e in &uv.index {
            if let Some(url) = &e.url {
                m.indexes.push(index_option(&index, url));
            }
        }
        if let Some(url) = &uv.index_url {
            m.indexes.push(index_option(&index, url));
        }
        for url in &uv.extra_index_url {
            m.indexes.push(index_option(&index, url));
        }
    }
    m
}

#[cfg(test)]
mod script_tests {
    use super::*;

    #[test]
    fn pep723_blocks_keep_lines_and_columns() {
        let text = "#!/usr/bin/env python\n# /// script\n# requires-python = \">=3.11\"\n# dependencies = [\n#   \"requests==2.19.0\",\n#   \"rich\",\n# ]\n# ///\nimport requests\n";
        let m = parse_script("s.py", text);
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
        let deps: Vec<(Option<String>, u32, u32)> = m
            .deps
            .iter()
            .map(|d| (d.dep.name.clone(), d.dep.loc.line, d.dep.loc.col))
            .collect();
        assert_eq!(
            deps,
            vec![(Some("requests".into()), 5, 5), (Some("rich".into()), 6, 5)]
        );
        assert!(parse_script("s.py", "import os\n").deps.is_empty());
        let open = parse_script("s.py", "# /// script\n# dependencies = []\nx = 1\n");
        assert!(open.diagnostics[0].message.contains("never closed"));
        let twice = parse_script(
            "s.py",
            "# /// script\n# dependencies = []\n# ///\n\n# /// script\n# ///\n",
        );
        assert!(twice.diagnostics[0].message.contains("second"));
        let bad = parse_script(
            "s.py",
            "# /// script\n# dependencies = [\"requests ==\"]\n# ///\n",
        );
        assert_eq!(bad.diagnostics[0].line, Some(2));
    }
}
