//! PEP 508 environment markers, evaluated against a *stated* target environment
//! (`--python-version`, `--platform`), never the machine palisade runs on. Evaluation is
//! three-valued: a variable the target does not state (`extra`, `platform_machine`, ...) makes
//! its comparison unknown, and an unknown branch is audited, so a marker can only remove a pin
//! from the audit when it is false for certain. A marker that does not parse is unknown too.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifier};

/// The environment pins are audited for. `None` fields are unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetEnv {
    /// `3.12` or `3.12.4`.
    pub python_version: Option<String>,
    /// `linux`, `windows`, `macos` (or `darwin`, `win32`).
    pub platform: Option<String>,
}

impl TargetEnv {
    pub fn is_empty(&self) -> bool {
        self.python_version.is_none() && self.platform.is_none()
    }

    /// Checks the stated values: a Python version must be `X.Y` or `X.Y.Z`, a platform one of
    /// the known names.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(v) = &self.python_version {
            let parts: Vec<&str> = v.split('.').collect();
            if !(2..=3).contains(&parts.len())
                || parts
                    .iter()
                    .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
            {
                return Err(format!("python version `{v}` is not X.Y or X.Y.Z"));
            }
        }
        if let Some(p) = &self.platform {
            if platform_values(p).is_none() {
                return Err(format!(
                    "platform `{p}` is not one of linux, windows, macos (darwin, win32)"
                ));
            }
        }
        Ok(())
    }

    /// What the target says `var` is.
    fn value(&self, var: &str) -> Option<String> {
        let py = self.python_version.as_deref();
        let platform = self.platform.as_deref().and_then(platform_values);
        match var {
            "python_version" => py.map(|v| v.split('.').take(2).collect::<Vec<_>>().join(".")),
            // Only a stated micro version says what the full version is.
            "python_full_version" => py.filter(|v| v.split('.').count() == 3).map(str::to_string),
            "sys_platform" => platform.map(|p| p.0.to_string()),
            "platform_system" => platform.map(|p| p.1.to_string()),
            "os_name" => platform.map(|p| p.2.to_string()),
            _ => None,
        }
    }

    /// `python 3.12, linux`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(v) = &self.python_version {
            parts.push(format!("python {v}"));
        }
        if let Some(p) = &self.platform {
            parts.push(p.clone());
        }
        parts.join(", ")
    }
}

/// (`sys_platform`, `platform_system`, `os_name`) of a platform name.
fn platform_values(p: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match p.to_ascii_lowercase().as_str() {
        "linux" => Some(("linux", "Linux", "posix")),
        "windows" | "win32" | "win" => Some(("win32", "Windows", "nt")),
        "macos" | "darwin" | "mac" | "osx" => Some(("darwin", "Darwin", "posix")),
        _ => None,
    }
}

const VARIABLES: &[&str] = &[
    "python_version",
    "python_full_version",
    "os_name",
    "sys_platform",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform_machine",
    "platform_python_implementation",
    "implementation_name",
    "implementation_version",
    "extra",
    "dependency_groups",
    "extras",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Var(String),
    Str(String),
    Op(String),
    And,
    Or,
    Open,
    Close,
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == b')' {
            out.push(Tok::Close);
            i += 1;
        } else if c == b'"' || c == b'\'' {
            let end = s[i + 1..].find(c as char)? + i + 1;
            out.push(Tok::Str(s[i + 1..end].to_string()));
            i = end + 1;
        } else if b"<>=!~".contains(&c) {
            let start = i;
            while i < b.len() && b"<>=!~".contains(&b[i]) {
                i += 1;
            }
            let op = &s[start..i];
            if !["<", "<=", ">", ">=", "==", "!=", "~=", "==="].contains(&op) {
                return None;
            }
            out.push(Tok::Op(op.to_string()));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            let word = &s[start..i];
            match word {
                "and" => out.push(Tok::And),
                "or" => out.push(Tok::Or),
                "in" => out.push(Tok::Op("in".into())),
                "not" => {
                    // `not in`
                    let rest = s[i..].trim_start();
                    if !rest.starts_with("in") {
                        return None;
                    }
                    i = s.len() - rest.len() + 2;
                    out.push(Tok::Op("not in".into()));
                }
                // `os.name`, `sys.platform`, ... are legacy spellings.
                w => {
                    let var = w.replace('.', "_");
                    if !VARIABLES.contains(&var.as_str()) {
                        return None;
                    }
                    out.push(Tok::Var(var));
                }
            }
        } else {
            return None;
        }
    }
    Some(out)
}

/// Three-valued results: `None` is unknown.
struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    env: &'a TargetEnv,
    depth: usize,
}

impl Parser<'_> {
    fn or(&mut self) -> Result<Option<bool>, ()> {
        let mut v = self.and()?;
        while self.toks.get(self.pos) == Some(&Tok::Or) {
            self.pos += 1;
            let r = self.and()?;
            v = match (v, r) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<Option<bool>, ()> {
        let mut v = self.atom()?;
        while self.toks.get(self.pos) == Some(&Tok::And) {
            self.pos += 1;
            let r = self.atom()?;
            v = match (v, r) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
        }
        Ok(v)
    }

    fn atom(&mut self) -> Result<Option<bool>, ()> {
        if self.toks.get(self.pos) == Some(&Tok::Open) {
            self.depth += 1;
            if self.depth > 64 {
                return Err(());
            }
            self.pos += 1;
            let v = self.or()?;
            if self.toks.get(self.pos) != Some(&Tok::Close) {
                return Err(());
            }
            self.pos += 1;
            self.depth -= 1;
            return Ok(v);
        }
        let lhs = self.toks.get(self.pos).cloned().ok_or(())?;
        let op = match self.toks.get(self.pos + 1) {
            Some(Tok::Op(o)) => o.clone(),
            _ => return Err(()),
        };
        let rhs = self.toks.get(self.pos + 2).cloned().ok_or(())?;
        self.pos += 3;
        let value = |t: &Tok| -> Result<(Option<String>, bool), ()> {
            match t {
                Tok::Var(v) => Ok((self.env.value(v), true)),
                Tok::Str(s) => Ok((Some(s.clone()), false)),
                _ => Err(()),
            }
        };
        let ((l, l_var), (r, r_var)) = (value(&lhs)?, value(&rhs)?);
        if !l_var && !r_var {
            return Err(());
        }
        let version_var = matches!(&lhs, Tok::Var(v) if v.starts_with("python") || v == "implementation_version")
            || matches!(&rhs, Tok::Var(v) if v.starts_with("python") || v == "implementation_version");
        let (Some(l), Some(r)) = (l, r) else {
            return Ok(None);
        };
        Ok(compare(&l, &op, &r, version_var))
    }
}

fn compare(l: &str, op: &str, r: &str, version: bool) -> Option<bool> {
    match op {
        "in" => return Some(r.contains(l)),
        "not in" => return Some(!r.contains(l)),
        _ => {}
    }
    if version {
        if let (Ok(lv), Ok(spec)) = (
            Version::from_str(l),
            VersionSpecifier::from_str(&format!("{op}{r}")),
        ) {
            return Some(spec.contains(&lv));
        }
    }
    match op {
        "==" | "===" => Some(l == r),
        "!=" => Some(l != r),
        _ => None,
    }
}

/// Whether a marker holds in `env`: `Some(false)` only when it is false for certain.
pub fn evaluate(marker: &str, env: &TargetEnv) -> Option<bool> {
    let toks = tokenize(marker)?;
    let mut p = Parser {
        toks,
        pos: 0,
        env,
        depth: 0,
    };
    let v = p.or().ok()?;
    if p.pos != p.toks.len() {
        return None;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(py: &str, platform: &str) -> TargetEnv {
        TargetEnv {
            python_version: (!py.is_empty()).then(|| py.to_string()),
            platform: (!platform.is_empty()).then(|| platform.to_string()),
        }
    }

    #[test]
    fn markers_are_false_only_when_certainly_false() {
        let e = env("3.12", "linux");
        assert_eq!(evaluate("python_version < \"3.9\"", &e), Some(false));
        assert_eq!(evaluate("python_version >= '3.9'", &e), Some(true));
        assert_eq!(evaluate("python_version == \"3.12.*\"", &e), Some(true));
        assert_eq!(evaluate("sys_platform == 'win32'", &e), Some(false));
        assert_eq!(evaluate("platform_system != \"Windows\"", &e), Some(true));
        assert_eq!(evaluate("os.name == 'posix'", &e), Some(true));
        assert_eq!(
            evaluate("sys_platform == 'win32' or python_version < '3.8'", &e),
            Some(false)
        );
        assert_eq!(
            evaluate(
                "(sys_platform == 'win32' or extra == 'x') and python_version >= '3'",
                &e
            ),
            None
        );
        assert_eq!(
            evaluate("extra == 'x' and sys_platform == 'win32'", &e),
            Some(false)
        );
        assert_eq!(evaluate("'linux' in sys_platform", &e), Some(true));
        assert_eq!(
            evaluate("sys_platform not in 'win32 cygwin'", &e),
            Some(true)
        );
        // Not stated: unknown.
        assert_eq!(evaluate("platform_machine == 'arm64'", &e), None);
        assert_eq!(evaluate("python_full_version < '3.12.1'", &e), None);
        assert_eq!(
            evaluate("python_full_version < '3.12.1'", &env("3.12.4", "")),
            Some(false)
        );
        assert_eq!(evaluate("sys_platform == 'win32'", &env("3.12", "")), None);
        // Broken markers are unknown, never false.
        assert_eq!(evaluate("python_version <", &e), None);
        assert_eq!(evaluate("bogus == '1'", &e), None);
        assert_eq!(evaluate("'a' == 'b'", &e), None);
        assert_eq!(evaluate(&"(".repeat(100), &e), None);
    }

    #[test]
    fn targets_are_validated() {
        assert!(env("3.12", "linux").validate().is_ok());
        assert!(env("3", "").validate().is_err());
        assert!(env("", "solaris").validate().is_err());
        assert_eq!(env("3.11", "macos").describe(), "python 3.11, macos");
    }
}
