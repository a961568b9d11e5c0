//! Which files the deps checker reads, by display path alone.

/// The kinds of file the deps checker understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestKind {
    /// `requirements*.txt`, `*requirements.txt`, `constraints*.txt`, `requirements/*.txt`.
    Requirements,
}

impl ManifestKind {
    pub fn of(path: &str) -> Option<ManifestKind> {
        let mut parts = path.rsplit('/');
        let base = parts.next().unwrap_or(path);
        let parent = parts.next().unwrap_or("");
        let lower = base.to_ascii_lowercase();
        if lower.ends_with(".txt")
            && (lower.contains("requirements")
                || lower.contains("constraints")
                || parent.eq_ignore_ascii_case("requirements"))
        {
            return Some(ManifestKind::Requirements);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_names() {
        for p in [
            "requirements.txt",
            "a/requirements-dev.txt",
            "dev-requirements.txt",
            "constraints.txt",
            "requirements/base.txt",
        ] {
            assert_eq!(ManifestKind::of(p), Some(ManifestKind::Requirements), "{p}");
        }
        for p in ["requirements.in", "notes.txt", "src/app.py"] {
            assert_eq!(ManifestKind::of(p), None, "{p}");
        }
    }
}
