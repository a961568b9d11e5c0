//! Lock files: `Pipfile.lock`, `poetry.lock`, `uv.lock`, `pylock.toml`/`pylock.*.toml`. Each
//! entry becomes a [`Dependency`] with an exact [`DepSource::Locked`] version, a URL (VCS or
//! archive) or a local path (the project itself and workspace members: never audited).

use std::collections::BTreeMap;

use palisade_core::{Diagnostic, LineIndex};
use serde::Deserialize;
use toml::Spanned;

use super::project::{loc_of, toml_doc, Declared, Manifest};
use super::{DepSource, Dependency, Loc};

/// The lead of a lock file's TOML error.
const INVALID_LOCK: &str = "invalid lock file, packages not audited";

fn dep(
    name: &str,
    source: DepSource,
    marker: Option<String>,
    loc: Loc,
    snippet: String,
) -> Dependency {
    Dependency {
        name: Some(name.to_string()),
        source,
        marker,
        hashes: Vec::new(),
        editable: false,
        loc,
        snippet,
    }
}

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<PoetryPackage>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: Spanned<String>,
    version: Option<String>,
    #[serde(default)]
    source: Option<PoetrySource>,
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    resolved_reference: Option<String>,
    reference: Option<String>,
}

/// `poetry.lock`: `[[package]]` tables.
pub fn parse_poetry_lock(path: &str, text: &str) -> Manifest {
    let mut m = Manifest::default();
    let doc: PoetryLock = match toml_doc(path, text, INVALID_LOCK) {
        Ok(d) => d,
        Err(e) => {
            m.diagnostics.push(e);
            return m;
        }
    };
    let index = LineIndex::new(text);
    for p in doc.package {
        let (loc, snippet) = loc_of(&index, p.name.span());
        let name = p.name.get_ref();
        let source = match &p.source {
            Some(s) if matches!(s.kind.as_deref(), Some("directory" | "file")) => {
                DepSource::LocalPath(s.url.clone().unwrap_or_default())
            }
            Some(s) if s.kind.as_deref() == Some("git") => {
                let rev = s.resolved_reference.as_deref().or(s.reference.as_deref());
                let url = s.url.clone().unwrap_or_default();
                match (&p.version, rev) {
                    // A git checkout with a version: audit the version, it names the code.
                    (Some(v), _) => DepSource::Locked(v.clone()),
                    (None, Some(r)) => DepSource::Url(format!("git+{url}@{r}")),
                    (None, None) => DepSource::Url(format!("git+{url}")),
                }
            }
            _ => match &p.version {
                Some(v) => DepSource::Locked(v.clone()),
                None => {
                    m.diagnostics.push(
                        Diagnostic::warning(path, format!("package `{name}` has no version"))
                            .at_line(loc.line),
                    );
                    continue;
                }
            },
        };
        m.deps.push(Declared {
            section: "package".into(),
            dep: dep(name, source, None, loc, snippet),
        });
    }
    m
}

#[derive(Deserialize)]
struct UvLock {
    #[serde(default)]
    package: Vec<UvPackage>,
}

#[derive(Deserialize)]
struct UvPackage {
    name: Spanned<String>,
    version: Option<String>,
    #[serde(default)]
    source: BTreeMap<String, toml::Value>,
}

/// `uv.lock`: `[[package]]` tables; `virtual`, `editable`, `path` and `directory` sources
/// are the project and its workspace, not third-party code.
pub fn parse_uv_lock(path: &str, text: &str) -> Manifest {
    let mut m = Manifest::default();
    let doc: UvLock = match toml_doc(path, text, INVALID_LOCK) {
        Ok(d) => d,
        Err(e) => {
            m.diagnostics.push(e);
            return m;
        }
    };
    let index = LineIndex::new(text);
    for p in doc.package {
        let (loc, snippet) = loc_of(&index, p.name.span());
        let name = p.name.get_ref();
        let local = ["virtual", "editable", "path", "directory"]
            .iter()
            .find_map(|k| p.source.get(*k).and_then(|v| v.as_str()));
        let source = if let Some(l) = local {
            DepSource::LocalPath(l.to_string())
        } else if let Some(v) = &p.version {
            DepSource::Locked(v.clone())
        } else if let Some(git) = p.source.get("git").and_then(|v| v.as_str()) {
            // `https://host/o/r?rev=main#<sha>`: the fragment is the resolved commit.
            let (base, sha) = git.split_once('#').unwrap_or((git, ""));
            let base = base.split('?').next().unwrap_or(base);
            DepSource::Url(format!("git+{base}@{sha}"))
        } else if let Some(u) = p.source.get("url").and_then(|v| v.as_str()) {
            DepSource::Url(u.to_string())
        } else {
            m.diagnostics.push(
                Diagnostic::warning(path, format!("package `{name}` has no version"))
                    .at_line(loc.line),
            );
            continue;
        };
        m.deps.push(Declared {
            section: "package".into(),
            dep: dep(name, source, None, loc, snippet),
        });
    }
    m
}

#[derive(Deserialize)]
struct Pylock {
    #[serde(rename = "lock-version")]
    lock_version: Option<Spanned<String>>,
    #[serde(default)]
    packages: Vec<PylockPackage>,
}

#[derive(Deserialize)]
struct PylockPackage {
    name: Spanned<String>,
    version: Option<String>,
    marker: Option<String>,
    #[serde(default)]
    vcs: Option<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    directory: Option<toml::Value>,
    #[serde(default)]
    archive: Option<BTreeMap<String, toml::Value>>,
}

/// `pylock.toml` (PEP 751): `[[packages]]`; only lock-version 1.x is understood.
pub fn parse_pylock(path: &str, text: &str) -> Manifest {
    let mut m = Manifest::default();
    let doc: Pylock = match toml_doc(path, text, INVALID_LOCK) {
        Ok(d) => d,
        Err(e) => {
            m.diagnostics.push(e);
            return m;
        }
    };
    let index = LineIndex::new(text);
    match &doc.lock_version {
        Some(v) if v.get_ref().split('.').next() == Some("1") => {}
        Some(v) => {
            let (loc, _) = loc_of(&index, v.span());
            m.diagnostics.push(
                Diagnostic::error(
                    path,
                    format!(
                        "lock-version {} is not supported (expected 1.x); packages not audited",
                        v.get_ref()
                    ),
                )
                .at_line(loc.line),
            );
            return m;
        }
        None => {
            m.diagnostics.push(Diagnostic::error(
                path,
                "no `lock-version`: not a PEP 751 lock file; packages not audited",
            ));
            return m;
        }
    }
    for p in doc.packages {
        let (loc, snippet) = loc_of(&index, p.name.span());
        let name = p.name.get_ref();
        let source = if p.directory.is_some() {
            DepSource::LocalPath(String::new())
        } else if let Some(v) = &p.version {
            DepSource::Locked(v.clone())
        } else if let Some(vcs) = &p.vcs {
            let url = vcs.get("url").and_then(|v| v.as_str()).unwrap_or("");
            let commit = vcs.get("commit-id").and_then(|v| v.as_str()).unwrap_or("");
            DepSource::Url(format!("git+{url}@{commit}"))
        } else if let Some(a) = &p.archive {
            let url = a.get("url").and_then(|v| v.as_str()).unwrap_or("");
            DepSource::Url(url.to_string())
        } else {
            DepSource::LocalPath(String::new())
        };
        m.deps.push(Declared {
            section: "packages".into(),
            dep: dep(name, source, p.marker.clone(), loc, snippet),
        });
    }
    m
}

#[derive(Deserialize)]
struct PipfileLockEntry {
    version: Option<String>,
    git: Option<String>,
    #[serde(rename = "ref")]
    git_ref: Option<String>,
    path: Option<String>,
    file: Option<String>,
    markers: Option<String>,
}

/// `Pipfile.lock` (JSON): the `default` and `develop` sections (and any other category).
pub fn parse_pipfile_lock(path: &str, text: &str) -> Manifest {
    let mut m = Manifest::default();
    let doc: BTreeMap<String, serde_json::Value> = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            m.diagnostics.push(
                Diagnostic::error(path, format!("invalid JSON, packages not audited: {e}"))
                    .at_line(e.line() as u32),
            );
            return m;
        }
    };
    let keys = json_key_lines(text);
    for (category, section) in &doc {
        if category == "_meta" {
            continue;
        }
        let Some(section) = section.as_object() else {
            continue;
        };
        for (name, entry) in section {
            let (loc, snippet) = match keys.get(name.as_str()) {
                Some(&(n, line)) => (Loc::of_line(n, line), line.trim().to_string()),
                None => (Loc::of_line(1, ""), String::new()),
            };
            let entry: PipfileLockEntry = match serde_json::from_value(entry.clone()) {
                Ok(e) => e,
                Err(e) => {
                    m.diagnostics.push(
                        Diagnostic::error(path, format!("package `{name}`: {e}")).at_line(loc.line),
                    );
                    continue;
                }
            };
            let source = if let Some(v) = &entry.version {
                DepSource::Locked(v.trim_start_matches("==").to_string())
            } else if let Some(git) = &entry.git {
                let base = git.strip_prefix("git+").unwrap_or(git);
                DepSource::Url(match &entry.git_ref {
                    Some(r) => format!("git+{base}@{r}"),
                    None => format!("git+{base}"),
                })
            } else if let Some(p) = entry.path.as_ref().or(entry.file.as_ref()) {
                if p.contains("://") && !p.starts_with("file:") {
                    DepSource::Url(p.clone())
                } else {
                    DepSource::LocalPath(p.clone())
                }
            } else {
                continue;
            };
            m.deps.push(Declared {
                section: category.clone(),
                dep: dep(name, source, entry.markers.clone(), loc, snippet),
            });
        }
    }
    m
}

/// For each key that starts a line (`"name": {`), its first such line (1-based) and the
/// line: serde_json keeps no positions. One pass over the text, so a lock of many packages
/// costs no pass per package.
fn json_key_lines(text: &str) -> std::collections::HashMap<&str, (u32, &str)> {
    let mut keys = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let Some(rest) = t.strip_prefix('"') else {
            continue;
        };
        // A key without escapes (a package name has none), then a colon.
        let Some(end) = rest.find(['"', '\\']) else {
            continue;
        };
        if rest.as_bytes()[end] != b'"' || !rest[end + 1..].trim_start().starts_with(':') {
            continue;
        }
        keys.entry(&rest[..end]).or_insert((i as u32 + 1, line));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Pinning;

    fn summary(m: &Manifest) -> Vec<(String, u32, String)> {
        m.deps
            .iter()
            .map(|d| {
                let p = match d.dep.pinning() {
                    Pinning::Exact(v) => v.to_string(),
                    Pinning::Local => "local".into(),
                    Pinning::Vcs { at_commit, .. } => format!("vcs:{at_commit}"),
                    other => format!("{other:?}"),
                };
                (d.dep.name.clone().unwrap(), d.dep.loc.line, p)
            })
            .collect()
    }

    #[test]
    fn poetry_lock() {
        let m = parse_poetry_lock(
            "poetry.lock",
            "[[package]]\nname = \"requests\"\nversion = \"2.19.0\"\nfiles = []\n\n[[package]]\nname = \"mylib\"\nversion = \"0.1.0\"\n[package.source]\ntype = \"directory\"\nurl = \"libs/mylib\"\n\n[metadata]\nlock-version = \"2.0\"\n",
        );
        assert!(m.diagnostics.is_empty());
        assert_eq!(
            summary(&m),
            vec![
                ("requests".into(), 2, "2.19.0".into()),
                ("mylib".into(), 7, "local".into())
            ]
        );
    }

    #[test]
    fn uv_lock() {
        let sha = "a".repeat(40);
        let text = format!("version = 1\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = {{ editable = \".\" }}\n\n[[package]]\nname = \"django\"\nversion = \"3.2\"\nsource = {{ registry = \"https://pypi.org/simple\" }}\n\n[[package]]\nname = \"gitdep\"\nsource = {{ git = \"https://github.com/o/r?rev=main#{sha}\" }}\n");
        let m = parse_uv_lock("uv.lock", &text);
        assert!(m.diagnostics.is_empty());
        assert_eq!(
            summary(&m),
            vec![
                ("app".into(), 3, "local".into()),
                ("django".into(), 8, "3.2".into()),
                ("gitdep".into(), 13, "vcs:true".into())
            ]
        );
    }

    #[test]
    fn pylock() {
        let m = parse_pylock(
            "pylock.toml",
            "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"attrs\"\nversion = \"23.1.0\"\n[[packages.wheels]]\nurl = \"https://x/attrs.whl\"\nhashes = {sha256 = \"ab\"}\n[[packages]]\nname = \"proj\"\ndirectory = {path = \".\"}\n",
        );
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
        assert_eq!(
            summary(&m),
            vec![
                ("attrs".into(), 4, "23.1.0".into()),
                ("proj".into(), 10, "local".into())
            ]
        );
        let m = parse_pylock("pylock.toml", "lock-version = \"2.0\"\n");
        assert_eq!(m.diagnostics.len(), 1);
        assert_eq!(m.diagnostics[0].line, Some(1));
    }

    #[test]
    fn json_key_lines_are_found_in_one_pass_first_occurrence_wins() {
        let text = "{\n  \"default\": {\n    \"a\": {},\n    \"b\" : {}\n  },\n  \"develop\": {\n    \"a\": {},\n    \"x\\\"y\": {}\n  }\n}\n";
        let keys = json_key_lines(text);
        assert_eq!(keys.get("a").map(|k| k.0), Some(3));
        assert_eq!(keys.get("b").map(|k| k.0), Some(4));
        assert_eq!(keys.get("develop").map(|k| k.0), Some(6));
        assert!(!keys.keys().any(|k| k.contains('x')));
    }

    #[test]
    fn pipfile_lock() {
        let m = parse_pipfile_lock(
            "Pipfile.lock",
            "{\n  \"_meta\": {\"hash\": {}},\n  \"default\": {\n    \"requests\": {\n      \"hashes\": [\"sha256:00\"],\n      \"version\": \"==2.19.0\"\n    }\n  },\n  \"develop\": {\n    \"mylib\": {\"editable\": true, \"path\": \".\"}\n  }\n}\n",
        );
        assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
        assert_eq!(
            summary(&m),
            vec![
                ("requests".into(), 4, "2.19.0".into()),
                ("mylib".into(), 10, "local".into())
            ]
        );
        let m = parse_pipfile_lock("Pipfile.lock", "{\n  \"default\": [\n");
        assert_eq!(m.diagnostics.len(), 1);
    }
}
