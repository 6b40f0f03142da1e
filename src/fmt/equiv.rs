//! The formatter's safety net: two files mean the same when their syntax
//! trees are equal once every source position is erased. The trees are
//! compared through their `Debug` text, with `Span { … }` values and the
//! `offsets` maps of string literals (decoded → source positions) blanked
//! out; string values stay, so a block string whose decoded text changed
//! is a difference.

use crate::syntax::ast::SourceFileAst;

/// The tree's `Debug` text with every source position erased.
pub fn erase_spans(ast: &SourceFileAst) -> String {
    erase_positions(&format!("{ast:?}"))
}

/// Blanks out `Span { … }`, `FileId(…)` and `offsets: […]` outside the `Debug` text's
/// quoted strings (whose quotes and backslashes are escaped, so a string
/// value never ends early or looks like a span).
fn erase_positions(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(ch) = rest.chars().next() {
        if ch == '"' {
            let end = quoted_end(rest);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if let Some(after) = skip_group(rest, "Span {", '}') {
            out.push_str("Span");
            rest = after;
        } else if let Some(after) = skip_group(rest, "FileId(", ')') {
            out.push_str("FileId");
            rest = after;
        } else if let Some(after) = skip_group(rest, "offsets: [", ']') {
            out.push_str("offsets");
            rest = after;
        } else {
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    out
}

/// If `text` starts with `open`, the text after the next `close`.
fn skip_group<'a>(text: &'a str, open: &str, close: char) -> Option<&'a str> {
    let inner = text.strip_prefix(open)?;
    let end = inner.find(close)?;
    Some(&inner[end + close.len_utf8()..])
}

/// The length of the quoted string at the start of `text`, quotes included.
fn quoted_end(text: &str) -> usize {
    let mut escaped = false;
    for (i, ch) in text.char_indices().skip(1) {
        match ch {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i + 1,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_offsets_are_erased_but_strings_are_kept() {
        let debug = r#"Lit { value: "Span { x }", span: Span { file: FileId(0), start: 3, end: 9 }, offsets: [(0, 4)] }"#;
        assert_eq!(
            erase_positions(debug),
            r#"Lit { value: "Span { x }", span: Span, offsets }"#
        );
    }

    #[test]
    fn escaped_quotes_do_not_end_a_string() {
        let debug = r#"a: "x \" Span { 1 }", b: Span { 2 }"#;
        assert_eq!(erase_positions(debug), r#"a: "x \" Span { 1 }", b: Span"#);
    }
}
