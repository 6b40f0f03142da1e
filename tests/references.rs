//! The model's reference table (`check::references`): every declaration
//! with its name span, every resolved use with what it names, for each
//! kind of name; template variables inside `{{ }}`; go-to-definition and
//! find-references; what the plan and the unused-declaration warnings read
//! from it.
//!
//! Spans are asserted exactly: each expected use is found in the source
//! text by a marker (the `n`th occurrence of a word), never by counting
//! columns by hand.

#[path = "common/fixtures.rs"]
mod fixtures;

use campaignc::check::model::{Model, Reference, Symbol, UseSite};
use campaignc::diagnostics::{Diagnostic, Problems};
use campaignc::source::{FileId, SourceMap, Span};

const SCHEMA: &str = r#"defaults {
  locale en
  timezone "UTC"
  email_from "Acme <hello@acme.example>"
}

lifecycle {
  stages onboarding, retention
}

schema {
  attr email: email
  attr email_opt_in: bool consent(email)
  attr locale: locale
  attr plan: enum(free, trial, pro)
  attr first_name: string?
  type cart_item { name: string, price: money(USD) }
  event order_placed { total: money(USD), items: list<cart_item>, first: cart_item }
  event app_opened { screen: string }
}

score engagement {
  +5 per app_opened where screen == "home" within 30d max 50
}

segment paying = plan in [trial, pro]
segment keen = paying and engagement >= 10 and customer.plan != free
"#;

const FLOWS: &str = r#"message thanks: email {
  locale en {
    subject "Thanks"
    body """
      Đà Lạt, Praha, 台北 — {{customer.first_name}}!
      Your total: {{money event.total}}.
      {{#each event.items}}{{name}} {{/each}}
      Score {{customer.engagement}}. [Unsubscribe]({{unsubscribe_url}}) {{campaign.name}}
      """
  }
  locale vi {
    subject "Cảm ơn"
    body "Xin chào {{customer.email}} [Hủy]({{unsubscribe_url}})"
  }
}

campaign after_order {
  stage onboarding
  trigger event order_placed where total > 10 USD and first.price > 1 USD
  audience keen
  locales en, vi
  flow {
    send thanks
    set plan = pro
    split offer {
      a 50% { exit }
      b 50% { exit }
    }
  }
}

persona linh {
  email "linh@example.com"
  email_opt_in true
  locale vi
  plan trial
  event order_placed { total 20 USD, items [{ name "Beans", price 20 USD }], first { name "Beans", price 20 USD } }
}

test "thanks are sent" {
  campaign after_order
  persona linh
  variant offer.b
  at 1m event order_placed { total 20 USD, items [], first { name "Tea", price 5 USD } }
  expect sent thanks
  expect customer.plan == pro
}
"#;

struct Checked {
    sources: SourceMap,
    model: Model,
    diags: Vec<Diagnostic>,
}

fn check(files: &[(&str, &str)]) -> Checked {
    let mut sources = SourceMap::new();
    for (path, text) in files {
        sources.add(*path, std::path::Path::new(path), text.to_string());
    }
    let mut problems = Problems::new();
    let asts = campaignc::syntax::parse_project(&sources, &mut problems);
    let model = campaignc::check::check(&asts, &mut problems);
    Checked {
        sources,
        model,
        diags: problems.into_sorted(),
    }
}

fn project() -> Checked {
    let c = check(&[("a_schema.camp", SCHEMA), ("b_flows.camp", FLOWS)]);
    let errors: Vec<String> = c
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "the fixture must check: {errors:?}");
    c
}

/// The span of the `nth` (0-based) occurrence of `word` as a whole word
/// in `file`, searching after the first occurrence of `after`.
fn span_of(c: &Checked, file: u32, after: &str, word: &str, nth: usize) -> Span {
    let text = &c.sources.get(FileId(file)).text;
    let from = text.find(after).expect("marker");
    let is_name = |ch: char| ch.is_alphanumeric() || ch == '_';
    let hits: Vec<usize> = text[from..]
        .match_indices(word)
        .map(|(i, _)| from + i)
        .filter(|&i| {
            !text[..i].chars().next_back().is_some_and(is_name)
                && !text[i + word.len()..].chars().next().is_some_and(is_name)
        })
        .collect();
    let at = hits[nth];
    Span::new(FileId(file), at, at + word.len())
}

fn uses_at(c: &Checked, span: Span) -> Vec<&Reference> {
    c.model
        .references()
        .uses()
        .iter()
        .filter(|r| r.span == span)
        .collect()
}

/// Asserts that exactly `target` is used at `span`, from `site`, and that
/// the use knows its declaration's name span.
fn assert_use(c: &Checked, span: Span, target: Symbol, site: UseSite) {
    let found = uses_at(c, span);
    let targets: Vec<&Symbol> = found.iter().map(|r| &*r.target).collect();
    assert_eq!(
        targets,
        vec![&target],
        "uses at {:?} ({:?})",
        span,
        c.sources.snippet(span)
    );
    assert_eq!(found[0].site, site, "site of {target:?}");
    let declared = c
        .model
        .references()
        .declaration(&target)
        .map(|d| d.name_span);
    assert_eq!(
        c.model.references().declared_at(found[0]),
        declared,
        "declared_at of {target:?}"
    );
}

fn s(name: &str) -> String {
    name.to_string()
}

fn attr(n: &str) -> Symbol {
    Symbol::Attr(s(n))
}

fn prop(e: &str, p: &str) -> Symbol {
    Symbol::Property {
        event: s(e),
        property: s(p),
    }
}

fn field(r: &str, f: &str) -> Symbol {
    Symbol::Field {
        record: s(r),
        field: s(f),
    }
}

fn split(variant: Option<&str>) -> Symbol {
    match variant {
        None => Symbol::Split {
            campaign: s("after_order"),
            split: s("offer"),
        },
        Some(v) => Symbol::SplitVariant {
            campaign: s("after_order"),
            split: s("offer"),
            variant: s(v),
        },
    }
}

fn variant(owner: Symbol, v: &str) -> Symbol {
    Symbol::Variant {
        owner: Box::new(owner),
        variant: s(v),
    }
}

#[test]
fn declarations_have_their_name_spans() {
    let c = project();
    let refs = c.model.references();
    let cases = [
        (attr("plan"), 0, "schema", "plan", 0),
        (Symbol::Record(s("cart_item")), 0, "schema", "cart_item", 0),
        (
            Symbol::Event(s("order_placed")),
            0,
            "schema",
            "order_placed",
            0,
        ),
        (field("cart_item", "price"), 0, "type cart_item", "price", 0),
        (
            prop("order_placed", "total"),
            0,
            "event order_placed",
            "total",
            0,
        ),
        (variant(attr("plan"), "trial"), 0, "attr plan", "trial", 0),
        (Symbol::Score(s("engagement")), 0, "score", "engagement", 0),
        (Symbol::Segment(s("keen")), 0, "segment keen", "keen", 0),
        (Symbol::Message(s("thanks")), 1, "message", "thanks", 0),
        (
            Symbol::Campaign(s("after_order")),
            1,
            "campaign",
            "after_order",
            0,
        ),
        (Symbol::Persona(s("linh")), 1, "persona", "linh", 0),
        (Symbol::Stage(s("onboarding")), 0, "stages", "onboarding", 0),
        (split(None), 1, "split", "offer", 0),
        (split(Some("b")), 1, "split offer", "b", 0),
    ];
    for (symbol, file, after, word, nth) in cases {
        let d = refs
            .declaration(&symbol)
            .unwrap_or_else(|| panic!("{symbol:?} is declared"));
        assert_eq!(
            d.name_span,
            span_of(&c, file, after, word, nth),
            "{symbol:?}"
        );
        assert!(d.span.start <= d.name_span.start && d.name_span.end <= d.span.end);
    }
    // Locales and template built-ins have uses only.
    assert!(refs.declaration(&Symbol::Locale(s("vi"))).is_none());
}

#[test]
fn names_in_expressions_resolve_to_their_declarations() {
    let c = project();
    let code = UseSite::Code;
    // Bare attribute, enum variants through the attribute's type.
    assert_use(
        &c,
        span_of(&c, 0, "segment paying", "plan", 0),
        attr("plan"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 0, "segment paying", "trial", 0),
        variant(attr("plan"), "trial"),
        code,
    );
    // Segment, score, `customer.ATTR` and a variant on the right.
    assert_use(
        &c,
        span_of(&c, 0, "segment keen", "paying", 0),
        Symbol::Segment(s("paying")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 0, "segment keen", "engagement", 0),
        Symbol::Score(s("engagement")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 0, "customer.plan", "plan", 0),
        attr("plan"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 0, "customer.plan", "free", 0),
        variant(attr("plan"), "free"),
        code,
    );
    // An event and the property its `where` filters on.
    assert_use(
        &c,
        span_of(&c, 0, "+5 per", "app_opened", 0),
        Symbol::Event(s("app_opened")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 0, "+5 per", "screen", 0),
        prop("app_opened", "screen"),
        code,
    );
    // Record types named in types.
    assert_use(
        &c,
        span_of(&c, 0, "event order_placed", "cart_item", 0),
        Symbol::Record(s("cart_item")),
        code,
    );
}

#[test]
fn names_in_campaigns_personas_and_tests_resolve() {
    let c = project();
    let code = UseSite::Code;
    let after = "campaign after_order";
    assert_use(
        &c,
        span_of(&c, 1, after, "order_placed", 0),
        Symbol::Event(s("order_placed")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, after, "total", 0),
        prop("order_placed", "total"),
        code,
    );
    // A property, then a field of its record type.
    assert_use(
        &c,
        span_of(&c, 1, after, "first", 0),
        prop("order_placed", "first"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, after, "price", 0),
        field("cart_item", "price"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, after, "keen", 0),
        Symbol::Segment(s("keen")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, "locales en", "vi", 0),
        Symbol::Locale(s("vi")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, "send thanks", "thanks", 0),
        Symbol::Message(s("thanks")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, "set plan", "plan", 0),
        attr("plan"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, "set plan", "pro", 0),
        variant(attr("plan"), "pro"),
        code,
    );
    // Persona: attributes, a variant, a locale, an event sample and its
    // properties and record fields.
    let p = "persona linh";
    assert_use(&c, span_of(&c, 1, p, "email", 0), attr("email"), code);
    assert_use(
        &c,
        span_of(&c, 1, p, "trial", 0),
        variant(attr("plan"), "trial"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, "  locale vi", "vi", 0),
        Symbol::Locale(s("vi")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, p, "order_placed", 0),
        Symbol::Event(s("order_placed")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, p, "items", 0),
        prop("order_placed", "items"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, p, "name", 0),
        field("cart_item", "name"),
        code,
    );
    // Test: campaign, persona, event, message, `expect customer.ATTR`.
    let t = "test \"thanks";
    assert_use(
        &c,
        span_of(&c, 1, t, "after_order", 0),
        Symbol::Campaign(s("after_order")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, t, "linh", 0),
        Symbol::Persona(s("linh")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, t, "order_placed", 0),
        Symbol::Event(s("order_placed")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, t, "price", 0),
        field("cart_item", "price"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, "expect sent", "thanks", 0),
        Symbol::Message(s("thanks")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, "expect customer", "plan", 0),
        attr("plan"),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 1, "expect customer", "pro", 0),
        variant(attr("plan"), "pro"),
        code,
    );
    // Message locale blocks and the default locale.
    assert_use(
        &c,
        span_of(&c, 1, "  locale vi {", "vi", 0),
        Symbol::Locale(s("vi")),
        code,
    );
    assert_use(
        &c,
        span_of(&c, 0, "defaults", "en", 0),
        Symbol::Locale(s("en")),
        code,
    );
}

#[test]
fn template_variables_are_exact_after_non_ascii_text_in_a_block_string() {
    let c = project();
    let tpl = UseSite::Template;
    // The block string starts with "Đà Lạt, Praha, 台北 — ": multi-byte
    // characters before the first `{{`.
    let body = "Đà Lạt";
    assert_use(
        &c,
        span_of(&c, 1, body, "first_name", 0),
        attr("first_name"),
        tpl,
    );
    assert_use(
        &c,
        span_of(&c, 1, "event.total", "total", 0),
        prop("order_placed", "total"),
        tpl,
    );
    assert_use(
        &c,
        span_of(&c, 1, "event.items", "items", 0),
        prop("order_placed", "items"),
        tpl,
    );
    // Inside `#each event.items`, `name` is the element's field.
    assert_use(
        &c,
        span_of(&c, 1, body, "name", 0),
        field("cart_item", "name"),
        tpl,
    );
    assert_use(
        &c,
        span_of(&c, 1, body, "engagement", 0),
        Symbol::Score(s("engagement")),
        tpl,
    );
    assert_use(
        &c,
        span_of(&c, 1, body, "unsubscribe_url", 0),
        Symbol::Builtin(s("unsubscribe_url")),
        tpl,
    );
    assert_use(
        &c,
        span_of(&c, 1, "campaign.name", "name", 0),
        Symbol::Builtin(s("campaign.name")),
        tpl,
    );
    // A one-line string in another locale block.
    assert_use(
        &c,
        span_of(&c, 1, "Xin chào", "email", 0),
        attr("email"),
        tpl,
    );
    // The text of the span is the name itself.
    let first = span_of(&c, 1, body, "first_name", 0);
    assert_eq!(c.sources.snippet(first), "first_name");
}

#[test]
fn go_to_definition_and_find_references() {
    let c = project();
    let m = &c.model;
    // From a use in a template to the score's declaration.
    let use_span = span_of(&c, 1, "Score {{", "engagement", 0);
    let decl = m
        .definition_at(use_span.file, use_span.start + 3)
        .expect("a definition");
    assert_eq!(*decl.symbol, Symbol::Score(s("engagement")));
    assert_eq!(decl.name_span, span_of(&c, 0, "score", "engagement", 0));
    // The cursor right after the name still finds it.
    assert_eq!(
        m.definition_at(use_span.file, use_span.end)
            .map(|d| &d.symbol),
        Some(&decl.symbol)
    );
    // On the declaration's own name.
    let on_decl = m
        .definition_at(decl.name_span.file, decl.name_span.start)
        .expect("itself");
    assert_eq!(on_decl.symbol, decl.symbol);
    // Between names there is nothing.
    let at_brace = span_of(&c, 1, "Score {{", "Score", 0);
    assert!(m.definition_at(at_brace.file, at_brace.start).is_none());
    // Every use of the score: in the segment and in the template.
    let uses: Vec<(Span, UseSite)> = m
        .references_to(&Symbol::Score(s("engagement")))
        .iter()
        .map(|r| (r.span, r.site))
        .collect();
    assert_eq!(
        uses,
        vec![
            (
                span_of(&c, 0, "segment keen", "engagement", 0),
                UseSite::Code
            ),
            (use_span, UseSite::Template),
        ]
    );
}

/// A use with its file named by its text instead of its id.
type UseByText = (String, u32, u32, Symbol, UseSite, Option<(String, u32)>);

#[test]
fn the_table_does_not_depend_on_file_order() {
    // The same two files, given the other way round (so with each other's
    // file ids): the same uses at the same places of the same texts.
    let a = check(&[("a.camp", SCHEMA), ("b.camp", FLOWS)]);
    let b = check(&[("a.camp", FLOWS), ("b.camp", SCHEMA)]);
    let by_text = |c: &Checked| {
        let mut v: Vec<UseByText> = c
            .model
            .references()
            .uses()
            .iter()
            .map(|r| {
                let text = |sp: Span| c.sources.get(sp.file).text.to_string();
                (
                    text(r.span),
                    r.span.start,
                    r.span.end,
                    (*r.target).clone(),
                    r.site,
                    c.model
                        .references()
                        .declared_at(r)
                        .map(|d| (text(d), d.start)),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert!(!a.model.references().uses().is_empty());
    assert_eq!(by_text(&a), by_text(&b));
    // Sorted by position, without duplicates.
    let uses = a.model.references().uses();
    assert!(uses.windows(2).all(|w| w[0] < w[1]));
}

const SCORE_IN_TEXT: &str = r#"defaults {
  email_from "Acme <hello@acme.example>"
}

schema {
  attr email: email
  attr email_opt_in: bool consent(email)
  event app_opened { screen: string }
}

score engagement {
  +5 per app_opened within 30d
}

score loyalty {
  +1 per app_opened
}

message plain: email {
  subject "Hello"
  body "See customer.engagement in your account. [Unsubscribe]({{unsubscribe_url}})"
}

message real: email {
  subject "Hello"
  body "You have {{customer.loyalty}} points. [Unsubscribe]({{unsubscribe_url}})"
}

campaign nudge {
  stage onboarding
  trigger event app_opened
  flow {
    send plain
    send real
  }
}
"#;

#[test]
fn the_plan_carries_the_scores_templates_read_not_those_text_mentions() {
    let c = check(&[("p.camp", SCORE_IN_TEXT)]);
    let errors: Vec<&Diagnostic> = c.diags.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let plans = campaignc::plan::lower_all(&c.model, &c.sources);
    let scores: Vec<&str> = plans[0].scores.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(scores, vec!["loyalty"]);
}

#[test]
fn a_score_used_only_in_a_template_is_not_unused() {
    let c = check(&[("p.camp", SCORE_IN_TEXT)]);
    let unused: Vec<&str> = c
        .diags
        .iter()
        .filter(|d| d.code == "W0708")
        .map(|d| d.message.as_str())
        .collect();
    // `loyalty` is read by `{{customer.loyalty}}`; `engagement` is only
    // mentioned in plain text, which is no use.
    assert_eq!(unused, vec!["score `engagement` is never used"]);
}

#[test]
fn names_whose_declaration_has_a_type_error_still_resolve() {
    let src = r#"schema {
  attr email: email
  attr email_opt_in: bool consent(email)
  attr tier: tierz
  event app_opened { screen: strin }
}

segment broken = tier == 3 and nosuch
segment uses_it = broken and tier is set and performed app_opened where screen == "x"

message hello: emial {
  subject "Hi"
}

campaign c {
  stage onboarding
  trigger event app_opened
  audience uses_it
  flow { send hello }
}
"#;
    let c = check(&[("t.camp", src)]);
    // Only the type errors themselves and the unknown `nosuch`: nothing
    // that names `tier`, `broken`, `screen` or `hello` is unknown.
    let codes: Vec<(&str, &str)> = c
        .diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, c.sources.snippet(d.span)))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("E0213", "tierz"),
            ("E0213", "strin"),
            ("E0207", "nosuch"),
            ("E0215", "emial"),
        ],
        "{codes:?}"
    );
    let refs = c.model.references();
    for (after, word, symbol) in [
        ("segment uses_it", "broken", Symbol::Segment(s("broken"))),
        ("segment uses_it", "tier", attr("tier")),
        ("segment uses_it", "screen", prop("app_opened", "screen")),
        ("flow", "hello", Symbol::Message(s("hello"))),
    ] {
        let span = span_of(&c, 0, after, word, 0);
        let found: Vec<&Symbol> = refs.uses_in(span).iter().map(|r| &*r.target).collect();
        assert_eq!(found, vec![&symbol], "{word}");
        assert!(
            refs.declaration(&symbol).is_some(),
            "{symbol:?} is declared"
        );
    }
}

#[test]
fn a_template_sent_in_two_event_scopes_names_both_properties() {
    let src = fixtures::ONE_TEMPLATE_TWO_EVENTS;
    let c = check(&[("t.camp", src)]);
    let span = span_of(&c, 0, "event.total", "total", 0);
    let symbols = c.model.references().symbols_at(span.file, span.start);
    assert_eq!(
        symbols,
        vec![
            &prop("order_placed", "total"),
            &prop("refund_issued", "total")
        ]
    );
    // Go-to-definition picks the first; find-references of each lists the
    // template use.
    let decl = c
        .model
        .definition_at(span.file, span.start)
        .expect("declared");
    assert_eq!(*decl.symbol, prop("order_placed", "total"));
    for event in ["order_placed", "refund_issued"] {
        let uses = c.model.references_to(&prop(event, "total"));
        assert_eq!(uses.len(), 1, "{event}");
        assert_eq!(uses[0].span, span);
    }
}
