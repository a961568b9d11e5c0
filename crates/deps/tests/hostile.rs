//! Hostile inputs (issue 11), one test per input class of the deps checker: each asserts the
//! clear error or the bounded result. Speed is measured by `bench/hostile.sh`, not here.

use std::io::Write;

use palisade_deps::advisory::AdvisoryDb;

mod common;

fn run_one(name: &str, text: &str) -> common::Run {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    common::run_files(&common::checker(), tmp.path(), &[name.to_string()])
}

fn has_error(run: &common::Run, needle: &str) -> bool {
    run.diagnostics
        .iter()
        .any(|d| d.to_string().contains(needle))
}

/// `{a: {a: ...}}` 20,000 deep took 1.7 s (quadratic in the YAML parser): refused first, with
/// its line, in one linear pass; workflows and pre-commit configs alike.
#[test]
fn deep_yaml_flow_collections_are_a_clear_error() {
    let n = 20_000;
    let deep_map = format!("repos:\n- {}x{}\n", "{a: ".repeat(n), "}".repeat(n));
    let run = run_one(".pre-commit-config.yaml", &deep_map);
    assert!(
        has_error(&run, "nest deeper than 128 levels (line 2)"),
        "{:?}",
        run.diagnostics
    );
    let deep_seq = format!("on: push\njobs: {}x{}\n", "[".repeat(n), "]".repeat(n));
    let run = run_one(".github/workflows/ci.yml", &deep_seq);
    assert!(
        has_error(&run, "nest deeper than 128"),
        "{:?}",
        run.diagnostics
    );
}

/// TOML and JSON nesting: the parsers' own recursion limits make it a per-file error.
#[test]
fn deep_toml_and_json_are_a_clear_error() {
    let n = 20_000;
    let toml = format!(
        "[project]\nname = 'x'\ndependencies = {}'a'{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    // Refused by a linear pass before the parser lexes it (16 MB of `[` took 800 MB there),
    // with its line; the same for a lock file and a Pipfile.
    for name in ["pyproject.toml", "pylock.toml", "Pipfile"] {
        let run = run_one(name, &toml);
        assert!(
            has_error(
                &run,
                "TOML collections nest deeper than 128 levels (line 3)"
            ),
            "{name}: {:?}",
            run.diagnostics
        );
    }
    let json = format!(
        "{{\"default\": {}1{}}}\n",
        "{\"a\": ".repeat(n),
        "}".repeat(n)
    );
    let run = run_one("Pipfile.lock", &json);
    assert!(has_error(&run, "recursion limit"), "{:?}", run.diagnostics);
}

/// An include tree is bounded in files: the rest is a clear error, not read.
#[test]
fn include_trees_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 1_100;
    let mut root = String::new();
    std::fs::create_dir(tmp.path().join("r")).unwrap();
    for i in 0..n {
        root.push_str(&format!("-r r/{i}.txt\n"));
        std::fs::write(
            tmp.path().join(format!("r/{i}.txt")),
            format!("pkg{i}==1.0\n"),
        )
        .unwrap();
    }
    std::fs::write(tmp.path().join("requirements.txt"), root).unwrap();
    let run = common::run_files(&common::checker(), tmp.path(), &["requirements.txt".into()]);
    assert!(
        has_error(&run, "includes pull in more than 1000 files"),
        "{:?}",
        run.diagnostics.iter().take(3).collect::<Vec<_>>()
    );
}

/// A zip bomb as advisory data (12.6 GB inflated before): refused while inflating.
#[test]
fn a_zip_bomb_is_refused_while_inflating() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("PYSEC-1.json", opts).unwrap();
    w.write_all(b"{").unwrap();
    let blanks = vec![b' '; 1 << 20];
    for _ in 0..64 {
        w.write_all(&blanks).unwrap();
    }
    w.write_all(b"}").unwrap();
    w.finish().unwrap();
    // 64 MiB of blanks deflate to a few dozen KB: past the ratio long before the end.
    assert!(std::fs::metadata(&zip_path).unwrap().len() < 1 << 20);
    let Err(err) = AdvisoryDb::build(&zip_path) else {
        panic!("a zip bomb was accepted")
    };
    assert!(err.to_string().contains("zip bomb"), "{err}");
}

/// A FIFO or device as the advisory database (or named like a record in a folder) is not
/// opened: opening a FIFO blocks, reading `/dev/zero` never ends.
#[cfg(unix)]
#[test]
fn special_files_are_not_read_as_advisory_data() {
    let Err(err) = AdvisoryDb::build(std::path::Path::new("/dev/zero")) else {
        panic!("/dev/zero was read as advisory data")
    };
    assert!(err.to_string().contains("not a regular file"), "{err}");
    let tmp = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", tmp.path().join("PYSEC-1.json")).unwrap();
    std::fs::write(tmp.path().join("PYSEC-2.json"), "{}").unwrap();
    // The folder loads (or is refused) without reading the device.
    let result = AdvisoryDb::build(tmp.path());
    if let Ok(db) = result {
        assert!(db
            .meta()
            .skipped_examples
            .iter()
            .any(|s| s.contains("not a regular file")));
    }
}
