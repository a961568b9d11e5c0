//! palisade-secrets: finds hard-coded credentials in any text file.
//!
//! Rules are data (`rules/*.yaml`, one file per provider family), turned into static tables at
//! build time. A scan runs one Aho-Corasick pass over every rule's keywords, then each hit
//! rule's regex (compiled on first need) on the lines around its keywords, then filters:
//! entropy, placeholders, offline checksums, allow comments, config allowlists. See README.md.

pub mod allow;
pub mod boundary;
pub mod check_rules;
pub mod config;
pub mod decode;
pub mod engine;
pub mod gitleaks;
pub mod migrate;
pub mod noise;
pub mod prefilter;
pub mod rules;
mod spaced;
pub mod spec;
pub mod validate;
mod words;

use std::cell::RefCell;
use std::path::Path;

use palisade_core::{
    Checker, CheckerKind, Confidence, Diagnostic, FileReport, Finding, LineIndex, RuleMeta,
    ScanContext, SourceFile, Span,
};

pub use config::{AllowEntry, Config};
pub use engine::Engine;
use engine::RawMatch;
use rules::{Rule, BUILTIN};

/// Problems loading the configuration: a custom rules file or an allowlist regex.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("{0}")]
    Config(String),
}

pub struct SecretsChecker {
    engine: Engine,
    meta: Vec<RuleMeta>,
    allow: config::CompiledAllow,
    /// What an imported `.gitleaks.toml` held that was not translated, said in every report.
    import_notes: Vec<String>,
}

/// From how many files on a scan the DFA prefilter is built.
const LARGE_SCAN_FILES: usize = 64;
/// From how many bytes of one text the DFA prefilter is built, whatever the scan: the
/// build-time table costs tens of nanoseconds a byte, the DFA's build a few milliseconds once.
const LARGE_SCAN_BYTES: usize = 256 << 10;

thread_local! {
    /// Per-thread scratch reused across files: prefilter windows and raw matches.
    static SCRATCH: RefCell<(engine::Windows, Vec<RawMatch>)> =
        const { RefCell::new((Vec::new(), Vec::new())) };
}

impl SecretsChecker {
    /// The built-in rules only, no allowlists.
    pub fn new(_config: &Config) -> Self {
        Self::with_parts(Vec::new(), config::CompiledAllow::default())
    }

    /// Built-in rules plus the config's custom rules (files resolved against `root`), with its
    /// allowlists and imported baselines. Custom rules extend the built-ins; an id that clashes
    /// with a built-in one is an error rather than a silent replacement.
    pub fn from_config(config: &Config, root: &Path) -> Result<Self, Error> {
        let mut custom = Vec::new();
        for file in &config.rules_files {
            let path = root.join(file);
            let text = std::fs::read_to_string(&path).map_err(|e| Error::File {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            // Deep flow nesting makes the YAML parser quadratic: refused in one linear pass.
            palisade_core::nesting::check_yaml_flow_depth(
                &text,
                palisade_core::nesting::MAX_YAML_DEPTH,
            )
            .map_err(|e| Error::File {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            let parsed: spec::RuleFile = serde_yaml::from_str(&text).map_err(|e| Error::File {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            custom.extend(parsed.rules);
        }
        custom.extend(config.rules.iter().cloned());
        let mut config = std::borrow::Cow::Borrowed(config);
        let (gitleaks_path, import_notes) = match import_gitleaks(&config, root)? {
            Some((path, import)) => {
                custom.extend(import.rules);
                config.to_mut().allow.extend(import.allow);
                (path, import.notes)
            }
            None => (String::new(), Vec::new()),
        };
        let allow = config::CompiledAllow::new(&config, root)?;
        let mut user = Vec::new();
        for s in &custom {
            if BUILTIN.iter().any(|b| b.id == s.id)
                || user
                    .iter()
                    .any(|(u, _): &(spec::RuleSpec, Rule)| u.id == s.id)
            {
                return Err(Error::Config(format!(
                    "custom secret rule id `{}` is already used; pick a new id",
                    s.id
                )));
            }
            let rule = Rule::from_spec(s).map_err(Error::Config)?;
            user.push((s.clone(), rule));
        }
        let mut checker = Self::with_parts(user, allow);
        checker.import_notes = import_notes
            .into_iter()
            .map(|n| format!("{gitleaks_path}: {n}"))
            .collect();
        Ok(checker)
    }

    fn with_parts(user: Vec<(spec::RuleSpec, Rule)>, allow: config::CompiledAllow) -> Self {
        let mut rules: Vec<Rule> = BUILTIN.iter().map(Rule::from_static).collect();
        let mut meta: Vec<RuleMeta> = BUILTIN.iter().map(rules::static_meta).collect();
        for (s, rule) in user {
            meta.push(rules::spec_meta(&s, &rule));
            rules.push(rule);
        }
        SecretsChecker {
            engine: Engine::new(rules),
            meta,
            allow,
            import_notes: Vec::new(),
        }
    }

    /// The matching engine (for tests that compare its prefilters).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The rules this checker scans with.
    pub fn rule_set(&self) -> &[Rule] {
        &self.engine.rules
    }

    /// Every secret found in `text` as (rule id, secret), after all filters but before allow
    /// comments and config allowlists: what a rule's examples are checked against.
    pub fn find_secrets<'t>(&self, text: &'t str) -> Vec<(&str, &'t str)> {
        let mut windows = Vec::new();
        let mut raw = Vec::new();
        let mut errors = Vec::new();
        let _truncated = self
            .engine
            .scan(text, false, &mut windows, &mut raw, &mut errors);
        let kept = resolve_overlaps(&self.engine.rules, raw);
        kept.into_iter()
            .map(|m| (self.engine.rules[m.rule].id.as_ref(), &text[m.secret]))
            .collect()
    }
}

/// Reads and translates the gitleaks configuration the config names, or `.gitleaks.toml` in
/// the root when peer files are imported and it exists. Returns its display name and what it
/// became.
fn import_gitleaks(
    config: &Config,
    root: &Path,
) -> Result<Option<(String, gitleaks::GitleaksImport)>, Error> {
    let (path, required) = match &config.gitleaks_config {
        Some(p) => (root.join(p), true),
        None if config.import_peer_baselines => (root.join(".gitleaks.toml"), false),
        None => return Ok(None),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if required || e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::File {
                path: path.display().to_string(),
                message: e.to_string(),
            })
        }
        Err(_) => return Ok(None),
    };
    let taken = |id: &str| BUILTIN.iter().any(|b| b.id == id);
    let import = gitleaks::translate(&text, taken).map_err(|message| Error::File {
        path: path.display().to_string(),
        message,
    })?;
    let name = path
        .strip_prefix(root)
        .unwrap_or(&path)
        .display()
        .to_string();
    Ok(Some((name, import)))
}

/// Lock files hold integrity hashes and checksums, which look random: only provider formats
/// (never generic rules) are reported there.
fn is_lock_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "Cargo.lock"
            | "poetry.lock"
            | "Pipfile.lock"
            | "uv.lock"
            | "pdm.lock"
            | "go.sum"
            | "composer.lock"
            | "Gemfile.lock"
            | "packages.lock.json"
            | "flake.lock"
            | "pixi.lock"
            | "conda-lock.yml"
    ) || name.ends_with(".lock")
}

/// Where several rules matched overlapping text, keeps the most specific: a provider rule
/// beats a generic one; the longer secret beats a shorter one inside it.
fn resolve_overlaps(rules: &[Rule], mut raw: Vec<RawMatch>) -> Vec<RawMatch> {
    raw.sort_by_key(|m| (m.secret.start, std::cmp::Reverse(m.secret.end), m.rule));
    raw.dedup_by(|b, a| a.secret == b.secret && a.rule == b.rule);
    let mut keep = vec![true; raw.len()];
    for i in 0..raw.len() {
        for j in (i + 1)..raw.len() {
            if raw[j].secret.start >= raw[i].secret.end {
                break;
            }
            let (a, b) = (&raw[i], &raw[j]);
            // Specificity: a provider rule beats a generic one, a validated generic rule
            // (JWT structure) beats a keyword-and-entropy one; on a tie the outer match wins.
            let rank = |r: usize| match (rules[r].generic, rules[r].validator.is_some()) {
                (false, _) => 2,
                (true, true) => 1,
                (true, false) => 0,
            };
            let (ra, rb) = (rank(a.rule), rank(b.rule));
            let drop_b = match ra.cmp(&rb) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                // A rejected value never hides a valid match of another rule.
                std::cmp::Ordering::Equal if a.rejected != b.rejected => b.rejected,
                std::cmp::Ordering::Equal => b.secret.end <= a.secret.end,
            };
            let drop_a = !drop_b && (ra < rb || (ra == rb && a.rejected && !b.rejected));
            if drop_b {
                keep[j] = false;
            } else if drop_a {
                keep[i] = false;
            }
        }
    }
    // Rejected provider matches have done their work (outranking generic matches of the same
    // value) and are not findings.
    raw.into_iter()
        .zip(keep)
        .filter_map(|(m, k)| (k && !m.rejected).then_some(m))
        .collect()
}

/// The source line around a secret, cut to a readable length. The window always holds the
/// whole secret on this line, so the redactor, which masks whole values, masks it; a cut
/// through the middle of a secret would leave part of it unmasked.
fn snippet(line: &str, line_start: usize, secret: &std::ops::Range<usize>) -> String {
    const MAX: usize = 200;
    const AROUND: usize = 60;
    if line.len() <= MAX {
        return line.trim().to_string();
    }
    let s = secret.start.saturating_sub(line_start).min(line.len());
    let e = secret.end.saturating_sub(line_start).min(line.len()).max(s);
    let mut from = s.saturating_sub(AROUND);
    let mut to = (e + AROUND).min(line.len());
    while !line.is_char_boundary(from) {
        from -= 1;
    }
    while !line.is_char_boundary(to) {
        to += 1;
    }
    format!(
        "{}{}{}",
        if from > 0 { "…" } else { "" },
        line[from..to].trim(),
        if to < line.len() { "…" } else { "" }
    )
}

impl Checker for SecretsChecker {
    fn kind(&self) -> CheckerKind {
        CheckerKind::Secrets
    }

    fn rules(&self) -> &[RuleMeta] {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !self.allow.path_excluded(path)
    }

    /// What an imported gitleaks configuration held that is not checked as gitleaks would.
    fn coverage(&self, _ctx: &ScanContext<'_>, out: &mut Vec<Diagnostic>) {
        for note in &self.import_notes {
            let (path, message) = note.split_once(": ").unwrap_or(("", note));
            out.push(Diagnostic::warning(path, message));
        }
    }

    fn check(&self, file: &SourceFile<'_>, ctx: &ScanContext<'_>, out: &mut FileReport) {
        let text: &str = &file.text;
        let (raw, errors, truncated) = SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let (windows, raw) = &mut *s;
            raw.clear();
            let mut errors = Vec::new();
            // Past a few dozen files, or in a large text (the quoted lines of a 500-pin
            // audit's findings), the faster DFA prefilter repays its build time. Both give
            // the same hits (`tests/prefilter.rs`).
            let large = ctx.files.len() >= LARGE_SCAN_FILES || text.len() >= LARGE_SCAN_BYTES;
            let truncated = self.engine.scan(text, large, windows, raw, &mut errors);
            (std::mem::take(raw), errors, truncated)
        });
        if truncated {
            out.diagnose(Diagnostic::warning(
                file.path,
                "secrets: encoded text past the decoding budget was not decoded",
            ));
        }
        for e in errors {
            out.diagnose(Diagnostic::error(
                file.path,
                format!(
                    "secret rule {} could not be compiled: {}",
                    self.engine.rules[e.rule].id, e.message
                ),
            ));
        }
        if raw.is_empty() {
            return;
        }
        let rules = &self.engine.rules;
        let lock = is_lock_file(file.path);
        let test_code = noise::is_test_path(file.path) || noise::is_docs_path(file.path);
        let fixture = self.allow.is_fixture(file.path);
        let matches = resolve_overlaps(rules, raw);
        let index = LineIndex::new(text);

        struct Hit {
            rule: usize,
            secret: std::ops::Range<usize>,
            line: u32,
            confidence: Confidence,
            paired: Option<(String, u32)>,
            absorbed: bool,
            decoded: Option<Box<engine::DecodedMatch>>,
        }
        let mut hits: Vec<Hit> = Vec::with_capacity(matches.len());
        for m in matches {
            let rule = &rules[m.rule];
            if lock && rule.generic {
                continue;
            }
            let secret = &text[m.secret.clone()];
            // In tests and docs a generic match is an example value unless it looks generated;
            // those that do are kept with low confidence.
            let in_test = test_code && rule.generic;
            if in_test && (secret.len() < 12 || noise::shannon_entropy(secret) < 3.5) {
                continue;
            }
            let line = index.line_of(m.secret.start);
            let this = index.line_text(line);
            let before = if line > 1 {
                index.line_text(line - 1)
            } else {
                ""
            };
            if allow::allows_same_line(this) || allow::allows_next_line(before) {
                out.suppressed += 1;
                out.secrets.push(secret.to_string());
                continue;
            }
            if self.allow.allows(&rule.id, file.path, secret) {
                out.suppressed += 1;
                continue;
            }
            hits.push(Hit {
                rule: m.rule,
                secret: m.secret,
                line,
                confidence: if fixture || in_test {
                    Confidence::Low
                } else {
                    rule.confidence
                },
                paired: None,
                absorbed: false,
                decoded: m.decoded,
            });
        }

        // Pairs: a secret with its id nearby is one finding, of high confidence.
        for i in 0..hits.len() {
            let Some((with, within)) = &rules[hits[i].rule].pair else {
                continue;
            };
            let line = hits[i].line;
            let partner = hits.iter().position(|h| {
                !h.absorbed && rules[h.rule].id == *with && h.line.abs_diff(line) <= *within
            });
            if let Some(j) = partner {
                let pl = hits[j].line;
                hits[j].absorbed = true;
                let id = rules[hits[j].rule].id.to_string();
                hits[i].paired = Some((id, pl));
                if !fixture {
                    hits[i].confidence = Confidence::High;
                }
            }
        }

        // An identifier rule (Twilio account SID) only serves to pair; alone it is no secret.
        for h in hits
            .into_iter()
            .filter(|h| !h.absorbed && !rules[h.rule].identifier)
        {
            let rule = &rules[h.rule];
            let secret = &text[h.secret.clone()];
            if self
                .allow
                .baseline_accepts(file.path, secret, h.line, &rule.id)
            {
                out.suppressed += 1;
                out.secrets.push(secret.to_string());
                continue;
            }
            let (sl, sc) = index.position(h.secret.start);
            let (el, ec) = index.position(h.secret.end);
            // The message quotes the value; the redactor masks it on the way out.
            let mut message = format!("{}: {}", spec::title(&rule.name, &rule.provider), secret);
            if let Some(d) = &h.decoded {
                message.push_str(&format!(" (decoded: {})", d.chain_text()));
            }
            if let Some((id, line)) = &h.paired {
                message.push_str(&format!(", paired with its {id} on line {line}"));
            }
            let line_text = index.line_text(sl);
            let line_start = text_offset(text, line_text);
            let snip = snippet(line_text, line_start, &h.secret);
            let identity = palisade_core::fingerprint::fingerprint(&["secret", secret]);
            let mut finding = Finding::new(
                rule.id.as_ref(),
                CheckerKind::Secrets,
                rule.severity,
                h.confidence,
                Some(rule.cwe),
                file.path,
                Span {
                    start_line: sl,
                    start_col: sc,
                    end_line: el,
                    end_col: ec,
                },
                message,
            )
            .with_snippet(snip)
            .with_identity(identity)
            .with_secret(secret);
            if let Some(d) = &h.decoded {
                // The decoded value is as secret as its encoding: masked wherever it shows.
                finding = finding.with_secret(d.value.clone());
            }
            if rule.generic {
                finding = finding.with_tag("generic");
            }
            out.push(finding);
        }
    }
}

/// Byte offset of `part`, a slice of `text`, within `text`.
fn text_offset(text: &str, part: &str) -> usize {
    part.as_ptr() as usize - text.as_ptr() as usize
}
