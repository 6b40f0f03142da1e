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
//!   customer AS (…),        -- one row per customer: id, the attributes read, tz, now,
//!                           -- where each `within` window starts (once per customer)
//!   score_x AS (…),         -- each segment and score it uses, once,
//!   segment_y AS (…),       --   after the ones it reads
//!   segment_z AS (…)        -- the one asked for
//! SELECT customer_id FROM segment_z WHERE member ORDER BY customer_id
//! ```
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
use expr::{score_cte, segment_cte, Compiler, EventQuery};

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
    dialect: Dialect,
}

impl Query {
    /// The query with the evaluation time bound: the parameter marker
    /// replaced by a timestamp literal of the dialect.
    pub fn with_now(&self, now: jiff::Timestamp) -> String {
        let marker = self.now_cast(self.dialect.now_marker());
        let literal = self.now_cast(&self.dialect.timestamp(&now.to_string()));
        self.sql.replacen(&marker, &literal, 1)
    }

    fn now_cast(&self, what: &str) -> String {
        format!(
            "SELECT CAST({what} AS {}) AS now",
            self.dialect.timestamp_type()
        )
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
        let c = Compiler {
            dialect: d,
            warehouse: self.warehouse(),
            customer: "c".into(),
        };
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
            "WITH params AS (\n  {}\n),\n",
            format_args!(
                "SELECT CAST({} AS {}) AS now",
                d.now_marker(),
                d.timestamp_type()
            )
        ));
        sql.push_str(&self.customer_cte(&row));
        for named in &order {
            sql.push_str(",\n");
            sql.push_str(&self.definition_cte(&c, named));
        }
        match &target {
            Target::Segment(s) => {
                sql.push_str(&format!(
                    "\nSELECT customer_id\nFROM {}\nWHERE member\nORDER BY customer_id\n",
                    segment_cte(&s.name)
                ));
            }
            Target::Score(s) => {
                sql.push_str(&format!(
                    "\nSELECT customer_id, score\nFROM {}\nORDER BY customer_id\n",
                    score_cte(&s.name)
                ));
            }
            Target::Audience(e) => {
                let reads = e
                    .map(|e| refs_of_expr(e, &mut RowColumns::default()))
                    .unwrap_or_default();
                let cond = match e {
                    Some(e) => c.cond(e, None, 1),
                    None => "TRUE".into(),
                };
                sql.push_str(&format!(
                    "\nSELECT c.customer_id\nFROM customer AS c\n{}WHERE {cond}\nORDER BY c.customer_id\n",
                    joins(&reads)
                ));
            }
        }
        Query {
            name: name.to_string(),
            kind,
            source: location,
            sql,
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
    /// time zone, `now`, and where each of the query's `within` windows
    /// starts, computed here once per customer rather than for every event
    /// a subquery looks at.
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
        cols.push(match zone {
            Some(col) => format!("COALESCE(k.{}, {default}) AS tz", d.ident(&col)),
            None => format!("{default} AS tz"),
        });
        cols.push("params.now AS now".into());
        let table = d.table(&w.customers);
        if row.windows.is_empty() {
            return format!(
                "customer AS (\n  SELECT\n    {}\n  FROM {table} AS k\n  CROSS JOIN params\n)",
                cols.join(",\n    "),
            );
        }
        // The windows read the row's `tz` and `now`: a select around it.
        let starts: Vec<String> = row
            .windows
            .iter()
            .map(|&(days, seconds)| {
                let dur = Duration::new(days, seconds);
                format!(
                    "{} AS {}",
                    expr::window_start(d, "b.now", "b.tz", dur),
                    d.ident(&expr::window_start_column(dur))
                )
            })
            .collect();
        format!(
            "customer AS (\n  SELECT\n    b.*,\n    {}\n  FROM (\n    SELECT\n      {}\n    FROM {table} AS k\n    CROSS JOIN params\n  ) AS b\n)",
            starts.join(",\n    "),
            cols.join(",\n      "),
        )
    }

    fn definition_cte(&self, c: &Compiler, named: &Named) -> String {
        match named {
            Named::Segment(name) => {
                let Some(seg) = self.segments.iter().find(|s| &s.name == name) else {
                    return String::new();
                };
                let reads = refs_of_expr(&seg.expr, &mut RowColumns::default());
                format!(
                    "{} AS (\n  SELECT\n    c.customer_id,\n    {} AS member\n  FROM customer AS c\n{}\n)",
                    segment_cte(name),
                    c.cond(&seg.expr, None, 3),
                    joins(&reads).trim_end().lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
                )
                .replace("\n\n)", "\n)")
            }
            Named::Score(name) => {
                let Some(score) = self.scores.iter().find(|s| &s.name == name) else {
                    return String::new();
                };
                let mut reads = BTreeSet::new();
                let mut terms = Vec::new();
                for rule in &score.rules {
                    for n in refs_of_rule(rule, &mut RowColumns::default()) {
                        reads.insert(n);
                    }
                    terms.push(self.rule_sql(c, rule));
                }
                let total = if terms.is_empty() {
                    "0".to_string()
                } else {
                    terms.join("\n    + ")
                };
                let reads: Vec<Named> = reads.into_iter().collect();
                format!(
                    "{} AS (\n  SELECT\n    c.customer_id,\n    {total} AS score\n  FROM customer AS c\n{}\n)",
                    score_cte(name),
                    joins(&reads).trim_end().lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
                )
                .replace("\n\n)", "\n)")
            }
        }
    }

    /// One rule's points for a customer.
    fn rule_sql(&self, c: &Compiler, rule: &ScoreRule) -> String {
        match rule {
            ScoreRule::PerEvent {
                points,
                event,
                filter,
                within,
                since_entry,
                max,
            } => {
                let q = EventQuery {
                    event,
                    filter: filter.as_ref(),
                    within: *within,
                    since_entry: *since_entry,
                };
                let count = c.subquery(&q, &|_| "COUNT(*)".into(), None, 2);
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
/// attributes it reads, and the `within` durations (days, seconds) of its
/// event queries, whose start is a column of the row.
#[derive(Default)]
struct RowColumns {
    attrs: BTreeSet<String>,
    windows: BTreeSet<(i64, i64)>,
}

impl RowColumns {
    fn window(&mut self, within: Option<Duration>, since_entry: bool) {
        if let (Some(d), false) = (within, since_entry) {
            self.windows.insert((d.days, d.seconds));
        }
    }
}

/// The segments and scores an expression reads directly (in order of
/// appearance, once each); collects what it needs of the customer row into
/// `row`.
fn refs_of_expr(e: &Expr, row: &mut RowColumns) -> Vec<Named> {
    let mut out = Vec::new();
    walk(e, &mut |e| match e {
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
        _ => {
            let q = EventQuery::of(e);
            row.window(q.within, q.since_entry);
        }
    });
    out
}

fn refs_of_rule(rule: &ScoreRule, row: &mut RowColumns) -> Vec<Named> {
    match rule {
        ScoreRule::PerEvent {
            filter,
            within,
            since_entry,
            ..
        } => {
            row.window(*within, *since_entry);
            filter
                .as_ref()
                .map(|f| refs_of_expr(f, row))
                .unwrap_or_default()
        }
        ScoreRule::If { when, .. } => refs_of_expr(when, row),
    }
}

/// Calls `f` on `e` and every expression inside it.
fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match e {
        Expr::And { args } | Expr::Or { args } => args.iter().for_each(|a| walk(a, f)),
        Expr::Not { arg } | Expr::IsSet { arg, .. } => walk(arg, f),
        Expr::Compare { lhs, rhs, .. }
        | Expr::StringOp { lhs, rhs, .. }
        | Expr::Arith { lhs, rhs, .. } => {
            walk(lhs, f);
            walk(rhs, f);
        }
        Expr::In { lhs, items, .. } => {
            walk(lhs, f);
            items.iter().for_each(|i| walk(i, f));
        }
        Expr::Performed { filter, .. } | Expr::Count { filter, .. } | Expr::Sum { filter, .. } => {
            if let Some(x) = filter {
                walk(x, f);
            }
        }
        Expr::Literal { .. }
        | Expr::Attr { .. }
        | Expr::EventField { .. }
        | Expr::Segment { .. }
        | Expr::Score { .. }
        | Expr::Now
        | Expr::Last { .. } => {}
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
