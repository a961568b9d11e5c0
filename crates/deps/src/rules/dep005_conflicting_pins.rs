use std::collections::HashMap;

use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::requirements::RequirementsTree;
use crate::manifest::Pinning;

declare_rule! {
    /// ## What it does
    /// Flags a package pinned to two different versions in one install: the requirements file
    /// and the files it includes with `-r`/`-c`. Pins under different environment markers
    /// (`; python_version < "3.9"`) are separate and not compared.
    ///
    /// ## Why is this bad?
    /// pip refuses the install ("double requirement" or a constraint conflict), or, across a
    /// constraints file, silently resolves to something that is not what either file says. It
    /// usually means one of the files was updated and the other forgotten.
    ///
    /// ## Example
    /// ```text
    /// # base.txt
    /// requests==2.31.0
    /// # requirements.txt
    /// -r base.txt
    /// requests==2.32.3     # error: base.txt pins 2.31.0
    /// ```
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/user_guide/#constraints-files
    pub static CONFLICTING_PINS = {
        id: "DEP005", name: "conflicting-pins", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(1357),
        summary: "The same package is pinned to two different versions in one install.",
    };
}

/// Reports every pin that disagrees with the first pin of the same package (and marker) in
/// the tree's order.
pub fn check(tree: &RequirementsTree, out: &mut Vec<Finding>) {
    // (name, marker) -> (version text, path, line)
    let mut first: HashMap<(String, Option<String>), (String, String, u32)> = HashMap::new();
    for (i, dep) in tree.ordered() {
        let f = &tree.files[i].0;
        {
            let version = match dep.pinning() {
                Pinning::Exact(v) => v,
                _ => continue,
            };
            let Some(name) = dep.normalized_name() else {
                continue;
            };
            let key = (name.clone(), dep.marker.clone());
            match first.get(&key) {
                None => {
                    first.insert(key, (version.to_string(), f.path.clone(), dep.loc.line));
                }
                Some((v0, p0, l0)) => {
                    // PEP 440 equality: `3.2` and `3.2.0` are the same pin.
                    if v0.parse::<pep440_rs::Version>().ok().as_ref() == Some(&version) {
                        continue;
                    }
                    out.push(super::finding(
                        &CONFLICTING_PINS,
                        &f.path,
                        dep.loc,
                        format!(
                            "`{}` is pinned to {version} here but to {v0} at {p0}:{l0}",
                            dep.name.as_deref().unwrap_or(&name)
                        ),
                        &dep.snippet,
                        name,
                    ));
                }
            }
        }
    }
}
