//! The canonical layout of a file, computed line by line from the byte
//! classes of [`scan`](super::scan) (never from the AST, which drops
//! comments):
//!
//! - indentation is two spaces per open `{`, `[` or `(` at the start of
//!   the line (closers that begin the line count as already closed), plus
//!   one level for a line that continues an expression (the line before
//!   ends with `=`, an operator or `and`/`or`, or this line starts with
//!   `and`/`or`/a comparison);
//! - a block string moves as a unit: every line of it is shifted by the
//!   amount its opening line moved, so the common indentation that the
//!   parser removes changes by exactly that amount and the value is kept;
//! - trailing blanks are removed outside strings; runs of blank lines
//!   become one; no blank line at the start or end of the file, right after
//!   a line ending in `{`, or right before a line starting with `}`;
//! - exactly one line break ends a non-empty file.

use super::scan::{classify, Class};
use super::spacing;

/// One line of output, with what the blank-line rules need to know.
enum Out {
    /// A blank line outside any string (may be dropped or merged).
    Blank,
    /// A line whose text is final.
    Text {
        text: String,
        /// Its last code token is `{`.
        opens: bool,
        /// Its first code token is `}`.
        closes: bool,
    },
}

/// Lays out `text` in canonical form (see the module doc).
pub fn layout(text: &str) -> String {
    let classes = classify(text);
    let mut depth: i64 = 0;
    let mut block_shift: i64 = 0;
    let mut continues = false;
    let mut out = Vec::new();
    let mut start = 0;
    // The final line break ends the last line; it does not start another.
    let lines = text.strip_suffix('\n').unwrap_or(text);
    for line in lines.split('\n') {
        let end = start + line.len();
        let cls = &classes[start..end];
        let in_block = start > 0 && classes[start - 1] == Class::Str;
        let newline_in_block = classes.get(end) == Some(&Class::Str);
        let (emitted, code_from) = if in_block {
            block_line(line, cls, block_shift, newline_in_block)
        } else {
            let (emitted, new_indent, old_indent) =
                code_line(line, cls, depth, continues, newline_in_block);
            if newline_in_block {
                block_shift = shift_for_block(text, &classes, start, end, new_indent, old_indent);
            }
            (emitted, old_indent)
        };
        let code = code_bytes(&line.as_bytes()[code_from..], &cls[code_from..]);
        depth += bracket_change(&code);
        if !code.iter().all(u8::is_ascii_whitespace) {
            continues = ends_unfinished(&code);
        }
        out.push(emitted);
        start = end + 1;
    }
    join(out)
}

/// A line that starts inside a block string: shifted by `shift`; what
/// follows the closing quotes is code and loses its trailing blanks.
/// Returns the line and where its code part starts.
fn block_line(line: &str, cls: &[Class], shift: i64, newline_in_block: bool) -> (Out, usize) {
    let string_end = cls
        .iter()
        .position(|c| *c != Class::Str)
        .unwrap_or(line.len());
    let closes_here = string_end < line.len() || !newline_in_block;
    let content = match line[..string_end].strip_suffix("\"\"\"") {
        // The content before the closing quotes.
        Some(content) if closes_here => content,
        // An unterminated block string (the parser reports it).
        _ => &line[..string_end],
    };
    let rest = &line[content.len()..];
    let text = if content.trim().is_empty() {
        // Blank lines of a block string are removed entirely by the parser,
        // and so is the indentation before its closing quotes.
        let indent = (content.len() as i64 + shift).max(0) as usize;
        if closes_here {
            format!("{}{}", " ".repeat(indent), rest.trim_end())
        } else {
            String::new()
        }
    } else {
        let shifted = shift_line(content, shift);
        if closes_here {
            format!("{shifted}{}", rest.trim_end())
        } else {
            shifted
        }
    };
    let out = Out::Text {
        text,
        opens: false,
        closes: false,
    };
    (out, string_end)
}

fn shift_line(line: &str, shift: i64) -> String {
    if shift >= 0 {
        format!("{}{line}", " ".repeat(shift as usize))
    } else {
        // `shift_for_block` never removes more than every line has.
        let cut = (-shift) as usize;
        line.get(cut..).unwrap_or(line).to_string()
    }
}

/// A line that starts in code: re-indented and respaced. Returns the line,
/// its new and its old indentation in bytes.
fn code_line(
    line: &str,
    cls: &[Class],
    depth: i64,
    continues: bool,
    ends_in_block: bool,
) -> (Out, usize, usize) {
    let old_indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let body_cls = &cls[old_indent..];
    let body = &line[old_indent..];
    let body = if ends_in_block && block_opener_has_text(body) {
        body
    } else {
        body.trim_end()
    };
    if body.is_empty() {
        return (Out::Blank, 0, old_indent);
    }
    let code = code_bytes(body.as_bytes(), &body_cls[..body.len()]);
    let closers = code
        .iter()
        .take_while(|b| matches!(b, b'}' | b']' | b')'))
        .count() as i64;
    let continuation = closers == 0 && (continues || starts_continuation(&code));
    let level = (depth - closers + i64::from(continuation)).max(0) as usize;
    let indent = 2 * level;
    let text = format!(
        "{}{}",
        " ".repeat(indent),
        spacing::normalize(body, &body_cls[..body.len()])
    );
    let trimmed = trim_ascii(&code);
    let out = Out::Text {
        opens: !ends_in_block && trimmed.last() == Some(&b'{'),
        closes: trimmed.first() == Some(&b'}'),
        text,
    };
    (out, indent, old_indent)
}

/// Whether the line that opens a block string has text after the quotes:
/// that text is content and keeps its blanks.
fn block_opener_has_text(body: &str) -> bool {
    match body.rfind("\"\"\"") {
        Some(at) => !body[at + 3..].trim().is_empty(),
        None => true,
    }
}

/// How far to shift the lines of the block string that opens on the line
/// `start..end` (its opening line moved from `old` to `new` indentation).
/// No shift when the opening line has text after the quotes (that text
/// has no indentation of its own, so shifting would change the value);
/// never more to the left than every line of the block can give.
fn shift_for_block(
    text: &str,
    classes: &[Class],
    start: usize,
    end: usize,
    new: usize,
    old: usize,
) -> i64 {
    let line = &text[start..end];
    let Some(open) = line.rfind("\"\"\"") else {
        return 0;
    };
    if !line[open + 3..].trim().is_empty() {
        return 0;
    }
    let shift = new as i64 - old as i64;
    if shift >= 0 {
        return shift;
    }
    let close = classes[end..]
        .iter()
        .position(|c| *c != Class::Str)
        .map_or(text.len(), |p| end + p);
    let body = text
        .get(end + 1..close.saturating_sub(3).max(end + 1))
        .unwrap_or("");
    let room = body
        .split('\n')
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    shift.max(-(room as i64))
}

/// The code bytes of a line with each string byte replaced by `"` and
/// comments dropped, for bracket counting and token checks.
fn code_bytes(bytes: &[u8], cls: &[Class]) -> Vec<u8> {
    bytes
        .iter()
        .zip(cls)
        .filter(|(_, c)| **c != Class::Comment)
        .map(|(b, c)| if *c == Class::Str { b'"' } else { *b })
        .collect()
}

fn bracket_change(code: &[u8]) -> i64 {
    code.iter()
        .map(|b| match b {
            b'{' | b'[' | b'(' => 1,
            b'}' | b']' | b')' => -1,
            _ => 0,
        })
        .sum()
}

fn trim_ascii(code: &[u8]) -> &[u8] {
    let start = code
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(code.len());
    let end = code
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |p| p + 1);
    &code[start..end]
}

/// Whether a line ending in this code leaves an expression unfinished.
fn ends_unfinished(code: &[u8]) -> bool {
    let code = trim_ascii(code);
    if code.ends_with(b"=") {
        return true;
    }
    // `<`, `>`, `+`, `-` end an expression only as operators, written with
    // a blank before them; `list<string>` does not.
    if let [.., before, last] = code {
        if matches!(last, b'<' | b'>' | b'+' | b'-') && before.is_ascii_whitespace() {
            return true;
        }
    }
    const WORDS: [&str; 8] = [
        "and",
        "or",
        "not",
        "in",
        "where",
        "contains",
        "starts_with",
        "ends_with",
    ];
    let word_start = code
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .map_or(0, |p| p + 1);
    // After a dot the word is a name (`customer.in`), not an operator.
    let after_dot = word_start > 0 && code[word_start - 1] == b'.';
    !after_dot && WORDS.iter().any(|w| &code[word_start..] == w.as_bytes())
}

/// Whether a line starting with this code continues the line before.
fn starts_continuation(code: &[u8]) -> bool {
    let code = trim_ascii(code);
    let word_end = code
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        .unwrap_or(code.len());
    let word = &code[..word_end];
    word == b"and"
        || word == b"or"
        || [&b"=="[..], b"!=", b"<", b">"]
            .iter()
            .any(|op| code.starts_with(op))
}

/// Applies the blank-line rules and joins the lines.
fn join(lines: Vec<Out>) -> String {
    let mut kept: Vec<String> = Vec::with_capacity(lines.len());
    let mut pending_blank = false;
    let mut after_open = true; // the start of the file behaves like `{`
    for line in lines {
        match line {
            Out::Blank => pending_blank = true,
            Out::Text {
                text,
                opens,
                closes,
            } => {
                if pending_blank && !after_open && !closes {
                    kept.push(String::new());
                }
                pending_blank = false;
                after_open = opens;
                kept.push(text);
            }
        }
    }
    if kept.is_empty() {
        return String::new();
    }
    let mut text = kept.join("\n");
    text.push('\n');
    text
}
