//! Configuration: palisade's `[python]` section, and Bandit's own configuration files (YAML,
//! `[tool.bandit]` in pyproject.toml, `.bandit` INI) read so teams can switch without
//! rewriting them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml::Value;

use crate::rules::{Rule, RuleSet};

/// The `[python]` section of palisade's configuration.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// A Bandit configuration file (YAML, a `.toml` with `[tool.bandit]`, or a `.bandit` INI).
    /// Relative paths are relative to the configuration's folder.
    pub bandit_config: Option<PathBuf>,
    /// Look for `[tool.bandit]` in pyproject.toml and for `.bandit` upward from the root when
    /// no `bandit-config` is given (default true).
    pub discover_bandit_config: Option<bool>,
    /// Report findings even where a `# nosec` comment suppresses them.
    #[serde(default)]
    pub ignore_nosec: bool,
    /// Parse every file whole, also the statements no enabled rule could report in (slower;
    /// also reports syntax errors there).
    #[serde(default)]
    pub full_parse: bool,
}

/// A Bandit configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The parts of a Bandit configuration palisade understands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BanditConfig {
    /// `tests`: only these IDs run (empty: all).
    pub tests: Vec<String>,
    /// `skips`: these IDs do not run.
    pub skips: Vec<String>,
    /// `exclude_dirs`: globs or substrings of paths not to check.
    pub exclude_dirs: Vec<String>,
    /// `include`: globs of files to check (Bandit's default `*.py`).
    pub include: Vec<String>,
    pub assert_skips: Option<Vec<String>>,
    pub tmp_dirs: Option<Vec<String>>,
    pub except_pass_typed: Option<bool>,
    pub except_continue_typed: Option<bool>,
    pub shell_subprocess: Option<Vec<String>>,
    pub shell_shell: Option<Vec<String>>,
    pub shell_no_shell: Option<Vec<String>>,
    pub bad_protocol_versions: Option<Vec<String>>,
    pub key_sizes: Vec<(String, u32)>,
    pub extend_markup_names: Option<Vec<String>>,
    pub allowed_calls: Option<Vec<String>>,
    /// Where it was read from, for messages.
    pub source: Option<PathBuf>,
}

impl BanditConfig {
    /// Reads a Bandit configuration: `*.toml` from `[tool.bandit]` (absent table: empty
    /// config), a file whose first non-comment line is `[bandit]` as INI, anything else as YAML.
    pub fn load(path: &Path) -> Result<BanditConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut cfg = Self::parse(&text, path)?;
        cfg.source = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// Parses configuration text; the format is chosen from `path` as in [`BanditConfig::load`].
    pub fn parse(text: &str, path: &Path) -> Result<BanditConfig, ConfigError> {
        let perr = |message: String| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        };
        if path.extension().is_some_and(|e| e == "toml") {
            palisade_core::nesting::check_toml_depth(text, palisade_core::nesting::MAX_TOML_DEPTH)
                .map_err(|e| perr(e.to_string()))?;
            let doc: toml::Table = toml::from_str(text).map_err(|e| {
                perr(palisade_core::nesting::toml_error_line(
                    e.message(),
                    e.span().map(|s| s.start),
                    text,
                ))
            })?;
            let table = doc
                .get("tool")
                .and_then(|t| t.get("bandit"))
                .cloned()
                .unwrap_or(toml::Value::Table(Default::default()));
            let value = serde_yaml::to_value(table).map_err(|e| perr(e.to_string()))?;
            return Self::from_value(&value, path);
        }
        if is_ini(text) {
            return Ok(Self::from_ini(text));
        }
        // Deep flow nesting makes the YAML parser quadratic: refused in one linear pass.
        palisade_core::nesting::check_yaml_flow_depth(text, palisade_core::nesting::MAX_YAML_DEPTH)
            .map_err(|e| perr(e.to_string()))?;
        let value: Value = serde_yaml::from_str(text).map_err(|e| perr(e.to_string()))?;
        Self::from_value(&value, path)
    }

    /// Whether a pyproject.toml has a `[tool.bandit]` table.
    pub fn pyproject_has_bandit(text: &str) -> bool {
        palisade_core::nesting::check_toml_depth(text, palisade_core::nesting::MAX_TOML_DEPTH)
            .ok()
            .and_then(|()| toml::from_str::<toml::Table>(text).ok())
            .and_then(|d| d.get("tool").and_then(|t| t.get("bandit")).cloned())
            .is_some()
    }

    fn from_ini(text: &str) -> BanditConfig {
        let mut cfg = BanditConfig::default();
        let mut in_bandit = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
                continue;
            }
            if line.starts_with('[') {
                in_bandit = line == "[bandit]";
                continue;
            }
            if !in_bandit {
                continue;
            }
            let Some((k, v)) = line.split_once(['=', ':']) else {
                continue;
            };
            let list = || -> Vec<String> {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            match k.trim() {
                "tests" => cfg.tests = list(),
                "skips" => cfg.skips = list(),
                "exclude" | "exclude_dirs" => cfg.exclude_dirs = list(),
                _ => {}
            }
        }
        cfg
    }

    fn from_value(value: &Value, path: &Path) -> Result<BanditConfig, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let mut cfg = BanditConfig::default();
        let Some(map) = value.as_mapping() else {
            if value.is_null() {
                return Ok(cfg);
            }
            return Err(invalid("expected a mapping of Bandit settings".into()));
        };
        let get = |key: &str| map.get(Value::String(key.to_string()));
        let strings = |v: &Value, key: &str| -> Result<Vec<String>, ConfigError> {
            match v {
                Value::Sequence(items) => items
                    .iter()
                    .map(|i| scalar(i).ok_or_else(|| invalid(format!("`{key}` must hold strings"))))
                    .collect(),
                // Bandit also accepts a comma-separated string for tests/skips.
                Value::String(s) => Ok(s
                    .split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()),
                Value::Null => Ok(Vec::new()),
                _ => Err(invalid(format!("`{key}` must be a list of strings"))),
            }
        };
        if let Some(v) = get("tests") {
            cfg.tests = strings(v, "tests")?;
        }
        if let Some(v) = get("skips") {
            cfg.skips = strings(v, "skips")?;
        }
        if let Some(v) = get("exclude_dirs") {
            cfg.exclude_dirs = strings(v, "exclude_dirs")?;
        }
        if let Some(v) = get("include") {
            cfg.include = strings(v, "include")?;
        }
        // Plugin sections by Bandit's `takes_config` name, then by the plugin-named aliases
        // that bandit-config-generator writes (which Bandit itself ignores).
        let section = |names: &[&str]| names.iter().find_map(|n| get(n));
        let sub = |sec: Option<&Value>, key: &str| -> Option<Value> {
            sec.and_then(|s| s.get(key)).cloned()
        };
        let list = |sec: Option<&Value>, key: &str| -> Result<Option<Vec<String>>, ConfigError> {
            sub(sec, key).map(|v| strings(&v, key)).transpose()
        };
        let boolean = |sec: Option<&Value>, key: &str| -> Result<Option<bool>, ConfigError> {
            match sub(sec, key) {
                None => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(b)),
                Some(_) => Err(invalid(format!("`{key}` must be true or false"))),
            }
        };
        let assert = section(&["assert_used"]);
        cfg.assert_skips = list(assert, "skips")?;
        let tmp = section(&["hardcoded_tmp_directory"]);
        cfg.tmp_dirs = list(tmp, "tmp_dirs")?;
        cfg.except_pass_typed = boolean(section(&["try_except_pass"]), "check_typed_exception")?;
        cfg.except_continue_typed =
            boolean(section(&["try_except_continue"]), "check_typed_exception")?;
        let shell = section(&[
            "shell_injection",
            "subprocess_popen_with_shell_equals_true",
            "subprocess_without_shell_equals_true",
            "any_other_function_with_shell_equals_true",
            "start_process_with_a_shell",
            "start_process_with_no_shell",
            "start_process_with_partial_path",
            "linux_commands_wildcard_injection",
        ]);
        cfg.shell_subprocess = list(shell, "subprocess")?;
        cfg.shell_shell = list(shell, "shell")?;
        cfg.shell_no_shell = list(shell, "no_shell")?;
        let ssl = section(&[
            "ssl_with_bad_version",
            "ssl_with_bad_defaults",
            "ssl_with_no_version",
        ]);
        cfg.bad_protocol_versions = list(ssl, "bad_protocol_versions")?;
        if let Some(Value::Mapping(m)) = section(&["weak_cryptographic_key"]) {
            for (k, v) in m {
                let (Some(k), Some(n)) = (k.as_str(), v.as_u64()) else {
                    return Err(invalid(
                        "`weak_cryptographic_key` sizes must be integers".into(),
                    ));
                };
                cfg.key_sizes.push((k.to_string(), n as u32));
            }
        }
        let markup = section(&["markupsafe_xss", "markupsafe_markup_xss"]);
        cfg.extend_markup_names = list(markup, "extend_markup_names")?;
        cfg.allowed_calls = list(markup, "allowed_calls")?;
        Ok(cfg)
    }

    /// Finds the Bandit configuration that applies to `root`: the nearest pyproject.toml with a
    /// `[tool.bandit]` table or `.bandit` file, looking upward from `root`.
    pub fn discover(root: &Path) -> Option<PathBuf> {
        let mut dir = Some(root);
        while let Some(d) = dir {
            let pyproject = d.join("pyproject.toml");
            if let Ok(text) = std::fs::read_to_string(&pyproject) {
                if Self::pyproject_has_bandit(&text) {
                    return Some(pyproject);
                }
            }
            let ini = d.join(".bandit");
            if ini.is_file() {
                return Some(ini);
            }
            dir = d.parent();
        }
        None
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_ini(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
        .is_some_and(|l| l == "[bandit]")
}

/// Key-size thresholds of B505 (`weak_cryptographic_key`).
#[derive(Debug, Clone)]
pub(crate) struct KeySizes {
    pub rsa_high: u32,
    pub rsa_medium: u32,
    pub dsa_high: u32,
    pub dsa_medium: u32,
    pub ec_high: u32,
    pub ec_medium: u32,
}

/// Everything the rules read, resolved from defaults, the Bandit config and palisade's config.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub enabled: RuleSet,
    /// The enabled rules per node kind, made from `enabled` on first use.
    dispatch: std::sync::OnceLock<crate::rules::Dispatch>,
    pub ignore_nosec: bool,
    pub assert_skips: Vec<String>,
    pub tmp_dirs: Vec<String>,
    pub except_pass_typed: bool,
    pub except_continue_typed: bool,
    pub shell_subprocess: HashSet<String>,
    pub shell_shell: HashSet<String>,
    pub shell_no_shell: HashSet<String>,
    pub bad_protocol_versions: Vec<String>,
    pub key_sizes: KeySizes,
    pub markup_names: HashSet<String>,
    pub allowed_calls: Vec<String>,
    pub exclude_dirs: Vec<String>,
    pub include: Vec<String>,
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Settings {
    pub(crate) fn dispatch(&self) -> &crate::rules::Dispatch {
        self.dispatch
            .get_or_init(|| crate::rules::Dispatch::new(self.enabled))
    }

    /// Changes the enabled rules (and what is derived from them).
    pub(crate) fn set_enabled(&mut self, enabled: RuleSet) {
        self.enabled = enabled;
        self.dispatch = std::sync::OnceLock::new();
    }

    pub fn new(config: &Config, bandit: Option<&BanditConfig>) -> Result<Settings, ConfigError> {
        let default = BanditConfig::default();
        let b = bandit.unwrap_or(&default);
        let path = b.source.clone().unwrap_or_default();
        let mut key_sizes = KeySizes {
            rsa_high: 1024,
            rsa_medium: 2048,
            dsa_high: 1024,
            dsa_medium: 2048,
            ec_high: 160,
            ec_medium: 224,
        };
        for (k, v) in &b.key_sizes {
            let slot = match k.as_str() {
                "weak_key_size_rsa_high" => &mut key_sizes.rsa_high,
                "weak_key_size_rsa_medium" => &mut key_sizes.rsa_medium,
                "weak_key_size_dsa_high" => &mut key_sizes.dsa_high,
                "weak_key_size_dsa_medium" => &mut key_sizes.dsa_medium,
                "weak_key_size_ec_high" => &mut key_sizes.ec_high,
                "weak_key_size_ec_medium" => &mut key_sizes.ec_medium,
                other => {
                    return Err(ConfigError::Invalid {
                        path,
                        message: format!("unknown weak_cryptographic_key setting `{other}`"),
                    })
                }
            };
            *slot = *v;
        }
        Ok(Settings {
            enabled: select(&b.tests, &b.skips, &path)?,
            dispatch: std::sync::OnceLock::new(),
            ignore_nosec: config.ignore_nosec,
            assert_skips: b.assert_skips.clone().unwrap_or_default(),
            tmp_dirs: b
                .tmp_dirs
                .clone()
                .unwrap_or_else(|| strs(&["/tmp", "/var/tmp", "/dev/shm"])),
            except_pass_typed: b.except_pass_typed.unwrap_or(false),
            except_continue_typed: b.except_continue_typed.unwrap_or(false),
            shell_subprocess: b
                .shell_subprocess
                .clone()
                .unwrap_or_else(|| {
                    strs(&[
                        "subprocess.Popen",
                        "subprocess.call",
                        "subprocess.check_call",
                        "subprocess.check_output",
                        "subprocess.run",
                    ])
                })
                .into_iter()
                .collect(),
            shell_shell: b
                .shell_shell
                .clone()
                .unwrap_or_else(|| {
                    strs(&[
                        "os.system",
                        "os.popen",
                        "os.popen2",
                        "os.popen3",
                        "os.popen4",
                        "popen2.popen2",
                        "popen2.popen3",
                        "popen2.popen4",
                        "popen2.Popen3",
                        "popen2.Popen4",
                        "commands.getoutput",
                        "commands.getstatusoutput",
                        "subprocess.getoutput",
                        "subprocess.getstatusoutput",
                    ])
                })
                .into_iter()
                .collect(),
            shell_no_shell: b
                .shell_no_shell
                .clone()
                .unwrap_or_else(|| {
                    strs(&[
                        "os.execl",
                        "os.execle",
                        "os.execlp",
                        "os.execlpe",
                        "os.execv",
                        "os.execve",
                        "os.execvp",
                        "os.execvpe",
                        "os.spawnl",
                        "os.spawnle",
                        "os.spawnlp",
                        "os.spawnlpe",
                        "os.spawnv",
                        "os.spawnve",
                        "os.spawnvp",
                        "os.spawnvpe",
                        "os.startfile",
                    ])
                })
                .into_iter()
                .collect(),
            bad_protocol_versions: b.bad_protocol_versions.clone().unwrap_or_else(|| {
                strs(&[
                    "PROTOCOL_SSLv2",
                    "SSLv2_METHOD",
                    "SSLv23_METHOD",
                    "PROTOCOL_SSLv3",
                    "PROTOCOL_TLSv1",
                    "SSLv3_METHOD",
                    "TLSv1_METHOD",
                    "PROTOCOL_TLSv1_1",
                    "TLSv1_1_METHOD",
                ])
            }),
            key_sizes,
            markup_names: {
                let mut names = strs(&["markupsafe.Markup", "flask.Markup"]);
                names.extend(b.extend_markup_names.clone().unwrap_or_default());
                names.into_iter().collect()
            },
            allowed_calls: b.allowed_calls.clone().unwrap_or_default(),
            exclude_dirs: b.exclude_dirs.clone(),
            include: b.include.clone(),
        })
    }
}

/// Bandit's test selection: `tests` (if any) then minus `skips`; `B001` means every blacklist
/// ID unless specific blacklist IDs are listed too.
fn select(tests: &[String], skips: &[String], path: &Path) -> Result<RuleSet, ConfigError> {
    let resolve = |ids: &[String]| -> Result<RuleSet, ConfigError> {
        let mut set = RuleSet::EMPTY;
        let specific_blacklist = ids
            .iter()
            .any(|i| Rule::from_id(i.trim()).is_some_and(|r| r.is_blacklist()));
        for id in ids {
            let id = id.trim();
            if id == "B001" {
                if !specific_blacklist {
                    for r in Rule::ALL.iter().filter(|r| r.is_blacklist()) {
                        set.insert(*r);
                    }
                }
                continue;
            }
            match Rule::from_id(id) {
                Some(r) => set.insert(r),
                None => {
                    return Err(ConfigError::Invalid {
                        path: path.to_path_buf(),
                        message: format!("unknown Bandit test id `{id}`"),
                    })
                }
            }
        }
        Ok(set)
    };
    let include = resolve(tests)?;
    let exclude = resolve(skips)?;
    let both = include.intersection(exclude);
    if let Some(r) = both.iter().next() {
        return Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            message: format!("{} is both in tests and skips", r.meta().id),
        });
    }
    let base = if include.is_empty() {
        RuleSet::all()
    } else {
        include
    };
    Ok(base.difference(exclude))
}

/// Python's `fnmatch.fnmatch` on POSIX (`*` matches anything, `/` included), through the
/// core's one glob matcher; compiled patterns are kept per thread.
pub(crate) fn fnmatch(name: &str, pattern: &str) -> bool {
    use palisade_core::glob::Glob;
    thread_local! {
        static CACHE: std::cell::RefCell<HashMap<String, Option<Glob>>> =
            std::cell::RefCell::new(HashMap::new());
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if !c.contains_key(pattern) {
            c.insert(pattern.to_string(), Glob::fnmatch(pattern).ok());
        }
        // A pattern that cannot compile matches only itself, as a literal.
        c[pattern]
            .as_ref()
            .map_or(name == pattern, |g| g.is_match(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_like_python() {
        assert!(fnmatch("./tests/test_x.py", "*/test_*.py"));
        assert!(fnmatch("examples/assert.py", "*assert.py"));
        assert!(!fnmatch("examples/assert.pyc", "*assert.py"));
        assert!(fnmatch("a/b.py", "*.py"));
        assert!(fnmatch("x1.py", "x[0-9].py"));
        assert!(!fnmatch("xa.py", "x[!a].py"));
    }

    #[test]
    fn yaml_toml_ini_and_aliases() {
        let y = BanditConfig::parse(
            "skips: [B101, B601]\nassert_used:\n  skips: ['*_test.py']\nany_other_function_with_shell_equals_true:\n  no_shell: [os.execl]\n",
            Path::new("b.yaml"),
        )
        .unwrap();
        assert_eq!(y.skips, vec!["B101", "B601"]);
        assert_eq!(y.assert_skips, Some(vec!["*_test.py".to_string()]));
        assert_eq!(y.shell_no_shell, Some(vec!["os.execl".to_string()]));
        let t = BanditConfig::parse(
            "[tool.bandit]\nexclude_dirs = ['tests']\ntests = ['B201']\n[tool.bandit.hardcoded_tmp_directory]\ntmp_dirs = ['/scratch']\n",
            Path::new("pyproject.toml"),
        )
        .unwrap();
        assert_eq!(t.exclude_dirs, vec!["tests"]);
        assert_eq!(t.tmp_dirs, Some(vec!["/scratch".to_string()]));
        let empty =
            BanditConfig::parse("[project]\nname='x'\n", Path::new("pyproject.toml")).unwrap();
        assert_eq!(empty, BanditConfig::default());
        let ini = BanditConfig::parse(
            "[bandit]\nskips = B101,B404\nexclude = ./tests\n",
            Path::new(".bandit"),
        )
        .unwrap();
        assert_eq!(ini.skips, vec!["B101", "B404"]);
        assert_eq!(ini.exclude_dirs, vec!["./tests"]);
        assert!(BanditConfig::parse("tests: {a: 1}", Path::new("x.yaml")).is_err());
        assert!(BanditConfig::parse("tests: [", Path::new("x.yaml")).is_err());
    }

    #[test]
    fn selection() {
        let s = select(&[], &["B001".into()], Path::new("")).unwrap();
        assert!(s.contains(Rule::B101));
        let s = select(&["B101".into()], &[], Path::new("")).unwrap();
        assert!(s.contains(Rule::B101));
        assert!(select(&["B101".into()], &["B101".into()], Path::new("")).is_err());
        assert!(select(&["B999".into()], &[], Path::new("")).is_err());
    }
}
