//! palisade-deps: checks that a Python project pins what it installs (requirements and
//! constraints files, pyproject/Pipfile/setup.cfg, lock files, CI workflows, Dockerfiles,
//! pre-commit configs) and audits every exact pin against an offline OSV advisory database.
//! See the crate README for the rules, the configuration and the fail-closed audit semantics.

pub mod advisory;
pub mod audit;
pub mod config;
pub mod environment;
pub mod files;
pub mod fix;
pub mod licenses;
pub mod manifest;
pub mod rules;

mod checks;

use std::collections::HashSet;
use std::sync::Mutex;

use palisade_core::{
    Checker, CheckerKind, Diagnostic, FileReport, Finding, RuleMeta, ScanContext, SourceFile,
};

pub use config::Config;
pub use files::ManifestKind;

/// Looks up `${VAR}` values for requirements files.
pub type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What makes two diagnostics the same for de-duplication.
type DiagnosticKey = (String, Option<u32>, String);

fn diagnostic_key(d: &Diagnostic) -> DiagnosticKey {
    (d.path.clone(), d.line, d.message.clone())
}

/// What makes two findings the same for de-duplication: rule, path, line, identity.
type FindingKey = (String, String, u32, String);

fn key(f: &Finding) -> FindingKey {
    (
        f.rule_id.clone(),
        f.path.clone(),
        f.span.start_line,
        f.identity.clone(),
    )
}

/// What checking one file found about other files (an included requirements file), kept
/// until [`Checker::finish`] so a file reached from two roots is reported once.
#[derive(Default)]
struct Deferred {
    /// Keys of findings already reported by a file's own check.
    direct: HashSet<FindingKey>,
    /// (path, line, message) of diagnostics already reported by a file's own check.
    direct_diagnostics: HashSet<DiagnosticKey>,
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
}

/// The deps checker.
pub struct DepsChecker {
    config: Config,
    /// `requirements` globs: more files read as requirements files.
    requirement_globs: Vec<palisade_core::glob::Glob>,
    rules: Vec<RuleMeta>,
    env: EnvLookup,
    auditor: audit::Auditor,
    deferred: Mutex<Deferred>,
    /// Where manifests ask for each package (normalised name -> path, line), so a finding
    /// about an installed distribution can name the line that asks for it.
    requested: Mutex<std::collections::BTreeMap<String, (String, u32)>>,
    /// Every exactly pinned, locked or installed package seen, by purl (for SBOMs).
    components: Mutex<std::collections::BTreeMap<String, palisade_core::checker::Component>>,
    /// Whether DEP015 (Dependabot coverage) runs: it reads `.github/dependabot.yml`, so it
    /// costs nothing unless the run reports it.
    dependabot: bool,
    /// DEP015: the manifests found that Dependabot would have to update, and the files that
    /// requirements files include (covered with the file that includes them).
    dependabot_needs: Mutex<(
        Vec<rules::dep015_dependabot_not_covering::Need>,
        HashSet<String>,
    )>,
    /// An installed environment left out because the run reports only what a change adds
    /// (`--staged`, `--diff`, `--patch`), and whether it was asked for on the command line.
    environment_left_out: Option<(std::path::PathBuf, bool)>,
}

impl DepsChecker {
    pub fn new(config: &Config) -> Self {
        DepsChecker {
            config: config.clone(),
            // Invalid globs are rejected when the configuration is loaded (`validate`).
            requirement_globs: config
                .requirements
                .iter()
                .filter_map(|g| palisade_core::glob::Glob::path(g).ok())
                .collect(),
            rules: rules::ALL.iter().map(|r| (*r).clone()).collect(),
            env: Box::new(|k| std::env::var(k).ok()),
            auditor: audit::Auditor::new(config),
            deferred: Mutex::new(Deferred::default()),
            requested: Mutex::new(Default::default()),
            components: Mutex::new(Default::default()),
            dependabot: false,
            dependabot_needs: Mutex::new(Default::default()),
            environment_left_out: None,
        }
    }

    /// For runs that report only what a change adds (`--staged`, `--diff`, `--patch`): an
    /// installed environment is part of no change, so it is not audited (nor its licences),
    /// and the run says so in every format. `requested`: it was named on the command line for
    /// this run (`--env`), so not auditing it is an error (exit 2); from the config, a note.
    pub fn without_environment(mut self, requested: bool) -> Self {
        if let Some(env) = self.config.environment.take() {
            self.environment_left_out = Some((env, requested));
        }
        self
    }

    /// Tells the checker which rules the run reports (`enabled(id)`). The pipeline filters
    /// findings of rules that are off; this only spares the work of rules that cost something
    /// when nothing reports them (DEP015 reads `.github/dependabot.yml`).
    pub fn restrict_to(&mut self, enabled: &dyn Fn(&str) -> bool) {
        self.dependabot = enabled(rules::DEPENDABOT_NOT_COVERING.id.as_ref());
    }

    /// Notes that the manifest at `path` declares dependencies Dependabot would update (DEP015).
    pub(crate) fn note_updatable(&self, kind: ManifestKind, path: &str) {
        if !self.dependabot {
            return;
        }
        if let Some(n) = rules::dep015_dependabot_not_covering::Need::of(kind, path) {
            let mut needs = self
                .dependabot_needs
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            needs.0.push(n);
        }
    }

    /// Notes that a requirements file includes `path` (DEP015: covered with its includer).
    pub(crate) fn note_included(&self, path: &str) {
        if self.dependabot {
            let mut needs = self
                .dependabot_needs
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            needs.1.insert(path.to_string());
        }
    }

    /// DEP015: the manifests found against `.github/dependabot.yml`, read from where the scan
    /// reads (working tree, index or commit).
    fn check_dependabot(
        &self,
        ctx: &ScanContext<'_>,
        findings: &mut Vec<Finding>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if !self.dependabot {
            return;
        }
        let (mut needs, included) = std::mem::take(
            &mut *self
                .dependabot_needs
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        needs.retain(|n| !included.contains(&n.path));
        if needs.is_empty() {
            return;
        }
        let mut config = None;
        for path in manifest::dependabot::PATHS {
            match ctx.reader.read(path) {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    let (c, d) = manifest::dependabot::parse(path, &text);
                    diagnostics.extend(d);
                    match c {
                        Some(c) => {
                            config = Some(c);
                            break;
                        }
                        // Unreadable as a whole: the error says coverage was not checked.
                        None => return,
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    diagnostics.push(
                        Diagnostic::error(
                            path,
                            format!("cannot read it ({e}); Dependabot coverage (DEP015) was not checked"),
                        )
                        .gap(palisade_core::Gap::Unreadable),
                    );
                    return;
                }
            }
        }
        needs.sort();
        rules::dep015_dependabot_not_covering::check(&needs, config.as_ref(), findings);
    }

    /// Replaces the environment used for `${VAR}` expansion (tests, reproducible runs).
    pub fn with_env(mut self, env: EnvLookup) -> Self {
        self.env = env;
        self
    }

    /// Fixes "now" for the staleness check and ignore expiry (tests, reproducible runs).
    pub fn with_now(mut self, now: jiff::Timestamp) -> Self {
        self.auditor.set_now(now);
        self
    }

    /// Packages accepted as a whole by the run's risk acceptances (in force today): the audit
    /// does not require their pins to be auditable.
    pub fn with_accepted_packages(mut self, names: Vec<String>) -> Self {
        self.auditor.set_accepted_packages(names);
        self
    }

    /// Whether this checker audits pins against advisory data.
    pub fn audits(&self) -> bool {
        self.auditor.enabled()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Records a component for the SBOM: an exact pin, a locked package or an installed one.
    pub(crate) fn note_component(
        &self,
        dep: &manifest::Dependency,
        path: &str,
        license: Option<String>,
    ) {
        let (Some(name), manifest::Pinning::Exact(v)) = (&dep.name, dep.pinning()) else {
            return;
        };
        let norm = manifest::normalize_name(name);
        let version = v.to_string();
        let purl = format!("pkg:pypi/{norm}@{version}");
        let mut all = self.components.lock().unwrap_or_else(|e| e.into_inner());
        let c = all
            .entry(purl.clone())
            .or_insert_with(|| palisade_core::checker::Component {
                purl,
                name: norm,
                version,
                hashes: Vec::new(),
                license: None,
                found_in: Vec::new(),
            });
        for h in &dep.hashes {
            if let Some((alg, hex)) = h.split_once(':') {
                let alg = match alg {
                    "sha256" => "SHA-256",
                    "sha384" => "SHA-384",
                    "sha512" => "SHA-512",
                    _ => continue,
                };
                let pair = (alg.to_string(), hex.to_ascii_lowercase());
                if !c.hashes.contains(&pair) {
                    c.hashes.push(pair);
                }
            }
        }
        if c.license.is_none() {
            c.license = license;
        }
        let at = (path.to_string(), dep.loc.line);
        if !c.found_in.contains(&at) {
            c.found_in.push(at);
        }
    }

    /// Records that the manifest at `path` asks for `name` on `line` (first one wins).
    pub(crate) fn note_requested(&self, name: &str, path: &str, line: u32) {
        let mut r = self.requested.lock().unwrap_or_else(|e| e.into_inner());
        r.entry(manifest::normalize_name(name))
            .or_insert_with(|| (path.to_string(), line));
    }

    /// How a file of the installed environment is shown: relative to the scan root when
    /// inside it, else absolute.
    fn display(&self, p: &std::path::Path) -> String {
        let shown = self
            .config
            .display_root
            .as_deref()
            .and_then(|r| p.strip_prefix(r).ok())
            .unwrap_or(p);
        shown.to_string_lossy().replace('\\', "/")
    }

    /// Audits the installed environment, if one is configured: every distribution at its
    /// exact installed version, pointing at its METADATA and at the manifest line asking for it.
    fn audit_environment(&self, findings: &mut Vec<Finding>, diagnostics: &mut Vec<Diagnostic>) {
        let Some(env) = &self.config.environment else {
            if let Some((env, requested)) = &self.environment_left_out {
                let d = Diagnostic {
                    level: if *requested {
                        palisade_core::DiagnosticLevel::Error
                    } else {
                        palisade_core::DiagnosticLevel::Note
                    },
                    path: String::new(),
                    line: None,
                    message: format!(
                        "installed environment {} not audited{}: a --staged/--diff/--patch run reports only what the change adds, and an installed environment is part of no change; audit it with `palisade check{}` (no diff option)",
                        self.display(env),
                        if self.config.licenses.is_some() { ", nor its licences" } else { "" },
                        if *requested { " --env PATH" } else { "" },
                    ),
                    gap: None,
                }
                .gap(palisade_core::Gap::NotInMode);
                diagnostics.push(d);
                return;
            }
            if let Some(policy) = &self.config.licenses {
                // Lock files and manifests carry no licences: without an installed
                // environment the policy cannot be checked, and that is said.
                let d = Diagnostic {
                    level: if policy.required {
                        palisade_core::DiagnosticLevel::Error
                    } else {
                        palisade_core::DiagnosticLevel::Warning
                    },
                    path: String::new(),
                    line: None,
                    message: "licence policy not checked: licences are read from an installed environment (lock files and manifests record none); name one with --env or `[deps] environment`".into(),
                    gap: None,
                }
                .gap(palisade_core::Gap::AuditNotRun);
                diagnostics.push(d);
            }
            return;
        };
        let (dists, diags) = environment::read_environment(env, &|p| self.display(p));
        diagnostics.extend(diags);
        self.check_licenses(&dists, findings, diagnostics);
        let requested = self.requested.lock().unwrap_or_else(|e| e.into_inner());
        for d in &dists {
            let name = d.name().to_string();
            let version = d.metadata.version.clone().unwrap_or_default();
            let pinning = match version.parse::<pep440_rs::Version>() {
                Ok(v) => manifest::Pinning::Exact(v),
                Err(_) => manifest::Pinning::ExactOpaque(version.clone()),
            };
            let line = d.metadata.version_line.max(1);
            let snippet = format!("Version: {version}");
            let target = audit::AuditTarget {
                path: d.display.clone(),
                loc: manifest::Loc::of_line(line, &snippet),
                snippet,
                name: Some(name.clone()),
                pinning,
                marker: None,
            };
            let license = licenses::CompiledPolicy::new(&Default::default())
                .ok()
                .and_then(|mut p| p.judge(d).expression);
            let as_dep = manifest::Dependency {
                name: Some(name.clone()),
                source: manifest::DepSource::Locked(version.clone()),
                marker: None,
                hashes: Vec::new(),
                editable: false,
                loc: target.loc,
                snippet: String::new(),
            };
            self.note_component(&as_dep, &d.display, license);
            let mut found = Vec::new();
            self.auditor
                .audit(std::slice::from_ref(&target), &mut found, diagnostics);
            let asked = requested.get(&manifest::normalize_name(&name));
            for mut f in found {
                f.message.push_str(" (installed");
                if let Some((path, line)) = asked {
                    f.message.push_str(&format!("; asked for at {path}:{line}"));
                    f.properties.insert(
                        "requested-at".into(),
                        serde_json::json!(format!("{path}:{line}")),
                    );
                } else {
                    f.message
                        .push_str(", not asked for by any manifest checked");
                }
                f.message.push(')');
                f.properties
                    .insert("installed".into(), serde_json::json!(true));
                findings.push(f);
            }
        }
    }

    /// The licence policy over the installed distributions (LIC001-LIC004), and warnings for
    /// policy entries nothing used.
    fn check_licenses(
        &self,
        dists: &[environment::InstalledDist],
        findings: &mut Vec<Finding>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let Some(policy) = &self.config.licenses else {
            return;
        };
        let mut policy = match licenses::CompiledPolicy::new(policy) {
            Ok(p) => p,
            Err(e) => {
                diagnostics.push(Diagnostic::error("", e));
                return;
            }
        };
        for d in dists {
            let v = policy.judge(d);
            let loc = |line: u32| manifest::Loc {
                line: line.max(1),
                col: 1,
                end_col: 1,
            };
            let who = format!("{} {}", v.name, v.version);
            let identity = manifest::normalize_name(&v.name);
            if let Some(why) = &v.stale {
                findings.push(rules::finding(
                    &rules::STALE_CLARIFICATION,
                    &d.display,
                    loc(1),
                    format!("{who}: the licence clarification no longer applies: {why}; read the licence again and update the entry"),
                    "",
                    identity.clone(),
                ));
            }
            let expr = v.expression.clone().unwrap_or_default();
            match (v.source, v.allowed) {
                (licenses::Source::Unknown, _) => {
                    let seen = if v.unusable.is_empty() {
                        "no licence metadata".to_string()
                    } else {
                        format!(
                            "not an SPDX expression or one unambiguous classifier: {}",
                            v.unusable.join("; ")
                        )
                    };
                    let msg = format!("{who}: licence unknown ({seen}); add a `[[deps.licenses.clarify]]` entry pinned to its licence files");
                    if policy.unknown == licenses::UnknownIs::Warn {
                        diagnostics.push(Diagnostic::warning(&d.display, msg).at_line(1));
                    } else {
                        findings.push(rules::finding(
                            &rules::LICENSE_UNKNOWN,
                            &d.display,
                            loc(1),
                            msg,
                            "",
                            identity.clone(),
                        ));
                    }
                }
                (_, Some(false)) => findings.push(rules::finding(
                    &rules::LICENSE_NOT_ALLOWED,
                    &d.display,
                    loc(v.line),
                    format!(
                        "{who} is licensed `{expr}` (from {}): {} not allowed",
                        v.source.as_str(),
                        v.failures
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "",
                    identity.clone(),
                )),
                _ => {}
            }
            if matches!(
                v.source,
                licenses::Source::LegacyField | licenses::Source::Classifier
            ) {
                findings.push(rules::finding(
                    &rules::LEGACY_LICENSE_METADATA,
                    &d.display,
                    loc(v.line),
                    format!("{who}: licence `{expr}` taken from legacy metadata ({}), not a PEP 639 License-Expression", v.source.as_str()),
                    "",
                    identity,
                ));
            }
        }
        for u in policy.unused() {
            diagnostics.push(Diagnostic::warning("", format!("licence policy: {u}")));
        }
    }

    /// What this checker reads `path` as: by name, or a requirements file named by hand
    /// (`requirements = [...]`, `--requirements FILE`).
    pub fn kind_of(&self, path: &str) -> Option<ManifestKind> {
        ManifestKind::of(path).or_else(|| {
            (self.config.requirement_files.iter().any(|f| f == path)
                || self.requirement_globs.iter().any(|g| g.is_match(path)))
            .then_some(ManifestKind::Requirements)
        })
    }

    /// Splits a file's results: what belongs to the checked file goes to `out` now, what
    /// belongs to other files waits for `finish`.
    fn report(
        &self,
        path: &str,
        findings: Vec<Finding>,
        diagnostics: Vec<Diagnostic>,
        out: &mut FileReport,
    ) {
        let mut deferred = self.deferred.lock().unwrap_or_else(|e| e.into_inner());
        for f in findings {
            if f.path == path {
                deferred.direct.insert(key(&f));
                out.push(f);
            } else {
                deferred.findings.push(f);
            }
        }
        for d in diagnostics {
            if d.path == path || d.path.is_empty() {
                deferred.direct_diagnostics.insert(diagnostic_key(&d));
                out.diagnose(d);
            } else {
                deferred.diagnostics.push(d);
            }
        }
    }
}

impl Checker for DepsChecker {
    fn kind(&self) -> CheckerKind {
        CheckerKind::Deps
    }

    fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    fn applies_to(&self, path: &str) -> bool {
        self.kind_of(path).is_some()
    }

    fn check(&self, file: &SourceFile<'_>, ctx: &ScanContext<'_>, out: &mut FileReport) {
        let Some(kind) = self.kind_of(file.path) else {
            return;
        };
        let mut findings = Vec::new();
        let mut diagnostics = Vec::new();
        if file.is_lossy() {
            diagnostics.push(Diagnostic::warning(
                file.path,
                "not valid UTF-8; invalid bytes were replaced",
            ));
        }
        match kind {
            ManifestKind::Requirements => {
                checks::requirements::check(self, file, ctx, &mut findings, &mut diagnostics)
            }
            ManifestKind::Pyproject | ManifestKind::SetupCfg | ManifestKind::Pipfile => {
                checks::project::check_manifest(
                    self,
                    kind,
                    file,
                    ctx,
                    &mut findings,
                    &mut diagnostics,
                )
            }
            ManifestKind::PipfileLock
            | ManifestKind::PoetryLock
            | ManifestKind::UvLock
            | ManifestKind::Pylock => {
                checks::project::check_lock(self, kind, file, &mut findings, &mut diagnostics)
            }
            ManifestKind::Script => {
                // Most Python files have no script block: one substring search decides.
                if !file.text.contains("# /// script") {
                    return;
                }
                checks::project::check_manifest(
                    self,
                    kind,
                    file,
                    ctx,
                    &mut findings,
                    &mut diagnostics,
                )
            }
            ManifestKind::Workflow
            | ManifestKind::Action
            | ManifestKind::Dockerfile
            | ManifestKind::PreCommit => {
                if checks::ci::check(kind, file, &mut findings, &mut diagnostics) {
                    self.note_updatable(kind, file.path);
                }
            }
        }
        self.report(file.path, findings, diagnostics, out);
    }

    fn must_check(&self, path: &str) -> bool {
        // A manifest the required audit could not read is a pin that went unaudited. A Python
        // file is a manifest only if it holds a script block, which an unread file cannot show.
        self.audits()
            && self
                .kind_of(path)
                .is_some_and(|k| k != ManifestKind::Script)
    }

    fn coverage(&self, _ctx: &ScanContext<'_>, out: &mut Vec<Diagnostic>) {
        let excluded = self.auditor.excluded_by_markers();
        if excluded > 0 {
            out.push(Diagnostic::note(
                "",
                format!(
                    "{excluded} pin{} not audited: {} environment markers exclude the target environment ({})",
                    if excluded == 1 { "" } else { "s" },
                    if excluded == 1 { "its" } else { "their" },
                    self.config.target_env().describe()
                ),
            ));
        }
        let n = self.auditor.unaudited();
        if n > 0 {
            out.push(
                Diagnostic::note(
                    "",
                    format!(
                        "vulnerability audit not run: no advisory data ({n} exact pin{} not audited; `palisade db update`, then `--audit` or `audit = true`)",
                        if n == 1 { "" } else { "s" }
                    ),
                )
                .gap(palisade_core::Gap::AuditNotRun),
            );
        }
    }

    fn components(&self) -> Vec<palisade_core::checker::Component> {
        let all = self.components.lock().unwrap_or_else(|e| e.into_inner());
        all.values()
            .cloned()
            .map(|mut c| {
                c.found_in.sort();
                c
            })
            .collect()
    }

    fn finish(&self, ctx: &ScanContext<'_>, out: &mut FileReport) {
        let mut env_findings = Vec::new();
        let mut env_diagnostics = Vec::new();
        self.audit_environment(&mut env_findings, &mut env_diagnostics);
        self.check_dependabot(ctx, &mut env_findings, &mut env_diagnostics);
        for f in env_findings {
            out.push(f);
        }
        for d in env_diagnostics {
            out.diagnose(d);
        }
        let mut deferred = self.deferred.lock().unwrap_or_else(|e| e.into_inner());
        let Deferred {
            direct,
            direct_diagnostics,
            findings,
            diagnostics,
        } = std::mem::take(&mut *deferred);
        let mut seen = direct;
        for f in findings {
            if seen.insert(key(&f)) {
                out.push(f);
            }
        }
        let mut seen_diag = direct_diagnostics;
        for d in diagnostics {
            if seen_diag.insert(diagnostic_key(&d)) {
                out.diagnose(d);
            }
        }
    }
}
