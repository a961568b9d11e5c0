//! Manifest and lock file parsers. Each turns one file's text into [`Dependency`] values that
//! the pin rules and the audit share.

pub mod ci;
pub mod dependabot;
pub mod locks;
pub mod markers;
pub mod pep508;
pub mod project;
pub mod requirements;

use pep440_rs::Version;

pub use pep508::{normalize_name, ExactPin, SpecSet};

/// Where something sits in a file (1-based line, 1-based character columns, `end_col` exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
    pub end_col: u32,
}

impl Loc {
    /// The whole visible text of a line.
    pub fn of_line(line: u32, text: &str) -> Loc {
        let lead = text.len() - text.trim_start().len();
        Loc {
            line,
            col: text[..lead].chars().count() as u32 + 1,
            end_col: text.trim_end().chars().count() as u32 + 1,
        }
    }
}

/// How a dependency says what it installs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepSource {
    /// From an index, optionally constrained by a specifier set.
    Registry(Option<SpecSet>),
    /// A direct reference: an archive or VCS URL.
    Url(String),
    /// A local file or folder (first-party code or a vendored artifact).
    LocalPath(String),
    /// An exact version taken from a lock file (never a range).
    Locked(String),
    /// A range in a syntax other than PEP 440 (Poetry's `^1.2`, `~1.2`, `1.*`).
    Constraint(String),
}

/// One declared or locked dependency.
#[derive(Debug, Clone)]
pub struct Dependency {
    /// The name as written; `None` for a URL or path without `#egg=`/wheel name.
    pub name: Option<String>,
    pub source: DepSource,
    pub marker: Option<String>,
    pub hashes: Vec<String>,
    pub editable: bool,
    pub loc: Loc,
    /// The source line the dependency starts on, for snippets.
    pub snippet: String,
}

/// How firmly a dependency fixes what gets installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pinning {
    Exact(Version),
    /// `===` or a locked version that is not PEP 440: pinned, but cannot be audited.
    ExactOpaque(String),
    /// A registry requirement that admits more than one version.
    Range,
    Vcs {
        url: String,
        at_commit: bool,
    },
    Archive {
        url: String,
        hashed: bool,
    },
    Local,
}

impl Dependency {
    pub fn normalized_name(&self) -> Option<String> {
        self.name.as_deref().map(normalize_name)
    }

    pub fn pinning(&self) -> Pinning {
        match &self.source {
            DepSource::Registry(None) | DepSource::Constraint(_) => Pinning::Range,
            DepSource::Registry(Some(set)) => match set.exact() {
                Some(ExactPin::Version(v)) => Pinning::Exact(v),
                Some(ExactPin::Arbitrary(a)) => Pinning::ExactOpaque(a),
                None => Pinning::Range,
            },
            DepSource::Locked(v) => match v.parse::<Version>() {
                Ok(v) => Pinning::Exact(v),
                Err(_) => Pinning::ExactOpaque(v.clone()),
            },
            DepSource::LocalPath(_) => Pinning::Local,
            DepSource::Url(url) => classify_url(url, !self.hashes.is_empty()),
        }
    }
}

/// VCS schemes pip understands (`git+https://...`).
const VCS_PREFIXES: [&str; 4] = ["git+", "hg+", "svn+", "bzr+"];

/// Classifies a direct URL: local, VCS (at a commit or not) or archive (hashed or not).
pub fn classify_url(url: &str, has_hash_option: bool) -> Pinning {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("file:") {
        return Pinning::Local;
    }
    if let Some(prefix) = VCS_PREFIXES.iter().find(|p| lower.starts_with(**p)) {
        // A local repository (`git+file:///srv/repo`) is still a moving branch unless a
        // commit is named.
        let at_commit = vcs_ref(url).is_some_and(|r| {
            if *prefix == "svn+" {
                // Subversion revisions are numbers and immutable.
                !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit())
            } else {
                is_full_commit(r)
            }
        });
        return Pinning::Vcs {
            url: url.to_string(),
            at_commit,
        };
    }
    Pinning::Archive {
        url: url.to_string(),
        hashed: has_hash_option || url_has_hash_fragment(url),
    }
}

/// A 40-hex (SHA-1) or 64-hex (SHA-256) object id.
pub fn is_full_commit(r: &str) -> bool {
    (r.len() == 40 || r.len() == 64) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The revision after the last `@` of a VCS URL's path (`git+https://h/o/r@v1.2#egg=x` -> `v1.2`).
pub fn vcs_ref(url: &str) -> Option<&str> {
    let no_frag = url.split('#').next().unwrap_or(url);
    let after_scheme = no_frag.find("://").map(|i| &no_frag[i + 3..])?;
    // Skip the authority: `git@github.com` holds an `@` that is not a revision.
    let path = &after_scheme[after_scheme.find('/')?..];
    let (_, r) = path.rsplit_once('@')?;
    Some(r)
}

fn url_has_hash_fragment(url: &str) -> bool {
    let Some((_, frag)) = url.split_once('#') else {
        return false;
    };
    frag.split('&').any(|kv| {
        kv.split_once('=').is_some_and(|(k, v)| {
            matches!(
                k,
                "sha256" | "sha384" | "sha512" | "sha224" | "sha1" | "md5"
            ) && !v.is_empty()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vcs_refs() {
        assert_eq!(
            vcs_ref("git+ssh://git@github.com/o/r@v1.2#egg=x"),
            Some("v1.2")
        );
        assert_eq!(vcs_ref("git+https://github.com/o/r#egg=x"), None);
        let sha = "a".repeat(40);
        assert_eq!(
            classify_url(&format!("git+https://h/o/r@{sha}"), false),
            Pinning::Vcs {
                url: format!("git+https://h/o/r@{sha}"),
                at_commit: true
            }
        );
        assert!(matches!(
            classify_url("git+https://h/o/r@main", false),
            Pinning::Vcs {
                at_commit: false,
                ..
            }
        ));
        assert!(matches!(
            classify_url("svn+https://h/r@1234", false),
            Pinning::Vcs {
                at_commit: true,
                ..
            }
        ));
    }

    #[test]
    fn archives_and_redaction() {
        assert!(matches!(
            classify_url("https://h/x-1.0.tar.gz#sha256=abc", false),
            Pinning::Archive { hashed: true, .. }
        ));
        assert!(matches!(
            classify_url("https://h/x-1.0.tar.gz", false),
            Pinning::Archive { hashed: false, .. }
        ));
        assert_eq!(
            palisade_core::redact::url_credentials("https://user:s3cret@pypi.example/simple"),
            "https://****@pypi.example/simple"
        );
        assert_eq!(
            palisade_core::redact::url_credentials("https://h/simple"),
            "https://h/simple"
        );
    }
}
