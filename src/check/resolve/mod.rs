//! Name resolution and typing: turns the syntax trees of a project into
//! the resolved, typed [`Model`].
//!
//! The passes run in dependency order, each in its own module:
//! `names` (global tables, duplicates) → `schema` (defaults, stages, types)
//! → `segments` (segments, scores, their order and cycles) → `messages`
//! → `campaigns` (settings, triggers; `flow` for the steps) → `personas`
//! → `tests`. Expressions are typed by `expr`, constant values by
//! `values`; `report` and `suggest` shape the diagnostics.
//! Every problem is reported into one [`Problems`] list and a model is
//! always returned: what does not resolve is left out or typed
//! [`crate::check::model::Type::Error`].

mod broken;
mod campaigns;
mod expr;
mod flow;
mod messages;
mod names;
mod personas;
mod record;
mod report;
mod schema;
mod segments;
pub mod suggest;
mod tests;
pub mod types;
mod values;
mod warehouse;

pub use broken::Broken;
pub use schema::DEFAULT_STAGES;
pub use tests::DEFAULT_START;
pub use values::{bad_shape, is_locale_value, is_time_zone};

use crate::check::model::Model;
use crate::diagnostics::Problems;
use crate::syntax::ast::SourceFileAst;

/// Resolves and types a parsed project. Declarations may come in any order
/// and any file; collections in the model are sorted by name.
pub fn build_model(files: &[SourceFileAst], problems: &mut Problems) -> Model {
    let decls = names::collect(files, problems);
    let defaults = schema::defaults(&decls, problems);
    let stages = schema::stages(&decls, problems);
    let schema = schema::schema(&decls, problems);
    let warehouse = warehouse::warehouse(&decls, &schema, problems);
    let env = expr::Env {
        decls: &decls,
        schema: &schema,
    };
    let built = segments::build(&env, problems);
    let messages = messages::build(&decls, defaults.email_from.as_deref(), problems);
    let campaigns = campaigns::build(
        &campaigns::CampaignEnv {
            env: &env,
            stages: &stages,
            default_locale: &defaults.locale,
            messages: &messages,
        },
        problems,
    );
    let personas = personas::build(&env, problems);
    let tests = tests::build(
        &tests::TestEnv {
            env: &env,
            campaigns: &campaigns,
            messages: &messages,
        },
        problems,
    );
    Model {
        defaults,
        stages,
        schema,
        segments: built.segments,
        segment_order: built.segment_order,
        scores: built.scores,
        messages,
        campaigns,
        personas,
        tests,
        references: record::table(&decls),
        warehouse,
    }
}
