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
    ArithKind, CompareOp, Duration, EventScope, Expr, Literal, ScoreRule, StringOpKind,
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
    /// The event queries of the definition being compiled that are columns
    /// of its aggregate CTEs (`EventAggregates`); none inside subqueries.
    pub aggregates: Option<&'a EventAggregates>,
}

/// The name of the customer row's column that holds `now` moved back by
/// `dur`: where a `within dur` window starts (`window_start_30d`,
/// `window_start_3600s`, `window_start_1d_3600s`), or, for a negative
/// `dur` (`now + 7d`), `now_plus_7d`.
pub(crate) fn shifted_now_column(dur: Duration) -> String {
    let name = |days: i64, seconds: i64| match (days, seconds) {
        (days, 0) => format!("{days}d"),
        (0, seconds) => format!("{seconds}s"),
        (days, seconds) => format!("{days}d_{seconds}s"),
    };
    if dur.days < 0 || dur.seconds < 0 {
        format!("now_plus_{}", name(-dur.days, -dur.seconds))
    } else {
        format!("window_start_{}", name(dur.days, dur.seconds))
    }
}

/// `now` moved back by `dur`, for a customer in time zone `tz`: where a
/// `within dur` window that ends at `now` starts (`clock::sub`: the exact
/// seconds first, then calendar days in the customer's zone).
pub(crate) fn shifted_now(d: Dialect, now: &str, tz: &str, dur: Duration) -> String {
    let mut from = now.to_string();
    if dur.seconds != 0 {
        from = d.add_seconds(&from, &(-dur.seconds).to_string());
    }
    if dur.days != 0 {
        from = d.add_local_days(&from, -dur.days, tz);
    }
    from
}

/// For `now - D` and `now + D` of a constant `D` that is whole days or
/// whole seconds (where the order of the two steps cannot matter), how far
/// back from `now` it lies: a column of the customer's row
/// (`shifted_now_column`), like a window's start.
pub(crate) fn shift_of(kind: ArithKind, lhs: &Expr, rhs: &Expr) -> Option<Duration> {
    if !matches!(lhs, Expr::Now) {
        return None;
    }
    let dur = constant_duration(rhs)?;
    if dur.days != 0 && dur.seconds != 0 || dur.days == 0 && dur.seconds == 0 {
        return None;
    }
    Some(match kind {
        ArithKind::Sub => dur,
        ArithKind::Add => dur.negated(),
    })
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
            Expr::Performed { .. } => match self.aggregated(e, filtered) {
                Some(column) => format!("(COALESCE({column}, 0) > 0)"),
                None => format!(
                    "EXISTS {}",
                    self.subquery(&EventQuery::of(e), &|_| "1".into(), filtered, indent)
                ),
            },
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
            Expr::Count { .. } => match self.aggregated(e, filtered) {
                Some(column) => format!("COALESCE({column}, 0)"),
                None => self.subquery(&EventQuery::of(e), &|_| "COUNT(*)".into(), filtered, indent),
            },
            Expr::Sum { property, ty, .. } => {
                let q = EventQuery::of(e);
                let kind = Kind::of_type(ty);
                let zero = match kind {
                    Kind::Int => "0".to_string(),
                    _ => d.decimal("0"),
                };
                if let Some(column) = self.aggregated(e, filtered) {
                    return format!("COALESCE({column}, {zero})");
                }
                let sum = |alias: &str| {
                    let item = self.event_property(alias, property, &kind);
                    format!("COALESCE(SUM({item}), {zero})")
                };
                self.subquery(&q, &sum, filtered, indent)
            }
            Expr::Last { .. } => match self.aggregated(e, filtered) {
                Some(column) => column,
                None => {
                    let latest = |alias: &str| {
                        format!("MAX({alias}.{})", d.ident(&self.warehouse.event_time))
                    };
                    self.subquery(&EventQuery::of(e), &latest, filtered, indent)
                }
            },
            Expr::Arith { kind, lhs, rhs } => self.arith(*kind, lhs, rhs, filtered, indent),
            // Conditions used as values are never unset.
            other => self.cond(other, filtered, indent),
        }
    }

    /// Property `property` of the event aliased `alias`, as a value of
    /// `kind`.
    fn event_property(&self, alias: &str, property: &str, kind: &Kind) -> String {
        let json = format!(
            "{alias}.{}",
            self.d().ident(&self.warehouse.event_properties)
        );
        self.json_field(&json, &[property.to_string()], kind)
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
        if let Some(dur) = shift_of(kind, lhs, rhs) {
            // A column of the customer's row (`customer_cte`).
            return format!("{}.{}", self.customer, d.ident(&shifted_now_column(dur)));
        }
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
        let EventQuery { event, filter, .. } = *q;
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
        // only one query level out, never two. PostgreSQL reads the outer
        // row itself, which its index on the events serves (joining the
        // customer CTE for every event scanned it each time).
        let nested_customer = format!("c{alias}");
        let inner = Compiler {
            dialect: d,
            warehouse: w,
            customer: nested_customer.clone().into(),
            aggregates: None,
        };
        let filter_compiler = match filter {
            Some(f) if reads_events(f) && !d.correlates_at_any_depth() => {
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
        conds.extend(self.window_start(q, &at));
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

    /// Where the events `q` reads start, for the events' time column `at`
    /// (none: from the first).
    fn window_start(&self, q: &EventQuery, at: &str) -> Option<String> {
        if q.since_entry {
            // No journey: the window is the instant `now` alone.
            Some(format!("{at} >= {}", self.now()))
        } else {
            // A column of the customer's row (`customer_cte`): computed once
            // per time zone, not once per event.
            q.within.map(|dur| {
                format!(
                    "{at} >= {}.{}",
                    self.customer,
                    self.d().ident(&shifted_now_column(dur))
                )
            })
        }
    }

    /// The column of the definition's aggregate CTE that answers the event
    /// query `e` (with `agg`), when the compiler is at the definition's top
    /// level and the query is one of them.
    fn aggregated(&self, e: &Expr, filtered: Option<&str>) -> Option<String> {
        let (q, agg) = Agg::of(e)?;
        filtered
            .is_none()
            .then(|| self.aggregated_query(&q, &agg))?
    }

    /// The column of the definition's aggregate CTE that answers `q`
    /// (with `agg`), when it is one of them.
    pub(crate) fn aggregated_query(&self, q: &EventQuery, agg: &Agg) -> Option<String> {
        self.aggregates?.column(&self.aggregate(q, agg)?)
    }

    /// What one pass over the events computes for `q` per customer: the
    /// events' table, the event name to keep (the shared events table),
    /// and the aggregate; `None` when `q` cannot be answered that way (its
    /// `where` queries events or reads a segment or score).
    pub(crate) fn aggregate(&self, q: &EventQuery, agg: &Agg) -> Option<Aggregate> {
        if q.filter.is_some_and(reads_beyond_the_event) {
            return None;
        }
        let d = self.d();
        let w = self.warehouse;
        let col = |c: &str| format!("e.{}", d.ident(c));
        let mut when = Vec::new();
        let (table, event) = match w.event_tables.get(q.event) {
            Some(t) => (d.table(t), None),
            None => {
                let name = d.string(q.event);
                when.push(format!("{} = {name}", col(&w.event_name)));
                (d.table(&w.events), Some(name))
            }
        };
        let at = col(&w.event_time);
        when.extend(self.window_start(q, &at));
        if let Some(f) = q.filter {
            when.push(self.cond_operand_where(f, "e", 3));
        }
        let value = match agg {
            Agg::Count => "1".to_string(),
            Agg::Sum { property, kind } => self.event_property("e", property, kind),
            Agg::Last => at,
        };
        let function = match agg {
            Agg::Count => "COUNT",
            Agg::Sum { .. } => "SUM",
            Agg::Last => "MAX",
        };
        let sql = match (when.is_empty(), agg) {
            (true, Agg::Count) => "COUNT(*)".to_string(),
            (true, _) => format!("{function}({value})"),
            (false, _) => format!(
                "{function}(CASE WHEN {} THEN {value} END)",
                when.join(" AND ")
            ),
        };
        Some(Aggregate {
            table,
            event,
            name: q.event.to_string(),
            sql,
        })
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
    /// A query of no event name: what an expression that is not an event
    /// query, or a score's `if` rule, reads.
    const NONE: EventQuery<'static> = EventQuery {
        event: "",
        filter: None,
        within: None,
        since_entry: false,
    };

    /// The events a score's `per` rule counts (an `if` rule: none).
    pub(crate) fn of_rule(rule: &'q ScoreRule) -> EventQuery<'q> {
        match rule {
            ScoreRule::PerEvent {
                event,
                filter,
                within,
                since_entry,
                ..
            } => EventQuery {
                event,
                filter: filter.as_ref(),
                within: *within,
                since_entry: *since_entry,
            },
            ScoreRule::If { .. } => EventQuery::NONE,
        }
    }

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
            _ => EventQuery::NONE,
        }
    }
}

/// What an aggregated event query computes over the events it matches.
pub(crate) enum Agg<'q> {
    /// `count`, `performed` (a count above zero), a score's `per` rule.
    Count,
    /// `sum` of a property (unset ones skipped).
    Sum { property: &'q str, kind: Kind },
    /// `last`: the latest time.
    Last,
}

impl<'q> Agg<'q> {
    /// The event query an expression is, and what it computes.
    pub(crate) fn of(e: &'q Expr) -> Option<(EventQuery<'q>, Agg<'q>)> {
        let agg = match e {
            Expr::Performed { .. } | Expr::Count { .. } => Agg::Count,
            Expr::Sum { property, ty, .. } => Agg::Sum {
                property,
                kind: Kind::of_type(ty),
            },
            Expr::Last { .. } => Agg::Last,
            _ => return None,
        };
        Some((EventQuery::of(e), agg))
    }
}

/// One event query as an aggregate over a customer's events
/// (`Compiler::aggregate`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Aggregate {
    /// The events' table (SQL).
    pub table: String,
    /// The event name as a string literal, when the table holds every
    /// event.
    pub event: Option<String>,
    /// The event's name, for the column.
    pub name: String,
    /// `COUNT(CASE WHEN … THEN 1 END)`, over the events aliased `e` and the
    /// customer row aliased `c`.
    pub sql: String,
}

/// The event queries of one definition that one pass over each events
/// table answers for every customer: a CTE per table, grouped by customer,
/// one column per distinct query, which the definition joins. The engines
/// run a correlated subquery as a join of every customer with the events;
/// one of those per table, rather than per query, is what keeps a score of
/// four rules over twenty million events at one scan.
pub(crate) struct EventAggregates {
    dialect: Dialect,
    /// The first CTE's name (`score_engagement_events`); a second table's
    /// gets `_2`, and so on.
    name: String,
    /// Per table, in order of first use: the aggregates, in order of first
    /// use (each once).
    tables: Vec<(String, Vec<Aggregate>)>,
}

impl EventAggregates {
    pub(crate) fn new(dialect: Dialect, name: String) -> EventAggregates {
        EventAggregates {
            dialect,
            name,
            tables: Vec::new(),
        }
    }

    /// Adds the query of `e` (when it is an event query the compiler can
    /// aggregate) and of every event query inside it, except inside another
    /// query's `where`.
    pub(crate) fn add_expr(&mut self, c: &Compiler, e: &Expr) {
        let mut todo = vec![e];
        while let Some(e) = todo.pop() {
            if let Some((q, agg)) = Agg::of(e) {
                if let Some(a) = c.aggregate(&q, &agg) {
                    self.add(a);
                }
                continue;
            }
            match e {
                Expr::And { args } | Expr::Or { args } => todo.extend(args.iter().rev()),
                Expr::Not { arg } | Expr::IsSet { arg, .. } => todo.push(arg),
                Expr::Compare { lhs, rhs, .. }
                | Expr::StringOp { lhs, rhs, .. }
                | Expr::Arith { lhs, rhs, .. } => {
                    todo.push(rhs);
                    todo.push(lhs);
                }
                Expr::In { lhs, items, .. } => {
                    todo.extend(items.iter().rev());
                    todo.push(lhs);
                }
                _ => {}
            }
        }
    }

    pub(crate) fn add(&mut self, a: Aggregate) {
        match self.tables.iter_mut().find(|(t, _)| *t == a.table) {
            Some((_, list)) => {
                if !list.contains(&a) {
                    list.push(a);
                }
            }
            None => self.tables.push((a.table.clone(), vec![a])),
        }
    }

    fn cte(&self, table: usize) -> String {
        match table {
            0 => self.name.clone(),
            n => format!("{}_{}", self.name, n + 1),
        }
    }

    fn column_name(a: &Aggregate, index: usize) -> String {
        format!("{}_{}", a.name, index + 1)
    }

    /// `cte.column` of an aggregate added before.
    fn column(&self, a: &Aggregate) -> Option<String> {
        self.tables.iter().enumerate().find_map(|(t, (_, list))| {
            let i = list.iter().position(|x| x == a)?;
            Some(format!("{}.{}", self.cte(t), self.quoted(a, i)))
        })
    }

    fn quoted(&self, a: &Aggregate, index: usize) -> String {
        self.dialect.ident(&Self::column_name(a, index))
    }

    /// The CTEs (`name AS (…)`, joined by `,\n`), empty without
    /// aggregates.
    pub(crate) fn ctes(&self, w: &Warehouse) -> Vec<String> {
        let d = self.dialect;
        let col = |x: &str| format!("e.{}", d.ident(x));
        self.tables
            .iter()
            .enumerate()
            .map(|(t, (table, list))| {
                let mut cols = vec!["c.customer_id".to_string()];
                for (i, a) in list.iter().enumerate() {
                    cols.push(format!("{} AS {}", a.sql, self.quoted(a, i)));
                }
                // `now` itself rather than the customer row's copy: a
                // constant, which the engine applies while it reads the
                // events instead of in the join.
                let mut wheres = vec![format!("{} <= {}", col(&w.event_time), d.now_param())];
                let mut events: Vec<&str> = Vec::new();
                for a in list {
                    if let Some(e) = &a.event {
                        if !events.contains(&e.as_str()) {
                            events.push(e);
                        }
                    }
                }
                if !events.is_empty() {
                    wheres.push(format!("{} IN ({})", col(&w.event_name), events.join(", ")));
                }
                format!(
                    "{} AS (\n  SELECT\n    {}\n  FROM customer AS c\n  JOIN {table} AS e ON {} = c.customer_id\n  WHERE {}\n  GROUP BY c.customer_id\n)",
                    self.cte(t),
                    cols.join(",\n    "),
                    col(&w.event_key),
                    wheres.join("\n    AND "),
                )
            })
            .collect()
    }

    /// The `LEFT JOIN` lines of the CTEs, for a definition over `customer
    /// AS c` (a customer without events has no row: every count zero).
    pub(crate) fn joins(&self) -> String {
        (0..self.tables.len())
            .map(|t| {
                let cte = self.cte(t);
                format!("LEFT JOIN {cte} ON {cte}.customer_id = c.customer_id\n")
            })
            .collect()
    }
}

/// Whether a `where` reads more than the event and the customer's row:
/// events (a nested query), a segment or a score.
fn reads_beyond_the_event(e: &Expr) -> bool {
    contains(e, |x| {
        is_event_query(x) || matches!(x, Expr::Segment { .. } | Expr::Score { .. })
    })
}

/// Whether an expression queries events (`performed`, `count`, `sum`,
/// `last`) anywhere inside it.
fn reads_events(e: &Expr) -> bool {
    contains(e, is_event_query)
}

fn is_event_query(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Performed { .. } | Expr::Count { .. } | Expr::Sum { .. } | Expr::Last { .. }
    )
}

/// Whether `e` or an expression inside it is one `found` accepts.
fn contains(e: &Expr, found: impl Fn(&Expr) -> bool) -> bool {
    let mut any = false;
    e.walk(&mut |x| any |= found(x));
    any
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
