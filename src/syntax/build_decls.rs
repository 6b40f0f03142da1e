//! Top-level declarations other than campaigns and tests: defaults,
//! schema, lifecycle, segments, scores, messages and personas.

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{
    Campaign, Defaults, EventSample, Expr, ExprKind, FieldDecl, Ident, Item, Lifecycle,
    LocaleBlock, Message, Persona, Pressure, Schema, SchemaItem, Score, ScoreRule, ScoreRuleKind,
    Segment, SourceFileAst, Test, TypeExpr, TypeKind, Value, ValueKind, Warehouse,
};
use crate::syntax::build::{Builder, Built};
use crate::syntax::docs::doc_before;
use crate::syntax::parser::{Rule, P};

impl Builder<'_> {
    /// The `file` pair: every declaration in order.
    pub fn source_file(&mut self, p: P<'_>) -> Built<SourceFileAst> {
        let mut items = Vec::new();
        for decl in self.parts(p) {
            items.push(self.declaration(decl)?);
        }
        Ok(SourceFileAst {
            file: self.file,
            items,
            skipped: Vec::new(),
        })
    }

    /// The file's tree and every diagnostic, once all declarations are
    /// built.
    pub fn finish(mut self, mut items: Vec<Item>) -> (SourceFileAst, Vec<Diagnostic>) {
        // The list grew by doubling; a big file would keep up to half of
        // it spare for as long as the tree lives.
        items.shrink_to_fit();
        self.skipped.sort_by_key(|s| (s.span.start, s.span.end));
        let ast = SourceFileAst {
            file: self.file,
            items,
            skipped: self.skipped,
        };
        (ast, self.problems)
    }

    /// The declaration in `text[start..end]`, which did not parse, kept by
    /// its kind and name when its head (`campaign NAME`, `message NAME:
    /// CHANNEL`, `test "…"`, …) reads: an empty declaration marked
    /// `broken`. Blocks without a name keep nothing.
    pub fn salvage_at(&mut self, start: usize, end: usize) -> Option<Item> {
        let text = self.text;
        let pairs = crate::syntax::parse_from(text, start, 0, Rule::decl_head).ok()?;
        let head = pairs.into_iter().next()?;
        let saved = std::mem::replace(&mut self.base, start);
        let len = text.get(start..end).unwrap_or_default().trim_end().len();
        let span = Span::new(self.file, start, start + len);
        let item = self.salvage_head(head, span);
        self.base = saved;
        item
    }

    fn salvage_head(&mut self, head: P<'_>, span: Span) -> Option<Item> {
        let keyword = head.clone().into_inner().next()?.as_rule();
        let doc = self.doc(&head);
        let mut parts = self.parts(head);
        let broken = true;
        Some(match keyword {
            Rule::kw_segment => {
                let name = self.ident(&parts.need(Rule::name).ok()?);
                // A placeholder condition: a broken segment is only ever
                // checked, never lowered (a syntax error stops the build).
                let value = Value {
                    kind: ValueKind::Bool(true),
                    span: name.span,
                };
                let expr = Expr {
                    kind: ExprKind::Literal(Box::new(value)),
                    span: name.span,
                };
                Item::Segment(Segment {
                    doc,
                    name,
                    expr,
                    span,
                    broken,
                })
            }
            Rule::kw_score => Item::Score(Score {
                doc,
                name: self.ident(&parts.need(Rule::name).ok()?),
                rules: Vec::new(),
                span,
                broken,
            }),
            Rule::kw_message => {
                let name = self.ident(&parts.need(Rule::name).ok()?);
                let channel = match parts.opt(Rule::name) {
                    Some(c) => self.ident(&c),
                    None => Ident {
                        name: String::new(),
                        span: name.span,
                    },
                };
                Item::Message(Box::new(Message {
                    doc,
                    name,
                    channel,
                    fields: Vec::new(),
                    locales: Vec::new(),
                    span,
                    broken,
                }))
            }
            Rule::kw_campaign => Item::Campaign(Box::new(Campaign {
                doc,
                name: self.ident(&parts.need(Rule::name).ok()?),
                settings: Vec::new(),
                flow: None,
                span,
                broken,
            })),
            Rule::kw_persona => Item::Persona(Box::new(Persona {
                doc,
                name: self.ident(&parts.need(Rule::name).ok()?),
                fields: Vec::new(),
                events: Vec::new(),
                span,
                broken,
            })),
            Rule::kw_test => Item::Test(Box::new(Test {
                doc,
                name: self.string_pair(parts.need(Rule::string).ok()?).ok()?,
                items: Vec::new(),
                span,
                broken,
            })),
            _ => return None,
        })
    }

    fn doc(&self, p: &P<'_>) -> Option<crate::syntax::ast::Doc> {
        doc_before(self.file, self.text, self.start(p))
    }

    fn declaration(&mut self, p: P<'_>) -> Built<Item> {
        let skipped_before = self.skipped.len();
        let mut item = self.declaration_here(p)?;
        if self.skipped.len() > skipped_before {
            item.set_broken();
        }
        Ok(item)
    }

    fn declaration_here(&mut self, p: P<'_>) -> Built<Item> {
        Ok(match p.as_rule() {
            Rule::defaults => {
                let span = self.span(&p);
                self.defaults(p, span)?
            }
            Rule::warehouse => {
                let span = self.span(&p);
                Item::Warehouse(Warehouse {
                    fields: self.fields(p)?,
                    span,
                })
            }
            Rule::schema => Item::Schema(self.schema(p)?),
            Rule::lifecycle => {
                let span = self.span(&p);
                let stages = self.parts(p).map(|n| self.ident(&n)).collect();
                Item::Lifecycle(Lifecycle { stages, span })
            }
            Rule::segment => {
                let doc = self.doc(&p);
                let span = self.span(&p);
                let mut parts = self.parts(p);
                let name = self.ident(&parts.need(Rule::name)?);
                let expr = self.expr(parts.need(Rule::expr)?)?;
                Item::Segment(Segment {
                    doc,
                    name,
                    expr,
                    span,
                    broken: false,
                })
            }
            Rule::score => Item::Score(self.score(p)?),
            Rule::message => Item::Message(Box::new(self.message(p)?)),
            Rule::campaign => Item::Campaign(Box::new(self.campaign(p)?)),
            Rule::persona => Item::Persona(Box::new(self.persona(p)?)),
            Rule::test => Item::Test(Box::new(self.test(p)?)),
            _ => return Err(self.internal(&p, "a declaration")),
        })
    }

    /// `defaults { … }`: `name value` fields and `pressure N per D`.
    fn defaults(&mut self, p: P<'_>, span: Span) -> Built<Item> {
        let mut fields = Vec::new();
        let mut pressure = Vec::new();
        let mut previous = None;
        for entry in self.parts(p) {
            if self.skipped_entry(&entry, Rule::defaults_tail, &mut previous) {
                continue;
            }
            if entry.as_rule() == Rule::pressure {
                let span = self.span(&entry);
                let mut parts = self.parts(entry);
                let count = parts.need(Rule::int)?;
                let per = parts.need(Rule::duration)?;
                pressure.push(Pressure {
                    count: self.int(&count),
                    count_span: self.span(&count),
                    per: self.duration(&per),
                    span,
                });
            } else {
                fields.push(self.field(entry)?);
            }
        }
        Ok(Item::Defaults(Defaults {
            fields,
            pressure,
            span,
        }))
    }

    fn schema(&mut self, p: P<'_>) -> Built<Schema> {
        let span = self.span(&p);
        let mut items = Vec::new();
        let mut previous = None;
        for item in self.parts(p) {
            if self.skipped_entry(&item, Rule::schema_tail, &mut previous) {
                let skipped = self.skipped.last().map(|s| s.span);
                if let Some(salvaged) = skipped.and_then(|s| self.salvage_schema_item(s)) {
                    items.push(salvaged);
                }
                continue;
            }
            let doc = self.doc(&item);
            let span = self.span(&item);
            let rule = item.as_rule();
            let mut parts = self.parts(item);
            // Attributes and events come from the tracking plan: any name.
            // Record types are the project's own names.
            let name_pair = parts.need(Rule::name)?;
            let name = if rule == Rule::type_decl {
                self.ident(&name_pair)
            } else {
                self.data_name(&name_pair)
            };
            items.push(match rule {
                Rule::attr_decl => {
                    let ty = self.type_expr(parts.need(Rule::type_expr)?)?;
                    let consent = match parts.opt(Rule::consent) {
                        Some(c) => Some(self.data_name(&self.parts(c).need(Rule::name)?)),
                        None => None,
                    };
                    SchemaItem::Attr {
                        doc,
                        name,
                        ty,
                        consent,
                        span,
                    }
                }
                Rule::type_decl => SchemaItem::Record {
                    doc,
                    name,
                    fields: self.field_decls(parts)?,
                    span,
                },
                _ => SchemaItem::Event {
                    doc,
                    name,
                    fields: self.field_decls(parts)?,
                    span,
                },
            });
        }
        Ok(Schema { items, span })
    }

    /// A schema entry whose line did not parse, kept by kind and name (its
    /// type [`TypeKind::Broken`], a record or event without fields) so that
    /// uses of the name are not reported as unknown.
    fn salvage_schema_item(&self, skipped: Span) -> Option<SchemaItem> {
        let (kind, name) = self.salvage_name(skipped)?;
        let span = skipped;
        Some(match kind {
            "attr" => SchemaItem::Attr {
                doc: None,
                ty: TypeExpr {
                    kind: TypeKind::Broken,
                    optional: false,
                    span: name.span,
                },
                name,
                consent: None,
                span,
            },
            "type" => SchemaItem::Record {
                doc: None,
                name,
                fields: Vec::new(),
                span,
            },
            "event" => SchemaItem::Event {
                doc: None,
                name,
                fields: Vec::new(),
                span,
            },
            _ => return None,
        })
    }

    fn field_decls(&mut self, parts: crate::syntax::parser::Parts<'_>) -> Built<Vec<FieldDecl>> {
        let mut out = Vec::new();
        let mut previous = None;
        for f in parts {
            if self.skipped_entry(&f, Rule::decls_tail, &mut previous) {
                // `total money(USD` keeps the field `total`, of no known type.
                let skipped = self.skipped.last().map(|s| s.span);
                let name = skipped.and_then(|s| {
                    let text = self.text.get(s.range()).unwrap_or_default();
                    let len = text
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(text.len());
                    let word = &text[..len];
                    let start = s.start as usize;
                    word.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                        .then(|| crate::syntax::ast::Ident {
                            name: word.to_string(),
                            span: Span::new(self.file, start, start + len),
                        })
                });
                if let Some(name) = name {
                    let ty = TypeExpr {
                        kind: TypeKind::Broken,
                        optional: false,
                        span: name.span,
                    };
                    let span = skipped.unwrap_or(name.span);
                    out.push(FieldDecl { name, ty, span });
                }
                continue;
            }
            let span = self.span(&f);
            let mut parts = self.parts(f);
            let name = self.data_name(&parts.need(Rule::name)?);
            let ty = self.type_expr(parts.need(Rule::type_expr)?)?;
            out.push(FieldDecl { name, ty, span });
        }
        Ok(out)
    }

    fn type_expr(&mut self, p: P<'_>) -> Built<TypeExpr> {
        let span = self.span(&p);
        let mut parts = self.parts(p);
        let inner = parts.need_any()?;
        let optional = parts.opt(Rule::optional_mark).is_some();
        let kind = match inner.as_rule() {
            Rule::enum_type => TypeKind::Enum(self.parts(inner).map(|n| self.ident(&n)).collect()),
            Rule::money_type => {
                let cur = self.parts(inner).need(Rule::currency)?;
                let check = crate::syntax::literals::currency(cur.as_str(), self.span(&cur));
                self.recover(check, ());
                TypeKind::Money(self.ident(&cur))
            }
            Rule::list_type => {
                let elem = self.parts(inner).need(Rule::type_expr)?;
                TypeKind::List(Box::new(self.type_expr(elem)?))
            }
            _ => TypeKind::Named(self.ident(&self.parts(inner).need(Rule::name)?)),
        };
        Ok(TypeExpr {
            kind,
            optional,
            span,
        })
    }

    fn score(&mut self, p: P<'_>) -> Built<Score> {
        let doc = self.doc(&p);
        let span = self.span(&p);
        let mut parts = self.parts(p);
        let name = self.ident(&parts.need(Rule::name)?);
        let mut rules = Vec::new();
        let mut previous = None;
        for rule in parts {
            if self.skipped_entry(&rule, Rule::score_tail, &mut previous) {
                continue;
            }
            let span = self.span(&rule);
            let mut parts = self.parts(rule);
            let points_pair = parts.need(Rule::points)?;
            let text = points_pair.as_str().trim_start_matches('+');
            let r = crate::syntax::literals::int(text, self.span(&points_pair));
            let points = self.recover(r, 0);
            let body = parts.need_any()?;
            let kind = if body.as_rule() == Rule::per_rule {
                let mut parts = self.parts(body);
                let event = self.data_name(&parts.need(Rule::name)?);
                let filter = self.filter(&mut parts)?;
                let window = self.window(&mut parts)?;
                let max = match parts.opt(Rule::max_clause) {
                    Some(m) => {
                        let n = self.parts(m).need(Rule::int)?;
                        Some((self.int(&n), self.span(&n)))
                    }
                    None => None,
                };
                ScoreRuleKind::PerEvent {
                    event,
                    filter,
                    window,
                    max,
                }
            } else {
                ScoreRuleKind::If(self.expr(self.parts(body).need(Rule::expr)?)?)
            };
            rules.push(ScoreRule { points, kind, span });
        }
        Ok(Score {
            doc,
            name,
            rules,
            span,
            broken: false,
        })
    }

    fn message(&mut self, p: P<'_>) -> Built<Message> {
        let doc = self.doc(&p);
        let span = self.span(&p);
        let mut parts = self.parts(p);
        let name = self.ident(&parts.need(Rule::name)?);
        let channel = self.ident(&parts.need(Rule::name)?);
        let mut fields = Vec::new();
        let mut locales = Vec::new();
        let mut previous = None;
        for entry in parts {
            if self.skipped_entry(&entry, Rule::message_tail, &mut previous) {
                continue;
            }
            if entry.as_rule() == Rule::locale_block {
                let span = self.span(&entry);
                let mut parts = self.parts(entry);
                let locale = self.locale_tag(&parts.need(Rule::locale_tag)?);
                let fields = self.field_list(parts)?;
                locales.push(LocaleBlock {
                    locale,
                    fields,
                    span,
                });
            } else {
                fields.push(self.field(entry)?);
            }
        }
        Ok(Message {
            doc,
            name,
            channel,
            fields,
            locales,
            span,
            broken: false,
        })
    }

    fn persona(&mut self, p: P<'_>) -> Built<Persona> {
        let doc = self.doc(&p);
        let span = self.span(&p);
        let mut parts = self.parts(p);
        let name = self.ident(&parts.need(Rule::name)?);
        let mut fields = Vec::new();
        let mut events = Vec::new();
        let mut previous = None;
        for entry in parts {
            if self.skipped_entry(&entry, Rule::persona_tail, &mut previous) {
                continue;
            }
            if entry.as_rule() == Rule::event_sample {
                let span = self.span(&entry);
                let mut parts = self.parts(entry);
                let event = self.data_name(&parts.need(Rule::name)?);
                let fields = self.field_list(parts)?;
                events.push(EventSample {
                    event,
                    fields,
                    span,
                });
            } else {
                fields.push(self.field(entry)?);
            }
        }
        Ok(Persona {
            doc,
            name,
            fields,
            events,
            span,
            broken: false,
        })
    }
}
