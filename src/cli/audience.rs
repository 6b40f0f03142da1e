//! `campaignc audience NAME [DIR] --db postgres://…` (or `--customers FILE
//! --events FILE`, or `--duckdb FILE`): who a segment, score or campaign
//! reaches in the customer data (docs/audience.md). The work is
//! [`crate::audience`]; [`Data`] is also how `campaignc diff` is told
//! where the data is.

use std::path::PathBuf;

use super::report::{compile_without_errors, DiagnosticArgs};
use super::sample_data::parse_now;
use super::{output, Exit};
use crate::audience::{self, Source};

/// The environment variable that may hold the connection string.
pub const DB_VAR: &str = "CAMPAIGNC_DB";

/// Where the customer data is: a PostgreSQL server, population files or a
/// DuckDB database file.
#[derive(Debug, Default, clap::Args)]
pub struct Data {
    /// The PostgreSQL server: postgres://user@host:5432/db or
    /// "host=/run/postgresql dbname=shop" (default: $CAMPAIGNC_DB).
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// A customers file (.jsonl, .csv or .parquet) for the embedded engine
    /// (the cargo feature `duckdb`); with --events.
    #[arg(long, value_name = "FILE", requires = "events", conflicts_with_all = ["db", "duckdb"])]
    pub customers: Option<PathBuf>,
    /// An events file (.jsonl, .csv or .parquet) for the embedded engine;
    /// with --customers.
    #[arg(long, value_name = "FILE", requires = "customers")]
    pub events: Option<PathBuf>,
    /// A DuckDB database file in the conventional layout or the project's
    /// warehouse mapping, opened read-only by the embedded engine.
    #[arg(long, value_name = "FILE", conflicts_with = "db")]
    pub duckdb: Option<PathBuf>,
}

impl Data {
    /// The source the options name; else the server in `CAMPAIGNC_DB`;
    /// else `None`.
    pub fn source(&self) -> Option<Source> {
        if let (Some(customers), Some(events)) = (&self.customers, &self.events) {
            return Some(Source::Files {
                customers: customers.clone(),
                events: events.clone(),
            });
        }
        if let Some(path) = &self.duckdb {
            return Some(Source::Duckdb(path.clone()));
        }
        match self.db.clone().or_else(|| std::env::var(DB_VAR).ok()) {
            Some(c) if !c.trim().is_empty() => Some(Source::Postgres(c)),
            _ => None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The segment, score or campaign.
    pub name: String,
    /// The project directory.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub data: Data,
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

pub fn run(args: &Args) -> Exit {
    let Some(source) = args.data.source() else {
        output::fatal(format!(
            "no database: give --db postgres://user@host:5432/db (or set {DB_VAR}), --customers FILE --events FILE, or --duckdb FILE"
        ));
        return Exit::Usage;
    };
    if !cfg!(feature = "duckdb-engine") && !matches!(source, Source::Postgres(_)) {
        output::fatal(audience::NO_EMBEDDED);
        return Exit::Usage;
    }
    let (compilation, _) = match compile_without_errors(&args.dir, &DiagnosticArgs::default()) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let model = &compilation.model;
    if let Err(message) = audience::find(model, &args.name) {
        output::fatal(message);
        return Exit::Usage;
    }
    let query = match &args.sql {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(q) => Some(q),
            Err(e) => {
                output::fatal(format!("cannot read {}: {e}", path.display()));
                return Exit::Usage;
            }
        },
        None => None,
    };
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let report = audience::open(&source, model).and_then(|mut engine| {
        audience::evaluate(
            engine.as_mut(),
            model,
            &compilation.sources,
            &args.name,
            now,
            query.as_deref(),
        )
    });
    match report {
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
