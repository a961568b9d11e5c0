//! The binary in paths mode: each checker end to end, formats, exit codes, config, baselines,
//! accepted risks, suppressions, bad input.

use std::io::Read;
use std::process::Stdio;

use predicates::prelude::*;

use crate::common::{
    fake_private_key, findings, json, palisade, project_with_findings, run_code, run_json,
};

fn has_rule(found: &[(String, String, u64)], rule_prefix: &str, path: &str) -> bool {
    found
        .iter()
        .any(|(r, p, _)| r.starts_with(rule_prefix) && p == path)
}

#[test]
fn each_checker_reports_through_the_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    project_with_findings(dir.path());
    let out = palisade(dir.path())
        .args(["check", "--format", "json", "."])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let found = findings(&doc);
    assert!(
        found.contains(&("B101".into(), "app.py".into(), 2)),
        "{found:?}"
    );
    assert!(has_rule(&found, "DEP", "requirements.txt"), "{found:?}");
    let secret = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["checker"] == "secrets")
        .expect("secret finding");
    assert_eq!(secret["path"], "deploy.pem");
    assert_eq!(doc["summary"]["files_checked"], 3);
    // Fingerprints exist and never contain the key material.
    assert!(!String::from_utf8_lossy(&out).contains(&fake_private_key()[40..90]));
    for f in doc["findings"].as_array().unwrap() {
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    }
}

#[test]
fn default_command_and_text_format() {
    let dir = tempfile::tempdir().unwrap();
    project_with_findings(dir.path());
    palisade(dir.path())
        .args(["app.py"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_match(r"(?m)^app\.py:2:5: B101 low/high .+$").unwrap())
        .stdout(predicate::str::contains(
            "1 finding (1 low) in 1 of 1 file checked",
        ));
}

#[test]
fn clean_files_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.py"), "def f(x):\n    return x + 1\n").unwrap();
    palisade(dir.path())
        .arg("ok.py")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings in 1 file checked"));
}

#[test]
fn missing_file_is_an_error_but_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    project_with_findings(dir.path());
    palisade(dir.path())
        .args(["gone.py", "app.py"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("app.py:2:5: B101"))
        .stderr(predicate::str::contains("gone.py").and(predicate::str::contains("no such file")));
}

#[test]
fn binary_files_are_noted_and_huge_files_still_checked_for_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = fake_private_key().into_bytes();
    bin.insert(10, 0);
    std::fs::write(dir.path().join("blob.bin"), bin).unwrap();
    std::fs::write(dir.path().join("big.txt"), fake_private_key().repeat(10)).unwrap();
    palisade(dir.path())
        .args(["-v", "--max-file-size", "1000", "blob.bin", "big.txt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("big.txt:1:1: private-key"))
        .stdout(predicate::str::contains(
            "1 file not (fully) checked: 1 binary",
        ))
        .stderr(predicate::str::contains(
            "blob.bin: not checked: binary file",
        ));
}

#[test]
fn invalid_utf8_keeps_findings_in_the_valid_parts() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"# caf\xe9 latin-1 comment\n".to_vec();
    bytes.extend_from_slice(fake_private_key().as_bytes());
    std::fs::write(dir.path().join("notes.txt"), bytes).unwrap();
    let doc = run_json(
        palisade(dir.path()).args(["--format", "json", "notes.txt"]),
        1,
    );
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["checker"] == "secrets" && f["span"]["start_line"] == 2));
}

#[test]
fn sarif_is_what_code_scanning_accepts() {
    let dir = tempfile::tempdir().unwrap();
    project_with_findings(dir.path());
    let doc = run_json(palisade(dir.path()).args(["--format", "sarif", "."]), 1);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for r in rules {
        for key in ["id", "name"] {
            assert!(
                r[key].as_str().is_some_and(|s| !s.is_empty()),
                "rule {key}: {r}"
            );
        }
        for key in ["shortDescription", "fullDescription", "help"] {
            let text = r[key]["text"].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "rule {} lacks {key}", r["id"]);
        }
        assert!(r["shortDescription"]["text"].as_str().unwrap().len() <= 1024);
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&sev));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(!loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .starts_with('/'));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(res["partialFingerprints"]["palisade/v1"].as_str().is_some());
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
    }
}

#[test]
fn github_junit_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    project_with_findings(dir.path());
    palisade(dir.path())
        .args(["--format", "github", "app.py"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::is_match(
                r"(?m)^::notice file=app\.py,line=2,col=5,endLine=2,title=palisade B101::.+",
            )
            .unwrap(),
        );
    palisade(dir.path())
        .args(["--format", "junit", "-o", "report.xml", "app.py"])
        .assert()
        .code(1)
        .stdout("");
    let xml = std::fs::read_to_string(dir.path().join("report.xml")).unwrap();
    assert!(
        xml.starts_with("<?xml")
            && xml.contains(r#"<testcase name="B101 app.py:2:5""#)
            && xml.contains("<failure"),
        "{xml}"
    );
}

#[test]
fn selection_thresholds_and_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    project_with_findings(dir.path());
    let ids = |args: &[&str], code: i32| {
        let doc = run_json(
            palisade(dir.path())
                .args(["--format", "json"])
                .args(args)
                .arg("."),
            code,
        );
        findings(&doc).into_iter().map(|f| f.0).collect::<Vec<_>>()
    };
    assert_eq!(ids(&["--only", "python"], 1), ["B101"]);
    assert_eq!(ids(&["--select", "B1"], 1), ["B101"]);
    assert!(!ids(&["--ignore", "B101"], 1).contains(&"B101".to_string()));
    assert!(!ids(&["--severity", "medium"], 1).contains(&"B101".to_string()));
    assert_eq!(ids(&["--only", "python", "--exit-zero"], 0), ["B101"]);
    palisade(dir.path())
        .args(["--only", "cobol", "."])
        .assert()
        .code(2);
}

#[test]
fn inline_ignore_comment() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.py"),
        "assert a  # palisade: ignore[B101]\nassert b  # palisade: ignore[B602]\n",
    )
    .unwrap();
    let doc = run_json(palisade(dir.path()).args(["--format", "json", "a.py"]), 1);
    assert_eq!(
        findings(&doc),
        [("B101".to_string(), "a.py".to_string(), 2)]
    );
    assert_eq!(doc["summary"]["suppressed_inline"], 1);
}

#[test]
fn config_errors_name_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "severity = \"high\"\nfrobnicate = true\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("ok.py"), "x = 1\n").unwrap();
    palisade(dir.path()).arg("ok.py").assert().code(2).stderr(
        predicate::str::contains("palisade.toml").and(predicate::str::contains("frobnicate")),
    );
    std::fs::write(dir.path().join("palisade.toml"), "severity = \"extreme\"\n").unwrap();
    palisade(dir.path())
        .arg("ok.py")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("extreme"));
}

#[test]
fn config_in_pyproject_is_discovered_from_a_subfolder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n[tool.palisade]\nignore = [\"B101\"]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("pkg/a.py"), "assert x\n").unwrap();
    palisade(&dir.path().join("pkg"))
        .arg("a.py")
        .assert()
        .code(0);
}

/// A config that cannot be read is a clear error (exit 2) that names the line and never
/// quotes it (a line of pyproject.toml may hold a secret, or be megabytes long); nesting too
/// deep for the parser is refused before it lexes the file.
#[test]
fn an_unreadable_config_is_named_by_its_line_never_quoted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
    let secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    std::fs::write(
        dir.path().join("pyproject.toml"),
        format!("[project]\nname = \"x\"\ntoken = \"{secret}\" oops\n"),
    )
    .unwrap();
    let out = run_code(palisade(dir.path()).arg("a.py"), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pyproject.toml: line 3:"), "{err}");
    assert!(!err.contains(secret), "{err}");
    let n = 1_000_000;
    std::fs::write(
        dir.path().join("pyproject.toml"),
        format!("[project]\nx = {}1{}\n", "[".repeat(n), "]".repeat(n)),
    )
    .unwrap();
    let out = run_code(palisade(dir.path()).arg("a.py"), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TOML collections nest deeper than 128 levels (line 2)"),
        "{err}"
    );
    assert!(err.len() < 1_000, "{} bytes of error", err.len());
}

#[test]
fn baseline_round_trip_counts_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "assert x\n").unwrap();
    palisade(dir.path())
        .args(["baseline", "a.py"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("wrote 1 finding"));
    let base = dir.path().join(".palisade-baseline.json");
    assert!(base.is_file());
    palisade(dir.path())
        .args(["--baseline", ".palisade-baseline.json", "a.py"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 in baseline"));
    // Moving the line keeps the fingerprint; a second identical assert is new.
    std::fs::write(dir.path().join("a.py"), "import os\n\nassert x\nassert x\n").unwrap();
    let doc = run_json(
        palisade(dir.path()).args([
            "--format",
            "json",
            "--baseline",
            ".palisade-baseline.json",
            "a.py",
        ]),
        1,
    );
    assert_eq!(findings(&doc).len(), 1);
    // A broken baseline is an error, not a pass.
    std::fs::write(&base, "{not json").unwrap();
    palisade(dir.path())
        .args(["--baseline", ".palisade-baseline.json", "a.py"])
        .assert()
        .code(2);
}

#[test]
fn accepted_risks_expire() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "assert x\n").unwrap();
    let cfg = |expires: &str| {
        format!("[[accept]]\nrule = \"B101\"\npath = \"*.py\"\nreason = \"checked by hand in review\"\nexpires = {expires}\n")
    };
    std::fs::write(dir.path().join("palisade.toml"), cfg("2999-01-01")).unwrap();
    palisade(dir.path())
        .arg("a.py")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 accepted"));
    std::fs::write(dir.path().join("palisade.toml"), cfg("2000-01-01")).unwrap();
    palisade(dir.path())
        .arg("a.py")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "note: risk acceptance expired on 2000-01-01 (reason: checked by hand in review;",
        ));
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[[accept]]\nrule = \"B101\"\n",
    )
    .unwrap();
    palisade(dir.path())
        .arg("a.py")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("reason"));
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    palisade(dir.path()).arg("rules").assert().code(0).stdout(
        predicate::str::is_match(r"(?m)^B101\s+python\s+low\s+high\s+assert_used").unwrap(),
    );
    palisade(dir.path())
        .args(["explain", "B101"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("B101 assert_used")
                .and(predicate::str::contains("What it does")),
        );
    palisade(dir.path())
        .args(["explain", "NOPE42"])
        .assert()
        .code(2);
    // Secret rules: the id once, a clean name, an example as it would appear in a file.
    let out = palisade(dir.path())
        .args(["explain", "aws-access-token"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("aws-access-token (secrets checker"),
        "{first}"
    );
    assert!(
        !text.contains("{{"),
        "generators shown as templates:\n{text}"
    );
    assert!(!text.contains("(any)"), "{text}");
    // A project's custom secret rules are listed and explained like built-in ones.
    std::fs::write(
        dir.path().join("rules.yaml"),
        "rules:\n  - id: acme-deploy-token\n    name: ACME deploy token\n    provider: ACME\n    regex: 'acme_dt_[a-z0-9]{24}'\n    keywords: [acme_dt_]\n    examples:\n      - 'token = \"acme_dt_{{lower:24}}\"'\n    negative_examples:\n      - 'token = \"acme_dt_short\"'\n",
    )
    .unwrap();
    palisade(dir.path())
        .args(["rules", "--secrets-rules", "rules.yaml"])
        .assert()
        .code(0)
        .stdout(
            predicate::str::is_match(r"(?m)^ID\s+CHECKER\s+SEVERITY\s+CONFIDENCE\s+SUMMARY$")
                .unwrap()
                .and(predicate::str::is_match(r"(?m)^acme-deploy-token\s+secrets\s").unwrap()),
        );
    palisade(dir.path())
        .args([
            "explain",
            "acme-deploy-token",
            "--secrets-rules",
            "rules.yaml",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ACME deploy token"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // Enough findings to overflow a pipe buffer.
    std::fs::write(dir.path().join("a.py"), "assert x\n".repeat(5000)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("palisade");
    let mut child = std::process::Command::new(bin)
        .current_dir(dir.path())
        .arg("a.py")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // stdout is dropped here: the reader went away.
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "broken pipe must exit 0");
}

#[test]
fn config_globs_are_relative_to_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "exclude = [\"pkg/generated/**\"]\n[per-path-ignores]\n\"pkg/tests/*.py\" = [\"B101\"]\n",
    )
    .unwrap();
    for sub in ["pkg/generated", "pkg/tests", "pkg/src"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("a.py"), "assert x\n").unwrap();
    }
    let pkg = dir.path().join("pkg");
    // Run from a subfolder: paths are shown relative to it, globs still match.
    let doc = run_json(palisade(&pkg).args(["--format", "json", "."]), 1);
    assert_eq!(
        findings(&doc),
        [("B101".to_string(), "src/a.py".to_string(), 1)]
    );
    let doc = run_json(palisade(dir.path()).args(["--format", "json", "pkg"]), 1);
    assert_eq!(
        findings(&doc),
        [("B101".to_string(), "pkg/src/a.py".to_string(), 1)]
    );
}

/// A team switching from Bandit keeps what it accepted: Bandit's own JSON report
/// (`tests/fixtures/bandit-report-examples-project.json`, made by bandit 1.9.4 with
/// `bandit -q -r . -f json -o FILE` in `examples/project`) is read as a baseline.
#[test]
fn a_bandit_json_report_is_read_as_a_baseline() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = root.join("tests/fixtures/bandit-report-examples-project.json");
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("src/shop");
    std::fs::create_dir_all(&shop).unwrap();
    for name in ["orders.py", "settings.py"] {
        std::fs::copy(
            root.join("examples/project/src/shop").join(name),
            shop.join(name),
        )
        .unwrap();
    }
    let baseline = report.to_str().unwrap();
    palisade(dir.path())
        .args(["check", "--only", "python", "--baseline", baseline, "."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("11 in baseline"));
    // Lines moved down keep their acceptance; a new issue is reported.
    let orders = shop.join("orders.py");
    let text = std::fs::read_to_string(&orders).unwrap();
    std::fs::write(&orders, format!("# moved\n{text}\nassert text\n")).unwrap();
    let out = palisade(dir.path())
        .args(["check", "--only", "python", "--format", "json"])
        .args(["--baseline", baseline, "."])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let found = findings(&json(&out));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "B101");
}

/// A Jupyter notebook: Bandit's rules run on its code cells (IPython magics and shell escapes
/// skipped), findings point at the notebook's own lines and name the cell; secrets are found
/// in the outputs, and kilobytes of base64 image data raise nothing.
#[test]
fn notebooks_are_checked_cell_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    let key = palisade_secrets::check_rules::expand_example("AKIA{{upper:16}}", "notebook");
    let image: String = (0..4000)
        .map(|i| (b'A' + ((i * 7 + i / 13) % 26) as u8) as char)
        .collect();
    let notebook = serde_json::json!({
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Analysis\n"]},
            {"cell_type": "code", "execution_count": 1, "metadata": {},
             "outputs": [
                {"name": "stdout", "output_type": "stream", "text": [format!("using {key}\n")]},
                {"data": {"image/png": image, "text/plain": ["<Figure>"]},
                 "metadata": {}, "output_type": "display_data"}
             ],
             "source": ["import subprocess\n", "%matplotlib inline\n",
                        "!pip install requests\n", "subprocess.call(cmd, shell=True)\n"]}
        ],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5
    });
    let text = serde_json::to_string_pretty(&notebook).unwrap();
    std::fs::write(dir.path().join("analysis.ipynb"), &text).unwrap();
    let out = palisade(dir.path())
        .args(["check", "--format", "json", "analysis.ipynb"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let found = findings(&doc);
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    assert!(
        found.contains(&(
            "B602".into(),
            "analysis.ipynb".into(),
            line_of("subprocess.call")
        )),
        "{found:?}"
    );
    assert!(found.contains(&(
        "B404".into(),
        "analysis.ipynb".into(),
        line_of("import subprocess")
    )));
    assert!(found.contains(&(
        "aws-access-token".into(),
        "analysis.ipynb".into(),
        line_of("using AKIA")
    )));
    // Nothing else: no finding on the magics, none in the image.
    assert_eq!(found.len(), 3, "{found:?}");
    let b602 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "B602")
        .unwrap();
    assert!(b602.to_string().contains("cell 2, line 4"), "{b602}");
    assert!(!String::from_utf8_lossy(&out).contains(&key));
}

/// Archives in the tree are opened: a secret in a member of a zip, or of a tar.gz inside it,
/// is reported at `archive!member`; a bomb stops at the limits and the report says so.
#[test]
fn secrets_in_archives_are_found_and_bombs_are_bounded() {
    use palisade_testkit::archive::{tar_gz_of, zip_of};
    let dir = tempfile::tempdir().unwrap();
    let key = fake_private_key();
    let gz = tar_gz_of(&[("keys/deploy.pem", key.as_bytes())]);
    std::fs::write(
        dir.path().join("release.zip"),
        zip_of(&[("README", b"hello\n"), ("bundle.tar.gz", &gz)]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bomb.zip"),
        zip_of(&[("zeros", &vec![0u8; 40 << 20])]),
    )
    .unwrap();
    let out = palisade(dir.path())
        .args(["check", "--format", "json", "release.zip", "bomb.zip"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let found = findings(&doc);
    assert_eq!(
        found,
        [(
            "private-key".to_string(),
            "release.zip!bundle.tar.gz!keys/deploy.pem".to_string(),
            1
        )]
    );
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("not checked in the archive: bomb.zip!zeros"),
        "{text}"
    );
}
