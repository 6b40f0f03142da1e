//! `campaignc sample-data`: the population files are deterministic (same
//! seed, any number of threads), every line is typed by the project's
//! schema (the events-file rules of the simulator, the checker's own),
//! and the files are sorted as docs/population.md promises.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use campaignc::check::model::{Model, Type};
use serde_json::{json, Value};

/// The lines of a file: the customer id, and the rest of the line.
type Lines = Vec<(String, Value)>;

const NOW: &str = "2026-06-01T00:00:00Z";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns")
}

fn types_fixture() -> PathBuf {
    common::fixture_path("population/types")
}

fn sample_data(project: &Path, out: &Path, args: &[&str], threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("sample-data")
        .arg(project)
        .arg("--out")
        .arg(out)
        .args(["--now", NOW])
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("campaignc runs")
}

fn generated(project: &Path, args: &[&str], threads: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = sample_data(project, dir.path(), args, threads);
    assert!(
        out.status.success(),
        "sample-data failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn model(project: &Path) -> Model {
    let compilation = campaignc::compile(project).expect("the project loads");
    assert!(!compilation.problems.has_errors(), "the project checks");
    compilation.model
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_same_seed_gives_the_same_bytes_on_any_number_of_threads() {
    let args = ["--customers", "2500", "--seed", "42"];
    let one = generated(&example(), &args, "1");
    let three = generated(&example(), &args, "3");
    for file in ["customers.jsonl", "events.jsonl"] {
        let a = read(one.path().join(file));
        assert!(a.len() > 10_000, "{file} has content");
        assert!(
            a == read(three.path().join(file)),
            "{file} differs between 1 and 3 threads"
        );
    }
    let other = generated(&example(), &["--customers", "2500", "--seed", "43"], "2");
    assert!(
        read(one.path().join("events.jsonl")) != read(other.path().join("events.jsonl")),
        "another seed gives another population"
    );
    let csv1 = generated(
        &types_fixture(),
        &["--customers", "1500", "--format", "csv"],
        "1",
    );
    let csv2 = generated(
        &types_fixture(),
        &["--customers", "1500", "--format", "csv"],
        "2",
    );
    for file in ["customers.csv", "events.csv"] {
        assert!(
            read(csv1.path().join(file)) == read(csv2.path().join(file)),
            "{file}"
        );
    }
}

/// Checks every line of a population against the project's schema with
/// the simulator's events-file reader (which types values by the
/// checker's own rules), and the order of the files.
fn validate(model: &Model, customers: Lines, events: Lines) {
    let start: jiff::Zoned = "2026-06-01T00:00[UTC]".parse().unwrap();
    // Customers: ids strictly increasing (byte order), every attribute given.
    let mut previous: Option<&String> = None;
    let mut sets = String::new();
    for (id, attributes) in &customers {
        assert!(previous < Some(id), "customers not sorted at {id}");
        previous = Some(id);
        let object = attributes.as_object().expect("attributes is an object");
        let names: BTreeSet<&str> = object.keys().map(String::as_str).collect();
        let schema: BTreeSet<&str> = model.schema.attrs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, schema, "customer {id} has every attribute");
        sets.push_str(&json!({"at": "0d", "set": attributes}).to_string());
        sets.push('\n');
    }
    if let Err(e) = campaignc::simulate::input::parse_events(&sets, model, &start) {
        panic!(
            "customers: {e}: {}",
            sets.lines().nth(e.line - 1).unwrap_or("")
        );
    }
    // Events: by customer, in time order within a customer, instants in UTC.
    let ids: BTreeSet<&String> = customers.iter().map(|(id, _)| id).collect();
    let mut lines = String::new();
    let mut previous: Option<(&String, jiff::Timestamp)> = None;
    for (id, event) in &events {
        assert!(ids.contains(id), "event of an unknown customer {id}");
        let at = event["at"].as_str().expect("at is a string");
        assert!(at.ends_with('Z'), "{at} is an instant in UTC");
        let at: jiff::Timestamp = at.parse().expect("at is an instant");
        assert!(
            previous <= Some((id, at)),
            "events not sorted by customer and time at {id} {at}"
        );
        previous = Some((id, at));
        lines.push_str(&event.to_string());
        lines.push('\n');
    }
    if let Err(e) = campaignc::simulate::input::parse_events(&lines, model, &start) {
        panic!(
            "events: {e}: {}",
            lines.lines().nth(e.line - 1).unwrap_or("")
        );
    }
}

fn jsonl(path: PathBuf, payload: &str) -> Lines {
    String::from_utf8(read(path))
        .unwrap()
        .lines()
        .map(|line| {
            let mut v: Value = serde_json::from_str(line).expect("each line is JSON");
            let id = v["customer"].as_str().expect("customer id").to_string();
            let object = v.as_object_mut().unwrap();
            object.shift_remove("customer");
            if payload == "attributes" {
                assert_eq!(object.len(), 1, "{line}");
                (id, object.shift_remove("attributes").expect("attributes"))
            } else {
                let keys: Vec<&String> = object.keys().collect();
                assert_eq!(keys, ["at", "event", "properties"], "{line}");
                (id, v)
            }
        })
        .collect()
}

#[test]
fn every_line_of_the_example_population_is_typed_and_sorted() {
    let dir = generated(&example(), &["--customers", "3000", "--seed", "7"], "2");
    let customers = jsonl(dir.path().join("customers.jsonl"), "attributes");
    let events = jsonl(dir.path().join("events.jsonl"), "event");
    assert_eq!(customers.len(), 3000);
    assert_eq!(customers[0].0, "c0000001");
    let model = model(&example());
    validate(&model, customers.clone(), events.clone());

    // Realistic: every project locale, many zones (with and without DST),
    // unset optionals, mixed consent, skewed event counts, events close
    // to a change of the clock.
    let values = |attr: &str| -> BTreeSet<String> {
        customers.iter().map(|(_, a)| a[attr].to_string()).collect()
    };
    assert_eq!(
        values("locale"),
        ["\"cs\"", "\"en\"", "\"vi\"", "\"zh-Hant\""]
            .map(String::from)
            .into()
    );
    let zones = values("timezone");
    assert!(zones.len() >= 20, "{zones:?}");
    for zone in [
        "\"Asia/Ho_Chi_Minh\"",
        "\"Europe/Prague\"",
        "\"Australia/Adelaide\"",
    ] {
        assert!(zones.contains(zone), "{zone}");
    }
    assert!(values("phone").contains("null"));
    assert_eq!(values("sms_opt_in").len(), 2);
    let mut per_customer = std::collections::BTreeMap::<&str, usize>::new();
    for (id, _) in &events {
        *per_customer.entry(id.as_str()).or_default() += 1;
    }
    let mut counts: Vec<usize> = per_customer.values().copied().collect();
    counts.sort_unstable();
    let median = counts[counts.len() / 2];
    let mean = events.len() as f64 / customers.len() as f64;
    assert!(
        (15.0..25.0).contains(&mean),
        "about 20 events per customer: {mean}"
    );
    assert!(
        median * 3 < (mean * 4.0) as usize && counts[counts.len() - 1] > 10 * median,
        "skewed: median {median}, max {}",
        counts[counts.len() - 1]
    );
    let zone_of: std::collections::BTreeMap<&str, String> = customers
        .iter()
        .map(|(id, a)| (id.as_str(), a["timezone"].as_str().unwrap().to_string()))
        .collect();
    let near_dst = events
        .iter()
        .filter(|(id, e)| {
            let at: jiff::Timestamp = e["at"].as_str().unwrap().parse().unwrap();
            let tz = jiff::tz::TimeZone::get(&zone_of[id.as_str()]).unwrap();
            let before = tz.to_offset(at - jiff::SignedDuration::from_hours(3));
            let after = tz.to_offset(at + jiff::SignedDuration::from_hours(3));
            before != after
        })
        .count();
    assert!(
        near_dst >= 100,
        "events within 3 hours of a DST change: {near_dst}"
    );
}

#[test]
fn every_line_of_a_population_of_other_types_is_typed_in_jsonl_and_csv() {
    let model = model(&types_fixture());
    let dir = generated(&types_fixture(), &["--customers", "1200"], "2");
    let customers = jsonl(dir.path().join("customers.jsonl"), "attributes");
    let events = jsonl(dir.path().join("events.jsonl"), "event");
    validate(&model, customers.clone(), events);
    // The locale attribute takes the project's locales (the default, `de`).
    let langs: BTreeSet<String> = customers
        .iter()
        .map(|(_, a)| a["preferred_language"].to_string())
        .collect();
    assert_eq!(langs, ["\"de\"", "null"].map(String::from).into());

    let dir = generated(
        &types_fixture(),
        &["--customers", "1200", "--format", "csv"],
        "2",
    );
    let (customers, events) = csv_population(&model, dir.path());
    assert_eq!(customers.len(), 1200);
    validate(&model, customers, events);
}

/// Reads the CSV files back into the JSON shape, typing cells by the
/// schema: empty is unset, lists and records are JSON text, numbers and
/// booleans are bare.
fn csv_population(model: &Model, dir: &Path) -> (Lines, Lines) {
    let mut reader = csv::Reader::from_path(dir.join("customers.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "customer");
    let mut customers = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        let mut attributes = serde_json::Map::new();
        for (name, cell) in header.iter().zip(record.iter()).skip(1) {
            let attr = model
                .schema
                .attrs
                .iter()
                .find(|a| &a.name == name)
                .expect("an attribute");
            let value = match attr.ty.strip_optional() {
                _ if cell.is_empty() => Value::Null,
                Type::Bool
                | Type::Int
                | Type::Decimal
                | Type::Money(_)
                | Type::List(_)
                | Type::Record(_) => serde_json::from_str(cell).expect(cell),
                _ => Value::String(cell.to_string()),
            };
            attributes.insert(name.clone(), value);
        }
        customers.push((record[0].to_string(), Value::Object(attributes)));
    }
    let mut reader = csv::Reader::from_path(dir.join("events.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["customer", "at", "event", "properties"]
    );
    let events = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let properties: Value = serde_json::from_str(&r[3]).expect("properties JSON");
            (
                r[0].to_string(),
                json!({"at": &r[1], "event": &r[2], "properties": properties}),
            )
        })
        .collect();
    (customers, events)
}

#[test]
fn existing_files_are_kept_unless_forced_and_bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("events.jsonl"), "mine\n").unwrap();
    let out = sample_data(&example(), dir.path(), &["--customers", "3"], "1");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("events.jsonl")).unwrap(),
        "mine\n"
    );
    assert!(!dir.path().join("customers.jsonl").exists());

    let out = sample_data(
        &example(),
        dir.path(),
        &["--customers", "3", "--force"],
        "1",
    );
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("customers.jsonl"))
            .unwrap()
            .lines()
            .count(),
        3
    );
    assert!(!std::fs::read_dir(dir.path()).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".partial")));

    let out = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args([
            "sample-data",
            "campaigns",
            "--customers",
            "3",
            "--now",
            "yesterday",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an instant"));

    // A project with errors: its diagnostics, exit 1, nothing written.
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("a.camp"), "schema { attr x: nope }\n").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = sample_data(project.path(), empty.path(), &["--customers", "3"], "1");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
}
