//! The `date` helper: an instant shown as a calendar date in the customer's
//! time zone (jiff, with the bundled tzdb) and the locale's language and
//! pattern (ICU4X `icu_datetime` compiled CLDR data).

use icu_datetime::fieldsets::enums::DateFieldSet;
use icu_datetime::fieldsets::{YMD, YMDE};
use icu_datetime::input::Date;
use icu_datetime::DateTimeFormatter;
use icu_locale_core::Locale;
use jiff::tz::TimeZone;

use super::locale::{cached, Cache};

thread_local! {
    /// Date formatters by locale and style (see [`cached`]).
    static FORMATTERS: Cache<(Locale, &'static str), DateTimeFormatter<DateFieldSet>> =
        Default::default();
}

/// The styles `{{date VALUE "STYLE"}}` accepts; `medium` is the default.
pub const DATE_STYLES: &[&str] = &["short", "medium", "long", "full"];

/// The calendar date a template value denotes for a customer in `timezone`.
///
/// Accepts an RFC 3339 instant (`2026-11-02T03:00:00Z`, converted to the
/// customer's zone, so a late-evening UTC instant can be the next local day),
/// a plain date (`2026-11-02`, taken as is) or a civil date-time
/// (`2026-11-02T10:00`, already local).
pub(crate) fn local_date(text: &str, timezone: &TimeZone) -> Result<jiff::civil::Date, String> {
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return Ok(instant.to_zoned(timezone.clone()).date());
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return Ok(date);
    }
    if let Ok(datetime) = text.parse::<jiff::civil::DateTime>() {
        return Ok(datetime.date());
    }
    Err(format!(
        "`{text}` is neither an instant (2026-11-02T03:00:00Z) nor a date (2026-11-02)"
    ))
}

/// Formats `date` in `locale` with one of [`DATE_STYLES`]: `short`, `medium`
/// and `long` are CLDR's year-month-day lengths, `full` adds the weekday.
pub(crate) fn format_date(
    locale: &Locale,
    date: jiff::civil::Date,
    style: &str,
) -> Result<String, String> {
    // jiff's month/day ranges are already valid, so this cannot fail for
    // dates jiff parsed; the error path is kept for safety, not expected.
    let iso = Date::try_new_iso(i32::from(date.year()), date.month() as u8, date.day() as u8)
        .map_err(|e| format!("date out of range ({e})"))?;
    let style: &'static str = DATE_STYLES.iter().find(|s| **s == style).ok_or_else(|| {
        format!(
            "unknown date style \"{style}\" (expected one of: {})",
            DATE_STYLES.join(", ")
        )
    })?;
    let formatter = FORMATTERS.with(|cache| {
        cached(cache, &(locale.clone(), style), || {
            let load_error = |e: icu_datetime::DateTimeFormatterLoadError| {
                format!("no date format for `{locale}` ({e})")
            };
            match style {
                "short" => {
                    DateTimeFormatter::try_new(locale.into(), DateFieldSet::YMD(YMD::short()))
                }
                "medium" => {
                    DateTimeFormatter::try_new(locale.into(), DateFieldSet::YMD(YMD::medium()))
                }
                "long" => DateTimeFormatter::try_new(locale.into(), DateFieldSet::YMD(YMD::long())),
                _ => DateTimeFormatter::try_new(locale.into(), DateFieldSet::YMDE(YMDE::long())),
            }
            .map_err(load_error)
        })
    })?;
    let text = formatter.format(&iso).to_string();
    Ok(text)
}
