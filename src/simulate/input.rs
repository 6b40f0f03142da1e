//! Reading what a customer does from an events file (JSON Lines), for
//! `campaignc simulate --events FILE.jsonl`. docs/simulate.md is the
//! reference; in short, one object per line:
//!
//! ```text
//! {"at": "0d", "event": "signed_up", "properties": {"source": "ads"}}
//! {"at": "1d2h", "event": "project_created", "properties": {"name": "Demo"}}
//! {"at": "2026-01-07T09:00:00+07:00", "set": {"plan": "pro"}}
//! ```
//!
//! `at` is an offset from the start (`1d2h`, calendar days in the
//! customer's zone, like test offsets), a local date-time in the customer's
//! zone (`2026-01-07T09:00`), or an instant with an offset or `Z`. Values
//! are converted by the schema's types, so a typo in a property or an enum
//! variant is an error with its line number rather than a silent unset.

use super::clock::{self, Duration};
use super::journey::{Input, InputKind};
use super::value::{Num, Val};
use crate::check::model::{FieldDef, Model, Type};
use crate::check::resolve;
use jiff::Zoned;
use serde::de::Deserialize as _;
use serde_json::Value as Json;

/// A problem in an events file, with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The longest line an events file may have, in bytes (newline excluded).
/// One event is a small JSON object; the cap keeps a runaway file (or
/// `/dev/zero`) from being buffered without bound.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// Parses an events file. Blank lines and lines starting with `//` or `#`
/// are skipped.
pub fn parse_events(text: &str, model: &Model, start: &Zoned) -> Result<Vec<Input>, InputError> {
    parse_lines(
        text.lines().map(|l| Ok(std::borrow::Cow::Borrowed(l))),
        model,
        start,
    )
}

/// Reads and parses an events file line by line, never holding more than
/// [`MAX_LINE_BYTES`] of one line: a longer line, a line that is not
/// UTF-8 or a read error is an error naming the line.
pub fn read_events(
    reader: impl std::io::BufRead,
    model: &Model,
    start: &Zoned,
) -> Result<Vec<Input>, InputError> {
    parse_lines(CappedLines::new(reader), model, start)
}

/// The lines of a reader, each at most [`MAX_LINE_BYTES`] long (also
/// the population files' reader, `crate::population::read`).
pub struct CappedLines<R> {
    reader: R,
    line: usize,
    done: bool,
}

impl<R: std::io::BufRead> CappedLines<R> {
    pub fn new(reader: R) -> Self {
        CappedLines {
            reader,
            line: 0,
            done: false,
        }
    }
}

/// Appends the next line of `reader` to `buf`, without its line break;
/// `Ok(false)` at the end. A read error or a line longer than
/// [`MAX_LINE_BYTES`] is an error (and `buf` is left as it was). The text
/// is not checked to be UTF-8.
pub fn read_capped_line(
    reader: &mut impl std::io::BufRead,
    buf: &mut Vec<u8>,
) -> Result<bool, String> {
    let start = buf.len();
    // One byte over the cap (plus the newline) tells a line that is too
    // long from one that is exactly at the cap.
    let limit = MAX_LINE_BYTES + 2;
    let mut read_any = false;
    // `read_until` on `take(limit)`, with a vectorised search for the line
    // break (a population file is gigabytes of short lines).
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(start);
                return Err(format!("cannot read the line: {e}"));
            }
        };
        if available.is_empty() {
            break;
        }
        read_any = true;
        let room = limit - (buf.len() - start);
        let window = &available[..available.len().min(room)];
        let (taken, done) = match memchr::memchr(b'\n', window) {
            Some(at) => (at + 1, true),
            None => (window.len(), window.len() == room),
        };
        buf.extend_from_slice(&window[..taken]);
        reader.consume(taken);
        if done {
            break;
        }
    }
    if !read_any {
        return Ok(false);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    if buf.len() - start > MAX_LINE_BYTES {
        buf.truncate(start);
        return Err(format!(
            "the line is longer than {} MiB; each line holds one event object",
            MAX_LINE_BYTES / (1024 * 1024)
        ));
    }
    Ok(true)
}

impl<R: std::io::BufRead> Iterator for CappedLines<R> {
    type Item = Result<std::borrow::Cow<'static, str>, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.line += 1;
        let line = self.line;
        let mut fail = |message: String| {
            self.done = true;
            Some(Err(InputError { line, message }))
        };
        let mut buf = Vec::new();
        match read_capped_line(&mut self.reader, &mut buf) {
            Err(message) => return fail(message),
            Ok(false) => {
                self.done = true;
                return None;
            }
            Ok(true) => {}
        }
        match String::from_utf8(buf) {
            Ok(text) => Some(Ok(std::borrow::Cow::Owned(text))),
            Err(_) => fail("the line is not UTF-8 text".into()),
        }
    }
}

fn parse_lines<'l>(
    lines: impl Iterator<Item = Result<std::borrow::Cow<'l, str>, InputError>>,
    model: &Model,
    start: &Zoned,
) -> Result<Vec<Input>, InputError> {
    let mut inputs = Vec::new();
    for (i, line) in lines.enumerate() {
        let line = line?;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("//") || trimmed.starts_with('#') {
            continue;
        }
        let err = |message: String| InputError {
            line: i + 1,
            message,
        };
        let json: Json =
            serde_json::from_str(trimmed).map_err(|e| err(format!("not JSON: {e}")))?;
        let Json::Object(obj) = json else {
            return Err(err("each line must be a JSON object".into()));
        };
        check_keys(&obj).map_err(err)?;
        let at_text = match obj.get("at") {
            None => {
                return Err(err(
                    "missing \"at\" (an offset like \"1d2h\" or a date-time)".into(),
                ))
            }
            Some(Json::String(at)) => at,
            Some(other) => {
                return Err(err(format!(
                    "\"at\" must be a string, an offset like \"1d2h\" or a date-time like \"2026-01-07T09:00\", found {other}"
                )))
            }
        };
        let at = parse_at(at_text, start).map_err(err)?;
        match (obj.get("event"), obj.get("set")) {
            (Some(name), None) => {
                let name = name
                    .as_str()
                    .ok_or_else(|| err("\"event\" must be a string".into()))?;
                let Some(def) = model.schema.events.iter().find(|e| e.name == name) else {
                    let names = model.schema.events.iter().map(|e| e.name.as_str());
                    return Err(err(format!("unknown event `{name}`{}", suggest(name, names))));
                };
                let empty = serde_json::Map::new();
                let props = match obj.get("properties") {
                    None | Some(Json::Null) => &empty,
                    Some(Json::Object(m)) => m,
                    Some(_) => return Err(err("\"properties\" must be an object".into())),
                };
                let props = record(model, &def.fields, props, &format!("event `{name}`"))
                    .map_err(err)?;
                inputs.push(Input {
                    at,
                    kind: InputKind::Event {
                        name: name.into(),
                        props: props.into(),
                    },
                });
            }
            (None, Some(Json::Object(attrs))) => {
                for (name, value) in attrs {
                    let Some(def) = model.schema.attrs.iter().find(|a| &a.name == name) else {
                        let names = model.schema.attrs.iter().map(|a| a.name.as_str());
                        return Err(err(format!(
                            "unknown attribute `{name}`{}",
                            suggest(name, names)
                        )));
                    };
                    let value = convert(model, &def.ty, value)
                        .map_err(|m| err(format!("attribute `{name}`: {m}")))?;
                    inputs.push(Input {
                        at,
                        kind: InputKind::Set {
                            attr: name.clone(),
                            value,
                        },
                    });
                }
            }
            _ => {
                return Err(err(
                    "each line needs either \"event\" (with \"properties\") or \"set\" (an object of attributes)"
                        .into(),
                ))
            }
        }
    }
    Ok(inputs)
}

/// The keys a line may have: `at` and either `event` (with `properties`)
/// or `set`. A misspelt key would otherwise be ignored silently.
fn check_keys(obj: &serde_json::Map<String, Json>) -> Result<(), String> {
    const KEYS: [&str; 4] = ["at", "event", "properties", "set"];
    for key in obj.keys() {
        if !KEYS.contains(&key.as_str()) {
            return Err(format!(
                "unknown key \"{key}\"{}; a line has \"at\" and either \"event\" (with \"properties\") or \"set\"",
                suggest(key, KEYS.into_iter())
            ));
        }
    }
    if obj.contains_key("properties") && !obj.contains_key("event") {
        return Err("\"properties\" belongs to an \"event\" line".into());
    }
    Ok(())
}

/// An RFC 3339 instant, as jiff reads it (`2026-11-02T03:00:00Z`,
/// `2026-11-02T10:00:00+07:00`, fractions of a second); `None` for
/// anything else. The form exporters write, `YYYY-MM-DDTHH:MM:SSZ`, is
/// read field by field and checked by jiff's own calendar (the general
/// parser then takes what that leaves out): a population file holds one
/// per event.
pub fn parse_instant(text: &str) -> Option<jiff::Timestamp> {
    exporters_instant(text.as_bytes()).or_else(|| text.parse().ok())
}

/// `YYYY-MM-DDTHH:MM:SSZ` by its fields; `None` for any other text (and
/// for what jiff refuses in that form: a day the month does not have, an
/// hour past 23, a second past 59, an instant outside jiff's range).
///
/// Read digit by digit and counted in days from 1970 with the proleptic
/// Gregorian calendar, as jiff counts them, without making a civil
/// date-time first (a fifth fewer instructions than making one).
fn exporters_instant(b: &[u8]) -> Option<jiff::Timestamp> {
    let shape = b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z';
    if !shape {
        return None;
    }
    // Each digit's value; a byte that is no digit gives 10 or more, and
    // one test refuses them all.
    let d = |i: usize| i64::from(b[i].wrapping_sub(b'0'));
    let digits = [d(0), d(1), d(2), d(3), d(5), d(6), d(8), d(9)];
    let clock = [d(11), d(12), d(14), d(15), d(17), d(18)];
    if digits.iter().chain(&clock).any(|&n| n > 9) {
        return None;
    }
    let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
    let (month, day) = (digits[4] * 10 + digits[5], digits[6] * 10 + digits[7]);
    let (hour, minute, second) = (
        clock[0] * 10 + clock[1],
        clock[2] * 10 + clock[3],
        clock[4] * 10 + clock[5],
    );
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=month_days).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second;
    jiff::Timestamp::from_second(seconds).ok()
}

/// Days from 1970-01-01 to the proleptic Gregorian `year-month-day` (a
/// valid date), by eras of 400 years (Howard Hinnant's `days_from_civil`).
#[inline]
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    // Years that start in March, so that the leap day ends the year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `1d2h` (offset from `start`), `2026-01-07T09:00` (local) or an RFC 3339
/// instant.
pub fn parse_at(text: &str, start: &Zoned) -> Result<jiff::Timestamp, String> {
    if let Some(d) = parse_duration(text) {
        return clock::add(start, d)
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    if let Some(ts) = parse_instant(text) {
        return Ok(ts);
    }
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(start.time_zone().clone())
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    Err(format!(
        "\"at\": `{text}` is neither an offset like 1d2h nor a date-time like 2026-01-07T09:00 or 2026-01-07T09:00:00+07:00"
    ))
}

/// The language's duration notation: `30m`, `12h`, `2d`, `1w`, `1d12h`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut days = 0i64;
    let mut seconds = 0i64;
    let mut digits = String::new();
    let mut any = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        match c {
            'w' => days = days.checked_add(n.checked_mul(7)?)?,
            'd' => days = days.checked_add(n)?,
            'h' => seconds = seconds.checked_add(n.checked_mul(3600)?)?,
            'm' => seconds = seconds.checked_add(n.checked_mul(60)?)?,
            's' => seconds = seconds.checked_add(n)?,
            _ => return None,
        }
        any = true;
    }
    (any && digits.is_empty()).then_some(Duration::new(days, seconds))
}

/// The properties of an event or the fields of a record (`owner` names it:
/// "event `signed_up`"), checked like a payload in a `.camp` file: unknown
/// and missing required properties are errors.
pub fn record(
    model: &Model,
    fields: &[FieldDef],
    json: &serde_json::Map<String, Json>,
    owner: &str,
) -> Result<Val, String> {
    record_entries(
        model,
        fields,
        json.iter().map(|(k, v)| (k.as_str(), v)),
        &|| owner.to_string(),
    )
}

/// [`record`] over the object's entries in order (a key written twice
/// counts once, with its last value, as in a JSON object), naming the
/// owner only for an error: the population readers' path, which reads
/// millions of events without building a map for each.
pub fn record_entries<'j, I>(
    model: &Model,
    fields: &[FieldDef],
    entries: I,
    owner: &dyn Fn() -> String,
) -> Result<Val, String>
where
    I: Iterator<Item = (&'j str, &'j Json)> + Clone,
{
    let get = |name: &str| {
        entries
            .clone()
            .filter(|(k, _)| *k == name)
            .last()
            .map(|(_, v)| v)
    };
    for (key, _) in entries.clone() {
        if !fields.iter().any(|f| f.name == key) {
            let names = fields.iter().map(|f| f.name.as_str());
            return Err(format!(
                "unknown property `{key}`{} of {}",
                suggest(key, names),
                owner()
            ));
        }
    }
    let missing: Vec<String> = fields
        .iter()
        .filter(|f| !f.ty.is_optional() && f.ty != Type::Error)
        .filter(|f| matches!(get(&f.name), None | Some(Json::Null)))
        .map(|f| format!("`{}`", f.name))
        .collect();
    if !missing.is_empty() {
        let noun = if missing.len() == 1 {
            "property"
        } else {
            "properties"
        };
        return Err(format!(
            "{} lacks the required {noun} {}",
            owner(),
            missing.join(", ")
        ));
    }
    let mut out = Vec::new();
    for f in fields {
        match get(&f.name) {
            None | Some(Json::Null) => {}
            Some(v) => {
                let v = convert(model, &f.ty, v)
                    .map_err(|m| format!("property `{}` of {}: {m}", f.name, owner()))?;
                out.push((f.name.clone(), v));
            }
        }
    }
    Ok(Val::Record(out))
}

/// The fields of an event's properties or of a record, read straight from
/// JSON into a [`Val::Record`] with no [`Json`] tree in between: what
/// [`record_entries`] makes of the same object, for the population
/// readers' millions of lines. It only succeeds: anything [`record_entries`]
/// would refuse, and anything it does not take on (a key with an escape
/// in it, a key written twice, a record of over 128 fields), is a plain
/// error here, and the caller then reads the line the slow way, whose
/// messages say what is wrong.
pub struct FieldsSeed<'m> {
    pub model: &'m Model,
    pub fields: &'m [FieldDef],
    /// The fields built into the record; the others are read and checked
    /// alike, but left out.
    pub keep: Keep<'m>,
}

/// Which fields of a record [`FieldsSeed`] builds. A field left out is
/// still checked against its type (a line is accepted or refused alike),
/// but no value is made of it: `campaignc forecast` leaves out the
/// properties no campaign reads.
#[derive(Clone, Copy, Debug)]
pub enum Keep<'k> {
    All,
    None,
    /// By field, in declaration order.
    Only(&'k [bool]),
}

impl Keep<'_> {
    pub(super) fn field(self, i: usize) -> bool {
        match self {
            Keep::All => true,
            Keep::None => false,
            Keep::Only(flags) => flags.get(i).copied().unwrap_or(true),
        }
    }
}

/// One value of type `ty` ([`convert`] without the [`Json`] tree; a
/// failure is an error without a message, as for [`FieldsSeed`]). With
/// `build` false the value is checked alike but not made: what it returns
/// then is not the value and is only for dropping.
pub struct TypeSeed<'m> {
    pub model: &'m Model,
    pub ty: &'m Type,
    pub build: bool,
}

/// The error of a line the fast path does not take.
pub fn refused<E: serde::de::Error>() -> E {
    E::custom("not on the fast path")
}

impl<'de, 'm> serde::de::DeserializeSeed<'de> for FieldsSeed<'m> {
    type Value = Val;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'm> serde::de::Visitor<'de> for FieldsSeed<'m> {
    type Value = Val;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Val, A::Error> {
        let fields = self.fields;
        if fields.len() > 128 {
            return Err(refused());
        }
        // By field: whether its key was met, and whether with a value
        // (null: none), as `record_entries` reads them.
        let (mut seen, mut set) = (0u128, 0u128);
        let mut out: Vec<(String, Val)> = Vec::new();
        let mut in_order = true;
        let mut last = 0;
        while let Some(key) = map.next_key::<&'de str>()? {
            let i = fields
                .iter()
                .position(|f| super::fields_scan::same_name(&f.name, key))
                .ok_or_else(refused)?;
            if seen & (1 << i) != 0 {
                return Err(refused());
            }
            seen |= 1 << i;
            let build = self.keep.field(i);
            let value = map.next_value_seed(OrNull(TypeSeed {
                model: self.model,
                ty: fields[i].ty.strip_optional(),
                build,
            }))?;
            if let Some(value) = value {
                set |= 1 << i;
                if build {
                    in_order &= out.is_empty() || i > last;
                    last = i;
                    out.push((fields[i].name.clone(), value));
                }
            }
        }
        finish_record(fields, set, out, in_order).ok_or_else(refused)
    }
}

/// The record of the fields read (`set`: by field, whether it has a
/// value; `out`: the values built, `in_order` when in declaration
/// order), or `None` when a field that is not optional has no value.
pub(super) fn finish_record(
    fields: &[FieldDef],
    set: u128,
    mut out: Vec<(String, Val)>,
    in_order: bool,
) -> Option<Val> {
    let required = |(_, f): &(usize, &FieldDef)| !f.ty.is_optional() && f.ty != Type::Error;
    if fields
        .iter()
        .enumerate()
        .filter(required)
        .any(|(i, _)| set & (1 << i) == 0)
    {
        return None;
    }
    if !in_order {
        out.sort_by_key(|(name, _)| fields.iter().position(|f| f.name == *name));
    }
    Some(Val::Record(out))
}

/// A value that may be `null` (`None`), else what the seed reads.
pub struct OrNull<S>(pub S);

impl<'de, S: serde::de::DeserializeSeed<'de>> serde::de::DeserializeSeed<'de> for OrNull<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: serde::de::DeserializeSeed<'de>> serde::de::Visitor<'de> for OrNull<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

impl<'de, 'm> serde::de::DeserializeSeed<'de> for TypeSeed<'m> {
    type Value = Val;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
        match self.ty {
            Type::Record(id) => FieldsSeed {
                model: self.model,
                fields: &self.model.record(*id).fields,
                keep: if self.build { Keep::All } else { Keep::None },
            }
            .deserialize(d),
            Type::Error => {
                serde::de::IgnoredAny::deserialize(d)?;
                Ok(Val::Unset)
            }
            _ => d.deserialize_any(self),
        }
    }
}

impl<'m> TypeSeed<'m> {
    /// A scalar through [`convert`] itself, so that both read it alike.
    fn scalar<E: serde::de::Error>(&self, json: Json) -> Result<Val, E> {
        convert(self.model, self.ty, &json).map_err(|_| refused())
    }

    /// A decimal or a money amount in the type's currency, as [`convert`]
    /// reads `amount` from JSON (unset when it is not built).
    fn number<E: serde::de::Error>(&self, amount: Num) -> Result<Val, E> {
        match self.ty {
            Type::Decimal | Type::Money(_) if !self.build => Ok(Val::Unset),
            Type::Decimal => Ok(Val::Decimal(amount)),
            Type::Money(currency) => Ok(Val::Money {
                amount,
                currency: currency.clone(),
            }),
            _ => Err(refused()),
        }
    }
}

impl<'de, 'm> serde::de::Visitor<'de> for TypeSeed<'m> {
    type Value = Val;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value of the schema's type")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Val, E> {
        self.scalar(Json::Bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Val, E> {
        match self.ty {
            Type::Int => Ok(Val::Int(v)),
            Type::Decimal | Type::Money(_) => self.number(Num::int(v)),
            _ => self.scalar(Json::from(v)),
        }
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Val, E> {
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            Err(_) => self.scalar(Json::from(v)),
        }
    }
    /// The shortest digits that read back as `v`, as serde_json writes
    /// them (so `1e21` is refused here as [`convert`] refuses it).
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Val, E> {
        if !matches!(self.ty, Type::Decimal | Type::Money(_)) {
            let number = serde_json::Number::from_f64(v).ok_or_else(refused)?;
            return self.scalar(Json::Number(number));
        }
        // A number that is not built need only be one `convert` takes.
        if !self.build && written_without_exponent(v) {
            return Ok(Val::Unset);
        }
        let mut digits = zmij::Buffer::new();
        let digits = float_digits(&mut digits, v).ok_or_else(refused)?;
        self.number(super::eval::parse_num(digits).ok_or_else(refused)?)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Val, E> {
        match from_text(self.ty.strip_optional(), v, self.build) {
            Some(read) => read.map_err(|()| refused()),
            None => self.visit_string(v.to_string()),
        }
    }
    /// Text types by [`text_rules`] as [`convert`] reads them, without
    /// copying the text again.
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Val, E> {
        let ty = self.ty.strip_optional();
        if resolve::types::is_text(ty) {
            text_rules(ty, &v, &"").map_err(|_| refused())?;
            return Ok(Val::Str(v));
        }
        self.scalar(Json::String(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Val, E> {
        self.scalar(Json::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Val, A::Error> {
        let Type::List(item) = self.ty else {
            return Err(refused());
        };
        let seed = || {
            ItemSeed(TypeSeed {
                model: self.model,
                ty: item,
                build: self.build,
            })
        };
        if !self.build {
            while seq.next_element_seed(seed())?.is_some() {}
            return Ok(Val::Unset);
        }
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(seed())? {
            out.push(v);
        }
        Ok(Val::List(out))
    }
}

/// What [`convert`] makes of the JSON string `text` for `ty`, for the
/// types read straight from the text, without a JSON value in between:
/// the text types (by [`text_rules`]), enum variants and instants. `Unset`
/// for a value that is not built, `Err` for one [`convert`] refuses,
/// `None` for the other types.
pub(super) fn from_text(ty: &Type, text: &str, build: bool) -> Option<Result<Val, ()>> {
    let value = match ty {
        _ if resolve::types::is_text(ty) => match text_rules(ty, text, &"") {
            Ok(()) => build.then(|| Val::Str(text.to_string())),
            Err(_) => return Some(Err(())),
        },
        Type::Enum(variants) if variants.iter().any(|x| x == text) => {
            build.then(|| Val::Enum(text.to_string()))
        }
        Type::Enum(_) => return Some(Err(())),
        Type::Time => match parse_instant(text) {
            Some(at) => build.then_some(Val::Time(at)),
            None => return Some(Err(())),
        },
        _ => return None,
    };
    Some(Ok(value.unwrap_or(Val::Unset)))
}

/// Whether a finite `v` is written without an exponent: the digits of a
/// decimal this size, as serde_json writes them, are ones [`convert`]
/// takes (well inside the range where the shortest form has no
/// exponent, so that a last-digit difference between two float readers
/// does not matter).
pub(super) fn written_without_exponent(v: f64) -> bool {
    v == 0.0 || (1e-4..1e15).contains(&v.abs())
}

/// An item of a list: `null` is an unset optional ([`convert`]'s rule).
struct ItemSeed<'m>(TypeSeed<'m>);

impl<'de, 'm> serde::de::DeserializeSeed<'de> for ItemSeed<'m> {
    type Value = Val;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
        let TypeSeed { model, ty, build } = self.0;
        match ty {
            Type::Optional(inner) => Ok(OrNull(TypeSeed {
                model,
                ty: inner,
                build,
            })
            .deserialize(d)?
            .unwrap_or(Val::Unset)),
            _ => self.0.deserialize(d),
        }
    }
}

/// The digits of a finite `v` exactly as serde_json writes the number
/// (its `Display` of `Number::from_f64(v)` is this same formatting): the
/// shortest that read back as `v`. `None` for infinities and NaN, which
/// JSON has no number for.
pub fn float_digits(buffer: &mut zmij::Buffer, v: f64) -> Option<&str> {
    v.is_finite().then(|| buffer.format_finite(v))
}

/// Whether `text` is a value of `ty`, one of the types written as text
/// (`string`, `email`, `phone`, `url`, `locale`, `timezone`): the
/// checker's own rules, so that an events file accepts exactly what a
/// `.camp` file does. `shown` is the value as the message shows it.
fn text_rules(ty: &Type, text: &str, shown: &dyn std::fmt::Display) -> Result<(), String> {
    if let Some((kind, help)) = resolve::bad_shape(ty, text) {
        return Err(format!("expected {kind}, found {shown}: {help}"));
    }
    // The same answer as `resolve::is_time_zone`, from the thread's table
    // of zones: a population names a few zones a million times.
    if matches!(ty, Type::Timezone) && super::customer::zone(text).is_none() {
        return Err(format!(
            "unknown time zone {shown}: use an IANA name such as \"UTC\", \"Europe/Prague\" or \"Asia/Ho_Chi_Minh\""
        ));
    }
    if matches!(ty, Type::Locale) && !resolve::is_locale_value(text) {
        return Err(format!(
            "{shown} is not a valid locale tag: write a BCP 47 tag such as \"en\", \"vi\", \"cs\", \"zh-Hant\" or \"pt-BR\""
        ));
    }
    Ok(())
}

/// A JSON value as a runtime value of type `ty`.
pub fn convert(model: &Model, ty: &Type, json: &Json) -> Result<Val, String> {
    let wrong = |what: &str| Err(format!("expected {what}, found {json}"));
    match ty {
        Type::Optional(inner) => match json {
            Json::Null => Ok(Val::Unset),
            _ => convert(model, inner, json),
        },
        Type::Bool => json
            .as_bool()
            .map(Val::Bool)
            .map_or_else(|| wrong("true or false"), Ok),
        Type::Int => json
            .as_i64()
            .map(Val::Int)
            .map_or_else(|| wrong("an integer"), Ok),
        Type::Decimal => number(json)
            .map(Val::Decimal)
            .map_or_else(|| wrong("a number"), Ok),
        Type::Money(currency) => {
            let text = match json {
                Json::Number(n) => n.to_string(),
                Json::String(s) => s.clone(),
                _ => String::new(),
            };
            let text = text.trim();
            let (amount, cur) = text.split_once(' ').unwrap_or((text, currency.as_str()));
            match (super::eval::parse_num(amount), cur == currency) {
                (Some(amount), true) => Ok(Val::Money {
                    amount,
                    currency: currency.clone(),
                }),
                _ => wrong(&format!("money like \"59.90 {currency}\"")),
            }
        }
        Type::String | Type::Email | Type::Phone | Type::Url | Type::Locale | Type::Timezone => {
            let Some(text) = json.as_str() else {
                return wrong("a string");
            };
            text_rules(ty, text, json)?;
            Ok(Val::Str(text.to_string()))
        }
        Type::Enum(variants) => match json.as_str() {
            Some(v) if variants.iter().any(|x| x == v) => Ok(Val::Enum(v.to_string())),
            Some(v) => Err(format!(
                "unknown enum variant \"{v}\"{}; the variants are {}",
                suggest(v, variants.iter().map(String::as_str)),
                variants.join(", ")
            )),
            None => wrong(&format!("one of {}", variants.join(", "))),
        },
        Type::Time => json
            .as_str()
            .and_then(parse_instant)
            .map(Val::Time)
            .map_or_else(|| wrong("an instant like \"2026-11-02T03:00:00Z\""), Ok),
        Type::Date => json
            .as_str()
            .and_then(|s| s.parse::<jiff::civil::Date>().ok())
            .map(Val::Date)
            .map_or_else(|| wrong("a date like \"2026-11-02\""), Ok),
        Type::Duration => json
            .as_str()
            .and_then(parse_duration)
            .map(Val::Duration)
            .map_or_else(|| wrong("a duration like \"1d2h\""), Ok),
        Type::List(item) => match json {
            Json::Array(items) => items
                .iter()
                .map(|i| convert(model, item, i))
                .collect::<Result<Vec<_>, _>>()
                .map(Val::List),
            _ => wrong("a list"),
        },
        Type::Record(id) => match json {
            Json::Object(m) => {
                let def = model.record(*id);
                record(model, &def.fields, m, &format!("record `{}`", def.name))
            }
            _ => wrong("an object"),
        },
        Type::Error => Ok(Val::Unset),
    }
}

fn number(json: &Json) -> Option<Num> {
    match json {
        Json::Number(n) => super::eval::parse_num(&n.to_string()),
        Json::String(s) => super::eval::parse_num(s),
        _ => None,
    }
}

/// ` (did you mean `x`?)` when a name is close to one of `names` (the
/// checker's suggestion rule).
pub fn suggest<'n>(name: &str, names: impl Iterator<Item = &'n str>) -> String {
    resolve::suggest::closest(name, names)
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}
