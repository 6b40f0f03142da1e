//! Folding ranges: declarations, blocks and long strings, runs of comment
//! lines.
//!
//! Every `{ … }` over several lines folds: declarations with a body, the
//! flow, `if`/`else` arms, split arms, `on event`/`on timeout`, `locale`
//! blocks, schema types and events, persona samples. The line of a closing
//! `}` that starts its line stays visible (so `} else {` shows under a
//! folded `if`). Block strings of three lines or more fold like a block;
//! two or more comment lines in a row fold as a comment. Read from the
//! text alone (the grammar's brackets, the formatter's scanner), so a file
//! with syntax errors folds too and no check of the project is needed.

use lsp_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};

use super::server::{Failure, Server};
use crate::fmt::scan::{self, Class};

pub fn folding_ranges(
    server: &mut Server,
    params: FoldingRangeParams,
) -> Result<Option<Vec<FoldingRange>>, Failure> {
    let url = &params.text_document.uri;
    let Some((_, text)) = server.text(url) else {
        return Err(Failure::invalid_params(format!(
            "`{url}` is not a .camp file of the project"
        )));
    };
    Ok(Some(ranges(text)))
}

/// The folding ranges of `text`, sorted by start line; one per start line
/// (the longest).
pub fn ranges(text: &str) -> Vec<FoldingRange> {
    // The start offset of every line, to find a line by offset.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| (starts.partition_point(|&s| s <= offset) - 1) as u32;
    // Whether only blanks come before `offset` on its line.
    let first_on_line = |offset: usize| {
        let line_start = starts[line_of(offset) as usize];
        text[line_start..offset].trim().is_empty()
    };
    let mut out: Vec<FoldingRange> = Vec::new();
    let mut add = |start: usize, end: usize, kind: Option<FoldingRangeKind>| {
        let start_line = line_of(start);
        let mut end_line = line_of(end);
        if kind.is_none() && first_on_line(end) {
            end_line = end_line.saturating_sub(1);
        }
        if end_line > start_line {
            out.push(FoldingRange {
                start_line,
                end_line,
                kind,
                ..FoldingRange::default()
            });
        }
    };
    for (open, close) in crate::syntax::lexemes::blocks(text) {
        add(open, close, None);
    }
    let classes = scan::classify(text);
    // Block strings: from the opening to the closing `"""`.
    let mut i = 0;
    while i < classes.len() {
        let start = i;
        while i < classes.len() && classes[i] == classes[start] {
            i += 1;
        }
        let string = &text[start..i];
        if classes[start] == Class::Str && string.len() >= 6 && string.starts_with("\"\"\"") {
            add(start, i - 3, None);
        }
    }
    // Runs of lines that are comments only.
    let mut run: Option<(usize, usize)> = None;
    for (n, &line_start) in starts.iter().enumerate() {
        let line_end = starts.get(n + 1).map_or(text.len(), |&s| s - 1);
        let line = &text[line_start..line_end];
        let indent = line.len() - line.trim_start().len();
        let comment_line = classes.get(line_start + indent) == Some(&Class::Comment);
        match (comment_line, run) {
            (true, Some((first, _))) => run = Some((first, line_start + indent)),
            (true, None) => run = Some((line_start + indent, line_start + indent)),
            (false, Some((first, last))) => {
                add(first, last, Some(FoldingRangeKind::Comment));
                run = None;
            }
            (false, None) => {}
        }
    }
    if let Some((first, last)) = run {
        add(first, last, Some(FoldingRangeKind::Comment));
    }
    out.sort_by_key(|r| (r.start_line, std::cmp::Reverse(r.end_line)));
    out.dedup_by_key(|r| r.start_line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(u32, u32, bool)> {
        ranges(text)
            .into_iter()
            .map(|r| {
                (
                    r.start_line,
                    r.end_line,
                    r.kind == Some(FoldingRangeKind::Comment),
                )
            })
            .collect()
    }

    #[test]
    fn blocks_keep_their_closing_line_and_else_shows() {
        let text = "/// a\n/// b\ncampaign c {\n  flow {\n    if x {\n      send a\n    } else {\n      send b\n    }\n  }\n}\n";
        assert_eq!(
            lines(text),
            vec![
                (0, 1, true),
                (2, 9, false),
                (3, 8, false),
                (4, 5, false),
                (6, 7, false)
            ]
        );
    }

    #[test]
    fn block_strings_fold_and_single_lines_do_not() {
        let text = "m {\n  body \"\"\"\n    a\n    b\n    \"\"\"\n  x { y }\n}";
        assert_eq!(lines(text), vec![(0, 5, false), (1, 3, false)]);
        assert!(ranges("").is_empty());
        assert!(ranges("\"\"\"").is_empty());
        assert!(ranges("}{ // é\n\"").is_empty());
        // Line ends in CRLF, a `}` closing nothing, non-ASCII comments.
        let text = "a {\r\n  // 😀\r\n  // 名\r\n}\r\n}}\r\n";
        assert_eq!(lines(text), vec![(0, 2, false), (1, 2, true)]);
    }
}
