//! [`MapSpans`]: every [`Span`] of a syntax tree, rewritten in place.
//!
//! The workspace keeps each file's tree between edits; the spans in it
//! carry the file's [`FileId`], which is the file's place in path order.
//! Adding or removing a file renumbers the files after it, and their
//! trees are given the new id here instead of being parsed again
//! ([`crate::syntax::ast::SourceFileAst::refile`]).
//!
//! Every struct is taken apart by an exhaustive pattern (no `..`), and
//! every enum by an exhaustive `match`: a field or variant added to the
//! tree does not compile until it is listed here, with its spans or
//! among the fields that hold none.

use super::ast::*;
use crate::source::{FileId, Span};

/// A value holding spans, each of which `f` rewrites.
pub trait MapSpans {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span);
}

impl MapSpans for Span {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        *self = f(*self);
    }
}

impl<T: MapSpans> MapSpans for Vec<T> {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        for item in self {
            item.map_spans(f);
        }
    }
}

impl<T: MapSpans> MapSpans for Option<T> {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        if let Some(item) = self {
            item.map_spans(f);
        }
    }
}

impl<T: MapSpans> MapSpans for Box<T> {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        (**self).map_spans(f);
    }
}

impl<A: MapSpans, B: MapSpans> MapSpans for (A, B) {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        self.0.map_spans(f);
        self.1.map_spans(f);
    }
}

/// Values without spans, found next to spans in tuples.
macro_rules! no_spans {
    ($($t:ty),*) => {$(
        impl MapSpans for $t {
            fn map_spans(&mut self, _: &mut impl FnMut(Span) -> Span) {}
        }
    )*};
}
no_spans!(i64, Weekday);

/// A struct: the fields that hold spans, then (after `;`) those that do
/// not. The pattern is exhaustive, so a new field must be listed.
macro_rules! fields {
    ($t:ident { $($with:ident),* ; $($without:ident),* }) => {
        impl MapSpans for $t {
            fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
                let $t { $($with,)* $($without: _,)* } = self;
                $($with.map_spans(f);)*
            }
        }
    };
}

fields!(Ident { span; name });
fields!(Doc { span; text });
fields!(Skipped { span; words });
fields!(StrLit { span; value, offsets, block });
fields!(DurationLit { span; days, seconds });
fields!(ClockTime { span; minutes });
fields!(LocaleTag { span; tag });
fields!(Value { kind, span; });
fields!(Field { name, value, span; });
fields!(Expr { kind, span; });
fields!(Defaults { fields, pressure, span; });
fields!(Pressure { count_span, per, span; count });
fields!(Warehouse { fields, span; });
fields!(Schema { items, span; });
fields!(FieldDecl { name, ty, span; });
fields!(TypeExpr { kind, span; optional });
fields!(Lifecycle { stages, span; });
fields!(Segment { doc, name, expr, span; broken });
fields!(Score { doc, name, rules, span; broken });
fields!(ScoreRule { kind, span; points });
fields!(Message { doc, name, channel, fields, locales, span; broken });
fields!(LocaleBlock { locale, fields, span; });
fields!(Campaign { doc, name, settings, flow, span; broken });
fields!(Setting { kind, span; });
fields!(Trigger { kind, span; });
fields!(Block { steps, span; });
fields!(Step { label, kind, span; });
fields!(SplitVariant { name, percent, body, span; });
fields!(Persona { doc, name, fields, events, span; broken });
fields!(EventSample { event, fields, span; });
fields!(Test { doc, name, items, span; broken });
fields!(TestItem { kind, span; });

impl MapSpans for SourceFileAst {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        let SourceFileAst {
            file: _,
            items,
            skipped,
        } = self;
        items.map_spans(f);
        skipped.map_spans(f);
    }
}

impl MapSpans for Item {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            Item::Defaults(d) => d.map_spans(f),
            Item::Warehouse(d) => d.map_spans(f),
            Item::Schema(d) => d.map_spans(f),
            Item::Lifecycle(d) => d.map_spans(f),
            Item::Segment(d) => d.map_spans(f),
            Item::Score(d) => d.map_spans(f),
            Item::Message(d) => d.map_spans(f),
            Item::Campaign(d) => d.map_spans(f),
            Item::Persona(d) => d.map_spans(f),
            Item::Test(d) => d.map_spans(f),
        }
    }
}

impl MapSpans for ValueKind {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            ValueKind::Bool(_)
            | ValueKind::Int(_)
            | ValueKind::Decimal(_)
            | ValueKind::Date(_)
            | ValueKind::DateTime(_)
            | ValueKind::Instant(_)
            | ValueKind::Percent(_) => {}
            ValueKind::Money {
                amount: _,
                currency,
            } => currency.map_spans(f),
            ValueKind::Str(s) => s.map_spans(f),
            ValueKind::Duration(d) => d.map_spans(f),
            ValueKind::Clock(c) => c.map_spans(f),
            ValueKind::Word(w) => w.map_spans(f),
            ValueKind::List(values) => values.map_spans(f),
            ValueKind::Record(fields) => fields.map_spans(f),
        }
    }
}

impl MapSpans for Window {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            Window::Within(d) => d.map_spans(f),
            Window::SinceEntry(span) => span.map_spans(f),
        }
    }
}

impl MapSpans for ExprKind {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            ExprKind::Or(a, b) | ExprKind::And(a, b) => {
                a.map_spans(f);
                b.map_spans(f);
            }
            ExprKind::Not(e) => e.map_spans(f),
            ExprKind::Compare { op: _, lhs, rhs }
            | ExprKind::StringOp { op: _, lhs, rhs }
            | ExprKind::Arith { op: _, lhs, rhs } => {
                lhs.map_spans(f);
                rhs.map_spans(f);
            }
            ExprKind::In {
                negated: _,
                lhs,
                list,
            } => {
                lhs.map_spans(f);
                list.map_spans(f);
            }
            ExprKind::IsSet { negated: _, expr } => expr.map_spans(f),
            ExprKind::Literal(v) => v.map_spans(f),
            ExprKind::Path(idents) => idents.map_spans(f),
            ExprKind::Now => {}
            ExprKind::List(items) => items.map_spans(f),
            ExprKind::Performed {
                event,
                filter,
                window,
            }
            | ExprKind::Count {
                event,
                filter,
                window,
            } => {
                event.map_spans(f);
                filter.map_spans(f);
                window.map_spans(f);
            }
            ExprKind::Sum {
                event,
                property,
                filter,
                window,
            } => {
                event.map_spans(f);
                property.map_spans(f);
                filter.map_spans(f);
                window.map_spans(f);
            }
            ExprKind::Last { event } => event.map_spans(f),
        }
    }
}

impl MapSpans for SchemaItem {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            SchemaItem::Attr {
                doc,
                name,
                ty,
                consent,
                span,
            } => {
                doc.map_spans(f);
                name.map_spans(f);
                ty.map_spans(f);
                consent.map_spans(f);
                span.map_spans(f);
            }
            SchemaItem::Record {
                doc,
                name,
                fields,
                span,
            }
            | SchemaItem::Event {
                doc,
                name,
                fields,
                span,
            } => {
                doc.map_spans(f);
                name.map_spans(f);
                fields.map_spans(f);
                span.map_spans(f);
            }
        }
    }
}

impl MapSpans for TypeKind {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            TypeKind::Named(name) | TypeKind::Money(name) => name.map_spans(f),
            TypeKind::Enum(names) => names.map_spans(f),
            TypeKind::List(ty) => ty.map_spans(f),
            TypeKind::Broken => {}
        }
    }
}

impl MapSpans for ScoreRuleKind {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            ScoreRuleKind::PerEvent {
                event,
                filter,
                window,
                max,
            } => {
                event.map_spans(f);
                filter.map_spans(f);
                window.map_spans(f);
                max.map_spans(f);
            }
            ScoreRuleKind::If(e) => e.map_spans(f),
        }
    }
}

impl MapSpans for SettingKind {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            SettingKind::Stage(name) => name.map_spans(f),
            SettingKind::Trigger(t) => t.map_spans(f),
            SettingKind::Audience(e) | SettingKind::Goal(e) | SettingKind::ExitWhen(e) => {
                e.map_spans(f)
            }
            SettingKind::Reentry(r) => r.map_spans(f),
            SettingKind::Locales(tags) => tags.map_spans(f),
            SettingKind::SendWindow { start, end } => {
                start.map_spans(f);
                end.map_spans(f);
            }
            SettingKind::Cap {
                count: _,
                count_span,
                per,
            } => {
                count_span.map_spans(f);
                per.map_spans(f);
            }
            SettingKind::Holdout(v) => v.map_spans(f),
            SettingKind::Priority {
                value: _,
                value_span,
            } => value_span.map_spans(f),
        }
    }
}

impl MapSpans for Reentry {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            Reentry::Never(span) => span.map_spans(f),
            Reentry::After(d) => d.map_spans(f),
        }
    }
}

impl MapSpans for TriggerKind {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            TriggerKind::Event { event, filter } => {
                event.map_spans(f);
                filter.map_spans(f);
            }
            TriggerKind::Enters(name) => name.map_spans(f),
            TriggerKind::Changed { attr, to } => {
                attr.map_spans(f);
                to.map_spans(f);
            }
            TriggerKind::Every(schedule) => schedule.map_spans(f),
        }
    }
}

impl MapSpans for Schedule {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            Schedule::Daily { at } | Schedule::Weekly { day: _, at } => at.map_spans(f),
            Schedule::Monthly {
                day: _,
                day_span,
                at,
            } => {
                day_span.map_spans(f);
                at.map_spans(f);
            }
        }
    }
}

impl MapSpans for StepKind {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            StepKind::Send { message } => message.map_spans(f),
            StepKind::Wait { duration } => duration.map_spans(f),
            StepKind::WaitUntil { time, day } => {
                time.map_spans(f);
                day.map_spans(f);
            }
            StepKind::WaitFor {
                event,
                filter,
                timeout,
                on_event,
                on_timeout,
            } => {
                event.map_spans(f);
                filter.map_spans(f);
                timeout.map_spans(f);
                on_event.map_spans(f);
                on_timeout.map_spans(f);
            }
            StepKind::If {
                branches,
                otherwise,
            } => {
                branches.map_spans(f);
                otherwise.map_spans(f);
            }
            StepKind::Split { name, variants } => {
                name.map_spans(f);
                variants.map_spans(f);
            }
            StepKind::Set { attr, value } => {
                attr.map_spans(f);
                value.map_spans(f);
            }
            StepKind::Exit => {}
        }
    }
}

impl MapSpans for TestItemKind {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            TestItemKind::Campaign(name) | TestItemKind::Persona(name) => name.map_spans(f),
            TestItemKind::Variant(choice) => choice.map_spans(f),
            TestItemKind::Start(v) => v.map_spans(f),
            TestItemKind::AtEvent {
                offset,
                event,
                fields,
            } => {
                offset.map_spans(f);
                event.map_spans(f);
                fields.map_spans(f);
            }
            TestItemKind::AtSet {
                offset,
                attr,
                value,
            } => {
                offset.map_spans(f);
                attr.map_spans(f);
                value.map_spans(f);
            }
            TestItemKind::AtSwitch { offset, dir } => {
                offset.map_spans(f);
                dir.map_spans(f);
            }
            TestItemKind::Expect(e) => e.map_spans(f),
        }
    }
}

impl MapSpans for VariantChoice {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            VariantChoice::Holdout(span) | VariantChoice::Treatment(span) => span.map_spans(f),
            VariantChoice::Split { split, variant } => {
                split.map_spans(f);
                variant.map_spans(f);
            }
        }
    }
}

impl MapSpans for TimeBound {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            TimeBound::At(d) | TimeBound::By(d) => d.map_spans(f),
        }
    }
}

impl MapSpans for Expectation {
    fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        match self {
            Expectation::Sent { message, when } => {
                message.map_spans(f);
                when.map_spans(f);
            }
            Expectation::NotSent { message } => message.map_spans(f),
            Expectation::Converted { when } | Expectation::Exited { when } => when.map_spans(f),
            Expectation::Completed => {}
            Expectation::Attr { attr, op: _, value } => {
                attr.map_spans(f);
                value.map_spans(f);
            }
        }
    }
}

impl SourceFileAst {
    /// The tree as if parsed from file `file`: the file's id replaced,
    /// and in every span that names it.
    pub fn refile(&mut self, file: FileId) {
        let old = std::mem::replace(&mut self.file, file);
        self.map_spans(&mut refiled(old, file));
    }
}

/// A span in file `old` moved to file `new`; any other span as it is.
pub fn refiled(old: FileId, new: FileId) -> impl Fn(Span) -> Span {
    move |span| {
        if span.file == old {
            Span { file: new, ..span }
        } else {
            span
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::source::{FileId, LineIndex, SourceFile};
    use std::path::Path;

    /// Every file of the example project and of the recovery fixtures
    /// (trees with skipped parts and salvaged declarations), parsed as
    /// file 3 and given id 9, is the tree parsed as file 9, with the same
    /// diagnostics.
    #[test]
    fn a_refiled_tree_is_the_tree_parsed_under_the_new_id() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        for dir in ["campaigns", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let entry = entry.expect("walks");
                if entry.path().extension().is_some_and(|e| e == "camp") {
                    texts.push(std::fs::read_to_string(entry.path()).expect("reads"));
                }
            }
        }
        assert!(texts.len() > 20, "found {} files", texts.len());
        let file = |id: u32, text: &str| SourceFile {
            id: FileId(id),
            path: "a.camp".into(),
            disk_path: "a.camp".into(),
            text: text.into(),
            lines: LineIndex::new(text),
        };
        let mut errors = 0;
        for text in &texts {
            let (mut tree, mut diagnostics) = super::super::parse_file_recovering(&file(3, text));
            tree.refile(FileId(9));
            for d in &mut diagnostics {
                d.map_spans(&mut |span| super::Span {
                    file: FileId(9),
                    ..span
                });
            }
            let (expected, expected_diagnostics) =
                super::super::parse_file_recovering(&file(9, text));
            assert_eq!(tree, expected);
            assert_eq!(diagnostics, expected_diagnostics);
            errors += diagnostics.len();
        }
        assert!(errors > 0, "no fixture with syntax errors was read");
    }
}
