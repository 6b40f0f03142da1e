//! Expressions of the plan format: conditions and values as trees tagged
//! by `op`, and typed constants tagged by `type`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Duration;

/// A condition or value, as a tree tagged by `op`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr {
    /// True when every argument is (evaluated left to right).
    And {
        args: Vec<Expr>,
    },
    /// True when any argument is.
    Or {
        args: Vec<Expr>,
    },
    Not {
        arg: Box<Expr>,
    },
    /// A comparison; false when either side is unset.
    Compare {
        cmp: CompareOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `lhs in [items]` (or `not in` when `negated`).
    In {
        negated: bool,
        lhs: Box<Expr>,
        items: Vec<Expr>,
    },
    /// `contains`, `starts_with`, `ends_with` on strings.
    StringOp {
        kind: StringOpKind,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `is set` (or `is not set` when `negated`).
    IsSet {
        negated: bool,
        arg: Box<Expr>,
    },
    /// `+` or `-` on numbers, money, times and durations.
    Arith {
        kind: ArithKind,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Literal {
        value: Literal,
    },
    /// A customer attribute of the given type (as written in the schema).
    Attr {
        name: String,
        #[serde(rename = "type")]
        ty: String,
    },
    /// A property of an event: `filtered` is the event tested by the
    /// enclosing `where`; `in_scope` is the flow's event (the trigger's, or
    /// the one received by the enclosing `wait_for`). `path` goes through
    /// record fields.
    EventField {
        scope: EventScope,
        event: String,
        path: Vec<String>,
        #[serde(rename = "type")]
        ty: String,
    },
    /// A segment from the plan's `segments` table (a bool).
    Segment {
        name: String,
    },
    /// A score from the plan's `scores` table (an int).
    Score {
        name: String,
    },
    /// The current instant.
    Now,
    /// Whether the customer performed `event` (matching `where`) within the
    /// window: the last `within`, since the journey's entry, or ever.
    Performed {
        event: String,
        #[serde(rename = "where")]
        filter: Option<Box<Expr>>,
        within: Option<Duration>,
        since_entry: bool,
    },
    /// How many times (an int), same window rules as `performed`.
    Count {
        event: String,
        #[serde(rename = "where")]
        filter: Option<Box<Expr>>,
        within: Option<Duration>,
        since_entry: bool,
    },
    /// The sum of a numeric property over matching events.
    Sum {
        event: String,
        property: String,
        #[serde(rename = "type")]
        ty: String,
        #[serde(rename = "where")]
        filter: Option<Box<Expr>>,
        within: Option<Duration>,
        since_entry: bool,
    },
    /// The instant of the latest `event`; unset when it never happened.
    Last {
        event: String,
    },
}

impl Expr {
    /// Calls `f` on this expression and on every expression inside it,
    /// parents before children.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::And { args } | Expr::Or { args } => args.iter().for_each(|a| a.walk(f)),
            Expr::Not { arg } | Expr::IsSet { arg, .. } => arg.walk(f),
            Expr::Compare { lhs, rhs, .. }
            | Expr::StringOp { lhs, rhs, .. }
            | Expr::Arith { lhs, rhs, .. } => {
                lhs.walk(f);
                rhs.walk(f);
            }
            Expr::In { lhs, items, .. } => {
                lhs.walk(f);
                items.iter().for_each(|i| i.walk(f));
            }
            Expr::Performed { filter, .. }
            | Expr::Count { filter, .. }
            | Expr::Sum { filter, .. } => {
                if let Some(x) = filter {
                    x.walk(f);
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
}

/// Which event an `event_field` expression reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventScope {
    Filtered,
    InScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum CompareOp {
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StringOpKind {
    Contains,
    StartsWith,
    EndsWith,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ArithKind {
    #[serde(rename = "+")]
    Add,
    #[serde(rename = "-")]
    Sub,
}

/// A typed constant, tagged by `type`. Decimals and money amounts are
/// decimal strings so no precision is lost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Literal {
    Bool {
        value: bool,
    },
    Int {
        value: i64,
    },
    /// The exact decimal as written (`"19.90"`, `"-0.5"`): a string, not a
    /// JSON number, because JSON numbers are read as binary floating point
    /// by most tools.
    Decimal {
        #[schemars(regex(pattern = r"^-?[0-9]+(\.[0-9]+)?$"))]
        value: String,
    },
    /// An exact amount (`"59.90"`) in an ISO 4217 currency (`"USD"`).
    Money {
        #[schemars(regex(pattern = r"^-?[0-9]+(\.[0-9]+)?$"))]
        amount: String,
        #[schemars(regex(pattern = r"^[A-Z]{3}$"))]
        currency: String,
    },
    /// Strings, emails, phones, urls, locales and time zones.
    String {
        value: String,
    },
    /// An enum variant.
    Enum {
        value: String,
    },
    /// An instant, RFC 3339 in UTC.
    Time {
        value: String,
    },
    /// A calendar date, `YYYY-MM-DD`.
    Date {
        value: String,
    },
    Duration {
        days: i64,
        seconds: i64,
    },
    List {
        items: Vec<Literal>,
    },
    /// Record fields in declaration order.
    Record {
        fields: Vec<RecordField>,
    },
}

/// One field of a record literal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecordField {
    pub name: String,
    pub value: Literal,
}
