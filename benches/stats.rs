//! Small statistics shared by the benchmarks (through `#[path]`, as
//! `corpus.rs` is): each bench is its own crate.

/// The median of `xs` (the mean of the middle two for an even count),
/// `None` for none.
pub fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    (n > 0).then(|| (xs[(n - 1) / 2] + xs[n / 2]) / 2.0)
}
