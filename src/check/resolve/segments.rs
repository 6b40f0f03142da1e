//! Segments and scores: their typed bodies, the order to evaluate them in,
//! and the cycles that make an order impossible.
//!
//! Segments may use scores and scores segments (`segment sales_ready =
//! engagement >= 60`), so cycles are looked for in one graph of both.

use super::expr::{Dep, Env, Scope, Typer};
use super::{OnSegment, TakeBody};
use crate::check::model::{ScoreDef, ScoreRuleDef, ScoreRuleKindDef, SegmentDef, SegmentId, TExpr};
use crate::diagnostics::{Diagnostic, Problems};
use crate::source::Span;
use crate::syntax::ast::{Expr, ScoreRuleKind, Segment};

/// How many segment bodies a lean check asks for at once (see `build`):
/// enough to keep every core parsing, few enough to stay small.
const BODIES_AT_ONCE: usize = 512;

/// A segment's body typed as a condition, and the segments and scores it
/// reads. The one way a body is typed: by the check, and again by the
/// restore of a lean model's bodies (`super::restore_segment_bodies`).
pub(super) fn type_body(
    env: &Env,
    name: &str,
    body: &Expr,
    problems: &mut Problems,
) -> (TExpr, Vec<Dep>) {
    let mut typer = Typer::new(env, problems);
    let expr = typer.condition(body, Scope::default(), &format!("the segment `{name}`"));
    (expr, typer.deps)
}

/// Typed segments and scores, and the segments in dependency order.
pub(super) struct Built {
    pub segments: Vec<SegmentDef>,
    pub scores: Vec<ScoreDef>,
    pub segment_order: Vec<SegmentId>,
}

/// With `bodies`, each segment's expression is taken from there (and
/// dropped once typed) instead of read in its tree. With `on_segment`,
/// each typed expression is given to it and then replaced by `now` (see
/// [`super::build_model_lean`]).
pub(super) fn build(
    env: &Env,
    bodies: Option<TakeBody>,
    mut on_segment: Option<OnSegment>,
    problems: &mut Problems,
) -> Built {
    let decls = env.decls;
    let outside = Scope::default();
    let mut segment_deps: Vec<Vec<Dep>> = Vec::with_capacity(decls.segments.len());
    let mut segments = Vec::with_capacity(decls.segments.len());
    // The uses in segments are for the editor, which keeps the model.
    decls.uses.pause(on_segment.is_some());
    let mut type_one = |name: &str, seg: &Segment, taken: Option<Box<Expr>>| {
        let (expr, deps) = type_body(env, name, taken.as_deref().unwrap_or(&seg.expr), problems);
        drop(taken);
        segment_deps.push(deps);
        let expr = match on_segment.as_deref_mut() {
            Some(on_segment) => {
                on_segment(&expr, problems);
                None
            }
            None => Some(Box::new(expr)),
        };
        segments.push(SegmentDef {
            name: name.to_string(),
            doc: seg.doc.as_ref().map(|d| d.text.clone()),
            expr,
            span: seg.span,
        });
    };
    // The bodies given by `bodies` come a few hundred at a time (a lean
    // check parses them again, on every core), and each is dropped once
    // typed. While one batch is typed here, the next is parsed as a task
    // of the thread pool: typing is serial, and the cores would otherwise
    // wait for it. (A scope task, not a thread of its own: on a pool
    // thread, the end of the scope runs the task if no other thread has.)
    let all: Vec<(&str, &Segment)> = decls
        .segments
        .iter()
        .map(|(name, seg)| (name, *seg))
        .collect();
    let batches: Vec<&[(&str, &Segment)]> = all.chunks(BODIES_AT_ONCE).collect();
    let mut take = bodies;
    let mut ask = |batch: &[(&str, &Segment)]| -> Vec<Option<Box<Expr>>> {
        match take.as_deref_mut() {
            Some(take) => take(&batch.iter().map(|(_, seg)| *seg).collect::<Vec<_>>()),
            None => Vec::new(),
        }
    };
    let mut next = batches.first().map(|batch| ask(batch));
    for (i, batch) in batches.iter().enumerate() {
        let given = next.take().unwrap_or_default();
        rayon::in_place_scope(|scope| {
            if let Some(following) = batches.get(i + 1) {
                let (ask, next) = (&mut ask, &mut next);
                scope.spawn(move |_| *next = Some(ask(following)));
            }
            let mut given = given.into_iter();
            for (name, seg) in batch.iter() {
                type_one(name, seg, given.next().flatten());
            }
        });
    }
    decls.uses.pause(false);
    let mut score_deps: Vec<Vec<Dep>> = Vec::new();
    let mut scores = Vec::new();
    for (name, score) in decls.scores.iter() {
        let mut typer = Typer::new(env, problems);
        let mut rules = Vec::new();
        for rule in &score.rules {
            let kind = match &rule.kind {
                ScoreRuleKind::PerEvent {
                    event,
                    filter,
                    window,
                    max,
                } => {
                    let Some(ev) = typer.event(event) else {
                        continue;
                    };
                    let filter = filter.as_ref().map(|f| typer.filter(f, ev, outside));
                    let window = window.as_ref().and_then(|w| typer.window(w, outside));
                    ScoreRuleKindDef::PerEvent {
                        event: ev,
                        filter,
                        window,
                        max: max.map(|(m, _)| m),
                    }
                }
                ScoreRuleKind::If(cond) => ScoreRuleKindDef::If(typer.condition(
                    cond,
                    outside,
                    &format!("a rule of the score `{name}`"),
                )),
            };
            rules.push(ScoreRuleDef {
                points: rule.points,
                kind,
                span: rule.span,
            });
        }
        score_deps.push(typer.deps);
        scores.push(ScoreDef {
            name: name.to_string(),
            doc: score.doc.as_ref().map(|d| d.text.clone()),
            rules,
            span: score.span,
        });
    }

    let graph = Graph {
        segment_deps: &segment_deps,
        score_deps: &score_deps,
    };
    let name_span = |dep: Dep| -> (String, Span) {
        match dep {
            Dep::Segment(id) => {
                let (n, s) = decls
                    .segments
                    .iter()
                    .nth(id.index())
                    .map(|(n, s)| (n, s.name.span))
                    .unwrap_or_default();
                (n.to_string(), s)
            }
            Dep::Score(id) => {
                let (n, s) = decls
                    .scores
                    .iter()
                    .nth(id.index())
                    .map(|(n, s)| (n, s.name.span))
                    .unwrap_or_default();
                (n.to_string(), s)
            }
        }
    };
    let (order, cycles) = graph.order();
    for cycle in cycles {
        problems.push(cycle_diagnostic(&cycle, &name_span));
    }
    Built {
        segments,
        scores,
        segment_order: order,
    }
}

fn cycle_diagnostic(cycle: &[Dep], name_span: &dyn Fn(Dep) -> (String, Span)) -> Diagnostic {
    let named: Vec<(String, Span)> = cycle.iter().map(|d| name_span(*d)).collect();
    let mut path: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
    path.push(&named[0].0);
    let path = path.join(" -> ");
    let kind = |d: Dep| {
        if matches!(d, Dep::Segment(_)) {
            "segment"
        } else {
            "score"
        }
    };
    let mut d = Diagnostic::error("E0214", format!("segments depend on each other in a cycle: {path}"), named[0].1)
        .with_primary_label(format!("{} `{}` starts the cycle", kind(cycle[0]), named[0].0))
        .with_help("a segment cannot be defined through itself; break the cycle by writing one of them without the other");
    for (i, (n, s)) in named.iter().enumerate().skip(1) {
        let next = &named[(i + 1) % named.len()].0;
        d = d.with_label(*s, format!("{} `{n}` uses `{next}`", kind(cycle[i])));
    }
    d
}

/// The dependency graph of segments and scores.
struct Graph<'a> {
    segment_deps: &'a [Vec<Dep>],
    score_deps: &'a [Vec<Dep>],
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Active,
    Done,
}

impl Graph<'_> {
    fn deps(&self, d: Dep) -> &[Dep] {
        match d {
            Dep::Segment(id) => &self.segment_deps[id.index()],
            Dep::Score(id) => &self.score_deps[id.index()],
        }
    }

    fn slot(&self, d: Dep) -> usize {
        match d {
            Dep::Segment(id) => id.index(),
            Dep::Score(id) => self.segment_deps.len() + id.index(),
        }
    }

    /// Segments in dependency order (post-order of a depth-first walk in id
    /// order), and every cycle found, each once. Iterative, so a long chain
    /// of segments cannot overflow the stack.
    fn order(&self) -> (Vec<SegmentId>, Vec<Vec<Dep>>) {
        let total = self.segment_deps.len() + self.score_deps.len();
        let mut marks = vec![Mark::New; total];
        let mut order = Vec::new();
        let mut cycles = Vec::new();
        let roots = (0..self.segment_deps.len())
            .map(|i| Dep::Segment(SegmentId(i as u32)))
            .chain(
                (0..self.score_deps.len())
                    .map(|i| Dep::Score(crate::check::model::ScoreId(i as u32))),
            );
        for root in roots {
            if marks[self.slot(root)] != Mark::New {
                continue;
            }
            // Stack of (node, index of the next dependency to visit).
            let mut stack: Vec<(Dep, usize)> = vec![(root, 0)];
            marks[self.slot(root)] = Mark::Active;
            while let Some(top) = stack.last_mut() {
                let (node, next) = *top;
                let deps = self.deps(node);
                if next < deps.len() {
                    top.1 += 1;
                    let dep = deps[next];
                    match marks[self.slot(dep)] {
                        Mark::New => {
                            marks[self.slot(dep)] = Mark::Active;
                            stack.push((dep, 0));
                        }
                        Mark::Active => {
                            let start = stack.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                            let cycle = normalize(stack[start..].iter().map(|(n, _)| *n).collect());
                            if !cycles.contains(&cycle) {
                                cycles.push(cycle);
                            }
                        }
                        Mark::Done => {}
                    }
                } else {
                    marks[self.slot(node)] = Mark::Done;
                    if let Dep::Segment(id) = node {
                        order.push(id);
                    }
                    stack.pop();
                }
            }
        }
        (order, cycles)
    }
}

/// Rotates a cycle to start at its smallest member, so one cycle reached
/// from different places is reported once, always the same way.
fn normalize(mut cycle: Vec<Dep>) -> Vec<Dep> {
    if let Some(min) = (0..cycle.len()).min_by_key(|&i| cycle[i]) {
        cycle.rotate_left(min);
    }
    cycle
}
