//! The reserved words of the language. The grammar's `name` rule accepts
//! any snake_case word; where a name is one the project declares itself
//! (a segment, score, message, campaign, persona, record type, stage, split
//! or enum variant) the builder rejects these with E0105, so the message
//! can name the keyword instead of a vague "expected a name". Names from a
//! tracking plan (attributes, events, properties, keys) may be any word.

/// The reserved words, in the order the language reference lists them.
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
    "warehouse",
];

/// Whether `word` is reserved (cannot be a declared name).
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}
