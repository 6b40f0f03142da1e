//! The lexical pieces of a template: where each `{{ … }}` tag starts and
//! ends, and what each word inside it is (a helper, a path, a literal),
//! without parsing or rendering. An editor highlights templates with it;
//! it never fails: text that is not a closed tag is plain text.
//!
//! The rules follow Handlebars: `\{{` is literal text; a tag ends at the
//! first `}}` outside a quoted argument; `{{! … }}` is a comment; the first
//! word of a tag or of a `( … )` subexpression is the helper when it names
//! one or when arguments follow it, else a path.

use super::helpers::{BLOCK_HELPERS, HELPERS};

/// What a piece of a tag is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagTokenKind {
    /// `{{`, `{{#`, `{{/`, `{{~`, `{{{`, `}}`, `~}}`, `}}}`.
    Delimiter,
    /// A block helper (`if`, `each`, `unless`, `with`), `else`, `as`.
    Keyword,
    /// The name of a helper call: `money` of `{{money event.total}}`.
    Helper,
    /// The first part of a path: `customer`, `event`, `this`, `@index`,
    /// `unsubscribe_url`.
    Root,
    /// A later part of a path: `first_name` of `customer.first_name`.
    Member,
    /// A quoted argument, quotes included.
    String,
    /// A number argument.
    Number,
    /// `true`, `false`, `null`, `undefined`.
    Literal,
    /// The key of a named argument: `decimals` of `decimals=2`.
    HashKey,
    /// `(`, `)`, `=`, `|`.
    Punctuation,
    /// A whole `{{! … }}` comment tag.
    Comment,
}

/// One piece of a template, as a byte range of the template's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagToken {
    pub start: usize,
    pub end: usize,
    pub kind: TagTokenKind,
}

/// Where the tag opening at `start` ends (after its `}}`), skipping quoted
/// strings inside it; the end of `src` when it is never closed.
pub fn tag_end(src: &str, start: usize) -> usize {
    let bytes = src.as_bytes();
    let mut i = start;
    let mut in_str: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match in_str {
            Some(q) if b == q => in_str = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && i > start + 1 => in_str = Some(b),
            // Byte comparisons: `i` may be inside a multi-byte character.
            None if bytes[i..].starts_with(b"}}}") => return i + 3,
            None if bytes[i..].starts_with(b"}}") => return i + 2,
            None => {}
        }
        i += 1;
    }
    src.len()
}

/// The `(start, end)` of every closed tag of `src`, in order.
pub fn tags(src: &str) -> Vec<(usize, usize)> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = src.get(i..).and_then(|rest| rest.find("{{")) {
        let at = i + p;
        if at > 0 && bytes[at - 1] == b'\\' {
            // `\{{` is literal text.
            i = at + 2;
            continue;
        }
        let end = tag_end(src, at);
        if !bytes[..end].ends_with(b"}}") || end < at + 4 {
            // Never closed: plain text from here on.
            break;
        }
        out.push((at, end));
        i = end;
    }
    out
}

/// Every piece of every closed tag of `src`, in order; text outside tags
/// has no tokens. Offsets are on character boundaries.
pub fn tokens(src: &str) -> Vec<TagToken> {
    let mut out = Vec::new();
    for (start, end) in tags(src) {
        tag_tokens(src, start, end, &mut out);
    }
    out
}

fn tag_tokens(src: &str, start: usize, end: usize, out: &mut Vec<TagToken>) {
    let bytes = src.as_bytes();
    let push = |out: &mut Vec<TagToken>, start: usize, end: usize, kind| {
        if start < end {
            out.push(TagToken { start, end, kind });
        }
    };
    // The opening: `{{`, `{`, `~`, then a block sign.
    let mut open = start + 2;
    if bytes.get(open) == Some(&b'{') {
        open += 1;
    }
    if bytes.get(open) == Some(&b'~') {
        open += 1;
    }
    if bytes.get(open) == Some(&b'!') {
        push(out, start, end, TagTokenKind::Comment);
        return;
    }
    while matches!(
        bytes.get(open),
        Some(b'#' | b'/' | b'^' | b'>' | b'&' | b'*')
    ) {
        open += 1;
    }
    // The closing: `~`, then `}}` or `}}}`.
    let mut close = end - 2;
    if close > open && bytes[close - 1] == b'}' && src[start..].starts_with("{{{") {
        close -= 1;
    }
    if close > open && bytes[close - 1] == b'~' {
        close -= 1;
    }
    push(out, start, open, TagTokenKind::Delimiter);
    let inner_from = out.len();
    let mut i = open;
    // Whether the next word is the head of a call (the tag's first word
    // or a subexpression's).
    let mut head = true;
    while i < close {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'"' | b'\'' => {
                let stop = src[i + 1..close]
                    .find(b as char)
                    .map_or(close, |p| i + 1 + p + 1);
                push(out, i, stop, TagTokenKind::String);
                i = stop;
                head = false;
            }
            b'(' | b')' | b'=' | b'|' => {
                push(out, i, i + 1, TagTokenKind::Punctuation);
                head = b == b'(';
                i += 1;
            }
            _ => {
                let word_end = src[i..close]
                    .find(|c: char| c.is_whitespace() || "()=|\"'".contains(c))
                    .map_or(close, |p| i + p);
                if word_end == i {
                    // A character no token starts with: step over it.
                    i = crate::text::next_char_boundary(src, i);
                    continue;
                }
                let word = &src[i..word_end];
                let rest = src[word_end..close].trim_start();
                let followed_by_argument = !rest.is_empty() && !rest.starts_with(')');
                if rest.starts_with('=') {
                    push(out, i, word_end, TagTokenKind::HashKey);
                } else if is_number(word) {
                    push(out, i, word_end, TagTokenKind::Number);
                } else if matches!(word, "true" | "false" | "null" | "undefined") {
                    push(out, i, word_end, TagTokenKind::Literal);
                } else if word == "else" || word == "as" || (head && BLOCK_HELPERS.contains(&word))
                {
                    push(out, i, word_end, TagTokenKind::Keyword);
                    // `{{else if …}}`: a head follows `else`.
                    i = word_end;
                    head = word == "else";
                    continue;
                } else if head && (is_helper(word) || followed_by_argument) {
                    push(out, i, word_end, TagTokenKind::Helper);
                } else {
                    path_tokens(src, i, word_end, out);
                }
                head = false;
                i = word_end;
            }
        }
    }
    // `{{/if}}`: the block's name is a keyword, not a path.
    if bytes[start + 2..open].contains(&b'/') {
        for t in &mut out[inner_from..] {
            if t.kind == TagTokenKind::Root && BLOCK_HELPERS.contains(&&src[t.start..t.end]) {
                t.kind = TagTokenKind::Keyword;
            }
        }
    }
    push(out, close, end, TagTokenKind::Delimiter);
}

/// The parts of a path (`customer.first_name`, `../x`, `this.total`,
/// `@index`): the first a root, the others members; separators are not
/// tokens.
fn path_tokens(src: &str, start: usize, end: usize, out: &mut Vec<TagToken>) {
    let mut first = true;
    let mut at = start;
    for part in src[start..end].split(['.', '/']) {
        let part_end = at + part.len();
        if !part.is_empty() {
            out.push(TagToken {
                start: at,
                end: part_end,
                kind: if first {
                    TagTokenKind::Root
                } else {
                    TagTokenKind::Member
                },
            });
            first = false;
        }
        // The separator is one ASCII byte.
        at = part_end + 1;
    }
}

fn is_helper(word: &str) -> bool {
    HELPERS.iter().any(|h| h.name == word) || matches!(word, "lookup" | "log")
}

fn is_number(word: &str) -> bool {
    let digits = word.strip_prefix('-').unwrap_or(word);
    !digits.is_empty()
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use TagTokenKind::*;

    fn lexed(src: &str) -> Vec<(&str, TagTokenKind)> {
        tokens(src)
            .into_iter()
            .map(|t| (&src[t.start..t.end], t.kind))
            .collect()
    }

    #[test]
    fn a_helper_call_with_a_path_and_a_string() {
        assert_eq!(
            lexed(r#"Hi {{default customer.first_name "friend"}}!"#),
            vec![
                ("{{", Delimiter),
                ("default", Helper),
                ("customer", Root),
                ("first_name", Member),
                ("\"friend\"", String),
                ("}}", Delimiter),
            ]
        );
    }

    #[test]
    fn blocks_else_hash_arguments_and_subexpressions() {
        assert_eq!(
            lexed("{{#if event.vip}}a{{else}}b{{/if}}"),
            vec![
                ("{{#", Delimiter),
                ("if", Keyword),
                ("event", Root),
                ("vip", Member),
                ("}}", Delimiter),
                ("{{", Delimiter),
                ("else", Keyword),
                ("}}", Delimiter),
                ("{{/", Delimiter),
                ("if", Keyword),
                ("}}", Delimiter),
            ]
        );
        assert_eq!(
            lexed("{{~number (default x 0) decimals=2~}}"),
            vec![
                ("{{~", Delimiter),
                ("number", Helper),
                ("(", Punctuation),
                ("default", Helper),
                ("x", Root),
                ("0", Number),
                (")", Punctuation),
                ("decimals", HashKey),
                ("=", Punctuation),
                ("2", Number),
                ("~}}", Delimiter),
            ]
        );
    }

    #[test]
    fn a_lone_path_comments_and_escapes() {
        assert_eq!(
            lexed("{{unsubscribe_url}} {{! note }} \\{{x}}"),
            vec![
                ("{{", Delimiter),
                ("unsubscribe_url", Root),
                ("}}", Delimiter),
                ("{{! note }}", Comment),
            ]
        );
    }

    #[test]
    fn unclosed_tags_and_odd_text_give_no_tokens_and_never_panic() {
        assert!(tokens("{{default x").is_empty());
        assert!(tokens("{{").is_empty());
        for src in [
            "{{é}}",
            "{{\"😀}}",
            "{{x 'y}}",
            "{{{x}}",
            "{{~}}",
            "{{#}}",
            "{{a.}}",
            "}}{{}}",
        ] {
            for t in tokens(src) {
                assert!(src.is_char_boundary(t.start) && src.is_char_boundary(t.end));
                assert!(t.start < t.end && t.end <= src.len());
            }
        }
    }
}
