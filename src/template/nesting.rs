//! How deep a template nests, found by a loop over its bytes before any
//! parser runs.
//!
//! The handlebars crate's parser (pest) recurses once per `( … )`
//! subexpression level, and the checker's walker and the renderer once per
//! `{{#…}}` block level. A template nested past these limits is refused
//! before any of them sees it: by [`crate::template::Renderer::compile`]
//! with an error, and by the checker with a diagnostic at the place. That
//! bound, not a probe of the stack on every grammar rule, is what keeps
//! hostile templates from exhausting the stack (vendor/pest_stack_guard).

use super::lex::tag_end;

/// How deep `{{#…}}` blocks may nest: far beyond any real message, and
/// shallow enough that walking and rendering never exhaust the stack.
pub const MAX_BLOCK_DEPTH: usize = 64;

/// How deep `( … )` subexpressions may nest inside one tag. Handlebars'
/// parser, the checker's walker and the renderer all recurse once per
/// level.
pub const MAX_SUBEXPRESSION_DEPTH: usize = 32;

/// What nests too deep in a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooDeep {
    /// The `{{#…}}` block opening at this byte offset.
    Block(usize),
    /// The `(` at this byte offset.
    Subexpression(usize),
}

impl TooDeep {
    /// What is wrong, in one sentence ("here" is the offset it carries).
    pub fn message(self) -> String {
        match self {
            TooDeep::Block(_) => format!("blocks nest more than {MAX_BLOCK_DEPTH} deep here"),
            TooDeep::Subexpression(_) => format!(
                "template nested too deeply: more than {MAX_SUBEXPRESSION_DEPTH} `( … )` \
                 subexpressions inside each other"
            ),
        }
    }
}

/// The first place where blocks or subexpressions nest too deep, if any.
/// A plain loop over the bytes: nothing here recurses.
pub fn too_deep(src: &str) -> Option<TooDeep> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(p) = src[i..].find("{{") {
        let at = i + p;
        let rest = src[at + 2..].trim_start_matches(['~', '{']);
        if rest.starts_with('#') {
            depth += 1;
            if depth > MAX_BLOCK_DEPTH {
                return Some(TooDeep::Block(at));
            }
        } else if rest.starts_with('/') {
            depth = depth.saturating_sub(1);
        }
        let end = tag_end(src, at);
        let mut parens = 0usize;
        let mut quote: Option<u8> = None;
        for (j, &b) in bytes.iter().enumerate().take(end).skip(at + 2) {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'(') => {
                    parens += 1;
                    if parens > MAX_SUBEXPRESSION_DEPTH {
                        return Some(TooDeep::Subexpression(j));
                    }
                }
                (None, b')') => parens = parens.saturating_sub(1),
                _ => {}
            }
        }
        i = end.max(at + 2);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_subexpressions_past_their_limits_are_found_where_they_cross() {
        let blocks = |n: usize| "{{#if a}}".repeat(n) + &"{{/if}}".repeat(n);
        assert_eq!(too_deep(&blocks(MAX_BLOCK_DEPTH)), None);
        assert_eq!(
            too_deep(&blocks(MAX_BLOCK_DEPTH + 1)),
            Some(TooDeep::Block("{{#if a}}".len() * MAX_BLOCK_DEPTH))
        );
        let parens = |n: usize| format!("{{{{x {}1{}}}}}", "(f ".repeat(n), ")".repeat(n));
        assert_eq!(too_deep(&parens(MAX_SUBEXPRESSION_DEPTH)), None);
        assert_eq!(
            too_deep(&parens(MAX_SUBEXPRESSION_DEPTH + 1)),
            Some(TooDeep::Subexpression(
                "{{x ".len() + "(f ".len() * MAX_SUBEXPRESSION_DEPTH
            ))
        );
        // Quoted parentheses are text; closed blocks free their level.
        assert_eq!(too_deep(&format!("{{{{x \"{}\"}}}}", "(".repeat(99))), None);
        assert_eq!(too_deep(&"{{#if a}}{{/if}}".repeat(500)), None);
    }
}
