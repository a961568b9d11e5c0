//! Archives built in memory, for the tests of archive scanning.

use std::io::Write;

/// A zip of `files` (name, bytes), deflated.
pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("zip member");
        w.write_all(data).expect("zip member data");
    }
    w.finish().expect("zip").into_inner()
}

/// A gzip-compressed tar of `files` (name, bytes), each a regular file of mode 644.
pub fn tar_gz_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut t = tar::Builder::new(gz);
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, name, *data).expect("tar member");
    }
    t.into_inner().expect("tar").finish().expect("gzip stream")
}
