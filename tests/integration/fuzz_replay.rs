//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`, seeds from the test fixtures
//! plus what coverage-guided fuzzing kept, and every crash it found) through the fuzz targets'
//! own harness, on the stable toolchain: this is all CI runs of the fuzzing.

#[path = "../../fuzz/harness.rs"]
mod harness;

#[test]
fn the_fuzz_corpus_replays_without_a_panic_or_a_broken_oracle() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    for target in harness::TARGETS {
        let dir = root.join(target);
        let mut inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "no corpus for {target}");
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            let outcome = std::panic::catch_unwind(|| harness::run(target, &data));
            assert!(outcome.is_ok(), "{target}: {} fails", input.display());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} corpus inputs");
}
