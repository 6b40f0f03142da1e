//! The language server on issue 10's generated project (1,000 campaigns x
//! 4 messages x 4 locales, about 4.4 MB of `.camp`), driven over stdio
//! like an editor drives it: the release binary `campaignc lsp` on pipes,
//! with the client of `tests/common/lsp_client.rs`.
//!
//! Measures, against issue 11's goals:
//! - initial load: from starting the process to the answer of the first
//!   request that needs the checked project;
//! - a one-character edit in one campaign file and its undo, alternating:
//!   from `didChange` to the server having checked it (the answer to a
//!   request sent right behind it; a harmless edit changes no diagnostics,
//!   so nothing is published for it);
//! - a one-character edit that introduces an error (`audience aud_N` ->
//!   `aud_Nx`, an unknown segment) and its undo, alternating: from
//!   `didChange` to the `publishDiagnostics` that shows the error, and to
//!   the one that clears it (both include the debounce);
//! - hover, definition and completion once the project is checked;
//! - the server's peak RSS (`VmHWM` of /proc/PID/status).
//!
//! Run with `cargo bench --bench lsp` (release). Arguments, all optional:
//! `-- CAMPAIGNS EDITS REQUESTS`, e.g. `-- 1000 40 200`. The server timed
//! is the release `campaignc` built with the bench, or the binary named by
//! `$CAMPAIGNC_BIN` (to time another build without building this one).

#[path = "corpus.rs"]
mod corpus;
#[path = "../tests/common/lsp_client.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use lsp_client::{position_of, uri_of, Client};
use serde_json::{json, Value};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let campaigns: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let edits: usize = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(40)
        .max(2);
    let requests: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200)
        .max(1);
    let binary = std::env::var_os("CAMPAIGNC_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_campaignc").into());
    let binary = binary.as_path();

    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("campaigns");
    let files = corpus::issue_project(campaigns);
    let mut bytes = 0;
    for (relative, text) in &files {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        bytes += text.len();
    }
    println!(
        "project: {campaigns} campaigns, {} files, {:.2} MB of .camp; binary {}",
        files.len(),
        bytes as f64 / 1e6,
        binary.display()
    );

    // Initial load.
    let started = Instant::now();
    let mut client = Client::spawn(binary, &root);
    client.initialize(&root);
    let symbols = client.result("workspace/symbol", json!({"query": "c1"}));
    let load = started.elapsed();
    assert!(
        symbols.as_array().is_some_and(|s| !s.is_empty()),
        "the project was not loaded: {symbols}"
    );
    let clean = client.diagnostics.values().all(Vec::is_empty);

    // The campaign file edited: one in the middle of the project.
    let n = campaigns / 2;
    let relative = format!("flows/c{n:05}.camp");
    let path = root.join(&relative);
    let uri = uri_of(&path);
    let text = std::fs::read_to_string(&path).expect("the campaign file");
    client.open(&uri, &text);
    let mut version = 1;
    let mut edit = |client: &mut Client, at: &Value, insert: bool| {
        version += 1;
        let end = if insert {
            at.clone()
        } else {
            json!({"line": at["line"], "character": at["character"].as_u64().unwrap_or(0) + 1})
        };
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": at, "end": end},
                    "text": if insert { "x" } else { "" },
                }],
            }),
        );
    };

    // A harmless edit (a letter in a push title) and its undo.
    let harmless_at = position_of(&text, "Your first bag ships free", 0, "Your".len());
    let mut checked = Vec::new();
    for i in 0..edits {
        let start = Instant::now();
        edit(&mut client, &harmless_at, i % 2 == 0);
        client.result(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        checked.push(start.elapsed());
    }

    // An edit that breaks the audience's name, and its undo.
    let error_at = position_of(
        &text,
        &format!("audience aud_{n}\n"),
        0,
        format!("audience aud_{n}").len(),
    );
    let mut appears = Vec::new();
    let mut clears = Vec::new();
    for i in 0..edits {
        let insert = i % 2 == 0;
        let start = Instant::now();
        edit(&mut client, &error_at, insert);
        let (at, _) = if insert {
            client.wait_diagnostics(&uri, |ds| ds.iter().any(|d| d["code"] == "E0207"))
        } else {
            client.wait_diagnostics(&uri, |ds| ds.iter().all(|d| d["code"] != "E0207"))
        };
        let took = at.saturating_duration_since(start);
        if insert {
            appears.push(took);
        } else {
            clears.push(took);
        }
    }

    // Requests on the checked project.
    let at = |needle: &str, offset: usize| json!({"textDocument": {"uri": uri}, "position": position_of(&text, needle, 0, offset)});
    let definition = time_requests(
        &mut client,
        requests,
        "textDocument/definition",
        &at(&format!("audience aud_{n}"), "audience a".len()),
    );
    let hover = time_requests(
        &mut client,
        requests,
        "textDocument/hover",
        &at("customer.first_name", "customer.fi".len()),
    );
    let completion = time_requests(
        &mut client,
        requests,
        "textDocument/completion",
        &at("customer.first_name", "customer.".len()),
    );
    let rss = client.peak_rss_kib();

    let _ = client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let status = client.wait_exit();

    println!(
        "initial load (spawn -> first answer on the checked project): {}  (project clean: {clean})",
        millis(load)
    );
    println!("                                          p50        p95        max   goal");
    row(
        &format!("edit -> checked ({} harmless edits)", checked.len()),
        &checked,
        "100 ms p50",
    );
    row(
        &format!("edit -> error published ({})", appears.len()),
        &appears,
        "100 ms p50",
    );
    row(
        &format!("undo -> error cleared ({})", clears.len()),
        &clears,
        "100 ms p50",
    );
    row(
        &format!("definition ({requests})"),
        &definition,
        "20 ms p50",
    );
    row(&format!("hover ({requests})"), &hover, "20 ms p50");
    row(
        &format!("completion ({requests})"),
        &completion,
        "20 ms p50",
    );
    match rss {
        Some(kib) => println!(
            "peak RSS of the server: {:.1} MB  (goal <= 300 MB)",
            kib as f64 * 1024.0 / 1e6
        ),
        None => println!("peak RSS of the server: unknown (no /proc)"),
    }
    println!("server exit: {status}");
}

/// Times `count` identical requests, one after the other.
fn time_requests(client: &mut Client, count: usize, method: &str, params: &Value) -> Vec<Duration> {
    (0..count)
        .map(|_| {
            let start = Instant::now();
            let answer = client.request(method, params.clone());
            let took = start.elapsed();
            assert!(answer.get("error").is_none(), "{method} failed: {answer}");
            took
        })
        .collect()
}

fn row(what: &str, times: &[Duration], goal: &str) {
    let mut sorted = times.to_vec();
    sorted.sort();
    println!(
        "  {what:<38} {:>9}  {:>9}  {:>9}   {goal}",
        millis(percentile(&sorted, 50)),
        millis(percentile(&sorted, 95)),
        millis(sorted[sorted.len() - 1]),
    );
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (p * sorted.len()).div_ceil(100).max(1) - 1;
    sorted[rank.min(sorted.len() - 1)]
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
