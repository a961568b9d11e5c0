//! Helpers shared by the integration tests.

use std::path::Path;

use assert_cmd::Command;

/// The binary under test, run in `dir` with a clean, colourless environment.
pub fn palisade(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("palisade").expect("palisade binary builds");
    cmd.current_dir(dir)
        .env_remove("PRE_COMMIT")
        .env("NO_COLOR", "1");
    // A surrounding git hook's variables (`cargo test` run from a hook) must not point the
    // binary at another repository.
    for var in palisade_testkit::git::HOOK_ENV {
        cmd.env_remove(var);
    }
    cmd
}

/// A fake PEM private key: the right shape, no real key material.
pub fn fake_private_key() -> String {
    let body: String = (0..6)
        .map(|i| {
            let line: String = (0..64)
                .map(|j| {
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                        [(i * 7 + j * 13) % 64] as char
                })
                .collect();
            line + "\n"
        })
        .collect();
    format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n")
}

/// A project with one finding per checker's walking-skeleton rule.
pub fn project_with_findings(dir: &Path) {
    std::fs::write(
        dir.join("app.py"),
        "def f(x):\n    assert x > 0\n    return x\n",
    )
    .unwrap();
    std::fs::write(dir.join("requirements.txt"), "requests>=2.0\n").unwrap();
    std::fs::write(dir.join("deploy.pem"), fake_private_key()).unwrap();
}

/// Runs `cmd`, expects exit code `code`, and parses its output as a JSON report.
pub fn run_json(cmd: &mut Command, code: i32) -> serde_json::Value {
    json(&cmd.assert().code(code).get_output().stdout)
}

pub fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(out)))
}

/// `(rule_id, path, line)` of every finding in a JSON report.
pub fn findings(doc: &serde_json::Value) -> Vec<(String, String, u64)> {
    doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["span"]["start_line"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub use palisade_testkit::skip_unless_ci;
