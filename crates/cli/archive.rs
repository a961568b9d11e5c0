//! Archives in the tree (zip and its kin, tar, gzip) are opened and their members looked into
//! for secrets, as `archive.zip!path/in/archive` (gitleaks' notation). Inflation is bounded
//! while it happens — total size, ratio to the archive's size, member count, nesting depth —
//! so a zip bomb costs at most the limits; whatever a limit stops is said.

use std::io::Read;

/// Which archive a path names, by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Zip,
    Tar,
    TarGz,
    Gz,
}

pub fn kind(path: &str) -> Option<Kind> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        Some(Kind::TarGz)
    } else if name.ends_with(".tar") {
        Some(Kind::Tar)
    } else if name.ends_with(".gz") {
        Some(Kind::Gz)
    } else if [".zip", ".whl", ".egg", ".jar", ".war", ".nupkg"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        Some(Kind::Zip)
    } else {
        None
    }
}

/// How far an archive is opened.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Archives inside archives are opened this deep (1: only the archive itself).
    pub depth: u32,
    /// Bytes inflated from one archive, all members and nesting levels together.
    pub total: u64,
    /// Inflated bytes per byte of the archive file, beyond `slack`.
    pub ratio: u64,
    pub slack: u64,
    /// Members read from one archive.
    pub members: usize,
    /// A larger member is not read.
    pub member: u64,
}

impl Limits {
    pub fn new(member: u64) -> Limits {
        Limits {
            depth: 3,
            total: 256 << 20,
            ratio: 100,
            slack: 1 << 20,
            members: 10_000,
            member,
        }
    }
}

/// One member read whole.
pub struct Member {
    /// `archive!member` (nested: `a.zip!b.tar.gz!c.txt`).
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What opening an archive gave: its members, and what was not read (said in the report).
#[derive(Default)]
pub struct Opened {
    pub members: Vec<Member>,
    pub not_read: Vec<String>,
}

struct Budget {
    left: u64,
    members_left: usize,
    exhausted: bool,
}

/// Opens the archive `path` (its bytes `bytes`) within `limits`.
pub fn open(path: &str, bytes: &[u8], limits: &Limits) -> Opened {
    let cap = (bytes.len() as u64)
        .saturating_mul(limits.ratio)
        .saturating_add(limits.slack)
        .min(limits.total);
    let mut budget = Budget {
        left: cap,
        members_left: limits.members,
        exhausted: false,
    };
    let mut out = Opened::default();
    let Some(k) = kind(path) else {
        return out;
    };
    open_into(path, k, bytes, limits, 1, &mut budget, &mut out);
    if budget.exhausted {
        out.not_read.push(format!(
            "the rest of the archive: it inflates past {} (at most {}x its size, {} in all, {} members)",
            human(cap),
            limits.ratio,
            human(limits.total),
            limits.members
        ));
    }
    out
}

fn human(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{} MiB", n >> 20)
    } else {
        format!("{n} bytes")
    }
}

/// Reads at most `max` bytes of `r` within the budget; `None` when a limit stopped it.
fn take(r: &mut dyn Read, max: u64, budget: &mut Budget) -> std::io::Result<Option<Vec<u8>>> {
    let allowed = max.min(budget.left);
    let mut buf = Vec::new();
    r.take(allowed + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > allowed {
        if allowed == budget.left {
            budget.exhausted = true;
        }
        budget.left = budget.left.saturating_sub(allowed);
        return Ok(None);
    }
    budget.left -= buf.len() as u64;
    Ok(Some(buf))
}

fn open_into(
    path: &str,
    kind: Kind,
    bytes: &[u8],
    limits: &Limits,
    depth: u32,
    budget: &mut Budget,
    out: &mut Opened,
) {
    // One member: read within the limits, then opened if it is an archive itself.
    let member = |name: String, r: &mut dyn Read, out: &mut Opened, budget: &mut Budget| {
        let inner = format!("{path}!{name}");
        let data = match take(r, limits.member, budget) {
            Ok(Some(data)) => data,
            Ok(None) if !budget.exhausted => {
                out.not_read
                    .push(format!("{inner}: larger than {} bytes", limits.member));
                return;
            }
            Ok(None) => return,
            Err(e) => {
                out.not_read.push(format!("{inner}: {e}"));
                return;
            }
        };
        match self::kind(&name) {
            Some(k) if depth < limits.depth => {
                open_into(&inner, k, &data, limits, depth + 1, budget, out)
            }
            Some(_) => out.not_read.push(format!(
                "{inner}: an archive nested deeper than {}",
                limits.depth
            )),
            None => out.members.push(Member {
                path: inner,
                bytes: data,
            }),
        }
    };
    // Whether another member may be read.
    let next = |budget: &mut Budget| {
        if budget.members_left == 0 {
            budget.exhausted = true;
        }
        if budget.exhausted {
            return false;
        }
        budget.members_left -= 1;
        true
    };
    let result: Result<(), String> = (|| {
        match kind {
            Kind::Zip => {
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
                    .map_err(|e| format!("not a readable zip archive ({e})"))?;
                for i in 0..zip.len() {
                    if !next(budget) {
                        break;
                    }
                    let mut entry = zip.by_index(i).map_err(|e| e.to_string())?;
                    if entry.is_file() {
                        let name = entry.name().to_string();
                        member(name, &mut entry, out, budget);
                    }
                }
            }
            Kind::Tar | Kind::TarGz => {
                let reader: Box<dyn Read> = if kind == Kind::TarGz {
                    Box::new(flate2::read::GzDecoder::new(bytes))
                } else {
                    Box::new(bytes)
                };
                let mut tar = tar::Archive::new(reader);
                let entries = tar
                    .entries()
                    .map_err(|e| format!("not a readable tar archive ({e})"))?;
                for entry in entries {
                    if !next(budget) {
                        break;
                    }
                    let mut entry = entry.map_err(|e| format!("a broken tar entry ({e})"))?;
                    if entry.header().entry_type() == tar::EntryType::Regular {
                        let name = entry
                            .path()
                            .map(|p| p.to_string_lossy().into_owned())
                            .unwrap_or_else(|_| "(unnamed)".into());
                        member(name, &mut entry, out, budget);
                    }
                }
            }
            Kind::Gz => {
                let name = path
                    .rsplit(['/', '!'])
                    .next()
                    .unwrap_or(path)
                    .trim_end_matches(".gz")
                    .to_string();
                let mut gz = flate2::read::GzDecoder::new(bytes);
                if next(budget) {
                    member(name, &mut gz, out, budget);
                }
            }
        }
        Ok(())
    })();
    if let Err(why) = result {
        out.not_read.push(format!("{path}: {why}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use palisade_testkit::archive::{tar_gz_of, zip_of};

    #[test]
    fn members_and_nested_archives_are_read() {
        let inner = tar_gz_of(&[("conf/app.env", b"TOKEN=x\n")]);
        let outer = zip_of(&[("readme.txt", b"hello\n"), ("bundle.tar.gz", &inner)]);
        let opened = open("dist/app.zip", &outer, &Limits::new(1 << 20));
        let paths: Vec<&str> = opened.members.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "dist/app.zip!readme.txt",
                "dist/app.zip!bundle.tar.gz!conf/app.env"
            ]
        );
        assert!(opened.not_read.is_empty(), "{:?}", opened.not_read);
    }

    #[test]
    fn a_bomb_stops_at_the_ratio_and_says_so() {
        let zeros = vec![0u8; 50 << 20];
        let bomb = zip_of(&[("a.bin", &zeros), ("b.txt", b"after\n")]);
        assert!(bomb.len() < 1 << 20);
        let opened = open("bomb.zip", &bomb, &Limits::new(64 << 20));
        assert!(opened.members.iter().all(|m| m.bytes.len() < 50 << 20));
        assert!(
            opened.not_read.iter().any(|m| m.contains("inflates past")),
            "{:?}",
            opened.not_read
        );
    }

    #[test]
    fn nesting_is_bounded_and_broken_archives_are_said() {
        let mut data = zip_of(&[("x.txt", b"x\n")]);
        for _ in 0..4 {
            data = zip_of(&[("n.zip", &data)]);
        }
        let opened = open("deep.zip", &data, &Limits::new(1 << 20));
        assert!(opened.members.is_empty());
        assert!(opened.not_read.iter().any(|m| m.contains("nested deeper")));
        let broken = open(
            "broken.zip",
            b"PK\x03\x04 not really",
            &Limits::new(1 << 20),
        );
        assert!(
            broken.not_read[0].contains("not a readable zip"),
            "{:?}",
            broken.not_read
        );
    }
}
