//! The execution plan format `campaignc.plan/v2`: what `build` writes to
//! `plans/<campaign>.json` and what a sending system (or our simulator)
//! executes without knowing the language.
//!
//! These are the plan's own serde types, deliberately separate from the
//! checker's model: the model may change shape freely, the plan only grows
//! (a minor version adds fields; consumers ignore fields they do not know,
//! so `deny_unknown_fields` is never set; a breaking change becomes `v2`).
//! `docs/plan-format.md` documents every field and the evaluation rules.
//!
//! Determinism: every map is a `BTreeMap` and every list has a defined
//! order, so the same model always serializes to the same bytes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod expr;
mod nodes;

pub use expr::*;
pub use nodes::*;

/// The value of [`Plan::format`] for this version of the format.
pub const FORMAT: &str = "campaignc.plan/v2";

/// Name of the bucketing algorithm written into [`Assignment::algorithm`].
pub const ASSIGNMENT_ALGORITHM: &str = "sha256-u64be-mod-10000";

/// Number of assignment buckets: percentages map to bucket ranges of
/// `percent × 100` buckets.
pub const BUCKETS: u32 = 10_000;

/// The top-level fields the plan `hash` leaves out: the hash itself and
/// where the campaign and its steps are written (`source`: positions are
/// not meaning).
pub const NOT_HASHED: &[&str] = &["hash", "source"];

/// The definition called `name` in a plan's list of segments or scores.
/// A campaign's plan lists the few it uses in dependency order, searched
/// in order; a list in name order (the model's order, as in a plan of
/// every definition the reference evaluator checks the SQL engines
/// against, thousands of them) is found by bisection first, so that a
/// lookup is not a scan of the whole list for every customer. Names are
/// unique, so an entry bisection finds is the one.
fn by_name<'p, T>(list: &'p [T], name: &str, key: impl Fn(&T) -> &String) -> Option<&'p T> {
    match list.binary_search_by(|entry| key(entry).as_str().cmp(name)) {
        Ok(i) => Some(&list[i]),
        Err(_) => list.iter().find(|entry| key(entry) == name),
    }
}

/// One campaign, ready to execute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    /// Always `"campaignc.plan/v2"`.
    #[schemars(extend("const" = "campaignc.plan/v2"))]
    pub format: String,
    /// The campaign's name.
    pub campaign: String,
    /// Its lifecycle stage.
    pub stage: String,
    /// The campaign's `///` doc comment.
    pub doc: Option<String>,
    /// Where the campaign and each of its steps are written. Not part of
    /// `hash`: moving the campaign, or adding comments or blank lines
    /// above it, is no change.
    pub source: SourceRef,
    /// What starts a journey.
    pub trigger: Trigger,
    /// Who may enter (checked when the trigger fires); `null` = everyone.
    pub audience: Option<Expr>,
    /// Whether a customer may enter again.
    pub reentry: Reentry,
    /// When it holds, the journey ends as converted.
    pub goal: Option<Expr>,
    /// When it holds, the journey ends as exited (`exit when`).
    pub exit: Option<Expr>,
    /// Send window, frequency cap and holdout.
    pub policies: Policies,
    /// The locales the campaign's messages are sent in.
    pub locales: Vec<String>,
    /// The locale used for a customer whose locale is unset or not in
    /// `locales`.
    pub default_locale: String,
    /// Which customer attributes the runtime reads for locale, time zone,
    /// addresses and consent.
    pub customer: CustomerFacts,
    /// How customers are assigned to the holdout and split variants.
    pub assignment: Assignment,
    /// Every segment the campaign uses, directly or through other segments
    /// and scores; each after the segments it uses.
    pub segments: Vec<SegmentEntry>,
    /// Every score the campaign uses, directly or transitively; each after
    /// the scores it uses.
    pub scores: Vec<ScoreEntry>,
    /// Id of the first node; `null` for an empty flow (the journey
    /// completes on entry).
    pub entry: Option<String>,
    /// The flow graph, keyed by structural node id (see
    /// `docs/plan-format.md`, Node ids).
    pub nodes: BTreeMap<String, Node>,
    /// Every message the campaign sends, keyed by message name.
    pub messages: BTreeMap<String, Message>,
    /// The types of the data the messages' templates read, so a runtime
    /// (or `campaignc render`) can validate a customer and an event before
    /// rendering. Absent in plans written before it existed.
    #[serde(default)]
    pub template_data: TemplateData,
    /// `sha256` (lowercase hex) of the canonical JSON of this plan without
    /// the `hash` and `source` fields: the plan's meaning, not where it is
    /// written.
    pub hash: String,
}

/// Where a campaign is written: the plan's source positions, kept apart
/// from its meaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceRef {
    /// Path relative to the project directory, `/`-separated.
    pub file: String,
    /// 1-based line of the `campaign` declaration.
    pub line: u32,
    /// Node id → 1-based line of its step in `file` (every node of
    /// `nodes`). New in v2: in v1 each node had its own `line`.
    pub nodes: BTreeMap<String, u32>,
}

impl Plan {
    /// Every condition and value of the plan, wherever it is written (the
    /// trigger's `where`, audience, goal, exit, segments, scores and flow
    /// nodes), outermost expressions only: [`Expr::walk`] reaches the rest.
    /// Messages hold templates, not expressions.
    pub fn expressions(&self) -> Vec<&Expr> {
        // Named in full, so that a new field or node that holds an
        // expression cannot be missed here.
        let Plan {
            format: _,
            campaign: _,
            stage: _,
            doc: _,
            source: _,
            trigger,
            audience,
            reentry: _,
            goal,
            exit,
            policies: _,
            locales: _,
            default_locale: _,
            customer: _,
            assignment: _,
            segments,
            scores,
            entry: _,
            nodes,
            messages: _,
            template_data: _,
            hash: _,
        } = self;
        let mut out: Vec<&Expr> = Vec::new();
        match trigger {
            Trigger::Event { event: _, filter } => out.extend(filter),
            Trigger::Enters { .. } | Trigger::Changed { .. } | Trigger::Every { .. } => {}
        }
        out.extend(audience.iter().chain(goal).chain(exit));
        out.extend(segments.iter().map(|s| &s.expr));
        for score in scores {
            for rule in &score.rules {
                match rule {
                    ScoreRule::PerEvent { filter, .. } => out.extend(filter),
                    ScoreRule::If { when, .. } => out.push(when),
                }
            }
        }
        for node in nodes.values() {
            match node {
                Node::WaitFor { filter, .. } => out.extend(filter),
                Node::Branch { cases, .. } => out.extend(cases.iter().map(|c| &c.when)),
                Node::Set { value, .. } => out.push(value),
                Node::Send { .. }
                | Node::Wait { .. }
                | Node::WaitUntil { .. }
                | Node::Split { .. }
                | Node::Exit {} => {}
            }
        }
        out
    }

    /// The segment called `name` in [`Plan::segments`].
    pub fn segment(&self, name: &str) -> Option<&SegmentEntry> {
        by_name(&self.segments, name, |s| &s.name)
    }

    /// The score called `name` in [`Plan::scores`].
    pub fn score(&self, name: &str) -> Option<&ScoreEntry> {
        by_name(&self.scores, name, |s| &s.name)
    }

    /// The 1-based source line of node `id`'s step (`source.nodes`); 0 for
    /// an id the plan does not know.
    pub fn node_line(&self, id: &str) -> u32 {
        self.source.nodes.get(id).copied().unwrap_or(0)
    }
}

pub use crate::duration::Duration;

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

// ---------------------------------------------------------------------------
// Trigger, reentry, policies
// ---------------------------------------------------------------------------

/// What starts a journey, tagged by `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    /// The customer performs `event` (and `where` holds for it). The event
    /// is in scope (`event.*`) for the flow.
    Event {
        event: String,
        #[serde(rename = "where")]
        filter: Option<Expr>,
    },
    /// The customer starts matching `segment`.
    Enters { segment: String },
    /// `attribute` changes (to `to`, when given).
    Changed {
        attribute: String,
        to: Option<Literal>,
    },
    /// A recurring schedule in customer local time.
    Every {
        /// `day`, `week` or `month`.
        period: Period,
        /// For `week`: the day of the week.
        weekday: Option<Weekday>,
        /// For `month`: the day of the month (1–31).
        day_of_month: Option<u32>,
        /// Local time of day, `HH:MM`.
        at: String,
    },
}

/// The period of an `every` trigger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Week,
    Month,
}

/// Whether a customer may enter the campaign again, tagged by `kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reentry {
    /// A customer who was ever in the campaign never enters again.
    Never,
    /// A customer may enter again `after` the end of their previous journey.
    After { after: Duration },
}

/// Delivery policies; each `null` when the campaign does not set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Policies {
    pub send_window: Option<SendWindow>,
    pub cap: Option<Cap>,
    pub holdout: Option<Holdout>,
    /// The project-wide limit on marketing sends (`defaults { pressure … }`),
    /// the same in every plan of a project. Absent in plans written before
    /// it existed.
    #[serde(default)]
    pub pressure: Option<Pressure>,
    /// `priority N` (0 when not written): under `pressure`, of marketing
    /// sends due at one instant the higher priority goes first.
    #[serde(default)]
    pub priority: u32,
}

/// At most `count` marketing sends to one customer from all campaigns of
/// the project together within any trailing `per`; transactional sends
/// never count. A marketing send over the limit is skipped (not deferred),
/// with the skip reason `pressure`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Pressure {
    pub count: u32,
    pub per: Duration,
}

/// Sends are only made between `start` and `end` customer local time
/// (`HH:MM`); `end < start` wraps midnight. A send due outside waits for
/// the next opening.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SendWindow {
    pub start: String,
    pub end: String,
}

/// At most `count` sends from this campaign within any trailing `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Cap {
    pub count: u32,
    pub per: Duration,
}

/// A control group: its customers follow the flow but every send is
/// suppressed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Holdout {
    /// The percentage as written, as a decimal string (`"10"`, `"2.5"`).
    pub percent: String,
    /// Salt for the `assignment` rule: the customer is held out when their bucket
    /// is `< to_bucket`.
    pub salt: String,
    /// Exclusive upper bucket: `percent × 100`.
    pub to_bucket: u32,
}

/// The deterministic assignment of customers to holdout and split variants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Assignment {
    /// `sha256-u64be-mod-10000`: the first 8 bytes (big-endian u64) of the
    /// SHA-256 of `key` modulo `buckets`.
    pub algorithm: String,
    /// The hashed text, with `{customer_id}`, `{campaign}` and `{salt}`
    /// placeholders; fields separated by U+001F.
    pub key: String,
    /// Number of buckets (10000).
    pub buckets: u32,
}

/// The customer attributes a runtime needs, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CustomerFacts {
    pub locale: AttributeWithDefault,
    pub timezone: AttributeWithDefault,
    /// For each channel the campaign sends on (`email`, `sms`, `push`,
    /// `in_app`, `webhook`).
    pub channels: BTreeMap<String, ChannelFacts>,
}

/// An attribute to read, and the value to use when it is absent or unset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AttributeWithDefault {
    pub attribute: Option<String>,
    pub default: String,
}

/// Where to send on a channel and which attribute grants consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ChannelFacts {
    /// The address attribute (`email` for email, a `phone` for SMS, the
    /// opt-in for push and in-app); unset or blank means the send is
    /// skipped as `no_address`. `null` for webhooks (addressed by URL).
    pub address: Option<String>,
    /// The `consent(channel)` attribute gating marketing sends.
    pub consent: Option<String>,
}

// ---------------------------------------------------------------------------
// Segments and scores
// ---------------------------------------------------------------------------

/// A named condition, referenced by `{"op": "segment"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SegmentEntry {
    pub name: String,
    pub doc: Option<String>,
    pub expr: Expr,
}

/// A named integer, the sum of its rules' points; referenced by
/// `{"op": "score"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScoreEntry {
    pub name: String,
    pub doc: Option<String>,
    pub rules: Vec<ScoreRule>,
}

/// One rule of a score, tagged by `kind`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScoreRule {
    /// `points` per matching event, at most `max` points in total.
    PerEvent {
        points: i64,
        event: String,
        #[serde(rename = "where")]
        filter: Option<Expr>,
        within: Option<Duration>,
        since_entry: bool,
        max: Option<i64>,
    },
    /// `points` when `when` holds.
    If { points: i64, when: Expr },
}

// ---------------------------------------------------------------------------
// Template data
// ---------------------------------------------------------------------------

/// The types of what templates read, written as in the schema (`int`,
/// `money(USD)`, `enum(free, trial)`, `list<cart_item>`, `string?`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TemplateData {
    /// `customer.NAME` → type: the attributes the templates read, the
    /// locale and time zone attributes, and the plan's scores (`int`).
    pub customer: BTreeMap<String, String>,
    /// Event name → property → type: every event in scope (`event.*`) at a
    /// `send` node.
    pub events: BTreeMap<String, BTreeMap<String, String>>,
    /// Record type name → field → type: every record the types above use.
    pub records: BTreeMap<String, BTreeMap<String, String>>,
}
