//! Lowering of typed expressions, constants and types into the plan's
//! expression trees. Names replace ids here, so the plan needs no model to
//! be read.

use crate::check::model::{
    ArithOp, CompareOp, DecimalLit, EventId, EventRef, Model, StringOp, TExpr, TExprKind, TWindow,
    Type, Value, Weekday,
};

use super::format as f;

/// Lowers a typed expression. `and` / `or` chains are flattened into one
/// node with all their arguments, which is what a runtime evaluates.
pub fn expr(model: &Model, e: &TExpr) -> f::Expr {
    crate::stack::deep(|| expr_here(model, e))
}

fn expr_here(model: &Model, e: &TExpr) -> f::Expr {
    match &e.kind {
        TExprKind::Literal(v) => f::Expr::Literal { value: literal(v) },
        TExprKind::Attr(id) => {
            let attr = model.attr(*id);
            f::Expr::Attr {
                name: attr.name.clone(),
                ty: type_name(model, &attr.ty),
            }
        }
        TExprKind::EventField { event, path } => {
            let (scope, id) = match event {
                EventRef::Filtered(id) => (f::EventScope::Filtered, *id),
                EventRef::InScope(id) => (f::EventScope::InScope, *id),
            };
            f::Expr::EventField {
                scope,
                event: model.event(id).name.clone(),
                path: field_path(model, id, path),
                ty: type_name(model, &e.ty),
            }
        }
        TExprKind::Segment(id) => f::Expr::Segment {
            name: model.segment(*id).name.clone(),
        },
        TExprKind::Score(id) => f::Expr::Score {
            name: model.score(*id).name.clone(),
        },
        TExprKind::Now => f::Expr::Now,
        TExprKind::Not(inner) => f::Expr::Not {
            arg: Box::new(expr(model, inner)),
        },
        TExprKind::And(..) => {
            let mut args = Vec::new();
            flatten(model, e, &mut args, true);
            f::Expr::And { args }
        }
        TExprKind::Or(..) => {
            let mut args = Vec::new();
            flatten(model, e, &mut args, false);
            f::Expr::Or { args }
        }
        TExprKind::Compare { op, lhs, rhs } => f::Expr::Compare {
            cmp: compare_op(*op),
            lhs: Box::new(expr(model, lhs)),
            rhs: Box::new(expr(model, rhs)),
        },
        TExprKind::In {
            negated,
            lhs,
            items,
        } => f::Expr::In {
            negated: *negated,
            lhs: Box::new(expr(model, lhs)),
            items: items.iter().map(|i| expr(model, i)).collect(),
        },
        TExprKind::StringOp { op, lhs, rhs } => f::Expr::StringOp {
            kind: match op {
                StringOp::Contains => f::StringOpKind::Contains,
                StringOp::StartsWith => f::StringOpKind::StartsWith,
                StringOp::EndsWith => f::StringOpKind::EndsWith,
            },
            lhs: Box::new(expr(model, lhs)),
            rhs: Box::new(expr(model, rhs)),
        },
        TExprKind::IsSet {
            negated,
            expr: inner,
        } => f::Expr::IsSet {
            negated: *negated,
            arg: Box::new(expr(model, inner)),
        },
        TExprKind::Arith { op, lhs, rhs } => f::Expr::Arith {
            kind: match op {
                ArithOp::Add => f::ArithKind::Add,
                ArithOp::Sub => f::ArithKind::Sub,
            },
            lhs: Box::new(expr(model, lhs)),
            rhs: Box::new(expr(model, rhs)),
        },
        TExprKind::Performed {
            event,
            filter,
            window,
        } => {
            let (within, since_entry) = window_parts(*window);
            f::Expr::Performed {
                event: model.event(*event).name.clone(),
                filter: filter.as_ref().map(|x| Box::new(expr(model, x))),
                within,
                since_entry,
            }
        }
        TExprKind::Count {
            event,
            filter,
            window,
        } => {
            let (within, since_entry) = window_parts(*window);
            f::Expr::Count {
                event: model.event(*event).name.clone(),
                filter: filter.as_ref().map(|x| Box::new(expr(model, x))),
                within,
                since_entry,
            }
        }
        TExprKind::Sum {
            event,
            field,
            filter,
            window,
        } => {
            let (within, since_entry) = window_parts(*window);
            let def = model.event(*event);
            let property = def.fields.get(*field);
            f::Expr::Sum {
                event: def.name.clone(),
                property: property.map(|p| p.name.clone()).unwrap_or_default(),
                ty: property
                    .map(|p| type_name(model, &p.ty))
                    .unwrap_or_else(|| type_name(model, &e.ty)),
                filter: filter.as_ref().map(|x| Box::new(expr(model, x))),
                within,
                since_entry,
            }
        }
        TExprKind::Last { event } => f::Expr::Last {
            event: model.event(*event).name.clone(),
        },
    }
}

/// Collects the operands of a chain of `and` (or of `or`) left to right.
fn flatten(model: &Model, e: &TExpr, out: &mut Vec<f::Expr>, and: bool) {
    match (&e.kind, and) {
        (TExprKind::And(l, r), true) | (TExprKind::Or(l, r), false) => {
            flatten(model, l, out, and);
            flatten(model, r, out, and);
        }
        _ => out.push(expr(model, e)),
    }
}

/// Field indices through an event and nested records, as names.
pub fn field_path(model: &Model, event: EventId, path: &[usize]) -> Vec<String> {
    let mut names = Vec::with_capacity(path.len());
    let mut fields = &model.event(event).fields;
    for &index in path {
        let Some(field) = fields.get(index) else {
            break;
        };
        names.push(field.name.clone());
        let mut ty = field.ty.strip_optional();
        while let Type::List(inner) = ty {
            ty = inner.strip_optional();
        }
        if let Type::Record(id) = ty {
            fields = &model.record(*id).fields;
        }
    }
    names
}

fn window_parts(window: Option<TWindow>) -> (Option<f::Duration>, bool) {
    match window {
        Some(TWindow::Within(d)) => (Some(d), false),
        Some(TWindow::SinceEntry) => (None, true),
        None => (None, false),
    }
}

pub fn compare_op(op: CompareOp) -> f::CompareOp {
    match op {
        CompareOp::Eq => f::CompareOp::Eq,
        CompareOp::Ne => f::CompareOp::Ne,
        CompareOp::Lt => f::CompareOp::Lt,
        CompareOp::Le => f::CompareOp::Le,
        CompareOp::Gt => f::CompareOp::Gt,
        CompareOp::Ge => f::CompareOp::Ge,
    }
}

pub fn weekday(day: Weekday) -> f::Weekday {
    match day {
        Weekday::Monday => f::Weekday::Monday,
        Weekday::Tuesday => f::Weekday::Tuesday,
        Weekday::Wednesday => f::Weekday::Wednesday,
        Weekday::Thursday => f::Weekday::Thursday,
        Weekday::Friday => f::Weekday::Friday,
        Weekday::Saturday => f::Weekday::Saturday,
        Weekday::Sunday => f::Weekday::Sunday,
    }
}

/// Minutes after midnight as `HH:MM`.
pub fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A constant as a typed literal.
pub fn literal(v: &Value) -> f::Literal {
    match v {
        Value::Bool(b) => f::Literal::Bool { value: *b },
        Value::Int(i) => f::Literal::Int { value: *i },
        Value::Decimal(d) => f::Literal::Decimal {
            value: d.to_string(),
        },
        Value::Money { amount, currency } => f::Literal::Money {
            amount: amount.to_string(),
            currency: currency.clone(),
        },
        Value::String(s) => f::Literal::String { value: s.clone() },
        Value::Enum(s) => f::Literal::Enum { value: s.clone() },
        Value::Time(t) => f::Literal::Time {
            value: t.to_string(),
        },
        Value::Date(d) => f::Literal::Date {
            value: d.to_string(),
        },
        Value::Duration(d) => f::Literal::Duration {
            days: d.days,
            seconds: d.seconds,
        },
        Value::List(items) => f::Literal::List {
            items: items.iter().map(literal).collect(),
        },
        Value::Record(fields) => f::Literal::Record {
            fields: fields
                .iter()
                .map(|(name, value)| f::RecordField {
                    name: name.clone(),
                    value: literal(value),
                })
                .collect(),
        },
    }
}

/// `percent × 100` as a bucket count, rounded down and kept in `0..=10000`.
pub fn percent_to_buckets(p: DecimalLit) -> u32 {
    let scaled = p.mantissa.saturating_mul(100);
    let divisor = 10i128.checked_pow(p.scale).unwrap_or(i128::MAX);
    (scaled / divisor).clamp(0, i128::from(f::BUCKETS)) as u32
}

/// A type as written in the schema: `money(USD)`, `enum(a, b)`,
/// `list<cart_item>`, `string?`.
pub fn type_name(model: &Model, ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Int => "int".into(),
        Type::Decimal => "decimal".into(),
        Type::Money(cur) => format!("money({cur})"),
        Type::String => "string".into(),
        Type::Email => "email".into(),
        Type::Phone => "phone".into(),
        Type::Url => "url".into(),
        Type::Locale => "locale".into(),
        Type::Timezone => "timezone".into(),
        Type::Time => "time".into(),
        Type::Date => "date".into(),
        Type::Duration => "duration".into(),
        Type::Enum(variants) => format!("enum({})", variants.join(", ")),
        Type::List(inner) => format!("list<{}>", type_name(model, inner)),
        Type::Record(id) => model
            .schema
            .records
            .get(id.index())
            .map(|r| r.name.clone())
            .unwrap_or_else(|| "record".into()),
        Type::Optional(inner) => format!("{}?", type_name(model, inner)),
        Type::Error => "error".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_written_scale() {
        let d = |mantissa, scale| DecimalLit { mantissa, scale }.to_string();
        assert_eq!(d(1990, 2), "19.90");
        assert_eq!(d(5, 2), "0.05");
        assert_eq!(d(-125, 1), "-12.5");
        assert_eq!(d(10, 0), "10");
    }

    #[test]
    fn percentages_become_bucket_counts() {
        let p = |mantissa, scale| percent_to_buckets(DecimalLit { mantissa, scale });
        assert_eq!(p(10, 0), 1000);
        assert_eq!(p(25, 1), 250);
        assert_eq!(p(100, 0), 10_000);
        assert_eq!(p(150, 0), 10_000);
        assert_eq!(p(-5, 0), 0);
    }

    #[test]
    fn clock_is_zero_padded() {
        assert_eq!(clock(9 * 60), "09:00");
        assert_eq!(clock(20 * 60 + 5), "20:05");
    }
}
