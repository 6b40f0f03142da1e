//! `campaignc audience` on a real PostgreSQL server (a temporary cluster,
//! tests/common/postgres.rs): a generated population is loaded into the
//! conventional tables with COPY, and the report of an audience given by a
//! hand-written query is checked against a snapshot, in text and JSON.
//! Skipped with a message when PostgreSQL is not installed (outside CI).

#[path = "common/postgres.rs"]
mod pg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use campaignc::audience::postgres::Database;

const NOW: &str = "2026-06-01T00:00:00Z";

/// The example's `lapsed_buyers` (`lifetime_value > 0 USD and
/// last_order_at < now - 60d`) written by hand, as `campaignc sql` would.
const LAPSED: &str = "SELECT customer_id FROM customers\n\
    WHERE lifetime_value > 0 AND last_order_at < TIMESTAMPTZ '2026-06-01T00:00:00Z' - INTERVAL '60 days';\n";

/// A score: five points per app opening in the last 30 days, at most 40.
const ENGAGEMENT: &str = "SELECT c.customer_id, LEAST(40, 5 * count(e.event)) AS score\n\
    FROM customers AS c LEFT JOIN events AS e ON e.customer_id = c.customer_id AND e.event = 'app_opened'\n\
    AND e.at >= TIMESTAMPTZ '2026-06-01T00:00:00Z' - INTERVAL '30 days'\n\
    GROUP BY c.customer_id";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns")
}

fn campaignc(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_campaignc"));
    command.args(args).env_remove("CAMPAIGNC_DB");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("campaignc runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A population of the example project in `dir` (format `jsonl`/`csv`).
fn population(dir: &Path, format: &str) -> (PathBuf, PathBuf) {
    let out = campaignc(
        &[
            "sample-data",
            example().to_str().unwrap(),
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
        ],
        &[],
    );
    stdout(&out);
    (
        dir.join(format!("customers.{format}")),
        dir.join(format!("events.{format}")),
    )
}

fn lines(path: &Path) -> u64 {
    std::fs::read_to_string(path).unwrap().lines().count() as u64
}

#[test]
fn a_generated_population_loads_and_audience_reports_on_postgres() {
    let Some(server) = pg::Postgres::start() else {
        return;
    };
    let model = campaignc::compile(&example()).unwrap().model;
    let files = tempfile::tempdir().unwrap();
    let (customers, events) = population(files.path(), "jsonl");

    // Loading: every line becomes a row.
    let shop = server.create_database("shop");
    let mut db = Database::connect(&shop).expect("connect");
    let loaded = db.load(&model, &customers, &events).expect("load");
    assert_eq!(loaded, (lines(&customers), lines(&events)));
    // Loading twice is refused (the tables exist), not silently doubled.
    let again = db.load(&model, &customers, &events).unwrap_err();
    assert!(again.contains("already exists"), "{again}");

    // The CSV files of the same population load to the same data.
    let csv_dir = tempfile::tempdir().unwrap();
    let (customers_csv, events_csv) = population(csv_dir.path(), "csv");
    let shop_csv = server.create_database("shop_csv");
    Database::connect(&shop_csv)
        .unwrap()
        .load(&model, &customers_csv, &events_csv)
        .expect("load csv");
    let fingerprint = |connection: &str| -> Vec<String> {
        let mut client = postgres::Client::connect(connection, postgres::NoTls).unwrap();
        let row = client
            .query_one(
                "SELECT count(*)::text, sum(lifetime_value)::text, count(phone)::text, \
                 count(*) FILTER (WHERE sms_opt_in)::text, max(signed_up_at)::text, \
                 (SELECT count(*)::text FROM events), (SELECT sum((properties->>'total')::numeric)::text FROM events), \
                 (SELECT count(DISTINCT date_trunc('second', at))::text FROM events) FROM customers",
                &[],
            )
            .unwrap();
        (0..row.len()).map(|i| row.get(i)).collect()
    };
    assert_eq!(fingerprint(&shop), fingerprint(&shop_csv));

    // The report of a segment, through the binary, in both formats; the
    // connection string from --db or from CAMPAIGNC_DB.
    let sql = tempfile::tempdir().unwrap();
    let lapsed = sql.path().join("lapsed.sql");
    std::fs::write(&lapsed, LAPSED).unwrap();
    let project = example();
    let args = |name: &str, file: &Path, format: &str| -> Vec<String> {
        [
            "audience",
            name,
            project.to_str().unwrap(),
            "--sql",
            file.to_str().unwrap(),
            "--now",
            NOW,
            "--format",
            format,
        ]
        .map(String::from)
        .to_vec()
    };
    let with_db = |mut a: Vec<String>, url: &str| {
        a.extend(["--db".to_string(), url.to_string()]);
        a
    };
    let run = |a: Vec<String>, env: &[(&str, &str)]| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        stdout(&campaignc(&a, env))
    };
    let text = run(
        with_db(args("lapsed_buyers", &lapsed, "text"), &server.url("shop")),
        &[],
    );
    insta::assert_snapshot!("lapsed_buyers_text", text);
    let from_env = run(
        args("lapsed_buyers", &lapsed, "text"),
        &[("CAMPAIGNC_DB", &shop)],
    );
    assert_eq!(text, from_env);
    let json = run(with_db(args("lapsed_buyers", &lapsed, "json"), &shop), &[]);
    insta::assert_snapshot!("lapsed_buyers_json", json);

    // A campaign: the consent of the channels it sends on.
    let winback = run(with_db(args("winback", &lapsed, "text"), &shop), &[]);
    insta::assert_snapshot!("winback_text", winback);

    // A score: members are the customers with a score, with its range.
    let engagement = sql.path().join("engagement.sql");
    std::fs::write(&engagement, ENGAGEMENT).unwrap();
    let score = run(with_db(args("engagement", &engagement, "json"), &shop), &[]);
    insta::assert_snapshot!("engagement_json", score);

    // The sample is the ten smallest ids of the audience, in byte order.
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut client = postgres::Client::connect(&shop, postgres::NoTls).unwrap();
    let expected: Vec<String> = client
        .query(
            &format!(
                "{} ORDER BY customer_id COLLATE \"C\" LIMIT 10",
                LAPSED.trim().trim_end_matches(';')
            ),
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(report["sample"], serde_json::json!(expected));

    // Without --sql, the query `campaignc sql --dialect postgres` compiles
    // from the project: the same report as the hand-written one.
    let compiled = |name: &str, format: &str| {
        let a = [
            "audience",
            name,
            project.to_str().unwrap(),
            "--now",
            NOW,
            "--format",
            format,
            "--db",
            &shop,
        ];
        let out = campaignc(&a, &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    };
    assert_eq!(compiled("lapsed_buyers", "text"), text);
    // A campaign's audience and a score compile and run too.
    let winback: serde_json::Value = serde_json::from_str(&compiled("winback", "json")).unwrap();
    assert_eq!(winback["kind"], "campaign", "{winback}");
    let engagement: serde_json::Value =
        serde_json::from_str(&compiled("engagement", "json")).unwrap();
    assert!(engagement["count"].as_u64().unwrap() > 0, "{engagement}");

    // `campaignc diff --db`: the audience sizes of the segment a change
    // edits and of the campaign that uses it, before and after.
    let projects = tempfile::tempdir().unwrap();
    let (base, head) = (projects.path().join("base"), projects.path().join("head"));
    for to in [&base, &head] {
        let status = Command::new("cp")
            .arg("-r")
            .arg(example())
            .arg(to)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let segments = head.join("segments.camp");
    let edited = std::fs::read_to_string(&segments)
        .unwrap()
        .replace("last_order_at < now - 60d", "last_order_at < now - 30d");
    std::fs::write(&segments, edited).unwrap();
    let count = |project: &Path| -> u64 {
        let a = [
            "audience",
            "lapsed_buyers",
            project.to_str().unwrap(),
            "--now",
            NOW,
            "--format",
            "json",
            "--db",
            &shop,
        ];
        let report: serde_json::Value = serde_json::from_str(&stdout(&campaignc(&a, &[]))).unwrap();
        report["count"].as_u64().unwrap()
    };
    let (before, after) = (count(&base), count(&head));
    assert!(after > before, "{before} → {after}");
    let diff = [
        "diff",
        base.to_str().unwrap(),
        head.to_str().unwrap(),
        "--now",
        NOW,
    ];
    let markdown = stdout(&campaignc(&diff, &[("CAMPAIGNC_DB", &shop)]));
    let line = format!(
        "- audience size: {} → {} customers, {:+.0}%",
        campaignc::text::thousands(before),
        campaignc::text::thousands(after),
        (after as f64 - before as f64) * 100.0 / before as f64
    );
    assert_eq!(markdown.matches(&line).count(), 2, "{line}\n{markdown}");
    assert!(
        markdown.contains("### Changed campaign `winback`"),
        "{markdown}"
    );
    // Without a database the report has no sizes.
    let plain = stdout(&campaignc(&diff[..3], &[]));
    assert!(!plain.contains("audience size"), "{plain}");

    // A query that fails on the server: its message, exit 2.
    let broken = sql.path().join("broken.sql");
    std::fs::write(&broken, "SELECT customer_id FROM nowhere").unwrap();
    let a = with_db(args("lapsed_buyers", &broken, "text"), &shop);
    let out = campaignc(&a.iter().map(String::as_str).collect::<Vec<_>>(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the audience query failed") && stderr.contains("nowhere"),
        "{stderr}"
    );
}

#[test]
fn audience_explains_what_it_cannot_do_with_exit_2() {
    let project = example();
    let project = project.to_str().unwrap();
    // (arguments, environment, what stderr says)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (
            &[
                "audience",
                "vip",
                project,
                "--customers",
                "c.jsonl",
                "--events",
                "e.jsonl",
            ],
            &[],
            // Without the embedded engine: how to get it; with it: the
            // files are not there.
            if cfg!(feature = "duckdb-engine") {
                "cannot read c.jsonl"
            } else {
                "cargo install --path . --locked --features duckdb"
            },
        ),
        (&["audience", "vip", project], &[], "give --db postgres://"),
        (
            &[
                "audience",
                "lapsed_buyer",
                project,
                "--db",
                "host=/nonexistent dbname=x",
            ],
            &[],
            "did you mean `lapsed_buyers`?",
        ),
        (
            &["audience", "vip", project],
            &[("CAMPAIGNC_DB", "host=/nonexistent dbname=x")],
            "cannot connect to the PostgreSQL server",
        ),
        (
            &[
                "audience",
                "vip",
                project,
                "--db",
                "host=/nonexistent dbname=x",
                "--sql",
                "/dev/null",
            ],
            &[],
            "cannot connect to the PostgreSQL server",
        ),
    ];
    for (args, env, message) in cases {
        let out = campaignc(args, env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("nonexistent"),
            "the connection string is not echoed: {stderr}"
        );
    }
}
