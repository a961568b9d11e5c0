//! Times the stages of the python checker over a folder, single-threaded:
//! `cargo run --release -p palisade-python --example profile -- <folder>`.

use std::time::{Duration, Instant};

use palisade_core::{Checker, FileReport, FsReader, ScanContext, SourceFile};
use palisade_python::{Config, PythonChecker};

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .expect("usage: profile <folder> [parse|check]");
    let mode = std::env::args().nth(2).unwrap_or_default();
    let mut files = Vec::new();
    walk(std::path::Path::new(&root), &mut files);
    let data: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| (p.to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
        .collect();
    let bytes: usize = data.iter().map(|(_, b)| b.len()).sum();
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    let t = Instant::now();
    for (_, b) in data.iter().filter(|_| mode != "check") {
        let text = String::from_utf8_lossy(b);
        let _ = parser.parse(text.as_bytes(), None);
    }
    let parse = t.elapsed();
    let checker = PythonChecker::new(&Config::default());
    let reader = FsReader(".".into());
    let names: Vec<String> = Vec::new();
    let ctx = ScanContext {
        files: &names,
        reader: &reader,
    };
    let t = Instant::now();
    let mut findings = 0;
    let mut slowest: Vec<(Duration, &str)> = Vec::new();
    for (path, b) in data.iter().filter(|_| mode != "parse") {
        let t1 = Instant::now();
        let file = SourceFile::new(path, b);
        let mut out = FileReport::default();
        checker.check(&file, &ctx, &mut out);
        findings += out.findings.len();
        slowest.push((t1.elapsed(), path));
    }
    let total = t.elapsed();
    slowest.sort();
    println!(
        "{} files, {} MB; tree-sitter parse only {:?}; full check {:?}; {} findings",
        data.len(),
        bytes / 1_000_000,
        parse,
        total,
        findings
    );
    for (d, p) in slowest.iter().rev().take(8) {
        println!("  {d:?} {p}");
    }
}
