//! The formatter's safety net: two files mean the same when their syntax
//! trees are equal once every source position is erased. [`same_tree`]
//! erases the positions of both trees (every `Span` and `FileId` set to
//! its default, the `offsets` maps of string literals, decoded → source
//! positions, emptied) and compares them with the AST's derived
//! `PartialEq`. String values stay, so a block string whose decoded text
//! changed is a difference.
//!
//! [`Erase`] is implemented for every AST type by destructuring all of its
//! fields (no `..`), so a field added to the AST does not compile until it
//! is listed here: a new position field cannot silently make formatted
//! files "differ", and a new meaningful field cannot be forgotten.

use crate::source::{FileId, Span};
use crate::syntax::ast::*;

/// Whether two trees are equal once their source positions are erased.
pub fn same_tree(mut a: SourceFileAst, mut b: SourceFileAst) -> bool {
    a.erase();
    b.erase();
    a == b
}

/// Setting every source position of a tree to a fixed value.
trait Erase {
    fn erase(&mut self);
}

impl Erase for Span {
    fn erase(&mut self) {
        *self = Span::default();
    }
}

impl Erase for FileId {
    fn erase(&mut self) {
        *self = FileId::default();
    }
}

impl<T: Erase> Erase for Vec<T> {
    fn erase(&mut self) {
        self.iter_mut().for_each(Erase::erase);
    }
}

impl<T: Erase> Erase for Option<T> {
    fn erase(&mut self) {
        if let Some(x) = self {
            x.erase();
        }
    }
}

impl<T: Erase> Erase for Box<T> {
    fn erase(&mut self) {
        (**self).erase();
    }
}

impl<A: Erase, B: Erase> Erase for (A, B) {
    fn erase(&mut self) {
        self.0.erase();
        self.1.erase();
    }
}

/// Types with no position inside.
macro_rules! no_positions {
    ($($t:ty),* $(,)?) => {
        $(impl Erase for $t {
            fn erase(&mut self) {}
        })*
    };
}

no_positions!(
    String,
    bool,
    i64,
    u32,
    DecimalLit,
    Weekday,
    CompareOp,
    StringOp,
    ArithOp,
    jiff::civil::Date,
    jiff::civil::DateTime,
    jiff::Timestamp,
);

/// A struct: every field listed, each erased.
macro_rules! structs {
    ($($t:ident { $($f:ident),* $(,)? })*) => {
        $(impl Erase for $t {
            fn erase(&mut self) {
                let $t { $($f),* } = self;
                $($f.erase();)*
            }
        })*
    };
}

/// An enum: every variant listed with all of its fields (tuple fields
/// named for the pattern), each erased.
macro_rules! enums {
    ($($t:ident {
        $($v:ident $(( $($a:ident),* ))? $({ $($f:ident),* $(,)? })?),* $(,)?
    })*) => {
        $(impl Erase for $t {
            fn erase(&mut self) {
                match self {
                    $($t::$v $(( $($a),* ))? $({ $($f),* })? => {
                        $($($a.erase();)*)?
                        $($($f.erase();)*)?
                    })*
                }
            }
        })*
    };
}

structs! {
    SourceFileAst { file, items, skipped }
    Skipped { span, words }
    Ident { name, span }
    Doc { text, span }
    DurationLit { days, seconds, span }
    ClockTime { minutes, span }
    LocaleTag { tag, span }
    Value { kind, span }
    Field { name, value, span }
    Expr { kind, span }
    Defaults { fields, pressure, span }
    Warehouse { fields, span }
    Pressure { count, count_span, per, span }
    Schema { items, span }
    FieldDecl { name, ty, span }
    TypeExpr { kind, optional, span }
    Lifecycle { stages, span }
    Segment { doc, name, expr, span, broken }
    Score { doc, name, rules, span, broken }
    ScoreRule { points, kind, span }
    Message { doc, name, channel, fields, locales, span, broken }
    LocaleBlock { locale, fields, span }
    Campaign { doc, name, settings, flow, span, broken }
    Setting { kind, span }
    Trigger { kind, span }
    Block { steps, span }
    Step { label, kind, span }
    SplitVariant { name, percent, body, span }
    Persona { doc, name, fields, events, span, broken }
    EventSample { event, fields, span }
    Test { doc, name, items, span, broken }
    TestItem { kind, span }
}

/// A string literal keeps its decoded text and kind; its span and the map
/// back to source positions go.
impl Erase for StrLit {
    fn erase(&mut self) {
        let StrLit {
            value: _,
            span,
            offsets,
            block: _,
        } = self;
        span.erase();
        offsets.clear();
    }
}

enums! {
    Item {
        Defaults(x), Warehouse(x), Schema(x), Lifecycle(x), Segment(x), Score(x), Message(x),
        Campaign(x), Persona(x), Test(x),
    }
    ValueKind {
        Bool(x), Int(x), Decimal(x), Money { amount, currency }, Str(x), Duration(x),
        Clock(x), Date(x), DateTime(x), Instant(x), Percent(x), Word(x), List(x), Record(x),
    }
    Window { Within(x), SinceEntry(x) }
    ExprKind {
        Or(a, b), And(a, b), Not(a),
        Compare { op, lhs, rhs },
        In { negated, lhs, list },
        StringOp { op, lhs, rhs },
        IsSet { negated, expr },
        Arith { op, lhs, rhs },
        Literal(x), Path(x), Now, List(x),
        Performed { event, filter, window },
        Count { event, filter, window },
        Sum { event, property, filter, window },
        Last { event },
    }
    SchemaItem {
        Attr { doc, name, ty, consent, span },
        Record { doc, name, fields, span },
        Event { doc, name, fields, span },
    }
    TypeKind { Named(x), Enum(x), Money(x), List(x), Broken }
    ScoreRuleKind {
        PerEvent { event, filter, window, max },
        If(x),
    }
    SettingKind {
        Stage(x), Trigger(x), Audience(x), Reentry(x), Goal(x), ExitWhen(x), Locales(x),
        SendWindow { start, end },
        Cap { count, count_span, per },
        Holdout(x),
        Priority { value, value_span },
    }
    Reentry { Never(x), After(x) }
    TriggerKind {
        Event { event, filter },
        Enters(x),
        Changed { attr, to },
        Every(x),
    }
    Schedule {
        Daily { at },
        Weekly { day, at },
        Monthly { day, day_span, at },
    }
    StepKind {
        Send { message },
        Wait { duration },
        WaitUntil { time, day },
        WaitFor { event, filter, timeout, on_event, on_timeout },
        If { branches, otherwise },
        Split { name, variants },
        Set { attr, value },
        Exit,
    }
    TestItemKind {
        Campaign(x), Persona(x), Variant(x), Start(x),
        AtEvent { offset, event, fields },
        AtSet { offset, attr, value },
        AtSwitch { offset, dir },
        Expect(x),
    }
    VariantChoice {
        Holdout(x), Treatment(x),
        Split { split, variant },
    }
    TimeBound { At(x), By(x) }
    Expectation {
        Sent { message, when },
        NotSent { message },
        Converted { when },
        Exited { when },
        Completed,
        Attr { attr, op, value },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;
    use std::path::Path;

    fn parse(text: &str) -> SourceFileAst {
        let mut map = SourceMap::new();
        // Different paths give different file ids and spans.
        map.add("pad.camp", Path::new("pad.camp"), String::new());
        let id = map.add("a.camp", Path::new("a.camp"), text.to_string());
        crate::syntax::parse_file(map.get(id)).expect("parses")
    }

    #[test]
    fn positions_are_erased_but_strings_are_kept() {
        let a = "segment s = plan == trial\nmessage m: sms {\n  body \"Hi\\n\"\n}\n";
        let b = "segment   s =\n  plan == trial\n\n\nmessage m: sms { body \"Hi\\n\" }\n";
        assert!(same_tree(parse(a), parse(b)));
        let c = "segment s = plan == trial\nmessage m: sms {\n  body \"Hi!\"\n}\n";
        assert!(!same_tree(parse(a), parse(c)));
    }

    #[test]
    fn a_different_structure_is_a_difference() {
        let a = "segment s = a and (b or c)\n";
        let b = "segment s = (a and b) or c\n";
        assert!(!same_tree(parse(a), parse(b)));
        assert!(same_tree(parse(a), parse("segment s = a and (b or c)")));
    }
}
