//! The reference simulator: an interpreter of execution plans, one customer
//! at a time, on a deterministic virtual clock; and the runner of `test`
//! blocks built on it.
//!
//! Layers, each using only the ones above it:
//! - [`clock`]: local-time arithmetic (calendar days vs exact hours, DST),
//!   `wait until`, recurring schedules;
//! - [`policy`]: send window and frequency cap deferrals;
//! - [`value`], [`customer`]: runtime values and the simulated customer;
//! - [`eval`]: plan expressions over a customer at an instant;
//! - [`timeline`]: what happened, for output and for expectations;
//! - [`journey`]: the simulation loop (inputs, timers, schedules), with
//!   `entry` (triggers, reentry, audience, holdout, goal and exit), `steps`
//!   (flow nodes) and `message` (rendering sends through `crate::template`);
//! - [`together`]: several campaigns for one customer, sharing the
//!   project's `pressure` limit;
//! - [`input`]: events files (JSON Lines) for `campaignc simulate`;
//! - [`request`]: one persona through one campaign as `campaignc
//!   simulate` asks for it, and its text and JSON timelines;
//! - [`expect`], [`runner`]: `test` blocks: build the customer, run, check
//!   each expectation, report failures with the timeline.
//!
//! docs/simulate.md is the user-facing description of every rule here.

pub mod clock;
pub mod customer;
mod entry;
pub use entry::shut_out;
pub mod eval;
pub mod expect;
pub mod fields_scan;
pub mod input;
pub mod journey;
mod message;
pub use message::FIELD_ORDER;
pub mod policy;
pub mod request;
pub mod runner;
mod steps;
pub mod switch;
#[cfg(test)]
mod switch_tests;
pub mod timeline;
pub mod together;
pub mod value;

#[cfg(test)]
mod clock_tests;
#[cfg(test)]
mod customer_tests;
#[cfg(test)]
mod eval_tests;
#[cfg(test)]
mod fields_scan_tests;
#[cfg(test)]
mod input_tests;
#[cfg(test)]
mod node_tests;
#[cfg(test)]
mod policy_tests;
#[cfg(test)]
mod speed_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod trigger_tests;
