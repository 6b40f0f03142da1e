//! Plans: the checked model lowered to the `campaignc.plan/v2` execution
//! format that a sending system (or the simulator) runs without knowing the
//! language. `docs/plan-format.md` is the reference for consumers.
//!
//! - [`format`]: the plan's serde types (the public, versioned contract);
//! - [`lower`]: model → plan ([`lower_flow`] for the node graph,
//!   [`lower_data`] for the types of the templates' data,
//!   [`node_id`] for ids that survive edits, [`lower_expr`] for
//!   expressions, [`deps`] for the segments and scores a plan carries);
//! - [`assign`]: the holdout / split bucketing rule, implemented once;
//! - [`migrate`]: where parked customers go when plan A is replaced by B;
//! - [`canonical`]: canonical JSON and the digests in the plan;
//! - [`schema`]: the plan as JSON text and the JSON Schema;
//! - [`write`]: atomic file writes and the `build` output layout.

pub mod assign;
pub mod canonical;
pub mod deps;
pub mod format;
pub mod lower;
pub mod lower_data;
pub mod lower_expr;
pub mod lower_flow;
pub mod migrate;
pub mod node_id;
pub mod schema;
pub mod write;

pub use format::Plan;
pub use lower::{lower, lower_all};
pub use schema::{plan_json_schema, to_json};

#[cfg(test)]
mod lower_tests;
