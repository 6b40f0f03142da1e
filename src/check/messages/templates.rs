//! Walks the syntax tree the handlebars parser produces for a template
//! field: every variable path is looked up in the scope of a send, blocks
//! open contexts (`#each`, `#with`) and guards (`#if`), and every problem
//! is mapped back to its exact source column. Helper calls are checked in
//! `template_helpers`, syntax in `template_syntax`.

use std::collections::BTreeSet;

use handlebars::template::{BlockParam, HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::Path;

use crate::check::model::{Model, Reference, Symbol, TemplateField, Type, UseSite};
use crate::diagnostics::{Diagnostic, Fix};
use crate::source::Span;

use super::helpers;
use super::scope::{self, EventScope, Frame, PathError, Resolved, Ty};
use super::template_syntax::{find_name, find_word, offset_of, tag_end, Range};
use super::{did_you_mean, SendSite};

/// What one walk of a template found.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    pub diagnostics: Vec<Diagnostic>,
    /// Canonical keys of the variables the template reads
    /// (`customer.first_name`, `event.items[].name`, `unsubscribe_url`).
    pub variables: BTreeSet<String>,
    /// Every `plural` call, with the categories it gives text for.
    pub plurals: Vec<PluralUse>,
    /// Every name of a variable path that resolved, with what it names
    /// (`engagement` of `customer.engagement` → the score), for the
    /// model's reference table.
    pub references: Vec<Reference>,
    /// Whether a path looks up `event` at the top level. A walk that does
    /// not finds the same in every [`EventScope`], with the same
    /// diagnostics: only problems with `event.*` are labelled with the
    /// sends (see [`scope::reads_event`]).
    pub reads_event: bool,
}

/// One `{{plural …}}` call.
#[derive(Clone, Debug)]
pub(crate) struct PluralUse {
    pub span: Span,
    /// The hash keys written, sorted.
    pub categories: Vec<String>,
}

/// Walks a parsed template in the scope of one event scope. `sends` are the
/// sends that have this scope: they label problems that depend on it.
pub(crate) fn analyse(
    model: &Model,
    field: &TemplateField,
    template: &Template,
    event: EventScope,
    sends: &[&SendSite],
    locale: Option<&str>,
) -> Facts {
    let _ = locale;
    let mut w = Walker {
        model,
        field,
        src: &field.source,
        event,
        sends,
        frames: vec![Frame::root()],
        guards: Vec::new(),
        facts: Facts::default(),
    };
    w.template(template);
    w.facts
}

pub(super) struct Walker<'a> {
    pub(super) model: &'a Model,
    field: &'a TemplateField,
    src: &'a str,
    event: EventScope,
    sends: &'a [&'a SendSite],
    frames: Vec<Frame>,
    /// Keys made safe by an enclosing `#if` / `#with`.
    guards: Vec<String>,
    pub(super) facts: Facts,
}

impl Walker<'_> {
    fn template(&mut self, t: &Template) {
        for (i, el) in t.elements.iter().enumerate() {
            let at = t
                .mapping
                .get(i)
                .map(|m| offset_of(self.src, m.0, m.1))
                .unwrap_or(0);
            match el {
                TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
                    let tag = (at, tag_end(self.src, at));
                    self.expression(h, tag);
                }
                TemplateElement::HelperBlock(h) => {
                    let tag = (at, tag_end(self.src, at));
                    self.block(h, tag);
                }
                TemplateElement::DecoratorExpression(_)
                | TemplateElement::DecoratorBlock(_)
                | TemplateElement::PartialExpression(_)
                | TemplateElement::PartialBlock(_) => {
                    let tag = (at, tag_end(self.src, at));
                    self.push(
                        Diagnostic::error("E0410", "partials and decorators are not supported in messages", self.span(tag))
                            .with_help("write the text in the message itself; share wording by copying it into each message"),
                    );
                }
                TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
                _ => {}
            }
        }
    }

    /// `{{x}}`, `{{{x}}}` or `{{helper args}}`.
    fn expression(&mut self, h: &HelperTemplate, tag: Range) {
        match &h.name {
            Parameter::Path(p) if h.params.is_empty() && h.hash.is_empty() => {
                if let Path::Relative((_, raw)) = p {
                    if helpers::lookup(raw).is_some() {
                        self.helper(raw, &h.params, &h.hash, tag);
                        return;
                    }
                }
                if let Some(r) = self.path(p, tag) {
                    self.check_bare_optional(&r, p, tag);
                }
            }
            Parameter::Name(n) => {
                self.helper(n, &h.params, &h.hash, tag);
            }
            Parameter::Path(p) => {
                let raw = path_raw(p);
                self.helper(&raw, &h.params, &h.hash, tag);
            }
            _ => {}
        }
    }

    /// `{{#if}}`, `{{#unless}}`, `{{#each}}`, `{{#with}}`.
    fn block(&mut self, h: &HelperTemplate, tag: Range) {
        let name = match &h.name {
            Parameter::Name(n) => n.clone(),
            Parameter::Path(p) => path_raw(p),
            _ => String::new(),
        };
        let block_param = match &h.block_param {
            Some(BlockParam::Single(Parameter::Name(n))) => Some(n.clone()),
            Some(BlockParam::Pair((Parameter::Name(n), _))) => Some(n.clone()),
            _ => None,
        };
        match name.as_str() {
            "if" | "unless" | "each" | "with" => {
                if h.params.len() != 1 {
                    self.push(
                        Diagnostic::error(
                            "E0407",
                            format!("`#{name}` takes 1 argument, found {}", h.params.len()),
                            self.span(tag),
                        )
                        .with_help(format!(
                            "write `{{{{#{name} customer.first_name}}}}…{{{{/{name}}}}}`"
                        )),
                    );
                }
                let target = h.params.first().and_then(|p| match p {
                    Parameter::Path(p) => self.path(p, tag).map(|r| (r, path_raw(p))),
                    other => {
                        let ty = self.param(other, tag, false);
                        Some((
                            Resolved {
                                ty,
                                key: String::new(),
                                symbols: Vec::new(),
                            },
                            String::new(),
                        ))
                    }
                });
                match name.as_str() {
                    "if" | "unless" => {
                        let key = target.map(|(r, _)| r.key).unwrap_or_default();
                        let guard_then = name == "if";
                        self.guarded(guard_then.then_some(&key), |w| {
                            if let Some(t) = &h.template {
                                w.template(t)
                            }
                        });
                        self.guarded((!guard_then).then_some(&key), |w| {
                            if let Some(t) = &h.inverse {
                                w.template(t)
                            }
                        });
                    }
                    "each" => {
                        let (elem, key) = match &target {
                            Some((r, raw)) => {
                                match r.ty.list_element() {
                                    Some(e) => (e, format!("{}[]", r.key)),
                                    None => {
                                        let at = self.locate(tag, raw);
                                        let d = Diagnostic::error(
                                        "E0405",
                                        format!("`#each` needs a list, but `{raw}` is {}", r.ty.describe(self.model)),
                                        self.span(at),
                                    )
                                    .with_primary_label("not a list")
                                    .with_help("use `#with` to enter a record, or `#if` to test a value");
                                        self.push(d);
                                        (Ty::Any, format!("{}[]", r.key))
                                    }
                                }
                            }
                            None => (Ty::Any, String::new()),
                        };
                        self.framed(
                            Frame {
                                ty: elem,
                                key,
                                is_each: true,
                                block_param,
                            },
                            None,
                            h,
                        );
                    }
                    _ => {
                        let (ty, key) = match target {
                            Some((r, _)) => (strip(r.ty), r.key),
                            None => (Ty::Any, String::new()),
                        };
                        let guard = key.clone();
                        self.framed(
                            Frame {
                                ty,
                                key,
                                is_each: false,
                                block_param,
                            },
                            Some(guard),
                            h,
                        );
                    }
                }
            }
            other => {
                let d = if helpers::lookup(other).is_some() {
                    Diagnostic::error(
                        "E0407",
                        format!("`{other}` is not a block helper"),
                        self.span(tag),
                    )
                    .with_help(format!(
                        "call it inline, without `#` and `{{{{/{other}}}}}`"
                    ))
                } else {
                    self.unknown_helper(other, tag)
                };
                self.push(d);
                if let Some(t) = &h.template {
                    self.template(t);
                }
                if let Some(t) = &h.inverse {
                    self.template(t);
                }
            }
        }
    }

    /// Walks a block's body in a new context and its `{{else}}` in the
    /// current one.
    fn framed(&mut self, frame: Frame, guard: Option<String>, h: &HelperTemplate) {
        self.frames.push(frame);
        self.guarded(guard.as_ref(), |w| {
            if let Some(t) = &h.template {
                w.template(t)
            }
        });
        self.frames.pop();
        if let Some(t) = &h.inverse {
            self.template(t);
        }
    }

    fn guarded(&mut self, key: Option<&String>, body: impl FnOnce(&mut Self)) {
        let pushed = match key {
            Some(k) if !k.is_empty() => {
                self.guards.push(k.clone());
                true
            }
            _ => false,
        };
        body(self);
        if pushed {
            self.guards.pop();
        }
    }

    fn is_guarded(&self, key: &str) -> bool {
        self.guards.iter().any(|g| {
            key == g
                || key
                    .strip_prefix(g.as_str())
                    .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
        })
    }

    /// Looks a variable up; reports it when it does not resolve.
    pub(super) fn path(&mut self, p: &Path, tag: Range) -> Option<Resolved> {
        match p {
            Path::Local((level, name, raw)) => {
                let frame = self
                    .frames
                    .len()
                    .checked_sub(1 + level)
                    .and_then(|i| self.frames.get(i));
                let ty = match (frame, name.as_str()) {
                    (Some(f), "index") if f.is_each => Type::Int,
                    (Some(f), "first" | "last") if f.is_each => Type::Bool,
                    _ => {
                        let at = self.locate(tag, raw);
                        let help = if ["index", "first", "last"].contains(&name.as_str()) {
                            format!("`@{name}` exists only inside `{{{{#each}}}}`")
                        } else {
                            "inside `{{#each}}` the local variables are `@index`, `@first` and `@last`".to_string()
                        };
                        self.push(
                            Diagnostic::error(
                                "E0402",
                                format!("unknown variable `{raw}`"),
                                self.span(at),
                            )
                            .with_help(help),
                        );
                        return None;
                    }
                };
                Some(Resolved {
                    ty: Ty::Value(ty),
                    key: raw.clone(),
                    symbols: Vec::new(),
                })
            }
            Path::Relative((_, raw)) => {
                let parts = scope::split_path(raw);
                self.facts.reads_event |= scope::reads_event(&self.frames, &parts);
                match scope::resolve(self.model, self.event, &self.frames, &parts) {
                    Ok(r) => {
                        self.facts.variables.insert(r.key.clone());
                        for (index, symbol) in &r.symbols {
                            // Only where the name itself is found: a reference
                            // points at exactly the name, or is left out.
                            let at = self.locate_segment(tag, raw, &parts.segments, *index);
                            if self.src.get(at.0..at.1) != Some(symbol.name())
                                && !matches!(symbol, Symbol::Builtin(_))
                            {
                                continue;
                            }
                            let span = self.span(at);
                            self.facts.references.push(Reference::new(
                                span,
                                symbol.clone(),
                                UseSite::Template,
                            ));
                        }
                        Some(r)
                    }
                    Err((index, err)) => {
                        // `event` itself is the problem when no event is in scope.
                        let at = if err == PathError::NoEvent {
                            self.locate(tag, raw)
                        } else {
                            self.locate_segment(tag, raw, &parts.segments, index)
                        };
                        let d = self.path_error(raw, err, at);
                        self.push(d);
                        None
                    }
                }
            }
        }
    }

    fn path_error(&self, raw: &str, err: PathError, at: Range) -> Diagnostic {
        let span = self.span(at);
        let in_each = self.frames.len() > 1;
        match err {
            PathError::UnknownVariable { name, candidates } => {
                let d = Diagnostic::error("E0402", format!("unknown variable `{name}`"), span)
                    .with_primary_label("not in scope");
                if self.model.attr_by_name(&name).is_some()
                    || self.model.scores.iter().any(|s| s.name == name)
                {
                    d.with_help(format!(
                        "customer attributes are under `customer`: write `customer.{name}`"
                    ))
                } else if let Some(s) = did_you_mean(&name, candidates.iter().map(|c| c.as_str())) {
                    self.with_replace(d.with_help(format!("did you mean `{s}`?")), at, &name, s)
                } else {
                    d.with_help("templates can use `customer.*`, `event.*`, `campaign.name` and `unsubscribe_url`")
                }
            }
            PathError::UnknownMember {
                parent,
                name,
                candidates,
            } => {
                let (code, what) = match &parent {
                    Ty::Customer => ("E0402", "attribute or score".to_string()),
                    Ty::Campaign => ("E0402", "property".to_string()),
                    Ty::Event(_) => ("E0403", "property".to_string()),
                    _ => ("E0403", "field".to_string()),
                };
                let mut d = Diagnostic::error(
                    code,
                    format!("{} has no {what} `{name}`", parent.describe(self.model)),
                    span,
                )
                .with_primary_label(format!("unknown {what}"));
                if let Ty::Event(Some(e)) = &parent {
                    for s in self.sends {
                        d = d.with_label(
                            s.span,
                            format!(
                                "sent here, where the event in scope is `{}`",
                                self.model.event(*e).name
                            ),
                        );
                    }
                }
                let root_name = scope::ROOT_NAMES.contains(&name.as_str());
                if in_each && root_name {
                    d.with_help(format!(
                        "inside `{{{{#each}}}}` and `{{{{#with}}}}` names refer to the current element; write `@root.{}` to reach the top level",
                        raw.trim_start_matches("this.")
                    ))
                } else if let Some(s) = did_you_mean(&name, candidates.iter().map(|c| c.as_str())) {
                    self.with_replace(d.with_help(format!("did you mean `{s}`?")), at, &name, s)
                } else if candidates.is_empty() {
                    d.with_help(format!("{} has no {what}s", parent.describe(self.model)))
                } else {
                    d.with_help(format!("available: {}", super::list_names(&candidates)))
                }
            }
            PathError::NoEvent => {
                let mut d = Diagnostic::error(
                    "E0404",
                    format!("`{raw}` is used where no event is in scope"),
                    span,
                )
                .with_primary_label("needs an event");
                for s in self.sends {
                    d = d.with_label(s.span, "sent here, where no event is in scope");
                }
                d.with_help(
                    "`event.*` is available in campaigns with `trigger event …` and inside `on event` of `wait for`; \
                     use `customer.*` here, or send this message where the event is in scope",
                )
            }
            PathError::NotAnObject { parent, name } => Diagnostic::error(
                "E0403",
                format!(
                    "`{raw}` looks up `{name}` in {}, which has no fields",
                    parent.describe(self.model)
                ),
                span,
            )
            .with_help("only records, events and `customer` have fields"),
        }
    }

    pub(super) fn check_bare_optional(&mut self, r: &Resolved, p: &Path, tag: Range) {
        if !r.ty.is_optional() || self.is_guarded(&r.key) {
            return;
        }
        let raw = path_raw(p);
        let at = self.locate(tag, &raw);
        self.push(
            Diagnostic::warning(
                "W0401",
                format!("`{raw}` is optional ({}) and renders as nothing when unset", r.ty.describe(self.model)),
                self.span(at),
            )
            .with_primary_label("may be unset")
            .with_help(format!(
                "use `default`: `{{{{default {raw} \"…\"}}}}`, or wrap it in `{{{{#if {raw}}}}}…{{{{/if}}}}`"
            )),
        );
    }

    pub(super) fn push(&mut self, d: Diagnostic) {
        self.facts.diagnostics.push(d);
    }

    pub(super) fn span(&self, (start, end): Range) -> Span {
        self.field.sub_span(start, end)
    }

    /// `d` with a fix replacing `wrong` at `at` by `right`, when `at` is
    /// exactly `wrong` in the template (a range that fell back to the whole
    /// tag gets no fix rather than a wrong one).
    pub(super) fn with_replace(
        &self,
        d: Diagnostic,
        at: Range,
        wrong: &str,
        right: &str,
    ) -> Diagnostic {
        if self.src.get(at.0..at.1) == Some(wrong) {
            d.with_fix(Fix::replace(self.span(at), right))
        } else {
            d
        }
    }

    /// The range of `needle` inside a tag (the whole tag if not found).
    pub(super) fn locate(&self, tag: Range, needle: &str) -> Range {
        find_word(self.src, tag, needle).unwrap_or(tag)
    }

    /// The range of segment `index` of a path inside a tag.
    fn locate_segment(&self, tag: Range, raw: &str, segments: &[String], index: usize) -> Range {
        let Some((start, end)) = find_word(self.src, tag, raw) else {
            return tag;
        };
        let mut from = start;
        for (i, seg) in segments.iter().enumerate() {
            match find_name(self.src, (from, end), seg, i > 0) {
                Some(r) if i == index => return r,
                Some(r) => from = r.1,
                None => break,
            }
        }
        (start, end)
    }
}

pub(super) fn strip(ty: Ty) -> Ty {
    match ty {
        Ty::Value(Type::Optional(t)) => Ty::Value(*t),
        t => t,
    }
}

pub(super) fn path_raw(p: &Path) -> String {
    match p {
        Path::Relative((_, raw)) => raw.clone(),
        Path::Local((_, _, raw)) => raw.clone(),
    }
}
