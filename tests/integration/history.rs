//! `check --history [RANGE]`: every commit of every ref, each secret reported once, credited
//! to the commit that first added it, merges included; `--since`; shallow clones; baselines.

use std::collections::BTreeMap;

use crate::common::{json, GitRepo};

/// Five secrets, five rules: which one a test plants where.
const MAIN_LINE: (&str, &str) = (
    "stripe-access-token",
    "stripe_key = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n",
);
const SIDE_BRANCH: (&str, &str) = (
    "slack-bot-token",
    "slack = \"xoxb-2381029381-2381029381023-Zq8rT2vLm9XwK4pJ7bNc3HdF\"\n",
);
const DELETED_FILE: (&str, &str) = (
    "aws-secret-access-key",
    "aws_secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzKq9Lm3Tx1\"\n",
);
const MERGE_ONLY: (&str, &str) = (
    "generic-api-key",
    "API_TOKEN = \"Zq8rT2vLm9XwK4pJ7bNc3HdF6sYg1uEa\"\n",
);
const REMOVED_AGAIN: (&str, &str) = (
    "generic-password",
    "DB_PASSWORD = \"Kx7pQ2mZ9rW4tLv8NbYc\"\n",
);

/// `palisade check --history ARGS --format json`: (exit code, report).
fn history(repo: &GitRepo, args: &[&str]) -> (i32, serde_json::Value) {
    let out = repo
        .palisade()
        .args(["check", "--history"])
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let code = out.status.code().expect("exit code");
    assert!(
        code == 0 || code == 1,
        "palisade check --history {args:?} exited {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, json(&out.stdout))
}

/// rule id -> (commit, path) of each finding; a rule reported twice fails the test.
fn credited(doc: &serde_json::Value) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for f in doc["findings"].as_array().expect("findings") {
        let rule = f["rule_id"].as_str().unwrap().to_string();
        let commit = f["provenance"]["commit"]
            .as_str()
            .unwrap_or_else(|| panic!("no provenance: {f}"))
            .to_string();
        let path = f["path"].as_str().unwrap().to_string();
        assert!(
            out.insert(rule.clone(), (commit, path)).is_none(),
            "{rule} reported twice: {doc}"
        );
    }
    out
}

/// Builds the five-secret history; `side_first`: the side branch's commits are made (and
/// dated) before the main line's. Returns rule -> (commit that added it, path).
fn five_secret_repo(side_first: bool) -> (GitRepo, BTreeMap<String, (String, String)>) {
    let repo = GitRepo::new();
    let mut expected = BTreeMap::new();
    repo.write("settings.py", "DEBUG = False\n");
    repo.write("shared.txt", "base\n");
    repo.commit_all("base");
    repo.git(&["branch", "side"]);

    let main_line = |expected: &mut BTreeMap<String, (String, String)>| {
        repo.git(&["checkout", "-q", "main"]);
        repo.write("settings.py", format!("DEBUG = False\n{}", MAIN_LINE.1));
        let c = repo.commit_all("main: stripe key");
        expected.insert(MAIN_LINE.0.to_string(), (c, "settings.py".to_string()));
        repo.write("tmp/creds.py", DELETED_FILE.1);
        let c = repo.commit_all("main: temporary credentials");
        expected.insert(DELETED_FILE.0.to_string(), (c, "tmp/creds.py".to_string()));
        repo.git(&["rm", "-q", "tmp/creds.py"]);
        repo.commit_all("main: remove the credentials file");
        repo.write("shared.txt", "main's version\n");
        repo.commit_all("main: shared");
    };
    let side = |expected: &mut BTreeMap<String, (String, String)>| {
        repo.git(&["checkout", "-q", "side"]);
        repo.write("side.py", format!("x = 1\n{}", SIDE_BRANCH.1));
        let c = repo.commit_all("side: slack token");
        expected.insert(SIDE_BRANCH.0.to_string(), (c, "side.py".to_string()));
        repo.write("db.py", format!("HOST = 'db'\n{}", REMOVED_AGAIN.1));
        let c = repo.commit_all("side: db password");
        expected.insert(REMOVED_AGAIN.0.to_string(), (c, "db.py".to_string()));
        repo.write(
            "db.py",
            "HOST = 'db'\nDB_PASSWORD = os.environ['DB_PASSWORD']\n",
        );
        repo.commit_all("side: password from the environment");
        repo.write("shared.txt", "side's version\n");
        repo.commit_all("side: shared");
    };
    if side_first {
        side(&mut expected);
        main_line(&mut expected);
    } else {
        main_line(&mut expected);
        side(&mut expected);
    }
    repo.git(&["checkout", "-q", "main"]);
    let merge = repo
        .git_command(&["merge", "-q", "--no-edit", "side"])
        .output()
        .unwrap();
    assert!(!merge.status.success(), "the merge must stop on a conflict");
    // The conflict resolution adds a secret neither parent has.
    repo.write("shared.txt", format!("merged\n{}", MERGE_ONLY.1));
    repo.git(&["add", "shared.txt"]);
    repo.git(&["commit", "-q", "--no-edit"]);
    let c = repo.head();
    expected.insert(MERGE_ONLY.0.to_string(), (c, "shared.txt".to_string()));
    repo.commit_all("after the merge");
    (repo, expected)
}

#[test]
fn history_finds_five_planted_secrets_each_at_the_commit_that_added_it() {
    for side_first in [false, true] {
        let (repo, expected) = five_secret_repo(side_first);
        let (code, doc) = history(&repo, &[]);
        assert_eq!(code, 1);
        assert_eq!(credited(&doc), expected, "side_first = {side_first}: {doc}");
        let f = &doc["findings"][0];
        assert_eq!(f["provenance"]["author"], "Test");
        assert_eq!(f["provenance"]["email"], "test@example.com");
        assert!(f["provenance"]["date"]
            .as_str()
            .unwrap()
            .starts_with("2023-11-"));
        assert!(doc["summary"]["commits_checked"].as_u64().unwrap() >= 10);
    }
}

#[test]
fn history_shows_the_commit_in_text_and_sarif() {
    let (repo, expected) = five_secret_repo(false);
    let out = repo
        .palisade()
        .args(["check", "--history", "--no-snippets"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let (commit, _) = &expected[MAIN_LINE.0];
    assert!(
        text.contains(&format!("first added in commit {} by Test", &commit[..12])),
        "{text}"
    );
    assert!(!text.contains("sk_live_4eC39HqLyjWDarjtT1zdp7dc"), "{text}");
    let out = repo
        .palisade()
        .args(["check", "--history", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif = json(&out.stdout);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let stripe = results.iter().find(|r| r["ruleId"] == MAIN_LINE.0).unwrap();
    assert_eq!(stripe["partialFingerprints"]["commitSha"], commit.as_str());
    assert_eq!(stripe["properties"]["author"], "Test");
}

#[test]
fn history_since_checks_only_new_commits() {
    let (repo, expected) = five_secret_repo(false);
    let before = repo.head();
    // A new commit that edits a file holding an old secret, on another line: the old secret
    // was not added by it, so it is not reported.
    repo.write(
        "settings.py",
        format!("DEBUG = False\n{}LOG_LEVEL = 'info'\n", MAIN_LINE.1),
    );
    repo.write("new.py", "STRIPE = \"sk_live_9fD28GpKxiVCzqiuS0ycq6cb\"\n");
    let added = repo.commit_all("a new leak");
    let (_, doc) = history(&repo, &["--since", &before]);
    let found = credited(&doc);
    assert_eq!(found.len(), 1, "{doc}");
    assert_eq!(
        found["stripe-access-token"],
        (added.clone(), "new.py".into())
    );
    assert_eq!(doc["summary"]["commits_checked"], 1);
    // The same as a range.
    let (_, doc) = history(&repo, &[&format!("{before}..HEAD")]);
    assert_eq!(credited(&doc).len(), 1, "{doc}");
    // Nothing new since HEAD: an empty range is a clean pass, and says it checked 0 commits.
    let (code, doc) = history(&repo, &["--since", "HEAD"]);
    assert_eq!(
        (code, doc["summary"]["commits_checked"].as_u64()),
        (0, Some(0))
    );
    // The full history still has all six (two of them Stripe keys).
    let (_, doc) = history(&repo, &[]);
    assert_eq!(
        doc["findings"].as_array().unwrap().len(),
        expected.len() + 1,
        "{doc}"
    );
}

#[test]
fn history_with_a_missing_revision_exits_2() {
    let (repo, _) = five_secret_repo(false);
    for args in [
        vec!["check", "--history", "--since", "no-such-branch"],
        vec!["check", "--history", "no-such-branch..HEAD"],
    ] {
        let out = repo.palisade().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no-such-branch"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn history_of_a_shallow_clone_is_not_silently_empty() {
    let (repo, _) = five_secret_repo(false);
    let clone = GitRepo::new();
    std::fs::remove_dir_all(clone.path().join(".git")).unwrap();
    let url = format!("file://{}", repo.path().display());
    clone.git(&["clone", "-q", "--depth", "2", &url, "."]);
    // The full history of what is here: the boundary's content counts as added by it, and
    // the report says the history before it was not checked.
    let (code, doc) = history(&clone, &[]);
    assert_eq!(code, 1, "{doc}");
    assert!(!credited(&doc).is_empty());
    let gaps: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["gap"] == "shallow-history")
        .collect();
    assert_eq!(gaps.len(), 1, "{doc}");
    // A range or --since that needs history the clone does not have is an error.
    for args in [
        vec!["check", "--history", "HEAD"],
        vec!["check", "--history", "--since", "HEAD~5"],
    ] {
        let out = clone.palisade().args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("shallow"));
    }
    // What the clone does have is fine.
    let (code, _) = history(&clone, &["--since", "HEAD~1"]);
    assert_eq!(code, 0);
}

#[test]
fn a_multi_commit_patch_is_refused_not_collapsed() {
    let (repo, _) = five_secret_repo(false);
    let log = repo.git(&["log", "-p", "--all"]);
    let out = repo
        .palisade()
        .args(["check", "--patch", "-"])
        .write_stdin(log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("commits") && err.contains("--history"),
        "{err}"
    );
    // Two sections for one path without commit headers (a concatenation of diffs).
    let a = repo.git(&["diff", "HEAD~3", "HEAD~2"]);
    let b = repo.git(&["diff", "HEAD~2", "HEAD~1"]);
    let c = repo.git(&["diff", "HEAD~1", "HEAD"]);
    let out = repo
        .palisade()
        .args(["check", "--patch", "-"])
        .write_stdin(format!("{a}{b}{c}"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("more than one section"), "{err}");
    // One commit's patch is still read.
    let one = repo.git(&["show", "--format=commit %H%n", "HEAD~2"]);
    let out = repo
        .palisade()
        .args(["check", "--patch", "-"])
        .write_stdin(one)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2));
}

#[test]
fn a_baseline_of_a_history_scan_suppresses_the_same_secrets_next_run() {
    let (repo, _) = five_secret_repo(false);
    let baseline = repo.path().join("history-baseline.json");
    let b = baseline.to_str().unwrap();
    let out = repo
        .palisade()
        .args(["baseline", "--history", "-o", b])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, doc) = history(&repo, &["--baseline", b]);
    assert_eq!((code, doc["findings"].as_array().unwrap().len()), (0, 0));
    assert_eq!(doc["summary"]["suppressed_baseline"], 5);
    // The same secret again, in a later commit and on another line: still the baseline's.
    repo.write("settings.py", format!("DEBUG = True\n\n{}", MAIN_LINE.1));
    repo.commit_all("move the stripe key");
    repo.write("new.py", "STRIPE = \"sk_live_9fD28GpKxiVCzqiuS0ycq6cb\"\n");
    let added = repo.commit_all("a new leak");
    let (code, doc) = history(&repo, &["--baseline", b]);
    assert_eq!(code, 1);
    let found = credited(&doc);
    assert_eq!(found.len(), 1, "{doc}");
    assert_eq!(found["stripe-access-token"].0, added);
}

#[test]
fn history_checks_secrets_only_and_says_so() {
    let (repo, _) = five_secret_repo(false);
    repo.write("app.py", "assert True\n");
    repo.commit_all("python");
    let (_, doc) = history(&repo, &[]);
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["checker"] == "secrets"));
    assert!(
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["gap"] == "not-in-mode"),
        "{doc}"
    );
    let out = repo
        .palisade()
        .args(["check", "--history", "--only", "python"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
