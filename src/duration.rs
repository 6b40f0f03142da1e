//! The one duration type and its one printer, shared by every stage.
//!
//! A duration is kept as the language writes it: calendar days (weeks
//! count as 7 days) apart from clock time, because the two differ across a
//! daylight-saving change: `wait 1d` lands at the same local time the next
//! day, `wait 24h` lands 24 hours later. The checked model, the plan
//! format, the simulator's clock and the diff all use [`Duration`]; the
//! parser's `syntax::ast::DurationLit` is the same pair plus the span of
//! the literal.
//!
//! The canonical text ([`Duration`]'s `Display`) is the one every output
//! uses: node ids (`wait.1d12h`), diff text, diagnostics, timelines and
//! template data. Units go largest first, each at most once: `d`, `h`,
//! `m`, then `s` for leftover seconds (only computed offsets have them;
//! source cannot write seconds). Weeks are written as days (`1w` is `7d`).
//! A negative duration has one leading `-` (`-1d12h`). Zero is `0d`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A duration: calendar days (in the customer's time zone, so `1d` keeps
/// the local clock time across DST changes) plus exact elapsed seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub struct Duration {
    pub days: i64,
    pub seconds: i64,
}

impl Duration {
    pub const fn new(days: i64, seconds: i64) -> Duration {
        Duration { days, seconds }
    }

    /// The nominal length in seconds, counting a day as 24 hours. For
    /// ordering and limits only; clock arithmetic must use days and seconds.
    pub fn nominal_seconds(&self) -> i64 {
        self.days * 86_400 + self.seconds
    }

    /// The same duration pointing the other way.
    pub fn negated(self) -> Duration {
        Duration {
            days: -self.days,
            seconds: -self.seconds,
        }
    }
}

/// The canonical text (see the module docs): `1d12h`, `30m`, `-2d`, `0d`.
impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.days < 0 || self.seconds < 0 {
            f.write_str("-")?;
        }
        let days = self.days.unsigned_abs();
        let mut seconds = self.seconds.unsigned_abs();
        if days == 0 && seconds == 0 {
            return f.write_str("0d");
        }
        if days > 0 {
            write!(f, "{days}d")?;
        }
        for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] {
            if seconds >= size {
                write!(f, "{}{unit}", seconds / size)?;
                seconds %= size;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Duration;

    fn text(days: i64, seconds: i64) -> String {
        Duration::new(days, seconds).to_string()
    }

    #[test]
    fn zero_is_zero_days() {
        assert_eq!(text(0, 0), "0d");
    }

    #[test]
    fn leftover_seconds_are_printed() {
        assert_eq!(text(0, 45), "45s");
        assert_eq!(text(0, 3600 + 5), "1h5s");
        assert_eq!(text(1, 61), "1d1m1s");
    }

    #[test]
    fn mixed_units_go_largest_first() {
        assert_eq!(text(1, 12 * 3600), "1d12h");
        assert_eq!(text(0, 90 * 60), "1h30m");
        assert_eq!(text(2, 3600 + 30 * 60), "2d1h30m");
        assert_eq!(text(0, 30 * 60), "30m");
    }

    #[test]
    fn weeks_are_written_as_days() {
        assert_eq!(text(7, 0), "7d");
        assert_eq!(text(14, 0), "14d");
    }

    #[test]
    fn a_negative_duration_has_one_sign() {
        assert_eq!(text(-1, 0), "-1d");
        assert_eq!(text(-1, -12 * 3600), "-1d12h");
        assert_eq!(text(0, -30 * 60), "-30m");
    }
}
