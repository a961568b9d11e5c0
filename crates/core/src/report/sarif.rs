//! SARIF 2.1.0 as GitHub code scanning accepts it: rules with descriptions and help,
//! `security-severity`, `partialFingerprints`, 1-based regions with exclusive end columns.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::Report;
use crate::checker::DiagnosticLevel;
use crate::finding::{Confidence, Severity};

/// GitHub maps > 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn precision(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

/// A rule a finding carries for itself (`properties["sarif-rule"]`).
struct SubRule<'a> {
    id: &'a str,
    name: Option<&'a str>,
    summary: Option<&'a str>,
    help_uri: Option<&'a str>,
    security_severity: Option<f64>,
}

fn sub_rule(f: &crate::finding::Finding) -> Option<SubRule<'_>> {
    let r = f.properties.get("sarif-rule")?;
    Some(SubRule {
        id: r.get("id")?.as_str()?,
        name: r.get("name").and_then(Value::as_str),
        summary: r.get("summary").and_then(Value::as_str),
        help_uri: r.get("helpUri").and_then(Value::as_str),
        security_severity: r.get("security-severity").and_then(Value::as_f64),
    })
}

/// SARIF caps descriptions at 1024 characters.
fn cap(s: &str) -> String {
    if s.chars().count() <= 1024 {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(1020).collect();
        t.push_str(" ...");
        t
    }
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut index: HashMap<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_ref(), i))
        .collect();
    let mut rules: Vec<Value> = report
        .rules
        .iter()
        .map(|r| {
            let doc = r.doc_text();
            let mut tags = vec!["security".to_string(), r.checker.to_string()];
            if let Some(cwe) = r.cwe {
                tags.push(format!("external/cwe/cwe-{cwe}"));
            }
            let mut rule = json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": cap(&r.summary) },
                "fullDescription": { "text": cap(if doc.is_empty() { &r.summary } else { &doc }) },
                "help": { "text": if doc.is_empty() { r.summary.to_string() } else { doc.clone() }, "markdown": if doc.is_empty() { r.summary.to_string() } else { doc } },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "security-severity": security_severity(r.severity),
                    "precision": precision(r.confidence),
                    "tags": tags,
                },
            });
            if let Some(uri) = r.help_uri() {
                rule["helpUri"] = json!(uri);
            }
            rule
        })
        .collect();
    // Findings that carry a rule of their own (one per advisory): that rule, once, with the
    // finding's own security-severity.
    for f in report.findings {
        let Some(sub) = sub_rule(f) else { continue };
        if index.contains_key(sub.id) {
            continue;
        }
        // Short: the parent rule's documentation is not repeated for every advisory (a lock
        // file can hold hundreds); `help` points at the parent rule and the advisory.
        let parent_tags = index
            .get(f.rule_id.as_str())
            .map(|&i| rules[i]["properties"]["tags"].clone())
            .unwrap_or_else(|| json!([]));
        let text = format!(
            "{} (palisade rule {}; `palisade explain {}`)",
            sub.summary.unwrap_or(sub.id),
            f.rule_id,
            f.rule_id
        );
        let mut rule = json!({
            "shortDescription": { "text": cap(&text) },
            "fullDescription": { "text": cap(&text) },
            "help": { "text": text.clone(), "markdown": text },
            "properties": { "precision": precision(f.confidence), "tags": parent_tags },
        });
        rule["id"] = json!(sub.id);
        if let Some(name) = sub.name {
            rule["name"] = json!(name);
        }
        match sub.security_severity {
            Some(score) => rule["properties"]["security-severity"] = json!(format!("{score:.1}")),
            None => rule["properties"]["security-severity"] = json!(security_severity(f.severity)),
        }
        rule["defaultConfiguration"] = json!({ "level": level(f.severity) });
        if let Some(uri) = sub.help_uri {
            rule["helpUri"] = json!(uri);
        }
        index.insert(sub.id, rules.len());
        rules.push(rule);
    }
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut region = json!({
                "startLine": f.span.start_line,
                "startColumn": f.span.start_col,
                "endLine": f.span.end_line.max(f.span.start_line),
            });
            if f.span.end_col > 0
                && (f.span.end_line > f.span.start_line || f.span.end_col > f.span.start_col)
            {
                region["endColumn"] = json!(f.span.end_col);
            }
            if let Some(s) = &f.snippet {
                region["snippet"] = json!({ "text": s });
            }
            let mut message = f.message.clone();
            for note in &f.notes {
                message.push_str(&format!(" ({note})"));
            }
            if !f.related.is_empty() {
                message.push_str(&format!(" (also reported by {})", f.related.join(", ")));
            }
            let rule_id = sub_rule(f).map_or(f.rule_id.as_str(), |s| s.id);
            let mut result = json!({
                "ruleId": rule_id,
                "level": level(f.severity),
                "message": { "text": message },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": f.path, "uriBaseId": "%SRCROOT%" },
                    "region": region,
                }}],
                "partialFingerprints": { "palisade/v1": f.fingerprint },
                "properties": { "severity": f.severity, "confidence": f.confidence },
            });
            if let Some(&i) = index.get(rule_id) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(p) = &f.provenance {
                // gitleaks' keys, which code-scanning users of history scans already read.
                result["partialFingerprints"]["commitSha"] = json!(p.commit);
                result["partialFingerprints"]["author"] = json!(p.author);
                result["partialFingerprints"]["email"] = json!(p.email);
                result["partialFingerprints"]["date"] = json!(p.date);
                result["properties"]["commit"] = json!(p.commit);
                result["properties"]["author"] = json!(p.author);
                result["properties"]["email"] = json!(p.email);
                result["properties"]["date"] = json!(p.date);
            }
            for (k, v) in &f.properties {
                if k != "sarif-rule" {
                    result["properties"][k] = v.clone();
                }
            }
            if rule_id != f.rule_id {
                result["properties"]["palisade-rule"] = json!(f.rule_id);
            }
            result
        })
        .collect();
    // Every diagnostic, notes included: what was not checked is part of the result.
    let notifications: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let level = match d.level {
                DiagnosticLevel::Error => "error",
                DiagnosticLevel::Warning => "warning",
                DiagnosticLevel::Note => "note",
            };
            let mut n = json!({
                "level": level,
                "message": { "text": d.message },
            });
            if let Some(gap) = d.gap {
                n["descriptor"] = json!({ "id": format!("not-checked/{}", serde_json::to_value(gap).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()) });
                n["properties"] = json!({ "notChecked": gap });
            }
            if !d.path.is_empty() {
                let mut loc = json!({ "physicalLocation": { "artifactLocation": { "uri": d.path, "uriBaseId": "%SRCROOT%" } } });
                if let Some(l) = d.line {
                    loc["physicalLocation"]["region"] = json!({ "startLine": l });
                }
                n["locations"] = json!([loc]);
            }
            n
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "palisade",
                "semanticVersion": report.tool_version,
                "version": report.tool_version,
                "informationUri": "https://github.com/palisade-dev/palisade",
                "rules": rules,
            }},
            "automationDetails": { "id": "palisade/" },
            "invocations": [{
                "executionSuccessful": report.summary.errors == 0,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
