//! The checker: resolves names, types every expression and template, and
//! applies the localization, channel, compliance and flow rules of
//! LANGUAGE.md. Its output is the resolved [`model::Model`] that the plan,
//! render and simulate stages read.
//!
//! The checker never stops at the first problem: every pass reports into
//! one [`Problems`] list. A model is built even for a project with errors
//! (unresolvable parts are left out or typed [`model::Type::Error`]) so
//! that later passes still find their own problems; stages after the
//! checker only run when there are no errors.

pub mod flows;
pub mod messages;
pub mod model;
pub mod references;
pub mod rename;
pub mod resolve;
pub mod unused;

use crate::diagnostics::Problems;
use crate::source::SourceMap;
use crate::syntax::ast::SourceFileAst;
use crate::template::Renderer;
pub use messages::MessageMemo;
use model::Model;
use resolve::{build_model, build_model_reusing};

/// Checks a parsed project and builds its model.
pub fn check(files: &[SourceFileAst], problems: &mut Problems) -> Model {
    check_with(files, problems, None, None)
}

/// [`check`], reusing the findings of every message whose inputs are the
/// same as in the previous check with this memo (see [`MessageMemo`]),
/// and parsing templates through `renderer`'s cache (so that rendering
/// them afterwards with it does not parse them again). The result is the
/// same as [`check`]'s.
pub fn check_reusing(
    files: &[SourceFileAst],
    problems: &mut Problems,
    memo: &mut MessageMemo,
    renderer: &Renderer,
) -> Model {
    check_with(files, problems, Some(memo), Some(renderer))
}

fn check_with(
    files: &[SourceFileAst],
    problems: &mut Problems,
    mut memo: Option<&mut MessageMemo>,
    renderer: Option<&Renderer>,
) -> Model {
    let broken = resolve::Broken::of(files);
    let mut found = Problems::new();
    let mut model = match memo.as_deref_mut() {
        Some(memo) => build_model_reusing(files, memo, &mut found),
        None => build_model(files, &mut found),
    };
    check_model(&mut model, &mut found, memo, renderer, None);
    keep_unbroken(&broken, found, problems);
    model
}

/// The checker's diagnostics, less those about declarations that did not
/// parse completely (see [`resolve::Broken`]).
fn keep_unbroken(broken: &resolve::Broken, found: Problems, problems: &mut Problems) {
    let mut sorted = found.into_sorted();
    if !broken.is_empty() {
        sorted.retain(|d| broken.keeps(d));
    }
    problems.append(sorted);
}

/// [`check`] for a caller that has no further use for the syntax trees:
/// each segment's expression is dropped once typed
/// ([`resolve::build_model_taking`]), the rest as soon as the model is
/// built, before the passes over the model add their diagnostics (one per
/// unused declaration, say), so the trees and those diagnostics are never
/// in memory together.
pub fn check_owned(mut files: Vec<SourceFileAst>, problems: &mut Problems) -> Model {
    let broken = resolve::Broken::of(&files);
    let mut found = Problems::new();
    let mut model = resolve::build_model_taking(&mut files, &mut found);
    drop(files);
    check_model(&mut model, &mut found, None, None, None);
    keep_unbroken(&broken, found, problems);
    model
}

/// The diagnostics of a project parsed by [`crate::syntax::parse_project_lean`]
/// from `sources`, for a caller that wants nothing else (`campaignc
/// check`): the same as a full check's, with less memory. Each segment's
/// expression is parsed again, typed and checked (its `within` windows,
/// the segments and scores it uses) one at a time, then dropped
/// ([`resolve::build_model_lean`]); the model, which then holds no
/// segment bodies, is never returned.
pub fn check_diagnostics(files: Vec<SourceFileAst>, sources: &SourceMap, problems: &mut Problems) {
    let (model, found, broken) = check_lean(files, sources, None, None, false);
    // Freed on a worker while the diagnostics are sorted: on the calling
    // thread it was about 6 ms of the 1,000-campaign check with the other
    // core idle. (The 10 MB segment input's peak did not move.)
    rayon::spawn(move || drop(model));
    keep_unbroken(&broken, found, problems);
}

/// [`check_reusing`] for a caller that builds plans once from trees parsed
/// by [`crate::syntax::parse_project_lean`] (a one-shot `campaignc
/// build`): the diagnostics of [`check_diagnostics`], and a model whose
/// segments hold a body only when a plan can carry it (see
/// [`resolve::restore_segment_bodies`]); every other segment is `now`.
/// Plans, previews and the coverage page come out the same as from
/// [`check_reusing`]'s model.
pub fn check_reusing_lean(
    files: Vec<SourceFileAst>,
    sources: &SourceMap,
    problems: &mut Problems,
    memo: &mut MessageMemo,
    renderer: &Renderer,
) -> Model {
    let (model, found, broken) = check_lean(files, sources, Some(memo), Some(renderer), true);
    keep_unbroken(&broken, found, problems);
    model
}

/// The lean model and its diagnostics, not yet sorted (with what decides
/// which of them are kept: see [`keep_unbroken`]). `build`: whether the
/// model is for building plans, which then get back the segment bodies
/// they carry.
fn check_lean(
    files: Vec<SourceFileAst>,
    sources: &SourceMap,
    memo: Option<&mut MessageMemo>,
    renderer: Option<&Renderer>,
    build: bool,
) -> (Model, Problems, resolve::Broken) {
    let broken = resolve::Broken::of(&files);
    let mut found = Problems::new();
    let mut uses = unused::Uses::default();
    let mut model =
        resolve::build_model_lean(&files, sources, &mut found, &mut |expr, problems| {
            uses.expr(expr);
            flows::check_expr_windows(expr, problems);
        });
    if build {
        resolve::restore_segment_bodies(&files, sources, &mut model);
    }
    // The trees are freed on a worker while the passes run: on the
    // calling thread it was about 15 ms of a 1,000-campaign build with
    // the other core idle.
    rayon::spawn(move || drop(files));
    check_model(&mut model, &mut found, memo, renderer, Some(uses));
    (model, found, broken)
}

/// Passes over the model, each in its own module: messages (templates,
/// locales, channels), flows, unused declarations. The message pass adds
/// the template variables to the model's reference table, which the
/// unused-declaration pass then reads.
/// `lean`: for a model built by [`resolve::build_model_lean`], what the
/// unused-declaration pass counts besides what it finds in the model (the
/// uses in segment bodies, which were checked as they were typed: the
/// passes leave the model's segment bodies alone then).
fn check_model(
    model: &mut Model,
    problems: &mut Problems,
    memo: Option<&mut MessageMemo>,
    renderer: Option<&Renderer>,
    lean: Option<unused::Uses>,
) {
    let template_uses = messages::check_messages(model, problems, memo, renderer);
    // Adding the template uses to the reference table (a merge of tens of
    // thousands of uses) and the flow and unused checks, which do not
    // read the table, are independent: side by side they take the time of
    // the longer. (The unused check takes the scores the templates read
    // from these uses, not from the table.)
    let template_scores: Vec<_> = template_uses
        .iter()
        .filter_map(|r| model.score_used(r))
        .collect();
    let mut references = std::mem::take(&mut model.references);
    let read = &*model;
    rayon::join(
        || references.add_uses(template_uses),
        || {
            flows::check_flows(read, lean.is_none(), problems);
            unused::check_unused(read, lean, template_scores, problems);
        },
    );
    model.references = references;
}
