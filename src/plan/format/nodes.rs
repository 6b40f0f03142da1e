//! Flow nodes and messages of the plan format.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Duration, Expr, Weekday};

/// One step of the flow graph, tagged by `kind`. Every `next`-like edge is
/// a node id, or `null` meaning the journey completes there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    /// Send `message` (subject to the send window, cap, holdout and consent
    /// gate), then go on to `next`.
    Send {
        message: String,
        channel: Channel,
        category: Category,
        /// For marketing sends: the attribute that must be `true`, else the
        /// send is skipped. `null` for transactional sends.
        consent: Option<ConsentGate>,
        /// The event whose payload the templates see as `event.*`.
        event: Option<String>,
        next: Option<String>,
    },
    /// Wait for `duration` (days in local calendar time).
    Wait {
        duration: Duration,
        next: Option<String>,
    },
    /// Wait until the next local `time` (`HH:MM`), on `weekday` if given.
    WaitUntil {
        time: String,
        weekday: Option<Weekday>,
        next: Option<String>,
    },
    /// Wait for `event` (matching `where`) at most `timeout`.
    WaitFor {
        event: String,
        #[serde(rename = "where")]
        filter: Option<Expr>,
        timeout: Duration,
        on_event: Option<String>,
        on_timeout: Option<String>,
    },
    /// Take the first case whose `when` holds, else `otherwise`.
    Branch {
        cases: Vec<BranchCase>,
        otherwise: Option<String>,
    },
    /// An A/B/n test: the customer's bucket (salt = `name`) picks a variant.
    Split {
        name: String,
        variants: Vec<SplitVariant>,
    },
    /// Set a customer attribute to `value`, evaluated now.
    Set {
        attribute: String,
        value: Expr,
        next: Option<String>,
    },
    /// End the journey as exited.
    Exit {},
}

/// A message channel.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
    Push,
    InApp,
    Webhook,
}

impl Channel {
    /// The channel's key as the plan writes it (`email`, `sms`, `push`,
    /// `in_app`, `webhook`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Push => "push",
            Channel::InApp => "in_app",
            Channel::Webhook => "webhook",
        }
    }
}

/// Marketing sends are gated by the channel's consent attribute;
/// transactional sends are not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Marketing,
    Transactional,
}

/// The attribute that grants marketing consent for a send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConsentGate {
    pub attribute: String,
}

/// One `if` / `else if` arm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BranchCase {
    pub when: Expr,
    pub next: Option<String>,
}

/// One variant of a split: buckets `from_bucket..to_bucket` (end exclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SplitVariant {
    pub name: String,
    /// As written, a decimal string.
    pub percent: String,
    pub from_bucket: u32,
    pub to_bucket: u32,
    pub next: Option<String>,
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/// A message as reviewed: its template sources per locale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Message {
    pub channel: Channel,
    pub category: Category,
    /// The email sender (`from`, or `defaults.email_from`).
    pub from: Option<String>,
    /// For each of the campaign's locales.
    pub locales: BTreeMap<String, MessageLocale>,
}

/// The Handlebars template source of each field in one locale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MessageLocale {
    /// Field name (`subject`, `body`, …) → template source.
    pub fields: BTreeMap<String, String>,
    /// `sha256` (lowercase hex) of the canonical JSON of `fields`.
    pub content_hash: String,
}
