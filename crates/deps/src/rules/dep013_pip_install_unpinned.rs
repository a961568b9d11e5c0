use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::ci::{pip_install, Command};

declare_rule! {
    /// ## What it does
    /// Flags a `pip install` (also `pip3`, `python -m pip`, `uv pip`) in a Dockerfile `RUN` or a
    /// GitHub Actions `run:` step that installs something not pinned: a package without an exact
    /// `==` version, a VCS URL not at a commit, an archive URL without a hash, or `-r file`
    /// without `--require-hashes`. Local paths and wheel files are fine, as are arguments that
    /// are shell variables (they cannot be judged before run time).
    ///
    /// ## Why is this bad?
    /// CI jobs and images run with credentials and ship artifacts. An unpinned install there
    /// takes whatever the index serves at build time, so builds are not reproducible and a
    /// malicious release is picked up immediately. With `--require-hashes`, pip refuses any file
    /// whose hash is not in the requirements file.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install flask                                   # error
    /// RUN pip install -r requirements.txt                     # error: no hash checking
    /// RUN pip install --require-hashes -r requirements.txt    # OK
    /// RUN pip install flask==3.0.3                            # OK
    /// ```
    ///
    /// ## References
    /// - https://pip.pypa.io/en/stable/topics/secure-installs/
    /// - https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies
    pub static PIP_INSTALL_UNPINNED = {
        id: "DEP013", name: "pip-install-unpinned", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::Medium, cwe: Some(829),
        summary: "A `pip install` in a Dockerfile or CI step installs unpinned packages.",
    };
}

pub fn check(path: &str, cmd: &Command, out: &mut Vec<Finding>) {
    let Some(install) = pip_install(&cmd.text) else {
        return;
    };
    if install.unpinned.is_empty() {
        return;
    }
    let unpinned: Vec<String> = install
        .unpinned
        .iter()
        .map(|a| palisade_core::redact::url_credentials(a))
        .collect();
    let list = unpinned
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(super::finding(
        &PIP_INSTALL_UNPINNED,
        path,
        cmd.loc,
        format!("`pip install` of {list} is not pinned; install exact `==` versions or `--require-hashes -r` a hashed requirements file"),
        &cmd.snippet,
        unpinned.join(" "),
    ));
}
