//! The dependency audit through the binary: severity, score and age in every format, the
//! severity threshold, and one SARIF rule per advisory.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::common::{json, palisade, run_code, run_json};

/// The day every check here runs on (`--now`): advisory ages and expiries count from it.
const NOW: &str = "2026-11-25";
const NO_ARGS: [&str; 0] = [];

/// `palisade check --only deps --now NOW ARGS` in `repo`.
fn check_deps<S: AsRef<OsStr>>(
    repo: &Path,
    args: impl IntoIterator<Item = S>,
) -> assert_cmd::Command {
    let mut cmd = palisade(repo);
    cmd.args(["check", "--only", "deps", "--now", NOW])
        .args(args);
    cmd
}

/// The same with `--format json`, expecting exit `code`: the JSON report.
fn check_deps_json<S: AsRef<OsStr>>(
    repo: &Path,
    args: impl IntoIterator<Item = S>,
    code: i32,
) -> serde_json::Value {
    run_json(check_deps(repo, ["--format", "json"]).args(args), code)
}

const OSV_SCORED: &str = r#"{"id":"PYSEC-2026-1","modified":"2026-11-22T10:00:00Z","published":"2026-10-26T08:00:00Z",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "summary":"Demo is broken","affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#;
const OSV_LOW: &str = r#"{"id":"GHSA-zzzz-zzzz-zzzz","modified":"2026-11-20T10:00:00Z","database_specific":{"severity":"LOW"},
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},"versions":["1.0"]}]}"#;

/// A project in `dir/repo` pinning `demo==1.0`, with the two advisories above in `dir/data`
/// as its advisory database; returns the project's folder.
fn project(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(data.join("osv")).unwrap();
    std::fs::write(data.join("osv/a.json"), OSV_SCORED).unwrap();
    std::fs::write(data.join("osv/b.json"), OSV_LOW).unwrap();
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("requirements.txt"), "demo==1.0\n").unwrap();
    std::fs::write(
        repo.join("palisade.toml"),
        format!(
            "[deps]\nadvisory-db = \"{}\"\ncache-dir = \"{}\"\nmax-db-age-days = 3650\n",
            data.join("osv").display(),
            data.join("cache").display()
        ),
    )
    .unwrap();
    repo
}

/// Appends `toml` to the project's palisade.toml.
fn add_config(repo: &Path, toml: &str) {
    let before = std::fs::read_to_string(repo.join("palisade.toml")).unwrap();
    std::fs::write(repo.join("palisade.toml"), format!("{before}\n{toml}")).unwrap();
}

/// `palisade accepts --only deps --now DAY ARGS` in `repo`, expecting exit 0.
fn accepts(repo: &Path, day: &str, args: &[&str]) -> std::process::Output {
    run_code(
        palisade(repo)
            .args(["accepts", "--only", "deps", "--now", day])
            .args(args),
        0,
    )
}

#[test]
fn json_findings_carry_score_vector_and_age_and_sarif_has_a_rule_per_advisory() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    let doc = check_deps_json(&repo, ["requirements.txt"], 1);
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["advisory"] == "PYSEC-2026-1")
        .expect("PYSEC-2026-1");
    assert_eq!(f["severity"], "critical");
    assert_eq!(f["properties"]["cvss-score"], 9.8);
    assert_eq!(f["properties"]["age-days"], 30);
    assert_eq!(f["properties"]["published"], "2026-10-26");
    assert_eq!(f["properties"]["smallest-fix"], "1.5");

    let doc = run_json(
        &mut check_deps(&repo, ["--format", "sarif", "requirements.txt"]),
        1,
    );
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "DEP009/PYSEC-2026-1")
        .expect("a rule of its own");
    assert_eq!(rule["properties"]["security-severity"], "9.8");
    let low = rules
        .iter()
        .find(|r| r["id"] == "DEP009/GHSA-zzzz-zzzz-zzzz")
        .expect("a rule of its own");
    assert_eq!(low["properties"]["security-severity"], "2.0");
    for r in run["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert_eq!(r["properties"]["palisade-rule"], "DEP009");
    }
}

#[test]
fn fail_on_severity_turns_lower_advisories_into_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    let doc = check_deps_json(
        &repo,
        ["--fail-on-severity", "critical", "requirements.txt"],
        1,
    );
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["advisory"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["PYSEC-2026-1"]);
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["message"].as_str().unwrap().starts_with(
                "DEP009 below fail-on-severity (critical): demo 1.0 is affected by GHSA-zzzz"
            )),
        "{doc:#}"
    );
    // Nothing at or above the threshold: exit 0, the low advisory still said.
    std::fs::remove_file(tmp.path().join("data/osv/a.json")).unwrap();
    let out = run_code(
        &mut check_deps(
            &repo,
            ["--fail-on-severity", "critical", "requirements.txt"],
        ),
        0,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GHSA-zzzz-zzzz-zzzz"), "{stderr}");
    run_code(&mut check_deps(&repo, ["requirements.txt"]), 1);
}

#[test]
fn requirements_named_with_r_are_read_as_requirements_and_others_get_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::write(repo.join("reqs.txt"), "requests>=2\n").unwrap();
    // Named as a path only: secrets only, and a note says so.
    let doc = run_json(
        palisade(repo).args(["check", "--format", "json", "reqs.txt"]),
        0,
    );
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "reqs.txt"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("only the secrets checker reads this file")),
        "{doc:#}"
    );
    // With -r, like pip-audit: a requirements file.
    let doc = run_json(
        palisade(repo).args(["check", "--format", "json", "-r", "reqs.txt"]),
        1,
    );
    assert_eq!(doc["findings"][0]["rule_id"], "DEP001", "{doc:#}");
    assert_eq!(doc["findings"][0]["path"], "reqs.txt");
    // A bad target is a configuration error.
    run_code(
        palisade(repo).args(["check", "--platform", "solaris", "-r", "reqs.txt"]),
        2,
    );
}

#[test]
fn python_version_leaves_out_pins_whose_markers_exclude_it() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    std::fs::write(
        repo.join("requirements.txt"),
        "demo==1.0 ; python_version < \"3.9\"\n",
    )
    .unwrap();
    check_deps_json(&repo, NO_ARGS, 1);
    let doc = check_deps_json(&repo, ["--python-version", "3.12"], 0);
    assert!(
        doc["diagnostics"].as_array().unwrap().iter().any(|d| d["message"]
            == "1 pin not audited: its environment markers exclude the target environment (python 3.12)"),
        "{doc:#}"
    );
}

#[test]
fn installed_environments_are_audited_and_a_config_cannot_point_outside_the_repo() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    std::fs::remove_file(repo.join("requirements.txt")).unwrap();
    let site = tmp
        .path()
        .join("outside-venv/lib/python3.12/site-packages/demo-1.0.dist-info");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("METADATA"),
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
    )
    .unwrap();
    let venv = tmp.path().join("outside-venv");
    let doc = check_deps_json(&repo, [OsStr::new("--env"), venv.as_os_str()], 1);
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{doc:#}");
    assert!(
        paths
            .iter()
            .all(|p| p.ends_with("demo-1.0.dist-info/METADATA")),
        "{paths:?}"
    );
    // The same environment from the config: refused, it lies outside the repository.
    let toml = std::fs::read_to_string(repo.join("palisade.toml")).unwrap();
    std::fs::write(
        repo.join("palisade.toml"),
        format!("{toml}environment = \"{}\"\n", venv.display()),
    )
    .unwrap();
    let out = run_code(&mut check_deps(&repo, NO_ARGS), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the repository"));
}

#[test]
fn licence_policy_in_check_and_the_licenses_table() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let write_dist = |name: &str, header: &str| {
        let d = repo.join(format!(
            ".venv/lib/python3.12/site-packages/{name}-1.0.dist-info"
        ));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("METADATA"),
            format!("Metadata-Version: 2.4\nName: {name}\nVersion: 1.0\n{header}\n"),
        )
        .unwrap();
    };
    write_dist(
        "cryptography",
        "License-Expression: Apache-2.0 OR BSD-3-Clause",
    );
    write_dist(
        "numpy",
        "License-Expression: BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0",
    );
    write_dist("vague", "License: GPL");
    std::fs::write(
        repo.join("palisade.toml"),
        "[deps]\nenvironment = \".venv\"\n[deps.licenses]\nallow = [\"MIT\", \"BSD-3-Clause\"]\n",
    )
    .unwrap();
    std::fs::write(repo.join("app.py"), "x = 1\n").unwrap();
    let doc = check_deps_json(repo, ["app.py"], 1);
    let mut got: Vec<(String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"]
                    .as_str()
                    .unwrap()
                    .split('/')
                    .nth(4)
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("LIC001".to_string(), "numpy-1.0.dist-info".to_string()),
            ("LIC002".to_string(), "vague-1.0.dist-info".to_string()),
        ]
    );
    let out = run_code(palisade(repo).args(["licenses", "--format", "markdown"]), 0);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains(
            "| cryptography | 1.0 | Apache-2.0 OR BSD-3-Clause | License-Expression | allowed |"
        ),
        "{table}"
    );
    assert!(table.contains("| numpy | 1.0 | BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0 | License-Expression | NOT ALLOWED: 0BSD, Zlib, CC0-1.0 |"), "{table}");
    assert!(
        table.contains("| vague | 1.0 | License: GPL | unknown | unknown |"),
        "{table}"
    );
}

#[test]
fn fix_prints_a_diff_writes_only_when_asked_and_never_through_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    let before = "demo==1.0  # keep\nother==2\n";
    std::fs::write(repo.join("requirements.txt"), before).unwrap();
    let out = run_code(palisade(&repo).args(["fix"]), 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("-demo==1.0  # keep\n+demo==1.5  # keep\n"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("requirements.txt")).unwrap(),
        before
    );
    run_code(palisade(&repo).args(["fix", "--write"]), 0);
    assert_eq!(
        std::fs::read_to_string(repo.join("requirements.txt")).unwrap(),
        "demo==1.5  # keep\nother==2\n"
    );
    // GHSA-zzzz affects only 1.0 and has no fix; PYSEC-2026-1 is fixed in 1.5: clean now.
    run_code(&mut check_deps(&repo, ["--select", "DEP009"]), 0);
    #[cfg(unix)]
    {
        let target = tmp.path().join("elsewhere.txt");
        std::fs::write(&target, "demo==1.0\n").unwrap();
        std::os::unix::fs::symlink(&target, repo.join("requirements-link.txt")).unwrap();
        let out = palisade(&repo)
            .args(["fix", "--write", "-r", "requirements-link.txt"])
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(0));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "demo==1.0\n");
    }
}

/// A Python with `cyclonedx-python-lib[json-validation]` (`.ci/run` installs one and sets
/// PALISADE_CYCLONEDX_PYTHON). Under CI=true its absence fails the test.
fn cyclonedx_python() -> Option<String> {
    match std::env::var("PALISADE_CYCLONEDX_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            assert!(
                std::env::var_os("CI").is_none_or(|v| v != "true"),
                "PALISADE_CYCLONEDX_PYTHON is not set (CI=true: not skipping the schema validation)"
            );
            eprintln!("skipped: PALISADE_CYCLONEDX_PYTHON is not set");
            None
        }
    }
}

#[test]
fn cyclonedx_sbom_lists_components_and_rated_vulnerabilities_and_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    let hash = "a".repeat(64);
    std::fs::write(
        repo.join("requirements.txt"),
        format!("demo==1.0 --hash=sha256:{hash}\nrange>=1 --hash=sha256:{hash}\n"),
    )
    .unwrap();
    let site = repo.join(".venv/lib/python3.12/site-packages/installed_pkg-2.0.dist-info");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("METADATA"),
        "Metadata-Version: 2.4\nName: installed_pkg\nVersion: 2.0\nLicense-Expression: MIT OR Apache-2.0\n",
    )
    .unwrap();
    let out_file = tmp.path().join("bom.json");
    run_code(
        check_deps(&repo, ["--env", ".venv", "--format", "cyclonedx", "-o"]).arg(&out_file),
        1,
    );
    let text = std::fs::read_to_string(&out_file).unwrap();
    let doc = json(text.as_bytes());
    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["specVersion"], "1.6");
    let purls: Vec<&str> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purl"].as_str().unwrap())
        .collect();
    assert_eq!(
        purls,
        vec!["pkg:pypi/demo@1.0", "pkg:pypi/installed-pkg@2.0"]
    );
    let demo = &doc["components"][0];
    assert_eq!(demo["hashes"][0]["content"], hash.as_str());
    assert_eq!(
        demo["evidence"]["occurrences"][0]["location"],
        "requirements.txt"
    );
    assert_eq!(
        doc["components"][1]["licenses"][0]["expression"],
        "MIT OR Apache-2.0"
    );
    let vulns = doc["vulnerabilities"].as_array().unwrap();
    let ids: Vec<&str> = vulns.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["GHSA-zzzz-zzzz-zzzz", "PYSEC-2026-1"]);
    assert_eq!(vulns[1]["ratings"][0]["score"], 9.8);
    assert_eq!(vulns[1]["ratings"][0]["method"], "CVSSv31");
    assert_eq!(vulns[1]["affects"][0]["ref"], "pkg:pypi/demo@1.0");
    assert_eq!(vulns[0]["ratings"][0]["severity"], "low");

    let Some(python) = cyclonedx_python() else {
        return;
    };
    let mut child = std::process::Command::new(python)
        .args([
            "-c",
            "import sys\nfrom cyclonedx.validation.json import JsonStrictValidator\nfrom cyclonedx.schema import SchemaVersion\ne = JsonStrictValidator(SchemaVersion.V1_6).validate_str(sys.stdin.read())\nprint(e or 'valid')\nsys.exit(1 if e else 0)\n",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let res = child.wait_with_output().unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stdout)
    );
}

#[test]
fn risk_register_lists_acceptances_and_warns_before_expiry_and_when_unused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    add_config(
        &repo,
        "[[accept]]\nadvisory = \"PYSEC-2026-1\"\nreason = \"not reachable\"\nby = \"sec-team\"\ndate = 2026-11-01\nexpires = 2026-12-01\n\n[[accept]]\npackage = \"gone\"\nreason = \"old\"\n",
    );
    // A whole-tree check: the first entry is used and expires in 6 days, the second is unused.
    let doc = check_deps_json(&repo, NO_ARGS, 1);
    let warnings: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["level"] == "warning")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("risk acceptance")
            && w.contains("accept[0] expires in 6 days (2026-12-01)")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("accept[1] matched nothing in this run")),
        "{warnings:#?}"
    );
    assert!(!warnings
        .iter()
        .any(|w| w.contains("accept[0] matched nothing")));
    // The register.
    let out = accepts(&repo, NOW, &["--markdown"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("| advisory PYSEC-2026-1 | not reachable | sec-team | 2026-11-01 | 2026-12-01 | 6 | expires in 6 days | yes |"),
        "{table}"
    );
    assert!(
        table.contains("| package gone | old | - | - | - | - | in force (no expiry) | no |"),
        "{table}"
    );
    let doc = json(&accepts(&repo, "2026-12-05", &["--format", "json"]).stdout);
    assert_eq!(doc["accepts"][0]["status"], "EXPIRED 4 days ago");
    assert_eq!(doc["accepts"][0]["days_left"], -4);
}

#[test]
fn dependabot_coverage_is_off_by_default_and_selected_by_flag_or_config() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    let digest = "a".repeat(64);
    palisade_testkit::write(repo, "requirements.txt", "requests==2.32.3\n");
    palisade_testkit::write(
        repo,
        "web/Dockerfile",
        format!("FROM python:3.12-slim@sha256:{digest}\n"),
    );
    palisade_testkit::write(
        repo,
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule: { interval: weekly }\n",
    );
    // Off by default: nothing, and exit 0.
    let doc = check_deps_json(repo, ["."], 0);
    assert!(doc["findings"].as_array().unwrap().is_empty(), "{doc:#}");
    // --select DEP015: the Dockerfile's folder has no docker entry.
    let doc = check_deps_json(repo, ["--select", "DEP015", "."], 1);
    let got: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule_id"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [("DEP015", "web/Dockerfile")], "{doc:#}");
    // The same from the config's `select`.
    palisade_testkit::write(repo, "palisade.toml", "select = [\"DEP015\"]\n");
    let doc = check_deps_json(repo, ["."], 1);
    assert_eq!(doc["findings"][0]["rule_id"], "DEP015", "{doc:#}");
    // Covered: clean.
    palisade_testkit::write(
        repo,
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n  - package-ecosystem: docker\n    directories: [\"/web\"]\n",
    );
    check_deps_json(repo, ["."], 0);
    // A broken dependabot.yml: an error naming it (exit 2), no guessed finding.
    palisade_testkit::write(repo, ".github/dependabot.yml", "version: 2\nupdates: [\n");
    let doc = check_deps_json(repo, ["."], 2);
    assert!(doc["findings"].as_array().unwrap().is_empty(), "{doc:#}");
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == ".github/dependabot.yml"
                && d["level"] == "error"
                && d["message"].as_str().unwrap().contains("DEP015")),
        "{doc:#}"
    );
    // `rules` lists it as off by default; `explain` prints its documentation.
    let out = run_code(palisade(repo).args(["explain", "DEP015"]), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("## What it does") && text.contains("## Why is this bad?"),
        "{text}"
    );
}

#[test]
fn deps_ignore_entries_show_who_accepted_them_and_when_in_the_register() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    let toml = std::fs::read_to_string(repo.join("palisade.toml")).unwrap();
    add_config(
        &repo,
        "[[deps.ignore]]\nid = \"GHSA-zzzz-zzzz-zzzz\"\nreason = \"low, not reachable\"\nby = \"alice@example.com\"\ndate = 2026-11-20\nexpires = 2026-12-31\n\n[[deps.ignore]]\npackage = \"internal-lib\"\nreason = \"private\"\n",
    );
    let doc = json(&accepts(&repo, NOW, &["--format", "json"]).stdout);
    let first = &doc["accepts"][0];
    assert_eq!(first["by"], "alice@example.com", "{doc:#}");
    assert_eq!(first["date"], "2026-11-20");
    assert_eq!(first["days_left"], 36);
    assert!(doc["accepts"][1]["by"].is_null() && doc["accepts"][1]["date"].is_null());
    let table = String::from_utf8_lossy(&accepts(&repo, NOW, &["--markdown"]).stdout).into_owned();
    assert!(
        table.contains("| low, not reachable | alice@example.com | 2026-11-20 | 2026-12-31 | 36 |"),
        "{table}"
    );
    let text = String::from_utf8_lossy(&accepts(&repo, NOW, &[]).stdout).into_owned();
    assert!(
        text.contains("accepted by alice@example.com on 2026-11-20"),
        "{text}"
    );
    // A `date` that is not one is a configuration error, like `expires`.
    std::fs::write(
        repo.join("palisade.toml"),
        format!("{toml}\n[[deps.ignore]]\nid = \"X\"\nreason = \"r\"\ndate = \"yesterday\"\n"),
    )
    .unwrap();
    let out = run_code(&mut check_deps(&repo, NO_ARGS), 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`date = yesterday` is not a date"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn fix_prints_the_pylock_writers_command_and_never_edits_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = project(tmp.path());
    std::fs::remove_file(repo.join("requirements.txt")).unwrap();
    let lock = "lock-version = \"1.0\"\ncreated-by = \"uv\"\n[[packages]]\nname = \"demo\"\nversion = \"1.0\"\n";
    palisade_testkit::write(&repo, "app/pylock.toml", lock);
    // Without the uv.lock it was exported from, no exact command exists: a warning says why.
    let out = run_code(palisade(&repo).args(["fix", "--write"]), 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "demo 1.0 (line 4): fixed in 1.5, but written by uv without the command it ran"
        ),
        "{stderr}"
    );
    palisade_testkit::write(&repo, "app/uv.lock", "version = 1\n");
    let out = run_code(palisade(&repo).args(["fix", "--write"]), 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("run: cd app && uv lock --upgrade-package demo==1.5 && uv export --format pylock.toml -o pylock.toml"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("app/pylock.toml")).unwrap(),
        lock
    );
}

#[test]
fn diff_runs_say_the_installed_environment_was_not_audited() {
    let repo = crate::common::GitRepo::new();
    repo.write("data/osv/a.json", OSV_SCORED);
    repo.write(
        ".venv/lib/python3.12/site-packages/demo-1.0.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n",
    );
    repo.write(".gitignore", ".venv/\n");
    repo.write(
        "palisade.toml",
        "[deps]\nadvisory-db = \"data/osv\"\nmax-db-age-days = 3650\nenvironment = \".venv\"\n",
    );
    repo.write("app.py", "x = 1\n");
    repo.commit_all("init");
    // A whole check audits what is installed.
    let doc = run_json(
        repo.palisade().args([
            "check", "--only", "deps", "--now", NOW, "--format", "json", "app.py",
        ]),
        1,
    );
    assert_eq!(doc["findings"][0]["rule_id"], "DEP009", "{doc:#}");
    // A staged run: not audited, and every format says so; from the config it is a note.
    repo.write("app.py", "x = 2\n");
    repo.git(&["add", "app.py"]);
    let staged = ["check", "--only", "deps", "--now", NOW, "--staged"];
    let not_audited = "installed environment .venv not audited: a --staged/--diff/--patch run reports only what the change adds";
    let doc = run_json(repo.palisade().args(staged).args(["--format", "json"]), 0);
    assert!(doc["findings"].as_array().unwrap().is_empty(), "{doc:#}");
    let gap = &doc["not_checked"][0];
    assert_eq!(gap["gap"], "not-in-mode", "{doc:#}");
    assert!(
        gap["message"].as_str().unwrap().starts_with(not_audited),
        "{doc:#}"
    );
    let out = run_code(repo.palisade().args(staged), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("not checked: {not_audited}")),
        "{text}"
    );
    let sarif = run_json(repo.palisade().args(staged).args(["--format", "sarif"]), 0);
    assert!(sarif.to_string().contains(not_audited), "{sarif:#}");
    // Asked for on the command line, leaving it out is an error (exit 2).
    let out = run_code(repo.palisade().args(staged).args(["--env", ".venv"]), 2);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("error: installed environment .venv not audited"),
        "{text}"
    );
}

#[test]
fn dependabot_coverage_in_a_staged_run_reads_the_staged_dependabot_yml() {
    let repo = crate::common::GitRepo::new();
    repo.write("requirements.txt", "requests==2.32.3\n");
    repo.write(
        ".github/dependabot.yml",
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n",
    );
    repo.commit_all("init");
    // A new Dockerfile in a folder no docker entry covers.
    let digest = "a".repeat(64);
    repo.write(
        "web/Dockerfile",
        format!("FROM python:3.12-slim@sha256:{digest}\n"),
    );
    repo.git(&["add", "web/Dockerfile"]);
    let staged = [
        "check", "--only", "deps", "--select", "DEP015", "--staged", "--format", "json",
    ];
    let doc = run_json(repo.palisade().args(staged), 1);
    assert_eq!(
        crate::common::findings(&doc),
        [("DEP015".to_string(), "web/Dockerfile".to_string(), 1)]
    );
    // Covered in the working tree only: the commit would still lack it.
    let covered = "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n  - package-ecosystem: docker\n    directory: /web\n";
    repo.write(".github/dependabot.yml", covered);
    run_json(repo.palisade().args(staged), 1);
    repo.git(&["add", ".github/dependabot.yml"]);
    run_json(repo.palisade().args(staged), 0);
}
