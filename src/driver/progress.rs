//! How a long build tells its caller how far it got, for a progress
//! display. The driver knows no terminal: `campaignc build` draws a bar
//! from these calls (`cli::progress`), a build without a listener reports
//! nothing. Reporting never changes what is computed or written.

/// Told how a build advances. Steps may be reported from worker threads,
/// in any order; only their count matters.
pub trait Progress: Send + Sync {
    /// A phase of `total` steps begins: `parsing` (one step per file
    /// parsed again), `checking` and `planning` (one step each),
    /// `rendering` (one step per campaign whose previews are rendered
    /// again).
    fn phase(&self, name: &'static str, total: usize);
    /// One step of the current phase is done.
    fn step(&self);
}
