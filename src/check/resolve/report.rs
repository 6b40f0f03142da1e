//! Constructors for the diagnostics the resolver reports most often, so
//! that every duplicate and every unknown name reads the same way.

use super::suggest::closest;
use crate::diagnostics::{Diagnostic, Fix};
use crate::source::Span;

/// A name declared twice: primary on the second, label on the first.
pub(super) fn duplicate(kind: &str, name: &str, second: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        "E0201",
        format!("the {kind} `{name}` is declared twice"),
        second,
    )
    .with_primary_label("declared again here")
    .with_label(first, "first declared here")
    .with_help(format!("rename one of them or remove the second `{name}`"))
}

/// A block that may appear once per project (`defaults`, `lifecycle`).
pub(super) fn duplicate_block(kind: &str, second: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        "E0201",
        format!("`{kind}` is declared twice in the project"),
        second,
    )
    .with_primary_label("declared again here")
    .with_label(first, "first declared here")
    .with_help(format!("merge the two `{kind}` blocks into one"))
}

/// One bare name used for two kinds of things.
pub(super) fn clash(
    name: &str,
    kind: &str,
    span: Span,
    other_kind: &str,
    other: Span,
) -> Diagnostic {
    Diagnostic::error(
        "E0202",
        format!("the {kind} `{name}` has the same name as the {other_kind} `{name}`"),
        span,
    )
    .with_primary_label(format!("{kind} declared here"))
    .with_label(other, format!("{other_kind} declared here"))
    .with_help(
        "attributes, segments and scores share one namespace in expressions; rename one of them",
    )
}

/// A setting or field written twice in one block.
pub(super) fn repeated(what: &str, second: Span, first: Span) -> Diagnostic {
    Diagnostic::error("E0216", format!("{what} is given twice"), second)
        .with_primary_label("given again here")
        .with_label(first, "first given here")
        .with_help("keep only one of them")
}

/// An unknown name, with "did you mean" when a close candidate exists.
pub(super) fn unknown<'a>(
    code: &'static str,
    kind: &str,
    name: &str,
    span: Span,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback_help: Option<String>,
) -> Diagnostic {
    unknown_msg(
        code,
        format!("unknown {kind} `{name}`"),
        format!("no {kind} is called `{name}`"),
        name,
        span,
        candidates,
        fallback_help,
    )
}

/// Like [`unknown`], with the message and label written by the caller.
pub(super) fn unknown_msg<'a>(
    code: &'static str,
    message: String,
    label: String,
    name: &str,
    span: Span,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback_help: Option<String>,
) -> Diagnostic {
    let d = Diagnostic::error(code, message, span).with_primary_label(label);
    match closest(name, candidates) {
        Some(close) => d
            .with_help(format!("did you mean `{close}`?"))
            .with_fix(Fix::replace(span, close)),
        None => match fallback_help {
            Some(help) => d.with_help(help),
            None => d,
        },
    }
}
