//! The places a repository pins what CI and images run: GitHub Actions workflows and
//! `action.yml` (`uses:`, `run:`), Dockerfiles (`FROM`, `RUN`), `.pre-commit-config.yaml`
//! (`rev:`), and the `pip install` commands inside shell scripts.
//!
//! YAML files are parsed once to validate them (a broken file is a diagnostic); the values the
//! rules need are then read line by line so that every finding has its exact line.

use palisade_core::Diagnostic;

use super::pep508;
use super::requirements::shell_words;
use super::{classify_url, Loc, Pinning};

/// A value found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub value: String,
    pub loc: Loc,
    pub snippet: String,
}

/// A shell command (continuations joined) and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub text: String,
    pub loc: Loc,
    pub snippet: String,
}

/// Validates YAML; `None` when it parses.
pub fn yaml_error(path: &str, text: &str) -> Option<Diagnostic> {
    // Deep flow nesting makes the parser quadratic; refuse it in one linear pass first.
    if let Err(deep) =
        palisade_core::nesting::check_yaml_flow_depth(text, palisade_core::nesting::MAX_YAML_DEPTH)
    {
        return Some(Diagnostic::error(path, format!("{deep}; not checked")).at_line(deep.line));
    }
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(_) => None,
        Err(e) => {
            let mut d = Diagnostic::error(path, format!("invalid YAML, not checked: {e}"));
            if let Some(l) = e.location() {
                d = d.at_line(l.line() as u32);
            }
            Some(d)
        }
    }
}

/// Splits `  - key: value  # comment` into (indent of the key, key, value).
fn yaml_key(line: &str) -> Option<(usize, &str, &str)> {
    let trimmed = line.trim_start();
    let mut indent = line.len() - trimmed.len();
    let rest = match trimmed.strip_prefix("- ") {
        Some(r) => {
            let r2 = r.trim_start();
            indent += 2 + (r.len() - r2.len());
            r2
        }
        None => trimmed,
    };
    let colon = rest.find(':')?;
    let key = rest[..colon].trim().trim_matches(['"', '\'']);
    if key.is_empty() || key.contains(' ') || key.starts_with('#') {
        return None;
    }
    let after = &rest[colon + 1..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None; // `http://x` is not a key
    }
    Some((indent, key, after.trim()))
}

/// A scalar value without quotes and trailing comment.
fn scalar(v: &str) -> String {
    let v = v.trim();
    if let Some(inner) = v.strip_prefix('"').and_then(|r| r.split_once('"')) {
        return inner.0.to_string();
    }
    if let Some(inner) = v.strip_prefix('\'').and_then(|r| r.split_once('\'')) {
        return inner.0.to_string();
    }
    let v = match v.find(" #") {
        Some(i) => &v[..i],
        None => v,
    };
    v.trim().to_string()
}

/// Every `key: value` with the given key, in order.
pub fn yaml_values(text: &str, key: &str) -> Vec<Located> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some((_, k, v)) = yaml_key(line) {
            if k == key && !v.is_empty() {
                out.push(Located {
                    value: scalar(v),
                    loc: Loc::of_line(i as u32 + 1, line),
                    snippet: line.trim().to_string(),
                });
            }
        }
    }
    out
}

/// The shell commands of every `run:` value (inline or block scalar).
pub fn yaml_run_commands(text: &str) -> Vec<Command> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let Some((indent, "run", value)) = yaml_key(line) else {
            i += 1;
            continue;
        };
        if value.starts_with('|') || value.starts_with('>') {
            let mut script = Vec::new();
            let mut j = i + 1;
            while j < lines.len() {
                let l = lines[j];
                let ind = l.len() - l.trim_start().len();
                if !l.trim().is_empty() && ind <= indent {
                    break;
                }
                script.push((j as u32 + 1, l));
                j += 1;
            }
            out.extend(shell_commands(&script));
            i = j;
        } else {
            out.extend(
                shell_commands(&[(i as u32 + 1, line)])
                    .into_iter()
                    .map(|mut c| {
                        c.text = strip_run_key(&c.text);
                        c
                    }),
            );
            i += 1;
        }
    }
    out
}

fn strip_run_key(text: &str) -> String {
    let t = text.trim_start().trim_start_matches("- ").trim_start();
    let t = t.strip_prefix("run:").unwrap_or(t).trim();
    scalar_command(t)
}

fn scalar_command(t: &str) -> String {
    let t = t.trim();
    if (t.starts_with('"') && t.ends_with('"') || t.starts_with('\'') && t.ends_with('\''))
        && t.len() >= 2
    {
        t[1..t.len() - 1].to_string()
    } else {
        t.to_string()
    }
}

/// Joins `\` continuations and splits on `&&`, `||`, `;` and `|` into single commands.
pub fn shell_commands(lines: &[(u32, &str)]) -> Vec<Command> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut start: Option<(u32, &str)> = None;
    for &(n, line) in lines {
        let t = line.trim_end();
        if t.trim_start().starts_with('#') && buf.is_empty() {
            continue;
        }
        if start.is_none() {
            start = Some((n, line));
        }
        if let Some(body) = t.strip_suffix('\\') {
            buf.push_str(body);
            buf.push(' ');
            continue;
        }
        buf.push_str(t);
        let (first, first_line) = start.take().unwrap_or((n, line));
        for part in split_commands(&buf) {
            if !part.trim().is_empty() {
                out.push(Command {
                    text: part.trim().to_string(),
                    loc: Loc::of_line(first, first_line),
                    snippet: first_line.trim().to_string(),
                });
            }
        }
        buf.clear();
    }
    if let Some((first, first_line)) = start {
        for part in split_commands(&buf) {
            if !part.trim().is_empty() {
                out.push(Command {
                    text: part.trim().to_string(),
                    loc: Loc::of_line(first, first_line),
                    snippet: first_line.trim().to_string(),
                });
            }
        }
    }
    out
}

/// Splits a shell line on command separators outside quotes.
fn split_commands(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None if c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) => {
                out.push(&s[start..i]);
                return out;
            }
            None if c == b';' || c == b'|' || c == b'&' => {
                out.push(&s[start..i]);
                // `&&`, `||`
                if i + 1 < b.len() && b[i + 1] == c {
                    i += 1;
                }
                start = i + 1;
            }
            None => {}
        }
        i += 1;
    }
    out.push(&s[start..]);
    out
}

/// Why a `pip install` command does not pin what it installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipInstall {
    /// Arguments that are not exact pins (package specs, `-r` files without hash checking).
    pub unpinned: Vec<String>,
}

/// pip install options that take a value.
const PIP_VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--constraint",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--trusted-host",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--src",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--progress-bar",
    "--cache-dir",
    "--log",
    "--timeout",
    "--retries",
    "--proxy",
    "--cert",
    "--client-cert",
    "--exists-action",
    "-C",
    "--config-settings",
    "--upgrade-strategy",
    "--report",
    "--python",
    "--global-option",
    "--root-user-action",
    "--use-feature",
];

/// Recognises `pip install`, `pip3 install`, `python -m pip install`, `uv pip install` and
/// reports which of its arguments are not pinned. `None` when the command is not an install.
pub fn pip_install(command: &str) -> Option<PipInstall> {
    let words = shell_words(command).ok()?;
    let mut i = 0;
    // Skip `sudo`, env assignments, `RUN` leftovers.
    while i < words.len()
        && (words[i] == "sudo" || words[i].contains('=') && !words[i].starts_with('-'))
    {
        i += 1;
    }
    let prog = words.get(i)?.rsplit('/').next().unwrap_or("");
    let is_pip = |w: &str| {
        w == "pip"
            || w.strip_prefix("pip")
                .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    let is_python = |w: &str| {
        w == "python"
            || w.strip_prefix("python")
                .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    if is_pip(prog) {
        i += 1;
    } else if is_python(prog)
        && words.get(i + 1).map(String::as_str) == Some("-m")
        && words.get(i + 2).is_some_and(|w| is_pip(w))
    {
        i += 3;
    } else if prog == "uv" && words.get(i + 1).map(String::as_str) == Some("pip") {
        i += 2;
    } else {
        return None;
    }
    // Global options may come before the subcommand (`pip --no-cache-dir install`).
    while i < words.len() && words[i].starts_with('-') {
        i += 1;
    }
    if words.get(i).map(String::as_str) != Some("install") {
        return None;
    }
    i += 1;
    let args = &words[i..];
    let require_hashes = args.iter().any(|a| a == "--require-hashes");
    let mut unpinned = Vec::new();
    let mut j = 0;
    while j < args.len() {
        let a = &args[j];
        j += 1;
        if a == "-r"
            || a == "--requirement"
            || a.starts_with("--requirement=")
            || (a.starts_with("-r") && a.len() > 2)
        {
            let file = if a == "-r" || a == "--requirement" {
                j += 1;
                args.get(j - 1).cloned().unwrap_or_default()
            } else {
                a.trim_start_matches("--requirement=")
                    .trim_start_matches("-r")
                    .to_string()
            };
            if !require_hashes {
                unpinned.push(format!("-r {file}"));
            }
            continue;
        }
        if a == "-e" || a == "--editable" {
            let target = args.get(j).cloned().unwrap_or_default();
            j += 1;
            if !is_local(&target)
                && !matches!(
                    classify_url(&target, false),
                    Pinning::Vcs {
                        at_commit: true,
                        ..
                    }
                )
            {
                unpinned.push(format!("-e {target}"));
            }
            continue;
        }
        if a.starts_with('-') {
            if PIP_VALUE_OPTIONS.contains(&a.as_str()) {
                j += 1;
            }
            continue;
        }
        if a.contains('$') || a.contains('`') {
            continue; // decided at run time; cannot be judged here
        }
        if is_local(a) {
            continue;
        }
        let lower = a.to_ascii_lowercase();
        if lower.contains("://") {
            match classify_url(a, false) {
                Pinning::Vcs {
                    at_commit: true, ..
                }
                | Pinning::Archive { hashed: true, .. }
                | Pinning::Local => {}
                _ => unpinned.push(a.clone()),
            }
            continue;
        }
        match pep508::parse(a) {
            Ok(r) => {
                let exact = match &r.version {
                    pep508::VersionReq::Specifiers(set) => set.exact().is_some(),
                    pep508::VersionReq::Url(u) => !matches!(
                        classify_url(u, false),
                        Pinning::Vcs {
                            at_commit: false,
                            ..
                        } | Pinning::Archive { hashed: false, .. }
                    ),
                    pep508::VersionReq::Any => false,
                };
                if !exact {
                    unpinned.push(a.clone());
                }
            }
            Err(_) => unpinned.push(a.clone()),
        }
    }
    Some(PipInstall { unpinned })
}

fn is_local(a: &str) -> bool {
    a == "."
        || a.starts_with("./")
        || a.starts_with("../")
        || a.starts_with('/')
        || a.starts_with("file:")
        || a.ends_with(".whl") && !a.contains("://")
}

/// One `FROM` of a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct From {
    /// The image after `ARG` substitution.
    pub image: String,
    pub stage: Option<String>,
    pub loc: Loc,
    pub snippet: String,
}

/// What a Dockerfile holds for the pin rules.
#[derive(Debug, Default)]
pub struct Dockerfile {
    pub froms: Vec<From>,
    pub runs: Vec<Command>,
}

/// Reads a Dockerfile: instructions with continuations (`\`, or the `# escape=` character),
/// `ARG` defaults before the first `FROM` substituted into images, `RUN` in shell, exec
/// (`["pip", "install", ...]`) and heredoc forms.
pub fn parse_dockerfile(text: &str) -> Dockerfile {
    let lines: Vec<&str> = text.lines().collect();
    let mut escape = '\\';
    for l in &lines {
        let t = l.trim();
        if !t.starts_with('#') {
            break;
        }
        let d = t.trim_start_matches('#').trim().to_ascii_lowercase();
        if let Some(e) = d.strip_prefix("escape=") {
            escape = e.trim().chars().next().unwrap_or('\\');
        }
    }
    let mut out = Dockerfile::default();
    let mut args: Vec<(String, String)> = Vec::new();
    let mut seen_from = false;
    let mut i = 0;
    while i < lines.len() {
        let first = lines[i];
        let start = i as u32 + 1;
        let t = first.trim();
        if t.is_empty() || t.starts_with('#') {
            i += 1;
            continue;
        }
        // Join continuation lines, keeping each physical line for RUN scripts.
        let mut physical = vec![(start, first)];
        let mut joined = String::new();
        let mut cur = first;
        loop {
            let body = cur.trim_end();
            if let Some(b) = body.strip_suffix(escape) {
                joined.push_str(b);
                joined.push(' ');
                i += 1;
                // Comment lines inside a continuation are skipped by Docker.
                while i < lines.len() && lines[i].trim_start().starts_with('#') {
                    i += 1;
                }
                if i >= lines.len() {
                    break;
                }
                cur = lines[i];
                physical.push((i as u32 + 1, cur));
            } else {
                joined.push_str(body);
                i += 1;
                break;
            }
        }
        let joined = joined.trim();
        let (instr, rest) = joined
            .split_once(char::is_whitespace)
            .unwrap_or((joined, ""));
        let rest = rest.trim();
        let loc = Loc::of_line(start, first);
        match instr.to_ascii_uppercase().as_str() {
            "ARG" if !seen_from => {
                for decl in rest.split_whitespace() {
                    let (k, v) = decl.split_once('=').unwrap_or((decl, ""));
                    args.push((k.to_string(), v.trim_matches(['"', '\'']).to_string()));
                }
            }
            "FROM" => {
                seen_from = true;
                let words: Vec<&str> = rest
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let Some(image) = words.first() else { continue };
                let stage = match (words.get(1), words.get(2)) {
                    (Some(a), Some(name)) if a.eq_ignore_ascii_case("as") => Some(name.to_string()),
                    _ => None,
                };
                out.froms.push(From {
                    image: substitute(image, &args),
                    stage,
                    loc,
                    snippet: first.trim().to_string(),
                });
            }
            "RUN" => {
                let mut body = rest;
                while let Some(flag) = body.strip_prefix("--") {
                    body = flag
                        .split_once(char::is_whitespace)
                        .map(|(_, r)| r.trim_start())
                        .unwrap_or("");
                }
                if body.starts_with('[') {
                    if let Ok(argv) = serde_json::from_str::<Vec<String>>(body) {
                        out.runs.push(Command {
                            text: argv
                                .iter()
                                .map(|a| shell_quote(a))
                                .collect::<Vec<_>>()
                                .join(" "),
                            loc,
                            snippet: first.trim().to_string(),
                        });
                    }
                } else if let Some(pos) = body.find("<<") {
                    // Heredoc: the script is on the following lines up to the delimiter.
                    let delim = body[pos + 2..]
                        .trim_start_matches('-')
                        .trim_matches(['"', '\''])
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_matches(['"', '\''])
                        .to_string();
                    let mut script = Vec::new();
                    while i < lines.len() && lines[i].trim() != delim {
                        script.push((i as u32 + 1, lines[i]));
                        i += 1;
                    }
                    i += 1;
                    out.runs.extend(shell_commands(&script));
                } else {
                    let mut cmds = shell_commands(&physical);
                    if let Some(c) = cmds.first_mut() {
                        // Drop the `RUN [--flags]` prefix from the first command.
                        let stripped = c.text.trim_start();
                        let stripped = stripped.get(3..).unwrap_or("").trim_start();
                        let mut s = stripped;
                        while let Some(flag) = s.strip_prefix("--") {
                            s = flag
                                .split_once(char::is_whitespace)
                                .map(|(_, r)| r.trim_start())
                                .unwrap_or("");
                        }
                        c.text = s.to_string();
                    }
                    out.runs.extend(cmds);
                }
            }
            _ => {}
        }
    }
    out
}

fn shell_quote(a: &str) -> String {
    if a.is_empty() || a.contains([' ', '"', '\'', '\\', '$']) {
        format!("'{}'", a.replace('\'', "'\\''"))
    } else {
        a.to_string()
    }
}

/// `$NAME` and `${NAME}` (with `${NAME:-default}`) from ARG defaults.
fn substitute(s: &str, args: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, default, consumed) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => {
                    let body = &inner[..end];
                    let (n, d) = match body.split_once(":-") {
                        Some((n, d)) => (n, Some(d)),
                        None => (body, None),
                    };
                    (n.to_string(), d.map(String::from), end + 2)
                }
                None => {
                    out.push('$');
                    rest = after;
                    continue;
                }
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (after[..end].to_string(), None, end)
        };
        match args
            .iter()
            .rev()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
            .or(default)
        {
            Some(v) => out.push_str(&v),
            None => {
                out.push('$');
                out.push_str(&after[..consumed]);
            }
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unpinned(cmd: &str) -> Option<Vec<String>> {
        pip_install(cmd).map(|p| p.unpinned)
    }

    #[test]
    fn pip_commands() {
        assert_eq!(
            unpinned("pip install requests"),
            Some(vec!["requests".into()])
        );
        assert_eq!(
            unpinned("pip3 install --no-cache-dir requests==2.32.3 'flask>=2'"),
            Some(vec!["flask>=2".into()])
        );
        assert_eq!(
            unpinned("python -m pip install -U pip"),
            Some(vec!["pip".into()])
        );
        assert_eq!(
            unpinned("python3.12 -m pip install -r requirements.txt"),
            Some(vec!["-r requirements.txt".into()])
        );
        assert_eq!(
            unpinned("pip install --require-hashes -r requirements.txt"),
            Some(vec![])
        );
        assert_eq!(
            unpinned("sudo pip install ./dist/app-1.0-py3-none-any.whl -e ."),
            Some(vec![])
        );
        assert_eq!(
            unpinned("uv pip install --system ruff==0.6.0 -i https://x/simple"),
            Some(vec![])
        );
        assert_eq!(unpinned("pip install $PKG"), Some(vec![]));
        assert_eq!(unpinned("pip --version"), None);
        assert_eq!(unpinned("pip download requests"), None);
        assert_eq!(unpinned("echo pip install x"), None);
    }

    #[test]
    fn shell_splitting() {
        let cmds = shell_commands(&[
            (3, "apt-get update && \\"),
            (4, "  pip install a; echo 'x && y' # c"),
        ]);
        let texts: Vec<&str> = cmds.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            vec!["apt-get update", "pip install a", "echo 'x && y'"]
        );
        assert!(cmds.iter().all(|c| c.loc.line == 3));
    }

    #[test]
    fn dockerfiles() {
        let d = parse_dockerfile(
            "# syntax=docker/dockerfile:1\nARG BASE=python:3.12-slim\nFROM --platform=$BUILDPLATFORM ${BASE} AS build\nRUN pip install \\\n    requests\nFROM build\nRUN [\"pip\", \"install\", \"flask\"]\nRUN <<EOF\npip install six==1.16.0\nEOF\nFROM scratch\n",
        );
        let froms: Vec<(&str, Option<&str>, u32)> = d
            .froms
            .iter()
            .map(|f| (f.image.as_str(), f.stage.as_deref(), f.loc.line))
            .collect();
        assert_eq!(
            froms,
            vec![
                ("python:3.12-slim", Some("build"), 3),
                ("build", None, 6),
                ("scratch", None, 11)
            ]
        );
        let runs: Vec<(&str, u32)> = d
            .runs
            .iter()
            .map(|r| (r.text.as_str(), r.loc.line))
            .collect();
        assert_eq!(
            runs,
            vec![
                ("pip install      requests", 4),
                ("pip install flask", 7),
                ("pip install six==1.16.0", 9)
            ]
        );
    }

    #[test]
    fn workflow_lines() {
        let text = "jobs:\n  t:\n    steps:\n      - uses: actions/checkout@v4 # pin\n      - name: x\n        run: |\n          pip install -U pip\n          pytest\n      - run: \"pip install tox\"\n    uses: ./.github/workflows/x.yml\n";
        let uses: Vec<(String, u32)> = yaml_values(text, "uses")
            .into_iter()
            .map(|l| (l.value, l.loc.line))
            .collect();
        assert_eq!(
            uses,
            vec![
                ("actions/checkout@v4".into(), 4),
                ("./.github/workflows/x.yml".into(), 10)
            ]
        );
        let runs: Vec<(String, u32)> = yaml_run_commands(text)
            .into_iter()
            .map(|c| (c.text, c.loc.line))
            .collect();
        assert_eq!(
            runs,
            vec![
                ("pip install -U pip".into(), 7),
                ("pytest".into(), 8),
                ("pip install tox".into(), 9)
            ]
        );
    }
}
