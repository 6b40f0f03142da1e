//! Semantic tokens: the language's words, and templates inside strings
//! highlighted as code.
//!
//! Four sources, each painted over the previous one, byte by byte, so the
//! tokens never overlap:
//! 1. comments (doc comments with the `documentation` modifier) and
//!    strings, as the formatter's scanner classifies the bytes
//!    ([`crate::fmt::scan`], the grammar's string rules);
//! 2. keywords, numbers, durations, times, operators, type names and field
//!    keys, as the grammar reads them ([`crate::syntax::lexemes`]);
//! 3. the tags of templates inside strings: `{{`/`}}` as macros, helpers as
//!    functions, paths as variable and properties, literals
//!    ([`crate::template::lex`]);
//! 4. every name the checker resolved, by the kind of what it names, and
//!    every declared name with the `declaration` modifier (the model's
//!    reference table).
//!
//! Tokens are then cut at line breaks (clients rarely support tokens over
//! several lines) and delta-encoded in the negotiated position encoding.

use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
    SemanticTokensParams, SemanticTokensResult,
};

use super::convert::Encoding;
use super::server::{Failure, Server};
use crate::check::references::{References, Symbol};
use crate::fmt::scan::{self, Class};
use crate::source::{FileId, Span};
use crate::syntax::lexemes::{self, LexemeKind};
use crate::template::lex::{self as template_lex, TagTokenKind};

/// The token types, in the order of [`legend`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Type {
    Keyword,
    Type,
    Variable,
    Property,
    EnumMember,
    Function,
    String,
    Number,
    Comment,
    Operator,
    Event,
    Macro,
    Enum,
    Namespace,
    Class,
    Struct,
    Parameter,
}

const TYPES: &[(Type, SemanticTokenType)] = &[
    (Type::Keyword, SemanticTokenType::KEYWORD),
    (Type::Type, SemanticTokenType::TYPE),
    (Type::Variable, SemanticTokenType::VARIABLE),
    (Type::Property, SemanticTokenType::PROPERTY),
    (Type::EnumMember, SemanticTokenType::ENUM_MEMBER),
    (Type::Function, SemanticTokenType::FUNCTION),
    (Type::String, SemanticTokenType::STRING),
    (Type::Number, SemanticTokenType::NUMBER),
    (Type::Comment, SemanticTokenType::COMMENT),
    (Type::Operator, SemanticTokenType::OPERATOR),
    (Type::Event, SemanticTokenType::EVENT),
    (Type::Macro, SemanticTokenType::MACRO),
    (Type::Enum, SemanticTokenType::ENUM),
    (Type::Namespace, SemanticTokenType::NAMESPACE),
    (Type::Class, SemanticTokenType::CLASS),
    (Type::Struct, SemanticTokenType::STRUCT),
    (Type::Parameter, SemanticTokenType::PARAMETER),
];

/// The modifier bits, in the order of [`legend`].
pub const DECLARATION: u32 = 1 << 0;
pub const DOCUMENTATION: u32 = 1 << 1;
pub const DEFAULT_LIBRARY: u32 = 1 << 2;

/// The token types and modifiers, in the order the tokens index them.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.iter().map(|(_, t)| t.clone()).collect(),
        token_modifiers: vec![
            SemanticTokenModifier::DECLARATION,
            SemanticTokenModifier::DOCUMENTATION,
            SemanticTokenModifier::DEFAULT_LIBRARY,
        ],
    }
}

pub fn semantic_tokens(
    server: &mut Server,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>, Failure> {
    let ctx = server.ctx(&params.text_document.uri)?;
    let text = ctx.file.text.as_ref();
    let tokens = classify(text, ctx.file.id, ctx.snap.model.references());
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data: encode(text, &tokens, ctx.encoding),
    })))
}

/// One token: a byte range of the text, its type and modifier bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Type,
    pub modifiers: u32,
}

/// The tokens of `text` (file `file` of the project whose reference table
/// is `table`), sorted, not overlapping, on character boundaries; a token
/// may span lines (see [`encode`]).
pub fn classify(text: &str, file: FileId, table: &References) -> Vec<Token> {
    let mut painter = Painter::new(text);
    // 1. Comments and strings.
    let classes = scan::classify(text);
    let mut strings = Vec::new();
    for (start, end, class) in runs(&classes) {
        match class {
            Class::Comment => {
                let doc = text[start..end].starts_with("///");
                painter.paint(
                    start,
                    end,
                    Type::Comment,
                    if doc { DOCUMENTATION } else { 0 },
                );
            }
            Class::Str => {
                painter.paint(start, end, Type::String, 0);
                strings.push((start, end));
            }
            Class::Code => {}
        }
    }
    // 2. The grammar's words and literals.
    for l in lexemes::lexemes(text) {
        let (kind, modifiers) = match l.kind {
            LexemeKind::Keyword => (Type::Keyword, 0),
            LexemeKind::Number | LexemeKind::Duration | LexemeKind::Time => (Type::Number, 0),
            LexemeKind::Operator => (Type::Operator, 0),
            // A record type is repainted by its reference below.
            LexemeKind::TypeName => (Type::Type, DEFAULT_LIBRARY),
            LexemeKind::Currency => (Type::Type, DEFAULT_LIBRARY),
            LexemeKind::FieldKey => (Type::Property, 0),
        };
        painter.paint(l.start, l.end, kind, modifiers);
    }
    // 3. Templates inside strings.
    for (start, end) in strings {
        let src = &text[start..end];
        // A tag is code: its blanks and dots are not string.
        for (tag_start, tag_end) in template_lex::tags(src) {
            painter.clear(start + tag_start, start + tag_end);
        }
        for t in template_lex::tokens(src) {
            let word = &src[t.start..t.end];
            let (kind, modifiers) = match t.kind {
                TagTokenKind::Delimiter => (Type::Macro, 0),
                TagTokenKind::Keyword | TagTokenKind::Literal => (Type::Keyword, 0),
                TagTokenKind::Helper => (Type::Function, DEFAULT_LIBRARY),
                TagTokenKind::Root => (
                    Type::Variable,
                    if is_template_root(word) {
                        DEFAULT_LIBRARY
                    } else {
                        0
                    },
                ),
                TagTokenKind::Member => (Type::Property, 0),
                TagTokenKind::String => (Type::String, 0),
                TagTokenKind::Number => (Type::Number, 0),
                TagTokenKind::HashKey => (Type::Parameter, 0),
                TagTokenKind::Punctuation => (Type::Operator, 0),
                TagTokenKind::Comment => (Type::Comment, 0),
            };
            painter.paint(start + t.start, start + t.end, kind, modifiers);
        }
    }
    // 4. Names: declarations and resolved uses.
    let whole = Span::new(file, 0, text.len());
    for r in table.uses_in(whole) {
        let (kind, modifiers) = of_symbol(&r.target);
        painter.paint(r.span.start as usize, r.span.end as usize, kind, modifiers);
    }
    for d in table.declarations() {
        if d.name_span.file == file {
            let (kind, modifiers) = of_symbol(&d.symbol);
            let (start, end) = (d.name_span.start as usize, d.name_span.end as usize);
            painter.paint(start, end, kind, modifiers | DECLARATION);
        }
    }
    painter.tokens()
}

/// The names every template has without a declaration.
fn is_template_root(word: &str) -> bool {
    matches!(
        word,
        "customer" | "event" | "campaign" | "this" | "unsubscribe_url"
    ) || word.starts_with('@')
}

/// The token type of a name, by the kind of what it names.
pub fn of_symbol(symbol: &Symbol) -> (Type, u32) {
    match symbol {
        Symbol::Attr(_) | Symbol::Field { .. } | Symbol::Property { .. } => (Type::Property, 0),
        Symbol::Record(_) => (Type::Type, 0),
        Symbol::Event(_) => (Type::Event, 0),
        Symbol::Variant { .. }
        | Symbol::SplitVariant { .. }
        | Symbol::Stage(_)
        | Symbol::Locale(_) => (Type::EnumMember, 0),
        Symbol::Split { .. } => (Type::Enum, 0),
        Symbol::Segment(_) | Symbol::Score(_) => (Type::Variable, 0),
        Symbol::Message(_) => (Type::Class, 0),
        Symbol::Campaign(_) => (Type::Namespace, 0),
        Symbol::Persona(_) => (Type::Struct, 0),
        Symbol::Builtin(_) => (Type::Variable, DEFAULT_LIBRARY),
    }
}

/// The maximal runs of one class: `(start, end, class)`.
fn runs(classes: &[Class]) -> impl Iterator<Item = (usize, usize, Class)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let class = *classes.get(i)?;
        let start = i;
        while classes.get(i) == Some(&class) {
            i += 1;
        }
        Some((start, i, class))
    })
}

/// Which token each byte belongs to; later paint wins.
struct Painter<'t> {
    text: &'t str,
    /// Per byte: the index + 1 of its token in `kinds`, 0 for none.
    owner: Vec<u32>,
    kinds: Vec<(Type, u32)>,
}

impl<'t> Painter<'t> {
    fn new(text: &'t str) -> Painter<'t> {
        Painter {
            text,
            owner: vec![0; text.len()],
            kinds: Vec::new(),
        }
    }

    /// Paints `start..end`, widened to character boundaries and clamped to
    /// the text.
    fn paint(&mut self, start: usize, end: usize, kind: Type, modifiers: u32) {
        let end = crate::text::ceil_char_boundary(self.text, end.min(self.text.len()));
        let start = crate::text::floor_char_boundary(self.text, start.min(end));
        if start >= end {
            return;
        }
        self.kinds.push((kind, modifiers));
        let id = self.kinds.len() as u32;
        self.owner[start..end].fill(id);
    }

    /// Removes the paint of `start..end` (on character boundaries).
    fn clear(&mut self, start: usize, end: usize) {
        let end = end.min(self.owner.len());
        if start < end {
            self.owner[start..end].fill(0);
        }
    }

    /// The painted runs, in order.
    fn tokens(&self) -> Vec<Token> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.owner.len() {
            let id = self.owner[i];
            let start = i;
            while i < self.owner.len() && self.owner[i] == id {
                i += 1;
            }
            if id != 0 {
                let (kind, modifiers) = self.kinds[id as usize - 1];
                out.push(Token {
                    start,
                    end: i,
                    kind,
                    modifiers,
                });
            }
        }
        out
    }
}

/// The protocol's relative encoding of `tokens` (sorted, not overlapping):
/// each cut at line breaks, lengths and columns in `encoding`'s units.
pub fn encode(text: &str, tokens: &[Token], encoding: Encoding) -> Vec<SemanticToken> {
    let units = |s: &str| match encoding {
        Encoding::Utf8 => s.len() as u32,
        Encoding::Utf16 => s.encode_utf16().count() as u32,
    };
    let mut out = Vec::with_capacity(tokens.len());
    // Where the scan is: its byte offset, line and column (in units).
    let (mut cursor, mut line, mut column) = (0usize, 0u32, 0u32);
    let (mut last_line, mut last_column) = (0u32, 0u32);
    for t in tokens {
        let mut piece_start = t.start;
        for piece in text[t.start..t.end].split('\n') {
            let piece_end = piece_start + piece.len();
            let visible = piece.strip_suffix('\r').unwrap_or(piece);
            if !visible.is_empty() {
                // Advance the cursor to the piece's start.
                let gap = &text[cursor..piece_start];
                match gap.rfind('\n') {
                    Some(nl) => {
                        line += gap.bytes().filter(|&b| b == b'\n').count() as u32;
                        column = units(&gap[nl + 1..]);
                    }
                    None => column += units(gap),
                }
                let length = units(visible);
                let delta_line = line - last_line;
                let delta_start = if delta_line == 0 {
                    column - last_column
                } else {
                    column
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length,
                    token_type: t.kind as u32,
                    token_modifiers_bitset: t.modifiers,
                });
                (last_line, last_column) = (line, column);
                cursor = piece_start + visible.len();
                column += length;
            }
            // Past the `\n` to the next piece.
            piece_start = piece_end + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(start: usize, end: usize, kind: Type) -> Token {
        Token {
            start,
            end,
            kind,
            modifiers: 0,
        }
    }

    #[test]
    fn the_legend_lists_the_types_in_their_index_order() {
        let legend = legend();
        for (i, (kind, name)) in TYPES.iter().enumerate() {
            assert_eq!(*kind as usize, i);
            assert_eq!(&legend.token_types[i], name);
        }
    }

    #[test]
    fn tokens_are_cut_at_line_breaks_and_counted_in_utf16() {
        // A string over two lines after a surrogate pair, then a keyword.
        let text = "😀 \"a\r\nbé\" x";
        let string_end = text.find(" x").unwrap();
        let tokens = [
            tok(5, string_end, Type::String),
            tok(string_end + 1, text.len(), Type::Keyword),
        ];
        let data = encode(text, &tokens, Encoding::Utf16);
        let triples: Vec<(u32, u32, u32)> = data
            .iter()
            .map(|t| (t.delta_line, t.delta_start, t.length))
            .collect();
        // `"a` at column 3 (the emoji is two units), `bé"` on the next
        // line, `x` after it.
        assert_eq!(triples, vec![(0, 3, 2), (1, 0, 3), (0, 4, 1)]);
        let utf8 = encode(text, &tokens, Encoding::Utf8);
        assert_eq!((utf8[0].delta_start, utf8[1].length), (5, 4));
    }

    #[test]
    fn later_paint_wins_and_nothing_overlaps() {
        let text = "ab cd";
        let mut p = Painter::new(text);
        p.paint(0, 5, Type::String, 0);
        p.paint(3, 4, Type::Keyword, 0);
        p.paint(4, 99, Type::Number, 0);
        assert_eq!(
            p.tokens(),
            vec![
                tok(0, 3, Type::String),
                tok(3, 4, Type::Keyword),
                tok(4, 5, Type::Number)
            ]
        );
    }

    #[test]
    fn odd_files_give_sorted_tokens_on_character_boundaries() {
        let long = format!("message m: sms {{ text \"{}\" }}", "é{{x}}".repeat(2000));
        let odd = [
            "",
            "\"\"\"",
            "\"open",
            "campaign c {\r\n  // 😀 {{x}}\r\n  flow { send m }\r\n}\r\n",
            "message m: email { body \"\"\"\n  {{#each event.items}}\n  {{this.name}}{{/each}}\n  \"\"\" }",
            "segment s = (((((",
            "\u{feff}schema { attr 名前: string }",
            &long,
        ];
        for text in odd {
            let tokens = classify(text, FileId(0), &References::default());
            for t in &tokens {
                assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                assert!(t.start < t.end);
            }
            for w in tokens.windows(2) {
                assert!(w[0].end <= w[1].start, "{text:?}");
            }
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let data = encode(text, &tokens, encoding);
                assert!(data.iter().all(|t| t.length > 0));
            }
        }
    }

    #[test]
    fn a_template_in_a_string_and_a_broken_file() {
        let text =
            "message m: sms {\n  text \"Hi {{default customer.name \"x\"}}\"\n  oops ?\n}\n// é\n";
        let tokens = classify(text, FileId(0), &References::default());
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            tokens
                .iter()
                .find(|t| t.start == start && t.end == start + needle.len())
                .map(|t| t.kind)
        };
        assert_eq!(at("message"), Some(Type::Keyword));
        assert_eq!(at("{{"), Some(Type::Macro));
        assert_eq!(at("default"), Some(Type::Function));
        assert_eq!(at("customer"), Some(Type::Variable));
        assert_eq!(at("name"), Some(Type::Property));
        assert_eq!(at("\"x\""), Some(Type::String));
        // Inside the tag, only its pieces are tokens: not the blank.
        let blank = text.find(" customer").unwrap();
        assert!(!tokens.iter().any(|t| t.start <= blank && blank < t.end));
        assert_eq!(at("// é"), Some(Type::Comment));
        for w in tokens.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
    }
}
