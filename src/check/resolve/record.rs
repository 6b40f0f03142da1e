//! Recording the reference table (`check::references`): the resolver
//! notes every name it resolves into the [`Recorder`] of the declaration
//! tables, and [`table`] adds the declarations themselves and the record
//! types named in type expressions.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::names::Decls;
use crate::check::model::{EventId, Schema, Type};
use crate::check::references::{Declaration, Reference, References, Symbol, Symbols, UseSite};
use crate::source::Span;
use crate::syntax::ast::{self, Ident, TypeExpr, TypeKind, ValueKind};

/// The uses the resolver found. Resolving runs on several threads: each
/// thread of the pool records into a list of its own, behind a lock that
/// no other thread takes while resolving (one shared lock made the threads
/// wait for each other on every name). The table joins and sorts them, so
/// their order does not matter.
pub(super) struct Recorder {
    /// By [`rayon::current_thread_index`], after one for any thread
    /// outside the pool.
    shards: Box<[Mutex<Found>]>,
    /// While set, nothing is recorded (see [`Recorder::pause`]).
    paused: AtomicBool,
}

impl Default for Recorder {
    fn default() -> Recorder {
        Recorder {
            shards: (0..=rayon::current_num_threads())
                .map(|_| Mutex::default())
                .collect(),
            paused: AtomicBool::new(false),
        }
    }
}

/// What the resolver recorded, each symbol once ([`Symbols`]).
#[derive(Default)]
struct Found {
    symbols: Symbols,
    uses: Vec<Reference>,
    /// Declarations inside other declarations that only the resolver
    /// walks (the splits of flows).
    declarations: Vec<Declaration>,
}

impl Recorder {
    /// Stops (`true`) or resumes recording: a check that keeps no model
    /// records nothing while it types the segments, whose uses only the
    /// editor reads.
    pub fn pause(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }

    fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    /// This thread's list.
    fn found(&self) -> std::sync::MutexGuard<'_, Found> {
        let shard = rayon::current_thread_index().map_or(0, |i| i + 1) % self.shards.len();
        self.shards[shard]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A use of `target` written at `span` (the name only).
    pub fn add(&self, span: Span, target: Symbol) {
        if self.is_paused() {
            return;
        }
        let mut found = self.found();
        let target = found.symbols.intern(target);
        found.uses.push(Reference::new(span, target, UseSite::Code));
    }

    /// A declaration found while resolving: `name_span` is its name.
    pub fn declare(&self, symbol: Symbol, name_span: Span, span: Span) {
        if self.is_paused() {
            return;
        }
        let mut found = self.found();
        let symbol = found.symbols.intern(symbol);
        found.declarations.push(Declaration {
            symbol,
            name_span,
            span,
        });
    }

    /// Everything recorded, each symbol shared once across the threads'
    /// lists.
    fn take(&self) -> Found {
        let mut lists = self.shards.iter().map(|shard| {
            std::mem::take(&mut *shard.lock().unwrap_or_else(PoisonError::into_inner))
        });
        let mut all = lists.next().unwrap_or_default();
        for list in lists {
            let Found {
                symbols: _,
                uses,
                declarations,
            } = list;
            all.uses.extend(uses.into_iter().map(|mut r| {
                r.target = all.symbols.intern_shared(&r.target);
                r
            }));
            all.declarations
                .extend(declarations.into_iter().map(|mut d| {
                    d.symbol = all.symbols.intern_shared(&d.symbol);
                    d
                }));
        }
        all
    }
}

/// What one declaration's resolving recorded ([`Recorder::capture`]), to
/// be recorded again when the declaration is kept from an earlier check
/// instead of being resolved ([`Recorder::replay`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Recorded {
    pub uses: Vec<Reference>,
    pub declarations: Vec<Declaration>,
}

impl Recorded {
    /// Every span given to `f` (the declaration's file was renumbered).
    pub fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        for r in &mut self.uses {
            r.span = f(r.span);
        }
        for d in &mut self.declarations {
            d.name_span = f(d.name_span);
            d.span = f(d.span);
        }
    }
}

impl Recorder {
    /// Runs `resolve` (which must not hand work to other threads: what it
    /// records is taken from this thread's list) and returns, with its
    /// result, what it recorded.
    pub fn capture<R>(&self, resolve: impl FnOnce() -> R) -> (R, Recorded) {
        let lengths = |found: &Found| (found.uses.len(), found.declarations.len());
        let before = lengths(&self.found());
        let result = resolve();
        let found = self.found();
        let recorded = if self.is_paused() {
            Recorded::default()
        } else {
            Recorded {
                uses: found.uses.get(before.0..).unwrap_or_default().to_vec(),
                declarations: found
                    .declarations
                    .get(before.1..)
                    .unwrap_or_default()
                    .to_vec(),
            }
        };
        (result, recorded)
    }

    /// Records again what [`Recorder::capture`] returned. The symbols are
    /// shared with the check that recorded them (equal symbols compare
    /// equal, so the table is the same; it only holds a few more copies).
    pub fn replay(&self, recorded: &Recorded) {
        if self.is_paused() {
            return;
        }
        let mut found = self.found();
        found.uses.extend(recorded.uses.iter().cloned());
        found
            .declarations
            .extend(recorded.declarations.iter().cloned());
    }
}

/// The reference table of a resolved project: its declarations, the uses
/// recorded while resolving, and the record types that types name;
/// without the segments' declarations unless `segments`.
pub(super) fn table<'a>(decls: &Decls<'a>, segments: bool) -> References {
    let Found {
        mut symbols,
        mut uses,
        mut declarations,
    } = decls.uses.take();
    let mut declare = |symbol: Symbol, name: &Ident, span: Span| {
        declarations.push(Declaration {
            symbol: symbols.intern(symbol),
            name_span: name.span,
            span,
        })
    };
    for (name, a) in decls.attrs.iter() {
        let sym = Symbol::Attr(name.to_string());
        declare_variants(&sym, a.ty, &mut declare);
        declare(sym, a.name, a.span);
    }
    for (kind, table) in [("record", &decls.records), ("event", &decls.events)] {
        for (name, r) in table.iter() {
            declare(
                if kind == "record" {
                    Symbol::Record(name.to_string())
                } else {
                    Symbol::Event(name.to_string())
                },
                r.name,
                r.span,
            );
            for f in r.fields {
                let sym = if kind == "record" {
                    Symbol::Field {
                        record: name.to_string(),
                        field: f.name.name.clone(),
                    }
                } else {
                    Symbol::Property {
                        event: name.to_string(),
                        property: f.name.name.clone(),
                    }
                };
                declare_variants(&sym, &f.ty, &mut declare);
                declare(sym, &f.name, f.span);
            }
        }
    }
    for stage in decls.lifecycle.iter().flat_map(|l| &l.stages) {
        declare(Symbol::Stage(stage.name.clone()), stage, stage.span);
    }
    for (name, s) in decls.segments.iter().filter(|_| segments) {
        declare(Symbol::Segment(name.to_string()), &s.name, s.span);
    }
    for (name, s) in decls.scores.iter() {
        declare(Symbol::Score(name.to_string()), &s.name, s.span);
    }
    for (name, m) in decls.messages.iter() {
        declare(Symbol::Message(name.to_string()), &m.name, m.span);
    }
    for (name, c) in decls.campaigns.iter() {
        declare(Symbol::Campaign(name.to_string()), &c.name, c.span);
    }
    for (name, p) in decls.personas.iter() {
        declare(Symbol::Persona(name.to_string()), &p.name, p.span);
    }
    // Record types named in the types of attributes, fields, properties.
    let types = decls
        .attrs
        .iter()
        .map(|(_, a)| a.ty)
        .chain(
            decls
                .records
                .iter()
                .flat_map(|(_, r)| r.fields.iter().map(|f| &f.ty)),
        )
        .chain(
            decls
                .events
                .iter()
                .flat_map(|(_, r)| r.fields.iter().map(|f| &f.ty)),
        );
    for ty in types {
        record_types(ty, decls, &mut symbols, &mut uses);
    }
    // Locale tags: the blocks of messages and the default locale. A
    // project has a few tags and thousands of blocks: each tag's symbol is
    // looked up once, not made and hashed for every block.
    let mut tags: std::collections::HashMap<&str, Arc<Symbol>, foldhash::fast::RandomState> =
        Default::default();
    let mut code = |span: Span, tag: &'a str| {
        let target = match tags.get(tag) {
            Some(known) => Arc::clone(known),
            None => {
                let known = symbols.intern(Symbol::Locale(tag.to_string()));
                tags.insert(tag, Arc::clone(&known));
                known
            }
        };
        Reference::new(span, target, UseSite::Code)
    };
    for (_, m) in decls.messages.iter() {
        uses.extend(m.locales.iter().map(|b| code(b.locale.span, &b.locale.tag)));
    }
    for f in decls.defaults.iter().flat_map(|d| &d.fields) {
        if let (ValueKind::Word(w), "locale") = (&f.value.kind, f.name.name.as_str()) {
            uses.push(code(w.span, &w.name));
        }
    }
    References::new(declarations, uses)
}

/// Declares the variants of an `enum(…)` type (also inside `?` and
/// `list<…>`) as variants of `owner`.
fn declare_variants(owner: &Symbol, ty: &TypeExpr, declare: &mut impl FnMut(Symbol, &Ident, Span)) {
    match &ty.kind {
        TypeKind::Enum(variants) => {
            for v in variants {
                let sym = Symbol::Variant {
                    owner: Box::new(owner.clone()),
                    variant: v.name.clone(),
                };
                declare(sym, v, v.span);
            }
        }
        TypeKind::List(item) => declare_variants(owner, item, declare),
        TypeKind::Named(_) | TypeKind::Money(_) | TypeKind::Broken => {}
    }
}

fn record_types(ty: &TypeExpr, decls: &Decls, symbols: &mut Symbols, uses: &mut Vec<Reference>) {
    match &ty.kind {
        TypeKind::Named(name) if decls.records.id(&name.name).is_some() => {
            let target = symbols.intern(Symbol::Record(name.name.clone()));
            uses.push(Reference::new(name.span, target, UseSite::Code))
        }
        TypeKind::List(item) => record_types(item, decls, symbols, uses),
        _ => {}
    }
}

/// Which attribute, field or property declared the enum type `variants`:
/// every declaration has its own shared list, so the one holding the same
/// list is its owner.
pub(super) fn enum_owner(schema: &Schema, variants: &Arc<[String]>) -> Option<Symbol> {
    fn holds(ty: &Type, variants: &Arc<[String]>) -> bool {
        match ty {
            Type::Enum(v) => Arc::ptr_eq(v, variants),
            Type::Optional(t) | Type::List(t) => holds(t, variants),
            _ => false,
        }
    }
    if let Some(a) = schema.attrs.iter().find(|a| holds(&a.ty, variants)) {
        return Some(Symbol::Attr(a.name.clone()));
    }
    for r in &schema.records {
        if let Some(f) = r.fields.iter().find(|f| holds(&f.ty, variants)) {
            return Some(Symbol::Field {
                record: r.name.clone(),
                field: f.name.clone(),
            });
        }
    }
    for e in &schema.events {
        if let Some(f) = e.fields.iter().find(|f| holds(&f.ty, variants)) {
            return Some(Symbol::Property {
                event: e.name.clone(),
                property: f.name.clone(),
            });
        }
    }
    None
}

/// Records the names inside a constant value of type `ty` (persona
/// attributes, test events and `set`s): enum variants, locale tags, and
/// the field names of record values.
pub(super) fn value(decls: &Decls, schema: &Schema, value: &ast::Value, ty: &Type) {
    match (&value.kind, ty.strip_optional()) {
        (ValueKind::Word(w), Type::Enum(variants)) if variants.contains(&w.name) => {
            if let Some(owner) = enum_owner(schema, variants) {
                let sym = Symbol::Variant {
                    owner: Box::new(owner),
                    variant: w.name.clone(),
                };
                decls.uses.add(w.span, sym);
            }
        }
        (ValueKind::Word(w), Type::Locale) => {
            decls.uses.add(w.span, Symbol::Locale(w.name.clone()))
        }
        (ValueKind::List(items), Type::List(item)) => {
            for v in items {
                self::value(decls, schema, v, item);
            }
        }
        (ValueKind::Record(fields), Type::Record(r)) => {
            if let Some(def) = schema.records.get(r.index()) {
                for f in fields {
                    if let Some(fd) = def.fields.iter().find(|d| d.name == f.name.name) {
                        let sym = Symbol::Field {
                            record: def.name.clone(),
                            field: f.name.name.clone(),
                        };
                        decls.uses.add(f.name.span, sym);
                        self::value(decls, schema, &f.value, &fd.ty);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Records the property names of an event payload and the names inside
/// their values.
pub(super) fn payload(decls: &Decls, schema: &Schema, event: EventId, fields: &[ast::Field]) {
    let Some(def) = schema.events.get(event.index()) else {
        return;
    };
    for f in fields {
        if let Some(fd) = def.fields.iter().find(|d| d.name == f.name.name) {
            let sym = Symbol::Property {
                event: def.name.clone(),
                property: f.name.name.clone(),
            };
            decls.uses.add(f.name.span, sym);
            value(decls, schema, &f.value, &fd.ty);
        }
    }
}
