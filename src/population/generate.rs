//! A seeded, realistic population for a project's schema: what
//! `campaignc sample-data` writes (docs/population.md).
//!
//! Every customer is generated from its own random stream, seeded by the
//! run's seed and the customer's number, so a customer's lines do not
//! depend on the others, and blocks of customers are generated in
//! parallel and written in order: the same seed and `now` give
//! byte-identical files on any number of threads. Memory stays constant:
//! at most [`BATCH`] blocks of [`BLOCK`] customers are held at a time.
//!
//! Values are typed by the schema (an enum gets one of its variants, an
//! email an address, money an amount in its currency with its minor
//! digits), and shaped by the name of the attribute or property where a
//! name says something (`first_name`, `order_id`, `quantity`, `total`,
//! `signed_up_at`, consent flags): a generator for any project, not for
//! the example one.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rayon::prelude::*;

use crate::check::model::{AttrDef, Channel, FieldDef, Model, Type};
use crate::plan::lower::attr_of_type;

/// The format of the files: JSON Lines or CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
}

impl Format {
    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many customers.
    pub customers: u64,
    /// The random seed: the same seed (and `now`) gives the same files.
    pub seed: u64,
    pub format: Format,
    /// The end of the generated year: every time is before it.
    pub now: Timestamp,
    /// The average number of events per customer (most have fewer, a few
    /// many more).
    pub events_per_customer: f64,
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub customers: u64,
    pub events: u64,
    pub customers_path: PathBuf,
    pub events_path: PathBuf,
}

/// Customers generated together by one task.
const BLOCK: u64 = 1024;
/// Blocks generated in parallel before they are written.
const BATCH: u64 = 16;
/// The generated year.
const YEAR_SECONDS: i64 = 365 * 86_400;

/// The two files of a population in `dir`: `customers.EXT`, `events.EXT`.
pub fn file_paths(dir: &Path, format: Format) -> (PathBuf, PathBuf) {
    let ext = format.extension();
    (
        dir.join(format!("customers.{ext}")),
        dir.join(format!("events.{ext}")),
    )
}

/// Writes `customers.EXT` and `events.EXT` into `dir` (created when
/// missing). Each file is written under a temporary name and renamed when
/// complete, so a failed run leaves no half file under the real name.
pub fn write_files(model: &Model, options: &Options, dir: &Path) -> io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let (customers_path, events_path) = file_paths(dir, options.format);
    let partial = |p: &Path| {
        let mut name = std::ffi::OsString::from(".");
        name.push(p.file_name().unwrap_or_default());
        name.push(".partial");
        p.with_file_name(name)
    };
    let (c_tmp, e_tmp) = (partial(&customers_path), partial(&events_path));
    let result = (|| {
        let mut customers = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&c_tmp)?);
        let mut events = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&e_tmp)?);
        let counts = generate(model, options, &mut customers, &mut events)?;
        customers.into_inner().map_err(|e| e.into_error())?;
        events.into_inner().map_err(|e| e.into_error())?;
        std::fs::rename(&c_tmp, &customers_path)?;
        std::fs::rename(&e_tmp, &events_path)?;
        Ok(counts)
    })();
    match result {
        Ok((customers, events)) => Ok(Written {
            customers,
            events,
            customers_path,
            events_path,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&c_tmp);
            let _ = std::fs::remove_file(&e_tmp);
            Err(e)
        }
    }
}

/// Writes the customers and the events of the population to the two
/// writers; returns how many of each.
pub fn generate(
    model: &Model,
    options: &Options,
    customers: &mut impl Write,
    events: &mut impl Write,
) -> io::Result<(u64, u64)> {
    let world = World::new(model, options);
    world.write_headers(customers, events)?;
    let blocks = options.customers.div_ceil(BLOCK);
    let mut event_count = 0;
    let mut first = 0;
    while first < blocks {
        let last = (first + BATCH).min(blocks);
        let done: Vec<Block> = (first..last)
            .into_par_iter()
            .map(|b| {
                let end = ((b + 1) * BLOCK).min(options.customers);
                world.block(b * BLOCK..end)
            })
            .collect();
        for block in done {
            customers.write_all(&block.customers)?;
            events.write_all(&block.events)?;
            event_count += block.event_count;
        }
        first = last;
    }
    Ok((options.customers, event_count))
}

/// The lines of a block of customers.
struct Block {
    customers: Vec<u8>,
    events: Vec<u8>,
    event_count: u64,
}

/// A generated value, written as JSON or as a CSV cell.
#[derive(Clone, Debug)]
enum Out {
    Null,
    Bool(bool),
    /// A number, as its JSON text.
    Number(String),
    Str(String),
    Time(Timestamp),
    List(Vec<Out>),
    Object(Vec<(String, Out)>),
}

impl Out {
    fn json(&self, buf: &mut Vec<u8>) {
        match self {
            Out::Null => buf.extend_from_slice(b"null"),
            Out::Bool(b) => buf.extend_from_slice(if *b { b"true" } else { b"false" }),
            Out::Number(n) => buf.extend_from_slice(n.as_bytes()),
            Out::Str(s) => json_string(buf, s),
            Out::Time(t) => {
                buf.push(b'"');
                let _ = write!(buf, "{t}");
                buf.push(b'"');
            }
            Out::List(items) => {
                buf.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    item.json(buf);
                }
                buf.push(b']');
            }
            Out::Object(fields) => {
                buf.push(b'{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    json_string(buf, k);
                    buf.push(b':');
                    v.json(buf);
                }
                buf.push(b'}');
            }
        }
    }

    /// The text of a CSV cell: empty for unset, JSON for lists and records.
    fn cell(&self) -> String {
        match self {
            Out::Null => String::new(),
            Out::Bool(b) => b.to_string(),
            Out::Number(n) => n.clone(),
            Out::Str(s) => s.clone(),
            Out::Time(t) => t.to_string(),
            Out::List(_) | Out::Object(_) => {
                let mut buf = Vec::new();
                self.json(&mut buf);
                String::from_utf8(buf).unwrap_or_default()
            }
        }
    }
}

fn json_string(buf: &mut Vec<u8>, s: &str) {
    // serde_json's escaping; writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, s);
}

/// A time zone customers live in: its IANA name, telephone country code
/// and national number length, the languages spoken there, and its
/// transitions (DST changes) in the generated year.
struct Zone {
    name: &'static str,
    calling_code: &'static str,
    digits: usize,
    transitions: Vec<Timestamp>,
}

/// (zone, calling code, national digits, languages): zones with DST in
/// both hemispheres, without DST, and with half- and quarter-hour offsets.
const ZONES: &[(&str, &str, usize, &[&str])] = &[
    ("America/New_York", "1", 10, &["en", "es"]),
    ("America/Chicago", "1", 10, &["en", "es"]),
    ("America/Denver", "1", 10, &["en"]),
    ("America/Los_Angeles", "1", 10, &["en", "es", "vi", "zh"]),
    ("America/Phoenix", "1", 10, &["en"]),
    ("Pacific/Honolulu", "1", 10, &["en", "ja"]),
    ("America/St_Johns", "1", 10, &["en"]),
    ("America/Mexico_City", "52", 10, &["es"]),
    ("America/Sao_Paulo", "55", 11, &["pt"]),
    ("Europe/London", "44", 10, &["en"]),
    ("Europe/Dublin", "353", 9, &["en"]),
    ("Europe/Prague", "420", 9, &["cs", "sk"]),
    ("Europe/Berlin", "49", 11, &["de"]),
    ("Europe/Paris", "33", 9, &["fr"]),
    ("Europe/Madrid", "34", 9, &["es"]),
    ("Europe/Lisbon", "351", 9, &["pt"]),
    ("Africa/Lagos", "234", 10, &["en"]),
    ("Africa/Cairo", "20", 10, &["ar"]),
    ("Asia/Kolkata", "91", 10, &["hi", "en"]),
    ("Asia/Kathmandu", "977", 10, &["ne"]),
    ("Asia/Ho_Chi_Minh", "84", 9, &["vi"]),
    ("Asia/Bangkok", "66", 9, &["th"]),
    ("Asia/Singapore", "65", 8, &["en", "zh"]),
    ("Asia/Taipei", "886", 9, &["zh"]),
    ("Asia/Tokyo", "81", 10, &["ja"]),
    ("Asia/Seoul", "82", 10, &["ko"]),
    ("Australia/Sydney", "61", 9, &["en"]),
    ("Australia/Adelaide", "61", 9, &["en"]),
    ("Australia/Brisbane", "61", 9, &["en"]),
    ("Pacific/Auckland", "64", 9, &["en"]),
    ("Pacific/Chatham", "64", 9, &["en"]),
    ("UTC", "44", 10, &[]),
];

/// First and last names by language: (as written, in ASCII for emails).
type Names = &'static [(&'static str, &'static str)];

fn names(language: &str) -> (Names, Names) {
    match language {
        "vi" => (
            &[
                ("Linh", "linh"),
                ("Minh", "minh"),
                ("Anh", "anh"),
                ("Hương", "huong"),
                ("Tuấn", "tuan"),
                ("Lan", "lan"),
                ("Đức", "duc"),
                ("Mai", "mai"),
                ("Thảo", "thao"),
                ("Nam", "nam"),
            ],
            &[
                ("Nguyễn", "nguyen"),
                ("Trần", "tran"),
                ("Lê", "le"),
                ("Phạm", "pham"),
                ("Hoàng", "hoang"),
                ("Vũ", "vu"),
            ],
        ),
        "cs" | "sk" => (
            &[
                ("Jana", "jana"),
                ("Petr", "petr"),
                ("Tomáš", "tomas"),
                ("Lucie", "lucie"),
                ("Anička", "anicka"),
                ("Jiří", "jiri"),
                ("Tereza", "tereza"),
                ("Ondřej", "ondrej"),
                ("Eliška", "eliska"),
            ],
            &[
                ("Novák", "novak"),
                ("Svoboda", "svoboda"),
                ("Dvořák", "dvorak"),
                ("Černá", "cerna"),
                ("Procházka", "prochazka"),
            ],
        ),
        "zh" => (
            &[
                ("怡君", "yijun"),
                ("志明", "zhiming"),
                ("雅婷", "yating"),
                ("家豪", "jiahao"),
                ("淑芬", "shufen"),
                ("俊傑", "junjie"),
            ],
            &[
                ("陳", "chen"),
                ("林", "lin"),
                ("黃", "huang"),
                ("張", "zhang"),
                ("李", "li"),
            ],
        ),
        "ja" => (
            &[
                ("陽翔", "haruto"),
                ("さくら", "sakura"),
                ("蓮", "ren"),
                ("結衣", "yui"),
            ],
            &[("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi")],
        ),
        "de" => (
            &[
                ("Jürgen", "juergen"),
                ("Anna", "anna"),
                ("Lukas", "lukas"),
                ("Mia", "mia"),
            ],
            &[
                ("Müller", "mueller"),
                ("Schmidt", "schmidt"),
                ("Weber", "weber"),
            ],
        ),
        "fr" => (
            &[
                ("Léa", "lea"),
                ("Hugo", "hugo"),
                ("Chloé", "chloe"),
                ("Louis", "louis"),
            ],
            &[
                ("Martin", "martin"),
                ("Bernard", "bernard"),
                ("Dubois", "dubois"),
            ],
        ),
        "es" | "pt" => (
            &[
                ("José", "jose"),
                ("María", "maria"),
                ("João", "joao"),
                ("Lucía", "lucia"),
                ("Mateo", "mateo"),
            ],
            &[("García", "garcia"), ("Silva", "silva"), ("López", "lopez")],
        ),
        _ => (
            &[
                ("James", "james"),
                ("Mary", "mary"),
                ("Olivia", "olivia"),
                ("Liam", "liam"),
                ("Emma", "emma"),
                ("Noah", "noah"),
                ("Ava", "ava"),
                ("Ethan", "ethan"),
                ("Zoë", "zoe"),
                ("O'Neil", "oneil"),
            ],
            &[
                ("Smith", "smith"),
                ("Johnson", "johnson"),
                ("Brown", "brown"),
                ("Garcia", "garcia"),
                ("Taylor", "taylor"),
                ("Wilson", "wilson"),
            ],
        ),
    }
}

const PRODUCTS: &[&str] = &[
    "House Blend 250 g",
    "Single Origin Sampler",
    "Starter Kit",
    "Gift Card",
    "Travel Mug",
    "Monthly Box",
    "Oolong \"High Mountain\" 100 g",
    "Filter Papers, 100 pcs",
];
const SOURCES: &[&str] = &["organic", "ads", "referral", "newsletter", "social", "app"];
const REASONS: &[&str] = &[
    "too expensive",
    "not enough time",
    "moving abroad",
    "found another shop",
    "other",
];
const WORDS: &[&str] = &[
    "alpha", "blue", "north", "spring", "river", "maple", "orbit", "velvet", "ember", "lumen",
];
const DOMAINS: &[&str] = &["example.com", "example.net", "example.org", "mail.example"];

/// How an event shows up in a customer's history.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Frequency {
    /// Once, when the customer joined (`signed_up`, `registered`).
    AtJoin,
    /// Now and then, with a relative weight.
    Weight(f64),
}

struct EventKind<'m> {
    name: &'m str,
    fields: &'m [FieldDef],
    frequency: Frequency,
}

fn frequency(name: &str) -> Frequency {
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&[
        "sign_up",
        "signed_up",
        "signup",
        "register",
        "account_created",
    ]) {
        Frequency::AtJoin
    } else if has(&["open", "view", "visit", "click", "session", "seen", "login"]) {
        Frequency::Weight(8.0)
    } else if has(&["order", "purchase", "placed", "bought", "paid", "cart"]) {
        Frequency::Weight(2.5)
    } else if has(&[
        "cancel",
        "refund",
        "churn",
        "unsubscribe",
        "deleted",
        "complain",
    ]) {
        Frequency::Weight(0.2)
    } else {
        Frequency::Weight(1.0)
    }
}

/// Everything about the project and the run that every customer shares.
struct World<'m> {
    model: &'m Model,
    options: &'m Options,
    /// The project's locales, the default first.
    locales: Vec<String>,
    zones: Vec<Zone>,
    locale_attr: Option<usize>,
    zone_attr: Option<usize>,
    kinds: Vec<EventKind<'m>>,
    /// Sum of the weights of the events that happen now and then.
    total_weight: f64,
    id_width: usize,
    start: Timestamp,
}

/// One customer being generated.
struct Customer<'w> {
    number: u64,
    rng: fastrand::Rng,
    locale: String,
    zone: &'w Zone,
    first: (&'static str, &'static str),
    last: (&'static str, &'static str),
    joined: Timestamp,
}

impl<'m> World<'m> {
    fn new(model: &'m Model, options: &'m Options) -> World<'m> {
        let mut locales = vec![model.defaults.locale.clone()];
        let mut others: Vec<&String> = model.campaigns.iter().flat_map(|c| &c.locales).collect();
        others.sort();
        others.dedup();
        locales.extend(
            others
                .into_iter()
                .filter(|l| **l != model.defaults.locale)
                .cloned(),
        );
        let now = options.now;
        let start = now - SignedDuration::from_secs(YEAR_SECONDS);
        let zones = ZONES
            .iter()
            .map(|&(name, calling_code, digits, _)| {
                let transitions = TimeZone::get(name)
                    .map(|tz| {
                        tz.following(start)
                            .take_while(|t| t.timestamp() < now)
                            .map(|t| t.timestamp())
                            .collect()
                    })
                    .unwrap_or_default();
                Zone {
                    name,
                    calling_code,
                    digits,
                    transitions,
                }
            })
            .collect();
        let attr_of = |ty: &Type, preferred: &str| {
            let name = attr_of_type(model, ty, preferred)?;
            model.schema.attrs.iter().position(|a| a.name == name)
        };
        let kinds: Vec<EventKind> = model
            .schema
            .events
            .iter()
            .map(|e| EventKind {
                name: &e.name,
                fields: &e.fields,
                frequency: frequency(&e.name),
            })
            .collect();
        let total_weight = kinds
            .iter()
            .map(|k| match k.frequency {
                Frequency::Weight(w) => w,
                Frequency::AtJoin => 0.0,
            })
            .sum();
        World {
            model,
            options,
            locales,
            zones,
            locale_attr: attr_of(&Type::Locale, "locale"),
            zone_attr: attr_of(&Type::Timezone, "timezone"),
            kinds,
            total_weight,
            id_width: options.customers.to_string().len().max(7),
            start,
        }
    }

    fn write_headers(&self, customers: &mut impl Write, events: &mut impl Write) -> io::Result<()> {
        if self.options.format == Format::Csv {
            let mut header = vec!["customer"];
            header.extend(self.model.schema.attrs.iter().map(|a| a.name.as_str()));
            let mut w = csv::Writer::from_writer(customers);
            w.write_record(&header)?;
            w.flush()?;
            let mut w = csv::Writer::from_writer(events);
            w.write_record(["customer", "at", "event", "properties"])?;
            w.flush()?;
        }
        Ok(())
    }

    fn block(&self, numbers: std::ops::Range<u64>) -> Block {
        let mut block = Block {
            customers: Vec::with_capacity(256 * BLOCK as usize),
            events: Vec::new(),
            event_count: 0,
        };
        let mut customers_csv = csv::Writer::from_writer(Vec::new());
        let mut events_csv = csv::Writer::from_writer(Vec::new());
        for number in numbers {
            let mut c = self.customer(number + 1);
            let id = format!("c{:0width$}", number + 1, width = self.id_width);
            let attributes: Vec<(String, Out)> = self
                .model
                .schema
                .attrs
                .iter()
                .enumerate()
                .map(|(i, a)| (a.name.clone(), self.attribute(&mut c, i, a)))
                .collect();
            let happenings = self.events(&mut c);
            match self.options.format {
                Format::Jsonl => {
                    let buf = &mut block.customers;
                    buf.extend_from_slice(b"{\"customer\":");
                    json_string(buf, &id);
                    buf.extend_from_slice(b",\"attributes\":");
                    Out::Object(attributes).json(buf);
                    buf.extend_from_slice(b"}\n");
                    for (at, name, props) in &happenings {
                        let buf = &mut block.events;
                        buf.extend_from_slice(b"{\"customer\":");
                        json_string(buf, &id);
                        let _ = write!(buf, ",\"at\":\"{at}\",\"event\":");
                        json_string(buf, name);
                        buf.extend_from_slice(b",\"properties\":");
                        props.json(buf);
                        buf.extend_from_slice(b"}\n");
                    }
                }
                Format::Csv => {
                    let mut row = vec![id.clone()];
                    row.extend(attributes.iter().map(|(_, v)| v.cell()));
                    let _ = customers_csv.write_record(&row);
                    for (at, name, props) in &happenings {
                        let at = at.to_string();
                        let props = props.cell();
                        let _ = events_csv.write_record([id.as_str(), &at, name, &props]);
                    }
                }
            }
            block.event_count += happenings.len() as u64;
        }
        if self.options.format == Format::Csv {
            // Writers into a Vec cannot fail.
            block.customers = customers_csv.into_inner().unwrap_or_default();
            block.events = events_csv.into_inner().unwrap_or_default();
        }
        block
    }

    fn customer(&self, number: u64) -> Customer<'_> {
        let mut rng = fastrand::Rng::with_seed(mix(self.options.seed, number));
        // The default locale is the most common one.
        let locale = if self.locales.len() == 1 || rng.f64() < 0.4 {
            self.locales[0].clone()
        } else {
            self.locales[rng.usize(1..self.locales.len())].clone()
        };
        let language = locale.split(['-', '_']).next().unwrap_or("").to_string();
        let local: Vec<usize> = ZONES
            .iter()
            .enumerate()
            .filter(|(_, z)| z.3.contains(&language.as_str()))
            .map(|(i, _)| i)
            .collect();
        let zone = if local.is_empty() || rng.f64() < 0.15 {
            rng.usize(0..self.zones.len())
        } else {
            local[rng.usize(0..local.len())]
        };
        let (firsts, lasts) = names(&language);
        let first = firsts[rng.usize(0..firsts.len())];
        let last = lasts[rng.usize(0..lasts.len())];
        let joined = self.start + SignedDuration::from_secs(rng.i64(0..YEAR_SECONDS));
        Customer {
            number,
            rng,
            locale,
            zone: &self.zones[zone],
            first,
            last,
            joined,
        }
    }

    fn attribute(&self, c: &mut Customer, index: usize, a: &AttrDef) -> Out {
        let is_locale = Some(index) == self.locale_attr;
        if (is_locale || Some(index) == self.zone_attr) && a.ty.is_optional() && c.rng.f64() < 0.1 {
            return Out::Null;
        }
        if is_locale {
            return Out::Str(c.locale.clone());
        }
        if Some(index) == self.zone_attr {
            return Out::Str(c.zone.name.into());
        }
        if let (Some(channel), Type::Bool) = (a.consent, a.ty.strip_optional()) {
            let rate = match channel {
                Channel::Email => 0.62,
                Channel::Sms => 0.28,
                Channel::Push => 0.45,
                _ => 0.5,
            };
            if a.ty.is_optional() && c.rng.f64() < 0.1 {
                return Out::Null;
            }
            return Out::Bool(c.rng.f64() < rate);
        }
        let name = a.name.to_ascii_lowercase();
        let joined = c.joined;
        self.value(c, &a.ty, &name, joined, self.options.now)
    }

    /// A value of `ty` for something named `name`; times fall between
    /// `from` and `until`.
    fn value(
        &self,
        c: &mut Customer,
        ty: &Type,
        name: &str,
        from: Timestamp,
        until: Timestamp,
    ) -> Out {
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        match ty {
            Type::Optional(inner) => {
                let unset = if has(&["phone", "mobile"]) {
                    0.35
                } else if has(&["name"]) {
                    0.25
                } else {
                    0.2
                };
                if c.rng.f64() < unset {
                    Out::Null
                } else {
                    self.value(c, inner, name, from, until)
                }
            }
            Type::Bool => Out::Bool(c.rng.f64() < if has(&["renew"]) { 0.6 } else { 0.5 }),
            Type::Int => {
                let n = if has(&["point", "balance", "credit"]) {
                    (skewed(&mut c.rng, 300.0)).round() as i64
                } else if has(&["count", "quantity", "qty", "items", "number", "seats"]) {
                    1 + (skewed(&mut c.rng, 1.2)).floor() as i64
                } else if has(&["age"]) {
                    c.rng.i64(18..80)
                } else if has(&["year"]) {
                    c.rng.i64(1950..2008)
                } else {
                    (skewed(&mut c.rng, 20.0)).round() as i64
                };
                Out::Number(n.to_string())
            }
            Type::Decimal => {
                if has(&["rate", "ratio", "score", "probability", "share"]) {
                    Out::Number(format!("{:.3}", c.rng.f64()))
                } else {
                    Out::Number(format!("{:.2}", skewed(&mut c.rng, 40.0)))
                }
            }
            Type::Money(currency) => {
                let median = if has(&["lifetime", "ltv", "spent", "revenue"]) {
                    120.0
                } else {
                    32.0
                };
                let zero =
                    has(&["lifetime", "ltv", "spent", "revenue", "balance"]) && c.rng.f64() < 0.15;
                let amount = if zero {
                    0.0
                } else {
                    skewed(&mut c.rng, median)
                };
                Out::Number(money(amount, currency))
            }
            Type::String => Out::Str(self.string(c, name)),
            Type::Email => {
                let domain = DOMAINS[c.rng.usize(0..DOMAINS.len())];
                let text = if c.rng.bool() {
                    format!("{}.{}{}@{domain}", c.first.1, c.last.1, c.number)
                } else {
                    format!("{}{}+shop@{domain}", c.first.1, c.number)
                };
                Out::Str(text)
            }
            Type::Phone => {
                let mut digits = String::with_capacity(16);
                digits.push('+');
                digits.push_str(c.zone.calling_code);
                digits.push(char::from(b'2' + c.rng.u8(0..8)));
                for _ in 1..c.zone.digits {
                    digits.push(char::from(b'0' + c.rng.u8(0..10)));
                }
                Out::Str(digits)
            }
            Type::Url => {
                let n = c.rng.u32(1000..999_999);
                let text = if has(&["cart", "checkout"]) {
                    format!("https://shop.example.com/cart/{n}")
                } else if has(&["image", "img", "photo", "avatar"]) {
                    format!("https://cdn.example.com/img/{n}.jpg")
                } else {
                    format!("https://shop.example.com/p/{n}")
                };
                Out::Str(text)
            }
            Type::Locale => Out::Str(self.locales[c.rng.usize(0..self.locales.len())].clone()),
            Type::Timezone => Out::Str(self.zones[c.rng.usize(0..self.zones.len())].name.into()),
            Type::Time => {
                if has(&["signed_up", "signup", "created", "joined", "registered"]) {
                    Out::Time(from)
                } else {
                    Out::Time(between(&mut c.rng, from, until))
                }
            }
            Type::Date => {
                let (lo, hi) = if has(&["birth"]) {
                    (
                        jiff::civil::date(1950, 1, 1),
                        jiff::civil::date(2007, 12, 31),
                    )
                } else {
                    let tz = TimeZone::UTC;
                    (from.to_zoned(tz.clone()).date(), until.to_zoned(tz).date())
                };
                let span = lo.until(hi).map(|s| s.get_days()).unwrap_or(0).max(0);
                let day = lo
                    .checked_add(jiff::Span::new().days(c.rng.i64(0..=span as i64)))
                    .unwrap_or(lo);
                Out::Str(day.to_string())
            }
            Type::Duration => {
                const DURATIONS: &[&str] = &["30m", "1h", "2h", "1d", "3d", "7d", "14d", "30d"];
                Out::Str(DURATIONS[c.rng.usize(0..DURATIONS.len())].into())
            }
            Type::Enum(variants) => Out::Str(variants[zipf(&mut c.rng, variants.len())].clone()),
            Type::List(item) => {
                // A cart's items or an order's lines are never empty.
                let never_empty = has(&["item", "line", "product"]);
                let n = if !never_empty && c.rng.f64() < 0.1 {
                    0
                } else {
                    1 + zipf(&mut c.rng, 4)
                };
                Out::List(
                    (0..n)
                        .map(|_| self.value(c, item, name, from, until))
                        .collect(),
                )
            }
            Type::Record(id) => {
                let def = self.model.record(*id);
                self.fields(c, &def.fields, from, until)
            }
            Type::Error => Out::Null,
        }
    }

    fn fields(
        &self,
        c: &mut Customer,
        fields: &[FieldDef],
        from: Timestamp,
        until: Timestamp,
    ) -> Out {
        Out::Object(
            fields
                .iter()
                .map(|f| {
                    let name = f.name.to_ascii_lowercase();
                    (f.name.clone(), self.value(c, &f.ty, &name, from, until))
                })
                .collect(),
        )
    }

    fn string(&self, c: &mut Customer, name: &str) -> String {
        let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
        // A string named like an enum attribute takes its variants
        // (`subscription_started { plan: string }` and `attr plan: enum(…)`).
        let like_enum = self
            .model
            .schema
            .attrs
            .iter()
            .find_map(|a| match a.ty.strip_optional() {
                Type::Enum(v) if a.name == name => Some(v.clone()),
                _ => None,
            });
        if let Some(variants) = like_enum {
            return variants[zipf(&mut c.rng, variants.len())].clone();
        }
        let pick =
            |rng: &mut fastrand::Rng, list: &[&str]| list[rng.usize(0..list.len())].to_string();
        if name == "first_name" || name == "given_name" {
            c.first.0.into()
        } else if has(&["last_name", "surname", "family_name"]) {
            c.last.0.into()
        } else if has(&["friend", "full_name", "contact"]) {
            let (firsts, lasts) = names(c.locale.split(['-', '_']).next().unwrap_or(""));
            format!(
                "{} {}",
                firsts[c.rng.usize(0..firsts.len())].0,
                lasts[c.rng.usize(0..lasts.len())].0
            )
        } else if has(&["code", "coupon", "voucher"]) {
            (0..8)
                .map(|_| {
                    let ch = c.rng.alphanumeric();
                    ch.to_ascii_uppercase()
                })
                .collect()
        } else if name.ends_with("_id") || name == "id" || has(&["sku", "reference"]) {
            let prefix: String = name
                .chars()
                .filter(char::is_ascii_alphabetic)
                .take(3)
                .collect::<String>()
                .to_ascii_uppercase();
            format!("{prefix}-{:06}", c.rng.u32(0..1_000_000))
        } else if has(&["source", "channel", "utm", "medium", "referrer"]) {
            pick(&mut c.rng, SOURCES)
        } else if has(&["reason", "feedback", "comment"]) {
            pick(&mut c.rng, REASONS)
        } else if has(&["zip", "postal", "postcode"]) {
            format!("{:05}", c.rng.u32(1000..99_999))
        } else if has(&["street", "address"]) {
            format!(
                "{} {} Street",
                c.rng.u16(1..300),
                capitalized(pick(&mut c.rng, WORDS))
            )
        } else if has(&["city", "town"]) {
            let city = c.zone.name.rsplit('/').next().unwrap_or("Prague");
            city.replace('_', " ")
        } else if has(&["name", "product", "title", "item"]) {
            pick(&mut c.rng, PRODUCTS)
        } else {
            format!("{}-{}", pick(&mut c.rng, WORDS), c.rng.u16(1..1000))
        }
    }

    /// The customer's events, in time order.
    fn events(&self, c: &mut Customer) -> Vec<(Timestamp, &'m str, Out)> {
        let now = self.options.now;
        let mut times: Vec<(Timestamp, usize)> = Vec::new();
        if let Some(k) = self
            .kinds
            .iter()
            .position(|k| k.frequency == Frequency::AtJoin)
        {
            times.push((c.joined, k));
        }
        let n = if self.total_weight > 0.0 {
            let mean = self.options.events_per_customer.max(0.0);
            (skewed(&mut c.rng, mean * 0.43).round() as usize).min((mean * 60.0) as usize + 10)
        } else {
            0
        };
        for _ in 0..n {
            let at = between(&mut c.rng, c.joined, now);
            times.push((at, self.pick_kind(&mut c.rng)));
        }
        // Some customers do something around a change of their clock.
        let near: Vec<Timestamp> = c
            .zone
            .transitions
            .iter()
            .copied()
            .filter(|t| *t > c.joined + SignedDuration::from_hours(3))
            .collect();
        if !near.is_empty() && self.total_weight > 0.0 && c.rng.f64() < 0.2 {
            for _ in 0..1 + c.rng.usize(0..2) {
                let t = near[c.rng.usize(0..near.len())];
                let at = t + SignedDuration::from_secs(c.rng.i64(-3 * 3600..3 * 3600));
                if at < now {
                    times.push((at, self.pick_kind(&mut c.rng)));
                }
            }
        }
        times.sort_by_key(|&(at, _)| at);
        times
            .into_iter()
            .map(|(at, k)| {
                let kind = &self.kinds[k];
                let joined = c.joined;
                let props = self.fields(c, kind.fields, joined, at);
                (at, kind.name, props)
            })
            .collect()
    }

    fn pick_kind(&self, rng: &mut fastrand::Rng) -> usize {
        let mut x = rng.f64() * self.total_weight;
        let mut last = 0;
        for (i, k) in self.kinds.iter().enumerate() {
            if let Frequency::Weight(w) = k.frequency {
                last = i;
                if x < w {
                    return i;
                }
                x -= w;
            }
        }
        last
    }
}

fn capitalized(word: String) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The seed of customer `number`'s random stream (SplitMix64 of both).
fn mix(seed: u64, number: u64) -> u64 {
    let mut z = seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A log-normal amount with the given median: most values near it, a few
/// many times larger (order totals, balances, event counts).
fn skewed(rng: &mut fastrand::Rng, median: f64) -> f64 {
    // Box–Muller: a standard normal from two uniforms.
    let u1 = rng.f64().max(f64::MIN_POSITIVE);
    let u2 = rng.f64();
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    median * (1.3 * z).exp()
}

/// An index below `n`, the first ones more likely (1, 1/2, 1/3, …).
fn zipf(rng: &mut fastrand::Rng, n: usize) -> usize {
    let total: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
    let mut x = rng.f64() * total;
    for k in 1..=n {
        x -= 1.0 / k as f64;
        if x < 0.0 {
            return k - 1;
        }
    }
    n.saturating_sub(1)
}

/// An instant in `[from, until)`, whole seconds (`from` when empty).
fn between(rng: &mut fastrand::Rng, from: Timestamp, until: Timestamp) -> Timestamp {
    let (a, b) = (from.as_second(), until.as_second());
    if b <= a {
        return from;
    }
    Timestamp::from_second(rng.i64(a..b)).unwrap_or(from)
}

/// An amount of money in `currency`, with its minor digits and scaled
/// so a coffee costs what it costs there (JPY, VND, …).
fn money(usd: f64, currency: &str) -> String {
    let (digits, factor) = match currency {
        "JPY" => (0, 150.0),
        "KRW" => (0, 1300.0),
        "VND" => (0, 25_000.0),
        "CLP" | "ISK" | "PYG" | "UGX" | "XAF" | "XOF" => (0, 900.0),
        "BHD" | "KWD" | "OMR" | "JOD" => (3, 0.35),
        "CZK" => (2, 23.0),
        "TWD" => (2, 31.0),
        "INR" => (2, 83.0),
        _ => (2, 1.0),
    };
    format!("{:.*}", digits, usd * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_and_skewed_stay_in_range() {
        let mut rng = fastrand::Rng::with_seed(7);
        for n in 1..6 {
            for _ in 0..100 {
                assert!(zipf(&mut rng, n) < n);
            }
        }
        for _ in 0..1000 {
            assert!(skewed(&mut rng, 10.0) > 0.0);
        }
    }

    #[test]
    fn money_has_the_currency_minor_digits() {
        assert_eq!(money(12.5, "USD"), "12.50");
        assert_eq!(money(2.0, "JPY"), "300");
        assert_eq!(money(1.0, "KWD"), "0.350");
    }

    #[test]
    fn every_zone_of_the_table_is_known() {
        for z in ZONES {
            assert!(TimeZone::get(z.0).is_ok(), "{}", z.0);
        }
    }
}
