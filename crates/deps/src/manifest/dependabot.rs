//! `.github/dependabot.yml`: which package ecosystems Dependabot keeps up to date, and in which
//! folders. Read for DEP015 only; a file Dependabot itself would reject is a diagnostic, and
//! the entries that could be read still count.

use palisade_core::glob::Glob;
use palisade_core::Diagnostic;

use super::ci::{yaml_error, yaml_values};

/// The two places Dependabot reads its configuration from, in the order it is looked for.
pub const PATHS: [&str; 2] = [".github/dependabot.yml", ".github/dependabot.yaml"];

/// A `directory`/`directories` value: a folder of the repository, or a glob over folders.
#[derive(Debug, Clone)]
pub enum Folder {
    /// Without leading or trailing `/`; `""` is the repository root.
    Exact(String),
    /// Matched against `/` + the folder, with the core's config glob dialect (`*` within a
    /// folder name, `**` across folders; a pattern also covers the folders below its matches).
    Pattern(Glob),
}

impl Folder {
    fn new(raw: &str) -> Result<Folder, String> {
        let t = raw.trim();
        if t.contains(['*', '?', '[', '{']) {
            let anchored = format!("/{}", t.trim_start_matches("./").trim_start_matches('/'));
            return Glob::path(&anchored)
                .map(Folder::Pattern)
                .map_err(|e| e.to_string());
        }
        Ok(Folder::Exact(normalize(t)))
    }

    /// Whether this entry names `folder` (a display folder, `""` for the root).
    pub fn covers(&self, folder: &str) -> bool {
        match self {
            Folder::Exact(f) => f == folder,
            Folder::Pattern(g) => g.is_match(&format!("/{folder}")),
        }
    }
}

/// A folder as Dependabot writes it (`/`, `/app/`, `./app`, `app`) as a display folder.
pub fn normalize(folder: &str) -> String {
    let f = folder.trim().trim_start_matches("./");
    let f = f.trim_matches('/');
    if f == "." {
        String::new()
    } else {
        f.to_string()
    }
}

/// One `updates` entry.
#[derive(Debug, Clone)]
pub struct Update {
    /// `package-ecosystem`, as written (`pip`, `uv`, `github-actions`, `docker`, ...).
    pub ecosystem: String,
    pub folders: Vec<Folder>,
    /// The line of its `package-ecosystem` key, when it can be told.
    pub line: Option<u32>,
}

/// What a dependabot.yml says: its path and the entries that could be read.
#[derive(Debug, Clone, Default)]
pub struct DependabotConfig {
    pub path: String,
    pub updates: Vec<Update>,
}

impl DependabotConfig {
    /// Whether an entry of one of `ecosystems` names one of `folders`.
    pub fn covers(&self, ecosystems: &[&str], folders: &[String]) -> bool {
        self.updates.iter().any(|u| {
            ecosystems.contains(&u.ecosystem.as_str())
                && u.folders
                    .iter()
                    .any(|f| folders.iter().any(|d| f.covers(d)))
        })
    }
}

/// Parses a dependabot.yml. Never fails: what cannot be read is a diagnostic (an error: the
/// coverage it would give is unknown). `None` when the file as a whole cannot be read (no
/// coverage can be judged); otherwise the entries that could be read.
pub fn parse(path: &str, text: &str) -> (Option<DependabotConfig>, Vec<Diagnostic>) {
    let mut config = DependabotConfig {
        path: path.to_string(),
        updates: Vec::new(),
    };
    let mut diagnostics = Vec::new();
    let not_checked = |msg: String, line: Option<u32>| {
        let mut d = Diagnostic::error(
            path,
            format!("{msg}; Dependabot coverage (DEP015) was not checked against it"),
        )
        .gap(palisade_core::Gap::Unparsable);
        d.line = line;
        d
    };
    if let Some(mut d) = yaml_error(path, text) {
        d.message = format!(
            "{}; Dependabot coverage (DEP015) was not checked against it",
            d.message
        );
        diagnostics.push(d.gap(palisade_core::Gap::Unparsable));
        return (None, diagnostics);
    }
    let mut value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        // `yaml_error` parsed the same text; kept for robustness.
        Err(e) => {
            diagnostics.push(not_checked(format!("invalid YAML: {e}"), None));
            return (None, diagnostics);
        }
    };
    // `<<: *defaults` merges are YAML 1.1; Dependabot configurations use them.
    if let Err(e) = value.apply_merge() {
        diagnostics.push(not_checked(format!("invalid YAML merge key: {e}"), None));
        return (None, diagnostics);
    }
    let Some(top) = value.as_mapping() else {
        diagnostics.push(not_checked(
            "not a mapping with `version: 2` and `updates`".into(),
            Some(1),
        ));
        return (None, diagnostics);
    };
    let version_ok = top
        .get("version")
        .is_some_and(|v| v.as_u64() == Some(2) || v.as_str() == Some("2"));
    if !version_ok {
        let line = yaml_values(text, "version").first().map(|v| v.loc.line);
        diagnostics.push(
            Diagnostic::error(
                path,
                "`version: 2` is missing or different: Dependabot rejects this file, so it updates nothing",
            )
            .at_line(line.unwrap_or(1)),
        );
    }
    let Some(updates) = top.get("updates").and_then(|u| u.as_sequence()) else {
        diagnostics.push(not_checked("no `updates` list".into(), Some(1)));
        return (None, diagnostics);
    };
    // Lines of the entries, when every entry names its ecosystem on a line of its own
    // (block style); otherwise diagnostics point at the file.
    let lines: Vec<u32> = yaml_values(text, "package-ecosystem")
        .iter()
        .map(|v| v.loc.line)
        .collect();
    let lines_known = lines.len() == updates.len();
    for (i, entry) in updates.iter().enumerate() {
        let line = lines_known.then(|| lines[i]);
        let at = |d: Diagnostic| match line {
            Some(l) => d.at_line(l),
            None => d,
        };
        let n = i + 1;
        let Some(ecosystem) = entry.get("package-ecosystem").and_then(|e| e.as_str()) else {
            diagnostics.push(at(not_checked(
                format!("`updates` entry {n} has no `package-ecosystem` string"),
                None,
            )));
            continue;
        };
        let mut raw: Vec<&str> = Vec::new();
        let mut bad = false;
        if let Some(d) = entry.get("directory") {
            match d.as_str() {
                Some(s) => raw.push(s),
                None => bad = true,
            }
        }
        if let Some(ds) = entry.get("directories") {
            match ds.as_sequence() {
                Some(list) => {
                    for d in list {
                        match d.as_str() {
                            Some(s) => raw.push(s),
                            None => bad = true,
                        }
                    }
                }
                None => bad = true,
            }
        }
        if bad || raw.is_empty() {
            diagnostics.push(at(not_checked(
                format!(
                    "`updates` entry {n} ({ecosystem}) needs `directory` (a string) or `directories` (a list of strings)"
                ),
                None,
            )));
            continue;
        }
        let mut folders = Vec::new();
        for r in raw {
            match Folder::new(r) {
                Ok(f) => folders.push(f),
                Err(e) => diagnostics.push(at(not_checked(
                    format!("`updates` entry {n} ({ecosystem}): {e}"),
                    None,
                ))),
            }
        }
        config.updates.push(Update {
            ecosystem: ecosystem.trim().to_string(),
            folders,
            line,
        });
    }
    (Some(config), diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_normalised_and_globs_match_below_the_root() {
        assert_eq!(normalize("/"), "");
        assert_eq!(normalize("./app/"), "app");
        assert_eq!(normalize("/a/b"), "a/b");
        let star = Folder::new("/services/*").unwrap();
        assert!(star.covers("services/api"));
        assert!(!star.covers("services") && !star.covers("other/api"));
        let exact = Folder::new("/app").unwrap();
        assert!(exact.covers("app") && !exact.covers("app/sub") && !exact.covers(""));
        assert!(Folder::new("/").unwrap().covers(""));
    }

    #[test]
    fn entries_and_their_lines_are_read() {
        let text = "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n  - package-ecosystem: \"docker\"\n    directories: [\"/a\", \"/b/*\"]\n";
        let (c, d) = parse(".github/dependabot.yml", text);
        assert!(d.is_empty(), "{d:?}");
        let c = c.unwrap();
        assert_eq!(c.updates.len(), 2);
        assert_eq!(c.updates[1].ecosystem, "docker");
        assert_eq!(c.updates[1].line, Some(5));
        assert!(c.covers(&["docker"], &["b/x".into()]));
        assert!(!c.covers(&["pip"], &["a".into()]));
    }

    #[test]
    fn merge_keys_are_applied() {
        let text =
            "version: 2\nx: &d\n  directory: /\nupdates:\n  - package-ecosystem: pip\n    <<: *d\n";
        let (c, d) = parse("d.yml", text);
        assert!(d.is_empty(), "{d:?}");
        let c = c.unwrap();
        assert!(c.covers(&["pip"], &[String::new()]));
    }

    #[test]
    fn malformed_files_are_diagnostics_never_panics() {
        for (text, want) in [
            ("version: 2\nupdates: [\n", "invalid YAML"),
            ("- a\n- b\n", "not a mapping"),
            ("version: 2\n", "no `updates` list"),
            ("version: 2\nupdates: 3\n", "no `updates` list"),
            (
                "version: 2\nupdates:\n  - directory: /\n",
                "has no `package-ecosystem`",
            ),
            (
                "version: 2\nupdates:\n  - package-ecosystem: pip\n",
                "needs `directory`",
            ),
            (
                "version: 2\nupdates:\n  - package-ecosystem: pip\n    directories: /\n",
                "needs `directory`",
            ),
            (
                "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: [1]\n",
                "needs `directory`",
            ),
            (
                "version: 2\nupdates:\n  - package-ecosystem: pip\n    directories: [\"/a/[\"]\n",
                "invalid glob",
            ),
            (
                "version: 1\nupdates:\n  - package-ecosystem: pip\n    directory: /\n",
                "`version: 2`",
            ),
            ("", "not a mapping"),
        ] {
            let (_, d) = parse(".github/dependabot.yml", text);
            assert!(
                d.iter().any(|d| d.message.contains(want)
                    && d.level == palisade_core::DiagnosticLevel::Error),
                "{text:?}: {d:?}"
            );
        }
    }
}
