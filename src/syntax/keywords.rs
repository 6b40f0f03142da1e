//! The reserved words of the language. The grammar's `name` rule accepts
//! any snake_case word; the builder rejects these with E0105 so the message
//! can name the keyword instead of a vague "expected a name".

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
];

/// Whether `word` is reserved (cannot be a name).
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}
