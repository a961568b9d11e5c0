//! Build script: records the commit palisade is built from, for `palisade --version`.
//!
//! Sets `PALISADE_VERSION_LONG` to `<version> (<commit> <commit date>)` when the source is a git
//! checkout and git is on PATH; `PALISADE_COMMIT` (e.g. set by a packager building from a
//! tarball) takes precedence; otherwise it is the bare version. A build never fails for want of git.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-env-changed=PALISADE_COMMIT");
    let version = env!("CARGO_PKG_VERSION");
    let commit = std::env::var("PALISADE_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.trim().to_string())
        .or_else(|| {
            let hash = git(&["rev-parse", "--short=12", "HEAD"])?;
            let date = git(&["log", "-1", "--format=%cs", "HEAD"]);
            // Rebuild when HEAD moves: HEAD itself, the branch it names, and packed refs. Only
            // files that exist: cargo would rerun this script on every build for a missing one.
            let watch = |path: PathBuf| {
                if path.exists() {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
            };
            if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
                watch(PathBuf::from(dir).join("HEAD"));
            }
            if let Some(common) = git(&["rev-parse", "--path-format=absolute", "--git-common-dir"])
            {
                let common = PathBuf::from(common);
                watch(common.join("packed-refs"));
                // The branch's folder, not its file: a branch that is only in packed-refs gets
                // a loose file on the next commit.
                if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                    if let Some(folder) = common.join(branch).parent() {
                        watch(folder.to_path_buf());
                    }
                }
            }
            Some(match date {
                Some(date) => format!("{hash} {date}"),
                None => hash,
            })
        });
    let long = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=PALISADE_VERSION_LONG={long}");
}
