//! `campaignc simulate CAMPAIGN[,CAMPAIGN…|all] [DIR] --persona P [--events
//! FILE.jsonl]`: one customer's journey through one campaign (or several
//! together, sharing the project's `pressure`), as a timeline.
//!
//! Without `--events`, a campaign triggered by an event gets that event at
//! the start, with the persona's sample payload for it (the persona's
//! `event` block), so `simulate onboarding --persona linh` shows the
//! journey of a fresh signup. docs/simulate.md documents the events file
//! and both output formats. The work is
//! [`crate::simulate::request::simulate_persona`]; this prints.

use std::path::PathBuf;

use clap::ValueEnum;
use clap_complete::engine::ArgValueCompleter;

use super::completions;
use super::report::{report, DiagnosticArgs, Format};
use super::{output, Exit};
use crate::diagnostics::Severity;
use crate::simulate::request::{simulate_persona, Request};
use crate::template::Renderer;

/// How the timeline is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TimelineFormat {
    /// A table: local time, UTC, node, what happened, rendered texts.
    #[default]
    Text,
    /// One JSON document (docs/simulate.md).
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The campaign to simulate; several separated by commas, or `all`,
    /// run together for the persona under the project's `pressure`.
    #[arg(add = ArgValueCompleter::new(completions::campaigns))]
    pub campaign: String,
    /// The project directory.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// The persona that plays the customer (its name is the customer id).
    #[arg(long, value_name = "P", add = ArgValueCompleter::new(completions::personas))]
    pub persona: String,
    /// What the customer does: JSON Lines, see docs/simulate.md.
    #[arg(long, value_name = "FILE.jsonl")]
    pub events: Option<PathBuf>,
    /// Local date-time in the persona's time zone where the clock starts.
    #[arg(long, value_name = "DATETIME", default_value = "2026-01-05T10:00")]
    pub start: jiff::civil::DateTime,
    /// Fix an assignment: `holdout`, `treatment` or `SPLIT.VARIANT`;
    /// repeat it for the holdout and each split.
    #[arg(long, value_name = "VARIANT")]
    pub variant: Vec<String>,
    /// How many days the virtual clock may run.
    #[arg(long, value_name = "N", default_value_t = 400)]
    pub days: i64,
    /// Output format of the timeline (and of diagnostics, if the project
    /// has errors: human for text, JSON for json).
    #[arg(long, value_enum, default_value_t = TimelineFormat::Text)]
    pub format: TimelineFormat,
    /// Switch the running journey to the same campaign's plan in the
    /// project DIR (a deploy while customers are in flight), at `--at`.
    #[arg(long, value_name = "DIR", requires = "at")]
    pub switch_to: Option<PathBuf>,
    /// When the switch happens, after the start, as a duration (`1d12h`).
    #[arg(long, value_name = "OFFSET", requires = "switch_to", value_parser = parse_offset)]
    pub at: Option<crate::duration::Duration>,
}

/// `--at`: a duration in the language's notation (`2d`, `1d12h`, `30m`).
fn parse_offset(text: &str) -> Result<crate::duration::Duration, String> {
    crate::simulate::input::parse_duration(text).ok_or_else(|| {
        format!("`{text}` is not a duration (write it as in a flow: `2d`, `1d12h`, `30m`)")
    })
}

pub fn run(args: &Args) -> Exit {
    let compilation = match crate::compile(&args.dir) {
        Ok(compilation) => compilation,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    let problems = compilation.problems.into_sorted();
    if problems.iter().any(|d| d.severity == Severity::Error) {
        let diagnostics = DiagnosticArgs {
            format: match args.format {
                TimelineFormat::Text => Format::Human,
                TimelineFormat::Json => Format::Json,
            },
            deny: Vec::new(),
        };
        report(&problems, &compilation.sources, &diagnostics);
        return Exit::Problems;
    }
    let switch_plans = match &args.switch_to {
        Some(dir) => match other_plans(dir) {
            Ok(plans) => Some(plans),
            Err(exit) => return exit,
        },
        None => None,
    };
    let request = Request {
        switch_to: switch_plans.as_deref().zip(args.at),
        campaign: &args.campaign,
        persona: &args.persona,
        start: args.start,
        variants: &args.variant,
        events: args.events.as_deref(),
        days: args.days,
    };
    let journey = match simulate_persona(
        &compilation.model,
        &compilation.sources,
        &request,
        &Renderer::new(),
    ) {
        Ok(journey) => journey,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    let text = match args.format {
        // User text (rendered messages, event values) is shown with its
        // control characters escaped.
        TimelineFormat::Text => crate::text::escape_control(&journey.to_text()).into_owned(),
        TimelineFormat::Json => {
            let mut s = serde_json::to_string_pretty(&journey.to_json()).unwrap_or_default();
            s.push('\n');
            crate::text::escape_json_controls(&s).into_owned()
        }
    };
    output::stdout(&text);
    // A send that could not be rendered, or a value that could not be
    // computed, is in the timeline and makes the run fail.
    let errors: Vec<String> = journey.timeline.errors().collect();
    if errors.is_empty() {
        return Exit::Clean;
    }
    let mut summary = format!(
        "error: the simulation hit {} error{}:\n",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for e in &errors {
        summary.push_str(&format!("  {e}\n"));
    }
    output::stderr(&summary);
    Exit::Problems
}

/// The plans of the project `--switch-to` names, or the exit code after
/// reporting why there are none.
fn other_plans(dir: &std::path::Path) -> Result<Vec<crate::plan::Plan>, Exit> {
    let compilation = crate::compile(dir).map_err(|err| {
        output::fatal(err);
        Exit::Usage
    })?;
    let problems = compilation.problems.into_sorted();
    if problems.iter().any(|d| d.severity == Severity::Error) {
        report(&problems, &compilation.sources, &DiagnosticArgs::default());
        output::fatal(format!(
            "`{}` (--switch-to) has errors; fix them before switching to it",
            dir.display()
        ));
        return Err(Exit::Problems);
    }
    Ok(crate::plan::lower_all(
        &compilation.model,
        &compilation.sources,
    ))
}
