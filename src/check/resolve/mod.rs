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
pub(crate) use campaigns::KeptCampaign;
pub(crate) use messages::Resolved;
pub use schema::DEFAULT_STAGES;
pub use tests::DEFAULT_START;
pub use values::{bad_shape, is_locale_value, is_time_zone};

use std::collections::HashMap;

use crate::check::model::{walk_named, Model, Named, ScoreId, TExpr};
use crate::diagnostics::Problems;
use crate::source::SourceMap;
use crate::source::Span;
use crate::syntax::{
    self,
    ast::{Expr, Item, Segment, SourceFileAst},
};

/// Resolves and types a parsed project. Declarations may come in any order
/// and any file; collections in the model are sorted by name.
pub fn build_model(files: &[SourceFileAst], problems: &mut Problems) -> Model {
    build(files, None, None, None, problems)
}

/// [`build_model`], taking from `memo` each message declared where it was
/// in a file whose text has not changed since the check that kept it
/// (and keeping this check's messages there for the next).
pub fn build_model_reusing(
    files: &[SourceFileAst],
    memo: &mut crate::check::MessageMemo,
    problems: &mut Problems,
) -> Model {
    build(files, None, None, Some(memo), problems)
}

/// [`build_model`] for a caller that gives up the syntax trees: the
/// expression of each segment is taken out of its tree first and dropped
/// as soon as it is typed, so a project's segments are never in memory
/// as trees and as typed expressions at once (a project of 100,000
/// segments is mostly those two; docs/performance.md, "Memory"). The
/// trees are left with `now` in place of each segment's expression.
pub fn build_model_taking(files: &mut [SourceFileAst], problems: &mut Problems) -> Model {
    let mut bodies: HashMap<Span, Box<Expr>> = HashMap::new();
    for item in files.iter_mut().flat_map(|f| &mut f.items) {
        if let Item::Segment(s) = item {
            bodies.insert(s.span, Box::new(s.take_expr()));
        }
    }
    build(
        files,
        Some(&mut |segments: &[&Segment]| {
            segments.iter().map(|s| bodies.remove(&s.span)).collect()
        }),
        None,
        None,
        problems,
    )
}

/// What a caller that wants only the diagnostics does with each segment's
/// typed expression before it is dropped: see [`build_model_lean`].
pub type OnSegment<'a> = &'a mut dyn FnMut(&TExpr, &mut Problems);

/// [`build_model`] for a caller that wants only the diagnostics
/// (`campaignc check`), on trees parsed without the bodies of their
/// segments ([`syntax::parse_project_lean`]): each body is parsed again
/// from `sources` when it is typed, given typed to `on_segment` (which
/// runs the later passes' checks of it) and dropped. So a project's
/// segments are never in memory together, neither as trees nor typed.
/// The model's segments keep their names, spans and types, but each body
/// is `now`, and its reference table (which only the editor reads) has
/// neither the segments nor what their bodies use: such a model must not
/// leave the checker.
pub fn build_model_lean(
    files: &[SourceFileAst],
    sources: &SourceMap,
    problems: &mut Problems,
    on_segment: OnSegment,
) -> Model {
    // On every core: parsing again is most of the cost of a lean check.
    let mut parse = |segments: &[&Segment]| -> Vec<Option<Box<Expr>>> {
        use rayon::prelude::*;
        segments
            .par_iter()
            .map(|s| parse_body(sources, s).map(Box::new))
            .collect()
    };
    build(files, Some(&mut parse), Some(on_segment), None, problems)
}

/// `f` of every item, on every core. Each call reports into its own list;
/// the lists are joined in the items' order, so `problems` gets the same
/// diagnostics in the same order as from a loop, whatever the threads.
fn map_in_parallel<T: Sync, R: Send>(
    items: &[T],
    problems: &mut Problems,
    f: impl Fn(&T, &mut Problems) -> R + Sync,
) -> Vec<R> {
    use rayon::prelude::*;
    let done: Vec<(R, Problems)> = items
        .par_iter()
        .map(|item| {
            let mut found = Problems::new();
            let result = f(item, &mut found);
            (result, found)
        })
        .collect();
    let mut results = Vec::with_capacity(done.len());
    for (result, found) in done {
        results.push(result);
        problems.extend(found.into_vec());
    }
    results
}

/// The expression of a segment whose lean tree does not hold it, parsed
/// again from its source. A broken declaration keeps what its first
/// parse salvaged (`None`: the tree's).
fn parse_body(sources: &SourceMap, segment: &Segment) -> Option<Expr> {
    if segment.broken {
        return None;
    }
    let file = sources.files().get(segment.span.file.0 as usize)?;
    syntax::segment_body(file, segment.span)
}

/// Gives back, in a model built by [`build_model_lean`], the typed body
/// of every segment a plan can carry: those the campaigns use, directly
/// or through other segments and scores, and those the scores use (a
/// message may read any score). Each is parsed from `sources` and typed
/// again as the first typing did; the diagnostics of this second typing
/// are dropped (the first one reported them). A one-shot build keeps in
/// this way only the bodies its plans are made from (see
/// `check::check_lean`); every other segment keeps `now`.
pub fn restore_segment_bodies(files: &[SourceFileAst], sources: &SourceMap, model: &mut Model) {
    let mut todo: Vec<Named> = Vec::new();
    for campaign in &model.campaigns {
        campaign.walk_named(&mut |named| todo.push(named));
    }
    todo.extend((0..model.scores.len() as u32).map(|i| Named::Score(ScoreId(i))));
    if todo.is_empty() {
        return;
    }
    let mut ignored = Problems::new();
    let decls = names::collect(files, &mut ignored);
    decls.uses.pause(true);
    let env = expr::Env {
        decls: &decls,
        schema: &model.schema,
    };
    let mut seen: std::collections::HashSet<Named> = std::collections::HashSet::new();
    let mut typed = Vec::new();
    while let Some(named) = todo.pop() {
        if !seen.insert(named) {
            continue;
        }
        match named {
            Named::Score(id) => {
                for e in model
                    .scores
                    .get(id.index())
                    .into_iter()
                    .flat_map(|s| s.exprs())
                {
                    walk_named(e, &mut |named| todo.push(named));
                }
            }
            Named::Segment(id) => {
                let Some(def) = model.segments.get(id.index()) else {
                    continue;
                };
                let Some(body) = decls
                    .segments
                    .get(&def.name)
                    .and_then(|segment| parse_body(sources, segment))
                else {
                    continue;
                };
                let (expr, _) = segments::type_body(&env, &def.name, &body, &mut ignored);
                walk_named(&expr, &mut |named| todo.push(named));
                typed.push((id, expr));
            }
        }
    }
    for (id, expr) in typed {
        model.segments[id.index()].expr = Some(Box::new(expr));
    }
}

/// Gives the expressions of segments whose trees do not hold them, one for
/// each segment asked, in order (`None`: the tree's is the one).
type TakeBody<'a> = &'a mut (dyn FnMut(&[&Segment]) -> Vec<Option<Box<Expr>>> + Send);

fn build(
    files: &[SourceFileAst],
    bodies: Option<TakeBody>,
    on_segment: Option<OnSegment>,
    mut memo: Option<&mut crate::check::MessageMemo>,
    problems: &mut Problems,
) -> Model {
    let decls = names::collect(files, problems);
    let defaults = schema::defaults(&decls, problems);
    let stages = schema::stages(&decls, problems);
    let schema = schema::schema(&decls, problems);
    let warehouse = warehouse::warehouse(&decls, &schema, problems);
    let env = expr::Env {
        decls: &decls,
        schema: &schema,
    };
    // A lean model leaves the segments out of the reference table.
    let lean = on_segment.is_some();
    let built = segments::build(&env, bodies, on_segment, problems);
    let messages = messages::build(
        &decls,
        defaults.email_from.as_deref(),
        memo.as_deref_mut(),
        problems,
    );
    let campaigns = campaigns::build(
        &campaigns::CampaignEnv {
            env: &env,
            stages: &stages,
            default_locale: &defaults.locale,
            messages: &messages,
        },
        memo,
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
        references: record::table(&decls, !lean),
        warehouse,
    }
}
