//! The plan as text: its pretty JSON and the JSON Schema of the format
//! (`plan.schema.json`), both stable byte for byte.

use super::format::Plan;

/// The JSON Schema (draft 2020-12) of `campaignc.plan/v2`, generated from
/// the serde types so it cannot drift from what `build` writes.
pub fn plan_json_schema() -> String {
    // The same for every build: made once per process (a watch asked for
    // it on every edit).
    static SCHEMA: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCHEMA
        .get_or_init(|| pretty(&schemars::schema_for!(Plan)))
        .clone()
}

/// A plan as pretty JSON with a trailing newline: fields in the format's
/// order, maps sorted by key, so the same plan is always the same bytes.
pub fn to_json(plan: &Plan) -> String {
    pretty(plan)
}

fn pretty<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // Only maps with non-string keys or failing `Serialize` impls can
        // fail; the plan and schema types have neither.
        Err(err) => format!("{{\"error\": {:?}}}\n", err.to_string()),
    }
}
