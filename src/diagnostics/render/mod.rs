//! Turning [`Diagnostic`]s into text for people (`human`), for programs
//! (`json`), for GitHub's pull-request annotations (`github`) and for code
//! scanning tools (`sarif`).
//!
//! Renderers read only the diagnostics and the [`SourceMap`]; they never
//! re-read files. A diagnostic whose span names a file that is not in the map
//! (a project-level problem such as "no `.camp` files") is rendered without a
//! location instead of panicking.

mod github;
mod human;
mod json;
mod sarif;

pub use github::github;
pub use human::{human, human_each, HumanOptions};
pub use json::json;
pub use sarif::{sarif, FailedTest, TEST_RULE};

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceMap, Span};

/// The file a span points into, if the map has it.
fn file_of(sources: &SourceMap, span: Span) -> Option<&SourceFile> {
    sources.files().get(span.file.0 as usize)
}

/// The path shown to people: the file as found on disk (relative to where
/// the tool was run when the project directory was given relatively), with
/// `/` separators so that output is the same on every OS.
fn display_path(file: &SourceFile) -> String {
    let shown = file.disk_path.to_string_lossy();
    if shown.is_empty() {
        file.path.clone()
    } else {
        shown.replace('\\', "/")
    }
}

/// A span's byte range, clamped to the file and to character boundaries, so
/// that a stage reporting a slightly wrong span cannot make a renderer panic.
fn clamp(span: Span, text: &str) -> (usize, usize) {
    let start = crate::text::floor_char_boundary(text, span.start as usize);
    let end = crate::text::floor_char_boundary(text, (span.end as usize).max(start));
    (start, end)
}

/// Counts of errors and warnings among `diags`.
fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diags.len() - errors)
}

/// "1 error", "2 errors, 1 warning", "no errors or warnings".
pub fn summary(errors: usize, warnings: usize) -> String {
    fn plural(n: usize, word: &str) -> String {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    }
    match (errors, warnings) {
        (0, 0) => "no errors or warnings".to_string(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A small two-file project and a few diagnostics over it, shared by the
    //! renderer tests.
    use crate::diagnostics::Diagnostic;
    use crate::source::{FileId, SourceMap, Span};
    use std::path::Path;

    pub const ONBOARDING: &str = "campaign onboarding {\n  stage onboarding\n  audience new_trail\n  flow {\n    send welcom\n  }\n}\n";
    pub const SEGMENTS: &str = "/// Trial users.\nsegment new_trials = plan == trial\n";

    pub fn sources() -> SourceMap {
        let mut map = SourceMap::new();
        map.add(
            "onboarding.camp",
            Path::new("campaigns/onboarding.camp"),
            ONBOARDING.to_string(),
        );
        map.add(
            "segments.camp",
            Path::new("campaigns/segments.camp"),
            SEGMENTS.to_string(),
        );
        map
    }

    pub fn span_of(map: &SourceMap, file: u32, needle: &str) -> Span {
        let text = &map.get(FileId(file)).text;
        let start = text.find(needle).expect("needle in test source");
        Span::new(FileId(file), start, start + needle.len())
    }

    pub fn diagnostics(map: &SourceMap) -> Vec<Diagnostic> {
        vec![
            Diagnostic::error(
                "E0201",
                "unknown segment `new_trail`",
                span_of(map, 0, "new_trail"),
            )
            .with_primary_label("no segment with this name")
            .with_label(
                span_of(map, 1, "new_trials"),
                "a segment with a similar name",
            )
            .with_help("did you mean `new_trials`?"),
            Diagnostic::error(
                "E0202",
                "unknown message `welcom`",
                span_of(map, 0, "welcom"),
            )
            .with_primary_label("not declared anywhere")
            .with_label(span_of(map, 0, "onboarding {"), "in this campaign")
            .with_help("did you mean `welcome`?"),
            Diagnostic::warning(
                "W0901",
                "segment `new_trials` has a doc comment, 100% useful",
                span_of(map, 1, "/// Trial users."),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_pluralises_and_omits_zero_counts() {
        assert_eq!(summary(0, 0), "no errors or warnings");
        assert_eq!(summary(1, 0), "1 error");
        assert_eq!(summary(0, 1), "1 warning");
        assert_eq!(summary(2, 1), "2 errors, 1 warning");
        assert_eq!(summary(1, 3), "1 error, 3 warnings");
    }

    #[test]
    fn clamp_keeps_spans_inside_the_text_and_on_char_boundaries() {
        let text = "čau";
        let span = |s, e| Span::new(crate::source::FileId(0), s, e);
        assert_eq!(clamp(span(1, 2), text), (0, 2));
        assert_eq!(clamp(span(1, 1), text), (0, 0));
        assert_eq!(clamp(span(0, 99), text), (0, text.len()));
        assert_eq!(clamp(span(3, 1), text), (3, 3));
    }
}
