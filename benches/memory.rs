//! Peak memory of `campaignc check` and `campaignc build` on a generated
//! project of `segment` declarations, as a multiple of the source size.
//!
//! Run with `cargo bench --bench memory` (optionally `-- MEGABYTES`,
//! default 2, and `used` to make a campaign use every segment through a
//! tree of segment references instead of leaving each one unused, which
//! gives one "segment is never used" warning per segment). Each command runs in a child process (this benchmark
//! re-executed as the `campaignc` command line), which reports its own
//! peak resident set size (`VmHWM` in `/proc/self/status`, Linux only).
//! docs/performance.md records the figures.

/// The binary's allocator and its tuning (src/main.rs), so the figures
/// are the command's.
#[path = "../src/allocator.rs"]
mod allocator;

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

const CHILD: &str = "CAMPAIGNC_MEMORY_CHILD";

fn main() -> std::process::ExitCode {
    allocator::without_huge_pages();
    if std::env::var_os(CHILD).is_some() {
        // The command line after the program name is a campaignc command.
        let code = campaignc::cli::main_with(allocator::TUNING);
        eprintln!("peak-rss-kib {}", peak_rss_kib().unwrap_or(0));
        return code;
    }
    let megabytes: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2);
    let used = std::env::args().skip(1).any(|a| a == "used");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let bytes = write_project(dir.path(), megabytes * 1024 * 1024, used);
    println!(
        "source: {:.1} MiB of segments, {}",
        bytes as f64 / (1024.0 * 1024.0),
        if used { "all used" } else { "all unused" }
    );
    let out = dir.path().join("out");
    let project = dir.path().join("campaigns");
    for args in [
        vec!["check".as_ref(), project.as_os_str()],
        vec![
            "build".as_ref(),
            project.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    ] {
        let child = Command::new(std::env::current_exe().expect("this benchmark's path"))
            .args(&args)
            .env(CHILD, "1")
            .env("NO_COLOR", "1")
            .output()
            .expect("the child runs");
        let stderr = String::from_utf8_lossy(&child.stderr);
        let kib: u64 = stderr
            .lines()
            .find_map(|l| l.strip_prefix("peak-rss-kib "))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let ratio = (kib * 1024) as f64 / bytes as f64;
        println!(
            "{:<6} exit {:?}  peak RSS {:>7.1} MiB  = {ratio:>5.1} x the source",
            args[0].to_string_lossy(),
            child.status.code(),
            kib as f64 / 1024.0,
        );
    }
    std::process::ExitCode::SUCCESS
}

/// Writes a schema and `bytes` of segment declarations; returns the size
/// of the `.camp` sources. Written line by line so that generating the
/// input does not itself take memory. The segments vary in shape (`and`,
/// `or`, `in`, `not`, durations in days and hours). With `used`, segment
/// `sN` also uses `s(2N+1)` and `s(2N+2)` (a tree, 17 levels deep for
/// 100,000 segments) and one campaign has `s0` as its audience.
fn write_project(dir: &Path, bytes: usize, used: bool) -> usize {
    let project = dir.join("campaigns");
    std::fs::create_dir_all(&project).expect("create the project");
    let schema = "schema {\n  attr plan: enum(guest, trial, monthly, annual)\n  \
                  attr signed_up_at: time\n  attr email: email\n}\n";
    std::fs::write(project.join("schema.camp"), schema).expect("write schema.camp");
    let mut written = schema.len();
    if used {
        let campaign = "lifecycle {\n  stages onboarding\n}\n\ncampaign c {\n  stage onboarding\n  \
                        trigger every monday at 10:00\n  audience s0\n  flow {\n    send m\n  }\n}\n\n\
                        message m: email {\n  category transactional\n  from \"A <a@example.com>\"\n  \
                        locale en {\n    subject \"Hi\"\n    body \"Hello\"\n  }\n}\n";
        std::fs::write(project.join("campaign.camp"), campaign).expect("write campaign.camp");
        written += campaign.len();
    }
    // How many segments fit: the lines are about the same length, so the
    // count is known before the tree references are written.
    let line = |n: usize, count: usize| -> String {
        let days = n % 90 + 1;
        let body = match n % 3 {
            0 => format!("plan == trial and signed_up_at > now - {days}d"),
            1 => format!("plan in [monthly, annual] or signed_up_at < now - {days}d"),
            _ => format!("not (plan == guest) and signed_up_at > now - {days}h"),
        };
        let uses: Vec<String> = [2 * n + 1, 2 * n + 2]
            .into_iter()
            .filter(|&c| used && c < count)
            .map(|c| format!(" or s{c}"))
            .collect();
        if uses.is_empty() {
            format!("segment s{n} = {body}\n")
        } else {
            format!("segment s{n} = ({body}){}\n", uses.concat())
        }
    };
    let mut count = 0;
    let mut estimate = written;
    while estimate < bytes {
        estimate += line(count, usize::MAX).len();
        count += 1;
    }
    let file = std::fs::File::create(project.join("segments.camp")).expect("create segments");
    let mut file = std::io::BufWriter::new(file);
    for n in 0..count {
        let line = line(n, count);
        file.write_all(line.as_bytes()).expect("write a segment");
        written += line.len();
    }
    file.flush().expect("flush");
    written
}

/// This process's peak resident set size, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
