//! pest errors turned into diagnostics that speak the user's language:
//! "expected a duration such as 2d or 12h", "expected `}`". Grammar rule
//! names never reach the user.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::diagnostics::codes::syntax as codes;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::parser::Rule;

const STEP: &str = "a step: send, wait, wait until, wait for, if, split, set or exit";
const SETTING: &str = "a campaign setting (stage, trigger, audience, reentry, goal, exit when, \
                       locales, send_window, cap, holdout) or `flow`";
const DECLARATION: &str = "a declaration: schema, segment, score, message, campaign, persona, \
                           test, defaults or lifecycle";
const OPERATOR: &str = "an operator";

/// The reserved words (same list as `keyword` in the grammar).
pub const RESERVED: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "is",
    "set",
    "contains",
    "starts_with",
    "ends_with",
    "true",
    "false",
    "now",
    "performed",
    "count",
    "sum",
    "last",
    "where",
    "within",
    "since",
    "if",
    "else",
    "send",
    "wait",
    "until",
    "for",
    "up",
    "to",
    "on",
    "split",
    "exit",
    "per",
    "max",
    "trigger",
    "every",
    "expect",
    "at",
    "by",
    "segment",
    "score",
    "message",
    "campaign",
    "persona",
    "schema",
    "defaults",
    "lifecycle",
];

/// What one grammar rule means to a reader, as "expected …" wants it.
fn phrase(rule: Rule) -> String {
    use Rule::*;
    let s: &str =
        match rule {
            name | named_type => "a name",
            value => "a value",
            expr | and_expr | not_expr | comparison | arith | paren_expr | list_expr | now
            | literal | path | performed | count_query | sum_query | last_query => "an expression",
            compare_op | in_op | not_in | string_op | is_set | is_not_set | add_op | kw_and
            | kw_or => OPERATOR,
            duration => "a duration such as 2d or 12h",
            clock => "a clock time such as 09:00",
            step | send_step | wait_step | wait_until | wait_for | if_step | split_step
            | set_step | exit_step => STEP,
            setting | flow | stage_setting | trigger | audience | reentry | goal | exit_when
            | locales | send_window | cap | holdout => SETTING,
            defaults | schema | lifecycle | segment | score | message | campaign | persona
            | test => DECLARATION,
            trigger_event | trigger_enters | trigger_changed | trigger_every => {
                "a trigger: event, enters, changed or every"
            }
            every_day | every_month | every_weekday | weekday => {
                "`day`, `month` or a weekday such as monday"
            }
            attr_decl | type_decl | event_decl => "a schema entry: attr, type or event",
            field => "a field such as `title \"…\"`",
            locale_block => "a `locale` block",
            event_sample => "an `event` block",
            score_rule | points => "a score rule such as `+5 per EVENT` or `-10 if CONDITION`",
            per_rule | if_rule => "`per EVENT` or `if CONDITION`",
            test_item | test_campaign | test_persona | test_variant | test_start | at_event
            | at_set | expect => "a test entry: campaign, persona, variant, start, at or expect",
            expect_sent | expect_not_sent | expect_converted | expect_exited | expect_completed
            | expect_attr => {
                "an expectation: sent, not sent, converted, exited, completed or customer.ATTR"
            }
            where_clause => "`where`",
            window | within | since_entry => "`within` or `since entry`",
            time_bound => "`at` or `by`",
            max_clause => "`max`",
            else_if | else_block => "`else`",
            on_event | on_timeout => "`on event` or `on timeout`",
            split_variant => "a variant such as `a 50% { … }`",
            variant_path => "SPLIT.VARIANT",
            consent => "`consent(CHANNEL)`",
            type_expr | enum_type | money_type | list_type => "a type",
            optional_mark => "`?`",
            string | line_string | block_string => "a string",
            int => "a whole number",
            number | decimal => "a number",
            percent => "a percentage such as 50%",
            money => "an amount such as 19.90 USD",
            currency => "a currency code such as USD",
            instant | datetime | date => "a date such as 2026-11-22",
            boolean => "true or false",
            locale_tag => "a locale tag such as en or pt-BR",
            word => "a word",
            lbrace => "`{`",
            rbrace => "`}`",
            lparen => "`(`",
            rparen => "`)`",
            lbrack => "`[`",
            rbrack => "`]`",
            equals => "`=`",
            colon => "`:`",
            comma => "`,`",
            dot => "`.`",
            langle => "`<`",
            rangle => "`>`",
            dash => "`-`",
            EOI => "the end of the file",
            other => {
                let debug = format!("{other:?}");
                return match debug.strip_prefix("kw_") {
                    Some(keyword_text) => format!("`{keyword_text}`"),
                    None => "something else".to_string(),
                };
            }
        };
    s.to_string()
}

/// Joins phrases as "a, b or c".
fn join_or(items: &[String]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

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

/// The help line for the most specific thing that was expected.
fn help_for(phrases: &[String]) -> &'static str {
    let has = |p: &str| phrases.iter().any(|x| x == p);
    if has(STEP) {
        "flow steps: `send MESSAGE`, `wait 2d`, `wait until 09:00`, `wait for EVENT up to 3d { … }`, \
         `if COND { … }`, `split NAME { … }`, `set ATTR = EXPR`, `exit`"
    } else if phrases.iter().any(|p| p.starts_with("a duration")) {
        "durations are a number and a unit: 30m, 12h, 2d, 1w, or combined like 1d12h"
    } else if phrases.iter().any(|p| p.starts_with("a clock")) {
        "clock times are HH:MM in the 24-hour clock, e.g. 09:00 or 18:30"
    } else if has("`=`") {
        "a segment is written `segment NAME = CONDITION`; compare with `==`"
    } else if has(SETTING) {
        "campaign settings: stage, trigger, audience, reentry, goal, exit when, locales, \
         send_window, cap, holdout, and one `flow { … }`"
    } else if has(DECLARATION) {
        "every top-level entry starts with a keyword such as `segment`, `message` or `campaign`; \
         check that the previous block's braces are balanced"
    } else if has("a name") {
        "names are lowercase snake_case: a-z, digits and _, starting with a letter or _"
    } else if has("`}`") {
        "every `{` needs a matching `}`"
    } else if has("a value") {
        "values are strings \"…\", numbers, amounts like 19.90 USD, durations like 2d, times like \
         09:00, dates like 2026-11-22, percentages like 50%, true/false, lists [ … ], records \
         { … } or words"
    } else {
        "see `campaignc explain E0101` and the language reference in docs/language.md"
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
    let positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found_word = &text[start..end];
    if positives.contains(&Rule::name) && RESERVED.contains(&found_word) {
        return Diagnostic::error(
            codes::KEYWORD_AS_NAME,
            format!("`{found_word}` is a keyword and cannot be used as a name"),
            span,
        )
        .with_primary_label("reserved keyword")
        .with_help(format!(
            "choose another name, e.g. `{found_word}_` or a more descriptive one"
        ));
    }
    let mut phrases: Vec<String> = Vec::new();
    for rule in &positives {
        let p = phrase(*rule);
        if !phrases.contains(&p) {
            phrases.push(p);
        }
    }
    // An expected operator is rarely the point; mention it last.
    if let Some(i) = phrases.iter().position(|p| p == OPERATOR) {
        let op = phrases.remove(i);
        phrases.push(op);
    }
    let expected = join_or(&phrases);
    let found = describe_found(text, start, end);
    let mut diag = Diagnostic::error(
        codes::UNEXPECTED,
        format!("expected {expected}, found {found}"),
        span,
    )
    .with_primary_label(format!(
        "expected {}",
        phrases.first().map_or("more", |s| s)
    ))
    .with_help(help_for(&phrases));
    if phrases.iter().any(|p| p == "`}`") {
        if let Some(open) = innermost_unclosed_brace(text, pos) {
            diag = diag.with_label(
                Span::new(file, open, open + 1),
                "the block that is still open starts here",
            );
        }
    }
    diag
}

/// The `{` still open at `pos` (strings and comments skipped), if any.
fn innermost_unclosed_brace(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack = Vec::new();
    let mut i = 0;
    while i < pos.min(bytes.len()) {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' if text[i..].starts_with("\"\"\"") => {
                i = text[i + 3..]
                    .find("\"\"\"")
                    .map_or(bytes.len(), |p| i + 6 + p);
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if text[i..].starts_with("{{") {
                        let line_end = text[i..].find('\n').map_or(text.len(), |p| i + p);
                        if let Some(p) = text[i..line_end].find("}}") {
                            i += p + 1;
                        }
                    }
                    i += 1;
                }
            }
            b'{' => stack.push(i),
            b'}' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop()
}
