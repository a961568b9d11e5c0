//! The crate graph holds ARCHITECTURE.md's invariants: checkers know nothing of git, the CLI or
//! each other, and the core knows no checker.

use std::path::Path;

fn dependencies(krate: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("crates/{krate}/Cargo.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    manifest
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn checker_crates_depend_on_core_only() {
    // The binary's concerns: git access, the command line, file walking, the thread pool.
    let binary_only = ["palisade-git", "git2", "clap", "anyhow", "ignore", "rayon"];
    let checkers = ["palisade-secrets", "palisade-python", "palisade-deps"];
    for krate in ["secrets", "python", "deps"] {
        let deps = dependencies(krate);
        assert!(
            deps.iter().any(|d| d == "palisade-core"),
            "{krate}: {deps:?}"
        );
        for d in &deps {
            assert!(
                !binary_only.contains(&d.as_str()) && !checkers.contains(&d.as_str()),
                "the {krate} checker depends on {d}"
            );
        }
    }
    let core = dependencies("core");
    for d in &core {
        assert!(
            !d.starts_with("palisade") && !binary_only.contains(&d.as_str()),
            "palisade-core depends on {d}"
        );
    }
    let git = dependencies("git");
    for d in &git {
        assert!(
            !checkers.contains(&d.as_str()) && d != "clap",
            "palisade-git depends on {d}"
        );
    }
}
