//! Turning the text of literal tokens into values, with the checks the
//! grammar cannot express (hour 24, month 13, a currency like `Usd`, an
//! integer too big for 64 bits). Each function gets text the grammar has
//! already matched, and reports problems as diagnostics.

use crate::diagnostics::codes::syntax as codes;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{ClockTime, DecimalLit, DurationLit, Weekday};

/// `42`, `-7`.
pub fn int(text: &str, span: Span) -> Result<i64, Box<Diagnostic>> {
    text.parse::<i64>().map_err(|_| {
        Box::new(
            Diagnostic::error(
                codes::NUMBER_OUT_OF_RANGE,
                format!("the integer {text} is too large"),
                span,
            )
            .with_help("integers must lie between -9223372036854775808 and 9223372036854775807"),
        )
    })
}

/// `19.90` → `(1990, 2)`; also accepts integers (`5` → `(5, 0)`).
pub fn decimal(text: &str, span: Span) -> Result<DecimalLit, Box<Diagnostic>> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = format!("{whole}{frac}");
    let too_big = || {
        Box::new(
            Diagnostic::error(
                codes::NUMBER_OUT_OF_RANGE,
                format!("the number {text} has too many digits"),
                span,
            )
            .with_help("numbers are kept exactly with at most 38 digits"),
        )
    };
    let mantissa = digits.parse::<i128>().map_err(|_| too_big())?;
    let scale = u32::try_from(frac.len()).map_err(|_| too_big())?;
    if scale > 38 {
        return Err(too_big());
    }
    Ok(DecimalLit { mantissa, scale })
}

/// The exact digits, as written: `(1990, 2)` → `19.90`, `(-5, 1)` → `-0.5`.
/// The one printer of a decimal: plans, template data and the simulator's
/// numbers all print through it.
impl std::fmt::Display for DecimalLit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return write!(f, "{sign}{digits}");
        }
        // Digit by digit, so any scale prints exactly.
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (whole, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{sign}{whole}.{frac}")
    }
}

/// A currency must be an ISO 4217 code: three capital letters.
pub fn currency(text: &str, span: Span) -> Result<(), Box<Diagnostic>> {
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase()) {
        return Ok(());
    }
    let upper = text.to_ascii_uppercase();
    let mut d = Diagnostic::error(
        codes::BAD_CURRENCY,
        format!("`{text}` is not a currency code"),
        span,
    )
    .with_primary_label("expected three capital letters");
    d = if upper.len() == 3 {
        d.with_help(format!(
            "currency codes are ISO 4217 codes in capitals: did you mean `{upper}`?"
        ))
    } else {
        d.with_help(
            "currency codes are ISO 4217 codes: three capital letters such as USD, EUR, VND or CZK",
        )
    };
    Err(Box::new(d))
}

/// `30m`, `1d12h`, `1w`, `-1d`: units largest first, each at most once.
pub fn duration(text: &str, span: Span) -> Result<DurationLit, Box<Diagnostic>> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let bad = |message: String| {
        Box::new(
            Diagnostic::error(codes::BAD_DURATION, message, span).with_help(
                "write units largest first, each once: w, d, h, m (e.g. 1w2d, 1d12h, 90m)",
            ),
        )
    };
    let too_big = || {
        Box::new(
            Diagnostic::error(
                codes::NUMBER_OUT_OF_RANGE,
                format!("the duration {text} is too long"),
                span,
            )
            .with_help("durations longer than about 100 years are not supported"),
        )
    };
    let (mut weeks, mut days, mut hours, mut minutes) = (0i64, 0i64, 0i64, 0i64);
    let mut last_rank = 0u8;
    let mut number = String::new();
    for ch in body.chars() {
        if ch.is_ascii_digit() {
            number.push(ch);
            continue;
        }
        let (rank, slot) = match ch {
            'w' => (1, &mut weeks),
            'd' => (2, &mut days),
            'h' => (3, &mut hours),
            _ => (4, &mut minutes),
        };
        if rank <= last_rank {
            return Err(bad(format!(
                "the duration {text} repeats a unit or lists a smaller unit before a larger one"
            )));
        }
        last_rank = rank;
        *slot = number.parse::<i64>().map_err(|_| too_big())?;
        number.clear();
    }
    let days_total = weeks
        .checked_mul(7)
        .and_then(|w| w.checked_add(days))
        .filter(|d| *d <= 36_600)
        .ok_or_else(too_big)?;
    let seconds = hours
        .checked_mul(3600)
        .and_then(|h| minutes.checked_mul(60).and_then(|m| h.checked_add(m)))
        .filter(|s| *s <= 36_600 * 86_400)
        .ok_or_else(too_big)?;
    let sign = if negative { -1 } else { 1 };
    Ok(DurationLit {
        days: sign * days_total,
        seconds: sign * seconds,
        span,
    })
}

/// `09:00` → minutes after midnight.
pub fn clock(text: &str, span: Span) -> Result<ClockTime, Box<Diagnostic>> {
    let (h, m) = text.split_once(':').unwrap_or((text, "0"));
    let hours: u32 = h.parse().unwrap_or(99);
    let minutes: u32 = m.parse().unwrap_or(99);
    if hours >= 24 || minutes >= 60 {
        let what = if hours >= 24 {
            format!("there is no hour {hours}")
        } else {
            format!("there is no minute {minutes}")
        };
        return Err(Box::new(
            Diagnostic::error(
                codes::BAD_CLOCK,
                format!("`{text}` is not a clock time: {what}"),
                span,
            )
            .with_primary_label("not a time of day")
            .with_help("clock times run from 00:00 to 23:59; midnight is 00:00"),
        ));
    }
    Ok(ClockTime {
        minutes: hours * 60 + minutes,
        span,
    })
}

fn bad_date(text: &str, why: impl std::fmt::Display, span: Span) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(
        codes::BAD_DATE,
        format!("`{text}` is not a valid date or time: {why}"),
        span,
    )
    .with_primary_label("no such date or time")
    .with_help("write dates as 2026-11-22, local times as 2026-11-22T09:00, instants as 2026-11-22T09:00:00Z"))
}

/// `2026-11-22`.
pub fn date(text: &str, span: Span) -> Result<jiff::civil::Date, Box<Diagnostic>> {
    let mut it = text.splitn(3, '-');
    let mut num = || it.next().and_then(|s| s.parse::<i32>().ok()).unwrap_or(0);
    let (y, m, d) = (num(), num(), num());
    if !(1..=12).contains(&m) {
        return Err(bad_date(text, format!("there is no month {m}"), span));
    }
    let year = i16::try_from(y).map_err(|e| bad_date(text, e, span))?;
    jiff::civil::Date::new(year, m as i8, d as i8)
        .map_err(|_| bad_date(text, format!("month {m} of {y} has no day {d}"), span))
}

/// `09:00` or `09:00:30` (after the `T`).
fn time_of_day(text: &str, whole: &str, span: Span) -> Result<jiff::civil::Time, Box<Diagnostic>> {
    let mut it = text.split(':');
    let mut num = || it.next().and_then(|s| s.parse::<i8>().ok()).unwrap_or(0);
    let (h, m, s) = (num(), num(), num());
    jiff::civil::Time::new(h, m, s, 0).map_err(|_| {
        bad_date(
            whole,
            format!("{text} is not a time of day (00:00 to 23:59:59)"),
            span,
        )
    })
}

/// `2026-11-02T10:00`: a local date and time.
pub fn datetime(text: &str, span: Span) -> Result<jiff::civil::DateTime, Box<Diagnostic>> {
    let (d, t) = text.split_once('T').unwrap_or((text, "00:00"));
    let date = date(d, span).map_err(|mut e| {
        e.message = e.message.replacen(d, text, 1);
        e
    })?;
    let time = time_of_day(t, text, span)?;
    Ok(jiff::civil::DateTime::from_parts(date, time))
}

/// `2026-11-22T09:00:00Z` or `2026-11-22T09:00:00+07:00`.
pub fn instant(text: &str, span: Span) -> Result<jiff::Timestamp, Box<Diagnostic>> {
    // Split off the offset: `Z`, or `+hh:mm`/`-hh:mm` after the `T`.
    let t_at = text.find('T').unwrap_or(0);
    let offset_at = text[t_at..]
        .find(['Z', '+', '-'])
        .map_or(text.len(), |p| t_at + p);
    let local = datetime(&text[..offset_at], span).map_err(|mut e| {
        e.message = e.message.replacen(&text[..offset_at], text, 1);
        e
    })?;
    let offset_text = &text[offset_at..];
    let offset_seconds = if offset_text == "Z" {
        0
    } else {
        let sign = if offset_text.starts_with('-') { -1 } else { 1 };
        let digits = offset_text.get(1..).unwrap_or("");
        let (h, m) = digits.split_once(':').unwrap_or(("99", "0"));
        let (h, m): (i32, i32) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
        if h > 23 || m > 59 {
            return Err(bad_date(
                text,
                format!("{offset_text} is not a UTC offset"),
                span,
            ));
        }
        sign * (h * 3600 + m * 60)
    };
    let offset =
        jiff::tz::Offset::from_seconds(offset_seconds).map_err(|e| bad_date(text, e, span))?;
    offset
        .to_timestamp(local)
        .map_err(|e| bad_date(text, e, span))
}

pub fn weekday(text: &str) -> Weekday {
    match text {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        _ => Weekday::Sunday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp() -> Span {
        Span::default()
    }

    #[test]
    fn durations() {
        let d = duration("1d12h", sp()).unwrap();
        assert_eq!((d.days, d.seconds), (1, 12 * 3600));
        let d = duration("1w", sp()).unwrap();
        assert_eq!((d.days, d.seconds), (7, 0));
        let d = duration("-30m", sp()).unwrap();
        assert_eq!((d.days, d.seconds), (0, -1800));
        assert_eq!(
            duration("1d1d", sp()).unwrap_err().code,
            codes::BAD_DURATION
        );
        assert_eq!(
            duration("2h1d", sp()).unwrap_err().code,
            codes::BAD_DURATION
        );
        assert_eq!(
            duration("99999999999999999999d", sp()).unwrap_err().code,
            codes::NUMBER_OUT_OF_RANGE
        );
    }

    #[test]
    fn durations_print_back_in_the_canonical_form() {
        let printed = |text: &str| {
            let d = duration(text, sp()).unwrap();
            crate::duration::Duration::new(d.days, d.seconds).to_string()
        };
        assert_eq!(printed("1d12h"), "1d12h");
        assert_eq!(printed("90m"), "1h30m");
        assert_eq!(printed("2w"), "14d");
        assert_eq!(printed("1w2d3h"), "9d3h");
        assert_eq!(printed("-1d12h"), "-1d12h");
        assert_eq!(printed("0m"), "0d");
    }

    #[test]
    fn clocks() {
        assert_eq!(clock("09:30", sp()).unwrap().minutes, 570);
        assert_eq!(clock("0:00", sp()).unwrap().minutes, 0);
        assert_eq!(clock("24:00", sp()).unwrap_err().code, codes::BAD_CLOCK);
        assert_eq!(clock("09:60", sp()).unwrap_err().code, codes::BAD_CLOCK);
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(date("2026-11-22", sp()).unwrap().to_string(), "2026-11-22");
        assert_eq!(date("2026-13-01", sp()).unwrap_err().code, codes::BAD_DATE);
        assert_eq!(date("2026-02-30", sp()).unwrap_err().code, codes::BAD_DATE);
        assert_eq!(
            datetime("2026-11-02T10:00", sp()).unwrap().to_string(),
            "2026-11-02T10:00:00"
        );
        assert!(datetime("2026-11-02T25:00", sp()).is_err());
        assert_eq!(
            instant("2026-11-22T09:00:00Z", sp()).unwrap().to_string(),
            "2026-11-22T09:00:00Z"
        );
        assert_eq!(
            instant("2026-11-22T09:00:00+07:00", sp())
                .unwrap()
                .to_string(),
            "2026-11-22T02:00:00Z"
        );
        assert_eq!(
            instant("2026-11-22T09:00-05:00", sp()).unwrap().to_string(),
            "2026-11-22T14:00:00Z"
        );
        assert!(instant("2026-13-22T09:00:00Z", sp()).is_err());
    }

    #[test]
    fn numbers_and_currencies() {
        assert_eq!(
            decimal("19.90", sp()).unwrap(),
            DecimalLit {
                mantissa: 1990,
                scale: 2
            }
        );
        assert_eq!(decimal("-0.5", sp()).unwrap().mantissa, -5);
        for text in ["19.90", "-0.5", "0.05", "42", "-7", "0.000"] {
            assert_eq!(decimal(text, sp()).unwrap().to_string(), text);
        }
        assert!(int("99999999999999999999", sp()).is_err());
        assert!(currency("USD", sp()).is_ok());
        let e = currency("Usd", sp()).unwrap_err();
        assert!(e.help.unwrap().contains("USD"));
        assert!(currency("US", sp()).is_err());
    }
}

#[cfg(test)]
mod duration_literal_tests {
    use crate::duration::Duration;
    use crate::syntax::duration_literal;

    #[test]
    fn reads_exactly_one_duration_literal() {
        assert_eq!(duration_literal("36h"), Some(Duration::new(0, 36 * 3600)));
        assert_eq!(duration_literal("1w2d"), Some(Duration::new(9, 0)));
        assert_eq!(
            duration_literal("-1d12h"),
            Some(Duration::new(-1, -12 * 3600))
        );
        for not in [
            "", "36", "h", "12h1d", "1d ", "1dx", "30d_", "09:00", "e0201",
        ] {
            assert_eq!(duration_literal(not), None, "{not:?}");
        }
    }
}
