//! Strings, template tags, comments, doc comments, names and spans.

use super::*;

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
fn span_of_a_declaration_ending_in_a_comment_at_end_of_file() {
    let text = "segment a = x // no line break after this";
    let Item::Segment(s) = only_item(text) else {
        panic!()
    };
    assert_eq!(&text[s.span.range()], "segment a = x");
}

#[test]
fn errors_after_multibyte_text_point_at_the_open_bracket() {
    let text = "segment a = (x == \"Chào {{x}} bạn ả\" and y\n";
    let d = parse_err(text);
    assert_eq!(d.code, "E0101");
    assert_eq!(d.labels.len(), 1);
    assert_eq!(&text[d.labels[0].span.range()], "(");
}
