//! `campaignc sample-data [DIR] --customers N --out DIR`: a seeded,
//! realistic population for the project's schema (docs/population.md).
//! The work is [`crate::population::generate`].

use std::path::PathBuf;

use super::report::{compile_without_errors, DiagnosticArgs};
use super::{output, Exit};
use crate::population::generate::{self, Format, Options};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory whose schema the population follows.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// How many customers to generate.
    #[arg(long, value_name = "N")]
    pub customers: u64,
    /// The directory to write customers.EXT and events.EXT into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The random seed: the same seed and --now give byte-identical files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The file format.
    #[arg(long, value_enum, default_value_t = FileFormat::Jsonl)]
    pub format: FileFormat,
    /// The end of the generated year, an instant like 2026-06-01T00:00:00Z
    /// (default: today at 00:00 UTC).
    #[arg(long, value_name = "INSTANT", value_parser = parse_now)]
    pub now: Option<jiff::Timestamp>,
    /// The average number of events per customer.
    #[arg(long, value_name = "N", default_value_t = 20.0, value_parser = parse_mean)]
    pub events_per_customer: f64,
    /// Replace customers.EXT and events.EXT when they exist.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// JSON Lines: one object per line.
    Jsonl,
    /// CSV with a header line.
    Csv,
    /// Parquet in the table layout (needs the cargo feature `duckdb`).
    Parquet,
}

/// An instant given on the command line (`--now`), with Z or an offset.
pub(super) fn parse_now(text: &str) -> Result<jiff::Timestamp, String> {
    text.parse::<jiff::Timestamp>().map_err(|_| {
        format!(
            "`{text}` is not an instant: write it like 2026-06-01T00:00:00Z (with Z or an offset)"
        )
    })
}

fn parse_mean(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(n) if (0.0..=10_000.0).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a number from 0 to 10000")),
    }
}

pub fn run(args: &Args) -> Exit {
    let format = match args.format {
        FileFormat::Jsonl | FileFormat::Parquet => Format::Jsonl,
        FileFormat::Csv => Format::Csv,
    };
    let parquet = args.format == FileFormat::Parquet;
    if parquet && !cfg!(feature = "duckdb-engine") {
        output::fatal(NO_PARQUET);
        return Exit::Usage;
    }
    let (customers_path, events_path) = if parquet {
        parquet_paths(&args.out)
    } else {
        generate::file_paths(&args.out, format)
    };
    if !args.force {
        if let Some(existing) = [&customers_path, &events_path]
            .into_iter()
            .find(|p| p.exists())
        {
            output::fatal(format!(
                "{} already exists: choose another --out, or give --force to replace it",
                existing.display()
            ));
            return Exit::Usage;
        }
    }
    let (compilation, _) = match compile_without_errors(&args.dir, &DiagnosticArgs::default()) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let now = args.now.unwrap_or_else(today);
    let options = Options {
        customers: args.customers,
        seed: args.seed,
        format,
        now,
        events_per_customer: args.events_per_customer,
    };
    let written = if parquet {
        write_parquet(&compilation.model, &options, &args.out)
    } else {
        generate::write_files(&compilation.model, &options, &args.out).map_err(|e| e.to_string())
    };
    match written {
        Ok(written) => {
            output::stderr(&format!(
                "wrote {} customers to {} and {} events to {} (the year before {now})\n",
                written.customers,
                written.customers_path.display(),
                written.events,
                written.events_path.display(),
            ));
            Exit::Clean
        }
        Err(err) => {
            output::fatal(format!(
                "cannot write the population into {}: {err}",
                args.out.display()
            ));
            Exit::Usage
        }
    }
}

/// Today at 00:00 UTC: files made on the same day are the same.
fn today() -> jiff::Timestamp {
    let now = jiff::Timestamp::now().as_second();
    jiff::Timestamp::from_second(now - now.rem_euclid(86_400))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// `--format parquet` without the embedded engine.
const NO_PARQUET: &str = "--format parquet needs the embedded engine, the cargo feature `duckdb`, which this build does not include: install the build with it (`cargo install --path . --locked --features duckdb`), or write --format jsonl or csv";

fn parquet_paths(dir: &std::path::Path) -> (PathBuf, PathBuf) {
    (dir.join("customers.parquet"), dir.join("events.parquet"))
}

/// The population as JSON Lines in a temporary directory under `dir`,
/// converted to Parquet by the embedded engine.
#[cfg(feature = "duckdb-engine")]
fn write_parquet(
    model: &crate::check::model::Model,
    options: &Options,
    dir: &std::path::Path,
) -> Result<generate::Written, String> {
    let scratch = dir.join(format!(".sample-data-{}", std::process::id()));
    let result = generate::write_files(model, options, &scratch)
        .map_err(|e| e.to_string())
        .and_then(|written| {
            let (customers, events) = parquet_paths(dir);
            crate::audience::duckdb::write_parquet(
                model,
                (&written.customers_path, &written.events_path),
                (&customers, &events),
            )?;
            Ok(generate::Written {
                customers_path: customers,
                events_path: events,
                ..written
            })
        });
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

#[cfg(not(feature = "duckdb-engine"))]
fn write_parquet(
    _: &crate::check::model::Model,
    _: &Options,
    _: &std::path::Path,
) -> Result<generate::Written, String> {
    Err(NO_PARQUET.into())
}
