//! Local-time arithmetic for the simulator, on jiff's `Zoned` values.
//!
//! Every instant the simulator handles is a [`Zoned`]: an instant together
//! with the customer's time zone, because the language's time rules are
//! about the customer's wall clock:
//!
//! - calendar days (`d`, `w`) move the local date and keep the local clock
//!   time, so `wait 1d` from 10:00 lands at 10:00 the next day even across
//!   a daylight-saving change (23 or 25 elapsed hours);
//! - hours and minutes are exact elapsed time;
//! - a local time that does not exist (inside a spring-forward gap) is
//!   moved forward by the gap's length, one that exists twice (autumn fold)
//!   takes the earlier instant — jiff's "compatible" disambiguation, the
//!   same as RFC 5545 and `java.time`.
//!
//! Clock lookups (`wait until`, send windows, schedules) return the next
//! matching instant *strictly after* the current one: a `wait until 09:00`
//! reached at exactly 09:00 waits a full day (or week with `on DAY`). A
//! wait always waits; that keeps `wait until` idempotent in a loop of
//! campaigns and matches how a cron-like runtime would fire.

use jiff::civil::{Date, DateTime, Weekday as CivilWeekday};
use jiff::{SignedDuration, Span, Timestamp, Zoned};

/// The errors of clock arithmetic: only dates outside jiff's supported
/// range (years −9999..=9999), which a bounded simulation never reaches
/// unless the input is absurd.
pub type ClockResult<T> = Result<T, jiff::Error>;

pub use crate::duration::Duration;

/// `at + d`: first the calendar days in `at`'s time zone (keeping the local
/// clock time), then the exact seconds.
pub fn add(at: &Zoned, d: Duration) -> ClockResult<Zoned> {
    if d.days == 0 && d.seconds == 0 {
        return Ok(at.clone());
    }
    Ok(add_instant(at, d)?.to_zoned(at.time_zone().clone()))
}

/// The instant of [`add`]`(at, d)`, for a caller that only compares it:
/// the zoned value (another look-up in the time zone) is not made.
pub fn add_instant(at: &Zoned, d: Duration) -> ClockResult<Timestamp> {
    let after_days = if d.days == 0 {
        at.timestamp()
    } else {
        same_time_on(at, at.date().checked_add(Span::new().try_days(d.days)?)?)?
    };
    if d.seconds == 0 {
        Ok(after_days)
    } else {
        after_days.checked_add(SignedDuration::from_secs(d.seconds))
    }
}

/// The instant of [`sub`]`(at, d)`, for a caller that only compares it
/// (a `within` window): with whole days only, one look-up in the time
/// zone instead of the zoned value's two.
pub fn sub_instant(at: &Zoned, d: Duration) -> ClockResult<Timestamp> {
    if d.seconds != 0 && d.days != 0 {
        return Ok(sub(at, d)?.timestamp());
    }
    if d.days == 0 {
        return at
            .timestamp()
            .checked_sub(SignedDuration::from_secs(d.seconds));
    }
    same_time_on(at, at.date().checked_sub(Span::new().try_days(d.days)?)?)
}

/// The instant of `at`'s local clock time on the local `date`: what
/// `Zoned::checked_add` does with a span of days (the local date moves,
/// the clock time stays), resolved with the "compatible"
/// disambiguation.
fn same_time_on(at: &Zoned, date: Date) -> ClockResult<Timestamp> {
    at.time_zone()
        .to_ambiguous_timestamp(date.to_datetime(at.time()))
        .compatible()
}

/// `at - d`, the inverse order of [`add`]: exact seconds first, then days.
pub fn sub(at: &Zoned, d: Duration) -> ClockResult<Zoned> {
    let after_secs = if d.seconds == 0 {
        at.clone()
    } else {
        at.checked_sub(SignedDuration::from_secs(d.seconds))?
    };
    if d.days == 0 {
        Ok(after_secs)
    } else {
        after_secs.checked_sub(Span::new().try_days(d.days)?)
    }
}

/// The offset of `at` from `start` in the language's notation: the most
/// whole calendar days that fit, then the exact remainder. The inverse of
/// [`add`] for non-negative offsets: `add(start, offset_between(start, t))
/// == t`. Used to report "sent at 1d2h" in test failures.
pub fn offset_between(start: &Zoned, at: &Zoned) -> ClockResult<Duration> {
    if at.timestamp() < start.timestamp() {
        let back = offset_between(at, start)?;
        return Ok(back.negated());
    }
    let start_local = start.with_time_zone(at.time_zone().clone());
    let mut days = (at.date() - start_local.date()).get_days() as i64;
    days = days.max(0);
    while days > 0 && add(start, Duration::new(days, 0))?.timestamp() > at.timestamp() {
        days -= 1;
    }
    while add(start, Duration::new(days + 1, 0))?.timestamp() <= at.timestamp() {
        days += 1;
    }
    let base = add(start, Duration::new(days, 0))?;
    let seconds = at.timestamp().as_second() - base.timestamp().as_second();
    Ok(Duration::new(days, seconds))
}

/// Minutes after local midnight of `at` (0..1440).
pub fn minute_of_day(at: &Zoned) -> u32 {
    at.hour() as u32 * 60 + at.minute() as u32
}

/// The instant of local `date` at `minutes` after midnight in `at`'s zone.
pub fn local_at(at: &Zoned, date: Date, minutes: u32) -> ClockResult<Zoned> {
    let dt = local_datetime(date, minutes)?;
    dt.to_zoned(at.time_zone().clone())
}

fn local_datetime(date: Date, minutes: u32) -> ClockResult<DateTime> {
    let h = (minutes / 60).min(23) as i8;
    let m = (minutes % 60) as i8;
    Ok(date.to_datetime(jiff::civil::Time::new(h, m, 0, 0)?))
}

/// The language's weekday as jiff's.
pub fn civil_weekday(day: crate::check::model::Weekday) -> CivilWeekday {
    use crate::check::model::Weekday as W;
    match day {
        W::Monday => CivilWeekday::Monday,
        W::Tuesday => CivilWeekday::Tuesday,
        W::Wednesday => CivilWeekday::Wednesday,
        W::Thursday => CivilWeekday::Thursday,
        W::Friday => CivilWeekday::Friday,
        W::Saturday => CivilWeekday::Saturday,
        W::Sunday => CivilWeekday::Sunday,
    }
}

/// A plan's weekday as jiff's.
pub fn civil_weekday_of_plan(day: crate::plan::format::Weekday) -> CivilWeekday {
    use crate::plan::format::Weekday as W;
    match day {
        W::Monday => CivilWeekday::Monday,
        W::Tuesday => CivilWeekday::Tuesday,
        W::Wednesday => CivilWeekday::Wednesday,
        W::Thursday => CivilWeekday::Thursday,
        W::Friday => CivilWeekday::Friday,
        W::Saturday => CivilWeekday::Saturday,
        W::Sunday => CivilWeekday::Sunday,
    }
}

/// `wait until HH:MM [on DAY]`: the next instant strictly after `now` whose
/// local time is `minutes` after midnight (and whose local weekday is
/// `day`, when given).
pub fn next_local_time(now: &Zoned, minutes: u32, day: Option<CivilWeekday>) -> ClockResult<Zoned> {
    /// The candidate days are today and the next 8 (a candidate can be
    /// at or before `now` even on a later day, in a fold across midnight).
    const LAST: i8 = 8;
    let today = now.date();
    // At exactly the wanted local time (a schedule or a window firing at
    // its own minute, the usual case), today's candidate is `now` itself
    // or, in an autumn fold, the earlier of the two: never after `now`.
    // Skipped without a look-up in the time zone.
    let at_the_time = local_datetime(today, minutes)?.time() == now.time();
    // The candidate days: every day, or each `day` (the first of them
    // found from today's weekday, not by walking the days).
    let (mut ahead, step) = match day {
        None => (0, 1),
        Some(d) => (today.weekday().until(d), 7),
    };
    while ahead <= LAST {
        if ahead > 0 || !at_the_time {
            let date = today.checked_add(Span::new().days(ahead))?;
            let candidate = local_at(now, date, minutes)?;
            if candidate.timestamp() > now.timestamp() {
                return Ok(candidate);
            }
        }
        ahead += step;
    }
    // Unreachable in practice (a weekday recurs within 7 days); keep the
    // function total without a panic.
    local_at(now, today.checked_add(Span::new().days(LAST + 1))?, minutes)
}

/// A recurring schedule, `trigger every …`, in customer local time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    Daily {
        at: u32,
    },
    Weekly {
        day: CivilWeekday,
        at: u32,
    },
    /// Day of month 1..=31; in shorter months it fires on the last day
    /// (`on 31` fires on 30 April and 28/29 February).
    Monthly {
        day: u32,
        at: u32,
    },
}

impl Schedule {
    /// The first firing at or after `from` (a schedule started exactly at
    /// its own time fires at once).
    pub fn first_at_or_after(&self, from: &Zoned) -> ClockResult<Zoned> {
        let just_before = from.checked_sub(SignedDuration::from_nanos(1))?;
        self.next_after(&just_before)
    }

    /// The next firing strictly after `now`.
    pub fn next_after(&self, now: &Zoned) -> ClockResult<Zoned> {
        match *self {
            Schedule::Daily { at } => next_local_time(now, at, None),
            Schedule::Weekly { day, at } => next_local_time(now, at, Some(day)),
            Schedule::Monthly { day, at } => {
                let mut month_start = now.date().first_of_month();
                for _ in 0..3 {
                    let last = month_start.last_of_month().day() as u32;
                    let d = day.clamp(1, last) as i8;
                    let date = Date::new(month_start.year(), month_start.month(), d)?;
                    let candidate = local_at(now, date, at)?;
                    if candidate.timestamp() > now.timestamp() {
                        return Ok(candidate);
                    }
                    month_start = month_start.checked_add(Span::new().months(1))?;
                }
                local_at(now, month_start, at)
            }
        }
    }
}

/// Formats a zoned instant the way timelines show local time:
/// `2026-11-02 10:00 (Mon) +07:00`.
pub fn format_local(at: &Zoned) -> String {
    at.strftime("%Y-%m-%d %H:%M (%a) %:z").to_string()
}

/// Formats the UTC instant: `2026-11-02T03:00:00Z`.
pub fn format_utc(at: &Zoned) -> String {
    at.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
