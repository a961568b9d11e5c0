//! Reading a selected file once: only regular files, within the size limit, decoded to text.
//! Everything that stops a file from being read whole becomes a [`Gap`] the report states.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use palisade_core::write::file_kind;
use palisade_core::Gap;

/// Bytes sniffed for a NUL to call a file binary, as git does.
pub const SNIFF: usize = 8192;

/// What reading one file gave.
pub enum Content {
    /// The file's text as UTF-8 bytes (UTF-16/32 with a BOM decoded).
    Text(Vec<u8>),
    /// Over the size limit: an open handle to stream from (or the bytes of a git blob).
    TooLarge(Option<File>, Vec<u8>),
    /// Not read, and why.
    Gap(Gap, String),
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory (vanished?)".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Opens `path` only if it is a regular file (after symlinks, which selection has already
/// confined to the root): a FIFO would block and a device never end.
pub fn open_regular(path: &Path) -> Result<(File, u64), (Gap, String)> {
    let meta = std::fs::metadata(path)
        .map_err(|e| (Gap::Unreadable, format!("cannot read: {}", io_reason(&e))))?;
    if !meta.is_file() {
        return Err((
            Gap::NotRegularFile,
            format!("not checked: {}, not a regular file", file_kind(&meta)),
        ));
    }
    // O_NONBLOCK would be needed to open a FIFO safely; the check above keeps us from trying.
    let file = File::open(path)
        .map_err(|e| (Gap::Unreadable, format!("cannot read: {}", io_reason(&e))))?;
    // The file may have been swapped between the two calls; check what was opened.
    let meta = file
        .metadata()
        .map_err(|e| (Gap::Unreadable, format!("cannot read: {}", io_reason(&e))))?;
    if !meta.is_file() {
        return Err((
            Gap::NotRegularFile,
            format!("not checked: {}, not a regular file", file_kind(&meta)),
        ));
    }
    Ok((file, meta.len()))
}

/// Reads a file from disk unless it is larger than `limit`.
pub fn read_disk(path: &Path, limit: u64) -> Content {
    let (mut file, len) = match open_regular(path) {
        Ok(f) => f,
        Err((g, m)) => return Content::Gap(g, m),
    };
    if len > limit {
        return Content::TooLarge(Some(file), Vec::new());
    }
    let bytes = match read_bounded(&mut file, len, limit) {
        Ok(b) => b,
        Err(e) => return Content::Gap(Gap::Unreadable, format!("cannot read: {}", io_reason(&e))),
    };
    if bytes.len() as u64 > limit {
        return Content::Gap(
            Gap::TooLarge,
            format!("not checked: grew past {limit} bytes while being read"),
        );
    }
    decode(bytes)
}

/// Reads a file whose size was `len` (at most `limit`) and at most `limit + 1` bytes of it,
/// however it changes meanwhile. The size is known, so its bytes come in one `read` (then one
/// that finds the end), as `std::fs::read` does: `read_to_end` without a size hint reads in
/// 8 KiB chunks, doubling, and that cost the corpus run (8,300 files) 3,000 more system calls.
fn read_bounded(file: &mut File, len: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; len as usize];
    let mut filled = 0;
    while filled < bytes.len() {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    // Shrunk, or read whole: what follows (nothing, unless it grew) is bounded too.
    file.take((limit + 1).saturating_sub(filled as u64))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Text in memory (a git blob): decoded like a file.
pub fn decode(bytes: Vec<u8>) -> Content {
    match decode_text(bytes) {
        Ok(b) => Content::Text(b),
        Err(m) => Content::Gap(Gap::Binary, m),
    }
}

/// UTF-8 bytes for the checkers: UTF-32 and UTF-16 with a byte-order mark are decoded (their
/// NUL bytes would otherwise make them look binary); other text with a NUL in the first 8 KiB
/// is binary.
pub fn decode_text(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let b = &bytes[..];
    let utf32 = if b.starts_with(&[0xFF, 0xFE, 0, 0]) {
        Some(false)
    } else if b.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Some(true)
    } else {
        None
    };
    if let Some(big) = utf32 {
        let mut out = String::with_capacity(b.len() / 4);
        for c in b[4..].chunks(4) {
            let unit = if c.len() < 4 {
                0xFFFD
            } else if big {
                u32::from_be_bytes([c[0], c[1], c[2], c[3]])
            } else {
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            };
            out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
        }
        return Ok(out.into_bytes());
    }
    if b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF]) {
        let big = b[0] == 0xFE;
        let units = b[2..].chunks(2).map(|c| {
            if c.len() < 2 {
                0xFFFD
            } else if big {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        let out: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect();
        return Ok(out.into_bytes());
    }
    if memchr_nul(&b[..b.len().min(SNIFF)]) {
        return Err("not checked: binary file (a NUL byte in its first 8 KiB)".into());
    }
    Ok(bytes)
}

fn memchr_nul(b: &[u8]) -> bool {
    b.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf32_with_bom_are_text() {
        let text = "password = \"x\"\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_text(le).unwrap(), text.as_bytes());
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode_text(be).unwrap(), text.as_bytes());
        let mut u32le = vec![0xFF, 0xFE, 0, 0];
        u32le.extend(text.chars().flat_map(|c| (c as u32).to_le_bytes()));
        assert_eq!(decode_text(u32le).unwrap(), text.as_bytes());
        assert!(decode_text(b"a\0b".to_vec()).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p");
        let ok = std::process::Command::new("mkfifo").arg(&fifo).status();
        if ok.map(|s| s.success()).unwrap_or(false) {
            assert!(matches!(
                read_disk(&fifo, 100),
                Content::Gap(Gap::NotRegularFile, _)
            ));
        }
        assert!(matches!(
            read_disk(Path::new("/dev/zero"), 100),
            Content::Gap(Gap::NotRegularFile, _)
        ));
    }
}
