//! The JSON renderer: one document for tools and editors.
//!
//! The shape is a public format (`format_version` 1.0; a minor version only
//! adds fields), so it is written through private structs here rather than
//! by serialising the compiler's own types, which stay free to change.

use serde::Serialize;

use super::{clamp, counts, display_path, file_of};
use crate::diagnostics::Diagnostic;
use crate::source::{SourceMap, Span};

const FORMAT_VERSION: &str = "1.0";

#[derive(Serialize)]
struct Document<'a> {
    format_version: &'static str,
    valid: bool,
    error_count: usize,
    warning_count: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    place: Place,
    /// Text under the primary span, if any (an addition to the brief's list,
    /// so that no information of the human output is lost).
    label: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    #[serde(flatten)]
    place: Place,
}

/// Where a span is: all fields `null` when the span names no known file.
#[derive(Serialize)]
struct Place {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    span: Option<ByteSpan>,
}

#[derive(Serialize)]
struct ByteSpan {
    start: usize,
    end: usize,
}

fn place(span: Span, sources: &SourceMap) -> Place {
    match file_of(sources, span) {
        Some(file) => {
            let (start, end) = clamp(span, &file.text);
            // `SourceFile::line_col` is a binary search in the file's
            // precomputed line index, not a scan from the start.
            let (line, column) = file.line_col(start);
            Place {
                file: Some(display_path(file)),
                line: Some(line),
                column: Some(column),
                span: Some(ByteSpan { start, end }),
            }
        }
        None => Place {
            file: None,
            line: None,
            column: None,
            span: None,
        },
    }
}

/// All diagnostics as one pretty-printed JSON document, ending in a newline.
pub fn json(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let (error_count, warning_count) = counts(diags);
    let document = Document {
        format_version: FORMAT_VERSION,
        valid: error_count == 0,
        error_count,
        warning_count,
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code,
                severity: d.severity.as_str(),
                message: &d.message,
                place: place(d.span, sources),
                label: d.primary_label.as_deref(),
                labels: d
                    .labels
                    .iter()
                    .map(|l| JsonLabel {
                        message: &l.message,
                        place: place(l.span, sources),
                    })
                    .collect(),
                help: d.help.as_deref(),
            })
            .collect(),
    };
    // Serialising plain strings and numbers cannot fail; fall back to a
    // valid empty document rather than panicking if it ever did.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_else(|_| {
        format!(
            "{{\"format_version\":\"{FORMAT_VERSION}\",\"valid\":false,\"error_count\":0,\"warning_count\":0,\"diagnostics\":[]}}"
        )
    });
    text.push('\n');
    crate::text::escape_json_controls(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::test_support::{diagnostics, sources};
    use crate::source::FileId;

    #[test]
    fn document_shape_with_labels_in_other_files() {
        let map = sources();
        let out = json(&diagnostics(&map), &map);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn is_valid_json_with_one_based_line_and_column() {
        let map = sources();
        let value: serde_json::Value =
            serde_json::from_str(&json(&diagnostics(&map), &map)).expect("valid JSON");
        assert_eq!(value["valid"], false);
        assert_eq!(value["error_count"], 2);
        assert_eq!(value["warning_count"], 1);
        let first = &value["diagnostics"][0];
        assert_eq!(first["file"], "campaigns/onboarding.camp");
        assert_eq!(first["line"], 3);
        assert_eq!(first["column"], 12);
        assert_eq!(first["labels"][0]["file"], "campaigns/segments.camp");
        assert_eq!(first["labels"][0]["line"], 2);
        assert_eq!(first["labels"][0]["column"], 9);
    }

    #[test]
    fn no_diagnostics_is_valid_and_unknown_files_give_nulls() {
        let map = SourceMap::new();
        let value: serde_json::Value = serde_json::from_str(&json(&[], &map)).expect("valid JSON");
        assert_eq!(value["valid"], true);
        assert_eq!(value["diagnostics"], serde_json::json!([]));

        let d = Diagnostic::warning("W0901", "no .camp files", Span::new(FileId(3), 1, 2));
        let value: serde_json::Value = serde_json::from_str(&json(&[d], &map)).expect("valid JSON");
        assert_eq!(value["valid"], true);
        assert!(value["diagnostics"][0]["file"].is_null());
        assert!(value["diagnostics"][0]["span"].is_null());
    }
}
