//! `campaignc forecast CAMPAIGN... [DIR] --customers FILE --events FILE
//! --from DATE --to DATE`: what the campaigns would have done over a
//! recorded history. The work is [`crate::forecast::forecast`] over
//! [`crate::population::read::Population`]; this checks the project, picks
//! the plans, draws the progress bar, prints the report and writes the
//! chart. docs/forecast.md is the reference.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::report::{compile_without_errors, DiagnosticArgs, Format};
use super::{output, Exit};
use crate::check::model::Model;
use crate::forecast::{self, Period};
use crate::population::read::{Encoding, Grouped, Population, Source};
use crate::template::Renderer;

/// How the report is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A summary per campaign, with tables.
    #[default]
    Text,
    /// One JSON document (docs/forecast.md).
    Json,
    /// One row per number: campaign, metric, day, message, channel,
    /// locale, reason, node, value.
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The campaigns to replay (`all` for every campaign), then, if it is
    /// an existing directory, the project directory (default `campaigns`).
    #[arg(required_unless_present = "merge", value_name = "CAMPAIGN... [DIR]")]
    pub names: Vec<String>,
    /// The customers file: JSON Lines (.jsonl), CSV (.csv) or, with the
    /// embedded engine, Parquet (.parquet), sorted by customer id.
    #[arg(long, value_name = "FILE", required_unless_present_any = ["partial", "merge"], requires = "events")]
    pub customers: Option<PathBuf>,
    /// The events file: JSON Lines (.jsonl), CSV (.csv) or, with the
    /// embedded engine, Parquet (.parquet), sorted by customer, then time.
    #[arg(long, value_name = "FILE", required_unless_present_any = ["partial", "merge"], requires = "customers")]
    pub events: Option<PathBuf>,
    /// The first day replayed (a UTC day, YYYY-MM-DD).
    #[arg(long, value_name = "DATE", required_unless_present = "merge")]
    pub from: Option<jiff::civil::Date>,
    /// The last day replayed, included.
    #[arg(long, value_name = "DATE", required_unless_present = "merge")]
    pub to: Option<jiff::civil::Date>,
    /// Render every send as the previews do, so that a message that cannot
    /// be rendered for some customer is counted as an error (slower:
    /// rendering is most of the cost of a send).
    #[arg(long)]
    pub render: bool,
    /// Write a partial (one JSON line of mergeable counts) instead of the
    /// report. Without --customers and --events, the customers come on
    /// stdin, one JSON line each with their events (docs/forecast.md).
    #[arg(long)]
    pub partial: bool,
    /// Add up the partials in these files (stdin without a file, or `-`)
    /// into the report of all their customers (with --partial: into one
    /// partial).
    #[arg(long, value_name = "FILE", num_args = 0.., conflicts_with_all = ["names", "customers", "events", "from", "to", "render"])]
    pub merge: Option<Vec<PathBuf>>,
    /// Output format of the report.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the chart of sends per day per channel (`sends-per-day.svg`)
    /// and the JSON report (`forecast.json`) into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The campaign names and the project directory from the positional
/// arguments: the last one is the directory when there are several and it
/// is an existing directory.
fn split_names(names: &[String]) -> Result<(&[String], PathBuf), String> {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() && Path::new(last).is_dir() => {
            Ok((rest, PathBuf::from(last)))
        }
        Some((last, rest)) if rest.is_empty() && Path::new(last).is_dir() && last != "all" => Err(
            format!("`{last}` is a directory: name the campaigns to forecast (or `all`) before it"),
        ),
        _ => Ok((names, PathBuf::from("campaigns"))),
    }
}

pub fn run(args: &Args) -> Exit {
    let report = match &args.merge {
        Some(files) => merge(files),
        None => replay(args),
    };
    let report = match report {
        Ok(report) => report,
        Err(exit) => return exit,
    };
    if args.partial {
        output::stdout(&forecast::partial::to_partial(&report));
        return Exit::Clean;
    }
    print_report(args, &report)
}

/// The report of the partials in `files` (stdin when there is none).
fn merge(files: &[PathBuf]) -> Result<forecast::Report, Exit> {
    let stdin = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin[..] } else { files };
    let mut reports = Vec::new();
    for file in files {
        let (name, text) = if file.as_os_str() == "-" {
            let mut text = String::new();
            let read = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text);
            ("<stdin>".to_string(), read.map(|_| text))
        } else {
            (file.display().to_string(), std::fs::read_to_string(file))
        };
        let text = text.map_err(|e| {
            output::fatal(format!("{name}: cannot read it: {e}"));
            Exit::Usage
        })?;
        let read = forecast::partial::read_partials(&text).map_err(|e| {
            output::fatal(format!("{name}: {e}"));
            Exit::Usage
        })?;
        reports.extend(read);
    }
    forecast::partial::merge(reports).map_err(|e| {
        output::fatal(e);
        Exit::Usage
    })
}

/// Checks the project and replays the population the arguments name.
fn replay(args: &Args) -> Result<forecast::Report, Exit> {
    let usage = |message: String| {
        output::fatal(message);
        Exit::Usage
    };
    let (names, dir) = split_names(&args.names).map_err(usage)?;
    let (Some(from), Some(to)) = (args.from, args.to) else {
        return Err(usage("--from and --to name the period to replay".into()));
    };
    if from > to {
        return Err(usage(format!(
            "--from {from} is after --to {to}: the period is empty"
        )));
    }
    let diagnostics = DiagnosticArgs {
        format: match args.format {
            ReportFormat::Json => Format::Json,
            _ => Format::Human,
        },
        deny: Vec::new(),
    };
    let (compilation, _) = compile_without_errors(&dir, &diagnostics)?;
    let all = crate::plan::lower_all(&compilation.model, &compilation.sources);
    let plans = forecast::select(&all, names).map_err(usage)?;
    let period = Period { from, to };
    let renderer = Renderer::new();
    let renderer = args.render.then_some(&renderer);
    let bar = Bar::new();
    let progress = |n| bar.advance(n);
    let result = match (&args.customers, &args.events) {
        (Some(customers), Some(events)) => {
            bar.count(customers);
            let mut population =
                open_population(&compilation.model, customers, events).map_err(usage)?;
            if renderer.is_none() {
                let read = forecast::properties_read(&plans);
                population.keep_properties(|event, property| read.reads(event, property));
                let read = forecast::attributes_read(&plans);
                population.keep_attributes(|attribute| read.contains(attribute));
            }
            forecast::forecast(&plans, &mut population, period, renderer, &progress)
        }
        _ => {
            let stdin = Box::new(std::io::BufReader::with_capacity(1 << 20, std::io::stdin()));
            let mut grouped = Grouped::new(&compilation.model, Path::new("<stdin>"), stdin);
            forecast::forecast(&plans, &mut grouped, period, renderer, &progress)
        }
    };
    bar.0.finish_and_clear();
    result.map_err(|e| usage(e.to_string()))
}

/// The two population files merged by customer: JSON Lines and CSV by
/// their extension, Parquet through the embedded engine (the cargo
/// feature `duckdb`), which reads it as JSON Lines.
fn open_population<'m>(
    model: &'m Model,
    customers: &Path,
    events: &Path,
) -> Result<Population<'m>, String> {
    let open = |path: &Path, is_events: bool| -> Result<Source, String> {
        if !is_parquet(path) {
            if Encoding::of_path(path).is_err() {
                return Err(format!(
                    "{}: unknown file type: name it .jsonl (JSON Lines), .csv or .parquet",
                    path.display()
                ));
            }
            return Source::open(path).map_err(|e| e.to_string());
        }
        #[cfg(feature = "duckdb-engine")]
        {
            use crate::audience::duckdb::{parquet_as_json_lines, PopulationFile};
            let file = if is_events {
                PopulationFile::Events
            } else {
                PopulationFile::Customers
            };
            parquet_as_json_lines(model, path, file)
        }
        #[cfg(not(feature = "duckdb-engine"))]
        {
            let _ = is_events;
            Err(format!(
                "{}: reading Parquet needs the embedded engine, the cargo feature `duckdb`, which this build does not include: install the build with it (`cargo install --path . --locked --features duckdb`), or give the population as JSON Lines or CSV (`campaignc sample-data --format jsonl` writes it)",
                path.display()
            ))
        }
    };
    Population::new(model, open(customers, false)?, open(events, true)?).map_err(|e| e.to_string())
}

/// Prints `report` as asked, writes the chart, and says whether some
/// send could not be rendered.
fn print_report(args: &Args, report: &forecast::Report) -> Exit {
    let json = || {
        let mut s =
            serde_json::to_string_pretty(&forecast::output::to_json(report)).unwrap_or_default();
        s.push('\n');
        s
    };
    let text = match args.format {
        ReportFormat::Text => forecast::output::to_text(report),
        ReportFormat::Json => json(),
        ReportFormat::Csv => forecast::output::to_csv(report),
    };
    // Message, locale and step names come from the project: escaped
    // before they reach a terminal.
    output::stdout(&crate::text::escape_control(&text));
    if let Some(out) = &args.out {
        let chart = match forecast::chart::sends_svg(report) {
            Ok(svg) => svg,
            Err(e) => {
                output::fatal(format!("cannot draw the chart: {e}"));
                return Exit::Usage;
            }
        };
        for (name, contents) in [("sends-per-day.svg", chart), ("forecast.json", json())] {
            if let Err(e) = write_file(&out.join(name), &contents) {
                output::fatal(format!("cannot write {}: {e}", out.join(name).display()));
                return Exit::Usage;
            }
        }
    }
    let errors: u64 = report.campaigns.iter().map(|(_, c)| c.errors).sum();
    if errors > 0 {
        output::stderr(&format!(
            "error: {errors} send{} could not be rendered or value{} computed; `campaignc simulate` shows one customer's timeline\n",
            if errors == 1 { "" } else { "s" },
            if errors == 1 { " could not be" } else { "s could not be" },
        ));
        return Exit::Problems;
    }
    Exit::Clean
}

/// Writes `contents` to `path` through a temporary sibling, so a reader
/// never sees half a file.
fn write_file(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// The customers replayed, on stderr when it is a terminal and only once
/// the run has taken more than a second: a bar with the share done and
/// the time left once the customers file is counted (on a thread of its
/// own, so the run does not wait for it), a count until then and for
/// customers on stdin.
struct Bar(ProgressBar, Instant, AtomicBool);

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::hidden();
        let style =
            ProgressStyle::with_template("{prefix:>12} {spinner} {pos} customers ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix("forecasting");
        Bar(bar, Instant::now(), AtomicBool::new(false))
    }

    /// Counts the customers of `customers` in the background and makes the
    /// count a bar of that length when it is known.
    fn count(&self, customers: &Path) {
        // The bar is only ever drawn on a terminal: elsewhere the count
        // would only take a core from the run.
        if !std::io::stderr().is_terminal() {
            return;
        }
        let bar = self.0.clone();
        let path = customers.to_path_buf();
        // Without the thread (it could not start), the count is all there
        // is.
        let _ = std::thread::Builder::new()
            .name("campaignc-count".into())
            .spawn(move || {
                let Some(total) = customers_in(&path) else {
                    return;
                };
                let style = ProgressStyle::with_template(
                    "{prefix:>12} [{bar:30}] {pos}/{len} customers, {eta} left",
                )
                .map(|s| s.progress_chars("=> "));
                if let Ok(style) = style {
                    bar.set_length(total);
                    bar.set_style(style);
                }
            });
    }

    fn advance(&self, customers: u64) {
        if !self.2.load(Ordering::Relaxed)
            && self.1.elapsed() > Duration::from_secs(1)
            && std::io::stderr().is_terminal()
        {
            self.2.store(true, Ordering::Relaxed);
            self.0.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.0.set_position(customers);
    }
}

/// Whether `path` names a Parquet file (by its extension).
fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// How many customers a customers file holds: its rows for Parquet, its
/// non-blank lines for JSON Lines, less the header for CSV (a record is
/// one line). `None` when it cannot be read (the reader reports why).
fn customers_in(path: &Path) -> Option<u64> {
    use std::io::Read as _;
    if is_parquet(path) {
        #[cfg(feature = "duckdb-engine")]
        return crate::audience::duckdb::parquet_rows(path);
        #[cfg(not(feature = "duckdb-engine"))]
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut lines, mut blank, mut last) = (0u64, 0u64, b'\n');
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        for at in memchr::memchr_iter(b'\n', chunk) {
            lines += 1;
            let before = if at == 0 { last } else { chunk[at - 1] };
            if before == b'\n' {
                blank += 1;
            }
        }
        last = chunk[n - 1];
    }
    if last != b'\n' {
        lines += 1;
    }
    let header = u64::from(matches!(Encoding::of_path(path), Ok(Encoding::Csv)));
    Some((lines - blank).saturating_sub(header))
}

#[cfg(test)]
mod tests {
    use super::customers_in;

    #[test]
    fn the_bar_counts_customers_not_lines() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        // Blank lines are skipped by the reader; the last line may lack
        // its newline.
        let jsonl = write(
            "c.jsonl",
            "{\"customer\":\"a\"}\n\n{\"customer\":\"b\"}\n{\"customer\":\"c\"}",
        );
        assert_eq!(customers_in(&jsonl), Some(3));
        // A CSV file's header is not a customer.
        let csv = write("c.csv", "customer,plan\na,free\nb,pro\n");
        assert_eq!(customers_in(&csv), Some(2));
        assert_eq!(customers_in(&dir.path().join("missing.jsonl")), None);
    }
}
