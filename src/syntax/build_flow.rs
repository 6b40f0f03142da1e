//! Campaigns: their settings, triggers and the flow of steps.

use crate::syntax::ast::{
    Block, Campaign, Ident, Reentry, Schedule, Setting, SettingKind, SplitVariant, Step, StepKind,
    Trigger, TriggerKind,
};
use crate::syntax::build::{Builder, Built};
use crate::syntax::docs::doc_before;
use crate::syntax::literals;
use crate::syntax::parser::{Rule, P};

impl Builder<'_> {
    pub fn campaign(&mut self, p: P<'_>) -> Built<Campaign> {
        let doc = doc_before(self.file, self.text, self.start(&p));
        let span = self.span(&p);
        let mut parts = self.parts(p);
        let name = self.ident(&parts.need(Rule::name)?);
        let mut settings = Vec::new();
        let mut flow = None;
        let mut previous = None;
        for entry in parts {
            if self.skipped_entry(&entry, Rule::campaign_tail, &mut previous) {
                continue;
            }
            if entry.as_rule() == Rule::flow {
                let flow_span = self.span(&entry);
                let block = self.parts(entry).need(Rule::block)?;
                let block = self.block(block)?;
                match &flow {
                    None => flow = Some(block),
                    Some(first) => self.repeated("flow", flow_span, first.span),
                }
            } else {
                settings.push(self.setting(entry)?);
            }
        }
        Ok(Campaign {
            doc,
            name,
            settings,
            flow,
            span,
            broken: false,
        })
    }

    fn setting(&mut self, p: P<'_>) -> Built<Setting> {
        let span = self.span(&p);
        let inner = self.parts(p).need_any()?;
        let rule = inner.as_rule();
        let mut parts = self.parts(inner.clone());
        let kind = match rule {
            Rule::stage_setting => SettingKind::Stage(self.ident(&parts.need(Rule::name)?)),
            Rule::trigger => SettingKind::Trigger(self.trigger(inner)?),
            Rule::audience => SettingKind::Audience(self.expr(parts.need(Rule::expr)?)?),
            Rule::reentry => match parts.opt(Rule::duration) {
                Some(d) => SettingKind::Reentry(Reentry::After(self.duration(&d))),
                None => {
                    let never = inner
                        .into_inner()
                        .find(|c| c.as_rule() == Rule::kw_never)
                        .map_or(span, |c| self.span(&c));
                    SettingKind::Reentry(Reentry::Never(never))
                }
            },
            Rule::goal => SettingKind::Goal(self.expr(parts.need(Rule::expr)?)?),
            Rule::exit_when => SettingKind::ExitWhen(self.expr(parts.need(Rule::expr)?)?),
            Rule::locales => SettingKind::Locales(parts.map(|t| self.locale_tag(&t)).collect()),
            Rule::send_window => {
                let start = self.clock(&parts.need(Rule::clock)?);
                let end = self.clock(&parts.need(Rule::clock)?);
                SettingKind::SendWindow { start, end }
            }
            Rule::cap => {
                let count = parts.need(Rule::int)?;
                let per = parts.need(Rule::duration)?;
                SettingKind::Cap {
                    count: self.int(&count),
                    count_span: self.span(&count),
                    per: self.duration(&per),
                }
            }
            Rule::holdout => SettingKind::Holdout(self.value(parts.need(Rule::value)?)?),
            Rule::priority => {
                let value = parts.need(Rule::int)?;
                SettingKind::Priority {
                    value: self.int(&value),
                    value_span: self.span(&value),
                }
            }
            _ => return Err(self.internal(&inner, "a campaign setting")),
        };
        Ok(Setting { kind, span })
    }

    fn trigger(&mut self, p: P<'_>) -> Built<Trigger> {
        let span = self.span(&p);
        let form = self.parts(p).need_any()?;
        let rule = form.as_rule();
        let mut parts = self.parts(form);
        let kind = match rule {
            Rule::trigger_event => {
                let event = self.data_name(&parts.need(Rule::name)?);
                let filter = self.filter(&mut parts)?;
                TriggerKind::Event { event, filter }
            }
            Rule::trigger_enters => TriggerKind::Enters(self.ident(&parts.need(Rule::name)?)),
            Rule::trigger_changed => {
                let attr = self.data_name(&parts.need(Rule::name)?);
                let to = match parts.opt(Rule::arith) {
                    Some(a) => Some(self.expr(a)?),
                    None => None,
                };
                TriggerKind::Changed { attr, to }
            }
            _ => {
                let every = parts.need_any()?;
                let every_rule = every.as_rule();
                let mut parts = self.parts(every);
                let schedule = match every_rule {
                    Rule::every_day => Schedule::Daily {
                        at: self.clock(&parts.need(Rule::clock)?),
                    },
                    Rule::every_month => {
                        let day = parts.need(Rule::int)?;
                        let day_span = self.span(&day);
                        let n = self.int(&day);
                        Schedule::Monthly {
                            day: u32::try_from(n).unwrap_or(0),
                            day_span,
                            at: self.clock(&parts.need(Rule::clock)?),
                        }
                    }
                    _ => {
                        let day = literals::weekday(parts.need(Rule::weekday)?.as_str());
                        Schedule::Weekly {
                            day,
                            at: self.clock(&parts.need(Rule::clock)?),
                        }
                    }
                };
                TriggerKind::Every(schedule)
            }
        };
        Ok(Trigger { kind, span })
    }

    /// Reports a block that may appear once, written again at `again`.
    fn repeated(&mut self, what: &str, again: crate::source::Span, first: crate::source::Span) {
        self.problems.push(
            crate::diagnostics::Diagnostic::error(
                crate::diagnostics::codes::syntax::REPEATED_BLOCK,
                format!("`{what}` is written twice"),
                again,
            )
            .with_primary_label("second block")
            .with_label(first, "the first one is here")
            .with_help(format!(
                "keep one `{what}` block and move these steps into it"
            )),
        );
    }

    /// `{ step … }`
    pub fn block(&mut self, p: P<'_>) -> Built<Block> {
        let span = self.span(&p);
        let mut steps = Vec::new();
        let mut previous = None;
        for step in self.parts(p) {
            if self.skipped_entry(&step, Rule::block_tail, &mut previous) {
                continue;
            }
            steps.push(crate::stack::deep(|| self.step(step))?);
        }
        Ok(Block { steps, span })
    }

    fn step(&mut self, p: P<'_>) -> Built<Step> {
        let span = self.span(&p);
        let mut step_parts = self.parts(p);
        // `LABEL:` is one token (so that a misspelt step keyword is
        // reported at the word, not as a missing colon after it).
        let label = step_parts.opt(Rule::step_label).map(|l| {
            let name = l.as_str().trim_end_matches(':').trim_end();
            let start = self.start(&l);
            Ident {
                name: name.to_string(),
                span: crate::source::Span::new(self.file, start, start + name.len()),
            }
        });
        let inner = step_parts.need_any()?;
        let rule = inner.as_rule();
        let mut parts = self.parts(inner.clone());
        let kind = match rule {
            Rule::send_step => StepKind::Send {
                message: self.ident(&parts.need(Rule::name)?),
            },
            Rule::wait_step => StepKind::Wait {
                duration: self.duration(&parts.need(Rule::duration)?),
            },
            Rule::wait_until => {
                let time = self.clock(&parts.need(Rule::clock)?);
                let day = parts
                    .opt(Rule::weekday)
                    .map(|d| (literals::weekday(d.as_str()), self.span(&d)));
                StepKind::WaitUntil { time, day }
            }
            Rule::wait_for => {
                let event = self.data_name(&parts.need(Rule::name)?);
                let filter = self.filter(&mut parts)?;
                let timeout = self.duration(&parts.need(Rule::duration)?);
                let (mut on_event, mut on_timeout): (Option<Block>, Option<Block>) = (None, None);
                for branch in parts {
                    let is_event = branch.as_rule() == Rule::on_event;
                    let branch_span = self.span(&branch);
                    let block = self.block(self.parts(branch).need(Rule::block)?)?;
                    let (slot, what) = if is_event {
                        (&mut on_event, "on event")
                    } else {
                        (&mut on_timeout, "on timeout")
                    };
                    match slot {
                        None => *slot = Some(block),
                        Some(first) => {
                            let first_span = first.span;
                            self.repeated(what, branch_span, first_span)
                        }
                    }
                }
                StepKind::WaitFor {
                    event,
                    filter,
                    timeout,
                    on_event,
                    on_timeout,
                }
            }
            Rule::if_step => {
                let mut branches = Vec::new();
                let cond = self.expr(parts.need(Rule::expr)?)?;
                let body = self.block(parts.need(Rule::block)?)?;
                branches.push((cond, body));
                let mut otherwise = None;
                for next in parts {
                    let is_else_if = next.as_rule() == Rule::else_if;
                    let mut parts = self.parts(next);
                    if is_else_if {
                        let cond = self.expr(parts.need(Rule::expr)?)?;
                        let body = self.block(parts.need(Rule::block)?)?;
                        branches.push((cond, body));
                    } else {
                        otherwise = Some(self.block(parts.need(Rule::block)?)?);
                    }
                }
                StepKind::If {
                    branches,
                    otherwise,
                }
            }
            Rule::split_step => {
                let name = self.ident(&parts.need(Rule::name)?);
                let mut variants = Vec::new();
                for v in parts {
                    let span = self.span(&v);
                    let mut parts = self.parts(v);
                    let name = self.ident(&parts.need(Rule::name)?);
                    let percent = self.value(parts.need(Rule::value)?)?;
                    let body = self.block(parts.need(Rule::block)?)?;
                    variants.push(SplitVariant {
                        name,
                        percent,
                        body,
                        span,
                    });
                }
                StepKind::Split { name, variants }
            }
            Rule::set_step => {
                let attr = self.data_name(&parts.need(Rule::name)?);
                let value = self.expr(parts.need(Rule::expr)?)?;
                StepKind::Set { attr, value }
            }
            Rule::exit_step => StepKind::Exit,
            _ => return Err(self.internal(&inner, "a step")),
        };
        Ok(Step { label, kind, span })
    }
}
