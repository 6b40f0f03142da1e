//! `campaignc diff`: what a change to a project does, as Markdown for a
//! pull request comment. It compares the execution plans of the two
//! projects (the plan is what a sending system runs, so a change that does
//! not reach the plan — a comment, a reformat — is no change):
//!
//! - campaigns added and removed, each with its facts;
//! - per changed campaign: its facts (trigger, audience, goal, exit,
//!   policies, locales) in words, flow steps added, removed or changed in
//!   words ([`flow`]), message changes with a unified diff of the template
//!   sources per locale ([`messages`]), and where the customers parked in
//!   it go ([`in_flight`]);
//! - segments and scores whose definition changed, with the campaigns that
//!   use them;
//! - the head's test results and the coverage cells (stage × channel) the
//!   change empties or fills.
//!
//! The report never exceeds GitHub's comment limit ([`COMMENT_LIMIT`]):
//! a longer one is cut at a line with a notice naming the command that
//! prints it whole. Output is deterministic: every collection is walked in
//! sorted order.

mod flow;
pub mod in_flight;
mod markdown;
mod messages;
pub mod words;

use std::collections::{BTreeMap, BTreeSet};

use markdown::code;

pub use in_flight::InFlight;

use crate::plan::format::Plan;

/// GitHub's limit on the length of a pull request comment, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// What `campaignc diff` knows besides the two projects' plans.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    /// The head's test results; `None` when they were not run.
    pub head_tests: Option<HeadTests>,
    /// Customers parked per campaign and base node (`--in-flight`).
    pub in_flight: Option<InFlight>,
    /// The command that prints the whole report, named in the notice when
    /// the report is cut to [`COMMENT_LIMIT`].
    pub full_command: String,
    /// The longest report, in characters ([`COMMENT_LIMIT`] by default).
    pub limit: Option<usize>,
    /// The audience sizes of the changed campaigns and segments in the
    /// customer data (`--customers/--events`, `--duckdb`, `--db`),
    /// counted by the caller: the diff sits below the engines.
    pub audience_sizes: Option<AudienceSizes>,
}

/// How many customers the changed campaigns and segments reach before and
/// after the change, by name (see [`changed_names`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AudienceSizes {
    pub campaigns: BTreeMap<String, Size>,
    pub segments: BTreeMap<String, Size>,
}

/// An audience's size in the base and in the head; `None` where the
/// campaign or segment does not exist.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Size {
    pub before: Option<u64>,
    pub after: Option<u64>,
}

impl Size {
    /// `12,403 → 31,877 customers, +157%`, or `1,234 customers` for one
    /// side.
    pub fn words(&self) -> Option<String> {
        let n = |n: u64| crate::text::thousands(n);
        Some(match (self.before, self.after) {
            (Some(b), Some(a)) => {
                let change = if b == a {
                    "no change".to_string()
                } else if b == 0 {
                    "from none".to_string()
                } else {
                    format!("{:+.0}%", (a as f64 - b as f64) * 100.0 / b as f64)
                };
                format!("{} → {} customers, {change}", n(b), n(a))
            }
            (None, Some(one)) | (Some(one), None) => format!("{} customers", n(one)),
            (None, None) => return None,
        })
    }
}

/// The campaigns (added, removed or changed) and the segments (definition
/// changed) the report describes: the ones whose audience sizes it shows.
pub fn changed_names(base: &[Plan], head: &[Plan]) -> (Vec<String>, Vec<String>) {
    let base: BTreeMap<&str, &Plan> = base.iter().map(|p| (p.campaign.as_str(), p)).collect();
    let head: BTreeMap<&str, &Plan> = head.iter().map(|p| (p.campaign.as_str(), p)).collect();
    let campaigns: BTreeSet<String> = base
        .keys()
        .chain(head.keys())
        .filter(|name| match (base.get(*name), head.get(*name)) {
            (Some(old), Some(new)) => essence(old) != essence(new),
            _ => true,
        })
        .map(|name| name.to_string())
        .collect();
    let (old, new) = (segment_exprs(&base), segment_exprs(&head));
    let segments = new
        .iter()
        .filter(|(name, expr)| old.get(*name).is_some_and(|o| o != *expr))
        .map(|(name, _)| name.clone())
        .collect();
    (campaigns.into_iter().collect(), segments)
}

/// Every segment the plans use, by name, with its definition in words.
fn segment_exprs(plans: &BTreeMap<&str, &Plan>) -> BTreeMap<String, String> {
    plans
        .values()
        .flat_map(|p| &p.segments)
        .map(|s| (s.name.clone(), words::expr(&s.expr)))
        .collect()
}

/// The line of a campaign's or segment's audience size, when counted.
fn size_line(sizes: Option<&AudienceSizes>, campaign: bool, name: &str, indent: &str) -> String {
    let size = sizes.and_then(|s| {
        if campaign {
            s.campaigns.get(name)
        } else {
            s.segments.get(name)
        }
    });
    match size.and_then(Size::words) {
        Some(words) => format!("{indent}- audience size: {words}\n"),
        None => String::new(),
    }
}

/// The head project's tests, as `campaignc diff` ran them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeadTests {
    /// How many tests ran and passed.
    pub passed: usize,
    /// The tests that ran and failed: (name, `file:line`).
    pub failed: Vec<(String, String)>,
    /// Why no test could run (the tests themselves have errors), if so.
    pub not_run: Option<String>,
}

/// The Markdown report of how the plans `base` became the plans `head`.
/// `"No changes to campaigns.\n"` when nothing a sending system sees
/// changed.
pub fn diff_plans(base: &[Plan], head: &[Plan]) -> String {
    diff_report(base, head, &Extras::default())
}

/// [`diff_plans`] with the head's tests, the in-flight counts, and the
/// report cut to the comment limit.
pub fn diff_report(base: &[Plan], head: &[Plan], extras: &Extras) -> String {
    let mut text = campaign_changes(base, head, extras);
    let tests = tests_section(extras.head_tests.as_ref());
    if !tests.is_empty() {
        text.push('\n');
        text.push_str(&tests);
    }
    let limit = extras.limit.unwrap_or(COMMENT_LIMIT);
    truncate(text, limit, &extras.full_command)
}

const NO_CHANGES: &str = "No changes to campaigns.\n";

fn tests_section(tests: Option<&HeadTests>) -> String {
    let Some(tests) = tests else {
        return String::new();
    };
    let mut out = String::from("## Tests of the head\n\n");
    if let Some(why) = &tests.not_run {
        out.push_str(&format!(
            "The head's tests did not run: {why}. Its plans compile, so the changes above are complete.\n"
        ));
        return out;
    }
    if tests.failed.is_empty() {
        out.push_str(&format!(
            "All {} test{} pass.\n",
            tests.passed,
            if tests.passed == 1 { "" } else { "s" }
        ));
        return out;
    }
    out.push_str(&format!(
        "{} failed, {} passed:\n\n",
        tests.failed.len(),
        tests.passed
    ));
    for (name, location) in &tests.failed {
        out.push_str(&format!("- fails: {} ({location})\n", code(name)));
    }
    out
}

/// `text` cut at a line boundary so that it and the notice fit in `limit`
/// characters.
fn truncate(text: String, limit: usize, command: &str) -> String {
    if text.chars().count() <= limit {
        return text;
    }
    let command = if command.is_empty() {
        "campaignc diff BASE HEAD".to_string()
    } else {
        command.to_string()
    };
    let notice = format!(
        "\n---\n\n**This report was cut to fit the {limit}-character limit of a comment.** \
         Run {} to see all of it.\n",
        code(&command)
    );
    let room = limit.saturating_sub(notice.chars().count());
    let mut kept = String::new();
    let mut used = 0;
    let mut open_fence: Option<String> = None;
    let mut open_details = 0usize;
    for line in text.split_inclusive('\n') {
        let n = line.chars().count();
        // Room to close a fence and `<details>` left open by the cut.
        let closing = open_fence.as_ref().map_or(0, |f| f.len() + 1) + open_details * 11;
        if used + n + closing > room {
            break;
        }
        let trimmed = line.trim_end();
        if trimmed.starts_with("```") {
            let ticks: String = trimmed.chars().take_while(|c| *c == '`').collect();
            match &open_fence {
                Some(f) if *f == ticks && trimmed == ticks => open_fence = None,
                None => open_fence = Some(ticks),
                _ => {}
            }
        } else if open_fence.is_none() {
            if trimmed.starts_with("<details>") {
                open_details += 1;
            } else if trimmed.starts_with("</details>") {
                open_details = open_details.saturating_sub(1);
            }
        }
        kept.push_str(line);
        used += n;
    }
    if let Some(fence) = open_fence {
        kept.push_str(&fence);
        kept.push('\n');
    }
    for _ in 0..open_details {
        kept.push_str("</details>\n");
    }
    kept.push_str(&notice);
    kept
}

fn campaign_changes(base: &[Plan], head: &[Plan], extras: &Extras) -> String {
    let base: BTreeMap<&str, &Plan> = base.iter().map(|p| (p.campaign.as_str(), p)).collect();
    let head: BTreeMap<&str, &Plan> = head.iter().map(|p| (p.campaign.as_str(), p)).collect();
    let mut blocks = Vec::new();
    let sizes = extras.audience_sizes.as_ref();
    for (name, plan) in &head {
        if !base.contains_key(name) {
            blocks.push(facts_of("New campaign", plan, sizes));
        }
    }
    let in_flight = extras.in_flight.as_ref();
    for (name, plan) in &base {
        if !head.contains_key(name) {
            let mut block = facts_of("Removed campaign", plan, sizes);
            block.push_str(&in_flight::in_flight_section(plan, None, in_flight));
            blocks.push(block);
        }
    }
    for (name, new) in &head {
        if let Some(old) = base.get(name) {
            if essence(old) != essence(new) {
                blocks.push(changed(old, new, in_flight, sizes));
            }
        }
    }
    blocks.push(definitions(&base, &head, sizes));
    blocks.push(coverage_changes(&base, &head));
    blocks.retain(|b| !b.trim().is_empty());
    if blocks.is_empty() {
        return NO_CHANGES.to_string();
    }
    blocks.insert(0, "## Campaign changes".to_string());
    let blocks: Vec<&str> = blocks.iter().map(|b| b.trim_end()).collect();
    format!("{}\n", blocks.join("\n\n"))
}

/// The plan as JSON without what moves when unrelated lines are edited
/// (source lines, the digest): exactly what the plan `hash` covers.
fn essence(plan: &Plan) -> serde_json::Value {
    crate::plan::lower::plan_meaning(plan).unwrap_or_default()
}

/// The cells of the coverage report (stage × channel) with at least one
/// campaign, each with the campaigns in it.
fn coverage_cells(plans: &BTreeMap<&str, &Plan>) -> BTreeMap<(String, &'static str), Vec<String>> {
    let mut cells: BTreeMap<(String, &'static str), Vec<String>> = BTreeMap::new();
    for plan in plans.values() {
        let channels: BTreeSet<&'static str> = plan
            .messages
            .values()
            .map(|m| words::channel_name(m.channel))
            .collect();
        for channel in channels {
            cells
                .entry((plan.stage.clone(), channel))
                .or_default()
                .push(plan.campaign.clone());
        }
    }
    cells
}

/// The coverage cells the change empties or fills.
fn coverage_changes(base: &BTreeMap<&str, &Plan>, head: &BTreeMap<&str, &Plan>) -> String {
    let (before, after) = (coverage_cells(base), coverage_cells(head));
    let mut out = String::new();
    for ((stage, channel), campaigns) in &before {
        if !after.contains_key(&(stage.clone(), *channel)) {
            let names: Vec<String> = campaigns.iter().map(|c| code(c)).collect();
            out.push_str(&format!(
                "- emptied: no campaign reaches {} customers by {channel} any more (was {})\n",
                code(stage),
                names.join(", ")
            ));
        }
    }
    for ((stage, channel), campaigns) in &after {
        if !before.contains_key(&(stage.clone(), *channel)) {
            let names: Vec<String> = campaigns.iter().map(|c| code(c)).collect();
            out.push_str(&format!(
                "- filled: {} customers are now reached by {channel} (by {})\n",
                code(stage),
                names.join(", ")
            ));
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("### Coverage (stage × channel)\n\n{out}")
    }
}

/// The facts of a whole campaign, for one that is added or removed.
fn facts_of(heading: &str, plan: &Plan, sizes: Option<&AudienceSizes>) -> String {
    let mut out = format!("### {heading} {}\n\n", code(&plan.campaign));
    if let Some(doc) = &plan.doc {
        out.push_str(&format!("> {}\n\n", doc.replace('\n', "\n> ")));
    }
    out.push_str(&format!("- stage: {}\n", plan.stage));
    out.push_str(&format!(
        "- trigger: {}\n",
        code(&words::trigger(&plan.trigger))
    ));
    out.push_str(&format!("- audience: {}\n", optional(&plan.audience)));
    out.push_str(&size_line(sizes, true, &plan.campaign, ""));
    out.push_str(&format!("- goal: {}\n", optional(&plan.goal)));
    out.push_str(&format!("- locales: {}\n", plan.locales.join(", ")));
    let sends: Vec<String> = plan
        .messages
        .iter()
        .map(|(m, def)| format!("{} ({})", code(m), words::channel_name(def.channel)))
        .collect();
    out.push_str(&format!(
        "- flow: {} step{}, sends {}\n\n",
        plan.nodes.len(),
        if plan.nodes.len() == 1 { "" } else { "s" },
        if sends.is_empty() {
            "nothing".to_string()
        } else {
            sends.join(", ")
        }
    ));
    out
}

fn optional(expr: &Option<crate::plan::format::Expr>) -> String {
    expr.as_ref()
        .map_or("(none)".to_string(), |e| code(&words::expr(e)))
}

fn changed(
    old: &Plan,
    new: &Plan,
    in_flight: Option<&InFlight>,
    sizes: Option<&AudienceSizes>,
) -> String {
    let mut parts = vec![format!("### Changed campaign {}", code(&new.campaign))];
    let mut facts = facts(old, new);
    facts.push_str(&size_line(sizes, true, &new.campaign, ""));
    if !facts.is_empty() {
        parts.push(facts);
    }
    let flow = flow::flow_changes(old, new);
    if !flow.is_empty() {
        parts.push(format!("**Flow**\n\n{flow}"));
    }
    let messages = messages::message_changes(&old.messages, &new.messages);
    if !messages.is_empty() {
        parts.push(format!("**Messages**\n\n{messages}"));
    }
    let uses = changed_definitions(old, new);
    if !uses.is_empty() {
        parts.push(uses);
    }
    let parked = in_flight::in_flight_section(old, Some(new), in_flight);
    if !parked.is_empty() {
        parts.push(parked);
    }
    if parts.len() == 1 {
        parts.push(
            "- details a sending system reads changed (customer attributes or assignment)"
                .to_string(),
        );
    }
    let parts: Vec<&str> = parts.iter().map(|p| p.trim_end()).collect();
    parts.join("\n\n")
}

/// The segments and scores both plans use whose definition changed.
fn changed_definitions(old: &Plan, new: &Plan) -> String {
    let mut out = String::new();
    for segment in &new.segments {
        if old
            .segments
            .iter()
            .any(|s| s.name == segment.name && s.expr != segment.expr)
        {
            out.push_str(&format!(
                "- uses segment {}, whose definition changed\n",
                code(&segment.name)
            ));
        }
    }
    for score in &new.scores {
        if old
            .scores
            .iter()
            .any(|s| s.name == score.name && s.rules != score.rules)
        {
            out.push_str(&format!(
                "- uses score {}, whose rules changed\n",
                code(&score.name)
            ));
        }
    }
    out
}

/// One line per fact that differs, `old → new`.
fn facts(old: &Plan, new: &Plan) -> String {
    let policies = |p: &Plan| {
        let window = p
            .policies
            .send_window
            .as_ref()
            .map_or("(none)".into(), |w| format!("{}-{}", w.start, w.end));
        let cap = p
            .policies
            .cap
            .as_ref()
            .map_or("(none)".into(), |c| format!("{} per {}", c.count, c.per));
        let holdout = p
            .policies
            .holdout
            .as_ref()
            .map_or("(none)".into(), |h| format!("{}%", h.percent));
        let pressure = p.policies.pressure.as_ref().map_or("(none)".into(), |c| {
            format!("{} per {} (project-wide)", c.count, c.per)
        });
        [
            window,
            cap,
            holdout,
            pressure,
            p.policies.priority.to_string(),
        ]
    };
    let [old_window, old_cap, old_holdout, old_pressure, old_priority] = policies(old);
    let [new_window, new_cap, new_holdout, new_pressure, new_priority] = policies(new);
    let doc = |p: &Plan| p.doc.clone().unwrap_or_default();
    let rows: [(&str, String, String); 13] = [
        ("description", doc(old), doc(new)),
        ("stage", old.stage.clone(), new.stage.clone()),
        (
            "trigger",
            words::trigger(&old.trigger),
            words::trigger(&new.trigger),
        ),
        ("audience", optional(&old.audience), optional(&new.audience)),
        (
            "reentry",
            words::reentry(&old.reentry),
            words::reentry(&new.reentry),
        ),
        ("goal", optional(&old.goal), optional(&new.goal)),
        ("exit when", optional(&old.exit), optional(&new.exit)),
        ("send window", old_window, new_window),
        ("cap", old_cap, new_cap),
        ("holdout", old_holdout, new_holdout),
        ("pressure", old_pressure, new_pressure),
        ("priority", old_priority, new_priority),
        ("locales", locales(old), locales(new)),
    ];
    let mut out = String::new();
    for (what, a, b) in rows {
        if a != b {
            out.push_str(&format!("- {what}: {} → {}\n", code(&a), code(&b)));
        }
    }
    out
}

fn locales(p: &Plan) -> String {
    format!("{} (default {})", p.locales.join(", "), p.default_locale)
}

/// Segments and scores whose definition changed, with their users.
fn definitions(
    base: &BTreeMap<&str, &Plan>,
    head: &BTreeMap<&str, &Plan>,
    sizes: Option<&AudienceSizes>,
) -> String {
    let scores = |plans: &BTreeMap<&str, &Plan>| -> BTreeMap<String, serde_json::Value> {
        plans
            .values()
            .flat_map(|p| &p.scores)
            .map(|s| {
                (
                    s.name.clone(),
                    serde_json::to_value(&s.rules).unwrap_or_default(),
                )
            })
            .collect()
    };
    let users = |name: &str, is_segment: bool| -> String {
        let users: BTreeSet<&str> = head
            .values()
            .chain(base.values())
            .filter(|p| {
                if is_segment {
                    p.segments.iter().any(|s| s.name == name)
                } else {
                    p.scores.iter().any(|s| s.name == name)
                }
            })
            .map(|p| p.campaign.as_str())
            .collect();
        let users: Vec<String> = users.into_iter().map(code).collect();
        users.join(", ")
    };
    let mut out = String::new();
    let (old_segments, new_segments) = (segment_exprs(base), segment_exprs(head));
    for (name, new) in &new_segments {
        if let Some(old) = old_segments.get(name).filter(|old| *old != new) {
            out.push_str(&format!(
                "- segment {}: {} → {} (used by {})\n",
                code(name),
                code(old),
                code(new),
                users(name, true)
            ));
            out.push_str(&size_line(sizes, false, name, "  "));
        }
    }
    let (old_scores, new_scores) = (scores(base), scores(head));
    for (name, new) in &new_scores {
        if old_scores.get(name).is_some_and(|old| old != new) {
            out.push_str(&format!(
                "- score {}: rules changed (used by {})\n",
                code(name),
                users(name, false)
            ));
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("### Segments and scores\n\n{out}\n")
    }
}
