//! Reading OSV records from the three supported sources: a PyPA advisory-database checkout
//! (YAML under `vulns/`), a folder of OSV JSON files, or OSV's `PyPI/all.zip` export.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::osv::{Record, Skip};
use super::PackageAdvisory;

/// An error that stops the database from loading at all.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("advisory database `{0}` does not exist")]
    NotFound(PathBuf),
    #[error("cannot read advisory database `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("advisory database `{path}` is not usable: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

impl DbError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        DbError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
    pub(crate) fn invalid(path: &Path, reason: impl Into<String>) -> Self {
        DbError::Invalid {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// What loading a source produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub packages: HashMap<String, Vec<PackageAdvisory>>,
    pub records: usize,
    pub withdrawn: usize,
    /// Records that could not be read (file and reason), capped to the first few.
    pub skipped: Vec<String>,
    pub skipped_count: usize,
    /// Parts of records that were ignored (empty events, legacy version strings...).
    pub quirks: usize,
    /// The newest `modified` timestamp of any record.
    pub newest_modified: Option<jiff::Timestamp>,
    /// Packages with advisories that could not be evaluated, and those advisories' ids.
    pub unreadable: std::collections::BTreeMap<String, Vec<String>>,
}

impl Loaded {
    fn absorb(&mut self, name: &str, bytes: &[u8], json: bool) {
        let parsed: Result<Record, String> = if json {
            serde_json::from_slice(bytes).map_err(|e| e.to_string())
        } else {
            // Deep flow nesting makes the YAML parser quadratic: refused in one linear pass.
            std::str::from_utf8(bytes)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    palisade_core::nesting::check_yaml_flow_depth(
                        t,
                        palisade_core::nesting::MAX_YAML_DEPTH,
                    )
                    .map_err(|e| e.to_string())
                })
                .and_then(|()| serde_yaml::from_slice(bytes).map_err(|e| e.to_string()))
        };
        let record = match parsed {
            Ok(r) => r,
            Err(e) => {
                self.skip(format!("{name}: {e}"));
                return;
            }
        };
        let modified = record.modified.as_ref().and_then(|m| parse_timestamp(&m.0));
        let record_id = record.id.as_ref().map(|t| t.0.clone());
        match record.into_packages(&mut self.quirks) {
            Ok(entries) => {
                self.records += 1;
                if let Some(ts) = modified {
                    if newer(self.newest_modified, ts) {
                        self.newest_modified = Some(ts);
                    }
                }
                for (pkg, adv) in entries {
                    self.packages.entry(pkg).or_default().push(adv);
                }
            }
            Err(Skip::Withdrawn) => {
                // A withdrawal is news too: it counts towards the data's date.
                self.withdrawn += 1;
                if let Some(ts) = modified {
                    if newer(self.newest_modified, ts) {
                        self.newest_modified = Some(ts);
                    }
                }
            }
            Err(Skip::NotPyPI) => {}
            Err(Skip::Unsupported(why)) => self.skip(format!("{name}: {why}")),
            Err(Skip::Unreadable(packages)) => {
                let id = record_id.unwrap_or_else(|| name.to_string());
                self.skip(format!("{name}: no PEP 440 range or version it could use"));
                for p in packages {
                    self.unreadable.entry(p).or_default().push(id.clone());
                }
            }
        }
    }

    fn skip(&mut self, msg: String) {
        self.skipped_count += 1;
        if self.skipped.len() < 20 {
            self.skipped.push(msg);
        }
    }

    fn merge(&mut self, other: Loaded) {
        for (k, mut v) in other.packages {
            self.packages.entry(k).or_default().append(&mut v);
        }
        self.records += other.records;
        self.withdrawn += other.withdrawn;
        self.skipped_count += other.skipped_count;
        for s in other.skipped {
            if self.skipped.len() < 20 {
                self.skipped.push(s);
            }
        }
        self.quirks += other.quirks;
        for (k, mut v) in other.unreadable {
            self.unreadable.entry(k).or_default().append(&mut v);
        }
        if let Some(t) = other.newest_modified {
            if newer(self.newest_modified, t) {
                self.newest_modified = Some(t);
            }
        }
    }

    /// Sorts each package's advisories by id so the index is deterministic.
    fn finish(mut self) -> Self {
        for v in self.packages.values_mut() {
            v.sort_by(|a, b| a.id.cmp(&b.id));
        }
        for v in self.unreadable.values_mut() {
            v.sort();
        }
        self
    }
}

fn newer(current: Option<jiff::Timestamp>, candidate: jiff::Timestamp) -> bool {
    match current {
        Some(c) => candidate > c,
        None => true,
    }
}

/// Parses an RFC 3339 timestamp, also the `2021-01-01 00:00:00+00:00` form YAML emitters use.
pub fn parse_timestamp(s: &str) -> Option<jiff::Timestamp> {
    let s = s.trim();
    s.parse::<jiff::Timestamp>()
        .ok()
        .or_else(|| s.replacen(' ', "T", 1).parse().ok())
        .or_else(|| {
            s.get(..10)
                .and_then(|d| d.parse::<jiff::civil::Date>().ok())
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp())
        })
}

/// The kinds of source a path can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A folder of OSV files (a PyPA checkout or any folder of `.yaml`/`.json` records).
    Folder,
    Zip,
    /// An index file written by palisade.
    Index,
}

/// Detects what `path` holds.
pub fn detect(path: &Path) -> Result<SourceKind, DbError> {
    let meta = fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            DbError::NotFound(path.to_path_buf())
        } else {
            DbError::io(path, e)
        }
    })?;
    if meta.is_dir() {
        return Ok(SourceKind::Folder);
    }
    if !meta.is_file() {
        // A FIFO would block the open, a device (`/dev/zero`) never end.
        return Err(DbError::invalid(
            path,
            "not a regular file or a folder; not read",
        ));
    }
    let mut head = [0u8; 32];
    let n = fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| DbError::io(path, e))?;
    let head = &head[..n];
    if head.starts_with(super::index::MAGIC) {
        Ok(SourceKind::Index)
    } else if head.starts_with(b"PK\x03\x04") {
        Ok(SourceKind::Zip)
    } else {
        Err(DbError::invalid(
            path,
            "expected a folder of OSV records, an OSV all.zip, or a palisade index",
        ))
    }
}

/// The files of a folder source: `vulns/` when the folder is a PyPA checkout, else the whole
/// folder; hidden entries (`.git`) are skipped.
fn record_files(root: &Path) -> Result<Vec<PathBuf>, DbError> {
    let base = if root.join("vulns").is_dir() {
        root.join("vulns")
    } else {
        root.to_path_buf()
    };
    let mut out = Vec::new();
    let mut stack = vec![base];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| DbError::io(&dir, e))?;
        for e in entries {
            let e = e.map_err(|e| DbError::io(&dir, e))?;
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let p = e.path();
            let ft = e.file_type().map_err(|err| DbError::io(&p, err))?;
            if ft.is_dir() {
                stack.push(p);
            } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A cheap summary of a folder or file that changes when its records change: used to tell
/// whether a cached index is still current.
pub fn fingerprint(path: &Path) -> Result<String, DbError> {
    let meta = fs::metadata(path).map_err(|e| DbError::io(path, e))?;
    let mtime = |m: &fs::Metadata| {
        m.modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    };
    if !meta.is_dir() {
        return Ok(format!("file:{}:{}", meta.len(), mtime(&meta)));
    }
    let files = record_files(path)?;
    let mut size = 0u64;
    let mut newest = 0u128;
    let mut hash = 0u64;
    for f in &files {
        let m = fs::metadata(f).map_err(|e| DbError::io(f, e))?;
        size += m.len();
        newest = newest.max(mtime(&m));
        // Order-independent mix of the names, so a rename is noticed too.
        hash ^= fnv(f.to_string_lossy().as_bytes()).wrapping_mul(m.len() | 1);
    }
    Ok(format!("dir:{}:{size}:{newest}:{hash:x}", files.len()))
}

pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Reads every record of a folder, in parallel over the available cores.
pub fn load_folder(root: &Path) -> Result<Loaded, DbError> {
    let files = record_files(root)?;
    if files.is_empty() {
        return Err(DbError::invalid(
            root,
            "no OSV records (.yaml or .json) found",
        ));
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = files.len().div_ceil(threads);
    let parts: Vec<Result<Loaded, DbError>> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk.max(1))
            .map(|part| {
                s.spawn(move || {
                    let mut loaded = Loaded::default();
                    for f in part {
                        let shown = f.strip_prefix(root).unwrap_or(f).display().to_string();
                        let Some(bytes) = read_record(f, &shown, &mut loaded)? else {
                            continue;
                        };
                        let json = f.extension().is_some_and(|e| e == "json");
                        loaded.absorb(&shown, &bytes, json);
                    }
                    Ok(loaded)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(DbError::invalid(root, "a loader thread panicked")))
            })
            .collect()
    });
    let mut all = Loaded::default();
    for p in parts {
        all.merge(p?);
    }
    Ok(all.finish())
}

/// Reads one record file of a folder source: only a regular file (a FIFO or device named
/// like a record is skipped, not waited on) of at most [`MAX_RECORD_BYTES`].
fn read_record(f: &Path, shown: &str, loaded: &mut Loaded) -> Result<Option<Vec<u8>>, DbError> {
    let meta = fs::metadata(f).map_err(|e| DbError::io(f, e))?;
    if !meta.is_file() {
        loaded.skip(format!("{shown}: not a regular file; not read"));
        return Ok(None);
    }
    if meta.len() > MAX_RECORD_BYTES {
        loaded.skip(format!(
            "{shown}: larger than {} MiB, more than any advisory record; not read",
            MAX_RECORD_BYTES >> 20
        ));
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    fs::File::open(f)
        .and_then(|file| file.take(MAX_RECORD_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| DbError::io(f, e))?;
    if bytes.len() as u64 > MAX_RECORD_BYTES {
        loaded.skip(format!(
            "{shown}: grew past {} MiB while read; not used",
            MAX_RECORD_BYTES >> 20
        ));
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// Reads every `.json` record of an OSV `all.zip`.
pub fn load_zip(path: &Path) -> Result<Loaded, DbError> {
    let file = fs::File::open(path).map_err(|e| DbError::io(path, e))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| DbError::invalid(path, e.to_string()))?;
    let mut loaded = Loaded::default();
    let mut buf = Vec::new();
    let mut inflated = 0u64;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                loaded.skip(format!("entry {i}: {e}"));
                continue;
            }
        };
        if !entry.is_file() || !entry.name().ends_with(".json") {
            continue;
        }
        let name = entry.name().to_string();
        let packed = entry.compressed_size();
        buf.clear();
        match inflate(&mut entry, packed, &mut buf, &mut inflated) {
            Ok(()) => {}
            Err(Inflate::Read(e)) => {
                loaded.skip(format!("{name}: {e}"));
                continue;
            }
            Err(Inflate::Bomb(why)) => {
                return Err(DbError::invalid(path, format!("`{name}` {why}")));
            }
        }
        loaded.absorb(&name, &buf, true);
    }
    if loaded.records == 0 && loaded.withdrawn == 0 {
        return Err(DbError::invalid(
            path,
            "the archive holds no PyPI OSV records",
        ));
    }
    Ok(loaded.finish())
}

/// The most one OSV record may inflate to (real ones are a few KB).
const MAX_RECORD_BYTES: u64 = 16 << 20;
/// The most a whole archive may inflate to (OSV's PyPI export inflates to a few hundred MB).
const MAX_ARCHIVE_BYTES: u64 = 2 << 30;
/// The most a record may inflate per compressed byte, once past [`RATIO_FROM`] bytes (JSON
/// deflates about 10:1; deflate's own ceiling, reached by zip bombs, is about 1000:1).
const MAX_RATIO: u64 = 100;
const RATIO_FROM: u64 = 1 << 20;

enum Inflate {
    Read(std::io::Error),
    Bomb(String),
}

/// Reads one archive entry into `buf`, checking while inflating (the sizes an archive
/// declares can lie) that neither the record, nor the archive so far (`total`), nor the
/// record's ratio to its compressed size passes its limit.
fn inflate(
    entry: &mut impl Read,
    packed: u64,
    buf: &mut Vec<u8>,
    total: &mut u64,
) -> Result<(), Inflate> {
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let n = match entry.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Inflate::Read(e)),
        };
        buf.extend_from_slice(&chunk[..n]);
        *total += n as u64;
        let size = buf.len() as u64;
        if size > MAX_RECORD_BYTES {
            return Err(Inflate::Bomb(format!(
                "inflates past {} MiB, more than any advisory record: the archive was not used",
                MAX_RECORD_BYTES >> 20
            )));
        }
        if size > RATIO_FROM && size > packed.saturating_mul(MAX_RATIO) {
            return Err(Inflate::Bomb(format!(
                "inflates more than {MAX_RATIO} times its compressed size (a zip bomb?): the archive was not used"
            )));
        }
        if *total > MAX_ARCHIVE_BYTES {
            return Err(Inflate::Bomb(format!(
                "takes the archive past {} GiB inflated: the archive was not used",
                MAX_ARCHIVE_BYTES >> 30
            )));
        }
    }
}
