//! The checked, resolved model: what the checker hands to the plan,
//! render and simulate stages.
//!
//! Invariants:
//! - Names are resolved: references are ids (indices into the model's
//!   vectors), never strings to look up again. Later stages never re-resolve
//!   or re-parse anything.
//! - Where each name was written and what it names is kept as well, in
//!   [`Model::references`] (see `check::references`): the template
//!   variables included.
//! - Every collection is sorted by name, so ids — and everything derived
//!   from them — do not depend on file order or traversal order.
//! - Every expression carries its [`Type`]; every node keeps the [`Span`] it
//!   came from, for diagnostics and for the source lines in plans.
//! - A `Model` is only built for a project whose names resolve; it may still
//!   carry warnings (they live in `Problems`, not here).

pub use crate::check::references::{Declaration, Reference, References, Symbol, UseSite};
use crate::source::Span;
pub use crate::syntax::ast::{CompareOp, DecimalLit, Weekday};
use std::sync::Arc;

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}

id_type!(
    /// Index into [`Schema::attrs`].
    AttrId,
    /// Index into [`Schema::records`].
    RecordId,
    /// Index into [`Schema::events`].
    EventId,
    /// Index into [`Model::segments`].
    SegmentId,
    /// Index into [`Model::scores`].
    ScoreId,
    /// Index into [`Model::messages`].
    MessageId,
    /// Index into [`Model::campaigns`].
    CampaignId,
    /// Index into [`Model::personas`].
    PersonaId,
);

/// The type of a value, an attribute, a property or an expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Decimal,
    /// `money(USD)`: amounts of one currency (ISO 4217 code).
    Money(String),
    String,
    Email,
    Phone,
    Url,
    Locale,
    Timezone,
    /// An instant.
    Time,
    Date,
    Duration,
    /// `enum(a, b)`: its variants in declaration order. Shared, because
    /// every expression carries its type: a clone is a reference count.
    Enum(std::sync::Arc<[String]>),
    List(Box<Type>),
    Record(RecordId),
    /// `T?`: may be unset.
    Optional(Box<Type>),
    /// The type of something that already had an error: it unifies with
    /// everything so one mistake is reported once. Never present in the
    /// model of a project without errors.
    Error,
}

impl Type {
    /// The type without an outer `?`.
    pub fn strip_optional(&self) -> &Type {
        match self {
            Type::Optional(t) => t,
            t => t,
        }
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_))
    }

    /// `int`, `decimal` and `money` values, which `sum`, `+`/`-`, `number`
    /// and `plural` accept.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self.strip_optional(),
            Type::Int | Type::Decimal | Type::Money(_)
        )
    }
}

/// A message channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Email,
    Sms,
    Push,
    InApp,
    Webhook,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Email,
        Channel::Sms,
        Channel::Push,
        Channel::InApp,
        Channel::Webhook,
    ];

    /// The name as written in source (`in_app`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Push => "push",
            Channel::InApp => "in_app",
            Channel::Webhook => "webhook",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Marketing,
    Transactional,
}

/// A duration split as in the source: calendar days and clock seconds
/// (see [`crate::duration`]).
pub use crate::duration::Duration;

/// A constant value: persona attributes, sample and test event payloads,
/// literals in expressions, `set` values in tests.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Decimal(DecimalLit),
    Money {
        amount: DecimalLit,
        currency: String,
    },
    /// Strings, emails, phones, urls, locales, time zones.
    String(String),
    /// An enum variant.
    Enum(String),
    Time(jiff::Timestamp),
    Date(jiff::civil::Date),
    Duration(Duration),
    List(Vec<Value>),
    /// Record and event payload fields, in the declaration order of the
    /// record/event type; unset optional fields are absent.
    Record(Vec<(String, Value)>),
}

// ---------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct Model {
    pub defaults: Defaults,
    /// Lifecycle stages in declared order (the default list when the
    /// project declares none).
    pub stages: Vec<String>,
    pub schema: Schema,
    pub segments: Vec<SegmentDef>,
    /// Segment ids in dependency order: each segment after the segments it
    /// uses. Evaluators go through this list.
    pub segment_order: Vec<SegmentId>,
    pub scores: Vec<ScoreDef>,
    /// Shared: a workspace keeps each resolved message between checks
    /// (`check::MessageMemo`), and a check that reuses it copies nothing.
    pub messages: Vec<Arc<MessageDef>>,
    /// Shared, like the messages: a workspace keeps each resolved campaign
    /// between checks (`check::resolve::campaigns`).
    pub campaigns: Vec<Arc<CampaignDef>>,
    pub personas: Vec<PersonaDef>,
    pub tests: Vec<TestDef>,
    /// Every declaration and every resolved use of a name, template
    /// variables included (`check::references`).
    pub references: References,
    /// Where the customers and events are in a warehouse (`warehouse { … }`;
    /// the conventional layout when the project has no such block).
    pub warehouse: Warehouse,
}

/// The warehouse mapping: which tables and columns hold the customers and
/// their events, for the SQL that `campaignc sql` writes. Every name not
/// written in the project's `warehouse { … }` block has its conventional
/// value (docs/warehouse.md): `customers(customer_id, one column per
/// attribute)`, `events(customer_id, event, at, properties)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warehouse {
    /// The customers table (may be qualified: `analytics.customers`).
    pub customers: String,
    /// Its customer id column.
    pub customer_key: String,
    /// Attribute name → column, for the attributes whose column is not
    /// named like the attribute.
    pub columns: std::collections::BTreeMap<String, String>,
    /// The column holding the customer's time zone when no attribute of
    /// type `timezone` does (else that attribute's column).
    pub timezone: Option<String>,
    /// The column holding the customer's locale when no attribute of type
    /// `locale` does.
    pub locale: Option<String>,
    /// The events table (all events in one table).
    pub events: String,
    /// Its columns: customer id, event name, timestamp, properties (JSON).
    pub event_key: String,
    pub event_name: String,
    pub event_time: String,
    pub event_properties: String,
    /// Event name → its own table (same key, time and properties columns,
    /// no event-name column), for warehouses with one table per event.
    pub event_tables: std::collections::BTreeMap<String, String>,
    /// Where the block is written; `None` for the conventional layout.
    pub span: Option<Span>,
}

impl Default for Warehouse {
    fn default() -> Warehouse {
        Warehouse {
            customers: "customers".into(),
            customer_key: "customer_id".into(),
            columns: Default::default(),
            timezone: None,
            locale: None,
            events: "events".into(),
            event_key: "customer_id".into(),
            event_name: "event".into(),
            event_time: "at".into(),
            event_properties: "properties".into(),
            event_tables: Default::default(),
            span: None,
        }
    }
}

impl Warehouse {
    /// The column of attribute `attr`.
    pub fn column<'a>(&'a self, attr: &'a str) -> &'a str {
        self.columns.get(attr).map_or(attr, String::as_str)
    }
}

#[derive(Clone, Debug)]
pub struct Defaults {
    /// The default locale (`en` when unset): the reference translation.
    pub locale: String,
    /// Default time zone for customers without one (`UTC` when unset).
    pub timezone: String,
    pub email_from: Option<String>,
    /// `pressure N per D`: the project-wide limit on marketing sends.
    pub pressure: Option<Pressure>,
}

/// `pressure N per D`: at most `count` marketing sends to one customer from
/// all campaigns together within any trailing `per` (transactional sends
/// never count). A send over it is skipped (docs/simulate.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pressure {
    pub count: u32,
    pub per: Duration,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub attrs: Vec<AttrDef>,
    pub records: Vec<RecordDef>,
    pub events: Vec<EventDef>,
}

#[derive(Clone, Debug)]
pub struct AttrDef {
    pub name: String,
    pub ty: Type,
    /// `consent(channel)`: this attribute grants marketing consent.
    pub consent: Option<Channel>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: String,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RecordDef {
    pub name: String,
    pub fields: Vec<FieldDef>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EventDef {
    pub name: String,
    pub fields: Vec<FieldDef>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct SegmentDef {
    pub name: String,
    pub doc: Option<String>,
    /// The typed body. Only a lean check (`check::check_diagnostics`, and
    /// a one-shot build for the segments no plan carries) keeps none: a
    /// project of 100,000 segments would hold 100,000 placeholders.
    pub expr: Option<Box<TExpr>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ScoreDef {
    pub name: String,
    pub doc: Option<String>,
    pub rules: Vec<ScoreRuleDef>,
    pub span: Span,
}

impl ScoreDef {
    /// The expressions of its rules (event filters and `if` conditions),
    /// in source order.
    pub fn exprs(&self) -> impl Iterator<Item = &TExpr> {
        self.rules.iter().filter_map(|rule| match &rule.kind {
            ScoreRuleKindDef::PerEvent { filter, .. } => filter.as_ref(),
            ScoreRuleKindDef::If(c) => Some(c),
        })
    }
}

/// A named definition an expression can refer to: a segment or a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Named {
    Segment(SegmentId),
    Score(ScoreId),
}

/// Calls `f` on every segment and score `e` names, anywhere inside it.
pub fn walk_named(e: &TExpr, f: &mut impl FnMut(Named)) {
    walk_expr(e, &mut |e| match &e.kind {
        TExprKind::Segment(id) => f(Named::Segment(*id)),
        TExprKind::Score(id) => f(Named::Score(*id)),
        _ => {}
    });
}

#[derive(Clone, Debug)]
pub struct ScoreRuleDef {
    pub points: i64,
    pub kind: ScoreRuleKindDef,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ScoreRuleKindDef {
    /// `points` per matching event, capped at `max` points in total.
    PerEvent {
        event: EventId,
        filter: Option<TExpr>,
        window: Option<TWindow>,
        max: Option<i64>,
    },
    If(TExpr),
}

// ---------------------------------------------------------------------------
// Typed expressions
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct TExpr {
    pub kind: TExprKind,
    pub ty: Type,
    pub span: Span,
}

/// Which event a bare property name or `event.NAME` refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventRef {
    /// The event being filtered by the enclosing `where`.
    Filtered(EventId),
    /// The event in flow scope: the trigger's event, or the event received
    /// by the enclosing `wait for … on event` branch.
    InScope(EventId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TWindow {
    Within(Duration),
    SinceEntry,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StringOp {
    Contains,
    StartsWith,
    EndsWith,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    Add,
    Sub,
}

#[derive(Clone, Debug)]
pub enum TExprKind {
    /// Boxed: a value is 64 bytes (a decimal's 128-bit mantissa), and
    /// every node of every typed expression would be that big.
    Literal(Box<Value>),
    /// A customer attribute (bare name or `customer.NAME`).
    Attr(AttrId),
    /// A property of an event, possibly nested through records
    /// (`items` then a field index of the record): field indices into the
    /// event's and records' `fields`.
    EventField {
        event: EventRef,
        path: Vec<usize>,
    },
    Segment(SegmentId),
    Score(ScoreId),
    Now,
    Not(Box<TExpr>),
    And(Box<TExpr>, Box<TExpr>),
    Or(Box<TExpr>, Box<TExpr>),
    Compare {
        op: CompareOp,
        lhs: Box<TExpr>,
        rhs: Box<TExpr>,
    },
    In {
        negated: bool,
        lhs: Box<TExpr>,
        items: Vec<TExpr>,
    },
    StringOp {
        op: StringOp,
        lhs: Box<TExpr>,
        rhs: Box<TExpr>,
    },
    IsSet {
        negated: bool,
        expr: Box<TExpr>,
    },
    Arith {
        op: ArithOp,
        lhs: Box<TExpr>,
        rhs: Box<TExpr>,
    },
    Performed {
        event: EventId,
        filter: Option<Box<TExpr>>,
        window: Option<TWindow>,
    },
    Count {
        event: EventId,
        filter: Option<Box<TExpr>>,
        window: Option<TWindow>,
    },
    /// Sum of the numeric property `field` (index into the event's fields).
    Sum {
        event: EventId,
        field: usize,
        filter: Option<Box<TExpr>>,
        window: Option<TWindow>,
    },
    Last {
        event: EventId,
    },
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/// One template field of a message: `subject`, `body`, `title`, `url`, …
#[derive(Clone, Debug)]
pub struct TemplateField {
    pub name: String,
    /// The decoded template source.
    pub source: String,
    /// Span of the whole string literal.
    pub span: Span,
    /// Decoded-offset → source-offset runs (see `ast::StrLit::offsets`), so
    /// a problem inside a template points at its exact source column.
    pub offsets: Vec<(u32, u32)>,
}

impl TemplateField {
    /// The source span of a byte range of [`TemplateField::source`].
    pub fn sub_span(&self, start: usize, end: usize) -> Span {
        let lit = crate::syntax::ast::StrLit {
            value: String::new(),
            span: self.span,
            offsets: self.offsets.clone(),
            block: false,
        };
        lit.sub_span(start, end)
    }
}

#[derive(Clone, Debug)]
pub struct LocaleContent {
    /// The BCP 47 tag as written.
    pub locale: String,
    pub fields: Vec<TemplateField>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct MessageDef {
    pub name: String,
    pub doc: Option<String>,
    pub channel: Channel,
    pub category: Category,
    /// `from`, or `defaults.email_from` for email.
    pub from: Option<String>,
    /// Fields written outside any locale block: they serve every locale.
    pub shared: Vec<TemplateField>,
    /// Locale blocks, sorted by tag.
    pub locales: Vec<LocaleContent>,
    pub span: Span,
}

impl MessageDef {
    /// Passes every span of the message through `f` (a message kept from
    /// an earlier check whose file was renumbered since). Exhaustive, like
    /// [`CampaignDef::visit_slots_mut`].
    pub fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        let MessageDef {
            name: _,
            doc: _,
            channel: _,
            category: _,
            from: _,
            shared,
            locales,
            span,
        } = self;
        *span = f(*span);
        fn field(t: &mut TemplateField, f: &mut impl FnMut(Span) -> Span) {
            let TemplateField {
                name: _,
                source: _,
                span,
                offsets: _,
            } = t;
            *span = f(*span);
        }
        for t in shared {
            field(t, f);
        }
        for LocaleContent {
            locale: _,
            fields,
            span,
        } in locales
        {
            *span = f(*span);
            for t in fields {
                field(t, f);
            }
        }
    }

    /// True when the message has no locale blocks: its shared fields serve
    /// any locale.
    pub fn is_locale_neutral(&self) -> bool {
        self.locales.is_empty()
    }

    /// Every template field with the locale block it is written in (`None`
    /// for a shared field): the shared fields first, then each block's.
    pub fn template_fields(&self) -> impl Iterator<Item = (Option<&str>, &TemplateField)> {
        let shared = self.shared.iter().map(|f| (None, f));
        let localized = self
            .locales
            .iter()
            .flat_map(|l| l.fields.iter().map(move |f| (Some(l.locale.as_str()), f)));
        shared.chain(localized)
    }

    /// The fields that make up the message in `locale`: the locale block's
    /// fields, then shared fields it does not override. `None` when the
    /// message has locale blocks but none for `locale`.
    pub fn fields_for(&self, locale: &str) -> Option<Vec<&TemplateField>> {
        let block = self.locales.iter().find(|l| l.locale == locale);
        if block.is_none() && !self.locales.is_empty() {
            return None;
        }
        let mut out: Vec<&TemplateField> =
            block.map(|b| b.fields.iter().collect()).unwrap_or_default();
        for f in &self.shared {
            if !out.iter().any(|o| o.name == f.name) {
                out.push(f);
            }
        }
        Some(out)
    }
}

// ---------------------------------------------------------------------------
// Campaigns
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct CampaignDef {
    pub name: String,
    pub doc: Option<String>,
    pub stage: String,
    pub trigger: TriggerDef,
    pub audience: Option<TExpr>,
    pub reentry: Reentry,
    pub goal: Option<TExpr>,
    pub exit_when: Option<TExpr>,
    /// `locales`, or `[defaults.locale]` when not written.
    pub locales: Vec<String>,
    /// Local opening and closing minute of the day.
    pub send_window: Option<(u32, u32)>,
    pub cap: Option<Cap>,
    /// Percentage of customers held out, e.g. `10%` → `DecimalLit(10, 0)`.
    pub holdout: Option<DecimalLit>,
    /// `priority N` (0 when not written): under the project's `pressure`,
    /// of sends due at one instant the higher priority goes first.
    pub priority: u32,
    pub flow: Vec<StepDef>,
    pub span: Span,
    /// Span of each setting, for diagnostics and plan source lines.
    pub trigger_span: Span,
    /// Span of every setting written, keyed by its keyword (`"holdout"`,
    /// `"send_window"`, `"cap"`, `"locales"`, `"stage"`, `"goal"`, …).
    pub setting_spans: std::collections::BTreeMap<&'static str, Span>,
}

impl CampaignDef {
    /// The span of a setting if written, else the campaign's name span.
    pub fn setting_span(&self, keyword: &str) -> Span {
        self.setting_spans
            .get(keyword)
            .copied()
            .unwrap_or(self.span)
    }
}

impl CampaignDef {
    /// Calls `f` on every segment and score the campaign names itself (not
    /// through other segments and scores): in its trigger, audience, goal,
    /// exit condition and flow.
    pub fn walk_named(&self, f: &mut impl FnMut(Named)) {
        match &self.trigger {
            TriggerDef::Event {
                filter: Some(filter),
                ..
            } => walk_named(filter, f),
            TriggerDef::Enters(segment) => f(Named::Segment(*segment)),
            _ => {}
        }
        for e in [&self.audience, &self.goal, &self.exit_when]
            .into_iter()
            .flatten()
        {
            walk_named(e, f);
        }
        walk_steps(&self.flow, &mut |step| {
            for e in step.exprs() {
                walk_named(e, f);
            }
        });
    }

    /// The event in scope at the top of the flow (`event.*`).
    pub fn trigger_event(&self) -> Option<EventId> {
        match &self.trigger {
            TriggerDef::Event { event, .. } => Some(*event),
            _ => None,
        }
    }
}

/// A place in a campaign that an earlier check's copy of it may have to
/// bring up to date: an id of another declaration (ids are places in
/// tables sorted by name, which a declaration added or removed anywhere
/// shifts), or a span (whose file id shifts when a file before it is
/// added or removed). See [`CampaignDef::visit_slots_mut`].
pub enum Slot<'a> {
    Message(&'a mut MessageId),
    Segment(&'a mut SegmentId),
    Score(&'a mut ScoreId),
    Span(&'a mut Span),
}

impl CampaignDef {
    /// Calls `f` on every message, segment and score id and every span of
    /// the campaign, always in the same order for the same campaign.
    ///
    /// Every struct is taken apart by an exhaustive pattern and every enum
    /// by an exhaustive `match`: a field or variant added to the model
    /// does not compile until it is listed here.
    pub fn visit_slots_mut(&mut self, f: &mut impl FnMut(Slot)) {
        let CampaignDef {
            name: _,
            doc: _,
            stage: _,
            trigger,
            audience,
            reentry: _,
            goal,
            exit_when,
            locales: _,
            send_window: _,
            cap: _,
            holdout: _,
            priority: _,
            flow,
            span,
            trigger_span,
            setting_spans,
        } = self;
        f(Slot::Span(span));
        f(Slot::Span(trigger_span));
        for span in setting_spans.values_mut() {
            f(Slot::Span(span));
        }
        match trigger {
            TriggerDef::Event { event: _, filter } => {
                if let Some(e) = filter {
                    e.visit_slots_mut(f);
                }
            }
            TriggerDef::Enters(segment) => f(Slot::Segment(segment)),
            TriggerDef::Changed { attr: _, to: _ } | TriggerDef::Every(_) => {}
        }
        for e in [audience, goal, exit_when].into_iter().flatten() {
            e.visit_slots_mut(f);
        }
        visit_steps_mut(flow, f);
    }
}

fn visit_steps_mut(steps: &mut [StepDef], f: &mut impl FnMut(Slot)) {
    for step in steps {
        let StepDef {
            label: _,
            kind,
            span,
        } = step;
        f(Slot::Span(span));
        match kind {
            StepKindDef::Send {
                message,
                event_scope: _,
            } => f(Slot::Message(message)),
            StepKindDef::Wait(_)
            | StepKindDef::WaitUntil { minutes: _, day: _ }
            | StepKindDef::Exit => {}
            StepKindDef::WaitFor {
                event: _,
                filter,
                timeout: _,
                on_event,
                on_timeout,
            } => {
                if let Some(e) = filter {
                    e.visit_slots_mut(f);
                }
                visit_steps_mut(on_event, f);
                visit_steps_mut(on_timeout, f);
            }
            StepKindDef::If {
                branches,
                otherwise,
            } => {
                for (condition, block) in branches {
                    condition.visit_slots_mut(f);
                    visit_steps_mut(block, f);
                }
                if let Some(block) = otherwise {
                    visit_steps_mut(block, f);
                }
            }
            StepKindDef::Split { name: _, variants } => {
                for SplitVariantDef {
                    name: _,
                    percent: _,
                    steps,
                    span,
                } in variants
                {
                    f(Slot::Span(span));
                    visit_steps_mut(steps, f);
                }
            }
            StepKindDef::Set { attr: _, value } => value.visit_slots_mut(f),
        }
    }
}

impl TExpr {
    /// [`CampaignDef::visit_slots_mut`] for an expression and every
    /// expression inside it.
    pub fn visit_slots_mut(&mut self, f: &mut impl FnMut(Slot)) {
        // Long `and`/`or` chains nest as deep as they are long.
        crate::stack::deep(|| self.visit_slots_here(f));
    }

    fn visit_slots_here(&mut self, f: &mut impl FnMut(Slot)) {
        let TExpr { kind, ty: _, span } = self;
        f(Slot::Span(span));
        match kind {
            TExprKind::Segment(id) => f(Slot::Segment(id)),
            TExprKind::Score(id) => f(Slot::Score(id)),
            TExprKind::Not(inner)
            | TExprKind::IsSet {
                negated: _,
                expr: inner,
            } => inner.visit_slots_mut(f),
            TExprKind::And(l, r)
            | TExprKind::Or(l, r)
            | TExprKind::Compare {
                op: _,
                lhs: l,
                rhs: r,
            }
            | TExprKind::StringOp {
                op: _,
                lhs: l,
                rhs: r,
            }
            | TExprKind::Arith {
                op: _,
                lhs: l,
                rhs: r,
            } => {
                l.visit_slots_mut(f);
                r.visit_slots_mut(f);
            }
            TExprKind::In {
                negated: _,
                lhs,
                items,
            } => {
                lhs.visit_slots_mut(f);
                for item in items {
                    item.visit_slots_mut(f);
                }
            }
            TExprKind::Performed {
                event: _,
                filter,
                window: _,
            }
            | TExprKind::Count {
                event: _,
                filter,
                window: _,
            }
            | TExprKind::Sum {
                event: _,
                field: _,
                filter,
                window: _,
            } => {
                if let Some(filter) = filter {
                    filter.visit_slots_mut(f);
                }
            }
            TExprKind::Literal(_)
            | TExprKind::Attr(_)
            | TExprKind::EventField { event: _, path: _ }
            | TExprKind::Now
            | TExprKind::Last { event: _ } => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reentry {
    Never,
    After(Duration),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cap {
    pub count: u32,
    pub per: Duration,
}

#[derive(Clone, Debug)]
pub enum TriggerDef {
    Event {
        event: EventId,
        filter: Option<TExpr>,
    },
    Enters(SegmentId),
    Changed {
        attr: AttrId,
        to: Option<Value>,
    },
    Every(ScheduleDef),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleDef {
    Daily { at: u32 },
    Weekly { day: Weekday, at: u32 },
    Monthly { day: u32, at: u32 },
}

#[derive(Clone, Debug)]
pub struct StepDef {
    /// The step's explicit label (`LABEL: step`), unique in its campaign:
    /// its plan id is then `@LABEL`, whatever block it is in.
    pub label: Option<String>,
    pub kind: StepKindDef,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StepKindDef {
    Send {
        message: MessageId,
        /// The event whose `event.*` the message's templates see here.
        event_scope: Option<EventId>,
    },
    Wait(Duration),
    WaitUntil {
        minutes: u32,
        day: Option<Weekday>,
    },
    WaitFor {
        event: EventId,
        filter: Option<TExpr>,
        timeout: Duration,
        on_event: Vec<StepDef>,
        on_timeout: Vec<StepDef>,
    },
    If {
        branches: Vec<(TExpr, Vec<StepDef>)>,
        otherwise: Option<Vec<StepDef>>,
    },
    Split {
        name: String,
        variants: Vec<SplitVariantDef>,
    },
    Set {
        attr: AttrId,
        value: TExpr,
    },
    Exit,
}

#[derive(Clone, Debug)]
pub struct SplitVariantDef {
    pub name: String,
    pub percent: DecimalLit,
    pub steps: Vec<StepDef>,
    pub span: Span,
}

/// The item named `name` in `items`, sorted by `name_of`.
fn named<'a, T>(items: &'a [T], name: &str, name_of: impl Fn(&T) -> &String) -> Option<&'a T> {
    let i = items
        .binary_search_by(|item| name_of(item).as_str().cmp(name))
        .ok()?;
    items.get(i)
}

// ---------------------------------------------------------------------------
// Walking flows and expressions
// ---------------------------------------------------------------------------
//
// The one traversal of a flow's nested blocks and of an expression's
// operands. A pass that only needs to see every step or every expression
// goes through these rather than matching on every kind itself; a pass
// whose result depends on the shape (lowering, paths through a flow,
// slugs) matches on the kinds it cares about and uses [`StepDef::blocks`]
// for the rest.

impl StepDef {
    /// The blocks nested directly in this step, in source order: `on event`
    /// then `on timeout`; each `if`/`else if` arm then `else` (when
    /// written); each split variant.
    pub fn blocks(&self) -> Vec<&[StepDef]> {
        match &self.kind {
            StepKindDef::WaitFor {
                on_event,
                on_timeout,
                ..
            } => vec![on_event.as_slice(), on_timeout.as_slice()],
            StepKindDef::If {
                branches,
                otherwise,
            } => branches
                .iter()
                .map(|(_, b)| b.as_slice())
                .chain(otherwise.as_deref())
                .collect(),
            StepKindDef::Split { variants, .. } => {
                variants.iter().map(|v| v.steps.as_slice()).collect()
            }
            StepKindDef::Send { .. }
            | StepKindDef::Wait(_)
            | StepKindDef::WaitUntil { .. }
            | StepKindDef::Set { .. }
            | StepKindDef::Exit => Vec::new(),
        }
    }

    /// The expressions this step holds itself (not those of its blocks), in
    /// source order: a `wait for` filter, each `if`/`else if` condition, a
    /// `set` value.
    pub fn exprs(&self) -> Vec<&TExpr> {
        match &self.kind {
            StepKindDef::WaitFor { filter, .. } => filter.iter().collect(),
            StepKindDef::If { branches, .. } => branches.iter().map(|(c, _)| c).collect(),
            StepKindDef::Set { value, .. } => vec![value],
            StepKindDef::Send { .. }
            | StepKindDef::Wait(_)
            | StepKindDef::WaitUntil { .. }
            | StepKindDef::Split { .. }
            | StepKindDef::Exit => Vec::new(),
        }
    }
}

/// Calls `f` on every step of `steps` and of every block nested in them,
/// in source order, each step before the steps of its blocks.
pub fn walk_steps<'m>(steps: &'m [StepDef], f: &mut impl FnMut(&'m StepDef)) {
    for step in steps {
        f(step);
        for block in step.blocks() {
            walk_steps(block, f);
        }
    }
}

/// Calls `f` on every block of a flow: `steps` itself first, then each
/// nested block in source order (a block before the blocks inside it).
pub fn walk_blocks<'m>(steps: &'m [StepDef], f: &mut impl FnMut(&'m [StepDef])) {
    f(steps);
    for step in steps {
        for block in step.blocks() {
            walk_blocks(block, f);
        }
    }
}

/// Calls `f` on `e` and on every expression inside it, outer first, then
/// the operands in source order (an `in` list's items, a query's `where`).
pub fn walk_expr<'m>(e: &'m TExpr, f: &mut impl FnMut(&'m TExpr)) {
    // Long `and`/`or` chains nest as deep as they are long.
    crate::stack::deep(|| walk_expr_here(e, f));
}

fn walk_expr_here<'m>(e: &'m TExpr, f: &mut impl FnMut(&'m TExpr)) {
    f(e);
    match &e.kind {
        TExprKind::Not(inner) | TExprKind::IsSet { expr: inner, .. } => walk_expr(inner, f),
        TExprKind::And(l, r)
        | TExprKind::Or(l, r)
        | TExprKind::Compare { lhs: l, rhs: r, .. }
        | TExprKind::StringOp { lhs: l, rhs: r, .. }
        | TExprKind::Arith { lhs: l, rhs: r, .. } => {
            walk_expr(l, f);
            walk_expr(r, f);
        }
        TExprKind::In { lhs, items, .. } => {
            walk_expr(lhs, f);
            for item in items {
                walk_expr(item, f);
            }
        }
        TExprKind::Performed { filter, .. }
        | TExprKind::Count { filter, .. }
        | TExprKind::Sum { filter, .. } => {
            if let Some(filter) = filter {
                walk_expr(filter, f);
            }
        }
        TExprKind::Literal(_)
        | TExprKind::Attr(_)
        | TExprKind::EventField { .. }
        | TExprKind::Segment(_)
        | TExprKind::Score(_)
        | TExprKind::Now
        | TExprKind::Last { .. } => {}
    }
}

/// Calls `f` on every expression of a flow, and every expression inside
/// those: [`walk_steps`] then [`StepDef::exprs`] then [`walk_expr`].
pub fn walk_flow_exprs<'m>(steps: &'m [StepDef], f: &mut impl FnMut(&'m TExpr)) {
    walk_steps(steps, &mut |step| {
        for e in step.exprs() {
            walk_expr(e, f);
        }
    });
}

// ---------------------------------------------------------------------------
// Personas and tests
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct PersonaDef {
    pub name: String,
    pub doc: Option<String>,
    /// Attribute values sorted by attribute id; unset optionals are absent.
    pub attrs: Vec<(AttrId, Value)>,
    /// Sample payloads (`Value::Record`) by event, in source order.
    pub events: Vec<(EventId, Value)>,
    pub span: Span,
}

impl PersonaDef {
    pub fn attr(&self, id: AttrId) -> Option<&Value> {
        self.attrs.iter().find(|(a, _)| *a == id).map(|(_, v)| v)
    }
}

#[derive(Clone, Debug)]
pub enum VariantDef {
    Holdout,
    Treatment,
    Split { split: String, variant: String },
}

/// How two fixed assignments contradict each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariantConflict {
    /// Both fix the holdout group (`holdout`/`treatment`).
    Group,
    /// Both fix this split.
    Split(String),
}

impl VariantDef {
    /// Whether fixing both `self` and `other` is a contradiction: one line
    /// for the holdout group and one per split are allowed.
    pub fn conflict_with(&self, other: &VariantDef) -> Option<VariantConflict> {
        use VariantDef::*;
        match (self, other) {
            (Holdout | Treatment, Holdout | Treatment) => Some(VariantConflict::Group),
            (Split { split: a, .. }, Split { split: b, .. }) if a == b => {
                Some(VariantConflict::Split(a.clone()))
            }
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct TestDef {
    pub name: String,
    pub doc: Option<String>,
    /// The (first) campaign the test runs.
    pub campaign: CampaignId,
    /// The further campaigns run together with it (more `campaign` lines),
    /// sharing the project's `pressure`; empty for most tests.
    pub also: Vec<CampaignId>,
    /// `at T switch to "DIR"`: the campaign's plan is replaced at `T` by
    /// its plan in the project `DIR` (relative to the project directory).
    pub switch: Option<SwitchDef>,
    pub persona: PersonaId,
    /// The fixed assignments (`variant …` lines): at most one for the
    /// holdout (`holdout` or `treatment`) and one per split, none
    /// contradicting another.
    pub variants: Vec<VariantDef>,
    /// Local date-time in the persona's time zone.
    pub start: jiff::civil::DateTime,
    /// In source order (which is also time order when written sensibly;
    /// the simulator sorts stably by offset).
    pub actions: Vec<TestAction>,
    pub expectations: Vec<ExpectDef>,
    pub span: Span,
}

/// `at OFFSET switch to "DIR"` in a test.
#[derive(Clone, Debug)]
pub struct SwitchDef {
    pub offset: Duration,
    /// The directory as written.
    pub dir: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TestAction {
    pub offset: Duration,
    pub kind: TestActionKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TestActionKind {
    /// The payload is a `Value::Record` of the event's fields.
    Event {
        event: EventId,
        payload: Value,
    },
    Set {
        attr: AttrId,
        value: Value,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeBoundDef {
    At(Duration),
    By(Duration),
}

#[derive(Clone, Debug)]
pub struct ExpectDef {
    pub kind: ExpectKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExpectKind {
    Sent {
        message: MessageId,
        when: Option<TimeBoundDef>,
    },
    NotSent {
        message: MessageId,
    },
    Converted {
        when: Option<TimeBoundDef>,
    },
    Exited {
        when: Option<TimeBoundDef>,
    },
    Completed,
    Attr {
        attr: AttrId,
        op: CompareOp,
        value: Value,
    },
}

impl Model {
    pub fn attr(&self, id: AttrId) -> &AttrDef {
        &self.schema.attrs[id.index()]
    }
    pub fn event(&self, id: EventId) -> &EventDef {
        &self.schema.events[id.index()]
    }
    pub fn record(&self, id: RecordId) -> &RecordDef {
        &self.schema.records[id.index()]
    }
    pub fn segment(&self, id: SegmentId) -> &SegmentDef {
        &self.segments[id.index()]
    }
    pub fn score(&self, id: ScoreId) -> &ScoreDef {
        &self.scores[id.index()]
    }
    pub fn message(&self, id: MessageId) -> &MessageDef {
        &self.messages[id.index()]
    }
    pub fn campaign(&self, id: CampaignId) -> &CampaignDef {
        &self.campaigns[id.index()]
    }
    pub fn persona(&self, id: PersonaId) -> &PersonaDef {
        &self.personas[id.index()]
    }
    /// The campaign named `name` (the campaigns are sorted by name).
    pub fn campaign_named(&self, name: &str) -> Option<&CampaignDef> {
        named(&self.campaigns, name, |c: &Arc<CampaignDef>| &c.name).map(|c| &**c)
    }
    /// The message named `name` (the messages are sorted by name).
    pub fn message_named(&self, name: &str) -> Option<&MessageDef> {
        named(&self.messages, name, |m: &Arc<MessageDef>| &m.name).map(|m| &**m)
    }
    pub fn attr_by_name(&self, name: &str) -> Option<AttrId> {
        self.schema
            .attrs
            .iter()
            .position(|a| a.name == name)
            .map(|i| AttrId(i as u32))
    }
    /// The attribute granting marketing consent on `channel`, if any.
    /// The persona a preview of locale `locale` uses (LANGUAGE.md): the
    /// first persona (in source order) whose `locale` attribute is
    /// `locale`; otherwise the first persona, shown with its locale set to
    /// `locale` — then the flag is `true`.
    pub fn preview_persona(&self, locale: &str) -> Option<(PersonaId, bool)> {
        let mut order: Vec<usize> = (0..self.personas.len()).collect();
        order.sort_by_key(|&i| (self.personas[i].span.file, self.personas[i].span.start));
        let locale_attr = self.attr_by_name("locale");
        let exact = order.iter().copied().find(|&i| {
            locale_attr.and_then(|a| self.personas[i].attr(a))
                == Some(&Value::String(locale.to_string()))
        });
        match exact {
            Some(i) => Some((PersonaId(i as u32), false)),
            None => order.first().map(|&i| (PersonaId(i as u32), true)),
        }
    }

    pub fn consent_attr(&self, channel: Channel) -> Option<AttrId> {
        self.schema
            .attrs
            .iter()
            .position(|a| a.consent == Some(channel))
            .map(|i| AttrId(i as u32))
    }
}

#[cfg(test)]
mod walk_tests {
    use super::*;

    fn step(kind: StepKindDef) -> StepDef {
        StepDef {
            label: None,
            kind,
            span: Span::default(),
        }
    }

    fn send(n: u32) -> StepDef {
        step(StepKindDef::Send {
            message: MessageId(n),
            event_scope: None,
        })
    }

    fn expr(kind: TExprKind) -> TExpr {
        TExpr {
            kind,
            ty: Type::Bool,
            span: Span::default(),
        }
    }

    fn segment(n: u32) -> TExpr {
        expr(TExprKind::Segment(SegmentId(n)))
    }

    /// `send 0`, then an `if` (segment 1 and not segment 2: `send 1`, a
    /// split of `send 2` / `wait 1d`; else if segment 3: `send 3`; else a
    /// `wait for` whose filter names segment 4 with `send 4` on the event
    /// and `set` to segment 5 on timeout), then `send 5`.
    fn flow() -> Vec<StepDef> {
        let variant = |name: &str, steps| SplitVariantDef {
            name: name.into(),
            percent: DecimalLit {
                mantissa: 50,
                scale: 0,
            },
            steps,
            span: Span::default(),
        };
        let cond = expr(TExprKind::And(
            Box::new(segment(1)),
            Box::new(expr(TExprKind::Not(Box::new(segment(2))))),
        ));
        let split = step(StepKindDef::Split {
            name: "s".into(),
            variants: vec![
                variant("x", vec![send(2)]),
                variant("y", vec![step(StepKindDef::Wait(Duration::new(1, 0)))]),
            ],
        });
        let wait_for = step(StepKindDef::WaitFor {
            event: EventId(0),
            filter: Some(segment(4)),
            timeout: Duration::new(1, 0),
            on_event: vec![send(4)],
            on_timeout: vec![step(StepKindDef::Set {
                attr: AttrId(0),
                value: segment(5),
            })],
        });
        vec![
            send(0),
            step(StepKindDef::If {
                branches: vec![(cond, vec![send(1), split]), (segment(3), vec![send(3)])],
                otherwise: Some(vec![wait_for]),
            }),
            send(5),
        ]
    }

    #[test]
    fn walk_steps_visits_every_arm_in_source_order() {
        let flow = flow();
        let mut sent = Vec::new();
        walk_steps(&flow, &mut |s| {
            if let StepKindDef::Send { message, .. } = s.kind {
                sent.push(message.0);
            }
        });
        assert_eq!(sent, vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn walk_blocks_visits_nested_branch_and_split_arms() {
        let flow = flow();
        let mut sizes = Vec::new();
        walk_blocks(&flow, &mut |b| sizes.push(b.len()));
        // top, then arm, its split's two variants, else-if arm, else arm,
        // then the wait for's on event and on timeout
        assert_eq!(sizes, vec![3, 2, 1, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn walk_flow_exprs_reaches_every_operand() {
        let flow = flow();
        let mut segments = Vec::new();
        walk_flow_exprs(&flow, &mut |e| {
            if let TExprKind::Segment(id) = e.kind {
                segments.push(id.0);
            }
        });
        assert_eq!(segments, vec![1, 2, 3, 4, 5]);
    }
}
