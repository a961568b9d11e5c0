//! `palisade db update`: refresh the advisory data in the cache folder (a git clone/pull of an
//! advisory repository, or an import of an OSV `all.zip`) and rebuild its index there.
//!
//! Layout of the managed folder (`<cache>/advisory-db/`): `repo/` (the git checkout) or
//! `all.zip`, and `palisade-index.bin`, which runs read.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::source::{self, DbError};
use super::{AdvisoryDb, DbMeta};
use crate::audit::MANAGED_INDEX;

/// An update failure.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> UpdateError + '_ {
    move |source| UpdateError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What an update did.
#[derive(Debug)]
pub struct UpdateReport {
    pub index: PathBuf,
    pub meta: DbMeta,
    /// The commit checked out (git updates).
    pub commit: Option<String>,
    pub build_seconds: f64,
}

fn is_local(url: &str) -> bool {
    url.starts_with("file://") || !url.contains("://")
}

/// Clones `url` into `<managed>/repo`, or fetches it and checks out what its HEAD points at,
/// then rebuilds the index. A local path or `file://` URL works like any remote.
pub fn update_from_git(url: &str, managed: &Path) -> Result<UpdateReport, UpdateError> {
    fs::create_dir_all(managed).map_err(io(managed))?;
    let repo_dir = managed.join("repo");
    let mut fetch = git2::FetchOptions::new();
    // Only the newest tree matters; local transports do not support shallow fetches.
    if !is_local(url) {
        fetch.depth(1);
    }
    let repo = match git2::Repository::open(&repo_dir) {
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
            if repo_dir.exists() {
                // Not a repository (an interrupted clone): start again.
                fs::remove_dir_all(&repo_dir).map_err(io(&repo_dir))?;
            }
            git2::build::RepoBuilder::new()
                .fetch_options(fetch)
                .clone(url, &repo_dir)?
        }
    };
    let head = repo.head()?.peel_to_commit()?;
    let commit_time = jiff::Timestamp::from_second(head.time().seconds()).ok();
    let mut report = rebuild(&repo_dir, url, managed, commit_time)?;
    report.commit = Some(head.id().to_string());
    Ok(report)
}

/// Copies an OSV `all.zip` into the managed folder and rebuilds the index from it.
pub fn import_zip(zip: &Path, managed: &Path) -> Result<UpdateReport, UpdateError> {
    fs::create_dir_all(managed).map_err(io(managed))?;
    if source::detect(zip)? != source::SourceKind::Zip {
        return Err(DbError::invalid(zip, "not a zip archive").into());
    }
    let dest = managed.join("all.zip");
    let tmp = managed.join("all.zip.tmp");
    fs::copy(zip, &tmp).map_err(io(&tmp))?;
    fs::rename(&tmp, &dest).map_err(io(&dest))?;
    rebuild(&dest, &zip.display().to_string(), managed, None)
}

/// Builds and writes the index. `fetched_at` (a commit's time) counts as the data's date when
/// it is newer than every record: the data is at least as new as the commit that carried it.
fn rebuild(
    data: &Path,
    shown_source: &str,
    managed: &Path,
    fetched_at: Option<jiff::Timestamp>,
) -> Result<UpdateReport, UpdateError> {
    let start = Instant::now();
    let mut db = AdvisoryDb::build(data)?;
    let meta = db.meta_mut();
    meta.source = shown_source.to_string();
    if let Some(t) = fetched_at {
        if meta.data_timestamp().is_none_or(|d| t > d) {
            meta.data_date = Some(t.to_string());
        }
    }
    let index = managed.join(MANAGED_INDEX);
    db.write_index(&index)?;
    Ok(UpdateReport {
        index,
        meta: db.meta().clone(),
        commit: None,
        build_seconds: start.elapsed().as_secs_f64(),
    })
}
