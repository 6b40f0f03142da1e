//! Checker throughput: generates a project of 1,000 campaigns in a temp
//! directory and times `campaignc::compile` (load, parse, check) over it.
//!
//! The project is grown from the example project in `campaigns/`, so it
//! is realistic and checks clean: its schema and lifecycle as they are,
//! then copies of every flow file (campaigns and their messages in English,
//! Vietnamese, Czech and Traditional Chinese) and of its tests, each copy
//! with its own names, its own audience segment, and personas of its own.
//!
//! Run with `cargo bench --bench check` (optionally `-- CAMPAIGNS RUNS`).

/// The binary's allocator (src/main.rs), so the figures are the command's
/// (its tuning for `check` and `build` is the memory benchmark's).
#[path = "../src/allocator.rs"]
#[allow(dead_code)]
mod allocator;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// Personas per base persona of the example project (`emily_0` …).
const PERSONA_COPIES: usize = 20;

fn main() {
    allocator::without_huge_pages();
    let mut numbers = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let campaigns = numbers.next().unwrap_or(1000);
    let runs = numbers.next().unwrap_or(5).max(1);

    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("campaigns");
    let generated = generate(&example, &root, campaigns);
    println!(
        "generated {} campaigns, {} messages, {} segments, {} personas, {} tests \
         in {} files, {:.2} MiB",
        generated.campaigns,
        generated.messages,
        generated.segments,
        generated.personas,
        generated.tests,
        generated.files,
        mib(generated.bytes)
    );

    // One untimed run to warm the file cache, and to make sure the
    // generated project is what we mean to measure: a clean one.
    let first = campaignc::compile(&root).expect("the generated project loads");
    let errors = first.problems.error_count();
    let warnings = first.problems.warning_count();
    if errors + warnings > 0 {
        let sources = &first.sources;
        for d in first.problems.into_sorted().iter().take(10) {
            let (line, _) = sources.line_col(d.span);
            eprintln!(
                "{} {}:{}: {}",
                d.code,
                sources.get(d.span.file).path,
                line,
                d.message
            );
        }
        panic!("the generated project has {errors} errors and {warnings} warnings");
    }
    drop(first);

    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let compiled = campaignc::compile(&root).expect("the generated project loads");
        times.push(start.elapsed());
        assert!(compiled.problems.is_empty());
    }
    times.sort();
    let median = times[times.len() / 2].as_secs_f64();
    let (min, max) = (times[0].as_secs_f64(), times[times.len() - 1].as_secs_f64());
    println!(
        "compile x{runs}: median {median:.3} s (min {min:.3}, max {max:.3}); \
         {:.0} files/s, {:.2} MiB/s, {:.0} campaigns/s",
        generated.files as f64 / median,
        mib(generated.bytes) / median,
        generated.campaigns as f64 / median
    );

    // The same work stage by stage, to see where the time goes.
    let mut stages: [Vec<f64>; 3] = Default::default();
    for _ in 0..runs {
        let start = Instant::now();
        let sources = campaignc::project::load(&root).expect("the generated project loads");
        let loaded = Instant::now();
        let mut problems = campaignc::diagnostics::Problems::new();
        let files = campaignc::syntax::parse_project(&sources, &mut problems);
        let parsed = Instant::now();
        let model = campaignc::check::check(&files, &mut problems);
        let checked = Instant::now();
        assert!(problems.is_empty());
        drop(model);
        stages[0].push((loaded - start).as_secs_f64());
        stages[1].push((parsed - loaded).as_secs_f64());
        stages[2].push((checked - parsed).as_secs_f64());
    }
    let mut line = String::from("stage medians:");
    for (name, times) in ["load", "parse", "check"].iter().zip(stages.iter_mut()) {
        times.sort_by(f64::total_cmp);
        line.push_str(&format!(" {name} {:.3} s", times[times.len() / 2]));
    }
    println!("{line}");
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// What [`generate`] wrote.
#[derive(Default)]
struct Generated {
    campaigns: usize,
    messages: usize,
    segments: usize,
    personas: usize,
    tests: usize,
    files: usize,
    bytes: usize,
}

impl Generated {
    fn write(&mut self, path: &Path, text: &str) {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create a directory of the project");
        }
        std::fs::write(path, text).expect("write a file of the project");
        self.files += 1;
        self.bytes += text.len();
    }
}

/// Writes a project of at least `wanted` campaigns under `root`.
fn generate(example: &Path, root: &Path, wanted: usize) -> Generated {
    let read = |rel: &str| {
        std::fs::read_to_string(example.join(rel))
            .unwrap_or_else(|e| panic!("cannot read campaigns/{rel}: {e}"))
    };
    let mut out = Generated::default();
    for rel in ["schema.camp", "lifecycle.camp"] {
        out.write(&root.join(rel), &read(rel));
    }

    // The example's segments and score stay as they are: the generated
    // audiences build on them.
    let mut segments = read("segments.camp");
    out.segments += count_decls(&segments, "segment ");

    let flow_names = [
        "onboarding",
        "cart_recovery",
        "winback",
        "loyalty",
        "referral",
        "churn_prevention",
    ];
    let flows: Vec<(&str, String, String)> = flow_names
        .iter()
        .map(|name| {
            (
                *name,
                read(&format!("flows/{name}.camp")),
                read(&format!("tests/{name}.camp")),
            )
        })
        .collect();

    let mut copies_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut copy = 0;
    while out.campaigns < wanted {
        let (name, flow, tests) = &flows[copy % flows.len()];
        let nth = copies_of.entry(name).or_insert(0);
        let suffix = format!("_{copy}");
        let renamed = Renamed::of(flow, &suffix);
        let (flow_text, audiences) = with_own_audiences(&renamed.apply(flow), &suffix);
        for (segment, base) in &audiences {
            let cond = format!("loyalty_points >= {}", copy % 50);
            let def = match base {
                Some(base) => format!("{base} and {cond}"),
                None => cond,
            };
            segments.push_str(&format!("\nsegment {segment} = {def}"));
        }
        let tests_text = renamed
            .apply(tests)
            .replace("test \"", &format!("test \"#{copy} "));
        let tests_text = personas_suffixed(&tests_text, *nth % PERSONA_COPIES);

        out.campaigns += renamed.campaigns.len();
        out.messages += renamed.messages.len();
        out.segments += audiences.len();
        out.tests += count_decls(&tests_text, "test \"");
        out.write(&root.join(format!("flows/{name}{suffix}.camp")), &flow_text);
        out.write(
            &root.join(format!("tests/{name}{suffix}.camp")),
            &tests_text,
        );
        *nth += 1;
        copy += 1;
    }
    segments.push('\n');
    out.write(&root.join("segments.camp"), &segments);

    let personas = read("personas.camp");
    let mut all = String::new();
    for i in 0..PERSONA_COPIES {
        let text = personas_suffixed(&personas, i);
        out.personas += count_decls(&text, "persona ");
        all.push_str(&text);
        all.push('\n');
    }
    out.write(&root.join("personas.camp"), &all);
    out
}

fn count_decls(text: &str, head: &str) -> usize {
    text.lines().filter(|l| l.starts_with(head)).count()
}

/// The campaigns and messages a flow file declares, and how to give them
/// new names wherever they are referred to.
struct Renamed {
    campaigns: Vec<String>,
    messages: Vec<String>,
    suffix: String,
}

impl Renamed {
    fn of(flow: &str, suffix: &str) -> Renamed {
        let decl = |head: &str, end: char| -> Vec<String> {
            flow.lines()
                .filter_map(|l| l.strip_prefix(head))
                .filter_map(|rest| rest.split(end).next())
                .map(|n| n.trim().to_string())
                .collect()
        };
        Renamed {
            campaigns: decl("campaign ", '{'),
            messages: decl("message ", ':'),
            suffix: suffix.to_string(),
        }
    }

    /// Renames at the places names are declared or referred to: `campaign
    /// NAME`, `message NAME`, `send NAME`, `sent NAME` (tests).
    fn apply(&self, text: &str) -> String {
        let mut text = text.to_string();
        for name in &self.campaigns {
            text = rename_after(&text, "campaign ", name, &self.suffix);
        }
        for name in &self.messages {
            for keyword in ["message ", "send ", "sent "] {
                text = rename_after(&text, keyword, name, &self.suffix);
            }
        }
        text
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Appends `suffix` to `name` wherever it follows `keyword` as a whole word.
fn rename_after(text: &str, keyword: &str, name: &str, suffix: &str) -> String {
    let pattern = format!("{keyword}{name}");
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find(&pattern) {
        let end = at + pattern.len();
        let before_ok = !rest[..at].chars().next_back().is_some_and(is_ident);
        let after_ok = !rest[end..].chars().next().is_some_and(is_ident);
        out.push_str(&rest[..end]);
        if before_ok && after_ok {
            out.push_str(suffix);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Gives every campaign of a flow file an audience segment of its own,
/// `cohort{suffix}_{i}`, built on the campaign's original audience (if any).
/// Returns the new text and, per new segment, the original audience.
fn with_own_audiences(flow: &str, suffix: &str) -> (String, Vec<(String, Option<String>)>) {
    let mut out = String::with_capacity(flow.len() + 256);
    let mut audiences: Vec<(String, Option<String>)> = Vec::new();
    for line in flow.lines() {
        if let Some(original) = line.strip_prefix("  audience ") {
            if let Some(last) = audiences.last_mut() {
                last.1 = Some(format!("({})", original.trim()));
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line.starts_with("  trigger ") {
            let segment = format!("cohort{suffix}_{}", audiences.len());
            out.push_str(&format!("  audience {segment}\n"));
            audiences.push((segment, None));
        }
    }
    (out, audiences)
}

/// Renames the example's personas (declarations and test references) to
/// their `i`-th copy, e.g. `emily` to `emily_3`.
fn personas_suffixed(text: &str, i: usize) -> String {
    let mut text = text.to_string();
    for name in ["emily", "minh", "klara", "yichun", "david"] {
        text = rename_after(&text, "persona ", name, &format!("_{i}"));
    }
    text
}
