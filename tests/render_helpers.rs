//! Behaviour of the rendering stage: locale-aware helpers, escaping per
//! channel, HTML emails and SMS segment counts.

use campaignc::template::{
    email_html, email_text, helper_spec, is_valid_locale, plural_categories, sms_segments, value,
    Escape, RenderOptions, Renderer, SmsEncoding, HELPERS,
};
use serde_json::{json, Value};

fn opts(locale: &str, timezone: &str, escape: Escape) -> RenderOptions {
    RenderOptions {
        locale: locale.to_string(),
        timezone: timezone.to_string(),
        escape,
    }
}

fn render_with(
    locale: &str,
    timezone: &str,
    escape: Escape,
    template: &str,
    data: &Value,
) -> String {
    Renderer::new()
        .render(template, data, &opts(locale, timezone, escape))
        .unwrap_or_else(|e| panic!("render {template:?} in {locale}: {e}"))
}

fn render_in(locale: &str, template: &str, data: &Value) -> String {
    render_with(locale, "UTC", Escape::None, template, data)
}

fn customer(fields: Value) -> Value {
    json!({ "customer": fields })
}

const POINTS_CS: &str =
    r##"{{plural customer.n one="# bod" few="# body" many="# bodu" other="# bodů"}}"##;

#[test]
fn czech_plural_uses_one_few_many_other() {
    let cases = [
        (json!(1), "1 bod"),
        (json!(3), "3 body"),
        (json!(1.5), "1,5 bodu"),
        (json!(5), "5 bodů"),
        (json!(22), "22 bodů"),
        (json!(4), "4 body"),
        (json!(1000), "1\u{a0}000 bodů"),
    ];
    for (n, expected) in cases {
        assert_eq!(
            render_in("cs", POINTS_CS, &customer(json!({ "n": n }))),
            expected,
            "n = {n}"
        );
    }
}

#[test]
fn english_plural_uses_one_and_other() {
    let template = r##"{{plural customer.n one="# point" other="# points"}}"##;
    assert_eq!(
        render_in("en", template, &customer(json!({"n": 1}))),
        "1 point"
    );
    assert_eq!(
        render_in("en", template, &customer(json!({"n": 0}))),
        "0 points"
    );
    assert_eq!(
        render_in("en", template, &customer(json!({"n": 1234}))),
        "1,234 points"
    );
}

#[test]
fn chinese_plural_only_has_other() {
    let template = r##"{{plural customer.n one="ONE #" other="# 點"}}"##;
    for n in [0, 1, 2, 5] {
        let data = customer(json!({ "n": n }));
        assert_eq!(render_in("zh-Hant", template, &data), format!("{n} 點"));
    }
}

#[test]
fn vietnamese_plural_needs_only_other() {
    // Vietnamese nouns do not inflect: a template with just `other` is right
    // for every number.
    let template = r##"{{plural customer.n other="# điểm"}}"##;
    for (n, expected) in [
        (0, "0 điểm"),
        (1, "1 điểm"),
        (2, "2 điểm"),
        (1500, "1.500 điểm"),
    ] {
        assert_eq!(
            render_in("vi", template, &customer(json!({ "n": n }))),
            expected
        );
    }
    // CLDR 49 (ICU4X 2.4 data) added a `one` category for 0 and 1, used
    // when a translator gives it.
    let with_one = r##"{{plural customer.n one="# ONE" other="# điểm"}}"##;
    assert_eq!(
        render_in("vi", with_one, &customer(json!({ "n": 1 }))),
        "1 ONE"
    );
    assert_eq!(
        render_in("vi", with_one, &customer(json!({ "n": 2 }))),
        "2 điểm"
    );
}

#[test]
fn plural_falls_back_to_other_when_category_text_is_missing() {
    // Czech 3 is `few`, which this template does not give.
    let template = r##"{{plural customer.n one="# bod" other="# bodů"}}"##;
    assert_eq!(
        render_in("cs", template, &customer(json!({"n": 3}))),
        "3 bodů"
    );
}

#[test]
fn plural_categories_per_locale() {
    assert_eq!(plural_categories("cs"), ["one", "few", "many", "other"]);
    assert_eq!(plural_categories("en"), ["one", "other"]);
    // CLDR 49 gives Vietnamese `one` (0 and 1) besides `other`.
    assert_eq!(plural_categories("vi"), ["one", "other"]);
    assert_eq!(plural_categories("zh-Hant"), ["other"]);
    assert_eq!(plural_categories("not a tag"), ["other"]);
}

#[test]
fn locale_tags_are_checked_as_bcp47() {
    for good in ["en", "vi", "cs", "zh-Hant", "pt-BR"] {
        assert!(is_valid_locale(good), "{good}");
    }
    for bad in ["", "en_US!", "english-language-x", "1234"] {
        assert!(!is_valid_locale(bad), "{bad}");
    }
}

#[test]
fn numbers_follow_locale_grouping_and_separators() {
    let data = customer(json!({ "x": 1234567.5, "i": 1234 }));
    let cases = [
        ("en", "1,234,567.5", "1,234"),
        ("cs", "1\u{a0}234\u{a0}567,5", "1\u{a0}234"),
        ("vi", "1.234.567,5", "1.234"),
        ("zh-Hant", "1,234,567.5", "1,234"),
    ];
    for (locale, float, int) in cases {
        assert_eq!(
            render_in(locale, "{{number customer.x}}", &data),
            float,
            "{locale}"
        );
        assert_eq!(
            render_in(locale, "{{number customer.i}}", &data),
            int,
            "{locale}"
        );
    }
}

#[test]
fn number_decimals_rounds_and_pads() {
    let data = customer(json!({ "x": 2.5, "y": 1.005, "m": "19.9 USD" }));
    assert_eq!(
        render_in("en", "{{number customer.x decimals=2}}", &data),
        "2.50"
    );
    assert_eq!(
        render_in("cs", "{{number customer.x decimals=0}}", &data),
        "2"
    );
    assert_eq!(
        render_in("vi", "{{number customer.m decimals=2}}", &data),
        "19,90"
    );
}

#[test]
fn money_uses_cldr_currency_patterns() {
    let data = customer(json!({
        "eur": value::money("1234.50", "EUR"),
        "usd": value::money("59.9", "USD"),
        "czk": value::money("1234.5", "CZK"),
        "vnd": value::money("150000", "VND"),
    }));
    let cases = [
        ("en", "eur", "€1,234.50"),
        ("cs", "eur", "1\u{a0}234,50\u{a0}€"),
        ("vi", "eur", "1.234,50\u{a0}€"),
        ("zh-Hant", "eur", "€1,234.50"),
        ("en", "usd", "$59.90"),
        ("cs", "usd", "59,90\u{a0}US$"),
        ("zh-Hant", "usd", "US$59.90"),
        ("cs", "czk", "1\u{a0}234,50\u{a0}Kč"),
        ("en", "czk", "CZK\u{a0}1,234.50"),
        ("vi", "vnd", "150.000\u{a0}₫"),
    ];
    for (locale, field, expected) in cases {
        let template = format!("{{{{money customer.{field}}}}}");
        assert_eq!(
            render_in(locale, &template, &data),
            expected,
            "{locale} {field}"
        );
    }
}

#[test]
fn bare_money_prints_the_data_convention() {
    let data = customer(json!({ "total": value::money("1234.50", "EUR") }));
    assert_eq!(render_in("cs", "{{customer.total}}", &data), "1234.50 EUR");
}

#[test]
fn dates_in_each_locale_and_style() {
    let data = customer(json!({ "at": "2026-11-02T03:00:00Z" }));
    let cases = [
        ("en", "long", "November 2, 2026"),
        ("en", "medium", "Nov 2, 2026"),
        ("en", "full", "Monday, November 2, 2026"),
        ("cs", "long", "2. listopadu 2026"),
        ("cs", "short", "02. 11. 26"),
        ("vi", "long", "2 tháng 11 2026"),
        ("zh-Hant", "long", "2026年11月2日"),
        ("zh-Hant", "full", "2026年11月2日星期一"),
    ];
    for (locale, style, expected) in cases {
        let template = format!("{{{{date customer.at \"{style}\"}}}}");
        assert_eq!(
            render_in(locale, &template, &data),
            expected,
            "{locale} {style}"
        );
    }
    // Medium is the default style.
    assert_eq!(
        render_in("en", "{{date customer.at}}", &data),
        "Nov 2, 2026"
    );
}

#[test]
fn date_is_the_local_day_in_the_customers_zone_across_dst() {
    // 22:30 UTC is 00:30 the next day in Prague in summer (UTC+2) but still
    // 23:30 the same day in winter (UTC+1).
    let data = customer(json!({
        "summer": "2026-07-14T22:30:00Z",
        "winter": "2026-01-14T22:30:00Z",
    }));
    let prague = |template: &str| render_with("en", "Europe/Prague", Escape::None, template, &data);
    assert_eq!(prague("{{date customer.summer \"long\"}}"), "July 15, 2026");
    assert_eq!(
        prague("{{date customer.winter \"long\"}}"),
        "January 14, 2026"
    );
    // In UTC both stay on the 14th.
    assert_eq!(
        render_in("en", "{{date customer.summer \"long\"}}", &data),
        "July 14, 2026"
    );
}

#[test]
fn plain_dates_are_not_shifted_by_the_time_zone() {
    let data = customer(json!({ "birthday": "2026-03-01" }));
    let text = render_with(
        "en",
        "Pacific/Honolulu",
        Escape::None,
        "{{date customer.birthday \"long\"}}",
        &data,
    );
    assert_eq!(text, "March 1, 2026");
}

#[test]
fn default_replaces_unset_and_empty_values() {
    let template = r#"Hi {{default customer.first_name "there"}}!"#;
    assert_eq!(render_in("en", template, &customer(json!({}))), "Hi there!");
    assert_eq!(
        render_in("en", template, &customer(json!({"first_name": ""}))),
        "Hi there!"
    );
    assert_eq!(
        render_in("en", template, &customer(json!({"first_name": "Linh"}))),
        "Hi Linh!"
    );
}

#[test]
fn upper_and_lower_handle_non_ascii() {
    let data = customer(json!({ "city": "Žďár", "tier": "GOLD" }));
    assert_eq!(render_in("cs", "{{upper customer.city}}", &data), "ŽĎÁR");
    assert_eq!(render_in("en", "{{lower customer.tier}}", &data), "gold");
    // Case mapping follows the locale: Turkish has a dotted capital I.
    let istanbul = customer(json!({ "city": "istanbul" }));
    assert_eq!(
        render_in("tr", "{{upper customer.city}}", &istanbul),
        "İSTANBUL"
    );
    assert_eq!(
        render_in("en", "{{upper customer.city}}", &istanbul),
        "ISTANBUL"
    );
}

#[test]
fn webhook_body_stays_valid_json_with_quotes_and_backslashes() {
    let name = "Tom \"TJ\" \\o/ <b>\n";
    let data = customer(json!({ "first_name": name, "points": 7 }));
    let template = r#"{"name": "{{customer.first_name}}", "shout": "{{upper customer.first_name}}", "points": {{customer.points}}}"#;
    let body = render_with("en", "UTC", Escape::Json, template, &data);
    let parsed: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{body}: {e}"));
    assert_eq!(parsed["name"], name);
    assert_eq!(parsed["shout"], name.to_uppercase());
    assert_eq!(parsed["points"], 7);
}

#[test]
fn html_escaping_applies_to_values_and_helper_results() {
    let data = customer(json!({ "first_name": "<b>x</b>" }));
    let text = render_with(
        "en",
        "UTC",
        Escape::Html,
        "{{customer.first_name}} {{upper customer.first_name}}",
        &data,
    );
    assert_eq!(text, "&lt;b&gt;x&lt;/b&gt; &lt;B&gt;X&lt;/B&gt;");
    let sms = render_with("en", "UTC", Escape::None, "{{customer.first_name}}", &data);
    assert_eq!(sms, "<b>x</b>");
}

#[test]
fn email_body_escapes_script_from_persona_values() {
    let data = customer(json!({ "first_name": "<script>alert('x')</script>" }));
    let body = render_with(
        "en",
        "UTC",
        Escape::Html,
        "Hi {{customer.first_name}},\n\nWelcome.",
        &data,
    );
    let html = email_html("Welcome", None, &body, "en");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    let document = scraper::Html::parse_document(&html);
    let scripts = scraper::Selector::parse("script").expect("selector");
    assert_eq!(document.select(&scripts).count(), 0);
    // The plain-text part shows the value as the customer wrote it.
    assert!(email_text(&body).contains("Hi <script>alert('x')</script>,"));
}

fn welcome_data(name: &str) -> Value {
    let mut customer = serde_json::Map::new();
    customer.insert("first_name".into(), value::text(name));
    customer.insert("signed_up_at".into(), value::text("2026-11-02T03:00:00Z"));
    customer.insert("loyalty_points".into(), value::int(120));
    customer.insert("lifetime_value".into(), value::money("1234.50", "EUR"));
    value::root(
        customer,
        None,
        "onboarding",
        "https://acme.example/u?c=42&t=abc",
    )
}

struct Welcome {
    locale: &'static str,
    timezone: &'static str,
    name: &'static str,
    subject: &'static str,
    preheader: &'static str,
    body: &'static str,
}

const WELCOMES: &[Welcome] = &[
    Welcome {
        locale: "en",
        timezone: "America/New_York",
        name: "Ann",
        subject: r#"Welcome to Acme, {{default customer.first_name "there"}}!"#,
        preheader: "Your first project takes two minutes",
        body: "Hi {{default customer.first_name \"there\"}},\n\nThanks for joining on {{date customer.signed_up_at \"long\"}}. You have {{plural customer.loyalty_points one=\"# point\" other=\"# points\"}} worth **{{money customer.lifetime_value}}**.\n\n[Create your first project](https://app.acme.example/new)\n\n[Unsubscribe]({{unsubscribe_url}})\n",
    },
    Welcome {
        locale: "vi",
        timezone: "Asia/Ho_Chi_Minh",
        name: "Linh",
        subject: r#"Chào mừng bạn đến với Acme, {{default customer.first_name "bạn"}}!"#,
        preheader: "Dự án đầu tiên chỉ mất hai phút",
        body: "Chào {{default customer.first_name \"bạn\"}},\n\nCảm ơn bạn đã tham gia vào {{date customer.signed_up_at \"long\"}}. Bạn có {{plural customer.loyalty_points other=\"# điểm\"}} trị giá **{{money customer.lifetime_value}}**.\n\n[Tạo dự án đầu tiên](https://app.acme.example/new)\n\n[Hủy đăng ký]({{unsubscribe_url}})\n",
    },
    Welcome {
        locale: "cs",
        timezone: "Europe/Prague",
        name: "Jana",
        subject: r#"Vítejte v Acme, {{default customer.first_name "vítejte"}}!"#,
        preheader: "První projekt zabere dvě minuty",
        body: "Dobrý den, {{default customer.first_name \"\"}},\n\nděkujeme za registraci {{date customer.signed_up_at \"long\"}}. Máte {{plural customer.loyalty_points one=\"# bod\" few=\"# body\" many=\"# bodu\" other=\"# bodů\"}} v hodnotě **{{money customer.lifetime_value}}**.\n\n[Vytvořit první projekt](https://app.acme.example/new)\n\n[Odhlásit odběr]({{unsubscribe_url}})\n",
    },
    Welcome {
        locale: "zh-Hant",
        timezone: "Asia/Taipei",
        name: "美玲",
        subject: r#"歡迎加入 Acme，{{default customer.first_name "朋友"}}！"#,
        preheader: "兩分鐘完成第一個專案",
        body: "{{default customer.first_name \"朋友\"}}，您好：\n\n感謝您於 {{date customer.signed_up_at \"long\"}} 加入。您有 {{plural customer.loyalty_points other=\"# 點\"}}，價值 **{{money customer.lifetime_value}}**。\n\n[建立第一個專案](https://app.acme.example/new)\n\n[取消訂閱]({{unsubscribe_url}})\n",
    },
];

fn render_welcome(welcome: &Welcome) -> (String, String, String) {
    let renderer = Renderer::new();
    let data = welcome_data(welcome.name);
    let html_opts = opts(welcome.locale, welcome.timezone, Escape::Html);
    let subject = renderer
        .render(welcome.subject, &data, &html_opts)
        .expect("subject");
    let body = renderer
        .render(welcome.body, &data, &html_opts)
        .expect("body");
    let html = email_html(&subject, Some(welcome.preheader), &body, welcome.locale);
    (subject, body, html)
}

#[test]
fn html_email_has_subject_preheader_body_and_no_external_resources() {
    for welcome in WELCOMES {
        let (_, body, html) = render_welcome(welcome);
        let document = scraper::Html::parse_document(&html);
        let select = |css: &str| scraper::Selector::parse(css).expect("selector");
        let title: String = document
            .select(&select("title"))
            .flat_map(|t| t.text())
            .collect();
        assert!(
            title.contains(welcome.name),
            "{}: title {title:?}",
            welcome.locale
        );
        let lang = document
            .select(&select("html"))
            .next()
            .and_then(|h| h.value().attr("lang"));
        assert_eq!(lang, Some(welcome.locale));
        assert_eq!(document.select(&select("meta[charset=utf-8]")).count(), 1);
        let preheader: String = document
            .select(&select("body > span"))
            .flat_map(|s| s.text())
            .collect();
        assert!(preheader.starts_with(welcome.preheader), "{preheader:?}");
        let text: String = document
            .select(&select("td"))
            .flat_map(|t| t.text())
            .collect();
        assert!(text.contains(welcome.name), "{text}");
        // The unsubscribe link survives HTML escaping and Markdown intact.
        let hrefs: Vec<&str> = document
            .select(&select("a"))
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(
            hrefs.contains(&"https://acme.example/u?c=42&t=abc"),
            "{hrefs:?}"
        );
        for external in ["<img", "<link", "<script", "<style", "@import", "src="] {
            assert!(!html.contains(external), "{}: {external}", welcome.locale);
        }
        assert!(html.contains("max-width:600px"));
        assert!(email_text(&body).contains("(https://acme.example/u?c=42&t=abc)"));
    }
}

#[test]
fn html_email_snapshots_per_locale() {
    for welcome in WELCOMES {
        let (_, body, html) = render_welcome(welcome);
        insta::assert_snapshot!(format!("welcome_email_{}", welcome.locale), html);
        insta::assert_snapshot!(
            format!("welcome_text_{}", welcome.locale),
            email_text(&body)
        );
    }
}

#[test]
fn email_output_is_deterministic() {
    let first = render_welcome(&WELCOMES[2]);
    let second = render_welcome(&WELCOMES[2]);
    assert_eq!(first, second);
}

#[test]
fn sms_gsm7_single_segment_ends_at_160() {
    let at_limit = sms_segments(&"a".repeat(160));
    assert_eq!(
        (at_limit.encoding, at_limit.units, at_limit.segments),
        (SmsEncoding::Gsm7, 160, 1)
    );
    let over = sms_segments(&"a".repeat(161));
    assert_eq!((over.units, over.segments), (161, 2));
    assert_eq!(sms_segments(&"a".repeat(306)).segments, 2);
    assert_eq!(sms_segments(&"a".repeat(307)).segments, 3);
}

#[test]
fn sms_extension_characters_count_twice() {
    let euros = sms_segments(&"€".repeat(80));
    assert_eq!(
        (euros.encoding, euros.units, euros.segments),
        (SmsEncoding::Gsm7, 160, 1)
    );
    assert_eq!(sms_segments(&"[".repeat(81)).segments, 2);
    // Accented letters of the basic set cost one septet.
    assert_eq!(sms_segments("éèÄÖÑÜ").units, 6);
}

#[test]
fn sms_vietnamese_and_chinese_are_ucs2_with_70_per_segment() {
    for unit in ["ư", "好"] {
        let at_limit = sms_segments(&unit.repeat(70));
        assert_eq!(
            (at_limit.encoding, at_limit.units, at_limit.segments),
            (SmsEncoding::Ucs2, 70, 1)
        );
        assert_eq!(sms_segments(&unit.repeat(71)).segments, 2);
        assert_eq!(sms_segments(&unit.repeat(134)).segments, 2);
        assert_eq!(sms_segments(&unit.repeat(135)).segments, 3);
    }
    // One non-GSM character switches the whole text to UCS-2.
    let mixed = sms_segments(&format!("{}ư", "a".repeat(69)));
    assert_eq!(
        (mixed.encoding, mixed.units, mixed.segments),
        (SmsEncoding::Ucs2, 70, 1)
    );
}

#[test]
fn sms_emoji_outside_the_bmp_count_two_units() {
    let emoji = sms_segments(&"😀".repeat(35));
    assert_eq!(
        (emoji.encoding, emoji.units, emoji.segments),
        (SmsEncoding::Ucs2, 70, 1)
    );
    assert_eq!(sms_segments(&"😀".repeat(36)).segments, 2);
}

#[test]
fn sms_sample_render_of_the_language_example() {
    let mut event = serde_json::Map::new();
    event.insert("total".into(), value::money("59.90", "USD"));
    event.insert(
        "cart_url".into(),
        value::text("https://example.com/abcdefgh"),
    );
    let mut customer = serde_json::Map::new();
    customer.insert("first_name".into(), value::text("Sample"));
    let data = value::root(customer, Some(event), "cart", "https://example.com/u");
    let en = render_in(
        "en",
        "{{customer.first_name}}, your cart ({{money event.total}}) is waiting: {{event.cart_url}} Reply STOP to opt out",
        &data,
    );
    assert_eq!(
        en,
        "Sample, your cart ($59.90) is waiting: https://example.com/abcdefgh Reply STOP to opt out"
    );
    assert_eq!(sms_segments(&en).encoding, SmsEncoding::Gsm7);
    let vi = render_in(
        "vi",
        "Giỏ hàng của bạn ({{money event.total}}) vẫn đang chờ: {{event.cart_url}} Trả lời STOP để hủy",
        &data,
    );
    assert_eq!(sms_segments(&vi).encoding, SmsEncoding::Ucs2);
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let err = Renderer::new()
        .compile("Hello\n  {{#if customer.vip}}VIP")
        .expect_err("unclosed block");
    assert_eq!(err.line, Some(2), "{err:?}");
    assert!(err.column.is_some(), "{err:?}");
    let err = Renderer::new()
        .render(
            "Hello\n  {{money customer.name}}",
            &customer(json!({ "name": "Ann" })),
            &opts("en", "UTC", Escape::None),
        )
        .expect_err("not money");
    assert_eq!((err.line, err.column), (Some(2), Some(3)), "{err:?}");
    assert!(err.message.contains("money"), "{err:?}");
}

#[test]
fn helper_misuse_is_an_error_not_a_panic() {
    let renderer = Renderer::new();
    let data = customer(json!({ "name": "Ann", "n": 3 }));
    let plain = opts("en", "UTC", Escape::None);
    for template in [
        "{{money customer.name}}",
        "{{number customer.name}}",
        "{{date customer.name}}",
        "{{date customer.n}}",
        r##"{{plural customer.n one="#"}}"##,
        "{{number customer.n decimals=-1}}",
        "{{nope customer.name}}",
        "{{money}}",
    ] {
        let result = renderer.render(template, &data, &plain);
        assert!(result.is_err(), "{template} gave {result:?}");
    }
    let bad_zone = renderer.render("x", &data, &opts("en", "Mars/Olympus", Escape::None));
    assert!(bad_zone.is_err());
    let bad_locale = renderer.render("x", &data, &opts("en_US!", "UTC", Escape::None));
    assert!(bad_locale.is_err());
    let date_style = renderer.render(
        "{{date customer.at \"huge\"}}",
        &customer(json!({ "at": "2026-01-01" })),
        &plain,
    );
    assert!(date_style.expect_err("bad style").message.contains("short"));
}

#[test]
fn helper_table_matches_registered_helpers() {
    let names: Vec<&str> = HELPERS.iter().map(|h| h.name).collect();
    assert_eq!(
        names,
        ["default", "money", "number", "date", "plural", "upper", "lower"]
    );
    let data = customer(json!({
        "m": "1.00 USD", "n": 1, "t": "2026-01-01T00:00:00Z", "s": "x"
    }));
    for (name, call) in [
        ("default", "{{default customer.s \"y\"}}"),
        ("money", "{{money customer.m}}"),
        ("number", "{{number customer.n}}"),
        ("date", "{{date customer.t}}"),
        ("plural", "{{plural customer.n other=\"#\"}}"),
        ("upper", "{{upper customer.s}}"),
        ("lower", "{{lower customer.s}}"),
    ] {
        let spec = helper_spec(name).expect("in table");
        assert!(spec.min_args <= spec.max_args && spec.arg_kinds.len() == spec.max_args);
        // The example the checker's help lines show is a call of this helper.
        assert!(spec.example.starts_with(&format!("{{{{{name} ")), "{name}");
        assert!(!render_in("en", call, &data).is_empty(), "{name}");
    }
    assert!(helper_spec("format").is_none());
}

#[test]
fn renderer_is_shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Renderer>();
    let renderer = Renderer::new();
    let data = customer(json!({ "n": 5 }));
    std::thread::scope(|scope| {
        for locale in ["en", "cs"] {
            let renderer = &renderer;
            let data = &data;
            scope.spawn(move || {
                let text = renderer
                    .render(POINTS_CS, data, &opts(locale, "UTC", Escape::None))
                    .expect("render");
                assert_eq!(text, "5 bodů");
            });
        }
    });
}

#[test]
fn value_constructors_follow_the_conventions() {
    let at: jiff::Timestamp = "2026-11-02T04:00:00+01:00".parse().expect("instant");
    assert_eq!(value::instant(at), json!("2026-11-02T03:00:00Z"));
    assert_eq!(
        value::date(jiff::civil::date(2026, 11, 2)),
        json!("2026-11-02")
    );
    assert_eq!(value::money("1234.50", "EUR"), json!("1234.50 EUR"));
    let root = value::root(
        serde_json::Map::new(),
        None,
        "onboarding",
        "https://u.example",
    );
    assert_eq!(root["campaign"]["name"], "onboarding");
    assert!(root.get("event").is_none());
}

#[test]
fn helpers_keep_the_locale_inside_each_and_if_blocks() {
    let data = json!({
        "customer": { "vip": true },
        "event": { "items": [
            { "name": "Áo thun", "price": value::money("19.90", "USD") },
            { "name": "Mũ", "price": value::money("1200", "USD") },
        ]}
    });
    let template =
        "{{#if customer.vip}}{{#each event.items}}{{name}}: {{money price}}; {{/each}}{{/if}}";
    assert_eq!(
        render_in("vi", template, &data),
        "Áo thun: 19,90\u{a0}US$; Mũ: 1.200,00\u{a0}US$; "
    );
}

/// The links the checker reports as unsafe (E0610) are exactly the ones
/// rendering drops, found by one function with the email's Markdown
/// options, each with its place in the body.
#[test]
fn unsafe_markdown_links_are_the_links_the_email_drops() {
    use campaignc::template::email::{body_links, unsafe_markdown_links};
    let body = "Hi [click](javascript:alert(1)), ~~[old](https://a.example)~~ \
                ![pixel](data:image/png;base64,AA) and [ok](https://b.example).";
    let found = unsafe_markdown_links(body);
    let urls: Vec<&str> = found.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(urls, ["javascript:alert(1)", "data:image/png;base64,AA"]);
    assert_eq!(&body[found[0].1.clone()], "[click](javascript:alert(1))");
    assert_eq!(
        &body[found[1].1.clone()],
        "![pixel](data:image/png;base64,AA)"
    );
    let dropped: Vec<String> = body_links(body)
        .into_iter()
        .filter(|(_, kept)| !kept)
        .map(|(url, _)| url)
        .collect();
    assert_eq!(dropped, urls);
    let html = email_html("s", None, body, "en");
    assert!(
        !html.contains("javascript:") && !html.contains("data:image"),
        "{html}"
    );
}
