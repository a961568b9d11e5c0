//! The keyword prefilter: where in a text does any rule keyword occur (ASCII case-insensitive,
//! every occurrence, overlapping ones included).
//!
//! Three implementations that give the same hits ([`Prefilter`]): for the built-in rules a
//! table prepared at build time (`build.rs`), which costs nothing to set up, so a one-file
//! commit pays for no automaton; an Aho-Corasick NFA when custom rules add keywords; and an
//! Aho-Corasick DFA, slower to build but faster to scan, for scans of many files.
//! `tests/prefilter.rs` proves the three give identical hits and identical findings.

use crate::rules::{FIRST_BYTE_RANGE, KEYWORDS, KEYWORDS_BY_FIRST, KEYWORD_PAIRS};

/// Which implementation finds the keyword hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefilter {
    /// The build-time table of the built-in keywords (only for the built-in rules alone).
    Static,
    /// An Aho-Corasick contiguous NFA, quick to build.
    Nfa,
    /// An Aho-Corasick DFA, quick to scan with.
    Dfa,
}

/// Calls `hit(keyword id, start)` for every occurrence of a built-in keyword in `bytes`, in
/// order of position (keywords starting at the same position in id order).
pub fn static_hits(bytes: &[u8], mut hit: impl FnMut(usize, usize)) {
    if bytes.len() < 2 {
        return;
    }
    let mut found: Vec<u16> = Vec::new();
    for i in 0..bytes.len() - 1 {
        let a = bytes[i].to_ascii_lowercase();
        let b = bytes[i + 1].to_ascii_lowercase();
        let pair = (a as usize) << 8 | b as usize;
        if KEYWORD_PAIRS[pair / 64] & (1 << (pair % 64)) == 0 {
            continue;
        }
        // The keywords starting with this byte are sorted by their second byte.
        let (lo, hi) = FIRST_BYTE_RANGE[a as usize];
        let group = &KEYWORDS_BY_FIRST[lo as usize..hi as usize];
        let from = group.partition_point(|&k| KEYWORDS[k as usize].as_bytes()[1] < b);
        let rest = &bytes[i..];
        found.clear();
        for &k in &group[from..] {
            let kw = KEYWORDS[k as usize].as_bytes();
            if kw[1] != b {
                break;
            }
            if rest.len() >= kw.len() && rest[2..kw.len()].eq_ignore_ascii_case(&kw[2..]) {
                found.push(k);
            }
        }
        found.sort_unstable();
        for &k in &found {
            hit(k as usize, i);
        }
    }
}
