//! The one finding pipeline. Every finding of every checker, from a file's own check or from
//! the end of the scan (cross-file findings), passes through here, in this order:
//!
//! 1. **rule selection**: `--select`/`--ignore`/`--only`, severity and confidence thresholds,
//!    `per-path-ignores` ([`RuleSelection`]);
//! 2. **inline ignores**: `palisade: ignore[...]` on the line or the line before (checkers apply
//!    their own peers' markers first: `# nosec`, `pragma: allowlist secret`);
//! 3. **changed lines**: in `--staged`/`--diff`/`--patch` modes, only findings on lines the
//!    change adds or modifies ([`Changes`]);
//! 4. **risk acceptances**: `[[accept]]` and `[[deps.ignore]]`, with expiry by the run's clock;
//! 5. **baseline**: findings recorded by `palisade baseline`;
//! 6. **dedupe**: one secret reported by two rules is one finding (see [`precedence`]);
//! 7. **redaction**: [`crate::redact::Redactor`], applied to what survives and to diagnostics.
//!
//! Stages 1–3 need the file's text and run per file, in the worker that read it; 4–7 run once
//! on everything.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use jiff::civil::Date;

use crate::checker::Checker;
use crate::finding::{Confidence, Finding, Severity};
use crate::glob::Glob;
use crate::lines::{ChangedLines, LineIndex};
use crate::rule::RuleMeta;
use crate::suppress::accept::{self, AcceptedRisk, Verdict};
use crate::suppress::baseline::Baseline;
use crate::suppress::inline;
use crate::CheckerKind;

/// Config globs are written against paths relative to the config file's folder; findings carry
/// paths relative to the scan root. This maps one to the other.
#[derive(Debug, Clone, Default)]
pub struct ConfigPaths {
    /// The scan root relative to the config root, with a trailing `/` (`""` when they agree).
    prefix: Option<String>,
    /// The config root relative to the scan root, with a trailing `/`.
    strip: Option<String>,
}

fn slash_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

impl ConfigPaths {
    pub fn new(scan_root: &Path, config_root: &Path) -> Self {
        let rel = |a: &Path, b: &Path| {
            a.strip_prefix(b).ok().map(|p| {
                let s = slash_path(p);
                if s.is_empty() {
                    s
                } else {
                    s + "/"
                }
            })
        };
        ConfigPaths {
            prefix: rel(scan_root, config_root),
            strip: rel(config_root, scan_root),
        }
    }

    /// `display` (relative to the scan root) as a path relative to the config root.
    pub fn relative<'a>(&self, display: &'a str) -> Cow<'a, str> {
        match (&self.prefix, &self.strip) {
            (Some(p), _) if p.is_empty() => display.into(),
            (Some(p), _) => format!("{p}{display}").into(),
            (None, Some(s)) => display.strip_prefix(s.as_str()).unwrap_or(display).into(),
            (None, None) => display.into(),
        }
    }
}

/// Which rules a run reports: selection by id/prefix/name, thresholds, per-path ignores.
pub struct RuleSelection {
    enabled: Enabled,
    severity: Severity,
    confidence: Confidence,
    per_path: Vec<(Glob, Vec<String>)>,
    paths: ConfigPaths,
}

/// The enabled rules, stored by whichever side is smaller: with no `select`, all rules but a
/// few (off by default, ignored); with one, the few selected. (Hundreds of rule ids hashed
/// into a set were a tenth of a one-file run's start-up.)
enum Enabled {
    AllBut(HashSet<String>),
    Only(HashSet<String>),
}

/// A selector names a rule by exact id, id prefix (`B6`, `DEP`) or exact name.
fn selects(selector: &str, rule: &RuleMeta) -> bool {
    rule.id.starts_with(selector) || rule.name == selector
}

impl RuleSelection {
    /// `rules` is every rule of every enabled checker.
    pub fn new<'r>(
        rules: impl IntoIterator<Item = &'r RuleMeta>,
        select: &[String],
        ignore: &[String],
        severity: Option<Severity>,
        confidence: Option<Confidence>,
        per_path: Vec<(Glob, Vec<String>)>,
        paths: ConfigPaths,
    ) -> Self {
        let enabled = if select.is_empty() {
            Enabled::AllBut(
                rules
                    .into_iter()
                    .filter(|r| !r.default_enabled || ignore.iter().any(|s| selects(s, r)))
                    .map(|r| r.id.to_string())
                    .collect(),
            )
        } else {
            Enabled::Only(
                rules
                    .into_iter()
                    .filter(|r| {
                        select.iter().any(|s| selects(s, r))
                            && !ignore.iter().any(|s| selects(s, r))
                    })
                    .map(|r| r.id.to_string())
                    .collect(),
            )
        };
        RuleSelection {
            enabled,
            severity: severity.unwrap_or(Severity::Low),
            confidence: confidence.unwrap_or(Confidence::Low),
            per_path,
            paths,
        }
    }

    pub fn config_paths(&self) -> &ConfigPaths {
        &self.paths
    }

    /// Whether the rule with this id (one of the rules it was made from) is reported.
    pub fn is_enabled(&self, rule_id: &str) -> bool {
        match &self.enabled {
            Enabled::AllBut(off) => !off.contains(rule_id),
            Enabled::Only(on) => on.contains(rule_id),
        }
    }

    /// Whether a finding passes rule selection, thresholds and per-path ignores.
    pub fn keeps(&self, f: &Finding) -> bool {
        self.is_enabled(&f.rule_id)
            && f.severity >= self.severity
            && f.confidence >= self.confidence
            && (self.per_path.is_empty() || {
                let path = self.paths.relative(&f.path);
                !self.per_path.iter().any(|(glob, rules)| {
                    glob.is_match(&path) && rules.iter().any(|r| f.rule_id.starts_with(r.as_str()))
                })
            })
    }
}

/// Which lines a run reports on.
#[derive(Debug, Clone, Default)]
pub enum Changes {
    /// Every line of every file (path arguments, `--all`, `--whole-files`).
    #[default]
    All,
    /// Only these lines of these files; a file not listed did not change.
    Lines(HashMap<String, ChangedLines>),
    /// Anywhere in these files, nowhere else (`--whole-files` in a diff mode).
    Files(HashSet<String>),
}

impl Changes {
    fn keeps(&self, f: &Finding) -> bool {
        match self {
            Changes::All => true,
            Changes::Files(files) => files.contains(&f.path),
            Changes::Lines(map) => map.get(&f.path).is_some_and(|c| {
                c.intersects(f.span.start_line, f.span.end_line.max(f.span.start_line))
            }),
        }
    }
}

/// What each stage removed, for the summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub suppressed_inline: usize,
    pub outside_change: usize,
    pub accepted: usize,
    pub baseline: usize,
    pub merged: usize,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.suppressed_inline += o.suppressed_inline;
        self.outside_change += o.outside_change;
        self.accepted += o.accepted;
        self.baseline += o.baseline;
        self.merged += o.merged;
    }
}

pub struct Pipeline {
    pub selection: RuleSelection,
    pub changes: Changes,
    pub accepts: Vec<AcceptedRisk>,
    pub baseline: Option<Baseline>,
    pub today: Date,
    /// Which acceptances decided some finding in this run (same order as `accepts`).
    pub accepts_used: Vec<std::sync::atomic::AtomicBool>,
}

impl Pipeline {
    /// Stages 1–3 for findings of one file. `text` is the file as checked, whose first line is
    /// line `first_line` of the file (a chunk of a large file starts further down); `None` when
    /// it cannot be read again: inline markers are then not looked for, the finding stays.
    pub fn file_stages(
        &self,
        findings: &mut Vec<Finding>,
        text: Option<&str>,
        first_line: u32,
        counts: &mut Counts,
    ) {
        if findings.is_empty() {
            return;
        }
        let index = text.filter(|t| t.contains("palisade:")).map(LineIndex::new);
        let first = first_line.max(1);
        findings.retain_mut(|f| {
            if !self.selection.keeps(f) {
                return false;
            }
            if let Some(index) = &index {
                let line_text = |n: u32| {
                    if n < first {
                        ""
                    } else {
                        index.line_text(n - first + 1)
                    }
                };
                if inline::is_ignored(&f.rule_id, f.span.start_line, line_text) {
                    counts.suppressed_inline += 1;
                    return false;
                }
            }
            if !self.changes.keeps(f) {
                counts.outside_change += 1;
                return false;
            }
            f.seal();
            true
        });
    }

    /// Stages 4–6 on every finding that passed the file stages; sorts the result.
    pub fn run_stages(&self, findings: Vec<Finding>, counts: &mut Counts) -> Vec<Finding> {
        // Filtered in place: a second vector of every finding would double the run's peak.
        let mut open = findings;
        if !self.accepts.is_empty() {
            open.retain_mut(|f| {
                let path = self.selection.config_paths().relative(&f.path).into_owned();
                let (verdict, at) = accept::judge_at(&self.accepts, f, &path, self.today);
                if let Some(used) = at.and_then(|i| self.accepts_used.get(i)) {
                    used.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                match verdict {
                    Verdict::Accepted => {
                        counts.accepted += 1;
                        false
                    }
                    Verdict::Open => true,
                    Verdict::Expired(note) => {
                        f.notes.push(note);
                        true
                    }
                }
            });
        }
        open.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        if let Some(b) = &self.baseline {
            let (fresh, matched) = b.filter(open);
            open = fresh;
            counts.baseline += matched;
        }
        let (kept, merged) = dedupe(open);
        counts.merged += merged;
        kept
    }
}

/// Who wins when two rules report the same secret value on the same line:
///
/// | rank | rules |
/// |---|---|
/// | 3 | a provider's secret rule (`aws-access-key-id`, `github-pat`, …) |
/// | 2 | a generic secret rule (`generic-password`, `generic-api-key`, …) |
/// | 1 | Bandit's hard-coded password checks (B105, B106, B107) |
///
/// The loser's rule id is listed in the winner's `related`. Equal ranks keep both.
pub fn precedence(f: &Finding) -> u8 {
    match f.checker {
        CheckerKind::Secrets if f.tags.iter().any(|t| t == "generic") => 2,
        CheckerKind::Secrets => 3,
        _ if f.secrets.is_empty() => 0,
        _ => 1,
    }
}

fn same_value(a: &Finding, b: &Finding) -> bool {
    a.secrets.iter().any(|x| {
        b.secrets.iter().any(|y| {
            !x.is_empty() && !y.is_empty() && (x.contains(y.as_str()) || y.contains(x.as_str()))
        })
    })
}

/// Stage 6. `findings` is sorted by path and line, so candidates sit next to each other.
fn dedupe(mut findings: Vec<Finding>) -> (Vec<Finding>, usize) {
    let mut drop = vec![false; findings.len()];
    let mut related: Vec<Vec<String>> = vec![Vec::new(); findings.len()];
    let mut candidates = Vec::new();
    let mut start = 0;
    while start < findings.len() {
        let mut end = start + 1;
        while end < findings.len()
            && findings[end].path == findings[start].path
            && findings[end].span.start_line == findings[start].span.start_line
        {
            end += 1;
        }
        // Only findings that carry a secret value can merge (`same_value`): the others are
        // left out of the pairwise pass, or a line with 100k `eval` findings costs 10^10 steps.
        candidates.clear();
        candidates
            .extend((start..end).filter(|&i| findings[i].secrets.iter().any(|v| !v.is_empty())));
        for &i in &candidates {
            for &j in &candidates {
                if i == j || drop[i] || drop[j] || precedence(&findings[i]) == 0 {
                    continue;
                }
                let (a, b) = (&findings[i], &findings[j]);
                if precedence(a) > precedence(b) && same_value(a, b) {
                    drop[j] = true;
                    let moved = std::mem::take(&mut related[j]);
                    related[i].push(b.rule_id.clone());
                    related[i].extend(moved);
                }
            }
        }
        start = end;
    }
    let merged = drop.iter().filter(|d| **d).count();
    if merged == 0 && related.iter().all(Vec::is_empty) {
        return (findings, 0);
    }
    // In place, in order: the kept findings with the rules folded into them.
    for (f, r) in findings.iter_mut().zip(related) {
        f.related.extend(r);
    }
    let mut at = 0;
    findings.retain(|_| {
        at += 1;
        !drop[at - 1]
    });
    (findings, merged)
}

/// Every rule of the given checkers (the input of [`RuleSelection::new`]).
pub fn all_rules(checkers: &[Box<dyn Checker>]) -> impl Iterator<Item = &RuleMeta> {
    checkers.iter().flat_map(|c| c.rules().iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    fn finding(rule: &str, checker: CheckerKind, line: u32, secret: &str) -> Finding {
        let mut f = Finding::new(
            rule,
            checker,
            Severity::High,
            Confidence::High,
            None,
            "app.py",
            Span::line(line),
            "m",
        )
        .with_secret(secret);
        f.seal();
        f
    }

    /// Both ways of storing the selection answer as the rule-by-rule definition does.
    #[test]
    fn selection_matches_its_definition() {
        let rule = |id: &str, name: &str, on: bool| RuleMeta {
            id: id.to_string().into(),
            name: name.to_string().into(),
            checker: CheckerKind::Python,
            severity: Severity::Low,
            confidence: Confidence::Low,
            cwe: None,
            summary: "".into(),
            doc: "".into(),
            default_enabled: on,
        };
        let rules = [
            rule("B101", "assert_used", true),
            rule("B602", "subprocess_popen", true),
            rule("B603", "subprocess_without_shell", true),
            rule("S900", "strict_only", false),
            rule("DEP001", "unpinned", true),
        ];
        let lists: [&[&str]; 5] = [&[], &["B6"], &["assert_used", "S900"], &["B603"], &["DEP"]];
        for select in lists {
            for ignore in lists {
                let select: Vec<String> = select.iter().map(|s| s.to_string()).collect();
                let ignore: Vec<String> = ignore.iter().map(|s| s.to_string()).collect();
                let sel = RuleSelection::new(
                    &rules,
                    &select,
                    &ignore,
                    None,
                    None,
                    Vec::new(),
                    ConfigPaths::default(),
                );
                for r in &rules {
                    let chosen = if select.is_empty() {
                        r.default_enabled
                    } else {
                        select.iter().any(|s| selects(s, r))
                    };
                    let expected = chosen && !ignore.iter().any(|s| selects(s, r));
                    assert_eq!(
                        sel.is_enabled(&r.id),
                        expected,
                        "{} {select:?} {ignore:?}",
                        r.id
                    );
                }
            }
        }
    }

    #[test]
    fn config_relative_paths() {
        let same = ConfigPaths::new(Path::new("/r"), Path::new("/r"));
        assert_eq!(same.relative("a/b.py"), "a/b.py");
        let below = ConfigPaths::new(Path::new("/r/sub"), Path::new("/r"));
        assert_eq!(below.relative("b.py"), "sub/b.py");
        let above = ConfigPaths::new(Path::new("/r"), Path::new("/r/pkg"));
        assert_eq!(above.relative("pkg/b.py"), "b.py");
        assert_eq!(above.relative("other/b.py"), "other/b.py");
    }

    #[test]
    fn secret_rules_win_over_bandit_and_providers_over_generic() {
        let provider = finding(
            "github-pat",
            CheckerKind::Secrets,
            3,
            "ghp_abcdefgh12345678",
        );
        let generic = finding(
            "generic-password",
            CheckerKind::Secrets,
            3,
            "ghp_abcdefgh12345678",
        )
        .with_tag("generic");
        let b105 = finding("B105", CheckerKind::Python, 3, "ghp_abcdefgh12345678");
        let other_line = finding("B105", CheckerKind::Python, 4, "ghp_abcdefgh12345678");
        let (kept, merged) = dedupe(vec![b105, generic, provider, other_line]);
        assert_eq!(merged, 2);
        assert_eq!(kept.len(), 2);
        let winner = kept.iter().find(|f| f.rule_id == "github-pat").unwrap();
        let mut rel = winner.related.clone();
        rel.sort();
        assert_eq!(
            rel,
            vec!["B105".to_string(), "generic-password".to_string()]
        );
        // Generic over B105 when no provider rule saw it.
        let g = finding(
            "generic-password",
            CheckerKind::Secrets,
            1,
            "hunter2hunter2",
        )
        .with_tag("generic");
        let b = finding("B105", CheckerKind::Python, 1, "hunter2hunter2");
        let (kept, _) = dedupe(vec![b, g]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].rule_id, "generic-password");
        assert_eq!(kept[0].related, vec!["B105".to_string()]);
    }

    /// `bench/hostile.sh` long-line: one line with 131k `eval` findings took 20 CPU-s in the
    /// pairwise merge; findings without a secret value now stay out of it, with the same
    /// result.
    #[test]
    fn findings_without_a_secret_on_a_crowded_line_are_kept_and_merge_nothing() {
        let mut all: Vec<Finding> = (0..2000)
            .map(|_| {
                let mut f = finding("B307", CheckerKind::Python, 1, "");
                f.secrets.clear();
                f
            })
            .collect();
        all.insert(
            1000,
            finding("B105", CheckerKind::Python, 1, "hunter2hunter2"),
        );
        all.push(
            finding(
                "generic-password",
                CheckerKind::Secrets,
                1,
                "hunter2hunter2",
            )
            .with_tag("generic"),
        );
        let (kept, merged) = dedupe(all);
        assert_eq!(merged, 1);
        assert_eq!(kept.len(), 2001);
        assert_eq!(kept.iter().filter(|f| f.rule_id == "B307").count(), 2000);
        let g = kept
            .iter()
            .find(|f| f.rule_id == "generic-password")
            .unwrap();
        assert_eq!(g.related, vec!["B105".to_string()]);
    }

    #[test]
    fn changes_drop_files_outside_the_change() {
        let mut map = HashMap::new();
        map.insert(
            "app.py".to_string(),
            ChangedLines::from_ranges(vec![(3, 3)]),
        );
        let c = Changes::Lines(map);
        assert!(c.keeps(&finding("x", CheckerKind::Python, 3, "")));
        assert!(!c.keeps(&finding("x", CheckerKind::Python, 4, "")));
        let mut other = finding("x", CheckerKind::Python, 3, "");
        other.path = "base.txt".into();
        assert!(!c.keeps(&other));
    }
}
