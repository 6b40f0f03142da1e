//! A fast scan of the raw text before the grammar runs. pest parses by
//! recursion, so input nested thousands of levels deep would overflow the
//! stack; this scan finds such nesting (and unterminated strings, which it
//! can report more precisely than the grammar) without recursing.
//!
//! Nesting is every construct the grammar enters recursively: brackets
//! `{ ( [` (expressions, blocks, flow steps, split variants, values) and
//! `where` clauses, whose condition may itself hold `performed … where …`
//! with no bracket around it. A `where` opens a level that lasts until its
//! condition surely ends: the enclosing bracket closes, or a `,`, a `{` or
//! a keyword that starts a new step or declaration follows in the same
//! bracket. `not` chains and operator chains are repetitions for the
//! grammar; the tree builder bounds them (`MAX_EXPR_DEPTH`).

use crate::diagnostics::codes::syntax as codes;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

/// The deepest nesting (brackets plus open `where` clauses) accepted. Real
/// campaigns stay far below it.
pub const MAX_NESTING: usize = 128;

/// Reserved words that cannot occur inside a condition, so an open `where`
/// condition ends before them (`if`, `per` and `up` follow a condition in
/// `+5 if …`, `per e where … max 3` and `wait for e where … up to 3d`).
const ENDS_CONDITION: &[&str] = &[
    "if",
    "else",
    "send",
    "wait",
    "up",
    "split",
    "exit",
    "per",
    "max",
    "trigger",
    "every",
    "expect",
    "at",
    "segment",
    "score",
    "message",
    "campaign",
    "persona",
    "schema",
    "defaults",
    "warehouse",
    "lifecycle",
];

/// Checks nesting depth and string termination, skipping comments and
/// string contents the same way the grammar does. Returns the deepest
/// nesting seen, which sizes the parser's stack.
pub fn prescan(file: FileId, text: &str) -> Result<usize, Box<Diagnostic>> {
    // Open `where` levels per open bracket (index 0: outside any bracket).
    let mut wheres: Vec<usize> = vec![0];
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut too_deep_at = None;
    let scanned = for_each_token(text, text.len(), |at, token| {
        match token {
            Token::Bracket(b'{') => {
                close_wheres(&mut wheres, &mut depth);
                wheres.push(0);
                depth += 1;
            }
            Token::Bracket(b'(' | b'[') => {
                wheres.push(0);
                depth += 1;
            }
            Token::Bracket(_) => {
                if wheres.len() > 1 {
                    let open = wheres.pop().unwrap_or(0);
                    depth -= open + 1;
                }
            }
            Token::Comma => close_wheres(&mut wheres, &mut depth),
            Token::Word("where") => {
                if let Some(open) = wheres.last_mut() {
                    *open += 1;
                }
                depth += 1;
            }
            Token::Word(w) if ENDS_CONDITION.contains(&w) => close_wheres(&mut wheres, &mut depth),
            Token::Word(_) => {}
        }
        deepest = deepest.max(depth);
        if depth > MAX_NESTING {
            too_deep_at = Some((at, matches!(token, Token::Word(_))));
            return false;
        }
        true
    });
    if let Some((at, is_where)) = too_deep_at {
        return Err(too_deep(file, at, is_where));
    }
    scanned.map_err(|unterminated_at| {
        let block = text[unterminated_at..].starts_with("\"\"\"");
        unterminated(file, text, unterminated_at, block)
    })?;
    Ok(deepest)
}

/// The words that start a declaration.
pub(crate) const DECLARATION_KEYWORDS: &[&str] = &[
    "defaults",
    "warehouse",
    "schema",
    "lifecycle",
    "segment",
    "score",
    "message",
    "campaign",
    "persona",
    "test",
];

/// Whether the word at `at` is the first thing on its line, and whether it
/// is at column 0.
fn line_position(text: &str, at: usize) -> (bool, bool) {
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let before = &text[line_start..at];
    (before.trim().is_empty(), before.is_empty())
}

/// Where parsing resumes after the declaration starting at `start` failed
/// with an error at `error_at`: the next declaration keyword first on its
/// line outside any bracket opened since `start` (strings and comments
/// skipped). When the brackets never close again (a `}` is missing), the
/// first declaration keyword at column 0, so that the declarations after
/// the unclosed one still parse. Otherwise the end of the text.
pub fn resume_after(text: &str, start: usize) -> usize {
    let rest = text.get(start..).unwrap_or_default();
    let mut depth = 0usize;
    let mut at_column_0 = None;
    let mut found = None;
    // An unterminated string was reported by the prescan already.
    let _ = for_each_token(rest, rest.len(), |at, token| {
        match token {
            Token::Bracket(b'{' | b'(' | b'[') => depth += 1,
            Token::Bracket(_) => depth = depth.saturating_sub(1),
            Token::Word(w) if at > 0 && DECLARATION_KEYWORDS.contains(&w) => {
                let (first_on_line, column_0) = line_position(text, start + at);
                if first_on_line && depth == 0 {
                    found = Some(start + at);
                    return false;
                }
                if column_0 && at_column_0.is_none() {
                    at_column_0 = Some(start + at);
                }
            }
            _ => {}
        }
        true
    });
    found.or(at_column_0).unwrap_or(text.len())
}

/// Where a file can be cut into parts that are parsed on their own (see
/// `syntax::parse_in_parts`): declaration keywords at column 0 outside
/// any bracket (strings and comments skipped), the first at least `gap`
/// bytes into the file and each at least `gap` bytes after the one
/// before. Empty when a string is left open.
pub fn cut_points(text: &str, gap: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut depth = 0usize;
    let mut last = 0usize;
    let scanned = for_each_token(text, text.len(), |at, token| {
        match token {
            Token::Bracket(b'{' | b'(' | b'[') => depth += 1,
            Token::Bracket(_) => depth = depth.saturating_sub(1),
            Token::Word(w)
                if depth == 0
                    && at >= last + gap
                    && DECLARATION_KEYWORDS.contains(&w)
                    && line_position(text, at).1 =>
            {
                cuts.push(at);
                last = at;
            }
            _ => {}
        }
        true
    });
    if scanned.is_err() {
        cuts.clear();
    }
    cuts
}

/// The first offset from `from` on that is not in a blank or a comment,
/// as the grammar skips them between tokens (`WHITESPACE`, `COMMENT`).
pub fn after_trivia(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    loop {
        match bytes.get(i..) {
            Some([b' ' | b'\n' | b'\t' | b'\r', ..]) => i += 1,
            Some([0xEF, 0xBB, 0xBF, ..]) => i += 3,
            Some([b'/', b'/', ..]) => i = memchr_newline(bytes, i),
            _ => return i.min(bytes.len()),
        }
    }
}

/// The declarations of a file that cannot be parsed (see [`prescan`]):
/// `(start, end)` of each, from a declaration keyword at column 0 to the
/// next one (strings and comments skipped up to where a string is left
/// open), so that their heads can be kept.
pub fn declaration_heads(text: &str) -> Vec<(usize, usize)> {
    let mut starts = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let rest = &text[from..];
        let scanned = for_each_token(rest, rest.len(), |at, token| {
            if let Token::Word(w) = token {
                if DECLARATION_KEYWORDS.contains(&w) && line_position(text, from + at).1 {
                    starts.push(from + at);
                }
            }
            true
        });
        // A string left open: go on from the next line.
        match scanned {
            Ok(()) => break,
            Err(open) => from = memchr_newline(text.as_bytes(), from + open) + 1,
        }
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().copied().zip(ends).collect()
}

/// Ends the `where` conditions open in the innermost bracket.
fn close_wheres(wheres: &mut [usize], depth: &mut usize) {
    if let Some(open) = wheres.last_mut() {
        *depth -= *open;
        *open = 0;
    }
}

/// What [`for_each_token`] reports: the tokens that open or close nesting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token<'t> {
    /// One of `{ } ( ) [ ]`.
    Bracket(u8),
    /// `,`.
    Comma,
    /// A word (not one right after a `.`, which is a property name).
    Word(&'t str),
}

/// Calls `visit(offset, byte)` for every bracket `{ } ( ) [ ]` before `end`
/// that is code (not inside a comment or string), until `visit` returns
/// `false`. Fails with the offset of a string that is never closed.
pub fn for_each_bracket(
    text: &str,
    end: usize,
    mut visit: impl FnMut(usize, u8) -> bool,
) -> Result<(), usize> {
    for_each_token(text, end, |at, token| match token {
        Token::Bracket(b) => visit(at, b),
        _ => true,
    })
}

/// Calls `visit(offset, token)` for every [`Token`] before `end` that is
/// code (not inside a comment or string), until `visit` returns `false`.
/// Fails with the offset of a string that is never closed.
pub fn for_each_token<'t>(
    text: &'t str,
    end: usize,
    mut visit: impl FnMut(usize, Token<'t>) -> bool,
) -> Result<(), usize> {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = memchr_newline(bytes, i),
            b'"' if bytes[i..].starts_with(b"\"\"\"") => match text[i + 3..].find("\"\"\"") {
                Some(p) => i = i + 3 + p + 3,
                None => return Err(i),
            },
            b'"' => i = skip_line_string(bytes, i).ok_or(i)?,
            b @ (b'{' | b'(' | b'[' | b'}' | b')' | b']') => {
                if !visit(i, Token::Bracket(b)) {
                    return Ok(());
                }
                i += 1;
            }
            b',' => {
                if !visit(i, Token::Comma) {
                    return Ok(());
                }
                i += 1;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' => {
                let start = i;
                while i < end && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let after_dot = start > 0 && bytes[start - 1] == b'.';
                if !b.is_ascii_digit() && !after_dot {
                    // Every byte of the word is ASCII, so these are char
                    // boundaries.
                    let word = text.get(start..i).unwrap_or_default();
                    if !visit(start, Token::Word(word)) {
                        return Ok(());
                    }
                }
            }
            _ => i += 1,
        }
    }
    Ok(())
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

/// The offset just after the closing quote of the `"` string at `start`,
/// or `None` when the line ends first. Works on bytes: every byte it
/// stops at is ASCII, so multi-byte characters are simply stepped over.
fn skip_line_string(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    // The string ends on its line, so the line end is found once; and once
    // a `{{` finds no `}}` before it, no later `{{` will (linear time on a
    // line of ten thousand tags).
    let mut line_end: Option<usize> = None;
    let mut no_more_closes = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some(i + 1),
            b'\n' => return None,
            b'\\' => {
                if matches!(bytes.get(i + 1), None | Some(b'\n')) {
                    return None;
                }
                i += 2;
            }
            b'{' if bytes.get(i + 1) == Some(&b'{') && !no_more_closes => {
                let line_end = *line_end.get_or_insert_with(|| memchr_newline(bytes, i));
                match bytes[i + 2..line_end].windows(2).position(|w| w == b"}}") {
                    Some(p) => i = i + 2 + p + 2,
                    None => {
                        no_more_closes = true;
                        i += 2;
                    }
                }
            }
            _ => i += 1,
        }
    }
    None
}

fn unterminated(file: FileId, text: &str, start: usize, block: bool) -> Box<Diagnostic> {
    let line_end = memchr_newline(text.as_bytes(), start);
    let span = Span::new(file, start, line_end.max(start + 1).min(text.len()));
    if block {
        Box::new(
            Diagnostic::error(
                codes::UNTERMINATED_STRING,
                "unterminated block string",
                Span::new(file, start, start + 3),
            )
            .with_primary_label("this `\"\"\"` is never closed")
            .with_help("close the block string with `\"\"\"` on a line of its own"),
        )
    } else {
        Box::new(
            Diagnostic::error(codes::UNTERMINATED_STRING, "unterminated string", span)
                .with_primary_label("this string has no closing `\"` on its line")
                .with_help(
                    "close the string with `\"` before the end of the line; \
                 for text over several lines use a block string `\"\"\"…\"\"\"`",
                ),
        )
    }
}

fn too_deep(file: FileId, at: usize, is_where: bool) -> Box<Diagnostic> {
    let (len, what) = if is_where {
        (5, "this `where` clause")
    } else {
        (1, "this bracket")
    };
    Box::new(
        Diagnostic::error(
            codes::NESTING_TOO_DEEP,
            format!(
                "nesting too deep: more than {MAX_NESTING} levels of brackets and `where` clauses"
            ),
            Span::new(file, at, at + len),
        )
        .with_primary_label(format!("{what} starts level {}", MAX_NESTING + 1))
        .with_help("split the expression or flow into smaller parts, such as named segments"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Result<usize, Box<Diagnostic>> {
        prescan(FileId(0), text)
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let deep = "(".repeat(500);
        assert!(scan(&format!("// {deep}\n\"{deep}\" \"\"\"{deep}\"\"\"")).is_ok());
    }

    #[test]
    fn too_deep_is_reported_at_the_bracket_that_crosses_the_limit() {
        let text = format!("x = {}", "(".repeat(20_000));
        let err = scan(&text).unwrap_err();
        assert_eq!(err.code, codes::NESTING_TOO_DEEP);
        assert_eq!(err.span.start as usize, 4 + MAX_NESTING);
    }

    #[test]
    fn limit_itself_is_accepted() {
        let text = format!("{}{}", "{".repeat(MAX_NESTING), "}".repeat(MAX_NESTING));
        assert!(scan(&text).is_ok());
    }

    #[test]
    fn unterminated_strings() {
        let err = scan("a \"abc\nb").unwrap_err();
        assert_eq!(err.code, codes::UNTERMINATED_STRING);
        assert_eq!(err.span.range(), 2..6);
        let err = scan("a \"\"\"abc\n").unwrap_err();
        assert_eq!(err.span.range(), 2..5);
    }

    #[test]
    fn resume_after_a_broken_declaration() {
        // Balanced: the next declaration first on its line, at any indent;
        // not a keyword inside a string, a comment or a bracket.
        let text = "campaign a { x \"segment\" // segment\n  test t }\n  segment b = c";
        assert_eq!(resume_after(text, 0), text.find("  segment b").unwrap() + 2);
        // A `}` missing: the next declaration at column 0.
        let text = "campaign a {\n  flow {\n    send x\n  }\nmessage m: email {}";
        assert_eq!(resume_after(text, 0), text.find("message").unwrap());
        assert_eq!(resume_after("segment a = (", 0), 13);
    }

    #[test]
    fn declaration_heads_go_on_after_an_open_string() {
        let text = "message m: email { subject \"open\n}\ncampaign c {}\n";
        let heads = declaration_heads(text);
        let c = text.find("campaign").unwrap();
        assert_eq!(heads, [(0, c), (c, text.len())]);
    }

    #[test]
    fn quotes_inside_template_tags_do_not_end_strings() {
        assert!(scan(r#"x "Hi {{default a "there"}}!" y"#).is_ok());
        // An unclosed tag is plain text: the quote ends the string.
        assert!(scan(r#"x "Hi {{a" y"#).is_ok());
    }
}
