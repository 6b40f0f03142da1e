//! The code registry is complete and documented: every code the compiler
//! can emit is registered, has a long explanation with a wrong and a right
//! example, and appears in `docs/diagnostics.md`.

use std::collections::BTreeSet;
use std::path::Path;

use campaignc::diagnostics::codes;

#[test]
fn codes_are_unique_and_well_formed() {
    let all = codes::all();
    let mut seen = BTreeSet::new();
    for c in &all {
        assert!(seen.insert(c.code), "{} is registered twice", c.code);
        let well_formed = c.code.len() == 5
            && (c.code.starts_with('E') || c.code.starts_with('W'))
            && c.code[1..].chars().all(|ch| ch.is_ascii_digit());
        assert!(well_formed, "{} is not E#### or W####", c.code);
        assert!(!c.title.trim().is_empty(), "{} has no title", c.code);
    }
}

#[test]
fn every_code_has_an_explanation_with_a_wrong_and_a_right_example() {
    for c in codes::all() {
        let text = c.explanation;
        assert!(text.trim().len() > 80, "{} has no real explanation", c.code);
        let lower = text.to_lowercase();
        assert!(
            lower.contains("wrong") && lower.contains("right"),
            "{} lacks a wrong and a right example",
            c.code
        );
        assert!(
            text.matches("```").count() >= 4,
            "{} needs two fenced examples",
            c.code
        );
    }
}

/// Every `"E1234"` / `"W1234"` literal in the compiler's source is a
/// registered code, so no diagnostic can be emitted that `explain` cannot
/// explain.
#[test]
fn every_code_used_in_source_is_registered() {
    let registered: BTreeSet<&str> = codes::all().iter().map(|c| c.code).collect();
    let mut used = BTreeSet::new();
    collect_code_literals(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut used,
    );
    let missing: Vec<_> = used
        .iter()
        .filter(|c| !registered.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "codes used but not registered: {missing:?}"
    );
}

fn collect_code_literals(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // Snapshot folders hold rendered examples, not code.
            if path.file_name().is_some_and(|n| n != "snapshots") {
                collect_code_literals(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests below `#[cfg(test)]` use made-up codes on purpose.
            let text = match text.find("#[cfg(test)]") {
                Some(at) => &text[..at],
                None => &text[..],
            };
            let bytes = text.as_bytes();
            for i in 0..bytes.len().saturating_sub(6) {
                if bytes[i] == b'"'
                    && (bytes[i + 1] == b'E' || bytes[i + 1] == b'W')
                    && bytes[i + 2..i + 6].iter().all(u8::is_ascii_digit)
                    && bytes[i + 6] == b'"'
                {
                    out.insert(text[i + 1..i + 6].to_string());
                }
            }
        }
    }
}

#[test]
fn docs_diagnostics_md_lists_every_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    let expected = codes::markdown_index();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/diagnostics.md is out of date with the code registry; \
         run `UPDATE_DOCS=1 cargo test --test codes` and commit the result"
    );
}
