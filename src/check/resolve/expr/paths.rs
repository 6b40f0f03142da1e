//! Names in expressions: bare names (attributes, segments, scores, enum
//! words), `customer.NAME`, `event.NAME` and the properties of a filtered
//! event.

use super::{bool_expr, error_expr, Dep, Scope, Typer};
use crate::check::model::{
    AttrId, EventId, EventRef, ScoreId, SegmentId, Symbol, TExpr, TExprKind, Type, Value,
};
use crate::check::resolve::record::enum_owner;
use crate::check::resolve::report;
use crate::check::resolve::types::{self};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident};

impl<'e> Typer<'e, '_> {
    /// A name or dotted path: `customer.NAME`, `event.NAME…`, a property
    /// of the filtered event, a bare word given meaning by `expected`, or an
    /// attribute, segment or score.
    pub(super) fn path(
        &mut self,
        idents: &[Ident],
        scope: Scope,
        expected: Option<&Type>,
        span: Span,
    ) -> TExpr {
        let Some(first) = idents.first() else {
            return error_expr(span);
        };
        if idents.len() >= 2 && first.name == "customer" {
            return self.customer_path(&idents[1..], span);
        }
        if idents.len() >= 2 && first.name == "event" {
            let Some(ev) = scope.in_scope else {
                self.problems.push(
                    Diagnostic::error("E0219", format!("`event.{}` is used where no event is in scope", idents[1].name), span)
                        .with_primary_label("no event here")
                        .with_help("`event.*` refers to the trigger event (`trigger event …`) or the event of a `wait for … on event` branch"),
                );
                return error_expr(span);
            };
            return self.event_path(ev, EventRef::InScope(ev), &idents[1..], span);
        }
        // A variant of the other operand's enum wins over a name that happens
        // to be spelt the same: `tier == gold` reads as the variant.
        let is_variant = matches!(expected.map(Type::strip_optional), Some(Type::Enum(vs)) if vs.contains(&first.name));
        if idents.len() == 1 && (is_variant || self.is_free_word_ident(first, scope)) {
            if let Some(t) = self.word(first, expected) {
                return t;
            }
        }
        if let Some(ev) = scope.filtered {
            return self.event_path(ev, EventRef::Filtered(ev), idents, span);
        }
        if idents.len() > 1 {
            let is_attr = self.env.decls.attrs.id(&first.name).is_some();
            self.problems.push(if is_attr {
                Diagnostic::error("E0309", format!("the fields of attribute `{}` cannot be reached in a condition", first.name), span)
                    .with_primary_label("a dotted path here")
                    .with_help("conditions use whole attributes; declare the value you need as its own attribute")
            } else {
                report::unknown(
                    "E0207",
                    "name",
                    &first.name,
                    first.span,
                    self.bare_names(),
                    Some("dotted names start with `customer.` or `event.`".into()),
                )
            });
            return error_expr(span);
        }
        self.bare_name(first, span)
    }

    /// [`Typer::is_free_word`] for a single name.
    pub(super) fn is_free_word_ident(&self, ident: &Ident, scope: Scope) -> bool {
        let e = Expr {
            kind: ExprKind::Path(vec![ident.clone()]),
            span: ident.span,
        };
        self.is_free_word(&e, scope)
    }

    /// A bare word given meaning by the other operand: an enum variant or a
    /// locale tag. `None` when the other operand gives it none.
    pub(super) fn word(&mut self, w: &Ident, expected: Option<&Type>) -> Option<TExpr> {
        match expected?.strip_optional() {
            // The other side already had an error: say nothing more.
            Type::Error => Some(error_expr(w.span)),
            Type::Enum(variants) => {
                if !variants.contains(&w.name) {
                    let list = variants
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.problems.push(report::unknown(
                        "E0211",
                        "enum variant",
                        &w.name,
                        w.span,
                        variants.iter().map(String::as_str),
                        Some(format!("the variants are {list}")),
                    ));
                    return Some(error_expr(w.span));
                }
                if let Some(owner) = enum_owner(self.env.schema, variants) {
                    let sym = Symbol::Variant {
                        owner: Box::new(owner),
                        variant: w.name.clone(),
                    };
                    self.env.decls.uses.add(w.span, sym);
                }
                Some(TExpr {
                    kind: TExprKind::Literal(Box::new(Value::Enum(w.name.clone()))),
                    ty: expected?.strip_optional().clone(),
                    span: w.span,
                })
            }
            Type::Locale => Some({
                let sym = Symbol::Locale(w.name.clone());
                self.env.decls.uses.add(w.span, sym);
                TExpr {
                    kind: TExprKind::Literal(Box::new(Value::String(w.name.clone()))),
                    ty: Type::Locale,
                    span: w.span,
                }
            }),
            t if types::is_text(t) => {
                self.problems.push(
                    report::unknown("E0207", "name", &w.name, w.span, std::iter::empty(), None)
                        .with_help(format!("text is written in quotes: `\"{}\"`", w.name)),
                );
                Some(error_expr(w.span))
            }
            _ => None,
        }
    }

    /// Every bare name of expressions, for did-you-mean.
    pub(super) fn bare_names(&self) -> Vec<&'e str> {
        let d = self.env.decls;
        let mut v: Vec<&str> = d
            .attrs
            .names()
            .chain(d.segments.names())
            .chain(d.scores.names())
            .collect();
        v.sort_unstable();
        v
    }

    /// An attribute, segment or score.
    pub(super) fn bare_name(&mut self, name: &Ident, span: Span) -> TExpr {
        let d = self.env.decls;
        if let Some(id) = d.attrs.id(&name.name) {
            d.uses.add(name.span, Symbol::Attr(name.name.clone()));
            return TExpr {
                kind: TExprKind::Attr(AttrId(id)),
                ty: self.env.schema.attrs[id as usize].ty.clone(),
                span,
            };
        }
        if let Some(id) = d.segments.id(&name.name) {
            d.uses.add(name.span, Symbol::Segment(name.name.clone()));
            self.deps.push(Dep::Segment(SegmentId(id)));
            return bool_expr(TExprKind::Segment(SegmentId(id)), span);
        }
        if let Some(id) = d.scores.id(&name.name) {
            d.uses.add(name.span, Symbol::Score(name.name.clone()));
            self.deps.push(Dep::Score(ScoreId(id)));
            return TExpr {
                kind: TExprKind::Score(ScoreId(id)),
                ty: Type::Int,
                span,
            };
        }
        let fallback = if d.events.id(&name.name).is_some() {
            Some(format!(
                "`{0}` is an event; write `performed {0}` or `count({0})`",
                name.name
            ))
        } else {
            Some("a bare name is an attribute, a segment or a score".into())
        };
        self.problems.push(report::unknown(
            "E0207",
            "name",
            &name.name,
            name.span,
            self.bare_names(),
            fallback,
        ));
        error_expr(span)
    }

    /// `customer.NAME`: an attribute or a score.
    pub(super) fn customer_path(&mut self, rest: &[Ident], span: Span) -> TExpr {
        let name = &rest[0];
        let d = self.env.decls;
        if rest.len() > 1 && d.attrs.id(&name.name).is_some() {
            self.problems.push(
                Diagnostic::error(
                    "E0309",
                    format!(
                        "the fields of attribute `{}` cannot be reached in a condition",
                        name.name
                    ),
                    span,
                )
                .with_primary_label("a dotted path here")
                .with_help("conditions use whole attributes"),
            );
            return error_expr(span);
        }
        if let Some(id) = d.attrs.id(&name.name) {
            d.uses.add(name.span, Symbol::Attr(name.name.clone()));
            return TExpr {
                kind: TExprKind::Attr(AttrId(id)),
                ty: self.env.schema.attrs[id as usize].ty.clone(),
                span,
            };
        }
        if let Some(id) = d.scores.id(&name.name) {
            d.uses.add(name.span, Symbol::Score(name.name.clone()));
            self.deps.push(Dep::Score(ScoreId(id)));
            return TExpr {
                kind: TExprKind::Score(ScoreId(id)),
                ty: Type::Int,
                span,
            };
        }
        let candidates: Vec<&str> = d.attrs.names().chain(d.scores.names()).collect();
        self.problems.push(report::unknown(
            "E0203",
            "attribute",
            &name.name,
            name.span,
            candidates,
            Some("attributes are declared in `schema` with `attr NAME: TYPE`".into()),
        ));
        error_expr(span)
    }

    /// A property of an event, possibly through record fields.
    pub(super) fn event_path(
        &mut self,
        ev: EventId,
        eref: EventRef,
        idents: &[Ident],
        span: Span,
    ) -> TExpr {
        let schema = self.env.schema;
        let event = &schema.events[ev.index()];
        let first = &idents[0];
        let Some(idx) = event.fields.iter().position(|f| f.name == first.name) else {
            let hint = match eref {
                EventRef::Filtered(_) if self.env.decls.attrs.id(&first.name).is_some() => Some(format!(
                    "inside `where`, bare names are properties of `{}`; write `customer.{}` for the attribute",
                    event.name, first.name
                )),
                _ => None,
            };
            self.problems.push(unknown_property(
                &event.name,
                event.fields.iter().map(|f| f.name.as_str()),
                first,
                hint,
            ));
            return error_expr(span);
        };
        self.env.decls.uses.add(
            first.span,
            Symbol::Property {
                event: event.name.clone(),
                property: first.name.clone(),
            },
        );
        let mut path = vec![idx];
        let mut ty = event.fields[idx].ty.clone();
        let mut optional = ty.is_optional();
        for (prev, ident) in idents.iter().zip(&idents[1..]) {
            let rid = match ty.strip_optional() {
                Type::Record(rid) => *rid,
                Type::Error => return error_expr(span),
                other => {
                    let found = self.ty_name(other);
                    self.problems.push(
                        Diagnostic::error("E0205", format!("`{}` is `{found}` and has no field `{}`", prev.name, ident.name), ident.span)
                            .with_primary_label("no such field")
                            .with_help("only record values have fields; list items cannot be reached in a condition"),
                    );
                    return error_expr(span);
                }
            };
            let record = &schema.records[rid.index()];
            let Some(fidx) = record.fields.iter().position(|f| f.name == ident.name) else {
                self.problems.push(unknown_property(
                    &record.name,
                    record.fields.iter().map(|f| f.name.as_str()),
                    ident,
                    None,
                ));
                return error_expr(span);
            };
            self.env.decls.uses.add(
                ident.span,
                Symbol::Field {
                    record: record.name.clone(),
                    field: ident.name.clone(),
                },
            );
            path.push(fidx);
            ty = record.fields[fidx].ty.clone();
            optional |= ty.is_optional();
        }
        let ty = if optional && !ty.is_optional() {
            Type::Optional(Box::new(ty))
        } else {
            ty
        };
        TExpr {
            kind: TExprKind::EventField { event: eref, path },
            ty,
            span,
        }
    }
}

/// An unknown property of an event (or field of a record), with
/// did-you-mean; `hint` replaces the list of known properties.
pub(in crate::check::resolve) fn unknown_property<'a>(
    owner: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    name: &Ident,
    hint: Option<String>,
) -> Diagnostic {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let fallback = hint.clone().or_else(|| {
        if candidates.is_empty() {
            Some(format!("`{owner}` has no properties"))
        } else {
            let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            Some(format!(
                "the properties of `{owner}` are {}",
                list.join(", ")
            ))
        }
    });
    let d = report::unknown_msg(
        "E0205",
        format!("`{owner}` has no property `{}`", name.name),
        "unknown property".into(),
        &name.name,
        name.span,
        candidates,
        fallback,
    );
    match hint {
        Some(h) => d.with_help(h),
        None => d,
    }
}
