//! Every fenced ```camp block of `docs/language.md` must parse: the
//! reference cannot show syntax the compiler rejects.

use std::path::Path;

use campaignc::source::SourceMap;
use campaignc::syntax::parse_file;

/// The ```camp blocks of a Markdown text, with the line each starts on.
fn camp_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let fence = line.trim_start();
        match current.take() {
            None => {
                if fence.starts_with("```camp") {
                    current = Some((index + 2, String::new()));
                }
            }
            Some((start, mut text)) => {
                if fence.starts_with("```") {
                    blocks.push((start, text));
                } else {
                    text.push_str(line);
                    text.push('\n');
                    current = Some((start, text));
                }
            }
        }
    }
    blocks
}

#[test]
fn every_camp_block_in_the_language_reference_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md");
    let markdown = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} must exist: {e}", path.display()));
    let blocks = camp_blocks(&markdown);
    assert!(!blocks.is_empty(), "docs/language.md has no ```camp blocks");
    let mut failures = Vec::new();
    for (line, text) in blocks {
        let mut map = SourceMap::new();
        let name = format!("docs/language.md:{line}");
        let id = map.add(name.clone(), Path::new(&name), text);
        if let Err(diags) = parse_file(map.get(id)) {
            for d in diags {
                let (l, c) = map.line_col(d.span);
                failures.push(format!(
                    "block at docs/language.md:{line}, its line {l} column {c}: {} {}",
                    d.code, d.message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn block_extraction_finds_only_camp_fences() {
    let md =
        "text\n```camp\nsegment a = b\n```\n```\nnot camp\n```\n  ```camp\nsegment c = d\n  ```\n";
    let blocks = camp_blocks(md);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0], (3, "segment a = b\n".to_string()));
    assert_eq!(blocks[1].1, "segment c = d\n");
}
