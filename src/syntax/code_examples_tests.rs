//! The examples in the explanations of the syntax codes (01xx) checked
//! against the parser, so the texts cannot drift from it. The test lives
//! here rather than beside the codes because `diagnostics` sits below
//! `syntax` (see the layer table in docs/architecture.md).

use crate::diagnostics::codes::syntax::{CODES, NESTING_TOO_DEEP};
use crate::source::SourceMap;

fn camp_blocks(markdown: &str) -> Vec<String> {
    markdown
        .split("```camp\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(block, _)| block.to_string()))
        .collect()
}

fn parse(text: &str) -> Result<(), Vec<crate::diagnostics::Diagnostic>> {
    let mut map = SourceMap::new();
    let id = map.add(
        "example.camp",
        std::path::Path::new("example.camp"),
        text.into(),
    );
    crate::syntax::parse_file(map.get(id)).map(|_| ())
}

/// Each explanation shows a wrong example that gives its code and a
/// right example that parses, so the texts cannot drift from the parser.
#[test]
fn examples_in_explanations_match_the_parser() {
    for info in CODES {
        assert!(info.code[1..].starts_with("01"), "{}", info.code);
        let blocks = camp_blocks(info.explanation);
        if info.code.starts_with('W') {
            // The wrong examples name the invisible character they hold.
            let wrong = blocks[0]
                .replace("<U+202E>", "\u{202E}")
                .replace("<ESC>", "\u{1b}");
            let mut map = SourceMap::new();
            let id = map.add("example.camp", std::path::Path::new("example.camp"), wrong);
            let found = crate::syntax::invisible::check(map.get(id));
            assert_eq!(found[0].code, info.code, "{}: wrong example", info.code);
            assert!(parse(&blocks[1]).is_ok(), "{}: right example", info.code);
            let right = blocks[1].clone();
            let id = map.add("right.camp", std::path::Path::new("right.camp"), right);
            assert!(crate::syntax::invisible::check(map.get(id)).is_empty());
            continue;
        }
        assert!(blocks.len() >= 2, "{}: wrong and right examples", info.code);
        let right = blocks.last().expect("a right example");
        assert!(
            parse(right).is_ok(),
            "{}: right example must parse",
            info.code
        );
        // 129 nested brackets do not fit in an example.
        if info.code != NESTING_TOO_DEEP {
            let errors = parse(&blocks[0]).expect_err(info.code);
            assert_eq!(errors[0].code, info.code, "{}: wrong example", info.code);
        }
    }
}
