//! The `money` helper: `"1234.50 EUR"` shown as `€1,234.50` (en),
//! `1 234,50 €` (cs), `1.234,50 €` (vi), `€1,234.50` (zh-Hant).
//!
//! Digits, grouping and separators come from ICU4X `icu_decimal`. ICU4X's
//! currency formatter is still experimental, so the two things it would add
//! live here as a small table taken from CLDR: where the symbol goes
//! (before the number in `en` and `zh`, after it with a no-break space in `cs`
//! and `vi`; other languages get `1,234.50 EUR`-style output with their own
//! digits) and the narrow symbol of common currencies per language. A currency
//! missing from the table prints its ISO code, which is always correct if
//! plain.

use fixed_decimal::Decimal;
use icu_locale_core::Locale;

use super::locale::{decimal_from_str, format_decimal, with_fraction_digits};

/// No-break space (U+00A0), which CLDR puts between a number and a trailing
/// currency symbol in `cs` and `vi`.
const NBSP: char = '\u{a0}';

/// A money value split into its amount and ISO 4217 code.
pub(crate) struct Money {
    pub amount: Decimal,
    pub currency: String,
}

/// Parses the data convention `"1234.50 EUR"` (see [`super::value::money`]).
pub(crate) fn parse_money(text: &str) -> Option<Money> {
    let (amount, currency) = text.trim().rsplit_once(' ')?;
    let valid_code = currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase());
    if !valid_code {
        return None;
    }
    Some(Money {
        amount: decimal_from_str(amount)?,
        currency: currency.to_string(),
    })
}

/// Where a language writes the currency symbol.
enum Placement {
    /// `¤#,##0.00`: `€1,234.50`.
    Before,
    /// `#,##0.00 ¤`: `1 234,50 €`.
    After,
}

fn placement(language: &str) -> Placement {
    match language {
        "en" | "zh" => Placement::Before,
        _ => Placement::After,
    }
}

/// CLDR symbol of `currency` in `language`, or the ISO code itself.
fn symbol(language: &str, currency: &str) -> String {
    let found = match (language, currency) {
        (_, "EUR") => Some("€"),
        (_, "GBP") => Some("£"),
        (_, "CNY") => Some("CN¥"),
        ("en", "USD") => Some("$"),
        (_, "USD") if matches!(language, "cs" | "vi" | "zh") => Some("US$"),
        ("en" | "zh", "JPY") => Some("¥"),
        ("cs" | "vi", "JPY") => Some("JP¥"),
        ("zh", "TWD") => Some("$"),
        ("en" | "cs" | "vi", "TWD") => Some("NT$"),
        ("en" | "vi" | "zh", "VND") => Some("₫"),
        ("cs", "CZK") => Some("Kč"),
        _ => None,
    };
    found.unwrap_or(currency).to_string()
}

/// ISO 4217 minor-unit digits as CLDR uses them for display.
fn fraction_digits(currency: &str) -> i16 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
        _ => 2,
    }
}

/// Formats a money value in `locale`.
pub(crate) fn format_money(locale: &Locale, money: &Money) -> Result<String, String> {
    let language = locale.id.language.as_str();
    let rounded = with_fraction_digits(money.amount.clone(), fraction_digits(&money.currency));
    let symbol = symbol(language, &money.currency);
    match placement(language) {
        Placement::Before => {
            let negative = rounded.sign == fixed_decimal::Sign::Negative;
            let mut magnitude = rounded;
            magnitude.sign = fixed_decimal::Sign::None;
            let number = format_decimal(locale, &magnitude)?;
            // CLDR currency spacing: a symbol ending in a letter ("CZK") is
            // kept apart from the digits.
            let gap = if symbol.chars().last().is_some_and(char::is_alphabetic) {
                NBSP.to_string()
            } else {
                String::new()
            };
            let sign = if negative { "-" } else { "" };
            Ok(format!("{sign}{symbol}{gap}{number}"))
        }
        Placement::After => {
            let number = format_decimal(locale, &rounded)?;
            Ok(format!("{number}{NBSP}{symbol}"))
        }
    }
}
