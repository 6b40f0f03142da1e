//! Sample values derived from types, and a renderer that fills a template
//! with them. Length and segment limits and the webhook JSON check use it,
//! so their verdicts depend only on the schema, never on personas.
//!
//! The rendered text keeps a map back to template offsets, so a problem
//! found in the output (a JSON syntax error) points into the template.

use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{JsonValue, Path};

use crate::check::model::{Model, Type};

use super::scope::{self, EventScope, Frame, Ty};
use super::templates::{offset_of, tag_end};

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
                    let from = self.cursor.min(self.src.len());
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
                        (Mode::Json, TemplateElement::Expression(_)) => json_escape(&value),
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
                    let from = self.cursor.min(self.src.len());
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

/// Escapes text for the inside of a JSON string, as the renderer's JSON
/// escape does.
pub(crate) fn json_escape(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or("")
        .to_string()
}
