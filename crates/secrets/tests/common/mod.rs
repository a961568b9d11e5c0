//! Helpers shared by this crate's tests.

use std::path::PathBuf;

use palisade_secrets::spec::RuleFile;

/// Every built-in rule file (`rules/*.yaml`), parsed, in name order.
pub fn rule_files() -> Vec<(PathBuf, RuleFile)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let file: RuleFile = serde_yaml::from_str(&text).unwrap();
            (p, file)
        })
        .collect()
}
