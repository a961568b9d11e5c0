//! What a finding quotes of its line: the line, or for a long one (minified or generated code)
//! a slice around the reported column, marked as cut. A finding never holds a whole long line:
//! a 256 KB line with thousands of findings would otherwise hold a copy per finding.

use std::borrow::Cow;

/// Lines up to this many bytes are quoted whole.
pub(crate) const MAX_LINE: usize = 400;
/// Bytes kept before the reported column of a longer line (the rest of `MAX_LINE` after it).
const BEFORE: usize = 120;
/// Marks where a quoted line was cut.
pub(crate) const CUT: &str = "…";

/// `line`, or the slice of it around byte column `col`, with [`CUT`] where it was cut.
pub(crate) fn around(line: &str, col: usize) -> Cow<'_, str> {
    if line.len() <= MAX_LINE {
        return Cow::Borrowed(line);
    }
    let col = floor(line, col.min(line.len()));
    let start = floor(line, col.saturating_sub(BEFORE));
    let end = floor(line, (start + MAX_LINE).min(line.len()));
    let mut out = String::with_capacity(end - start + 2 * CUT.len());
    if start > 0 {
        out.push_str(CUT);
    }
    out.push_str(&line[start..end]);
    if end < line.len() {
        out.push_str(CUT);
    }
    Cow::Owned(out)
}

/// The nearest char boundary at or before `i`.
fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_whole_long_lines_cut_around_the_column() {
        assert_eq!(around("eval(x)", 0), "eval(x)");
        let line = format!("{}eval(x){}", "a".repeat(1000), "é".repeat(1000));
        let cut = around(&line, 1000);
        assert!(cut.starts_with(CUT) && cut.ends_with(CUT), "{cut}");
        assert!(cut.contains("eval(x)"));
        assert!(cut.len() <= MAX_LINE + 2 * CUT.len());
        let head = around(&line, 0);
        assert!(head.starts_with('a') && head.ends_with(CUT));
        let tail = around(&line, line.len());
        assert!(tail.starts_with(CUT) && tail.ends_with('é'));
    }

    #[test]
    fn char_columns_forward_backward_and_across_lines() {
        let mut c = CharColumns::default();
        let t = "éé x é y";
        assert_eq!(c.column(1, t, 5), 4);
        assert_eq!(c.column(1, t, 9), 7);
        assert_eq!(c.column(1, t, 0), 1);
        assert_eq!(c.column(2, "abc", 2), 3);
        assert_eq!(c.column(1, t, 100), 9);
    }
}

/// Character columns of byte columns, counted on from the last one asked on the same line:
/// findings come in walk order, so thousands of them on one long line cost one pass over it,
/// not one pass each.
#[derive(Default)]
pub(crate) struct CharColumns {
    /// (line, byte column, characters before it) of the last answer.
    last: Option<(u32, usize, usize)>,
}

impl CharColumns {
    /// The 1-based character column of byte column `byte_col` of `text` (line `line`).
    pub(crate) fn column(&mut self, line: u32, text: &str, byte_col: usize) -> u32 {
        let b = floor(text, byte_col.min(text.len()));
        let (from, before) = match self.last {
            Some((l, at, n)) if l == line && at <= b => (at, n),
            _ => (0, 0),
        };
        let n = before + text[from..b].chars().count();
        self.last = Some((line, b, n));
        n as u32 + 1
    }
}
