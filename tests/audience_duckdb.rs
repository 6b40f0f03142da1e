//! `campaignc audience` on the embedded engine (the cargo feature
//! `duckdb`): the example project on a generated population in JSON
//! Lines, CSV and Parquet (`sample-data --format parquet`), and in a
//! DuckDB database file, gives the same reports, equal to PostgreSQL's on
//! the same data (tests/common/postgres.rs; skipped when PostgreSQL is
//! missing outside CI); bad files are a clean exit 2; `campaignc diff`
//! counts the audience sizes of what a change touches.
#![cfg(feature = "duckdb-engine")]

#[path = "common/postgres.rs"]
mod pg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-06-01T00:00:00Z";

/// Every segment and score of the example project, and two campaigns (one
/// with an `audience`, one without).
const NAMES: &[&str] = &[
    "first_timers",
    "lapsed_buyers",
    "renewal_at_risk",
    "vip",
    "points_holders",
    "engagement",
    "winback",
    "onboarding",
];

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns")
}

fn campaignc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .env_remove("CAMPAIGNC_DB")
        .output()
        .expect("campaignc runs")
}

fn stdout(args: &[&str]) -> String {
    let out = campaignc(args);
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The example's population (2,000 customers) in `dir` as `format`.
fn population(dir: &Path, format: &str) -> (PathBuf, PathBuf) {
    let example = example();
    stdout(&[
        "sample-data",
        example.to_str().unwrap(),
        "--customers",
        "2000",
        "--seed",
        "11",
        "--now",
        NOW,
        "--format",
        format,
        "--out",
        dir.to_str().unwrap(),
    ]);
    (
        dir.join(format!("customers.{format}")),
        dir.join(format!("events.{format}")),
    )
}

/// The report of NAME on the data `data` (the options naming it).
fn report(name: &str, data: &[&str], format: &str) -> String {
    let example = example();
    let mut args = vec![
        "audience",
        name,
        example.to_str().unwrap(),
        "--now",
        NOW,
        "--format",
        format,
    ];
    args.extend(data);
    stdout(&args)
}

fn files(customers: &Path, events: &Path) -> Vec<String> {
    vec![
        "--customers".into(),
        customers.to_str().unwrap().into(),
        "--events".into(),
        events.to_str().unwrap().into(),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn jsonl_csv_parquet_a_database_file_and_postgres_give_the_same_reports() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = population(&dir.path().join("jsonl"), "jsonl");
    let csv = population(&dir.path().join("csv"), "csv");
    let parquet = population(&dir.path().join("parquet"), "parquet");

    // A DuckDB database file in the conventional layout, made from the
    // Parquet files.
    let database = dir.path().join("shop.duckdb");
    {
        let conn = duckdb::Connection::open(&database).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE customers AS SELECT * FROM read_parquet('{}');\
             CREATE TABLE events AS SELECT * FROM read_parquet('{}');",
            parquet.0.display(),
            parquet.1.display()
        ))
        .unwrap();
    }

    let postgres = pg::Postgres::start();
    let shop = postgres.as_ref().map(|server| {
        let shop = server.create_database("shop");
        let model = campaignc::compile(&example()).unwrap().model;
        campaignc::audience::postgres::Database::connect(&shop)
            .unwrap()
            .load(&model, &jsonl.0, &jsonl.1)
            .unwrap();
        shop
    });

    let on_jsonl = files(&jsonl.0, &jsonl.1);
    let on_csv = files(&csv.0, &csv.1);
    let on_parquet = files(&parquet.0, &parquet.1);
    let on_database = vec!["--duckdb".to_string(), database.to_str().unwrap().into()];
    let mut counts = Vec::new();
    for name in NAMES {
        let json = report(name, &strs(&on_jsonl), "json");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        counts.push((*name, value["count"].as_u64().unwrap()));
        for (what, data) in [
            ("CSV", &on_csv),
            ("Parquet", &on_parquet),
            ("a DuckDB file", &on_database),
        ] {
            assert_eq!(
                report(name, &strs(data), "json"),
                json,
                "{name}: JSON Lines and {what} differ"
            );
        }
        if let Some(shop) = &shop {
            assert_eq!(
                report(name, &["--db", shop], "json"),
                json,
                "{name}: DuckDB and PostgreSQL differ"
            );
        }
    }
    // The population is not degenerate: every segment selects some and
    // leaves some out.
    for (name, count) in &counts {
        if *name != "engagement" && *name != "onboarding" {
            assert!(*count > 0 && *count < 2000, "{name}: {count} of 2000");
        }
    }
    insta::assert_snapshot!(
        "lapsed_buyers_on_files",
        report("lapsed_buyers", &strs(&on_parquet), "text")
    );
}

#[test]
fn files_duckdb_cannot_read_are_a_clean_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (customers, events) = population(dir.path(), "jsonl");
    let example = example();
    let run = |customers: &Path, events: &Path| -> String {
        let out = campaignc(&[
            "audience",
            "lapsed_buyers",
            example.to_str().unwrap(),
            "--now",
            NOW,
            "--customers",
            customers.to_str().unwrap(),
            "--events",
            events.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        stderr
    };
    // A money attribute that is not a number.
    let text = std::fs::read_to_string(&customers).unwrap();
    let first = text.lines().next().unwrap();
    let mut value: serde_json::Value = serde_json::from_str(first).unwrap();
    value["attributes"]["lifetime_value"] = serde_json::json!("lots");
    let wrong = dir.path().join("wrong.jsonl");
    std::fs::write(&wrong, format!("{value}\n{}", &text[first.len() + 1..])).unwrap();
    let stderr = run(&wrong, &events);
    assert!(
        stderr.contains("cannot read") && stderr.contains("wrong.jsonl") && stderr.contains("lots"),
        "{stderr}"
    );
    // An event time that is not an instant.
    let bad_events = dir.path().join("bad_events.jsonl");
    std::fs::write(
        &bad_events,
        "{\"customer\": \"c0000001\", \"at\": \"yesterday\", \"event\": \"app_opened\", \"properties\": {}}\n",
    )
    .unwrap();
    let stderr = run(&customers, &bad_events);
    assert!(stderr.contains("bad_events.jsonl"), "{stderr}");
    // Not JSON at all; a missing file; an extension the engine does not read.
    let garbage = dir.path().join("garbage.jsonl");
    std::fs::write(&garbage, "this is not json\n").unwrap();
    assert!(run(&garbage, &events).contains("garbage.jsonl"));
    assert!(run(&dir.path().join("missing.jsonl"), &events).contains("missing.jsonl"));
    assert!(run(&dir.path().join("customers.xlsx"), &events).contains(".parquet"));
    // A Parquet file whose column has the wrong type: named before any
    // query runs.
    let parquet = dir.path().join("wrong.parquet");
    duckdb::Connection::open_in_memory()
        .unwrap()
        .execute_batch(&format!(
            "COPY (SELECT 'c1' AS customer_id, 'lots' AS lifetime_value) TO '{}' (FORMAT parquet)",
            parquet.display()
        ))
        .unwrap();
    let stderr = run(&parquet, &events);
    assert!(stderr.contains("wrong.parquet"), "{stderr}");
    // A database file that does not exist.
    let out = campaignc(&[
        "audience",
        "vip",
        example.to_str().unwrap(),
        "--duckdb",
        dir.path().join("none.duckdb").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn diff_counts_the_audiences_a_change_touches() {
    let dir = tempfile::tempdir().unwrap();
    let (customers, events) = population(&dir.path().join("data"), "parquet");
    let copy = |to: &Path| {
        let status = Command::new("cp")
            .arg("-r")
            .arg(example())
            .arg(to)
            .status()
            .unwrap();
        assert!(status.success());
    };
    let (base, head) = (dir.path().join("base"), dir.path().join("head"));
    copy(&base);
    copy(&head);
    let segments = head.join("segments.camp");
    let text = std::fs::read_to_string(&segments).unwrap();
    std::fs::write(
        &segments,
        text.replace("last_order_at < now - 60d", "last_order_at < now - 30d"),
    )
    .unwrap();
    let data = files(&customers, &events);
    let size = |project: &Path| -> u64 {
        let mut args = vec![
            "audience",
            "lapsed_buyers",
            project.to_str().unwrap(),
            "--now",
            NOW,
            "--format",
            "json",
        ];
        args.extend(strs(&data));
        let value: serde_json::Value = serde_json::from_str(&stdout(&args)).unwrap();
        value["count"].as_u64().unwrap()
    };
    let (before, after) = (size(&base), size(&head));
    assert!(after > before, "{before} → {after}");
    let mut args = vec![
        "diff",
        base.to_str().unwrap(),
        head.to_str().unwrap(),
        "--now",
        NOW,
    ];
    args.extend(strs(&data));
    let markdown = stdout(&args);
    let thousands = campaignc::text::thousands;
    let change = format!(
        "{:+.0}%",
        (after as f64 - before as f64) * 100.0 / before as f64
    );
    let line = format!(
        "- audience size: {} → {} customers, {change}",
        thousands(before),
        thousands(after)
    );
    // The segment and the campaign that uses it (`winback`) both say so.
    assert!(
        markdown.matches(&line).count() >= 2,
        "{line} missing:\n{markdown}"
    );
}

/// `campaignc forecast` reads Parquet through the embedded engine: the
/// same population as JSON Lines and as Parquet gives the same report,
/// byte for byte, in every format; a Parquet file out of order or with a
/// wrong column is an error naming it (exit 2), never a silent report.
#[test]
fn forecast_on_parquet_gives_the_report_of_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = population(&dir.path().join("jsonl"), "jsonl");
    let parquet = population(&dir.path().join("parquet"), "parquet");
    let example = example();
    let forecast = |data: &(PathBuf, PathBuf), format: &str| -> Output {
        campaignc(&[
            "forecast",
            "all",
            example.to_str().unwrap(),
            "--customers",
            data.0.to_str().unwrap(),
            "--events",
            data.1.to_str().unwrap(),
            "--from",
            "2026-03-01",
            "--to",
            "2026-05-31",
            "--format",
            format,
        ])
    };
    for format in ["text", "json", "csv"] {
        let (a, b) = (forecast(&jsonl, format), forecast(&parquet, format));
        assert!(
            a.status.success() && b.status.success(),
            "{}{}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&a.stdout),
            String::from_utf8_lossy(&b.stdout),
            "{format}"
        );
    }
    // Not a vacuous equality: the period has sends.
    let text = String::from_utf8(forecast(&parquet, "text").stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("entries ") && !l.contains("sends 0,")),
        "{text}"
    );

    // Events out of customer order: the reader's own error, naming the
    // file and the row.
    let shuffled = dir.path().join("shuffled.parquet");
    duckdb::Connection::open_in_memory()
        .unwrap()
        .execute_batch(&format!(
            "COPY (SELECT * FROM read_parquet('{}') ORDER BY customer_id DESC, \"at\") TO '{}' (FORMAT parquet)",
            parquet.1.display(),
            shuffled.display()
        ))
        .unwrap();
    let out = forecast(&(parquet.0.clone(), shuffled), "text");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("shuffled.parquet"), "{stderr}");
    // A customers file whose column cannot hold its attribute.
    let wrong = dir.path().join("wrong.parquet");
    duckdb::Connection::open_in_memory()
        .unwrap()
        .execute_batch(&format!(
            "COPY (SELECT 'c1' AS customer_id, 'lots' AS lifetime_value) TO '{}' (FORMAT parquet)",
            wrong.display()
        ))
        .unwrap();
    let out = forecast(&(wrong, parquet.1.clone()), "text");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("wrong.parquet"), "{stderr}");
}
