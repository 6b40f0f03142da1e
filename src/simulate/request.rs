//! One persona's journey through one campaign (or several together, under
//! the project's `pressure`), as `campaignc simulate` asks for it: find the campaign and the persona by name, lower the
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
    /// The campaign's name; several separated by commas, or `all`, run
    /// together (sharing the project's `pressure`, see [`super::together`]).
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
    /// The campaign's name (several joined by `, `).
    pub campaign: String,
    /// Every campaign run, in the order asked for.
    pub campaigns: Vec<String>,
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
    /// `--switch-to` with several campaigns.
    SwitchSeveral,
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
            RequestError::SwitchSeveral => {
                f.write_str("--switch-to switches one campaign; name only one")
            }
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
    let campaigns = campaign_ids(model, request.campaign)?;
    if campaigns.len() > 1 && request.switch_to.is_some() {
        return Err(RequestError::SwitchSeveral);
    }
    let Some(persona) = model.personas.iter().find(|p| p.name == request.persona) else {
        let names = model.personas.iter().map(|p| p.name.as_str());
        return Err(RequestError::UnknownPersona {
            name: request.persona.to_string(),
            hint: suggest(request.persona, names),
        });
    };
    let plans: Vec<Plan> = campaigns
        .iter()
        .map(|&id| crate::plan::lower(model, sources, id))
        .collect();
    let Some(plan) = plans.first() else {
        return Err(RequestError::UnknownCampaign {
            name: request.campaign.to_string(),
            hint: String::new(),
        });
    };
    let forced = Forced::parse(request.variants).map_err(RequestError::Variant)?;
    let customer = Customer::of_persona(model, persona, plan);
    let start = request
        .start
        .to_zoned(customer.time_zone.clone())
        .map_err(|_| RequestError::NoSuchStart)?;
    let inputs = match request.events {
        Some(path) => events_file(path, model, &start)?,
        None => {
            // Each campaign's trigger event once, however many it starts.
            let mut inputs: Vec<Input> = Vec::new();
            for plan in &plans {
                for input in trigger_inputs(model, persona, plan, &start) {
                    if !inputs.contains(&input) {
                        inputs.push(input);
                    }
                }
            }
            inputs
        }
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
        without_pressure: false,
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
    let names: Vec<String> = plans.iter().map(|p| p.campaign.clone()).collect();
    let timeline = if plans.len() == 1 {
        simulate_switching(plan, customer, inputs, &options, renderer, switch.as_ref()).timeline
    } else {
        let runs = plans
            .iter()
            .map(|p| (p, Customer::of_persona(model, persona, p)))
            .collect();
        super::together::simulate_together(runs, inputs, &options, renderer)
            .map(|sim| sim.timeline)
            .unwrap_or_default()
    };
    Ok(Journey {
        campaign: names.join(", "),
        campaigns: names,
        persona: persona.name.clone(),
        start,
        timeline,
    })
}

/// The campaigns `text` names: one name, several separated by commas (each
/// once, in the order written), or `all` (every campaign, by name).
fn campaign_ids(model: &Model, text: &str) -> Result<Vec<CampaignId>, RequestError> {
    if text == "all" && !model.campaigns.iter().any(|c| c.name == "all") {
        return Ok((0..model.campaigns.len() as u32).map(CampaignId).collect());
    }
    let mut ids = Vec::new();
    for name in text.split(',').map(str::trim) {
        let Some(i) = model.campaigns.iter().position(|c| c.name == name) else {
            let names = model.campaigns.iter().map(|c| c.name.as_str());
            return Err(RequestError::UnknownCampaign {
                name: name.to_string(),
                hint: suggest(name, names),
            });
        };
        let id = CampaignId(i as u32);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
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
            name: event.as_str().into(),
            props: props.into(),
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
        if self.campaigns.len() == 1 {
            out.push_str(&format!("outcome: {}\n", self.outcome_text(t)));
        } else {
            for campaign in &self.campaigns {
                let own = self.of_campaign(campaign);
                out.push_str(&format!(
                    "outcome of {campaign}: {}\n",
                    self.outcome_text(&own)
                ));
            }
        }
        out
    }

    /// How the journey in `t` ended, in words.
    fn outcome_text(&self, t: &Timeline) -> String {
        match t.endings().last() {
            Some((at, o)) => format!("{} at {}", o.as_str(), offset_text(&self.start, at)),
            None if !t.entries.iter().any(|e| e.what == Happening::Entered) => {
                "the customer never entered the campaign".into()
            }
            None => "the journey did not end".into(),
        }
    }

    /// The lines of one campaign of a run of several.
    fn of_campaign(&self, campaign: &str) -> Timeline {
        Timeline {
            entries: self
                .timeline
                .entries
                .iter()
                .filter(|e| e.campaign.as_deref() == Some(campaign))
                .cloned()
                .collect(),
        }
    }

    /// The JSON document of docs/simulate.md: campaign, persona, time
    /// zone, start, the timeline and how it ended.
    pub fn to_json(&self) -> serde_json::Value {
        let end = |t: &Timeline| {
            t.endings().last().map(
                |(at, o)| serde_json::json!({ "outcome": o.as_str(), "at": clock::format_utc(at) }),
            )
        };
        if self.campaigns.len() > 1 {
            let ends: serde_json::Map<String, serde_json::Value> = self
                .campaigns
                .iter()
                .map(|c| (c.clone(), end(&self.of_campaign(c)).into()))
                .collect();
            return serde_json::json!({
                "campaigns": self.campaigns,
                "persona": self.persona,
                "time_zone": self.zone_name(),
                "start": clock::format_utc(&self.start),
                "timeline": self.timeline.to_json(),
                "end": ends,
            });
        }
        let outcome = end(&self.timeline);
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
