//! The vulnerability audit of exact pins and locked packages: loads the advisory database
//! lazily (the first time a file has something to audit), fails closed, and applies the
//! `[[deps.ignore]]` risk acceptances.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use palisade_core::{Diagnostic, DiagnosticLevel, Finding, Gap};

use crate::advisory::{AdvisoryDb, Vulnerability};
use crate::config::{AuditPolicy, Config};
use crate::manifest::{normalize_name, Loc, Pinning};
use crate::rules::dep009_known_vulnerability::{severity_of, KNOWN_VULNERABILITY};

/// Something a file pins that the audit should look at.
#[derive(Debug, Clone)]
pub struct AuditTarget {
    pub path: String,
    pub loc: Loc,
    pub snippet: String,
    /// The name as written (`None` for a nameless URL).
    pub name: Option<String>,
    pub pinning: Pinning,
    /// The environment marker the pin applies under, if any (reported, not evaluated).
    pub marker: Option<String>,
}

/// The name of the index file inside the folder `palisade db update` maintains.
pub const MANAGED_INDEX: &str = "palisade-index.bin";

pub(crate) struct Auditor {
    source: Option<PathBuf>,
    cache_dir: Option<PathBuf>,
    max_age_days: u32,
    allow_stale: bool,
    allow_unauditable: bool,
    policy: AuditPolicy,
    /// The stated target environment markers are evaluated against.
    target: crate::manifest::markers::TargetEnv,
    /// Pins skipped because their markers are false for the target.
    excluded: std::sync::atomic::AtomicUsize,
    /// Packages accepted as a whole (normalised names): their pins need not be auditable.
    accepted_packages: Vec<String>,
    now: jiff::Timestamp,
    /// Exact pins seen while no advisory data was configured (the audit did not run).
    unaudited: std::sync::atomic::AtomicUsize,
    /// The database, and whether this run built its index (so skipped records are news).
    db: OnceLock<Result<(AdvisoryDb, bool), String>>,
    state_reported: AtomicBool,
}

impl Auditor {
    pub fn new(config: &Config) -> Auditor {
        Auditor {
            source: config.audit_source(),
            cache_dir: config.cache_dir(),
            max_age_days: config.max_db_age_days(),
            allow_stale: config.allow_stale,
            allow_unauditable: config.allow_unauditable,
            policy: config.audit.policy.clone(),
            target: config.target_env(),
            excluded: std::sync::atomic::AtomicUsize::new(0),
            accepted_packages: Vec::new(),
            now: jiff::Timestamp::now(),
            unaudited: std::sync::atomic::AtomicUsize::new(0),
            db: OnceLock::new(),
            state_reported: AtomicBool::new(false),
        }
    }

    pub fn set_now(&mut self, now: jiff::Timestamp) {
        self.now = now;
    }

    pub fn set_accepted_packages(&mut self, names: Vec<String>) {
        self.accepted_packages = names;
    }

    /// How many pins were left out because their markers exclude the target environment.
    pub fn excluded_by_markers(&self) -> usize {
        self.excluded.load(Ordering::Relaxed)
    }

    /// How many exact pins went unaudited because no advisory data is configured.
    pub fn unaudited(&self) -> usize {
        self.unaudited.load(Ordering::Relaxed)
    }

    pub fn enabled(&self) -> bool {
        self.source.is_some()
    }

    /// The way out of a stale-data error, unless it was already taken.
    fn stale_hint(&self) -> &'static str {
        if self.allow_stale {
            ""
        } else {
            " (or allow it with --allow-stale)"
        }
    }

    fn level(&self, allowed: bool) -> DiagnosticLevel {
        if allowed {
            DiagnosticLevel::Warning
        } else {
            DiagnosticLevel::Error
        }
    }

    /// The database, loaded on first use.
    fn db(&self) -> &Result<(AdvisoryDb, bool), String> {
        self.db.get_or_init(|| {
            let source = self
                .source
                .as_deref()
                .ok_or("no advisory database configured")?;
            open_source_built(source, self.cache_dir.as_deref()).map_err(|e| e.to_string())
        })
    }

    /// Audits `targets`; findings and diagnostics are appended.
    pub fn audit(
        &self,
        targets: &[AuditTarget],
        findings: &mut Vec<Finding>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        // Ranges are the pin rules' business and local paths are first-party code: when
        // nothing else is pinned, the database is never opened.
        let targets: Vec<&AuditTarget> = targets
            .iter()
            .filter(|t| !matches!(t.pinning, Pinning::Range | Pinning::Local))
            .collect();
        // Markers are evaluated only against a stated target; a pin is left out only when
        // its marker is false for certain.
        let targets: Vec<&AuditTarget> = if self.target.is_empty() {
            targets
        } else {
            let before = targets.len();
            let kept: Vec<&AuditTarget> = targets
                .into_iter()
                .filter(|t| {
                    t.marker.as_deref().is_none_or(|m| {
                        crate::manifest::markers::evaluate(m, &self.target) != Some(false)
                    })
                })
                .collect();
            self.excluded
                .fetch_add(before - kept.len(), Ordering::Relaxed);
            kept
        };
        if targets.is_empty() {
            return;
        }
        if !self.enabled() {
            self.unaudited.fetch_add(targets.len(), Ordering::Relaxed);
            return;
        }
        let (db, built) = match self.db() {
            Ok((db, built)) => (db, *built),
            Err(e) => {
                let path = &targets[0].path;
                diagnostics.push(
                    diag(
                        self.level(self.allow_stale),
                        path,
                        None,
                        format!(
                            "{} pinned package(s) were not audited: {e}; run `palisade db update`, or point --advisory-db at a local copy of the OSV data",
                            targets.len()
                        ),
                    )
                    .gap(Gap::AdvisoryData),
                );
                return;
            }
        };
        self.report_state(db, built, diagnostics);
        for t in targets {
            let name = t.name.as_deref().map(normalize_name);
            let accepted = name
                .as_ref()
                .is_some_and(|n| self.accepted_packages.contains(n));
            let version = match &t.pinning {
                Pinning::Exact(v) => v,
                Pinning::Range | Pinning::Local => continue,
                Pinning::ExactOpaque(_) | Pinning::Vcs { .. } | Pinning::Archive { .. }
                    if accepted =>
                {
                    continue
                }
                Pinning::ExactOpaque(v) => {
                    self.unauditable(t, format!("version `{v}` is not PEP 440"), diagnostics);
                    continue;
                }
                Pinning::Vcs { url, .. } | Pinning::Archive { url, .. } => {
                    self.unauditable(
                        t,
                        format!(
                            "`{}` is a URL requirement with no version",
                            palisade_core::redact::url_credentials(url)
                        ),
                        diagnostics,
                    );
                    continue;
                }
            };
            let Some(name) = name else { continue };
            if let Some(ids) = db.meta().unreadable.get(&name).filter(|_| !accepted) {
                self.unauditable(
                    t,
                    format!(
                        "the advisory data for it ({}) has no PEP 440 ranges",
                        ids.join(", ")
                    ),
                    diagnostics,
                );
            }
            let vulns = match db.query(&name, version) {
                Ok(v) => v,
                Err(e) => {
                    diagnostics.push(
                        diag(
                            DiagnosticLevel::Error,
                            &t.path,
                            Some(t.loc.line),
                            format!("`{name}` was not audited: {e}"),
                        )
                        .gap(Gap::Unauditable),
                    );
                    continue;
                }
            };
            for v in vulns {
                let display = t.name.as_deref().unwrap_or(&name);
                let assessed = self.assess(&v);
                let mut msg = format!("{display} {version} is affected by {}", v.id);
                if !v.aliases.is_empty() {
                    msg.push_str(&format!(" ({})", v.aliases.join(", ")));
                }
                if let Some(s) = &v.summary {
                    msg.push_str(&format!(": {s}"));
                }
                if v.fixed.is_empty() {
                    msg.push_str("; no fix");
                } else {
                    let fixed: Vec<String> = v.fixed.iter().map(|f| f.to_string()).collect();
                    msg.push_str(&format!("; fixed in {}", fixed.join(" / ")));
                }
                msg.push_str(&format!("; {}", v.rating.describe()));
                match (&v.published, assessed.age_days) {
                    (Some(p), Some(age)) => {
                        msg.push_str(&format!("; published {p} ({age} days ago)"))
                    }
                    _ => msg.push_str("; publication date unknown"),
                }
                if let Some(sla) = assessed.overdue_by_sla {
                    msg.push_str(&format!("; OVERDUE (SLA {sla} days)"));
                }
                if let Some(m) = &t.marker {
                    msg.push_str(&format!(" (installed only where `{m}`)"));
                }
                if assessed.below_threshold {
                    // Below `fail-on-severity`: said, not failed.
                    diagnostics.push(diag(
                        DiagnosticLevel::Warning,
                        &t.path,
                        Some(t.loc.line),
                        format!(
                            "DEP009 below fail-on-severity ({}): {msg}",
                            self.policy.fail_on_severity.map_or("", |l| l.as_str())
                        ),
                    ));
                    continue;
                }
                let mut f = crate::rules::finding(
                    &KNOWN_VULNERABILITY,
                    &t.path,
                    t.loc,
                    msg,
                    &t.snippet,
                    format!("{name}:{}", v.id),
                );
                f.severity = severity_of(&v.id, v.rating.level());
                f.properties = properties(&name, version, &v, &assessed);
                // Risk acceptances (`[[accept]]`, `[[deps.ignore]]`) match these.
                f.tags.push(format!("package:{name}"));
                f.tags.push(format!("advisory:{}", v.id));
                f.tags
                    .extend(v.aliases.iter().map(|a| format!("advisory:{a}")));
                findings.push(f);
            }
        }
    }

    /// Age, SLA and threshold of one vulnerability under the run's clock and policy.
    fn assess(&self, v: &Vulnerability) -> Assessed {
        let today = self.now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let age_days = v
            .published
            .and_then(|p| p.until(today).ok())
            // `Date::until` counts in days unless asked for larger units.
            .map(|span| i64::from(span.get_days()));
        let level = v.rating.level();
        let overdue_by_sla = match (level, age_days) {
            (Some(l), Some(age)) => self
                .policy
                .sla_days
                .for_level(l)
                .filter(|&sla| age > i64::from(sla)),
            _ => None,
        };
        // Unknown severity always fails; MAL- records are malware, always critical.
        let below_threshold = !v.id.starts_with("MAL-")
            && match (self.policy.fail_on_severity, level) {
                (Some(min), Some(l)) => l < min,
                _ => false,
            };
        Assessed {
            age_days,
            overdue_by_sla,
            below_threshold,
        }
    }

    /// Reports (once per run) that the data is stale, or how many records were unusable.
    fn report_state(&self, db: &AdvisoryDb, built: bool, diagnostics: &mut Vec<Diagnostic>) {
        if self.state_reported.swap(true, Ordering::Relaxed) {
            return;
        }
        let meta = db.meta();
        match meta.data_timestamp() {
            None => diagnostics.push(diag(
                self.level(self.allow_stale),
                "",
                None,
                format!(
                    "advisory database `{}` has no dates, so its age is unknown; refresh it with `palisade db update`{}",
                    meta.source,
                    self.stale_hint()
                ),
            ).gap(Gap::AdvisoryData)),
            Some(ts) => {
                let age_days = self.now.duration_since(ts).as_secs() / 86_400;
                if age_days > i64::from(self.max_age_days) {
                    diagnostics.push(diag(
                        self.level(self.allow_stale),
                        "",
                        None,
                        format!(
                            "advisory database `{}` is stale: its newest data is from {} ({age_days} days old, the limit is {}); refresh it with `palisade db update`{}",
                            meta.source,
                            ts.strftime("%Y-%m-%d"),
                            self.max_age_days,
                            self.stale_hint()
                        ),
                    ).gap(Gap::AdvisoryData));
                }
            }
        }
        if meta.skipped > 0 {
            // Every run says it: advisories that could not be used were not checked. A warning
            // when the index was built in this run (new data), a note (still in every
            // format's coverage) afterwards.
            let level = if built {
                DiagnosticLevel::Warning
            } else {
                DiagnosticLevel::Note
            };
            diagnostics.push(
                diag(
                    level,
                    "",
                    None,
                    format!(
                        "advisory database `{}`: {} record(s) could not be used, e.g. {}",
                        meta.source,
                        meta.skipped,
                        meta.skipped_examples
                            .first()
                            .map(String::as_str)
                            .unwrap_or("")
                    ),
                )
                .gap(Gap::AdvisoryData),
            );
        }
    }

    fn unauditable(&self, t: &AuditTarget, why: String, diagnostics: &mut Vec<Diagnostic>) {
        let name = t.name.as_deref().unwrap_or("a requirement");
        diagnostics.push(diag(
            self.level(self.allow_unauditable),
            &t.path,
            Some(t.loc.line),
            format!("`{name}` could not be audited: {why} (allow with `allow-unauditable`, or accept the package with an [[accept]] `package` entry)"),
        ).gap(Gap::Unauditable));
    }
}

/// What the run's clock and policy make of one vulnerability.
struct Assessed {
    age_days: Option<i64>,
    /// The SLA (days) the age exceeds.
    overdue_by_sla: Option<u32>,
    below_threshold: bool,
}

/// The structured facts of a DEP009 finding (JSON `properties`, SARIF property bag and the
/// advisory's own SARIF rule).
fn properties(
    name: &str,
    version: &pep440_rs::Version,
    v: &Vulnerability,
    a: &Assessed,
) -> std::collections::BTreeMap<String, serde_json::Value> {
    use serde_json::{json, Value};
    let level = v.rating.level();
    let cvss = v.rating.cvss.as_ref();
    let mut p = std::collections::BTreeMap::new();
    p.insert("advisory".into(), json!(v.id));
    p.insert("aliases".into(), json!(v.aliases));
    p.insert("package".into(), json!(name));
    p.insert("version".into(), json!(version.to_string()));
    p.insert(
        "severity".into(),
        json!(level.map_or("unknown", |l| l.as_str())),
    );
    p.insert(
        "cvss-score".into(),
        cvss.map_or(Value::Null, |c| json!(c.score)),
    );
    p.insert(
        "cvss-vector".into(),
        cvss.map(|c| json!(c.vector))
            .or_else(|| v.rating.unscored.as_ref().map(|(vec, _)| json!(vec)))
            .unwrap_or(Value::Null),
    );
    p.insert(
        "cvss-version".into(),
        cvss.map_or(Value::Null, |c| json!(c.version)),
    );
    p.insert(
        "github-severity".into(),
        v.rating.label.as_ref().map_or(Value::Null, |l| json!(l)),
    );
    p.insert(
        "published".into(),
        v.published.map_or(Value::Null, |d| json!(d.to_string())),
    );
    p.insert(
        "age-days".into(),
        a.age_days.map_or(Value::Null, |d| json!(d)),
    );
    p.insert(
        "fixed-versions".into(),
        json!(v.fixed.iter().map(|f| f.to_string()).collect::<Vec<_>>()),
    );
    p.insert(
        "smallest-fix".into(),
        v.fixed
            .first()
            .map_or_else(|| json!("no fix"), |f| json!(f.to_string())),
    );
    p.insert("overdue".into(), json!(a.overdue_by_sla.is_some()));
    if let Some(sla) = a.overdue_by_sla {
        p.insert("sla-days".into(), json!(sla));
    }
    let mut rule = json!({
        "id": format!("DEP009/{}", v.id),
        "name": format!("known-vulnerability/{}", v.id),
        "summary": v.summary.clone().unwrap_or_else(|| format!("{} ({name})", v.id)),
        "helpUri": format!("https://osv.dev/vulnerability/{}", v.id),
    });
    if let Some(c) = cvss {
        rule["security-severity"] = json!(c.score);
    }
    p.insert("sarif-rule".into(), rule);
    p
}

fn diag(level: DiagnosticLevel, path: &str, line: Option<u32>, message: String) -> Diagnostic {
    Diagnostic {
        level,
        path: path.to_string(),
        line,
        message,
        gap: None,
    }
}

/// Opens advisory data: the managed folder of `palisade db update` (its index), an index file,
/// or a raw source served through the cache.
pub fn open_source(
    source: &Path,
    cache_dir: Option<&Path>,
) -> Result<AdvisoryDb, crate::advisory::source::DbError> {
    open_source_built(source, cache_dir).map(|(db, _)| db)
}

/// [`open_source`], also saying whether the index was built from the source just now.
pub fn open_source_built(
    source: &Path,
    cache_dir: Option<&Path>,
) -> Result<(AdvisoryDb, bool), crate::advisory::source::DbError> {
    let managed = source.join(MANAGED_INDEX);
    if managed.is_file() {
        return AdvisoryDb::open_index(&managed).map(|db| (db, false));
    }
    AdvisoryDb::open(source, cache_dir)
}
