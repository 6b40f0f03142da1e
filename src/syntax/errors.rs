//! pest errors turned into diagnostics that speak the user's language:
//! "expected a duration such as 2d or 12h", "expected `}`". Grammar rule
//! names never reach the user.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::diagnostics::codes::syntax as codes;
use crate::diagnostics::{Diagnostic, Fix};
use crate::source::{FileId, Span};
use crate::syntax::parser::Rule;
use crate::syntax::prescan::for_each_bracket;

use crate::syntax::expected::{
    candidates, did_you_mean, help_for, join_or, phrase, rank, tail_entries, OPERATOR, SETTING,
};

/// The bytes of the word (or the one character) at `pos`.
fn token_at(text: &str, pos: usize) -> (usize, usize) {
    let rest = &text[pos..];
    let word_len: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum();
    if word_len > 0 {
        return (pos, pos + word_len);
    }
    let len = rest.chars().next().map_or(0, char::len_utf8);
    (pos, pos + len)
}

fn describe_found(text: &str, start: usize, end: usize) -> String {
    let token = &text[start..end];
    match token {
        "" => "the end of the file".to_string(),
        "\n" | "\r" => "the end of the line".to_string(),
        "\"" => "a string".to_string(),
        t => format!("`{t}`"),
    }
}

/// Converts a pest error on `text` into our diagnostic.
pub fn from_pest(file: FileId, text: &str, error: &Error<Rule>) -> Diagnostic {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    let (start, end) = token_at(text, pos);
    let span = Span::new(file, start, end);
    let mut positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    // The recovery rule is an implementation detail, never what to write.
    positives.retain(|r| *r != Rule::bad_line);
    positives = positives
        .into_iter()
        .flat_map(|r| tail_entries(r).map_or_else(|| vec![r], <[Rule]>::to_vec))
        .collect();
    positives.sort_by_key(|r| rank(*r));
    let found_word = &text[start..end];
    let mut phrases: Vec<String> = Vec::new();
    for rule in &positives {
        let p = phrase(*rule);
        if !phrases.contains(&p) {
            phrases.push(p);
        }
    }
    // Noise: optional separators, and words the main phrase already lists.
    if phrases.len() > 1 {
        phrases.retain(|p| p != "`,`");
    }
    if phrases.iter().any(|p| p == SETTING) {
        phrases.retain(|p| p != "`flow`");
    }
    if phrases.iter().any(|p| p == OPERATOR) {
        phrases.retain(|p| p != "`not`");
    }
    let found = describe_found(text, start, end);
    let at_end = start == text.len();
    let closers = ["`}`", "`)`", "`]`"];
    let missing_closer = closers
        .iter()
        .find(|c| phrases.iter().any(|p| p == *c))
        .map(|c| c.as_bytes()[1]);
    let message = match missing_closer {
        Some(closer) if at_end => format!(
            "the file ends inside a block: expected `{}`",
            closer as char
        ),
        _ => format!("expected {}, found {found}", join_or(&phrases)),
    };
    let mut help = match missing_closer {
        Some(closer) if at_end => format!(
            "add the missing `{}`; every opening bracket needs a matching closing one",
            closer as char
        ),
        _ => help_for(&phrases, &positives, found_word),
    };
    // The misspelt word itself is `span` (whatever the diagnostic ends
    // up pointing at), so the fix replaces exactly it.
    let mut fix = None;
    if let Some(word) = did_you_mean(found_word, &positives) {
        help = format!("did you mean `{word}`? {help}");
        fix = Some(Fix::replace(span, word));
    }
    let label = if at_end {
        "the file ends here".to_string()
    } else {
        primary_label(&phrases)
    };
    let mut diag = Diagnostic::error(codes::UNEXPECTED, message, span)
        .with_primary_label(label)
        .with_help(help);
    diag.fixes.extend(fix);
    // Point at the open bracket when it is the likely culprit: the file
    // ended, the next declaration began, or nothing but the closer fits.
    let starts_declaration = candidates(Rule::file).contains(&found_word);
    let closer_is_the_point = at_end
        || starts_declaration
        || phrases
            .first()
            .is_some_and(|p| closers.contains(&p.as_str()));
    if let Some(closer) = missing_closer.filter(|_| closer_is_the_point) {
        let opener = match closer {
            b'}' => b'{',
            b')' => b'(',
            _ => b'[',
        };
        if let Some(open) = innermost_unclosed(text, pos, opener, closer) {
            diag = diag.with_label(
                Span::new(file, open, open + 1),
                format!("this `{}` is not closed yet", opener as char),
            );
        }
    }
    diag
}

/// The text under the error: what was expected, short enough for a label.
fn primary_label(phrases: &[String]) -> String {
    let all = join_or(phrases);
    if all.chars().count() <= 50 {
        return format!("expected {all}");
    }
    match phrases.first() {
        // "a campaign setting (stage, …)" → "a campaign setting".
        Some(first) if !first.starts_with('`') => {
            let short = first.split([':', '(']).next().unwrap_or(first).trim_end();
            format!("expected {short}")
        }
        _ => "not expected here".to_string(),
    }
}

/// The `opener` still open at `pos` (strings and comments skipped), if any.
fn innermost_unclosed(text: &str, pos: usize, opener: u8, closer: u8) -> Option<usize> {
    let mut stack = Vec::new();
    // An unterminated string would have been reported by the prescan.
    let _ = for_each_bracket(text, pos, |at, bracket| {
        if bracket == opener {
            stack.push(at);
        } else if bracket == closer {
            stack.pop();
        }
        true
    });
    stack.pop()
}
