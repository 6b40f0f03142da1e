//! The reference table of the model: every declaration with the span of
//! its name, and every use of a name the checker resolved with what it
//! resolves to. Go-to-definition, find-references and rename read it; the
//! plan reads the template variables from it (which scores a message's
//! templates use), and the unused-declaration warnings count its template
//! uses.
//!
//! Invariants:
//! - What a use resolves to is a [`Symbol`]: a kind and names, never an
//!   index, so it stays the same when other declarations come and go.
//! - A use is recorded where the name resolves, whether or not its
//!   declaration has errors of its own: a segment whose expression is
//!   mistyped is still the segment that `audience hot` names.
//! - Uses are sorted by position (file, start, end, then target) with
//!   exact duplicates removed, so the table is the same for the same
//!   sources whatever the order of traversal.

use std::sync::Arc;

use crate::check::model::ScoreId;
use crate::source::{FileId, Span};

/// What a name resolves to: its kind and name (with the names it lives
/// in, for fields, properties and enum variants).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Symbol {
    /// A customer attribute (`attr plan: …`).
    Attr(String),
    /// A record type (`type cart_item { … }`).
    Record(String),
    /// An event (`event order_placed { … }`).
    Event(String),
    /// A field of a record type.
    Field {
        record: String,
        field: String,
    },
    /// A property of an event.
    Property {
        event: String,
        property: String,
    },
    /// A variant of the `enum(…)` type of an attribute, a field or a
    /// property (`owner`).
    Variant {
        owner: Box<Symbol>,
        variant: String,
    },
    /// A `split` of a campaign's flow.
    Split {
        campaign: String,
        split: String,
    },
    /// A variant of a `split` (`variant offer_test.pick` in a test).
    SplitVariant {
        campaign: String,
        split: String,
        variant: String,
    },
    /// A lifecycle stage (`lifecycle { stages … }`; the default stages
    /// have uses only).
    Stage(String),
    Segment(String),
    Score(String),
    Message(String),
    Campaign(String),
    Persona(String),
    /// A locale tag (`vi`, `pt-BR`). Locales are not declared: a locale
    /// has uses only.
    Locale(String),
    /// A name every template has without a declaration: `campaign.name`,
    /// `unsubscribe_url`.
    Builtin(String),
}

impl Symbol {
    /// The name as written at a use or a declaration: the last part.
    pub fn name(&self) -> &str {
        match self {
            Symbol::Attr(n)
            | Symbol::Record(n)
            | Symbol::Event(n)
            | Symbol::Stage(n)
            | Symbol::Segment(n)
            | Symbol::Score(n)
            | Symbol::Message(n)
            | Symbol::Campaign(n)
            | Symbol::Persona(n)
            | Symbol::Locale(n)
            | Symbol::Builtin(n) => n,
            Symbol::Field { field, .. } => field,
            Symbol::Split { split, .. } => split,
            Symbol::SplitVariant { variant, .. } => variant,
            Symbol::Property { property, .. } => property,
            Symbol::Variant { variant, .. } => variant,
        }
    }

    /// The kind in words, for messages: "attribute", "enum variant", …
    pub fn kind(&self) -> &'static str {
        match self {
            Symbol::Attr(_) => "attribute",
            Symbol::Record(_) => "record type",
            Symbol::Event(_) => "event",
            Symbol::Field { .. } => "field",
            Symbol::Property { .. } => "event property",
            Symbol::Variant { .. } => "enum variant",
            Symbol::Stage(_) => "lifecycle stage",
            Symbol::Split { .. } => "split",
            Symbol::SplitVariant { .. } => "split variant",
            Symbol::Segment(_) => "segment",
            Symbol::Score(_) => "score",
            Symbol::Message(_) => "message",
            Symbol::Campaign(_) => "campaign",
            Symbol::Persona(_) => "persona",
            Symbol::Locale(_) => "locale",
            Symbol::Builtin(_) => "template variable",
        }
    }
}

/// Where a use was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UseSite {
    /// In the language itself: an expression, a setting, a step, a test.
    Code,
    /// In a message template, inside `{{ }}`.
    Template,
}

/// One declaration: the symbol, the span of its name and of the whole
/// declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// Shared with the uses of the same symbol ([`Symbols`]).
    pub symbol: Arc<Symbol>,
    /// The name as written in the declaration (what rename rewrites).
    pub name_span: Span,
    /// The whole declaration (what go-to-definition may show).
    pub span: Span,
}

/// One use of a name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reference {
    /// The name as written at the use: `engagement` of
    /// `customer.engagement`, never the `customer.`.
    pub span: Span,
    /// Shared: the uses of one symbol hold one copy of it ([`Symbols`]),
    /// so a use is a few words and copying the table copies no names.
    pub target: Arc<Symbol>,
    pub site: UseSite,
}

impl Reference {
    /// A use of `target` written at `span` (a [`Symbol`], or a shared
    /// one from [`Symbols::intern`]).
    pub fn new(span: Span, target: impl Into<Arc<Symbol>>, site: UseSite) -> Reference {
        Reference {
            span,
            target: target.into(),
            site,
        }
    }
}

/// One shared copy of each symbol: a project of 100,000 segments has
/// half a million uses of a few attributes, and each use holding its own
/// names (an enum variant is three strings) was the largest part of the
/// reference table (docs/performance.md, "Memory").
#[derive(Debug, Default)]
pub struct Symbols {
    known: std::collections::HashSet<Arc<Symbol>, foldhash::fast::RandomState>,
}

impl Symbols {
    /// The shared copy of `symbol`.
    pub fn intern(&mut self, symbol: Symbol) -> Arc<Symbol> {
        if let Some(known) = self.known.get(&symbol) {
            return Arc::clone(known);
        }
        let shared = Arc::new(symbol);
        self.known.insert(Arc::clone(&shared));
        shared
    }

    /// The shared copy of a symbol another [`Symbols`] shared: that copy,
    /// the first time.
    pub fn intern_shared(&mut self, symbol: &Arc<Symbol>) -> Arc<Symbol> {
        if let Some(known) = self.known.get(&**symbol) {
            return Arc::clone(known);
        }
        self.known.insert(Arc::clone(symbol));
        Arc::clone(symbol)
    }
}

/// Sorts `uses` as `sort()` would, in place: the table is the largest
/// thing in memory while it is sorted, and a sorted copy beside it was the
/// peak of a check. Uses come in sorted runs (each message's template
/// uses, each declaration's uses), which the unstable sort finds and
/// joins; equal uses are identical, so unstable is exact. (A merge of the
/// runs through a heap was slower: 3.9 ms against 1.1 ms for the 31,000
/// uses of the 1,000-campaign benchmark project.)
fn sort_uses(uses: &mut [Reference]) {
    uses.sort_unstable();
}

/// Every declaration and every resolved use of a project.
#[derive(Clone, Debug, Default)]
pub struct References {
    /// Sorted by symbol, one per symbol: looked up by binary search (a
    /// map's nodes were a sixth of building the table on every check).
    declarations: Vec<Declaration>,
    /// Sorted by position.
    uses: Vec<Reference>,
    /// Where each file's uses begin in `uses`, by `FileId`, and one more
    /// entry for the end: a look-up within a span searches its file's
    /// few hundred uses, not the whole table (planning looks up every
    /// message of every campaign on each edit).
    file_starts: Vec<usize>,
    /// Where the template uses of scores are in `uses`, in order: planning
    /// asks for the scores each message's templates read, for every
    /// campaign on every edit, and a message has a few dozen uses of
    /// which one or two name a score.
    template_scores: Vec<usize>,
}

impl References {
    /// The table of `declarations` (the first of a symbol wins, as in the
    /// checker) and `uses`.
    pub fn new(mut declarations: Vec<Declaration>, uses: Vec<Reference>) -> References {
        // Sorted (stably: the first of equal symbols stays first) and
        // deduplicated, the map is built in one pass instead of by
        // thousands of insertions. The declarations come in runs sorted
        // by symbol (each kind's names in order), which the sort finds.
        declarations.sort_by(|a, b| a.symbol.cmp(&b.symbol));
        declarations.dedup_by(|later, first| later.symbol == first.symbol);
        let mut table = References {
            declarations,
            ..References::default()
        };
        table.add_uses(uses);
        table
    }

    /// Adds uses found by a later pass (the template variables).
    /// `uses` made of sorted runs that do not overlap (each message's
    /// template uses, say) are put in order in one pass.
    pub fn add_uses(&mut self, mut uses: Vec<Reference>) {
        sort_uses(&mut uses);
        uses.dedup();
        if self.uses.is_empty() {
            self.uses = uses;
            self.index_files();
            return;
        }
        // Both lists are sorted: merge them in one pass rather than sort
        // the whole table again (it is rebuilt on every check).
        let old = std::mem::take(&mut self.uses);
        let mut merged = Vec::with_capacity(old.len() + uses.len());
        let mut old = old.into_iter().peekable();
        let mut new = uses.into_iter().peekable();
        loop {
            let next = match (old.peek(), new.peek()) {
                (Some(a), Some(b)) => match a.cmp(b) {
                    std::cmp::Ordering::Less => old.next(),
                    std::cmp::Ordering::Greater => new.next(),
                    std::cmp::Ordering::Equal => {
                        new.next();
                        old.next()
                    }
                },
                (Some(_), None) => old.next(),
                (None, Some(_)) => new.next(),
                (None, None) => break,
            };
            merged.extend(next);
        }
        self.uses = merged;
        self.index_files();
    }

    /// Sets `file_starts` from the sorted `uses`, in one pass along them
    /// (a binary search per file jumped about a table of 50,000 uses and
    /// cost more than the look-ups it saves).
    fn index_files(&mut self) {
        self.file_starts.clear();
        self.template_scores.clear();
        for (i, r) in self.uses.iter().enumerate() {
            let file = r.span.file.0 as usize;
            while self.file_starts.len() <= file {
                self.file_starts.push(i);
            }
            if r.site == UseSite::Template && matches!(*r.target, Symbol::Score(_)) {
                self.template_scores.push(i);
            }
        }
        self.file_starts.push(self.uses.len());
    }

    /// The template uses of scores written inside `span`.
    pub fn template_score_uses_in(&self, span: Span) -> impl Iterator<Item = &Reference> + '_ {
        let key = |&i: &usize| {
            let at = self.uses[i].span;
            (at.file, at.start)
        };
        let from = self
            .template_scores
            .partition_point(|i| key(i) < (span.file, span.start));
        let to = self
            .template_scores
            .partition_point(|i| key(i) < (span.file, span.end));
        self.template_scores[from..to.max(from)]
            .iter()
            .map(|&i| &self.uses[i])
    }

    /// Every use, sorted by position.
    pub fn uses(&self) -> &[Reference] {
        &self.uses
    }

    /// Every declaration, sorted by symbol.
    pub fn declarations(&self) -> impl Iterator<Item = &Declaration> {
        self.declarations.iter()
    }

    /// The name span of the declaration `r` uses; `None` for locales,
    /// template built-ins and names declared in no file. (Looked up when
    /// asked: the table is rebuilt on every check, and few uses are ever
    /// asked about.)
    pub fn declared_at(&self, r: &Reference) -> Option<Span> {
        self.declaration(&r.target).map(|d| d.name_span)
    }

    /// The declaration of `symbol`, if it has one.
    pub fn declaration(&self, symbol: &Symbol) -> Option<&Declaration> {
        self.declarations
            .binary_search_by(|d| (*d.symbol).cmp(symbol))
            .ok()
            .map(|i| &self.declarations[i])
    }

    /// The uses written inside `span` (the uses of one declaration, say).
    pub fn uses_in(&self, span: Span) -> &[Reference] {
        let file = span.file.0 as usize;
        let (Some(&first), Some(&end)) =
            (self.file_starts.get(file), self.file_starts.get(file + 1))
        else {
            return &[];
        };
        let uses = &self.uses[first..end];
        let from = uses.partition_point(|r| r.span.start < span.start);
        let to = uses.partition_point(|r| r.span.start < span.end);
        &uses[from..to.max(from)]
    }

    /// Every use of `symbol`, in position order.
    pub fn references_to(&self, symbol: &Symbol) -> Vec<&Reference> {
        self.uses.iter().filter(|r| *r.target == *symbol).collect()
    }

    /// What the name at `offset` of `file` means: the targets of the uses
    /// written there (several when one template path resolves to a
    /// different event's property at each send), else the declaration
    /// whose name is there. The end of a name counts as on it, as an
    /// editor's cursor right after a word is.
    pub fn symbols_at(&self, file: FileId, offset: u32) -> Vec<&Symbol> {
        let covers = |s: Span| s.file == file && s.start <= offset && offset <= s.end;
        let end = self
            .uses
            .partition_point(|r| (r.span.file, r.span.start) <= (file, offset));
        let mut out: Vec<&Symbol> = Vec::new();
        for r in self.uses[..end].iter().rev() {
            if r.span.file != file {
                break;
            }
            if r.span.end < offset {
                // Uses do not overlap: the earlier ones end earlier still.
                break;
            }
            if covers(r.span) && !out.contains(&&*r.target) {
                out.push(&r.target);
            }
        }
        if out.is_empty() {
            out.extend(
                self.declarations
                    .iter()
                    .filter(|d| covers(d.name_span))
                    .map(|d| &*d.symbol),
            );
        }
        out.sort();
        out
    }
}

impl crate::check::model::Model {
    /// Every declaration and every resolved use of the project.
    pub fn references(&self) -> &References {
        &self.references
    }

    /// The type of the value a symbol names, as the checker types its
    /// uses: an attribute's, a record field's or an event property's
    /// declared type, `int` for a score, `url` for `unsubscribe_url` and
    /// `string` for `campaign.name`. `None` for names that are not values
    /// (segments, messages, events, …) and for names no longer declared.
    pub fn value_type(&self, symbol: &Symbol) -> Option<crate::check::model::Type> {
        use crate::check::model::Type;
        let field = |fields: &[crate::check::model::FieldDef], name: &str| {
            fields.iter().find(|f| f.name == name).map(|f| f.ty.clone())
        };
        match symbol {
            Symbol::Attr(name) => self.attr_by_name(name).map(|id| self.attr(id).ty.clone()),
            Symbol::Score(name) => self
                .scores
                .iter()
                .any(|s| &s.name == name)
                .then_some(Type::Int),
            Symbol::Field { record, field: f } => self
                .schema
                .records
                .iter()
                .find(|r| &r.name == record)
                .and_then(|r| field(&r.fields, f)),
            Symbol::Property { event, property } => self
                .schema
                .events
                .iter()
                .find(|e| &e.name == event)
                .and_then(|e| field(&e.fields, property)),
            Symbol::Builtin(name) if name == "unsubscribe_url" => Some(Type::Url),
            Symbol::Builtin(name) if name == "campaign.name" => Some(Type::String),
            _ => None,
        }
    }

    /// Go-to-definition: the declaration of the name at `offset` of
    /// `file` (a use or a declaration's own name). `None` where no name
    /// is, and for names without a declaration (locales, built-ins).
    pub fn definition_at(&self, file: FileId, offset: u32) -> Option<&Declaration> {
        self.references
            .symbols_at(file, offset)
            .into_iter()
            .find_map(|s| self.references.declaration(s))
    }

    /// The scores read by the templates written inside `span` (a
    /// message's span: the scores its `{{customer.NAME}}` variables name),
    /// by id, in position order, possibly repeated.
    pub fn template_scores_in(&self, span: Span) -> impl Iterator<Item = ScoreId> + '_ {
        self.references
            .template_score_uses_in(span)
            .filter_map(|r| self.score_used(r))
    }

    /// The score a template use `r` reads (`None`: it reads no score).
    pub fn score_used(&self, r: &Reference) -> Option<ScoreId> {
        match &*r.target {
            Symbol::Score(name) if r.site == UseSite::Template => self
                .scores
                .binary_search_by(|s| s.name.as_str().cmp(name))
                .ok()
                .map(|i| ScoreId(i as u32)),
            _ => None,
        }
    }

    /// The customer attributes read by the templates written inside `span`
    /// (a message's span), by name, in position order, possibly repeated.
    pub fn template_attrs_in(&self, span: Span) -> impl Iterator<Item = &str> + '_ {
        self.references
            .uses_in(span)
            .iter()
            .filter(|r| r.site == UseSite::Template)
            .filter_map(|r| match &*r.target {
                Symbol::Attr(name) => Some(name.as_str()),
                _ => None,
            })
    }

    /// Find-references: every use of `target`, in position order.
    pub fn references_to(&self, target: &Symbol) -> Vec<&Reference> {
        self.references.references_to(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(file: u32, start: usize, end: usize) -> Span {
        Span::new(FileId(file), start, end)
    }

    fn table() -> References {
        let score = Symbol::Score("engagement".into());
        let attr = Symbol::Attr("plan".into());
        References::new(
            vec![
                Declaration {
                    symbol: score.clone().into(),
                    name_span: span(0, 6, 16),
                    span: span(0, 0, 40),
                },
                Declaration {
                    symbol: attr.clone().into(),
                    name_span: span(0, 50, 54),
                    span: span(0, 45, 60),
                },
            ],
            vec![
                // Given out of order and twice: sorted, deduplicated.
                Reference::new(span(1, 30, 40), score.clone(), UseSite::Template),
                Reference::new(span(1, 10, 14), attr.clone(), UseSite::Code),
                Reference::new(span(1, 30, 40), score.clone(), UseSite::Template),
                Reference::new(span(2, 0, 4), Symbol::Locale("vi".into()), UseSite::Code),
            ],
        )
    }

    /// Of two declarations of one symbol, the first given is the one the
    /// table keeps, wherever the other declarations fall between them.
    #[test]
    fn the_first_declaration_of_a_symbol_wins() {
        let score = Symbol::Score("engagement".into());
        let declaration = |symbol: &Symbol, at: usize| Declaration {
            symbol: symbol.clone().into(),
            name_span: span(0, at, at + 4),
            span: span(0, at, at + 10),
        };
        let t = References::new(
            vec![
                declaration(&score, 300),
                declaration(&Symbol::Attr("plan".into()), 100),
                declaration(&Symbol::Score("activity".into()), 200),
                declaration(&score, 0),
            ],
            Vec::new(),
        );
        assert_eq!(t.declarations().count(), 3);
        assert_eq!(
            t.declaration(&score).map(|d| d.name_span),
            Some(span(0, 300, 304))
        );
    }

    /// The uses inside a span are those of its file between its ends,
    /// whatever the files before and after hold, and a use added later
    /// is found.
    #[test]
    fn the_uses_in_a_span_are_found_in_its_file_only() {
        let mut t = table();
        let starts = |uses: &[Reference]| uses.iter().map(|r| r.span).collect::<Vec<_>>();
        assert_eq!(starts(t.uses_in(span(0, 0, 100))), vec![]);
        assert_eq!(
            starts(t.uses_in(span(1, 0, 100))),
            vec![span(1, 10, 14), span(1, 30, 40)]
        );
        assert_eq!(starts(t.uses_in(span(1, 11, 35))), vec![span(1, 30, 40)]);
        assert_eq!(starts(t.uses_in(span(2, 0, 4))), vec![span(2, 0, 4)]);
        assert_eq!(starts(t.uses_in(span(3, 0, 100))), vec![]);
        t.add_uses(vec![Reference::new(
            span(4, 2, 3),
            Symbol::Locale("cs".into()),
            UseSite::Code,
        )]);
        assert_eq!(starts(t.uses_in(span(3, 0, 100))), vec![]);
        assert_eq!(starts(t.uses_in(span(4, 0, 100))), vec![span(4, 2, 3)]);
        assert_eq!(starts(t.uses_in(span(2, 0, 100))), vec![span(2, 0, 4)]);
    }

    #[test]
    fn uses_are_sorted_deduplicated_and_know_their_declaration() {
        let t = table();
        let spans: Vec<Span> = t.uses().iter().map(|r| r.span).collect();
        assert_eq!(spans, vec![span(1, 10, 14), span(1, 30, 40), span(2, 0, 4)]);
        assert_eq!(t.declared_at(&t.uses()[0]), Some(span(0, 50, 54)));
        assert_eq!(t.declared_at(&t.uses()[1]), Some(span(0, 6, 16)));
        assert_eq!(
            t.declared_at(&t.uses()[2]),
            None,
            "locales are not declared"
        );
    }

    fn sorts_as_sort_does(mut uses: Vec<Reference>, what: &str) {
        let mut expected = uses.clone();
        expected.sort();
        sort_uses(&mut uses);
        assert_eq!(uses, expected, "{what}");
    }

    #[test]
    fn uses_in_runs_are_sorted_as_a_full_sort_would() {
        let r = |file, start, name: &str| {
            Reference::new(
                span(file, start, start + 1),
                Symbol::Attr(name.into()),
                UseSite::Code,
            )
        };
        let cases = [
            // Runs that do not overlap, in the wrong order.
            (
                "apart",
                vec![
                    (1, 10, "a"),
                    (1, 12, "b"),
                    (0, 5, "c"),
                    (0, 7, "d"),
                    (1, 1, "e"),
                ],
            ),
            // Runs that overlap, with several uses at one span.
            (
                "overlapping",
                vec![
                    (0, 1, "a"),
                    (0, 9, "b"),
                    (0, 5, "z"),
                    (0, 12, "d"),
                    (0, 5, "c"),
                    (0, 0, "e"),
                    (0, 5, "m"),
                ],
            ),
        ];
        for (what, places) in cases {
            let uses: Vec<Reference> = places.into_iter().map(|(f, s, n)| r(f, s, n)).collect();
            sorts_as_sort_does(uses, what);
        }
    }

    #[test]
    fn uses_in_random_runs_are_sorted_as_a_full_sort_would() {
        let mut rng = fastrand::Rng::with_seed(0x9e37_79b9_7f4a_7c15);
        let mut next = move |below: usize| rng.usize(0..below);
        for len in [2, 3, 10, 100, 1000] {
            let mut uses: Vec<Reference> = (0..len)
                .map(|_| {
                    let start = next(40);
                    Reference::new(
                        span(next(3) as u32, start, start + next(3)),
                        Symbol::Attr(["a", "b", "c"][next(3)].into()),
                        if next(2) == 0 {
                            UseSite::Code
                        } else {
                            UseSite::Template
                        },
                    )
                })
                .collect();
            // Sorted stretches, as the checker produces them.
            for chunk in uses.chunks_mut(1 + next(20)) {
                chunk.sort();
            }
            sorts_as_sort_does(uses, &format!("{len} uses"));
        }
        // Declarations one after another in two files, their uses joined
        // in a shuffled order of the declarations.
        let mut declarations: Vec<Vec<Reference>> = (0..200)
            .map(|d| {
                let mut uses: Vec<Reference> = (0..next(6))
                    .map(|_| {
                        let start = 100 * (d / 2) + next(90);
                        Reference::new(
                            span((d % 2) as u32, start, start + 1 + next(5)),
                            Symbol::Segment(["s", "t"][next(2)].into()),
                            UseSite::Code,
                        )
                    })
                    .collect();
                uses.sort();
                uses
            })
            .collect();
        for i in (1..declarations.len()).rev() {
            declarations.swap(i, next(i + 1));
        }
        let uses: Vec<Reference> = declarations.into_iter().flatten().collect();
        sorts_as_sort_does(uses, "declarations apart");
    }

    #[test]
    fn later_uses_merge_into_the_sorted_table_once_each() {
        let mut t = table();
        let score = Symbol::Score("engagement".into());
        t.add_uses(vec![
            // Between two uses of the table, after all of them, one the
            // table already has, and one given twice.
            Reference::new(span(1, 20, 25), score.clone(), UseSite::Template),
            Reference::new(span(3, 0, 4), score.clone(), UseSite::Template),
            Reference::new(span(1, 30, 40), score.clone(), UseSite::Template),
            Reference::new(span(0, 1, 2), score.clone(), UseSite::Template),
            Reference::new(span(0, 1, 2), score.clone(), UseSite::Template),
        ]);
        let spans: Vec<Span> = t.uses().iter().map(|r| r.span).collect();
        assert_eq!(
            spans,
            vec![
                span(0, 1, 2),
                span(1, 10, 14),
                span(1, 20, 25),
                span(1, 30, 40),
                span(2, 0, 4),
                span(3, 0, 4)
            ]
        );
    }

    #[test]
    fn uses_in_a_span_stay_in_its_file_and_range() {
        let t = table();
        assert_eq!(t.uses_in(span(1, 0, 100)).len(), 2);
        assert_eq!(t.uses_in(span(1, 11, 100)).len(), 1);
        assert_eq!(t.uses_in(span(1, 0, 30)).len(), 1);
        assert!(t.uses_in(span(0, 0, 100)).is_empty());
        assert_eq!(t.uses_in(span(2, 0, 1)).len(), 1);
    }

    #[test]
    fn symbols_at_covers_names_and_their_ends_only() {
        let t = table();
        let at = |file, offset| t.symbols_at(FileId(file), offset);
        let attr = Symbol::Attr("plan".into());
        let score = Symbol::Score("engagement".into());
        assert_eq!(at(1, 10), vec![&attr]);
        assert_eq!(at(1, 14), vec![&attr], "right after the name");
        assert!(at(1, 20).is_empty());
        assert_eq!(at(1, 35), vec![&score]);
        // On a declaration's name.
        assert_eq!(at(0, 8), vec![&score]);
        // Inside a declaration but not on its name.
        assert!(at(0, 30).is_empty());
    }

    #[test]
    fn value_types_follow_the_schema() {
        use crate::check::model::Type;
        use crate::source::SourceMap;
        let src = "schema {\n  attr first_name: string?\n  type item { price: money(USD) }\n  event bought { items: list<item> }\n}\nscore s { +1 if first_name is set }\n";
        let mut map = SourceMap::new();
        map.add("t.camp", std::path::Path::new("t.camp"), src.into());
        let mut problems = crate::diagnostics::Problems::new();
        let files = crate::syntax::parse_project(&map, &mut problems);
        let model = crate::check::check(&files, &mut problems);
        let ty = |s: Symbol| model.value_type(&s);
        assert_eq!(
            ty(Symbol::Attr("first_name".into())),
            Some(Type::Optional(Box::new(Type::String)))
        );
        assert_eq!(ty(Symbol::Score("s".into())), Some(Type::Int));
        assert_eq!(
            ty(Symbol::Field {
                record: "item".into(),
                field: "price".into()
            }),
            Some(Type::Money("USD".into()))
        );
        assert!(matches!(
            ty(Symbol::Property {
                event: "bought".into(),
                property: "items".into()
            }),
            Some(Type::List(_))
        ));
        assert_eq!(
            ty(Symbol::Builtin("unsubscribe_url".into())),
            Some(Type::Url)
        );
        assert_eq!(ty(Symbol::Segment("s".into())), None);
        assert_eq!(ty(Symbol::Attr("gone".into())), None);
    }
}
