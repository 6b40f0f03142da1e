//! Plans: the checked model lowered to the `campaignc.plan/v1` execution
//! format that a sending system (or the simulator) runs without knowing the
//! language.
//!
//! - [`format`]: the plan's serde types (the public, versioned contract);
//! - [`assign`]: the holdout / split bucketing rule, implemented once.

pub mod assign;
pub mod format;

pub use format::Plan;
