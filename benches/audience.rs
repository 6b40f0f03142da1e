//! `campaignc audience` on the embedded engine against the reference
//! evaluator, on a large population (issue 14's benchmark: 1,000,000
//! customers and ~20,000,000 events, every segment of the example project,
//! median of 3 runs, goal ≤ 2 s each).
//!
//! - DuckDB: the `campaignc` binary of this build (`audience NAME campaigns
//!   --customers customers.parquet --events events.parquet --format
//!   json`), timed end to end (start, compile the project, open the files,
//!   the query, the breakdown); the Parquet files are converted once from
//!   the JSON Lines (`campaignc::audience::duckdb::write_parquet`) into
//!   `PARQUET_DIR` when missing.
//! - The reference evaluator: the simulator's `Scope::holds` for every
//!   segment and every customer, streamed over the JSON Lines with
//!   `population::read::Population` (what `campaignc forecast` reads
//!   with), one pass for all segments, in this process.
//!
//! ```sh
//! POPULATION=/work/pop/1m PARQUET_DIR=/work/pop/duckdb-1m NOW=2026-11-29T00:00:00Z \
//!   cargo bench --profile dev --features duckdb --bench audience
//! ```
//!
//! `--profile dev`: DuckDB's C++ is compiled with `opt-level = 3` in the
//! dev profile too (Cargo.toml), so the one compile serves the tests and
//! this benchmark; the campaignc side of an `audience` run (compiling the
//! project, building the query) is a few milliseconds. The reference
//! evaluator is Rust, so its figure from a dev build is pessimistic:
//! `cargo bench --bench audience` (release, without the feature) prints
//! it alone. `RUNS=N` (default 3); `REFERENCE=0` skips the reference.

use std::path::{Path, PathBuf};
use std::time::Instant;

use campaignc::check::model::{ScoreId, SegmentId, Type};
use campaignc::plan::format::Expr;
use campaignc::plan::lower::{attr_of_type, score_entry, segment_entry};
use campaignc::population::read::{Batch, Population, Reader};
use campaignc::simulate::customer::{Customer, PastEvent};
use campaignc::simulate::eval::Scope;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

#[cfg(feature = "duckdb-engine")]
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let population = PathBuf::from(env_or("POPULATION", "/work/pop/1m"));
    let now_text = env_or("NOW", "2026-11-29T00:00:00Z");
    let now: jiff::Timestamp = now_text.parse().expect("NOW is an instant");
    let compilation = campaignc::compile(&project).expect("the example project compiles");
    let model = &compilation.model;
    let (customers, events) = (
        population.join("customers.jsonl"),
        population.join("events.jsonl"),
    );
    assert!(
        customers.is_file() && events.is_file(),
        "no population in {} (campaignc sample-data campaigns --customers 1000000 --out DIR)",
        population.display()
    );
    let segments: Vec<String> = model.segments.iter().map(|s| s.name.clone()).collect();

    #[cfg(feature = "duckdb-engine")]
    {
        use std::process::Command;
        let runs: usize = env_or("RUNS", "3").parse().expect("RUNS is a number");
        let parquet = PathBuf::from(env_or("PARQUET_DIR", "/work/pop/duckdb-1m"));
        let (pc, pe) = (
            parquet.join("customers.parquet"),
            parquet.join("events.parquet"),
        );
        if !(pc.is_file() && pe.is_file()) {
            std::fs::create_dir_all(&parquet).expect("PARQUET_DIR can be made");
            let t = Instant::now();
            campaignc::audience::duckdb::write_parquet(model, (&customers, &events), (&pc, &pe))
                .expect("the population converts to Parquet");
            println!(
                "converted {} to Parquet in {:.1} s",
                population.display(),
                t.elapsed().as_secs_f64()
            );
        }
        // This build's binary, wherever its target directory is.
        let bin = std::env::var_os("CAMPAIGNC")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_campaignc")));
        println!("DuckDB (`campaignc audience`, median of {runs}):");
        for name in &segments {
            let mut times = Vec::new();
            let mut count = String::new();
            for _ in 0..runs {
                let t = Instant::now();
                let out = Command::new(&bin)
                    .args(["audience", name])
                    .arg(&project)
                    .args(["--now", &now_text, "--format", "json", "--customers"])
                    .arg(&pc)
                    .arg("--events")
                    .arg(&pe)
                    .output()
                    .expect("campaignc runs");
                times.push(t.elapsed().as_secs_f64());
                assert!(
                    out.status.success(),
                    "{name}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                count = report["count"].to_string();
            }
            println!(
                "  {name:<18} {:>6.2} s  ({count} customers; runs {:?})",
                median(times.clone()),
                times.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>()
            );
        }
    }

    if env_or("REFERENCE", "1") == "0" {
        return;
    }
    // The reference evaluator: one streamed pass, every segment.
    let plans = campaignc::plan::lower_all(model, &compilation.sources);
    let mut all = plans.first().expect("the example has campaigns").clone();
    all.segments = (0..model.segments.len())
        .map(|i| segment_entry(model, SegmentId(i as u32)))
        .collect();
    all.scores = (0..model.scores.len())
        .map(|i| score_entry(model, ScoreId(i as u32)))
        .collect();
    all.customer.timezone.attribute = attr_of_type(model, &Type::Timezone, "timezone");
    all.customer.timezone.default = model.defaults.timezone.clone();
    let exprs: Vec<Expr> = segments
        .iter()
        .map(|name| Expr::Segment { name: name.clone() })
        .collect();
    let t = Instant::now();
    let mut counts = vec![0u64; segments.len()];
    let mut customers_seen = 0u64;
    let in_scope = Default::default();
    let mut population = Population::open(model, &customers, &events).expect("the files open");
    while let Some(batch) = population.next_batch(4096).expect("the population reads") {
        for i in 0..batch.len() {
            let member = batch.member(i).expect("the population reads");
            customers_seen += 1;
            let mut customer = Customer::new(
                member.customer.id.clone(),
                member.customer.attrs.clone(),
                &all.customer,
            );
            for e in member.events {
                customer.record_event(PastEvent {
                    name: e.event,
                    at: e.at,
                    props: e.props.into(),
                });
            }
            let zoned = customer.zoned(now);
            let scope = Scope {
                plan: &all,
                customer: &customer,
                now: &zoned,
                entry: None,
                in_scope: &in_scope,
                goal_anchor: false,
                window_ends: None,
            };
            for (i, expr) in exprs.iter().enumerate() {
                if scope.holds(expr).unwrap_or(false) {
                    counts[i] += 1;
                }
            }
        }
        population.recycle(batch);
    }
    let seconds = t.elapsed().as_secs_f64();
    println!(
        "reference evaluator (one streamed pass over the JSON Lines, {customers_seen} customers, all {} segments): {seconds:.1} s",
        segments.len()
    );
    for (name, count) in segments.iter().zip(&counts) {
        println!("  {name:<18} {count} customers");
    }
}
