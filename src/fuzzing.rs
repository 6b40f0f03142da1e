//! Fuzz target bodies, shared by the `cargo fuzz` targets in `fuzz/` and the
//! stable-toolchain smoke test (`tests/fuzz_smoke.rs`), so both harnesses
//! exercise exactly the same code. Not part of the supported API.
//!
//! Every target takes raw bytes: a *bundle* of one or more `.camp` files
//! (see [`files`]), so that names defined in one file and used in another
//! are exercised as in a real project. A target returns normally on any
//! input the tool handles (whatever diagnostics it reports) and panics when
//! it finds a bug: a panic anywhere in the stages (libFuzzer aborts on a
//! panic in any thread), or a broken invariant of the target itself (fmt
//! not idempotent, formatting changing a plan). `docs/fuzzing.md` explains
//! how to run them.

use std::collections::BTreeSet;
use std::path::Path;

use crate::diagnostics::render::{github, human, json, HumanOptions};
use crate::diagnostics::{Diagnostic, Problems, Severity};
use crate::fmt::{format_file, format_text, Outcome};
use crate::plan::{lower_all, to_json, Plan};
use crate::preview::preview_files;
use crate::simulate::runner::run_all;
use crate::source::SourceMap;
use crate::template::Renderer;

/// A line starting with this marker starts a new file in a bundle; the rest
/// of the line is the file's path (see [`files`]).
pub const FILE_MARKER: &str = "%%%";

/// The most files a bundle is split into; later markers are ordinary text.
pub const MAX_FILES: usize = 16;

/// Splits a bundle into `(path, text)` files, sorted by path as
/// [`crate::project::load`] sorts a project.
///
/// The bytes are read as UTF-8 (invalid sequences become U+FFFD: a project
/// file that is not UTF-8 is refused before any stage runs, so there is
/// nothing to fuzz there). A line `%%% PATH` starts a new file named PATH;
/// the text before the first such line is the file `main.camp` (left out
/// when empty and followed by a marker). A missing or unusable PATH (not
/// `[A-Za-z0-9_./-]`, not ending in `.camp`, absolute, with `..`, or a
/// duplicate) becomes `fileN.camp`.
pub fn files(data: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(data);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut name = String::from("main.camp");
    let mut current = String::new();
    let mut started = false;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(FILE_MARKER) {
            if out.len() + 1 < MAX_FILES {
                if started || !current.is_empty() {
                    push_file(&mut out, &name, std::mem::take(&mut current));
                }
                name = rest.trim().to_string();
                started = true;
                continue;
            }
        }
        current.push_str(line);
    }
    push_file(&mut out, &name, current);
    out.sort();
    out
}

fn push_file(out: &mut Vec<(String, String)>, name: &str, text: String) {
    let usable = name.ends_with(".camp")
        && !name.starts_with('/')
        && !name.split('/').any(|part| part.is_empty() || part == "..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c))
        && !out.iter().any(|(n, _)| n == name);
    let path = if usable {
        name.to_string()
    } else {
        format!("file{}.camp", out.len())
    };
    out.push((path, text));
}

/// The bundle of `files`, which [`files`] splits back into the same files
/// (for paths it accepts). Used to turn a project directory into a seed.
pub fn bundle(files: &[(String, String)]) -> Vec<u8> {
    let mut out = String::new();
    for (path, text) in files {
        out.push_str(&format!("{FILE_MARKER} {path}\n"));
        out.push_str(text);
        if !text.is_empty() && !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// The bundle's files as a [`SourceMap`], ids in path order.
pub fn source_map(data: &[u8]) -> SourceMap {
    map_of(files(data))
}

fn map_of(files: Vec<(String, String)>) -> SourceMap {
    let mut map = SourceMap::new();
    for (path, text) in files {
        let disk = Path::new(&path).to_path_buf();
        map.add(path, &disk, text);
    }
    map
}

/// Parse target: every file through the parser, and the diagnostics of
/// those that fail through every diagnostic renderer.
pub fn parse(data: &[u8]) {
    let map = source_map(data);
    let mut diagnostics = Vec::new();
    for file in map.files() {
        if let Err(mut errors) = crate::syntax::parse_file(file) {
            diagnostics.append(&mut errors);
        }
    }
    render_diagnostics(&diagnostics, &map);
}

/// Check target: the whole project compiled (parse and check) and its
/// diagnostics rendered in every format; when it has no errors, also what
/// `build` and `test` do with it: plans lowered and written as JSON,
/// previews rendered, and every `test` block run on the simulator.
pub fn check(data: &[u8]) {
    let map = source_map(data);
    let (model, diagnostics) = compile(&map);
    render_diagnostics(&diagnostics, &map);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    let plans = lower_all(&model, &map);
    for plan in &plans {
        let _ = to_json(plan);
    }
    let _ = preview_files(&model, &plans, &map, &diagnostics);
    let by_name = plans.into_iter().map(|p| (p.campaign.clone(), p)).collect();
    let reports = run_all(&model, &map, None, &by_name, &Renderer::new());
    for report in reports.iter().filter(|r| !r.passed()) {
        let _ = report.failure_text();
    }
}

/// Fmt round-trip target: formats every file as `campaignc fmt` does and
/// panics when
///
/// - the formatter's own safety net fires (the formatted text would parse
///   to a different tree: `fmt` refuses, calling it a bug),
/// - formatting is not idempotent (formatting the result changes it), or
/// - the project has no errors but the formatted project has, or its plans
///   differ from the original's in anything but source lines.
pub fn fmt_roundtrip(data: &[u8]) {
    let map = source_map(data);
    let mut formatted = Vec::new();
    for file in map.files() {
        let text = match format_file(file) {
            Outcome::Unchanged | Outcome::SyntaxErrors(_) => file.text.to_string(),
            Outcome::Formatted(text) => {
                let again = format_text(&text);
                assert!(
                    again == text,
                    "fmt is not idempotent on {}:\n--- once\n{text}\n--- twice\n{again}",
                    file.path
                );
                text
            }
            Outcome::MeaningWouldChange => panic!(
                "fmt would change the meaning of {} (its safety net refused the result)",
                file.path
            ),
        };
        formatted.push((file.path.clone(), text));
    }
    let (model, diagnostics) = compile(&map);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    let formatted_map = map_of(formatted);
    let (formatted_model, formatted_diagnostics) = compile(&formatted_map);
    assert_eq!(
        codes(&diagnostics),
        codes(&formatted_diagnostics),
        "formatting changed the diagnostics of a project without errors"
    );
    let before = lower_all(&model, &map);
    let after = lower_all(&formatted_model, &formatted_map);
    assert_eq!(
        before.len(),
        after.len(),
        "formatting changed the number of plans"
    );
    for (a, b) in before.iter().zip(&after) {
        let (a_json, b_json) = (without_lines(a), without_lines(b));
        assert!(
            a_json == b_json,
            "formatting changed the plan of campaign `{}`:\n--- before\n{a_json}\n--- after\n{b_json}",
            a.campaign
        );
    }
}

/// Parses and checks every file of `map`, as [`crate::compile`] does for a
/// directory; the diagnostics sorted.
fn compile(map: &SourceMap) -> (crate::check::model::Model, Vec<Diagnostic>) {
    let mut problems = Problems::new();
    let asts = crate::syntax::parse_project(map, &mut problems);
    let model = crate::check::check(&asts, &mut problems);
    (model, problems.into_sorted())
}

fn render_diagnostics(diagnostics: &[Diagnostic], map: &SourceMap) {
    let opts = HumanOptions {
        color: false,
        width: 100,
    };
    let _ = human(diagnostics, map, &opts);
    let _ = json(diagnostics, map);
    let _ = github(diagnostics, map);
}

/// Severity and code of each diagnostic, positions and wording aside
/// (messages may quote line numbers, which formatting may change).
fn codes(diagnostics: &[Diagnostic]) -> BTreeSet<(bool, &'static str)> {
    diagnostics
        .iter()
        .map(|d| (d.severity == Severity::Error, d.code))
        .collect()
}

/// The plan as canonical JSON without what formatting may legitimately
/// change: every `line` (source positions) and the `hash` (which covers
/// them).
fn without_lines(plan: &Plan) -> String {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("line");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(plan).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.remove("hash");
        map.remove("source");
    }
    strip(&mut value);
    crate::plan::canonical::canonical_json(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_splits_into_sorted_named_files() {
        let data = b"a\n%%% b.camp\nb1\nb2\n%%% a.camp\nx\n%%%\ny\n%%% ../evil.camp\nz";
        let got = files(data);
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["a.camp", "b.camp", "file3.camp", "file4.camp", "main.camp"]
        );
        assert_eq!(got[1].1, "b1\nb2\n");
        assert_eq!(got[4].1, "a\n");
    }

    #[test]
    fn bundle_and_files_are_inverse() {
        let project = vec![
            ("flows/a.camp".to_string(), "one\n".to_string()),
            ("schema.camp".to_string(), "two\nthree\n".to_string()),
        ];
        assert_eq!(files(&bundle(&project)), project);
    }

    #[test]
    fn text_without_a_marker_is_one_file() {
        assert_eq!(files(b"x"), vec![("main.camp".into(), "x".into())]);
        assert_eq!(files(b""), vec![("main.camp".into(), String::new())]);
    }
}
