//! Parse throughput: generates a multi-megabyte project (many campaigns,
//! messages, segments, multilingual text), parses it as a project split
//! into files and as one large file, and prints MB/s.
//!
//! Run with `cargo bench --bench parse` (optionally `-- MEGABYTES`).

mod corpus;

use std::path::Path;
use std::time::Instant;

use campaignc::diagnostics::Problems;
use campaignc::source::SourceMap;
use campaignc::syntax::{parse_file, parse_project};

fn main() {
    let megabytes: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20);
    let total = megabytes * 1024 * 1024;

    // A project of many ~64 KiB files, parsed in parallel.
    let mut map = SourceMap::new();
    let mut bytes = 0;
    let mut n = 0;
    while bytes < total {
        let mut text = String::new();
        while text.len() < 64 * 1024 {
            text.push_str(&corpus::chunk(n));
            n += 1;
        }
        bytes += text.len();
        let name = format!("campaigns/part_{:05}.camp", map.files().len());
        map.add(name.clone(), Path::new(&name), text);
    }
    let mut problems = Problems::new();
    let start = Instant::now();
    let asts = parse_project(&map, &mut problems);
    let secs = start.elapsed().as_secs_f64();
    assert!(problems.is_empty(), "generated project must parse");
    let items: usize = asts.iter().map(|a| a.items.len()).sum();
    report("project (parallel)", bytes, items, secs, map.files().len());

    // The same amount of text as one file, on one thread.
    let single = corpus::project_text(total);
    let mut map = SourceMap::new();
    let id = map.add("big.camp", Path::new("big.camp"), single);
    let len = map.get(id).text.len();
    let start = Instant::now();
    let ast = parse_file(map.get(id)).expect("generated file must parse");
    let secs = start.elapsed().as_secs_f64();
    report("single file", len, ast.items.len(), secs, 1);
}

fn report(what: &str, bytes: usize, items: usize, secs: f64, files: usize) {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    println!(
        "{what:>20}: {mb:7.1} MiB in {files:5} file(s), {items:7} declarations, {secs:7.3} s, {:7.2} MiB/s",
        mb / secs
    );
}
