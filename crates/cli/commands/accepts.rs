//! `palisade accepts`: the risk register. Every accepted risk of every checker (`[[accept]]`
//! and the older `[[deps.ignore]]`), with what it covers, the reason, who accepted it and when
//! where given, its expiry and days left, and whether it matched anything in this run (the
//! run is the same as `palisade check` with the same arguments). Text, JSON or Markdown.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use palisade_core::suppress::accept::days_left;

use crate::args::{CheckArgs, FormatArg};
use crate::commands::check;

#[derive(Debug, Args)]
pub struct AcceptsArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    /// Print a Markdown table (for a review document) instead of `--format`.
    #[arg(long)]
    pub markdown: bool,
    /// Acceptances expiring within this many days are flagged (default: the config's
    /// `accept-expiry-warning-days`, else 14).
    #[arg(long, value_name = "DAYS")]
    pub within: Option<u32>,
}

pub fn run(args: &AcceptsArgs) -> Result<ExitCode> {
    let c = check::collect(&args.check, true)?;
    let soon = i64::from(
        args.within
            .or(c.loaded.config.accept_expiry_warning_days)
            .unwrap_or(14),
    );
    let rows: Vec<serde_json::Value> = c
        .accepts
        .iter()
        .zip(&c.accepts_used)
        .map(|(a, used)| {
            let left = days_left(a, c.today);
            let status = match left {
                None => "in force (no expiry)".to_string(),
                Some(d) if d < 0 => format!("EXPIRED {} days ago", -d),
                Some(d) if d <= soon => format!("expires in {d} days"),
                Some(_) => "in force".to_string(),
            };
            serde_json::json!({
                "origin": a.origin,
                "rule": a.rule,
                "advisory": a.advisory,
                "package": a.package,
                "path": a.path.as_ref().map(|g| g.as_str().to_string()),
                "reason": a.reason,
                "by": a.by,
                "date": a.date.map(|d| d.to_string()),
                "expires": a.expires.map(|d| d.to_string()),
                "days_left": left,
                "status": status,
                "matched_this_run": used,
            })
        })
        .collect();
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "-".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let covers = |r: &serde_json::Value| {
        let mut parts = Vec::new();
        for k in ["rule", "advisory", "package", "path"] {
            if !r[k].is_null() {
                parts.push(format!("{k} {}", cell(&r[k])));
            }
        }
        parts.join(", ")
    };
    if args.markdown {
        println!(
            "| entry | covers | reason | by | date | expires | days left | status | matched |"
        );
        println!("|---|---|---|---|---|---|---|---|---|");
        for r in &rows {
            let cells = [
                cell(&r["origin"]),
                covers(r),
                cell(&r["reason"]),
                cell(&r["by"]),
                cell(&r["date"]),
                cell(&r["expires"]),
                cell(&r["days_left"]),
                cell(&r["status"]),
                if r["matched_this_run"] == true {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
            ];
            let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
            println!("| {} |", cells.join(" | "));
        }
    } else if args.check.format == FormatArg::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "today": c.today.to_string(),
                "accepts": rows,
            }))?
        );
    } else {
        if rows.is_empty() {
            println!("no risk acceptances");
        }
        for r in &rows {
            println!("{}: {}", cell(&r["origin"]), covers(r));
            println!("    reason: {}", cell(&r["reason"]));
            if !r["by"].is_null() || !r["date"].is_null() {
                println!("    accepted by {} on {}", cell(&r["by"]), cell(&r["date"]));
            }
            println!(
                "    expires: {} ({}); matched this run: {}",
                cell(&r["expires"]),
                cell(&r["status"]),
                if r["matched_this_run"] == true {
                    "yes"
                } else {
                    "no"
                }
            );
        }
    }
    Ok(if c.summary.errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
