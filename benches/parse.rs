//! Parse throughput: generates a multi-megabyte project (many campaigns,
//! messages, segments, multilingual text), parses it as a project split
//! into files and as one large file, and prints MB/s.
//!
//! Run with `cargo bench --bench parse` (optionally `-- MEGABYTES`).
//!
//! Wall-clock time suffers when other processes compete for the CPU, so on
//! Linux the CPU time of the process is printed as well (from
//! `/proc/self/stat`, 10 ms resolution): MiB per CPU-second is the number
//! to compare between versions on a busy machine.

/// The binary's allocator (src/main.rs), so the figures are the command's
/// (its tuning for `check` and `build` is the memory benchmark's).
#[path = "../src/allocator.rs"]
#[allow(dead_code)]
mod allocator;

mod corpus;

use std::path::Path;
use std::time::Instant;

use campaignc::diagnostics::Problems;
use campaignc::source::SourceMap;
use campaignc::syntax::{parse_file, parse_project};

fn main() {
    allocator::without_huge_pages();
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
    let cpu_start = cpu_seconds();
    let asts = parse_project(&map, &mut problems);
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
    assert!(problems.is_empty(), "generated project must parse");
    let items: usize = asts.iter().map(|a| a.items.len()).sum();
    report(
        "project (parallel)",
        bytes,
        items,
        secs,
        cpu,
        map.files().len(),
    );

    // The same amount of text as one file, on one thread.
    let single = corpus::project_text(total);
    let mut map = SourceMap::new();
    let id = map.add("big.camp", Path::new("big.camp"), single);
    let len = map.get(id).text.len();
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let ast = parse_file(map.get(id)).expect("generated file must parse");
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
    report("single file", len, ast.items.len(), secs, cpu, 1);
}

/// User + system CPU time of this process so far, if the OS tells us.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields overall, in clock ticks (100 per second).
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn report(what: &str, bytes: usize, items: usize, secs: f64, cpu: Option<f64>, files: usize) {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    let per_cpu = match cpu {
        Some(cpu) if cpu > 0.0 => format!("; CPU {cpu:.2} s, {:.2} MiB per CPU-second", mb / cpu),
        _ => String::new(),
    };
    println!(
        "{what:>20}: {mb:7.1} MiB in {files:5} file(s), {items:7} declarations, wall {secs:7.3} s, {:7.2} MiB/s{per_cpu}",
        mb / secs
    );
}
