//! Test helpers of this crate; the repositories come from palisade-testkit.

pub(crate) use palisade_testkit::TestRepo;

/// Numbered lines `line 1\n` ... `line n\n`.
pub(crate) fn numbered(n: u32) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

/// `content` with line `at` (1-based) replaced by `with`.
pub(crate) fn replace_line(content: &str, at: usize, with: &str) -> String {
    content
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == at {
                format!("{with}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}
