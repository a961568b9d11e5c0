//! Keeping a local copy of a remote repository's newest tree: what `palisade db update` uses
//! to fetch advisory data. It lives here, beside palisade's other git access, so the checker
//! crates never link git or a TLS stack.

use std::fs;
use std::path::Path;

/// What [`fetch_head`] checked out.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The commit now checked out.
    pub commit: String,
    /// Its committer time, seconds since the epoch.
    pub time: i64,
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("git: {}", crate::error::message(.0))]
    Git(#[from] git2::Error),
    #[error("{}: {source}", path.display())]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

fn is_local(url: &str) -> bool {
    url.starts_with("file://") || !url.contains("://")
}

/// Clones `url` into `dir`, or fetches it into the clone already there and checks out what
/// its HEAD points at. A local path or `file://` URL works like any remote. HTTPS
/// certificates are verified (the system's CA store; `SSL_CERT_FILE` / `SSL_CERT_DIR`
/// override it).
pub fn fetch_head(url: &str, dir: &Path) -> Result<Fetched, FetchError> {
    let mut fetch = git2::FetchOptions::new();
    // Only the newest tree matters; local transports do not support shallow fetches.
    if !is_local(url) {
        fetch.depth(1);
    }
    let repo = match git2::Repository::open(dir) {
        Ok(repo) => {
            {
                let mut remote = repo.remote_anonymous(url)?;
                remote.fetch(&["+HEAD:refs/palisade/upstream"], Some(&mut fetch), None)?;
            }
            let target = repo
                .find_reference("refs/palisade/upstream")?
                .peel_to_commit()?;
            let mut checkout = git2::build::CheckoutBuilder::new();
            checkout.force().remove_untracked(true);
            repo.checkout_tree(target.as_object(), Some(&mut checkout))?;
            repo.set_head_detached(target.id())?;
            drop(target);
            repo
        }
        Err(_) => {
            if dir.exists() {
                // Not a repository (an interrupted clone): start again.
                fs::remove_dir_all(dir).map_err(|source| FetchError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            git2::build::RepoBuilder::new()
                .fetch_options(fetch)
                .clone(url, dir)?
        }
    };
    let head = repo.head()?.peel_to_commit()?;
    Ok(Fetched {
        commit: head.id().to_string(),
        time: head.time().seconds(),
    })
}
