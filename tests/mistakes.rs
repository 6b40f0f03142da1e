//! Acceptance test of the checker against LANGUAGE.md's list "What the
//! checker must catch": for every kind of mistake, one textual edit to one
//! file of a copy of the example project (`campaigns/`) must produce a
//! diagnostic with the right code, at the right file and line, naming the
//! thing that is wrong.
//!
//! The expected line is never written down: it is computed from where the
//! edit landed in the edited copy (or, for mistakes that are reported away
//! from the edit, such as a missing `consent(...)` that shows at the
//! messages relying on it, from a text that occurs once in the edited
//! file). Some cases also require the exact place (the primary span
//! overlaps the wrong text), the related places (labels: the other
//! declaration of a duplicate, the `send` that put a template in scope) or
//! a "did you mean" in the help. Every case runs even when an earlier one
//! fails, and the test lists every failure at once.
//!
//! The cases live in `tests/mistakes/`: LANGUAGE.md's list item by item
//! (`listed_*.rs`), their neighbours (`neighbours.rs`), and edits that
//! must stay clean (`harmless.rs`), which guard against false alarms.

use std::fmt::Write as _;
use std::path::Path;

use campaignc::diagnostics::Diagnostic;
use campaignc::source::SourceMap;

#[path = "mistakes/case.rs"]
mod case;
#[path = "mistakes/harmless.rs"]
mod harmless;
#[path = "mistakes/listed_content.rs"]
mod listed_content;
#[path = "mistakes/listed_flows.rs"]
mod listed_flows;
#[path = "mistakes/listed_names.rs"]
mod listed_names;
#[path = "mistakes/neighbours.rs"]
mod neighbours;

use case::{At, Case};

/// Every case: LANGUAGE.md's list first, then its neighbours.
fn cases() -> Vec<Case> {
    let mut all = listed_names::cases();
    all.extend(listed_content::cases());
    all.extend(listed_flows::cases());
    all.extend(neighbours::cases());
    all
}

/// The example project shipped with the repository.
fn example_project() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns")
}

/// Copies every file under `from` into `to`, keeping relative paths.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("the example project is readable");
        let rel = entry
            .path()
            .strip_prefix(from)
            .expect("walkdir stays under its root");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create directory in the temp copy");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file into the temp copy");
        }
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn path_matches(shown: &str, rel: &str) -> bool {
    let shown = shown.replace('\\', "/");
    shown == rel || shown.ends_with(&format!("/{rel}"))
}

fn describe(d: &Diagnostic, sources: &SourceMap) -> String {
    let file = &sources.get(d.span.file).path;
    let (line, _) = sources.line_col(d.span);
    let mut text = format!(
        "{} {}:{} (bytes {}..{}): {}",
        d.code, file, line, d.span.start, d.span.end, d.message
    );
    for label in &d.labels {
        let (l, _) = sources.line_col(label.span);
        let _ = write!(text, " [label {}:{}]", sources.get(label.span.file).path, l);
    }
    if let Some(help) = &d.help {
        let _ = write!(text, " [help: {help}]");
    }
    text
}

/// The 1-based line of `needle` in the edited copy of `file`, which must
/// contain it exactly once.
fn line_of_unique(root: &Path, file: &str, needle: &str) -> Result<usize, String> {
    let text = std::fs::read_to_string(root.join(file))
        .map_err(|e| format!("cannot read the edited {file}: {e}"))?;
    match text.matches(needle).count() {
        1 => Ok(line_of(&text, text.find(needle).unwrap_or(0))),
        n => Err(format!(
            "`{needle}` occurs {n} times in the edited {file} (must be once)"
        )),
    }
}

/// Applies one case to a fresh copy, compiles it, and returns `None` when
/// the expected diagnostic is there, or what came instead.
fn run_case(c: &Case) -> Option<String> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("campaigns");
    copy_tree(&example_project(), &root);

    let path = root.join(c.file);
    let original = std::fs::read_to_string(&path).expect("the edited file exists");
    let found = original.matches(c.find).count();
    if found != 1 {
        return Some(format!(
            "the find text occurs {found} times in {} (must be once)",
            c.file
        ));
    }
    let at = original.find(c.find).expect("counted once above");
    let edited = format!(
        "{}{}{}",
        &original[..at],
        c.replace,
        &original[at + c.find.len()..]
    );
    std::fs::write(&path, &edited).expect("write the edited file");

    let expected = match c.at {
        At::Edit(anchor) => {
            let in_replacement = if anchor.is_empty() {
                0
            } else if c.replace.matches(anchor).count() == 1 {
                c.replace.find(anchor).expect("counted once")
            } else {
                return Some(format!(
                    "anchor `{anchor}` must occur once in the replacement"
                ));
            };
            Ok((c.file, line_of(&edited, at + in_replacement)))
        }
        At::Back(needle) => match edited[..at].rfind(needle) {
            Some(offset) => Ok((c.file, line_of(&edited, offset))),
            None => Err(format!("`{needle}` does not occur before the edit")),
        },
        At::Text(file, needle) => line_of_unique(&root, file, needle).map(|line| (file, line)),
    };
    let (expected_file, expected_line) = match expected {
        Ok(place) => place,
        Err(why) => return Some(why),
    };
    let exact = match c.spanning {
        None => None,
        Some(text) if c.replace.matches(text).count() == 1 => {
            let start = at + c.replace.find(text).expect("counted once");
            Some(start..start + text.len())
        }
        Some(text) => return Some(format!("`{text}` must occur once in the replacement")),
    };
    let mut labels = Vec::new();
    for (file, needle) in &c.labels {
        match line_of_unique(&root, file, needle) {
            Ok(line) => labels.push((*file, line)),
            Err(why) => return Some(why),
        }
    }

    let compiled = match campaignc::compile(&root) {
        Ok(c) => c,
        Err(e) => return Some(format!("the project could not be loaded: {e}")),
    };
    let sources = &compiled.sources;
    let diags = compiled.problems.into_sorted();
    // `campaignc check` keeps no model and finds the same.
    match campaignc::compile_diagnostics(&root) {
        Ok(lean) => {
            if lean.problems.into_sorted() != diags {
                return Some("`campaignc check` finds other diagnostics than a full check".into());
            }
        }
        Err(e) => return Some(format!("the project could not be loaded: {e}")),
    }
    let at_place = |span: campaignc::source::Span, file: &str, line: usize| {
        path_matches(&sources.get(span.file).path, file) && sources.line_col(span).0 == line
    };
    let hit = diags.iter().any(|d| {
        d.code == c.code
            && at_place(d.span, expected_file, expected_line)
            && d.message.contains(c.name)
            && exact.as_ref().is_none_or(|r| {
                path_matches(&sources.get(d.span.file).path, c.file)
                    && (d.span.start as usize) < r.end
                    && r.start < (d.span.end as usize).max(d.span.start as usize + 1)
            })
            && c.help
                .is_none_or(|h| d.help.as_deref().is_some_and(|t| t.contains(h)))
            && labels
                .iter()
                .all(|(file, line)| d.labels.iter().any(|l| at_place(l.span, file, *line)))
    });
    if hit {
        return None;
    }
    let mut report = format!(
        "expected {} at {}:{} naming `{}`",
        c.code, expected_file, expected_line, c.name
    );
    for (file, line) in &labels {
        let _ = write!(report, ", labelling {file}:{line}");
    }
    if let Some(help) = c.help {
        let _ = write!(report, ", with help mentioning `{help}`");
    }
    if let (Some(text), Some(r)) = (c.spanning, &exact) {
        let _ = write!(
            report,
            ", its span on `{text}` (bytes {}..{})",
            r.start, r.end
        );
    }
    report.push_str("; got:");
    if diags.is_empty() {
        report.push_str(" no diagnostics at all");
    }
    for d in &diags {
        let _ = write!(report, "\n      {}", describe(d, sources));
    }
    Some(report)
}

#[test]
fn the_example_project_is_clean() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("campaigns");
    copy_tree(&example_project(), &root);
    let compiled = campaignc::compile(&root).expect("the example project loads");
    let sources = &compiled.sources;
    let diags = compiled.problems.into_sorted();
    let listed: Vec<String> = diags.iter().map(|d| describe(d, sources)).collect();
    assert!(
        diags.is_empty(),
        "the unmodified example project must have no errors and no warnings:\n{}",
        listed.join("\n")
    );
}

/// Cases (by `what`) the checker does not get right yet. Their
/// expectations above stay exact; this list only keeps them from failing
/// the build while they are reported to the checker's owners. A case here
/// that starts passing fails the test, so the list only ever shrinks.
const KNOWN_MISSES: &[&str] = &[
    // Empty: every case on the list is caught where it should be. A case
    // the checker cannot yet catch goes here with why, so the table keeps
    // its exact expectation without failing the build.
];

#[test]
fn every_deliberate_mistake_is_caught_at_its_place() {
    let all = cases();
    for what in KNOWN_MISSES {
        assert!(
            all.iter().any(|c| c.what == *what),
            "KNOWN_MISSES names no case: {what}"
        );
    }
    let mut failures = Vec::new();
    let mut fixed = Vec::new();
    for c in &all {
        let known = KNOWN_MISSES.contains(&c.what);
        match run_case(c) {
            Some(why) if !known => {
                failures.push(format!("- {} ({} in {}): {why}", c.what, c.code, c.file))
            }
            None if known => fixed.push(c.what),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} deliberate mistakes were not reported as expected:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "now caught as expected, remove from KNOWN_MISSES: {fixed:?}"
    );
}

#[test]
fn harmless_edits_stay_clean() {
    let mut failures = Vec::new();
    for (what, file, find, replace) in harmless::harmless_edits() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("campaigns");
        copy_tree(&example_project(), &root);
        let path = root.join(file);
        let original = std::fs::read_to_string(&path).expect("the edited file exists");
        if original.matches(find).count() != 1 {
            failures.push(format!("- {what}: the find text must occur once in {file}"));
            continue;
        }
        std::fs::write(&path, original.replacen(find, replace, 1)).expect("write the edit");
        let compiled = campaignc::compile(&root).expect("the edited project loads");
        let sources = &compiled.sources;
        let diags = compiled.problems.into_sorted();
        if !diags.is_empty() {
            let listed: Vec<String> = diags.iter().map(|d| describe(d, sources)).collect();
            failures.push(format!("- {what}:\n      {}", listed.join("\n      ")));
        }
    }
    assert!(
        failures.is_empty(),
        "harmless edits were reported:\n{}",
        failures.join("\n")
    );
}
