//! Jupyter notebooks (`.ipynb`): the code cells as one Python module, and the way back from a
//! line of that module to the line of the notebook file that holds it.
//!
//! The cells are joined in order, each ending with a newline, as ruff and IPython read them.
//! IPython syntax is not Python: a line magic (`%time`), a shell escape (`!pip install`), a help
//! query (`obj?`) and every line of a cell magic (`%%bash`) is turned into a comment of the same
//! length, so line and column numbers stay those of the cell.
//!
//! A finding points at the line of the `.ipynb` file where its source line is written (nbformat
//! writes one JSON string per source line), so SARIF, the changed-lines filter and inline
//! comments work on the notebook file itself; a note names the cell and its line.

use serde_json::Value;

/// The code of a notebook and where each of its lines sits in the file.
pub(crate) struct Notebook {
    /// The code cells joined into one module.
    pub source: String,
    /// For each line of `source` (0-based): its line in the notebook file (1-based), the
    /// byte column of its text there (0-based), its cell (1-based, counting every cell as
    /// Jupyter numbers them) and its line in the cell (1-based).
    pub lines: Vec<LineOrigin>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineOrigin {
    pub file_line: u32,
    pub file_col: u32,
    pub cell: u32,
    pub cell_line: u32,
}

/// Why a notebook has no Python to check.
#[derive(Debug)]
pub(crate) enum NotPython {
    /// The file is not valid notebook JSON.
    Invalid(String),
    /// The kernel's language is not Python.
    Language(String),
}

/// How far ahead of the last found source line the next one is looked for in the file: a
/// source line the JSON encoder wrote differently (escapes) is not searched for to the end.
const SEARCH_WINDOW: usize = 1 << 16;

pub(crate) fn read(text: &str) -> Result<Notebook, NotPython> {
    let doc: Value = serde_json::from_str(text).map_err(|e| NotPython::Invalid(e.to_string()))?;
    let Some(cells) = doc.get("cells").and_then(Value::as_array) else {
        return Err(NotPython::Invalid("no `cells` list".into()));
    };
    let language = doc
        .pointer("/metadata/kernelspec/language")
        .or_else(|| doc.pointer("/metadata/language_info/name"))
        .and_then(Value::as_str)
        .unwrap_or("python");
    if !language.eq_ignore_ascii_case("python") {
        return Err(NotPython::Language(language.to_string()));
    }
    let starts = line_starts(text);
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) as u32;
    let mut nb = Notebook {
        source: String::new(),
        lines: Vec::new(),
    };
    let mut cursor = 0usize;
    for (index, cell) in cells.iter().enumerate() {
        if cell.get("cell_type").and_then(Value::as_str) != Some("code") {
            continue;
        }
        let pieces: Vec<&str> = match cell.get("source") {
            Some(Value::String(s)) => s.split_inclusive('\n').collect(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        // A source element is usually one line; split any that holds several.
        let cell_lines: Vec<&str> = pieces
            .iter()
            .flat_map(|p| p.split_inclusive('\n'))
            .collect();
        let cell_magic = cell_lines
            .first()
            .is_some_and(|l| l.trim_start().starts_with("%%"));
        let cell_start_line = line_of(cursor).max(1);
        for (n, line) in cell_lines.iter().enumerate() {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let (file_line, file_col) = match find_encoded(text, cursor, body) {
                Some(at) => {
                    cursor = at + body.len();
                    let l = line_of(at);
                    (l, (at - starts[l as usize - 1]) as u32)
                }
                None => (cell_start_line, 0),
            };
            nb.lines.push(LineOrigin {
                file_line,
                file_col,
                cell: index as u32 + 1,
                cell_line: n as u32 + 1,
            });
            if cell_magic || is_ipython_syntax(body) {
                nb.source.push('#');
                nb.source.extend(std::iter::repeat_n(
                    ' ',
                    body.chars().count().saturating_sub(1),
                ));
            } else {
                nb.source.push_str(body);
            }
            nb.source.push('\n');
        }
    }
    Ok(nb)
}

/// Moves a finding made on the joined cells to the notebook file's lines, naming its cell.
pub(crate) fn relocate(f: &mut palisade_core::Finding, origins: &[LineOrigin]) {
    let at = |line: u32| origins.get(line.saturating_sub(1) as usize).copied();
    let Some(start) = at(f.span.start_line) else {
        return;
    };
    f.notes
        .push(format!("cell {}, line {}", start.cell, start.cell_line));
    f.span.start_line = start.file_line;
    f.span.start_col += start.file_col;
    match at(f.span.end_line) {
        Some(end) => {
            f.span.end_line = end.file_line;
            f.span.end_col += end.file_col;
        }
        None => {
            f.span.end_line = start.file_line;
            f.span.end_col = f.span.start_col;
        }
    }
}

/// Byte offsets where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// Where the text of source line `body` starts in the notebook file, looking from `from`:
/// the JSON encoding of the line (without its quotes) found within [`SEARCH_WINDOW`].
fn find_encoded(text: &str, from: usize, body: &str) -> Option<usize> {
    if body.is_empty() {
        return None;
    }
    let encoded = serde_json::to_string(body).ok()?;
    let needle = &encoded[1..encoded.len() - 1];
    let end = (from + SEARCH_WINDOW + needle.len()).min(text.len());
    let hay = text.get(from..end)?;
    // The needle must start a line of the source: right after a string's opening quote, or
    // after an escaped newline inside one string (a source written as one string).
    let mut start = 0;
    while let Some(i) = hay[start..].find(needle) {
        let at = from + start + i;
        let before = &text.as_bytes()[..at];
        if before.ends_with(b"\"") || before.ends_with(b"\\n") {
            return Some(at);
        }
        start += i + 1;
    }
    None
}

/// IPython's own line syntax: magics, shell escapes and help queries.
fn is_ipython_syntax(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('%') || t.starts_with('!') || (t.ends_with('?') && !t.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NB: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# Title\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [],
   "source": [
    "import subprocess\n",
    "!pip install requests\n",
    "subprocess.call(\"ls\", shell=True)"
   ]
  },
  {
   "cell_type": "code",
   "metadata": {},
   "outputs": [],
   "source": "%%bash\necho hi\n"
  }
 ],
 "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

    #[test]
    fn code_cells_become_one_module_with_a_way_back() {
        let nb = read(NB).unwrap();
        let lines: Vec<&str> = nb.source.lines().collect();
        assert_eq!(lines[0], "import subprocess");
        assert!(lines[1].starts_with('#') && lines[1].len() == "!pip install requests".len());
        assert_eq!(lines[2], r#"subprocess.call("ls", shell=True)"#);
        assert!(lines[3].starts_with('#') && lines[4].starts_with('#'));
        // `import subprocess` is written on line 16 of the file, after `    "`.
        assert_eq!(
            nb.lines[0],
            LineOrigin {
                file_line: 16,
                file_col: 5,
                cell: 2,
                cell_line: 1
            }
        );
        assert_eq!((nb.lines[2].file_line, nb.lines[2].cell_line), (18, 3));
        assert_eq!((nb.lines[3].cell, nb.lines[3].cell_line), (3, 1));
        assert_eq!(nb.lines[3].file_line, 25);
        assert_eq!((nb.lines[4].file_line, nb.lines[4].file_col), (25, 22));
    }

    #[test]
    fn other_languages_and_broken_json_are_said() {
        let r = NB.replace("\"language\": \"python\"", "\"language\": \"R\"");
        assert!(matches!(read(&r), Err(NotPython::Language(l)) if l == "R"));
        assert!(matches!(read("{\"cells\": ["), Err(NotPython::Invalid(_))));
    }
}
