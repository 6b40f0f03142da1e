//! The human renderer: miette's graphical report for each diagnostic, then a
//! summary line.
//!
//! miette draws one source per report, so labels that point into another
//! file become a related "note" report with its own snippet of that file;
//! every label is shown next to the code it talks about.

use std::fmt;
use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode, SpanContents};

use super::{clamp, counts, display_path, file_of, summary};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceMap;

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
        let rendered = std::iter::once(&report)
            .chain(&notes)
            .try_for_each(|r| handler.render_report(&mut out, r));
        if rendered.is_err() {
            // Writing into a String cannot fail; keep the plain form anyway.
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

/// One file's text under the name people see, as miette wants it.
#[derive(Debug)]
struct NamedText<'a> {
    name: String,
    text: &'a str,
}

impl SourceCode for NamedText<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
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
            let (start, end) = clamp(diag.span, &file.text);
            report.labels.push(LabeledSpan::new_primary_with_span(
                diag.primary_label.clone(),
                start..end,
            ));
            report.source = Some(NamedText {
                name: display_path(file),
                text: &file.text,
            });
        }
        let mut notes = Vec::new();
        for label in &diag.labels {
            let Some(file) = file_of(sources, label.span) else {
                continue;
            };
            let (start, end) = clamp(label.span, &file.text);
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
                        text: &file.text,
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
}
