//! A [`Report`] as a text summary, a JSON document and CSV rows
//! (docs/forecast.md describes all three). Everything is in the report's
//! order (campaigns as asked, then sorted keys), so output is
//! byte-identical on every run.

use serde_json::json;

use super::{CampaignReport, Report};
use crate::duration::Duration;

/// Elapsed seconds in the duration notation, a day counted as 24 hours.
fn elapsed(seconds: i64) -> String {
    Duration::new(seconds / 86_400, seconds % 86_400).to_string()
}

/// A table with left-aligned columns.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut line = |cells: Vec<String>| {
        let mut text = String::from("    ");
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(&format!("{cell:<w$}"));
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(row.clone());
    }
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// The summary printed by default.
pub fn to_text(report: &Report) -> String {
    let mut out = format!(
        "forecast {} to {} (UTC days): {} customer{}, {} event{}\n",
        report.period.from,
        report.period.to,
        report.customers,
        if report.customers == 1 { "" } else { "s" },
        report.events,
        if report.events == 1 { "" } else { "s" },
    );
    for (name, c) in &report.campaigns {
        let entries = c.total_entries();
        out.push_str(&format!(
            "\ncampaign {name}\n  entries {entries}, sends {}, conversions {} ({} of entries)\n",
            c.total_sends(),
            c.conversions(),
            percent(c.conversions(), entries)
        ));
        if !c.outcomes.is_empty() {
            let outcomes: Vec<String> =
                c.outcomes.iter().map(|(o, n)| format!("{o} {n}")).collect();
            out.push_str(&format!("  outcomes: {}\n", outcomes.join(", ")));
        }
        if c.errors > 0 {
            out.push_str(&format!(
                "  errors: {} (sends that could not be rendered, values that could not be computed)\n",
                c.errors
            ));
        }
        if !c.entries.is_empty() {
            out.push_str("  entries per day\n");
            let rows: Vec<Vec<String>> = c
                .entries
                .iter()
                .map(|(d, n)| vec![d.to_string(), n.to_string()])
                .collect();
            table(&mut out, &["day", "entries"], &rows);
        }
        if !c.sends.is_empty() {
            out.push_str("  sends per day\n");
            let rows: Vec<Vec<String>> = c
                .sends
                .iter()
                .map(|((d, m, ch, l), n)| {
                    vec![
                        d.to_string(),
                        m.clone(),
                        ch.clone(),
                        l.clone(),
                        n.to_string(),
                    ]
                })
                .collect();
            table(
                &mut out,
                &["day", "message", "channel", "locale", "sends"],
                &rows,
            );
        }
        reasons(&mut out, "skipped sends", "skipped", &c.skipped);
        reasons(&mut out, "deferred sends", "deferred", &c.deferred);
        if !c.steps.is_empty() {
            out.push_str("  time parked in each step (journeys entered in the period)\n");
            let names = report.steps.get(name);
            let rows: Vec<Vec<String>> = c
                .steps
                .iter()
                .map(|(node, t)| {
                    let what = names.and_then(|n| n.get(node)).cloned().unwrap_or_default();
                    let mean = t.seconds / t.visits.max(1) as i64;
                    vec![
                        node.clone(),
                        what,
                        t.visits.to_string(),
                        elapsed(t.seconds),
                        elapsed(mean),
                    ]
                })
                .collect();
            table(
                &mut out,
                &["node", "step", "visits", "total", "mean"],
                &rows,
            );
        }
    }
    out
}

fn reasons(
    out: &mut String,
    title: &str,
    column: &str,
    counts: &std::collections::BTreeMap<(String, String), u64>,
) {
    if counts.is_empty() {
        return;
    }
    out.push_str(&format!("  {title}\n"));
    let rows: Vec<Vec<String>> = counts
        .iter()
        .map(|((m, r), n)| vec![m.clone(), r.clone(), n.to_string()])
        .collect();
    table(out, &["message", "reason", column], &rows);
}

fn campaign_json(name: &str, c: &CampaignReport, report: &Report) -> serde_json::Value {
    let names = report.steps.get(name);
    json!({
        "campaign": name,
        "entries": c.total_entries(),
        "sends": c.total_sends(),
        "conversions": c.conversions(),
        "outcomes": c.outcomes,
        "errors": c.errors,
        "entries_per_day": c.entries.iter().map(|(d, n)| json!({ "day": d.to_string(), "entries": n })).collect::<Vec<_>>(),
        "sends_per_day": c.sends.iter().map(|((d, m, ch, l), n)| json!({
            "day": d.to_string(), "message": m, "channel": ch, "locale": l, "sends": n,
        })).collect::<Vec<_>>(),
        "skipped": c.skipped.iter().map(|((m, r), n)| json!({ "message": m, "reason": r, "skipped": n })).collect::<Vec<_>>(),
        "deferred": c.deferred.iter().map(|((m, r), n)| json!({ "message": m, "reason": r, "deferred": n })).collect::<Vec<_>>(),
        "steps": c.steps.iter().map(|(node, t)| json!({
            "node": node,
            "step": names.and_then(|n| n.get(node)),
            "visits": t.visits,
            "seconds": t.seconds,
        })).collect::<Vec<_>>(),
    })
}

/// The JSON document (`--format json`).
pub fn to_json(report: &Report) -> serde_json::Value {
    json!({
        "from": report.period.from.to_string(),
        "to": report.period.to.to_string(),
        "customers": report.customers,
        "events": report.events,
        "campaigns": report
            .campaigns
            .iter()
            .map(|(name, c)| campaign_json(name, c, report))
            .collect::<Vec<_>>(),
    })
}

/// The CSV columns (`--format csv`): one row per number.
pub const CSV_HEADER: [&str; 9] = [
    "campaign", "metric", "day", "message", "channel", "locale", "reason", "node", "value",
];

/// Every number of the report as a CSV row (`--format csv`), with a header.
pub fn to_csv(report: &Report) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<[String; 9]> = Vec::new();
    let row = |campaign: &str, metric: &str, cells: [&str; 6], value: String| {
        let [day, message, channel, locale, reason, node] = cells.map(str::to_string);
        [
            campaign.to_string(),
            metric.to_string(),
            day,
            message,
            channel,
            locale,
            reason,
            node,
            value,
        ]
    };
    for (name, c) in &report.campaigns {
        for (d, n) in &c.entries {
            rows.push(row(
                name,
                "entries",
                [&d.to_string(), "", "", "", "", ""],
                n.to_string(),
            ));
        }
        for ((d, m, ch, l), n) in &c.sends {
            rows.push(row(
                name,
                "sends",
                [&d.to_string(), m, ch, l, "", ""],
                n.to_string(),
            ));
        }
        for ((m, r), n) in &c.skipped {
            rows.push(row(name, "skipped", ["", m, "", "", r, ""], n.to_string()));
        }
        for ((m, r), n) in &c.deferred {
            rows.push(row(name, "deferred", ["", m, "", "", r, ""], n.to_string()));
        }
        for (o, n) in &c.outcomes {
            rows.push(row(name, "outcome", ["", "", "", "", o, ""], n.to_string()));
        }
        for (node, t) in &c.steps {
            rows.push(row(
                name,
                "step_visits",
                ["", "", "", "", "", node],
                t.visits.to_string(),
            ));
            rows.push(row(
                name,
                "step_seconds",
                ["", "", "", "", "", node],
                t.seconds.to_string(),
            ));
        }
        if c.errors > 0 {
            rows.push(row(
                name,
                "errors",
                ["", "", "", "", "", ""],
                c.errors.to_string(),
            ));
        }
    }
    let write = move || -> Result<Vec<u8>, csv::Error> {
        writer.write_record(CSV_HEADER)?;
        for r in &rows {
            writer.write_record(r)?;
        }
        writer.into_inner().map_err(|e| e.into_error().into())
    };
    String::from_utf8(write().unwrap_or_default()).unwrap_or_default()
}
