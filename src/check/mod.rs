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
use resolve::build_model;

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
    memo: Option<&mut MessageMemo>,
    renderer: Option<&Renderer>,
) -> Model {
    let broken = resolve::Broken::of(files);
    let mut found = Problems::new();
    let mut model = build_model(files, &mut found);
    check_model(&mut model, &mut found, memo, renderer, Default::default());
    keep_unbroken(&broken, found, problems);
    model
}

/// The checker's diagnostics, less those about declarations that did not
/// parse completely (see [`resolve::Broken`]).
fn keep_unbroken(broken: &resolve::Broken, found: Problems, problems: &mut Problems) {
    if broken.is_empty() {
        problems.extend(found.into_sorted());
    } else {
        problems.extend(found.into_sorted().into_iter().filter(|d| broken.keeps(d)));
    }
}

/// [`check`] for a caller that has no further use for the syntax trees:
/// they are dropped as soon as the model is built, before the passes over
/// the model add their diagnostics (one per unused declaration, say), so
/// the trees and those diagnostics are never in memory together.
pub fn check_owned(files: Vec<SourceFileAst>, problems: &mut Problems) -> Model {
    check_taking(files, problems, None, None)
}

/// [`check_reusing`] for a caller that has no further use for the syntax
/// trees ([`check_owned`]): a one-shot `campaignc build`.
pub fn check_reusing_owned(
    files: Vec<SourceFileAst>,
    problems: &mut Problems,
    memo: &mut MessageMemo,
    renderer: &Renderer,
) -> Model {
    check_taking(files, problems, Some(memo), Some(renderer))
}

/// The trees given up: each segment's expression is dropped once typed
/// ([`resolve::build_model_taking`]), the rest once the model is built.
fn check_taking(
    mut files: Vec<SourceFileAst>,
    problems: &mut Problems,
    memo: Option<&mut MessageMemo>,
    renderer: Option<&Renderer>,
) -> Model {
    let broken = resolve::Broken::of(&files);
    let mut found = Problems::new();
    let mut model = resolve::build_model_taking(&mut files, &mut found);
    drop(files);
    check_model(&mut model, &mut found, memo, renderer, Default::default());
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
    let broken = resolve::Broken::of(&files);
    let mut found = Problems::new();
    let mut uses = unused::Uses::default();
    let mut model =
        resolve::build_model_lean(&files, sources, &mut found, &mut |expr, problems| {
            uses.expr(expr);
            flows::check_expr_windows(expr, problems);
        });
    drop(files);
    check_model(&mut model, &mut found, None, None, uses);
    drop(model);
    keep_unbroken(&broken, found, problems);
}

/// Passes over the model, each in its own module: messages (templates,
/// locales, channels), flows, unused declarations. The message pass adds
/// the template variables to the model's reference table, which the
/// unused-declaration pass then reads.
/// `uses`: what the unused-declaration pass counts besides what it finds
/// in the model (the segment bodies a lean model no longer holds).
fn check_model(
    model: &mut Model,
    problems: &mut Problems,
    memo: Option<&mut MessageMemo>,
    renderer: Option<&Renderer>,
    uses: unused::Uses,
) {
    let template_uses = messages::check_messages(model, problems, memo, renderer);
    model.references.add_uses(template_uses);
    flows::check_flows(model, problems);
    unused::check_unused(model, uses, problems);
}
