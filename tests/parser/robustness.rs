//! Nesting limits and very large inputs: diagnostics, never a stack overflow.

use super::*;

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
    // A flat `or` chain is not nesting: the plan lists its operands in one
    // array, and the tree is folded balanced.
    parse_ok(&format!("segment s = a{}", " or a".repeat(2_000)));
    let text = format!("segment s = {}a", "not ".repeat(2_000));
    assert_eq!(parse_err(&text).code, "E0102");
    let text = format!("segment s = x{}", " + 1".repeat(2_000));
    assert_eq!(parse_err(&text).code, "E0102");
}

#[path = "../../benches/corpus.rs"]
mod corpus;

/// A large realistic file parses completely. The benchmark parses 50 MB in
/// release mode; a debug build parses well under 1 MB/s, so this test uses
/// a few megabytes to stay fast.
#[test]
fn a_multi_megabyte_file_parses() {
    let text = corpus::project_text(1024 * 1024);
    let chunks = text.matches("\ncampaign onboarding_").count();
    let ast = parse_ok(&text);
    let campaigns = ast
        .items
        .iter()
        .filter(|i| matches!(i, Item::Campaign(_)))
        .count();
    assert_eq!(campaigns, chunks);
    assert!(ast.items.len() > 10 * chunks);
}

/// 50 MB that goes wrong early fails fast and cleanly.
#[test]
fn a_fifty_megabyte_file_fails_cleanly() {
    let body = corpus::project_text(50 * 1024 * 1024);
    let text = format!("segment broken plan == trial\n{body}");
    let d = parse_err(&text);
    assert_eq!(d.code, "E0101");
    assert_eq!(d.span.start as usize, "segment broken ".len());
    // And deep nesting at the very end of a big file is still caught.
    let text = format!("{body}segment deep = {}x", "(".repeat(10_000));
    assert_eq!(parse_err(&text).code, "E0102");
}

/// Truncating or corrupting real input anywhere gives diagnostics, never a
/// panic: every example is cut at many places and has bytes replaced by
/// characters that stress the lexer (quotes, braces, backslashes, digits,
/// multi-byte letters).
#[test]
fn corrupted_input_never_panics() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/language_examples"
    );
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let inserts = [
        "\"", "{", "}", "(", "\\", "9", "ả", "\"\"\"", "{{", "-", ":", "%", "\n",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("read");
        for _ in 0..120 {
            let mut at = next(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            // Cut here.
            let _ = parse(&text[..at]);
            // Insert a troublesome piece here.
            let piece = inserts[next(inserts.len())];
            let _ = parse(&format!("{}{piece}{}", &text[..at], &text[at..]));
        }
    }
}
