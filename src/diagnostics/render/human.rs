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
use crate::text::escape_control;

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
    let mut out = String::new();
    human_each(diags, sources, opts, |text| out.push_str(text));
    out
}

/// The same text as [`human`], handed to `emit` a few reports at a time
/// (then the summary line), so that a project with many diagnostics is
/// printed without holding all of its reports in memory at once. The
/// reports of a batch are drawn on every core and handed on in order.
pub fn human_each(
    diags: &[Diagnostic],
    sources: &SourceMap,
    opts: &HumanOptions,
    mut emit: impl FnMut(&str),
) {
    use rayon::prelude::*;
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    for batch in diags.chunks(REPORTS_AT_ONCE) {
        let texts: Vec<String> = batch
            .par_chunks(REPORTS_PER_TASK)
            .map(|part| {
                let mut out = String::new();
                for diag in part {
                    draw(&handler, diag, sources, &mut out);
                }
                out
            })
            .collect();
        for text in &texts {
            emit(text);
        }
    }
    let (errors, warnings) = counts(diags);
    emit(&format!("{}\n", summary(errors, warnings)));
}

/// Reports drawn before any is handed on: enough to keep every core busy,
/// few enough that the text waiting to be printed stays small.
const REPORTS_AT_ONCE: usize = 4096;

/// Reports one task draws (one string each).
const REPORTS_PER_TASK: usize = 64;

/// Appends `diag`'s report (with a note for each label in another file)
/// and a blank line to `out`.
fn draw(
    handler: &GraphicalReportHandler,
    diag: &Diagnostic,
    sources: &SourceMap,
    out: &mut String,
) {
    let start = out.len();
    let (report, notes) = Report::from_diagnostic(diag, sources);
    let rendered = std::iter::once(&report)
        .chain(&notes)
        .try_for_each(|r| handler.render_report(out, r));
    if rendered.is_err() {
        // Only a span miette cannot read gets here (spans are clamped,
        // so it should not happen); the diagnostic is still shown.
        out.truncate(start);
        out.push_str(&format!(
            "{}[{}]: {}\n",
            diag.severity.as_str(),
            diag.code,
            escape_control(&diag.message)
        ));
    }
    out.push('\n');
}

/// Lines wider than this many columns are shown as windows around the
/// labels, with `…` where text is left out: miette cannot draw past
/// column 65,535, and nobody reads a 30,000-character line anyway.
const MAX_LINE_COLUMNS: usize = 160;

/// Columns of a long line kept on each side of a label's start and end.
const WINDOW_COLUMNS: usize = 40;

/// The lines of one file that a report shows, as miette draws them.
///
/// The excerpt holds the lines of every label (one line of context above
/// and below) in display form: control characters and invisible
/// characters escaped ([`crate::text::escape_control`]) so that the file
/// cannot drive the terminal, and long lines cut to windows around the
/// labels. Label spans are mapped into the excerpt; line numbers and
/// columns in the header are still those of the real file.
#[derive(Debug)]
struct NamedText {
    name: String,
    text: String,
    /// For each excerpt line: its start in `text` and its 0-based line
    /// number in the file.
    lines: Vec<(usize, usize)>,
    /// The real 1-based column of each mapped label start, by its offset
    /// in `text`.
    columns: Vec<(usize, usize)>,
}

impl NamedText {
    /// The excerpt of `file` for labels at `ranges` (clamped byte ranges);
    /// returns it and the ranges mapped into it.
    fn new(
        name: String,
        file: &SourceFile,
        ranges: &[(usize, usize)],
    ) -> (NamedText, Vec<(usize, usize)>) {
        let text = file.text.as_ref();
        let last_line = file.lines.line_count();
        // 1-based lines to show: each label's lines and one on each side.
        let mut shown: Vec<usize> = Vec::new();
        for &(start, end) in ranges {
            let first = file.line_col(start).0;
            let last = file.line_col(end.saturating_sub(1).max(start)).0;
            shown.extend(first.saturating_sub(1).max(1)..=(last + 1).min(last_line));
        }
        shown.sort_unstable();
        shown.dedup();
        let mut points: Vec<usize> = ranges.iter().flat_map(|&(s, e)| [s, e]).collect();
        points.sort_unstable();
        points.dedup();
        let mut excerpt = NamedText {
            name,
            text: String::new(),
            lines: Vec::with_capacity(shown.len()),
            columns: Vec::new(),
        };
        let mut mapped: Vec<(usize, usize)> = Vec::with_capacity(points.len());
        for line in shown {
            let start = file.lines.line_start(line).unwrap_or(text.len());
            let end = file.lines.line_start(line + 1).unwrap_or(text.len());
            let full = &text[start..end];
            let body = full.trim_end_matches(['\n', '\r']);
            let ending = &full[body.len()..];
            // Points in the line break count as its end, so that the
            // window of a long line shows where they are.
            let mut here: Vec<usize> = points
                .iter()
                .filter(|&&p| p >= start && (p < end || p == text.len()))
                .map(|&p| (p - start).min(body.len()))
                .collect();
            here.dedup();
            excerpt.lines.push((excerpt.text.len(), line - 1));
            excerpt.push_line(body, &here, |at, out| mapped.push((start + at, out)));
            // The line break is copied as it is: a point inside `\r\n`
            // keeps its distance from the end of the line.
            let body_end = start + body.len();
            for &p in points.iter().filter(|&&p| p > body_end && p < end) {
                mapped.push((p, excerpt.text.len() + (p - body_end)));
            }
            excerpt.text.push_str(ending);
        }
        let find = |p: usize| {
            mapped
                .iter()
                .find(|(orig, _)| *orig == p)
                .map_or(0, |&(_, out)| out)
        };
        let ranges: Vec<(usize, usize)> = ranges
            .iter()
            .map(|&(s, e)| (find(s), find(e).max(find(s))))
            .collect();
        excerpt.columns = mapped
            .iter()
            .map(|&(orig, out)| (out, file.line_col(orig).1))
            .collect();
        (excerpt, ranges)
    }

    /// Appends one line (without its line break) in display form; `points`
    /// are byte offsets in the line whose place in the excerpt `map` is
    /// told.
    fn push_line(&mut self, line: &str, points: &[usize], mut map: impl FnMut(usize, usize)) {
        let width: usize = line.chars().map(char_columns).sum();
        // The byte ranges of the line to keep.
        let keep: Vec<(usize, usize)> = if width <= MAX_LINE_COLUMNS {
            vec![(0, line.len())]
        } else if points.is_empty() {
            vec![(0, columns_forward(line, 0, MAX_LINE_COLUMNS))]
        } else {
            let mut keep: Vec<(usize, usize)> = Vec::new();
            for &p in points {
                let from = columns_back(line, p, WINDOW_COLUMNS);
                let to = columns_forward(line, p, WINDOW_COLUMNS);
                match keep.last_mut() {
                    Some(last) if from <= last.1 => last.1 = last.1.max(to),
                    _ => keep.push((from, to)),
                }
            }
            keep
        };
        let mut next_point = points.iter().copied().peekable();
        let mut previous_end = 0;
        for (from, to) in keep {
            if from > previous_end {
                self.text.push('…');
            }
            for (i, c) in line[from..to].char_indices() {
                while let Some(p) = next_point.next_if(|&p| p <= from + i) {
                    map(p, self.text.len());
                }
                if crate::text::is_unsafe_control(c) {
                    let mut buf = [0u8; 4];
                    let escaped = crate::text::escape_control(c.encode_utf8(&mut buf));
                    self.text.push_str(&escaped);
                } else {
                    self.text.push(c);
                }
            }
            while let Some(p) = next_point.next_if(|&p| p <= to) {
                map(p, self.text.len());
            }
            previous_end = to;
        }
        if previous_end < line.len() {
            self.text.push('…');
        }
    }
}

/// The columns a character takes in the excerpt: control characters are
/// shown as escapes such as `\u{1b}`.
fn char_columns(c: char) -> usize {
    if crate::text::is_unsafe_control(c) {
        crate::text::escape_control(c.encode_utf8(&mut [0u8; 4])).len()
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

/// The byte offset `columns` display columns before `at` in `line`.
fn columns_back(line: &str, at: usize, columns: usize) -> usize {
    let mut used = 0;
    let mut pos = at;
    for (i, c) in line[..at].char_indices().rev() {
        used += char_columns(c);
        if used > columns {
            break;
        }
        pos = i;
    }
    pos
}

/// The byte offset `columns` display columns after `at` in `line`.
fn columns_forward(line: &str, at: usize, columns: usize) -> usize {
    let mut used = 0;
    for (i, c) in line[at..].char_indices() {
        used += char_columns(c);
        if used > columns {
            return at + i;
        }
    }
    line.len()
}

impl SourceCode for NamedText {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, miette::MietteError> {
        let text = self.text.as_str();
        let start = span.offset();
        if start.saturating_add(span.len()) > text.len() || self.lines.is_empty() {
            return Err(miette::MietteError::OutOfBounds);
        }
        // The last byte the span covers (miette's convention for the end).
        let last = start + span.len().saturating_sub(1);
        let line_of = |offset: usize| match self.lines.binary_search_by_key(&offset, |l| l.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let (first, last) = (line_of(start), line_of(last));
        // Context stops where the excerpt skips lines of the file.
        let mut window_first = first;
        while window_first > 0
            && first - window_first < before
            && self.lines[window_first - 1].1 + 1 == self.lines[window_first].1
        {
            window_first -= 1;
        }
        let mut window_last = last;
        while window_last + 1 < self.lines.len()
            && window_last - last < after
            && self.lines[window_last].1 + 1 == self.lines[window_last + 1].1
        {
            window_last += 1;
        }
        let (data_start, column) = if before == 0 {
            let column = self
                .columns
                .iter()
                .find(|(out, _)| *out == start)
                .map_or(1, |&(_, col)| col);
            (start, column - 1)
        } else {
            (self.lines[window_first].0, 0)
        };
        let data_end = self.lines.get(window_last + 1).map_or(text.len(), |l| l.0);
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            self.lines[window_first].1,
            column,
            window_last + 1 - window_first,
        )))
    }
}

/// A diagnostic in the shape miette draws: one source and its labels.
#[derive(Debug)]
struct Report {
    header: Option<String>,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedText>,
    labels: Vec<LabeledSpan>,
}

impl Report {
    /// The report for the diagnostic's own file (its primary span and the
    /// labels in that file), and one note per label in another file: miette
    /// draws a single source per report. Every text that came from the user
    /// (message, labels, help, the excerpt) has its control characters
    /// escaped.
    fn from_diagnostic(diag: &Diagnostic, sources: &SourceMap) -> (Report, Vec<Report>) {
        let shown = |s: &str| escape_control(s).into_owned();
        let mut report = Report {
            header: Some(format!("{}[{}]", diag.severity.as_str(), diag.code)),
            message: shown(&diag.message),
            severity: match diag.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: diag.help.as_deref().map(shown),
            source: None,
            labels: Vec::new(),
        };
        let mut notes = Vec::new();
        if let Some(file) = file_of(sources, diag.span) {
            // The primary span first, then the labels in the same file.
            let mut ranges = vec![drawable(clamp(diag.span, &file.text), &file.text)];
            let mut texts = vec![diag.primary_label.as_deref().map(shown)];
            for label in &diag.labels {
                if label.span.file == diag.span.file {
                    ranges.push(drawable(clamp(label.span, &file.text), &file.text));
                    texts.push(Some(shown(&label.message)));
                }
            }
            let (excerpt, mapped) = NamedText::new(display_path(file), file, &ranges);
            for (i, ((start, end), text)) in mapped.into_iter().zip(texts).enumerate() {
                report.labels.push(if i == 0 {
                    LabeledSpan::new_primary_with_span(text, start..end)
                } else {
                    LabeledSpan::new_with_span(text, start..end)
                });
            }
            report.source = Some(excerpt);
        }
        for label in &diag.labels {
            let Some(file) = file_of(sources, label.span) else {
                continue;
            };
            if label.span.file == diag.span.file && report.source.is_some() {
                continue;
            }
            let range = drawable(clamp(label.span, &file.text), &file.text);
            let (excerpt, mapped) = NamedText::new(display_path(file), file, &[range]);
            let (start, end) = mapped[0];
            notes.push(Report {
                header: None,
                message: format!("note: {}", shown(&label.message)),
                severity: miette::Severity::Advice,
                help: None,
                source: Some(excerpt),
                labels: vec![LabeledSpan::new_with_span(None, start..end)],
            });
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

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
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
    fn long_lines_are_windows_and_crlf_points_keep_their_place() {
        let mut map = SourceMap::new();
        let long = format!("a = \"{}\" b\r\nnext\r\n", "中".repeat(500));
        let file = map.add("l.camp", std::path::Path::new("l.camp"), long.clone());
        let b = long.find(" b").expect("b") + 1;
        let cr = long.find('\r').expect("cr");
        let diags = vec![
            Diagnostic::error("E0101", "at b", Span::new(file, b, b + 1)).with_primary_label("b"),
            Diagnostic::error(
                "E0101",
                "at the line break",
                Span::new(file, cr + 1, cr + 2),
            )
            .with_primary_label("here"),
        ];
        let out = human(&diags, &map, &plain());
        assert!(out.contains("[l.camp:1:508]"), "{out}");
        assert!(out.contains("[l.camp:1:510]"), "{out}");
        // Both reports show the end of the long line, not its start.
        assert_eq!(out.matches("│ …中中").count(), 2, "{out}");
        assert!(out.lines().all(|l| l.chars().count() < 200), "{out}");
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
