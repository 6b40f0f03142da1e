//! Parser tests: every construct of the language, precedence, strings,
//! separators, and robustness against huge or deeply nested input.

use campaignc::diagnostics::Diagnostic;
use campaignc::source::SourceMap;
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

// ---------------------------------------------------------------------------
// Robustness: nesting and size
// ---------------------------------------------------------------------------

#[test]
fn parens_nested_up_to_the_limit_parse() {
    let depth = campaignc::syntax::MAX_NESTING;
    let text = format!(
        "segment s = {}plan == trial{}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    parse_ok(&text);
}

#[test]
fn braces_nested_up_to_the_limit_parse() {
    // campaign { flow { if … { … 126 levels } } }
    let ifs = campaignc::syntax::MAX_NESTING - 2;
    let text = format!(
        "campaign c {{ flow {{ {} send m {} }} }}",
        "if a {\n".repeat(ifs),
        "}\n".repeat(ifs)
    );
    parse_ok(&text);
}

#[test]
fn twenty_thousand_parens_give_a_diagnostic() {
    let text = format!("segment s = {}x{}", "(".repeat(20_000), ")".repeat(20_000));
    let d = parse_err(&text);
    assert_eq!(d.code, "E0102");
    assert_eq!(
        d.span.start as usize,
        "segment s = ".len() + campaignc::syntax::MAX_NESTING
    );
}

#[test]
fn twenty_thousand_braces_give_a_diagnostic() {
    let text = format!(
        "campaign c {{ flow {{ {} }} }}",
        "if a {".repeat(20_000) + &"}".repeat(20_000)
    );
    let d = parse_err(&text);
    assert_eq!(d.code, "E0102");
}

#[test]
fn long_operator_chains_are_bounded() {
    let text = format!("segment s = a{}", " or a".repeat(2_000));
    let d = parse_err(&text);
    assert_eq!(d.code, "E0102");
    let text = format!("segment s = {}a", "not ".repeat(2_000));
    assert_eq!(parse_err(&text).code, "E0102");
    let text = format!("segment s = x{}", " + 1".repeat(2_000));
    assert_eq!(parse_err(&text).code, "E0102");
}

/// All LANGUAGE.md examples in one text, for size tests.
fn all_examples() -> String {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/language_examples"
    );
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read") + "\n")
        .collect()
}
