//! Which files the deps checker reads, by display path alone.

/// The kinds of file the deps checker understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestKind {
    /// `requirements*.txt`, `*requirements.txt`, `constraints*.txt`, `requirements/*.txt`.
    Requirements,
    Pyproject,
    SetupCfg,
    Pipfile,
    PipfileLock,
    PoetryLock,
    UvLock,
    /// `pylock.toml`, `pylock.<name>.toml` (PEP 751).
    Pylock,
    /// `.github/workflows/*.yml`/`.yaml`.
    Workflow,
    /// `action.yml`/`action.yaml` (a composite or Docker action).
    Action,
    /// `Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*`.
    Dockerfile,
    /// `.pre-commit-config.yaml`.
    PreCommit,
    /// A Python file, read for PEP 723 inline script metadata (`# /// script`).
    Script,
}

/// File names of lock files that pin a project's whole environment.
pub fn is_lock_name(base: &str) -> bool {
    matches!(
        base,
        "uv.lock" | "poetry.lock" | "Pipfile.lock" | "pylock.toml"
    ) || is_pylock(base)
}

fn is_pylock(base: &str) -> bool {
    base.strip_prefix("pylock.")
        .and_then(|r| r.strip_suffix(".toml"))
        .is_some_and(|mid| !mid.is_empty() && !mid.contains('.'))
}

impl ManifestKind {
    pub fn of(path: &str) -> Option<ManifestKind> {
        let mut parts = path.rsplit('/');
        let base = parts.next().unwrap_or(path);
        let parent = parts.next().unwrap_or("");
        let grandparent = parts.next().unwrap_or("");
        let lower = base.to_ascii_lowercase();
        if lower.ends_with(".txt")
            && (lower.contains("requirements")
                || lower.contains("constraints")
                || parent.eq_ignore_ascii_case("requirements"))
        {
            return Some(ManifestKind::Requirements);
        }
        Some(match base {
            "pyproject.toml" => ManifestKind::Pyproject,
            "setup.cfg" => ManifestKind::SetupCfg,
            "Pipfile" => ManifestKind::Pipfile,
            "Pipfile.lock" => ManifestKind::PipfileLock,
            "poetry.lock" => ManifestKind::PoetryLock,
            "uv.lock" => ManifestKind::UvLock,
            "pylock.toml" => ManifestKind::Pylock,
            ".pre-commit-config.yaml" | ".pre-commit-config.yml" => ManifestKind::PreCommit,
            "action.yml" | "action.yaml" => ManifestKind::Action,
            _ if is_pylock(base) => ManifestKind::Pylock,
            _ if lower.ends_with(".py") => ManifestKind::Script,
            _ if parent == "workflows"
                && grandparent == ".github"
                && (lower.ends_with(".yml") || lower.ends_with(".yaml")) =>
            {
                ManifestKind::Workflow
            }
            _ if lower == "dockerfile"
                || lower == "containerfile"
                || lower.ends_with(".dockerfile")
                || lower.ends_with(".containerfile")
                || lower.starts_with("dockerfile.")
                || lower.starts_with("containerfile.") =>
            {
                ManifestKind::Dockerfile
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        use ManifestKind::*;
        for (p, k) in [
            ("requirements.txt", Requirements),
            ("a/requirements-dev.txt", Requirements),
            ("dev-requirements.txt", Requirements),
            ("constraints.txt", Requirements),
            ("requirements/base.txt", Requirements),
            ("pyproject.toml", Pyproject),
            ("sub/setup.cfg", SetupCfg),
            ("Pipfile", Pipfile),
            ("Pipfile.lock", PipfileLock),
            ("poetry.lock", PoetryLock),
            ("uv.lock", UvLock),
            ("pylock.toml", Pylock),
            ("pylock.dev.toml", Pylock),
            (".github/workflows/ci.yml", Workflow),
            ("action.yml", Action),
            ("docker/Dockerfile", Dockerfile),
            ("api.Dockerfile", Dockerfile),
            ("Dockerfile.dev", Dockerfile),
            ("Containerfile", Dockerfile),
            (".pre-commit-config.yaml", PreCommit),
            ("src/app.py", Script),
        ] {
            assert_eq!(ManifestKind::of(p), Some(k), "{p}");
        }
        for p in [
            "requirements.in",
            "notes.txt",
            "src/app.pyi",
            "pylock.a.b.toml",
            "workflows/ci.yml",
            "docs/.github/ci.yml",
        ] {
            assert_eq!(ManifestKind::of(p), None, "{p}");
        }
        assert!(is_lock_name("pylock.prod.toml") && !is_lock_name("Pipfile"));
    }
}
