//! The trust promises, case by case: no silent pass (what was not checked is said in every
//! format, and a required check that could not run exits 2), no secret in any output, writes
//! that never clobber, and one pipeline for every finding.

use std::path::Path;
use std::process::Command as StdCommand;

use palisade_secrets::check_rules::expand_example;

use crate::common::{fake_private_key, findings, json, palisade, run_json};

const OSV_DEMO: &str = r#"{"id":"PYSEC-2026-1","modified":"2026-11-22T10:00:00Z","aliases":["CVE-2026-0001"],
 "summary":"Demo is broken","affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#;

fn git(dir: &Path, args: &[&str]) {
    palisade_testkit::git(dir, args);
}

fn write(dir: &Path, path: &str, content: impl AsRef<[u8]>) {
    palisade_testkit::write(dir, path, content);
}

/// An OSV folder outside `dir` and a config pointing at it (the audit is then required).
fn with_advisories(dir: &Path, data: &Path) {
    std::fs::create_dir_all(data.join("osv")).unwrap();
    std::fs::write(data.join("osv/a.json"), OSV_DEMO).unwrap();
    write(
        dir,
        "palisade.toml",
        format!(
            "[deps]\nadvisory-db = \"{}\"\ncache-dir = \"{}\"\n",
            data.join("osv").display(),
            data.join("cache").display()
        ),
    );
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn json(&self) -> serde_json::Value {
        json(self.stdout.as_bytes())
    }
    fn not_checked(&self) -> Vec<String> {
        self.json()["not_checked"]
            .as_array()
            .expect("not_checked array")
            .iter()
            .map(|d| {
                format!(
                    "{} {} {}",
                    d["gap"].as_str().unwrap(),
                    d["path"].as_str().unwrap(),
                    d["message"].as_str().unwrap()
                )
            })
            .collect()
    }
}

fn run(dir: &Path, args: &[&str]) -> Outcome {
    let out = palisade(dir).args(args).output().unwrap();
    Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// One row of the table: how to set up a folder, the arguments, what must come out.
struct Case {
    name: &'static str,
    setup: fn(&Path, &Path),
    args: &'static [&'static str],
    code: i32,
    /// Checked on the JSON report when `json` is set, else on stdout + stderr.
    expect: fn(&Outcome) -> Result<(), String>,
}

fn has(o: &Outcome, needle: &str) -> Result<(), String> {
    let all = format!("{}{}", o.stdout, o.stderr);
    if all.contains(needle) {
        Ok(())
    } else {
        Err(format!("`{needle}` not in output:\n{all}"))
    }
}

fn gap(o: &Outcome, gap: &str, path: &str) -> Result<(), String> {
    let list = o.not_checked();
    if list.iter().any(|l| l.starts_with(&format!("{gap} {path}"))) {
        Ok(())
    } else {
        Err(format!(
            "no `{gap}` gap for `{path}` in not_checked: {list:?}"
        ))
    }
}

fn finding(o: &Outcome, rule: &str, path: &str, line: u64) -> Result<(), String> {
    let found = findings(&o.json());
    if found
        .iter()
        .any(|(r, p, l)| r == rule && p == path && *l == line)
    {
        Ok(())
    } else {
        Err(format!("no {rule} at {path}:{line} in {found:?}"))
    }
}

fn no_finding(o: &Outcome, rule: &str, path: &str) -> Result<(), String> {
    let found = findings(&o.json());
    if found.iter().any(|(r, p, _)| r == rule && p == path) {
        Err(format!("unexpected {rule} in {path}: {found:?}"))
    } else {
        Ok(())
    }
}

fn utf16(text: &str, big: bool) -> Vec<u8> {
    let mut out = if big {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in text.encode_utf16() {
        out.extend(if big {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

fn table() -> Vec<Case> {
    vec![
        Case {
            name: "an exact pin without advisory data says the audit did not run",
            setup: |d, _| write(d, "requirements.txt", "django==3.2.0\n"),
            args: &["--format", "json", "requirements.txt"],
            code: 0,
            expect: |o| gap(o, "audit-not-run", ""),
        },
        Case {
            name: "... and so does the text summary at default verbosity",
            setup: |d, _| write(d, "requirements.txt", "django==3.2.0\n"),
            args: &["requirements.txt"],
            code: 0,
            expect: |o| has(o, "vulnerability audit not run: no advisory data"),
        },
        Case {
            name: "a binary file only the secrets checker wants is a note",
            setup: |d, _| write(d, "blob.txt", b"abc\0def"),
            args: &["--format", "json", "blob.txt"],
            code: 0,
            expect: |o| gap(o, "binary", "blob.txt"),
        },
        Case {
            name: "a binary file a parsing checker wants fails the run",
            setup: |d, _| write(d, "requirements.txt", b"django==3.2\0\n"),
            args: &["--format", "json", "requirements.txt"],
            code: 2,
            expect: |o| gap(o, "binary", "requirements.txt"),
        },
        Case {
            name: "UTF-16 text with a BOM is decoded and checked",
            setup: |d, _| {
                write(
                    d,
                    ".env",
                    utf16(&format!("KEY=1\n{}", fake_private_key()), false),
                )
            },
            args: &["--format", "json", ".env"],
            code: 1,
            expect: |o| finding(o, "private-key", ".env", 2),
        },
        Case {
            name: "UTF-16BE text with a BOM is decoded and checked",
            setup: |d, _| write(d, "k.txt", utf16(&fake_private_key(), true)),
            args: &["--format", "json", "k.txt"],
            code: 1,
            expect: |o| finding(o, "private-key", "k.txt", 1),
        },
        Case {
            name: "a file over the size limit is still checked for secrets",
            setup: |d, _| {
                write(
                    d,
                    "dump.sql",
                    format!("{}{}", "-- filler line\n".repeat(5000), fake_private_key()),
                )
            },
            args: &["--format", "json", "--max-file-size", "1000", "dump.sql"],
            code: 1,
            expect: |o| finding(o, "private-key", "dump.sql", 5001),
        },
        Case {
            name: "a Python file over the limit is reported as not checked by python",
            setup: |d, _| write(d, "big.py", format!("assert x\n{}", "y = 1\n".repeat(500))),
            args: &["--format", "json", "--max-file-size", "100", "big.py"],
            code: 0,
            expect: |o| gap(o, "too-large", "big.py"),
        },
        Case {
            name: "a manifest over the limit fails the run when the audit is required",
            setup: |d, data| {
                with_advisories(d, data);
                write(
                    d,
                    "requirements.txt",
                    format!("demo==1.0\n{}", "# pad\n".repeat(100)),
                );
            },
            args: &[
                "--format",
                "json",
                "--now",
                "2026-11-25",
                "--max-file-size",
                "100",
                "requirements.txt",
            ],
            code: 2,
            expect: |o| gap(o, "too-large", "requirements.txt"),
        },
        Case {
            name: "a binary hunk in a patch for a manifest fails the run",
            setup: |d, _| {
                write(d, "p.diff", "diff --git a/requirements.txt b/requirements.txt\nindex 1..2 100644\nBinary files a/requirements.txt and b/requirements.txt differ\n")
            },
            args: &["--format", "json", "--patch", "p.diff"],
            code: 2,
            expect: |o| gap(o, "binary", "requirements.txt"),
        },
        Case {
            name: "a binary hunk in a patch for an image is a note",
            setup: |d, _| {
                write(d, "p.diff", "diff --git a/logo.png b/logo.png\nindex 1..2 100644\nBinary files a/logo.png and b/logo.png differ\n")
            },
            args: &["--format", "json", "--patch", "p.diff"],
            code: 0,
            expect: |o| gap(o, "binary", "logo.png"),
        },
        Case {
            name: "a config that enables no checker is an error",
            setup: |d, _| {
                write(d, "palisade.toml", "checkers = []\n");
                write(d, "a.py", "x = 1\n");
            },
            args: &["a.py"],
            code: 2,
            expect: |o| has(o, "no checker is enabled"),
        },
        Case {
            name: "unusable advisory records are said",
            setup: |d, data| {
                with_advisories(d, data);
                std::fs::write(data.join("osv/bad.json"), r#"{"id":"X-1","affected":[{"package":{"ecosystem":"PyPI","name":"other"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"not a version"}]}]}]}"#).unwrap();
                write(d, "requirements.txt", "demo==2.0\n");
            },
            args: &[
                "--format",
                "json",
                "--now",
                "2026-11-25",
                "requirements.txt",
            ],
            code: 0,
            expect: |o| {
                let list = o.not_checked();
                if list
                    .iter()
                    .any(|l| l.starts_with("advisory-data") || l.starts_with("not-auditable"))
                {
                    Ok(())
                } else {
                    Err(format!("unusable record not said: {list:?} {}", o.stderr))
                }
            },
        },
        Case {
            name: "an inline ignore in an included file suppresses its cross-file finding",
            setup: |d, _| {
                write(d, "requirements.txt", "-r base.txt\nflask==2.0.1\n");
                write(d, "base.txt", "zzalpha>=1  # palisade: ignore[DEP001]\n");
            },
            args: &["--format", "json", "requirements.txt"],
            code: 0,
            expect: |o| no_finding(o, "DEP001", "base.txt"),
        },
        Case {
            name: "... and without the ignore it is reported",
            setup: |d, _| {
                write(d, "requirements.txt", "-r base.txt\nflask==2.0.1\n");
                write(d, "base.txt", "zzalpha>=1\n");
            },
            args: &["--format", "json", "requirements.txt"],
            code: 1,
            expect: |o| finding(o, "DEP001", "base.txt", 1),
        },
        Case {
            name: "a secret rule and B105 on one password give one finding",
            setup: |d, _| write(d, "settings.py", "SMTP_PASSWORD = \"Tr0ub4dor&3xKq9Lm2\"\n"),
            args: &["--format", "json", "settings.py"],
            code: 1,
            expect: |o| {
                let doc = o.json();
                let f = doc["findings"].as_array().unwrap();
                if f.len() == 1
                    && f[0]["related"]
                        .as_array()
                        .is_some_and(|r| r.iter().any(|x| x == "B105"))
                {
                    Ok(())
                } else {
                    Err(format!("expected one finding with B105 related: {f:?}"))
                }
            },
        },
        Case {
            name: "an invalid glob in the config names the key",
            setup: |d, _| {
                write(d, "palisade.toml", "exclude = [\"build/{x\"]\n");
                write(d, "a.py", "x = 1\n");
            },
            args: &["a.py"],
            code: 2,
            expect: |o| has(o, "(in `exclude`)"),
        },
        Case {
            name: "a lone CR ends a Python line",
            setup: |d, _| write(d, "old.py", "x = 1\ry = eval(z)\r"),
            args: &["--format", "json", "old.py"],
            code: 1,
            expect: |o| finding(o, "B307", "old.py", 2),
        },
        Case {
            name: "a FIFO named on the command line is an error, not a hang",
            setup: |d, _| {
                let ok = StdCommand::new("mkfifo")
                    .arg(d.join("pipe.txt"))
                    .status()
                    .unwrap();
                assert!(ok.success());
            },
            args: &["--format", "json", "pipe.txt"],
            code: 2,
            expect: |o| gap(o, "not-regular-file", "pipe.txt"),
        },
        Case {
            name: "a symlink to a file outside the repository is not read",
            setup: |d, data| {
                std::fs::write(data.join("outside.txt"), fake_private_key()).unwrap();
                std::os::unix::fs::symlink(data.join("outside.txt"), d.join("link.txt")).unwrap();
            },
            args: &["--format", "json", "link.txt"],
            code: 0,
            expect: |o| gap(o, "outside-root", "link.txt"),
        },
        Case {
            name: "-o through a symlink is refused and the target untouched",
            setup: |d, data| {
                std::fs::write(data.join("victim"), "keep").unwrap();
                std::os::unix::fs::symlink(data.join("victim"), d.join("report.sarif")).unwrap();
                write(d, "a.py", "assert x\n");
            },
            args: &["--format", "sarif", "-o", "report.sarif", "a.py"],
            code: 2,
            expect: |o| has(o, "symbolic link"),
        },
        Case {
            name: "baseline -o onto a FIFO is refused without blocking",
            setup: |d, _| {
                assert!(StdCommand::new("mkfifo")
                    .arg(d.join("b.json"))
                    .status()
                    .unwrap()
                    .success());
                write(d, "a.py", "assert x\n");
            },
            args: &["baseline", "-o", "b.json", "a.py"],
            code: 2,
            expect: |o| has(o, "a FIFO"),
        },
    ]
}

#[test]
fn trust_table() {
    let mut failures = Vec::new();
    let rows = table();
    for case in &rows {
        let dir = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        (case.setup)(dir.path(), data.path());
        let o = run(dir.path(), case.args);
        let verdict = if o.code != case.code {
            Err(format!(
                "exit {} (want {}):\n{}{}",
                o.code, case.code, o.stdout, o.stderr
            ))
        } else {
            (case.expect)(&o)
        };
        if let Err(e) = verdict {
            failures.push(format!("{}: {e}", case.name));
        }
        if case.name.starts_with("-o through a symlink") {
            assert_eq!(
                std::fs::read_to_string(data.path().join("victim")).unwrap(),
                "keep"
            );
        }
        // No temporary file is ever left behind.
        for e in std::fs::read_dir(dir.path()).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with(".palisade-") {
                failures.push(format!("{}: temporary file {name} left behind", case.name));
            }
        }
    }
    assert!(rows.len() >= 20);
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
}

/// A repository where `base.txt` (committed) has an unpinned requirement and the change only
/// touches `requirements.txt`: the cross-file finding on base.txt is not on a changed line.
fn repo_with_include() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "base.txt", "zzalpha>=1\n");
    write(d, "requirements.txt", "-r base.txt\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    write(d, "requirements.txt", "-r base.txt\nflask==2.0.1\n");
    git(d, &["add", "requirements.txt"]);
    dir
}

#[test]
fn cross_file_findings_honour_the_changed_lines_in_staged_and_diff_modes() {
    let dir = repo_with_include();
    let staged = run(dir.path(), &["--format", "json", "--staged"]);
    assert_eq!(staged.code, 0, "{}{}", staged.stdout, staged.stderr);
    no_finding(&staged, "DEP001", "base.txt").unwrap();
    // --whole-files reports anywhere in the changed files, still not in unchanged ones.
    let whole = run(
        dir.path(),
        &["--format", "json", "--staged", "--whole-files"],
    );
    no_finding(&whole, "DEP001", "base.txt").unwrap();

    git(dir.path(), &["commit", "-qm", "flask"]);
    let diff = run(dir.path(), &["--format", "json", "--diff", "HEAD~1..HEAD"]);
    assert_eq!(diff.code, 0, "{}{}", diff.stdout, diff.stderr);
    no_finding(&diff, "DEP001", "base.txt").unwrap();
    // Changing base.txt's line brings its finding back (base.txt is read through the
    // requirements file that includes it, so both are in the change).
    write(dir.path(), "base.txt", "zzalpha>=2\n");
    write(
        dir.path(),
        "requirements.txt",
        "-r base.txt\nflask==2.0.2\n",
    );
    git(dir.path(), &["add", "base.txt", "requirements.txt"]);
    let touched = run(dir.path(), &["--format", "json", "--staged"]);
    assert_eq!(touched.code, 1, "{}{}", touched.stdout, touched.stderr);
    finding(&touched, "DEP001", "base.txt", 1).unwrap();
}

#[test]
fn bad_diff_revision_names_the_revision() {
    let dir = repo_with_include();
    let o = run(dir.path(), &["--diff", "no-such-branch"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no-such-branch"), "{}", o.stderr);
}

#[test]
fn a_sarif_report_in_the_repository_gives_no_findings_next_run() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/project");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let copy = StdCommand::new("cp")
        .arg("-r")
        .arg(&example)
        .arg(d.join("p"))
        .status()
        .unwrap();
    assert!(copy.success());
    let p = d.join("p");
    git(&p, &["init", "-q", "-b", "main"]);
    let first = run(&p, &["--all", "--format", "sarif", "-o", "palisade.sarif"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let size = std::fs::metadata(p.join("palisade.sarif")).unwrap().len();
    assert!(size < 100_000, "SARIF of examples/project is {size} bytes");
    let again = run(&p, &["--all", "--format", "json"]);
    let in_report: Vec<_> = findings(&again.json())
        .into_iter()
        .filter(|(_, path, _)| path == "palisade.sarif")
        .collect();
    assert!(
        in_report.is_empty(),
        "the report itself was flagged: {in_report:?}"
    );
}

/// Secrets planted where each checker quotes them: a B602 command line, a B105 password, an
/// index URL, an unparsable requirement line, twice on one line. No output format, with or
/// without `-v`, may contain one whole; every finding must still be reported.
#[test]
fn planted_secrets_never_reach_any_output() {
    let token = expand_example("ghp_{{base62:30}}{{crc32:30}}", "planted-1");
    let token2 = expand_example("ghp_{{base62:30}}{{crc32:30}}", "planted-2");
    let password = "Zx9!mQ2#vL7pR4tK";
    let url_password = "s3cr3t-Idx-Pw-91";
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "deploy.py",
        format!(
            "import subprocess\nDB_PASSWORD = \"{password}\"\nsubprocess.Popen(\"deploy --token {token}\", shell=True)\nsubprocess.call([\"curl\", \"-H\", \"{token2}\"])\nA = \"{token}\"; B = \"{token}\"\n"
        ),
    );
    write(
        d,
        "requirements.txt",
        format!(
            "--index-url http://ci:{url_password}@pypi.example.com/simple\nflask===!!{token2} (((\nrequests>=2\n"
        ),
    );
    let planted = [token.as_str(), token2.as_str(), password, url_password];
    let mut rules_seen = std::collections::BTreeSet::new();
    // Also when the secrets checker does not run: the redactor still learns what is quoted.
    let runs = ["text", "json", "sarif", "junit", "github"]
        .into_iter()
        .flat_map(|f| [(f, false, None), (f, true, None)])
        .chain([
            ("text", true, Some("python,deps")),
            ("json", false, Some("python,deps")),
        ]);
    for (format, verbose, only) in runs {
        {
            let mut args = vec!["--format", format, "deploy.py", "requirements.txt"];
            if verbose {
                args.push("-v");
            }
            if let Some(o) = only {
                args.extend(["--only", o]);
            }
            let o = run(d, &args);
            assert!(
                o.code == 1 || o.code == 2,
                "{format}: exit {}: {}",
                o.code,
                o.stderr
            );
            for secret in planted {
                assert!(
                    !o.stdout.contains(secret) && !o.stderr.contains(secret),
                    "{format} (-v: {verbose}) shows a planted secret `{}…`:\n{}\n{}",
                    &secret[..4],
                    o.stdout,
                    o.stderr
                );
            }
            if format == "json" {
                for (rule, _, _) in findings(&o.json()) {
                    rules_seen.insert(rule);
                }
            }
        }
    }
    for rule in ["B602", "github-pat", "DEP001"] {
        assert!(
            rules_seen.contains(rule),
            "{rule} not reported: {rules_seen:?}"
        );
    }
    assert!(
        rules_seen
            .iter()
            .any(|r| r == "generic-password" || r == "B105"),
        "the password is not reported: {rules_seen:?}"
    );
    // --no-redact is the one way to see them.
    let shown = run(d, &["--no-redact", "deploy.py"]);
    assert!(shown.stdout.contains(&token));
}

/// No silent pass for the cap of findings per rule and file: every format names the file, the
/// rule and how many findings were not listed, and the run still fails on its findings.
#[test]
fn findings_past_the_cap_are_said_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let extra = 3;
    let n = palisade_python::MAX_FINDINGS_PER_RULE + extra;
    write(d, "gen.py", "eval(x);".repeat(n) + "\n");
    let said = format!("{extra} more B307 findings in this file are not listed");
    for format in ["text", "json", "sarif", "junit", "github"] {
        let out = palisade(d)
            .args(["check", "--only", "python", "--format", format, "gen.py"])
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            (stdout.contains(&said) || stderr.contains(&said)) && stdout.contains("gen.py"),
            "{format}: no warning `{said}` naming gen.py:\n{stderr}"
        );
        if format == "json" {
            let doc = json(&out.stdout);
            assert_eq!(findings(&doc).len(), palisade_python::MAX_FINDINGS_PER_RULE);
            let warned =
                doc["diagnostics"].as_array().unwrap().iter().any(|d| {
                    d["path"] == "gen.py" && d["message"].as_str().unwrap().contains(&said)
                });
            assert!(warned, "{}", doc["diagnostics"]);
        }
    }
}

/// What findings quote is scanned for secrets one text at a time: a rule's message between two
/// snippets quoting a PEM header and footer (`assert key.startswith("-----BEGIN ...")`) is no
/// private key, and the message of every B101 finding of the run stays readable (on the corpus
/// all 28,773 B101 messages had been masked as `Use of****`).
#[test]
fn a_message_between_quoted_armour_lines_is_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(
        d,
        "test_pem.py",
        "def test_pem(res):\n    assert res.startswith(b\"-----BEGIN RSA PRIVATE KEY-----\\n\")\n    assert res.endswith(b\"-----END RSA PRIVATE KEY-----\\n\")\n",
    );
    write(d, "other.py", "def f(x):\n    assert x > 0\n");
    let doc = run_json(
        palisade(d).args(["check", "--only", "python", "--format", "json", "."]),
        1,
    );
    let messages: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "B101")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{doc}");
    for m in messages {
        assert!(m.starts_with("Use of assert detected"), "{m}");
    }
}
