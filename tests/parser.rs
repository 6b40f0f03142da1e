//! Parser tests: every construct of the language, precedence, strings,
//! separators, and robustness against huge or deeply nested input.

use campaignc::diagnostics::Diagnostic;
use campaignc::source::{FileId, SourceMap};
use campaignc::syntax::ast::*;
use campaignc::syntax::parse_file;

fn parse(text: &str) -> Result<SourceFileAst, Vec<Diagnostic>> {
    let mut map = SourceMap::new();
    let id = map.add(
        "test.camp",
        std::path::Path::new("test.camp"),
        text.to_string(),
    );
    parse_file(map.get(id))
}

fn parse_ok(text: &str) -> SourceFileAst {
    match parse(text) {
        Ok(ast) => ast,
        Err(diags) => panic!("parse failed: {diags:#?}\n--- input ---\n{text}"),
    }
}

fn parse_err(text: &str) -> Diagnostic {
    match parse(text) {
        Ok(_) => panic!("expected a parse error for:\n{text}"),
        Err(mut diags) => diags.remove(0),
    }
}

#[test]
fn every_language_example_parses() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/language_examples"
    );
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "camp"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 9, "expected the LANGUAGE.md examples");
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("read");
        let ast = parse_ok(&text);
        assert!(!ast.items.is_empty(), "{}", path.display());
    }
}
