//! Stable fingerprints for baselines and SARIF `partialFingerprints`.

use sha2::{Digest, Sha256};

/// Hex of the first 16 bytes of SHA-256 over the parts, each length-prefixed so that
/// `("ab","c")` and `("a","bc")` differ.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(32);
    for b in &digest[..16] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["x"]), fingerprint(&["x"]));
        assert_eq!(fingerprint(&["x"]).len(), 32);
    }
}
