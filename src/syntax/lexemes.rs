//! The words and literals of a file as the grammar reads them: which words
//! are keywords where they stand (`event` is a keyword in `trigger event
//! x` and a name in `attr event: string`), where the numbers, durations,
//! times and operators are, which names are field keys and type names;
//! and the `{ … }` blocks of the file. An editor colours and folds with
//! these; nothing semantic is here (what a name refers to is the checker's
//! reference table).
//!
//! Works on files with syntax errors: a declaration that does not parse
//! keeps the lexemes of its head (`campaign NAME`, `message NAME: CHANNEL`),
//! and a line a body skipped (`bad_line`) has none.

use super::parser::{self, Rule};
use super::prescan::{self, Token};

/// What a lexeme is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexemeKind {
    /// A keyword of the grammar where it stands as one, `true`, `false`,
    /// and the weekdays of a schedule.
    Keyword,
    /// An integer, a decimal, a percentage, score points.
    Number,
    /// `3d`, `1h30m`.
    Duration,
    /// A clock time, a date, a date-time.
    Time,
    /// `==`, `!=`, `<`, `+`, `=`, the `?` of an optional type.
    Operator,
    /// The name of a type in a declaration (`string`, `cart_item`).
    TypeName,
    /// The currency of a money literal or type (`EUR`).
    Currency,
    /// The key of a `key value` entry (`subject`, `total`).
    FieldKey,
}

/// One lexeme: a byte range of the file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lexeme {
    pub start: usize,
    pub end: usize,
    pub kind: LexemeKind,
}

/// The lexemes of `text`, sorted by position, not overlapping. A file the
/// pre-scan rejects (a string never closed, nesting too deep) has none.
pub fn lexemes(text: &str) -> Vec<Lexeme> {
    crate::stack::deep(|| lexemes_on_this_thread(text))
}

fn lexemes_on_this_thread(text: &str) -> Vec<Lexeme> {
    let Ok(nesting) = prescan::prescan(crate::source::FileId(0), text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut base = 0;
    while base < text.len() {
        match super::parse_from(text, base, nesting, Rule::next_declaration) {
            Ok(mut pairs) => {
                let Some(next) = pairs.next() else { break };
                let end = base + next.as_span().end();
                collect(next, base, &mut out);
                if end <= base {
                    break;
                }
                base = end;
            }
            Err(_) => {
                let resume = prescan::resume_after(text, base);
                // The head of the broken declaration, when it reads.
                let head = super::parse_from(text, base, nesting, Rule::decl_head);
                if let Ok(pairs) = head {
                    for pair in pairs {
                        collect(pair, base, &mut out);
                    }
                }
                if resume <= base {
                    break;
                }
                base = resume;
            }
        }
    }
    out.sort_by_key(|l| (l.start, l.end));
    out.dedup_by(|b, a| b.start < a.end);
    out
}

/// Adds the lexemes of `pair` and its descendants (offsets from `base`).
fn collect(pair: parser::P<'_>, base: usize, out: &mut Vec<Lexeme>) {
    for p in pair.into_inner().flatten() {
        let span = p.as_span();
        let (start, end) = (base + span.start(), base + span.end());
        let kind = match p.as_rule() {
            Rule::boolean | Rule::weekday => LexemeKind::Keyword,
            Rule::int | Rule::decimal | Rule::number | Rule::percent | Rule::points => {
                LexemeKind::Number
            }
            Rule::duration => LexemeKind::Duration,
            Rule::clock | Rule::date | Rule::datetime | Rule::instant => LexemeKind::Time,
            Rule::compare_op | Rule::add_op | Rule::equals | Rule::optional_mark => {
                LexemeKind::Operator
            }
            Rule::currency => LexemeKind::Currency,
            Rule::field | Rule::named_type => {
                let kind = if p.as_rule() == Rule::field {
                    LexemeKind::FieldKey
                } else {
                    LexemeKind::TypeName
                };
                if let Some(name) = p.into_inner().next().filter(|n| n.as_rule() == Rule::name) {
                    let s = name.as_span();
                    out.push(Lexeme {
                        start: base + s.start(),
                        end: base + s.end(),
                        kind,
                    });
                }
                continue;
            }
            rule if is_keyword(rule) => LexemeKind::Keyword,
            _ => continue,
        };
        out.push(Lexeme { start, end, kind });
    }
}

/// Whether `rule` is one of the grammar's `kw_*` keywords.
fn is_keyword(rule: Rule) -> bool {
    // The grammar names every keyword rule `kw_…`; the rule's name is
    // its Debug form.
    format!("{rule:?}").starts_with("kw_")
}

/// Every `{ … }` block of `text` outside strings and comments: the offsets
/// of its `{` and its `}`, sorted by the `{`. A `{` never closed has no
/// block; a `}` that closes nothing is ignored. Scanning stops at a
/// string never closed.
pub fn blocks(text: &str) -> Vec<(usize, usize)> {
    let mut open: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let _ = prescan::for_each_token(text, text.len(), |at, token| {
        match token {
            Token::Bracket(b'{') => open.push(at),
            Token::Bracket(b'}') => {
                if let Some(start) = open.pop() {
                    out.push((start, at));
                }
            }
            _ => {}
        }
        true
    });
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use LexemeKind::*;

    fn lexed(text: &str) -> Vec<(&str, LexemeKind)> {
        lexemes(text)
            .into_iter()
            .map(|l| (&text[l.start..l.end], l.kind))
            .collect()
    }

    #[test]
    fn contextual_keywords_are_keywords_only_where_they_stand_as_one() {
        let text = "schema {\n  attr event: string?\n  event order { total: money(EUR) }\n}\n\
                    campaign c {\n  trigger event order\n  cap 1 per 1d\n  send_window 08:00-21:00\n}\n";
        assert_eq!(
            lexed(text),
            vec![
                ("schema", Keyword),
                ("attr", Keyword),
                ("string", TypeName),
                ("?", Operator),
                ("event", Keyword),
                ("money", Keyword),
                ("EUR", Currency),
                ("campaign", Keyword),
                ("trigger", Keyword),
                ("event", Keyword),
                ("cap", Keyword),
                ("1", Number),
                ("per", Keyword),
                ("1d", Duration),
                ("send_window", Keyword),
                ("08:00", Time),
                ("21:00", Time),
            ]
        );
    }

    #[test]
    fn a_broken_declaration_keeps_its_head_and_the_next_one_parses() {
        let text = "message m: email {\n  subject \n}\nsegment s = x == 1\n";
        let got = lexed(text);
        assert_eq!(got[0], ("message", Keyword));
        assert!(got.contains(&("segment", Keyword)), "{got:?}");
        assert!(got.contains(&("==", Operator)), "{got:?}");
        assert!(lexemes("campaign c { \"open\n}").is_empty());
    }

    #[test]
    fn blocks_pair_braces_outside_strings_and_comments() {
        let text = "a {\n b { \"{\" } // {\n}\n}";
        assert_eq!(blocks(text), vec![(2, 20), (7, 13)]);
    }
}
