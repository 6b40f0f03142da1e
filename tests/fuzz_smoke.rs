//! The fuzz targets on the stable toolchain, for a bounded number of
//! iterations: every seed as it is, then mutants of the seeds made by a
//! deterministic mutator (a fixed random seed, so every run tries the same
//! inputs). The targets are `campaignc::fuzzing::{parse, check,
//! fmt_roundtrip}`, the same bodies `cargo +nightly fuzz` runs for as long
//! as you like (docs/fuzzing.md).
//!
//! Seeds: the example project (`campaigns/`, read now, as one bundle and
//! file by file) and every file of `fuzz/seeds/`. The reproducers of known
//! crashes live in `fuzz/regressions/`, run by `regressions_never_crash`.
//!
//! A failure names the target and writes the input that broke it to a file
//! (printed in the message); add that file to `fuzz/regressions/`.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use campaignc::fuzzing;

/// The fixed seed of the mutator's random numbers.
const RANDOM_SEED: u64 = 0x00c0_ffee_5eed_2026;

/// Mutants tried per target (parse, check, fmt_roundtrip). Checking and
/// formatting run the whole pipeline, so they get fewer than parsing.
const MUTANTS: [usize; 3] = [300, 100, 100];

/// The main thread's stack on Linux: the stages run on it in the real
/// binary (the test harness's threads have only 2 MiB).
const STACK_BYTES: usize = 8 * 1024 * 1024;

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 3] = [
    ("parse", fuzzing::parse),
    ("check", fuzzing::check),
    ("fmt_roundtrip", fuzzing::fmt_roundtrip),
];

/// Tokens worth inserting: what the lexer, the template checker and the
/// formatter treat specially, multi-byte and invisible characters, and the
/// start of deep nesting.
const TOKENS: &[&str] = &[
    "é",
    "。",
    "\u{202e}",
    "\u{200b}",
    "\u{1b}[2J",
    "\u{fffd}",
    "Đà Lạt",
    "😀",
    "\r\n",
    "\t",
    "{{",
    "}}",
    "{{{",
    "}}}",
    "{{#if ",
    "{{/if}}",
    "{{upper (",
    "\"",
    "\"\"\"",
    "'",
    "\\",
    "\\u{41}",
    "//",
    "///",
    "/*",
    "where ",
    "performed signed_up where ",
    " within 0d",
    "not ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "if true {",
    "} else if false {",
    "wait 1d\n",
    "wait -1d\n",
    "send welcome\n",
    "exit\n",
    "%%% other.camp\n",
    "0",
    "-1",
    "99999999999999999999",
    "12345678901234567.89",
    "100%",
    "25:00",
    "2026-02-30",
    "USD",
    "javascript:alert(1)",
    "[a](javascript:alert(1))",
    "{{unsubscribe_url}}",
    "`",
    "```\n",
    "<script>",
    "message",
    "campaign",
    "schema",
    "event",
    "type",
    "score",
];

/// Deep-nesting prefixes, repeated many times by the mutator.
const NESTERS: &[(&str, &str)] = &[
    ("(", ")"),
    ("[", "]"),
    ("not ", ""),
    ("-", ""),
    ("performed signed_up where ", ""),
    ("{{upper (", ")}}"),
    ("{{#if x}}", "{{/if}}"),
    ("if true { ", " }"),
    ("split s { a 100% { ", " } }"),
];

/// splitmix64: a small, well-known generator. The mutator needs a fixed,
/// reproducible stream, not statistical quality.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One to four random edits of `seed`, sometimes using lines of `others`.
fn mutate(rng: &mut Rng, seed: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(8) {
            // Flip one bit (may break UTF-8: the bundle reader copes).
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            // Insert an interesting token, at a character boundary.
            1 | 2 => {
                let at = char_boundary(&data, at);
                let token = rng.pick(TOKENS).as_bytes();
                data.splice(at..at, token.iter().copied());
            }
            // Delete a short range.
            3 => {
                let end = (at + 1 + rng.below(40)).min(data.len());
                data.drain(at.min(end)..end);
            }
            // Replace a line with a line of another seed.
            4 => {
                let other = rng.pick(others);
                let lines: Vec<&[u8]> = other.split_inclusive(|&b| b == b'\n').collect();
                if let Some(line) = lines.get(rng.below(lines.len())) {
                    let start = line_start(&data, at);
                    let end = line_end(&data, at);
                    data.splice(start..end, line.iter().copied());
                }
            }
            // Duplicate a range right after itself.
            5 => {
                let end = (at + 1 + rng.below(200)).min(data.len());
                let copy = data[at.min(end)..end].to_vec();
                data.splice(end..end, copy);
            }
            // Nest deeply (sometimes past the parser's limits).
            6 => {
                let at = char_boundary(&data, at);
                let (open, close) = rng.pick(NESTERS);
                let most = if rng.below(4) == 0 { 400 } else { 40 };
                let depth = 1 + rng.below(most);
                let mut piece = open.repeat(depth);
                piece.push('x');
                piece.push_str(&close.repeat(depth));
                data.splice(at..at, piece.into_bytes());
            }
            // Cut the input short.
            _ => data.truncate(at),
        }
    }
    data
}

fn char_boundary(data: &[u8], mut at: usize) -> usize {
    while at < data.len() && (data[at] & 0xc0) == 0x80 {
        at += 1;
    }
    at
}

fn line_start(data: &[u8], at: usize) -> usize {
    data[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

fn line_end(data: &[u8], at: usize) -> usize {
    data[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(data.len(), |i| at + i + 1)
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files of a directory, sorted by name.
fn dir_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).expect("a seed file is readable");
            (name, bytes)
        })
        .filter(|(name, _)| !name.starts_with('.') && !name.ends_with(".md"))
        .collect();
    out.sort();
    out
}

/// The example project as one bundle, each of its files alone, and
/// `fuzz/seeds/`.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let project = campaignc::project::load(&repo().join("campaigns")).expect("campaigns/ loads");
    let files: Vec<(String, String)> = project
        .files()
        .iter()
        .map(|f| (f.path.clone(), f.text.to_string()))
        .collect();
    let mut seeds = vec![("campaigns/".to_string(), fuzzing::bundle(&files))];
    for (path, text) in &files {
        seeds.push((format!("campaigns/{path}"), text.clone().into_bytes()));
    }
    seeds.extend(dir_files(&repo().join("fuzz/seeds")));
    seeds
}

/// Crashes already reported in issue 9 and being fixed, by the source file
/// that panics: a mutant that panics there is counted and shown, not
/// failed. Empty this list when `regressions_never_crash` is un-ignored
/// (that test fails while the list is not empty).
const KNOWN_CRASHES: &[(&str, &str)] = &[];

/// Every panic seen by the hook, in any thread (the parser runs on its own
/// threads and turns a panic there into a diagnostic): where, and the
/// whole message.
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// One target runs at a time, so that each panic is blamed on its input
/// even when the tests of this file run in parallel.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn record_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            if let Ok(mut panics) = PANICS.lock() {
                panics.push((place, info.to_string()));
            }
            default(info);
        }));
    });
}

fn failures_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz_smoke");
    std::fs::create_dir_all(&dir).expect("the failures directory can be created");
    dir
}

/// What one input did to one target.
enum Verdict {
    Passed,
    /// Panicked only where [`KNOWN_CRASHES`] says; the panic message.
    Known(String),
    /// The input was saved; the message says where and what panicked.
    Failed(String),
}

/// Runs `target` on `data` on a thread with the main thread's stack, and
/// judges the panics (in any thread) that happened meanwhile.
fn run(target: &str, body: Target, data: &[u8], label: &str) -> Verdict {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let current = failures_dir().join(format!("{target}-current"));
    // Written first: a stack overflow aborts the whole test process, and
    // then this file holds the input that did it.
    std::fs::write(&current, data).expect("the current input can be saved");
    let before = PANICS.lock().map(|p| p.len()).unwrap_or(0);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || {
                // The hook has recorded the panic; unwinding stops here.
                let _ = panic::catch_unwind(AssertUnwindSafe(|| body(data)));
            })
            .expect("a thread for the target")
            .join()
            .expect("the target's thread catches its panics");
    });
    let panics: Vec<(String, String)> = PANICS
        .lock()
        .map(|p| p[before.min(p.len())..].to_vec())
        .unwrap_or_default();
    if panics.is_empty() {
        return Verdict::Passed;
    }
    let known = |place: &str| {
        KNOWN_CRASHES
            .iter()
            .any(|(file, _)| place.starts_with(file))
    };
    let messages: Vec<String> = panics.iter().map(|(_, m)| m.clone()).collect();
    if panics.iter().all(|(place, _)| known(place)) {
        return Verdict::Known(format!("{target} on {label}: {}", messages.join("; ")));
    }
    let saved = failures_dir().join(format!(
        "crash-{target}-{}",
        label.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    ));
    std::fs::write(&saved, data).expect("the crashing input can be saved");
    Verdict::Failed(format!(
        "fuzz target `{target}` failed on {label}; the input is in {}\n  {}",
        saved.display(),
        messages.join("\n  ")
    ))
}

/// Runs every input through `targets`; fails listing every new crash, and
/// prints the known ones.
fn run_all<'a>(
    inputs: impl Iterator<Item = ((&'a str, Target), String, Vec<u8>)>,
    allow_known: bool,
) {
    let mut failures = Vec::new();
    let mut known = Vec::new();
    for ((target, body), label, data) in inputs {
        match run(target, body, &data, &label) {
            Verdict::Passed => {}
            Verdict::Known(what) if allow_known => known.push(what),
            Verdict::Known(what) | Verdict::Failed(what) => failures.push(what),
        }
    }
    if !known.is_empty() {
        println!(
            "{} input(s) hit crashes known from issue 9 (KNOWN_CRASHES):\n{}",
            known.len(),
            known.join("\n")
        );
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_seed_passes_every_target() {
    record_panics();
    let inputs = seeds().into_iter().flat_map(|(name, data)| {
        TARGETS.map(|target| (target, format!("seed {name}"), data.clone()))
    });
    run_all(inputs, false);
}

#[test]
fn mutants_of_the_seeds_never_crash() {
    record_panics();
    let seeds = seeds();
    let contents: Vec<Vec<u8>> = seeds.iter().map(|(_, d)| d.clone()).collect();
    let mut rng = Rng(env_number("FUZZ_SMOKE_SEED").unwrap_or(RANDOM_SEED));
    let scale = env_number("FUZZ_SMOKE_SCALE").unwrap_or(1) as usize;
    let mut inputs = Vec::new();
    for (target, count) in TARGETS.into_iter().zip(MUTANTS) {
        for i in 0..count * scale {
            let (name, seed) = &seeds[i % seeds.len()];
            let data = mutate(&mut rng, seed, &contents);
            inputs.push((target, format!("mutant {i} of {name}"), data));
        }
    }
    run_all(inputs.into_iter(), true);
}

/// A number from the environment: `FUZZ_SMOKE_SEED` picks other mutants,
/// `FUZZ_SMOKE_SCALE` multiplies their number (for a longer local run).
fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not `{text}`")),
    )
}

/// The reproducers of crashes found by fuzzing (`fuzz/regressions/`, one
/// file per distinct crash), through every target.
#[test]
fn regressions_never_crash() {
    record_panics();
    assert!(
        KNOWN_CRASHES.is_empty(),
        "with the regressions fixed, no crash is known any more: empty KNOWN_CRASHES"
    );
    let inputs = dir_files(&repo().join("fuzz/regressions"))
        .into_iter()
        .flat_map(|(name, data)| {
            TARGETS.map(|target| (target, format!("regression {name}"), data.clone()))
        });
    run_all(inputs, false);
}

#[test]
fn the_mutator_is_deterministic() {
    let seed = b"campaign c {\n  flow { send m }\n}\n".to_vec();
    let others = vec![seed.clone()];
    let mut a = Rng(RANDOM_SEED);
    let mut b = Rng(RANDOM_SEED);
    for _ in 0..50 {
        assert_eq!(
            mutate(&mut a, &seed, &others),
            mutate(&mut b, &seed, &others)
        );
    }
}
