//! Sending policies: the send window, the frequency cap and the
//! project-wide message pressure.
//!
//! Window and cap only ever *defer* a send, never drop it. The flow waits for a
//! deferred send: the steps after it run after it went out.
//!
//! - Window `09:00-20:00` is half-open in customer local time: 09:00 is
//!   inside, 20:00 is outside. A window may wrap midnight (`20:00-08:00`
//!   is inside from 20:00 to 07:59). A send outside the window is deferred
//!   to the window's next opening (the same day when before it, else the
//!   next day).
//! - Pressure `N per D` (project-wide, marketing sends of all campaigns):
//!   a send that would be the (N+1)th within the trailing D is *skipped*,
//!   not deferred; see [`Pressure`].
//! - Cap `N per D`: a send that would be the (N+1)th from the campaign
//!   within the trailing window D is deferred until the oldest of the last
//!   N sends is exactly D old (a send made at `t` counts while
//!   `t + D > now`), then the window applies again.

use super::clock::{self, ClockResult, Duration};
use jiff::Zoned;

/// `send_window OPEN-CLOSE`, minutes after local midnight. Equal ends are
/// rejected by the checker; here they mean "always open".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendWindow {
    pub open: u32,
    pub close: u32,
}

impl SendWindow {
    /// Whether a local minute of the day is inside the window.
    pub fn contains_minute(&self, minute: u32) -> bool {
        if self.open == self.close {
            true
        } else if self.open < self.close {
            self.open <= minute && minute < self.close
        } else {
            minute >= self.open || minute < self.close
        }
    }

    /// `None` when `at` is inside the window, else the next opening.
    pub fn defer(&self, at: &Zoned) -> ClockResult<Option<Zoned>> {
        if self.contains_minute(clock::minute_of_day(at)) {
            return Ok(None);
        }
        clock::next_local_time(at, self.open, None).map(Some)
    }
}

/// `cap COUNT per PER`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cap {
    pub count: u32,
    pub per: Duration,
}

impl Cap {
    /// `None` when one more send at `at` stays within the cap, else the
    /// instant the oldest of the last `count` sends leaves the window.
    /// `sent` holds the campaign's earlier sends to this customer in time
    /// order.
    pub fn defer(&self, at: &Zoned, sent: &[Zoned]) -> ClockResult<Option<Zoned>> {
        if self.count == 0 {
            // Nothing may ever be sent; the checker warns. Never release.
            return Ok(None);
        }
        let mut in_window = Vec::new();
        for s in sent {
            if clock::add_instant(s, self.per)? > at.timestamp() {
                in_window.push(s);
            }
        }
        if in_window.len() < self.count as usize {
            return Ok(None);
        }
        // The last `count` sends in the window; the oldest of them.
        let oldest = in_window[in_window.len() - self.count as usize];
        clock::add(oldest, self.per).map(Some)
    }
}

/// The project's `pressure COUNT per PER`: marketing sends to one customer
/// from all campaigns together. Unlike the cap it never defers: a send over
/// the limit is skipped (docs/simulate.md says why).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pressure {
    pub count: u32,
    pub per: Duration,
}

impl Pressure {
    /// Whether one more marketing send at `at` stays within the limit.
    /// `sent` holds the instants of the customer's earlier marketing sends
    /// from every campaign; one made at `t` counts while `t + per > at`,
    /// as for the cap.
    pub fn allows(&self, at: &Zoned, sent: &[Zoned]) -> ClockResult<bool> {
        let mut in_window = 0usize;
        for s in sent {
            if clock::add_instant(s, self.per)? > at.timestamp() {
                in_window += 1;
            }
        }
        Ok(in_window < self.count as usize)
    }
}

/// Why a send was deferred.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeferReason {
    /// Outside `send_window`.
    Window,
    /// `cap` reached.
    Cap,
}

impl DeferReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeferReason::Window => "outside the send window",
            DeferReason::Cap => "frequency cap reached",
        }
    }
}

/// The instant a send may go out (`None`: never), and each deferral on
/// the way there (reason, until).
pub type Release = (Option<Zoned>, Vec<(DeferReason, Zoned)>);

/// Applies window and cap until both allow the send. Returns the instant
/// the send goes out and each deferral made on the way (reason, until).
/// A cap of 0 never releases: returns `None` for the instant.
pub fn release_time(
    at: &Zoned,
    window: Option<SendWindow>,
    cap: Option<Cap>,
    sent: &[Zoned],
) -> ClockResult<Release> {
    let mut now = at.clone();
    let mut deferrals = Vec::new();
    if cap.is_some_and(|c| c.count == 0) {
        return Ok((None, deferrals));
    }
    // Each round moves strictly forward; the cap's sends are finite, so a
    // few rounds settle it. The bound keeps the loop total.
    for _ in 0..64 {
        let mut moved = false;
        if let Some(c) = cap {
            if let Some(until) = c.defer(&now, sent)? {
                deferrals.push((DeferReason::Cap, until.clone()));
                now = until;
                moved = true;
            }
        }
        if let Some(w) = window {
            if let Some(until) = w.defer(&now)? {
                deferrals.push((DeferReason::Window, until.clone()));
                now = until;
                moved = true;
            }
        }
        if !moved {
            return Ok((Some(now), deferrals));
        }
    }
    Ok((Some(now), deferrals))
}
