//! What the grammar accepts at a cursor: the keywords that fit there and
//! whether a name, an expression, a value, a duration or a locale tag
//! does, for an editor's completion.
//!
//! The user is typing, so the line at the cursor usually does not parse.
//! Only the entry being written is parsed: the text from the start of its
//! line (or from the innermost open `{` on that line) to the start of the
//! word under the cursor, with the `*_tail` rule of the innermost open
//! container (a flow block, a campaign, a test, …), the same rules that
//! word the errors of skipped lines. pest then reports what it expected
//! at the end of that text; the keywords come from those grammar rules
//! (the `kw_*` rules and [`super::expected::candidates`]), never from a
//! second list.

use super::expected::{candidates, tail_entries};
use super::parser::Rule;
use super::prescan::{self, Token, DECLARATION_KEYWORDS};
use crate::text::floor_char_boundary;

/// What fits at a cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// The keywords that may start here, in grammar order, without
    /// duplicates.
    pub keywords: Vec<String>,
    /// A name (of a message after `send`, of an event after `wait for`,
    /// a field of a message or persona, …).
    pub name: bool,
    /// An expression (names of attributes, segments, scores, literals).
    pub expression: bool,
    /// A value (a field's value, an enum variant, …).
    pub value: bool,
    pub duration: bool,
    pub locale_tag: bool,
    /// The cursor is inside a string (a template) or a comment: nothing
    /// of the grammar applies.
    pub in_text: bool,
}

/// The start of the word (`[A-Za-z0-9_]` run) that ends at `offset`.
pub fn word_start(text: &str, offset: usize) -> usize {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let bytes = text.as_bytes();
    let mut start = offset;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    start
}

/// What the grammar accepts at byte `offset` of `text` (the word being
/// typed there is ignored). Never fails: a place the grammar cannot tell
/// about gives an empty [`Expected`].
pub fn expected_at(text: &str, offset: usize) -> Expected {
    let cut = word_start(text, offset);
    let line_start = text[..cut].rfind('\n').map_or(0, |p| p + 1);
    let decl_start = declaration_start(text, cut);
    // The open brackets between the declaration's start and the cursor.
    let mut open: Vec<usize> = Vec::new();
    // Scanning only the text before the cursor, a string the cursor is in
    // is one that never closes.
    let before = &text[decl_start..cut];
    let scanned = prescan::for_each_token(before, before.len(), |at, token| {
        match token {
            Token::Bracket(b'{' | b'(' | b'[') => open.push(decl_start + at),
            Token::Bracket(_) => {
                open.pop();
            }
            _ => {}
        }
        true
    });
    if scanned.is_err() || in_comment(&text[line_start..cut]) {
        return Expected {
            in_text: true,
            ..Expected::default()
        };
    }
    let braces: Vec<usize> = open
        .iter()
        .copied()
        .filter(|&at| text.as_bytes()[at] == b'{')
        .collect();
    let Some(&brace) = braces.last() else {
        // At the top level, between declarations or in a segment's line.
        let entry = &text[line_start..cut];
        if entry.trim().is_empty() {
            return from_rules(&[Rule::file]);
        }
        return parse_entry(entry, Rule::file);
    };
    // Inside brackets that are not braces (a list, a call): no keywords.
    if open.last() != Some(&brace) {
        return Expected {
            expression: true,
            ..Expected::default()
        };
    }
    let outer = braces.len().checked_sub(2).map(|i| braces[i]);
    let Some(rule) = container_rule(text, brace, outer) else {
        return Expected::default();
    };
    let from = line_start.max(brace + 1);
    parse_entry(&text[from..cut], rule)
}

/// Where the declaration around `at` starts: the last declaration keyword
/// at column 0 before it (0 when there is none).
fn declaration_start(text: &str, at: usize) -> usize {
    let mut end = at;
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |p| p + 1);
        let line = &text[line_start..];
        let word_len = line
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if DECLARATION_KEYWORDS.contains(&&line[..word_len]) && line_start < at {
            return line_start;
        }
        if line_start == 0 {
            return 0;
        }
        end = line_start - 1;
    }
}

/// Whether the end of `line` is inside a `//` comment (strings skipped).
fn in_comment(line: &str) -> bool {
    let mut in_string = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// The `*_tail` rule of the container the `{` at `brace` opens, from the
/// words before it on its line (`outer`: the `{` around that one).
fn container_rule(text: &str, brace: usize, outer: Option<usize>) -> Option<Rule> {
    let head = |at: usize| {
        let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
        let words: Vec<&str> = text[line_start..at]
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '%'))
            .filter(|w| !w.is_empty())
            .collect();
        words
    };
    let words = head(brace);
    let first = *words.first()?;
    Some(match first {
        "campaign" => Rule::campaign_tail,
        "flow" | "if" | "else" | "on" => Rule::block_tail,
        "schema" => Rule::schema_tail,
        "message" => Rule::message_tail,
        "locale" | "warehouse" => Rule::fields_tail,
        "defaults" => Rule::defaults_tail,
        "persona" => Rule::persona_tail,
        "test" => Rule::test_tail,
        "score" => Rule::score_tail,
        "type" => Rule::decls_tail,
        "event" => match outer.map(head).as_deref().and_then(|w| w.first().copied()) {
            Some("schema") => Rule::decls_tail,
            _ => Rule::fields_tail,
        },
        // A split variant: `NAME 50% {`.
        _ if words.get(1).is_some_and(|w| w.ends_with('%')) => Rule::block_tail,
        _ => return None,
    })
}

/// Parses `entry` (the text of the entry before the cursor) with `rule`
/// and reads what pest expected at its end.
fn parse_entry(entry: &str, rule: Rule) -> Expected {
    use pest::error::{ErrorVariant, InputLocation};
    // pest skips blanks between the parts of a rule, not before its start.
    let entry = entry.trim_start();
    // pest recurses once per level and nothing else bounds it: an entry
    // nested past the limit (or that the pre-scan cannot read, one that
    // starts inside a string) is not parsed, and the grammar says nothing.
    let Ok(nesting) = prescan::prescan(crate::source::FileId(0), entry) else {
        return Expected::default();
    };
    match super::parse_from(entry, 0, nesting, rule) {
        Ok(_) => Expected::default(),
        Err(e) => {
            let at = match e.location {
                InputLocation::Pos(p) => p,
                InputLocation::Span((s, _)) => s,
            };
            // An error before the end: the entry is wrong before the
            // cursor, so the grammar cannot say what comes next.
            if at < entry.trim_end().len() {
                return Expected::default();
            }
            match e.variant {
                ErrorVariant::ParsingError { positives, .. } => from_rules(&positives),
                ErrorVariant::CustomError { .. } => Expected::default(),
            }
        }
    }
}

/// What the grammar rules pest expected mean for completion.
fn from_rules(positives: &[Rule]) -> Expected {
    use Rule::*;
    let mut out = Expected::default();
    let rules = positives
        .iter()
        .flat_map(|r| tail_entries(*r).map_or_else(|| vec![*r], <[Rule]>::to_vec));
    for rule in rules {
        let words = candidates(rule);
        if !words.is_empty() {
            for w in words {
                if !out.keywords.iter().any(|k| k == w) {
                    out.keywords.push(w.to_string());
                }
            }
            continue;
        }
        if let Some(keyword) = keyword_of(rule) {
            if !out.keywords.contains(&keyword) {
                out.keywords.push(keyword);
            }
            continue;
        }
        match rule {
            name | named_type | field | field_decl => out.name = true,
            expr | and_expr | not_expr | comparison | arith | path | paren_expr | list_expr
            | literal | performed | count_query | sum_query | last_query | query_word | now => {
                out.expression = true
            }
            value | word => out.value = true,
            duration => out.duration = true,
            locale_tag => out.locale_tag = true,
            _ => {}
        }
    }
    out
}

/// The text of a `kw_*` rule: the grammar's keyword rules are named after
/// their word.
fn keyword_of(rule: Rule) -> Option<String> {
    format!("{rule:?}").strip_prefix("kw_").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keywords expected where `|` is.
    fn at(text: &str) -> Expected {
        let offset = text.find('|').expect("a cursor");
        let text = text.replace('|', "");
        expected_at(&text, offset)
    }

    fn words(e: &Expected) -> Vec<&str> {
        e.keywords.iter().map(String::as_str).collect()
    }

    #[test]
    fn top_level_offers_the_declaration_keywords() {
        let e = at("segment a = x\n\nca|");
        assert_eq!(words(&e), DECLARATION_KEYWORDS.to_vec());
    }

    #[test]
    fn a_flow_block_offers_the_step_keywords_and_not_the_settings() {
        let e = at("campaign c {\n  flow {\n    send a\n    s|\n  }\n}\n");
        assert_eq!(words(&e), candidates(Rule::step).to_vec());
        assert!(!e.keywords.iter().any(|k| k == "audience"));
        let e = at("campaign c {\n  flow {\n    wait for e up to 1d {\n      on event { |");
        assert_eq!(words(&e), candidates(Rule::step).to_vec());
    }

    #[test]
    fn after_a_keyword_the_rest_of_its_entry() {
        let e = at("campaign c {\n  flow {\n    wait |\n");
        assert_eq!(words(&e), ["until", "for"]);
        assert!(e.duration);
        let e = at("campaign c {\n  trigger |\n}");
        assert_eq!(words(&e), ["every", "event", "enters", "changed"]);
        let e = at("campaign c {\n  flow {\n    send |\n");
        assert!(e.name && e.keywords.is_empty());
        let e = at("campaign c {\n  audience |\n");
        assert!(e.expression);
    }

    #[test]
    fn bodies_offer_their_entries() {
        assert_eq!(words(&at("schema {\n  |")), ["attr", "type", "event"]);
        assert_eq!(
            words(&at("test \"t\" {\n  campaign c\n  e|")),
            candidates(Rule::test_item).to_vec()
        );
        let e = at("test \"t\" {\n  expect |");
        assert!(e.keywords.iter().any(|k| k == "sent"));
        let e = at("persona p {\n  |\n}");
        assert_eq!(words(&e), ["event"]);
        assert!(e.name);
        let e = at("campaign c {\n  |\n}");
        assert!(e.keywords.iter().any(|k| k == "flow"));
        assert!(e.keywords.iter().any(|k| k == "audience"));
    }

    #[test]
    fn strings_and_comments_are_text() {
        assert!(at("message m: sms {\n  body \"Hi {{cust|").in_text);
        assert!(at("message m: sms {\n  body \"Hi {{cust|}}\"\n}\n").in_text);
        assert!(at("message m: sms {\n  body \"\"\"\n  Hi {{a.|}}\n  \"\"\"\n}\n").in_text);
        assert!(at("campaign c { // a com|").in_text);
        assert!(at("message m: sms {\n  body \"\"\"\n  Hi {{|").in_text);
    }

    #[test]
    fn any_offset_of_any_text_is_safe() {
        let text = "campaign ç {\n  flow { send 日本 \"x\n}\n";
        for offset in 0..=text.len() + 2 {
            let _ = expected_at(text, offset);
        }
        assert_eq!(
            expected_at("", 0).keywords.len(),
            DECLARATION_KEYWORDS.len()
        );
    }
}
