//! Segments, scores and campaign audiences as SQL (`campaignc sql`): one
//! query each, for DuckDB, PostgreSQL, Spark, BigQuery or Snowflake, over
//! the tables the project's warehouse mapping names
//! (`check::model::Warehouse`; docs/warehouse.md).
//!
//! The queries mirror the reference evaluator (`simulate::eval`), which
//! defines the language: `expr.rs` says how each rule is kept. Every query
//! has the same shape:
//!
//! ```text
//! WITH params AS (SELECT CAST($now AS TIMESTAMPTZ) AS now),  -- the evaluation time
//!   zone AS (…),            -- per time zone: where each `within` window starts,
//!                           --   each `now - 60d` (they depend on now and the zone only)
//!   customer AS (…),        -- one row per customer: id, the attributes read, tz, now,
//!                           --   and its zone's window starts
//!   score_x_events AS (…),  -- per customer with events: one column per event query
//!                           --   of score_x (one pass over the events, grouped)
//!   score_x AS (…),         -- each segment and score it uses, once,
//!   segment_y AS (…),       --   after the ones it reads
//!   segment_z AS (…)        -- the one asked for
//! SELECT customer_id FROM segment_z WHERE member ORDER BY customer_id
//! ```
//!
//! An event query whose `where` itself queries events, or reads a segment
//! or a score, stays a correlated subquery.
//!
//! Scores select `customer_id, score` for every customer.

mod dialect;
mod expr;

pub use dialect::Dialect;

use std::collections::BTreeSet;

use crate::check::model::{Model, Warehouse};
use crate::plan::format::{Duration, Expr, ScoreEntry, ScoreRule, SegmentEntry};
use crate::plan::lower::{score_entry, segment_entry};
use crate::source::{SourceMap, Span};
use expr::{score_cte, segment_cte, Agg, Compiler, EventAggregates, EventQuery};

/// What a query computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QueryKind {
    Segment,
    Score,
    Audience,
}

impl QueryKind {
    /// `segment`, `score`, `audience`.
    pub fn name(self) -> &'static str {
        match self {
            QueryKind::Segment => "segment",
            QueryKind::Score => "score",
            QueryKind::Audience => "audience",
        }
    }
}

/// One query: a segment's members, a score's values or a campaign's
/// audience, with `now` a parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// The segment's, score's or campaign's name.
    pub name: String,
    pub kind: QueryKind,
    /// Where it is declared: `file:line`.
    pub source: String,
    /// The formatted query, header comment included. The evaluation time
    /// is the dialect's parameter marker (`$now`, `$1`, `:now`, `@now`).
    pub sql: String,
    /// Where the final `ORDER BY` starts in `sql`.
    order_by: usize,
    dialect: Dialect,
}

impl Query {
    /// The query with the evaluation time bound: every use of the
    /// parameter marker (`Dialect::now_param`) replaced by a timestamp
    /// literal of the dialect.
    pub fn with_now(&self, now: jiff::Timestamp) -> String {
        let d = self.dialect;
        let literal = format!(
            "CAST({} AS {})",
            d.timestamp(&now.to_string()),
            d.timestamp_type()
        );
        self.sql.replace(&d.now_param(), &literal)
    }

    /// The query without its final `ORDER BY`: for an engine that keeps
    /// the rows in a table, which has no order, sorting them is time
    /// spent for nothing.
    pub fn unordered(&self) -> Query {
        Query {
            sql: self.sql[..self.order_by].to_string(),
            ..self.clone()
        }
    }

    /// The file `campaignc sql --out` writes it to: `segments/NAME.sql`,
    /// `scores/NAME.sql`, `audiences/NAME.sql`.
    pub fn file_name(&self) -> String {
        format!("{}s/{}.sql", self.kind.name(), self.name)
    }
}

/// Every query of the project (each segment, each score, each campaign's
/// audience), sorted by kind then name. The model must be free of errors.
pub fn queries(model: &Model, sources: &SourceMap, dialect: Dialect) -> Vec<Query> {
    let gen = Generator {
        model,
        sources,
        dialect,
        segments: model
            .segments
            .iter()
            .enumerate()
            .map(|(i, _)| segment_entry(model, crate::check::model::SegmentId(i as u32)))
            .collect(),
        scores: model
            .scores
            .iter()
            .enumerate()
            .map(|(i, _)| score_entry(model, crate::check::model::ScoreId(i as u32)))
            .collect(),
    };
    let mut out = Vec::new();
    for (seg, def) in gen.segments.iter().zip(&model.segments) {
        out.push(gen.query(
            QueryKind::Segment,
            &seg.name,
            def.span,
            seg.doc.as_deref(),
            Target::Segment(seg),
        ));
    }
    for (score, def) in gen.scores.iter().zip(&model.scores) {
        out.push(gen.query(
            QueryKind::Score,
            &score.name,
            def.span,
            score.doc.as_deref(),
            Target::Score(score),
        ));
    }
    for campaign in &model.campaigns {
        let audience = campaign
            .audience
            .as_ref()
            .map(|e| crate::plan::lower_expr::expr(model, e));
        let span = campaign.audience.as_ref().map_or(campaign.span, |e| e.span);
        out.push(gen.query(
            QueryKind::Audience,
            &campaign.name,
            span,
            campaign.doc.as_deref(),
            Target::Audience(audience.as_ref()),
        ));
    }
    out.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    out
}

enum Target<'a> {
    Segment(&'a SegmentEntry),
    Score(&'a ScoreEntry),
    Audience(Option<&'a Expr>),
}

struct Generator<'a> {
    model: &'a Model,
    sources: &'a SourceMap,
    dialect: Dialect,
    segments: Vec<SegmentEntry>,
    scores: Vec<ScoreEntry>,
}

/// A segment or score a query reads.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Named {
    Segment(String),
    Score(String),
}

impl Generator<'_> {
    fn warehouse(&self) -> &Warehouse {
        &self.model.warehouse
    }

    fn location(&self, span: Span) -> String {
        if (span.file.0 as usize) < self.sources.files().len() {
            format!(
                "{}:{}",
                self.sources.get(span.file).path,
                self.sources.line_col(span).0
            )
        } else {
            String::new()
        }
    }

    fn query(
        &self,
        kind: QueryKind,
        name: &str,
        span: Span,
        doc: Option<&str>,
        target: Target,
    ) -> Query {
        let d = self.dialect;
        // What the target reads, each definition after what it reads.
        let mut order = Vec::new();
        let mut seen = BTreeSet::new();
        let mut row = RowColumns::default();
        match &target {
            Target::Segment(s) => self.visit(
                &Named::Segment(s.name.clone()),
                &mut seen,
                &mut order,
                &mut row,
            ),
            Target::Score(s) => self.visit(
                &Named::Score(s.name.clone()),
                &mut seen,
                &mut order,
                &mut row,
            ),
            Target::Audience(e) => {
                if let Some(e) = e {
                    for n in refs_of_expr(e, &mut row) {
                        self.visit(&n, &mut seen, &mut order, &mut row);
                    }
                }
            }
        }
        let location = self.location(span);
        let mut sql = String::new();
        sql.push_str(&self.header(kind, name, &location, doc, span));
        sql.push_str(&format!(
            "WITH params AS (\n  SELECT {} AS now\n),\n",
            d.now_param()
        ));
        sql.push_str(&self.customer_cte(&row));
        for named in &order {
            sql.push_str(",\n");
            sql.push_str(&self.definition_cte(named));
        }
        match &target {
            Target::Segment(s) => {
                sql.push_str(&format!(
                    "\nSELECT customer_id\nFROM {}\nWHERE member\n",
                    segment_cte(&s.name)
                ));
            }
            Target::Score(s) => {
                sql.push_str(&format!(
                    "\nSELECT customer_id, score\nFROM {}\n",
                    score_cte(&s.name)
                ));
            }
            Target::Audience(e) => {
                let reads = e
                    .map(|e| refs_of_expr(e, &mut RowColumns::default()))
                    .unwrap_or_default();
                let mut aggregates = EventAggregates::new(d, "audience_events".into());
                if let Some(e) = e {
                    aggregates.add_expr(&self.compiler(None), e);
                }
                for cte in aggregates.ctes(self.warehouse()) {
                    sql.push_str(",\n");
                    sql.push_str(&cte);
                }
                let c = self.compiler(Some(&aggregates));
                let cond = match e {
                    Some(e) => c.cond(e, None, 1),
                    None => "TRUE".into(),
                };
                sql.push_str(&format!(
                    "\nSELECT c.customer_id\nFROM customer AS c\n{}{}WHERE {cond}\n",
                    joins(&reads),
                    aggregates.joins()
                ));
            }
        }
        let order_by = sql.len();
        let key = match &target {
            Target::Audience(_) => "c.customer_id",
            _ => "customer_id",
        };
        sql.push_str(&format!("ORDER BY {key}\n"));
        Query {
            name: name.to_string(),
            kind,
            source: location,
            sql,
            order_by,
            dialect: d,
        }
    }

    fn header(
        &self,
        kind: QueryKind,
        name: &str,
        location: &str,
        doc: Option<&str>,
        span: Span,
    ) -> String {
        let d = self.dialect;
        let mut h = String::new();
        let what = match kind {
            QueryKind::Segment => format!(
                "Segment `{name}`: the id of every customer in it (column customer_id)."
            ),
            QueryKind::Score => format!(
                "Score `{name}`: every customer's value (columns customer_id, score)."
            ),
            QueryKind::Audience => format!(
                "Audience of campaign `{name}`: the id of every customer its `audience` admits\n(column customer_id); the trigger is not part of it."
            ),
        };
        for line in what.lines() {
            h.push_str(&format!("-- {line}\n"));
        }
        h.push_str(&format!("-- Source: {location}\n"));
        if let Some(doc) = doc {
            h.push_str("--\n");
            for line in doc.lines() {
                h.push_str(&comment_line(line));
            }
        }
        if (span.file.0 as usize) < self.sources.files().len() && kind != QueryKind::Audience {
            h.push_str("--\n");
            for line in self.sources.snippet(span).lines() {
                h.push_str(&comment_line(line));
            }
        }
        h.push_str(&format!(
            "--\n-- Generated by campaignc for {}. Bind the evaluation time to {} (a {});\n-- `d` and `w` durations count calendar days in each customer's time zone.\n",
            d.title(),
            d.now_marker(),
            d.timestamp_type()
        ));
        if matches!(d, Dialect::Spark | Dialect::Snowflake) {
            h.push_str("-- Run it with the session time zone set to UTC.\n");
        }
        h.push('\n');
        h
    }

    /// One row per customer: the id, the attributes the query reads, the
    /// time zone, `now`, and the instants the query compares with that are
    /// `now` moved by a constant duration (where each `within` window
    /// starts, `now - 60d`). Those depend on `now` and the time zone alone,
    /// so they are computed once per time zone (the `zone` CTE) and joined
    /// to the customer's row, not once per customer or per event.
    fn customer_cte(&self, row: &RowColumns) -> String {
        let d = self.dialect;
        let w = self.warehouse();
        let mut cols = vec![format!("k.{} AS customer_id", d.ident(&w.customer_key))];
        for a in &row.attrs {
            cols.push(format!("k.{} AS {}", d.ident(w.column(a)), d.ident(a)));
        }
        let zone = crate::plan::lower::attr_of_type(
            self.model,
            &crate::check::model::Type::Timezone,
            "timezone",
        )
        .map(|a| w.column(&a).to_string())
        .or_else(|| w.timezone.clone());
        let default = d.string(&self.model.defaults.timezone);
        let tz = match zone {
            Some(col) => format!("COALESCE(k.{}, {default})", d.ident(&col)),
            None => default,
        };
        cols.push(format!("{tz} AS tz"));
        cols.push("params.now AS now".into());
        let table = d.table(&w.customers);
        if row.shifts.is_empty() {
            return format!(
                "customer AS (\n  SELECT\n    {}\n  FROM {table} AS k\n  CROSS JOIN params\n)",
                cols.join(",\n    "),
            );
        }
        let mut starts = Vec::new();
        for &(days, seconds) in &row.shifts {
            let dur = Duration::new(days, seconds);
            let name = d.ident(&expr::shifted_now_column(dur));
            starts.push(format!(
                "{} AS {name}",
                expr::shifted_now(d, "z.now", "z.tz", dur)
            ));
            cols.push(format!("zone.{name}"));
        }
        format!(
            "zone AS (\n  SELECT\n    z.tz,\n    {}\n  FROM (\n    SELECT DISTINCT {tz} AS tz, params.now AS now\n    FROM {table} AS k\n    CROSS JOIN params\n  ) AS z\n),\ncustomer AS (\n  SELECT\n    {}\n  FROM {table} AS k\n  CROSS JOIN params\n  JOIN zone ON zone.tz = {tz}\n)",
            starts.join(",\n    "),
            cols.join(",\n    "),
        )
    }

    /// The compiler of a definition's top level (customer row `c`), with
    /// the definition's event aggregates.
    fn compiler<'g>(&'g self, aggregates: Option<&'g EventAggregates>) -> Compiler<'g> {
        Compiler {
            dialect: self.dialect,
            warehouse: self.warehouse(),
            customer: "c".into(),
            aggregates,
        }
    }

    /// A definition's CTE, after the CTEs of the event queries it
    /// aggregates.
    fn definition_cte(&self, named: &Named) -> String {
        let d = self.dialect;
        let (cte, reads, aggregates, value) = match named {
            Named::Segment(name) => {
                let Some(seg) = self.segments.iter().find(|s| &s.name == name) else {
                    return String::new();
                };
                let cte = segment_cte(name);
                let mut aggregates = EventAggregates::new(d, format!("{cte}_events"));
                aggregates.add_expr(&self.compiler(None), &seg.expr);
                let member = self.compiler(Some(&aggregates)).cond(&seg.expr, None, 3);
                let reads = refs_of_expr(&seg.expr, &mut RowColumns::default());
                (cte, reads, aggregates, format!("{member} AS member"))
            }
            Named::Score(name) => {
                let Some(score) = self.scores.iter().find(|s| &s.name == name) else {
                    return String::new();
                };
                let cte = score_cte(name);
                let mut aggregates = EventAggregates::new(d, format!("{cte}_events"));
                let base = self.compiler(None);
                let mut reads = BTreeSet::new();
                for rule in &score.rules {
                    reads.extend(refs_of_rule(rule, &mut RowColumns::default()));
                    match rule {
                        ScoreRule::PerEvent { .. } => {
                            if let Some(a) = base.aggregate(&EventQuery::of_rule(rule), &Agg::Count)
                            {
                                aggregates.add(a);
                            }
                        }
                        ScoreRule::If { when, .. } => aggregates.add_expr(&base, when),
                    }
                }
                let c = self.compiler(Some(&aggregates));
                let terms: Vec<String> = score.rules.iter().map(|r| self.rule_sql(&c, r)).collect();
                let total = if terms.is_empty() {
                    "0".to_string()
                } else {
                    terms.join("\n    + ")
                };
                (
                    cte,
                    reads.into_iter().collect(),
                    aggregates,
                    format!("{total} AS score"),
                )
            }
        };
        let joins = format!("{}{}", joins(&reads), aggregates.joins());
        let mut out = aggregates.ctes(self.warehouse());
        out.push(
            format!(
                "{cte} AS (\n  SELECT\n    c.customer_id,\n    {value}\n  FROM customer AS c\n{}\n)",
                joins
                    .trim_end()
                    .lines()
                    .map(|l| format!("  {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
            .replace("\n\n)", "\n)"),
        );
        out.join(",\n")
    }

    /// One rule's points for a customer.
    fn rule_sql(&self, c: &Compiler, rule: &ScoreRule) -> String {
        match rule {
            ScoreRule::PerEvent { points, max, .. } => {
                let q = EventQuery::of_rule(rule);
                let count = match c.aggregated_query(&q, &Agg::Count) {
                    Some(column) => format!("COALESCE({column}, 0)"),
                    None => c.subquery(&q, &|_| "COUNT(*)".into(), None, 2),
                };
                let n = format!("{points} * {count}");
                match max {
                    Some(max) if *points >= 0 => format!("LEAST({n}, {max})"),
                    Some(max) => format!("GREATEST({n}, -{})", max.unsigned_abs()),
                    None => n,
                }
            }
            ScoreRule::If { points, when } => {
                format!(
                    "CASE WHEN {} THEN {points} ELSE 0 END",
                    c.cond(when, None, 3)
                )
            }
        }
    }

    /// Adds `named` and everything it reads to `order`, dependencies first.
    fn visit(
        &self,
        named: &Named,
        seen: &mut BTreeSet<Named>,
        order: &mut Vec<Named>,
        row: &mut RowColumns,
    ) {
        if !seen.insert(named.clone()) {
            return;
        }
        let reads = match named {
            Named::Segment(name) => self
                .segments
                .iter()
                .find(|s| &s.name == name)
                .map(|s| refs_of_expr(&s.expr, row))
                .unwrap_or_default(),
            Named::Score(name) => {
                let mut reads = BTreeSet::new();
                if let Some(score) = self.scores.iter().find(|s| &s.name == name) {
                    for rule in &score.rules {
                        reads.extend(refs_of_rule(rule, row));
                    }
                }
                reads.into_iter().collect()
            }
        };
        for r in &reads {
            self.visit(r, seen, order, row);
        }
        order.push(named.clone());
    }
}

/// `JOIN` lines for the segments and scores an expression reads (one row
/// per customer each).
fn joins(reads: &[Named]) -> String {
    let mut out = String::new();
    let mut done = BTreeSet::new();
    for r in reads {
        if !done.insert(r.clone()) {
            continue;
        }
        let cte = match r {
            Named::Segment(n) => segment_cte(n),
            Named::Score(n) => score_cte(n),
        };
        out.push_str(&format!(
            "JOIN {cte} ON {cte}.customer_id = c.customer_id\n"
        ));
    }
    out
}

/// What the customer row (`customer_cte`) must hold for a query: the
/// attributes it reads, and how far back (days, seconds) each `now - D` it
/// compares with lies: where each `within D` window starts, and each
/// `now - D` or `now + D` of a constant duration (`expr::shift_of`).
#[derive(Default)]
struct RowColumns {
    attrs: BTreeSet<String>,
    shifts: BTreeSet<(i64, i64)>,
}

impl RowColumns {
    /// Where the `within` window of `q` starts.
    fn window(&mut self, q: &EventQuery) {
        if let (Some(d), false) = (q.within, q.since_entry) {
            self.shifts.insert((d.days, d.seconds));
        }
    }
}

/// The segments and scores an expression reads directly (in order of
/// appearance, once each); collects what it needs of the customer row into
/// `row`.
fn refs_of_expr(e: &Expr, row: &mut RowColumns) -> Vec<Named> {
    let mut out = Vec::new();
    e.walk(&mut |e| match e {
        Expr::Segment { name } => {
            let n = Named::Segment(name.clone());
            if !out.contains(&n) {
                out.push(n);
            }
        }
        Expr::Score { name } => {
            let n = Named::Score(name.clone());
            if !out.contains(&n) {
                out.push(n);
            }
        }
        Expr::Attr { name, .. } => {
            row.attrs.insert(name.clone());
        }
        Expr::Arith { kind, lhs, rhs } => {
            if let Some(d) = expr::shift_of(*kind, lhs, rhs) {
                row.shifts.insert((d.days, d.seconds));
            }
        }
        _ => row.window(&EventQuery::of(e)),
    });
    out
}

fn refs_of_rule(rule: &ScoreRule, row: &mut RowColumns) -> Vec<Named> {
    match rule {
        ScoreRule::PerEvent { .. } => {
            let q = EventQuery::of_rule(rule);
            row.window(&q);
            q.filter.map(|f| refs_of_expr(f, row)).unwrap_or_default()
        }
        ScoreRule::If { when, .. } => refs_of_expr(when, row),
    }
}

/// A line of user text as a SQL comment line (control characters escaped,
/// so nothing the user wrote can end the comment).
fn comment_line(line: &str) -> String {
    let line = crate::text::escape_control(line);
    if line.trim().is_empty() {
        "--\n".to_string()
    } else {
        format!("-- {}\n", line.trim_end())
    }
}
