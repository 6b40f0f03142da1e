//! Streaming readers of the population files (docs/population.md): a
//! customers file and an events file, JSON Lines or CSV (by extension),
//! each sorted by customer id, events in time order within a customer
//! (what `ORDER BY customer, at` gives); and the grouped lines of
//! `forecast --partial` (one customer with their events per line).
//!
//! Every line is checked against the project's schema with the events
//! file's own typing rules ([`crate::simulate::input::convert`]): a wrong
//! type, an unknown attribute, event or property (with "did you mean"), a
//! line longer than [`MAX_LINE_BYTES`] and a line out of order are errors
//! naming the file and the line.
//!
//! Reading is split in two so that it runs on every core:
//! - a [`Reader`] reads the raw lines in order, one [`Batch`] of customers
//!   at a time: it finds each line's customer id (without parsing the rest
//!   of a JSON line that starts with `{"customer":"…"`), checks the order
//!   of the ids and groups the events under their customer;
//! - [`Batch::member`] parses one customer's lines (any thread), checks
//!   the time order of their events and gives the [`Member`].
//!
//! Memory holds a batch of customers' lines, never the whole file. Errors
//! are deterministic: a batch's members are parsed before the error the
//! reader met after them is reported, and the first error in member order
//! wins.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use serde::de::DeserializeSeed as _;
use serde::Deserialize;
use serde_json::Value as Json;

use crate::check::model::{AttrDef, EventDef, Model, Type};
use crate::simulate::customer::{event_name, Attrs};
use crate::simulate::fields_scan;
pub use crate::simulate::input::MAX_LINE_BYTES;
use crate::simulate::input::{
    convert, parse_instant, read_capped_line, record_entries, refused, suggest, FieldsSeed, Keep,
    OrNull, TypeSeed,
};
use crate::simulate::value::Val;

/// A problem in a population file: the file, the 1-based line (none when
/// the file cannot be opened) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopulationError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for PopulationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for PopulationError {}

fn error_at(path: &Path, line: usize, message: impl Into<String>) -> PopulationError {
    PopulationError {
        path: path.to_path_buf(),
        line: Some(line),
        message: message.into(),
    }
}

/// How a population file is written, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `.jsonl`, `.ndjson`: one JSON object per line.
    JsonLines,
    /// `.csv`: a header line, then one record per line.
    Csv,
}

impl Encoding {
    /// The encoding `path`'s extension names.
    pub fn of_path(path: &Path) -> Result<Encoding, PopulationError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("jsonl" | "ndjson") => Ok(Encoding::JsonLines),
            Some("csv") => Ok(Encoding::Csv),
            _ => Err(PopulationError {
                path: path.to_path_buf(),
                line: None,
                message: "unknown file type: name it .jsonl (JSON Lines) or .csv".into(),
            }),
        }
    }
}

/// One line of the customers file.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerRecord {
    pub id: String,
    /// The attributes the line sets (an unset optional is [`Val::Unset`]),
    /// in the simulator's form: a customer is made of them as they are.
    pub attrs: Attrs,
    /// The line it was read from.
    pub line: usize,
}

/// One event of a customer.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub at: Timestamp,
    /// Shared by every record of the event.
    pub event: Arc<str>,
    /// A [`Val::Record`] of the event's properties.
    pub props: Val,
    /// The line it was read from.
    pub line: usize,
}

/// A customer with their events, in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub customer: CustomerRecord,
    pub events: Vec<EventRecord>,
}

/// A population file to read: its name (for errors), its bytes and how
/// they are written.
pub struct Source {
    pub path: PathBuf,
    pub reader: Box<dyn BufRead + Send>,
    pub encoding: Encoding,
}

impl Source {
    /// The file at `path`, its encoding from its extension.
    pub fn open(path: &Path) -> Result<Source, PopulationError> {
        let encoding = Encoding::of_path(path)?;
        let file = std::fs::File::open(path).map_err(|e| PopulationError {
            path: path.to_path_buf(),
            line: None,
            message: format!("cannot read it: {e}"),
        })?;
        Ok(Source {
            path: path.to_path_buf(),
            reader: Box::new(std::io::BufReader::with_capacity(1 << 20, file)),
            encoding,
        })
    }
}

/// Where one line's text is in a batch's buffer, and its number.
#[derive(Clone, Debug)]
struct RawLine {
    line: usize,
    range: Range<usize>,
}

/// The numbered lines of a file, blank lines skipped, each appended to a
/// buffer the caller owns (no allocation per line).
struct Lines {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    line: usize,
    done: bool,
}

impl Lines {
    fn new(path: &Path, reader: Box<dyn BufRead + Send>) -> Lines {
        Lines {
            path: path.to_path_buf(),
            reader,
            line: 0,
            done: false,
        }
    }

    fn error(&self, line: usize, message: impl Into<String>) -> PopulationError {
        error_at(&self.path, line, message)
    }

    /// Appends the next non-blank line (without its line break) to `buf`;
    /// `None` at the end. A line longer than [`MAX_LINE_BYTES`] or a read
    /// error is an error, after which nothing more is read. The text is
    /// not checked to be UTF-8 here ([`text`] does, where it is parsed).
    fn next_into(&mut self, buf: &mut Vec<u8>) -> Option<Result<RawLine, PopulationError>> {
        loop {
            if self.done {
                return None;
            }
            self.line += 1;
            let start = buf.len();
            match read_capped_line(&mut self.reader, buf) {
                Err(message) => {
                    self.done = true;
                    return Some(Err(self.error(self.line, message)));
                }
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {}
            }
            if is_blank(&buf[start..]) {
                buf.truncate(start);
                continue;
            }
            return Some(Ok(RawLine {
                line: self.line,
                range: start..buf.len(),
            }));
        }
    }

    /// The next non-blank line as text (a CSV header).
    fn next_text(&mut self) -> Option<Result<(usize, String), PopulationError>> {
        let mut buf = Vec::new();
        let raw = match self.next_into(&mut buf)? {
            Ok(raw) => raw,
            Err(e) => return Some(Err(e)),
        };
        Some(
            text(&buf[raw.range.clone()])
                .map(|t| (raw.line, t.to_string()))
                .map_err(|m| self.error(raw.line, m)),
        )
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    match bytes.first() {
        None => true,
        // Most lines start with `{` or a letter: nothing to trim.
        Some(b) if !b.is_ascii_whitespace() && b.is_ascii() => false,
        Some(_) => std::str::from_utf8(bytes).is_ok_and(|t| t.trim().is_empty()),
    }
}

/// A line's bytes as text. Every line of a population is checked, so the
/// check is `simdutf8`'s (the same answer as `std`'s, several times
/// faster on the mostly ASCII lines of an export).
fn text(bytes: &[u8]) -> Result<&str, String> {
    simdutf8::basic::from_utf8(bytes).map_err(|_| "the line is not UTF-8 text".to_string())
}

/// The cells of one CSV line (RFC 4180 quoting; a record must fit on one
/// line).
fn csv_cells(line: &str) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(_) => Ok(record.iter().map(str::to_string).collect()),
        Err(e) => Err(format!("not a CSV record: {e}")),
    }
}

/// A CSV cell as the JSON value the file encoding would have: empty is
/// unset, lists, records, booleans and numbers are JSON text, everything
/// else is the text itself.
fn cell_json(ty: &Type, cell: &str) -> Json {
    if cell.is_empty() {
        return Json::Null;
    }
    let inner = match ty {
        Type::Optional(inner) => inner.as_ref(),
        other => other,
    };
    match inner {
        Type::Bool
        | Type::Int
        | Type::Decimal
        | Type::Money(_)
        | Type::List(_)
        | Type::Record(_) => {
            serde_json::from_str(cell).unwrap_or_else(|_| Json::String(cell.to_string()))
        }
        _ => Json::String(cell.to_string()),
    }
}

/// The text of a JSON string up to its closing quote, and what follows
/// the quote, when it has neither an escape nor a control character (the
/// text is then the string's value); `None` otherwise.
fn plain_string(text: &str) -> Option<(&str, &str)> {
    match fields_scan::string_body(text)? {
        (inner, false, len) => Some((inner, text.get(len..)?)),
        (_, true, _) => None,
    }
}

/// The customer id of a JSON line that starts with `{"customer":"ID"`
/// (what `sample-data` and most exporters write), read without parsing
/// the rest of the line; `None` for any other form (then the line is
/// parsed).
fn leading_id(bytes: &[u8]) -> Option<&str> {
    let rest = bytes.strip_prefix(b"{\"customer\":\"")?;
    let end = rest.iter().position(|b| *b == b'"')?;
    let id = &rest[..end];
    if id.is_empty() || id.contains(&b'\\') {
        return None;
    }
    std::str::from_utf8(id).ok()
}

/// Only the customer id of a JSON line (every other key skipped).
#[derive(Deserialize)]
struct IdOnly<'a> {
    #[serde(borrow)]
    customer: Cow<'a, str>,
}

/// A JSON object's entries in order, keys borrowed from the line (a key
/// with an escape does not fit: the line then takes the slow path). No
/// map is built: an event has a handful of properties, found by a scan.
struct Entries<'a>(Vec<(&'a str, Json)>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries<'a>, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(entry) = map.next_entry::<&'de str, Json>()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

impl<'a> Entries<'a> {
    fn iter(&self) -> impl Iterator<Item = (&str, &Json)> + Clone {
        self.0.iter().map(|(k, v)| (*k, v))
    }
}

/// The customer id of a line of either file: fast for the usual forms,
/// else what parsing the whole line finds (its error when it has none).
fn line_id(
    encoding: Encoding,
    bytes: &[u8],
    parse: impl FnOnce(&str) -> Result<String, String>,
) -> Result<String, String> {
    match encoding {
        Encoding::JsonLines => {
            if let Some(id) = leading_id(bytes) {
                return Ok(id.to_string());
            }
            if let Ok(IdOnly { customer }) = serde_json::from_slice::<IdOnly>(bytes) {
                if !customer.is_empty() {
                    return Ok(customer.into_owned());
                }
            }
            parse(text(bytes)?)
        }
        Encoding::Csv => {
            let line = text(bytes)?;
            match csv_cells(line)?.into_iter().next() {
                Some(id) if !id.is_empty() => Ok(id),
                _ => parse(line),
            }
        }
    }
}

/// A customers line as JSON Lines writes it, read in one pass (the fast
/// path, as [`EventLineSeed`]): the customer id and the attributes, typed
/// by the schema as [`CustomerParser::typed`] types them. Any other line,
/// and any line with an error, is an error without a message: the line is
/// then read the slow way, whose messages say what is wrong.
struct CustomerLineSeed<'m> {
    model: &'m Model,
    /// By attribute: whether it is built ([`CustomerParser::keep`]).
    keep: &'m [bool],
}

impl<'de, 'm> serde::de::DeserializeSeed<'de> for CustomerLineSeed<'m> {
    type Value = (&'de str, Attrs);
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'm> serde::de::Visitor<'de> for CustomerLineSeed<'m> {
    type Value = (&'de str, Attrs);
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a customers line")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut customer, mut attrs) = (None, None);
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "customer" if customer.is_none() => customer = Some(map.next_value()?),
                "attributes" if attrs.is_none() => {
                    attrs = Some(map.next_value_seed(OrNull(AttrsSeed {
                        model: self.model,
                        keep: self.keep,
                    }))?)
                }
                _ => return Err(refused()),
            }
        }
        let customer: &str = customer.ok_or_else(refused)?;
        let attrs = match attrs.flatten() {
            Some(attrs) => attrs,
            // No attributes at all: only when none is required.
            None if self.model.schema.attrs.iter().all(|a| a.ty.is_optional()) => Attrs::default(),
            None => return Err(refused()),
        };
        if customer.is_empty() {
            return Err(refused());
        }
        Ok((customer, attrs))
    }
}

/// The `attributes` object of a customers line, typed by the schema, with
/// every required attribute set. The attributes `keep` leaves out are
/// checked alike but not built.
struct AttrsSeed<'m> {
    model: &'m Model,
    keep: &'m [bool],
}

impl<'de, 'm> serde::de::DeserializeSeed<'de> for AttrsSeed<'m> {
    type Value = Attrs;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'm> serde::de::Visitor<'de> for AttrsSeed<'m> {
    type Value = Attrs;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let all = &self.model.schema.attrs;
        // By attribute, whether it has a value; a schema of more
        // attributes than this is read the slow way.
        let mut set = [0u64; 4];
        if all.len() > 64 * set.len() {
            return Err(refused());
        }
        // Collected first and built in one go (exporters write the keys
        // sorted, which makes that a single pass); the last value of a key
        // written twice wins, as with `insert`.
        let mut attrs = Vec::with_capacity(map.size_hint().unwrap_or(all.len()));
        while let Some(key) = map.next_key::<&'de str>()? {
            let i = all
                .iter()
                .position(|a| fields_scan::same_name(&a.name, key))
                .ok_or_else(refused)?;
            let def = &all[i];
            let (ty, optional) = match &def.ty {
                Type::Optional(inner) => (&**inner, true),
                ty => (ty, false),
            };
            let build = self.keep.get(i).copied().unwrap_or(true);
            let seed = OrNull(TypeSeed {
                model: self.model,
                ty,
                build,
            });
            let value = match map.next_value_seed(seed)? {
                Some(value) => {
                    set[i / 64] |= 1 << (i % 64);
                    value
                }
                None if optional => Val::Unset,
                None => return Err(refused()),
            };
            if build {
                attrs.push((def.name.clone(), value));
            }
        }
        let unset = |i: usize| set[i / 64] & (1 << (i % 64)) == 0;
        if all
            .iter()
            .enumerate()
            .any(|(i, a)| !a.ty.is_optional() && unset(i))
        {
            return Err(refused());
        }
        Ok(Attrs::from_iter(attrs))
    }
}

/// An events line as JSON Lines writes it, read in one pass (the fast
/// path): the customer id, the instant as written, the event's place in
/// the schema and its properties, read by the schema's types
/// ([`FieldsSeed`]). Any other line (`properties` before `event`, a key
/// written twice or with an escape, an unknown event, a property the
/// schema refuses) is an error without a message: the line is then read
/// the slow way, whose messages say what is wrong.
struct EventLineSeed<'m> {
    model: &'m Model,
    /// By event, by property: whether it is built ([`EventParser::keep`]).
    keep: &'m [Vec<bool>],
}

struct EventLine<'a> {
    customer: &'a str,
    at: &'a str,
    event: usize,
    props: Val,
}

impl<'de, 'm> serde::de::DeserializeSeed<'de> for EventLineSeed<'m> {
    type Value = EventLine<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<EventLine<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, 'm> serde::de::Visitor<'de> for EventLineSeed<'m> {
    type Value = EventLine<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an events line")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<EventLine<'de>, A::Error> {
        let events = &self.model.schema.events;
        let (mut customer, mut at, mut event, mut props) = (None, None, None, None);
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "customer" if customer.is_none() => customer = Some(map.next_value()?),
                "at" if at.is_none() => at = Some(map.next_value()?),
                "event" if event.is_none() => {
                    let name: &str = map.next_value()?;
                    let i = events.iter().position(|e| e.name == name);
                    event = Some(i.ok_or_else(refused)?);
                }
                "properties" if props.is_none() => {
                    let i = event.ok_or_else(refused)?;
                    let seed = OrNull(FieldsSeed {
                        model: self.model,
                        fields: &events[i].fields,
                        keep: self.keep.get(i).map_or(Keep::All, |k| Keep::Only(k)),
                    });
                    props = Some(map.next_value_seed(seed)?);
                }
                _ => return Err(refused()),
            }
        }
        let (Some(customer), Some(at), Some(event)) = (customer, at, event) else {
            return Err(refused());
        };
        let props = match props.flatten() {
            Some(props) => props,
            None => {
                properties(self.model, &events[event], std::iter::empty()).map_err(|_| refused())?
            }
        };
        Ok(EventLine {
            customer,
            at,
            event,
            props,
        })
    }
}

/// How the lines of a customers file become records (shared by the
/// threads that parse).
pub struct CustomerParser<'m> {
    model: &'m Model,
    encoding: Encoding,
    /// By attribute (the schema's order): whether the fast path builds it.
    /// Empty: every attribute.
    keep: Vec<bool>,
    /// CSV: the attribute of each column after `customer`.
    columns: Vec<&'m AttrDef>,
}

impl<'m> CustomerParser<'m> {
    /// JSON objects (the grouped lines of `--partial`).
    pub fn json(model: &'m Model) -> CustomerParser<'m> {
        CustomerParser {
            model,
            encoding: Encoding::JsonLines,
            keep: Vec::new(),
            columns: Vec::new(),
        }
    }

    /// The parser of a file; a CSV header is read (and checked) here.
    fn of_file(
        model: &'m Model,
        encoding: Encoding,
        lines: &mut Lines,
    ) -> Result<Self, PopulationError> {
        let mut parser = CustomerParser {
            model,
            encoding,
            keep: Vec::new(),
            columns: Vec::new(),
        };
        if encoding == Encoding::Csv {
            parser.columns = parser.header(lines)?;
        }
        Ok(parser)
    }

    fn header(&self, lines: &mut Lines) -> Result<Vec<&'m AttrDef>, PopulationError> {
        let (line, text) = match lines.next_text() {
            Some(r) => r?,
            None => return Ok(Vec::new()),
        };
        let cells = csv_cells(&text).map_err(|m| lines.error(line, m))?;
        if cells.first().map(String::as_str) != Some("customer") {
            return Err(lines.error(
                line,
                "the header must start with `customer`, then one column per attribute",
            ));
        }
        let attrs = &self.model.schema.attrs;
        let mut columns: Vec<&'m AttrDef> = Vec::new();
        for name in &cells[1..] {
            let Some(def) = attrs.iter().find(|a| &a.name == name) else {
                return Err(lines.error(
                    line,
                    format!(
                        "unknown attribute `{name}` in the header{}",
                        suggest(name, attrs.iter().map(|a| a.name.as_str()))
                    ),
                ));
            };
            if columns.iter().any(|c| c.name == *name) {
                return Err(lines.error(line, format!("the header names `{name}` twice")));
            }
            columns.push(def);
        }
        Ok(columns)
    }

    fn id(&self, bytes: &[u8]) -> Result<String, String> {
        line_id(self.encoding, bytes, |text| {
            self.parse(0, text).map(|r| r.id)
        })
    }

    /// The record of one line.
    pub fn parse(&self, line: usize, text: &str) -> Result<CustomerRecord, String> {
        match self.encoding {
            Encoding::JsonLines => {
                if let Some(record) = self.fast(line, text) {
                    return Ok(record);
                }
                self.slow(line, text)
            }
            Encoding::Csv => {
                let cells = csv_cells(text)?;
                if cells.len() != self.columns.len() + 1 {
                    return Err(format!(
                        "{} cells, but the header has {} columns",
                        cells.len(),
                        self.columns.len() + 1
                    ));
                }
                let mut cells = cells.into_iter();
                let id = cells.next().unwrap_or_default();
                let id = customer_id(Some(&Json::String(id)))?;
                let values = self
                    .columns
                    .iter()
                    .zip(cells)
                    .map(|(def, cell)| (*def, cell_json(&def.ty, &cell)))
                    .collect();
                self.typed(id, values, line)
            }
        }
    }

    /// A JSON Lines line of the usual shape ([`CustomerLineSeed`]) and
    /// without an error: its record. `None` for any other line.
    fn fast(&self, line: usize, text: &str) -> Option<CustomerRecord> {
        let mut json = serde_json::Deserializer::from_str(text);
        let (id, attrs) = CustomerLineSeed {
            model: self.model,
            keep: &self.keep,
        }
        .deserialize(&mut json)
        .ok()?;
        json.end().ok()?;
        Some(CustomerRecord {
            id: id.to_string(),
            attrs,
            line,
        })
    }

    /// A JSON Lines line read as a [`Json`] value first: the reference
    /// [`Self::fast`] agrees with, and the messages of the lines it does
    /// not take.
    fn slow(&self, line: usize, text: &str) -> Result<CustomerRecord, String> {
        let json: Json = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let Json::Object(obj) = json else {
            return Err("each line must be a JSON object".into());
        };
        check_keys(&obj, &["customer", "attributes"])?;
        self.object(obj, line)
    }

    /// The record of a JSON object with `customer` and `attributes` (other
    /// keys are the caller's to check).
    fn object(
        &self,
        mut obj: serde_json::Map<String, Json>,
        line: usize,
    ) -> Result<CustomerRecord, String> {
        let id = customer_id(obj.get("customer"))?;
        let attrs = match obj.remove("attributes") {
            None | Some(Json::Null) => serde_json::Map::new(),
            Some(Json::Object(m)) => m,
            Some(_) => return Err("\"attributes\" must be an object".into()),
        };
        self.record(id, attrs, line)
    }

    /// The record of the entries of `attributes` (a key written twice
    /// counts once, with its last value, as in a JSON object).
    fn record<K: AsRef<str>>(
        &self,
        id: String,
        attrs: impl IntoIterator<Item = (K, Json)>,
        line: usize,
    ) -> Result<CustomerRecord, String> {
        let all = &self.model.schema.attrs;
        let mut values = Vec::new();
        for (name, value) in attrs {
            let name = name.as_ref();
            let Some(def) = all.iter().find(|a| a.name == name) else {
                return Err(format!(
                    "unknown attribute `{name}`{}",
                    suggest(name, all.iter().map(|a| a.name.as_str()))
                ));
            };
            values.push((def, value));
        }
        self.typed(id, values, line)
    }

    fn typed(
        &self,
        id: String,
        values: Vec<(&'m AttrDef, Json)>,
        line: usize,
    ) -> Result<CustomerRecord, String> {
        let mut attrs = BTreeMap::new();
        for (def, json) in values {
            if json.is_null() && !def.ty.is_optional() {
                return Err(format!(
                    "attribute `{}` is required (its type is not optional) but has no value",
                    def.name
                ));
            }
            let value = convert(self.model, &def.ty, &json)
                .map_err(|m| format!("attribute `{}`: {m}", def.name))?;
            attrs.insert(def.name.clone(), value);
        }
        let missing: Vec<String> = self
            .model
            .schema
            .attrs
            .iter()
            .filter(|a| !a.ty.is_optional() && !attrs.contains_key(&a.name))
            .map(|a| format!("`{}`", a.name))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "customer `{id}` lacks the required attribute{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            ));
        }
        Ok(CustomerRecord {
            id,
            attrs: attrs.into(),
            line,
        })
    }
}

/// How the lines of an events file become records (shared by the threads
/// that parse).
pub struct EventParser<'m> {
    model: &'m Model,
    encoding: Encoding,
    /// By event (the schema's order), by property: whether the fast path
    /// builds it. Empty: every property of every event.
    keep: Vec<Vec<bool>>,
}

impl<'m> EventParser<'m> {
    /// JSON objects (the events of a grouped line of `--partial`).
    pub fn json(model: &'m Model) -> EventParser<'m> {
        EventParser {
            model,
            encoding: Encoding::JsonLines,
            keep: Vec::new(),
        }
    }

    /// The parser of a file; a CSV header is read (and checked) here.
    fn of_file(
        model: &'m Model,
        encoding: Encoding,
        lines: &mut Lines,
    ) -> Result<Self, PopulationError> {
        if encoding == Encoding::Csv {
            if let Some(header) = lines.next_text() {
                let (line, text) = header?;
                let cells = csv_cells(&text).map_err(|m| lines.error(line, m))?;
                if cells != ["customer", "at", "event", "properties"] {
                    return Err(
                        lines.error(line, "the header must be `customer,at,event,properties`")
                    );
                }
            }
        }
        Ok(EventParser {
            encoding,
            ..EventParser::json(model)
        })
    }

    fn id(&self, bytes: &[u8]) -> Result<String, String> {
        line_id(self.encoding, bytes, |text| {
            self.parse(0, text).map(|(id, _)| id)
        })
    }

    /// A JSON Lines line of the usual shape ([`EventLineSeed`]) with a
    /// customer id: the id as written, and its record. `None` for any
    /// other line, and for one with an error (the slow path's messages
    /// are then the errors).
    fn fast<'t>(&self, line: usize, text: &'t str) -> Option<(&'t str, EventRecord)> {
        let fast = match self.plain(text) {
            Some(fast) => fast,
            None => {
                let mut json = serde_json::Deserializer::from_str(text);
                let fast = EventLineSeed {
                    model: self.model,
                    keep: &self.keep,
                }
                .deserialize(&mut json)
                .ok()?;
                json.end().ok()?;
                fast
            }
        };
        if fast.customer.is_empty() {
            return None;
        }
        let record = EventRecord {
            at: parse_instant(fast.at)?,
            event: event_name(&self.model.schema.events[fast.event].name),
            props: fast.props,
            line,
        };
        Some((fast.customer, record))
    }

    /// A line written exactly as `sample-data` and most exporters write
    /// one: `{"customer":"…","at":"…","event":"…","properties":…}`, in
    /// this order, without spaces, the three strings without escapes. The
    /// keys and strings are matched as bytes and only the properties go
    /// through the JSON reader: what [`EventLineSeed`] gives for the same
    /// line, for a fraction of the work. `None` for any other line (the
    /// JSON reader then reads it, and refuses what it refuses).
    fn plain<'t>(&self, text: &'t str) -> Option<EventLine<'t>> {
        let rest = text.strip_prefix("{\"customer\":\"")?;
        let (customer, rest) = plain_string(rest)?;
        let rest = rest.strip_prefix(",\"at\":\"")?;
        let (at, rest) = plain_string(rest)?;
        let rest = rest.strip_prefix(",\"event\":\"")?;
        let (name, rest) = plain_string(rest)?;
        let props = rest
            .strip_prefix(",\"properties\":")?
            .trim_end_matches([' ', '\t', '\r'])
            .strip_suffix('}')?;
        let events = &self.model.schema.events;
        let event = events
            .iter()
            .position(|e| fields_scan::same_name(&e.name, name))?;
        let fields = &events[event].fields;
        let keep = self.keep.get(event).map_or(Keep::All, |k| Keep::Only(k));
        // The scan first; what it cannot tell, serde reads.
        let props = match fields_scan::fields(self.model, fields, keep, props) {
            Some(props) => Some(props),
            None => {
                let mut json = serde_json::Deserializer::from_str(props);
                let seed = OrNull(FieldsSeed {
                    model: self.model,
                    fields,
                    keep,
                });
                let props = seed.deserialize(&mut json).ok()?;
                json.end().ok()?;
                props
            }
        };
        let props = match props {
            Some(props) => props,
            None => properties(self.model, &events[event], std::iter::empty()).ok()?,
        };
        Some(EventLine {
            customer,
            at,
            event,
            props,
        })
    }

    /// The record of one line whose customer id was read already (by
    /// [`Self::id`]): the id is not copied again.
    fn record_of(&self, line: usize, text: &str) -> Result<EventRecord, String> {
        if self.encoding == Encoding::JsonLines {
            if let Some((_, record)) = self.fast(line, text) {
                return Ok(record);
            }
        }
        self.parse(line, text).map(|(_, record)| record)
    }

    /// The customer id and the record of one line.
    pub fn parse(&self, line: usize, text: &str) -> Result<(String, EventRecord), String> {
        match self.encoding {
            Encoding::JsonLines => {
                if let Some((customer, record)) = self.fast(line, text) {
                    return Ok((customer.to_string(), record));
                }
                self.slow(line, text)
            }
            Encoding::Csv => {
                let cells = csv_cells(text)?;
                let [customer, at, event, props] = <[String; 4]>::try_from(cells)
                    .map_err(|c| format!("{} cells, but the header has 4 columns", c.len()))?;
                let customer = customer_id(Some(&Json::String(customer)))?;
                let props = if props.trim().is_empty() {
                    serde_json::Map::new()
                } else {
                    match serde_json::from_str(&props) {
                        Ok(Json::Object(m)) => m,
                        _ => return Err("the properties cell must be a JSON object".into()),
                    }
                };
                let props = props.iter().map(|(k, v)| (k.as_str(), v));
                Ok((customer, self.record(&at, &event, props, line)?))
            }
        }
    }

    /// A JSON Lines line read as a [`Json`] value first: the reference
    /// [`Self::fast`] agrees with, and the messages of the lines it does
    /// not take.
    fn slow(&self, line: usize, text: &str) -> Result<(String, EventRecord), String> {
        let json: Json = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let Json::Object(obj) = json else {
            return Err("each line must be a JSON object".into());
        };
        check_keys(&obj, &["customer", "at", "event", "properties"])?;
        let customer = customer_id(obj.get("customer"))?;
        Ok((customer, self.object(obj, line)?))
    }

    /// The record of a JSON object with `at`, `event` and `properties`
    /// (other keys are the caller's to check).
    fn object(
        &self,
        mut obj: serde_json::Map<String, Json>,
        line: usize,
    ) -> Result<EventRecord, String> {
        let at = match obj.remove("at") {
            Some(Json::String(at)) => at,
            None => return Err("missing \"at\" (an instant like \"2026-03-01T10:00:00Z\")".into()),
            Some(other) => return Err(format!("\"at\" must be a string, found {other}")),
        };
        let event = match obj.remove("event") {
            Some(Json::String(e)) => e,
            None => return Err("missing \"event\"".into()),
            Some(other) => return Err(format!("\"event\" must be a string, found {other}")),
        };
        let props = match obj.remove("properties") {
            None | Some(Json::Null) => serde_json::Map::new(),
            Some(Json::Object(m)) => m,
            Some(_) => return Err("\"properties\" must be an object".into()),
        };
        let props = props.iter().map(|(k, v)| (k.as_str(), v));
        self.record(&at, &event, props, line)
    }

    fn record<'j>(
        &self,
        at: &str,
        event: &str,
        props: impl Iterator<Item = (&'j str, &'j Json)> + Clone,
        line: usize,
    ) -> Result<EventRecord, String> {
        let at = parse_instant(at).ok_or_else(|| {
            format!("\"at\": `{at}` is not an instant like \"2026-03-01T10:00:00Z\" (a date-time with Z or an offset)")
        })?;
        let events = &self.model.schema.events;
        let Some(i) = events.iter().position(|e| e.name == event) else {
            return Err(format!(
                "unknown event `{event}`{}",
                suggest(event, events.iter().map(|e| e.name.as_str()))
            ));
        };
        let def = &events[i];
        Ok(EventRecord {
            at,
            event: event_name(&def.name),
            props: properties(self.model, def, props)?,
            line,
        })
    }
}

/// An event's properties as a [`Val::Record`] (no properties: the empty
/// record, without the checks that cannot fail).
fn properties<'j>(
    model: &Model,
    def: &EventDef,
    props: impl Iterator<Item = (&'j str, &'j Json)> + Clone,
) -> Result<Val, String> {
    if props.clone().next().is_none() && def.fields.iter().all(|f| f.ty.is_optional()) {
        return Ok(Val::Record(Vec::new()));
    }
    record_entries(model, &def.fields, props, &|| {
        format!("event `{}`", def.name)
    })
}

/// The keys a line may have; a misspelt key would otherwise be ignored.
fn check_keys(obj: &serde_json::Map<String, Json>, keys: &[&str]) -> Result<(), String> {
    for key in obj.keys() {
        if !keys.contains(&key.as_str()) {
            let names: Vec<String> = keys.iter().map(|k| format!("\"{k}\"")).collect();
            return Err(format!(
                "unknown key \"{key}\"{}; a line has {}",
                suggest(key, keys.iter().copied()),
                names.join(", ")
            ));
        }
    }
    Ok(())
}

fn customer_id(json: Option<&Json>) -> Result<String, String> {
    match json {
        Some(Json::String(id)) if !id.is_empty() => Ok(id.clone()),
        Some(Json::String(_)) => Err("the customer id is empty".into()),
        None => Err("missing \"customer\" (the customer id)".into()),
        Some(other) => Err(format!("\"customer\" must be a string, found {other}")),
    }
}

/// `events` if each comes at or after the one before (the error names the
/// first that does not).
fn in_time_order(
    customer: &str,
    events: &[EventRecord],
    error: impl Fn(usize, String) -> PopulationError,
) -> Result<(), PopulationError> {
    for pair in events.windows(2) {
        if pair[1].at < pair[0].at {
            return Err(error(
                pair[1].line,
                format!(
                    "the file is not sorted: customer `{customer}`'s event at {} comes after one at {} {SORT_HINT}",
                    pair[1].at, pair[0].at
                ),
            ));
        }
    }
    Ok(())
}

const SORT_HINT: &str = "(sort it by customer, then at, as ORDER BY customer, at does)";

/// Customers read in order, a batch at a time.
pub trait Reader: Send {
    type Batch: Batch;
    /// The next batch of at most `max` customers; `None` after the last.
    /// An error met after some customers is returned by the next call, so
    /// those customers' own errors (found when they are parsed) come
    /// first.
    fn next_batch(&mut self, max: usize) -> Result<Option<Self::Batch>, PopulationError>;

    /// Takes back a batch that is done with, so that its buffers hold the
    /// lines of a later batch (no allocation, no fresh pages).
    fn recycle(&mut self, batch: Self::Batch) {
        drop(batch);
    }
}

/// Customers whose lines are read but not parsed yet.
pub trait Batch: Send + Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The `i`th customer with their events, parsed and checked.
    fn member(&self, i: usize) -> Result<Member, PopulationError>;
}

/// What parses the lines of the two files (shared by a reader's batches).
struct Parsers<'m> {
    customers: CustomerParser<'m>,
    events: EventParser<'m>,
    customers_path: PathBuf,
    events_path: PathBuf,
}

/// One customer's lines in a [`FileBatch`].
struct RawMember {
    customer: RawLine,
    /// Indices into the batch's `event_lines`.
    events: Range<usize>,
}

/// Customers of the two files with their events, not parsed yet.
pub struct FileBatch<'m> {
    parsers: Arc<Parsers<'m>>,
    customers: Vec<u8>,
    events: Vec<u8>,
    members: Vec<RawMember>,
    event_lines: Vec<RawLine>,
}

impl Batch for FileBatch<'_> {
    fn len(&self) -> usize {
        self.members.len()
    }

    fn member(&self, i: usize) -> Result<Member, PopulationError> {
        let p = &self.parsers;
        let raw = &self.members[i];
        let line = raw.customer.line;
        let customer = text(&self.customers[raw.customer.range.clone()])
            .and_then(|t| p.customers.parse(line, t))
            .map_err(|m| error_at(&p.customers_path, line, m))?;
        let lines = &self.event_lines[raw.events.clone()];
        // The member's lines are checked as UTF-8 in one go (one call for
        // a few hundred bytes instead of one per line of ninety); where
        // that fails, each line on its own, for the error's line number.
        let start = lines.iter().map(|l| l.range.start).min().unwrap_or(0);
        let end = lines.iter().map(|l| l.range.end).max().unwrap_or(0);
        let whole = self
            .events
            .get(start..end)
            .and_then(|bytes| simdutf8::basic::from_utf8(bytes).ok());
        let mut events = Vec::with_capacity(lines.len());
        for l in lines {
            let checked = whole.and_then(|w| w.get(l.range.start - start..l.range.end - start));
            let record = checked
                .map_or_else(|| text(&self.events[l.range.clone()]), Ok)
                .and_then(|t| p.events.record_of(l.line, t))
                .map_err(|m| error_at(&p.events_path, l.line, m))?;
            events.push(record);
        }
        in_time_order(&customer.id, &events, |line, m| {
            error_at(&p.events_path, line, m)
        })?;
        Ok(Member { customer, events })
    }
}

/// A line read ahead, kept between batches.
struct Ahead {
    line: usize,
    text: Vec<u8>,
    id: String,
}

/// The customers file and the events file merged by customer: each
/// customer with their events. An event of a customer the customers file
/// does not have is an error naming its line.
pub struct Population<'m> {
    parsers: Arc<Parsers<'m>>,
    customers: Lines,
    events: Lines,
    /// The next customer, read ahead so that a customers file out of order
    /// is reported as such rather than as events of an unknown customer.
    ahead: Option<Ahead>,
    /// The first event of the next customer, read ahead.
    pending: Option<Ahead>,
    /// The last event's customer, for the order of the events file.
    last_event: Option<String>,
    /// The customer id of the events line read last.
    event_id: String,
    /// An error to report at the next call.
    error: Option<PopulationError>,
    done: bool,
    /// A batch done with, whose buffers the next batch reuses.
    spare: Option<FileBatch<'m>>,
}

impl<'m> Population<'m> {
    /// Opens both files.
    pub fn open(
        model: &'m Model,
        customers: &Path,
        events: &Path,
    ) -> Result<Population<'m>, PopulationError> {
        Population::new(model, Source::open(customers)?, Source::open(events)?)
    }

    /// Reads the two files; CSV headers are read (and checked) here.
    pub fn new(
        model: &'m Model,
        customers: Source,
        events: Source,
    ) -> Result<Population<'m>, PopulationError> {
        let mut customer_lines = Lines::new(&customers.path, customers.reader);
        let mut event_lines = Lines::new(&events.path, events.reader);
        let parsers = Parsers {
            customers: CustomerParser::of_file(model, customers.encoding, &mut customer_lines)?,
            events: EventParser::of_file(model, events.encoding, &mut event_lines)?,
            customers_path: customers.path,
            events_path: events.path,
        };
        Ok(Population {
            parsers: Arc::new(parsers),
            customers: customer_lines,
            events: event_lines,
            ahead: None,
            pending: None,
            last_event: None,
            event_id: String::new(),
            error: None,
            done: false,
            spare: None,
        })
    }

    /// Builds only the customer attributes `keep(attribute)` names; the
    /// others are checked as before but not kept, as with
    /// [`Self::keep_properties`].
    pub fn keep_attributes(&mut self, keep: impl Fn(&str) -> bool) {
        let Some(parsers) = Arc::get_mut(&mut self.parsers) else {
            return;
        };
        let model = parsers.customers.model;
        parsers.customers.keep = model.schema.attrs.iter().map(|a| keep(&a.name)).collect();
    }

    /// Builds only the event properties `keep(event, property)` names; the
    /// others are checked as before but not kept (a replay whose campaigns
    /// never read them gives the same results, sooner). Call it before the
    /// first batch; afterwards it changes nothing. A line read the slow way
    /// still has every property.
    pub fn keep_properties(&mut self, keep: impl Fn(&str, &str) -> bool) {
        let Some(parsers) = Arc::get_mut(&mut self.parsers) else {
            return;
        };
        let model = parsers.events.model;
        parsers.events.keep = model
            .schema
            .events
            .iter()
            .map(|e| e.fields.iter().map(|f| keep(&e.name, &f.name)).collect())
            .collect();
    }

    /// Reads the next customers line into `buf`, with its id, checking that
    /// it comes after `previous`.
    fn read_customer(
        &mut self,
        buf: &mut Vec<u8>,
        previous: Option<&str>,
    ) -> Result<Option<(RawLine, String)>, PopulationError> {
        let parsers = &self.parsers;
        let Some((raw, id)) = next_with_id(&mut self.customers, buf, |b| parsers.customers.id(b))?
        else {
            return Ok(None);
        };
        match previous {
            Some(last) if id == last => Err(self.customers.error(
                raw.line,
                format!("customer `{id}` appears twice (one line per customer)"),
            )),
            Some(last) if id.as_str() < last => Err(self.customers.error(
                raw.line,
                format!(
                    "the file is not sorted: customer `{id}` comes after `{last}` (sort it by customer id, as ORDER BY customer does)"
                ),
            )),
            _ => Ok(Some((raw, id))),
        }
    }

    /// Reads the next events line into `buf`, with its customer id,
    /// checking the order of the ids.
    fn read_event(&mut self, buf: &mut Vec<u8>) -> Result<Option<RawLine>, PopulationError> {
        let Some(raw) = self.events.next_into(buf).transpose()? else {
            return Ok(None);
        };
        // The id into a buffer kept from line to line: no allocation for
        // the twenty million lines of a large history.
        let bytes = &buf[raw.range.clone()];
        self.event_id.clear();
        match leading_id(bytes) {
            Some(id) => self.event_id.push_str(id),
            None => {
                let id = self.parsers.events.id(bytes);
                self.event_id = id.map_err(|m| self.events.error(raw.line, m))?;
            }
        }
        let id = &self.event_id;
        // Most lines are the same customer's as the line before.
        let same = self
            .last_event
            .as_deref()
            .is_some_and(|last| fields_scan::same_name(last, id));
        if !same {
            if let Some(last) = &self.last_event {
                if id < last {
                    return Err(self.events.error(
                        raw.line,
                        format!(
                            "the file is not sorted: customer `{id}` comes after `{last}` {SORT_HINT}"
                        ),
                    ));
                }
            }
            match &mut self.last_event {
                Some(last) => {
                    last.clear();
                    last.push_str(id);
                }
                None => self.last_event = Some(id.clone()),
            }
        }
        Ok(Some(raw))
    }

    fn stray(&self, line: usize, customer: &str) -> PopulationError {
        self.events.error(
            line,
            format!(
                "customer `{customer}` is not in the customers file ({})",
                self.parsers.customers_path.display()
            ),
        )
    }

    /// Adds the next customer with their events to `batch`; `false` at
    /// the end of both files.
    fn read_member(&mut self, batch: &mut FileBatch<'m>) -> Result<bool, PopulationError> {
        let (customer, id) = match self.ahead.take() {
            Some(ahead) => (copy_line(&mut batch.customers, &ahead), ahead.id),
            None => match self.read_customer(&mut batch.customers, None)? {
                Some(read) => read,
                None => {
                    // No customer left: any event left is a stray.
                    let event = match self.pending.take() {
                        Some(p) => Some((p.line, p.id)),
                        None => self
                            .read_event(&mut batch.events)?
                            .map(|raw| (raw.line, self.event_id.clone())),
                    };
                    return match event {
                        Some((line, id)) => Err(self.stray(line, &id)),
                        None => Ok(false),
                    };
                }
            },
        };
        let mut scratch = std::mem::take(&mut batch.customers);
        let next = self.read_customer(&mut scratch, Some(&id));
        if let Ok(Some((raw, next_id))) = &next {
            self.ahead = Some(Ahead {
                line: raw.line,
                text: scratch[raw.range.clone()].to_vec(),
                id: next_id.clone(),
            });
            scratch.truncate(raw.range.start);
        }
        batch.customers = scratch;
        next?;
        let first = batch.event_lines.len();
        loop {
            // The line, and its customer id when it was read ahead (else
            // the id is in `self.event_id`).
            let (raw, ahead) = match self.pending.take() {
                Some(p) => (copy_line(&mut batch.events, &p), Some(p.id)),
                None => match self.read_event(&mut batch.events)? {
                    Some(raw) => (raw, None),
                    None => break,
                },
            };
            let event_id = ahead.as_deref().unwrap_or(&self.event_id);
            match event_id.cmp(id.as_str()) {
                std::cmp::Ordering::Less => return Err(self.stray(raw.line, event_id)),
                std::cmp::Ordering::Equal => batch.event_lines.push(raw),
                std::cmp::Ordering::Greater => {
                    self.pending = Some(Ahead {
                        line: raw.line,
                        text: batch.events[raw.range.clone()].to_vec(),
                        id: ahead.unwrap_or_else(|| self.event_id.clone()),
                    });
                    batch.events.truncate(raw.range.start);
                    break;
                }
            }
        }
        batch.members.push(RawMember {
            customer,
            events: first..batch.event_lines.len(),
        });
        Ok(true)
    }
}

/// The next line of `lines` appended to `buf`, with its customer id.
fn next_with_id(
    lines: &mut Lines,
    buf: &mut Vec<u8>,
    id: impl Fn(&[u8]) -> Result<String, String>,
) -> Result<Option<(RawLine, String)>, PopulationError> {
    let Some(raw) = lines.next_into(buf).transpose()? else {
        return Ok(None);
    };
    let id = id(&buf[raw.range.clone()]).map_err(|m| lines.error(raw.line, m))?;
    Ok(Some((raw, id)))
}

/// Appends a line read ahead to `buf`.
fn copy_line(buf: &mut Vec<u8>, ahead: &Ahead) -> RawLine {
    let start = buf.len();
    buf.extend_from_slice(&ahead.text);
    RawLine {
        line: ahead.line,
        range: start..buf.len(),
    }
}

/// The most bytes of events a batch holds (a customer with more still
/// fits: they are one member).
const BATCH_BYTES: usize = 64 << 20;

impl<'m> Reader for Population<'m> {
    type Batch = FileBatch<'m>;

    fn next_batch(&mut self, max: usize) -> Result<Option<FileBatch<'m>>, PopulationError> {
        if let Some(e) = self.error.take() {
            self.done = true;
            return Err(e);
        }
        if self.done {
            return Ok(None);
        }
        let mut batch = match self.spare.take() {
            Some(batch) => batch,
            None => FileBatch {
                parsers: self.parsers.clone(),
                customers: Vec::new(),
                events: Vec::new(),
                members: Vec::with_capacity(max),
                event_lines: Vec::new(),
            },
        };
        while batch.members.len() < max.max(1) && batch.events.len() < BATCH_BYTES {
            match self.read_member(&mut batch) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(e) => {
                    self.error = Some(e);
                    break;
                }
            }
        }
        if batch.members.is_empty() {
            return match self.error.take() {
                Some(e) => {
                    self.done = true;
                    Err(e)
                }
                None => Ok(None),
            };
        }
        Ok(Some(batch))
    }

    fn recycle(&mut self, mut batch: FileBatch<'m>) {
        batch.customers.clear();
        batch.events.clear();
        batch.members.clear();
        batch.event_lines.clear();
        self.spare = Some(batch);
    }
}

/// The grouped lines `forecast --partial` reads: one customer per line,
/// with their events in time order:
///
/// ```text
/// {"customer": "c01", "attributes": {…}, "events": [{"at": "…", "event": "…", "properties": {…}}, …]}
/// ```
///
/// that is, a customers line with the customer's events-file lines added
/// as `events` (their `customer` key may stay, then it must be the line's
/// customer). Attributes and events are checked as in the two files; the
/// lines may come in any order (each customer once).
pub struct Grouped<'m> {
    parsers: Arc<(CustomerParser<'m>, EventParser<'m>, PathBuf)>,
    lines: Lines,
    /// An error to report at the next call.
    error: Option<PopulationError>,
}

impl<'m> Grouped<'m> {
    /// `path` names the input in errors (`<stdin>`).
    pub fn new(model: &'m Model, path: &Path, reader: Box<dyn BufRead + Send>) -> Grouped<'m> {
        Grouped {
            parsers: Arc::new((
                CustomerParser::json(model),
                EventParser::json(model),
                path.to_path_buf(),
            )),
            lines: Lines::new(path, reader),
            error: None,
        }
    }
}

/// Lines of [`Grouped`], not parsed yet.
pub struct GroupedBatch<'m> {
    parsers: Arc<(CustomerParser<'m>, EventParser<'m>, PathBuf)>,
    text: Vec<u8>,
    lines: Vec<RawLine>,
}

/// One grouped line as it is usually written (the fast path; any line it
/// does not fit is parsed as a [`Json`] value, whose errors are the
/// messages).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupedLine<'a> {
    #[serde(borrow)]
    customer: Cow<'a, str>,
    #[serde(default, borrow)]
    attributes: Option<Entries<'a>>,
    #[serde(default, borrow)]
    events: Option<Vec<GroupedEvent<'a>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupedEvent<'a> {
    #[serde(default, borrow)]
    customer: Option<Cow<'a, str>>,
    #[serde(borrow)]
    at: Cow<'a, str>,
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(default, borrow)]
    properties: Option<Entries<'a>>,
}

impl Batch for GroupedBatch<'_> {
    fn len(&self) -> usize {
        self.lines.len()
    }

    fn member(&self, i: usize) -> Result<Member, PopulationError> {
        let (customers, events, path) = &*self.parsers;
        let raw = &self.lines[i];
        let line = raw.line;
        let nth = |n: usize, m: String| format!("event {}: {m}", n + 1);
        let member = text(&self.text[raw.range.clone()]).and_then(|t| {
            if let Ok(fast) = serde_json::from_str::<GroupedLine>(t) {
                let id = customer_id(Some(&Json::String(fast.customer.into_owned())))?;
                let attrs = fast.attributes.map(|a| a.0).unwrap_or_default();
                let customer = customers.record(id, attrs, line)?;
                let mut records = Vec::new();
                for (n, e) in fast.events.unwrap_or_default().into_iter().enumerate() {
                    if let Some(other) = e.customer.filter(|c| *c != customer.id) {
                        return Err(nth(n, not_this_customer(&other, &customer.id)));
                    }
                    let props = e.properties.unwrap_or(Entries(Vec::new()));
                    records.push(
                        events
                            .record(&e.at, &e.event, props.iter(), line)
                            .map_err(|m| nth(n, m))?,
                    );
                }
                return Ok(Member {
                    customer,
                    events: records,
                });
            }
            let json: Json = serde_json::from_str(t).map_err(|e| format!("not JSON: {e}"))?;
            let Json::Object(mut obj) = json else {
                return Err("each line must be a JSON object".into());
            };
            check_keys(&obj, &["customer", "attributes", "events"])?;
            let list = match obj.remove("events") {
                None | Some(Json::Null) => Vec::new(),
                Some(Json::Array(list)) => list,
                Some(_) => return Err("\"events\" must be a list of event objects".into()),
            };
            let customer = customers.object(obj, line)?;
            let mut records = Vec::new();
            for (n, e) in list.into_iter().enumerate() {
                let Json::Object(e) = e else {
                    return Err(nth(n, "each event must be a JSON object".into()));
                };
                check_keys(&e, &["customer", "at", "event", "properties"])
                    .map_err(|m| nth(n, m))?;
                if e.contains_key("customer") {
                    let other = customer_id(e.get("customer")).map_err(|m| nth(n, m))?;
                    if other != customer.id {
                        return Err(nth(n, not_this_customer(&other, &customer.id)));
                    }
                }
                records.push(events.object(e, line).map_err(|m| nth(n, m))?);
            }
            Ok(Member {
                customer,
                events: records,
            })
        });
        let member = member.map_err(|m| error_at(path, line, m))?;
        in_time_order(&member.customer.id, &member.events, |_, m| {
            error_at(path, line, m)
        })?;
        Ok(member)
    }
}

fn not_this_customer(other: &str, customer: &str) -> String {
    format!("it is an event of customer `{other}`, on the line of customer `{customer}`")
}

impl<'m> Reader for Grouped<'m> {
    type Batch = GroupedBatch<'m>;

    fn next_batch(&mut self, max: usize) -> Result<Option<GroupedBatch<'m>>, PopulationError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut batch = GroupedBatch {
            parsers: self.parsers.clone(),
            text: Vec::new(),
            lines: Vec::new(),
        };
        while batch.lines.len() < max.max(1) && batch.text.len() < BATCH_BYTES {
            match self.lines.next_into(&mut batch.text) {
                Some(Ok(raw)) => batch.lines.push(raw),
                Some(Err(e)) if batch.lines.is_empty() => return Err(e),
                Some(Err(e)) => {
                    // Reported after this batch's own errors.
                    self.error = Some(e);
                    break;
                }
                None => break,
            }
        }
        Ok((!batch.lines.is_empty()).then_some(batch))
    }
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
