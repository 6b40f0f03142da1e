//! Warnings about declarations nothing uses: segments, scores, messages
//! and personas. Unused code in a campaign project is usually a typo or a
//! campaign someone forgot to finish.

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, Problems};

use super::messages::head_span;
use super::model::{walk_named, walk_steps, Model, Named, PersonaId, ScoreId, StepKindDef, TExpr};

pub mod codes {
    pub const UNUSED_SEGMENT: &str = "W0705";
    pub const UNUSED_MESSAGE: &str = "W0706";
    pub const UNUSED_PERSONA: &str = "W0707";
    pub const UNUSED_SCORE: &str = "W0708";
}

/// The segments, scores and messages something uses.
#[derive(Default)]
pub(crate) struct Uses {
    segments: BTreeSet<u32>,
    scores: BTreeSet<u32>,
    messages: BTreeSet<u32>,
}

impl Uses {
    fn named(&mut self, named: Named) {
        match named {
            Named::Segment(id) => self.segments.insert(id.0),
            Named::Score(id) => self.scores.insert(id.0),
        };
    }

    /// Adds the segments and scores `e` uses.
    pub(crate) fn expr(&mut self, e: &TExpr) {
        walk_named(e, &mut |named| self.named(named));
    }
}

/// Reports segments, scores, messages and personas that nothing uses,
/// counting also, for a lean model, the uses in `lean` (those of segment
/// bodies the model no longer holds: see
/// [`crate::check::resolve::build_model_lean`]).
///
/// `template_scores`: the scores the message templates read (what the
/// message pass resolved, `{{customer.engagement}}`).
pub(crate) fn check_unused(
    model: &Model,
    lean: Option<Uses>,
    template_scores: impl IntoIterator<Item = ScoreId>,
    problems: &mut Problems,
) {
    let mut uses = lean.unwrap_or_default();
    for body in model.segments.iter().filter_map(|s| s.expr.as_deref()) {
        uses.expr(body);
    }
    for score in &model.scores {
        score.exprs().for_each(|e| uses.expr(e));
    }
    for c in &model.campaigns {
        c.walk_named(&mut |named| uses.named(named));
        walk_steps(&c.flow, &mut |s| {
            if let StepKindDef::Send { message, .. } = &s.kind {
                uses.messages.insert(message.0);
            }
        });
    }
    uses.scores
        .extend(template_scores.into_iter().map(|id| id.0));
    // A segment used only by an unused segment is still reported only once:
    // uses are counted from every segment, which is the simple, predictable rule.
    for (i, seg) in model.segments.iter().enumerate() {
        if !uses.segments.contains(&(i as u32)) {
            problems.push(
                Diagnostic::warning(
                    codes::UNUSED_SEGMENT,
                    format!("segment `{}` is never used", seg.name),
                    head_span(seg.span, "segment", &seg.name),
                )
                .with_help("use it as a campaign's `audience`, in a condition, or remove it"),
            );
        }
    }
    for (i, score) in model.scores.iter().enumerate() {
        if !uses.scores.contains(&(i as u32)) {
            problems.push(
                Diagnostic::warning(
                    codes::UNUSED_SCORE,
                    format!("score `{}` is never used", score.name),
                    head_span(score.span, "score", &score.name),
                )
                .with_help(format!(
                    "compare it in a segment or condition (e.g. `segment hot = {0} >= 60`), \
                     show it in a message as `{{{{customer.{0}}}}}`, or remove it",
                    score.name
                )),
            );
        }
    }
    for (i, msg) in model.messages.iter().enumerate() {
        if !uses.messages.contains(&(i as u32)) {
            problems.push(
                Diagnostic::warning(
                    codes::UNUSED_MESSAGE,
                    format!("message `{}` is never sent", msg.name),
                    head_span(msg.span, "message", &msg.name),
                )
                .with_help("send it from a campaign's flow with `send`, or remove it"),
            );
        }
    }
    let mut used_personas: BTreeSet<PersonaId> = model.tests.iter().map(|t| t.persona).collect();
    for c in &model.campaigns {
        for locale in &c.locales {
            if let Some((p, _)) = model.preview_persona(locale) {
                used_personas.insert(p);
            }
        }
    }
    for (i, persona) in model.personas.iter().enumerate() {
        if !used_personas.contains(&PersonaId(i as u32)) {
            problems.push(
                Diagnostic::warning(
                    codes::UNUSED_PERSONA,
                    format!(
                        "persona `{}` is used by no test and no preview",
                        persona.name
                    ),
                    head_span(persona.span, "persona", &persona.name),
                )
                .with_help(
                    "previews use the first persona of each campaign locale; \
                     name it in a `test`, give it a locale a campaign uses, or remove it",
                ),
            );
        }
    }
}
