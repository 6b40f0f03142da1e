//! Plan expressions as SQL, with the reference evaluator's rules
//! (`simulate::eval`), which define the language:
//!
//! - an unset value makes every comparison false, `in` and `not in`
//!   included, and `not` of a false comparison is true: so every condition
//!   is compiled to a never-NULL boolean (`COALESCE(…, FALSE)` around what
//!   may be NULL), and SQL's three-valued logic never shows;
//! - `within D` covers events at or after `now - D` up to `now`, with the
//!   calendar days of `D` counted in the customer's time zone (the local
//!   date moves, the clock time stays) and its hours and minutes elapsed;
//!   `since entry` has no journey here, so it covers `[now, now]`;
//! - `time + D` moves calendar days in the customer's zone, then elapsed
//!   seconds; `time - time` is a duration (kept as seconds);
//! - `sum` skips events whose property is unset and starts at zero;
//!   `last` is the latest such event at or before `now`;
//! - segments and scores are read from their own CTEs (joined by
//!   customer id), never copied into the query that uses them.

use super::dialect::{Dialect, TextOp};
use crate::check::model::Warehouse;
use crate::plan::format::{
    ArithKind, CompareOp, Duration, EventScope, Expr, Literal, StringOpKind,
};

/// The kind of value an expression has, read from the plan's type names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Bool,
    Int,
    Decimal,
    Money,
    Text,
    Time,
    Date,
    /// Kept as whole seconds.
    Duration,
    List(Box<Kind>),
    Record,
    Unknown,
}

impl Kind {
    /// From a type as the plan writes it (`money(USD)?`, `list<string>`).
    pub(crate) fn of_type(ty: &str) -> Kind {
        let ty = ty.trim().trim_end_matches('?');
        if let Some(inner) = ty.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
            return Kind::List(Box::new(Kind::of_type(inner)));
        }
        if ty.starts_with("money(") {
            return Kind::Money;
        }
        if ty.starts_with("enum(") {
            return Kind::Text;
        }
        match ty {
            "bool" => Kind::Bool,
            "int" => Kind::Int,
            "decimal" => Kind::Decimal,
            "string" | "email" | "phone" | "url" | "locale" | "timezone" => Kind::Text,
            "time" => Kind::Time,
            "date" => Kind::Date,
            "duration" => Kind::Duration,
            _ => Kind::Record,
        }
    }

    fn is_number(&self) -> bool {
        matches!(self, Kind::Int | Kind::Decimal | Kind::Money)
    }
}

/// What the compiler of one query knows.
pub(crate) struct Compiler<'a> {
    pub dialect: Dialect,
    pub warehouse: &'a Warehouse,
    /// The customer row's alias (`c`): its columns are the attributes by
    /// name, `customer_id`, `tz` and `now`.
    pub customer: std::borrow::Cow<'static, str>,
}

/// The name of the customer row's column that holds where a `within dur`
/// window starts (`window_start_30d`, `window_start_3600s`,
/// `window_start_1d_3600s`).
pub(crate) fn window_start_column(dur: Duration) -> String {
    match (dur.days, dur.seconds) {
        (days, 0) => format!("window_start_{days}d"),
        (0, seconds) => format!("window_start_{seconds}s"),
        (days, seconds) => format!("window_start_{days}d_{seconds}s"),
    }
}

/// Where a `within dur` window that ends at `now` starts, for a customer in
/// time zone `tz` (`clock::sub`: the exact seconds first, then calendar
/// days in the customer's zone).
pub(crate) fn window_start(d: Dialect, now: &str, tz: &str, dur: Duration) -> String {
    let mut from = now.to_string();
    if dur.seconds != 0 {
        from = d.add_seconds(&from, &(-dur.seconds).to_string());
    }
    if dur.days != 0 {
        from = d.add_local_days(&from, -dur.days, tz);
    }
    from
}

/// A segment's CTE name.
pub(crate) fn segment_cte(name: &str) -> String {
    format!("segment_{name}")
}

/// A score's CTE name.
pub(crate) fn score_cte(name: &str) -> String {
    format!("score_{name}")
}

impl Compiler<'_> {
    fn d(&self) -> Dialect {
        self.dialect
    }

    fn col(&self, name: &str) -> String {
        format!("{}.{}", self.customer, self.d().ident(name))
    }

    fn tz(&self) -> String {
        format!("{}.tz", self.customer)
    }

    fn now(&self) -> String {
        format!("{}.now", self.customer)
    }

    /// A condition: a never-NULL boolean. `filtered` is the alias of the
    /// event a `where` is testing, `indent` the depth of the line it
    /// starts on.
    pub(crate) fn cond(&self, e: &Expr, filtered: Option<&str>, indent: usize) -> String {
        crate::stack::deep(|| self.cond_here(e, filtered, indent))
    }

    fn cond_here(&self, e: &Expr, filtered: Option<&str>, indent: usize) -> String {
        match e {
            Expr::And { args } | Expr::Or { args } => {
                let word = if matches!(e, Expr::And { .. }) {
                    "AND"
                } else {
                    "OR"
                };
                if args.is_empty() {
                    return if word == "AND" { "TRUE" } else { "FALSE" }.into();
                }
                let parts: Vec<String> = args
                    .iter()
                    .map(|a| self.cond_operand(a, filtered, indent + 1))
                    .collect();
                let one_line = parts.join(&format!(" {word} "));
                if one_line.len() <= 60 && !one_line.contains('\n') {
                    one_line
                } else {
                    let pad = "  ".repeat(indent);
                    parts.join(&format!("\n{pad}{word} "))
                }
            }
            Expr::Not { arg } => format!("NOT {}", self.cond_operand(arg, filtered, indent + 1)),
            Expr::Compare { cmp, lhs, rhs } => self.compare(*cmp, lhs, rhs, filtered, indent),
            Expr::In {
                negated,
                lhs,
                items,
            } => {
                let l = self.value(lhs, filtered, indent);
                let all_literal = items.iter().all(|i| matches!(i, Expr::Literal { .. }));
                if all_literal && !items.is_empty() {
                    let list: Vec<String> = items
                        .iter()
                        .map(|i| self.value(i, filtered, indent))
                        .collect();
                    let not = if *negated { "NOT " } else { "" };
                    format!("COALESCE({l} {not}IN ({}), FALSE)", list.join(", "))
                } else {
                    let found: Vec<String> = items
                        .iter()
                        .map(|i| {
                            format!("COALESCE({l} = {}, FALSE)", self.value(i, filtered, indent))
                        })
                        .collect();
                    let found = if found.is_empty() {
                        "FALSE".to_string()
                    } else {
                        found.join(" OR ")
                    };
                    let not = if *negated { "NOT " } else { "" };
                    format!("({l} IS NOT NULL AND {not}({found}))")
                }
            }
            Expr::StringOp { kind, lhs, rhs } => {
                let l = self.value(lhs, filtered, indent);
                let r = self.value(rhs, filtered, indent);
                let op = match kind {
                    StringOpKind::Contains => TextOp::Contains,
                    StringOpKind::StartsWith => TextOp::StartsWith,
                    StringOpKind::EndsWith => TextOp::EndsWith,
                };
                match (self.kind(lhs), op) {
                    (Kind::List(elem), TextOp::Contains) => {
                        let ty = self.sql_type(&elem);
                        format!("COALESCE({}, FALSE)", self.d().list_contains(&l, &r, &ty))
                    }
                    _ => format!("COALESCE({}, FALSE)", self.d().text_op(op, &l, &r)),
                }
            }
            Expr::IsSet { negated, arg } => {
                let v = self.value(arg, filtered, indent);
                let not = if *negated { "" } else { "NOT " };
                format!("{v} IS {not}NULL")
            }
            Expr::Performed { .. } => {
                let q = EventQuery::of(e);
                format!(
                    "EXISTS {}",
                    self.subquery(&q, &|_| "1".into(), filtered, indent)
                )
            }
            Expr::Segment { name } => format!("{}.member", segment_cte(name)),
            Expr::Literal {
                value: Literal::Bool { value },
            } => if *value { "TRUE" } else { "FALSE" }.into(),
            other => format!("COALESCE({}, FALSE)", self.value(other, filtered, indent)),
        }
    }

    /// A condition inside `AND`/`OR`/`NOT`: parenthesised when it is
    /// itself a list.
    fn cond_operand(&self, e: &Expr, filtered: Option<&str>, indent: usize) -> String {
        let c = self.cond(e, filtered, indent);
        if matches!(e, Expr::And { .. } | Expr::Or { .. }) {
            if c.contains('\n') {
                let pad = "  ".repeat(indent);
                let pad_out = "  ".repeat(indent.saturating_sub(1));
                format!("(\n{pad}{c}\n{pad_out})")
            } else {
                format!("({c})")
            }
        } else {
            c
        }
    }

    fn compare(
        &self,
        cmp: CompareOp,
        lhs: &Expr,
        rhs: &Expr,
        filtered: Option<&str>,
        indent: usize,
    ) -> String {
        let (lk, rk) = (self.kind(lhs), self.kind(rhs));
        let mut l = self.value(lhs, filtered, indent);
        let mut r = self.value(rhs, filtered, indent);
        if matches!(lk, Kind::List(_) | Kind::Record) || matches!(rk, Kind::List(_) | Kind::Record)
        {
            // Lists and records only ever compare equal (`!=` is false
            // even when they differ, as in the reference evaluator).
            return match cmp {
                CompareOp::Eq => format!(
                    "COALESCE({} = {}, FALSE)",
                    self.d().json_as_text(&l),
                    self.d().json_as_text(&r)
                ),
                _ => "FALSE".into(),
            };
        }
        if lk == Kind::Text && rk == Kind::Text && !matches!(cmp, CompareOp::Eq | CompareOp::Ne) {
            l = self.d().binary_text(&l);
            r = self.d().binary_text(&r);
        }
        let op = match cmp {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        };
        format!("COALESCE({l} {op} {r}, FALSE)")
    }

    /// The kind of an expression's value.
    pub(crate) fn kind(&self, e: &Expr) -> Kind {
        match e {
            Expr::And { .. }
            | Expr::Or { .. }
            | Expr::Not { .. }
            | Expr::Compare { .. }
            | Expr::In { .. }
            | Expr::StringOp { .. }
            | Expr::IsSet { .. }
            | Expr::Segment { .. }
            | Expr::Performed { .. } => Kind::Bool,
            Expr::Score { .. } | Expr::Count { .. } => Kind::Int,
            Expr::Now | Expr::Last { .. } => Kind::Time,
            Expr::Attr { ty, .. } | Expr::EventField { ty, .. } | Expr::Sum { ty, .. } => {
                Kind::of_type(ty)
            }
            Expr::Literal { value } => literal_kind(value),
            Expr::Arith { kind, lhs, rhs } => {
                let (l, r) = (self.kind(lhs), self.kind(rhs));
                match (l, r) {
                    (Kind::Time, Kind::Time) if *kind == ArithKind::Sub => Kind::Duration,
                    (Kind::Time, _) => Kind::Time,
                    (Kind::Date, _) => Kind::Date,
                    (Kind::Money, _) | (_, Kind::Money) => Kind::Money,
                    (Kind::Int, Kind::Int) => Kind::Int,
                    (Kind::Duration, _) => Kind::Duration,
                    (l, r) if l.is_number() && r.is_number() => Kind::Decimal,
                    _ => Kind::Unknown,
                }
            }
        }
    }

    /// The SQL type of a kind (for casts).
    pub(crate) fn sql_type(&self, k: &Kind) -> String {
        let d = self.d();
        match k {
            Kind::Bool => d.bool_type().into(),
            Kind::Int | Kind::Duration => d.int_type().into(),
            Kind::Decimal | Kind::Money => d.numeric_type().into(),
            Kind::Time => d.timestamp_type().into(),
            Kind::Date => "DATE".into(),
            Kind::Text | Kind::List(_) | Kind::Record | Kind::Unknown => d.text_type().into(),
        }
    }

    /// A value: SQL that is NULL when the language's value is unset.
    pub(crate) fn value(&self, e: &Expr, filtered: Option<&str>, indent: usize) -> String {
        crate::stack::deep(|| self.value_here(e, filtered, indent))
    }

    fn value_here(&self, e: &Expr, filtered: Option<&str>, indent: usize) -> String {
        let d = self.d();
        match e {
            Expr::Literal { value } => self.literal(value),
            Expr::Attr { name, ty } => match Kind::of_type(ty) {
                // Durations are stored as text in the language's notation
                // (`1d12h`); the SQL has no parser for it.
                Kind::Duration => "CAST(NULL AS BIGINT)".into(),
                _ => self.col(name),
            },
            Expr::EventField {
                scope, path, ty, ..
            } => match (scope, filtered) {
                (EventScope::Filtered, Some(alias)) => {
                    let json = format!("{alias}.{}", d.ident(&self.warehouse.event_properties));
                    self.json_field(&json, path, &Kind::of_type(ty))
                }
                // A flow's event is not part of an audience: unset.
                _ => "NULL".into(),
            },
            Expr::Segment { name } => format!("{}.member", segment_cte(name)),
            Expr::Score { name } => format!("{}.score", score_cte(name)),
            Expr::Now => self.now(),
            Expr::Count { .. } => {
                self.subquery(&EventQuery::of(e), &|_| "COUNT(*)".into(), filtered, indent)
            }
            Expr::Sum { property, ty, .. } => {
                let q = EventQuery::of(e);
                let kind = Kind::of_type(ty);
                let zero = match kind {
                    Kind::Int => "0".to_string(),
                    _ => d.decimal("0"),
                };
                let sum = |alias: &str| {
                    let json = format!("{alias}.{}", d.ident(&self.warehouse.event_properties));
                    let item = self.json_field(&json, std::slice::from_ref(property), &kind);
                    format!("COALESCE(SUM({item}), {zero})")
                };
                self.subquery(&q, &sum, filtered, indent)
            }
            Expr::Last { .. } => {
                let q = EventQuery::of(e);
                let latest =
                    |alias: &str| format!("MAX({alias}.{})", d.ident(&self.warehouse.event_time));
                self.subquery(&q, &latest, filtered, indent)
            }
            Expr::Arith { kind, lhs, rhs } => self.arith(*kind, lhs, rhs, filtered, indent),
            // Conditions used as values are never unset.
            other => self.cond(other, filtered, indent),
        }
    }

    /// A property of an event (`json` is its properties column) as a
    /// typed value.
    fn json_field(&self, json: &str, path: &[String], kind: &Kind) -> String {
        let d = self.d();
        match kind {
            Kind::List(_) | Kind::Record | Kind::Unknown => d.json_value(json, path),
            Kind::Text => d.json_text(json, path),
            Kind::Time => match d {
                Dialect::Bigquery => format!("SAFE.TIMESTAMP({})", d.json_text(json, path)),
                Dialect::Snowflake => {
                    format!("TRY_TO_TIMESTAMP_TZ({})", d.json_text(json, path))
                }
                _ => d.try_cast(&d.json_text(json, path), d.timestamp_type()),
            },
            Kind::Duration => "CAST(NULL AS BIGINT)".into(),
            other => d.try_cast(&d.json_text(json, path), &self.sql_type(other)),
        }
    }

    fn literal(&self, lit: &Literal) -> String {
        let d = self.d();
        match lit {
            Literal::Bool { value } => if *value { "TRUE" } else { "FALSE" }.into(),
            Literal::Int { value } => value.to_string(),
            Literal::Decimal { value } => d.decimal(value),
            Literal::Money { amount, .. } => d.decimal(amount),
            Literal::String { value } | Literal::Enum { value } => d.string(value),
            Literal::Time { value } => match value.parse::<jiff::Timestamp>() {
                Ok(t) => d.timestamp(&t.to_string()),
                Err(_) => "NULL".into(),
            },
            Literal::Date { value } => d.date(value),
            Literal::Duration { days, seconds } => {
                (days.saturating_mul(86_400).saturating_add(*seconds)).to_string()
            }
            Literal::List { items } => {
                let json = serde_json::Value::Array(items.iter().map(literal_json).collect());
                match d {
                    Dialect::Duckdb => format!("CAST({} AS JSON)", d.string(&json.to_string())),
                    Dialect::Postgres => format!("CAST({} AS JSONB)", d.string(&json.to_string())),
                    Dialect::Bigquery => format!("JSON {}", d.string(&json.to_string())),
                    Dialect::Snowflake => format!("PARSE_JSON({})", d.string(&json.to_string())),
                    Dialect::Spark => d.string(&json.to_string()),
                }
            }
            Literal::Record { .. } => "NULL".into(),
        }
    }

    fn arith(
        &self,
        kind: ArithKind,
        lhs: &Expr,
        rhs: &Expr,
        filtered: Option<&str>,
        indent: usize,
    ) -> String {
        let d = self.d();
        let (lk, rk) = (self.kind(lhs), self.kind(rhs));
        let l = self.value(lhs, filtered, indent);
        match (&lk, &rk) {
            (Kind::Time, Kind::Time) if kind == ArithKind::Sub => {
                let r = self.value(rhs, filtered, indent);
                format!("({} - {})", d.epoch_seconds(&l), d.epoch_seconds(&r))
            }
            (Kind::Time, Kind::Duration) => {
                let sign = if kind == ArithKind::Sub { -1 } else { 1 };
                match constant_duration(rhs) {
                    // Calendar days in the customer's zone, then the exact
                    // seconds (`clock::add`).
                    Some(dur) => {
                        let mut t = l;
                        if dur.days != 0 {
                            t = d.add_local_days(&t, sign * dur.days, &self.tz());
                        }
                        if dur.seconds != 0 {
                            t = d.add_seconds(&t, &(sign * dur.seconds).to_string());
                        }
                        t
                    }
                    None => {
                        let r = self.value(rhs, filtered, indent);
                        let secs = if sign < 0 { format!("-({r})") } else { r };
                        d.add_seconds(&l, &secs)
                    }
                }
            }
            (Kind::Date, Kind::Duration) => {
                let sign = if kind == ArithKind::Sub { -1 } else { 1 };
                match constant_duration(rhs) {
                    Some(dur) if dur.days != 0 => d.add_date_days(&l, sign * dur.days),
                    _ => l,
                }
            }
            _ => {
                let r = self.value(rhs, filtered, indent);
                let op = if kind == ArithKind::Sub { "-" } else { "+" };
                format!("({l} {op} {r})")
            }
        }
    }

    /// `(SELECT what FROM events WHERE …)` over the customer's events that
    /// `q` matches; `select` gets the events' alias. `outer` is the alias of
    /// the event an enclosing `where` tests (a nested query gets its own).
    pub(crate) fn subquery(
        &self,
        q: &EventQuery,
        select: &dyn Fn(&str) -> String,
        outer: Option<&str>,
        indent: usize,
    ) -> String {
        let EventQuery {
            event,
            filter,
            within,
            since_entry,
        } = *q;
        let indent = indent + 1;
        let d = self.d();
        let w = self.warehouse;
        let alias = match outer {
            Some(o) => format!("{o}e"),
            None => "e".to_string(),
        };
        let pad = "  ".repeat(indent);
        let col = |c: &str| format!("{alias}.{}", d.ident(c));
        let mut conds = vec![format!(
            "{} = {}.customer_id",
            col(&w.event_key),
            self.customer
        )];
        let mut table = match w.event_tables.get(event) {
            Some(t) => d.table(t),
            None => {
                conds.push(format!("{} = {}", col(&w.event_name), d.string(event)));
                d.table(&w.events)
            }
        };
        // A `where` that itself queries events reads the customer from a
        // row of its own, joined here: Spark resolves a correlated column
        // only one query level out, never two.
        let nested_customer = format!("c{alias}");
        let inner = Compiler {
            dialect: d,
            warehouse: w,
            customer: nested_customer.clone().into(),
        };
        let filter_compiler = match filter {
            Some(f) if reads_events(f) => {
                table = format!(
                    "{table} AS {alias}\n{pad}JOIN customer AS {nested_customer} ON {nested_customer}.customer_id = {}",
                    col(&w.event_key)
                );
                &inner
            }
            _ => {
                table = format!("{table} AS {alias}");
                self
            }
        };
        let at = col(&w.event_time);
        let now = self.now();
        if since_entry {
            // No journey: the window is the instant `now` alone.
            conds.push(format!("{at} >= {now}"));
        } else if let Some(dur) = within {
            // A column of the customer's row (`customer_cte`): computed once
            // per customer, not once per event.
            conds.push(format!(
                "{at} >= {}.{}",
                self.customer,
                d.ident(&window_start_column(dur))
            ));
        }
        conds.push(format!("{at} <= {now}"));
        if let Some(f) = filter {
            conds.push(filter_compiler.cond_operand_where(f, &alias, indent + 1));
        }
        format!(
            "(\n{pad}SELECT {}\n{pad}FROM {table}\n{pad}WHERE {}\n{})",
            select(&alias),
            conds.join(&format!("\n{pad}  AND ")),
            "  ".repeat(indent - 1)
        )
    }

    fn cond_operand_where(&self, f: &Expr, alias: &str, indent: usize) -> String {
        let c = self.cond(f, Some(alias), indent);
        if matches!(f, Expr::Or { .. }) {
            format!("({c})")
        } else {
            c
        }
    }
}

/// Which events an event query (`performed`, `count`, `sum`, `last`, a
/// score's `per` rule) reads.
pub(crate) struct EventQuery<'q> {
    pub event: &'q str,
    pub filter: Option<&'q Expr>,
    pub within: Option<Duration>,
    pub since_entry: bool,
}

impl<'q> EventQuery<'q> {
    /// The events an event query reads (`last`: all of them); for any
    /// other expression, none (a query of no event name).
    pub(crate) fn of(e: &'q Expr) -> EventQuery<'q> {
        match e {
            Expr::Performed {
                event,
                filter,
                within,
                since_entry,
            }
            | Expr::Count {
                event,
                filter,
                within,
                since_entry,
            }
            | Expr::Sum {
                event,
                filter,
                within,
                since_entry,
                ..
            } => EventQuery {
                event,
                filter: filter.as_deref(),
                within: *within,
                since_entry: *since_entry,
            },
            Expr::Last { event } => EventQuery {
                event,
                filter: None,
                within: None,
                since_entry: false,
            },
            _ => EventQuery {
                event: "",
                filter: None,
                within: None,
                since_entry: false,
            },
        }
    }
}

/// Whether an expression queries events (`performed`, `count`, `sum`,
/// `last`) anywhere inside it.
fn reads_events(e: &Expr) -> bool {
    let mut found = false;
    super::walk(e, &mut |x| {
        found |= matches!(
            x,
            Expr::Performed { .. } | Expr::Count { .. } | Expr::Sum { .. } | Expr::Last { .. }
        )
    });
    found
}

/// A duration known when the SQL is written: a literal, or a sum or
/// difference of literals.
fn constant_duration(e: &Expr) -> Option<Duration> {
    match e {
        Expr::Literal {
            value: Literal::Duration { days, seconds },
        } => Some(Duration::new(*days, *seconds)),
        Expr::Arith { kind, lhs, rhs } => {
            let (a, b) = (constant_duration(lhs)?, constant_duration(rhs)?);
            let b = match kind {
                ArithKind::Add => b,
                ArithKind::Sub => b.negated(),
            };
            Some(Duration::new(
                a.days.checked_add(b.days)?,
                a.seconds.checked_add(b.seconds)?,
            ))
        }
        _ => None,
    }
}

fn literal_kind(lit: &Literal) -> Kind {
    match lit {
        Literal::Bool { .. } => Kind::Bool,
        Literal::Int { .. } => Kind::Int,
        Literal::Decimal { .. } => Kind::Decimal,
        Literal::Money { .. } => Kind::Money,
        Literal::String { .. } | Literal::Enum { .. } => Kind::Text,
        Literal::Time { .. } => Kind::Time,
        Literal::Date { .. } => Kind::Date,
        Literal::Duration { .. } => Kind::Duration,
        Literal::List { items } => {
            Kind::List(Box::new(items.first().map_or(Kind::Unknown, literal_kind)))
        }
        Literal::Record { .. } => Kind::Record,
    }
}

/// A literal in the events-file encoding (money a bare number).
fn literal_json(lit: &Literal) -> serde_json::Value {
    use serde_json::Value as J;
    match lit {
        Literal::Bool { value } => J::Bool(*value),
        Literal::Int { value } => J::from(*value),
        Literal::Decimal { value } | Literal::Money { amount: value, .. } => value
            .parse::<serde_json::Number>()
            .map(J::Number)
            .unwrap_or_else(|_| J::String(value.clone())),
        Literal::String { value } | Literal::Enum { value } => J::String(value.clone()),
        Literal::Time { value } | Literal::Date { value } => J::String(value.clone()),
        Literal::Duration { days, seconds } => {
            J::String(Duration::new(*days, *seconds).to_string())
        }
        Literal::List { items } => J::Array(items.iter().map(literal_json).collect()),
        Literal::Record { fields } => J::Object(
            fields
                .iter()
                .map(|f| (f.name.clone(), literal_json(&f.value)))
                .collect(),
        ),
    }
}
