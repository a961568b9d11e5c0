//! `palisade db update` over HTTPS verifies the server's certificate: a git server on
//! 127.0.0.1 with a self-signed certificate is refused, and accepted once that certificate is
//! trusted through `SSL_CERT_FILE`. This guards the vendored OpenSSL of the shipped binary,
//! which has no system OpenSSL configuration of its own to find CA certificates with.
//!
//! Needs `openssl` (to make the certificate), `python3` (the server, tests/support/
//! git_https_server.py) and `git` (`git http-backend`). Without them it skips with a printed
//! reason, except under `CI=true`, where it fails.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::palisade;

const RECORD: &str = "id: PYSEC-2026-7\nmodified: 2026-11-20T00:00:00Z\naffected:\n- package:\n    name: demo\n    ecosystem: PyPI\n  versions:\n  - '1.0'\n";

fn tool(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("command runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@palisade.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@palisade.invalid");
    cmd
}

/// The server process; killed when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn db_update_over_https_refuses_an_untrusted_certificate_and_accepts_a_trusted_one() {
    let missing: Vec<&str> = ["openssl", "python3", "git"]
        .into_iter()
        .filter(|t| tool(t).is_none())
        .collect();
    if !missing.is_empty() {
        crate::common::skip_unless_ci(
            "db_update_over_https_refuses_an_untrusted_certificate_and_accepts_a_trusted_one",
            &format!("{missing:?} not on PATH"),
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    // A bare repository with one advisory record, as the server's only repository.
    let work = dir.join("work");
    std::fs::create_dir_all(work.join("vulns/demo")).unwrap();
    std::fs::write(work.join("vulns/demo/PYSEC-2026-7.yaml"), RECORD).unwrap();
    run(git(&work).args(["init", "-q", "-b", "main"]));
    run(git(&work).args(["add", "."]));
    run(git(&work).args(["commit", "-q", "-m", "advisories"]));
    let served = dir.join("served");
    std::fs::create_dir_all(&served).unwrap();
    run(git(dir).args(["clone", "-q", "--bare", "work", "served/advisories.git"]));

    // A self-signed certificate for localhost.
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    run(Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null()));

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/git_https_server.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .arg(&served)
        .arg(&cert)
        .arg(&key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let port: u16 = line
        .trim()
        .strip_prefix("port ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("server did not start: {line:?}"));
    let url = format!("https://localhost:{port}/advisories.git");

    let update = |cache: &str, trust: Option<&Path>| {
        let mut cmd = palisade(dir);
        cmd.args(["db", "update", "--url", &url, "--cache-dir", cache])
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR")
            .env("HOME", dir);
        if let Some(cert) = trust {
            cmd.env("SSL_CERT_FILE", cert);
        }
        cmd.output().unwrap()
    };

    // The system's CA store does not know the certificate: refused, exit 2, nothing written.
    let out = update("cache-untrusted", None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("certificate") || stderr.contains("SSL") || stderr.contains("TLS"),
        "refusal should name the certificate problem: {stderr}"
    );
    assert!(!dir
        .join("cache-untrusted/advisory-db/palisade-index.bin")
        .exists());

    // Trusted through SSL_CERT_FILE: the update succeeds and indexes the record.
    let out = update("cache-trusted", Some(&cert));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("advisory database updated: 1 records"),
        "{stdout}"
    );
    assert!(dir
        .join("cache-trusted/advisory-db/palisade-index.bin")
        .is_file());
    drop(server);
}
