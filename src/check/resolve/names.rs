//! The project's global symbol tables: every top-level declaration of every
//! file, by kind, with duplicates reported.
//!
//! All `.camp` files share one namespace and declarations may come in any
//! order. Ids in the model are positions in these tables, which are sorted
//! by name, so ids never depend on file order.

use super::record::Recorder;
use super::report;
use crate::diagnostics::Problems;
use crate::source::Span;
use crate::syntax::ast::{self, Doc, FieldDecl, Ident, Item, SchemaItem, SourceFileAst, TypeExpr};

/// Declarations of one kind, sorted by name; the first declaration of a
/// name wins, later ones are reported as duplicates.
pub(super) struct Table<'a, T> {
    entries: Vec<(&'a str, T)>,
}

impl<'a, T> Table<'a, T> {
    /// How many names the table holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The id (position) of a name.
    pub fn id(&self, name: &str) -> Option<u32> {
        self.entries
            .binary_search_by(|(n, _)| (*n).cmp(name))
            .ok()
            .map(|i| i as u32)
    }

    pub fn get(&self, name: &str) -> Option<&T> {
        self.id(name).map(|i| &self.entries[i as usize].1)
    }

    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.entries.iter().map(|(n, _)| *n)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &T)> + '_ {
        self.entries.iter().map(|(n, t)| (*n, t))
    }

    /// The names and declarations, sorted by name.
    pub fn entries(&self) -> &[(&'a str, T)] {
        &self.entries
    }
}

/// `attr NAME: TYPE [consent(channel)]`
pub(super) struct AttrDecl<'a> {
    pub doc: Option<&'a Doc>,
    pub name: &'a Ident,
    pub ty: &'a TypeExpr,
    pub consent: Option<&'a Ident>,
    pub span: Span,
}

/// `type NAME { … }` and `event NAME { … }`
pub(super) struct RecordDecl<'a> {
    pub doc: Option<&'a Doc>,
    pub name: &'a Ident,
    pub fields: &'a [FieldDecl],
    pub span: Span,
}

/// Every declaration of the project, by kind.
pub(super) struct Decls<'a> {
    pub defaults: Option<&'a ast::Defaults>,
    pub warehouse: Option<&'a ast::Warehouse>,
    pub lifecycle: Option<&'a ast::Lifecycle>,
    pub attrs: Table<'a, AttrDecl<'a>>,
    pub records: Table<'a, RecordDecl<'a>>,
    pub events: Table<'a, RecordDecl<'a>>,
    pub segments: Table<'a, &'a ast::Segment>,
    pub scores: Table<'a, &'a ast::Score>,
    pub messages: Table<'a, &'a ast::Message>,
    pub campaigns: Table<'a, &'a ast::Campaign>,
    pub personas: Table<'a, &'a ast::Persona>,
    /// Sorted by name, then by source position.
    pub tests: Vec<&'a ast::Test>,
    /// Every name resolved so far, for the model's reference table.
    pub uses: Recorder,
}

/// Collects one kind of declaration, reporting a second declaration of a
/// name with both places.
struct Collector<'a, T> {
    kind: &'static str,
    /// In the order met (file order, then place in the file).
    found: Vec<(&'a Ident, T)>,
}

impl<'a, T> Collector<'a, T> {
    fn new(kind: &'static str) -> Self {
        Collector {
            kind,
            found: Vec::new(),
        }
    }

    fn add(&mut self, name: &'a Ident, item: T) {
        self.found.push((name, item));
    }

    /// The table, the first declaration of each name in it; each later
    /// one reported. A stable sort keeps equal names in the order met,
    /// and costs little on declarations that come mostly sorted (files by
    /// path, declarations in a file often by name).
    fn finish(mut self, problems: &mut Problems) -> Table<'a, T> {
        self.found
            .sort_by(|(a, _), (b, _)| a.name.as_str().cmp(b.name.as_str()));
        let mut entries: Vec<(&'a str, T)> = Vec::with_capacity(self.found.len());
        let mut first: Option<&'a Ident> = None;
        for (name, item) in self.found {
            if let Some(first) = first.filter(|f| f.name == name.name) {
                problems.push(report::duplicate(
                    self.kind, &name.name, name.span, first.span,
                ));
                continue;
            }
            first = Some(name);
            entries.push((&name.name, item));
        }
        Table { entries }
    }
}

/// Gathers every declaration of every file. Files are visited in file-id
/// order (the source map sorts them by path), so "the second declaration"
/// is well defined.
pub(super) fn collect<'a>(files: &'a [SourceFileAst], problems: &mut Problems) -> Decls<'a> {
    let mut ordered: Vec<&SourceFileAst> = files.iter().collect();
    ordered.sort_by_key(|f| f.file);

    let mut defaults: Option<&ast::Defaults> = None;
    let mut warehouse: Option<&ast::Warehouse> = None;
    let mut lifecycle: Option<&ast::Lifecycle> = None;
    let mut attrs = Collector::new("attribute");
    let mut records = Collector::new("record type");
    let mut events = Collector::new("event");
    let mut segments = Collector::new("segment");
    let mut scores = Collector::new("score");
    let mut messages = Collector::new("message");
    let mut campaigns = Collector::new("campaign");
    let mut personas = Collector::new("persona");
    let mut tests: Vec<&ast::Test> = Vec::new();

    for file in ordered {
        for item in &file.items {
            match item {
                Item::Defaults(d) => match defaults {
                    Some(first) => {
                        problems.push(report::duplicate_block("defaults", d.span, first.span))
                    }
                    None => defaults = Some(d),
                },
                Item::Warehouse(w) => match warehouse {
                    Some(first) => {
                        problems.push(report::duplicate_block("warehouse", w.span, first.span))
                    }
                    None => warehouse = Some(w),
                },
                Item::Lifecycle(l) => match lifecycle {
                    Some(first) => {
                        problems.push(report::duplicate_block("lifecycle", l.span, first.span))
                    }
                    None => lifecycle = Some(l),
                },
                Item::Schema(schema) => {
                    for si in &schema.items {
                        match si {
                            SchemaItem::Attr {
                                doc,
                                name,
                                ty,
                                consent,
                                span,
                            } => attrs.add(
                                name,
                                AttrDecl {
                                    doc: doc.as_ref(),
                                    name,
                                    ty,
                                    consent: consent.as_ref(),
                                    span: *span,
                                },
                            ),
                            SchemaItem::Record {
                                doc,
                                name,
                                fields,
                                span,
                            } => records.add(
                                name,
                                RecordDecl {
                                    doc: doc.as_ref(),
                                    name,
                                    fields,
                                    span: *span,
                                },
                            ),
                            SchemaItem::Event {
                                doc,
                                name,
                                fields,
                                span,
                            } => events.add(
                                name,
                                RecordDecl {
                                    doc: doc.as_ref(),
                                    name,
                                    fields,
                                    span: *span,
                                },
                            ),
                        }
                    }
                }
                Item::Segment(s) => segments.add(&s.name, s),
                Item::Score(s) => scores.add(&s.name, s),
                Item::Message(m) => messages.add(&m.name, &**m),
                Item::Campaign(c) => campaigns.add(&c.name, &**c),
                Item::Persona(p) => personas.add(&p.name, &**p),
                Item::Test(t) => tests.push(t),
            }
        }
    }

    tests.sort_by(|a, b| (&a.name.value, a.span).cmp(&(&b.name.value, b.span)));
    for pair in tests.windows(2) {
        if pair[0].name.value == pair[1].name.value {
            problems.push(report::duplicate(
                "test",
                &pair[1].name.value,
                pair[1].name.span,
                pair[0].name.span,
            ));
        }
    }

    let decls = Decls {
        defaults,
        warehouse,
        lifecycle,
        attrs: attrs.finish(problems),
        records: records.finish(problems),
        events: events.finish(problems),
        segments: segments.finish(problems),
        scores: scores.finish(problems),
        messages: messages.finish(problems),
        campaigns: campaigns.finish(problems),
        personas: personas.finish(problems),
        tests,
        uses: Recorder::default(),
    };
    report_clashes(&decls, problems);
    decls
}

/// Attributes, segments and scores are all bare names in expressions, so
/// one name may only be one of them.
fn report_clashes(decls: &Decls, problems: &mut Problems) {
    for (name, segment) in decls.segments.iter() {
        if let Some(attr) = decls.attrs.get(name) {
            problems.push(report::clash(
                name,
                "segment",
                segment.name.span,
                "attribute",
                attr.name.span,
            ));
        }
        if let Some(score) = decls.scores.get(name) {
            problems.push(report::clash(
                name,
                "segment",
                segment.name.span,
                "score",
                score.name.span,
            ));
        }
    }
    for (name, score) in decls.scores.iter() {
        if let Some(attr) = decls.attrs.get(name) {
            problems.push(report::clash(
                name,
                "score",
                score.name.span,
                "attribute",
                attr.name.span,
            ));
        }
    }
}
