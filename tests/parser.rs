//! Parser tests: every construct of the language, precedence, strings,
//! separators, and robustness against huge or deeply nested input.

use campaignc::diagnostics::Diagnostic;
use std::path::Path;

use campaignc::source::SourceMap;
use campaignc::syntax::ast::*;
use campaignc::syntax::parse_file;

fn parse(text: &str) -> Result<SourceFileAst, Vec<Diagnostic>> {
    let mut map = SourceMap::new();
    let id = map.add(
        "test.camp",
        std::path::Path::new("test.camp"),
        text.to_string(),
    );
    parse_file(map.get(id))
}

fn parse_ok(text: &str) -> SourceFileAst {
    match parse(text) {
        Ok(ast) => ast,
        Err(diags) => panic!("parse failed: {diags:#?}\n--- input ---\n{text}"),
    }
}

fn parse_err(text: &str) -> Diagnostic {
    match parse(text) {
        Ok(_) => panic!("expected a parse error for:\n{text}"),
        Err(mut diags) => diags.remove(0),
    }
}

#[test]
fn every_language_example_parses() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/language_examples"
    );
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "camp"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 9, "expected the LANGUAGE.md examples");
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("read");
        let ast = parse_ok(&text);
        assert!(!ast.items.is_empty(), "{}", path.display());
    }
}

// ---------------------------------------------------------------------------
// Robustness: nesting and size
// ---------------------------------------------------------------------------

#[test]
fn parens_nested_up_to_the_limit_parse() {
    let depth = campaignc::syntax::MAX_NESTING;
    let text = format!(
        "segment s = {}plan == trial{}",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    parse_ok(&text);
}

#[test]
fn braces_nested_up_to_the_limit_parse() {
    // campaign { flow { if … { … 126 levels } } }
    let ifs = campaignc::syntax::MAX_NESTING - 2;
    let text = format!(
        "campaign c {{ flow {{ {} send m {} }} }}",
        "if a {\n".repeat(ifs),
        "}\n".repeat(ifs)
    );
    parse_ok(&text);
}

#[test]
fn twenty_thousand_parens_give_a_diagnostic() {
    let text = format!("segment s = {}x{}", "(".repeat(20_000), ")".repeat(20_000));
    let d = parse_err(&text);
    assert_eq!(d.code, "E0102");
    assert_eq!(
        d.span.start as usize,
        "segment s = ".len() + campaignc::syntax::MAX_NESTING
    );
}

#[test]
fn twenty_thousand_braces_give_a_diagnostic() {
    let text = format!(
        "campaign c {{ flow {{ {} }} }}",
        "if a {".repeat(20_000) + &"}".repeat(20_000)
    );
    let d = parse_err(&text);
    assert_eq!(d.code, "E0102");
}

#[test]
fn long_operator_chains_are_bounded() {
    let text = format!("segment s = a{}", " or a".repeat(2_000));
    let d = parse_err(&text);
    assert_eq!(d.code, "E0102");
    let text = format!("segment s = {}a", "not ".repeat(2_000));
    assert_eq!(parse_err(&text).code, "E0102");
    let text = format!("segment s = x{}", " + 1".repeat(2_000));
    assert_eq!(parse_err(&text).code, "E0102");
}

#[path = "../benches/corpus.rs"]
mod corpus;

/// A large realistic file parses completely. The benchmark parses 50 MB in
/// release mode; a debug build parses well under 1 MB/s, so this test uses
/// a few megabytes to stay fast.
#[test]
fn a_multi_megabyte_file_parses() {
    let text = corpus::project_text(1024 * 1024);
    let chunks = text.matches("\ncampaign onboarding_").count();
    let ast = parse_ok(&text);
    let campaigns = ast
        .items
        .iter()
        .filter(|i| matches!(i, Item::Campaign(_)))
        .count();
    assert_eq!(campaigns, chunks);
    assert!(ast.items.len() > 10 * chunks);
}

/// 50 MB that goes wrong early fails fast and cleanly.
#[test]
fn a_fifty_megabyte_file_fails_cleanly() {
    let body = corpus::project_text(50 * 1024 * 1024);
    let text = format!("segment broken plan == trial\n{body}");
    let d = parse_err(&text);
    assert_eq!(d.code, "E0101");
    assert_eq!(d.span.start as usize, "segment broken ".len());
    // And deep nesting at the very end of a big file is still caught.
    let text = format!("{body}segment deep = {}x", "(".repeat(10_000));
    assert_eq!(parse_err(&text).code, "E0102");
}

// ---------------------------------------------------------------------------
// Helpers to reach into the tree
// ---------------------------------------------------------------------------

fn only_item(text: &str) -> Item {
    let mut ast = parse_ok(text);
    assert_eq!(ast.items.len(), 1, "one declaration expected");
    ast.items.remove(0)
}

fn segment_expr(text: &str) -> Expr {
    match only_item(&format!("segment s = {text}")) {
        Item::Segment(s) => s.expr,
        other => panic!("not a segment: {other:?}"),
    }
}

/// A compact, span-free rendering of an expression for precedence checks.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Or(a, b) => format!("({} or {})", show(a), show(b)),
        ExprKind::And(a, b) => format!("({} and {})", show(a), show(b)),
        ExprKind::Not(a) => format!("(not {})", show(a)),
        ExprKind::Compare { op, lhs, rhs } => format!("({} {op:?} {})", show(lhs), show(rhs)),
        ExprKind::In { negated, lhs, list } => {
            let op = if *negated { "not in" } else { "in" };
            format!("({} {op} {})", show(lhs), show(list))
        }
        ExprKind::StringOp { op, lhs, rhs } => format!("({} {op:?} {})", show(lhs), show(rhs)),
        ExprKind::IsSet { negated, expr } => {
            let op = if *negated { "is not set" } else { "is set" };
            format!("({} {op})", show(expr))
        }
        ExprKind::Arith { op, lhs, rhs } => {
            let op = if *op == ArithOp::Add { "+" } else { "-" };
            format!("({} {op} {})", show(lhs), show(rhs))
        }
        ExprKind::Literal(v) => show_value(&v.kind),
        ExprKind::Path(p) => p
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ExprKind::Now => "now".into(),
        ExprKind::List(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Performed {
            event,
            filter,
            window,
        } => format!(
            "performed({}{}{})",
            event.name,
            filter
                .as_ref()
                .map(|f| format!(" where {}", show(f)))
                .unwrap_or_default(),
            show_window(window)
        ),
        ExprKind::Count {
            event,
            filter,
            window,
        } => format!(
            "count({}{}{})",
            event.name,
            filter
                .as_ref()
                .map(|f| format!(" where {}", show(f)))
                .unwrap_or_default(),
            show_window(window)
        ),
        ExprKind::Sum {
            event,
            property,
            filter,
            window,
        } => format!(
            "sum({}.{}{}{})",
            event.name,
            property.name,
            filter
                .as_ref()
                .map(|f| format!(" where {}", show(f)))
                .unwrap_or_default(),
            show_window(window)
        ),
        ExprKind::Last { event } => format!("last({})", event.name),
    }
}

fn show_decimal(d: &DecimalLit) -> String {
    if d.scale == 0 {
        return d.mantissa.to_string();
    }
    let p = 10i128.pow(d.scale);
    format!(
        "{}.{:0width$}",
        d.mantissa / p,
        (d.mantissa % p).abs(),
        width = d.scale as usize
    )
}

fn show_value(v: &ValueKind) -> String {
    match v {
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Decimal(d) => show_decimal(d),
        ValueKind::Money { amount, currency } => {
            format!("{} {}", show_decimal(amount), currency.name)
        }
        ValueKind::Percent(d) => format!("{}%", show_decimal(d)),
        ValueKind::Duration(d) => format!("{}d{}s", d.days, d.seconds),
        ValueKind::Str(s) => format!("{:?}", s.value),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Word(w) => w.name.clone(),
        other => format!("{other:?}"),
    }
}

fn show_window(w: &Option<Window>) -> String {
    match w {
        None => String::new(),
        Some(Window::Within(d)) => format!(" within {}d{}s", d.days, d.seconds),
        Some(Window::SinceEntry(_)) => " since entry".into(),
    }
}

fn campaign(text: &str) -> Campaign {
    match only_item(text) {
        Item::Campaign(c) => c,
        other => panic!("not a campaign: {other:?}"),
    }
}

fn flow_steps(body: &str) -> Vec<Step> {
    campaign(&format!("campaign c {{ flow {{ {body} }} }}"))
        .flow
        .expect("flow")
        .steps
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

#[test]
fn precedence_or_and_not_comparison_arith() {
    assert_eq!(
        show(&segment_expr("a or b and not c == d + 1 - 2")),
        "(a or (b and (not (c Eq ((d + 1) - 2)))))"
    );
    assert_eq!(show(&segment_expr("a and b or c")), "((a and b) or c)");
    assert_eq!(show(&segment_expr("not a or b")), "((not a) or b)");
    assert_eq!(show(&segment_expr("not not a")), "(not (not a))");
    assert_eq!(show(&segment_expr("(a or b) and c")), "((a or b) and c)");
    assert_eq!(show(&segment_expr("x - 1 + 2")), "((x - 1) + 2)");
}

#[test]
fn every_comparison_operator() {
    for (src, op) in [
        ("==", "Eq"),
        ("!=", "Ne"),
        ("<", "Lt"),
        ("<=", "Le"),
        (">", "Gt"),
        (">=", "Ge"),
    ] {
        assert_eq!(
            show(&segment_expr(&format!("a {src} b"))),
            format!("(a {op} b)")
        );
    }
    assert_eq!(
        show(&segment_expr("plan in [pro, enterprise]")),
        "(plan in [pro, enterprise])"
    );
    assert_eq!(
        show(&segment_expr("plan not in [free]")),
        "(plan not in [free])"
    );
    assert_eq!(
        show(&segment_expr("not plan in [free]")),
        "(not (plan in [free]))"
    );
    assert!(show(&segment_expr("email contains \"@acme\"")).contains("Contains"));
    assert!(show(&segment_expr("email starts_with \"a\"")).contains("StartsWith"));
    assert!(show(&segment_expr("email ends_with \".vn\"")).contains("EndsWith"));
    assert_eq!(
        show(&segment_expr("first_name is set")),
        "(first_name is set)"
    );
    assert_eq!(
        show(&segment_expr("phone is not set")),
        "(phone is not set)"
    );
    assert_eq!(
        show(&segment_expr("phone is not set and a")),
        "((phone is not set) and a)"
    );
}

#[test]
fn event_queries() {
    assert_eq!(
        show(&segment_expr(
            "performed order_placed where total > 50 USD and item_count > 1 within 30d"
        )),
        "performed(order_placed where ((total Gt 50 USD) and (item_count Gt 1)) within 30d0s)"
    );
    assert_eq!(
        show(&segment_expr("performed project_created since entry")),
        "performed(project_created since entry)"
    );
    assert_eq!(
        show(&segment_expr("count(app_opened within 1d12h) >= 5")),
        "(count(app_opened within 1d43200s) Ge 5)"
    );
    assert_eq!(
        show(
            &segment_expr("sum(order_placed.total where item_count > 2 within 365d) >= 1 USD")
                .lhs_of_compare()
        ),
        "sum(order_placed.total where (item_count Gt 2) within 365d0s)"
    );
    assert_eq!(
        show(&segment_expr("last(order_placed) < now - 30d")),
        "(last(order_placed) Lt (now - 30d0s))"
    );
    assert_eq!(
        show(&segment_expr("customer.plan == event.plan")),
        "(customer.plan Eq event.plan)"
    );
}

trait LhsOfCompare {
    fn lhs_of_compare(&self) -> Expr;
}

impl LhsOfCompare for Expr {
    fn lhs_of_compare(&self) -> Expr {
        match &self.kind {
            ExprKind::Compare { lhs, .. } => (**lhs).clone(),
            _ => panic!("not a comparison"),
        }
    }
}

#[test]
fn literals_in_expressions() {
    let lit = |src: &str| match segment_expr(&format!("x == {src}")).lhs_and_rhs().1.kind {
        ExprKind::Literal(v) => v.kind,
        other => panic!("not a literal: {other:?}"),
    };
    assert_eq!(lit("42"), ValueKind::Int(42));
    assert_eq!(lit("-7"), ValueKind::Int(-7));
    assert_eq!(
        lit("19.90"),
        ValueKind::Decimal(DecimalLit {
            mantissa: 1990,
            scale: 2
        })
    );
    assert!(
        matches!(lit("19.90 USD"), ValueKind::Money { currency, .. } if currency.name == "USD")
    );
    assert!(matches!(
        lit("50%"),
        ValueKind::Percent(DecimalLit {
            mantissa: 50,
            scale: 0
        })
    ));
    assert!(matches!(
        lit("09:30"),
        ValueKind::Clock(ClockTime { minutes: 570, .. })
    ));
    assert!(matches!(lit("2026-11-22"), ValueKind::Date(_)));
    assert!(matches!(lit("2026-11-02T10:00"), ValueKind::DateTime(_)));
    assert!(matches!(lit("2026-11-22T09:00:00Z"), ValueKind::Instant(_)));
    assert!(matches!(
        lit("2026-11-22T09:00:00+07:00"),
        ValueKind::Instant(_)
    ));
    assert_eq!(lit("true"), ValueKind::Bool(true));
    assert!(matches!(lit("\"hi\""), ValueKind::Str(s) if s.value == "hi"));
    assert!(matches!(
        lit("1w"),
        ValueKind::Duration(DurationLit {
            days: 7,
            seconds: 0,
            ..
        })
    ));
}

trait LhsAndRhs {
    fn lhs_and_rhs(&self) -> (Expr, Expr);
}

impl LhsAndRhs for Expr {
    fn lhs_and_rhs(&self) -> (Expr, Expr) {
        match &self.kind {
            ExprKind::Compare { lhs, rhs, .. } => ((**lhs).clone(), (**rhs).clone()),
            _ => panic!("not a comparison"),
        }
    }
}

// ---------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------

#[test]
fn defaults_and_lifecycle() {
    let Item::Defaults(d) =
        only_item("defaults { locale en, timezone \"UTC\" email_from \"A <a@b.c>\" }")
    else {
        panic!()
    };
    let names: Vec<_> = d.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(names, ["locale", "timezone", "email_from"]);
    assert!(matches!(&d.fields[0].value.kind, ValueKind::Word(w) if w.name == "en"));
    let Item::Lifecycle(l) = only_item("lifecycle { stages discovery, engagement, churn_risk }")
    else {
        panic!()
    };
    assert_eq!(l.stages.len(), 3);
}

#[test]
fn schema_types_docs_and_consent() {
    let text = r#"schema {
  /// The address we write to.
  attr email: email
  attr phone: phone?
  attr plan: enum(free, trial, pro)
  attr ltv: money(USD)
  attr tags: list<string>?
  attr email_opt_in: bool consent(email)
  type cart_item { name: string, price: money(USD) url: url }
  /// Fired by the app.
  event cart_abandoned { items: list<cart_item>, reason: string? }
  event app_opened {}
}"#;
    let Item::Schema(schema) = only_item(text) else {
        panic!()
    };
    assert_eq!(schema.items.len(), 9);
    match &schema.items[0] {
        SchemaItem::Attr {
            doc,
            name,
            ty,
            consent,
            ..
        } => {
            assert_eq!(
                doc.as_ref().map(|d| d.text.as_str()),
                Some("The address we write to.")
            );
            assert_eq!(name.name, "email");
            assert!(!ty.optional);
            assert!(consent.is_none());
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[1] {
        SchemaItem::Attr { ty, doc, .. } => {
            assert!(ty.optional);
            assert!(doc.is_none());
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[2] {
        SchemaItem::Attr { ty, .. } => {
            assert!(matches!(&ty.kind, TypeKind::Enum(v) if v.len() == 3 && v[1].name == "trial"))
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[3] {
        SchemaItem::Attr { ty, .. } => {
            assert!(matches!(&ty.kind, TypeKind::Money(c) if c.name == "USD"))
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[4] {
        SchemaItem::Attr { ty, .. } => {
            assert!(ty.optional);
            assert!(
                matches!(&ty.kind, TypeKind::List(inner) if matches!(&inner.kind, TypeKind::Named(n) if n.name == "string"))
            );
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[5] {
        SchemaItem::Attr { consent, .. } => {
            assert_eq!(consent.as_ref().map(|c| c.name.as_str()), Some("email"))
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[6] {
        SchemaItem::Record { name, fields, .. } => {
            assert_eq!(name.name, "cart_item");
            assert_eq!(fields.len(), 3);
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[7] {
        SchemaItem::Event { doc, fields, .. } => {
            assert_eq!(
                doc.as_ref().map(|d| d.text.as_str()),
                Some("Fired by the app.")
            );
            assert!(fields[1].ty.optional);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn score_rules() {
    let text = "score s {\n +5 per app_opened where platform == \"ios\" within 30d max 50\n +20 if a\n -10 if b >= 5\n +1 per x\n}";
    let Item::Score(score) = only_item(text) else {
        panic!()
    };
    let points: Vec<i64> = score.rules.iter().map(|r| r.points).collect();
    assert_eq!(points, [5, 20, -10, 1]);
    match &score.rules[0].kind {
        ScoreRuleKind::PerEvent {
            event,
            filter,
            window,
            max,
        } => {
            assert_eq!(event.name, "app_opened");
            assert!(filter.is_some());
            assert!(matches!(window, Some(Window::Within(d)) if d.days == 30));
            assert_eq!(max.map(|m| m.0), Some(50));
        }
        other => panic!("{other:?}"),
    }
    // `>= 5` followed by `-10 if` on the next line is not `5 - 10`.
    match &score.rules[2].kind {
        ScoreRuleKind::If(e) => assert_eq!(show(e), "(b Ge 5)"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn messages_with_shared_fields_and_locales() {
    let text = r#"/// Doc line one.
/// Doc line two.
message m: email {
  category transactional
  from "Acme <a@b.c>"
  locale en { subject "Hi", body "Hello" }
  locale zh-Hant { subject "您好"  body "歡迎" }
  locale pt-BR {
    subject "Olá"
  }
}"#;
    let Item::Message(m) = only_item(text) else {
        panic!()
    };
    assert_eq!(
        m.doc.as_ref().map(|d| d.text.as_str()),
        Some("Doc line one.\nDoc line two.")
    );
    assert_eq!(m.channel.name, "email");
    assert_eq!(m.fields.len(), 2);
    assert!(matches!(&m.fields[0].value.kind, ValueKind::Word(w) if w.name == "transactional"));
    let tags: Vec<_> = m.locales.iter().map(|l| l.locale.tag.as_str()).collect();
    assert_eq!(tags, ["en", "zh-Hant", "pt-BR"]);
    assert_eq!(m.locales[1].fields.len(), 2);
    // A webhook made only of shared fields.
    let Item::Message(w) =
        only_item("message hook: webhook { url \"https://x.example\" method POST body \"{}\" }")
    else {
        panic!()
    };
    assert!(w.locales.is_empty());
    assert!(matches!(&w.fields[1].value.kind, ValueKind::Word(x) if x.name == "POST"));
}

#[test]
fn personas_with_records_lists_and_events() {
    let text = r#"persona linh {
  email "linh@example.com"
  locale vi
  signed_up_at 2026-11-02T03:00:00Z
  lifetime_value 0 USD
  loyalty_points -5
  tags ["a", "b"]
  event cart_abandoned {
    total 59.90 USD
    items [ { name "Áo thun", price 19.90 USD }, { name "Mũ" price 5 USD } ]
  }
}"#;
    let Item::Persona(p) = only_item(text) else {
        panic!()
    };
    assert_eq!(p.fields.len(), 6);
    assert!(matches!(&p.fields[4].value.kind, ValueKind::Int(-5)));
    assert_eq!(p.events.len(), 1);
    let items = &p.events[0].fields[1].value;
    match &items.kind {
        ValueKind::List(records) => {
            assert_eq!(records.len(), 2);
            assert!(matches!(&records[1].kind, ValueKind::Record(f) if f.len() == 2));
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Campaigns and flows
// ---------------------------------------------------------------------------

#[test]
fn every_campaign_setting() {
    let c = campaign(
        "campaign c {
  stage onboarding
  trigger event signed_up where source == \"ads\"
  audience new_trials and not vip
  reentry after 30d
  goal performed subscription_started within 14d
  exit when plan == enterprise
  locales en, vi, zh-Hant
  send_window 20:00-08:00
  cap 2 per 1d
  holdout 10%
  flow { send welcome }
}",
    );
    let kinds: Vec<String> = c
        .settings
        .iter()
        .map(|s| {
            format!("{:?}", s.kind)
                .split(['(', ' ', '{'])
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Stage",
            "Trigger",
            "Audience",
            "Reentry",
            "Goal",
            "ExitWhen",
            "Locales",
            "SendWindow",
            "Cap",
            "Holdout"
        ]
    );
    for s in &c.settings {
        match &s.kind {
            SettingKind::SendWindow { start, end } => {
                assert_eq!((start.minutes, end.minutes), (1200, 480))
            }
            SettingKind::Cap { count, per, .. } => assert_eq!((*count, per.days), (2, 1)),
            SettingKind::Reentry(Reentry::After(d)) => assert_eq!(d.days, 30),
            SettingKind::Holdout(v) => assert!(matches!(v.kind, ValueKind::Percent(_))),
            SettingKind::Locales(l) => assert_eq!(l.len(), 3),
            SettingKind::Trigger(t) => {
                assert!(matches!(
                    &t.kind,
                    TriggerKind::Event {
                        filter: Some(_),
                        ..
                    }
                ))
            }
            _ => {}
        }
    }
    assert!(c.flow.is_some());
}

#[test]
fn every_trigger_form() {
    let trigger = |t: &str| {
        let c = campaign(&format!("campaign c {{ trigger {t} }}"));
        match &c.settings[0].kind {
            SettingKind::Trigger(t) => t.kind.clone(),
            other => panic!("{other:?}"),
        }
    };
    assert!(matches!(
        trigger("event signed_up"),
        TriggerKind::Event { filter: None, .. }
    ));
    assert!(matches!(trigger("enters vip"), TriggerKind::Enters(s) if s.name == "vip"));
    assert!(matches!(
        trigger("changed loyalty_tier"),
        TriggerKind::Changed { to: None, .. }
    ));
    assert!(matches!(
        trigger("changed loyalty_tier to gold"),
        TriggerKind::Changed { to: Some(_), .. }
    ));
    assert!(matches!(
        trigger("every day at 09:00"),
        TriggerKind::Every(Schedule::Daily { at }) if at.minutes == 540
    ));
    assert!(matches!(
        trigger("every monday at 09:30"),
        TriggerKind::Every(Schedule::Weekly { day: Weekday::Monday, at }) if at.minutes == 570
    ));
    assert!(matches!(
        trigger("every month on 1 at 09:00"),
        TriggerKind::Every(Schedule::Monthly { day: 1, .. })
    ));
}

#[test]
fn every_step() {
    let steps = flow_steps(
        "send welcome
         wait 1d12h
         wait -1d
         wait until 09:00
         wait until 10:00 on friday
         wait for project_created where name == \"Demo\" up to 3d {
           on event { send congrats }
           on timeout { send last_chance }
         }
         if a { send x } else if b { send y } else if c { send z } else { exit }
         split offer { a 50% { send x } b 50% { } }
         set loyalty_points = loyalty_points + 100
         exit",
    );
    assert_eq!(steps.len(), 10);
    assert!(matches!(&steps[0].kind, StepKind::Send { message } if message.name == "welcome"));
    assert!(
        matches!(&steps[1].kind, StepKind::Wait { duration } if duration.days == 1 && duration.seconds == 43200)
    );
    assert!(matches!(&steps[2].kind, StepKind::Wait { duration } if duration.days == -1));
    assert!(
        matches!(&steps[3].kind, StepKind::WaitUntil { day: None, time } if time.minutes == 540)
    );
    assert!(matches!(
        &steps[4].kind,
        StepKind::WaitUntil {
            day: Some((Weekday::Friday, _)),
            ..
        }
    ));
    match &steps[5].kind {
        StepKind::WaitFor {
            event,
            filter,
            timeout,
            on_event,
            on_timeout,
        } => {
            assert_eq!(event.name, "project_created");
            assert!(filter.is_some());
            assert_eq!(timeout.days, 3);
            assert_eq!(on_event.as_ref().map(|b| b.steps.len()), Some(1));
            assert_eq!(on_timeout.as_ref().map(|b| b.steps.len()), Some(1));
        }
        other => panic!("{other:?}"),
    }
    match &steps[6].kind {
        StepKind::If {
            branches,
            otherwise,
        } => {
            assert_eq!(branches.len(), 3);
            assert!(matches!(
                otherwise.as_ref().map(|b| &b.steps[0].kind),
                Some(StepKind::Exit)
            ));
        }
        other => panic!("{other:?}"),
    }
    match &steps[7].kind {
        StepKind::Split { name, variants } => {
            assert_eq!(name.name, "offer");
            assert_eq!(variants.len(), 2);
            assert!(variants[1].body.steps.is_empty());
            assert!(matches!(variants[0].percent.kind, ValueKind::Percent(_)));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&steps[8].kind, StepKind::Set { attr, value } if attr.name == "loyalty_points" && show(value) == "(loyalty_points + 100)")
    );
    assert!(matches!(&steps[9].kind, StepKind::Exit));
}

#[test]
fn blocks_nest_arbitrarily() {
    let steps = flow_steps("if a { if b { split s { x 100% { wait for e up to 1d { on event { if c { send m } } } } } } }");
    assert_eq!(steps.len(), 1);
}

#[test]
fn commas_and_newlines_both_separate_entries() {
    let a = flow_steps("send a, wait 1d, send b");
    let b = flow_steps("send a\nwait 1d\nsend b");
    let c = flow_steps("send a wait 1d send b");
    assert_eq!(a.len(), 3);
    assert_eq!(b.len(), 3);
    assert_eq!(c.len(), 3);
    let Item::Persona(p) = only_item("persona p { a 1, b \"x\"\n c true }") else {
        panic!()
    };
    assert_eq!(p.fields.len(), 3);
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn test_blocks() {
    let text = r#"test "it works" {
  campaign onboarding
  persona linh
  variant offer_test.pick
  start 2026-11-02T10:00
  at 0d event signed_up { source "ads" }
  at 1d event app_opened
  at 2d set loyalty_tier = gold
  expect sent welcome at 0d
  expect sent tips by 1d
  expect sent nudge
  expect not sent nudge
  expect converted at 3d
  expect exited
  expect completed
  expect customer.loyalty_points >= 100
}"#;
    let Item::Test(t) = only_item(text) else {
        panic!()
    };
    assert_eq!(t.name.value, "it works");
    assert_eq!(t.items.len(), 15);
    assert!(
        matches!(&t.items[2].kind, TestItemKind::Variant(VariantChoice::Split { split, variant }) if split.name == "offer_test" && variant.name == "pick")
    );
    assert!(
        matches!(&t.items[3].kind, TestItemKind::Start(v) if matches!(v.kind, ValueKind::DateTime(_)))
    );
    assert!(matches!(&t.items[4].kind, TestItemKind::AtEvent { fields, .. } if fields.len() == 1));
    assert!(matches!(&t.items[5].kind, TestItemKind::AtEvent { fields, .. } if fields.is_empty()));
    assert!(
        matches!(&t.items[6].kind, TestItemKind::AtSet { attr, offset, .. } if attr.name == "loyalty_tier" && offset.days == 2)
    );
    assert!(matches!(
        &t.items[7].kind,
        TestItemKind::Expect(Expectation::Sent {
            when: Some(TimeBound::At(_)),
            ..
        })
    ));
    assert!(matches!(
        &t.items[8].kind,
        TestItemKind::Expect(Expectation::Sent {
            when: Some(TimeBound::By(_)),
            ..
        })
    ));
    assert!(matches!(
        &t.items[9].kind,
        TestItemKind::Expect(Expectation::Sent { when: None, .. })
    ));
    assert!(matches!(
        &t.items[10].kind,
        TestItemKind::Expect(Expectation::NotSent { .. })
    ));
    assert!(matches!(
        &t.items[11].kind,
        TestItemKind::Expect(Expectation::Converted { when: Some(_) })
    ));
    assert!(matches!(
        &t.items[12].kind,
        TestItemKind::Expect(Expectation::Exited { when: None })
    ));
    assert!(matches!(
        &t.items[13].kind,
        TestItemKind::Expect(Expectation::Completed)
    ));
    assert!(matches!(
        &t.items[14].kind,
        TestItemKind::Expect(Expectation::Attr {
            op: CompareOp::Ge,
            ..
        })
    ));
    for v in ["holdout", "treatment"] {
        let Item::Test(t) = only_item(&format!("test \"t\" {{ variant {v} }}")) else {
            panic!()
        };
        let ok = match &t.items[0].kind {
            TestItemKind::Variant(VariantChoice::Holdout(_)) => v == "holdout",
            TestItemKind::Variant(VariantChoice::Treatment(_)) => v == "treatment",
            _ => false,
        };
        assert!(ok, "{v}");
    }
}

// ---------------------------------------------------------------------------
// Strings, comments, names
// ---------------------------------------------------------------------------

fn message_field(text: &str) -> StrLit {
    let Item::Message(m) = only_item(&format!("message m: sms {{ body {text} }}")) else {
        panic!()
    };
    match &m.fields[0].value.kind {
        ValueKind::Str(s) => s.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn template_tags_keep_quotes_inside_one_string() {
    let s = message_field(r#""Hi {{default customer.first_name "there"}}!""#);
    assert_eq!(s.value, r#"Hi {{default customer.first_name "there"}}!"#);
    let s =
        message_field(r##""{{plural customer.loyalty_points one="# point" other="# points"}}""##);
    assert!(s.value.contains("other=\"# points\""));
}

#[test]
fn block_strings_in_messages() {
    let text = "message m: email {\n  locale en {\n    body \"\"\"\n      Hi {{default customer.first_name \"there\"}},\n\n        - indented\n      Bye\n      \"\"\"\n  }\n}";
    let Item::Message(m) = only_item(text) else {
        panic!()
    };
    let ValueKind::Str(s) = &m.locales[0].fields[0].value.kind else {
        panic!()
    };
    assert!(s.block);
    assert_eq!(
        s.value,
        "Hi {{default customer.first_name \"there\"}},\n\n  - indented\nBye"
    );
    // Decoded offsets point back at the source bytes.
    let at = s.value.find("Bye").unwrap();
    assert_eq!(&text[s.source_offset(at)..s.source_offset(at) + 3], "Bye");
    let tag = s.value.find("{{").unwrap();
    let span = s.sub_span(tag, tag + "{{default customer.first_name \"there\"}}".len());
    assert_eq!(
        &text[span.range()],
        "{{default customer.first_name \"there\"}}"
    );
}

#[test]
fn escapes_map_back_to_source() {
    let text = r#"message m: sms { body "a\tb \u{1F600} {{x}}" }"#;
    let Item::Message(m) = only_item(text) else {
        panic!()
    };
    let ValueKind::Str(s) = &m.fields[0].value.kind else {
        panic!()
    };
    assert_eq!(s.value, "a\tb \u{1F600} {{x}}");
    let tag = s.value.find("{{x}}").unwrap();
    let span = s.sub_span(tag, tag + 5);
    assert_eq!(&text[span.range()], "{{x}}");
}

#[test]
fn comments_and_doc_comments() {
    let text = "// a comment\n/// The doc.\nsegment a = x // trailing\n/// Stray doc at the end\n";
    let Item::Segment(s) = only_item(text) else {
        panic!()
    };
    assert_eq!(s.doc.map(|d| d.text), Some("The doc.".to_string()));
}

#[test]
fn contextual_keywords_stay_usable_as_names() {
    for name in [
        "event", "email", "name", "plan", "locale", "timezone", "stage", "type", "from", "flow",
        "goal", "test", "day",
    ] {
        parse_ok(&format!(
            "schema {{ attr {name}: string }}\nsegment s = {name} == \"x\""
        ));
    }
    // Keywords are prefixes of names without being keywords.
    parse_ok("segment s = sender == 1 and index > 2 and order_placed_count < 3 and nowhere");
}

#[test]
fn reserved_words_are_not_names() {
    for word in ["and", "if", "send", "wait", "segment", "last", "count"] {
        let d = parse_err(&format!("segment {word} = x"));
        assert_eq!(d.code, "E0105", "{word}");
        assert_eq!(d.span.start, 8);
    }
}

#[test]
fn literal_problems_are_all_reported() {
    let errs =
        parse("campaign c { send_window 25:00-09:70 }\nsegment s = x == \"\\q\" and y == 1 Usd")
            .unwrap_err();
    let codes: Vec<_> = errs.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0106", "E0106", "E0104", "E0108"]);
}

#[test]
fn empty_and_comment_only_files() {
    assert!(parse_ok("").items.is_empty());
    assert!(parse_ok("// nothing here\n\n/// nor here\n")
        .items
        .is_empty());
    assert!(parse_ok("\u{FEFF}segment a = b").items.len() == 1);
}

#[test]
fn spans_are_exact() {
    let text = "segment  vip =  lifetime_value >= 500 USD ";
    let Item::Segment(s) = only_item(text) else {
        panic!()
    };
    assert_eq!(&text[s.name.span.range()], "vip");
    assert_eq!(&text[s.expr.span.range()], "lifetime_value >= 500 USD");
    assert_eq!(
        &text[s.span.range()],
        "segment  vip =  lifetime_value >= 500 USD"
    );
}

#[test]
fn spans_stop_before_trailing_comments() {
    let text = "campaign c {\n  reentry never   // the default\n  trigger event e   // a comment\n  flow { wait for e up to 1d { on event { } }   // c\n  }\n}";
    let c = campaign(text);
    assert_eq!(&text[c.settings[0].span.range()], "reentry never");
    assert_eq!(&text[c.settings[1].span.range()], "trigger event e");
    let step = &c.flow.as_ref().expect("flow").steps[0];
    assert_eq!(
        &text[step.span.range()],
        "wait for e up to 1d { on event { } }"
    );
}

/// The example project in `campaigns/` parses completely (the checker and
/// the CLI tests go further; this pins the grammar to real campaigns).
#[test]
fn the_example_project_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let mut paths: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "camp"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "campaigns/ has .camp files");
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("read");
        let ast = parse_ok(&text);
        assert!(!ast.items.is_empty(), "{}", path.display());
    }
}
