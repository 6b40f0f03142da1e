//! The simulator's output: what happened to one customer, in order.
//!
//! A timeline is plain data; `campaignc simulate` prints it as text or
//! JSON, and the test runner checks expectations against it.

use super::clock;
use super::policy::DeferReason;
use jiff::Zoned;
use std::sync::Arc;

/// How a journey ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `goal` held.
    Converted,
    /// An `exit` step or `exit when`.
    Exited,
    /// The flow ran past its last step.
    Completed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Converted => "converted",
            Outcome::Exited => "exited",
            Outcome::Completed => "completed",
        }
    }
}

/// Why a send did not reach the customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Marketing on a channel whose consent attribute is false or unset.
    NoConsent { attr: String },
    /// The customer is in the campaign's holdout (control group).
    HeldOut,
    /// The project's `pressure` limit: the customer already had `count`
    /// marketing messages from the project's campaigns within `per`.
    Pressure { count: u32, per: String },
    /// The cap is `0 per …`: nothing can ever be sent.
    CapNeverAllows,
    /// The channel's address attribute (the plan's
    /// `customer.channels.CHANNEL.address`) is unset or empty: there is
    /// nobody to send to.
    NoAddress { attr: String },
}

impl SkipReason {
    pub fn describe(&self) -> String {
        match self {
            SkipReason::NoConsent { attr } => format!("no consent ({attr} is not true)"),
            SkipReason::HeldOut => "held out (control group)".into(),
            SkipReason::Pressure { count, per } => {
                format!("pressure ({count} marketing messages within {per} already sent)")
            }
            SkipReason::CapNeverAllows => "the cap allows no sends".into(),
            SkipReason::NoAddress { attr } => format!("no address ({attr} is not set)"),
        }
    }

    /// The reason's name in JSON timelines (`no_consent`, `no_address`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            SkipReason::NoConsent { .. } => "no_consent",
            SkipReason::HeldOut => "held_out",
            SkipReason::Pressure { .. } => "pressure",
            SkipReason::CapNeverAllows => "cap",
            SkipReason::NoAddress { .. } => "no_address",
        }
    }
}

/// One rendered field of a sent message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedField {
    pub name: String,
    pub text: String,
}

/// What happened at one moment.
#[derive(Clone, Debug, PartialEq)]
pub enum Happening {
    /// An event arrived (from the test, the events file or the schedule).
    /// The name is the input's own (every campaign of a run shows it).
    EventArrived {
        event: Arc<str>,
    },
    /// An attribute changed from outside the flow (`at … set`).
    AttrChanged {
        attr: String,
        value: String,
    },
    /// The trigger fired but the customer did not enter.
    NotEntered {
        why: String,
    },
    Entered,
    Sent {
        message: String,
        channel: &'static str,
        locale: String,
        fields: Vec<RenderedField>,
    },
    /// A send could not be rendered (a template problem the checker should
    /// have caught); the journey goes on as if it was sent.
    RenderFailed {
        message: String,
        error: String,
    },
    Deferred {
        message: String,
        reason: DeferReason,
        until: Zoned,
    },
    Skipped {
        message: String,
        reason: SkipReason,
    },
    Waiting {
        until: Zoned,
    },
    WaitingFor {
        event: String,
        until: Zoned,
    },
    /// `wait for` got its event.
    Received {
        event: String,
    },
    /// `wait for` ran out of time.
    TimedOut {
        event: String,
    },
    /// Another plan replaced the campaign's (`simulate --switch-to`).
    Switched {
        to: String,
    },
    Branch {
        taken: String,
    },
    Variant {
        split: String,
        variant: String,
    },
    Set {
        attr: String,
        value: String,
    },
    Ended {
        outcome: Outcome,
        why: String,
    },
    /// A runtime error: a value the step needed could not be computed
    /// exactly (an integer overflow). The step does not run; a condition
    /// counts as not holding. A test whose timeline has one fails.
    Error {
        error: String,
    },
    /// The simulation stopped with the journey still running.
    Stopped {
        why: String,
    },
}

/// One line of a timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub at: Zoned,
    /// The campaign it concerns, when the run has several (`None` for one
    /// campaign, and for inputs every campaign sees).
    pub campaign: Option<String>,
    /// The plan node it concerns, if any.
    pub node: Option<String>,
    pub what: Happening,
}

/// A customer's journey through one campaign (possibly entered several
/// times under `reentry after`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub entries: Vec<Entry>,
}

impl Timeline {
    pub fn push(&mut self, at: &Zoned, node: Option<&str>, what: Happening) {
        self.entries.push(Entry {
            at: at.clone(),
            campaign: None,
            node: node.map(str::to_string),
            what,
        });
    }

    /// The instants a message was sent (delivered, not skipped).
    pub fn sends_of<'a>(&'a self, message: &'a str) -> impl Iterator<Item = &'a Zoned> + 'a {
        self.entries.iter().filter_map(move |e| match &e.what {
            Happening::Sent { message: m, .. } if m == message => Some(&e.at),
            _ => None,
        })
    }

    /// The errors of the run: sends that could not be rendered and values
    /// that could not be computed, as one sentence each.
    pub fn errors(&self) -> impl Iterator<Item = String> + '_ {
        self.entries.iter().filter_map(|e| match &e.what {
            Happening::RenderFailed { .. } | Happening::Error { .. } => Some(format!(
                "{}: {}",
                clock::format_local(&e.at),
                describe(&e.what)
            )),
            _ => None,
        })
    }

    /// Every end of a journey with its instant.
    pub fn endings(&self) -> impl Iterator<Item = (&Zoned, Outcome)> + '_ {
        self.entries.iter().filter_map(|e| match &e.what {
            Happening::Ended { outcome, .. } => Some((&e.at, *outcome)),
            _ => None,
        })
    }

    /// Plain text: one line per entry (local time, UTC, `campaign:` when
    /// the run has several, what happened, `[node]`), each sent message's rendered fields indented below it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(&format!(
                "{}  {}  ",
                clock::format_local(&e.at),
                clock::format_utc(&e.at),
            ));
            if let Some(campaign) = &e.campaign {
                out.push_str(&format!("{campaign}: "));
            }
            out.push_str(&describe(&e.what));
            if let Some(node) = &e.node {
                out.push_str(&format!("  [{node}]"));
            }
            out.push('\n');
            if let Happening::Sent { fields, .. } = &e.what {
                let width = fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
                for f in fields {
                    for (i, line) in f.text.lines().enumerate() {
                        let label = if i == 0 {
                            format!("{}:", f.name)
                        } else {
                            String::new()
                        };
                        let text = format!("      {label:<w$} {line}", w = width + 1);
                        out.push_str(text.trim_end());
                        out.push('\n');
                    }
                }
            }
        }
        out
    }

    /// The timeline as a JSON array (the `simulate --format json` shape,
    /// documented in docs/simulate.md).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(self.entries.iter().map(entry_json).collect())
    }
}

/// One sentence for an entry.
pub fn describe(what: &Happening) -> String {
    match what {
        Happening::EventArrived { event } => format!("event {event} arrived"),
        Happening::AttrChanged { attr, value } => format!("attribute {attr} set to {value}"),
        Happening::NotEntered { why } => format!("did not enter: {why}"),
        Happening::Entered => "entered the campaign".into(),
        Happening::Sent {
            message,
            channel,
            locale,
            ..
        } => format!("sent {message} ({channel}, {locale})"),
        Happening::RenderFailed { message, error } => {
            format!("could not render {message}: {error}")
        }
        Happening::Deferred {
            message,
            reason,
            until,
        } => format!(
            "deferred {message}: {} until {}",
            reason.as_str(),
            clock::format_local(until)
        ),
        Happening::Skipped { message, reason } => {
            format!("skipped {message}: {}", reason.describe())
        }
        Happening::Waiting { until } => format!("waiting until {}", clock::format_local(until)),
        Happening::WaitingFor { event, until } => {
            format!("waiting for {event} until {}", clock::format_local(until))
        }
        Happening::Received { event } => format!("received {event}"),
        Happening::TimedOut { event } => format!("timed out waiting for {event}"),
        Happening::Branch { taken } => format!("branch: {taken}"),
        Happening::Variant { split, variant } if split == "holdout" => {
            format!("holdout: {variant} group")
        }
        Happening::Variant { split, variant } => format!("split {split}: variant {variant}"),
        Happening::Set { attr, value } => format!("set {attr} = {value}"),
        Happening::Ended { outcome, why } => format!("{} ({why})", outcome.as_str()),
        Happening::Error { error } => format!("error: {error}"),
        Happening::Stopped { why } => format!("stopped: {why}"),
        Happening::Switched { to } => format!("switched to {to}"),
    }
}

fn entry_json(e: &Entry) -> serde_json::Value {
    use serde_json::json;
    let mut obj = serde_json::Map::new();
    obj.insert("at".into(), json!(clock::format_utc(&e.at)));
    obj.insert(
        "local".into(),
        json!(e.at.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()),
    );
    if let Some(campaign) = &e.campaign {
        obj.insert("campaign".into(), json!(campaign));
    }
    obj.insert("node".into(), json!(e.node));
    let (kind, extra) = match &e.what {
        Happening::EventArrived { event } => ("event", json!({ "event": &**event })),
        Happening::AttrChanged { attr, value } => {
            ("attr_changed", json!({ "attr": attr, "value": value }))
        }
        Happening::NotEntered { why } => ("not_entered", json!({ "why": why })),
        Happening::Entered => ("entered", json!({})),
        Happening::Sent {
            message,
            channel,
            locale,
            fields,
        } => {
            let mut f = serde_json::Map::new();
            for field in fields {
                f.insert(field.name.clone(), json!(field.text));
            }
            (
                "sent",
                json!({ "message": message, "channel": channel, "locale": locale, "fields": f }),
            )
        }
        Happening::RenderFailed { message, error } => (
            "render_failed",
            json!({ "message": message, "error": error }),
        ),
        Happening::Deferred {
            message,
            reason,
            until,
        } => (
            "deferred",
            json!({
                "message": message,
                "reason": match reason { DeferReason::Window => "send_window", DeferReason::Cap => "cap" },
                "until": clock::format_utc(until),
            }),
        ),
        Happening::Skipped { message, reason } => (
            "skipped",
            json!({
                "message": message,
                "reason": reason.as_str(),
                "detail": reason.describe(),
            }),
        ),
        Happening::Waiting { until } => ("waiting", json!({ "until": clock::format_utc(until) })),
        Happening::WaitingFor { event, until } => (
            "waiting_for",
            json!({ "event": event, "until": clock::format_utc(until) }),
        ),
        Happening::Received { event } => ("received", json!({ "event": event })),
        Happening::TimedOut { event } => ("timed_out", json!({ "event": event })),
        Happening::Branch { taken } => ("branch", json!({ "taken": taken })),
        Happening::Variant { split, variant } => {
            ("variant", json!({ "split": split, "variant": variant }))
        }
        Happening::Set { attr, value } => ("set", json!({ "attr": attr, "value": value })),
        Happening::Ended { outcome, why } => {
            ("ended", json!({ "outcome": outcome.as_str(), "why": why }))
        }
        Happening::Error { error } => ("error", json!({ "error": error })),
        Happening::Stopped { why } => ("stopped", json!({ "why": why })),
        Happening::Switched { to } => ("switched", json!({ "to": to })),
    };
    obj.insert("kind".into(), json!(kind));
    if let serde_json::Value::Object(m) = extra {
        obj.extend(m);
    }
    serde_json::Value::Object(obj)
}
