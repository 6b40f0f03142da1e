//! `campaignc audience NAME [DIR] --db postgres://…`: who a segment,
//! score or campaign reaches in the customer data (docs/audience.md). The
//! work is [`crate::audience`].

use std::path::PathBuf;

use super::report::{compile_without_errors, DiagnosticArgs};
use super::sample_data::parse_now;
use super::{output, Exit};
use crate::audience::{self, postgres::Database, Columns, Kind};
use crate::sql::{self, Dialect, QueryKind};

/// The environment variable that may hold the connection string.
pub const DB_VAR: &str = "CAMPAIGNC_DB";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The segment, score or campaign.
    pub name: String,
    /// The project directory.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// The PostgreSQL server: postgres://user@host:5432/db or
    /// "host=/run/postgresql dbname=shop" (default: $CAMPAIGNC_DB).
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Customers file for the embedded engine (needs the `duckdb` feature).
    #[arg(long, value_name = "FILE")]
    pub customers: Option<PathBuf>,
    /// Events file for the embedded engine (needs the `duckdb` feature).
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Evaluate this SQL file as the audience instead of the compiled
    /// query (columns customer_id, and score for a score).
    #[arg(long, value_name = "FILE")]
    pub sql: Option<PathBuf>,
    /// The evaluation time (`now`), an instant like 2026-06-01T00:00:00Z
    /// (default: the current time).
    #[arg(long, value_name = "INSTANT", value_parser = parse_now)]
    pub now: Option<jiff::Timestamp>,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// The embedded engine is not in this build.
const NO_EMBEDDED: &str = "--customers and --events need the embedded engine, the cargo feature `duckdb`, which this build does not include (it is not built yet). Load the files into PostgreSQL and give --db postgres://… (or set CAMPAIGNC_DB) instead; docs/audience.md shows how";

pub fn run(args: &Args) -> Exit {
    if args.customers.is_some() || args.events.is_some() {
        output::fatal(NO_EMBEDDED);
        return Exit::Usage;
    }
    let connection = match args.db.clone().or_else(|| std::env::var(DB_VAR).ok()) {
        Some(c) if !c.trim().is_empty() => c,
        _ => {
            output::fatal(format!(
                "no database: give --db postgres://user@host:5432/db or set {DB_VAR}"
            ));
            return Exit::Usage;
        }
    };
    let (compilation, _) = match compile_without_errors(&args.dir, &DiagnosticArgs::default()) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let model = &compilation.model;
    let kind = match audience::find(model, &args.name) {
        Ok(kind) => kind,
        Err(message) => {
            output::fatal(message);
            return Exit::Usage;
        }
    };
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let now = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    let query = match &args.sql {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display())),
        None => compiled_query(&compilation, &args.name, kind, now),
    };
    let query = match query {
        Ok(q) => q,
        Err(message) => {
            output::fatal(message);
            return Exit::Usage;
        }
    };
    let columns = Columns::of(model, &compilation.sources, &args.name, kind);
    let mut db = match Database::connect(&connection) {
        Ok(db) => db,
        Err(message) => {
            output::fatal(message);
            return Exit::Usage;
        }
    };
    match db.report(&args.name, kind, &now.to_string(), &query, &columns) {
        Ok(report) => {
            output::stdout(&match args.format {
                ReportFormat::Text => report.text(),
                ReportFormat::Json => report.json(),
            });
            Exit::Clean
        }
        Err(message) => {
            output::fatal(message);
            Exit::Usage
        }
    }
}

/// The query of NAME compiled from the project (`campaignc sql`'s, in
/// PostgreSQL), with the evaluation time bound.
fn compiled_query(
    compilation: &crate::Compilation,
    name: &str,
    kind: Kind,
    now: jiff::Timestamp,
) -> Result<String, String> {
    let wanted = match kind {
        Kind::Segment => QueryKind::Segment,
        Kind::Score => QueryKind::Score,
        Kind::Campaign => QueryKind::Audience,
    };
    sql::queries(&compilation.model, &compilation.sources, Dialect::Postgres)
        .into_iter()
        .find(|q| q.kind == wanted && q.name == name)
        .map(|q| q.with_now(now))
        .ok_or_else(|| format!("the {} `{name}` has no SQL query", kind.as_str()))
}
