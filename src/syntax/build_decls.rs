//! Top-level declarations other than campaigns and tests: defaults,
//! schema, lifecycle, segments, scores, messages and personas.

use crate::syntax::ast::{
    Defaults, EventSample, FieldDecl, Item, Lifecycle, LocaleBlock, Message, Persona, Schema,
    SchemaItem, Score, ScoreRule, ScoreRuleKind, Segment, SourceFileAst, TypeExpr, TypeKind,
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
        })
    }

    fn doc(&self, p: &P<'_>) -> Option<crate::syntax::ast::Doc> {
        doc_before(self.file, self.text, self.start(p))
    }

    fn declaration(&mut self, p: P<'_>) -> Built<Item> {
        Ok(match p.as_rule() {
            Rule::defaults => {
                let span = self.span(&p);
                Item::Defaults(Defaults {
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
                })
            }
            Rule::score => Item::Score(self.score(p)?),
            Rule::message => Item::Message(self.message(p)?),
            Rule::campaign => Item::Campaign(self.campaign(p)?),
            Rule::persona => Item::Persona(self.persona(p)?),
            Rule::test => Item::Test(self.test(p)?),
            _ => return Err(self.internal(&p, "a declaration")),
        })
    }

    fn schema(&mut self, p: P<'_>) -> Built<Schema> {
        let span = self.span(&p);
        let mut items = Vec::new();
        for item in self.parts(p) {
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

    fn field_decls(&mut self, parts: crate::syntax::parser::Parts<'_>) -> Built<Vec<FieldDecl>> {
        let mut out = Vec::new();
        for f in parts {
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
        for rule in parts {
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
        for entry in parts {
            if entry.as_rule() == Rule::locale_block {
                let span = self.span(&entry);
                let mut parts = self.parts(entry);
                let locale = self.locale_tag(&parts.need(Rule::locale_tag)?);
                let mut fields = Vec::new();
                for f in parts {
                    fields.push(self.field(f)?);
                }
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
        })
    }

    fn persona(&mut self, p: P<'_>) -> Built<Persona> {
        let doc = self.doc(&p);
        let span = self.span(&p);
        let mut parts = self.parts(p);
        let name = self.ident(&parts.need(Rule::name)?);
        let mut fields = Vec::new();
        let mut events = Vec::new();
        for entry in parts {
            if entry.as_rule() == Rule::event_sample {
                let span = self.span(&entry);
                let mut parts = self.parts(entry);
                let event = self.data_name(&parts.need(Rule::name)?);
                let mut fields = Vec::new();
                for f in parts {
                    fields.push(self.field(f)?);
                }
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
        })
    }
}
