//! The one glob matcher of palisade, over `globset`, in two dialects:
//!
//! - [`Glob::path`]: palisade's config globs (`exclude`, `per-path-ignores`, `[[accept]] path`),
//!   written like .gitignore: `*` and `?` stay within a folder, `**` crosses folders, a pattern
//!   without `/` also matches the file name alone, and a folder pattern covers what is below it;
//! - [`Glob::fnmatch`]: Python's `fnmatch` for Bandit's `exclude_dirs`/`include`: `*` matches
//!   anything, `/` included.
//!
//! An invalid pattern is an error at load time, never a pattern that silently matches nothing.

use globset::{GlobBuilder, GlobMatcher};

/// A pattern that does not compile, with the reason.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid glob `{pattern}`: {reason}")]
pub struct GlobError {
    pub pattern: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Glob {
    pattern: String,
    whole: GlobMatcher,
    /// `folder/**`, for a pattern that names a folder.
    below: Option<GlobMatcher>,
    /// Matched against the file name alone (a pattern without `/`).
    basename: bool,
}

/// `path_dialect`: `*` stops at `/` and `\` escapes (config globs); otherwise Python's
/// fnmatch, where `*` crosses `/` and `\` is an ordinary character.
fn compile(pattern: &str, path_dialect: bool) -> Result<GlobMatcher, GlobError> {
    GlobBuilder::new(pattern)
        .literal_separator(path_dialect)
        .backslash_escape(path_dialect)
        .empty_alternates(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| GlobError {
            pattern: pattern.to_string(),
            reason: e.kind().to_string(),
        })
}

impl Glob {
    /// A config glob (.gitignore-like; see the module docs).
    pub fn path(pattern: &str) -> Result<Glob, GlobError> {
        let p = pattern.trim_start_matches("./");
        let folder = p.trim_end_matches('/');
        let whole = compile(if folder.is_empty() { p } else { folder }, true)?;
        let below = if folder.is_empty() || folder.ends_with("**") {
            None
        } else {
            Some(compile(&format!("{folder}/**"), true)?)
        };
        Ok(Glob {
            pattern: pattern.to_string(),
            whole,
            below,
            basename: !folder.contains('/'),
        })
    }

    /// Python `fnmatch` semantics (Bandit compatibility). A `[` that opens no class is a literal,
    /// as in Python.
    pub fn fnmatch(pattern: &str) -> Result<Glob, GlobError> {
        let whole =
            compile(pattern, false).or_else(|_| compile(&pattern.replace('[', "[[]"), false))?;
        Ok(Glob {
            pattern: pattern.to_string(),
            whole,
            below: None,
            basename: false,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether `path` (forward slashes, relative) matches.
    pub fn is_match(&self, path: &str) -> bool {
        if self.whole.is_match(path) || self.below.as_ref().is_some_and(|b| b.is_match(path)) {
            return true;
        }
        self.basename && {
            let name = path.rsplit('/').next().unwrap_or(path);
            name.len() != path.len() && self.whole.is_match(name)
        }
    }
}

/// Compiles a list of config globs, naming the config key in the error.
pub fn compile_all(key: &str, patterns: &[String]) -> Result<Vec<Glob>, GlobError> {
    patterns
        .iter()
        .map(|p| {
            Glob::path(p).map_err(|mut e| {
                e.reason = format!("{} (in `{key}`)", e.reason);
                e
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Glob::path(p).unwrap().is_match(s)
    }

    #[test]
    fn path_dialect() {
        assert!(m("tests/**", "tests/a/b.py"));
        assert!(m("tests/", "tests/a/b.py"));
        assert!(m("tests", "tests/a/b.py"));
        assert!(m("**/test_*.py", "a/b/test_x.py"));
        assert!(m("**/test_*.py", "test_x.py"));
        assert!(m("*.py", "deep/x.py"));
        assert!(!m("src/*.py", "src/a/x.py"));
        assert!(m("src/*.py", "src/x.py"));
        assert!(!m("tests/**", "src/tests.py"));
        assert!(m("./build/**", "build/x.js"));
        assert!(m("*.min.js", "static/app.min.js"));
        assert!(m("src/reports/*.py", "src/reports/q.py"));
    }

    #[test]
    fn fnmatch_dialect() {
        let g = Glob::fnmatch("*/tests/*").unwrap();
        assert!(g.is_match("a/b/tests/c/d.py"));
        assert!(Glob::fnmatch("*.py").unwrap().is_match("a/b.py"));
        assert!(Glob::fnmatch("x[ab].py").unwrap().is_match("xa.py"));
        assert!(Glob::fnmatch("x[.py").unwrap().is_match("x[.py"));
    }

    #[test]
    fn invalid_patterns_are_errors() {
        let e = compile_all("exclude", &["a/{b".to_string()]).unwrap_err();
        assert!(e.to_string().contains("a/{b") && e.to_string().contains("exclude"));
    }
}
