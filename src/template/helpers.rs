//! The template helpers of LANGUAGE.md (`default`, `money`, `number`, `date`,
//! `plural`, `upper`, `lower`) and [`HELPERS`], the table the checker reads to
//! check their arity and argument types without rendering anything.
//!
//! Every helper returns its result as a value rather than writing it, so
//! Handlebars passes it through the registry's escape function: `{{upper
//! customer.first_name}}` is HTML-escaped in an email and JSON-escaped in a
//! webhook body exactly like `{{customer.first_name}}`.

use std::cell::RefCell;
use std::sync::Arc;

use handlebars::{
    Context, Handlebars, Helper, HelperDef, PathAndJson, RenderContext, RenderError,
    RenderErrorReason, ScopedJson,
};
use icu_locale_core::Locale;
use serde_json::Value;

use super::dates::{format_date, local_date, DATE_STYLES};
use super::locale::{
    decimal_from_json, decimal_from_str, format_decimal, plural_category, with_fraction_digits,
    PLURAL_CATEGORIES,
};
use super::money::{format_money, parse_money};

/// What a helper argument may be, in schema terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// Any value at all.
    Any,
    /// `int` or `decimal`.
    Number,
    /// `money(CUR)`.
    Money,
    /// `time` (an instant) or `date`.
    Time,
    /// String-like: `string`, `enum`, `email`, `url`, `phone`, `locale`, `timezone`.
    Text,
    /// A string literal written in the template (e.g. a `date` style).
    Literal,
}

/// How one helper is called: what the checker verifies before rendering.
#[derive(Debug, Clone, Copy)]
pub struct HelperSpec {
    /// The name used in templates.
    pub name: &'static str,
    /// Fewest positional arguments.
    pub min_args: usize,
    /// Most positional arguments.
    pub max_args: usize,
    /// For each positional argument, the kinds it accepts.
    pub arg_kinds: &'static [&'static [ArgKind]],
    /// Hash (`key=value`) arguments it understands; any other key is an error.
    pub hash_keys: &'static [&'static str],
    /// For a [`ArgKind::Literal`] argument, the literals allowed (empty: any).
    pub literals: &'static [&'static str],
    /// One line for did-you-mean and `explain` texts.
    pub summary: &'static str,
    /// A typical call, for help lines (`write {{money event.total}}`).
    pub example: &'static str,
}

/// The block helpers built into Handlebars that templates may use; every
/// other name must be in [`HELPERS`].
pub const BLOCK_HELPERS: &[&str] = &["each", "if", "unless", "with"];

/// Every helper templates may call.
pub const HELPERS: &[HelperSpec] = &[
    HelperSpec {
        name: "default",
        min_args: 2,
        max_args: 2,
        arg_kinds: &[&[ArgKind::Any], &[ArgKind::Any]],
        hash_keys: &[],
        literals: &[],
        summary: "the value, or the fallback when it is unset or empty",
        example: "{{default customer.first_name \"there\"}}",
    },
    HelperSpec {
        name: "money",
        min_args: 1,
        max_args: 1,
        arg_kinds: &[&[ArgKind::Money]],
        hash_keys: &[],
        literals: &[],
        summary: "a money value with the locale's currency format (€1,234.50; 1 234,50 €)",
        example: "{{money event.total}}",
    },
    HelperSpec {
        name: "number",
        min_args: 1,
        max_args: 1,
        arg_kinds: &[&[ArgKind::Number, ArgKind::Money]],
        hash_keys: &["decimals"],
        literals: &[],
        summary: "a number with the locale's grouping and separators; decimals=N fixes the digits",
        example: "{{number customer.loyalty_points}}",
    },
    HelperSpec {
        name: "date",
        min_args: 1,
        max_args: 2,
        arg_kinds: &[&[ArgKind::Time], &[ArgKind::Literal]],
        hash_keys: &[],
        literals: DATE_STYLES,
        summary: "the date in the customer's time zone: \"short\", \"medium\" (default), \"long\", \"full\"",
        example: "{{date customer.signed_up_at \"long\"}}",
    },
    HelperSpec {
        name: "plural",
        min_args: 1,
        max_args: 1,
        arg_kinds: &[&[ArgKind::Number]],
        hash_keys: PLURAL_CATEGORIES,
        literals: &[],
        summary: "the text for the number's CLDR plural category; # is the formatted number",
        example: "{{plural customer.loyalty_points one=\"# point\" other=\"# points\"}}",
    },
    HelperSpec {
        name: "upper",
        min_args: 1,
        max_args: 1,
        arg_kinds: &[&[ArgKind::Text]],
        hash_keys: &[],
        literals: &[],
        summary: "the text in upper case, with the locale's rules (Turkish i → İ)",
        example: "{{upper customer.first_name}}",
    },
    HelperSpec {
        name: "lower",
        min_args: 1,
        max_args: 1,
        arg_kinds: &[&[ArgKind::Text]],
        hash_keys: &[],
        literals: &[],
        summary: "the text in lower case",
        example: "{{lower customer.first_name}}",
    },
];

/// Looks up a helper by name.
pub fn helper_spec(name: &str) -> Option<&'static HelperSpec> {
    HELPERS.iter().find(|spec| spec.name == name)
}

impl ArgKind {
    /// The schema types this kind accepts, as written in the schema.
    pub fn types(self) -> &'static str {
        match self {
            ArgKind::Any => "value",
            ArgKind::Number => "int|decimal",
            ArgKind::Money => "money",
            ArgKind::Time => "time|date",
            ArgKind::Text => "string",
            ArgKind::Literal => "\"…\"",
        }
    }
}

impl HelperSpec {
    /// How the helper is called, from this table: each positional
    /// argument as the types it accepts (optional ones in brackets), then
    /// the hash keys: `{{date time|date ["short"|"medium"|"long"|"full"]}}`,
    /// `{{number int|decimal|money [decimals=…]}}`.
    pub fn signature(&self) -> String {
        let mut out = format!("{{{{{}", self.name);
        for (i, kinds) in self.arg_kinds.iter().enumerate().take(self.max_args) {
            let text = if kinds.contains(&ArgKind::Literal) && !self.literals.is_empty() {
                self.literals
                    .iter()
                    .map(|l| format!("\"{l}\""))
                    .collect::<Vec<_>>()
                    .join("|")
            } else {
                kinds
                    .iter()
                    .map(|k| k.types())
                    .collect::<Vec<_>>()
                    .join("|")
            };
            if i < self.min_args {
                out.push_str(&format!(" {text}"));
            } else {
                out.push_str(&format!(" [{text}]"));
            }
        }
        for key in self.hash_keys {
            out.push_str(&format!(" [{key}=…]"));
        }
        out.push_str("}}");
        out
    }
}

/// The block helpers of [`BLOCK_HELPERS`], how they are written and what
/// they do (Handlebars' own: the checker types their argument as it reads
/// it).
pub const BLOCK_HELPER_DOCS: &[(&str, &str, &str)] = &[
    (
        "each",
        "{{#each list}}…{{/each}}",
        "repeats the block for each item of a list; inside it, names are the item's fields",
    ),
    (
        "if",
        "{{#if value}}…{{else}}…{{/if}}",
        "the block when the value is set, not empty, not false and not zero; else the `else` part",
    ),
    (
        "unless",
        "{{#unless value}}…{{/unless}}",
        "the block when the value is unset, empty, false or zero",
    ),
    (
        "with",
        "{{#with record}}…{{/with}}",
        "the block with the record's fields as names; skipped when it is unset",
    ),
];

/// Which helper a [`LocaleHelper`] runs.
#[derive(Clone, Copy)]
enum Kind {
    Default,
    Money,
    Number,
    Date,
    Plural,
    Upper,
    Lower,
}

/// One of our helpers, reading the locale and time zone the renderer stored
/// with the render (see [`with_settings`]).
struct LocaleHelper(Kind);

/// Registers every helper of [`HELPERS`] in `registry`.
pub(crate) fn register_all(registry: &mut Handlebars<'static>) {
    let kinds = [
        ("default", Kind::Default),
        ("money", Kind::Money),
        ("number", Kind::Number),
        ("date", Kind::Date),
        ("plural", Kind::Plural),
        ("upper", Kind::Upper),
        ("lower", Kind::Lower),
    ];
    for (name, kind) in kinds {
        registry.register_helper(name, Box::new(LocaleHelper(kind)));
    }
}

fn fail(helper: &str, message: impl std::fmt::Display) -> RenderError {
    RenderErrorReason::Other(format!("helper `{helper}`: {message}")).into()
}

/// The locale and time zone of a render, parsed and looked up once per
/// pair by the [`super::Renderer`] and shared by every render in them.
pub(crate) struct Settings {
    pub locale: Locale,
    pub timezone: jiff::tz::TimeZone,
}

thread_local! {
    /// The settings of the render running on this thread: helpers run
    /// inside [`super::Renderer`]'s render call, on its thread, so they
    /// need not be carried in (and the data cloned for) every render.
    static CURRENT: RefCell<Option<Arc<Settings>>> = const { RefCell::new(None) };
}

/// Runs `render` with `settings` as the current render's (restoring what
/// was current before, also when `render` unwinds).
pub(crate) fn with_settings<T>(settings: Arc<Settings>, render: impl FnOnce() -> T) -> T {
    struct Restore(Option<Arc<Settings>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let _restore = Restore(CURRENT.with(|c| c.replace(Some(settings))));
    render()
}

fn settings() -> Result<Arc<Settings>, String> {
    CURRENT
        .with(|c| c.borrow().clone())
        .ok_or_else(|| "called outside a render".to_string())
}

fn arg<'a, 'rc>(h: &'a Helper<'rc>, index: usize) -> Result<&'a PathAndJson<'rc>, String> {
    h.param(index)
        .ok_or_else(|| format!("expects at least {} argument(s)", index + 1))
}

/// Describes a template argument in an error message: its path if it has one.
fn describe(param: &PathAndJson<'_>) -> String {
    match param.relative_path() {
        Some(path) => format!("`{path}` = {}", param.value()),
        None => param.value().to_string(),
    }
}

impl HelperDef for LocaleHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let name = h.name();
        let settings = settings().map_err(|e| fail(name, e))?;
        let result = match self.0 {
            Kind::Default => run_default(h),
            Kind::Money => run_money(h, &settings),
            Kind::Number => run_number(h, &settings),
            Kind::Date => run_date(h, &settings),
            Kind::Plural => run_plural(h, &settings),
            Kind::Upper => run_case(h, &settings, true),
            Kind::Lower => run_case(h, &settings, false),
        };
        result
            .map(ScopedJson::Derived)
            .map_err(|message| fail(name, message))
    }
}

fn is_unset(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

fn run_default(h: &Helper<'_>) -> Result<Value, String> {
    let value = arg(h, 0)?;
    let fallback = arg(h, 1)?;
    if value.is_value_missing() || is_unset(value.value()) {
        Ok(fallback.value().clone())
    } else {
        Ok(value.value().clone())
    }
}

fn run_money(h: &Helper<'_>, settings: &Settings) -> Result<Value, String> {
    let param = arg(h, 0)?;
    let money = param
        .value()
        .as_str()
        .and_then(parse_money)
        .ok_or_else(|| {
            format!(
                "{} is not a money value like \"19.90 USD\"",
                describe(param)
            )
        })?;
    format_money(&settings.locale, &money).map(Value::String)
}

/// A number argument: a JSON number, a numeric string, or a money value's
/// amount.
fn number_arg(param: &PathAndJson<'_>) -> Result<fixed_decimal::Decimal, String> {
    let value = param.value();
    decimal_from_json(value)
        .or_else(|| {
            let text = value.as_str()?;
            decimal_from_str(text).or_else(|| parse_money(text).map(|m| m.amount))
        })
        .ok_or_else(|| format!("{} is not a number", describe(param)))
}

fn run_number(h: &Helper<'_>, settings: &Settings) -> Result<Value, String> {
    let mut number = number_arg(arg(h, 0)?)?;
    if let Some(decimals) = h.hash_get("decimals") {
        let digits = decimals
            .value()
            .as_u64()
            .filter(|d| *d <= 20)
            .ok_or_else(|| {
                format!(
                    "decimals={} is not a whole number from 0 to 20",
                    decimals.value()
                )
            })?;
        // The filter above keeps it far inside i16.
        number = with_fraction_digits(number, digits as i16);
    }
    format_decimal(&settings.locale, &number).map(Value::String)
}

fn run_date(h: &Helper<'_>, settings: &Settings) -> Result<Value, String> {
    let param = arg(h, 0)?;
    let text = param
        .value()
        .as_str()
        .ok_or_else(|| format!("{} is not a time or date", describe(param)))?;
    let style = match h.param(1) {
        Some(style) => style
            .value()
            .as_str()
            .ok_or_else(|| format!("the style must be one of: {}", DATE_STYLES.join(", ")))?
            .to_string(),
        None => "medium".to_string(),
    };
    let day = local_date(text, &settings.timezone)?;
    format_date(&settings.locale, day, &style).map(Value::String)
}

fn run_plural(h: &Helper<'_>, settings: &Settings) -> Result<Value, String> {
    let number = number_arg(arg(h, 0)?)?;
    let category = plural_category(&settings.locale, &number)?;
    let chosen = h
        .hash_get(category)
        .or_else(|| h.hash_get("other"))
        .ok_or_else(|| format!("no text for the `{category}` category and no `other`"))?;
    let template = match chosen.value() {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let formatted = format_decimal(&settings.locale, &number)?;
    Ok(Value::String(template.replace('#', &formatted)))
}

/// Full Unicode case mapping with the language's special cases (Turkish
/// dotted i, Lithuanian, Greek accents) from ICU4X `icu_casemap`.
fn run_case(h: &Helper<'_>, settings: &Settings, upper: bool) -> Result<Value, String> {
    let param = arg(h, 0)?;
    let text = match param.value() {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let mapper = icu_casemap::CaseMapper::new();
    let language = &settings.locale.id;
    let mapped = if upper {
        mapper.uppercase_to_string(&text, language)
    } else {
        mapper.lowercase_to_string(&text, language)
    };
    Ok(Value::String(mapped.into_owned()))
}

#[cfg(test)]
mod signature_tests {
    use super::*;

    #[test]
    fn signatures_come_from_the_table() {
        let sig = |name| helper_spec(name).map(HelperSpec::signature);
        assert_eq!(sig("money").as_deref(), Some("{{money money}}"));
        assert_eq!(
            sig("date").as_deref(),
            Some("{{date time|date [\"short\"|\"medium\"|\"long\"|\"full\"]}}")
        );
        assert_eq!(
            sig("number").as_deref(),
            Some("{{number int|decimal|money [decimals=…]}}")
        );
        assert_eq!(sig("default").as_deref(), Some("{{default value value}}"));
    }

    #[test]
    fn every_block_helper_is_documented() {
        let documented: Vec<&str> = BLOCK_HELPER_DOCS.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(documented, BLOCK_HELPERS);
    }
}
