//! Installed environments: a virtualenv or a `site-packages` folder read as data, without
//! running any interpreter. Every `*.dist-info/METADATA` and `*.egg-info` (`PKG-INFO`) gives a
//! distribution's name, exact version, `Requires-Dist` and licence fields, so the audit covers
//! exactly what is installed, transitive dependencies included.

use std::path::{Path, PathBuf};

use palisade_core::{Diagnostic, Gap};

/// At most this many bytes of a METADATA file are read: the headers come first, and the
/// description after them is not needed.
const MAX_METADATA_BYTES: u64 = 1024 * 1024;
/// At most this many distributions are read from one environment.
const MAX_DISTRIBUTIONS: usize = 100_000;

/// The core metadata fields palisade uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub name: Option<String>,
    pub version: Option<String>,
    /// 1-based line of the `Version:` header.
    pub version_line: u32,
    pub requires_dist: Vec<String>,
    /// PEP 639 `License-Expression`.
    pub license_expression: Option<String>,
    pub license_expression_line: u32,
    /// The legacy `License:` field (first line).
    pub license: Option<String>,
    pub license_line: u32,
    /// `License-File` entries (paths relative to the dist-info `licenses/` folder).
    pub license_files: Vec<String>,
    pub classifiers: Vec<String>,
}

/// Parses the RFC 822-style header block of core metadata (stops at the first blank line).
pub fn parse_metadata(text: &str) -> Metadata {
    let mut m = Metadata::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            // A continuation line: only the legacy License field is multi-line in practice,
            // and its first line is what is kept.
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" => m.name = Some(value),
            "version" => {
                m.version = Some(value);
                m.version_line = i as u32 + 1;
            }
            "requires-dist" => m.requires_dist.push(value),
            "license-expression" => {
                m.license_expression = Some(value);
                m.license_expression_line = i as u32 + 1;
            }
            "license" => {
                m.license = Some(value);
                m.license_line = i as u32 + 1;
            }
            "license-file" => m.license_files.push(value),
            "classifier" => m.classifiers.push(value),
            _ => {}
        }
    }
    m
}

/// One installed distribution.
#[derive(Debug, Clone)]
pub struct InstalledDist {
    pub metadata: Metadata,
    /// The METADATA / PKG-INFO file.
    pub metadata_file: PathBuf,
    /// `metadata_file` as shown in reports.
    pub display: String,
    /// The `*.dist-info` / `*.egg-info` folder (for licence files).
    pub dist_dir: PathBuf,
}

impl InstalledDist {
    pub fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or("")
    }
}

/// The `site-packages` folders of `path`: the folder itself when it holds distributions,
/// else `lib/python*/site-packages`, `lib64/python*/site-packages` and `Lib/site-packages`
/// below it (a virtualenv on POSIX or Windows), found by listing folders only.
pub fn site_packages(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("environment `{}` cannot be read: {e}", path.display()))?;
    if !meta.is_dir() {
        return Err(format!("environment `{}` is not a folder", path.display()));
    }
    if holds_distributions(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    for lib in ["lib", "lib64"] {
        let Ok(entries) = std::fs::read_dir(path.join(lib)) else {
            continue;
        };
        let mut pythons: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("python"))
            .map(|e| e.path().join("site-packages"))
            .filter(|p| p.is_dir())
            .collect();
        pythons.sort();
        for p in pythons {
            // lib64 is often a symlink to lib: the same folder once.
            let canon = p.canonicalize().unwrap_or_else(|_| p.clone());
            if !found
                .iter()
                .any(|f: &PathBuf| f.canonicalize().unwrap_or_else(|_| f.clone()) == canon)
            {
                found.push(p);
            }
        }
    }
    let windows = path.join("Lib").join("site-packages");
    if windows.is_dir() && !found.contains(&windows) {
        found.push(windows);
    }
    if found.is_empty() {
        return Err(format!(
            "environment `{}` has no site-packages (looked for lib/python*/site-packages and Lib/site-packages) and holds no *.dist-info",
            path.display()
        ));
    }
    Ok(found)
}

fn holds_distributions(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.ends_with(".dist-info") || n.ends_with(".egg-info")
        })
    })
}

fn read_capped(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    f.take(MAX_METADATA_BYTES).read_to_end(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Reads every distribution of the environment at `path`. `display` turns a file path into
/// the path reports show. Unreadable or incomplete metadata is a diagnostic (an error: that
/// distribution was not audited), never a silent skip.
pub fn read_environment(
    path: &Path,
    display: &dyn Fn(&Path) -> String,
) -> (Vec<InstalledDist>, Vec<Diagnostic>) {
    let mut dists = Vec::new();
    let mut diagnostics = Vec::new();
    let roots = match site_packages(path) {
        Ok(r) => r,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(display(path), format!("{e}; nothing installed was audited"))
                    .gap(Gap::Unreadable),
            );
            return (dists, diagnostics);
        }
    };
    for root in roots {
        let entries = match std::fs::read_dir(&root) {
            Ok(e) => e,
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error(display(&root), format!("cannot list: {e}"))
                        .gap(Gap::Unreadable),
                );
                continue;
            }
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.ends_with(".dist-info") || n.ends_with(".egg-info")
            })
            // Symbolic links are not followed: an environment is read as it lies.
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_symlink()))
            .map(|e| e.path())
            .collect();
        dirs.sort();
        for dir in dirs {
            if dists.len() >= MAX_DISTRIBUTIONS {
                diagnostics.push(
                    Diagnostic::error(
                        display(&root),
                        format!(
                            "more than {MAX_DISTRIBUTIONS} distributions; the rest were not read"
                        ),
                    )
                    .gap(Gap::Unreadable),
                );
                return (dists, diagnostics);
            }
            let is_dist_info = dir.extension().is_some_and(|e| e == "dist-info");
            // An egg-info is a folder with PKG-INFO, or (old setuptools) a file itself.
            let file = if is_dist_info {
                dir.join("METADATA")
            } else if dir.is_dir() {
                dir.join("PKG-INFO")
            } else {
                dir.clone()
            };
            let shown = display(&file);
            let text = match read_capped(&file) {
                Ok(t) => t,
                Err(e) => {
                    diagnostics.push(
                        Diagnostic::error(
                            &shown,
                            format!("cannot read installed metadata: {e}; this distribution was not audited"),
                        )
                        .gap(Gap::Unreadable),
                    );
                    continue;
                }
            };
            let metadata = parse_metadata(&text);
            if metadata.name.as_deref().is_none_or(str::is_empty)
                || metadata.version.as_deref().is_none_or(str::is_empty)
            {
                diagnostics.push(
                    Diagnostic::error(
                        &shown,
                        "installed metadata has no `Name` or `Version`; this distribution was not audited",
                    )
                    .gap(Gap::Unparsable),
                );
                continue;
            }
            dists.push(InstalledDist {
                metadata,
                metadata_file: file,
                display: shown,
                dist_dir: dir,
            });
        }
    }
    (dists, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_headers_stop_at_the_body() {
        let m = parse_metadata(
            "Metadata-Version: 2.4\nName: Django\nVersion: 3.2\nRequires-Dist: asgiref (<4,>=3.3.2)\nRequires-Dist: pytz\nLicense: BSD-3-Clause\n        second line\nLicense-File: LICENSE\nClassifier: License :: OSI Approved :: BSD License\n\nVersion: 9.9\nName: body text\n",
        );
        assert_eq!(m.name.as_deref(), Some("Django"));
        assert_eq!(m.version.as_deref(), Some("3.2"));
        assert_eq!(m.version_line, 3);
        assert_eq!(m.requires_dist, vec!["asgiref (<4,>=3.3.2)", "pytz"]);
        assert_eq!(m.license.as_deref(), Some("BSD-3-Clause"));
        assert_eq!(m.license_files, vec!["LICENSE"]);
        assert_eq!(m.classifiers.len(), 1);
    }
}
