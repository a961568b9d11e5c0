//! `palisade fix`: raises each vulnerable exact pin in requirements files and `pyproject.toml`
//! to the smallest version that fixes all of its advisories, editing only the version text of
//! that line (comments, markers, extras and formatting stay byte for byte). Hash-pinned lines
//! and lock files cannot be fixed offline (the new hashes and the resolution need the index):
//! for them the exact command to run is given instead, never a wrong edit.

use std::collections::BTreeSet;

use pep440_rs::Version;

use crate::advisory::AdvisoryDb;
use crate::files::ManifestKind;
use crate::manifest::{self, Dependency, Pinning};

/// One raised pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinChange {
    pub line: u32,
    pub package: String,
    pub from: String,
    pub to: String,
    /// The advisories the new version no longer has.
    pub advisories: Vec<String>,
    pub before: String,
    pub after: String,
}

/// What fixing one file means.
#[derive(Debug, Clone, Default)]
pub struct FileFix {
    pub path: String,
    /// The new text (`None` when nothing is edited).
    pub new_text: Option<String>,
    pub changes: Vec<PinChange>,
    /// Commands to run for what cannot be edited here (lock files, hash-pinned lines).
    pub commands: Vec<String>,
    /// Vulnerable pins with no fixed version (or none that fixes every advisory).
    pub unfixable: Vec<String>,
}

/// The smallest version above `current` whose audit is clean. Candidates are the fixed
/// versions the advisories name, tried in ascending order; a candidate that is itself
/// affected (a fix of one advisory inside another's range) adds the fixes of its own
/// advisories, which all lie above it, so the search only moves up and ends.
pub fn smallest_fix(
    db: &AdvisoryDb,
    name: &str,
    current: &Version,
) -> Result<Option<Version>, String> {
    let vulns = db.query(name, current).map_err(|e| e.to_string())?;
    if vulns.is_empty() {
        return Ok(None);
    }
    let mut candidates: BTreeSet<Version> =
        vulns.iter().flat_map(|v| v.fixed.iter().cloned()).collect();
    while let Some(c) = candidates.pop_first() {
        let still = db.query(name, &c).map_err(|e| e.to_string())?;
        if still.is_empty() {
            return Ok(Some(c));
        }
        candidates.extend(still.into_iter().flat_map(|v| v.fixed));
    }
    Ok(None)
}

/// The command that upgrades `name` in a lock file of `kind`.
fn lock_command(kind: ManifestKind, path: &str, name: &str, to: Option<&Version>) -> String {
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or(".");
    let cd = if dir == "." {
        String::new()
    } else {
        format!("cd {dir} && ")
    };
    match (kind, to) {
        (ManifestKind::UvLock, _) => format!("{cd}uv lock --upgrade-package {name}"),
        (ManifestKind::PoetryLock, _) => format!("{cd}poetry update {name}"),
        (ManifestKind::PipfileLock, _) => format!("{cd}pipenv upgrade {name}"),
        (_, Some(v)) => {
            format!("{cd}uv lock --upgrade-package {name}=={v}  # then re-export {path}")
        }
        _ => format!("{cd}uv lock --upgrade-package {name}  # then re-export {path}"),
    }
}

/// The byte range of the version after the one `==` of `text[from..to]` (the requirement part
/// of a line), when there is exactly one `==` that is not `===`.
fn pinned_version_range(line: &str, from: usize, to: usize) -> Option<std::ops::Range<usize>> {
    let part = line.get(from..to)?;
    // The requirement ends at a marker, a comment or an option.
    let end = [" ;", ";", " #", " --", "\t"]
        .iter()
        .filter_map(|s| part.find(s))
        .min()
        .unwrap_or(part.len());
    let req = &part[..end];
    let hits: Vec<usize> = req.match_indices("==").map(|(i, _)| i).collect();
    if hits.len() != 1 || req[hits[0]..].starts_with("===") {
        return None;
    }
    let mut start = hits[0] + 2;
    while req[start..].starts_with(' ') {
        start += 1;
    }
    let len = req[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '\'' | ')' | ']' | '\\'))
        .unwrap_or(req.len() - start);
    (len > 0).then(|| from + start..from + start + len)
}

/// Plans the fixes of one file. `text` is its content.
pub fn fix_file(
    db: &AdvisoryDb,
    kind: ManifestKind,
    path: &str,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> FileFix {
    let mut fix = FileFix {
        path: path.to_string(),
        ..Default::default()
    };
    let deps: Vec<Dependency> = match kind {
        ManifestKind::Requirements => manifest::requirements::parse(path, text, env).requirements,
        ManifestKind::Pyproject => manifest::project::parse_pyproject(path, text)
            .deps
            .into_iter()
            .map(|d| d.dep)
            .collect(),
        ManifestKind::PipfileLock
        | ManifestKind::PoetryLock
        | ManifestKind::UvLock
        | ManifestKind::Pylock => {
            let m = match kind {
                ManifestKind::PipfileLock => manifest::locks::parse_pipfile_lock(path, text),
                ManifestKind::PoetryLock => manifest::locks::parse_poetry_lock(path, text),
                ManifestKind::UvLock => manifest::locks::parse_uv_lock(path, text),
                _ => manifest::locks::parse_pylock(path, text),
            };
            let mut seen = BTreeSet::new();
            for d in m.deps {
                let (Some(name), Pinning::Exact(v)) = (d.dep.name.clone(), d.dep.pinning()) else {
                    continue;
                };
                match smallest_fix(db, &name, &v) {
                    Ok(Some(to)) if seen.insert(name.clone()) => {
                        fix.commands
                            .push(lock_command(kind, path, &name, Some(&to)));
                    }
                    Ok(None) if !db.query(&name, &v).unwrap_or_default().is_empty() => {
                        fix.unfixable.push(format!(
                            "{name} {v} (line {}): no version fixes every advisory",
                            d.dep.loc.line
                        ))
                    }
                    _ => {}
                }
            }
            return fix;
        }
        _ => return fix,
    };
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    for dep in deps {
        let (Some(name), Pinning::Exact(v)) = (dep.name.clone(), dep.pinning()) else {
            continue;
        };
        let to = match smallest_fix(db, &name, &v) {
            Ok(Some(to)) => to,
            Ok(None) => {
                let vulns = db.query(&name, &v).unwrap_or_default();
                if !vulns.is_empty() {
                    fix.unfixable.push(format!(
                        "{name} {v} (line {}): no version fixes every advisory ({})",
                        dep.loc.line,
                        vulns
                            .iter()
                            .map(|x| x.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                continue;
            }
            Err(e) => {
                fix.unfixable.push(format!("{name} {v}: {e}"));
                continue;
            }
        };
        let advisories: Vec<String> = db
            .query(&name, &v)
            .unwrap_or_default()
            .into_iter()
            .map(|x| x.id)
            .collect();
        if !dep.hashes.is_empty() {
            fix.commands.push(format!(
                "pip-compile --upgrade-package '{name}=={to}' --generate-hashes  # {path}:{} is hash-pinned: the new hashes come from the index",
                dep.loc.line
            ));
            continue;
        }
        let Some(line) = lines.get_mut(dep.loc.line as usize - 1) else {
            continue;
        };
        // Columns are 1-based characters; the edit is made on bytes.
        let byte_of = |col: u32| {
            line.char_indices()
                .nth(col.saturating_sub(1) as usize)
                .map_or(line.len(), |(i, _)| i)
        };
        let (from, until) = (byte_of(dep.loc.col), byte_of(dep.loc.end_col));
        let Some(range) = pinned_version_range(line, from, until.max(from)) else {
            fix.unfixable.push(format!(
                "{name} {v} (line {}): the pin is not a single `==` this tool can edit; raise it to {to} by hand",
                dep.loc.line
            ));
            continue;
        };
        let before = line.trim_end_matches(['\n', '\r']).to_string();
        line.replace_range(range, &to.to_string());
        let after = line.trim_end_matches(['\n', '\r']).to_string();
        fix.changes.push(PinChange {
            line: dep.loc.line,
            package: name,
            from: v.to_string(),
            to: to.to_string(),
            advisories,
            before,
            after,
        });
    }
    if !fix.changes.is_empty() {
        fix.new_text = Some(lines.concat());
    }
    fix
}

/// A unified diff of the changed lines (one hunk per line).
pub fn diff(fix: &FileFix) -> String {
    let mut out = String::new();
    if fix.changes.is_empty() {
        return out;
    }
    out.push_str(&format!("--- a/{}\n+++ b/{}\n", fix.path, fix.path));
    for c in &fix.changes {
        out.push_str(&format!(
            "@@ -{0},1 +{0},1 @@ {1} {2} -> {3} ({4})\n-{5}\n+{6}\n",
            c.line,
            c.package,
            c.from,
            c.to,
            c.advisories.join(", "),
            c.before,
            c.after
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_version_text_is_located() {
        let l = "Django[argon2]==3.2.0 ; python_version >= \"3.8\"  # pinned\n";
        let r = pinned_version_range(l, 0, l.len() - 1).unwrap();
        assert_eq!(&l[r], "3.2.0");
        let l = "    \"requests == 2.19.0\",\n";
        let r = pinned_version_range(l, 4, 24).unwrap();
        assert_eq!(&l[r], "2.19.0");
        assert!(pinned_version_range("a===1.0", 0, 7).is_none());
        // A line continuation stays.
        let l = "werkzeug==2.3.7\\\n";
        assert_eq!(&l[pinned_version_range(l, 0, 16).unwrap()], "2.3.7");
        assert!(pinned_version_range("a==1.0,==1.0", 0, 12).is_none());
    }
}
