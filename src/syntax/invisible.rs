//! Characters that make a file read differently from what it is: the
//! bidirectional controls and zero-width characters of the "Trojan Source"
//! trick (W0102), and raw control characters such as ESC (W0103). Both are
//! reported wherever they are (strings, templates, comments, doc comments),
//! one warning per line, pointing at the exact character.

use crate::diagnostics::codes::syntax as codes;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, Span};
use crate::text;

/// What a suspicious character is, for the warning.
enum Kind {
    Invisible(String),
    Control,
}

fn kind(c: char) -> Option<Kind> {
    if let Some(name) = text::describe_invisible(c) {
        Some(Kind::Invisible(name))
    } else if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
        Some(Kind::Control)
    } else {
        None
    }
}

/// A byte that is a whole character and never suspicious: printable
/// ASCII, a line break or a tab.
fn plain_ascii(b: u8) -> bool {
    matches!(b, b' '..=b'~' | b'\n' | b'\r' | b'\t')
}

/// One warning per line that holds invisible or control characters.
pub fn check(file: &SourceFile) -> Vec<Diagnostic> {
    let source = file.text.as_ref();
    let mut out = Vec::new();
    // (line start, its warning, characters not labelled) for the line
    // being collected.
    let mut current: Option<(usize, Diagnostic, usize)> = None;
    let bytes = source.as_bytes();
    // Where the search for the next suspicious character goes on.
    let mut next = 0;
    // The start of the line of the last suspicious character, and how far
    // the text was searched for line breaks.
    let (mut line_start, mut searched) = (0, 0);
    // Only characters that are not printable ASCII can be suspicious: the
    // rest of the text is skipped byte by byte, without decoding it.
    while let Some(skip) = bytes[next..].iter().position(|&b| !plain_ascii(b)) {
        let at = next + skip;
        let Some(c) = source[at..].chars().next() else {
            break;
        };
        next = at + c.len_utf8();
        // A byte order mark that starts the file is an encoding mark, not text.
        if at == 0 && c == '\u{FEFF}' {
            continue;
        }
        let Some(kind) = kind(c) else {
            continue;
        };
        if let Some(n) = source[searched..at].rfind('\n') {
            line_start = searched + n + 1;
        }
        searched = at;
        let span = Span::new(file.id, at, at + c.len_utf8());
        let escape = format!("\\u{{{:X}}}", c as u32);
        let (name, label) = match &kind {
            Kind::Invisible(name) => (name.clone(), name.clone()),
            Kind::Control => (
                format!("control character U+{:04X}", c as u32),
                format!("U+{:04X}", c as u32),
            ),
        };
        if let Some((start, diag, more)) = current.take() {
            if start == line_start {
                current = Some(if diag.labels.len() < MAX_LABELS {
                    (start, diag.with_label(span, label), more)
                } else {
                    (start, diag, more + 1)
                });
                continue;
            }
            out.push(finish(diag, more));
        }
        let diag = match kind {
            Kind::Invisible(_) => Diagnostic::warning(
                codes::INVISIBLE_CHARACTER,
                format!("invisible character {name} in the text"),
                span,
            )
            .with_primary_label(label)
            .with_help(format!(
                "this character is not shown, yet it can reorder or hide the text \
                 around it (the \"Trojan Source\" trick); delete it, or if it is \
                 meant, write it as the escape `{escape}` in a \"…\" string"
            )),
            Kind::Control => Diagnostic::warning(
                codes::CONTROL_CHARACTER,
                format!("raw {name} in the text"),
                span,
            )
            .with_primary_label(label)
            .with_help(format!(
                "control characters can drive a terminal and break messages; \
                 delete it, or if it is meant, write it as the escape `{escape}` \
                 in a \"…\" string"
            )),
        };
        current = Some((line_start, diag, 0));
    }
    out.extend(current.map(|(_, d, more)| finish(d, more)));
    out
}

/// A warning labels at most this many further characters of its line.
const MAX_LABELS: usize = 8;

/// Says how many characters of the line were not labelled.
fn finish(mut diag: Diagnostic, more: usize) -> Diagnostic {
    if more > 0 {
        diag.message
            .push_str(&format!(" (and {more} more on this line)"));
    }
    diag
}
