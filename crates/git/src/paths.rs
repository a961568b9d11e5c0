//! Git paths are bytes; palisade displays them as UTF-8 and still reads them exactly.

use std::path::{Path, PathBuf};

/// The display form of a repository path: UTF-8, invalid sequences replaced by U+FFFD.
pub(crate) fn display(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The file-system form of a repository path, byte for byte where the platform allows.
#[cfg(unix)]
pub(crate) fn to_fs(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
pub(crate) fn to_fs(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// A repository-relative path as a lookup key for libgit2, or `None` when it cannot name a
/// file of the repository (empty, absolute, `..`, NUL). git2's `Index::get_path` panics on
/// some of these, so every lookup goes through here.
pub(crate) fn repo_relative(path: &str) -> Option<PathBuf> {
    let mut parts = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    if parts.is_empty() || path.starts_with('/') || path.contains('\0') {
        return None;
    }
    Some(parts.iter().collect())
}

/// Whether a byte path from a patch stays inside the folder it is relative to.
pub(crate) fn is_safe_relative(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && !bytes.starts_with(b"/")
        && !bytes.contains(&0)
        && !bytes.split(|&b| b == b'/').any(|c| c == b"..")
        && !Path::new(&display(bytes)).has_root()
}
