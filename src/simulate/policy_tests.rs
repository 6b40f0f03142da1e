//! Send window and cap deferrals.

use super::clock::Duration;
use super::policy::{release_time, Cap, DeferReason, SendWindow};
use jiff::Zoned;

fn zoned(s: &str) -> Zoned {
    let dt: jiff::civil::DateTime = s.parse().expect("test datetime");
    dt.in_tz("Europe/Prague").expect("test zone")
}

fn local(z: &Zoned) -> String {
    z.datetime().strftime("%Y-%m-%dT%H:%M").to_string()
}

const DAY_WINDOW: SendWindow = SendWindow {
    open: 9 * 60,
    close: 20 * 60,
};

#[test]
fn window_is_half_open() {
    assert!(DAY_WINDOW.contains_minute(9 * 60));
    assert!(DAY_WINDOW.contains_minute(20 * 60 - 1));
    assert!(!DAY_WINDOW.contains_minute(20 * 60));
    assert!(!DAY_WINDOW.contains_minute(8 * 60 + 59));
}

#[test]
fn send_before_the_window_waits_for_it_the_same_day() {
    let at = zoned("2026-11-02T06:30");
    let until = DAY_WINDOW.defer(&at).unwrap().unwrap();
    assert_eq!(local(&until), "2026-11-02T09:00");
}

#[test]
fn send_after_the_window_waits_for_the_next_day() {
    let at = zoned("2026-11-02T21:15");
    let until = DAY_WINDOW.defer(&at).unwrap().unwrap();
    assert_eq!(local(&until), "2026-11-03T09:00");
}

#[test]
fn send_inside_the_window_is_not_deferred() {
    assert!(DAY_WINDOW
        .defer(&zoned("2026-11-02T12:00"))
        .unwrap()
        .is_none());
}

#[test]
fn wrapping_window_covers_midnight() {
    let night = SendWindow {
        open: 20 * 60,
        close: 8 * 60,
    };
    assert!(night.contains_minute(23 * 60));
    assert!(night.contains_minute(0));
    assert!(night.contains_minute(7 * 60 + 59));
    assert!(!night.contains_minute(8 * 60));
    assert!(night.defer(&zoned("2026-11-02T02:00")).unwrap().is_none());
    let until = night.defer(&zoned("2026-11-02T12:00")).unwrap().unwrap();
    assert_eq!(local(&until), "2026-11-02T20:00");
}

#[test]
fn cap_defers_until_the_oldest_send_leaves_the_trailing_window() {
    let cap = Cap {
        count: 2,
        per: Duration::new(1, 0),
    };
    let sent = vec![zoned("2026-11-02T10:00"), zoned("2026-11-02T14:00")];
    let until = cap
        .defer(&zoned("2026-11-02T16:00"), &sent)
        .unwrap()
        .unwrap();
    assert_eq!(local(&until), "2026-11-03T10:00");
    // Exactly one period after the oldest send, that send no longer counts.
    assert!(cap
        .defer(&zoned("2026-11-03T10:00"), &sent)
        .unwrap()
        .is_none());
    // With only one send in the window there is room.
    assert!(cap
        .defer(&zoned("2026-11-02T16:00"), &sent[..1])
        .unwrap()
        .is_none());
}

#[test]
fn cap_release_then_window_applies_again() {
    let cap = Cap {
        count: 1,
        per: Duration::new(0, 12 * 3600),
    };
    // Sent at 19:00; the cap releases at 07:00 next day, before the window.
    let sent = vec![zoned("2026-11-02T19:00")];
    let (at, deferrals) = release_time(
        &zoned("2026-11-02T19:30"),
        Some(DAY_WINDOW),
        Some(cap),
        &sent,
    )
    .unwrap();
    assert_eq!(local(&at.unwrap()), "2026-11-03T09:00");
    let reasons: Vec<_> = deferrals.iter().map(|(r, z)| (*r, local(z))).collect();
    assert_eq!(
        reasons,
        vec![
            (DeferReason::Cap, "2026-11-03T07:00".to_string()),
            (DeferReason::Window, "2026-11-03T09:00".to_string()),
        ]
    );
}

#[test]
fn cap_of_a_day_counts_calendar_days_across_dst() {
    let cap = Cap {
        count: 1,
        per: Duration::new(1, 0),
    };
    let sent = vec![zoned("2026-03-28T10:00")];
    let until = cap
        .defer(&zoned("2026-03-28T11:00"), &sent)
        .unwrap()
        .unwrap();
    assert_eq!(local(&until), "2026-03-29T10:00");
}

#[test]
fn no_policies_means_no_deferral() {
    let at = zoned("2026-11-02T03:00");
    let (when, deferrals) = release_time(&at, None, None, &[]).unwrap();
    assert_eq!(when.unwrap(), at);
    assert!(deferrals.is_empty());
}
