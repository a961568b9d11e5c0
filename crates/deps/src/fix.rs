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

/// `cd DIR && ` for a file outside the current folder.
fn cd_prefix(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) if !dir.is_empty() && dir != "." => format!("cd {} && ", shell_word(dir)),
        _ => String::new(),
    }
}

/// A word as a POSIX shell reads it back: plain when it is only safe characters, else quoted.
fn shell_word(w: &str) -> String {
    if !w.is_empty() && w.chars().all(is_plain_shell_char) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', r"'\''"))
    }
}

fn is_plain_shell_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '=' | ':' | '@' | '+' | ',')
}

/// The command that upgrades `name` in a lock file of `kind` (not `pylock.toml`: see
/// [`pylock_command`]).
fn lock_command(kind: ManifestKind, path: &str, name: &str) -> String {
    let cd = cd_prefix(path);
    match kind {
        ManifestKind::UvLock => format!("{cd}uv lock --upgrade-package {name}"),
        ManifestKind::PoetryLock => format!("{cd}poetry update {name}"),
        _ => format!("{cd}pipenv upgrade {name}"),
    }
}

/// Which tool wrote a `pylock.toml`, read from its PEP 751 `created-by` and, for uv, the
/// command uv records in the file's header comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PylockWriter {
    /// `uv export ...` (from a uv.lock), with the command as recorded.
    UvExport(String),
    /// `uv pip compile ...` (from requirement inputs), with the command as recorded.
    UvPipCompile(String),
    /// `created-by = "uv"` without a usable recorded command.
    Uv,
    /// `pip lock` (it records neither its inputs nor a command).
    Pip,
    Pdm,
    Pipenv,
    /// Another tool, as named by `created-by`.
    Other(String),
    /// No `created-by`.
    Unknown,
}

/// Reads who wrote a pylock.toml. A recorded uv command is used only when it is a plain
/// `uv export`/`uv pip compile` of safe words: it is printed for the user to run, so nothing
/// a hostile file wrote (`; rm -rf ~`) can pass through.
pub fn pylock_writer(text: &str) -> PylockWriter {
    #[derive(serde::Deserialize)]
    struct Header {
        #[serde(rename = "created-by")]
        created_by: Option<String>,
    }
    let nested =
        palisade_core::nesting::check_toml_depth(text, palisade_core::nesting::MAX_TOML_DEPTH);
    let Some(tool) = nested
        .ok()
        .and_then(|()| toml::from_str::<Header>(text).ok())
        .and_then(|h| h.created_by)
    else {
        return PylockWriter::Unknown;
    };
    match tool.trim().to_ascii_lowercase().as_str() {
        "uv" => {
            let recorded = text
                .lines()
                .take_while(|l| l.starts_with('#'))
                .skip_while(|l| !l.contains("autogenerated by uv via the following command"))
                .nth(1)
                .map(|l| l.trim_start_matches('#').trim().to_string())
                .filter(|c| {
                    c.split(' ')
                        .all(|w| !w.is_empty() && w.chars().all(is_plain_shell_char))
                });
            match recorded {
                Some(c) if c.starts_with("uv export ") => PylockWriter::UvExport(c),
                Some(c) if c.starts_with("uv pip compile ") => PylockWriter::UvPipCompile(c),
                _ => PylockWriter::Uv,
            }
        }
        "pip" => PylockWriter::Pip,
        "pdm" => PylockWriter::Pdm,
        "pipenv" => PylockWriter::Pipenv,
        _ => PylockWriter::Other(tool),
    }
}

/// The command that raises `name` to `to` in the pylock.toml at `path`, given who wrote it;
/// `Err` with the reason when no exact command can be said. `beside(file)` tells whether a
/// file of that name sits in the same folder (a uv.lock or pdm.lock the pylock is exported from).
pub fn pylock_command(
    writer: &PylockWriter,
    path: &str,
    name: &str,
    to: &Version,
    beside: &dyn Fn(&str) -> bool,
) -> Result<String, String> {
    let cd = cd_prefix(path);
    let file = shell_word(path.rsplit('/').next().unwrap_or(path));
    let pin = shell_word(&format!("{name}=={to}"));
    // A recorded command that names the file by its whole path was run from here, not from
    // the file's folder.
    let cd_for = |recorded: &str| {
        if path.contains('/') && recorded.split(' ').any(|w| w == path) {
            String::new()
        } else {
            cd.clone()
        }
    };
    Ok(match writer {
        PylockWriter::UvExport(export) => {
            format!("{}uv lock --upgrade-package {pin} && {export}", cd_for(export))
        }
        PylockWriter::UvPipCompile(compile) => {
            format!("{}{compile} --upgrade-package {pin}", cd_for(compile))
        }
        PylockWriter::Uv if beside("uv.lock") => format!(
            "{cd}uv lock --upgrade-package {pin} && uv export --format pylock.toml -o {file}"
        ),
        PylockWriter::Uv => {
            return Err(format!(
                "written by uv without the command it ran (no uv.lock beside it): run the `uv pip compile ... -o {file}` that made it with `--upgrade-package {pin}`"
            ))
        }
        PylockWriter::Pdm if beside("pdm.lock") => {
            format!("{cd}pdm update {name} && pdm export -f pylock -o {file}")
        }
        // PDM keeps its lock as pylock.toml (`lock.format = "pylock"`).
        PylockWriter::Pdm => format!("{cd}pdm update {name}"),
        PylockWriter::Pipenv => format!("{cd}pipenv upgrade {name}"),
        PylockWriter::Pip => {
            return Err(format!(
                "written by `pip lock`, which records neither its inputs nor its command, and resolves afresh each time: run the same `pip lock ... -o {file}` again, with the requirement of {name} allowing {to} or later"
            ))
        }
        PylockWriter::Other(tool) => {
            return Err(format!(
                "written by `{tool}` (its `created-by`), which palisade does not know how to drive: regenerate it with {name} at {to} or later"
            ))
        }
        PylockWriter::Unknown => {
            return Err(format!(
                "no `created-by` says which tool wrote it: regenerate it with that tool, with {name} at {to} or later"
            ))
        }
    })
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
/// `beside(name)` tells whether a file of that name sits in `path`'s folder (for pylock.toml:
/// the uv.lock or pdm.lock it may be exported from).
pub fn fix_file(
    db: &AdvisoryDb,
    kind: ManifestKind,
    path: &str,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    beside: &dyn Fn(&str) -> bool,
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
            let writer = (kind == ManifestKind::Pylock).then(|| pylock_writer(text));
            let mut seen = BTreeSet::new();
            for d in m.deps {
                let (Some(name), Pinning::Exact(v)) = (d.dep.name.clone(), d.dep.pinning()) else {
                    continue;
                };
                match smallest_fix(db, &name, &v) {
                    Ok(Some(to)) if seen.insert(name.clone()) => match &writer {
                        None => fix.commands.push(lock_command(kind, path, &name)),
                        Some(w) => match pylock_command(w, path, &name, &to, beside) {
                            Ok(c) => fix.commands.push(c),
                            Err(why) => fix.unfixable.push(format!(
                                "{name} {v} (line {}): fixed in {to}, but {why}",
                                d.dep.loc.line
                            )),
                        },
                    },
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

    #[test]
    fn the_writer_of_a_pylock_is_read_from_created_by_and_uvs_header() {
        let uv = "# This file was autogenerated by uv via the following command:\n#    uv export --format pylock.toml -o pylock.toml\nlock-version = \"1.0\"\ncreated-by = \"uv\"\n";
        assert_eq!(
            pylock_writer(uv),
            PylockWriter::UvExport("uv export --format pylock.toml -o pylock.toml".into())
        );
        let compiled = uv.replace(
            "uv export --format pylock.toml",
            "uv pip compile requirements.in",
        );
        assert_eq!(
            pylock_writer(&compiled),
            PylockWriter::UvPipCompile("uv pip compile requirements.in -o pylock.toml".into())
        );
        // A recorded command with shell syntax is never passed on.
        let hostile = uv.replace("-o pylock.toml\n", "-o pylock.toml; curl x|sh\n");
        assert_eq!(pylock_writer(&hostile), PylockWriter::Uv);
        let bare = "lock-version = \"1.0\"\ncreated-by = \"uv\"\n";
        assert_eq!(pylock_writer(bare), PylockWriter::Uv);
        for (tool, w) in [
            ("pip", PylockWriter::Pip),
            ("pdm", PylockWriter::Pdm),
            ("pipenv", PylockWriter::Pipenv),
            ("poetry", PylockWriter::Other("poetry".into())),
        ] {
            assert_eq!(
                pylock_writer(&bare.replace("\"uv\"", &format!("\"{tool}\""))),
                w
            );
        }
        assert_eq!(
            pylock_writer("lock-version = \"1.0\"\n"),
            PylockWriter::Unknown
        );
        assert_eq!(pylock_writer("not toml ["), PylockWriter::Unknown);
    }

    #[test]
    fn pylock_commands_follow_the_writer_and_what_lies_beside_it() {
        let v: Version = "2.32.0".parse().unwrap();
        let none = |_: &str| false;
        let uv_lock = |f: &str| f == "uv.lock";
        let pdm_lock = |f: &str| f == "pdm.lock";
        let cmd = |w: PylockWriter, path: &str, beside: &dyn Fn(&str) -> bool| {
            pylock_command(&w, path, "requests", &v, beside)
        };
        assert_eq!(
            cmd(PylockWriter::UvExport("uv export --format pylock.toml -o pylock.toml".into()), "app/pylock.toml", &none).unwrap(),
            "cd app && uv lock --upgrade-package requests==2.32.0 && uv export --format pylock.toml -o pylock.toml"
        );
        assert_eq!(
            cmd(
                PylockWriter::UvPipCompile("uv pip compile requirements.in -o pylock.toml".into()),
                "pylock.toml",
                &none
            )
            .unwrap(),
            "uv pip compile requirements.in -o pylock.toml --upgrade-package requests==2.32.0"
        );
        assert_eq!(
            cmd(PylockWriter::Uv, "pylock.prod.toml", &uv_lock).unwrap(),
            "uv lock --upgrade-package requests==2.32.0 && uv export --format pylock.toml -o pylock.prod.toml"
        );
        assert_eq!(
            cmd(
                PylockWriter::UvPipCompile("uv pip compile app/r.in -o app/pylock.toml".into()),
                "app/pylock.toml",
                &none
            )
            .unwrap(),
            "uv pip compile app/r.in -o app/pylock.toml --upgrade-package requests==2.32.0"
        );
        assert!(cmd(PylockWriter::Uv, "pylock.toml", &none)
            .unwrap_err()
            .contains("uv pip compile"));
        assert_eq!(
            cmd(PylockWriter::Pdm, "pylock.toml", &pdm_lock).unwrap(),
            "pdm update requests && pdm export -f pylock -o pylock.toml"
        );
        assert_eq!(
            cmd(PylockWriter::Pdm, "pylock.toml", &none).unwrap(),
            "pdm update requests"
        );
        assert_eq!(
            cmd(PylockWriter::Pipenv, "pylock.toml", &none).unwrap(),
            "pipenv upgrade requests"
        );
        assert!(cmd(PylockWriter::Pip, "pylock.toml", &none)
            .unwrap_err()
            .contains("pip lock"));
        assert!(cmd(PylockWriter::Other("x".into()), "pylock.toml", &none)
            .unwrap_err()
            .contains("`x`"));
        assert!(cmd(PylockWriter::Unknown, "pylock.toml", &none)
            .unwrap_err()
            .contains("no `created-by`"));
        // A folder with a space is quoted for the shell.
        assert_eq!(
            cmd(PylockWriter::Pdm, "my app/pylock.toml", &none).unwrap(),
            "cd 'my app' && pdm update requests"
        );
    }
}
