//! The edit loop of issue 10 on its generated project (1,000 campaigns x 4
//! messages x 4 locales, about 4.4 MB of `.camp`): cold check, cold build
//! and no-op build in this process through the library, cold `check` and
//! `build` as commands (a child process each, start and exit included),
//! watch-style edits through the `driver::Workspace` API
//! (edit -> every changed output on disk), peak memory of a cold build,
//! and scaling at 100 / 1,000 / 5,000 campaigns.
//!
//! Run with `cargo bench --bench live` (release). Arguments, all optional:
//! `-- CAMPAIGNS RUNS SCALES`, e.g. `-- 1000 5 100,1000,5000`; with
//! `edits-only`, only the watch-style edits, timed to the outputs
//! computed in memory (nothing written). With `PROFILE_EDITS=N` in the
//! environment, N edits of one campaign's message text run first and
//! their mean time is printed (for a profiler: `perf record` of a run
//! with N in the hundreds is mostly edits); with `edits-only` they stop
//! at the outputs computed in memory, else each is built to disk.

/// The binary's allocator (src/main.rs), so the figures are the command's
/// (its tuning for `check` and `build` is the memory benchmark's).
#[path = "../src/allocator.rs"]
#[allow(dead_code)]
mod allocator;

#[path = "corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use campaignc::driver::{build_project, BuildStatus, Progress, Workspace};

const CHILD: &str = "CAMPAIGNC_LIVE_BENCH_CHILD";

fn main() -> std::process::ExitCode {
    allocator::without_huge_pages();
    if std::env::var_os(CHILD).is_some() {
        // The command line after the program name is a campaignc command.
        let code = campaignc::cli::main_with(allocator::TUNING);
        eprintln!("peak-rss-kib {}", peak_rss_kib().unwrap_or(0));
        return code;
    }
    let edits_only = std::env::args().any(|a| a == "edits-only");
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-') && a != "edits-only")
        .collect();
    let campaigns: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let scales: Vec<usize> = args
        .get(2)
        .map(|a| a.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1000, 5000]);
    println!(
        "threads: {} (RAYON_NUM_THREADS={})",
        rayon::current_num_threads(),
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "unset".into())
    );

    if let Some(dir) = std::env::var_os("WRITE_PROJECT") {
        // Only write the generated project (for a profiler or a by-hand
        // `campaignc check`), and stop.
        let bytes = write(Path::new(&dir), &corpus::issue_project(campaigns));
        println!("wrote {campaigns} campaigns, {bytes} bytes of .camp");
        return std::process::ExitCode::SUCCESS;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("campaigns");
    let bytes = write(&project, &corpus::issue_project(campaigns));
    println!(
        "project: {campaigns} campaigns, {} messages, {:.2} MB of .camp",
        campaigns * 4,
        bytes as f64 / 1e6
    );
    if edits_only {
        let edits = watch_edits(&project, campaigns, None);
        let mut sorted = edits.checked.clone();
        sorted.sort();
        println!(
            "edit -> diagnostics, {} edits: p50 {}  p95 {}  max {}",
            sorted.len(),
            millis(percentile(&sorted, 50)),
            millis(percentile(&sorted, 95)),
            millis(sorted[sorted.len() - 1])
        );
        let mut sorted = edits.computed.clone();
        sorted.sort();
        println!(
            "watch edit -> outputs computed in memory, {} edits: p50 {}  p95 {}  max {}",
            sorted.len(),
            millis(percentile(&sorted, 50)),
            millis(percentile(&sorted, 95)),
            millis(sorted[sorted.len() - 1])
        );
        for ((what, time), previews) in times_labels(campaigns)
            .iter()
            .zip(&edits.computed)
            .zip(&edits.rendered)
        {
            println!(
                "  {what:<44} {:>9}  ({previews} previews rendered)",
                millis(*time)
            );
        }
        print_phases(
            "mean time per edit by phase",
            &edits.phases,
            edits.computed.len(),
        );
        return std::process::ExitCode::SUCCESS;
    }
    let cold = measure(&project, tmp.path(), runs);
    println!("cold check  median {}  (goal <= 0.25 s)", secs(cold.check));
    println!(
        "cold build  median {}  (goal <= 1.0 s); of which computing the outputs {} and writing {} files {}",
        secs(cold.build),
        secs(cold.compute),
        cold.files,
        secs(cold.build.saturating_sub(cold.compute))
    );
    println!(
        "            the same files by a plain loop (create, write, rename; one thread): {}",
        secs(cold.floor)
    );
    println!("no-op build median {}  (goal <= 0.15 s)", secs(cold.noop));
    // The commands as a user runs them: a process each, with the binary's
    // allocator tuning, start and exit included.
    let command = |args: &[&std::ffi::OsStr]| {
        let start = Instant::now();
        let (code, _) = run_child(args);
        assert_eq!(code, Some(0), "campaignc {args:?}");
        start.elapsed()
    };
    let check_command = median(
        (0..runs)
            .map(|_| command(&["check".as_ref(), project.as_os_str()]))
            .collect(),
    );
    let build_command = median(
        (0..runs)
            .map(|run| {
                let out = tmp.path().join(format!("command-out-{run}"));
                command(&[
                    "build".as_ref(),
                    project.as_os_str(),
                    "--out".as_ref(),
                    out.as_os_str(),
                ])
            })
            .collect(),
    );
    println!(
        "the commands, each a new process (`campaignc check`, `campaignc build` into a new directory): check median {}, build median {}",
        secs(check_command),
        secs(build_command)
    );
    print_phases(
        "computing the outputs of a cold build, mean by phase",
        &cold.phases,
        cold.runs,
    );

    let Edits {
        times,
        checked,
        computed,
        rendered,
        phases,
    } = watch_edits(&project, campaigns, Some(&tmp.path().join("watch-out")));
    let mut sorted_checked = checked.clone();
    sorted_checked.sort();
    println!(
        "edit -> diagnostics, {} edits:               p50 {}  p95 {}  max {}",
        checked.len(),
        millis(percentile(&sorted_checked, 50)),
        millis(percentile(&sorted_checked, 95)),
        millis(sorted_checked[sorted_checked.len() - 1])
    );
    let mut sorted = times.clone();
    sorted.sort();
    let mut sorted_computed = computed.clone();
    sorted_computed.sort();
    println!(
        "watch edit -> outputs on disk, {} edits: p50 {}  p95 {}  max {}  (goals 50 ms / 150 ms)",
        times.len(),
        millis(percentile(&sorted, 50)),
        millis(percentile(&sorted, 95)),
        millis(sorted[sorted.len() - 1])
    );
    println!(
        "watch edit -> outputs computed in memory:    p50 {}  p95 {}  max {}",
        millis(percentile(&sorted_computed, 50)),
        millis(percentile(&sorted_computed, 95)),
        millis(sorted_computed[sorted_computed.len() - 1])
    );
    for (((what, time), computed), previews) in times_labels(campaigns)
        .iter()
        .zip(&times)
        .zip(&computed)
        .zip(&rendered)
    {
        println!(
            "  {what:<44} {:>9} (computed {:>9}; {previews} previews rendered)",
            millis(*time),
            millis(*computed)
        );
    }

    print_phases("mean time per edit by phase", &phases, times.len());

    let (code, kib) = peak_build_rss(&project, &tmp.path().join("rss-out"));
    println!(
        "peak RSS of a cold `campaignc build` (exit {code:?}): {:.1} MB  (goal <= 300 MB)",
        kib as f64 * 1024.0 / 1e6
    );

    println!("scaling (median of {runs}):");
    println!("  campaigns   MB     check      build     no-op");
    for &n in &scales {
        let dir = tmp.path().join(format!("scale-{n}"));
        let bytes = write(&dir.join("campaigns"), &corpus::issue_project(n));
        let m = measure(&dir.join("campaigns"), &dir, runs);
        println!(
            "  {n:>9} {:>5.1} {:>9} {:>10} {:>9}",
            bytes as f64 / 1e6,
            secs(m.check),
            secs(m.build),
            secs(m.noop)
        );
        // Kept until the end, as the output directories are (see
        // `measure`).
    }
    std::process::ExitCode::SUCCESS
}

struct Medians {
    check: Duration,
    build: Duration,
    compute: Duration,
    noop: Duration,
    /// The same files written by a plain loop (see [`plain_write`]).
    floor: Duration,
    /// The computing time of all runs by workspace phase.
    phases: Vec<(&'static str, Duration)>,
    runs: usize,
    files: usize,
}

/// Medians of `runs` cold checks, cold builds (each into a new output
/// directory), the output computation alone, and no-op builds.
fn measure(project: &Path, scratch: &Path, runs: usize) -> Medians {
    let mut check = Vec::new();
    let mut build = Vec::new();
    let mut compute = Vec::new();
    let mut noop = Vec::new();
    let mut floor = Vec::new();
    let mut phases: Vec<(&'static str, Duration)> = Vec::new();
    let mut files = 0;
    // Warm the file cache and make sure the project is clean.
    let first = campaignc::compile_checked(project).expect("loads");
    for d in first.problems.iter().take(5) {
        eprintln!(
            "{} {}: {}",
            d.code,
            first.sources.get(d.span.file).path,
            d.message
        );
    }
    assert!(
        first.problems.is_empty(),
        "the generated project has {} problems",
        first.problems.len()
    );
    drop(first);
    for run in 0..runs {
        let start = Instant::now();
        let checked = campaignc::compile_checked(project).expect("loads");
        check.push(start.elapsed());
        assert!(checked.problems.is_empty());
        drop(checked);

        let start = Instant::now();
        let clock = Arc::new(PhaseClock::default());
        let mut workspace = Workspace::new(project);
        workspace.set_progress(Some(clock.clone()));
        workspace.load_dir(project).expect("loads");
        let outputs = workspace.output_files();
        files = outputs.len();
        compute.push(start.elapsed());
        clock.add_to(&mut phases, "loading", start, start.elapsed());
        drop(workspace);

        let out = scratch.join(format!("out-{run}"));
        let start = Instant::now();
        let outcome = build_project(project, &out, false).expect("builds");
        build.push(start.elapsed());
        assert!(matches!(outcome.status, BuildStatus::Built { .. }));

        let start = Instant::now();
        let outcome = build_project(project, &out, false).expect("builds");
        noop.push(start.elapsed());
        assert!(matches!(outcome.status, BuildStatus::Built { .. }));

        let plain = scratch.join(format!("plain-{run}"));
        floor.push(plain_write(&plain, &outputs));
        // The output directories stay until the benchmark ends (the
        // temporary directory goes then): on some hosts (ext4 mounted
        // with `discard` in a VM) creating files costs up to 20 times
        // more in the minute after thousands were removed, and that
        // would be timed as the next run's cold build.
    }
    Medians {
        check: median(check),
        build: median(build),
        compute: median(compute),
        noop: median(noop),
        floor: median(floor),
        phases,
        runs,
        files,
    }
}

/// How long the file system takes to create `files` under `out` by the
/// plainest loop, one thread: each directory made once, then per file
/// create a temporary, write, close, rename. No comparing, hashing or
/// manifest: what any atomic writer pays at least on this disk, to set
/// the build's writing time against.
fn plain_write(out: &Path, files: &[(Arc<Path>, Arc<str>)]) -> Duration {
    let start = Instant::now();
    let mut made = std::collections::HashSet::new();
    for (relative, text) in files {
        let path = out.join(relative);
        let dir = path.parent().expect("a file has a directory").to_path_buf();
        if !made.contains(&dir) {
            std::fs::create_dir_all(&dir).expect("mkdir");
            made.insert(dir);
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text.as_bytes()).expect("write");
        std::fs::rename(&tmp, &path).expect("rename");
    }
    start.elapsed()
}

fn times_labels(campaigns: usize) -> Vec<String> {
    edits(campaigns).into_iter().map(|e| e.0).collect()
}

/// An edit: what it is, and the files it sets (`None`: removes).
type Edit = (String, Vec<(String, Option<String>)>);

/// The 20 edits: message texts, wait durations, the segment shared by
/// 100 campaigns, new campaigns, deleted campaigns (4 of each kind).
fn edits(campaigns: usize) -> Vec<Edit> {
    let mut edits = Vec::new();
    for i in 0..4 {
        let n = (i * 7919 + 13) % campaigns;
        let path = format!("flows/c{n:05}.camp");
        let text = corpus::issue_campaign(n, "1d").replace(
            "Three ways to brew better",
            &format!("Three ways to brew better, take {i}"),
        );
        edits.push((format!("message text of c{n}"), vec![(path, Some(text))]));

        let n = (i * 6007 + 101) % campaigns;
        let path = format!("flows/c{n:05}.camp");
        let text = corpus::issue_campaign(n, &format!("{}d", i + 2));
        edits.push((format!("wait duration of c{n}"), vec![(path, Some(text))]));

        // Each segment edit changes one segment: those edited before
        // keep what their edit gave them (8 + the edit's number).
        let groups = campaigns.div_ceil(corpus::SHARING);
        let group = i % groups;
        let mut segments = String::from("// Audiences of the generated campaigns.\n");
        for g in 0..groups {
            let last_edit = (0..=i).rev().find(|j| j % groups == g);
            segments.push_str(&corpus::shared_segment(g, last_edit.map_or(7, |j| 8 + j)));
        }
        for n in 0..campaigns {
            segments.push_str(&format!(
                "segment aud_{n} = shared_{} and loyalty_points >= {}\n",
                n / corpus::SHARING,
                n % 50
            ));
        }
        edits.push((
            format!(
                "segment shared_{group} (used by {} campaigns)",
                corpus::SHARING
            ),
            vec![("segments.camp".into(), Some(segments))],
        ));

        // A new campaign: its own file, and its audience next to the
        // others'.
        let n = campaigns + i;
        let text = corpus::issue_campaign(n, "1d").replace(
            &format!("audience aud_{n}"),
            &format!(
                "audience shared_{}",
                i % campaigns.div_ceil(corpus::SHARING)
            ),
        );
        edits.push((
            format!("new campaign c{n}"),
            vec![(format!("flows/c{n:05}.camp"), Some(text))],
        ));

        // A deleted campaign: its audience segment stays, and is reported
        // unused (a warning: the build goes on).
        let n = (i * 4099 + 500) % campaigns;
        edits.push((
            format!("deleted campaign c{n}"),
            vec![(format!("flows/c{n:05}.camp"), None)],
        ));
    }
    edits
}

/// Applies the edits one by one through a workspace that built the
/// project once, timing each from the edit to every output on disk.
/// Without `out`, nothing is written and `times` are the computing times.
fn watch_edits(project: &Path, campaigns: usize, out: Option<&Path>) -> Edits {
    let mut workspace = Workspace::new(project);
    let clock = Arc::new(PhaseClock::default());
    workspace.set_progress(Some(clock.clone()));
    workspace.load_dir(project).expect("loads");
    match out {
        Some(out) => {
            // As `watch` does: it watches the output directory and reports
            // what changes there (nothing does here).
            workspace.trust_outputs(true);
            let first = workspace.build(out, false);
            assert!(matches!(first.status, BuildStatus::Built { .. }));
        }
        None => {
            workspace.output_files();
        }
    }
    let mut times = Vec::new();
    let mut computed = Vec::new();
    let mut checked = Vec::new();
    let mut rendered = Vec::new();
    let mut phases: Vec<(&'static str, Duration)> = Vec::new();
    if let Some(n) = std::env::var("PROFILE_EDITS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let start = Instant::now();
        let files = std::env::var("PROFILE_FILES").is_ok();
        for k in 0..n {
            if files {
                // A campaign file removed, then added again
                // (`PROFILE_FILES`).
                let path = format!("flows/c{:05}.camp", campaigns / 2);
                if k % 2 == 0 {
                    workspace.remove_file(&path);
                } else {
                    let text = corpus::issue_campaign(campaigns / 2, "1d");
                    workspace.set_file(&path, text);
                }
            } else {
                let text = corpus::issue_campaign(13, "1d").replace(
                    "Three ways to brew better",
                    &format!("Three ways to brew better, round {k}"),
                );
                workspace.set_file("flows/c00013.camp", text);
            }
            match out {
                Some(out) => drop(workspace.build(out, false)),
                None => drop(workspace.output_files()),
            }
            workspace.release_stale();
        }
        println!(
            "{n} {} (PROFILE_EDITS): {} each",
            if files {
                "campaign files removed and added again"
            } else {
                "message-text edits of c13"
            },
            millis(start.elapsed() / n.max(1) as u32)
        );
    }
    for (what, files) in edits(campaigns) {
        let before = workspace.counters().previews;
        clock.phases.lock().expect("clock").clear();
        let start = Instant::now();
        for (path, text) in files {
            match text {
                Some(text) => workspace.set_file(&path, text),
                None => workspace.remove_file(&path),
            };
        }
        // The diagnostics alone (what an editor waits for), then the
        // outputs (memoised for the build that follows), then the build
        // that writes.
        workspace.diagnostics();
        checked.push(start.elapsed());
        workspace.output_files();
        computed.push(start.elapsed());
        let Some(out) = out else {
            times.push(start.elapsed());
            rendered.push(workspace.counters().previews - before);
            clock.add_to(&mut phases, "editing", start, start.elapsed());
            workspace.release_stale();
            continue;
        };
        let outcome = workspace.build(out, false);
        times.push(start.elapsed());
        rendered.push(workspace.counters().previews - before);
        clock.add_to(&mut phases, "editing", start, start.elapsed());
        // As `watch` does once it has reported the build.
        workspace.release_stale();
        if !matches!(outcome.status, BuildStatus::Built { .. }) {
            for d in outcome.diagnostics.iter().take(3) {
                eprintln!("{} {}", d.code, d.message);
            }
            panic!("edit '{what}' did not build");
        }
    }
    Edits {
        times,
        checked,
        computed,
        rendered,
        phases,
    }
}

/// Records when each phase of the workspace begins, to split an edit's
/// time between them.
#[derive(Default)]
struct PhaseClock {
    phases: Mutex<Vec<(&'static str, Instant)>>,
}

impl Progress for PhaseClock {
    fn phase(&self, name: &'static str, _total: usize) {
        self.phases
            .lock()
            .expect("clock")
            .push((name, Instant::now()));
    }
    fn step(&self) {}
}

impl PhaseClock {
    /// Adds the time of each phase of the edit that began at `start` and
    /// took `total` to `sums`: from the start to the first phase is
    /// `first` (the edit, or loading the project), from each phase to the next, and from the last to the end
    /// (writing included).
    fn add_to(
        &self,
        sums: &mut Vec<(&'static str, Duration)>,
        first: &'static str,
        start: Instant,
        total: Duration,
    ) {
        let phases = self.phases.lock().expect("clock");
        let end = start + total;
        let mut marks = vec![(first, start)];
        marks.extend(phases.iter().copied());
        for (i, &(name, at)) in marks.iter().enumerate() {
            let next = marks.get(i + 1).map_or(end, |m| m.1);
            let spent = next.saturating_duration_since(at);
            match sums.iter_mut().find(|(n, _)| *n == name) {
                Some((_, sum)) => *sum += spent,
                None => sums.push((name, spent)),
            }
        }
    }
}

/// Per edit: edit to outputs on disk, edit to diagnostics, edit to
/// outputs computed in memory, campaign previews rendered.
struct Edits {
    times: Vec<Duration>,
    /// Edit to the project's diagnostics.
    checked: Vec<Duration>,
    computed: Vec<Duration>,
    rendered: Vec<usize>,
    /// The total time of each workspace phase over all edits.
    phases: Vec<(&'static str, Duration)>,
}

/// The mean time per edit of each phase (`writing`: from the last phase to
/// the outputs on disk, or in memory without an output directory).
fn print_phases(title: &str, phases: &[(&'static str, Duration)], count: usize) {
    println!("{title} (the phase and what follows it until the next):");
    for (name, sum) in phases {
        println!("  {name:<10} {:>9}", millis(*sum / count.max(1) as u32));
    }
}

/// A cold `campaignc build` in a child process, and its peak RSS.
fn peak_build_rss(project: &Path, out: &Path) -> (Option<i32>, u64) {
    run_child(&[
        "build".as_ref(),
        project.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

/// The campaignc command `args` in a child process (this benchmark's
/// binary, which runs `campaignc` with the binary's allocator tuning):
/// its exit code and peak RSS in KiB.
fn run_child(args: &[&std::ffi::OsStr]) -> (Option<i32>, u64) {
    let child = Command::new(std::env::current_exe().expect("this benchmark's path"))
        .args(args)
        .env(CHILD, "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("the child runs");
    let stderr = String::from_utf8_lossy(&child.stderr);
    let kib = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kib "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (child.status.code(), kib)
}

fn write(root: &Path, files: &[(String, String)]) -> usize {
    let mut bytes = 0;
    for (relative, text) in files {
        let path: PathBuf = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        bytes += text.len();
    }
    bytes
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (p * sorted.len()).div_ceil(100).max(1) - 1;
    sorted[rank.min(sorted.len() - 1)]
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// This process's peak resident set size, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
