//! Helpers shared by the checker's integration tests: load a fixture
//! project, run the parser and the checker over it, and render what they
//! report the way people see it.
#![allow(dead_code)]

use campaignc::check::model::Model;
use campaignc::diagnostics::render::{human, HumanOptions};
use campaignc::diagnostics::{Diagnostic, Problems};
use campaignc::source::SourceMap;
use std::path::{Path, PathBuf};

/// The absolute path of a directory under `tests/fixtures/`.
pub fn fixture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Parses and checks every `.camp` file of `dir` (relative to
/// `tests/fixtures/`); returns the sorted diagnostics, the sources and the
/// model.
pub fn check_project(dir: &str) -> (Vec<Diagnostic>, SourceMap, Model) {
    let path = fixture_path(dir);
    let sources = campaignc::project::load(&path)
        .unwrap_or_else(|e| panic!("cannot load fixture {}: {e:?}", path.display()));
    let mut problems = Problems::new();
    let files = campaignc::syntax::parse_project(&sources, &mut problems);
    let model = campaignc::check::check(&files, &mut problems);
    let diagnostics = problems.into_sorted();
    assert_lean_check_agrees(&sources, &diagnostics);
    (diagnostics, sources, model)
}

/// Asserts that `campaignc check`'s way of checking (without keeping the
/// model, nor the segments' bodies: `check::check_diagnostics`) finds exactly `diagnostics`,
/// the sorted diagnostics of a full check of `sources`. Every checker test
/// that goes through these helpers checks it.
pub fn assert_lean_check_agrees(sources: &SourceMap, diagnostics: &[Diagnostic]) {
    let mut problems = Problems::new();
    let files = campaignc::syntax::parse_project_lean(sources, &mut problems);
    campaignc::check::check_diagnostics(files, sources, &mut problems);
    let lean = problems.into_sorted();
    if lean != diagnostics {
        panic!(
            "`campaignc check` finds other diagnostics than a full check:\n--- full\n{}\n--- check\n{}",
            summary(diagnostics, sources),
            summary(&lean, sources)
        );
    }
}

/// Parses and checks a fixture project; the sorted diagnostics and sources.
pub fn check_fixture(dir: &str) -> (Vec<Diagnostic>, SourceMap) {
    let (diags, sources, _) = check_project(dir);
    (diags, sources)
}

/// The human rendering without colour at a fixed width, with file paths
/// made relative to the repository so snapshots do not depend on where it
/// is checked out.
pub fn render_plain(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let text = human(
        diags,
        sources,
        &HumanOptions {
            color: false,
            width: 100,
        },
    );
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    text.replace(&root, "")
}

/// `(file, line, column)` of a diagnostic's primary span.
pub fn location(d: &Diagnostic, sources: &SourceMap) -> (String, usize, usize) {
    let file = sources.get(d.span.file).path.clone();
    let (line, col) = sources.line_col(d.span);
    (file, line, col)
}

/// Every diagnostic as one line, for assertion messages.
pub fn summary(diags: &[Diagnostic], sources: &SourceMap) -> String {
    diags
        .iter()
        .map(|d| {
            let (f, l, c) = location(d, sources);
            format!("{} {f}:{l}:{c} {}", d.code, d.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses and checks a project given as `(path, text)` pairs, in the
/// order given (the order becomes the file ids).
pub fn check_texts(files: &[(&str, &str)]) -> (Vec<Diagnostic>, SourceMap, Model) {
    let mut sources = SourceMap::new();
    for (path, text) in files {
        sources.add(*path, Path::new(path), text.to_string());
    }
    let mut problems = Problems::new();
    let files = campaignc::syntax::parse_project(&sources, &mut problems);
    let model = campaignc::check::check(&files, &mut problems);
    let diagnostics = problems.into_sorted();
    assert_lean_check_agrees(&sources, &diagnostics);
    (diagnostics, sources, model)
}

/// Copies the directory tree `from` to `to` (created), files and folders.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("readable dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Asserts that a run of the binary exited 0, showing its stderr if not.
pub fn succeeded(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
