//! The data conventions every stage uses to build template data, so the
//! checker's samples, the previews' personas and the simulator's customers
//! look the same to a template.
//!
//! The root of the data is
//! `{ "customer": {...}, "event": {...}, "campaign": {"name": ...}, "unsubscribe_url": "..." }`
//! (see [`root`]). Leaf values:
//!
//! | type | JSON | constructor |
//! |---|---|---|
//! | money | `"1234.50 EUR"` (amount, space, ISO code) | [`money`] |
//! | time (instant) | `"2026-11-02T03:00:00Z"` (RFC 3339, UTC) | [`instant`] |
//! | date | `"2026-11-02"` | [`date`] |
//! | string, enum, locale, url, email, phone, timezone | string | [`text`] |
//! | int | JSON number | [`int`] |
//! | decimal | `"12345678901234567.89"` (exact, as written) | [`decimal`] |
//! | bool | JSON bool | [`boolean`] |
//! | list / record | array / object | [`list`] / [`record`] |
//! | unset optional | absent key | (leave it out) |
//!
//! A bare `{{event.total}}` therefore prints `1234.50 EUR`; `{{money event.total}}`
//! formats it for the locale.

use serde_json::{Map, Value};

/// The template root: customer attributes, the event in scope (if any), the
/// campaign and the unsubscribe link.
pub fn root(
    customer: Map<String, Value>,
    event: Option<Map<String, Value>>,
    campaign_name: &str,
    unsubscribe_url: &str,
) -> Value {
    let mut root = Map::new();
    root.insert("customer".into(), Value::Object(customer));
    if let Some(event) = event {
        root.insert("event".into(), Value::Object(event));
    }
    let mut campaign = Map::new();
    campaign.insert("name".into(), text(campaign_name));
    root.insert("campaign".into(), Value::Object(campaign));
    root.insert("unsubscribe_url".into(), text(unsubscribe_url));
    Value::Object(root)
}

/// A money value: `money("1234.50", "EUR")` is `"1234.50 EUR"`. The amount is
/// kept as written (trailing zeros included).
pub fn money(amount: &str, currency: &str) -> Value {
    Value::String(format!("{} {}", amount.trim(), currency.trim()))
}

/// An instant as RFC 3339 in UTC (`2026-11-02T03:00:00Z`), whatever zone it
/// was computed in.
pub fn instant(at: jiff::Timestamp) -> Value {
    Value::String(at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// A calendar date (`2026-11-02`).
pub fn date(day: jiff::civil::Date) -> Value {
    Value::String(day.strftime("%Y-%m-%d").to_string())
}

/// Any string-like value: string, enum variant, locale, url, email, phone,
/// time zone.
pub fn text(value: &str) -> Value {
    Value::String(value.to_string())
}

/// An integer.
pub fn int(value: i64) -> Value {
    Value::Number(value.into())
}

/// A decimal, as its exact text (`"19.90"`, `"12345678901234567.89"`).
///
/// Not a JSON number: those are binary floating point, which would print
/// `12345678901234567.89` as `1.2345678901234568e+16` and round `0.1 + 0.2`.
/// A bare `{{customer.d}}` prints the digits as written (also inside a
/// webhook's JSON body, where they form an exact JSON number), and
/// `number`, `plural` and `money`-style helpers read the text exactly.
pub fn decimal(value: &str) -> Value {
    Value::String(value.trim().to_string())
}

/// A boolean.
pub fn boolean(value: bool) -> Value {
    Value::Bool(value)
}

/// A list.
pub fn list(items: Vec<Value>) -> Value {
    Value::Array(items)
}

/// A record (or customer / event): field order is kept as given.
pub fn record<I: IntoIterator<Item = (String, Value)>>(fields: I) -> Value {
    Value::Object(fields.into_iter().collect())
}

/// Whether `text` is a money value of `currency` in this convention
/// (`"1234.50 EUR"`), as the `money` helper reads it.
pub fn is_money(text: &str, currency: &str) -> bool {
    super::money::parse_money(text).is_some_and(|m| m.currency == currency)
}

/// Whether `text` is a decimal in this convention (`"19.90"`), as the
/// `number` and `plural` helpers read it.
pub fn is_decimal(text: &str) -> bool {
    super::locale::decimal_from_str(text).is_some()
}
