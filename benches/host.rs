//! What the host gives two threads that do not share anything: the
//! yardstick for the simulator's parallel speed-up (issue 15, point 3).
//!
//! Each thread follows a random cycle of pointers through its own array
//! (every step a load that depends on the one before, so the time is the
//! latency of wherever the array lives: a private cache, the shared last
//! level cache or memory). Run alone and then two at once, for arrays of
//! 1, 2, 4, 8 and 64 MB. On a machine whose cores share nothing that
//! matters, two at once take as long as one alone; where the last-level
//! cache is shared (with the other core, or with other tenants of a
//! virtual machine), the sizes that fit it alone but not twice slow down,
//! and so does any program whose working set is that large.
//!
//! Also a loop of arithmetic that touches no memory: two at once take as
//! long as one when the cores are really two.
//!
//! Each size runs alone and two at once three times in turn, and the
//! medians are printed: the host's share of the cache moves from minute
//! to minute.
//!
//! `cargo bench --bench host` (`STEPS=N` to change the steps per thread).

use std::time::{Duration, Instant};

#[path = "stats.rs"]
mod stats;

/// An array of `bytes` whose entries form one random cycle: `next[i]` is
/// the index after `i`.
fn cycle(bytes: usize, seed: u64) -> Vec<usize> {
    let n = (bytes / std::mem::size_of::<usize>()).max(2);
    let mut order: Vec<usize> = (0..n).collect();
    fastrand::Rng::with_seed(seed).shuffle(&mut order);
    let mut next = vec![0; n];
    for w in 0..n {
        next[order[w]] = order[(w + 1) % n];
    }
    next
}

/// The time of `steps` dependent loads through `next` (the array is
/// gone round once first, untimed, so it is where the timed part finds
/// it).
fn chase(next: &[usize], steps: u64) -> Duration {
    let mut at = 0;
    for _ in 0..next.len() {
        at = next[at];
    }
    let began = Instant::now();
    for _ in 0..steps {
        at = next[at];
    }
    let took = began.elapsed();
    std::hint::black_box(at);
    took
}

/// The time of `steps` rounds of a multiply-add chain (no memory).
fn arithmetic(steps: u64, seed: u64) -> Duration {
    let began = Instant::now();
    let mut x = seed;
    for _ in 0..steps {
        x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
    }
    let took = began.elapsed();
    std::hint::black_box(x);
    took
}

/// How many times each work runs alone and two at once, in turn.
const ROUNDS: usize = 3;

/// `work(0)` on one thread, then `work(0)` and `work(1)` on two at once,
/// [`ROUNDS`] times in turn: the median time alone, the median time of
/// the slower of the two, and the median of the rounds' slow-downs.
fn alone_and_together(work: impl Fn(usize) -> Duration + Sync) -> (f64, f64, f64) {
    let mut alone = Vec::new();
    let mut together = Vec::new();
    let mut slowdown = Vec::new();
    for _ in 0..ROUNDS {
        let one = work(0).as_secs_f64();
        let two = std::thread::scope(|s| {
            let a = s.spawn(|| work(0));
            let b = s.spawn(|| work(1));
            a.join().expect("thread a").max(b.join().expect("thread b"))
        })
        .as_secs_f64();
        alone.push(one);
        together.push(two);
        slowdown.push(two / one);
    }
    let median = |xs| stats::median(xs).expect("at least one round");
    (median(alone), median(together), median(slowdown))
}

fn main() {
    let steps: u64 = std::env::var("STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "host benchmark: {cores} cores available, {steps} steps per thread, median of {ROUNDS} rounds"
    );
    println!("  work                          alone   two at once (slower)   slow-down");
    let show = |what: &str, (alone, together, slowdown): (f64, f64, f64)| {
        println!("  {what:<26} {alone:>7.3} s   {together:>7.3} s             {slowdown:.2}x");
    };
    show(
        "arithmetic (no memory)",
        alone_and_together(|i| arithmetic(steps * 10, i as u64 + 1)),
    );
    for mb in [1, 2, 4, 8, 64] {
        // One array per thread, made once.
        let arrays = [cycle(mb << 20, 1), cycle(mb << 20, 2)];
        show(
            &format!("pointer chase, {mb} MB each"),
            alone_and_together(|i| chase(&arrays[i], steps)),
        );
    }
}
