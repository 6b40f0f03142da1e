//! `campaignc forecast` (issue 15, point 4): a small hand-written history
//! (tests/fixtures/forecast/history) replayed through the three campaigns
//! of tests/fixtures/forecast/shop, with every count worked out by hand
//! below; the population files' errors; the JSON and CSV reports; the
//! chart; and the same bytes on one thread and on two.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use campaignc::forecast::{forecast, CampaignReport, Period, Report, StepTime};
use campaignc::population::read::Population;
use campaignc::template::Renderer;
use jiff::civil::{date, Date};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const SHOP: &str = "tests/fixtures/forecast/shop";
const HISTORY: &str = "tests/fixtures/forecast/history";

fn campaignc(args: &[&str], threads: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_campaignc"));
    cmd.args(args).current_dir(root()).env("NO_COLOR", "1");
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n);
    }
    cmd.output().expect("campaignc runs")
}

/// `forecast all` on the shop over 2026-03-06..=2026-03-10 with the given
/// files, in `format`.
fn run_forecast(customers: &str, events: &str, format: &str, threads: Option<&str>) -> Output {
    campaignc(
        &[
            "forecast",
            "all",
            SHOP,
            "--customers",
            customers,
            "--events",
            events,
            "--from",
            "2026-03-06",
            "--to",
            "2026-03-10",
            "--format",
            format,
        ],
        threads,
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The report of the library's entry point over the fixture history.
fn library_report(customers: &str, events: &str) -> Report {
    let c = campaignc::compile(&root().join(SHOP)).expect("project loads");
    assert!(c.problems.is_empty(), "the shop fixture is clean");
    let plans = campaignc::plan::lower_all(&c.model, &c.sources);
    let mut population = Population::open(
        &c.model,
        &root().join(HISTORY).join(customers),
        &root().join(HISTORY).join(events),
    )
    .expect("files open");
    let period = Period {
        from: date(2026, 3, 6),
        to: date(2026, 3, 10),
    };
    forecast(
        &plans,
        &mut population,
        period,
        Some(&Renderer::new()),
        &|_| {},
    )
    .expect("the history is valid")
}

fn campaign<'r>(report: &'r Report, name: &str) -> &'r CampaignReport {
    &report
        .campaigns
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no campaign {name} in the report"))
        .1
}

fn days(pairs: &[(Date, u64)]) -> BTreeMap<Date, u64> {
    pairs.iter().copied().collect()
}

fn sends(rows: &[(Date, &str, &str, &str, u64)]) -> BTreeMap<(Date, String, String, String), u64> {
    rows.iter()
        .map(|(d, m, c, l, n)| ((*d, m.to_string(), c.to_string(), l.to_string()), *n))
        .collect()
}

fn reasons(rows: &[(&str, &str, u64)]) -> BTreeMap<(String, String), u64> {
    rows.iter()
        .map(|(m, r, n)| ((m.to_string(), r.to_string()), *n))
        .collect()
}

fn outcomes(rows: &[(&str, u64)]) -> BTreeMap<String, u64> {
    rows.iter().map(|(o, n)| (o.to_string(), *n)).collect()
}

fn steps(rows: &[(&str, u64, i64)]) -> BTreeMap<String, StepTime> {
    rows.iter()
        .map(|(node, visits, seconds)| {
            (
                node.to_string(),
                StepTime {
                    visits: *visits,
                    seconds: *seconds,
                },
            )
        })
        .collect()
}

const H: i64 = 3600;

/// The history, customer by customer (period 2026-03-06..=2026-03-10, UTC
/// days; `cart` holds out 50%: the buckets of c01, c02, c03 are 2931, 886
/// and 4639, below 5000, so they are held out; c04's is 7257):
///
/// - c01 (America/New_York, en, phone, both consents):
///   - 03-01 12:00Z cart_abandoned: before the period, history only.
///   - 03-08 03:30Z signed_up = 03-07 22:30 EST: `welcome` entry (03-08);
///     outside 09:00-17:00, deferred to 03-08 09:00, which is EDT after the
///     DST change at 02:00: 13:00Z, so parked 9h30m (not 10h30m); sent
///     welcome_email (en) 03-08. `wait 2d` to 03-10 09:00 EDT = 13:00Z
///     (48h): tips_email sent 03-10. `wait 5d` parked from 03-10 13:00Z.
///   - 03-09 15:00Z cart_abandoned: `cart` entry (03-09), wait 1h, held
///     out: skipped `held_out`, completed.
///   - 03-12 10:00Z order_placed 150 USD: after the period, within 7d of
///     the welcome entry: converted (the second wait lasted 45h). Its
///     `vip` entry is after the period and not counted.
/// - c02 (Asia/Ho_Chi_Minh, vi, no phone):
///   - 03-06 01:00Z signed_up = 08:00 local: `welcome` entry (03-06),
///     deferred 1h to 09:00 local = 02:00Z, welcome_email (vi) sent 03-06;
///     `wait 2d` from 02:00Z.
///   - 03-06 10:00Z cart_abandoned: `cart` entry, wait 1h, no phone:
///     skipped `no_address` (checked before the holdout).
///   - 03-07 05:00Z order_placed 120 USD: `welcome` converted (the wait
///     lasted 27h); `vip` entry, thanks_email (vi) sent 03-07.
///   - 03-07 09:00Z order_placed 110 USD: `vip` entry again (reentry after
///     1h); the cap (1 per 1d) defers it 20h to 03-08 05:00Z: sent 03-08.
/// - c03 (Europe/Prague, en, no consents):
///   - 03-07 12:00Z cart_abandoned: `cart` entry, wait 1h: skipped
///     `no_consent`.
///   - 03-10 20:00Z signed_up: `welcome` entry; skipped `no_consent`;
///     `wait 2d` still running when the history ends (03-11 00:00Z, 4h).
/// - c04 (UTC, en, phone, consents):
///   - 03-09 23:30Z cart_abandoned: `cart` entry (03-09), wait 1h, in the
///     treatment: cart_sms (sms, en) sent 03-10 00:30Z.
///   - 03-10 00:00Z cart_abandoned: the journey still runs: no entry.
/// - c05: no events, nothing happens.
fn assert_hand_computed(report: &Report) {
    assert_eq!(report.customers, 5);
    assert_eq!(report.events, 12);
    let names: Vec<&str> = report.campaigns.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["cart", "vip", "welcome"]);

    let welcome = campaign(report, "welcome");
    assert_eq!(
        welcome.entries,
        days(&[
            (date(2026, 3, 6), 1),
            (date(2026, 3, 8), 1),
            (date(2026, 3, 10), 1)
        ])
    );
    assert_eq!(
        welcome.sends,
        sends(&[
            (date(2026, 3, 6), "welcome_email", "email", "vi", 1),
            (date(2026, 3, 8), "welcome_email", "email", "en", 1),
            (date(2026, 3, 10), "tips_email", "email", "en", 1),
        ])
    );
    assert_eq!(
        welcome.skipped,
        reasons(&[("welcome_email", "no_consent", 1)])
    );
    assert_eq!(
        welcome.deferred,
        reasons(&[("welcome_email", "send_window", 2)])
    );
    assert_eq!(
        welcome.outcomes,
        outcomes(&[("converted", 2), ("running", 1)])
    );
    assert_eq!(welcome.conversions(), 2);
    assert_eq!(
        welcome.steps,
        steps(&[
            // c01 9h30m across the DST change + c02 1h.
            ("send", 2, 9 * H + 30 * 60 + H),
            // c01 48h + c02 27h + c03 4h (until the history ends).
            ("wait", 3, 48 * H + 27 * H + 4 * H),
            ("wait#2", 1, 45 * H),
        ])
    );
    assert_eq!(welcome.errors, 0);

    let cart = campaign(report, "cart");
    assert_eq!(
        cart.entries,
        days(&[
            (date(2026, 3, 6), 1),
            (date(2026, 3, 7), 1),
            (date(2026, 3, 9), 2)
        ])
    );
    assert_eq!(
        cart.sends,
        sends(&[(date(2026, 3, 10), "cart_sms", "sms", "en", 1)])
    );
    assert_eq!(
        cart.skipped,
        reasons(&[
            ("cart_sms", "held_out", 1),
            ("cart_sms", "no_address", 1),
            ("cart_sms", "no_consent", 1),
        ])
    );
    assert!(cart.deferred.is_empty());
    assert_eq!(cart.outcomes, outcomes(&[("completed", 4)]));
    assert_eq!(cart.steps, steps(&[("wait", 4, 4 * H)]));

    let vip = campaign(report, "vip");
    assert_eq!(vip.entries, days(&[(date(2026, 3, 7), 2)]));
    assert_eq!(
        vip.sends,
        sends(&[
            (date(2026, 3, 7), "thanks_email", "email", "vi", 1),
            (date(2026, 3, 8), "thanks_email", "email", "vi", 1),
        ])
    );
    assert!(vip.skipped.is_empty());
    assert_eq!(vip.deferred, reasons(&[("thanks_email", "cap", 1)]));
    assert_eq!(vip.outcomes, outcomes(&[("completed", 2)]));
    assert_eq!(vip.steps, steps(&[("send", 1, 20 * H)]));
}

#[test]
fn the_hand_computed_counts_of_three_campaigns() {
    assert_hand_computed(&library_report("customers.jsonl", "events.jsonl"));
}

#[test]
fn csv_files_give_the_same_report_as_json_lines() {
    let csv = library_report("customers.csv", "events.csv");
    assert_hand_computed(&csv);
    assert_eq!(csv, library_report("customers.jsonl", "events.jsonl"));
}

#[test]
fn the_text_summary() {
    let out = run_forecast(
        "tests/fixtures/forecast/history/customers.jsonl",
        "tests/fixtures/forecast/history/events.jsonl",
        "text",
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("forecast_text", stdout(&out));
}

#[test]
fn the_json_and_csv_reports() {
    let customers = "tests/fixtures/forecast/history/customers.jsonl";
    let events = "tests/fixtures/forecast/history/events.jsonl";
    let json = run_forecast(customers, events, "json", None);
    assert!(json.status.success(), "{}", stderr(&json));
    insta::assert_snapshot!("forecast_json", stdout(&json));
    let csv = run_forecast(customers, events, "csv", None);
    assert!(csv.status.success(), "{}", stderr(&csv));
    insta::assert_snapshot!("forecast_csv", stdout(&csv));
}

/// A population big enough for several batches and both threads: the
/// fixture's five customers copied `n` times under new ids (kept sorted).
fn big_population(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let history = root().join(HISTORY);
    let customers = std::fs::read_to_string(history.join("customers.jsonl")).unwrap();
    let events = std::fs::read_to_string(history.join("events.jsonl")).unwrap();
    let mut c_out = String::new();
    let mut e_out = String::new();
    for i in 0..n {
        for id in ["c01", "c02", "c03", "c04", "c05"] {
            let new = format!("{id}-{i:05}");
            let quoted = format!("\"{id}\"");
            let renamed = format!("\"{new}\"");
            for line in customers.lines().filter(|l| l.contains(&quoted)) {
                c_out.push_str(&line.replace(&quoted, &renamed));
                c_out.push('\n');
            }
            for line in events.lines().filter(|l| l.contains(&quoted)) {
                e_out.push_str(&line.replace(&quoted, &renamed));
                e_out.push('\n');
            }
        }
    }
    // Sorted by id: "c01-00000" < "c01-00001" < … < "c02-00000".
    let sort = |text: String| {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_by_key(|l| l.split('"').nth(3).unwrap_or_default().to_string());
        lines.join("\n") + "\n"
    };
    let (cp, ep) = (dir.join("customers.jsonl"), dir.join("events.jsonl"));
    std::fs::write(&cp, sort(c_out)).unwrap();
    std::fs::write(&ep, sort(e_out)).unwrap();
    (cp, ep)
}

#[test]
fn the_same_bytes_on_one_thread_and_on_two() {
    let tmp = tempfile::tempdir().unwrap();
    let (customers, events) = big_population(tmp.path(), 1000);
    let (customers, events) = (customers.to_str().unwrap(), events.to_str().unwrap());
    let one = run_forecast(customers, events, "json", Some("1"));
    let two = run_forecast(customers, events, "json", Some("2"));
    assert!(one.status.success(), "{}", stderr(&one));
    assert!(two.status.success(), "{}", stderr(&two));
    assert_eq!(stdout(&one), stdout(&two));
    // 1000 copies of the history: every count is 1000 times the fixture's.
    let json: serde_json::Value = serde_json::from_str(&stdout(&one)).unwrap();
    assert_eq!(json["customers"], 5000);
    assert_eq!(json["campaigns"][2]["campaign"], "welcome");
    assert_eq!(json["campaigns"][2]["entries"], 3000);
    assert_eq!(json["campaigns"][2]["conversions"], 2000);
}

/// `forecast welcome cart` on the shop's CSV history, as JSON, with
/// `--out out_dir`.
fn forecast_with_out(out_dir: &Path) -> Output {
    campaignc(
        &[
            "forecast",
            "welcome",
            "cart",
            SHOP,
            "--customers",
            "tests/fixtures/forecast/history/customers.csv",
            "--events",
            "tests/fixtures/forecast/history/events.csv",
            "--from",
            "2026-03-06",
            "--to",
            "2026-03-10",
            "--format",
            "json",
            "--out",
            out_dir.to_str().unwrap(),
        ],
        None,
    )
}

#[test]
fn out_writes_the_chart_and_the_json_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("forecast");
    let out = forecast_with_out(&out_dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let json = std::fs::read_to_string(out_dir.join("forecast.json")).unwrap();
    assert_eq!(json, stdout(&out));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let names: Vec<&str> = report["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["campaign"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["welcome", "cart"],
        "the campaigns asked for, in order"
    );
    let svg = std::fs::read_to_string(out_dir.join("sends-per-day.svg")).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    for text in ["Sends per day by channel", "email", "sms", "2026-03-06"] {
        assert!(svg.contains(text), "the chart shows {text}");
    }
    // Per channel, a 2-pixel line and its legend sample.
    assert_eq!(svg.matches("stroke-width=\"2\"").count(), 4, "{svg}");
}

/// The preview site links to the chart: a build writes
/// `previews/forecast.html` (linked from the index), which shows
/// `forecast/sends-per-day.svg` once `forecast --out OUT/previews/forecast`
/// wrote it, and a later build leaves the chart alone.
#[test]
fn the_preview_site_shows_the_chart_forecast_writes_next_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let build = |expect: &str| {
        let o = campaignc(&["build", SHOP, "--out", out.to_str().unwrap()], None);
        assert!(o.status.success(), "{expect}: {}", stderr(&o));
    };
    build("the first build");
    let index = std::fs::read_to_string(out.join("previews/index.html")).unwrap();
    assert!(
        index.contains("<a href=\"forecast.html\">Forecast</a>"),
        "{index}"
    );
    let page = std::fs::read_to_string(out.join("previews/forecast.html")).unwrap();
    assert!(
        page.contains("<object data=\"forecast/sends-per-day.svg\" type=\"image/svg+xml\""),
        "{page}"
    );
    assert!(page.contains("--out OUT/previews/forecast"), "{page}");

    let chart_dir = out.join("previews/forecast");
    let o = forecast_with_out(&chart_dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let chart = std::fs::read_to_string(chart_dir.join("sends-per-day.svg")).unwrap();
    assert!(chart.starts_with("<svg"), "{chart}");
    build("a build after the forecast");
    assert_eq!(
        std::fs::read_to_string(chart_dir.join("sends-per-day.svg")).unwrap(),
        chart,
        "a build leaves the chart alone"
    );
    assert!(chart_dir.join("forecast.json").is_file());
}

#[test]
fn mistakes_on_the_command_line_exit_2() {
    let files = [
        "--customers",
        "tests/fixtures/forecast/history/customers.jsonl",
        "--events",
        "tests/fixtures/forecast/history/events.jsonl",
    ];
    let period = ["--from", "2026-03-06", "--to", "2026-03-10"];
    let with = |head: &[&'static str], tail: &[&'static str]| [head, tail].concat();
    let mut cases: Vec<(Vec<&str>, &str)> = vec![
        (
            with(&["forecast", "welcom", SHOP], &period),
            "no campaign `welcom` (did you mean `welcome`?)",
        ),
        (
            with(
                &["forecast", "all", SHOP],
                &["--from", "2026-03-10", "--to", "2026-03-06"],
            ),
            "--from 2026-03-10 is after --to 2026-03-06",
        ),
        (
            with(&["forecast", SHOP], &period),
            "is a directory: name the campaigns to forecast",
        ),
    ];
    // A customers file of a type `forecast` does not read, and Parquet,
    // which needs the embedded engine (tests/audience_duckdb.rs reads it
    // with the engine).
    let mut wrong_files = vec![(
        "x.txt",
        "x.txt: unknown file type: name it .jsonl (JSON Lines), .csv or .parquet",
    )];
    if !cfg!(feature = "duckdb-engine") {
        wrong_files.push((
            "customers.parquet",
            "customers.parquet: reading Parquet needs the embedded engine, the cargo feature `duckdb`",
        ));
    }
    let replay = with(&["forecast", "all", SHOP], &period);
    for (file, expected) in wrong_files {
        cases.push((with(&replay, &["--customers", file]), expected));
    }
    for (args, expected) in &cases {
        let mut all: Vec<&str> = args.clone();
        if !args.contains(&"--customers") {
            all.extend(files);
        } else {
            all.extend(&files[2..]);
        }
        let out = campaignc(&all, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// Each broken file next to the valid other one; the error (stderr) of each.
#[test]
fn errors_in_the_population_files_name_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let history = root().join(HISTORY);
    let customers = std::fs::read_to_string(history.join("customers.jsonl")).unwrap();
    let events = std::fs::read_to_string(history.join("events.jsonl")).unwrap();
    let lines = |text: &str| text.lines().map(str::to_string).collect::<Vec<_>>();
    let (c, e) = (lines(&customers), lines(&events));
    let edit = |mut l: Vec<String>, i: usize, line: String| {
        l[i] = line;
        (l.join("\n") + "\n").into_bytes()
    };
    let swapped = |mut l: Vec<String>, i: usize| {
        l.swap(i, i + 1);
        (l.join("\n") + "\n").into_bytes()
    };
    // A line in the middle of a customer's lines, with a byte that is
    // not UTF-8 (the lines of a customer are checked together first).
    let not_utf8 = {
        // `order_placed` as `order_\xfflaced` in line 7 (c02's third).
        let marked = e[6].replacen("order_placed", "order_\u{0}laced", 1);
        let mut bytes = edit(e.clone(), 6, marked);
        let at = bytes.iter().position(|&b| b == 0).unwrap();
        bytes[at] = 0xff;
        bytes
    };
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "wrong type",
            "customers.jsonl",
            edit(
                c.clone(),
                1,
                c[1].replace("\"email_opt_in\": true", "\"email_opt_in\": \"yes\""),
            ),
        ),
        (
            "unknown attribute",
            "customers.jsonl",
            edit(c.clone(), 2, c[2].replace("\"plan\"", "\"plna\"")),
        ),
        (
            "missing required attribute",
            "customers.jsonl",
            edit(c.clone(), 3, c[3].replace("\"plan\": \"free\", ", "")),
        ),
        (
            "unsorted customers",
            "customers.jsonl",
            swapped(c.clone(), 2),
        ),
        (
            "unknown event",
            "events.jsonl",
            edit(e.clone(), 4, e[4].replace("signed_up", "signed_in")),
        ),
        (
            "wrong property type",
            "events.jsonl",
            edit(e.clone(), 5, e[5].replace("40", "\"forty\"")),
        ),
        (
            "not an instant",
            "events.jsonl",
            edit(e.clone(), 6, e[6].replace("T05:00:00Z", "T05:00:00")),
        ),
        ("a line that is not UTF-8", "events.jsonl", not_utf8),
        (
            "unsorted events (time)",
            "events.jsonl",
            swapped(e.clone(), 1),
        ),
        (
            "unsorted events (customer)",
            "events.jsonl",
            swapped(e.clone(), 7),
        ),
        (
            "an event of an unknown customer",
            "events.jsonl",
            edit(e.clone(), 11, e[11].replace("c04", "c04b")),
        ),
        (
            "overlong line",
            "events.jsonl",
            edit(
                e.clone(),
                2,
                format!(
                    "{{\"customer\": \"c01\", \"pad\": \"{}\"}}",
                    "x".repeat(campaignc::population::read::MAX_LINE_BYTES)
                ),
            ),
        ),
        (
            "unknown CSV column",
            "customers.csv",
            std::fs::read_to_string(history.join("customers.csv"))
                .unwrap()
                .replacen("sms_opt_in", "sms_optin", 1)
                .into_bytes(),
        ),
    ];
    let mut report = String::new();
    for (what, name, text) in cases {
        let dir = tmp.path().join(what.replace([' ', '-'], "_"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
        let (customers, events) = if name.starts_with("customers") {
            (dir.join(name), history.join("events.jsonl"))
        } else {
            (history.join("customers.jsonl"), dir.join(name))
        };
        let out = campaignc(
            &[
                "forecast",
                "all",
                SHOP,
                "--customers",
                customers.to_str().unwrap(),
                "--events",
                events.to_str().unwrap(),
                "--from",
                "2026-03-06",
                "--to",
                "2026-03-10",
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{what}: nothing on stdout");
        let message = stderr(&out)
            .replace(&format!("{}/", tmp.path().display()), "")
            .replace(&format!("{}/", root().display()), "");
        report.push_str(&format!("{what}:\n  {}", message));
    }
    insta::assert_snapshot!("forecast_file_errors", report);
}

/// `campaignc ARGS` with `input` on stdin.
fn campaignc_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("campaignc runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().expect("campaignc ends");
    writer.join().expect("stdin written");
    out
}

/// The `--partial` input of a population: per customer, their customers
/// line with their events lines added as `events`, one line each.
fn grouped_lines(customers: &str, events: &str) -> Vec<String> {
    let id = |line: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        v["customer"].as_str().unwrap().to_string()
    };
    customers
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|c| {
            let who = id(c);
            let mine: Vec<&str> = events
                .lines()
                .filter(|e| !e.trim().is_empty() && id(e) == who)
                .collect();
            let head = c.trim_end().strip_suffix('}').unwrap();
            format!("{head}, \"events\": [{}]}}", mine.join(", "))
        })
        .collect()
}

const PERIOD: [&str; 4] = ["--from", "2026-03-06", "--to", "2026-03-10"];

/// `forecast all` on the shop with `--partial`, the customers on stdin.
fn partial_of(lines: &[String]) -> String {
    let mut args = vec!["forecast", "all", SHOP, "--partial"];
    args.extend(PERIOD);
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let out = campaignc_stdin(&args, &input);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "one partial, one line: {text}");
    text
}

/// `forecast --merge FILES --format FORMAT`.
fn merge_files(files: &[PathBuf], format: &str) -> Output {
    let mut args: Vec<&str> = vec!["forecast", "--merge"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["--format", format]);
    campaignc(&args, None)
}

/// The history split at random into k parts (k = 1, 2, 5; some parts of
/// five customers are empty), each replayed with `--partial` through the
/// binary, the partials merged: the text, JSON and CSV reports and the
/// chart are the single run's, byte for byte, in any order of the files.
#[test]
fn partials_of_any_split_merge_into_the_single_run() {
    let history = root().join(HISTORY);
    let customers = std::fs::read_to_string(history.join("customers.jsonl")).unwrap();
    let events = std::fs::read_to_string(history.join("events.jsonl")).unwrap();
    let lines = grouped_lines(&customers, &events);
    assert_eq!(lines.len(), 5);
    let c = "tests/fixtures/forecast/history/customers.jsonl";
    let e = "tests/fixtures/forecast/history/events.jsonl";
    let single: Vec<(&str, String)> = ["text", "json", "csv"]
        .into_iter()
        .map(|format| {
            let out = run_forecast(c, e, format, None);
            assert!(out.status.success(), "{}", stderr(&out));
            (format, stdout(&out))
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(15);
    for k in [1usize, 2, 5] {
        for round in 0..3 {
            let mut parts: Vec<Vec<String>> = vec![Vec::new(); k];
            let mut shuffled = lines.clone();
            rng.shuffle(&mut shuffled);
            for line in shuffled {
                parts[rng.usize(..k)].push(line);
            }
            let mut files: Vec<PathBuf> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    let path = tmp.path().join(format!("k{k}-r{round}-p{i}.jsonl"));
                    std::fs::write(&path, partial_of(part)).unwrap();
                    path
                })
                .collect();
            for (format, expected) in &single {
                let merged = merge_files(&files, format);
                assert!(merged.status.success(), "{}", stderr(&merged));
                assert_eq!(
                    &stdout(&merged),
                    expected,
                    "k = {k}, round {round}, {format}: the merged report is the single run's"
                );
            }
            files.reverse();
            let merged = merge_files(&files, "json");
            assert_eq!(stdout(&merged), single[1].1, "k = {k}: in reverse order");
        }
    }
}

/// Partials merge in a tree (`--merge --partial` gives a partial), from
/// stdin, and several per file; the chart of a merge is the single run's.
#[test]
fn partials_merge_in_a_tree_and_from_stdin() {
    let history = root().join(HISTORY);
    let customers = std::fs::read_to_string(history.join("customers.jsonl")).unwrap();
    let events = std::fs::read_to_string(history.join("events.jsonl")).unwrap();
    let lines = grouped_lines(&customers, &events);
    let parts: Vec<String> = lines.chunks(2).map(partial_of).collect();
    assert_eq!(parts.len(), 3);
    let tmp = tempfile::tempdir().unwrap();
    // ((p1 + p2) + p3), the inner merge a partial again.
    let p12 = tmp.path().join("p12.jsonl");
    std::fs::write(&p12, format!("{}{}", parts[0], parts[1])).unwrap();
    let inner = campaignc(
        &["forecast", "--merge", p12.to_str().unwrap(), "--partial"],
        None,
    );
    assert!(inner.status.success(), "{}", stderr(&inner));
    let all = partial_of(&lines);
    let tree = campaignc_stdin(
        &["forecast", "--merge", "--partial"],
        &format!("{}{}", stdout(&inner), parts[2]),
    );
    assert_eq!(stdout(&tree), all, "a merged partial is the partial of all");
    // The report and the chart from stdin.
    let out = tmp.path().join("merged");
    let merged = campaignc_stdin(
        &["forecast", "--merge", "--out", out.to_str().unwrap()],
        &parts.concat(),
    );
    assert!(merged.status.success(), "{}", stderr(&merged));
    let single_out = tmp.path().join("single");
    let mut args = vec![
        "forecast",
        "all",
        SHOP,
        "--customers",
        "tests/fixtures/forecast/history/customers.jsonl",
        "--events",
        "tests/fixtures/forecast/history/events.jsonl",
        "--out",
        single_out.to_str().unwrap(),
    ];
    args.extend(PERIOD);
    let single = campaignc(&args, None);
    assert_eq!(stdout(&merged), stdout(&single));
    for file in ["sends-per-day.svg", "forecast.json"] {
        assert_eq!(
            std::fs::read(out.join(file)).unwrap(),
            std::fs::read(single_out.join(file)).unwrap(),
            "{file}"
        );
    }
    // The files' partial is the stdin partial.
    let mut args = vec![
        "forecast",
        "all",
        SHOP,
        "--partial",
        "--customers",
        "tests/fixtures/forecast/history/customers.jsonl",
        "--events",
        "tests/fixtures/forecast/history/events.jsonl",
    ];
    args.extend(PERIOD);
    assert_eq!(stdout(&campaignc(&args, None)), all);
}

/// Partials that cannot be added up, and grouped lines that are wrong:
/// exit 2 and a message that says what is wrong.
#[test]
fn partials_that_do_not_match_and_bad_grouped_lines_are_errors() {
    let history = root().join(HISTORY);
    let customers = std::fs::read_to_string(history.join("customers.jsonl")).unwrap();
    let events = std::fs::read_to_string(history.join("events.jsonl")).unwrap();
    let lines = grouped_lines(&customers, &events);
    let all = partial_of(&lines);
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut args = vec!["forecast", "welcome", SHOP, "--partial"];
    args.extend(PERIOD);
    let welcome = campaignc_stdin(&args, &lines.join("\n"));
    let args = [
        "forecast",
        "all",
        SHOP,
        "--partial",
        "--from",
        "2026-03-06",
        "--to",
        "2026-03-11",
    ];
    let longer = campaignc_stdin(&args, &lines.join("\n"));
    let cases: Vec<(Vec<PathBuf>, &str)> = vec![
        (
            vec![write("a", &all), write("b", &stdout(&welcome))],
            "partial 2 replays the campaigns welcome, but partial 1 replays cart, vip, welcome",
        ),
        (
            vec![write("c", &all), write("d", &stdout(&longer))],
            "is of 2026-03-06 to 2026-03-11, but partial 1 of 2026-03-06 to 2026-03-10",
        ),
        (
            vec![write(
                "e",
                &all.replace("campaignc.forecast-partial/v1", "x/v9"),
            )],
            "not a forecast partial of this campaignc (its format is `x/v9`",
        ),
        (vec![write("f", "")], "there is no partial to merge"),
        (vec![write("g", "{\"format\": ")], "partial 1: not JSON"),
    ];
    for (files, expected) in cases {
        let out = merge_files(&files, "text");
        assert_eq!(out.status.code(), Some(2), "{expected}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{expected}: {}",
            stderr(&out)
        );
    }
    let mut args = vec!["forecast", "all", SHOP, "--partial"];
    args.extend(PERIOD);
    let bad = |line: &str| campaignc_stdin(&args, &format!("{}\n{line}\n", lines[0]));
    let cases = [
        (
            lines[1].replace("signed_up", "signed_in"),
            "<stdin>:2: event 1: unknown event `signed_in` (did you mean `signed_up`?)",
        ),
        (
            lines[1].replace("\"events\"", "\"evnts\""),
            "<stdin>:2: unknown key \"evnts\" (did you mean `events`?)",
        ),
        (
            lines[0].replace(
                "\"customer\": \"c01\", \"attributes\"",
                "\"customer\": \"c09\", \"attributes\"",
            ),
            "<stdin>:2: event 1: it is an event of customer `c01`, on the line of customer `c09`",
        ),
        (
            "[1, 2]".to_string(),
            "<stdin>:2: each line must be a JSON object",
        ),
    ];
    for (line, expected) in cases {
        let out = bad(&line);
        assert_eq!(out.status.code(), Some(2), "{expected}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
        assert!(
            stderr(&out).contains(expected),
            "{expected}: {}",
            stderr(&out)
        );
    }
}

/// The Python of target/ci-venv (or `CAMPAIGNC_CI_PYTHON`) when it has
/// pyspark and Java runs; `None` (skipped, with a message) when not,
/// except in CI, where it fails.
fn pyspark_python() -> Option<PathBuf> {
    let python = std::env::var_os("CAMPAIGNC_CI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/ci-venv/bin/python"));
    let quiet = |cmd: &mut Command| {
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let why = if !quiet(Command::new(&python).args(["-c", "import pyspark"])) {
        format!(
            "pyspark is not installed in {} (run .ci/tools)",
            python.display()
        )
    } else if !quiet(Command::new("java").arg("-version")) {
        "java is not on the PATH (Spark needs Java 17)".to_string()
    } else {
        return Some(python);
    };
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
    None
}

/// The Spark recipe (examples/spark/forecast.py, docs/forecast.md) on a
/// local Spark (local[2], one session): 40 copies of the history in 4
/// partitions, piped through `--partial`, merged; the text, JSON and CSV
/// reports equal the single run's, byte for byte.
#[test]
fn the_spark_recipe_gives_the_single_run() {
    let Some(python) = pyspark_python() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (customers, events) = big_population(tmp.path(), 40);
    let (customers, events) = (customers.to_str().unwrap(), events.to_str().unwrap());
    let partials = tmp.path().join("partials.jsonl");
    let bin = env!("CARGO_BIN_EXE_campaignc");
    let spark = Command::new(&python)
        .arg(root().join("examples/spark/forecast.py"))
        .args(["--campaignc", bin, "--project"])
        .arg(root().join(SHOP))
        .args([
            "--campaigns",
            "all",
            "--customers",
            customers,
            "--events",
            events,
        ])
        .args(PERIOD)
        .args([
            "--partitions",
            "4",
            "--master",
            "local[2]",
            "--format",
            "json",
        ])
        .arg("--partials")
        .arg(&partials)
        .current_dir(tmp.path())
        .output()
        .expect("python runs");
    assert!(
        spark.status.success(),
        "the Spark job failed:\n{}",
        stderr(&spark)
    );
    let parts = std::fs::read_to_string(&partials).unwrap();
    assert_eq!(parts.lines().count(), 4, "one partial per partition");
    let single = run_forecast(customers, events, "json", None);
    assert_eq!(stdout(&spark), stdout(&single), "the job's JSON report");
    for format in ["text", "csv"] {
        let merged = merge_files(std::slice::from_ref(&partials), format);
        assert!(merged.status.success(), "{}", stderr(&merged));
        let single = run_forecast(customers, events, format, None);
        assert_eq!(stdout(&merged), stdout(&single), "{format}");
    }
    let json: serde_json::Value = serde_json::from_str(&stdout(&single)).unwrap();
    assert_eq!(json["customers"], 200);
}
