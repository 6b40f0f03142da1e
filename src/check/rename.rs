//! Renaming a declared name across the project: which name is under a
//! cursor, whether a new name is allowed, and every span to rewrite.
//!
//! Everything comes from the model's reference table
//! ([`crate::check::references`]): the declaration's name span and every
//! resolved use (expressions, settings, steps, tests, personas and
//! `{{ }}` inside templates). A rename rewrites exactly those spans, so a
//! use the checker does not record would be missed; `tests/rename.rs`
//! renames every declaration of the example project and checks that the
//! project still checks clean.
//!
//! Refused, with a sentence saying why: built-in template names, names
//! declared nowhere (the default lifecycle stages), a new name that is not
//! a name of the language (or not a BCP 47 tag, for locales), a reserved
//! word where the language reserves it, a new name already declared in
//! the same namespace, and a template path that reads the name of several
//! declarations at once (one `{{event.total}}` for two events).

use std::fmt;

use crate::check::messages::is_valid_locale;
use crate::check::model::Model;
use crate::check::references::{Symbol, UseSite};
use crate::source::{FileId, SourceMap, Span};

/// Why a rename is refused: one sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenameError {}

/// A rename that is allowed: every span that writes the name, to be
/// replaced by `new_name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    pub symbol: Symbol,
    pub new_name: String,
    /// The declaration's name and every use, sorted by position, no
    /// duplicates.
    pub spans: Vec<Span>,
}

/// The renameable name at `offset` of `file` (a use or a declaration's
/// name; its end counts as on it): what it means and the span of the name
/// as written there. Refused on built-ins, undeclared names and a template
/// path that means several names at once.
pub fn target_at(model: &Model, file: FileId, offset: u32) -> Result<(Symbol, Span), RenameError> {
    let table = model.references();
    let symbols = table.symbols_at(file, offset);
    let Some(first) = symbols.first() else {
        return Err(RenameError("there is no name here to rename".to_string()));
    };
    if symbols.len() > 1 {
        let names: Vec<String> = symbols.iter().map(|s| owner_and_name(s)).collect();
        return Err(RenameError(format!(
            "this name means {} at once (one template sent after several events): renaming one of them would break the other",
            names.join(" and ")
        )));
    }
    let symbol: &Symbol = first;
    let covers = |s: Span| s.file == file && s.start <= offset && offset <= s.end;
    // Uses starting at or before `offset`, nearest first.
    let before = table.uses_in(Span::new(file, 0, offset as usize + 1));
    let span = before
        .iter()
        .rev()
        .find(|r| *r.target == *symbol && covers(r.span))
        .map(|r| r.span)
        .or_else(|| {
            table
                .declaration(symbol)
                .map(|d| d.name_span)
                .filter(|s| covers(*s))
        });
    let Some(span) = span else {
        return Err(RenameError("there is no name here to rename".to_string()));
    };
    renameable(model, symbol)?;
    Ok((symbol.clone(), span))
}

/// Whether `symbol` can be renamed at all (whatever the new name).
fn renameable(model: &Model, symbol: &Symbol) -> Result<(), RenameError> {
    match symbol {
        Symbol::Builtin(name) => Err(RenameError(format!(
            "`{name}` is built into every template and cannot be renamed"
        ))),
        Symbol::Locale(_) => Ok(()),
        _ if model.references().declaration(symbol).is_none() => Err(RenameError(format!(
            "the {} `{}` is declared nowhere in the project (it is built in), so it cannot be renamed",
            symbol.kind(),
            symbol.name()
        ))),
        _ => Ok(()),
    }
}

/// Renames `symbol` to `new_name`: the spans to rewrite, or why not.
/// `sources` names the places in the messages ("flows/a.camp:12").
pub fn rename(
    model: &Model,
    sources: &SourceMap,
    symbol: &Symbol,
    new_name: &str,
) -> Result<Rename, RenameError> {
    renameable(model, symbol)?;
    let table = model.references();
    let kind = symbol.kind();
    let at = |span: Span| place(sources, span);
    if let Symbol::Locale(old) = symbol {
        if !is_valid_locale(new_name) {
            return Err(RenameError(format!(
                "`{new_name}` is not a valid locale tag: a BCP 47 tag such as `vi`, `cs` or `pt-BR`"
            )));
        }
        if !old.eq_ignore_ascii_case(new_name) {
            if let Some(r) = table.uses().iter().find(
                |r| matches!(&*r.target, Symbol::Locale(t) if t.eq_ignore_ascii_case(new_name)),
            ) {
                return Err(RenameError(format!(
                    "the locale `{new_name}` is already used at {}: renaming `{old}` to it would merge two locales",
                    at(r.span)
                )));
            }
        }
    } else {
        if !is_name(new_name) {
            return Err(RenameError(format!(
                "`{new_name}` is not a valid {kind} name: names are lower-case letters, digits and `_`, and start with a letter or `_`"
            )));
        }
        if reserved_matters(symbol) && crate::syntax::RESERVED_WORDS.contains(&new_name) {
            return Err(RenameError(format!(
                "`{new_name}` is a reserved word of the language and cannot name {} {kind}",
                article(kind)
            )));
        }
        if new_name != symbol.name() {
            for other in namespace(symbol, new_name) {
                if let Some(d) = table.declaration(&other) {
                    let shared = if other.kind() == kind {
                        String::new()
                    } else {
                        "; attributes, segments and scores share one namespace".to_string()
                    };
                    return Err(RenameError(format!(
                        "{} {} `{new_name}` already exists at {}{shared}",
                        article(other.kind()),
                        other.kind(),
                        at(d.name_span)
                    )));
                }
            }
        }
    }
    let mut spans: Vec<Span> = table
        .declaration(symbol)
        .map(|d| d.name_span)
        .into_iter()
        .collect();
    for r in table.references_to(symbol) {
        if r.site == UseSite::Template {
            // The same written name meaning another symbol too (one
            // template sent after two events): renaming one breaks the other.
            if let Some(other) = table
                .uses_in(r.span)
                .iter()
                .find(|o| o.span == r.span && *o.target != *symbol)
            {
                return Err(RenameError(format!(
                    "the template at {} reads `{}` as {} and as {}: renaming one would break the other",
                    at(r.span),
                    symbol.name(),
                    owner_and_name(symbol),
                    owner_and_name(&other.target)
                )));
            }
        }
        spans.push(r.span);
    }
    spans.sort();
    spans.dedup();
    Ok(Rename {
        symbol: symbol.clone(),
        new_name: new_name.to_string(),
        spans,
    })
}

/// Whether `word` is a `name` of the grammar: `[a-z_][a-z0-9_]*`.
pub fn is_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether the language reserves its keywords for this kind of name: the
/// names a project declares itself; names from a tracking plan
/// (attributes, events, properties, fields) may be any word.
fn reserved_matters(symbol: &Symbol) -> bool {
    !matches!(
        symbol,
        Symbol::Attr(_) | Symbol::Event(_) | Symbol::Property { .. } | Symbol::Field { .. }
    )
}

/// The symbols `new_name` would collide with: the same kind in the same
/// container, and for attributes, segments and scores all three (they are
/// all bare names in expressions and `customer.NAME` in templates).
fn namespace(symbol: &Symbol, new_name: &str) -> Vec<Symbol> {
    let n = new_name.to_string();
    match symbol {
        Symbol::Attr(_) | Symbol::Segment(_) | Symbol::Score(_) => vec![
            Symbol::Attr(n.clone()),
            Symbol::Segment(n.clone()),
            Symbol::Score(n),
        ],
        Symbol::Record(_) => vec![Symbol::Record(n)],
        Symbol::Event(_) => vec![Symbol::Event(n)],
        Symbol::Stage(_) => vec![Symbol::Stage(n)],
        Symbol::Message(_) => vec![Symbol::Message(n)],
        Symbol::Campaign(_) => vec![Symbol::Campaign(n)],
        Symbol::Persona(_) => vec![Symbol::Persona(n)],
        Symbol::Field { record, .. } => vec![Symbol::Field {
            record: record.clone(),
            field: n,
        }],
        Symbol::Property { event, .. } => vec![Symbol::Property {
            event: event.clone(),
            property: n,
        }],
        Symbol::Variant { owner, .. } => vec![Symbol::Variant {
            owner: owner.clone(),
            variant: n,
        }],
        Symbol::Split { campaign, .. } => vec![Symbol::Split {
            campaign: campaign.clone(),
            split: n,
        }],
        Symbol::SplitVariant {
            campaign, split, ..
        } => vec![Symbol::SplitVariant {
            campaign: campaign.clone(),
            split: split.clone(),
            variant: n,
        }],
        Symbol::Locale(_) | Symbol::Builtin(_) => Vec::new(),
    }
}

/// "the property `total` of event `order_placed`", "the segment `hot`".
fn owner_and_name(symbol: &Symbol) -> String {
    let name = symbol.name();
    let kind = symbol.kind();
    match symbol {
        Symbol::Field { record, .. } => format!("the field `{name}` of `{record}`"),
        Symbol::Property { event, .. } => format!("the property `{name}` of event `{event}`"),
        Symbol::Variant { owner, .. } => format!("the variant `{name}` of `{}`", owner.name()),
        Symbol::Split { campaign, .. } => format!("the split `{name}` of `{campaign}`"),
        Symbol::SplitVariant {
            campaign, split, ..
        } => format!("the variant `{name}` of `{campaign}`'s split `{split}`"),
        _ => format!("the {kind} `{name}`"),
    }
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// "flows/a.camp:12": a file's path and the line of `span`.
fn place(sources: &SourceMap, span: Span) -> String {
    match sources.files().get(span.file.0 as usize) {
        Some(file) => format!("{}:{}", file.path, sources.line_col(span).0),
        None => "another file".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_grammar() {
        assert!(is_name("new_trials"));
        assert!(is_name("_x9"));
        assert!(!is_name(""));
        assert!(!is_name("9lives"));
        assert!(!is_name("NewTrials"));
        assert!(!is_name("new-trials"));
        assert!(!is_name("đà_lạt"));
    }

    #[test]
    fn attributes_segments_and_scores_share_a_namespace() {
        let ns = namespace(&Symbol::Segment("hot".into()), "plan");
        assert!(ns.contains(&Symbol::Attr("plan".into())));
        assert!(ns.contains(&Symbol::Score("plan".into())));
        let ns = namespace(
            &Symbol::Property {
                event: "order_placed".into(),
                property: "total".into(),
            },
            "sum",
        );
        assert_eq!(
            ns,
            vec![Symbol::Property {
                event: "order_placed".into(),
                property: "sum".into()
            }]
        );
    }

    #[test]
    fn reserved_words_matter_for_declared_names_only() {
        assert!(reserved_matters(&Symbol::Segment("x".into())));
        assert!(!reserved_matters(&Symbol::Attr("x".into())));
        assert_eq!(article("event"), "an");
        assert_eq!(article("segment"), "a");
    }
}
