//! Throughput of the simulator: a generated population of 100,000
//! customers, each sent through every campaign of the example project with
//! a few events (the trigger and random others, payloads from the
//! personas' samples). Prints events per second and journeys per second.
//!
//! `cargo bench --bench simulate` (one thread; `CUSTOMERS=N` to resize).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use campaignc::check::model::{Model, PersonaDef};
use campaignc::plan::format::{Plan, Trigger};
use campaignc::simulate::clock::{self, Duration};
use campaignc::simulate::customer::Customer;
use campaignc::simulate::eval::literal;
use campaignc::simulate::journey::{simulate, Forced, Input, InputKind, Options};
use campaignc::simulate::value::Val;
use campaignc::template::Renderer;

/// A small deterministic generator (SplitMix64): the same population on
/// every run, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn sample_payload(model: &Model, persona: &PersonaDef, event: &str) -> Val {
    model
        .personas
        .iter()
        .chain(std::iter::once(persona))
        .flat_map(|p| p.events.iter())
        .find(|(id, _)| model.event(*id).name == event)
        .map(|(_, v)| Val::from(v))
        .unwrap_or(Val::Record(Vec::new()))
}

fn inputs_for(
    model: &Model,
    persona: &PersonaDef,
    plan: &Plan,
    start: &jiff::Zoned,
    rng: &mut Rng,
) -> Vec<Input> {
    let mut inputs = Vec::new();
    let at = |minutes: u64| {
        clock::add(start, Duration::new(0, minutes as i64 * 60))
            .map(|z| z.timestamp())
            .unwrap_or(start.timestamp())
    };
    match &plan.trigger {
        Trigger::Event { event, .. } => inputs.push(Input {
            at: at(rng.below(72 * 60)),
            kind: InputKind::Event {
                name: event.clone(),
                props: sample_payload(model, persona, event),
            },
        }),
        Trigger::Changed {
            attribute,
            to: Some(to),
        } => inputs.push(Input {
            at: at(rng.below(72 * 60)),
            kind: InputKind::Set {
                attr: attribute.clone(),
                value: literal(to),
            },
        }),
        _ => {}
    }
    let events = &model.schema.events;
    for _ in 0..3 {
        let e = &events[rng.below(events.len() as u64) as usize];
        inputs.push(Input {
            at: at(rng.below(10 * 24 * 60)),
            kind: InputKind::Event {
                name: e.name.clone(),
                props: sample_payload(model, persona, &e.name),
            },
        });
    }
    inputs
}

fn main() {
    let customers: usize = std::env::var("CUSTOMERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let compilation = campaignc::compile(&dir).expect("the example project loads");
    let model = &compilation.model;
    let plans = campaignc::plan::lower_all(model, &compilation.sources);
    assert!(!plans.is_empty() && !model.personas.is_empty());
    let renderer = Renderer::new();
    let mut rng = Rng(2026);
    let start_local: jiff::civil::DateTime = "2026-01-05T10:00".parse().expect("start");

    let began = Instant::now();
    let (mut events, mut entries, mut sends) = (0u64, 0u64, 0u64);
    let mut outcomes: BTreeMap<&'static str, u64> = BTreeMap::new();
    for i in 0..customers {
        let persona = &model.personas[i % model.personas.len()];
        let plan = &plans[i % plans.len()];
        let attrs = persona
            .attrs
            .iter()
            .map(|(id, v)| (model.attr(*id).name.clone(), Val::from(v)))
            .collect();
        let customer = Customer::new(format!("customer-{i}"), attrs, &plan.customer);
        let Ok(start) = start_local.to_zoned(customer.time_zone.clone()) else {
            continue;
        };
        let inputs = inputs_for(model, persona, plan, &start, &mut rng);
        events += inputs.len() as u64;
        let until = inputs
            .iter()
            .map(|x| x.at)
            .fold(start.timestamp(), |a, b| a.max(b));
        let horizon = clock::add(&start, Duration::new(30, 0))
            .map(|z| z.timestamp())
            .unwrap_or(until);
        let options = Options {
            start: start.timestamp(),
            until,
            horizon,
            forced: Forced::default(),
        };
        let sim = simulate(plan, customer, inputs, &options, &renderer);
        for e in &sim.timeline.entries {
            use campaignc::simulate::timeline::Happening;
            match &e.what {
                Happening::Entered => entries += 1,
                Happening::Sent { .. } => sends += 1,
                Happening::Ended { outcome, .. } => {
                    *outcomes.entry(outcome.as_str()).or_default() += 1;
                }
                _ => {}
            }
        }
    }
    let secs = began.elapsed().as_secs_f64();
    println!(
        "simulated {customers} customers across {} campaigns in {secs:.2} s",
        plans.len()
    );
    println!(
        "{events} events: {:.0} events/s, {:.0} customers/s",
        events as f64 / secs,
        customers as f64 / secs
    );
    println!(
        "{entries} journeys entered, {sends} messages sent and rendered, endings {outcomes:?}"
    );
}
