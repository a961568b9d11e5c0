use crate::rules::Rule;
use crate::walk::{FileCx, Str};
use palisade_core::{declare_rule, CheckerKind, Confidence, Severity};

declare_rule! {
    /// ## What it does
    /// Finds string constants, and the literal parts of f-strings, that start with a shared
    /// temporary directory: `/tmp`, `/var/tmp` or `/dev/shm` by default, or the Bandit setting
    /// `hardcoded_tmp_directory.tmp_dirs` (Bandit B108).
    ///
    /// ## Why is this bad?
    /// Other users of the machine can create or replace files in shared temporary folders. A
    /// predictable path there lets them plant a symlink or a file the program then trusts or
    /// overwrites.
    ///
    /// ## Example
    /// ```python
    /// open("/tmp/app.lock", "w")  # B108
    /// with tempfile.NamedTemporaryFile() as f:  # fine
    ///     ...
    /// ```
    ///
    /// ## References
    /// - https://bandit.readthedocs.io/en/latest/plugins/b108_hardcoded_tmp_directory.html
    /// - https://cwe.mitre.org/data/definitions/377.html
    pub static RULE = {
        id: "B108", name: "hardcoded_tmp_directory", checker: CheckerKind::Python,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(377),
        summary: "A string that starts with a shared temporary directory such as /tmp.",
    };
}

pub(crate) fn check(cx: &mut FileCx<'_, '_>, s: &Str<'_>) {
    if cx
        .settings
        .tmp_dirs
        .iter()
        .any(|d| s.value.starts_with(d.as_str()))
    {
        cx.report(
            Rule::B108,
            s.node,
            "Probable insecure usage of temp file/directory.",
        )
        .range_of(s.parent);
    }
}

/// The words this rule needs in a statement to report there (see `crate::prefilter`).
pub(crate) fn trigger(s: &crate::config::Settings) -> crate::prefilter::Trigger {
    use crate::prefilter::{Atom, Trigger};
    s.tmp_dirs.iter().fold(Trigger::default(), |t, d| {
        t.or(if d.is_empty() {
            Trigger::all(vec![Atom::AnyString])
        } else {
            Trigger::string_start(d)
        })
    })
}

/// How the registry runs this rule: `check` on every string literal (prefilter: `trigger`).
pub(crate) const DECL: super::Decl = super::Decl::rule(&RULE, super::Visit::Str(check), trigger);
