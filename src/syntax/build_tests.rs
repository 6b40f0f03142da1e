//! `test` blocks: the scenario (campaign, persona, variant, start, events
//! and attribute changes over time) and the expectations.

use crate::syntax::ast::{Expectation, Test, TestItem, TestItemKind, TimeBound, VariantChoice};
use crate::syntax::build::{Builder, Built};
use crate::syntax::build_expr::compare_op;
use crate::syntax::docs::doc_before;
use crate::syntax::parser::{Parts, Rule, P};

impl Builder<'_> {
    pub fn test(&mut self, p: P<'_>) -> Built<Test> {
        let doc = doc_before(self.file, self.text, self.start(&p));
        let span = self.span(&p);
        let mut parts = self.parts(p);
        let name = self.string_pair(parts.need(Rule::string)?)?;
        let mut items = Vec::new();
        let mut previous = None;
        for item in parts {
            if self.skipped_entry(&item, Rule::test_tail, &mut previous) {
                continue;
            }
            items.push(self.test_item(item)?);
        }
        Ok(Test {
            doc,
            name,
            items,
            span,
            broken: false,
        })
    }

    fn test_item(&mut self, p: P<'_>) -> Built<TestItem> {
        let span = self.span(&p);
        let inner = self.parts(p).need_any()?;
        let rule = inner.as_rule();
        let mut parts = self.parts(inner.clone());
        let kind = match rule {
            Rule::test_campaign => TestItemKind::Campaign(self.ident(&parts.need(Rule::name)?)),
            Rule::test_persona => TestItemKind::Persona(self.ident(&parts.need(Rule::name)?)),
            Rule::test_variant => {
                let choice = match parts.opt(Rule::variant_path) {
                    Some(path) => {
                        let mut names = self.parts(path);
                        VariantChoice::Split {
                            split: self.ident(&names.need(Rule::name)?),
                            variant: self.ident(&names.need(Rule::name)?),
                        }
                    }
                    None => {
                        let word = inner
                            .clone()
                            .into_inner()
                            .find(|c| matches!(c.as_rule(), Rule::kw_holdout | Rule::kw_treatment));
                        match word {
                            Some(w) if w.as_rule() == Rule::kw_holdout => {
                                VariantChoice::Holdout(self.span(&w))
                            }
                            Some(w) => VariantChoice::Treatment(self.span(&w)),
                            None => return Err(self.internal(&inner, "a variant")),
                        }
                    }
                };
                TestItemKind::Variant(choice)
            }
            Rule::test_start => TestItemKind::Start(self.value(parts.need(Rule::value)?)?),
            Rule::at_event => {
                let offset = self.duration(&parts.need(Rule::duration)?);
                let event = self.data_name(&parts.need(Rule::name)?);
                let mut fields = Vec::new();
                for f in parts {
                    fields.push(self.field(f)?);
                }
                TestItemKind::AtEvent {
                    offset,
                    event,
                    fields,
                }
            }
            Rule::at_set => {
                let offset = self.duration(&parts.need(Rule::duration)?);
                let attr = self.data_name(&parts.need(Rule::name)?);
                let value = self.value(parts.need(Rule::value)?)?;
                TestItemKind::AtSet {
                    offset,
                    attr,
                    value,
                }
            }
            Rule::at_switch => {
                let offset = self.duration(&parts.need(Rule::duration)?);
                let dir = self.string_pair(parts.need(Rule::string)?)?;
                TestItemKind::AtSwitch { offset, dir }
            }
            Rule::expect => TestItemKind::Expect(self.expectation(parts)?),
            _ => return Err(self.internal(&inner, "a test entry")),
        };
        Ok(TestItem { kind, span })
    }

    fn expectation(&mut self, mut parts: Parts<'_>) -> Built<Expectation> {
        let form = parts.need_any()?;
        let rule = form.as_rule();
        let mut parts = self.parts(form.clone());
        Ok(match rule {
            Rule::expect_sent => Expectation::Sent {
                message: self.ident(&parts.need(Rule::name)?),
                when: self.time_bound(&mut parts)?,
            },
            Rule::expect_not_sent => Expectation::NotSent {
                message: self.ident(&parts.need(Rule::name)?),
            },
            Rule::expect_converted => Expectation::Converted {
                when: self.time_bound(&mut parts)?,
            },
            Rule::expect_exited => Expectation::Exited {
                when: self.time_bound(&mut parts)?,
            },
            Rule::expect_completed => Expectation::Completed,
            Rule::expect_attr => {
                let attr = self.data_name(&parts.need(Rule::name)?);
                let op = compare_op(parts.need(Rule::compare_op)?.as_str());
                let value = self.value(parts.need(Rule::value)?)?;
                Expectation::Attr { attr, op, value }
            }
            _ => return Err(self.internal(&form, "an expectation")),
        })
    }

    fn time_bound(&mut self, parts: &mut Parts<'_>) -> Built<Option<TimeBound>> {
        let Some(bound) = parts.opt(Rule::time_bound) else {
            return Ok(None);
        };
        let is_by = bound
            .clone()
            .into_inner()
            .any(|c| c.as_rule() == Rule::kw_by);
        let d = self.duration(&self.parts(bound).need(Rule::duration)?);
        Ok(Some(if is_by {
            TimeBound::By(d)
        } else {
            TimeBound::At(d)
        }))
    }
}
