//! A big file is parsed in parts on every core (`parse_in_parts`): the
//! result must be the one the whole-file loop gives, or the loop must
//! run instead.

use super::{
    build, parse_declarations, parse_in_parts, parse_on_this_thread, prescan, Parsed, PART_BYTES,
};
use crate::source::{FileId, SourceMap};

/// Every `.camp` file of the example project, one after the other, over
/// and over up to three parts' worth: strings over several lines,
/// comments, doc comments, flows.
fn example_project() -> String {
    let mut paths = Vec::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "camp") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    let one: String = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap() + "\n")
        .collect();
    one.repeat(3 * PART_BYTES / one.len() + 1)
}

/// The file's tree and diagnostics as the whole-file loop gives them, and
/// as `parse_on_this_thread` does (in parts when it can).
fn both_ways(text: &str) -> (String, String) {
    let mut map = SourceMap::new();
    map.add(
        "big.camp",
        std::path::Path::new("big.camp"),
        text.to_string(),
    );
    let file = &map.files()[0];
    let mut builder = build::Builder::new(FileId(0), text);
    builder.nesting = prescan::prescan(FileId(0), text).unwrap();
    let whole = parse_declarations(builder, Vec::new(), true);
    let parts = crate::stack::deep(|| parse_on_this_thread(file, true));
    (format!("{whole:#?}"), format!("{parts:#?}"))
}

#[test]
fn a_big_file_parsed_in_parts_gives_the_tree_and_diagnostics_of_one_parse() {
    // A bad line inside a body is recovered within its declaration, so
    // the parts still parse on their own.
    let text = example_project().replace("    wait 1d\n", "    wait 1 day\n");
    assert!(text.len() >= 2 * PART_BYTES);
    let mut map = SourceMap::new();
    map.add("big.camp", std::path::Path::new("big.camp"), text.clone());
    let nesting = prescan::prescan(FileId(0), &text).unwrap();
    let parts = parse_in_parts(&map.files()[0], nesting, true);
    assert!(parts.len() >= 2, "{} parts", parts.len());
    let parsed: Vec<&Parsed> = parts.iter().filter_map(|p| p.parsed.as_ref()).collect();
    assert_eq!(parsed.len(), parts.len(), "every part parses on its own");
    assert!(parsed.iter().any(|p| !p.problems.is_empty()));
    let (whole, in_parts) = both_ways(&text);
    assert!(whole == in_parts, "the trees differ");
}

/// Which parts of `text` parsed on their own.
fn parsed_parts(text: &str) -> Vec<bool> {
    let mut map = SourceMap::new();
    map.add(
        "big.camp",
        std::path::Path::new("big.camp"),
        text.to_string(),
    );
    let nesting = prescan::prescan(FileId(0), text).unwrap();
    parse_in_parts(&map.files()[0], nesting, true)
        .iter()
        .map(|p| p.parsed.is_some())
        .collect()
}

#[test]
fn the_part_with_a_syntax_error_is_parsed_by_the_whole_file_loop() {
    let mut text = example_project();
    let middle = prescan::cut_points(&text, PART_BYTES)[0] + 10;
    let line = text[middle..].find("\nsegment ").unwrap() + middle + 1;
    text.insert_str(line, "segment broken = plan ==\n");
    let parsed = parsed_parts(&text);
    assert!(parsed.len() >= 3 && !parsed[1], "{parsed:?}");
    assert!(parsed.iter().filter(|p| !**p).count() == 1, "{parsed:?}");
    let (whole, in_parts) = both_ways(&text);
    assert!(whole == in_parts, "the trees differ");
    assert!(whole.contains("E01"), "the syntax error is reported");
}

#[test]
fn a_file_is_cut_only_at_declarations_outside_brackets_and_strings() {
    let text =
        "segment a = x\n\"\"\"\nsegment in_a_string\n\"\"\"\ncampaign c {\nsegment not_here\n}\n\
                score s { +1 if x }\n";
    let cuts = prescan::cut_points(text, 1);
    let words: Vec<&str> = cuts.iter().map(|&c| &text[c..c + 8]).collect();
    assert_eq!(words, ["campaign", "score s "]);
    assert_eq!(prescan::after_trivia("  // note\n\u{FEFF}\tx", 0), 14);
}

#[test]
fn a_declaration_that_runs_past_a_cut_is_parsed_by_the_whole_file_loop() {
    // A comparison with a value named `segment` on the next line: the
    // cut before that `segment` is not where the whole-file loop starts
    // a declaration.
    let filler = |from: usize, bytes: usize| -> String {
        let mut out = String::new();
        let mut i = from;
        while out.len() < bytes {
            out.push_str(&format!("segment s{i} = plan == \"trial\"\n"));
            i += 1;
        }
        out
    };
    let head = "segment tricky = plan ==\n";
    let mut text = filler(0, PART_BYTES - head.len());
    text.push_str(head);
    text.push_str("segment t2 = true\n");
    text.push_str(&filler(1_000_000, 2 * PART_BYTES));
    let cut = prescan::cut_points(&text, PART_BYTES)[0];
    assert!(text[cut..].starts_with("segment t2"));
    let parsed = parsed_parts(&text);
    assert!(
        parsed.len() >= 3 && !parsed[0] && parsed[1..].iter().all(|p| *p),
        "{parsed:?}"
    );
    let (whole, in_parts) = both_ways(&text);
    assert!(whole == in_parts, "the trees differ");
}

/// Random damage to a big file (lines deleted, repeated, or broken by
/// snippets that open brackets and strings, cut declarations short or
/// run them on): parsed in parts or by the whole-file loop alone, the
/// tree and the diagnostics are the same.
#[test]
fn damaged_big_files_parse_the_same_in_parts() {
    const SNIPPETS: &[&str] = &[
        "segment x = plan ==\n",
        "}\n",
        "{\n",
        "(\n",
        "campaign c {\n",
        "plan ==\nsegment",
        "// a comment\n",
        "segment",
        "message m: sms {\n",
        "\"unclosed\n",
    ];
    let original = example_project();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |below: usize| -> usize {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below as u64) as usize
    };
    let mut used_parts = 0;
    for _ in 0..5 {
        let mut lines: Vec<String> = original.lines().map(|l| format!("{l}\n")).collect();
        for _ in 0..6 {
            let at = next(lines.len());
            match next(3) {
                0 => {
                    lines.remove(at);
                }
                1 => {
                    let line = lines[at].clone();
                    lines.insert(at, line);
                }
                _ => lines.insert(at, SNIPPETS[next(SNIPPETS.len())].to_string()),
            }
        }
        let text: String = lines.concat();
        if prescan::prescan(FileId(0), &text).is_err() {
            // Not parsed at all (nesting too deep, a string left open).
            continue;
        }
        used_parts += parsed_parts(&text).iter().filter(|p| **p).count();
        let (whole, in_parts) = both_ways(&text);
        assert!(whole == in_parts, "the trees differ");
    }
    assert!(used_parts > 0, "no part parsed on its own");
}
