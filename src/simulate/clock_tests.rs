//! Clock arithmetic: DST-correct days, exact hours, `wait until`, schedules.

use super::clock::{self, Duration, Schedule};
use jiff::civil::{date, Weekday};
use jiff::Zoned;

fn zoned(s: &str, tz: &str) -> Zoned {
    let dt: jiff::civil::DateTime = s.parse().expect("test datetime");
    dt.in_tz(tz).expect("test zone")
}

fn local(z: &Zoned) -> String {
    z.strftime("%Y-%m-%dT%H:%M %:z").to_string()
}

#[test]
fn wait_1d_keeps_local_time_across_march_dst_in_prague() {
    // 2026-03-29: clocks go 02:00 -> 03:00 in Europe/Prague.
    let start = zoned("2026-03-28T10:00", "Europe/Prague");
    let next = clock::add(&start, Duration::new(1, 0)).unwrap();
    assert_eq!(local(&next), "2026-03-29T10:00 +02:00");
    let elapsed = next.timestamp().as_second() - start.timestamp().as_second();
    assert_eq!(elapsed, 23 * 3600, "the day is 23 hours long");
}

#[test]
fn wait_1d_keeps_local_time_across_october_dst_in_prague() {
    // 2026-10-25: clocks go 03:00 -> 02:00 in Europe/Prague.
    let start = zoned("2026-10-24T10:00", "Europe/Prague");
    let next = clock::add(&start, Duration::new(1, 0)).unwrap();
    assert_eq!(local(&next), "2026-10-25T10:00 +01:00");
    let elapsed = next.timestamp().as_second() - start.timestamp().as_second();
    assert_eq!(elapsed, 25 * 3600, "the day is 25 hours long");
}

#[test]
fn wait_24h_is_exact_elapsed_time_across_dst() {
    let start = zoned("2026-03-28T10:00", "Europe/Prague");
    let next = clock::add(&start, Duration::new(0, 24 * 3600)).unwrap();
    assert_eq!(local(&next), "2026-03-29T11:00 +02:00");
}

#[test]
fn days_then_hours_and_sub_inverts_add() {
    let start = zoned("2026-03-28T22:00", "Europe/Prague");
    let d = Duration::new(1, 2 * 3600);
    let next = clock::add(&start, d).unwrap();
    assert_eq!(local(&next), "2026-03-30T00:00 +02:00");
    assert_eq!(clock::sub(&next, d).unwrap(), start);
}

#[test]
fn local_time_in_the_spring_gap_moves_forward() {
    // 02:30 does not exist on 2026-03-29 in Prague.
    let at = zoned("2026-03-29T01:00", "Europe/Prague");
    let next = clock::next_local_time(&at, 2 * 60 + 30, None).unwrap();
    assert_eq!(local(&next), "2026-03-29T03:30 +02:00");
}

#[test]
fn wait_until_0900_on_monday_from_every_weekday() {
    // 2026-11-02 is a Monday. From 12:00 on each day of that week, the next
    // Monday 09:00 is 2026-11-09; from Monday 08:00 it is the same day.
    let days = [
        ("2026-11-02T12:00", "2026-11-09T09:00"),
        ("2026-11-03T12:00", "2026-11-09T09:00"),
        ("2026-11-04T12:00", "2026-11-09T09:00"),
        ("2026-11-05T12:00", "2026-11-09T09:00"),
        ("2026-11-06T12:00", "2026-11-09T09:00"),
        ("2026-11-07T12:00", "2026-11-09T09:00"),
        ("2026-11-08T12:00", "2026-11-09T09:00"),
        ("2026-11-02T08:00", "2026-11-02T09:00"),
    ];
    for (from, want) in days {
        let now = zoned(from, "Asia/Ho_Chi_Minh");
        let got = clock::next_local_time(&now, 9 * 60, Some(Weekday::Monday)).unwrap();
        assert_eq!(
            got.datetime().strftime("%Y-%m-%dT%H:%M").to_string(),
            want,
            "from {from} ({:?})",
            now.weekday()
        );
        assert_eq!(got.weekday(), Weekday::Monday);
    }
}

#[test]
fn wait_until_is_strictly_after_now() {
    let now = zoned("2026-11-02T09:00", "UTC");
    let same_day = clock::next_local_time(&now, 9 * 60, None).unwrap();
    assert_eq!(local(&same_day), "2026-11-03T09:00 +00:00");
    let monday = clock::next_local_time(&now, 9 * 60, Some(Weekday::Monday)).unwrap();
    assert_eq!(local(&monday), "2026-11-09T09:00 +00:00");
}

#[test]
fn daily_schedule_fires_at_or_after_start_then_daily() {
    let s = Schedule::Daily { at: 9 * 60 };
    let at_nine = zoned("2026-01-05T09:00", "UTC");
    assert_eq!(
        local(&s.first_at_or_after(&at_nine).unwrap()),
        "2026-01-05T09:00 +00:00"
    );
    let at_ten = zoned("2026-01-05T10:00", "UTC");
    let first = s.first_at_or_after(&at_ten).unwrap();
    assert_eq!(local(&first), "2026-01-06T09:00 +00:00");
    assert_eq!(
        local(&s.next_after(&first).unwrap()),
        "2026-01-07T09:00 +00:00"
    );
}

#[test]
fn weekly_schedule_finds_the_weekday() {
    let s = Schedule::Weekly {
        day: Weekday::Friday,
        at: 18 * 60,
    };
    let from = zoned("2026-01-05T10:00", "UTC"); // a Monday
    assert_eq!(
        local(&s.first_at_or_after(&from).unwrap()),
        "2026-01-09T18:00 +00:00"
    );
}

#[test]
fn monthly_schedule_clamps_to_the_last_day_of_short_months() {
    let s = Schedule::Monthly {
        day: 31,
        at: 9 * 60,
    };
    let from = zoned("2026-02-01T00:00", "UTC");
    let feb = s.first_at_or_after(&from).unwrap();
    assert_eq!(local(&feb), "2026-02-28T09:00 +00:00");
    let mar = s.next_after(&feb).unwrap();
    assert_eq!(local(&mar), "2026-03-31T09:00 +00:00");
    let apr = s.next_after(&mar).unwrap();
    assert_eq!(local(&apr), "2026-04-30T09:00 +00:00");
}

#[test]
fn monthly_schedule_on_the_first() {
    let s = Schedule::Monthly { day: 1, at: 9 * 60 };
    let from = zoned("2026-01-05T10:00", "UTC");
    assert_eq!(
        local(&s.first_at_or_after(&from).unwrap()),
        "2026-02-01T09:00 +00:00"
    );
}

#[test]
fn local_at_builds_the_local_instant() {
    let z = zoned("2026-06-01T00:00", "Asia/Shanghai");
    let at = clock::local_at(&z, date(2026, 6, 2), 9 * 60 + 30).unwrap();
    assert_eq!(clock::format_local(&at), "2026-06-02 09:30 (Tue) +08:00");
    assert_eq!(clock::format_utc(&at), "2026-06-02T01:30:00Z");
}

#[test]
fn offset_between_inverts_add_across_dst() {
    let start = zoned("2026-03-28T10:00", "Europe/Prague");
    for d in [
        Duration::new(0, 0),
        Duration::new(1, 0),
        Duration::new(1, 2 * 3600),
        Duration::new(3, 23 * 3600),
        Duration::new(0, 5 * 60),
    ] {
        let at = clock::add(&start, d).unwrap();
        assert_eq!(clock::offset_between(&start, &at).unwrap(), d, "{d:?}");
    }
}

#[test]
fn clock_times_in_the_plan_form_read_as_the_general_rule_reads_them() {
    let general = |t: &str| {
        let (h, m) = t.split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60).then_some(h * 60 + m)
    };
    for h in 0..100 {
        for m in 0..100 {
            for t in [format!("{h:02}:{m:02}"), format!("{h}:{m}")] {
                assert_eq!(super::journey::parse_clock(&t), general(&t), "{t}");
            }
        }
    }
    for t in [
        "",
        ":",
        "+9:00",
        "09:0a",
        "0a:00",
        "24:00",
        "23:60",
        "٠٩:٠٠",
        "09:00 ",
        "09-00",
    ] {
        assert_eq!(super::journey::parse_clock(t), general(t), "{t:?}");
    }
}

/// The instants every 15 minutes (and one second either side of each) of
/// the days around a daylight-saving change in `tz`, from `from`.
fn instants_around(from: &str, tz: &str) -> Vec<Zoned> {
    let start = zoned(from, tz);
    (0..4 * 24 * 4)
        .flat_map(|quarter| [-1i64, 0, 1].map(move |s| quarter * 15 * 60 + s))
        .map(|secs| {
            start
                .checked_add(jiff::SignedDuration::from_secs(secs))
                .expect("in range")
        })
        .collect()
}

/// Zones whose changes differ: an hour in spring and autumn (Prague, New
/// York), half an hour (Lord Howe Island), none (Ho Chi Minh City).
const CHANGES: [(&str, &str); 6] = [
    ("2026-03-27T00:00", "Europe/Prague"),
    ("2026-10-23T00:00", "Europe/Prague"),
    ("2026-03-06T00:00", "America/New_York"),
    ("2026-10-02T00:00", "Australia/Lord_Howe"),
    ("2026-04-03T00:00", "Australia/Lord_Howe"),
    ("2026-11-01T00:00", "Asia/Ho_Chi_Minh"),
];

#[test]
fn next_local_time_is_the_first_candidate_day_strictly_after_now() {
    // The definition: the wanted local time on each day from today on,
    // resolved as `local_at` does, the first strictly after `now`.
    // (`next_local_time` skips today's candidate without making it when
    // `now` is at that very local time.)
    let defined = |now: &Zoned, minutes: u32, day: Option<Weekday>| {
        let mut date = now.date();
        loop {
            if day.is_none_or(|d| date.weekday() == d) {
                let candidate = clock::local_at(now, date, minutes).unwrap();
                if candidate.timestamp() > now.timestamp() {
                    return candidate;
                }
            }
            date = date.tomorrow().unwrap();
        }
    };
    for (from, tz) in CHANGES {
        for now in instants_around(from, tz) {
            // At every quarter hour, the one of `now`, and in the gap and
            // the fold of each zone.
            for minutes in [0, 75, 120, 135, 150, 165, 180, 9 * 60, 23 * 60 + 45] {
                for day in [None, Some(now.date().weekday()), Some(Weekday::Sunday)] {
                    assert_eq!(
                        clock::next_local_time(&now, minutes, day).unwrap(),
                        defined(&now, minutes, day),
                        "from {now} to {minutes} min, {day:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn sub_instant_is_the_instant_of_sub() {
    for (from, tz) in CHANGES {
        for at in instants_around(from, tz).into_iter().step_by(7) {
            for d in [
                Duration::new(0, 0),
                Duration::new(1, 0),
                Duration::new(30, 0),
                Duration::new(0, 3600),
                Duration::new(0, 90 * 60),
                Duration::new(2, 5400),
                Duration::new(-1, 0),
            ] {
                assert_eq!(
                    clock::sub_instant(&at, d).unwrap(),
                    clock::sub(&at, d).unwrap().timestamp(),
                    "{at} - {d:?}"
                );
            }
        }
    }
}
