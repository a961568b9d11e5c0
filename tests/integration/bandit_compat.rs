//! Teams switching from Bandit keep their configuration and their `# nosec` comments.

use predicates::prelude::*;

use crate::common::{findings, json, palisade};

const CODE: &str = concat!(
    "import subprocess\n",
    "def f(cmd):\n",
    "    assert cmd\n",
    "    subprocess.call(cmd, shell=True)\n",
    "    subprocess.call(cmd, shell=True)  # nosec B602\n",
);

fn ids(dir: &std::path::Path, args: &[&str]) -> Vec<(String, u64)> {
    let out = palisade(dir)
        .args(["--format", "json", "--only", "python"])
        .args(args)
        .arg("app.py")
        .assert()
        .get_output()
        .stdout
        .clone();
    findings(&json(&out))
        .into_iter()
        .map(|(id, _, line)| (id, line))
        .collect()
}

#[test]
fn nosec_and_ignore_nosec() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), CODE).unwrap();
    let found = ids(dir.path(), &[]);
    assert!(
        found.contains(&("B602".into(), 4)) && !found.contains(&("B602".into(), 5)),
        "{found:?}"
    );
    assert!(ids(dir.path(), &["--ignore-nosec"]).contains(&("B602".into(), 5)));
    palisade(dir.path())
        .args(["--only", "python", "app.py"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("1 suppressed inline"));
}

#[test]
fn tool_bandit_in_pyproject_is_found_without_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), CODE).unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.bandit]\nskips = [\"B101\"]\n",
    )
    .unwrap();
    let found = ids(dir.path(), &[]);
    assert!(!found.iter().any(|(id, _)| id == "B101"), "{found:?}");
    assert!(found.iter().any(|(id, _)| id == "B602"));
}

#[test]
fn bandit_yaml_given_explicitly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), CODE).unwrap();
    std::fs::write(dir.path().join("bandit.yaml"), "tests: [B101]\n").unwrap();
    let found = ids(dir.path(), &["--bandit-config", "bandit.yaml"]);
    assert_eq!(found, [("B101".to_string(), 3)]);
    // A broken Bandit config is an error naming the file, not a silent default.
    std::fs::write(dir.path().join("bad.yaml"), "tests: [B101\n").unwrap();
    palisade(dir.path())
        .args(["--only", "python", "--bandit-config", "bad.yaml", "app.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml"));
}

#[test]
fn broken_python_is_checked_where_it_parsed_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "assert x\ndef broken(:\n    pass\n",
    )
    .unwrap();
    palisade(dir.path())
        .args(["--only", "python", "app.py"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("app.py:1:1: B101"))
        .stderr(predicate::str::contains("app.py").and(predicate::str::contains("syntax error")));
}
