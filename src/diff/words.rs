//! Plan facts as short text a reviewer reads in a pull request comment:
//! conditions back in the language's own syntax (`plan == trial and …`),
//! durations as `1d12h`, flow nodes as `send welcome` or `wait 2d`.

use crate::plan::format::{
    ArithKind, CompareOp, Duration, Expr, Literal, Node, Period, Reentry, StringOpKind, Trigger,
    Weekday,
};

fn weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

/// What starts a journey, as the campaign writes it.
pub fn trigger(t: &Trigger) -> String {
    match t {
        Trigger::Event { event, filter } => match filter {
            Some(cond) => format!("event {event} where {}", expr(cond)),
            None => format!("event {event}"),
        },
        Trigger::Enters { segment } => format!("enters {segment}"),
        Trigger::Changed { attribute, to } => match to {
            Some(value) => format!("changed {attribute} to {}", literal(value)),
            None => format!("changed {attribute}"),
        },
        Trigger::Every {
            period,
            weekday: day,
            day_of_month,
            at,
        } => match (period, day, day_of_month) {
            (Period::Week, Some(day), _) => format!("every {} at {at}", weekday(*day)),
            (Period::Month, _, Some(n)) => format!("every month on {n} at {at}"),
            (Period::Month, _, None) => format!("every month at {at}"),
            _ => format!("every day at {at}"),
        },
    }
}

/// `never` or `after 30d`.
pub fn reentry(r: &Reentry) -> String {
    match r {
        Reentry::Never => "never".to_string(),
        Reentry::After { after } => format!("after {after}"),
    }
}

/// One flow node in words, without its edges.
pub fn node(n: &Node) -> String {
    match n {
        Node::Send {
            message, channel, ..
        } => format!("send {message} ({})", channel_name(*channel)),
        Node::Wait { duration: d, .. } => format!("wait {d}"),
        Node::WaitUntil {
            time, weekday: day, ..
        } => match day {
            Some(day) => format!("wait until {time} on {}", weekday(*day)),
            None => format!("wait until {time}"),
        },
        Node::WaitFor {
            event,
            filter,
            timeout,
            ..
        } => match filter {
            Some(cond) => format!("wait for {event} where {} up to {}", expr(cond), timeout),
            None => format!("wait for {event} up to {timeout}"),
        },
        Node::Branch { cases, .. } => {
            let conds: Vec<String> = cases.iter().map(|c| expr(&c.when)).collect();
            format!("if {}", conds.join(" / else if "))
        }
        Node::Split { name, variants, .. } => {
            let parts: Vec<String> = variants
                .iter()
                .map(|v| format!("{} {}%", v.name, v.percent))
                .collect();
            format!("split {name} ({})", parts.join(", "))
        }
        Node::Set {
            attribute, value, ..
        } => format!("set {attribute} = {}", expr(value)),
        Node::Exit { .. } => "exit".to_string(),
    }
}

/// The node's outgoing edges, labelled (`next`, `on event`, a variant…).
pub fn edges(n: &Node) -> Vec<(String, Option<String>)> {
    match n {
        Node::Send { next, .. }
        | Node::Wait { next, .. }
        | Node::WaitUntil { next, .. }
        | Node::Set { next, .. } => vec![("next".into(), next.clone())],
        Node::WaitFor {
            on_event,
            on_timeout,
            ..
        } => vec![
            ("on event".into(), on_event.clone()),
            ("on timeout".into(), on_timeout.clone()),
        ],
        Node::Branch {
            cases, otherwise, ..
        } => {
            let mut out: Vec<(String, Option<String>)> = cases
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("case {}", i + 1), c.next.clone()))
                .collect();
            out.push(("else".into(), otherwise.clone()));
            out
        }
        Node::Split { variants, .. } => variants
            .iter()
            .map(|v| (format!("variant {}", v.name), v.next.clone()))
            .collect(),
        Node::Exit { .. } => Vec::new(),
    }
}

/// The channel's name as the language writes it.
pub fn channel_name(c: crate::plan::format::Channel) -> &'static str {
    c.as_str()
}

/// A condition or value in the language's syntax. Operands are wrapped in
/// parentheses only where precedence needs them.
pub fn expr(e: &Expr) -> String {
    expr_at(e, 0)
}

/// Precedence levels, loosest first: or, and, not, comparison, `+ -`, primary.
fn level(e: &Expr) -> u8 {
    match e {
        Expr::Or { .. } => 1,
        Expr::And { .. } => 2,
        Expr::Not { .. } => 3,
        Expr::Compare { .. } | Expr::In { .. } | Expr::StringOp { .. } | Expr::IsSet { .. } => 4,
        Expr::Arith { .. } => 5,
        _ => 6,
    }
}

fn expr_at(e: &Expr, min: u8) -> String {
    let text = match e {
        Expr::Or { args } => join_args(args, " or ", 2),
        Expr::And { args } => join_args(args, " and ", 3),
        Expr::Not { arg } => format!("not {}", expr_at(arg, 3)),
        Expr::Compare { cmp, lhs, rhs } => {
            format!("{} {} {}", expr_at(lhs, 5), compare(*cmp), expr_at(rhs, 5))
        }
        Expr::In {
            negated,
            lhs,
            items,
        } => {
            let items: Vec<String> = items.iter().map(expr).collect();
            let op = if *negated { "not in" } else { "in" };
            format!("{} {op} [{}]", expr_at(lhs, 5), items.join(", "))
        }
        Expr::StringOp { kind, lhs, rhs } => {
            let op = match kind {
                StringOpKind::Contains => "contains",
                StringOpKind::StartsWith => "starts_with",
                StringOpKind::EndsWith => "ends_with",
            };
            format!("{} {op} {}", expr_at(lhs, 5), expr_at(rhs, 5))
        }
        Expr::IsSet { negated, arg } => {
            let op = if *negated { "is not set" } else { "is set" };
            format!("{} {op}", expr_at(arg, 5))
        }
        Expr::Arith { kind, lhs, rhs } => {
            let op = match kind {
                ArithKind::Add => "+",
                ArithKind::Sub => "-",
            };
            format!("{} {op} {}", expr_at(lhs, 5), expr_at(rhs, 6))
        }
        Expr::Literal { value } => literal(value),
        Expr::Attr { name, .. } => name.clone(),
        Expr::EventField { path, .. } => format!("event.{}", path.join(".")),
        Expr::Segment { name } | Expr::Score { name } => name.clone(),
        Expr::Now => "now".to_string(),
        Expr::Performed {
            event,
            filter,
            within,
            since_entry,
        } => format!(
            "performed {event}{}",
            query_tail(filter.as_deref(), within, *since_entry)
        ),
        Expr::Count {
            event,
            filter,
            within,
            since_entry,
        } => format!(
            "count({event}{})",
            query_tail(filter.as_deref(), within, *since_entry)
        ),
        Expr::Sum {
            event,
            property,
            filter,
            within,
            since_entry,
            ..
        } => format!(
            "sum({event}.{property}{})",
            query_tail(filter.as_deref(), within, *since_entry)
        ),
        Expr::Last { event } => format!("last({event})"),
    };
    if level(e) < min {
        format!("({text})")
    } else {
        text
    }
}

fn join_args(args: &[Expr], sep: &str, min: u8) -> String {
    let parts: Vec<String> = args.iter().map(|a| expr_at(a, min)).collect();
    parts.join(sep)
}

fn query_tail(filter: Option<&Expr>, within: &Option<Duration>, since_entry: bool) -> String {
    let mut out = String::new();
    if let Some(cond) = filter {
        out.push_str(&format!(" where {}", expr(cond)));
    }
    if let Some(d) = within {
        out.push_str(&format!(" within {d}"));
    }
    if since_entry {
        out.push_str(" since entry");
    }
    out
}

fn compare(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "==",
        CompareOp::Ne => "!=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
    }
}

/// A constant as the language writes it.
pub fn literal(l: &Literal) -> String {
    match l {
        Literal::Bool { value } => value.to_string(),
        Literal::Int { value } => value.to_string(),
        Literal::Decimal { value } => value.clone(),
        Literal::Money { amount, currency } => format!("{amount} {currency}"),
        Literal::String { value } => format!("{value:?}"),
        Literal::Enum { value } | Literal::Time { value } | Literal::Date { value } => {
            value.clone()
        }
        Literal::Duration { days, seconds } => Duration::new(*days, *seconds).to_string(),
        Literal::List { items } => {
            let items: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", items.join(", "))
        }
        Literal::Record { fields } => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| format!("{} {}", f.name, literal(&f.value)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str) -> Expr {
        Expr::Attr {
            name: name.into(),
            ty: "int".into(),
        }
    }

    #[test]
    fn parentheses_only_where_precedence_needs_them() {
        let or = Expr::Or {
            args: vec![attr("a"), attr("b")],
        };
        let and = Expr::And {
            args: vec![or, attr("c")],
        };
        assert_eq!(expr(&and), "(a or b) and c");
        let not = Expr::Not {
            arg: Box::new(Expr::Performed {
                event: "app_opened".into(),
                filter: None,
                within: Some(Duration {
                    days: 14,
                    seconds: 0,
                }),
                since_entry: false,
            }),
        };
        assert_eq!(expr(&not), "not performed app_opened within 14d");
    }
}
