//! One persona's journey through one campaign, as `campaignc simulate`
//! asks for it: find the campaign and the persona by name, lower the
//! campaign's plan, fix the `--variant` assignments, start the clock at a
//! local date-time in the persona's time zone, read what the customer does
//! (an events file, or by default the trigger event with the persona's
//! sample payload), run, and print the timeline as a table or as the JSON
//! document of docs/simulate.md. The command itself only prints.

use std::path::{Path, PathBuf};

use jiff::Zoned;

use super::clock::{self, Duration};
use super::customer::Customer;
use super::expect::offset_text;
use super::input::{read_events, suggest};
use super::journey::{simulate_switching, Forced, Input, InputKind, Options};
use super::switch::Switch;
use super::timeline::{Happening, Timeline};
use super::value::Val;
use crate::check::model::{CampaignId, Model, PersonaDef};
use crate::plan::format::{Plan, Trigger};
use crate::source::SourceMap;
use crate::template::Renderer;

/// What to simulate.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The campaign's name.
    pub campaign: &'a str,
    /// The persona that plays the customer (its name is the customer id).
    pub persona: &'a str,
    /// Where the clock starts, in the persona's time zone.
    pub start: jiff::civil::DateTime,
    /// Fixed assignments, as [`Forced::parse`] reads them.
    pub variants: &'a [String],
    /// What the customer does, as JSON Lines; `None`: the trigger event at
    /// the start (see [`trigger_inputs`]).
    pub events: Option<&'a Path>,
    /// How many days the virtual clock may run (negative counts as 0).
    pub days: i64,
    /// A deploy during the run: the plans of another project, and how
    /// long after the start they replace this one (`--switch-to DIR --at
    /// OFFSET`). The campaign missing from them is a removed campaign.
    pub switch_to: Option<(&'a [Plan], Duration)>,
}

/// A simulated journey, ready to print.
#[derive(Clone, Debug)]
pub struct Journey {
    pub campaign: String,
    pub persona: String,
    /// The start, in the persona's time zone.
    pub start: Zoned,
    pub timeline: Timeline,
}

/// Why a [`Request`] could not run: each is a mistake on the command line
/// or in the events file, not in the project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// No campaign of that name; `hint` is a " (did you mean …?)" or empty.
    UnknownCampaign { name: String, hint: String },
    /// No persona of that name; `hint` as above.
    UnknownPersona { name: String, hint: String },
    /// A `--variant` that is malformed or contradicts another.
    Variant(String),
    /// The start date-time does not exist in the persona's time zone.
    NoSuchStart,
    /// The events file could not be opened.
    EventsUnreadable { path: PathBuf, error: String },
    /// A line of the events file is wrong (`message` names the line).
    Events { path: PathBuf, message: String },
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestError::UnknownCampaign { name, hint } => write!(f, "no campaign `{name}`{hint}"),
            RequestError::UnknownPersona { name, hint } => write!(f, "no persona `{name}`{hint}"),
            RequestError::Variant(message) => f.write_str(message),
            RequestError::NoSuchStart => {
                f.write_str("the start time does not exist in the persona's time zone")
            }
            RequestError::EventsUnreadable { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            RequestError::Events { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for RequestError {}

/// Runs `request` on a checked project without errors.
pub fn simulate_persona(
    model: &Model,
    sources: &SourceMap,
    request: &Request<'_>,
    renderer: &Renderer,
) -> Result<Journey, RequestError> {
    let Some(campaign) = model
        .campaigns
        .iter()
        .position(|c| c.name == request.campaign)
    else {
        let names = model.campaigns.iter().map(|c| c.name.as_str());
        return Err(RequestError::UnknownCampaign {
            name: request.campaign.to_string(),
            hint: suggest(request.campaign, names),
        });
    };
    let Some(persona) = model.personas.iter().find(|p| p.name == request.persona) else {
        let names = model.personas.iter().map(|p| p.name.as_str());
        return Err(RequestError::UnknownPersona {
            name: request.persona.to_string(),
            hint: suggest(request.persona, names),
        });
    };
    let plan = crate::plan::lower(model, sources, CampaignId(campaign as u32));
    let forced = Forced::parse(request.variants).map_err(RequestError::Variant)?;
    let customer = Customer::of_persona(model, persona, &plan);
    let start = request
        .start
        .to_zoned(customer.time_zone.clone())
        .map_err(|_| RequestError::NoSuchStart)?;
    let inputs = match request.events {
        Some(path) => events_file(path, model, &start)?,
        None => trigger_inputs(model, persona, &plan, &start),
    };
    let horizon = clock::add(&start, Duration::new(request.days.max(0), 0))
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
    let switch = match request.switch_to {
        Some((plans, offset)) => Some(Switch {
            at: clock::add(&start, offset)
                .map_err(|_| RequestError::NoSuchStart)?
                .timestamp(),
            plan: plans.iter().find(|p| p.campaign == plan.campaign).cloned(),
        }),
        None => None,
    };
    let sim = simulate_switching(&plan, customer, inputs, &options, renderer, switch.as_ref());
    Ok(Journey {
        campaign: plan.campaign,
        persona: persona.name.clone(),
        start,
        timeline: sim.timeline,
    })
}

fn events_file(path: &Path, model: &Model, start: &Zoned) -> Result<Vec<Input>, RequestError> {
    let file = std::fs::File::open(path).map_err(|e| RequestError::EventsUnreadable {
        path: path.to_path_buf(),
        error: e.to_string(),
    })?;
    read_events(std::io::BufReader::new(file), model, start).map_err(|e| RequestError::Events {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Without an events file: a campaign triggered by an event gets that
/// event at the start, with the persona's sample payload for it (the
/// persona's `event` block, else no properties); other triggers get
/// nothing.
pub fn trigger_inputs(
    model: &Model,
    persona: &PersonaDef,
    plan: &Plan,
    start: &Zoned,
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

impl Journey {
    fn zone_name(&self) -> String {
        self.start
            .time_zone()
            .iana_name()
            .unwrap_or("UTC")
            .to_string()
    }

    /// The timeline as a table, with a header line and the outcome. User
    /// text (rendered messages, event values) is as it is: escape it
    /// before it reaches a terminal.
    pub fn to_text(&self) -> String {
        let t = &self.timeline;
        let mut out = format!(
            "campaign {}, persona {} ({}), start {}\n\n",
            self.campaign,
            self.persona,
            self.zone_name(),
            clock::format_local(&self.start)
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
                offset_text(&self.start, at)
            ),
            None if !t.entries.iter().any(|e| e.what == Happening::Entered) => {
                "outcome: the customer never entered the campaign\n".into()
            }
            None => "outcome: the journey did not end\n".into(),
        });
        out
    }

    /// The JSON document of docs/simulate.md: campaign, persona, time
    /// zone, start, the timeline and how it ended.
    pub fn to_json(&self) -> serde_json::Value {
        let outcome = self.timeline.endings().last().map(
            |(at, o)| serde_json::json!({ "outcome": o.as_str(), "at": clock::format_utc(at) }),
        );
        serde_json::json!({
            "campaign": self.campaign,
            "persona": self.persona,
            "time_zone": self.zone_name(),
            "start": clock::format_utc(&self.start),
            "timeline": self.timeline.to_json(),
            "end": outcome,
        })
    }
}
