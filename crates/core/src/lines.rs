//! Line arithmetic shared by checkers and the changed-lines filter.

use serde::{Deserialize, Serialize};

/// Maps byte offsets of a text to 1-based lines and 1-based character columns.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text.as_bytes()));
        LineIndex { text, starts }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        (self.starts.partition_point(|&s| s <= offset)) as u32
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.starts[line as usize - 1];
        let offset = offset.min(self.text.len());
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line, col as u32 + 1)
    }

    /// The text of a 1-based line without its line ending.
    pub fn line_text(&self, line: u32) -> &'a str {
        let i = line as usize;
        if i == 0 || i > self.starts.len() {
            return "";
        }
        let start = self.starts[i - 1];
        let end = self.starts.get(i).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> u32 {
        self.starts.len() as u32
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

/// The lines a change adds or modifies in one file (1-based, inclusive ranges, sorted,
/// non-overlapping). A finding is reported in diff modes only if one of its lines is here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedLines {
    ranges: Vec<(u32, u32)>,
}

impl ChangedLines {
    /// Builds from ranges in any order; overlapping and adjacent ranges are merged.
    pub fn from_ranges(mut ranges: Vec<(u32, u32)>) -> Self {
        ranges.retain(|(a, b)| a <= b);
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        ChangedLines { ranges: merged }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub fn contains(&self, line: u32) -> bool {
        let i = self.ranges.partition_point(|&(_, end)| end < line);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= line)
    }

    /// Whether any line of `start..=end` changed.
    pub fn intersects(&self, start: u32, end: u32) -> bool {
        let i = self.ranges.partition_point(|&(_, e)| e < start);
        self.ranges.get(i).is_some_and(|&(s, _)| s <= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let idx = LineIndex::new("ab\nçd x\n\nlast");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position(6), (2, 3)); // after 'ç' (2 bytes) and 'd'
        assert_eq!(idx.line_text(2), "çd x");
        assert_eq!(idx.line_text(3), "");
        assert_eq!(idx.line_text(4), "last");
        assert_eq!(idx.line_text(5), "");
        assert_eq!(idx.line_count(), 4);
    }

    #[test]
    fn changed_lines_merge_and_query() {
        let c = ChangedLines::from_ranges(vec![(10, 12), (1, 1), (13, 14), (20, 20)]);
        assert_eq!(c.ranges(), &[(1, 1), (10, 14), (20, 20)]);
        assert!(c.contains(1) && c.contains(12) && c.contains(14) && c.contains(20));
        assert!(!c.contains(2) && !c.contains(15) && !c.contains(21));
        assert!(c.intersects(15, 20));
        assert!(!c.intersects(15, 19));
    }
}
