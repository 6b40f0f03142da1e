//! Events files: offsets and date-times, typed values, errors with lines.

use super::clock::Duration;
use super::input::{float_digits, parse_at, parse_duration};
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

#[test]
fn instants_in_the_exporters_form_read_as_jiff_reads_them() {
    use super::input::parse_instant;
    let general = |text: &str| text.parse::<jiff::Timestamp>().ok();
    let mut texts: Vec<String> = [
        "2026-11-02T03:00:00Z",
        "2024-02-29T23:59:59Z",
        "2023-02-29T10:00:00Z",
        "2026-04-31T10:00:00Z",
        "2026-12-31T24:00:00Z",
        "2026-06-30T23:59:60Z",
        "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-01-00T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2026-11-02t03:00:00Z",
        "2026-11-02T03:00:00z",
        "2026-11-02 03:00:00Z",
        "2026-11-02T03:00:0aZ",
        "2026-11-02T03:00:00+07:00",
        "2026-11-02T03:00:00.5Z",
        "+2026-11-02T03:00:00Z",
        "-026-11-02T03:00:00Z",
        "2026-1-02T03:00:00ZZ",
        "",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    // Every field through its whole two-digit range, and some years.
    for year in ["1970", "2000", "2026", "2100"] {
        for month in 0..=99 {
            for day in [0, 1, 28, 29, 30, 31, 32, 99] {
                texts.push(format!("{year}-{month:02}-{day:02}T12:00:00Z"));
            }
        }
    }
    for n in 0..=99 {
        texts.push(format!("2026-03-29T{n:02}:30:00Z"));
        texts.push(format!("2026-03-29T01:{n:02}:00Z"));
        texts.push(format!("2026-03-29T01:30:{n:02}Z"));
    }
    // Every year's 28 February to 1 March (leap years by 4, 100 and 400),
    // the first and last days of the range, and random dates of every
    // year from 0000 to 9999.
    for year in 0..=9999 {
        for (month, day) in [(1, 1), (2, 28), (2, 29), (3, 1), (12, 31)] {
            texts.push(format!("{year:04}-{month:02}-{day:02}T00:00:00Z"));
        }
    }
    texts.extend(
        [
            "9999-12-30T22:00:00Z",
            "9999-12-30T22:00:01Z",
            "9999-12-30T21:59:59Z",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00Z",
        ]
        .map(String::from),
    );
    let mut seed = 2026u64;
    for _ in 0..20_000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = seed >> 16;
        texts.push(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            r % 10_000,
            (r >> 14) % 14,
            (r >> 18) % 33,
            (r >> 24) % 25,
            (r >> 30) % 61,
            (r >> 36) % 61
        ));
    }
    for text in &texts {
        assert_eq!(parse_instant(text), general(text), "{text:?}");
    }
    assert!(texts.iter().filter(|t| general(t).is_some()).count() > 30_000);
}

#[test]
fn a_floats_digits_are_those_serde_json_writes() {
    let mut rng = fastrand::Rng::with_seed(5);
    let mut values = vec![
        0.0,
        -0.0,
        1.0,
        29.8,
        18.9,
        0.1,
        0.125,
        1e-7,
        1e15,
        1e16,
        1e21,
        1e300,
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        123456789012345678.0,
        -2.5,
    ];
    values.extend((0..2000).map(|_| f64::from_bits(rng.u64(..))));
    values.extend((0..2000).map(|_| rng.i64(-1_000_000..1_000_000) as f64 / 100.0));
    let mut buffer = zmij::Buffer::new();
    for v in values {
        let expected = serde_json::Number::from_f64(v).map(|n| n.to_string());
        assert_eq!(
            float_digits(&mut buffer, v).map(str::to_string),
            expected,
            "{v:e}"
        );
    }
    assert_eq!(float_digits(&mut buffer, f64::NAN), None);
    assert_eq!(float_digits(&mut buffer, f64::INFINITY), None);
}
