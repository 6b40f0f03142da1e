//! The events reader's one-pass path ([`EventParser::fast`]) against the
//! path through a JSON tree ([`EventParser::slow`]): the same record for
//! every line the fast path takes, and no record for a line the slow path
//! refuses (whose message is then the slow path's).

use super::*;
use crate::check::model::FieldDef;

/// A schema with a property of every type, optional ones, lists and a
/// record: `type line { sku: string, price: money(EUR), note: string? }`
/// and the events `bought` (every type), `opened { screen: string? }` and
/// `empty {}`.
fn model() -> Model {
    use crate::check::model::{AttrDef, FieldDef, RecordDef, RecordId, Type};
    let mut model = crate::check::check(&[], &mut crate::diagnostics::Problems::new());
    let field = |name: &str, ty: Type| FieldDef {
        name: name.into(),
        ty,
        span: Default::default(),
    };
    let optional = |ty: Type| Type::Optional(Box::new(ty));
    model.schema.records = vec![RecordDef {
        name: "line".into(),
        fields: vec![
            field("sku", Type::String),
            field("price", Type::Money("EUR".into())),
            field("note", optional(Type::String)),
        ],
        doc: None,
        span: Default::default(),
    }];
    let event = |name: &str, fields: Vec<FieldDef>| EventDef {
        name: name.into(),
        fields,
        doc: None,
        span: Default::default(),
    };
    model.schema.events = vec![
        event(
            "bought",
            vec![
                field("total", Type::Money("EUR".into())),
                field("count", Type::Int),
                field("ratio", Type::Decimal),
                field("gift", Type::Bool),
                field(
                    "tier",
                    Type::Enum(vec!["basic".into(), "gold".into()].into()),
                ),
                field("at_store", optional(Type::Time)),
                field("on", optional(Type::Date)),
                field("took", optional(Type::Duration)),
                field("email", optional(Type::Email)),
                field("url", optional(Type::Url)),
                field("locale", optional(Type::Locale)),
                field("zone", optional(Type::Timezone)),
                field("lines", Type::List(Box::new(Type::Record(RecordId(0))))),
                field("tags", Type::List(Box::new(optional(Type::String)))),
                field("note", optional(Type::String)),
            ],
        ),
        event("opened", vec![field("screen", optional(Type::String))]),
        event("empty", Vec::new()),
    ];
    let attr = |name: &str, ty: Type| AttrDef {
        name: name.into(),
        ty,
        consent: None,
        doc: None,
        span: Default::default(),
    };
    model.schema.attrs = vec![
        attr("email", Type::Email),
        attr("locale", optional(Type::Locale)),
        attr("timezone", optional(Type::Timezone)),
        attr("plan", Type::Enum(vec!["free".into(), "pro".into()].into())),
        attr("credits", optional(Type::Int)),
        attr("balance", Type::Money("EUR".into())),
        attr("joined_at", Type::Time),
        attr("renews_on", optional(Type::Date)),
        attr("tags", optional(Type::List(Box::new(Type::String)))),
        attr("last_line", optional(Type::Record(RecordId(0)))),
    ];
    model
}

/// Lines the fast path must read as the slow path does, or leave to it.
const LINES: &[&str] = &[
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{"screen":"home"}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened"}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":null}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{"screen":null}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"empty","properties":{}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00+07:00","event":"opened","properties":{"screen":"ho\"me\u00e9"}}"#,
    r#"{"at":"2026-03-01T10:00:00Z","customer":"c1","properties":{"screen":"x"},"event":"opened"}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{"screen":"a","screen":"b"}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{"screen":1}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{"scren":"x"}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opend","properties":{}}"#,
    r#"{"customer":"","at":"2026-03-01T10:00:00Z","event":"opened","properties":{}}"#,
    r#"{"customer":"c1","at":"yesterday","event":"opened","properties":{}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{},"extra":1}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","event":"opened"}"#,
    r#"{"customer":"c\u0031","at":"2026-03-01T10:00:00Z","event":"opened"}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened"} x"#,
    r#"[1, 2]"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":18.9,"count":2,"ratio":0.125,"gift":false,"tier":"gold","lines":[],"tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":"18.90 EUR","count":-3,"ratio":"12.5","gift":true,"tier":"basic","at_store":"2026-02-01T09:00:00+01:00","on":"2026-02-01","took":"1d2h","email":"a@example.com","url":"https://example.com/c?x=1","locale":"zh-Hant","zone":"Asia/Ho_Chi_Minh","lines":[{"sku":"A-1","price":2.5},{"sku":"B","price":"3 EUR","note":null}],"tags":["a",null,"b"],"note":"ok"}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":"18.90 USD","count":1,"ratio":1,"gift":true,"tier":"gold","lines":[],"tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":1.5,"ratio":1,"gift":true,"tier":"gold","lines":[],"tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":18446744073709551615,"ratio":1,"gift":true,"tier":"gold","lines":[],"tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":1,"ratio":1,"gift":true,"tier":"silver","lines":[],"tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":1,"ratio":1,"gift":true,"tier":"gold","lines":[{"sku":"A"}],"tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":1,"ratio":1,"gift":true,"tier":"gold","lines":{},"tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":1,"ratio":1,"gift":true,"tier":"gold","tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":1,"ratio":1,"gift":null,"tier":"gold","lines":[],"tags":[]}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":1,"ratio":1,"gift":true,"tier":"gold","lines":[],"tags":[],"email":"nope","zone":"Mars/Base"}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1,"count":1,"ratio":1,"gift":true,"tier":"gold","lines":[],"tags":[],"locale":"not a locale"}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{"total":1e2,"count":1,"ratio":123456789012345678901234567890,"gift":true,"tier":"gold","lines":[],"tags":[],"on":"2026-02-30"}}"#,
    // The byte-matched shape (`EventParser::plain`) and its near misses.
    "{\"customer\":\"c1\",\"at\":\"2026-03-01T10:00:00Z\",\"event\":\"opened\",\"properties\":{\"screen\":\"home\"}}\r",
    "{\"customer\":\"c1\",\"at\":\"2026-03-01T10:00:00Z\",\"event\":\"opened\",\"properties\":{\"screen\":\"home\"}} \t",
    "{\"customer\":\"c\t1\",\"at\":\"2026-03-01T10:00:00Z\",\"event\":\"opened\",\"properties\":{}}",
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{}}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{"screen":"x"},"properties":{}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{"screen":"x"}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":"x"}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":null }"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened" ,"properties":{}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"opened","properties":{"screen":"a\"b"}}"#,
    r#"{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"empty","properties":null}"#,
];

/// The byte-matched shape ([`EventParser::plain`]) gives what the JSON
/// reader's one pass ([`EventLineSeed`]) gives for the same line.
fn plain_agrees(parser: &EventParser, text: &str) -> bool {
    let Some(plain) = parser.plain(text) else {
        return false;
    };
    let mut json = serde_json::Deserializer::from_str(text);
    let seed = EventLineSeed {
        model: parser.model,
        keep: &parser.keep,
    };
    let read = serde::de::DeserializeSeed::deserialize(seed, &mut json)
        .ok()
        .filter(|_| json.end().is_ok());
    let Some(read) = read else {
        panic!("the byte-matched shape took a line the JSON reader refuses: {text}");
    };
    assert_eq!(
        (plain.customer, plain.at, plain.event, &plain.props),
        (read.customer, read.at, read.event, &read.props),
        "{text}"
    );
    true
}

fn agree(parser: &EventParser, text: &str) -> bool {
    let plain = plain_agrees(parser, text);
    let fast = parser.fast(7, text);
    let slow = parser.slow(7, text);
    match (&fast, &slow) {
        (Some((id, record)), Ok((slow_id, slow_record))) => {
            assert_eq!(id, slow_id, "{text}");
            assert_eq!(record, slow_record, "{text}");
        }
        (None, _) => {}
        (Some(_), Err(e)) => panic!("the fast path took a line the slow one refuses ({e}): {text}"),
    }
    // What a caller gets is the slow path's answer either way.
    assert_eq!(parser.parse(7, text), slow, "{text}");
    // Leaving properties out takes the same lines, with the same values
    // for the properties kept.
    let projected = EventParser {
        keep: parser
            .model
            .schema
            .events
            .iter()
            .map(|e| (0..e.fields.len()).map(kept).collect())
            .collect(),
        ..EventParser::json(parser.model)
    };
    let fast_projected = projected.fast(7, text);
    assert_eq!(fast_projected.is_some(), fast.is_some(), "{text}");
    assert_eq!(plain_agrees(&projected, text), plain, "{text}");
    if let (Some((_, full)), Some((_, part))) = (fast, fast_projected) {
        let def = parser
            .model
            .schema
            .events
            .iter()
            .find(|e| *e.name == *full.event);
        let fields = &def.expect("the event").fields;
        assert_eq!(part.props, only_kept(&full.props, fields), "{text}");
    }
    plain
}

/// Whether the `i`th field is kept in the tests of leaving some out.
fn kept(i: usize) -> bool {
    i % 3 != 1
}

/// `record` with the fields [`kept`] leaves out taken away.
fn only_kept(record: &Val, fields: &[FieldDef]) -> Val {
    let Val::Record(values) = record else {
        panic!("not a record: {record:?}");
    };
    let keep = |name: &str| kept(fields.iter().position(|f| f.name == name).expect("a field"));
    Val::Record(values.iter().filter(|(n, _)| keep(n)).cloned().collect())
}

#[test]
fn the_one_pass_reader_gives_the_json_trees_records() {
    let model = model();
    let parser = EventParser::json(&model);
    let (mut taken, mut plain) = (0, 0);
    for text in LINES {
        plain += usize::from(agree(&parser, text));
        taken += usize::from(parser.fast(7, text).is_some());
    }
    // The usual lines do take the fast path, most of them byte-matched.
    assert!(taken >= 9, "only {taken} lines took the fast path");
    assert!(plain >= 8, "only {plain} lines were byte-matched");
    let bought = LINES[20];
    assert!(
        parser.fast(7, bought).is_some(),
        "{bought}: {:?}",
        parser.slow(7, bought)
    );
}

/// A JSON object of the keys of `typed` in a random order: mostly one of
/// the key's values, sometimes one of `any` (of another type, `null`),
/// sometimes no value at all.
fn random_object(rng: &mut fastrand::Rng, typed: &[(&str, &[&str])], any: &[&str]) -> String {
    let mut entries = Vec::new();
    for (name, values) in typed {
        let value = match rng.u8(..100) {
            0..=3 => continue,
            4..=6 => any[rng.usize(..any.len())],
            _ => values[rng.usize(..values.len())],
        };
        entries.push(format!("\"{name}\": {value}"));
    }
    rng.shuffle(&mut entries);
    format!("{{{}}}", entries.join(", "))
}

/// Random properties: mostly a value of the property's type, sometimes
/// any value (of another type, `null`), sometimes left out.
#[test]
fn the_one_pass_reader_agrees_on_random_properties() {
    let model = model();
    let parser = EventParser::json(&model);
    let mut rng = fastrand::Rng::with_seed(9);
    let any = [
        "null",
        "true",
        "0",
        "-7",
        "2.5",
        "1e400",
        "18446744073709551616",
        "\"\"",
        "\"gold\"",
        "\"18.90 EUR\"",
        "\"2026-02-01\"",
        "\"1d2h\"",
        "\"Europe/Prague\"",
        "[]",
        "[null]",
        "[\"a\", 1]",
        "{}",
        "{\"sku\": 1}",
        // What the byte scan of properties (`fields_scan`) reads itself
        // or leaves to serde: escapes, number forms, spaces, limits.
        "-0",
        "1.0",
        "1E2",
        "0.00001",
        "999999999999999.9",
        "99999999999999999999",
        "01",
        "\"a\\/b\\n\"",
        "\"\\u00e9\"",
        "\"\\x\"",
        "[ ]",
        "{ }",
        "[ {\"sku\" : \"A\" , \"price\" : 1.5 } ]",
    ];
    let typed: &[(&str, &[&str])] = &[
        ("total", &["1", "18.9", "\"2.50 EUR\"", "0.1"]),
        ("count", &["0", "-7", "42"]),
        ("ratio", &["0.5", "\"3\"", "7", "1e-3"]),
        ("gift", &["true", "false"]),
        ("tier", &["\"gold\"", "\"basic\""]),
        ("at_store", &["\"2026-02-01T09:00:00Z\"", "null"]),
        ("on", &["\"2026-02-01\""]),
        ("took", &["\"1d2h\"", "\"30m\""]),
        ("email", &["\"a@example.com\""]),
        ("url", &["\"https://example.com\""]),
        ("locale", &["\"vi\"", "\"cs\""]),
        ("zone", &["\"Europe/Prague\"", "\"UTC\""]),
        (
            "lines",
            &[
                "[]",
                "[{\"sku\": \"A\", \"price\": 1}]",
                "[{\"price\": \"2 EUR\", \"sku\": \"\\u00e9\", \"note\": null}]",
            ],
        ),
        ("tags", &["[]", "[null]", "[\"x\", \"y\"]"]),
        ("note", &["\"n\"", "null", "\"\\\"quoted\\\"\""]),
    ];
    let mut taken = 0;
    for _ in 0..5000 {
        let text = format!(
            r#"{{"customer":"c1","at":"2026-03-01T10:00:00Z","event":"bought","properties":{}}}"#,
            random_object(&mut rng, typed, &any)
        );
        let plain = agree(&parser, &text);
        let fast = parser.fast(7, &text).is_some();
        assert_eq!(plain, fast, "the usual shape is byte-matched: {text}");
        taken += usize::from(fast);
    }
    // Enough of them are valid for the fast path to be tested.
    assert!(taken > 500, "only {taken} lines took the fast path");
}

fn customers_agree(parser: &CustomerParser, text: &str) -> bool {
    let fast = parser.fast(3, text);
    let slow = parser.slow(3, text);
    match (&fast, &slow) {
        (Some(record), Ok(slow_record)) => assert_eq!(record, slow_record, "{text}"),
        (None, _) => {}
        (Some(_), Err(e)) => panic!("the fast path took a line the slow one refuses ({e}): {text}"),
    }
    assert_eq!(parser.parse(3, text), slow, "{text}");
    // Leaving attributes out takes the same lines, with the same values
    // for the attributes kept.
    let attrs = &parser.model.schema.attrs;
    let projected = CustomerParser {
        keep: (0..attrs.len()).map(kept).collect(),
        ..CustomerParser::json(parser.model)
    };
    let fast_projected = projected.fast(3, text);
    assert_eq!(fast_projected.is_some(), fast.is_some(), "{text}");
    if let (Some(full), Some(part)) = (&fast, fast_projected) {
        let keep = |name: &str| {
            kept(
                attrs
                    .iter()
                    .position(|a| a.name == name)
                    .expect("an attribute"),
            )
        };
        let expected: Attrs = full
            .attrs
            .iter()
            .filter(|(n, _)| keep(n))
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        assert_eq!(part.attrs, expected, "{text}");
    }
    fast.is_some()
}

/// The customers reader's one pass against the JSON tree, as for events.
#[test]
fn the_one_pass_customers_reader_gives_the_json_trees_records() {
    let model = model();
    let parser = CustomerParser::json(&model);
    let base = r#""email":"a@example.com","plan":"pro","balance":"12.50 EUR","joined_at":"2026-01-02T03:04:05Z""#;
    let lines = [
        format!(r#"{{"customer":"c1","attributes":{{{base}}}}}"#),
        format!(
            r#"{{"attributes":{{{base},"locale":"vi","timezone":"Asia/Ho_Chi_Minh","credits":-4,"renews_on":"2027-01-31","tags":["a","b"],"last_line":{{"sku":"A","price":2.5}}}},"customer":"c2"}}"#
        ),
        format!(r#"{{"customer":"c\u00e9","attributes":{{{base}}}}}"#),
        format!(
            r#"{{"customer":"c1","attributes":{{{base},"locale":null,"credits":null,"tags":null}}}}"#
        ),
        format!(r#"{{"customer":"c1","attributes":{{{base},"plan":"free"}}}}"#),
        format!(r#"{{"customer":"c1","attributes":{{{base},"plan":"gold"}}}}"#),
        format!(r#"{{"customer":"c1","attributes":{{{base},"email":null}}}}"#),
        format!(r#"{{"customer":"c1","attributes":{{{base},"emial":"x"}}}}"#),
        format!(r#"{{"customer":"c1","attributes":{{{base},"credits":1.5}}}}"#),
        format!(r#"{{"customer":"c1","attributes":{{{base},"tags":[null]}}}}"#),
        format!(r#"{{"customer":"c1","attributes":{{{base},"timezone":"Mars/Base"}}}}"#),
        format!(r#"{{"customer":"","attributes":{{{base}}}}}"#),
        format!(r#"{{"customer":"c1","attributes":{{{base}}},"extra":1}}"#),
        r#"{"customer":"c1","attributes":{"email":"a@example.com"}}"#.to_string(),
        r#"{"customer":"c1"}"#.to_string(),
        r#"{"customer":"c1","attributes":null}"#.to_string(),
        r#"{"customer":7,"attributes":{}}"#.to_string(),
        r#"not json"#.to_string(),
    ];
    let taken = lines.iter().filter(|l| customers_agree(&parser, l)).count();
    assert!(taken >= 4, "only {taken} lines took the fast path");
    assert!(parser.fast(3, &lines[1]).is_some(), "{}", lines[1]);
}

#[test]
fn the_one_pass_customers_reader_agrees_on_random_attributes() {
    let model = model();
    let parser = CustomerParser::json(&model);
    let mut rng = fastrand::Rng::with_seed(11);
    let any = [
        "null",
        "true",
        "3",
        "-1.5",
        "\"\"",
        "\"pro\"",
        "[]",
        "{}",
        "\"2026-01-02\"",
    ];
    let typed: &[(&str, &[&str])] = &[
        ("email", &["\"a@example.com\"", "\"b@example.org\""]),
        ("locale", &["\"cs\"", "\"zh-Hant\"", "null"]),
        ("timezone", &["\"Europe/Prague\"", "\"UTC\""]),
        ("plan", &["\"free\"", "\"pro\""]),
        ("credits", &["0", "17", "null"]),
        ("balance", &["0", "12.5", "\"3 EUR\""]),
        (
            "joined_at",
            &["\"2026-01-02T03:04:05Z\"", "\"2026-01-02T03:04:05+07:00\""],
        ),
        ("renews_on", &["\"2027-01-31\""]),
        ("tags", &["[]", "[\"a\"]"]),
        ("last_line", &["{\"sku\": \"A\", \"price\": 1}", "null"]),
    ];
    let mut taken = 0;
    for _ in 0..3000 {
        let text = format!(
            r#"{{"customer":"c1","attributes":{}}}"#,
            random_object(&mut rng, typed, &any)
        );
        taken += usize::from(customers_agree(&parser, &text));
    }
    assert!(taken > 300, "only {taken} lines took the fast path");
}

/// Every line's text is checked by `simdutf8`: it must accept and refuse
/// exactly what `std` does, multi-byte text included.
#[test]
fn a_lines_text_is_checked_as_std_checks_it() {
    let good = "{\"customer\":\"c1\",\"name\":\"Nguyễn Thị Hà, Šťastný, 陳小姐 🎁\"}";
    assert_eq!(text(good.as_bytes()), Ok(good));
    let bad: &[&[u8]] = &[
        b"{\"customer\":\"c\xff\"}",
        b"\xe1\xbb",
        b"\xed\xa0\x80 a surrogate",
        b"\xc0\xaf overlong",
        b"\xf4\x90\x80\x80 past U+10FFFF",
    ];
    for bytes in bad {
        assert_eq!(
            text(bytes),
            Err("the line is not UTF-8 text".to_string()),
            "{bytes:?}"
        );
    }
    let mut rng = fastrand::Rng::with_seed(7);
    let alphabet: Vec<u8> = "aé€🎁\"{"
        .bytes()
        .chain([0x80, 0xbf, 0xc3, 0xf0, 0xff])
        .collect();
    for _ in 0..20_000 {
        let len = rng.usize(0..80);
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.usize(..alphabet.len())])
            .collect();
        assert_eq!(
            text(&bytes).ok(),
            std::str::from_utf8(&bytes).ok(),
            "{bytes:?}"
        );
    }
}
