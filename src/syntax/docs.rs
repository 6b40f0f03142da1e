//! Doc comments. The grammar treats `///` lines as comments; a declaration
//! (or schema item) picks up the `///` lines written directly above it, so
//! a stray doc comment anywhere else is harmless.

use crate::source::{FileId, Span};
use crate::syntax::ast::Doc;

/// The `///` lines directly above the line where `start` is, if `start` is
/// the first thing on its line.
pub fn doc_before(file: FileId, text: &str, start: usize) -> Option<Doc> {
    let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
    if !text[line_start..start].trim().is_empty() {
        return None;
    }
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut end = line_start;
    while end > 0 {
        // The previous line is text[prev_start..end - 1].
        let prev_start = text[..end - 1].rfind('\n').map_or(0, |p| p + 1);
        let line = &text[prev_start..end - 1];
        let trimmed = line.trim_start();
        if !trimmed.starts_with("///") || trimmed.starts_with("////") {
            break;
        }
        let at = prev_start + (line.len() - trimmed.len());
        lines.push((at, trimmed.trim_end()));
        end = prev_start;
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    let first = lines[0].0;
    let (last_at, last_line) = lines[lines.len() - 1];
    let text = lines
        .iter()
        .map(|(_, l)| {
            let body = &l[3..];
            body.strip_prefix(' ').unwrap_or(body)
        })
        .collect::<Vec<_>>()
        .join("\n");
    Some(Doc {
        text,
        span: Span::new(file, first, last_at + last_line.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_consecutive_doc_lines() {
        let text = "// plain\n/// One.\n  ///  Two.\nsegment x = y";
        let start = text.find("segment").unwrap();
        let doc = doc_before(FileId(0), text, start).unwrap();
        assert_eq!(doc.text, "One.\n Two.");
        assert_eq!(&text[doc.span.range()], "/// One.\n  ///  Two.");
    }

    #[test]
    fn plain_comments_and_quadruple_slashes_are_not_docs() {
        let text = "// plain\nsegment x = y";
        assert!(doc_before(FileId(0), text, 9).is_none());
        let text = "//// ruler\nsegment x = y";
        assert!(doc_before(FileId(0), text, 11).is_none());
    }

    #[test]
    fn not_the_first_thing_on_its_line() {
        let text = "/// Doc.\n} segment x = y";
        assert!(doc_before(FileId(0), text, 11).is_none());
    }
}
