use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `yaml.load(...)` in files that `import yaml`, unless the loader is `SafeLoader` or
    /// `CSafeLoader` (as `Loader=` or the second argument; Bandit B506).
    ///
    /// ## Why is this bad?
    /// PyYAML's full loaders can build arbitrary Python objects, so loading untrusted YAML can run
    /// code.
    ///
    /// ## Example
    /// ```python
    /// config = yaml.load(text, Loader=yaml.Loader)  # B506
    /// config = yaml.safe_load(text)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b506_yaml_load.html
    /// - https://cwe.mitre.org/data/definitions/20.html
    pub static RULE = {
        id: "B506", name: "yaml_load", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(20),
        summary: "yaml.load without a safe loader.",
    };
}

const SAFE: &[&str] = &["SafeLoader", "CSafeLoader"];

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if call.name() != "load"
        || !call.qualname.split('.').any(|p| p == "yaml")
        || !cx.imports.exact("yaml")
    {
        return;
    }
    if call.kw_is("Loader", SAFE, cx.src) == Some(true) {
        return;
    }
    let second = call.arg_value(1, cx.src);
    if second
        .as_ref()
        .and_then(|v| v.as_str())
        .is_some_and(|s| SAFE.contains(&s))
    {
        return;
    }
    cx.report(
        Rule::B506,
        call.node,
        "Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider yaml.safe_load().",
    );
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["load", "yaml"]).if_imported("yaml")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
