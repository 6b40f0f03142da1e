//! Parser tests: every construct of the language, precedence, strings,
//! separators, and robustness against huge or deeply nested input. Shared
//! helpers live here; each area has its own module under `tests/parser/`.

use campaignc::diagnostics::Diagnostic;
use std::path::Path;

use campaignc::source::SourceMap;
use campaignc::syntax::ast::*;
use campaignc::syntax::parse_file;

fn parse(text: &str) -> Result<SourceFileAst, Vec<Diagnostic>> {
    let mut map = SourceMap::new();
    let id = map.add(
        "test.camp",
        std::path::Path::new("test.camp"),
        text.to_string(),
    );
    parse_file(map.get(id))
}

fn parse_ok(text: &str) -> SourceFileAst {
    match parse(text) {
        Ok(ast) => ast,
        Err(diags) => panic!("parse failed: {diags:#?}\n--- input ---\n{text}"),
    }
}

fn parse_err(text: &str) -> Diagnostic {
    match parse(text) {
        Ok(_) => panic!("expected a parse error for:\n{text}"),
        Err(mut diags) => diags.remove(0),
    }
}

fn only_item(text: &str) -> Item {
    let mut ast = parse_ok(text);
    assert_eq!(ast.items.len(), 1, "one declaration expected");
    ast.items.remove(0)
}

fn segment_expr(text: &str) -> Expr {
    match only_item(&format!("segment s = {text}")) {
        Item::Segment(s) => s.expr,
        other => panic!("not a segment: {other:?}"),
    }
}

/// A compact, span-free rendering of an expression for precedence checks.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Or(a, b) => format!("({} or {})", show(a), show(b)),
        ExprKind::And(a, b) => format!("({} and {})", show(a), show(b)),
        ExprKind::Not(a) => format!("(not {})", show(a)),
        ExprKind::Compare { op, lhs, rhs } => format!("({} {op:?} {})", show(lhs), show(rhs)),
        ExprKind::In { negated, lhs, list } => {
            let op = if *negated { "not in" } else { "in" };
            format!("({} {op} {})", show(lhs), show(list))
        }
        ExprKind::StringOp { op, lhs, rhs } => format!("({} {op:?} {})", show(lhs), show(rhs)),
        ExprKind::IsSet { negated, expr } => {
            let op = if *negated { "is not set" } else { "is set" };
            format!("({} {op})", show(expr))
        }
        ExprKind::Arith { op, lhs, rhs } => {
            let op = if *op == ArithOp::Add { "+" } else { "-" };
            format!("({} {op} {})", show(lhs), show(rhs))
        }
        ExprKind::Literal(v) => show_value(&v.kind),
        ExprKind::Path(p) => p
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ExprKind::Now => "now".into(),
        ExprKind::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Performed {
            event,
            filter,
            window,
        } => format!(
            "performed({}{}{})",
            event.name,
            filter
                .as_ref()
                .map(|f| format!(" where {}", show(f)))
                .unwrap_or_default(),
            show_window(window)
        ),
        ExprKind::Count {
            event,
            filter,
            window,
        } => format!(
            "count({}{}{})",
            event.name,
            filter
                .as_ref()
                .map(|f| format!(" where {}", show(f)))
                .unwrap_or_default(),
            show_window(window)
        ),
        ExprKind::Sum {
            event,
            property,
            filter,
            window,
        } => format!(
            "sum({}.{}{}{})",
            event.name,
            property.name,
            filter
                .as_ref()
                .map(|f| format!(" where {}", show(f)))
                .unwrap_or_default(),
            show_window(window)
        ),
        ExprKind::Last { event } => format!("last({})", event.name),
    }
}

fn show_decimal(d: &DecimalLit) -> String {
    if d.scale == 0 {
        return d.mantissa.to_string();
    }
    let p = 10i128.pow(d.scale);
    format!(
        "{}.{:0width$}",
        d.mantissa / p,
        (d.mantissa % p).abs(),
        width = d.scale as usize
    )
}

fn show_value(v: &ValueKind) -> String {
    match v {
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Decimal(d) => show_decimal(d),
        ValueKind::Money { amount, currency } => {
            format!("{} {}", show_decimal(amount), currency.name)
        }
        ValueKind::Percent(d) => format!("{}%", show_decimal(d)),
        ValueKind::Duration(d) => format!("{}d{}s", d.days, d.seconds),
        ValueKind::Str(s) => format!("{:?}", s.value),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Word(w) => w.name.clone(),
        other => format!("{other:?}"),
    }
}

fn show_window(w: &Option<Box<Window>>) -> String {
    match w.as_deref() {
        None => String::new(),
        Some(Window::Within(d)) => format!(" within {}d{}s", d.days, d.seconds),
        Some(Window::SinceEntry(_)) => " since entry".into(),
    }
}

fn campaign(text: &str) -> Campaign {
    match only_item(text) {
        Item::Campaign(c) => *c,
        other => panic!("not a campaign: {other:?}"),
    }
}

fn flow_steps(body: &str) -> Vec<Step> {
    campaign(&format!("campaign c {{ flow {{ {body} }} }}"))
        .flow
        .expect("flow")
        .steps
}

#[path = "parser/declarations.rs"]
mod declarations;
#[path = "parser/examples.rs"]
mod examples;
#[path = "parser/expressions.rs"]
mod expressions;
#[path = "parser/flows.rs"]
mod flows;
#[path = "parser/robustness.rs"]
mod robustness;
#[path = "parser/strings_and_names.rs"]
mod strings_and_names;
#[path = "parser/tests_blocks.rs"]
mod tests_blocks;
