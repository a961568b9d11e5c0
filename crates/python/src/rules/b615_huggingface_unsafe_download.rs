use crate::rules::Rule;
use crate::syntax::{self, Value};
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `from_pretrained`, `load_dataset`, `hf_hub_download`, `snapshot_download` and
    /// `repository_id` calls of transformers, datasets or huggingface_hub without a `revision=` or
    /// `commit_id=` that is a commit hash (7+ hex digits; Bandit B615). Local paths (`./`, `/`, `../`)
    /// and non-literal revisions are not reported.
    ///
    /// ## Why is this bad?
    /// Without a pinned commit the download is whatever the repository holds today; a compromised or
    /// changed repository delivers new code or weights (models can run code when loaded).
    ///
    /// ## Example
    /// ```python
    /// AutoModel.from_pretrained("org/model")  # B615
    /// AutoModel.from_pretrained("org/model", revision="5d0f2e8a7f1")  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b615_huggingface_unsafe_download.html
    /// - https://cwe.mitre.org/data/definitions/494.html
    pub static RULE = {
        id: "B615", name: "huggingface_unsafe_download", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(494),
        summary: "A Hugging Face Hub download not pinned to a commit.",
    };
}

const PATTERNS: &[(&str, &str)] = &[
    ("from_pretrained", "transformers"),
    ("load_dataset", "datasets"),
    ("hf_hub_download", "huggingface_hub"),
    ("snapshot_download", "huggingface_hub"),
    ("repository_id", "huggingface_hub"),
];

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    let func = call.name();
    let Some((_, module)) = PATTERNS.iter().find(|(f, _)| *f == func) else {
        return;
    };
    if !call.qualname.split('.').any(|p| p == *module) {
        return;
    }
    if !["transformers", "datasets", "huggingface_hub"]
        .iter()
        .any(|m| cx.imports.like(m))
    {
        return;
    }
    let src = cx.src;
    for (k, v) in &call.args.keywords {
        if matches!(k, Some("revision" | "commit_id")) && !syntax::is_constant(*v, src) {
            return;
        }
    }
    let revision = call
        .kw("revision", src)
        .filter(|v| !matches!(v, Value::Str(s) if s.is_empty()))
        .or_else(|| call.kw("commit_id", src));
    if let Some(Value::Str(r)) = revision {
        let r = r.trim_matches(|c| c == '"' || c == '\'');
        if r.len() >= 7 && r.chars().all(|c| c.is_ascii_hexdigit()) {
            return;
        }
    }
    if let Some(Value::Str(first)) = call.arg_value(0, src) {
        if first.starts_with("./") || first.starts_with('/') || first.starts_with("../") {
            return;
        }
    }
    cx.report(
        Rule::B615,
        call.node,
        format!("Unsafe Hugging Face Hub download without revision pinning in {func}()"),
    );
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    PATTERNS
        .iter()
        .fold(Trigger::default(), |t, (f, m)| {
            t.or(Trigger::words(&[f, m]))
        })
        .if_imported("transformers")
        .if_imported("datasets")
        .if_imported("huggingface_hub")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
