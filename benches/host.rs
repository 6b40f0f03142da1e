//! What the host gives two threads that do not share anything: the
//! yardstick for the simulator's parallel speed-up (issue 15, point 3).
//!
//! Each thread follows a random cycle of pointers through its own array
//! (every step a load that depends on the one before, so the time is the
//! latency of wherever the array lives: a private cache, the shared last
//! level cache or memory). Run alone and then two at once, for arrays of
//! 1, 2, 4, 8 and 64 MB. On a machine whose cores share nothing that matters,
//! two at once take as long as one alone; where the last-level cache is
//! shared (with the other core, or with other tenants of a virtual
//! machine), the sizes that fit it alone but not twice slow down, and so
//! does any program whose working set is that large.
//!
//! Also a loop of arithmetic that touches no memory: two at once take as
//! long as one when the cores are really two.
//!
//! `cargo bench --bench host` (`STEPS=N` to change the steps per thread).

use std::time::{Duration, Instant};

/// SplitMix64, for a fixed random cycle without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// An array of `bytes` whose entries form one random cycle: `next[i]` is
/// the index after `i`.
fn cycle(bytes: usize, seed: u64) -> Vec<usize> {
    let n = (bytes / std::mem::size_of::<usize>()).max(2);
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Rng(seed);
    for i in (1..n).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut next = vec![0; n];
    for w in 0..n {
        next[order[w]] = order[(w + 1) % n];
    }
    next
}

/// The time of `steps` dependent loads through a cycle of `bytes` (made
/// before the clock starts).
fn chase(bytes: usize, steps: u64, seed: u64) -> Duration {
    let next = cycle(bytes, seed);
    // Once round, untimed, so the array is where the timed part finds it.
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

/// `work` on one thread, then on two at once: the times of each.
fn alone_and_together(work: impl Fn(u64) -> Duration + Sync) -> (Duration, [Duration; 2]) {
    let alone = work(1);
    let together = std::thread::scope(|s| {
        let a = s.spawn(|| work(2));
        let b = s.spawn(|| work(3));
        [a.join().expect("thread a"), b.join().expect("thread b")]
    });
    (alone, together)
}

fn main() {
    let steps: u64 = std::env::var("STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000_000);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("host benchmark: {cores} cores available, {steps} steps per thread");
    println!("  work                         alone    two at once      slow-down");
    let show = |what: &str, (alone, [a, b]): (Duration, [Duration; 2])| {
        let worst = a.max(b);
        println!(
            "  {what:<26} {:>7.3} s  {:>6.3} s {:>6.3} s   {:.2}x",
            alone.as_secs_f64(),
            a.as_secs_f64(),
            b.as_secs_f64(),
            worst.as_secs_f64() / alone.as_secs_f64()
        );
    };
    show(
        "arithmetic (no memory)",
        alone_and_together(|seed| arithmetic(steps * 10, seed)),
    );
    for mb in [1, 2, 4, 8, 64] {
        show(
            &format!("pointer chase, {mb} MB each"),
            alone_and_together(|seed| chase(mb << 20, steps, seed)),
        );
    }
}
