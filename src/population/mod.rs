//! Populations: many customers and what they did, in the files
//! `campaignc sample-data` writes and `forecast` and `audience` read
//! (customers and events as JSON Lines or CSV, sorted by customer id; the
//! format is described for users in docs/population.md).
//!
//! - [`generate`]: a seeded, realistic population for any project's
//!   schema (`campaignc sample-data`).
//! - [`read`]: streaming, schema-checked readers of the customers and
//!   events files, merged by customer (`campaignc forecast`).

pub mod generate;
pub mod read;
