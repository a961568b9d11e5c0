//! PEP 508 dependency specifiers: `name[extras] (specifiers) ; marker` or `name[extras] @ url ; marker`.
//!
//! Versions and specifier sets are parsed by `pep440_rs`; this layer splits the string, validates
//! the name and extras, and keeps the marker text (markers are reported, not evaluated: a pin is
//! audited on every branch).

use std::str::FromStr;

use pep440_rs::{Operator, Version, VersionSpecifiers};

/// A parsed PEP 508 requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pep508 {
    /// The name as written.
    pub name: String,
    pub extras: Vec<String>,
    pub version: VersionReq,
    pub marker: Option<String>,
}

/// What a requirement asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionReq {
    /// Any version (no specifier).
    Any,
    Specifiers(SpecSet),
    /// A direct reference (`name @ url`).
    Url(String),
}

/// A specifier set, with `===` kept aside because its operand need not be a PEP 440 version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecSet {
    pub raw: String,
    pub specs: VersionSpecifiers,
    pub arbitrary: Option<String>,
}

/// An exact pin, when a specifier set has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExactPin {
    Version(Version),
    /// `===` with a string that is not a PEP 440 version.
    Arbitrary(String),
}

impl SpecSet {
    /// Parses `>=1,<2` or `==1.0` (with or without surrounding parentheses).
    pub fn parse(raw: &str) -> Result<SpecSet, String> {
        let trimmed = raw.trim();
        let inner = trimmed
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or(trimmed);
        let mut arbitrary = None;
        let mut rest = Vec::new();
        for clause in inner.split(',') {
            let clause = clause.trim();
            if clause.is_empty() {
                return Err(format!("empty version specifier in `{trimmed}`"));
            }
            if let Some(value) = clause.strip_prefix("===") {
                let value = value.trim();
                if value.is_empty() {
                    return Err(format!("`===` without a value in `{trimmed}`"));
                }
                arbitrary = Some(value.to_string());
            } else {
                rest.push(clause);
            }
        }
        let specs = if rest.is_empty() {
            VersionSpecifiers::empty()
        } else {
            VersionSpecifiers::from_str(&rest.join(",")).map_err(|e| e.to_string())?
        };
        Ok(SpecSet {
            raw: trimmed.to_string(),
            specs,
            arbitrary,
        })
    }

    /// The exact version this set pins: `==X` without a wildcard, or `===X`.
    pub fn exact(&self) -> Option<ExactPin> {
        if let Some(a) = &self.arbitrary {
            return Some(match Version::from_str(a) {
                Ok(v) => ExactPin::Version(v),
                Err(_) => ExactPin::Arbitrary(a.clone()),
            });
        }
        self.specs.iter().find_map(|s| match s.operator() {
            Operator::Equal | Operator::ExactEqual => Some(ExactPin::Version(s.version().clone())),
            _ => None,
        })
    }
}

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-` (one implementation,
/// the core's, which acceptances match package names with).
pub use palisade_core::suppress::accept::normalize_package as normalize_name;

/// Whether `name` is a valid distribution name (PEP 508 identifier).
pub fn is_valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// Parses one PEP 508 requirement string.
pub fn parse(input: &str) -> Result<Pep508, String> {
    let s = input.trim();
    let name_end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let name = &s[..name_end];
    if !is_valid_name(name) {
        return Err(if name.is_empty() {
            format!("expected a package name at the start of `{s}`")
        } else {
            format!("`{name}` is not a valid package name")
        });
    }
    let mut rest = s[name_end..].trim_start();
    let mut extras = Vec::new();
    if let Some(after) = rest.strip_prefix('[') {
        let close = after
            .find(']')
            .ok_or_else(|| format!("unclosed `[` of extras in `{s}`"))?;
        for extra in after[..close].split(',') {
            let extra = extra.trim();
            if extra.is_empty() {
                continue;
            }
            if !is_valid_name(extra) {
                return Err(format!("`{extra}` is not a valid extra name"));
            }
            extras.push(extra.to_string());
        }
        rest = after[close + 1..].trim_start();
    }
    let (version, marker_part) = if let Some(after) = rest.strip_prefix('@') {
        // A URL ends at whitespace; a marker needs whitespace before `;` because `;` is
        // legal inside URLs.
        let after = after.trim_start();
        let url_end = after.find(char::is_whitespace).unwrap_or(after.len());
        let url = &after[..url_end];
        if url.is_empty() {
            return Err(format!("`@` without a URL in `{s}`"));
        }
        let tail = after[url_end..].trim_start();
        let marker = match tail.strip_prefix(';') {
            Some(m) => Some(m),
            None if tail.is_empty() => None,
            None => return Err(format!("unexpected `{tail}` after the URL")),
        };
        (VersionReq::Url(url.to_string()), marker)
    } else {
        let (spec, marker) = match rest.find(';') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let spec = spec.trim();
        let version = if spec.is_empty() {
            VersionReq::Any
        } else {
            if !spec.starts_with(['<', '>', '=', '!', '~', '(']) {
                return Err(format!("unexpected `{spec}` after the package name"));
            }
            VersionReq::Specifiers(SpecSet::parse(spec)?)
        };
        (version, marker)
    };
    let marker = match marker_part {
        Some(m) => {
            let m = m.trim();
            if m.is_empty() {
                return Err("`;` without an environment marker".to_string());
            }
            Some(m.to_string())
        }
        None => None,
    };
    Ok(Pep508 {
        name: name.to_string(),
        extras,
        version,
        marker,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(s: &str) -> Option<String> {
        match parse(s).unwrap().version {
            VersionReq::Specifiers(set) => set.exact().map(|p| match p {
                ExactPin::Version(v) => v.to_string(),
                ExactPin::Arbitrary(a) => format!("==={a}"),
            }),
            _ => None,
        }
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalize_name("Django"), "django");
        assert_eq!(normalize_name("jw.util"), "jw-util");
        assert_eq!(normalize_name("Foo__Bar-.baz"), "foo-bar-baz");
    }

    #[test]
    fn exact_pins() {
        assert_eq!(exact("Django == 3.2").as_deref(), Some("3.2"));
        assert_eq!(exact("requests[socks]==2.19.0").as_deref(), Some("2.19.0"));
        assert_eq!(exact("pkg===1.0-weird").as_deref(), Some("===1.0-weird"));
        assert_eq!(exact("pkg===1.0").as_deref(), Some("1.0"));
        assert_eq!(exact("torch==2.1.0+cu121").as_deref(), Some("2.1.0+cu121"));
        assert_eq!(exact("pkg (==2.19.0)").as_deref(), Some("2.19.0"));
        assert_eq!(exact("pkg==2.19.*"), None);
        assert_eq!(exact("pkg~=2.19.0"), None);
        assert_eq!(exact("pkg>=2"), None);
        assert_eq!(exact("pkg"), None);
    }

    #[test]
    fn urls_markers_and_errors() {
        let r =
            parse("foo[a, b] @ https://x/foo-1.0.tar.gz#sha256=ab ; python_version<'3'").unwrap();
        assert_eq!(r.extras, vec!["a", "b"]);
        assert_eq!(
            r.version,
            VersionReq::Url("https://x/foo-1.0.tar.gz#sha256=ab".into())
        );
        assert_eq!(r.marker.as_deref(), Some("python_version<'3'"));
        let r = parse("x==1 ; sys_platform == \"win32\"").unwrap();
        assert_eq!(r.marker.as_deref(), Some("sys_platform == \"win32\""));
        assert!(parse("==1").is_err());
        assert!(parse("x[a").is_err());
        assert!(parse("x==").is_err());
        assert!(parse("x 1.0").is_err());
        assert!(parse("x==1;").is_err());
    }
}
