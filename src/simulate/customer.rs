//! One simulated customer: attributes, time zone, locale and the history
//! of events they performed.

use super::value::Val;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use std::collections::BTreeMap;

/// An event the customer performed.
#[derive(Clone, Debug, PartialEq)]
pub struct PastEvent {
    pub name: String,
    pub at: Timestamp,
    /// A [`Val::Record`] of the event's properties.
    pub props: Val,
}

/// The state of one customer during a simulation.
#[derive(Clone, Debug)]
pub struct Customer {
    /// The id hashed for holdout and split assignment (in tests: the
    /// persona's name).
    pub id: String,
    pub time_zone: TimeZone,
    /// The `locale` attribute, or the project default.
    pub locale: String,
    pub attrs: BTreeMap<String, Val>,
    /// In time order.
    pub events: Vec<PastEvent>,
}

impl Customer {
    /// A customer whose time zone and locale come from their `timezone` /
    /// `locale` attributes when set and valid, else from the defaults.
    /// An unknown time-zone name falls back to the default zone; the
    /// checker validates persona values, so this only happens with
    /// hand-written events files.
    pub fn new(
        id: impl Into<String>,
        attrs: BTreeMap<String, Val>,
        default_locale: &str,
        default_zone: &str,
    ) -> Customer {
        let zone_name = attrs
            .get("timezone")
            .and_then(Val::as_text)
            .unwrap_or(default_zone);
        let time_zone = TimeZone::get(zone_name)
            .or_else(|_| TimeZone::get(default_zone))
            .unwrap_or(TimeZone::UTC);
        let locale = attrs
            .get("locale")
            .and_then(Val::as_text)
            .unwrap_or(default_locale)
            .to_string();
        Customer {
            id: id.into(),
            time_zone,
            locale,
            attrs,
            events: Vec::new(),
        }
    }

    pub fn attr(&self, name: &str) -> &Val {
        self.attrs.get(name).unwrap_or(&Val::Unset)
    }

    /// Sets an attribute; `locale` and `timezone` also update the fields
    /// the simulator reads them from.
    pub fn set_attr(&mut self, name: &str, value: Val) {
        if name == "locale" {
            if let Some(l) = value.as_text() {
                self.locale = l.to_string();
            }
        }
        if name == "timezone" {
            if let Some(tz) = value.as_text().and_then(|z| TimeZone::get(z).ok()) {
                self.time_zone = tz;
            }
        }
        self.attrs.insert(name.to_string(), value);
    }

    /// Records an event, keeping the history in time order (stable for
    /// events at the same instant).
    pub fn record_event(&mut self, event: PastEvent) {
        let pos = self.events.partition_point(|e| e.at <= event.at);
        self.events.insert(pos, event);
    }

    /// An instant in the customer's time zone.
    pub fn zoned(&self, at: Timestamp) -> Zoned {
        at.to_zoned(self.time_zone.clone())
    }
}
