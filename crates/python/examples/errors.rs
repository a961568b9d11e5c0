//! Prints where tree-sitter sees syntax errors in a file (to compare with CPython):
//! `cargo run --release -p palisade-python --example errors -- <file.py>`.

fn main() {
    let path = std::env::args().nth(1).expect("usage: errors <file.py>");
    let src = std::fs::read_to_string(&path).expect("a UTF-8 file");
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(&src, None).unwrap();
    let mut cursor = tree.walk();
    let mut shown = 0;
    loop {
        let n = cursor.node();
        if (n.is_error() || n.is_missing()) && shown < 10 {
            shown += 1;
            let p = n.start_position();
            let text: String = src[n.byte_range()].chars().take(80).collect();
            println!("{}:{}: {} {:?}", p.row + 1, p.column + 1, n.kind(), text);
        }
        if n.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}
