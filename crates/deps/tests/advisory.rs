//! The advisory database: loading the three source kinds, the cached index, and the matching
//! reference case against the PyPA snapshot in `../shared/data/pypa-advisory-db`.

use std::io::Write;

use palisade_deps::advisory::AdvisoryDb;

mod common;
use common::snapshot;

fn v(s: &str) -> pep440_rs::Version {
    s.parse().unwrap()
}

fn ids(db: &AdvisoryDb, name: &str, version: &str) -> Vec<String> {
    db.query(name, &v(version))
        .unwrap()
        .into_iter()
        .map(|x| x.id)
        .collect()
}

#[test]
fn reference_case_requests_and_django_have_27_advisories() {
    let Some(path) = snapshot() else { return };
    let db = AdvisoryDb::build(&path).unwrap();
    let meta = db.meta();
    // Two records have only non-PEP 440 bounds (`0.2.0-n653`, `2019-09-12`): kept as
    // unreadable so pins of those packages are reported as not fully audited.
    assert_eq!(meta.skipped, 2, "{:?}", meta.skipped_examples);
    assert_eq!(meta.unreadable["binderhub"], vec!["PYSEC-2021-371"]);
    assert_eq!(meta.unreadable["steam"], vec!["PYSEC-2019-125"]);
    assert_eq!(meta.withdrawn, 10);
    assert_eq!(meta.records + meta.withdrawn + meta.skipped, 2661);
    assert!(meta.data_date.as_deref().unwrap().starts_with("2024-10"));

    let requests = ids(&db, "requests", "2.19.0");
    assert_eq!(requests, vec!["PYSEC-2018-28", "PYSEC-2023-74"]);
    let django = ids(&db, "Django", "3.2.0");
    assert_eq!(django.len(), 25, "{django:?}");
    assert!(django.iter().all(|id| id.starts_with("PYSEC-")));
    // `3.2` is how PyPI spells the release; PEP 440 equality makes it the same pin.
    assert_eq!(ids(&db, "django", "3.2"), django);

    let r = db.query("requests", &v("2.19.0")).unwrap();
    let first = &r[0];
    assert!(
        first.aliases.iter().any(|a| a == "CVE-2018-18074"),
        "{first:?}"
    );
    assert_eq!(first.fixed, vec![v("2.20.0")]);
    assert_eq!(r[1].fixed, vec![v("2.31.0")]);

    // A fixed release is clean; an unknown package has nothing.
    assert!(ids(&db, "requests", "2.32.3").is_empty());
    assert!(ids(&db, "no-such-package-xyz", "1.0").is_empty());
    // The directory `jw.util` is found by its normalised name.
    let _ = db.advisories("jw-util").unwrap();
}

#[test]
fn the_index_round_trips_and_serves_the_same_answers() {
    let Some(path) = snapshot() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (built, rebuilt) = AdvisoryDb::open(&path, Some(tmp.path())).unwrap();
    assert!(rebuilt);
    let (cached, rebuilt) = AdvisoryDb::open(&path, Some(tmp.path())).unwrap();
    assert!(!rebuilt, "the second open must use the cached index");
    assert_eq!(built.meta(), cached.meta());
    for (n, ver) in [
        ("requests", "2.19.0"),
        ("django", "3.2.0"),
        ("py", "1.10.0"),
        ("pillow", "8.0.0"),
    ] {
        assert_eq!(
            built.query(n, &v(ver)).unwrap(),
            cached.query(n, &v(ver)).unwrap(),
            "{n} {ver}"
        );
    }
}

const RECORD_A: &str = r#"{"id":"GHSA-xxxx-yyyy-zzzz","modified":"2026-11-20T10:00:00Z","published":"2026-11-03","aliases":["CVE-2026-0001"],
 "summary":"Bad thing in demo","database_specific":{"severity":"HIGH"},
 "affected":[{"package":{"ecosystem":"PyPI","name":"Demo_Pkg"},
   "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{},{"fixed":"1.5"}]}]}]}"#;
const RECORD_B: &str = r#"{"id":"PYSEC-2026-1","modified":"2026-11-21T10:00:00Z","published":"2026-11-02T23:59:00.123Z","aliases":["CVE-2026-0001"],
 "details":"Same bug. More words.",
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"versions":["1.0","1.1","0.9p1"]}]}"#;
const RECORD_WITHDRAWN: &str = r#"{"id":"PYSEC-2026-2","modified":"2026-11-22T10:00:00Z","withdrawn":"2026-11-23T00:00:00Z",
 "affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},"versions":["1.0"]}]}"#;
const RECORD_NPM: &str = r#"{"id":"GHSA-npm","modified":"2026-11-22T10:00:00Z",
 "affected":[{"package":{"ecosystem":"npm","name":"demo-pkg"},"versions":["1.0"]}]}"#;
const RECORD_BROKEN: &str = r#"{"id": ["not", "a", "string"]"#;

fn check_demo(db: &AdvisoryDb) {
    let hits = db.query("demo.pkg", &v("1.0")).unwrap();
    assert_eq!(hits.len(), 1, "aliases must merge: {hits:?}");
    assert_eq!(hits[0].id, "PYSEC-2026-1");
    assert_eq!(
        hits[0].aliases,
        vec!["CVE-2026-0001", "GHSA-xxxx-yyyy-zzzz"]
    );
    // GitHub's label where no record has a vector; the earliest publication day.
    assert_eq!(hits[0].rating.label.as_deref(), Some("HIGH"));
    assert_eq!(
        hits[0].rating.level(),
        Some(palisade_deps::advisory::severity::Level::High)
    );
    assert!(hits[0].rating.cvss.is_none());
    assert_eq!(hits[0].published, Some(jiff::civil::date(2026, 11, 2)));
    assert_eq!(hits[0].fixed, vec![v("1.5")]);
    assert!(db.query("demo-pkg", &v("1.5")).unwrap().is_empty());
    let meta = db.meta();
    assert_eq!(meta.records, 2);
    assert_eq!(meta.withdrawn, 1);
    assert_eq!(meta.skipped, 1, "{:?}", meta.skipped_examples);
    assert!(
        meta.quirks >= 2,
        "the empty event and the legacy version are counted"
    );
    assert!(meta.data_date.as_deref().unwrap().starts_with("2026-11-22"));
}

#[test]
fn a_folder_of_osv_json_loads_leniently() {
    let tmp = tempfile::tempdir().unwrap();
    for (n, body) in [
        ("a.json", RECORD_A),
        ("b.json", RECORD_B),
        ("w.json", RECORD_WITHDRAWN),
        ("npm.json", RECORD_NPM),
        ("broken.json", RECORD_BROKEN),
    ] {
        std::fs::write(tmp.path().join(n), body).unwrap();
    }
    check_demo(&AdvisoryDb::build(tmp.path()).unwrap());
}

#[test]
fn an_osv_all_zip_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (n, body) in [
        ("GHSA-x.json", RECORD_A),
        ("PYSEC-2026-1.json", RECORD_B),
        ("PYSEC-2026-2.json", RECORD_WITHDRAWN),
        ("GHSA-npm.json", RECORD_NPM),
        ("bad.json", RECORD_BROKEN),
    ] {
        w.start_file(n, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap();
    let db = AdvisoryDb::build(&zip_path).unwrap();
    check_demo(&db);
    // And through an index file written from it.
    let idx = tmp.path().join("index.bin");
    db.write_index(&idx).unwrap();
    check_demo(&AdvisoryDb::open_index(&idx).unwrap());
}

#[test]
fn missing_and_corrupt_sources_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let err = AdvisoryDb::build(&tmp.path().join("nope")).unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(
        AdvisoryDb::build(tmp.path()).is_err(),
        "an empty folder has no records"
    );
    let bad = tmp.path().join("x.bin");
    std::fs::write(&bad, b"PALISADE-OSV-INDEX-3\n\xff\xff").unwrap();
    assert!(AdvisoryDb::open_index(&bad)
        .unwrap_err()
        .to_string()
        .contains("corrupt"));
    std::fs::write(&bad, b"hello").unwrap();
    assert!(AdvisoryDb::build(&bad).is_err());
}

/// CVSS on the whole snapshot: the 202 records with a vector (3 of them withdrawn) score
/// 34 critical, 74 high, 86 medium and 8 low (the split Python's `cvss` package gives); the
/// database keeps the 199 in force, and the reference records carry their score, version,
/// fixes and publication day.
#[test]
fn snapshot_cvss_scores_split_by_severity() {
    use palisade_deps::advisory::severity::{Level, Rating};
    let Some(path) = snapshot() else { return };
    let mut all: Vec<Option<Level>> = Vec::new();
    let mut stack = vec![path.join("vulns")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                let text = std::fs::read_to_string(&p).unwrap();
                let rec: palisade_deps::advisory::osv::Record =
                    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                let vectors: Vec<String> = rec
                    .severity
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|s| s.score)
                    .collect();
                if !vectors.is_empty() {
                    all.push(Rating::new(&vectors, None).level());
                }
            }
        }
    }
    let split = |v: &[Option<Level>]| {
        let n = |l| v.iter().filter(|x| **x == Some(l)).count();
        (
            n(Level::Critical),
            n(Level::High),
            n(Level::Medium),
            n(Level::Low),
        )
    };
    assert_eq!(all.len(), 202);
    assert_eq!(split(&all), (34, 74, 86, 8));

    let db = AdvisoryDb::build(&path).unwrap();
    let mut rated: std::collections::BTreeMap<String, Option<Level>> = Default::default();
    for name in db.package_names() {
        for a in db.advisories(&name).unwrap() {
            if !a.cvss.is_empty() {
                rated.insert(
                    a.id.clone(),
                    Rating::new(&a.cvss, a.label.as_deref()).level(),
                );
            }
        }
    }
    // Three records with a vector are withdrawn (PYSEC-2022-43055, PYSEC-2022-43059, PYSEC-2023-141).
    assert_eq!(rated.len(), 199);
    let in_force: Vec<Option<Level>> = rated.into_values().collect();
    let (c, h, m, l) = split(&in_force);
    assert_eq!(c + h + m + l, 199);

    let one = |name: &str, version: &str, id: &str| {
        db.query(name, &v(version))
            .unwrap()
            .into_iter()
            .find(|x| x.id == id)
            .unwrap_or_else(|| panic!("{id} does not affect {name} {version}"))
    };
    let sky = one("apache-skywalking", "8.0.0", "PYSEC-2020-342");
    let c = sky.rating.cvss.clone().unwrap();
    assert_eq!((c.score, c.level()), (9.8, Level::Critical));
    assert!(sky.fixed.is_empty(), "no fix: {:?}", sky.fixed);
    let wz = one("werkzeug", "2.3.7", "PYSEC-2023-221");
    assert_eq!(wz.rating.cvss.clone().unwrap().score, 7.5);
    assert_eq!(wz.rating.level(), Some(Level::High));
    assert_eq!(wz.fixed, vec![v("2.3.8"), v("3.0.1")]);
    assert_eq!(wz.published, Some(jiff::civil::date(2023, 10, 25)));
    let atlas = one("apache-atlas", "0.0.1", "PYSEC-2017-108");
    let c = atlas.rating.cvss.clone().unwrap();
    assert_eq!((c.version, c.score), ("3.0", 6.1));
    assert_eq!(atlas.published, Some(jiff::civil::date(2017, 8, 29)));
    // Records without a vector are unknown, not "high".
    let req = one("requests", "2.19.0", "PYSEC-2018-28");
    assert_eq!(req.rating.level(), None);
    assert!(req.rating.describe().starts_with("severity unknown"));
}
