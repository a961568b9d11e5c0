use crate::rules::Rule;
use crate::walk::{Call, FileCx};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds `torch.load(...)` and `torch.serialization.load(...)` in files that `import torch`,
    /// unless `weights_only=True` is passed (Bandit B614).
    ///
    /// ## Why is this bad?
    /// `torch.load` unpickles the file, so a malicious model file runs code when loaded.
    ///
    /// ## Example
    /// ```python
    /// model = torch.load(path)  # B614
    /// state = torch.load(path, weights_only=True)  # fine
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b614_pytorch_load.html
    /// - https://cwe.mitre.org/data/definitions/502.html
    pub static RULE = {
        id: "B614", name: "pytorch_load", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(502),
        summary: "torch.load without weights_only=True.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, call: &Call<'_>) {
    if !matches!(
        call.qualname.as_str(),
        "torch.load" | "torch.serialization.load"
    ) || !cx.imports.exact("torch")
    {
        return;
    }
    if call.kw_is("weights_only", &["True"], cx.src) == Some(true) {
        return;
    }
    cx.report(Rule::B614, call.node, "Use of unsafe PyTorch load");
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(_s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::Trigger;
    Trigger::words(&["torch", "load"]).if_imported("torch")
}

/// How the registry runs this rule: `check` on every call (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Call(check), trigger);
