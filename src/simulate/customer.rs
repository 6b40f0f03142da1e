//! One simulated customer: attributes, time zone, locale and the history
//! of events they performed.

use super::value::Val;
use crate::check::model::{Model, PersonaDef};
use crate::plan::format::{CustomerFacts, Plan};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use std::collections::BTreeMap;
use std::sync::Arc;

/// An event the customer performed.
#[derive(Clone, Debug, PartialEq)]
pub struct PastEvent {
    /// Shared with the input it came from and with the copies of the
    /// customer in each campaign of a run: a copy of a history is a copy
    /// of pointers.
    pub name: Arc<str>,
    pub at: Timestamp,
    /// A [`Val::Record`] of the event's properties (shared, like `name`).
    pub props: Arc<Val>,
}

/// A customer's events in time order: a prefix of a shared list.
///
/// The copies of one customer in the campaigns of a run share one list,
/// and so does a replay that knows the customer's whole history in
/// advance (`campaignc forecast`): recording the event that comes next in
/// the list only lengthens the prefix. Recording any other event copies
/// the prefix first (copy on write).
#[derive(Clone, Debug, Default)]
pub struct History {
    all: Arc<Vec<PastEvent>>,
    len: usize,
}

impl History {
    /// A history of the first `len` events of `all` (in time order), whose
    /// later events are shared when they are recorded, in order.
    pub fn with_next(all: Vec<PastEvent>, len: usize) -> History {
        let len = len.min(all.len());
        History {
            all: Arc::new(all),
            len,
        }
    }

    /// Records an event, keeping the history in time order (stable for
    /// events at the same instant).
    fn record(&mut self, event: PastEvent) {
        let pos = self.partition_point(|e| e.at <= event.at);
        if pos == self.len {
            if let Some(next) = self.all.get(pos) {
                let same = next.at == event.at
                    && Arc::ptr_eq(&next.name, &event.name)
                    && Arc::ptr_eq(&next.props, &event.props);
                if same {
                    self.len += 1;
                    return;
                }
            }
        }
        match Arc::get_mut(&mut self.all) {
            Some(own) => own.truncate(self.len),
            None => self.all = Arc::new(self.all[..self.len].to_vec()),
        }
        let own = Arc::make_mut(&mut self.all);
        own.insert(pos, event);
        self.len = own.len();
    }
}

impl std::ops::Deref for History {
    type Target = [PastEvent];

    fn deref(&self) -> &[PastEvent] {
        &self.all[..self.len]
    }
}

impl PartialEq for History {
    fn eq(&self, other: &History) -> bool {
        **self == **other
    }
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
    /// Shared between the copies of one customer (a run of several
    /// campaigns copies the customer for each); a `set` copies them first.
    pub attrs: Arc<BTreeMap<String, Val>>,
    /// In time order.
    pub events: History,
    /// The attribute holding the locale (the plan's `customer.locale`).
    locale_attr: Option<String>,
    /// The attribute holding the time zone.
    zone_attr: Option<String>,
}

impl Customer {
    /// A customer whose time zone and locale come from the attributes the
    /// plan names in `facts` when set and valid, else from its defaults.
    /// An unknown time-zone name falls back to the default zone; the
    /// checker validates persona values, so this only happens with
    /// hand-written events files.
    pub fn new(
        id: impl Into<String>,
        attrs: impl Into<Arc<BTreeMap<String, Val>>>,
        facts: &CustomerFacts,
    ) -> Customer {
        let attrs = attrs.into();
        let mut customer = Customer {
            id: id.into(),
            time_zone: TimeZone::get(&facts.timezone.default).unwrap_or(TimeZone::UTC),
            locale: facts.locale.default.clone(),
            attrs: Arc::default(),
            events: History::default(),
            locale_attr: facts.locale.attribute.clone(),
            zone_attr: facts.timezone.attribute.clone(),
        };
        // What `set_attr` does for each, without copying the names again.
        for name in [&facts.locale.attribute, &facts.timezone.attribute]
            .into_iter()
            .flatten()
        {
            if let Some(value) = attrs.get(name) {
                let value = value.clone();
                customer.set_attr(name, value);
            }
        }
        customer.attrs = attrs;
        customer
    }

    /// The customer a persona plays in `plan`: its id is the persona's
    /// name (so holdout and split buckets are the same in `simulate` and
    /// in `test` blocks), its attributes the persona's values.
    pub fn of_persona(model: &Model, persona: &PersonaDef, plan: &Plan) -> Customer {
        let attrs = persona
            .attrs
            .iter()
            .map(|(id, v)| (model.attr(*id).name.clone(), Val::from(v)))
            .collect::<BTreeMap<_, _>>();
        Customer::new(persona.name.clone(), attrs, &plan.customer)
    }

    pub fn attr(&self, name: &str) -> &Val {
        self.attrs.get(name).unwrap_or(&Val::Unset)
    }

    /// Sets an attribute; the locale and time-zone attributes also update the fields
    /// the simulator reads them from.
    pub fn set_attr(&mut self, name: &str, value: Val) {
        if self.locale_attr.as_deref() == Some(name) {
            if let Some(l) = value.as_text() {
                self.locale = l.to_string();
            }
        }
        if self.zone_attr.as_deref() == Some(name) {
            if let Some(tz) = value.as_text().and_then(|z| TimeZone::get(z).ok()) {
                self.time_zone = tz;
            }
        }
        Arc::make_mut(&mut self.attrs).insert(name.to_string(), value);
    }

    /// Records an event, keeping the history in time order (stable for
    /// events at the same instant).
    pub fn record_event(&mut self, event: PastEvent) {
        self.events.record(event);
    }

    /// An instant in the customer's time zone.
    pub fn zoned(&self, at: Timestamp) -> Zoned {
        at.to_zoned(self.time_zone.clone())
    }
}
