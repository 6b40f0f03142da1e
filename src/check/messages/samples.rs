//! Sample values derived from types. Length and segment limits and the
//! webhook JSON check render templates with them (through the real
//! [`crate::template::Renderer`]), so their verdicts depend only on the
//! schema, never on personas.
//!
//! [`render`] is a second, simpler renderer over the same samples that
//! keeps a map from output offsets back to template offsets: when the real
//! output is not valid JSON, it finds where in the template the JSON
//! breaks.

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{JsonValue, Path};

use crate::check::model::{Model, Type};
use crate::template::value;

use super::scope::{self, EventScope, Frame, Ty};
use super::template_syntax::{offset_of, tag_end};

/// What the samples are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Realistic text, for lengths and SMS segments.
    Text,
    /// Text meant to break JSON when inserted unescaped: strings carry a
    /// double quote and a backslash; `{{x}}` output is JSON-escaped,
    /// `{{{x}}}` is not.
    Json,
}

/// Template data (per [`crate::template::value`]) with a sample for every
/// customer attribute and score, and for every property of the event in
/// scope: records complete, lists with one element.
pub(crate) fn sample_data(model: &Model, event: EventScope, mode: Mode) -> JsonValue {
    let mut customer = serde_json::Map::new();
    for a in &model.schema.attrs {
        customer.insert(a.name.clone(), sample_json(model, &a.ty, mode, 0));
    }
    for s in &model.scores {
        customer.insert(s.name.clone(), value::int(42));
    }
    let event = match event {
        EventScope::Sent(Some(e)) => Some(
            model
                .event(e)
                .fields
                .iter()
                .map(|f| (f.name.clone(), sample_json(model, &f.ty, mode, 0)))
                .collect(),
        ),
        _ => None,
    };
    let name = sample_value(&Type::String, mode);
    value::root(customer, event, &name, &sample_value(&Type::Url, mode))
}

/// The sample of one value as template data.
fn sample_json(model: &Model, t: &Type, mode: Mode, depth: usize) -> JsonValue {
    match t {
        Type::Bool => value::boolean(true),
        Type::Int => value::int(42),
        Type::Decimal => value::decimal("19.90"),
        Type::Money(c) => match mode {
            Mode::Text => value::money("59.90", c),
            Mode::Json => value::money("1234.50", c),
        },
        Type::List(e) => value::list(vec![sample_json(model, e, mode, depth + 1)]),
        // Records cannot nest forever in a valid schema; the depth guard
        // keeps a broken one from recursing.
        Type::Record(r) if depth < 16 => value::record(
            model
                .record(*r)
                .fields
                .iter()
                .map(|f| (f.name.clone(), sample_json(model, &f.ty, mode, depth + 1))),
        ),
        Type::Optional(t) => sample_json(model, t, mode, depth),
        t => value::text(&sample_value(t, mode)),
    }
}

/// The sample text of a value of type `t`.
pub(crate) fn sample_value(t: &Type, mode: Mode) -> String {
    match t {
        Type::Bool => "true".into(),
        Type::Int => "42".into(),
        Type::Decimal => "19.90".into(),
        Type::Money(c) => match mode {
            Mode::Text => money_text(c),
            Mode::Json => format!("1234.50 {c}"),
        },
        Type::String | Type::Error => match mode {
            Mode::Text => "Sample".into(),
            Mode::Json => "Sa\"mple\\".into(),
        },
        Type::Email => "sample@example.com".into(),
        Type::Phone => "+15555550100".into(),
        Type::Url => "https://example.com/abcdefgh".into(),
        Type::Locale => "en".into(),
        Type::Timezone => "UTC".into(),
        Type::Time => "2026-01-05T10:00:00Z".into(),
        Type::Date => "2026-01-05".into(),
        Type::Duration => "1d".into(),
        Type::Enum(vs) => vs.first().cloned().unwrap_or_default(),
        Type::List(e) => sample_value(e, mode),
        Type::Record(_) => "[object]".into(),
        Type::Optional(t) => sample_value(t, mode),
    }
}

/// A money amount as the `money` helper shows it.
fn money_text(currency: &str) -> String {
    match currency {
        "USD" => "$59.90".into(),
        "EUR" => "€59.90".into(),
        "GBP" => "£59.90".into(),
        c => format!("59.90 {c}"),
    }
}

/// Template text rendered with samples.
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    pub text: String,
    /// `(output offset, template offset, literal)`: from each output offset
    /// on, the text comes from the template at that offset (one to one when
    /// `literal`, else from a tag there).
    map: Vec<(usize, usize, bool)>,
}

impl Rendered {
    /// Output with no map: every offset maps to the template's start.
    pub fn unmapped(text: String) -> Rendered {
        Rendered {
            text,
            map: Vec::new(),
        }
    }

    /// The template offset that produced output offset `out`.
    pub fn template_offset(&self, out: usize) -> usize {
        let i = self.map.partition_point(|&(o, _, _)| o <= out);
        match i.checked_sub(1).map(|i| self.map[i]) {
            Some((o, t, true)) => t + (out - o),
            Some((_, t, false)) => t,
            None => 0,
        }
    }
}

/// Renders a template with sample values: `#if` takes its first branch
/// (samples are set), `#unless` its `else`, `#each` shows one element.
pub(crate) fn render(
    model: &Model,
    template: &Template,
    src: &str,
    event: EventScope,
    mode: Mode,
) -> Rendered {
    let mut r = SampleRenderer {
        model,
        src,
        event,
        mode,
        frames: vec![Frame::root()],
        cursor: 0,
        out: Rendered::default(),
    };
    r.template(template);
    r.out
}

struct SampleRenderer<'a> {
    model: &'a Model,
    src: &'a str,
    event: EventScope,
    mode: Mode,
    frames: Vec<Frame>,
    /// Template offset after the last element placed.
    cursor: usize,
    out: Rendered,
}

impl SampleRenderer<'_> {
    fn template(&mut self, t: &Template) {
        for (i, el) in t.elements.iter().enumerate() {
            let at = t.mapping.get(i).map(|m| offset_of(self.src, m.0, m.1));
            match el {
                TemplateElement::RawString(text) => {
                    let from = crate::text::floor_char_boundary(self.src, self.cursor);
                    let start = self.src[from..]
                        .find(text.as_str())
                        .map_or(from, |p| from + p);
                    self.emit(text, start, true);
                    self.cursor = start + text.len();
                }
                TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
                    let at = at.unwrap_or(self.cursor);
                    let value = self.expression(h);
                    let value = match (self.mode, el) {
                        (Mode::Json, TemplateElement::Expression(_)) => {
                            crate::template::json_escape(&value)
                        }
                        _ => value,
                    };
                    self.emit(&value, at, false);
                    self.cursor = tag_end(self.src, at);
                }
                TemplateElement::HelperBlock(h) => {
                    let at = at.unwrap_or(self.cursor);
                    self.cursor = tag_end(self.src, at);
                    self.block(h);
                    // Skip past the closing tag.
                    let from = crate::text::floor_char_boundary(self.src, self.cursor);
                    if let Some(p) = self.src[from..].find("{{/") {
                        self.cursor = tag_end(self.src, from + p);
                    }
                }
                _ => {}
            }
        }
    }

    fn emit(&mut self, text: &str, template_offset: usize, literal: bool) {
        self.out
            .map
            .push((self.out.text.len(), template_offset, literal));
        self.out.text.push_str(text);
    }

    fn block(&mut self, h: &HelperTemplate) {
        let name = match &h.name {
            Parameter::Name(n) => n.as_str(),
            _ => "",
        };
        let target = match h.params.first() {
            Some(Parameter::Path(p)) => self.resolve(p),
            _ => Ty::Any,
        };
        match name {
            "unless" => {
                if let Some(t) = &h.inverse {
                    self.template(t)
                }
            }
            "each" | "with" => {
                let ty = if name == "each" {
                    target.list_element().unwrap_or(Ty::Any)
                } else {
                    target
                };
                let block_param = match &h.block_param {
                    Some(handlebars::template::BlockParam::Single(Parameter::Name(n))) => {
                        Some(n.clone())
                    }
                    Some(handlebars::template::BlockParam::Pair((Parameter::Name(n), _))) => {
                        Some(n.clone())
                    }
                    _ => None,
                };
                self.frames.push(Frame {
                    ty,
                    key: String::new(),
                    is_each: name == "each",
                    block_param,
                });
                if let Some(t) = &h.template {
                    self.template(t)
                }
                self.frames.pop();
            }
            _ => {
                if let Some(t) = &h.template {
                    self.template(t)
                }
            }
        }
    }

    fn resolve(&self, p: &Path) -> Ty {
        match p {
            Path::Relative((_, raw)) => {
                let parts = scope::split_path(raw);
                scope::resolve(self.model, self.event, &self.frames, &parts)
                    .map(|r| r.ty)
                    .unwrap_or(Ty::Any)
            }
            Path::Local((_, name, _)) => match name.as_str() {
                "index" => Ty::Value(Type::Int),
                _ => Ty::Value(Type::Bool),
            },
        }
    }

    fn expression(&self, h: &HelperTemplate) -> String {
        match &h.name {
            Parameter::Path(p) if h.params.is_empty() => self.value_text(&self.resolve(p)),
            Parameter::Name(n) => self.helper(n, &h.params, &h.hash),
            _ => self.value_text(&Ty::Any),
        }
    }

    fn helper(
        &self,
        name: &str,
        params: &[Parameter],
        hash: &std::collections::HashMap<String, Parameter>,
    ) -> String {
        let arg = |i: usize| params.get(i).map(|p| self.param(p));
        match name {
            "default" => arg(0).map(|(_, text)| text).unwrap_or_default(),
            "money" => match params.first().map(|p| self.param_type(p)) {
                Some(Ty::Value(t)) => match t.strip_optional() {
                    Type::Money(c) => money_text(c),
                    _ => money_text("USD"),
                },
                _ => money_text("USD"),
            },
            "number" => match params.first().map(|p| self.param_type(p)) {
                Some(Ty::Value(t)) if matches!(t.strip_optional(), Type::Int) => "1,234".into(),
                _ => "1,234.50".into(),
            },
            "date" => "January 5, 2026".into(),
            "plural" => match hash.get("other") {
                Some(Parameter::Literal(JsonValue::String(s))) => s.replace('#', "42"),
                _ => "42".into(),
            },
            "upper" => arg(0).map(|(_, t)| t.to_uppercase()).unwrap_or_default(),
            "lower" => arg(0).map(|(_, t)| t.to_lowercase()).unwrap_or_default(),
            _ => self.value_text(&Ty::Any),
        }
    }

    fn param_type(&self, p: &Parameter) -> Ty {
        match p {
            Parameter::Path(p) => self.resolve(p),
            _ => Ty::Any,
        }
    }

    fn param(&self, p: &Parameter) -> (Ty, String) {
        match p {
            Parameter::Path(path) => {
                let ty = self.resolve(path);
                let text = self.value_text(&ty);
                (ty, text)
            }
            Parameter::Literal(JsonValue::String(s)) => (Ty::Value(Type::String), s.clone()),
            Parameter::Literal(v) => (Ty::Any, v.to_string()),
            Parameter::Subexpression(s) => match s.as_element() {
                TemplateElement::Expression(h) => (Ty::Any, self.expression(h)),
                _ => (Ty::Any, String::new()),
            },
            _ => (Ty::Any, String::new()),
        }
    }

    fn value_text(&self, ty: &Ty) -> String {
        match ty {
            Ty::Value(t) => sample_value(t, self.mode),
            _ => sample_value(&Type::String, self.mode),
        }
    }
}
