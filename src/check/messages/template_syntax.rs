//! Template syntax: parsing a field with the handlebars crate's own parser,
//! its errors in plain words at their exact place inside the string, and
//! the small position helpers the walker uses to point inside a tag.

use handlebars::template::Template;
use handlebars::TemplateErrorReason;

use crate::check::model::TemplateField;
use crate::diagnostics::Diagnostic;
use crate::template::nesting::{too_deep, TooDeep};
use crate::template::Renderer;
use crate::text;
use std::sync::Arc;

/// A block tag that is opened and never closed (`{{#each items}}` with no
/// `{{/each}}`), or closed without being opened: the offset of the tag,
/// its block name, and whether it is the opening tag.
fn unbalanced_block(src: &str) -> Option<(usize, String, bool)> {
    let mut open: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while let Some(p) = src[i..].find("{{") {
        let at = i + p;
        let end = tag_end(src, at);
        // Without its `{{` and, when the tag is closed, its `}}`.
        let inner_end = if src.as_bytes()[..end].ends_with(b"}}") {
            end - 2
        } else {
            end
        };
        let inner =
            text::slice_at_boundaries(src, at + 2, inner_end).trim_start_matches(['~', '{']);
        let name = |rest: &str| {
            rest.trim_start()
                .split(|c: char| c.is_whitespace() || c == '}' || c == '~')
                .next()
                .unwrap_or("")
                .to_string()
        };
        if let Some(rest) = inner.strip_prefix('#') {
            open.push((at, name(rest.trim_start_matches(['>', '*']))));
        } else if let Some(rest) = inner.strip_prefix('/') {
            let closing = name(rest);
            match open.pop() {
                Some(_) => {}
                None => return Some((at, closing, false)),
            }
        }
        i = end.max(at + 2);
    }
    open.pop().map(|(at, n)| (at, n, true))
}

/// A byte range of a template's source.
pub(crate) type Range = (usize, usize);

/// Parses a template field; a syntax error is reported at its place inside
/// the string.
///
/// Parsed through `renderer`'s cache of templates: a template parsed once
/// (by an earlier check, or here) is not parsed again, and rendering it
/// later finds it parsed.
pub(crate) fn parse(
    field: &TemplateField,
    renderer: &Renderer,
) -> Result<Arc<Template>, Box<Diagnostic>> {
    let src = field.source.as_str();
    if let Some(deep) = too_deep(src) {
        let (code, at, help) = match deep {
            TooDeep::Block(at) => (
                "E0401",
                at,
                "split the message, or flatten the `{{#if}}`/`{{#each}}` blocks",
            ),
            TooDeep::Subexpression(at) => (
                "E0411",
                at,
                "compute the value in fewer steps: a helper call rarely needs more than two \
                 or three `( … )` levels",
            ),
        };
        return Err(Box::new(
            Diagnostic::error(
                code,
                deep.message(),
                field.sub_span(at, text::next_char_boundary(src, at)),
            )
            .with_primary_label("too deep")
            .with_help(help),
        ));
    }
    renderer.compile_with(src, |_| parse_checked(field))
}

/// [`parse`] after the depth checks, without the cache.
fn parse_checked(field: &TemplateField) -> Result<Template, Box<Diagnostic>> {
    let src = field.source.as_str();
    // The parser has panicked on odd input in the past; a panic there must
    // not take the compiler down.
    let result = std::panic::catch_unwind(|| Template::compile(src));
    let err =
        match result {
            Ok(Ok(t)) => return Ok(t),
            Ok(Err(e)) => e,
            Err(_) => return Err(Box::new(
                Diagnostic::error("E0401", "this template could not be parsed", field.span)
                    .with_help(
                    "check that every `{{` has a matching `}}` and every `{{#block}}` is closed",
                ),
            )),
        };
    if !matches!(
        err.reason(),
        TemplateErrorReason::MismatchingClosedHelper(..)
            | TemplateErrorReason::MismatchingClosedDecorator(..)
    ) {
        if let Some((at, name, opening)) = unbalanced_block(src) {
            let end = tag_end(src, at);
            let (message, label, help) = if opening {
                (
                    format!("`{{{{#{name}}}}}` is never closed"),
                    "opened here",
                    format!("end the block with `{{{{/{name}}}}}`"),
                )
            } else {
                (
                    format!("`{{{{/{name}}}}}` closes a block that was never opened"),
                    "nothing to close",
                    format!("open it with `{{{{#{name} …}}}}` before, or remove this tag"),
                )
            };
            return Err(Box::new(
                Diagnostic::error("E0401", message, field.sub_span(at, end))
                    .with_primary_label(label)
                    .with_help(help),
            ));
        }
    }
    let at = err
        .pos()
        .map(|(line, col)| offset_of(src, line, col))
        .unwrap_or(src.len());
    let (message, help) = match err.reason() {
        TemplateErrorReason::MismatchingClosedHelper(open, close) => (
            format!("`{{{{#{open}}}}}` is closed by `{{{{/{close}}}}}`"),
            format!("close the block with `{{{{/{open}}}}}`"),
        ),
        TemplateErrorReason::MismatchingClosedDecorator(open, close) => (
            format!("`{{{{#*{open}}}}}` is closed by `{{{{/{close}}}}}`"),
            format!("close the block with `{{{{/{open}}}}}`"),
        ),
        TemplateErrorReason::NestedSubexpression => (
            "nested subexpressions are not supported".to_string(),
            "compute the inner value in a separate tag".to_string(),
        ),
        TemplateErrorReason::InvalidParam(p) => (
            format!("invalid argument `{p}` in this template tag"),
            "arguments are variables such as `customer.plan`, or literals such as `\"text\"` and `42`".to_string(),
        ),
        other => {
            let open = text::head(src, at).rfind("{{");
            let closed = open.is_some_and(|o| src[o..].contains("}}"));
            let triple = open.is_some_and(|o| src[..o].ends_with('{') || src[o..].starts_with("{{{"));
            if open.is_some() && !closed {
                (
                    "this `{{` tag is never closed".to_string(),
                    "end the tag with `}}`; to write literal braces, escape them as `\\{{`".to_string(),
                )
            } else if triple && !text::tail(src, at).starts_with("}}}") {
                (
                    "a `{{{` tag must end with `}}}`".to_string(),
                    "`{{{x}}}` inserts a value without escaping; most templates want `{{x}}`".to_string(),
                )
            } else {
                let expected = match other {
                    TemplateErrorReason::InvalidSyntax(text) => plain_expectations(text),
                    _ => other.to_string(),
                };
                (
                    format!("invalid template syntax: {expected}"),
                    "a tag holds a variable (`{{customer.plan}}`), a helper call \
                     (`{{money event.total}}`) or a block (`{{#if …}}…{{/if}}`)"
                        .to_string(),
                )
            }
        }
    };
    let end = text::next_char_boundary(src, at);
    Err(Box::new(
        Diagnostic::error("E0401", message, field.sub_span(at, end))
            .with_primary_label("here")
            .with_help(help),
    ))
}

/// Rewrites the parser's "expected rule_a, rule_b, or rule_c" in plain
/// words.
fn plain_expectations(text: &str) -> String {
    let Some(list) = text.strip_prefix("expected ") else {
        return text.to_string();
    };
    let mut words: Vec<String> = Vec::new();
    for rule in list.split(", ").flat_map(|r| r.split(" or ")) {
        let rule = rule.trim().trim_start_matches("or ").trim();
        let word = match rule {
            "identifier" | "path_id" | "path_raw_id" => "a name".to_string(),
            "helper_parameter" | "param" => "an argument".to_string(),
            "hash" => "a named argument".to_string(),
            "path" | "reference" => "a variable".to_string(),
            "literal" | "string_literal" | "number_literal" => "a literal".to_string(),
            "trailing_tilde_to_omit_whitespace" | "pro_whitespace_omitter" | "expression" => {
                "`}}`".to_string()
            }
            "EOI" => "the end of the template".to_string(),
            "" => continue,
            other => format!("`{other}`"),
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    match words.len() {
        0 => text.to_string(),
        1 => format!("expected {}", words[0]),
        n => format!("expected {} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// The byte offset of a 1-based line and character column.
pub(crate) fn offset_of(src: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    src.len()
}

/// Where the tag opening at `start` ends (after its `}}`): the template
/// engine's lexer decides it, so the checker and an editor agree.
pub(crate) use crate::template::tag_end;

/// The first occurrence of `needle` in `range` not glued to other name
/// characters.
pub(crate) fn find_word(src: &str, (start, end): Range, needle: &str) -> Option<Range> {
    find_name(src, (start, end), needle, false)
}

/// Like [`find_word`]; `after_dot` also accepts a match right after a `.`
/// (a later segment of a path).
pub(crate) fn find_name(
    src: &str,
    (start, end): Range,
    needle: &str,
    after_dot: bool,
) -> Option<Range> {
    if needle.is_empty() {
        return None;
    }
    let hay = src.get(start..end)?;
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let s = from + i;
        let e = s + needle.len();
        let before = hay[..s].chars().next_back();
        let after = hay[e..].chars().next();
        let first_is_name = needle.chars().next().is_some_and(is_name);
        let last_is_name = needle.chars().next_back().is_some_and(is_name);
        let ok_before =
            !first_is_name || !before.is_some_and(|c| is_name(c) || (c == '.' && !after_dot));
        let ok_after = !last_is_name || !after.is_some_and(is_name);
        if ok_before && ok_after {
            return Some((start + s, start + e));
        }
        from = s + needle.len().max(1);
    }
    None
}
