//! Forecasts past one machine: `forecast --partial` replays a part of the
//! customers and writes what it counted as a *partial*, one JSON line;
//! `forecast --merge` adds any number of partials up into the report a
//! single run over all the customers gives (docs/forecast.md, "Past one
//! machine").
//!
//! A partial holds every number of a [`Report`] — all of them sums over
//! customers (a step's time is kept as a total of seconds and a count of
//! visits, the mean is computed when printed) — so merging is adding, in
//! any grouping and any order. It also holds what must agree for the sum
//! to mean anything: the period, the campaigns in their order (the
//! project's `pressure` applies between them) and each campaign's plan
//! hash.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{CampaignReport, Period, Report, StepTime, Totals};

/// The `format` of a partial; a partial of another format (an older or
/// newer `campaignc`) is refused rather than misread.
pub const FORMAT: &str = "campaignc.forecast-partial/v1";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Partial {
    format: String,
    from: String,
    to: String,
    customers: u64,
    events: u64,
    campaigns: Vec<PartialCampaign>,
}

/// One campaign's numbers; every list is sorted, so the same counts give
/// the same bytes.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialCampaign {
    campaign: String,
    /// The plan's `hash`.
    plan: String,
    /// Node id → the step's short description.
    nodes: BTreeMap<String, String>,
    /// `[day, entries]`.
    entries: Vec<(String, u64)>,
    /// `[day, message, channel, locale, sends]`.
    sends: Vec<(String, String, String, String, u64)>,
    /// `[message, reason, skipped]`.
    skipped: Vec<(String, String, u64)>,
    /// `[message, reason, deferred]`.
    deferred: Vec<(String, String, u64)>,
    outcomes: BTreeMap<String, u64>,
    /// `[node, visits, seconds]`.
    steps: Vec<(String, u64, i64)>,
    errors: u64,
}

/// `report` as a partial: one line of JSON, newline included.
pub fn to_partial(report: &Report) -> String {
    let campaigns = report
        .campaigns
        .iter()
        .map(|(name, c)| PartialCampaign {
            campaign: name.clone(),
            plan: report.hashes.get(name).cloned().unwrap_or_default(),
            nodes: report.steps.get(name).cloned().unwrap_or_default(),
            entries: c.entries.iter().map(|(d, n)| (d.to_string(), *n)).collect(),
            sends: c
                .sends
                .iter()
                .map(|((d, m, ch, l), n)| (d.to_string(), m.clone(), ch.clone(), l.clone(), *n))
                .collect(),
            skipped: rows(&c.skipped),
            deferred: rows(&c.deferred),
            outcomes: c.outcomes.clone(),
            steps: c
                .steps
                .iter()
                .map(|(node, t)| (node.clone(), t.visits, t.seconds))
                .collect(),
            errors: c.errors,
        })
        .collect();
    let partial = Partial {
        format: FORMAT.into(),
        from: report.period.from.to_string(),
        to: report.period.to.to_string(),
        customers: report.customers,
        events: report.events,
        campaigns,
    };
    let mut line = serde_json::to_string(&partial).unwrap_or_default();
    line.push('\n');
    line
}

fn rows(counts: &BTreeMap<(String, String), u64>) -> Vec<(String, String, u64)> {
    counts
        .iter()
        .map(|((m, r), n)| (m.clone(), r.clone(), *n))
        .collect()
}

fn day(text: &str) -> Result<Date, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a day like 2026-03-01"))
}

/// The partials in `text` (JSON documents one after the other, usually
/// one per line, as `--partial` writes them and as a job that collects
/// the lines of many writes them). An error says which document is
/// wrong and why.
pub fn read_partials(text: &str) -> Result<Vec<Report>, String> {
    let mut reports = Vec::new();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    for (n, doc) in stream.enumerate() {
        let which = format!("partial {}", n + 1);
        let doc = doc.map_err(|e| format!("{which}: not JSON: {e}"))?;
        let format = doc.get("format").and_then(|f| f.as_str()).unwrap_or("");
        if format != FORMAT {
            return Err(format!(
                "{which}: not a forecast partial of this campaignc (its format is `{format}`, this one reads `{FORMAT}`): write it with this version's `forecast --partial`"
            ));
        }
        let partial: Partial = serde_json::from_value(doc).map_err(|e| format!("{which}: {e}"))?;
        reports.push(from_partial(partial).map_err(|e| format!("{which}: {e}"))?);
    }
    Ok(reports)
}

fn from_partial(p: Partial) -> Result<Report, String> {
    let period = Period {
        from: day(&p.from)?,
        to: day(&p.to)?,
    };
    let mut campaigns = Vec::new();
    let mut steps = BTreeMap::new();
    let mut hashes = BTreeMap::new();
    for c in p.campaigns {
        let mut report = CampaignReport::default();
        for (d, n) in c.entries {
            *report.entries.entry(day(&d)?).or_insert(0) += n;
        }
        for (d, m, ch, l, n) in c.sends {
            *report.sends.entry((day(&d)?, m, ch, l)).or_insert(0) += n;
        }
        for (m, r, n) in c.skipped {
            *report.skipped.entry((m, r)).or_insert(0) += n;
        }
        for (m, r, n) in c.deferred {
            *report.deferred.entry((m, r)).or_insert(0) += n;
        }
        report.outcomes = c.outcomes;
        for (node, visits, seconds) in c.steps {
            let t = report.steps.entry(node).or_insert(StepTime::default());
            t.visits += visits;
            t.seconds += seconds;
        }
        report.errors = c.errors;
        steps.insert(c.campaign.clone(), c.nodes);
        hashes.insert(c.campaign.clone(), c.plan);
        campaigns.push((c.campaign, report));
    }
    Ok(Report {
        period,
        customers: p.customers,
        events: p.events,
        campaigns,
        steps,
        hashes,
    })
}

/// The sum of `reports`: the report of all their customers. They must
/// agree on the period, the campaigns and their plans (an error says
/// where the first that does not differs); none is an error.
pub fn merge(reports: Vec<Report>) -> Result<Report, String> {
    let mut reports = reports.into_iter().enumerate();
    let Some((_, first)) = reports.next() else {
        return Err("there is no partial to merge".into());
    };
    let names =
        |r: &Report| -> Vec<String> { r.campaigns.iter().map(|(n, _)| n.clone()).collect() };
    let mut totals = Totals {
        customers: first.customers,
        events: first.events,
        campaigns: first.campaigns.iter().map(|(_, c)| c.clone()).collect(),
    };
    for (i, other) in reports {
        let which = format!("partial {}", i + 1);
        if other.period != first.period {
            return Err(format!(
                "{which} is of {} to {}, but partial 1 of {} to {}: merge partials of one period",
                other.period.from, other.period.to, first.period.from, first.period.to
            ));
        }
        if names(&other) != names(&first) {
            return Err(format!(
                "{which} replays the campaigns {}, but partial 1 replays {}: merge partials of the same campaigns",
                names(&other).join(", "),
                names(&first).join(", ")
            ));
        }
        if other.hashes != first.hashes {
            let differs = names(&first)
                .into_iter()
                .find(|n| other.hashes.get(n) != first.hashes.get(n))
                .unwrap_or_default();
            return Err(format!(
                "{which} was made from another version of campaign `{differs}` than partial 1 (their plan hashes differ): run every part on the same project"
            ));
        }
        totals = totals.merge(Totals {
            customers: other.customers,
            events: other.events,
            campaigns: other.campaigns.into_iter().map(|(_, c)| c).collect(),
        });
    }
    Ok(Report {
        period: first.period,
        customers: totals.customers,
        events: totals.events,
        campaigns: names(&first).into_iter().zip(totals.campaigns).collect(),
        steps: first.steps,
        hashes: first.hashes,
    })
}
