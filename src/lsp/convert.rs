//! Between the compiler's byte offsets and spans and the protocol's
//! positions, ranges, locations and diagnostics.
//!
//! Positions count code units of the negotiated encoding: UTF-8 when the
//! client offers it (no conversion), UTF-16 otherwise (the protocol's
//! default, what VS Code speaks). A position past the end of its line or
//! of the file is clamped, never an error: clients send them after edits.

use std::path::{Path, PathBuf};

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    Url,
};

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{LineIndex, SourceFile, SourceMap, Span};

/// The unit of a position's `character`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The position of a byte offset of `text`.
pub fn position(text: &str, lines: &LineIndex, offset: usize, encoding: Encoding) -> Position {
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let (line, _) = lines.line_col(text, offset);
    let start = lines.line_start(line).unwrap_or(0).min(offset);
    let character = match encoding {
        Encoding::Utf8 => offset - start,
        Encoding::Utf16 => text[start..offset].encode_utf16().count(),
    };
    Position::new((line - 1) as u32, character as u32)
}

/// The byte offset of a position of `text`, clamped to the line's end
/// (before its newline) and to the text's end; never inside a character.
pub fn offset(text: &str, lines: &LineIndex, position: Position, encoding: Encoding) -> usize {
    let Some(start) = lines.line_start(position.line as usize + 1) else {
        return text.len();
    };
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let line = line.strip_suffix('\r').unwrap_or(line);
    let wanted = position.character as usize;
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= wanted {
            return start + i;
        }
        units += match encoding {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
    }
    start + line.len()
}

/// The range of a span of `file`.
pub fn range(file: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range::new(
        position(&file.text, &file.lines, span.start as usize, encoding),
        position(&file.text, &file.lines, span.end as usize, encoding),
    )
}

/// The `file://` URL of a project-relative path.
pub fn url(root: &Path, relative: &str) -> Option<Url> {
    Url::from_file_path(root.join(relative)).ok()
}

/// The project-relative path (with `/` separators) of a URL, if it names
/// a file under `root`.
pub fn relative(root: &Path, url: &Url) -> Option<String> {
    let path: PathBuf = url.to_file_path().ok()?;
    let rest = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rest
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// The location of a span, if it points into a file.
pub fn location(
    root: &Path,
    sources: &SourceMap,
    span: Span,
    encoding: Encoding,
) -> Option<Location> {
    let file = sources.files().get(span.file.0 as usize)?;
    if span == Span::PROJECT {
        return None;
    }
    Some(Location::new(
        url(root, &file.path)?,
        range(file, span, encoding),
    ))
}

/// A compiler diagnostic as the protocol shows it: the same message as the
/// command line, its help appended as the command line prints it, the
/// labels as related information, the code linking to its explanation.
pub fn diagnostic(
    root: &Path,
    sources: &SourceMap,
    d: &Diagnostic,
    encoding: Encoding,
    explain: impl Fn(&str) -> Option<lsp_types::CodeDescription>,
) -> Option<lsp_types::Diagnostic> {
    let file = sources.files().get(d.span.file.0 as usize)?;
    // As the one-line renderers (`--format github`) write it.
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\n\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: location(root, sources, label.span, encoding)?,
                message: label.message.clone(),
            })
        })
        .collect();
    Some(lsp_types::Diagnostic {
        range: range(file, d.span, encoding),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: explain(d.code),
        source: Some("campaignc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "a\nxé😀y\n";
        let lines = LineIndex::new(text);
        let y = text.find('y').unwrap();
        let p = position(text, &lines, y, Encoding::Utf16);
        assert_eq!(p, Position::new(1, 4));
        assert_eq!(offset(text, &lines, p, Encoding::Utf16), y);
        let p8 = position(text, &lines, y, Encoding::Utf8);
        assert_eq!(p8, Position::new(1, 7));
        assert_eq!(offset(text, &lines, p8, Encoding::Utf8), y);
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = "ab\r\ncd";
        let lines = LineIndex::new(text);
        assert_eq!(
            offset(text, &lines, Position::new(0, 99), Encoding::Utf16),
            2
        );
        assert_eq!(
            offset(text, &lines, Position::new(9, 0), Encoding::Utf16),
            6
        );
        // Inside a surrogate pair: the next character, never its middle.
        let text = "😀x";
        let lines = LineIndex::new(text);
        assert_eq!(
            offset(text, &lines, Position::new(0, 1), Encoding::Utf16),
            4
        );
    }
}
