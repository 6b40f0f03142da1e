//! Streaming readers of the population files (docs/forecast.md, "The
//! population files"): a customers file and an events file, JSON Lines or
//! CSV (by extension), each sorted by customer id, events in time order
//! within a customer (what `ORDER BY customer, at` gives).
//!
//! Every line is checked against the project's schema with the events
//! file's own typing rules ([`crate::simulate::input::convert`]): a wrong
//! type, an unknown attribute, event or property (with "did you mean"), a
//! line longer than [`MAX_LINE_BYTES`] and a line out of order are errors
//! naming the file and the line. Lines are read one at a time and the two
//! files are merged by customer ([`Population`]), so memory holds one
//! customer's events, never the whole file.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde_json::Value as Json;

use crate::check::model::{AttrDef, Model};
pub use crate::simulate::input::MAX_LINE_BYTES;
use crate::simulate::input::{convert, record, suggest, CappedLines};
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
    /// The attributes the line sets (an unset optional is [`Val::Unset`]).
    pub attrs: BTreeMap<String, Val>,
    /// The line it was read from.
    pub line: usize,
}

/// One line of the events file.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub customer: String,
    pub at: Timestamp,
    pub event: String,
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

/// The numbered lines of a file, blank lines skipped.
struct Lines {
    path: PathBuf,
    lines: CappedLines<Box<dyn BufRead + Send>>,
    line: usize,
    done: bool,
}

impl Lines {
    fn new(path: &Path, reader: Box<dyn BufRead + Send>) -> Lines {
        Lines {
            path: path.to_path_buf(),
            lines: CappedLines::new(reader),
            line: 0,
            done: false,
        }
    }

    fn error(&self, line: usize, message: impl Into<String>) -> PopulationError {
        PopulationError {
            path: self.path.clone(),
            line: Some(line),
            message: message.into(),
        }
    }

    /// `result` of parsing line `line` as a record; after an error the
    /// file yields nothing more.
    fn finish<T>(
        &mut self,
        line: usize,
        result: Result<T, String>,
    ) -> Option<Result<T, PopulationError>> {
        match result {
            Ok(record) => Some(Ok(record)),
            Err(message) => {
                self.done = true;
                Some(Err(self.error(line, message)))
            }
        }
    }

    /// The next non-blank line and its number.
    fn next_line(&mut self) -> Option<Result<(usize, String), PopulationError>> {
        if self.done {
            return None;
        }
        loop {
            self.line += 1;
            match self.lines.next() {
                None => {
                    self.done = true;
                    return None;
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(self.error(self.line, e.message)));
                }
                Some(Ok(text)) if text.trim().is_empty() => continue,
                Some(Ok(text)) => return Some(Ok((self.line, text.into_owned()))),
            }
        }
    }
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
            reader: Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
            encoding,
        })
    }
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
fn cell_json(ty: &crate::check::model::Type, cell: &str) -> Json {
    use crate::check::model::Type;
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

/// The customers file, line by line.
pub struct Customers<'m> {
    model: &'m Model,
    lines: Lines,
    encoding: Encoding,
    /// CSV: the attribute of each column after `customer`.
    columns: Vec<&'m AttrDef>,
    last: Option<String>,
}

impl<'m> Customers<'m> {
    /// Opens the customers file at `path`.
    pub fn open(model: &'m Model, path: &Path) -> Result<Customers<'m>, PopulationError> {
        Customers::new(model, Source::open(path)?)
    }

    /// Reads a customers file; a CSV header is read (and checked) here.
    pub fn new(model: &'m Model, source: Source) -> Result<Customers<'m>, PopulationError> {
        let mut customers = Customers {
            model,
            lines: Lines::new(&source.path, source.reader),
            encoding: source.encoding,
            columns: Vec::new(),
            last: None,
        };
        if source.encoding == Encoding::Csv {
            customers.columns = customers.header()?;
        }
        Ok(customers)
    }

    fn header(&mut self) -> Result<Vec<&'m AttrDef>, PopulationError> {
        let (line, text) = match self.lines.next_line() {
            Some(r) => r?,
            None => return Ok(Vec::new()),
        };
        let cells = csv_cells(&text).map_err(|m| self.lines.error(line, m))?;
        if cells.first().map(String::as_str) != Some("customer") {
            return Err(self.lines.error(
                line,
                "the header must start with `customer`, then one column per attribute",
            ));
        }
        let attrs = &self.model.schema.attrs;
        let mut columns: Vec<&'m AttrDef> = Vec::new();
        for name in &cells[1..] {
            let Some(def) = attrs.iter().find(|a| &a.name == name) else {
                return Err(self.lines.error(
                    line,
                    format!(
                        "unknown attribute `{name}` in the header{}",
                        suggest(name, attrs.iter().map(|a| a.name.as_str()))
                    ),
                ));
            };
            if columns.iter().any(|c| c.name == *name) {
                return Err(self
                    .lines
                    .error(line, format!("the header names `{name}` twice")));
            }
            columns.push(def);
        }
        Ok(columns)
    }

    fn parse(&self, line: usize, text: &str) -> Result<CustomerRecord, String> {
        let (id, values): (String, Vec<(&'m AttrDef, Json)>) = match self.encoding {
            Encoding::JsonLines => {
                let json: Json =
                    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
                let Json::Object(mut obj) = json else {
                    return Err("each line must be a JSON object".into());
                };
                check_keys(&obj, &["customer", "attributes"])?;
                let id = customer_id(obj.get("customer"))?;
                let attrs = match obj.remove("attributes") {
                    None | Some(Json::Null) => serde_json::Map::new(),
                    Some(Json::Object(m)) => m,
                    Some(_) => return Err("\"attributes\" must be an object".into()),
                };
                let all = &self.model.schema.attrs;
                let mut values = Vec::new();
                for (name, value) in attrs {
                    let Some(def) = all.iter().find(|a| a.name == name) else {
                        return Err(format!(
                            "unknown attribute `{name}`{}",
                            suggest(&name, all.iter().map(|a| a.name.as_str()))
                        ));
                    };
                    values.push((def, value));
                }
                (id, values)
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
                (id, values)
            }
        };
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
        Ok(CustomerRecord { id, attrs, line })
    }
}

impl Customers<'_> {
    /// `record` if it comes after the previous one (then remembered).
    fn in_order(&mut self, record: CustomerRecord) -> Result<CustomerRecord, String> {
        match &self.last {
            Some(last) if record.id == *last => Err(format!(
                "customer `{}` appears twice (one line per customer)",
                record.id
            )),
            Some(last) if record.id < *last => Err(format!(
                "the file is not sorted: customer `{}` comes after `{last}` (sort it by customer id, as ORDER BY customer does)",
                record.id
            )),
            _ => {
                self.last = Some(record.id.clone());
                Ok(record)
            }
        }
    }
}

impl Iterator for Customers<'_> {
    type Item = Result<CustomerRecord, PopulationError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, text) = match self.lines.next_line()? {
            Ok(l) => l,
            Err(e) => return Some(Err(e)),
        };
        let record = self.parse(line, &text);
        let record = record.and_then(|r| self.in_order(r));
        self.lines.finish(line, record)
    }
}

/// The events file, line by line.
pub struct Events<'m> {
    model: &'m Model,
    lines: Lines,
    encoding: Encoding,
    last: Option<(String, Timestamp)>,
}

impl<'m> Events<'m> {
    /// Opens the events file at `path`.
    pub fn open(model: &'m Model, path: &Path) -> Result<Events<'m>, PopulationError> {
        Events::new(model, Source::open(path)?)
    }

    /// Reads an events file; a CSV header is read (and checked) here.
    pub fn new(model: &'m Model, source: Source) -> Result<Events<'m>, PopulationError> {
        let mut events = Events {
            model,
            lines: Lines::new(&source.path, source.reader),
            encoding: source.encoding,
            last: None,
        };
        if source.encoding == Encoding::Csv {
            if let Some(header) = events.lines.next_line() {
                let (line, text) = header?;
                let cells = csv_cells(&text).map_err(|m| events.lines.error(line, m))?;
                if cells != ["customer", "at", "event", "properties"] {
                    return Err(events
                        .lines
                        .error(line, "the header must be `customer,at,event,properties`"));
                }
            }
        }
        Ok(events)
    }

    fn parse(&self, line: usize, text: &str) -> Result<EventRecord, String> {
        let (customer, at, event, props) = match self.encoding {
            Encoding::JsonLines => {
                let json: Json =
                    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
                let Json::Object(mut obj) = json else {
                    return Err("each line must be a JSON object".into());
                };
                check_keys(&obj, &["customer", "at", "event", "properties"])?;
                let customer = customer_id(obj.get("customer"))?;
                let at = match obj.remove("at") {
                    Some(Json::String(at)) => at,
                    None => {
                        return Err(
                            "missing \"at\" (an instant like \"2026-03-01T10:00:00Z\")".into()
                        )
                    }
                    Some(other) => return Err(format!("\"at\" must be a string, found {other}")),
                };
                let event = match obj.remove("event") {
                    Some(Json::String(e)) => e,
                    None => return Err("missing \"event\"".into()),
                    Some(other) => {
                        return Err(format!("\"event\" must be a string, found {other}"))
                    }
                };
                let props = match obj.remove("properties") {
                    None | Some(Json::Null) => serde_json::Map::new(),
                    Some(Json::Object(m)) => m,
                    Some(_) => return Err("\"properties\" must be an object".into()),
                };
                (customer, at, event, props)
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
                (customer, at, event, props)
            }
        };
        let at = at.parse::<Timestamp>().map_err(|_| {
            format!("\"at\": `{at}` is not an instant like \"2026-03-01T10:00:00Z\" (a date-time with Z or an offset)")
        })?;
        let events = &self.model.schema.events;
        let Some(def) = events.iter().find(|e| e.name == event) else {
            return Err(format!(
                "unknown event `{event}`{}",
                suggest(&event, events.iter().map(|e| e.name.as_str()))
            ));
        };
        let props = record(self.model, &def.fields, &props, &format!("event `{event}`"))?;
        Ok(EventRecord {
            customer,
            at,
            event,
            props,
            line,
        })
    }
}

impl Events<'_> {
    /// `record` if it comes after the previous one (then remembered).
    fn in_order(&mut self, record: EventRecord) -> Result<EventRecord, String> {
        let hint = "(sort it by customer, then at, as ORDER BY customer, at does)";
        match &self.last {
            Some((customer, _)) if record.customer < *customer => Err(format!(
                "the file is not sorted: customer `{}` comes after `{customer}` {hint}",
                record.customer
            )),
            Some((customer, at)) if record.customer == *customer && record.at < *at => {
                Err(format!(
                    "the file is not sorted: customer `{customer}`'s event at {} comes after one at {at} {hint}",
                    record.at
                ))
            }
            _ => {
                self.last = Some((record.customer.clone(), record.at));
                Ok(record)
            }
        }
    }
}

impl Iterator for Events<'_> {
    type Item = Result<EventRecord, PopulationError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, text) = match self.lines.next_line()? {
            Ok(l) => l,
            Err(e) => return Some(Err(e)),
        };
        let record = self.parse(line, &text);
        let record = record.and_then(|r| self.in_order(r));
        self.lines.finish(line, record)
    }
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

/// The customers file and the events file merged by customer: each
/// customer with their events. An event of a customer the customers file
/// does not have is an error naming its line.
pub struct Population<'m> {
    customers: Customers<'m>,
    events: Events<'m>,
    /// The first event of the next customer, read ahead.
    pending: Option<EventRecord>,
    /// The next customer, read ahead so that a customers file out of
    /// order is reported as such rather than as events of an unknown
    /// customer.
    ahead: Option<CustomerRecord>,
    done: bool,
}

impl<'m> Population<'m> {
    /// Opens both files.
    pub fn open(
        model: &'m Model,
        customers: &Path,
        events: &Path,
    ) -> Result<Population<'m>, PopulationError> {
        Ok(Population::new(
            Customers::open(model, customers)?,
            Events::open(model, events)?,
        ))
    }

    pub fn new(customers: Customers<'m>, events: Events<'m>) -> Population<'m> {
        Population {
            customers,
            events,
            pending: None,
            ahead: None,
            done: false,
        }
    }

    fn stray(&self, event: &EventRecord) -> PopulationError {
        self.events.lines.error(
            event.line,
            format!(
                "customer `{}` is not in the customers file ({})",
                event.customer,
                self.customers.lines.path.display()
            ),
        )
    }

    fn next_event(&mut self) -> Option<Result<EventRecord, PopulationError>> {
        self.pending.take().map(Ok).or_else(|| self.events.next())
    }

    fn merge(&mut self) -> Option<Result<Member, PopulationError>> {
        let next = match self.ahead.take() {
            Some(c) => Some(Ok(c)),
            None => self.customers.next(),
        };
        match self.customers.next() {
            Some(Ok(c)) => self.ahead = Some(c),
            Some(Err(e)) => return Some(Err(e)),
            None => {}
        }
        let customer = match next {
            Some(Ok(c)) => c,
            Some(Err(e)) => return Some(Err(e)),
            None => {
                return match self.next_event()? {
                    Ok(stray) => Some(Err(self.stray(&stray))),
                    Err(e) => Some(Err(e)),
                };
            }
        };
        let mut events = Vec::new();
        while let Some(event) = self.next_event() {
            let event = match event {
                Ok(e) => e,
                Err(e) => return Some(Err(e)),
            };
            match event.customer.cmp(&customer.id) {
                std::cmp::Ordering::Less => return Some(Err(self.stray(&event))),
                std::cmp::Ordering::Equal => events.push(event),
                std::cmp::Ordering::Greater => {
                    self.pending = Some(event);
                    break;
                }
            }
        }
        Some(Ok(Member { customer, events }))
    }
}

impl Iterator for Population<'_> {
    type Item = Result<Member, PopulationError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.merge();
        if !matches!(next, Some(Ok(_))) {
            self.done = true;
        }
        next
    }
}
