//! Declarations that did not parse completely ("broken"): the parser kept
//! their kind and name (and whatever of their body parsed) and marked them
//! `broken`, so references to them resolve. What the checker says about
//! them would be guesswork — a campaign whose `trigger` line was skipped
//! "has no trigger", a flow that lost a `wait` "always hits the cap", a
//! message whose locale block was skipped "lacks a translation" — so
//! [`Broken::keeps`] leaves out every checker diagnostic that points into a
//! broken declaration (a test of a broken campaign counts as broken too),
//! and "never used" warnings for declarations whose name is written in text
//! the parser skipped. Syntax errors are reported by the parser, not here.

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{Item, SourceFileAst, TestItemKind};
use std::collections::BTreeSet;

use crate::check::unused::codes as unused;

/// The broken declarations of a project, by span.
#[derive(Debug, Default)]
pub struct Broken {
    /// Spans of broken declarations (and tests of broken campaigns).
    decls: Vec<Span>,
    /// Spans of declarations whose name is written in skipped text.
    mentioned: Vec<Span>,
}

impl Broken {
    pub fn of(files: &[SourceFileAst]) -> Broken {
        let mut broken = Broken::default();
        if files.iter().all(|f| f.skipped.is_empty()) {
            return broken;
        }
        let words: BTreeSet<&str> = files
            .iter()
            .flat_map(|f| &f.skipped)
            .flat_map(|s| s.words.iter().map(String::as_str))
            .collect();
        let items = || files.iter().flat_map(|f| &f.items);
        let broken_campaigns: BTreeSet<&str> = items()
            .filter_map(|i| match i {
                Item::Campaign(c) if c.broken => Some(c.name.name.as_str()),
                _ => None,
            })
            .collect();
        for item in items() {
            let (name, span, is_broken) = match item {
                Item::Segment(d) => (&d.name, d.span, d.broken),
                Item::Score(d) => (&d.name, d.span, d.broken),
                Item::Message(d) => (&d.name, d.span, d.broken),
                Item::Campaign(d) => (&d.name, d.span, d.broken),
                Item::Persona(d) => (&d.name, d.span, d.broken),
                Item::Test(t) => {
                    let of_broken_campaign = t.items.iter().any(|i| {
                        matches!(&i.kind, TestItemKind::Campaign(c)
                            if broken_campaigns.contains(c.name.as_str()))
                    });
                    if t.broken || of_broken_campaign {
                        broken.decls.push(t.span);
                    }
                    continue;
                }
                Item::Defaults(_) | Item::Warehouse(_) | Item::Schema(_) | Item::Lifecycle(_) => {
                    continue
                }
            };
            if is_broken {
                broken.decls.push(span);
            }
            if words.contains(name.name.as_str()) {
                broken.mentioned.push(span);
            }
        }
        broken
    }

    /// Whether the project has nothing broken (then every diagnostic is
    /// kept).
    pub fn is_empty(&self) -> bool {
        self.decls.is_empty() && self.mentioned.is_empty()
    }

    /// Whether a checker diagnostic is kept: it neither points into a
    /// broken declaration (at its primary place or a label) nor says that
    /// a declaration named in skipped text is never used.
    pub fn keeps(&self, d: &Diagnostic) -> bool {
        let inside = |spans: &[Span], s: Span| {
            spans
                .iter()
                .any(|b| b.file == s.file && b.start <= s.start && s.end <= b.end)
        };
        if inside(&self.decls, d.span) || d.labels.iter().any(|l| inside(&self.decls, l.span)) {
            return false;
        }
        let is_unused = [
            unused::UNUSED_SEGMENT,
            unused::UNUSED_MESSAGE,
            unused::UNUSED_PERSONA,
            unused::UNUSED_SCORE,
        ]
        .contains(&d.code);
        !(is_unused && inside(&self.mentioned, d.span))
    }
}
