//! `palisade fix` planning: golden files on the PyPA snapshot (a second audit of the fixed file
//! finds nothing, and every other byte is unchanged), and synthetic data for the choice of the
//! smallest version that fixes every advisory.

mod common;

use common::*;
use palisade_deps::advisory::AdvisoryDb;
use palisade_deps::fix::{fix_file, smallest_fix};
use palisade_deps::ManifestKind;

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn golden_requirements_fix_on_the_snapshot() {
    let Some(path) = snapshot() else { return };
    let db = AdvisoryDb::build(&path).unwrap();
    let dir = fixture_dir("fix");
    let before = std::fs::read_to_string(dir.join("requirements.txt")).unwrap();
    let golden = std::fs::read_to_string(dir.join("requirements.fixed")).unwrap();
    let fix = fix_file(
        &db,
        ManifestKind::Requirements,
        "requirements.txt",
        &before,
        &no_env,
        &|_| false,
    );
    assert!(
        fix.unfixable.is_empty() && fix.commands.is_empty(),
        "{fix:?}"
    );
    let after = fix.new_text.clone().unwrap();
    assert_eq!(after, golden);
    let raised: Vec<(&str, &str, &str)> = fix
        .changes
        .iter()
        .map(|c| (c.package.as_str(), c.from.as_str(), c.to.as_str()))
        .collect();
    // The same targets pip-audit --fix picks on this data.
    assert_eq!(
        raised,
        vec![
            ("requests", "2.19.0", "2.31.0"),
            ("Django", "3.2.0", "3.2.25"),
            ("werkzeug", "2.3.7", "2.3.8")
        ]
    );
    // A second audit of the fixed file finds nothing.
    let again = fix_file(
        &db,
        ManifestKind::Requirements,
        "requirements.txt",
        &after,
        &no_env,
        &|_| false,
    );
    assert!(
        again.changes.is_empty() && again.unfixable.is_empty(),
        "{again:?}"
    );
    let reqs = palisade_deps::manifest::requirements::parse("r.txt", &after, &no_env);
    for d in reqs.requirements {
        if let palisade_deps::manifest::Pinning::Exact(v) = d.pinning() {
            let name = d.name.unwrap();
            assert!(db.query(&name, &v).unwrap().is_empty(), "{name} {v}");
        }
    }
}

const A: &str = r#"{"id":"PYSEC-2026-1","modified":"2026-11-22T10:00:00Z",
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.5"}]}]}]}"#;
// 1.5 is still affected by this one; 1.7 fixes both.
const B: &str = r#"{"id":"PYSEC-2026-2","modified":"2026-11-22T10:00:00Z",
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.2"},{"fixed":"1.7"}]}]}]}"#;
const C: &str = r#"{"id":"PYSEC-2026-3","modified":"2026-11-22T10:00:00Z",
 "affected":[{"package":{"ecosystem":"PyPI","name":"nofix"},
 "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#;

fn demo_db() -> (tempfile::TempDir, AdvisoryDb) {
    let tmp = tempfile::tempdir().unwrap();
    for (n, t) in [("a.json", A), ("b.json", B), ("c.json", C)] {
        std::fs::write(tmp.path().join(n), t).unwrap();
    }
    let db = AdvisoryDb::build(tmp.path()).unwrap();
    (tmp, db)
}

#[test]
fn the_smallest_version_that_fixes_every_advisory_is_chosen() {
    let (_tmp, db) = demo_db();
    let v = |s: &str| s.parse::<pep440_rs::Version>().unwrap();
    assert_eq!(
        smallest_fix(&db, "demo", &v("1.3")).unwrap(),
        Some(v("1.7"))
    );
    // 1.0 has only PYSEC-2026-1, but its fix 1.5 lies in PYSEC-2026-2's range.
    assert_eq!(
        smallest_fix(&db, "demo", &v("1.0")).unwrap(),
        Some(v("1.7"))
    );
    assert_eq!(smallest_fix(&db, "demo", &v("1.8")).unwrap(), None);
    assert_eq!(smallest_fix(&db, "nofix", &v("1.0")).unwrap(), None);

    // CRLF, a hash-pinned line and an unfixable pin: only the first line's version changes.
    let text = "demo==1.3\r\nother==1.0\r\nnofix==1.0  # none\r\n";
    let fix = fix_file(
        &db,
        ManifestKind::Requirements,
        "r.txt",
        text,
        &no_env,
        &|_| false,
    );
    assert_eq!(
        fix.new_text.as_deref(),
        Some("demo==1.7\r\nother==1.0\r\nnofix==1.0  # none\r\n")
    );
    assert_eq!(fix.unfixable.len(), 1);
    assert!(fix.unfixable[0].starts_with("nofix 1.0 (line 3): no version fixes every advisory"));
    let hashed = "demo==1.3 \\\n    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000\n";
    let fix = fix_file(
        &db,
        ManifestKind::Requirements,
        "r.txt",
        hashed,
        &no_env,
        &|_| false,
    );
    assert!(fix.new_text.is_none());
    assert_eq!(fix.commands.len(), 1);
    assert!(
        fix.commands[0].starts_with("pip-compile --upgrade-package 'demo==1.7'"),
        "{}",
        fix.commands[0]
    );
    // pyproject: the string's version only.
    let py = "[project]\nname = \"x\"\ndependencies = [\n  \"demo[extra]==1.3; python_version>'3'\",  # pinned\n]\n";
    let fix = fix_file(
        &db,
        ManifestKind::Pyproject,
        "pyproject.toml",
        py,
        &no_env,
        &|_| false,
    );
    assert_eq!(
        fix.new_text.as_deref(),
        Some("[project]\nname = \"x\"\ndependencies = [\n  \"demo[extra]==1.7; python_version>'3'\",  # pinned\n]\n")
    );
    // Lock files: the command, never an edit.
    let lock = "version = 1\n[[package]]\nname = \"demo\"\nversion = \"1.3\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
    let fix = fix_file(
        &db,
        ManifestKind::UvLock,
        "sub/uv.lock",
        lock,
        &no_env,
        &|_| false,
    );
    assert!(fix.new_text.is_none());
    assert_eq!(
        fix.commands,
        vec!["cd sub && uv lock --upgrade-package demo"]
    );
    // pylock.toml: the command of the tool that wrote it, with the fixing version, never an
    // edit; a writer palisade cannot drive is a warning naming the version, not a guess.
    let pylock = |header: &str| {
        format!(
            "{header}lock-version = \"1.0\"\n[[packages]]\nname = \"demo\"\nversion = \"1.3\"\n"
        )
    };
    let uv = pylock("# This file was autogenerated by uv via the following command:\n#    uv pip compile requirements.in -o pylock.toml\ncreated-by = \"uv\"\n");
    let fix = fix_file(
        &db,
        ManifestKind::Pylock,
        "pylock.toml",
        &uv,
        &no_env,
        &|_| false,
    );
    assert!(fix.new_text.is_none());
    assert_eq!(
        fix.commands,
        vec!["uv pip compile requirements.in -o pylock.toml --upgrade-package demo==1.7"]
    );
    let pdm = pylock("created-by = \"pdm\"\n");
    let fix = fix_file(
        &db,
        ManifestKind::Pylock,
        "app/pylock.toml",
        &pdm,
        &no_env,
        &|f| f == "pdm.lock",
    );
    assert_eq!(
        fix.commands,
        vec!["cd app && pdm update demo && pdm export -f pylock -o pylock.toml"]
    );
    let pip = pylock("created-by = \"pip\"\n");
    let fix = fix_file(
        &db,
        ManifestKind::Pylock,
        "pylock.toml",
        &pip,
        &no_env,
        &|_| false,
    );
    assert!(fix.new_text.is_none() && fix.commands.is_empty());
    assert_eq!(fix.unfixable.len(), 1);
    assert!(
        fix.unfixable[0].starts_with("demo 1.3 (line 4): fixed in 1.7, but written by `pip lock`"),
        "{}",
        fix.unfixable[0]
    );
}
