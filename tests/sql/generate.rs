//! Random well-typed segments and scores over a project's schema, as
//! `.camp` text, for the differential in tests/sql.rs.
//!
//! The generator is typed: it asks for a condition, or for a value of one
//! type, and builds it from what gives that type in the language —
//! attributes (optional ones too), literals, `now`, arithmetic on times,
//! dates, money and numbers, event queries (`performed`, `count`, `sum`,
//! `last`, with `where` on the event's properties and `within` windows in
//! `d`/`w` calendar days and `h`/`m` elapsed time), the project's segments
//! and scores by name, and the generated segments before the one being
//! written. Every sub-expression is parenthesised, so precedence (and the
//! greedy `where`) never changes what was meant. Literals come from the
//! same small pools the population draws its values from, so comparisons
//! hold for some customers and not for others.
//!
//! A generated project that fails to type-check is a bug of this file:
//! the test prints the text and fails.

use campaignc::check::model::{EventDef, Model, Type};

use super::{Draw, Rng, WORDS};

/// What a generated expression may read.
pub struct Generator<'m> {
    model: &'m Model,
    rng: Rng,
    /// Segments an expression may name (the project's, then the generated
    /// ones before the current).
    segments: Vec<String>,
    /// Scores an expression may name.
    scores: Vec<String>,
}

/// Where an expression sits: at the customer, or in the `where` of an
/// event query (bare names are then the event's properties).
#[derive(Clone, Copy)]
struct Ctx<'m> {
    event: Option<&'m EventDef>,
    depth: u32,
}

impl Ctx<'_> {
    fn deeper(self) -> Self {
        Ctx {
            depth: self.depth.saturating_sub(1),
            ..self
        }
    }
}

/// The kinds of values the generator compares.
#[derive(Clone, Debug, PartialEq)]
enum G {
    Int,
    Decimal,
    Money(String),
    Text,
    /// `email`, `phone`, `url`: text without an order.
    Address,
    Enum(Vec<String>),
    Locale,
    Timezone,
    Time,
    Date,
    Duration,
    Bool,
}

fn g_of(ty: &Type) -> Option<G> {
    Some(match ty.strip_optional() {
        Type::Int => G::Int,
        Type::Decimal => G::Decimal,
        Type::Money(c) => G::Money(c.clone()),
        Type::String => G::Text,
        Type::Email | Type::Phone | Type::Url => G::Address,
        Type::Enum(v) => G::Enum(v.to_vec()),
        Type::Locale => G::Locale,
        Type::Timezone => G::Timezone,
        Type::Time => G::Time,
        Type::Date => G::Date,
        Type::Bool => G::Bool,
        _ => return None,
    })
}

const WINDOWS: &[&str] = &[
    "1d", "2d", "7d", "10d", "14d", "21d", "30d", "60d", "90d", "180d", "1w", "2w", "4w", "1h",
    "12h", "24h", "36h", "48h", "30m", "90m", "1d12h", "2w3d",
];
const ZONE_LITERALS: &[&str] = &["Europe/Prague", "America/New_York", "UTC"];
const LOCALES: &[&str] = &["en", "vi", "cs"];

impl<'m> Generator<'m> {
    pub fn new(model: &'m Model, seed: u64) -> Self {
        Generator {
            model,
            rng: Rng::with_seed(seed),
            segments: model.segments.iter().map(|s| s.name.clone()).collect(),
            scores: model.scores.iter().map(|s| s.name.clone()).collect(),
        }
    }

    /// `.camp` text: `scores` scores then `segments` segments named
    /// `{prefix}_score_N` and `{prefix}_N`.
    pub fn project_text(&mut self, prefix: &str, scores: usize, segments: usize) -> String {
        let mut out = String::new();
        for i in 0..scores {
            let name = format!("{prefix}_score_{i}");
            out.push_str(&format!("score {name} {{\n"));
            for _ in 0..1 + self.rng.below(3) {
                out.push_str(&format!("  {}\n", self.rule()));
            }
            out.push_str("}\n\n");
            self.scores.push(name);
        }
        for i in 0..segments {
            let name = format!("{prefix}_{i}");
            let depth = 1 + self.rng.below(3) as u32;
            let cond = self.cond(Ctx { event: None, depth });
            out.push_str(&format!("segment {name} = {cond}\n\n"));
            self.segments.push(name);
        }
        out
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.rng.below(one_in) == 0
    }

    fn rule(&mut self) -> String {
        let points = [5i64, 10, -10, 20, 3, -7][self.rng.below(6) as usize];
        let sign = if points > 0 { "+" } else { "" };
        if self.chance(2) {
            let event = self.event();
            let tail = self.filter_and_window(event, 1);
            let mut r = format!("{sign}{points} per {}{tail}", event.name);
            if self.chance(2) {
                r.push_str(&format!(" max {}", 10 + 10 * self.rng.below(5)));
            }
            r
        } else {
            let c = self.cond(Ctx {
                event: None,
                depth: 1,
            });
            format!("{sign}{points} if {c}")
        }
    }

    /// Half the time a `where` on the event's properties (conditions
    /// `depth` deep), half the time a `within` window.
    fn filter_and_window(&mut self, event: &'m EventDef, depth: u32) -> String {
        let mut tail = String::new();
        if self.chance(2) && !event.fields.is_empty() {
            let f = self.cond(Ctx {
                event: Some(event),
                depth,
            });
            tail.push_str(&format!(" where {f}"));
        }
        if self.chance(2) {
            tail.push_str(&format!(" within {}", self.window()));
        }
        tail
    }

    fn event(&mut self) -> &'m EventDef {
        let model = self.model;
        self.rng.pick(&model.schema.events)
    }

    fn window(&mut self) -> &'static str {
        WINDOWS[self.rng.usize(..WINDOWS.len())]
    }

    /// A condition.
    fn cond(&mut self, ctx: Ctx<'m>) -> String {
        let leaf = ctx.depth == 0;
        loop {
            let pick = if leaf {
                2 + self.rng.below(8)
            } else {
                self.rng.below(10)
            };
            let made = match pick {
                0 => {
                    let word = if self.chance(2) { "and" } else { "or" };
                    let n = 2 + self.rng.below(2);
                    let parts: Vec<String> = (0..n)
                        .map(|_| format!("({})", self.cond(ctx.deeper())))
                        .collect();
                    Some(parts.join(&format!(" {word} ")))
                }
                1 => Some(format!("not ({})", self.cond(ctx.deeper()))),
                2..=4 => self.compare(ctx),
                5 => self.in_list(ctx),
                6 => self.text_op(ctx),
                7 => self.is_set(ctx),
                8 => Some(self.performed(ctx)),
                _ => self.named_bool(ctx),
            };
            if let Some(c) = made {
                return c;
            }
        }
    }

    fn named_bool(&mut self, ctx: Ctx<'m>) -> Option<String> {
        if ctx.event.is_none() && !self.segments.is_empty() && self.chance(2) {
            return Some(self.rng.pick(&self.segments).clone());
        }
        let v = self.value(&G::Bool, ctx)?;
        Some(if self.chance(2) {
            v
        } else {
            format!("{v} == {}", self.chance(2))
        })
    }

    fn performed(&mut self, ctx: Ctx<'m>) -> String {
        let event = self.event();
        let mut s = format!("performed {}", event.name);
        if self.chance(2) && !event.fields.is_empty() {
            let f = self.cond(Ctx {
                event: Some(event),
                depth: ctx.depth.min(1),
            });
            s.push_str(&format!(" where {f}"));
        }
        if !self.chance(3) {
            s.push_str(&format!(" within {}", self.window()));
        }
        format!("({s})")
    }

    fn comparable(&mut self) -> G {
        let all = [
            G::Int,
            G::Int,
            G::Money("USD".into()),
            G::Money("USD".into()),
            G::Decimal,
            G::Text,
            G::Address,
            G::Time,
            G::Time,
            G::Date,
            G::Duration,
            G::Locale,
            G::Timezone,
            G::Bool,
            G::Enum(Vec::new()),
        ];
        let g = self.rng.pick(&all).clone();
        match g {
            // The currency of the schema's money.
            G::Money(_) => self
                .types()
                .into_iter()
                .find(|t| matches!(t, G::Money(_)))
                .unwrap_or(G::Int),
            g => g,
        }
    }

    /// Every type the schema has.
    fn types(&self) -> Vec<G> {
        let mut out = Vec::new();
        for a in &self.model.schema.attrs {
            out.extend(g_of(&a.ty));
        }
        for e in &self.model.schema.events {
            for f in &e.fields {
                out.extend(g_of(&f.ty));
            }
        }
        out
    }

    fn compare(&mut self, ctx: Ctx<'m>) -> Option<String> {
        let mut g = self.comparable();
        if let G::Enum(_) = g {
            // An enum of the schema.
            let enums: Vec<G> = self
                .types()
                .into_iter()
                .filter(|t| matches!(t, G::Enum(_)))
                .collect();
            if enums.is_empty() {
                return None;
            }
            g = self.rng.pick(&enums).clone();
        }
        let ordered = !matches!(
            g,
            G::Enum(_) | G::Bool | G::Locale | G::Timezone | G::Address
        );
        let ops: &[&str] = if ordered {
            &["==", "!=", "<", "<=", ">", ">="]
        } else {
            &["==", "!="]
        };
        let op = *self.rng.pick(ops);
        let lhs = self.value(&g, ctx)?;
        let rhs = if self.chance(3) {
            self.value(&g, ctx)?
        } else {
            self.literal(&g)?
        };
        Some(format!("{lhs} {op} {rhs}"))
    }

    fn in_list(&mut self, ctx: Ctx<'m>) -> Option<String> {
        let g = match self.rng.below(4) {
            0 => G::Int,
            1 => G::Text,
            2 => G::Locale,
            _ => self
                .types()
                .into_iter()
                .find(|t| matches!(t, G::Enum(_)))
                .unwrap_or(G::Int),
        };
        let lhs = self.value(&g, ctx)?;
        let n = 1 + self.rng.below(3);
        let mut items = Vec::new();
        for _ in 0..n {
            let item = if g == G::Int && self.chance(4) {
                self.value(&g, ctx)?
            } else {
                self.literal(&g)?
            };
            items.push(item);
        }
        let not = if self.chance(2) { "not " } else { "" };
        Some(format!("{lhs} {not}in [{}]", items.join(", ")))
    }

    fn text_op(&mut self, ctx: Ctx<'m>) -> Option<String> {
        // A list property's `contains`, in a `where`.
        if let Some(event) = ctx.event {
            let lists: Vec<&str> = event
                .fields
                .iter()
                .filter(
                    |f| matches!(f.ty.strip_optional(), Type::List(e) if g_of(e) == Some(G::Text)),
                )
                .map(|f| f.name.as_str())
                .collect();
            if !lists.is_empty() && self.chance(2) {
                let l = *self.rng.pick(&lists);
                return Some(format!("{l} contains {}", self.literal(&G::Text)?));
            }
        }
        let op = *self.rng.pick(&["contains", "starts_with", "ends_with"]);
        let lhs = self.value(&G::Text, ctx)?;
        let piece = *self
            .rng
            .pick(&["an", "b", "SPRING", "-X", "o", "", "Li", "gift"]);
        Some(format!("{lhs} {op} \"{piece}\""))
    }

    fn is_set(&mut self, ctx: Ctx<'m>) -> Option<String> {
        let mut optional: Vec<String> = Vec::new();
        for a in &self.model.schema.attrs {
            if matches!(a.ty, Type::Optional(_)) && g_of(&a.ty).is_some() {
                optional.push(self.attr(&a.name, ctx));
            }
        }
        if let Some(e) = ctx.event {
            for f in &e.fields {
                if matches!(f.ty, Type::Optional(_)) {
                    optional.push(f.name.clone());
                }
            }
        }
        let e = self.event();
        optional.push(format!("last({})", e.name));
        let v = self.rng.pick(&optional).clone();
        let not = if self.chance(2) { "not " } else { "" };
        Some(format!("{v} is {not}set"))
    }

    /// An attribute as written in `ctx`.
    fn attr(&self, name: &str, ctx: Ctx) -> String {
        if ctx.event.is_some() {
            format!("customer.{name}")
        } else {
            name.to_string()
        }
    }

    /// A value of kind `g` that is not a literal when it can help it.
    fn value(&mut self, g: &G, ctx: Ctx<'m>) -> Option<String> {
        let mut options: Vec<String> = Vec::new();
        for a in &self.model.schema.attrs {
            if g_of(&a.ty).as_ref() == Some(g) {
                options.push(self.attr(&a.name, ctx));
            }
        }
        if let Some(e) = ctx.event {
            for f in &e.fields {
                if g_of(&f.ty).as_ref() == Some(g) {
                    // Properties are what a `where` is about: weigh them up.
                    options.push(f.name.clone());
                    options.push(f.name.clone());
                }
            }
        }
        let nested = ctx.depth > 0 || ctx.event.is_none();
        match g {
            G::Int => {
                if nested {
                    let e = self.event();
                    let tail = self.filter_and_window(e, 0);
                    options.push(format!("count({}{tail})", e.name));
                }
                if ctx.event.is_none() && !self.scores.is_empty() {
                    options.push(self.rng.pick(&self.scores).clone());
                }
                if !options.is_empty() && self.chance(4) {
                    let base = self.rng.pick(&options).clone();
                    options.push(format!("({base} + {})", self.rng.below(5)));
                }
            }
            G::Money(cur) => {
                if nested {
                    let mut sums = Vec::new();
                    for e in &self.model.schema.events {
                        for f in &e.fields {
                            if g_of(&f.ty) == Some(G::Money(cur.clone())) {
                                sums.push((e, f.name.clone()));
                            }
                        }
                    }
                    if !sums.is_empty() {
                        let (e, p) = self.rng.pick(&sums).clone();
                        let tail = self.filter_and_window(e, 0);
                        options.push(format!("sum({}.{p}{tail})", e.name));
                    }
                }
                if !options.is_empty() && self.chance(4) {
                    let base = self.rng.pick(&options).clone();
                    let sign = if self.chance(2) { "+" } else { "-" };
                    options.push(format!("({base} {sign} {})", self.literal(g)?));
                }
            }
            G::Time => {
                options.push("now".into());
                let e = self.event();
                options.push(format!("last({})", e.name));
                let e = self.event();
                options.push(format!("last({})", e.name));
                let base = self.rng.pick(&options).clone();
                let sign = if self.chance(2) { "+" } else { "-" };
                options.push(format!("({base} {sign} {})", self.window()));
                options.push(format!("(now - {})", self.window()));
            }
            G::Date if !options.is_empty() && self.chance(3) => {
                let base = self.rng.pick(&options).clone();
                let sign = if self.chance(2) { "+" } else { "-" };
                let days = *self.rng.pick(&["1d", "7d", "2w", "30d"]);
                options.push(format!("({base} {sign} {days})"));
            }
            G::Duration => {
                let a = self.value(&G::Time, ctx.deeper())?;
                let b = self.value(&G::Time, ctx.deeper())?;
                options.push(format!("({a} - {b})"));
                let e = self.event();
                options.push(format!("(now - last({}))", e.name));
            }
            _ => {}
        }
        if options.is_empty() {
            return self.literal(g);
        }
        Some(self.rng.pick(&options).clone())
    }

    fn literal(&mut self, g: &G) -> Option<String> {
        Some(match g {
            G::Int => {
                if self.chance(2) {
                    self.rng.below(6).to_string()
                } else {
                    self.rng.below(200).to_string()
                }
            }
            G::Decimal => format!("0.{:02}", self.rng.below(100)),
            G::Money(cur) => {
                let cents = self.rng.below(40_000);
                if self.chance(2) {
                    format!("{} {cur}", cents / 100)
                } else {
                    format!("{}.{:02} {cur}", cents / 100, cents % 100)
                }
            }
            G::Text | G::Address => format!("\"{}\"", self.rng.pick(WORDS)),
            G::Enum(v) => self.rng.pick(v).clone(),
            G::Locale => self.rng.pick(LOCALES).to_string(),
            G::Timezone => format!("\"{}\"", self.rng.pick(ZONE_LITERALS)),
            G::Time => {
                let day = 5 - self.rng.below(60) as i64;
                let date = jiff::civil::date(2026, 4, 5)
                    .checked_add(jiff::Span::new().days(day))
                    .ok()?;
                format!("{date}T{:02}:30:00Z", self.rng.below(24))
            }
            G::Date => {
                let day = 60 - self.rng.below(120) as i64;
                jiff::civil::date(2026, 4, 5)
                    .checked_add(jiff::Span::new().days(day))
                    .ok()?
                    .to_string()
            }
            G::Duration => self.window().to_string(),
            G::Bool => self.chance(2).to_string(),
        })
    }
}
