//! The compact advisory index: one file holding a small JSON header, a package table and one
//! JSON blob per package. Opening it reads the file and the table; a lookup decodes only the
//! blob of the package asked for.
//!
//! Layout: `MAGIC`, u64 LE header length, header JSON ([`DbMeta`]), u64 LE table length,
//! table JSON (`[[name, offset, length], ...]`, offsets into the blob area), then the blobs.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::source::{self, DbError, Loaded, SourceKind};
use super::{match_version, PackageAdvisory, Vulnerability};

pub(crate) const MAGIC: &[u8] = b"PALISADE-OSV-INDEX-3\n";

/// What is known about a loaded database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbMeta {
    /// Where the records came from (a path or URL, for messages).
    pub source: String,
    /// The date of the data: the newest `modified` of any record, or the fetch time recorded
    /// by `palisade db update` when that is newer.
    pub data_date: Option<String>,
    /// When the index was built.
    pub built_at: String,
    /// Fingerprint of the source when the index was built (see `source::fingerprint`).
    pub fingerprint: String,
    pub records: usize,
    pub packages: usize,
    pub withdrawn: usize,
    pub skipped: usize,
    /// The first few skipped records and why.
    pub skipped_examples: Vec<String>,
    pub quirks: usize,
    /// Packages with advisories whose ranges and versions are not PEP 440 (so a pin of such a
    /// package cannot be fully audited), and those advisories' ids.
    #[serde(default)]
    pub unreadable: std::collections::BTreeMap<String, Vec<String>>,
}

impl DbMeta {
    pub fn data_timestamp(&self) -> Option<jiff::Timestamp> {
        self.data_date.as_deref().and_then(source::parse_timestamp)
    }
}

enum Store {
    Memory(HashMap<String, Vec<PackageAdvisory>>),
    Index {
        bytes: Vec<u8>,
        blob_start: usize,
        table: HashMap<String, (usize, usize)>,
    },
}

/// An advisory database ready to be queried.
pub struct AdvisoryDb {
    meta: DbMeta,
    store: Store,
}

impl std::fmt::Debug for AdvisoryDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdvisoryDb")
            .field("meta", &self.meta)
            .finish()
    }
}

impl AdvisoryDb {
    /// Builds a database from records already loaded.
    pub fn from_loaded(loaded: Loaded, source: String, fingerprint: String) -> AdvisoryDb {
        let meta = DbMeta {
            source,
            data_date: loaded.newest_modified.map(|t| t.to_string()),
            built_at: jiff::Timestamp::now().to_string(),
            fingerprint,
            records: loaded.records,
            packages: loaded.packages.len(),
            withdrawn: loaded.withdrawn,
            skipped: loaded.skipped_count,
            skipped_examples: loaded.skipped,
            quirks: loaded.quirks,
            unreadable: loaded.unreadable,
        };
        AdvisoryDb {
            meta,
            store: Store::Memory(loaded.packages),
        }
    }

    /// Reads a source (folder or zip) into memory, without any cache.
    pub fn build(path: &Path) -> Result<AdvisoryDb, DbError> {
        let kind = source::detect(path)?;
        let fingerprint = source::fingerprint(path)?;
        let loaded = match kind {
            SourceKind::Folder => source::load_folder(path)?,
            SourceKind::Zip => source::load_zip(path)?,
            SourceKind::Index => return AdvisoryDb::open_index(path),
        };
        Ok(AdvisoryDb::from_loaded(
            loaded,
            path.display().to_string(),
            fingerprint,
        ))
    }

    /// Opens any source. A palisade index is read directly; a folder or zip is served from a
    /// cached index in `cache_dir` when its fingerprint still matches, else built and cached.
    /// Returns the database and whether it was (re)built.
    pub fn open(path: &Path, cache_dir: Option<&Path>) -> Result<(AdvisoryDb, bool), DbError> {
        if source::detect(path)? == SourceKind::Index {
            return Ok((AdvisoryDb::open_index(path)?, false));
        }
        let Some(cache_dir) = cache_dir else {
            return Ok((AdvisoryDb::build(path)?, true));
        };
        let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let cache = cache_file_for(cache_dir, &canonical);
        let fingerprint = source::fingerprint(path)?;
        if let Ok(db) = AdvisoryDb::open_index(&cache) {
            if db.meta.fingerprint == fingerprint {
                return Ok((db, false));
            }
        }
        let db = AdvisoryDb::build(path)?;
        // A cache that cannot be written only costs the next run a rebuild.
        let _ = db.write_index(&cache);
        Ok((db, true))
    }

    /// Reads a palisade index file.
    pub fn open_index(path: &Path) -> Result<AdvisoryDb, DbError> {
        let bytes = fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                DbError::NotFound(path.to_path_buf())
            } else {
                DbError::io(path, e)
            }
        })?;
        let bad = |why: &str| DbError::invalid(path, format!("corrupt index: {why}"));
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| bad("wrong header"))?;
        let (meta_bytes, rest) = take_section(rest).ok_or_else(|| bad("truncated header"))?;
        let (table_bytes, blobs) = take_section(rest).ok_or_else(|| bad("truncated table"))?;
        let meta: DbMeta = serde_json::from_slice(meta_bytes).map_err(|e| bad(&e.to_string()))?;
        let rows: Vec<(String, usize, usize)> =
            serde_json::from_slice(table_bytes).map_err(|e| bad(&e.to_string()))?;
        let mut table = HashMap::with_capacity(rows.len());
        for (name, off, len) in rows {
            if off.checked_add(len).is_none_or(|end| end > blobs.len()) {
                return Err(bad("a package entry points past the end"));
            }
            table.insert(name, (off, len));
        }
        let blob_start = bytes.len() - blobs.len();
        Ok(AdvisoryDb {
            meta,
            store: Store::Index {
                bytes,
                blob_start,
                table,
            },
        })
    }

    /// Writes the database as an index file (atomically: a temporary file, then a rename).
    pub fn write_index(&self, path: &Path) -> Result<(), DbError> {
        let mut names: Vec<&String> = match &self.store {
            Store::Memory(m) => m.keys().collect(),
            Store::Index { table, .. } => table.keys().collect(),
        };
        names.sort();
        let mut blobs = Vec::new();
        let mut rows = Vec::with_capacity(names.len());
        for name in names {
            let advs = self.advisories(name)?;
            let start = blobs.len();
            serde_json::to_writer(&mut blobs, &advs)
                .map_err(|e| DbError::invalid(path, e.to_string()))?;
            rows.push((name.clone(), start, blobs.len() - start));
        }
        let meta =
            serde_json::to_vec(&self.meta).map_err(|e| DbError::invalid(path, e.to_string()))?;
        let table = serde_json::to_vec(&rows).map_err(|e| DbError::invalid(path, e.to_string()))?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| DbError::io(dir, e))?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = std::io::BufWriter::new(fs::File::create(&tmp)?);
            f.write_all(MAGIC)?;
            f.write_all(&(meta.len() as u64).to_le_bytes())?;
            f.write_all(&meta)?;
            f.write_all(&(table.len() as u64).to_le_bytes())?;
            f.write_all(&table)?;
            f.write_all(&blobs)?;
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            fs::rename(&tmp, path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            DbError::io(path, e)
        })
    }

    pub fn meta(&self) -> &DbMeta {
        &self.meta
    }

    pub fn meta_mut(&mut self) -> &mut DbMeta {
        &mut self.meta
    }

    /// Every package name (normalised) the database has advisories for, sorted.
    pub fn package_names(&self) -> Vec<String> {
        let mut names: Vec<String> = match &self.store {
            Store::Memory(m) => m.keys().cloned().collect(),
            Store::Index { table, .. } => table.keys().cloned().collect(),
        };
        names.sort();
        names
    }

    /// The advisories of one package (by any spelling of its name).
    pub fn advisories(&self, name: &str) -> Result<Vec<PackageAdvisory>, DbError> {
        let key = crate::manifest::normalize_name(name);
        match &self.store {
            Store::Memory(m) => Ok(m.get(&key).cloned().unwrap_or_default()),
            Store::Index {
                bytes,
                blob_start,
                table,
            } => match table.get(&key) {
                None => Ok(Vec::new()),
                Some(&(off, len)) => {
                    let start = blob_start + off;
                    serde_json::from_slice(&bytes[start..start + len]).map_err(|e| {
                        DbError::invalid(
                            Path::new(&self.meta.source),
                            format!("corrupt index entry for `{key}`: {e}"),
                        )
                    })
                }
            },
        }
    }

    /// The known vulnerabilities of `name` at `version`, aliases merged.
    pub fn query(
        &self,
        name: &str,
        version: &pep440_rs::Version,
    ) -> Result<Vec<Vulnerability>, DbError> {
        Ok(match_version(&self.advisories(name)?, version))
    }
}

fn take_section(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?) as usize;
    let rest = &bytes[8..];
    (len <= rest.len()).then(|| rest.split_at(len))
}

/// Where the cached index of a source lives.
pub fn cache_file_for(cache_dir: &Path, canonical_source: &Path) -> PathBuf {
    let h = source::fnv(canonical_source.to_string_lossy().as_bytes());
    cache_dir.join(format!("osv-index-{h:016x}.bin"))
}
