//! CycloneDX 1.6 JSON: every component the checkers found (pinned, locked, installed), with
//! purls, hashes and licences where known, and the vulnerabilities of the audit findings
//! (DEP009) with their CVSS ratings, each pointing at the component it affects. What was not
//! checked travels in the document's properties, so the SBOM never looks more complete than
//! the run was.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::Report;

fn purl_of(package: &str, version: &str) -> String {
    format!(
        "pkg:pypi/{}@{version}",
        package.to_ascii_lowercase().replace('_', "-")
    )
}

fn valid_hex(s: &str) -> bool {
    matches!(s.len(), 32 | 40 | 64 | 96 | 128) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let components: Vec<Value> = report
        .components
        .iter()
        .map(|c| {
            let mut v = json!({
                "type": "library",
                "bom-ref": c.purl,
                "name": c.name,
                "version": c.version,
                "purl": c.purl,
            });
            let hashes: Vec<Value> = c
                .hashes
                .iter()
                .filter(|(_, h)| valid_hex(h))
                .map(|(alg, h)| json!({ "alg": alg, "content": h.to_ascii_lowercase() }))
                .collect();
            if !hashes.is_empty() {
                v["hashes"] = json!(hashes);
            }
            if let Some(l) = &c.license {
                v["licenses"] = json!([{ "expression": l }]);
            }
            if !c.found_in.is_empty() {
                let occurrences: Vec<Value> = c
                    .found_in
                    .iter()
                    .map(|(path, line)| json!({ "location": path, "line": line }))
                    .collect();
                v["evidence"] = json!({ "occurrences": occurrences });
            }
            v
        })
        .collect();
    let known: std::collections::HashSet<&str> =
        report.components.iter().map(|c| c.purl.as_str()).collect();
    // One vulnerability per advisory, affecting every component it was found in.
    let mut vulns: BTreeMap<String, (Value, Vec<String>)> = BTreeMap::new();
    for f in report.findings {
        let p = &f.properties;
        let (Some(id), Some(pkg), Some(ver)) = (
            p.get("advisory").and_then(Value::as_str),
            p.get("package").and_then(Value::as_str),
            p.get("version").and_then(Value::as_str),
        ) else {
            continue;
        };
        let purl = purl_of(pkg, ver);
        let entry = vulns.entry(id.to_string()).or_insert_with(|| {
            let mut v = json!({
                "bom-ref": format!("vulnerability:{id}"),
                "id": id,
                "source": { "name": "OSV", "url": format!("https://osv.dev/vulnerability/{id}") },
            });
            let mut ratings = Vec::new();
            if let Some(score) = p.get("cvss-score").and_then(Value::as_f64) {
                let method = match p.get("cvss-version").and_then(Value::as_str) {
                    Some("4.0") => "CVSSv4",
                    Some("3.0") => "CVSSv3",
                    _ => "CVSSv31",
                };
                ratings.push(json!({
                    "score": score,
                    "severity": p.get("severity").cloned().unwrap_or(json!("unknown")),
                    "method": method,
                    "vector": p.get("cvss-vector").cloned().unwrap_or(Value::Null),
                }));
            } else if let Some(label) = p.get("github-severity").and_then(Value::as_str) {
                let sev = match label.to_ascii_lowercase().as_str() {
                    "moderate" => "medium".to_string(),
                    l @ ("critical" | "high" | "medium" | "low") => l.to_string(),
                    _ => "unknown".to_string(),
                };
                ratings.push(json!({ "severity": sev, "method": "other", "source": { "name": "GitHub" } }));
            } else {
                ratings.push(json!({ "severity": "unknown" }));
            }
            v["ratings"] = json!(ratings);
            if let Some(aliases) = p.get("aliases").and_then(Value::as_array) {
                let refs: Vec<Value> = aliases
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|a| json!({ "id": a, "source": { "name": "OSV", "url": format!("https://osv.dev/vulnerability/{a}") } }))
                    .collect();
                if !refs.is_empty() {
                    v["references"] = json!(refs);
                }
            }
            if let Some(d) = p.get("published").and_then(Value::as_str) {
                v["published"] = json!(format!("{d}T00:00:00Z"));
            }
            let fixed: Vec<&str> = p
                .get("fixed-versions")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            v["recommendation"] = json!(if fixed.is_empty() {
                "no fixed version is known".to_string()
            } else {
                format!("upgrade to {}", fixed.join(" / "))
            });
            (v, Vec::new())
        });
        if !entry.1.contains(&purl) {
            entry.1.push(purl);
        }
    }
    let vulnerabilities: Vec<Value> = vulns
        .into_values()
        .map(|(mut v, affects)| {
            // `affects` may only reference components in this document.
            let refs: Vec<Value> = affects
                .iter()
                .filter(|p| known.contains(p.as_str()))
                .map(|p| json!({ "ref": p }))
                .collect();
            if !refs.is_empty() {
                v["affects"] = json!(refs);
            }
            v
        })
        .collect();
    let not_checked: Vec<Value> = report
        .diagnostics
        .iter()
        .filter(|d| d.gap.is_some())
        .map(|d| {
            json!({
                "name": "palisade:not-checked",
                "value": if d.path.is_empty() { d.message.clone() } else { format!("{}: {}", d.path, d.message) },
            })
        })
        .collect();
    let mut doc = json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "tools": { "components": [{
                "type": "application",
                "name": "palisade",
                "version": report.tool_version,
            }]},
        },
        "components": components,
        "vulnerabilities": vulnerabilities,
    });
    if !not_checked.is_empty() {
        doc["metadata"]["properties"] = json!(not_checked);
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
