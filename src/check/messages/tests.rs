//! Unit tests over hand-built models: each rule of the message pass, with
//! the exact place it reports. End-to-end tests over `.camp` fixtures live
//! in `tests/check_messages.rs`.

use super::*;
use crate::check::model::*;
use crate::diagnostics::Severity;
use crate::source::FileId;

/// A model with the LANGUAGE.md schema (trimmed) and no messages.
fn model() -> Model {
    let s = Span::default();
    let attr = |name: &str, ty: Type, consent: Option<Channel>| AttrDef {
        name: name.into(),
        ty,
        consent,
        doc: None,
        span: s,
    };
    let field = |name: &str, ty: Type| FieldDef {
        name: name.into(),
        ty,
        span: s,
    };
    let opt = |t: Type| Type::Optional(Box::new(t));
    Model {
        defaults: Defaults {
            locale: "en".into(),
            timezone: "UTC".into(),
            email_from: Some("Acme <hello@acme.example>".into()),
            pressure: None,
        },
        stages: vec!["onboarding".into()],
        schema: Schema {
            attrs: vec![
                attr("email", Type::Email, None),
                attr("email_opt_in", Type::Bool, Some(Channel::Email)),
                attr("first_name", opt(Type::String), None),
                attr("loyalty_points", Type::Int, None),
                attr("phone", opt(Type::Phone), None),
                attr("push_opt_in", Type::Bool, Some(Channel::Push)),
                attr("signed_up_at", Type::Time, None),
                attr("sms_opt_in", Type::Bool, Some(Channel::Sms)),
            ],
            records: vec![RecordDef {
                name: "cart_item".into(),
                fields: vec![
                    field("name", Type::String),
                    field("price", Type::Money("USD".into())),
                    field("url", Type::Url),
                ],
                doc: None,
                span: s,
            }],
            events: vec![
                EventDef {
                    name: "cart_abandoned".into(),
                    fields: vec![
                        field("cart_url", Type::Url),
                        field("items", Type::List(Box::new(Type::Record(RecordId(0))))),
                        field("total", Type::Money("USD".into())),
                    ],
                    doc: None,
                    span: s,
                },
                EventDef {
                    name: "signed_up".into(),
                    fields: vec![field("source", Type::String)],
                    doc: None,
                    span: s,
                },
            ],
        },
        segments: vec![],
        segment_order: vec![],
        scores: vec![],
        messages: vec![],
        campaigns: vec![],
        personas: vec![],
        tests: vec![],
        references: Default::default(),
        warehouse: Default::default(),
    }
}

const CART: EventId = EventId(0);
const SIGNED_UP: EventId = EventId(1);

/// A field whose template sits at source offset `at` (+1 for the quote),
/// copied one to one.
fn field(name: &str, source: &str, at: u32) -> TemplateField {
    TemplateField {
        name: name.into(),
        source: source.into(),
        span: Span::new(FileId(0), at as usize, at as usize + source.len() + 2),
        offsets: vec![(0, at + 1)],
    }
}

fn message(
    name: &str,
    channel: Channel,
    locales: Vec<(&str, Vec<TemplateField>)>,
) -> std::sync::Arc<MessageDef> {
    std::sync::Arc::new(MessageDef {
        name: name.into(),
        doc: None,
        channel,
        category: Category::Marketing,
        from: Some("Acme <hello@acme.example>".into()),
        shared: vec![],
        locales: locales
            .into_iter()
            .enumerate()
            .map(|(i, (l, fields))| LocaleContent {
                locale: l.into(),
                fields,
                span: Span::new(FileId(0), 5000 + i * 10, 5005 + i * 10),
            })
            .collect(),
        span: Span::new(FileId(0), 1, 2),
    })
}

/// A campaign sending message 0 with `event` in scope, from a step at 9000.
fn campaign(trigger: Option<EventId>, locales: &[&str]) -> CampaignDef {
    let trigger_def = match trigger {
        Some(e) => TriggerDef::Event {
            event: e,
            filter: None,
        },
        None => TriggerDef::Every(ScheduleDef::Daily { at: 540 }),
    };
    CampaignDef {
        name: "onboarding".into(),
        doc: None,
        stage: "onboarding".into(),
        trigger: trigger_def,
        audience: None,
        reentry: Reentry::Never,
        goal: None,
        exit_when: None,
        locales: locales.iter().map(|l| l.to_string()).collect(),
        send_window: None,
        cap: None,
        holdout: None,
        priority: 0,
        flow: vec![StepDef {
            label: None,
            kind: StepKindDef::Send {
                message: MessageId(0),
                event_scope: trigger,
            },
            span: Span::new(FileId(0), 9000, 9010),
        }],
        span: Span::default(),
        trigger_span: Span::default(),
        setting_spans: Default::default(),
    }
}

fn run(model: &Model) -> Vec<Diagnostic> {
    let mut p = Problems::new();
    check_messages(model, &mut p, None, None);
    p.into_sorted()
}

/// A push message with `body` at offset 100, sent where `event` is in scope.
fn push_body(body: &str, event: Option<EventId>) -> Vec<Diagnostic> {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![(
            "en",
            vec![field("title", "Hi", 10), field("body", body, 100)],
        )],
    ));
    m.campaigns.push(Arc::new(campaign(event, &["en"])));
    run(&m)
}

fn codes(ds: &[Diagnostic]) -> Vec<&'static str> {
    ds.iter().map(|d| d.code).collect()
}

/// The decoded offset a diagnostic's span starts at, for a template at 100.
fn col(d: &Diagnostic) -> u32 {
    d.span.start - 101
}

#[test]
fn clean_template_has_no_problems() {
    let ds = push_body(
        "{{default customer.first_name \"there\"}}: {{money event.total}} {{#each event.items}}{{name}} {{money price}}{{@index}}{{/each}}",
        Some(CART),
    );
    assert!(ds.is_empty(), "{ds:#?}");
}

#[test]
fn unknown_attribute_points_at_its_segment_with_a_suggestion() {
    let ds = push_body("Hi {{customer.frist_name}}", None);
    assert_eq!(codes(&ds), ["E0402"]);
    assert_eq!(col(&ds[0]), 14);
    assert_eq!(ds[0].span.len(), "frist_name".len());
    assert_eq!(ds[0].help.as_deref(), Some("did you mean `first_name`?"));
}

#[test]
fn bare_attribute_name_suggests_customer_prefix() {
    let ds = push_body("Hi {{first_name}}", None);
    assert_eq!(codes(&ds), ["E0402"]);
    assert!(ds[0]
        .help
        .as_deref()
        .unwrap()
        .contains("customer.first_name"));
}

#[test]
fn event_without_scope_labels_the_send() {
    let ds = push_body("Total {{money event.total}}", None);
    assert_eq!(codes(&ds), ["E0404"]);
    assert_eq!(col(&ds[0]), 14);
    assert_eq!(ds[0].labels.len(), 1);
    assert_eq!(ds[0].labels[0].span.start, 9000);
    assert!(ds[0].labels[0].message.contains("no event is in scope"));
}

#[test]
fn unknown_event_property_names_the_event() {
    let ds = push_body("{{event.totl}}", Some(CART));
    assert_eq!(codes(&ds), ["E0403"]);
    assert!(
        ds[0].message.contains("cart_abandoned"),
        "{}",
        ds[0].message
    );
    assert_eq!(ds[0].help.as_deref(), Some("did you mean `total`?"));
    let ds = push_body("{{event.total}}", Some(SIGNED_UP));
    assert_eq!(codes(&ds), ["E0403"]);
}

#[test]
fn unsent_messages_do_not_check_event_properties() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![(
            "en",
            vec![
                field("title", "Hi", 10),
                field("body", "{{event.anything}} {{customer.nope}}", 100),
            ],
        )],
    ));
    let ds = run(&m);
    assert_eq!(codes(&ds), ["E0402"]);
}

#[test]
fn each_over_a_non_list() {
    let ds = push_body("{{#each event.total}}x{{/each}}", Some(CART));
    assert_eq!(codes(&ds), ["E0405"]);
    assert_eq!(col(&ds[0]), 8);
}

#[test]
fn root_names_inside_each_need_root() {
    let ds = push_body(
        "{{#each event.items}}{{customer.email}}{{/each}}",
        Some(CART),
    );
    assert_eq!(codes(&ds), ["E0403"]);
    assert!(ds[0]
        .help
        .as_deref()
        .unwrap()
        .contains("@root.customer.email"));
    let ds = push_body(
        "{{#each event.items}}{{@root.customer.email}}{{../event.total}}{{/each}}",
        Some(CART),
    );
    assert!(ds.is_empty(), "{ds:#?}");
}

#[test]
fn optional_used_bare_is_a_warning_unless_guarded() {
    let ds = push_body("Hi {{customer.first_name}}", None);
    assert_eq!(codes(&ds), ["W0401"]);
    assert_eq!(ds[0].severity, Severity::Warning);
    assert_eq!(col(&ds[0]), 5);
    let ds = push_body(
        "{{#if customer.first_name}}Hi {{customer.first_name}}{{/if}}",
        None,
    );
    assert!(ds.is_empty(), "{ds:#?}");
    let ds = push_body("{{upper customer.first_name}}", None);
    assert_eq!(codes(&ds), ["W0401"]);
}

#[test]
fn helpers_are_checked() {
    assert_eq!(
        codes(&push_body("{{monay event.total}}", Some(CART))),
        ["E0406"]
    );
    let ds = push_body("{{monay event.total}}", Some(CART));
    assert_eq!(ds[0].help.as_deref(), Some("did you mean `money`?"));
    assert_eq!(
        codes(&push_body("{{money event.total 2}}", Some(CART))),
        ["E0407"]
    );
    assert_eq!(
        codes(&push_body("{{default customer.first_name}}", None)),
        ["E0407"]
    );
    let ds = push_body("{{money customer.loyalty_points}}", None);
    assert_eq!(codes(&ds), ["E0408"]);
    assert_eq!(col(&ds[0]), 8);
    assert_eq!(
        codes(&push_body("{{date customer.loyalty_points}}", None)),
        ["E0408"]
    );
    assert_eq!(
        codes(&push_body("{{date customer.signed_up_at \"long\"}}", None)),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes(&push_body(
            "{{date customer.signed_up_at \"longest\"}}",
            None
        )),
        ["E0408"]
    );
    assert_eq!(
        codes(&push_body("{{number customer.email}}", None)),
        ["E0408"]
    );
}

#[test]
fn plural_needs_other_and_cldr_keys() {
    let ds = push_body("{{plural customer.loyalty_points one=\"# point\"}}", None);
    assert_eq!(codes(&ds), ["E0409"]);
    let ds = push_body(
        "{{plural customer.loyalty_points single=\"# point\" other=\"# points\"}}",
        None,
    );
    // The category warning spans the whole tag, so it sorts first.
    assert_eq!(codes(&ds), ["W0502", "E0409"]);
    assert!(ds[1].message.contains("single"));
}

#[test]
fn czech_plural_lacking_categories_is_a_warning() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![(
            "cs",
            vec![
                field("title", "Body", 10),
                field(
                    "body",
                    "{{plural customer.loyalty_points one=\"# bod\" other=\"# bodů\"}}",
                    100,
                ),
            ],
        )],
    ));
    m.campaigns.push(Arc::new(campaign(None, &["cs"])));
    let ds = run(&m);
    assert_eq!(codes(&ds), ["W0502"]);
    assert!(
        ds[0].message.contains("`few` and `many`"),
        "{}",
        ds[0].message
    );
}

#[test]
fn syntax_error_is_located_inside_the_string() {
    let ds = push_body("ok {{#if customer.email}} x {{/each}}", None);
    assert_eq!(codes(&ds), ["E0401"]);
    assert_eq!(col(&ds[0]), 28);
    let ds = push_body("line\n  ééé {{foo", None);
    assert_eq!(codes(&ds), ["E0401"]);
    assert!(ds[0].message.contains("never closed"), "{}", ds[0].message);
}

#[test]
fn missing_locale_lists_them_and_labels_the_send() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![(
            "en",
            vec![field("title", "Hi", 10), field("body", "Hello", 100)],
        )],
    ));
    m.campaigns
        .push(Arc::new(campaign(None, &["en", "vi", "cs"])));
    let ds = run(&m);
    assert_eq!(codes(&ds), ["E0501"]);
    assert!(ds[0].message.contains("`vi` and `cs`"), "{}", ds[0].message);
    assert_eq!(ds[0].labels[0].span.start, 9000);
}

#[test]
fn translation_with_other_variables_is_a_warning() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![
            (
                "en",
                vec![
                    field("title", "Hi", 10),
                    field("body", "{{customer.loyalty_points}}", 100),
                ],
            ),
            (
                "vi",
                vec![
                    field("title", "Chào", 200),
                    field("body", "{{customer.email}}", 300),
                ],
            ),
        ],
    ));
    m.campaigns.push(Arc::new(campaign(None, &["en", "vi"])));
    let ds = run(&m);
    assert_eq!(codes(&ds), ["W0501"]);
    assert!(
        ds[0]
            .message
            .contains("lacks `customer.loyalty_points` and adds `customer.email`"),
        "{}",
        ds[0].message
    );
}

#[test]
fn invalid_campaign_locale_points_at_the_setting() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![(
            "en",
            vec![field("title", "Hi", 10), field("body", "Hello", 100)],
        )],
    ));
    let mut c = campaign(None, &["en", "english"]);
    c.setting_spans
        .insert("locales", Span::new(FileId(0), 7000, 7020));
    m.campaigns.push(Arc::new(c));
    let ds = run(&m);
    assert_eq!(codes(&ds), ["E0502"]);
    assert_eq!(ds[0].span.start, 7000);
}

#[test]
fn invalid_locale_tag() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![(
            "pt_BR",
            vec![field("title", "Olá", 10), field("body", "Oi", 100)],
        )],
    ));
    let ds = run(&m);
    assert_eq!(codes(&ds), ["E0502"]);
    assert!(ds[0].help.as_deref().unwrap().contains("pt-BR"));
}

#[test]
fn channel_fields() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Sms,
        vec![("en", vec![field("titel", "Hi", 10)])],
    ));
    let ds = run(&m);
    assert_eq!(codes(&ds), ["E0602", "E0601"]);
    assert!(ds[1].message.contains("`body`"));
}

#[test]
fn marketing_email_needs_unsubscribe_consent_and_address() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Email,
        vec![(
            "en",
            vec![field("subject", "Hi", 10), field("body", "No link", 100)],
        )],
    ));
    m.campaigns.push(Arc::new(campaign(None, &["en"])));
    assert_eq!(codes(&run(&m)), ["E0604"]);
    m.schema
        .attrs
        .retain(|a| a.name != "email_opt_in" && a.name != "email");
    let ds = run(&m);
    assert_eq!(codes(&ds), ["E0605", "E0606", "E0604"]);
    std::sync::Arc::make_mut(&mut m.messages[0]).category = Category::Transactional;
    assert_eq!(codes(&run(&m)), ["E0606"]);
}

/// The model with one SMS `m`, sent by the cart campaign: `en_body` in
/// English and, in Vietnamese, a reminder whose diacritics make it UCS-2
/// and two segments long.
fn cart_sms(en_body: &str) -> Model {
    let mut m = model();
    let long_vi = "Giỏ hàng của bạn ({{money event.total}}) vẫn đang chờ bạn quay lại: {{event.cart_url}} Trả lời STOP để hủy";
    m.messages.push(message(
        "m",
        Channel::Sms,
        vec![
            ("en", vec![field("body", en_body, 10)]),
            ("vi", vec![field("body", long_vi, 200)]),
        ],
    ));
    m.campaigns
        .push(Arc::new(campaign(Some(CART), &["en", "vi"])));
    m
}

#[test]
fn sms_segments_per_locale() {
    let mut m = cart_sms("Your cart ({{money event.total}}) is waiting: {{event.cart_url}}");
    let ds = run(&m);
    assert_eq!(codes(&ds), ["W0601"]);
    assert!(ds[0].message.contains("UCS-2"), "{}", ds[0].message);
    std::sync::Arc::make_mut(&mut m.messages[0]).locales[1].fields[0].source = format!(
        "{{{{money event.total}}}} {{{{event.cart_url}}}} {}",
        "ả".repeat(700)
    );
    assert_eq!(codes(&run(&m)), ["E0607"]);
}

#[test]
fn sms_costs_agree_with_the_segment_warning() {
    let mut m = cart_sms("Your cart: {{event.cart_url}}");
    let costs = sms_costs(&m, &Renderer::new(), MessageId(0));
    let seen: Vec<(Option<&str>, crate::template::SmsEncoding, usize)> = costs
        .iter()
        .map(|c| (c.locale.as_deref(), c.count.encoding, c.count.segments))
        .collect();
    use crate::template::SmsEncoding::{Gsm7, Ucs2};
    assert_eq!(seen, [(Some("en"), Gsm7, 1), (Some("vi"), Ucs2, 2)]);
    assert_eq!(costs[1].span, m.messages[0].locales[1].fields[0].span);
    // Not an SMS: nothing to count.
    std::sync::Arc::make_mut(&mut m.messages[0]).channel = Channel::Push;
    assert!(sms_costs(&m, &Renderer::new(), MessageId(0)).is_empty());
}

#[test]
fn push_length() {
    let ds = push_body(&"x".repeat(151), None);
    assert_eq!(codes(&ds), ["W0602"]);
    assert!(push_body(&"x".repeat(150), None).is_empty());
}

fn webhook(url: &str, body: &str) -> Vec<Diagnostic> {
    let mut m = model();
    let mut msg = message("hook", Channel::Webhook, vec![]);
    let hook = std::sync::Arc::make_mut(&mut msg);
    hook.category = Category::Transactional;
    hook.shared = vec![field("url", url, 10), field("body", body, 100)];
    m.messages.push(msg);
    m.campaigns.push(Arc::new(campaign(Some(CART), &["en"])));
    run(&m)
}

#[test]
fn webhook_url_and_json() {
    let ok = "{\"name\": \"{{default customer.first_name \"\"}}\", \"total\": \"{{event.total}}\", \"n\": {{customer.loyalty_points}}}";
    assert!(
        webhook("https://crm.example/x", ok).is_empty(),
        "{:#?}",
        webhook("https://crm.example/x", ok)
    );
    assert_eq!(codes(&webhook("http://crm.example/x", ok)), ["E0608"]);
    // Unquoted money breaks the JSON at the tag.
    let bad = "{\"total\": {{event.total}}}";
    let ds = webhook("https://crm.example/x", bad);
    assert_eq!(codes(&ds), ["E0609"]);
    assert_eq!(col(&ds[0]), 10);
    // Triple-stash inserts the sample's quote unescaped.
    let raw = "{\"name\": \"{{{event.cart_url}}}\", \"x\": \"{{{customer.email}}}\", \"s\": \"{{{@root.customer.email}}}\", \"t\": \"{{{campaign.name}}}\"}";
    let ds = webhook("https://crm.example/x", raw);
    assert_eq!(codes(&ds), ["E0609"]);
}

#[test]
fn odd_templates_never_panic() {
    let odd = [
        "{{",
        "}}",
        "{{}}",
        "{{#each}}{{/each}}",
        "{{#if a}}",
        "{{else}}",
        "{{/if}}",
        "{{../../../x}}",
        "{{@index}}",
        "{{@root}}",
        "{{this}}",
        "{{.}}",
        "{{#with customer}}{{first_name}}{{../event}}{{/with}}",
        "{{> }}",
        "{{!-- c --}}",
        "{{{{raw}}}} {{x}} {{{{/raw}}}}",
        "{{lookup a b}}",
        "{{#each event.items as |x y|}}{{x.name}}{{y}}{{/each}}",
        "{{a.[b c]}}",
        "{{money (upper (lower x))}}",
        "{{~customer.email~}}",
        "\\{{x}}",
        "{{\"lit\"}}",
        "{{42}}",
        "{{true}}",
        "{{null}}",
        "ééé{{#if x}}",
        "{{#each event.items}}{{#each ../event.items}}{{@../index}}{{/each}}{{/each}}",
        "{{plural}}",
        "{{plural customer.loyalty_points}}",
        "{{default}}",
        "{{date}}",
        "{{#unless customer.first_name}}x{{else}}{{customer.first_name}}{{/unless}}",
        "{{#if customer.first_name}}{{else if customer.email}}{{/if}}",
        "{{*decorator}}",
        "{{#money event.total}}{{/money}}",
        "{{#foo}}{{/foo}}",
        "{{customer.first_name.x.y}}",
        "{{event.items.length}}",
        "{{event.items.[0].name}}",
        "{{{{",
        "{{#each event.items}}{{else}}none{{/each}}",
    ];
    for body in odd {
        for event in [None, Some(CART)] {
            let _ = push_body(body, event);
        }
        let _ = webhook("https://x.example", body);
    }
}

#[test]
fn unless_guards_its_else_branch() {
    let ds = push_body(
        "{{#unless customer.first_name}}there{{else}}{{customer.first_name}}{{/unless}}",
        None,
    );
    assert!(ds.is_empty(), "{ds:#?}");
}

#[test]
fn with_enters_a_record_and_guards_it() {
    let ds = push_body(
        "{{#each event.items}}{{#with this}}{{name}} {{money price}}{{/with}}{{/each}}",
        Some(CART),
    );
    assert!(ds.is_empty(), "{ds:#?}");
}

#[test]
fn same_problem_at_two_sends_is_reported_once_with_both_labels() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![(
            "en",
            vec![
                field("title", "Hi", 10),
                field("body", "{{event.total}}", 100),
            ],
        )],
    ));
    let mut c = campaign(None, &["en"]);
    let mut second = c.flow[0].clone();
    second.span = Span::new(FileId(0), 9100, 9110);
    c.flow.push(second);
    m.campaigns.push(Arc::new(c));
    let ds = run(&m);
    assert_eq!(codes(&ds), ["E0404"]);
    assert_eq!(ds[0].labels.len(), 2);
}

#[test]
fn unsent_webhook_reading_the_event_is_not_judged() {
    let mut m = model();
    let mut msg = message("hook", Channel::Webhook, vec![]);
    let hook = std::sync::Arc::make_mut(&mut msg);
    hook.category = Category::Transactional;
    hook.shared = vec![
        field("url", "https://crm.example/x", 10),
        field("body", "{\"total\": {{event.total}}}", 100),
    ];
    m.messages.push(msg);
    assert!(run(&m).is_empty());
}

#[test]
fn deeply_nested_blocks_are_an_error_not_a_stack_overflow() {
    let body = "{{#if customer.email}}".repeat(5000) + &"{{/if}}".repeat(5000);
    let ds = push_body(&body, None);
    assert_eq!(codes(&ds), ["E0401"]);
    assert!(ds[0].message.contains("nest"), "{}", ds[0].message);
    let ok = "{{#if customer.email}}".repeat(60) + &"{{/if}}".repeat(60);
    assert!(push_body(&ok, None).is_empty());
}

#[test]
fn template_members_follow_the_event_in_scope_at_each_send() {
    let mut m = model();
    m.messages.push(message(
        "m",
        Channel::Push,
        vec![("en", vec![field("body", "Hi", 10)])],
    ));
    m.campaigns.push(Arc::new(campaign(Some(CART), &["en"])));
    let names = |path: &str, m: &Model| -> Vec<(String, String)> {
        template_members(m, Some(MessageId(0)), path)
            .into_iter()
            .map(|x| (x.name, x.ty))
            .collect()
    };
    assert_eq!(send_event_scopes(&m, MessageId(0)), vec![Some(CART)]);
    assert_eq!(
        names("event", &m),
        vec![
            ("cart_url".to_string(), "url".to_string()),
            ("items".to_string(), "list<cart_item>".to_string()),
            ("total".to_string(), "money(USD)".to_string()),
        ]
    );
    assert!(names("", &m).iter().any(|(n, _)| n == "event"));
    assert!(names("customer", &m).contains(&("first_name".into(), "string?".into())));
    // A second send after `signed_up`: both events' properties, once each.
    let mut second = campaign(Some(SIGNED_UP), &["en"]);
    second.name = "second".into();
    m.campaigns.push(Arc::new(second));
    let props: Vec<String> = names("event", &m).into_iter().map(|(n, _)| n).collect();
    assert_eq!(props, ["cart_url", "items", "total", "source"]);
    // No event at the only send: nothing under `event`, and no `event`.
    m.campaigns = vec![Arc::new(campaign(None, &["en"]))];
    assert!(names("event", &m).is_empty());
    assert!(!names("", &m).iter().any(|(n, _)| n == "event"));
    // Helper arguments: `money` takes money values only.
    m.campaigns = vec![Arc::new(campaign(Some(CART), &["en"]))];
    let fit: Vec<String> = template_members(&m, Some(MessageId(0)), "event")
        .into_iter()
        .filter(|x| x.fits_helper_argument("money", 0))
        .map(|x| x.name)
        .collect();
    assert_eq!(fit, ["items", "total"]);
}
