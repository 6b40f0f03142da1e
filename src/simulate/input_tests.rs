//! Events files: offsets and date-times, typed values, errors with lines.

use super::clock::Duration;
use super::input::{parse_at, parse_duration};
use jiff::Zoned;

fn start() -> Zoned {
    let dt: jiff::civil::DateTime = "2026-03-28T22:00".parse().unwrap();
    dt.in_tz("Europe/Prague").unwrap()
}

#[test]
fn durations_in_the_language_notation() {
    assert_eq!(parse_duration("1d2h"), Some(Duration::new(1, 7200)));
    assert_eq!(parse_duration("1w"), Some(Duration::new(7, 0)));
    assert_eq!(parse_duration("30m"), Some(Duration::new(0, 1800)));
    assert_eq!(parse_duration("0d"), Some(Duration::new(0, 0)));
    assert_eq!(parse_duration("1d2"), None);
    assert_eq!(parse_duration("d"), None);
    assert_eq!(parse_duration("2026-01-01"), None);
    assert_eq!(parse_duration(""), None);
}

#[test]
fn at_accepts_offsets_local_times_and_instants() {
    let s = start();
    // 1d from Saturday 22:00 across the DST change is Sunday 22:00 +02:00.
    assert_eq!(
        parse_at("1d", &s).unwrap().to_string(),
        "2026-03-29T20:00:00Z"
    );
    assert_eq!(
        parse_at("2026-03-30T08:00", &s).unwrap().to_string(),
        "2026-03-30T06:00:00Z"
    );
    assert_eq!(
        parse_at("2026-03-30T08:00:00+07:00", &s)
            .unwrap()
            .to_string(),
        "2026-03-30T01:00:00Z"
    );
    assert!(parse_at("tomorrow", &s).is_err());
}
