//! The typed syntax tree of a `.camp` file.
//!
//! Invariants:
//! - Every node carries the [`Span`] of the source text it was parsed from,
//!   so later stages can point diagnostics at the exact place.
//! - The tree is purely syntactic: names are unresolved [`Ident`]s, and
//!   nothing here knows about types. The checker (`src/check/`) resolves it.
//! - No pest type appears here; the parser is the only place that sees them.
//! - Literals are already decoded (escapes, block-string indentation,
//!   numbers), but each [`StrLit`] keeps a map back to source offsets so a
//!   template error inside a string is reported at its exact column.

use crate::source::{FileId, Span};

/// A name as written, e.g. `signed_up`, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `///` doc comment lines attached to the declaration that follows them,
/// joined with `\n`, with the `///` and one following space removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub text: String,
    pub span: Span,
}

/// One parsed `.camp` file. A file with syntax errors still has a tree:
/// the parser skips what it cannot read (see [`Skipped`]) and keeps the
/// rest.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFileAst {
    pub file: FileId,
    pub items: Vec<Item>,
    /// The parts of the file the parser could not read and left out of
    /// `items`, in source order; each has had its syntax error reported.
    pub skipped: Vec<Skipped>,
}

/// Source text left out of the tree because of a syntax error: a line of
/// a body (a flow step, a schema or test entry, a field) or the body of a
/// declaration whose head alone could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub span: Span,
    /// The words written in it (keywords included): names the broken text
    /// may refer to, so that nothing it mentions is reported as unused.
    pub words: Vec<String>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Defaults(Defaults),
    Warehouse(Warehouse),
    Schema(Schema),
    Lifecycle(Lifecycle),
    Segment(Segment),
    Score(Score),
    // The large declarations are boxed: a project of 100,000 segments
    // holds 100,000 items, each as large as the largest variant.
    Message(Box<Message>),
    Campaign(Box<Campaign>),
    Persona(Box<Persona>),
    Test(Box<Test>),
}

impl Item {
    /// Marks a declaration that did not parse completely (see
    /// [`Skipped`]). Blocks without a name (`schema`, `defaults`,
    /// `lifecycle`) carry no flag: their entries are kept one by one.
    pub fn set_broken(&mut self) {
        match self {
            Item::Segment(d) => d.broken = true,
            Item::Score(d) => d.broken = true,
            Item::Message(d) => d.broken = true,
            Item::Campaign(d) => d.broken = true,
            Item::Persona(d) => d.broken = true,
            Item::Test(d) => d.broken = true,
            Item::Defaults(_) | Item::Warehouse(_) | Item::Schema(_) | Item::Lifecycle(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------
// Literals and values
// ---------------------------------------------------------------------------

/// A decoded string literal (`"..."` or `"""..."""`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    /// The decoded text: escapes replaced, block-string indentation removed.
    pub value: String,
    /// Span of the whole literal, quotes included.
    pub span: Span,
    /// Maps decoded byte offsets back to source byte offsets: sorted runs
    /// `(decoded_start, source_start)`; inside a run, bytes map one to one.
    pub offsets: Vec<(u32, u32)>,
    /// `true` for `"""` block strings.
    pub block: bool,
}

impl StrLit {
    /// The absolute source byte offset of a byte offset in [`StrLit::value`].
    pub fn source_offset(&self, decoded: usize) -> usize {
        let decoded = decoded as u32;
        let idx = match self.offsets.binary_search_by_key(&decoded, |&(d, _)| d) {
            Ok(i) => i,
            Err(0) => return self.span.start as usize,
            Err(i) => i - 1,
        };
        let (d, s) = self.offsets[idx];
        (s + (decoded - d)) as usize
    }

    /// The source span of a byte range of [`StrLit::value`].
    pub fn sub_span(&self, start: usize, end: usize) -> Span {
        let s = self.source_offset(start);
        let e = if end > start {
            self.source_offset(end - 1) + 1
        } else {
            s
        };
        Span {
            file: self.span.file,
            start: s as u32,
            end: e.max(s) as u32,
        }
    }
}

/// An exact decimal number: `mantissa / 10^scale`. `19.90` is `(1990, 2)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecimalLit {
    pub mantissa: i128,
    pub scale: u32,
}

/// A duration such as `30m`, `1d12h` or `1w`. Calendar days (weeks count
/// as 7 days) are kept apart from clock time because they differ across a
/// daylight-saving change: `wait 1d` lands at the same local time the next
/// day, `wait 24h` lands 24 hours later. May be negative or zero as written
/// (`wait -1d`, `wait 0d`), which the checker reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationLit {
    /// Calendar days (`w` × 7 + `d`), negated for a leading `-`.
    pub days: i64,
    /// Hours and minutes in seconds, negated for a leading `-`.
    pub seconds: i64,
    pub span: Span,
}

impl DurationLit {
    /// The nominal length in seconds, counting a day as 24 hours. For
    /// ordering and limits only; clock arithmetic must use days and seconds.
    pub fn nominal_seconds(&self) -> i64 {
        self.days * 86_400 + self.seconds
    }
}

/// A clock time `09:00`: minutes after local midnight (0..1440).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockTime {
    pub minutes: u32,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

/// A BCP 47 locale tag as written (`en`, `zh-Hant`, `pt-BR`). Validity is
/// the checker's business.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocaleTag {
    pub tag: String,
    pub span: Span,
}

/// A literal value, as used in expressions, persona attributes, event
/// payloads, defaults and message fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Bool(bool),
    Int(i64),
    Decimal(DecimalLit),
    /// `19.90 USD`
    Money {
        amount: DecimalLit,
        currency: Ident,
    },
    Str(StrLit),
    Duration(DurationLit),
    /// `09:00`
    Clock(ClockTime),
    /// `2026-11-22`
    Date(jiff::civil::Date),
    /// `2026-11-22T09:00` — a local date and time, no offset.
    DateTime(jiff::civil::DateTime),
    /// `2026-11-22T09:00:00Z` or with an offset.
    Instant(jiff::Timestamp),
    /// `50%`, stored as written (may exceed 100; the checker decides).
    Percent(DecimalLit),
    /// A bare word: an enum variant (`trial`), a locale (`vi`, `zh-Hant`),
    /// a category (`marketing`), an HTTP method (`POST`).
    Word(Ident),
    /// `[a, b, c]`
    List(Vec<Value>),
    /// `{ name "A", price 1 USD }`
    Record(Vec<Field>),
}

/// `name value` inside braces: persona attributes, event payload
/// properties, message fields, defaults entries.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: Ident,
    pub value: Value,
    pub span: Span,
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringOp {
    Contains,
    StartsWith,
    EndsWith,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
}

/// The time window of an event query.
#[derive(Clone, Debug, PartialEq)]
pub enum Window {
    /// `within 30d`: in the last 30 days.
    Within(DurationLit),
    /// `since entry`: since the customer entered the campaign.
    SinceEntry(Span),
}

/// The rare large parts of a node (literals, event names, windows) are
/// boxed so that the common ones (operators, paths) stay small: a project
/// of 100,000 segments holds millions of these.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare {
        op: CompareOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `x in [a, b]` / `x not in [a, b]`
    In {
        negated: bool,
        lhs: Box<Expr>,
        list: Box<Expr>,
    },
    StringOp {
        op: StringOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `x is set` / `x is not set`
    IsSet {
        negated: bool,
        expr: Box<Expr>,
    },
    Arith {
        op: ArithOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// A literal (never `Word`: bare words are [`ExprKind::Path`]).
    Literal(Box<Value>),
    /// A name or a dotted path: `plan`, `customer.plan`, `event.total`,
    /// `new_trials` (a segment), `engagement` (a score), `trial` (an enum
    /// variant, resolved by the checker from the other operand's type).
    Path(Vec<Ident>),
    /// `now`
    Now,
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `performed EVENT [where COND] [within D | since entry]`
    Performed {
        event: Box<Ident>,
        filter: Option<Box<Expr>>,
        window: Option<Box<Window>>,
    },
    /// `count(EVENT [where COND] [within D | since entry])`
    Count {
        event: Box<Ident>,
        filter: Option<Box<Expr>>,
        window: Option<Box<Window>>,
    },
    /// `sum(EVENT.PROP [where COND] [within D | since entry])`
    Sum {
        event: Box<Ident>,
        property: Box<Ident>,
        filter: Option<Box<Expr>>,
        window: Option<Box<Window>>,
    },
    /// `last(EVENT)`
    Last {
        event: Box<Ident>,
    },
}

// ---------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------

/// `defaults { locale en  timezone "UTC"  email_from "..." }`
#[derive(Clone, Debug, PartialEq)]
pub struct Defaults {
    pub fields: Vec<Field>,
    /// Each `pressure N per D` written (more than one is an error).
    pub pressure: Vec<Pressure>,
    pub span: Span,
}

/// `pressure 3 per 7d` in `defaults`: at most `count` marketing sends to a
/// customer from all campaigns together within any `per`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pressure {
    pub count: i64,
    pub count_span: Span,
    pub per: DurationLit,
    pub span: Span,
}

/// `warehouse { customers "analytics.customers"  columns { … }  … }`:
/// where the customers and events are (docs/warehouse.md).
#[derive(Clone, Debug, PartialEq)]
pub struct Warehouse {
    pub fields: Vec<Field>,
    pub span: Span,
}

/// `schema { attr …  type …  event … }`; several blocks merge.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    pub items: Vec<SchemaItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SchemaItem {
    /// `attr email_opt_in: bool consent(email)`
    Attr {
        doc: Option<Doc>,
        name: Ident,
        ty: TypeExpr,
        consent: Option<Ident>,
        span: Span,
    },
    /// `type cart_item { name: string, price: money(USD) }`
    Record {
        doc: Option<Doc>,
        name: Ident,
        fields: Vec<FieldDecl>,
        span: Span,
    },
    /// `event order_placed { order_id: string, total: money(USD) }`
    Event {
        doc: Option<Doc>,
        name: Ident,
        fields: Vec<FieldDecl>,
        span: Span,
    },
}

/// `name: type` inside a record or event declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    /// Written with a trailing `?`.
    pub optional: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A built-in type name (`bool`, `int`, `string`, `time`, …) or a record
    /// type declared with `type`; the checker tells which.
    Named(Ident),
    /// `enum(free, trial, pro)`
    Enum(Vec<Ident>),
    /// `money(USD)`
    Money(Ident),
    /// `list<T>`
    List(Box<TypeExpr>),
    /// The type of an attribute or field whose declaration did not parse:
    /// the checker types it as an error, so uses of the name are not
    /// reported again.
    Broken,
}

/// `lifecycle { stages a, b, c }`
#[derive(Clone, Debug, PartialEq)]
pub struct Lifecycle {
    pub stages: Vec<Ident>,
    pub span: Span,
}

/// `segment NAME = EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub expr: Expr,
    pub span: Span,
    /// Part of the declaration did not parse (see [`Skipped`]): it exists,
    /// so references to it resolve, but checks that need its whole body
    /// skip it.
    pub broken: bool,
}

impl Segment {
    /// Takes the expression out of the declaration, leaving `now` (at the
    /// same place) in the tree: for a caller that types segment bodies
    /// one at a time and does not keep them.
    pub fn take_expr(&mut self) -> Expr {
        let span = self.expr.span;
        std::mem::replace(
            &mut self.expr,
            Expr {
                kind: ExprKind::Now,
                span,
            },
        )
    }
}

/// `score NAME { rules }`
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub rules: Vec<ScoreRule>,
    pub span: Span,
    /// Part of the declaration did not parse (see [`Skipped`]): it exists,
    /// so references to it resolve, but checks that need its whole body
    /// skip it.
    pub broken: bool,
}

/// One line of a score: `+5 per app_opened within 30d max 50` or
/// `-10 if not performed app_opened within 14d`.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreRule {
    /// Signed points as written (`+5` → 5, `-10` → -10).
    pub points: i64,
    pub kind: ScoreRuleKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ScoreRuleKind {
    /// `per EVENT [where COND] [within D] [max N]`
    PerEvent {
        event: Ident,
        filter: Option<Expr>,
        window: Option<Window>,
        max: Option<(i64, Span)>,
    },
    /// `if COND`
    If(Expr),
}

/// `message NAME: CHANNEL { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub doc: Option<Doc>,
    pub name: Ident,
    /// `email`, `sms`, `push`, `in_app`, `webhook` as written; the checker
    /// validates it.
    pub channel: Ident,
    /// Fields written directly in the message, outside any locale block:
    /// `category`, `from`, and content fields that serve every locale.
    pub fields: Vec<Field>,
    pub locales: Vec<LocaleBlock>,
    pub span: Span,
    /// Part of the declaration did not parse (see [`Skipped`]): it exists,
    /// so references to it resolve, but checks that need its whole body
    /// skip it.
    pub broken: bool,
}

/// `locale vi { subject "…" body "…" }`
#[derive(Clone, Debug, PartialEq)]
pub struct LocaleBlock {
    pub locale: LocaleTag,
    pub fields: Vec<Field>,
    pub span: Span,
}

/// `campaign NAME { settings… flow { … } }`
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub doc: Option<Doc>,
    pub name: Ident,
    /// In source order; duplicates are the checker's to report.
    pub settings: Vec<Setting>,
    pub flow: Option<Block>,
    pub span: Span,
    /// Part of the declaration did not parse (see [`Skipped`]): it exists,
    /// so references to it resolve, but checks that need its whole body
    /// skip it.
    pub broken: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub kind: SettingKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SettingKind {
    Stage(Ident),
    Trigger(Trigger),
    Audience(Expr),
    Reentry(Reentry),
    Goal(Expr),
    /// `exit when COND`
    ExitWhen(Expr),
    Locales(Vec<LocaleTag>),
    /// `send_window 09:00-20:00`
    SendWindow {
        start: ClockTime,
        end: ClockTime,
    },
    /// `cap 2 per 1d`
    Cap {
        count: i64,
        count_span: Span,
        per: DurationLit,
    },
    /// `holdout 10%`
    Holdout(Value),
    /// `priority 10`: who goes first under the project's `pressure`.
    Priority {
        value: i64,
        value_span: Span,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Reentry {
    Never(Span),
    After(DurationLit),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    pub kind: TriggerKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TriggerKind {
    /// `trigger event EVENT [where COND]`
    Event { event: Ident, filter: Option<Expr> },
    /// `trigger enters SEGMENT`
    Enters(Ident),
    /// `trigger changed ATTR [to VALUE]`
    Changed { attr: Ident, to: Option<Expr> },
    /// `trigger every …`
    Every(Schedule),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// `every day at 09:00`
    Daily { at: ClockTime },
    /// `every monday at 09:00`
    Weekly { day: Weekday, at: ClockTime },
    /// `every month on 1 at 09:00`
    Monthly {
        day: u32,
        day_span: Span,
        at: ClockTime,
    },
}

/// `{ step step … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub steps: Vec<Step>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// `LABEL:` before the step: its explicit identity in the plan.
    pub label: Option<Ident>,
    pub kind: StepKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StepKind {
    Send {
        message: Ident,
    },
    Wait {
        duration: DurationLit,
    },
    /// `wait until 09:00 [on monday]`
    WaitUntil {
        time: ClockTime,
        day: Option<(Weekday, Span)>,
    },
    /// `wait for EVENT [where COND] up to D { on event {…} on timeout {…} }`
    WaitFor {
        event: Ident,
        filter: Option<Expr>,
        timeout: DurationLit,
        on_event: Option<Block>,
        on_timeout: Option<Block>,
    },
    /// `if C {…} else if C {…} else {…}`
    If {
        branches: Vec<(Expr, Block)>,
        otherwise: Option<Block>,
    },
    /// `split NAME { VARIANT PCT { … } … }`
    Split {
        name: Ident,
        variants: Vec<SplitVariant>,
    },
    /// `set ATTR = EXPR`
    Set {
        attr: Ident,
        value: Expr,
    },
    Exit,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SplitVariant {
    pub name: Ident,
    /// The percentage as written (a `Percent` value, or whatever the user
    /// wrote there; the checker reports non-percentages).
    pub percent: Value,
    pub body: Block,
    pub span: Span,
}

/// `persona NAME { attributes… event NAME { … } … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Persona {
    pub doc: Option<Doc>,
    pub name: Ident,
    pub fields: Vec<Field>,
    pub events: Vec<EventSample>,
    pub span: Span,
    /// Part of the declaration did not parse (see [`Skipped`]): it exists,
    /// so references to it resolve, but checks that need its whole body
    /// skip it.
    pub broken: bool,
}

/// `event cart_abandoned { cart_url "…" total 59.90 USD }` in a persona.
#[derive(Clone, Debug, PartialEq)]
pub struct EventSample {
    pub event: Ident,
    pub fields: Vec<Field>,
    pub span: Span,
}

/// `test "description" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    pub doc: Option<Doc>,
    pub name: StrLit,
    pub items: Vec<TestItem>,
    pub span: Span,
    /// Part of the declaration did not parse (see [`Skipped`]): it exists,
    /// so references to it resolve, but checks that need its whole body
    /// skip it.
    pub broken: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TestItem {
    pub kind: TestItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TestItemKind {
    Campaign(Ident),
    Persona(Ident),
    Variant(VariantChoice),
    /// `start 2026-11-02T10:00` (persona local time).
    Start(Value),
    /// `at 1d2h event project_created { name "Demo" }`
    AtEvent {
        offset: DurationLit,
        event: Ident,
        fields: Vec<Field>,
    },
    /// `at 2d set loyalty_tier = gold` — an extension: changes an attribute
    /// at that time, so `trigger changed …` and `enters SEGMENT` can be tested.
    AtSet {
        offset: DurationLit,
        attr: Ident,
        value: Value,
    },
    /// `at 1d switch to "../v2"`: from then on the campaign runs on its
    /// plan from the project in that directory (relative to the project).
    AtSwitch {
        offset: DurationLit,
        dir: StrLit,
    },
    Expect(Expectation),
}

#[derive(Clone, Debug, PartialEq)]
pub enum VariantChoice {
    Holdout(Span),
    Treatment(Span),
    /// `variant offer_test.pick`
    Split {
        split: Ident,
        variant: Ident,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum TimeBound {
    /// `at T`: exactly at that offset.
    At(DurationLit),
    /// `by T`: at or before that offset.
    By(DurationLit),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    /// `expect sent M [at T | by T]`
    Sent {
        message: Ident,
        when: Option<TimeBound>,
    },
    /// `expect not sent M`
    NotSent { message: Ident },
    /// `expect converted [at T]`
    Converted { when: Option<TimeBound> },
    /// `expect exited [at T]`
    Exited { when: Option<TimeBound> },
    /// `expect completed`
    Completed,
    /// `expect customer.ATTR == VALUE`
    Attr {
        attr: Ident,
        op: CompareOp,
        value: Value,
    },
}
