//! Throughput of the simulator: a generated population of 100,000
//! customers, each sent through one campaign of the example project (in
//! turn) with a few events (the trigger and random others, payloads from
//! the personas' samples). Prints events per second and customers per
//! second for three runs over the same population:
//!
//! - `simulate`, one thread: every send rendered (the figure the issue
//!   measured, 53,000 events/s);
//! - `replay`, one thread: the same run without rendering the sends
//!   (`journey::replay`, what a whole-population replay uses);
//! - `replay`, on rayon's pool (`RAYON_NUM_THREADS`, default one per core),
//!   customers in parallel; its counts must equal the one-thread run's.
//!
//! The population is generated in chunks of 10,000 customers outside the
//! timed part (until 29 November 2026 the generation was timed too; it
//! costs about 10 % of the old figure, printed as `generating`).
//!
//! Each run also prints the processor time of all its threads while
//! simulating, per event, and how many cores were busy on average: a
//! parallel run doing the same work per event as the 1-thread run shares
//! nothing that costs; more work per event on the same code is the cores
//! getting less from the host (a shared last-level cache and memory,
//! which `cargo bench --bench host` measures on its own).
//!
//! `cargo bench --bench simulate` (`CUSTOMERS=N` to resize, `RUNS=replay`
//! for one run only, `REPEAT=N` to run both replays N times in turn and
//! print their medians and the median speed-up).

/// The binary's allocator (src/main.rs), so the figures are the command's
/// (its tuning for `check` and `build` is the memory benchmark's).
#[path = "../src/allocator.rs"]
#[allow(dead_code)]
mod allocator;

#[path = "stats.rs"]
mod stats;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration as Elapsed, Instant};

use campaignc::check::model::{Model, PersonaDef};
use campaignc::plan::format::{Plan, Trigger};
use campaignc::simulate::clock::{self, Duration};
use campaignc::simulate::customer::Customer;
use campaignc::simulate::eval::literal;
use campaignc::simulate::journey::{
    replay, simulate, Forced, Input, InputKind, Options, Simulation,
};
use campaignc::simulate::timeline::Happening;
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
                name: event.as_str().into(),
                props: sample_payload(model, persona, event).into(),
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
                name: e.name.as_str().into(),
                props: sample_payload(model, persona, &e.name).into(),
            },
        });
    }
    inputs
}

/// One customer's run: the plan (by index), the customer, the inputs.
type Job = (usize, Customer, Vec<Input>, Options);

/// The customers of `indices` (each from a random stream of its own, so
/// a customer is the same whichever thread makes it, and in whatever
/// order).
fn jobs(model: &Model, plans: &[Plan], indices: impl Iterator<Item = usize>) -> Vec<Job> {
    let start_local: jiff::civil::DateTime = "2026-01-05T10:00".parse().expect("start");
    let mut jobs = Vec::new();
    for i in indices {
        let rng = &mut Rng(Rng(2026 ^ i as u64).next());
        let persona = &model.personas[i % model.personas.len()];
        let p = i % plans.len();
        let plan = &plans[p];
        let attrs = persona
            .attrs
            .iter()
            .map(|(id, v)| (model.attr(*id).name.clone(), Val::from(v)))
            .collect::<BTreeMap<_, _>>();
        let customer = Customer::new(format!("customer-{i}"), attrs, &plan.customer);
        let Ok(start) = start_local.to_zoned(customer.time_zone.clone()) else {
            continue;
        };
        let inputs = inputs_for(model, persona, plan, &start, rng);
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
            without_pressure: false,
        };
        jobs.push((p, customer, inputs, options));
    }
    jobs
}

/// What the runs produced, to compare them.
#[derive(Default, PartialEq, Debug)]
struct Counts {
    events: u64,
    entries: u64,
    sends: u64,
    outcomes: BTreeMap<&'static str, u64>,
}

impl Counts {
    fn merge(mut self, other: Counts) -> Counts {
        self.events += other.events;
        self.entries += other.entries;
        self.sends += other.sends;
        for (outcome, n) in other.outcomes {
            *self.outcomes.entry(outcome).or_default() += n;
        }
        self
    }

    fn add(&mut self, sim: &Simulation) {
        for e in &sim.timeline.entries {
            match &e.what {
                Happening::Entered => self.entries += 1,
                Happening::Sent { .. } => self.sends += 1,
                Happening::Ended { outcome, .. } => {
                    *self.outcomes.entry(outcome.as_str()).or_default() += 1;
                }
                _ => {}
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Simulate,
    Replay,
    ReplayParallel,
}

/// Runs the whole population in `mode`: the time spent simulating, the
/// time spent generating it, and the counts.
///
/// In the parallel run each thread of the pool makes its share of every
/// chunk (customers `k`, `k + n`, … for thread `k` of `n`) and then runs
/// it, as `forecast` parses each customer on the thread that replays it:
/// a customer made on one thread and dropped on another costs the
/// allocator more (a free from a foreign thread), which a population
/// streamed through the simulator does not pay.
fn run(model: &Model, plans: &[Plan], customers: usize, mode: Mode) -> Run {
    const CHUNK: usize = 10_000;
    let renderer = Renderer::new();
    let (mut simulating, mut generating) = (Elapsed::ZERO, Elapsed::ZERO);
    let mut cpu = Elapsed::ZERO;
    let mut counts = Counts::default();
    // Each journey counted and dropped as soon as it has run, as
    // `forecast` does: a consumer streams a population through the
    // simulator, it does not keep every timeline.
    let one = |(p, customer, inputs, options): Job| {
        let events = inputs.len() as u64;
        let sim = match mode {
            Mode::Simulate => simulate(&plans[p], customer, inputs, &options, &renderer),
            Mode::Replay | Mode::ReplayParallel => replay(&plans[p], customer, inputs, &options),
        };
        let mut counts = Counts {
            events,
            ..Counts::default()
        };
        counts.add(&sim);
        counts
    };
    for from in (0..customers).step_by(CHUNK) {
        let to = (from + CHUNK).min(customers);
        let began = Instant::now();
        let chunk_counts = if mode == Mode::ReplayParallel {
            let shares: Vec<std::sync::Mutex<Vec<Job>>> = rayon::broadcast(|ctx| {
                let share = (from + ctx.index()..to).step_by(ctx.num_threads());
                std::sync::Mutex::new(jobs(model, plans, share))
            });
            generating += began.elapsed();
            let began = Instant::now();
            let cpu_began = cpu_time();
            let parts = rayon::broadcast(|ctx| {
                let share = std::mem::take(&mut *shares[ctx.index()].lock().unwrap());
                share
                    .into_iter()
                    .map(one)
                    .fold(Counts::default(), Counts::merge)
            });
            simulating += began.elapsed();
            cpu += cpu_time().saturating_sub(cpu_began);
            parts.into_iter().fold(Counts::default(), Counts::merge)
        } else {
            let chunk = jobs(model, plans, from..to);
            generating += began.elapsed();
            let began = Instant::now();
            let cpu_began = cpu_time();
            let c = chunk
                .into_iter()
                .map(one)
                .fold(Counts::default(), Counts::merge);
            simulating += began.elapsed();
            cpu += cpu_time().saturating_sub(cpu_began);
            c
        };
        counts = counts.merge(chunk_counts);
    }
    Run {
        simulating,
        generating,
        cpu,
        counts,
    }
}

/// One run over the population: wall time simulating and generating, the
/// processor time (all threads) while simulating, and the counts.
struct Run {
    simulating: Elapsed,
    generating: Elapsed,
    cpu: Elapsed,
    counts: Counts,
}

/// The processor time this process has used so far, on all its threads
/// (user and system).
fn cpu_time() -> Elapsed {
    // SAFETY: `getrusage` fills the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let of = |t: libc::timeval| Elapsed::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    of(usage.ru_utime) + of(usage.ru_stime)
}

fn main() {
    allocator::without_huge_pages();
    let customers: usize = std::env::var("CUSTOMERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let compilation = campaignc::compile(&dir).expect("the example project loads");
    let model = &compilation.model;
    let plans = campaignc::plan::lower_all(model, &compilation.sources);
    assert!(!plans.is_empty() && !model.personas.is_empty());
    println!(
        "simulate benchmark: {customers} customers across {} campaigns",
        plans.len()
    );
    // `RUNS=replay` (or `simulate`, `parallel`, comma-separated) runs only
    // those, e.g. under a profiler.
    let only = std::env::var("RUNS").ok();
    // `REPEAT=N` runs the replays N times, the 1-thread and the parallel
    // one in turn, and prints their medians: on a shared host one run of
    // each, a second apart, can see different machines.
    let repeat: usize = std::env::var("REPEAT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let wanted = |name: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|n| n == name))
    };
    let mut reference: Option<Counts> = None;
    let mut check = |counts: Counts| match &reference {
        None => reference = Some(counts),
        Some(r) => assert_eq!(r, &counts, "every run simulates the same journeys"),
    };
    if wanted("simulate") {
        check(measure(model, &plans, customers, Mode::Simulate, None).counts);
    }
    // Per turn: what the 1-thread replay and the parallel one measured.
    let mut turns: Vec<(Option<Measured>, Option<Measured>)> = Vec::new();
    for _ in 0..repeat {
        let one = wanted("replay").then(|| measure(model, &plans, customers, Mode::Replay, None));
        let single = one.as_ref().map(|m| m.measured);
        let two = wanted("parallel")
            .then(|| measure(model, &plans, customers, Mode::ReplayParallel, single));
        turns.push((single, two.as_ref().map(|m| m.measured)));
        for m in one.into_iter().chain(two) {
            check(m.counts);
        }
    }
    if repeat > 1 {
        summarise(&turns);
    }
}

/// What one run measured: events per second (wall) and processor
/// nanoseconds per event (all threads).
#[derive(Clone, Copy)]
struct Measured {
    rate: f64,
    cpu_per_event: f64,
}

/// A run and what it measured.
struct Measurement {
    measured: Measured,
    counts: Counts,
}

/// Runs `mode` over the population and prints its figures; for the
/// parallel replay, against the 1-thread replay's `single` when there is
/// one.
fn measure(
    model: &Model,
    plans: &[Plan],
    customers: usize,
    mode: Mode,
    single: Option<Measured>,
) -> Measurement {
    let Run {
        simulating,
        generating,
        cpu,
        counts,
    } = run(model, plans, customers, mode);
    let secs = simulating.as_secs_f64();
    let measured = Measured {
        rate: counts.events as f64 / secs,
        cpu_per_event: cpu.as_secs_f64() * 1e9 / counts.events.max(1) as f64,
    };
    let label = match mode {
        Mode::Simulate => "simulate, 1 thread ".to_string(),
        Mode::Replay => "replay, 1 thread   ".to_string(),
        Mode::ReplayParallel => format!("replay, {} threads", rayon::current_num_threads()),
    };
    print!(
        "{label} {:>10.0} events/s {:>9.0} customers/s  ({} events in {secs:.2} s; generating {:.2} s)",
        measured.rate,
        customers as f64 / secs,
        counts.events,
        generating.as_secs_f64()
    );
    match single {
        Some(single) => println!("  speed-up {:.2}x", measured.rate / single.rate),
        None => println!(),
    }
    println!(
        "    {} journeys entered, {} messages sent, endings {:?}",
        counts.entries, counts.sends, counts.outcomes
    );
    // The processor time of all threads while simulating: on two threads
    // the same work per event means nothing is shared or contended; a
    // speed-up under the thread count with the same work is the host
    // giving each core less (frequency, shared caches and memory), which
    // `cores busy` also shows.
    print!(
        "    processor {:.2} s ({:.0} ns per event), {:.2} cores busy",
        cpu.as_secs_f64(),
        measured.cpu_per_event,
        cpu.as_secs_f64() / secs
    );
    if let Some(single) = single {
        print!(
            ", work per event {:.2}x the 1-thread run's",
            measured.cpu_per_event / single.cpu_per_event
        );
    }
    println!();
    Measurement { measured, counts }
}

/// The medians of `REPEAT` turns.
fn summarise(turns: &[(Option<Measured>, Option<Measured>)]) {
    use stats::median;
    let ones = || turns.iter().filter_map(|t| t.0);
    let twos = || turns.iter().filter_map(|t| t.1);
    let pairs = || turns.iter().filter_map(|t| Some((t.0?, t.1?)));
    println!("median of {} turns:", turns.len());
    if let Some(rate) = median(ones().map(|m| m.rate).collect()) {
        println!("  replay, 1 thread   {rate:>10.0} events/s");
    }
    if let Some(rate) = median(twos().map(|m| m.rate).collect()) {
        println!(
            "  replay, {} threads  {rate:>10.0} events/s",
            rayon::current_num_threads()
        );
    }
    let speedups: Vec<f64> = pairs().map(|(a, b)| b.rate / a.rate).collect();
    if let Some(speedup) = median(speedups.clone()) {
        let each: Vec<String> = speedups.iter().map(|x| format!("{x:.2}")).collect();
        println!(
            "  speed-up {speedup:.2}x (each turn: {}), work per event {:.2}x",
            each.join(" "),
            median(
                pairs()
                    .map(|(a, b)| b.cpu_per_event / a.cpu_per_event)
                    .collect()
            )
            .unwrap_or(f64::NAN)
        );
    }
}
