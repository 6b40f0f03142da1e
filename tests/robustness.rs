//! Broken input never crashes the front end: every example file with any
//! one line deleted, or cut off at many points (including inside
//! multi-byte Vietnamese, Czech and Chinese text), parses or fails with a
//! diagnostic — never with the parser's "thread panicked" fallback — and
//! the checker runs over whatever parsed.

use std::path::Path;

use campaignc::diagnostics::Problems;
use campaignc::source::SourceMap;

fn example_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let map = campaignc::project::load(&root).expect("the example project loads");
    map.files()
        .iter()
        .map(|f| (f.path.clone(), f.text.to_string()))
        .collect()
}

fn assert_survives(path: &str, text: String, what: &str) {
    let mut map = SourceMap::new();
    map.add(path, Path::new(path), text);
    let mut problems = Problems::new();
    let files = campaignc::syntax::parse_project(&map, &mut problems);
    let _model = campaignc::check::check(&files, &mut problems);
    for d in problems.iter() {
        assert!(
            !d.message.contains("panicked"),
            "{path} with {what}: {}",
            d.message
        );
    }
}

#[test]
fn deleting_any_line_of_any_example_file_never_panics() {
    for (path, text) in example_files() {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for skip in 0..lines.len() {
            let mutated: String = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| *l)
                .collect();
            assert_survives(&path, mutated, &format!("line {} deleted", skip + 1));
        }
    }
}

#[test]
fn cutting_any_example_file_short_never_panics() {
    for (path, text) in example_files() {
        let cuts = text
            .char_indices()
            .map(|(i, _)| i)
            .enumerate()
            .filter(|(n, _)| n % 17 == 0)
            .map(|(_, i)| i);
        for cut in cuts {
            assert_survives(
                &path,
                text[..cut].to_string(),
                &format!("a cut at byte {cut}"),
            );
        }
    }
}
