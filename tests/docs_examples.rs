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

/// The documentation must stand alone: it may not send the reader to
/// design files that are not part of the repository.
#[test]
fn the_docs_and_readme_cite_no_file_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md")];
    let docs = std::fs::read_dir(root.join("docs")).expect("docs/ exists");
    for entry in docs {
        let path = entry.expect("docs entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    pages.sort();
    let mut found = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("page is UTF-8 text");
        for (index, line) in text.lines().enumerate() {
            for outside in ["LANGUAGE.md", "TOOL.md", "../shared"] {
                if line.contains(outside) {
                    found.push(format!("{}:{}: {outside}", page.display(), index + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "docs cite files outside the repository:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_readme_says_how_to_install_the_command() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    assert!(
        readme.contains("cargo install --path . --locked"),
        "{readme}"
    );
}
