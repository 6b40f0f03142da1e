//! The reference simulator: an interpreter of execution plans, one customer
//! at a time, on a deterministic virtual clock; and the runner of `test`
//! blocks built on it.
//!
//! Layers, each using only the ones above it:
//! - [`clock`]: local-time arithmetic (calendar days vs exact hours, DST);
//! - [`policy`]: send window and frequency cap deferrals;

pub mod clock;
pub mod policy;

#[cfg(test)]
mod clock_tests;
#[cfg(test)]
mod policy_tests;
