//! `campaignc simulate CAMPAIGN [DIR] --persona P [--events FILE.jsonl]`:
//! one customer's journey through one campaign, as a timeline.
//!
//! Without `--events`, a campaign triggered by an event gets that event at
//! the start, with the persona's sample payload for it (the persona's
//! `event` block), so `simulate onboarding --persona linh` shows the
//! journey of a fresh signup. docs/simulate.md documents the events file
//! and both output formats.

use std::path::PathBuf;

use clap::ValueEnum;

use super::report::{report, DiagnosticArgs, Format};
use super::{output, Exit};
use crate::check::model::{Model, PersonaDef, VariantConflict, VariantDef};
use crate::diagnostics::Severity;
use crate::plan::format::{Plan, Trigger};
use crate::simulate::clock::{self, Duration};
use crate::simulate::customer::Customer;
use crate::simulate::input::{read_events, suggest};
use crate::simulate::journey::{simulate, Forced, Input, InputKind, Options};
use crate::simulate::timeline::Timeline;
use crate::simulate::value::Val;
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
    /// The campaign to simulate.
    pub campaign: String,
    /// The project directory.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// The persona that plays the customer (its name is the customer id).
    #[arg(long, value_name = "P")]
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
    let model = &compilation.model;
    let Some(campaign) = model.campaigns.iter().position(|c| c.name == args.campaign) else {
        let names = model.campaigns.iter().map(|c| c.name.as_str());
        output::fatal(format!(
            "no campaign `{}`{}",
            args.campaign,
            suggest(&args.campaign, names)
        ));
        return Exit::Usage;
    };
    let Some(persona) = model.personas.iter().find(|p| p.name == args.persona) else {
        let names = model.personas.iter().map(|p| p.name.as_str());
        output::fatal(format!(
            "no persona `{}`{}",
            args.persona,
            suggest(&args.persona, names)
        ));
        return Exit::Usage;
    };
    let plan = crate::plan::lower(
        model,
        &compilation.sources,
        crate::check::model::CampaignId(campaign as u32),
    );
    let forced = match parse_variants(&args.variant) {
        Ok(f) => f,
        Err(e) => {
            output::fatal(e);
            return Exit::Usage;
        }
    };
    let customer = customer_of(model, persona, &plan);
    let Ok(start) = args.start.to_zoned(customer.time_zone.clone()) else {
        output::fatal("the start time does not exist in the persona's time zone");
        return Exit::Usage;
    };
    let inputs = match &args.events {
        Some(path) => {
            let file = match std::fs::File::open(path) {
                Ok(f) => std::io::BufReader::new(f),
                Err(e) => {
                    output::fatal(format!("cannot read {}: {e}", path.display()));
                    return Exit::Usage;
                }
            };
            match read_events(file, model, &start) {
                Ok(i) => i,
                Err(e) => {
                    output::fatal(format!("{}: {e}", path.display()));
                    return Exit::Usage;
                }
            }
        }
        None => default_inputs(model, persona, &plan, &start),
    };
    let horizon = clock::add(&start, Duration::new(args.days.max(0), 0))
        .map(|z| z.timestamp())
        .unwrap_or(jiff::Timestamp::MAX);
    let until = inputs
        .iter()
        .map(|i| i.at)
        .fold(start.timestamp(), |a, b| a.max(b));
    let options = Options {
        start: start.timestamp(),
        until,
        horizon,
        forced,
    };
    let sim = simulate(&plan, customer, inputs, &options, &Renderer::new());
    let text = match args.format {
        // User text (rendered messages, event values) is shown with its
        // control characters escaped.
        TimelineFormat::Text => {
            crate::text::escape_control(&text_report(&plan, persona, &start, &sim.timeline))
                .into_owned()
        }
        TimelineFormat::Json => {
            let doc = json_report(&plan, persona, &start, &sim.timeline);
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            crate::text::escape_json_controls(&s).into_owned()
        }
    };
    output::stdout(&text);
    // A send that could not be rendered, or a value that could not be
    // computed, is in the timeline and makes the run fail.
    let errors: Vec<String> = sim.timeline.errors().collect();
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

/// The customer a persona plays.
pub fn customer_of(model: &Model, persona: &PersonaDef, plan: &Plan) -> Customer {
    let attrs = persona
        .attrs
        .iter()
        .map(|(id, v)| (model.attr(*id).name.clone(), Val::from(v)))
        .collect();
    Customer::new(persona.name.clone(), attrs, &plan.customer)
}

/// Without an events file: the trigger event at the start, with the
/// persona's sample payload.
fn default_inputs(
    model: &Model,
    persona: &PersonaDef,
    plan: &Plan,
    start: &jiff::Zoned,
) -> Vec<Input> {
    let Trigger::Event { event, .. } = &plan.trigger else {
        return Vec::new();
    };
    let props = persona
        .events
        .iter()
        .find(|(id, _)| &model.event(*id).name == event)
        .map(|(_, v)| Val::from(v))
        .unwrap_or(Val::Record(Vec::new()));
    vec![Input {
        at: start.timestamp(),
        kind: InputKind::Event {
            name: event.clone(),
            props,
        },
    }]
}

/// The `--variant` options: each one fixes the holdout group or one
/// split; two that contradict each other are a usage error.
fn parse_variants(texts: &[String]) -> Result<Forced, String> {
    let mut defs: Vec<(VariantDef, &str)> = Vec::new();
    for text in texts {
        let def = match text.as_str() {
            "holdout" => VariantDef::Holdout,
            "treatment" => VariantDef::Treatment,
            other => match other.split_once('.') {
                Some((split, variant)) => VariantDef::Split {
                    split: split.to_string(),
                    variant: variant.to_string(),
                },
                None => {
                    return Err(format!(
                        "--variant `{other}`: expected holdout, treatment or SPLIT.VARIANT"
                    ))
                }
            },
        };
        for (kept, kept_text) in &defs {
            let why = match def.conflict_with(kept) {
                None => continue,
                Some(VariantConflict::Group) => "both fix the holdout group".to_string(),
                Some(VariantConflict::Split(s)) => format!("both fix split `{s}`"),
            };
            return Err(format!(
                "--variant `{text}` contradicts --variant `{kept_text}`: {why}"
            ));
        }
        defs.push((def, text));
    }
    let defs: Vec<VariantDef> = defs.into_iter().map(|(d, _)| d).collect();
    Ok(Forced::from_variants(&defs))
}

fn zone_name(z: &jiff::Zoned) -> String {
    z.time_zone().iana_name().unwrap_or("UTC").to_string()
}

fn text_report(plan: &Plan, persona: &PersonaDef, start: &jiff::Zoned, t: &Timeline) -> String {
    let mut out = format!(
        "campaign {}, persona {} ({}), start {}\n\n",
        plan.campaign,
        persona.name,
        zone_name(start),
        clock::format_local(start)
    );
    if t.entries.is_empty() {
        out.push_str(
            "nothing happened: the trigger never fired (describe what the customer does with --events)\n",
        );
    } else {
        out.push_str(&t.to_text());
    }
    out.push('\n');
    out.push_str(&match t.endings().last() {
        Some((at, o)) => format!(
            "outcome: {} at {}\n",
            o.as_str(),
            crate::simulate::expect::offset_text(start, at)
        ),
        None if !t
            .entries
            .iter()
            .any(|e| e.what == crate::simulate::timeline::Happening::Entered) =>
        {
            "outcome: the customer never entered the campaign\n".into()
        }
        None => "outcome: the journey did not end\n".into(),
    });
    out
}

fn json_report(
    plan: &Plan,
    persona: &PersonaDef,
    start: &jiff::Zoned,
    t: &Timeline,
) -> serde_json::Value {
    let outcome = t
        .endings()
        .last()
        .map(|(at, o)| serde_json::json!({ "outcome": o.as_str(), "at": clock::format_utc(at) }));
    serde_json::json!({
        "campaign": plan.campaign,
        "persona": persona.name,
        "time_zone": zone_name(start),
        "start": clock::format_utc(start),
        "timeline": t.to_json(),
        "end": outcome,
    })
}
