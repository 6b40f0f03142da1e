//! Event queries: `performed`, `count`, `sum`, `last` — the event they
//! name, their `where` filter and their window.

use super::paths::unknown_property;
use super::{duration, error_expr, Scope, Typer};
use crate::check::model::{EventId, Symbol, TExpr, TExprKind, TWindow, Type};
use crate::check::resolve::report;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{Expr, Ident, Window};

impl Typer<'_, '_> {
    /// A `where` filter of an event query: bare names are `ev`'s properties.
    pub fn filter(&mut self, f: &Expr, ev: EventId, scope: Scope) -> TExpr {
        let inner = Scope {
            filtered: Some(ev),
            ..scope
        };
        self.condition(f, inner, "a `where` filter")
    }

    /// A window; `since entry` is reported outside a campaign.
    pub fn window(&mut self, w: &Window, scope: Scope) -> Option<crate::check::model::TWindow> {
        match w {
            Window::Within(d) => Some(TWindow::Within(duration(d))),
            Window::SinceEntry(span) => {
                if scope.in_campaign {
                    Some(TWindow::SinceEntry)
                } else {
                    self.problems.push(
                        Diagnostic::error("E0220", "`since entry` is only meaningful inside a campaign", *span)
                            .with_primary_label("there is no entry here")
                            .with_help("segments and scores are evaluated outside any journey; use `within DURATION`"),
                    );
                    None
                }
            }
        }
    }

    /// Resolves an event name (unknown → reported, `None`).
    pub fn event(&mut self, name: &Ident) -> Option<EventId> {
        let events = &self.env.decls.events;
        match events.id(&name.name) {
            Some(id) => {
                let sym = Symbol::Event(name.name.clone());
                self.env.decls.uses.add(name.span, sym);
                Some(EventId(id))
            }
            None => {
                self.problems.push(report::unknown(
                    "E0204",
                    "event",
                    &name.name,
                    name.span,
                    events.names(),
                    Some("events are declared in `schema` with `event NAME { … }`".into()),
                ));
                None
            }
        }
    }

    /// `sum(EVENT.PROP …)`: the property must be numeric; the sum has the
    /// property's type (zero when no event matched, so never unset).
    pub(super) fn sum(
        &mut self,
        event: &Ident,
        property: &Ident,
        filter: &Option<Box<Expr>>,
        window: &Option<Box<Window>>,
        scope: Scope,
        span: Span,
    ) -> TExpr {
        let Some(ev) = self.event(event) else {
            return error_expr(span);
        };
        let def = &self.env.schema.events[ev.index()];
        let Some(field) = def.fields.iter().position(|f| f.name == property.name) else {
            self.problems.push(unknown_property(
                &def.name,
                def.fields.iter().map(|f| f.name.as_str()),
                property,
                None,
            ));
            return error_expr(span);
        };
        self.env.decls.uses.add(
            property.span,
            Symbol::Property {
                event: def.name.clone(),
                property: property.name.clone(),
            },
        );
        let fty = def.fields[field].ty.clone();
        if !fty.is_numeric() && fty != Type::Error {
            let found = self.ty_name(&fty);
            self.problems.push(
                Diagnostic::error(
                    "E0305",
                    format!("`sum` needs a numeric property, but `{}.{}` is `{found}`", def.name, property.name),
                    property.span,
                )
                .with_primary_label(format!("this is `{found}`"))
                .with_label(def.fields[field].span, "declared here")
                .with_help("`sum` adds up `int`, `decimal` or `money` properties; use `count(…)` to count events"),
            );
            return error_expr(span);
        }
        let filter = filter.as_ref().map(|f| Box::new(self.filter(f, ev, scope)));
        let window = window.as_ref().and_then(|w| self.window(w, scope));
        TExpr {
            kind: TExprKind::Sum {
                event: ev,
                field,
                filter,
                window,
            },
            ty: fty.strip_optional().clone(),
            span,
        }
    }
}
