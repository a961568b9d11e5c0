//! `palisade db update`: rebuild the index of the advisory data in the cache folder, from a
//! checkout of an advisory repository (fetched by the binary with `palisade-git`: this crate
//! links no git and no TLS) or from an imported OSV `all.zip`.
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

/// The folder under `managed` that holds the advisory repository's checkout.
pub fn checkout_dir(managed: &Path) -> PathBuf {
    managed.join("repo")
}

/// Rebuilds the index from the checkout in [`checkout_dir`], fetched from `url` at `commit`,
/// whose commit time (seconds) counts as the data's date when it is newer than every record.
pub fn rebuild_from_checkout(
    url: &str,
    managed: &Path,
    commit: &str,
    commit_time: i64,
) -> Result<UpdateReport, UpdateError> {
    let commit_time = jiff::Timestamp::from_second(commit_time).ok();
    let mut report = rebuild(&checkout_dir(managed), url, managed, commit_time)?;
    report.commit = Some(commit.to_string());
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
