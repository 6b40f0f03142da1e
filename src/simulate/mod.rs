//! The reference simulator: an interpreter of execution plans, one customer
//! at a time, on a deterministic virtual clock; and the runner of `test`
//! blocks built on it.
//!
//! Layers, each using only the ones above it:
//! - [`clock`]: local-time arithmetic (calendar days vs exact hours, DST);
//! - [`policy`]: send window and frequency cap deferrals;
//! - [`value`], [`customer`]: runtime values and the simulated customer;
//! - [`timeline`]: what happened, for output and for expectations;
//! - [`expect`]: checking a test's `expect` lines against a timeline.

pub mod clock;
pub mod customer;
pub mod eval;
pub mod expect;
pub mod input;
pub mod journey;
mod message;
pub mod policy;
pub mod runner;
mod steps;
pub mod timeline;
pub mod value;

#[cfg(test)]
mod clock_tests;
#[cfg(test)]
mod eval_tests;
#[cfg(test)]
mod input_tests;
#[cfg(test)]
mod journey_tests;
#[cfg(test)]
mod policy_tests;
