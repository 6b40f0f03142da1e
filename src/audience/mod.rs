//! `campaignc audience`: who a segment, score or campaign audience reaches
//! in the customer data, evaluated where the data lives (docs/audience.md).
//!
//! The audience itself is one SQL query (columns `customer_id`, and
//! `score` for a score); this module wraps it as `WITH audience AS (…)`
//! and asks the database for the count, the share of all customers, the
//! breakdown by locale and by consent, and ten sample ids. The tables are
//! the conventional layout of docs/population.md; [`postgres`] connects to
//! a server and loads population files into it.

pub mod postgres;

use std::fmt::Write as _;

use serde::Serialize;

use crate::check::model::{Channel, Model, Type};
use crate::plan::lower::attr_of_type;
use crate::sql::Dialect;

/// What NAME is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Segment,
    Score,
    Campaign,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Segment => "segment",
            Kind::Score => "score",
            Kind::Campaign => "campaign",
        }
    }
}

/// Finds NAME among the segments, scores and campaigns; an unknown name
/// is an error with a "did you mean".
pub fn find(model: &Model, name: &str) -> Result<Kind, String> {
    if model.segments.iter().any(|s| s.name == name) {
        return Ok(Kind::Segment);
    }
    if model.scores.iter().any(|s| s.name == name) {
        return Ok(Kind::Score);
    }
    if model.campaigns.iter().any(|c| c.name == name) {
        return Ok(Kind::Campaign);
    }
    let names = model
        .segments
        .iter()
        .map(|s| s.name.as_str())
        .chain(model.scores.iter().map(|s| s.name.as_str()))
        .chain(model.campaigns.iter().map(|c| c.name.as_str()));
    let hint = crate::check::resolve::suggest::closest(name, names)
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default();
    Err(format!(
        "no segment, score or campaign is named `{name}`{hint}"
    ))
}

/// Where the breakdown reads, through the project's warehouse mapping:
/// the customers table and its key, the locale column (with the default
/// for an unset one) and the consent column of each channel. Table and
/// column names are SQL text, quoted as needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pub customers: String,
    pub key: String,
    pub locale: Option<String>,
    pub default_locale: String,
    /// (channel, its `consent(…)` attribute, that attribute's column).
    pub consent: Vec<(String, Option<(String, String)>)>,
}

impl Columns {
    /// For a campaign, the channels it sends on; for a segment or a score,
    /// every channel the schema has a consent attribute for; by channel name.
    pub fn of(
        model: &Model,
        sources: &crate::source::SourceMap,
        name: &str,
        kind: Kind,
    ) -> Columns {
        let warehouse = &model.warehouse;
        let column = |attr: &str| (attr.to_string(), SQL.ident(warehouse.column(attr)));
        let mut consent: Vec<(String, Option<(String, String)>)> =
            match (kind, model.campaigns.iter().position(|c| c.name == name)) {
                (Kind::Campaign, Some(i)) => {
                    let plan = crate::plan::lower(
                        model,
                        sources,
                        crate::check::model::CampaignId(i as u32),
                    );
                    plan.customer
                        .channels
                        .into_iter()
                        .map(|(channel, facts)| (channel, facts.consent.as_deref().map(column)))
                        .collect()
                }
                _ => Channel::ALL
                    .iter()
                    .filter_map(|&c| {
                        let attr = model.consent_attr(c)?;
                        Some((c.as_str().to_string(), Some(column(&model.attr(attr).name))))
                    })
                    .collect(),
            };
        consent.sort();
        let locale = attr_of_type(model, &Type::Locale, "locale")
            .map(|attr| warehouse.column(&attr).to_string())
            .or_else(|| warehouse.locale.clone());
        Columns {
            customers: SQL.table(&warehouse.customers),
            key: SQL.ident(&warehouse.customer_key),
            locale: locale.map(|c| SQL.ident(&c)),
            default_locale: model.defaults.locale.clone(),
            consent,
        }
    }
}

/// The dialect of the breakdown queries (PostgreSQL, for now the one
/// engine `audience` runs on).
const SQL: Dialect = Dialect::Postgres;

/// The SQL text of an identifier (a column named like an attribute).
pub fn ident(name: &str) -> String {
    SQL.ident(name)
}

/// The SQL text of a string literal.
pub fn literal(text: &str) -> String {
    SQL.string(text)
}

/// The breakdown queries over `audience_sql`, in the order [`Report`]
/// reads their results: total customers; count (and score summary);
/// count by locale; consent counts; the ten smallest ids.
pub fn breakdown_queries(audience_sql: &str, columns: &Columns, kind: Kind) -> Vec<String> {
    let audience = format!(
        "WITH audience AS (\n{}\n)\n",
        audience_sql.trim().trim_end_matches(';')
    );
    // A score's query lists every customer with a score; members are the
    // rows whose score is not null.
    let members = if kind == Kind::Score {
        "(SELECT * FROM audience WHERE score IS NOT NULL) AS a"
    } else {
        "audience AS a"
    };
    let locale = match &columns.locale {
        Some(column) => format!(
            "COALESCE(c.{column}::text, {})",
            literal(&columns.default_locale)
        ),
        None => literal(&columns.default_locale),
    };
    let mut consent = String::from("SELECT count(*)");
    for (_, attr) in &columns.consent {
        match attr {
            Some((_, column)) => {
                let _ = write!(consent, ", count(*) FILTER (WHERE c.{column} IS TRUE)");
            }
            None => consent.push_str(", count(*)"),
        }
    }
    let summary = if kind == Kind::Score {
        "SELECT count(*), min(score)::text, avg(score)::numeric(20,2)::text, max(score)::text"
    } else {
        "SELECT count(DISTINCT customer_id), NULL::text, NULL::text, NULL::text"
    };
    let customers = &columns.customers;
    let join = format!("JOIN {customers} AS c ON c.{} = a.customer_id", columns.key);
    vec![
        format!("SELECT count(*) FROM {customers}"),
        format!("{audience}{summary} FROM {members}"),
        format!(
            "{audience}SELECT {locale} AS locale, count(*) FROM {members} {join} GROUP BY 1 ORDER BY count(*) DESC, {locale} COLLATE \"C\""
        ),
        format!("{audience}{consent} FROM {members} {join}"),
        format!(
            "{audience}SELECT DISTINCT customer_id COLLATE \"C\" FROM {members} ORDER BY 1 LIMIT 10"
        ),
    ]
}

/// Who an audience reaches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub name: String,
    pub kind: Kind,
    /// The evaluation time (`now` in the expressions).
    pub now: String,
    /// All customers in the table.
    pub customers: u64,
    /// Customers in the audience (for a score: with a score).
    pub count: u64,
    /// `count / customers`, 0 when there are none.
    pub share: f64,
    /// For a score: the smallest, average and largest score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreSummary>,
    pub by_locale: Vec<LocaleCount>,
    pub consent: Vec<ConsentCount>,
    /// The ten smallest customer ids (byte order).
    pub sample: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreSummary {
    pub min: String,
    pub avg: String,
    pub max: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocaleCount {
    pub locale: String,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsentCount {
    pub channel: String,
    /// The `consent(…)` attribute; `null` when the schema has none for the
    /// channel (then every member counts, as for transactional sends).
    pub attribute: Option<String>,
    pub granted: u64,
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "0%".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// `12,403`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl Report {
    /// The report for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} `{}` at {}: {} of {} customers ({})",
            self.kind.as_str(),
            self.name,
            self.now,
            thousands(self.count),
            thousands(self.customers),
            percent(self.count, self.customers)
        );
        if let Some(s) = &self.score {
            let _ = writeln!(
                out,
                "score: min {}, average {}, max {}",
                s.min, s.avg, s.max
            );
        }
        let width = |items: &mut dyn Iterator<Item = usize>| items.max().unwrap_or(0);
        let w = width(&mut self.by_locale.iter().map(|l| l.locale.chars().count()));
        let n = width(&mut self.by_locale.iter().map(|l| thousands(l.count).len()));
        out.push_str("\nby locale (share of the audience):\n");
        for l in &self.by_locale {
            let _ = writeln!(
                out,
                "  {:<w$}  {:>n$}  {:>6}",
                l.locale,
                thousands(l.count),
                percent(l.count, self.count)
            );
        }
        if !self.consent.is_empty() {
            let labels: Vec<String> = self
                .consent
                .iter()
                .map(|c| match &c.attribute {
                    Some(a) => format!("{} ({a})", c.channel),
                    None => format!("{} (no consent attribute)", c.channel),
                })
                .collect();
            let w = width(&mut labels.iter().map(|l| l.chars().count()));
            let n = width(&mut self.consent.iter().map(|c| thousands(c.granted).len()));
            out.push_str("\nconsent (share of the audience):\n");
            for (c, label) in self.consent.iter().zip(&labels) {
                let _ = writeln!(
                    out,
                    "  {label:<w$}  {:>n$}  {:>6}",
                    thousands(c.granted),
                    percent(c.granted, self.count)
                );
            }
        }
        let _ = writeln!(
            out,
            "\nsample (the {} smallest ids): {}",
            self.sample.len(),
            self.sample.join(", ")
        );
        out
    }

    /// The report as one JSON document.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_403), "12,403");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn identifiers_and_literals_are_quoted() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("it's"), "'it''s'");
    }
}
