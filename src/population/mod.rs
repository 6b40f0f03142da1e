//! Population files: a whole customer base and its recorded history, as a
//! warehouse exports them (JSON Lines or CSV, sorted by customer). The
//! format is described in docs/forecast.md ("The population files").
//!
//! - [`read`]: streaming, schema-checked readers of the customers and
//!   events files, merged by customer (`campaignc forecast`).

pub mod read;
