//! The rule-data format: what a rules YAML file (built-in or user-supplied) holds.
//!
//! This file is also compiled into `build.rs` (via `#[path]`), which turns the built-in YAML
//! into static Rust data at build time, so it depends on nothing but serde.

use serde::Deserialize;

/// One rules file: a provider family's rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rules: Vec<RuleSpec>,
}

/// One rule as written in data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable kebab-case id, never reused.
    pub id: String,
    /// Human name: "GitHub personal access token (classic)".
    pub name: String,
    /// Who issues the credential: "GitHub".
    pub provider: String,
    /// Regex (Rust `regex` syntax, linear time, byte-oriented with ASCII `\w`/`\d`/`\s`/`(?i)`)
    /// whose first participating capture group is the secret (the whole match when it has
    /// no group). `{{assign}}`, `{{end}}` and `{{start}}` expand to
    /// the shared context fragments in [`expand_macros`].
    pub regex: String,
    /// Literals (matched ASCII-case-insensitively) of which one must occur near a match; the
    /// prefilter runs the regex only on lines holding one.
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy (bits per character) of the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Offline structural or checksum check of the secret (see `validate.rs`).
    #[serde(default)]
    pub validator: Option<String>,
    #[serde(default = "default_severity")]
    pub severity: String,
    #[serde(default = "default_confidence")]
    pub confidence: String,
    /// CWE number; 798 (hard-coded credentials) unless set.
    #[serde(default)]
    pub cwe: Option<u32>,
    /// One or two sentences: what leaks and what an attacker can do with it.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    /// The match may span lines (PEM blocks, JSON documents): the regex runs on a window
    /// starting at the keyword's line instead of on that line alone.
    #[serde(default)]
    pub multiline: bool,
    /// A keyword-and-entropy rule rather than a provider format: a provider rule matching the
    /// same secret wins, and placeholder filtering is stricter.
    #[serde(default)]
    pub generic: bool,
    /// Skip the placeholder/noise filters (formats whose structure already proves them).
    #[serde(default)]
    pub skip_noise_filter: bool,
    /// An identifier that is not a secret by itself (a Twilio account SID): never reported
    /// alone, only named as the companion of a secret rule's `pair`.
    #[serde(default)]
    pub identifier: bool,
    /// A companion rule (an id for this secret) found within some lines: the two become one
    /// finding of high confidence.
    #[serde(default)]
    pub pair: Option<PairSpec>,
    /// Strings (a line or a few) that must produce a finding of this rule.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Strings that must not.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    /// Id of the companion rule.
    pub with: String,
    /// How many lines apart the two may be.
    #[serde(default = "default_within")]
    pub within_lines: u32,
}

fn default_severity() -> String {
    "high".into()
}
fn default_confidence() -> String {
    "medium".into()
}
fn default_within() -> u32 {
    5
}

/// The rest of a name after the part a rule spells out (`okta` + `_api_token`).
const NAME_REST: &str = r"[\w.\-]*?";

/// How a value is assigned to a name, in every syntax the rules know: one grammar shared by the
/// generic rules and every name-anchored provider rule (`{{assign}}`, `{{assign-op}}`).
///
/// - operators: `=` (Python, shell `export`/`set`, PowerShell `$env:`, .env, INI, TOML,
///   properties, HCL, Dockerfile `ENV`/`ARG`, `--flag=`), `:` (YAML, JSON, HTTP headers),
///   `:=` (Go), Makefile `?=` `::=` `:::=` `+=`, PHP `.=`, Ruby `||=`, JS `??=`, `=>` (PHP,
///   Ruby), `->`, R `<-`;
/// - before the operator: a closing quote or subscript (`"name":`, `["NAME"] =`, `\"name\":`
///   in escaped JSON) and a type (`var name string =`, `name: str =`, `val name: String =`,
///   `const NAME: &str =`);
/// - a quoted name, a comma and a quoted value: `System.setProperty("NAME", "v")`,
///   `os.environ.setdefault`, `getenv("NAME", "v")`, PHP `define('NAME', 'v')` (generic rules
///   also need a setter call before it, see `noise::comma_form_is_setter`);
/// - XML: an element `<name>v</name>` (the value right after `>`, or alone on the next line)
///   and an attribute pair `key="name" value="v"`.
///
/// A space as the operator (Dockerfile `ENV NAME value`, fish `set -gx NAME value`) is not in
/// the grammar: the engine scans such lines with an `=` in its place (`crate::spaced`).
const OPERATOR: &str = concat!(
    r#"(?:(?:\\?['"`])?\]?(?:(?:[ \t]+|[ \t]*:[ \t]*&?)[Ss]tr(?:ing)?)?[ \t]*(?:[:?+.|]{0,3}=|:|=>|->|<-)[ \t]*"#,
    r#"|\\?['"][ \t]*,[ \t]*[rbu@]?\\?["'`]"#,
    r#"|(?:\\?['"])?>(?:[ \t]*\r?\n[ \t]*)?"#,
    r#"|\\?['"][ \t]+(?i:value)[ \t]*=[ \t]*"#,
    r#")"#,
);

/// After the operator: an optional opening quote (with a string prefix: Python `r"`/`b"`,
/// C# `@"`; spaces after the operator belong to the operator, so an XML value starts right
/// after `>`) and an HTTP authorization scheme (`Authorization: Bearer|Basic|Token|Api-Token|
/// SSWS|Bot v`).
const OPEN: &str =
    r#"(?:[rbu@]?\\?["'`][ \t]*)?(?:(?i:bearer|basic|token|api-?token|ssws|bot)[ \t]+)?"#;

/// Context fragments shared by many rules, so the common "name = value" shapes are written once.
///
/// - `{{assign}}`: the rest of an identifier, the assignment grammar of [`OPERATOR`], then an
///   optional opening quote and authorization scheme ([`OPEN`]).
/// - `{{assign-op}}`: the same without what follows the operator, for rules that match the
///   quotes of their value themselves.
/// - `{{start}}`: the secret starts at a token boundary (not inside a longer word).
/// - `{{end}}`: the secret ends at a token boundary (quote, space, punctuation or line end).
pub fn expand_macros(regex: &str) -> String {
    regex
        .replace("{{assign}}", &format!("{NAME_REST}{OPERATOR}{OPEN}"))
        .replace("{{assign-op}}", &format!("{NAME_REST}{OPERATOR}"))
        .replace("{{start}}", r#"(?:^|[^0-9A-Za-z_\-+/])"#)
        .replace("{{end}}", r#"(?:[^0-9A-Za-z_\-+/]|$)"#)
}

/// Whether a rule's regex starts with the provider name it is anchored on (`(?i:okta){{assign}}`,
/// `(?i:notion)[\w.\-]{0,30}?...`): then the match starts at that name, and the engine accepts
/// it only where the name starts at a word or camelCase boundary (not `okta` in `rookTable`,
/// `etsy` in `SetSysctl`, `notion` in `promotion`).
pub fn is_name_anchored(regex: &str) -> bool {
    regex.starts_with("(?i:")
}

/// Validators a rule may name.
pub const VALIDATORS: &[&str] = &[
    "crc32-base62",
    "pypi-macaroon",
    "jwt",
    "pem-body",
    "base64-64-bytes",
    "openai-key",
    "basic-auth-b64",
    "pem-base64",
    "jwt-base64",
];

/// Checks what serde cannot: id shape, levels, validator names, regex macros.
pub fn lint(spec: &RuleSpec) -> Result<(), String> {
    let id_ok = !spec.id.is_empty()
        && spec
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !spec.id.starts_with('-')
        && !spec.id.ends_with('-');
    if !id_ok {
        return Err(format!("rule id `{}` is not kebab-case", spec.id));
    }
    if !matches!(
        spec.severity.as_str(),
        "low" | "medium" | "high" | "critical"
    ) {
        return Err(format!("{}: unknown severity `{}`", spec.id, spec.severity));
    }
    if !matches!(spec.confidence.as_str(), "low" | "medium" | "high") {
        return Err(format!(
            "{}: unknown confidence `{}`",
            spec.id, spec.confidence
        ));
    }
    if let Some(v) = &spec.validator {
        if !VALIDATORS.contains(&v.as_str()) {
            return Err(format!(
                "{}: unknown validator `{v}` (known: {})",
                spec.id,
                VALIDATORS.join(", ")
            ));
        }
    }
    if spec.keywords.is_empty() || spec.keywords.iter().any(|k| k.len() < 2) {
        return Err(format!(
            "{}: needs at least one keyword of two or more characters",
            spec.id
        ));
    }
    if let Some(e) = spec.min_entropy {
        if !(0.0..=8.0).contains(&e) {
            return Err(format!("{}: min_entropy {e} is outside 0..8", spec.id));
        }
    }
    Ok(())
}

/// Provider of the rules that look for any credential, not one provider's.
pub const ANY_PROVIDER: &str = "(any)";

/// A rule's one-line summary: its name, and its provider where the name does not already say it.
pub fn title(name: &str, provider: &str) -> String {
    if provider == ANY_PROVIDER || name.to_lowercase().contains(&provider.to_lowercase()) {
        name.to_string()
    } else {
        format!("{name} ({provider})")
    }
}

/// The first sentence of a rule's "What it does".
pub fn finds(name: &str, provider: &str) -> String {
    if provider == ANY_PROVIDER {
        format!("Finds credentials of any provider: {name}.")
    } else {
        format!("Finds {provider} credentials: {name}.")
    }
}
