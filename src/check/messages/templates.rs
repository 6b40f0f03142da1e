//! Parses template fields with the handlebars crate's own parser and walks
//! the syntax tree it produces: every variable path is looked up in the
//! scope of a send, every helper call is checked against the helper table,
//! and every position is mapped back to the exact source column.

use std::collections::BTreeSet;

use handlebars::template::{BlockParam, HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{JsonValue, Path, TemplateErrorReason};

use crate::check::model::{Model, TemplateField, Type};
use crate::diagnostics::Diagnostic;
use crate::source::Span;

use super::helpers::{self, PLURAL_CATEGORIES};
use super::scope::{self, EventScope, Frame, PathError, Resolved, Ty};
use super::{did_you_mean, SendSite};
use crate::render::HelperSpec;

/// What one walk of a template found.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    pub diagnostics: Vec<Diagnostic>,
    /// Canonical keys of the variables the template reads
    /// (`customer.first_name`, `event.items[].name`, `unsubscribe_url`).
    pub variables: BTreeSet<String>,
    /// Every `plural` call, with the categories it gives text for.
    pub plurals: Vec<PluralUse>,
}

/// One `{{plural …}}` call.
#[derive(Clone, Debug)]
pub(crate) struct PluralUse {
    pub span: Span,
    /// The hash keys written, sorted.
    pub categories: Vec<String>,
}

/// Parses a template field; a syntax error is reported at its place inside
/// the string.
pub(crate) fn parse(field: &TemplateField) -> Result<Template, Box<Diagnostic>> {
    let src = field.source.as_str();
    // The parser has panicked on odd input in the past; a panic there must
    // not take the compiler down.
    let result = std::panic::catch_unwind(|| Template::compile(src));
    let err =
        match result {
            Ok(Ok(t)) => return Ok(t),
            Ok(Err(e)) => e,
            Err(_) => return Err(Box::new(
                Diagnostic::error("E0401", "this template could not be parsed", field.span)
                    .with_help(
                    "check that every `{{` has a matching `}}` and every `{{#block}}` is closed",
                ),
            )),
        };
    let at = err
        .pos()
        .map(|(line, col)| offset_of(src, line, col))
        .unwrap_or(src.len());
    let (message, help) = match err.reason() {
        TemplateErrorReason::MismatchingClosedHelper(open, close) => (
            format!("`{{{{#{open}}}}}` is closed by `{{{{/{close}}}}}`"),
            format!("close the block with `{{{{/{open}}}}}`"),
        ),
        TemplateErrorReason::MismatchingClosedDecorator(open, close) => (
            format!("`{{{{#*{open}}}}}` is closed by `{{{{/{close}}}}}`"),
            format!("close the block with `{{{{/{open}}}}}`"),
        ),
        TemplateErrorReason::NestedSubexpression => (
            "nested subexpressions are not supported".to_string(),
            "compute the inner value in a separate tag".to_string(),
        ),
        TemplateErrorReason::InvalidParam(p) => (
            format!("invalid argument `{p}` in this template tag"),
            "arguments are variables such as `customer.plan`, or literals such as `\"text\"` and `42`".to_string(),
        ),
        other => {
            let open = src[..at.min(src.len())].rfind("{{");
            let closed = open.is_some_and(|o| src[o..].contains("}}"));
            let triple = open.is_some_and(|o| src[..o].ends_with('{') || src[o..].starts_with("{{{"));
            if open.is_some() && !closed {
                (
                    "this `{{` tag is never closed".to_string(),
                    "end the tag with `}}`; to write literal braces, escape them as `\\{{`".to_string(),
                )
            } else if triple && !src[at..].starts_with("}}}") {
                (
                    "a `{{{` tag must end with `}}}`".to_string(),
                    "`{{{x}}}` inserts a value without escaping; most templates want `{{x}}`".to_string(),
                )
            } else {
                let expected = match other {
                    TemplateErrorReason::InvalidSyntax(text) => plain_expectations(text),
                    _ => other.to_string(),
                };
                (
                    format!("invalid template syntax: {expected}"),
                    "a tag holds a variable (`{{customer.plan}}`), a helper call \
                     (`{{money event.total}}`) or a block (`{{#if …}}…{{/if}}`)"
                        .to_string(),
                )
            }
        }
    };
    let end = next_char_end(src, at);
    Err(Box::new(
        Diagnostic::error("E0401", message, field.sub_span(at, end))
            .with_primary_label("here")
            .with_help(help),
    ))
}

/// Rewrites the parser's "expected rule_a, rule_b, or rule_c" in plain
/// words.
fn plain_expectations(text: &str) -> String {
    let Some(list) = text.strip_prefix("expected ") else {
        return text.to_string();
    };
    let mut words: Vec<String> = Vec::new();
    for rule in list.split(", ").flat_map(|r| r.split(" or ")) {
        let rule = rule.trim().trim_start_matches("or ").trim();
        let word = match rule {
            "identifier" | "path_id" | "path_raw_id" => "a name".to_string(),
            "helper_parameter" | "param" => "an argument".to_string(),
            "hash" => "a named argument".to_string(),
            "path" | "reference" => "a variable".to_string(),
            "literal" | "string_literal" | "number_literal" => "a literal".to_string(),
            "trailing_tilde_to_omit_whitespace" | "pro_whitespace_omitter" | "expression" => {
                "`}}`".to_string()
            }
            "EOI" => "the end of the template".to_string(),
            "" => continue,
            other => format!("`{other}`"),
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    match words.len() {
        0 => text.to_string(),
        1 => format!("expected {}", words[0]),
        n => format!("expected {} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
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

struct Walker<'a> {
    model: &'a Model,
    field: &'a TemplateField,
    src: &'a str,
    event: EventScope,
    sends: &'a [&'a SendSite],
    frames: Vec<Frame>,
    /// Keys made safe by an enclosing `#if` / `#with`.
    guards: Vec<String>,
    facts: Facts,
}

/// A byte range of the template source.
type Range = (usize, usize);

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

    /// Checks a helper call and returns the type of what it produces.
    fn helper(
        &mut self,
        name: &str,
        params: &[Parameter],
        hash: &std::collections::HashMap<String, Parameter>,
        tag: Range,
    ) -> Ty {
        let Some(sig) = helpers::lookup(name) else {
            let d = if helpers::BLOCK_HELPERS.contains(&name) {
                Diagnostic::error(
                    "E0407",
                    format!("`{name}` is a block helper"),
                    self.span(tag),
                )
                .with_help(format!("write `{{{{#{name} …}}}}…{{{{/{name}}}}}`"))
            } else {
                self.unknown_helper(name, tag)
            };
            self.push(d);
            for p in params {
                self.param(p, tag, false);
            }
            return Ty::Any;
        };
        if params.len() < sig.min_args || params.len() > sig.max_args {
            let expected = if sig.min_args == sig.max_args {
                format!("{}", sig.min_args)
            } else {
                format!("{} or {}", sig.min_args, sig.max_args)
            };
            let noun = if expected == "1" {
                "argument"
            } else {
                "arguments"
            };
            self.push(
                Diagnostic::error(
                    "E0407",
                    format!("`{name}` takes {expected} {noun}, found {}", params.len()),
                    self.span(tag),
                )
                .with_primary_label(format!("{} given", params.len()))
                .with_help(format!("write `{}`", helpers::usage(name))),
            );
        }
        let mut types = Vec::new();
        for (i, p) in params.iter().enumerate() {
            // `default`'s first argument is exactly the optional value it
            // makes safe.
            let bare_ok = name == "default" && i == 0;
            let ty = self.param(p, tag, !bare_ok);
            if i < sig.max_args {
                self.check_argument(sig, i, p, &ty, tag);
            }
            types.push(ty);
        }
        self.check_hash(sig, hash, tag);
        match name {
            "default" => types.into_iter().next().map(strip).unwrap_or(Ty::Any),
            _ => Ty::Value(Type::String),
        }
    }

    fn check_argument(
        &mut self,
        sig: &HelperSpec,
        index: usize,
        p: &Parameter,
        ty: &Ty,
        tag: Range,
    ) {
        let helper = sig.name;
        let text = param_text(p);
        if helpers::is_literal(sig, index) {
            let ok = match p {
                Parameter::Literal(JsonValue::String(s)) => {
                    sig.literals.is_empty() || sig.literals.contains(&s.as_str())
                }
                _ => false,
            };
            if !ok {
                let at = self.locate(tag, &text);
                self.push(
                    Diagnostic::error(
                        "E0408",
                        format!("`{helper}` takes a format name here, not `{text}`"),
                        self.span(at),
                    )
                    .with_help(format!("use one of {}", super::list_names(sig.literals))),
                );
            }
            return;
        }
        let Some(kinds) = sig.arg_kinds.get(index) else {
            return;
        };
        if !helpers::allows(kinds, ty) {
            let at = self.locate(tag, &text);
            self.push(
                Diagnostic::error(
                    "E0408",
                    format!(
                        "`{helper}` needs {}, but `{text}` is {}",
                        helpers::describe(kinds),
                        ty.describe(self.model)
                    ),
                    self.span(at),
                )
                .with_primary_label(format!("this is {}", ty.describe(self.model)))
                .with_help(format!(
                    "`{helper}` is used like `{}`",
                    helpers::usage(helper)
                )),
            );
        }
    }

    fn check_hash(
        &mut self,
        sig: &HelperSpec,
        hash: &std::collections::HashMap<String, Parameter>,
        tag: Range,
    ) {
        let helper = sig.name;
        let mut keys: Vec<&String> = hash.keys().collect();
        keys.sort();
        let is_plural = helper == "plural";
        for k in &keys {
            if sig.hash_keys.contains(&k.as_str()) {
                continue;
            }
            let at = self.locate(tag, &format!("{k}="));
            let d = if is_plural {
                let d = Diagnostic::error(
                    "E0409",
                    format!("`{k}` is not a CLDR plural category"),
                    self.span(at),
                );
                match did_you_mean(k, PLURAL_CATEGORIES.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}=`?")),
                    None => d.with_help(format!(
                        "plural categories are {}",
                        super::list_names(PLURAL_CATEGORIES)
                    )),
                }
            } else if sig.hash_keys.is_empty() {
                Diagnostic::error(
                    "E0407",
                    format!("`{helper}` takes no named arguments such as `{k}=`"),
                    self.span(at),
                )
                .with_help("remove the named argument")
            } else {
                Diagnostic::error(
                    "E0407",
                    format!("`{helper}` has no named argument `{k}=`"),
                    self.span(at),
                )
                .with_help(format!(
                    "its named arguments are {}",
                    super::list_names(
                        &sig.hash_keys
                            .iter()
                            .map(|h| format!("{h}="))
                            .collect::<Vec<_>>()
                    )
                ))
            };
            self.push(d);
        }
        if !is_plural {
            return;
        }
        if !hash.contains_key("other") {
            self.push(
                Diagnostic::error(
                    "E0409",
                    format!("`{helper}` needs an `other=` text"),
                    self.span(tag),
                )
                .with_help("every locale uses `other`; add e.g. `other=\"# points\"`"),
            );
        }
        let categories: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let span = self.span(tag);
        self.facts.plurals.push(PluralUse { span, categories });
    }

    fn unknown_helper(&self, name: &str, tag: Range) -> Diagnostic {
        let at = self.locate(tag, name);
        let d = Diagnostic::error("E0406", format!("unknown helper `{name}`"), self.span(at))
            .with_primary_label("not a helper");
        match did_you_mean(name, helpers::all_names()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!(
                "the helpers are {}",
                super::list_names(&helpers::all_names().collect::<Vec<_>>())
            )),
        }
    }

    /// The type of one helper argument.
    fn param(&mut self, p: &Parameter, tag: Range, warn_optional: bool) -> Ty {
        match p {
            Parameter::Path(path) => match self.path(path, tag) {
                Some(r) => {
                    if warn_optional {
                        self.check_bare_optional(&r, path, tag);
                    }
                    r.ty
                }
                None => Ty::Any,
            },
            Parameter::Name(n) => {
                let path = Path::Relative((Vec::new(), n.clone()));
                self.param(&Parameter::Path(path), tag, warn_optional)
            }
            Parameter::Literal(v) => match v {
                JsonValue::String(_) => Ty::Value(Type::String),
                JsonValue::Bool(_) => Ty::Value(Type::Bool),
                JsonValue::Number(n) if n.is_i64() || n.is_u64() => Ty::Value(Type::Int),
                JsonValue::Number(_) => Ty::Value(Type::Decimal),
                _ => Ty::Any,
            },
            Parameter::Subexpression(s) => match s.as_element() {
                TemplateElement::Expression(h) => match &h.name {
                    Parameter::Name(n) => self.helper(n, &h.params, &h.hash, tag),
                    Parameter::Path(p) if h.params.is_empty() => {
                        self.path(p, tag).map(|r| r.ty).unwrap_or(Ty::Any)
                    }
                    Parameter::Path(p) => self.helper(&path_raw(p), &h.params, &h.hash, tag),
                    _ => Ty::Any,
                },
                _ => Ty::Any,
            },
            _ => Ty::Any,
        }
    }

    /// Looks a variable up; reports it when it does not resolve.
    fn path(&mut self, p: &Path, tag: Range) -> Option<Resolved> {
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
                })
            }
            Path::Relative((_, raw)) => {
                let parts = scope::split_path(raw);
                match scope::resolve(self.model, self.event, &self.frames, &parts) {
                    Ok(r) => {
                        self.facts.variables.insert(r.key.clone());
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
                    d.with_help(format!("did you mean `{s}`?"))
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
                    d.with_help(format!("did you mean `{s}`?"))
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

    fn check_bare_optional(&mut self, r: &Resolved, p: &Path, tag: Range) {
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

    fn push(&mut self, d: Diagnostic) {
        self.facts.diagnostics.push(d);
    }

    fn span(&self, (start, end): Range) -> Span {
        self.field.sub_span(start, end)
    }

    /// The range of `needle` inside a tag (the whole tag if not found).
    fn locate(&self, tag: Range, needle: &str) -> Range {
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

fn strip(ty: Ty) -> Ty {
    match ty {
        Ty::Value(Type::Optional(t)) => Ty::Value(*t),
        t => t,
    }
}

fn path_raw(p: &Path) -> String {
    match p {
        Path::Relative((_, raw)) => raw.clone(),
        Path::Local((_, _, raw)) => raw.clone(),
    }
}

/// How a parameter is written in the template (to find it in the tag).
fn param_text(p: &Parameter) -> String {
    match p {
        Parameter::Path(p) => path_raw(p),
        Parameter::Name(n) => n.clone(),
        Parameter::Literal(v) => v.to_string(),
        _ => String::new(),
    }
}

/// The byte offset of a 1-based line and character column.
pub(crate) fn offset_of(src: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    src.len()
}

fn next_char_end(src: &str, at: usize) -> usize {
    src.get(at..)
        .and_then(|s| s.chars().next())
        .map_or(at, |c| at + c.len_utf8())
}

/// Where the tag opening at `start` ends (after its `}}`), skipping quoted
/// strings inside it.
pub(crate) fn tag_end(src: &str, start: usize) -> usize {
    let bytes = src.as_bytes();
    let mut i = start;
    let mut in_str: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match in_str {
            Some(q) if b == q => in_str = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && i > start + 1 => in_str = Some(b),
            None if src[i..].starts_with("}}}") => return i + 3,
            None if src[i..].starts_with("}}") => return i + 2,
            None => {}
        }
        i += 1;
    }
    src.len()
}

/// The first occurrence of `needle` in `range` not glued to other name
/// characters.
fn find_word(src: &str, (start, end): Range, needle: &str) -> Option<Range> {
    find_name(src, (start, end), needle, false)
}

/// Like [`find_word`]; `after_dot` also accepts a match right after a `.`
/// (a later segment of a path).
fn find_name(src: &str, (start, end): Range, needle: &str, after_dot: bool) -> Option<Range> {
    if needle.is_empty() {
        return None;
    }
    let hay = src.get(start..end)?;
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let s = from + i;
        let e = s + needle.len();
        let before = hay[..s].chars().next_back();
        let after = hay[e..].chars().next();
        let first_is_name = needle.chars().next().is_some_and(is_name);
        let last_is_name = needle.chars().next_back().is_some_and(is_name);
        let ok_before =
            !first_is_name || !before.is_some_and(|c| is_name(c) || (c == '.' && !after_dot));
        let ok_after = !last_is_name || !after.is_some_and(is_name);
        if ok_before && ok_after {
            return Some((start + s, start + e));
        }
        from = s + needle.len().max(1);
    }
    None
}
