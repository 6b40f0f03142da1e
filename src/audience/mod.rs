//! `campaignc audience`: who a segment, score or campaign audience reaches
//! in the customer data, evaluated where the data lives (docs/audience.md).
//!
//! The audience itself is one SQL query (columns `customer_id`, and
//! `score` for a score); this module wraps it as `WITH audience AS (…)`
//! and asks the database for the count, the share of all customers, the
//! breakdown by locale and by consent, and ten sample ids. The tables are
//! the conventional layout of docs/population.md, or the project's
//! warehouse mapping.
//!
//! The database is an [`Engine`]: [`postgres`] connects to a server (and
//! loads population files into it); `duckdb` (the cargo feature `duckdb`)
//! is the embedded engine over population files or a DuckDB database
//! file. [`open`] picks one for a [`Source`], [`evaluate`] is the one
//! function that turns a name into a [`Report`] on any of them
//! (`campaignc audience`, the audience sizes of `campaignc diff`).

#[cfg(feature = "duckdb-engine")]
pub mod duckdb;
pub mod postgres;

use std::path::PathBuf;

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::model::{Channel, Model, Type};
use crate::plan::lower::attr_of_type;
use crate::source::SourceMap;
use crate::sql::{Dialect, QueryKind};

/// What NAME is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Segment,
    Score,
    Campaign,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Segment => "segment",
            Kind::Score => "score",
            Kind::Campaign => "campaign",
        }
    }
}

/// Finds NAME among the segments, scores and campaigns; an unknown name
/// is an error with a "did you mean".
pub fn find(model: &Model, name: &str) -> Result<Kind, String> {
    if model.segments.iter().any(|s| s.name == name) {
        return Ok(Kind::Segment);
    }
    if model.scores.iter().any(|s| s.name == name) {
        return Ok(Kind::Score);
    }
    if model.campaigns.iter().any(|c| c.name == name) {
        return Ok(Kind::Campaign);
    }
    let names = model
        .segments
        .iter()
        .map(|s| s.name.as_str())
        .chain(model.scores.iter().map(|s| s.name.as_str()))
        .chain(model.campaigns.iter().map(|c| c.name.as_str()));
    let hint = crate::check::resolve::suggest::closest(name, names)
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
    Err(format!(
        "no segment, score or campaign is named `{name}`{hint}"
    ))
}

/// Where the breakdown reads, through the project's warehouse mapping:
/// the customers table and its key, the locale column (with the default
/// for an unset one) and the consent column of each channel. Table and
/// column names are SQL text, quoted as needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pub customers: String,
    pub key: String,
    pub locale: Option<String>,
    pub default_locale: String,
    /// (channel, its `consent(…)` attribute, that attribute's column).
    pub consent: Vec<(String, Option<(String, String)>)>,
}

impl Columns {
    /// For a campaign, the channels it sends on; for a segment or a score,
    /// every channel the schema has a consent attribute for; by channel name.
    pub fn of(model: &Model, sources: &SourceMap, name: &str, kind: Kind) -> Columns {
        let warehouse = &model.warehouse;
        let column = |attr: &str| (attr.to_string(), SQL.ident(warehouse.column(attr)));
        let mut consent: Vec<(String, Option<(String, String)>)> =
            match (kind, model.campaigns.iter().position(|c| c.name == name)) {
                (Kind::Campaign, Some(i)) => {
                    let plan = crate::plan::lower(
                        model,
                        sources,
                        crate::check::model::CampaignId(i as u32),
                    );
                    plan.customer
                        .channels
                        .into_iter()
                        .map(|(channel, facts)| (channel, facts.consent.as_deref().map(column)))
                        .collect()
                }
                _ => Channel::ALL
                    .iter()
                    .filter_map(|&c| {
                        let attr = model.consent_attr(c)?;
                        Some((c.as_str().to_string(), Some(column(&model.attr(attr).name))))
                    })
                    .collect(),
            };
        consent.sort();
        let locale = attr_of_type(model, &Type::Locale, "locale")
            .map(|attr| warehouse.column(&attr).to_string())
            .or_else(|| warehouse.locale.clone());
        Columns {
            customers: SQL.table(&warehouse.customers),
            key: SQL.ident(&warehouse.customer_key),
            locale: locale.map(|c| SQL.ident(&c)),
            default_locale: model.defaults.locale.clone(),
            consent,
        }
    }
}

/// The quoting of identifiers and literals in the breakdown queries
/// (PostgreSQL's, which DuckDB shares).
const SQL: Dialect = Dialect::Postgres;

/// The SQL text of an identifier (a column named like an attribute).
pub fn ident(name: &str) -> String {
    SQL.ident(name)
}

/// The SQL text of a string literal.
pub fn literal(text: &str) -> String {
    SQL.string(text)
}

/// The breakdown queries over `audience_sql`, in the order [`Report`]
/// reads their results: total customers; count (and score summary);
/// count and consent counts by locale (one join of the members with the
/// customers for both); the ten smallest ids. `dialect` is
/// PostgreSQL or DuckDB (they differ in how byte order is asked for).
pub fn breakdown_queries(
    dialect: Dialect,
    audience_sql: &str,
    columns: &Columns,
    kind: Kind,
) -> Vec<String> {
    // Ids and locales in byte order: PostgreSQL's "C" collation; DuckDB
    // compares bytes by default.
    let bytes = if dialect == Dialect::Postgres {
        " COLLATE \"C\""
    } else {
        ""
    };
    let audience = format!(
        "WITH audience AS (\n{}\n)\n",
        audience_sql.trim().trim_end_matches(';')
    );
    // A score's query lists every customer with a score; members are the
    // rows whose score is not null.
    let members = if kind == Kind::Score {
        "(SELECT * FROM audience WHERE score IS NOT NULL) AS a"
    } else {
        "audience AS a"
    };
    let locale = match &columns.locale {
        Some(column) => format!(
            "COALESCE(c.{column}::text, {})",
            literal(&columns.default_locale)
        ),
        None => literal(&columns.default_locale),
    };
    let mut consent = String::new();
    for (_, attr) in &columns.consent {
        match attr {
            Some((_, column)) => {
                let _ = write!(consent, ", count(*) FILTER (WHERE c.{column} IS TRUE)");
            }
            None => consent.push_str(", count(*)"),
        }
    }
    let summary = if kind == Kind::Score {
        "SELECT count(*), min(score)::text, avg(score)::numeric(20,2)::text, max(score)::text"
    } else {
        "SELECT count(DISTINCT customer_id), NULL::text, NULL::text, NULL::text"
    };
    let customers = &columns.customers;
    let join = format!("JOIN {customers} AS c ON c.{} = a.customer_id", columns.key);
    vec![
        format!("SELECT count(*) FROM {customers}"),
        format!("{audience}{summary} FROM {members}"),
        format!(
            "{audience}SELECT {locale} AS locale, count(*){consent} FROM {members} {join} GROUP BY 1 ORDER BY count(*) DESC, {locale}{bytes}"
        ),
        format!(
            "{audience}SELECT DISTINCT customer_id{bytes} FROM {members} ORDER BY 1 LIMIT 10"
        ),
    ]
}

/// One value of a breakdown query's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    fn count(&self) -> u64 {
        match self {
            Cell::Int(n) => (*n).max(0) as u64,
            Cell::Text(t) => t.parse().unwrap_or(0),
            Cell::Null => 0,
        }
    }

    fn text(&self) -> String {
        match self {
            Cell::Int(n) => n.to_string(),
            Cell::Text(t) => t.clone(),
            Cell::Null => String::new(),
        }
    }
}

/// A database that evaluates audiences: PostgreSQL ([`postgres::Database`])
/// or the embedded DuckDB (`duckdb::Duckdb`, the cargo feature `duckdb`).
pub trait Engine {
    /// The dialect its queries are compiled to.
    fn dialect(&self) -> Dialect;
    /// The model whose queries run here: the project's, or, over
    /// population files, the project's with the conventional layout
    /// (the tables the files were read into).
    fn model<'m>(&self, project: &'m Model) -> std::borrow::Cow<'m, Model> {
        std::borrow::Cow::Borrowed(project)
    }
    /// Whether the audience is computed once into a temporary table before
    /// the breakdown reads it (else each breakdown query repeats it as a
    /// `WITH`, which works on a read-only server).
    fn materializes(&self) -> bool {
        false
    }
    /// Runs a statement that returns nothing.
    fn execute(&mut self, sql: &str) -> Result<(), String>;
    /// Runs a query; the rows of its result.
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Cell>>, String>;
}

/// Where the customer data is, as the command line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A PostgreSQL connection string (`--db`, `CAMPAIGNC_DB`).
    Postgres(String),
    /// Population files (`--customers`, `--events`): JSON Lines, CSV or
    /// Parquet by extension, on the embedded engine.
    Files { customers: PathBuf, events: PathBuf },
    /// A DuckDB database file (`--duckdb`) in the conventional layout or
    /// the project's warehouse mapping, on the embedded engine.
    Duckdb(PathBuf),
}

/// What a build without the embedded engine says when asked for it.
pub const NO_EMBEDDED: &str = "--customers/--events and --duckdb need the embedded engine, the cargo feature `duckdb`, which this build does not include. Install the build with it: `cargo install --path . --locked --features duckdb` (it compiles DuckDB's C++ once: 20 minutes or more on 2 cores). Or load the files into PostgreSQL and give --db postgres://… (or set CAMPAIGNC_DB); docs/audience.md shows how";

/// Opens the engine for `source`: connects to the server, or reads the
/// files into an in-process DuckDB. `model` is the project's (the files'
/// columns are typed by its schema).
pub fn open(source: &Source, model: &Model) -> Result<Box<dyn Engine>, String> {
    match source {
        Source::Postgres(connection) => Ok(Box::new(postgres::Database::connect(connection)?)),
        #[cfg(feature = "duckdb-engine")]
        Source::Files { customers, events } => {
            Ok(Box::new(duckdb::Duckdb::files(model, customers, events)?))
        }
        #[cfg(feature = "duckdb-engine")]
        Source::Duckdb(path) => Ok(Box::new(duckdb::Duckdb::database(path)?)),
        #[cfg(not(feature = "duckdb-engine"))]
        Source::Files { .. } | Source::Duckdb(_) => {
            let _ = model;
            Err(NO_EMBEDDED.into())
        }
    }
}

/// The query of NAME compiled from the project (`campaignc sql`'s) in
/// `dialect`, with the evaluation time bound, without its final `ORDER
/// BY` ([`crate::sql::Query::unordered`]): the breakdown sorts what it
/// shows.
pub fn compiled_query(
    model: &Model,
    sources: &SourceMap,
    dialect: Dialect,
    name: &str,
    kind: Kind,
    now: jiff::Timestamp,
) -> Result<String, String> {
    let wanted = match kind {
        Kind::Segment => QueryKind::Segment,
        Kind::Score => QueryKind::Score,
        Kind::Campaign => QueryKind::Audience,
    };
    crate::sql::queries(model, sources, dialect)
        .into_iter()
        .find(|q| q.kind == wanted && q.name == name)
        .map(|q| q.unordered().with_now(now))
        .ok_or_else(|| format!("the {} `{name}` has no SQL query", kind.as_str()))
}

/// Who NAME (a segment, score or campaign of `model`) reaches at `now`
/// on `engine`: its compiled query, or `audience_sql` (columns
/// `customer_id`, and `score` for a score) when given.
pub fn evaluate(
    engine: &mut dyn Engine,
    model: &Model,
    sources: &SourceMap,
    name: &str,
    now: jiff::Timestamp,
    audience_sql: Option<&str>,
) -> Result<Report, String> {
    let kind = find(model, name)?;
    let now = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    let model = engine.model(model);
    let dialect = engine.dialect();
    let materialized = engine.materializes();
    let query = match audience_sql {
        Some(sql) => sql.to_string(),
        None => compiled_query(&model, sources, dialect, name, kind, now)?,
    };
    let columns = Columns::of(&model, sources, name, kind);
    let failed = |e: String| format!("the audience query failed: {e}");
    let audience = if materialized {
        engine
            .execute(&format!(
                "CREATE OR REPLACE TEMPORARY TABLE campaignc_audience AS\n{}",
                query.trim().trim_end_matches(';')
            ))
            .map_err(failed)?;
        "SELECT * FROM campaignc_audience".to_string()
    } else {
        query
    };
    let queries = breakdown_queries(dialect, &audience, &columns, kind);
    let mut results = Vec::with_capacity(queries.len());
    for q in &queries {
        results.push(engine.rows(q).map_err(failed)?);
    }
    if materialized {
        engine
            .execute("DROP TABLE campaignc_audience")
            .map_err(failed)?;
    }
    Ok(Report::of(name, kind, &now.to_string(), &columns, results))
}

/// A decimal's text without trailing zeros (`12.5000000000` → `12.5`):
/// the engines differ in the scale they give a score.
fn plain_decimal(text: String) -> String {
    if text.contains('.') && !text.contains(['e', 'E']) {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Who an audience reaches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub name: String,
    pub kind: Kind,
    /// The evaluation time (`now` in the expressions).
    pub now: String,
    /// All customers in the table.
    pub customers: u64,
    /// Customers in the audience (for a score: with a score).
    pub count: u64,
    /// `count / customers`, 0 when there are none.
    pub share: f64,
    /// For a score: the smallest, average and largest score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreSummary>,
    pub by_locale: Vec<LocaleCount>,
    pub consent: Vec<ConsentCount>,
    /// The ten smallest customer ids (byte order).
    pub sample: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreSummary {
    pub min: String,
    pub avg: String,
    pub max: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocaleCount {
    pub locale: String,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsentCount {
    pub channel: String,
    /// The `consent(…)` attribute; `null` when the schema has none for the
    /// channel (then every member counts, as for transactional sends).
    pub attribute: Option<String>,
    pub granted: u64,
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "0%".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

pub use crate::text::thousands;

impl Report {
    /// The report from the results of [`breakdown_queries`], in their
    /// order.
    fn of(
        name: &str,
        kind: Kind,
        now: &str,
        columns: &Columns,
        results: Vec<Vec<Vec<Cell>>>,
    ) -> Report {
        let cell = |q: usize, row: usize, col: usize| -> Cell {
            results
                .get(q)
                .and_then(|rows| rows.get(row))
                .and_then(|r| r.get(col))
                .cloned()
                .unwrap_or(Cell::Null)
        };
        let customers = cell(0, 0, 0).count();
        let members = cell(1, 0, 0).count();
        let score = (kind == Kind::Score).then(|| ScoreSummary {
            min: plain_decimal(cell(1, 0, 1).text()),
            avg: cell(1, 0, 2).text(),
            max: plain_decimal(cell(1, 0, 3).text()),
        });
        let by_locale = results
            .get(2)
            .map(|rows| {
                rows.iter()
                    .map(|r| LocaleCount {
                        locale: r.first().map(Cell::text).unwrap_or_default(),
                        count: r.get(1).map_or(0, Cell::count),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let consent = columns
            .consent
            .iter()
            .enumerate()
            .map(|(i, (channel, attribute))| ConsentCount {
                channel: channel.clone(),
                attribute: attribute.as_ref().map(|(name, _)| name.clone()),
                // Per locale: the sum.
                granted: results.get(2).map_or(0, |rows| {
                    rows.iter()
                        .map(|r| r.get(i + 2).map_or(0, Cell::count))
                        .sum()
                }),
            })
            .collect();
        let sample = results
            .get(3)
            .map(|rows| {
                rows.iter()
                    .map(|r| r.first().map(Cell::text).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        Report {
            name: name.to_string(),
            kind,
            now: now.to_string(),
            customers,
            count: members,
            share: if customers == 0 {
                0.0
            } else {
                members as f64 / customers as f64
            },
            score,
            by_locale,
            consent,
            sample,
        }
    }

    /// The report for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} `{}` at {}: {} of {} customers ({})",
            self.kind.as_str(),
            self.name,
            self.now,
            thousands(self.count),
            thousands(self.customers),
            percent(self.count, self.customers)
        );
        if let Some(s) = &self.score {
            let _ = writeln!(
                out,
                "score: min {}, average {}, max {}",
                s.min, s.avg, s.max
            );
        }
        let width = |items: &mut dyn Iterator<Item = usize>| items.max().unwrap_or(0);
        let w = width(&mut self.by_locale.iter().map(|l| l.locale.chars().count()));
        let n = width(&mut self.by_locale.iter().map(|l| thousands(l.count).len()));
        out.push_str("\nby locale (share of the audience):\n");
        for l in &self.by_locale {
            let _ = writeln!(
                out,
                "  {:<w$}  {:>n$}  {:>6}",
                l.locale,
                thousands(l.count),
                percent(l.count, self.count)
            );
        }
        if !self.consent.is_empty() {
            let labels: Vec<String> = self
                .consent
                .iter()
                .map(|c| match &c.attribute {
                    Some(a) => format!("{} ({a})", c.channel),
                    None => format!("{} (no consent attribute)", c.channel),
                })
                .collect();
            let w = width(&mut labels.iter().map(|l| l.chars().count()));
            let n = width(&mut self.consent.iter().map(|c| thousands(c.granted).len()));
            out.push_str("\nconsent (share of the audience):\n");
            for (c, label) in self.consent.iter().zip(&labels) {
                let _ = writeln!(
                    out,
                    "  {label:<w$}  {:>n$}  {:>6}",
                    thousands(c.granted),
                    percent(c.granted, self.count)
                );
            }
        }
        let _ = writeln!(
            out,
            "\nsample (the {} smallest ids): {}",
            self.sample.len(),
            self.sample.join(", ")
        );
        out
    }

    /// The report as one JSON document.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_403), "12,403");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn identifiers_and_literals_are_quoted() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("it's"), "'it''s'");
    }
}
