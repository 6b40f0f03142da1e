//! The human renderer: miette's graphical report for each diagnostic, then a
//! summary line.
//!
//! miette draws one source per report, so each label that points into
//! another file becomes a `note` with its own excerpt of that file, drawn
//! after the main excerpt and before the help line: every label is shown
//! next to the code it talks about.

use std::fmt;
use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode, SpanContents};

use super::{clamp, counts, display_path, file_of, summary};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceMap};

/// How to draw human diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanOptions {
    /// ANSI colours; off when piped or with `NO_COLOR`.
    pub color: bool,
    /// Columns to wrap messages at.
    pub width: usize,
}

impl HumanOptions {
    /// Colour only when both stdout and stderr are terminals (diagnostics go
    /// to stderr; output piped either way stays plain) and `NO_COLOR` is unset
    /// or empty; the width of the terminal, or 100 when there is none.
    pub fn for_terminal() -> HumanOptions {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = !no_color && std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
        let width = terminal_size::terminal_size()
            .map(|(w, _)| w.0 as usize)
            .filter(|&w| w >= 40)
            .unwrap_or(100);
        HumanOptions { color, width }
    }
}

/// Every diagnostic as a graphical report, in the given order, then a
/// summary line (`2 errors, 1 warning`).
pub fn human(diags: &[Diagnostic], sources: &SourceMap, opts: &HumanOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    let mut out = String::new();
    for diag in diags {
        let (report, notes) = Report::from_diagnostic(diag, sources);
        let mut one = String::new();
        let rendered = std::iter::once(&report)
            .chain(&notes)
            .try_for_each(|r| handler.render_report(&mut one, r));
        if rendered.is_ok() {
            out.push_str(&one);
        } else {
            // Only a span miette cannot read gets here (spans are clamped,
            // so it should not happen); the diagnostic is still shown.
            out.push_str(&format!(
                "{}[{}]: {}\n",
                diag.severity.as_str(),
                diag.code,
                diag.message
            ));
        }
        out.push('\n');
    }
    let (errors, warnings) = counts(diags);
    out.push_str(&summary(errors, warnings));
    out.push('\n');
    out
}

/// One file under the name people see, as miette wants it.
///
/// miette's own `SourceCode` for strings scans the text from its start for
/// every label and reports byte columns; this one uses the file's
/// [`LineIndex`](crate::source::LineIndex) (a binary search) and reports
/// character columns, the same as the JSON and GitHub output.
#[derive(Debug)]
struct NamedText<'a> {
    name: String,
    file: &'a SourceFile,
}

impl SourceCode for NamedText<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, miette::MietteError> {
        let text = self.file.text.as_str();
        let start = span.offset();
        if start.saturating_add(span.len()) > text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        // The last byte the span covers (miette's convention for the end).
        let last = start + span.len().saturating_sub(1);
        let (first_line, first_column) = self.file.line_col(start);
        let (last_line, _) = self.file.line_col(last);
        let lines = &self.file.lines;
        let window_first = first_line.saturating_sub(before).max(1);
        let window_last = (last_line + after).min(lines.line_count());
        let (data_start, column) = if before == 0 {
            (start, first_column - 1)
        } else {
            (lines.line_start(window_first).unwrap_or(0), 0)
        };
        let data_end = lines.line_start(window_last + 1).unwrap_or(text.len());
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            window_first - 1,
            column,
            window_last + 1 - window_first,
        )))
    }
}

/// A diagnostic in the shape miette draws: one source and its labels.
#[derive(Debug)]
struct Report<'a> {
    header: Option<String>,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedText<'a>>,
    labels: Vec<LabeledSpan>,
}

impl<'a> Report<'a> {
    /// The report for the diagnostic's own file (its primary span and the
    /// labels in that file), and one note per label in another file: miette
    /// draws a single source per report.
    fn from_diagnostic(diag: &Diagnostic, sources: &'a SourceMap) -> (Report<'a>, Vec<Report<'a>>) {
        let mut report = Report {
            header: Some(format!("{}[{}]", diag.severity.as_str(), diag.code)),
            message: diag.message.clone(),
            severity: match diag.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: diag.help.clone(),
            source: None,
            labels: Vec::new(),
        };
        if let Some(file) = file_of(sources, diag.span) {
            let (start, end) = drawable(clamp(diag.span, &file.text), &file.text);
            report.labels.push(LabeledSpan::new_primary_with_span(
                diag.primary_label.clone(),
                start..end,
            ));
            report.source = Some(NamedText {
                name: display_path(file),
                file,
            });
        }
        let mut notes = Vec::new();
        for label in &diag.labels {
            let Some(file) = file_of(sources, label.span) else {
                continue;
            };
            let (start, end) = drawable(clamp(label.span, &file.text), &file.text);
            if label.span.file == diag.span.file && report.source.is_some() {
                report.labels.push(LabeledSpan::new_with_span(
                    Some(label.message.clone()),
                    start..end,
                ));
            } else {
                notes.push(Report {
                    header: None,
                    message: format!("note: {}", label.message),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Some(NamedText {
                        name: display_path(file),
                        file,
                    }),
                    labels: vec![LabeledSpan::new_with_span(None, start..end)],
                });
            }
        }
        // The help line comes last, after any notes, as in rustc.
        if let Some(last) = notes.last_mut() {
            last.help = report.help.take();
        }
        (report, notes)
    }
}

/// miette draws nothing for an empty span at the very end of a file (there
/// is no character to point at). Such a span ("unexpected end of file") is
/// drawn just after the last non-blank text instead, or under the last
/// character when the file does not end in white space.
fn drawable((start, end): (usize, usize), text: &str) -> (usize, usize) {
    if start != end || start != text.len() || text.is_empty() {
        return (start, end);
    }
    let content_end = text.trim_end().len();
    if content_end < text.len() {
        (content_end, content_end)
    } else {
        let last = text.char_indices().next_back().map_or(0, |(i, _)| i);
        (last, text.len())
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.header
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::test_support::{diagnostics, sources};
    use crate::source::{FileId, Span};

    fn plain() -> HumanOptions {
        HumanOptions {
            color: false,
            width: 100,
        }
    }

    #[test]
    fn renders_code_labels_other_file_note_help_and_summary() {
        let map = sources();
        let out = human(&diagnostics(&map), &map, &plain());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn plain_output_has_no_ansi_escapes_and_colour_output_has_them() {
        let map = sources();
        let diags = diagnostics(&map);
        assert!(!human(&diags, &map, &plain()).contains('\u{1b}'));
        let coloured = HumanOptions {
            color: true,
            width: 100,
        };
        assert!(human(&diags, &map, &coloured).contains('\u{1b}'));
    }

    #[test]
    fn a_diagnostic_outside_any_file_renders_without_a_snippet() {
        let map = SourceMap::new();
        let d = Diagnostic::warning(
            "W0901",
            "no .camp files found in campaigns",
            Span::default(),
        )
        .with_label(Span::new(FileId(7), 0, 3), "nowhere");
        let out = human(&[d], &map, &plain());
        assert!(out.contains("warning[W0901]"), "{out}");
        assert!(out.contains("no .camp files found in campaigns"), "{out}");
        assert!(out.ends_with("1 warning\n"), "{out}");
    }

    #[test]
    fn out_of_range_spans_do_not_panic() {
        let map = sources();
        let d = Diagnostic::error("E0101", "past the end", Span::new(FileId(0), 9_000, 9_999))
            .with_primary_label("here");
        let out = human(&[d], &map, &plain());
        assert!(out.contains("past the end"), "{out}");
    }

    #[test]
    fn columns_count_characters_and_edge_spans_render() {
        let mut map = SourceMap::new();
        let text = "message chao: sms {\r\n  locale vi { body \"Chào {{bạn}}\" }\r\n}";
        let file = map.add("vi.camp", std::path::Path::new("vi.camp"), text.to_string());
        let at = |needle: &str| {
            let start = text.find(needle).expect("needle");
            Span::new(file, start, start + needle.len())
        };
        let diags = vec![
            Diagnostic::error("E0402", "unknown variable `bạn`", at("bạn"))
                .with_primary_label("not in scope"),
            Diagnostic::error(
                "E0101",
                "unexpected end of file",
                Span::new(file, text.len(), text.len()),
            )
            .with_primary_label("expected `}`"),
            Diagnostic::error("E0102", "zero-length mid-text", Span::new(file, 5, 5))
                .with_primary_label("point"),
            Diagnostic::warning("W0701", "a span over two lines", at("{\r\n  locale"))
                .with_primary_label("here"),
        ];
        let out = human(&diags, &map, &plain());
        // "  locale vi { body "Chào {{" is 27 characters (29 bytes) before `bạn`.
        assert!(out.contains("[vi.camp:2:28]"), "{out}");
        insta::assert_snapshot!(out);

        let mut empty = SourceMap::new();
        let file = empty.add(
            "empty.camp",
            std::path::Path::new("empty.camp"),
            String::new(),
        );
        let d =
            Diagnostic::warning("W0901", "empty", Span::new(file, 0, 0)).with_primary_label("here");
        assert!(human(&[d], &empty, &plain()).contains("empty.camp:1:1"));
    }
}
