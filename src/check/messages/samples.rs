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

use crate::check::model::{DecimalLit, Duration, Model, Type, Value};
use crate::template::{value, Data, RenderError, RenderOptions, Renderer};
use std::sync::OnceLock;

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

/// The unsubscribe URL of [`SampleKind::TextUnsubscribe`]: the check of
/// rendered emails looks for a link to it.
pub(crate) const UNSUBSCRIBE_SENTINEL: &str = "https://unsubscribe.campaignc.invalid/check";

/// Which sample data a template is rendered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SampleKind {
    /// [`Mode::Text`].
    Text,
    /// [`Mode::Json`].
    Json,
    /// [`Mode::Text`] with [`UNSUBSCRIBE_SENTINEL`] as `unsubscribe_url`.
    TextUnsubscribe,
}

/// Renders templates with sample data through the real renderer, for one
/// check of a model. The data of each event scope and kind is made the
/// first time it is needed and shared by every render of the check (and
/// its threads), instead of being built and copied for each template.
pub(crate) struct Samples<'a> {
    model: &'a Model,
    renderer: &'a Renderer,
    /// By scope (unchecked, sent without an event, then each event by id),
    /// then by [`SampleKind`]; `None` if the data could not be made.
    data: Vec<[OnceLock<Option<Data>>; 3]>,
}

impl<'a> Samples<'a> {
    pub(crate) fn new(model: &'a Model, renderer: &'a Renderer) -> Samples<'a> {
        Samples {
            model,
            renderer,
            data: (0..model.schema.events.len() + 2)
                .map(|_| Default::default())
                .collect(),
        }
    }

    /// The renderer the samples are rendered with.
    pub(crate) fn renderer(&self) -> &'a Renderer {
        self.renderer
    }

    /// `source` rendered with the samples of `scope` and `kind`.
    pub(crate) fn render(
        &self,
        source: &str,
        scope: EventScope,
        kind: SampleKind,
        opts: &RenderOptions,
    ) -> Result<String, RenderError> {
        let slot = match scope {
            EventScope::Unchecked => 0,
            EventScope::Sent(None) => 1,
            EventScope::Sent(Some(e)) => 2 + e.index(),
        };
        let data = self.data.get(slot).and_then(|kinds| {
            kinds[kind as usize]
                .get_or_init(|| {
                    let mode = match kind {
                        SampleKind::Json => Mode::Json,
                        SampleKind::Text | SampleKind::TextUnsubscribe => Mode::Text,
                    };
                    let mut root = sample_data(self.model, scope, mode);
                    if kind == SampleKind::TextUnsubscribe {
                        if let Some(root) = root.as_object_mut() {
                            root.insert("unsubscribe_url".into(), UNSUBSCRIBE_SENTINEL.into());
                        }
                    }
                    Data::new(root).ok()
                })
                .as_ref()
        });
        match data {
            Some(data) => self.renderer.render_data(source, data, opts),
            None => Err(RenderError::message("no sample data for this event")),
        }
    }
}

/// Template data (per [`crate::template::value`]) with a sample for every
/// customer attribute and score, and for every property of the event in
/// scope: records complete, lists with one element.
pub(crate) fn sample_data(model: &Model, event: EventScope, mode: Mode) -> JsonValue {
    let mut customer = serde_json::Map::new();
    for a in &model.schema.attrs {
        customer.insert(a.name.clone(), sample_json(model, &a.ty, mode));
    }
    for s in &model.scores {
        customer.insert(s.name.clone(), sample_json(model, &Type::Int, mode));
    }
    let event = match event {
        EventScope::Sent(Some(e)) => Some(
            model
                .event(e)
                .fields
                .iter()
                .map(|f| (f.name.clone(), sample_json(model, &f.ty, mode)))
                .collect(),
        ),
        _ => None,
    };
    let name = sample_value(model, &Type::String, mode);
    let url = sample_value(model, &Type::Url, mode);
    value::root(customer, event, &name, &url)
}

/// The sample of one value as template data.
fn sample_json(model: &Model, t: &Type, mode: Mode) -> JsonValue {
    value_json(&sample_in(model, t, mode, 0))
}

/// The sample value of each type: the one table that the checker (lengths,
/// SMS segments, webhook JSON) and the previews (an event a persona does
/// not supply) use, so their verdicts and pages agree.
///
/// | type | sample |
/// |---|---|
/// | bool / int / decimal | `true` / `42` / `19.90` |
/// | money(C) | `59.90 C` |
/// | string | `Sample` |
/// | email / phone / url | `sample@example.com` / `+15555550123` / `https://example.com/abcdefgh` |
/// | locale / timezone | `en` / `UTC` |
/// | time / date / duration | `2026-01-05T10:00:00Z` / `2026-01-05` / `1d` |
/// | enum | its first variant |
/// | list / record | one element / every field |
/// | optional | the sample of the inner type (samples are set) |
pub fn sample(model: &Model, ty: &Type) -> Value {
    sample_in(model, ty, Mode::Text, 0)
}

/// [`sample`], except that in [`Mode::Json`] strings carry a double quote
/// and a backslash, to break a JSON body that inserts them unescaped.
fn sample_in(model: &Model, ty: &Type, mode: Mode, depth: u32) -> Value {
    let dec = |mantissa: i128, scale: u32| DecimalLit { mantissa, scale };
    let text = |s: &str| Value::String(s.to_string());
    match ty {
        Type::Bool => Value::Bool(true),
        Type::Int => Value::Int(42),
        Type::Decimal => Value::Decimal(dec(1990, 2)),
        Type::Money(c) => Value::Money {
            amount: dec(5990, 2),
            currency: c.clone(),
        },
        Type::String | Type::Error => match mode {
            Mode::Text => text("Sample"),
            Mode::Json => text("Sa\"mple\\"),
        },
        Type::Url => text("https://example.com/abcdefgh"),
        Type::Email => text("sample@example.com"),
        Type::Phone => text("+15555550123"),
        Type::Locale => text("en"),
        Type::Timezone => text("UTC"),
        // 2026-01-05T10:00:00Z
        Type::Time => jiff::Timestamp::from_second(1_767_607_200)
            .map(Value::Time)
            .unwrap_or_else(|_| text("2026-01-05T10:00:00Z")),
        Type::Date => Value::Date(jiff::civil::date(2026, 1, 5)),
        Type::Duration => Value::Duration(Duration::new(1, 0)),
        Type::Enum(variants) => Value::Enum(variants.first().cloned().unwrap_or_default()),
        // Records cannot nest forever in a valid schema; the depth guard
        // keeps a broken one from recursing.
        Type::List(inner) if depth < 16 => {
            Value::List(vec![sample_in(model, inner, mode, depth + 1)])
        }
        Type::Record(id) if depth < 16 => Value::Record(
            model
                .record(*id)
                .fields
                .iter()
                .map(|f| (f.name.clone(), sample_in(model, &f.ty, mode, depth + 1)))
                .collect(),
        ),
        Type::Optional(inner) => sample_in(model, inner, mode, depth),
        Type::List(_) => Value::List(Vec::new()),
        Type::Record(_) => Value::Record(Vec::new()),
    }
}

/// A checked constant as template data, in the data conventions of
/// [`crate::template::value`]: the checker's samples and the previews'
/// personas both go through it.
pub fn value_json(v: &Value) -> JsonValue {
    match v {
        Value::Bool(b) => value::boolean(*b),
        Value::Int(i) => value::int(*i),
        Value::Decimal(d) => value::decimal(&d.to_string()),
        Value::Money { amount, currency } => value::money(&amount.to_string(), currency),
        Value::String(s) | Value::Enum(s) => value::text(s),
        Value::Time(t) => value::instant(*t),
        Value::Date(d) => value::date(*d),
        Value::Duration(d) => value::text(&d.to_string()),
        Value::List(items) => value::list(items.iter().map(value_json).collect()),
        Value::Record(fields) => {
            value::record(fields.iter().map(|(n, v)| (n.clone(), value_json(v))))
        }
    }
}

/// The sample text of a value of type `t`: its template data as a bare
/// `{{x}}` prints it.
pub(crate) fn sample_value(model: &Model, t: &Type, mode: Mode) -> String {
    match t.strip_optional() {
        Type::Record(_) => "[object]".into(),
        Type::List(e) => sample_value(model, e, mode),
        t => match value_json(&sample_in(model, t, mode, 0)) {
            JsonValue::String(s) => s,
            other => other.to_string(),
        },
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
            Ty::Value(t) => sample_value(self.model, t, self.mode),
            _ => sample_value(self.model, &Type::String, self.mode),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Problems;
    use crate::source::SourceMap;
    use serde_json::json;

    fn model(src: &str) -> Model {
        let mut map = SourceMap::new();
        map.add("t.camp", std::path::Path::new("t.camp"), src.into());
        let mut problems = Problems::new();
        let files = crate::syntax::parse_project(&map, &mut problems);
        let model = crate::check::check(&files, &mut problems);
        assert!(!problems.has_errors(), "{problems:?}");
        model
    }

    fn text(model: &Model, t: Type) -> String {
        sample_value(model, &t, Mode::Text)
    }

    #[test]
    fn one_value_per_type() {
        let m = model("schema { attr email: email }");
        assert_eq!(text(&m, Type::Phone), "+15555550123");
        assert_eq!(text(&m, Type::Decimal), "19.90");
        assert_eq!(text(&m, Type::Money("EUR".into())), "59.90 EUR");
        assert_eq!(text(&m, Type::Int), "42");
        assert_eq!(text(&m, Type::Bool), "true");
        assert_eq!(text(&m, Type::String), "Sample");
        assert_eq!(text(&m, Type::Email), "sample@example.com");
        assert_eq!(text(&m, Type::Url), "https://example.com/abcdefgh");
        assert_eq!(text(&m, Type::Time), "2026-01-05T10:00:00Z");
        assert_eq!(text(&m, Type::Date), "2026-01-05");
        assert_eq!(text(&m, Type::Duration), "1d");
        assert_eq!(
            text(&m, Type::Optional(Box::new(Type::Phone))),
            "+15555550123"
        );
        // The previews' table is the same one.
        assert_eq!(
            value_json(&sample(&m, &Type::Decimal)),
            json!("19.90"),
            "decimals keep their written scale"
        );
        assert_eq!(value_json(&sample(&m, &Type::Phone)), json!("+15555550123"));
    }

    #[test]
    fn json_probes_differ_only_in_strings() {
        let m = model("schema { attr email: email }");
        for t in [Type::Phone, Type::Decimal, Type::Money("USD".into())] {
            assert_eq!(
                sample_value(&m, &t, Mode::Json),
                sample_value(&m, &t, Mode::Text)
            );
        }
        assert_eq!(sample_value(&m, &Type::String, Mode::Json), "Sa\"mple\\");
    }

    #[test]
    fn records_are_complete_and_lists_have_one_element() {
        let m = model(
            "schema {\n  attr email: email\n  attr items: list<item>?\n  type item { sku: string, price: money(USD), qty: int? }\n}",
        );
        let items = &m.schema.attrs[1].ty;
        assert_eq!(
            value_json(&sample(&m, items)),
            json!([{ "sku": "Sample", "price": "59.90 USD", "qty": 42 }])
        );
    }
}
