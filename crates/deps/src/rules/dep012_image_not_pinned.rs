use palisade_core::{declare_rule, CheckerKind, Confidence, Finding, Severity};

use crate::manifest::ci::From;

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile/Containerfile `FROM` whose image is not pinned by digest
    /// (`@sha256:<64 hex>`). `scratch`, earlier build stages (`FROM build`), and images that
    /// come from an `ARG` without a default are not reported. `ARG` defaults declared before the
    /// first `FROM` are substituted first.
    ///
    /// ## Why is this bad?
    /// A tag such as `python:3.12-slim` is re-pointed every time the image is rebuilt, so the
    /// same Dockerfile builds on different bases from day to day, and a compromised registry
    /// account or mirror can serve anything under the tag. A digest names one image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim                       # error
    /// FROM python:3.12-slim@sha256:<64 hex>       # OK (keep the tag for readers)
    /// FROM build AS final                         # OK: an earlier stage
    /// ```
    ///
    /// ## References
    /// - https://docs.docker.com/reference/dockerfile/#from
    /// - https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies
    pub static IMAGE_NOT_PINNED = {
        id: "DEP012", name: "image-not-pinned-by-digest", checker: CheckerKind::Deps,
        severity: Severity::Medium, confidence: Confidence::High, cwe: Some(829),
        summary: "A container base image is not pinned by digest.",
    };
}

/// Whether an image reference carries a sha256 digest.
pub fn has_digest(image: &str) -> bool {
    image
        .rsplit_once("@sha256:")
        .is_some_and(|(_, d)| d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `stages` are the names of the stages defined so far.
pub fn check(path: &str, from: &From, stages: &[String], out: &mut Vec<Finding>) {
    let image = from.image.as_str();
    if image.eq_ignore_ascii_case("scratch")
        || stages.iter().any(|s| s.eq_ignore_ascii_case(image))
        || image.contains('$')
        || has_digest(image)
    {
        return;
    }
    let name = image.split('@').next().unwrap_or(image);
    out.push(super::finding(
        &IMAGE_NOT_PINNED,
        path,
        from.loc,
        format!("base image `{image}` is not pinned by digest; use `{name}@sha256:...`"),
        &from.snippet,
        name.split(':').next().unwrap_or(name).to_string(),
    ));
}
