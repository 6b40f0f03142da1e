//! Locale data for the helpers: BCP 47 parsing, CLDR plural categories and
//! locale-aware decimal numbers, all from ICU4X compiled data (no hand-written
//! tables), so `1234.5` prints `1,234.5` in `en` and `1 234,5` in `cs`.

use foldhash::{HashMap, HashMapExt};
use std::cell::RefCell;
use std::hash::Hash;
use std::rc::Rc;

use fixed_decimal::Decimal;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};

/// Whether `tag` is a well-formed BCP 47 language tag (`en`, `zh-Hant`, `pt-BR`).
///
/// The checker uses it to reject `locale en_US` and similar typos before any
/// rendering happens.
pub fn is_valid_locale(tag: &str) -> bool {
    !tag.is_empty() && Locale::try_from_str(tag).is_ok()
}

/// Parses a locale tag, or explains why it is not one.
pub(crate) fn parse_locale(tag: &str) -> Result<Locale, String> {
    Locale::try_from_str(tag).map_err(|e| format!("`{tag}` is not a BCP 47 locale tag ({e})"))
}

/// Every CLDR plural category, in CLDR order: the hash keys the `plural`
/// helper accepts.
pub const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// The CLDR cardinal plural categories `locale` distinguishes, in CLDR order
/// (zero, one, two, few, many, other).
///
/// The checker uses it to require, e.g., `one`, `few`, `many` and `other` in a
/// Czech `plural` helper. An invalid tag yields just `other`.
pub fn plural_categories(locale: &str) -> Vec<&'static str> {
    let Ok(locale) = Locale::try_from_str(locale) else {
        return vec!["other"];
    };
    let Ok(rules) = PluralRules::try_new_cardinal((&locale).into()) else {
        return vec!["other"];
    };
    let found: Vec<&'static str> = rules.categories().map(category_name).collect();
    PLURAL_CATEGORIES
        .iter()
        .copied()
        .filter(|name| found.contains(name))
        .collect()
}

/// The CLDR name of a plural category, as used for the `plural` hash keys.
pub(crate) fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The cardinal plural category of `value` in `locale` (visible fraction
/// digits count: Czech `1.5` is `many`, `1` is `one`).
pub(crate) fn plural_category(locale: &Locale, value: &Decimal) -> Result<&'static str, String> {
    PLURAL_RULES.with(|cache| {
        let rules = cached(cache, locale, || {
            PluralRules::try_new_cardinal(locale.into())
                .map_err(|e| format!("no plural rules for `{locale}` ({e})"))
        })?;
        Ok(category_name(rules.category_for(value)))
    })
}

/// Formats `value` with the locale's digits, grouping and separators.
pub(crate) fn format_decimal(locale: &Locale, value: &Decimal) -> Result<String, String> {
    DECIMAL_FORMATTERS.with(|cache| {
        let formatter = cached(cache, locale, || {
            DecimalFormatter::try_new(locale.into(), Default::default())
                .map_err(|e| format!("no number format for `{locale}` ({e})"))
        })?;
        Ok(formatter.format(value).to_string())
    })
}

/// A per-thread cache of locale data built from ICU4X's compiled data:
/// building a formatter costs more than formatting with it, and a render
/// formats many numbers in few locales.
pub(crate) type Cache<K, T> = RefCell<HashMap<K, Rc<T>>>;

thread_local! {
    static PLURAL_RULES: Cache<Locale, PluralRules> = RefCell::new(HashMap::new());
    static DECIMAL_FORMATTERS: Cache<Locale, DecimalFormatter> = RefCell::new(HashMap::new());
}

/// The entry of `cache` for `key`, made by `make` on a miss (a failure is
/// not cached). Bounded: past 256 entries the cache starts over.
pub(crate) fn cached<K: Eq + Hash + Clone, T>(
    cache: &Cache<K, T>,
    key: &K,
    make: impl FnOnce() -> Result<T, String>,
) -> Result<Rc<T>, String> {
    if let Some(found) = cache.borrow().get(key) {
        return Ok(Rc::clone(found));
    }
    let made = Rc::new(make()?);
    let mut cache = cache.borrow_mut();
    if cache.len() >= 256 {
        cache.clear();
    }
    cache.insert(key.clone(), Rc::clone(&made));
    Ok(made)
}

/// Converts a JSON number to an exact decimal (integers stay integers, floats
/// keep their shortest round-trip digits; exponent forms are not numbers
/// a campaign can write, and yield `None`).
pub(crate) fn decimal_from_json(value: &serde_json::Value) -> Option<Decimal> {
    let number = value.as_number()?;
    if let Some(i) = number.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = number.as_u64() {
        return Some(Decimal::from(u));
    }
    // serde_json prints floats in their shortest round-trip form.
    number.to_string().parse::<Decimal>().ok()
}

/// Parses a decimal written in source form (`"1234.50"`), keeping trailing
/// zeros so they count for plural rules and display.
pub(crate) fn decimal_from_str(text: &str) -> Option<Decimal> {
    text.trim().parse::<Decimal>().ok()
}

/// Rounds (half-even, like CLDR) and pads `value` to exactly `digits`
/// fraction digits.
pub(crate) fn with_fraction_digits(mut value: Decimal, digits: i16) -> Decimal {
    value.round_with_mode(
        -digits,
        fixed_decimal::SignedRoundingMode::Unsigned(fixed_decimal::UnsignedRoundingMode::HalfEven),
    );
    value.absolute.pad_end(-digits);
    value
}
