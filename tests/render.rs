//! `campaignc render`: the reference renderer a sending system pipes JSON
//! lines through. It reads only the plans of a build, and what it renders
//! is byte for byte what the previews show the reviewer; a bad line is an
//! error line naming the input line, and the stream goes on.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use campaignc::check::model::PersonaId;
use campaignc::preview::data::FlowIndex;
use campaignc::preview::messages::{preview_data, render_message, webhook_body, Rendered};
use campaignc::preview::persona_in_locale;
use campaignc::template::email::decode_entities;
use campaignc::template::{email_text, Renderer, SmsEncoding};
use serde_json::{json, Value};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns")
}

/// Builds the example project into `out` with the real binary.
fn build(out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("build")
        .arg(example())
        .arg("--out")
        .arg(out)
        .stderr(Stdio::null())
        .status()
        .expect("campaignc runs");
    assert!(status.success(), "the example project builds");
}

/// Runs `campaignc render --plans OUT` with `input` on stdin: the answer
/// lines, the exit code and stderr.
fn render(out: &Path, input: &[u8]) -> (Vec<Value>, i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("render")
        .arg("--plans")
        .arg(out)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("campaignc runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("campaignc finishes");
    // A run that stops before reading (plans it cannot read) closes its
    // stdin: a failed write is then expected.
    let _ = writer.join().expect("writer");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is JSON"))
        .collect();
    (
        lines,
        output.status.code().expect("exit code"),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn field<'a>(answer: &'a Value, name: &str) -> &'a Value {
    &answer["fields"][name]
}

#[test]
fn renders_what_the_previews_show_for_every_message_locale_and_persona() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    build(&out);

    let compilation = campaignc::compile(&example()).expect("the example project loads");
    let model = &compilation.model;
    let plans = campaignc::plan::lower_all(model, &compilation.sources);
    let renderer = Renderer::new();
    let mut input = String::new();
    let mut expected = Vec::new();
    for plan in &plans {
        let flow = FlowIndex::new(plan);
        for (message, content) in &plan.messages {
            for locale in content.locales.keys() {
                for persona in 0..model.personas.len() {
                    let persona = persona_in_locale(model, PersonaId(persona as u32), locale);
                    let data = preview_data(model, &flow, message, locale, persona);
                    let preview = render_message(model, &flow, &renderer, message, locale, persona);
                    let request = json!({
                        "campaign": plan.campaign,
                        "message": message,
                        "locale": locale,
                        "customer": data.customer,
                        "event": data.event.map(|(_, payload, _)| payload),
                        "unsubscribe_url": data.unsubscribe_url,
                    });
                    input.push_str(&request.to_string());
                    input.push('\n');
                    let hash = content.locales[locale].content_hash.clone();
                    expected.push((plan.campaign.clone(), persona.0 .0, preview, hash));
                }
            }
        }
    }
    assert!(
        expected.len() >= 100,
        "every message × locale × persona of the example project: {}",
        expected.len()
    );

    let (answers, code, stderr) = render(&out, input.as_bytes());
    assert_eq!(code, 0, "every request renders: {stderr}");
    assert_eq!(answers.len(), expected.len(), "one answer per request");
    let mut channels = std::collections::BTreeSet::new();
    let mut on_disk = 0;
    for (i, (answer, (campaign, persona, preview, hash))) in
        answers.iter().zip(&expected).enumerate()
    {
        let what = format!(
            "{campaign}/{} in {} for persona #{persona}",
            preview.message, preview.locale
        );
        assert_eq!(answer["line"], json!(i + 1), "{what}");
        assert_eq!(answer["content_hash"], json!(hash), "{what}");
        assert_eq!(answer["channel"], json!(preview.channel), "{what}");
        channels.insert(preview.channel.clone());
        let rendered = preview.rendered.as_ref().expect("the preview renders");
        match rendered {
            Rendered::Email {
                from,
                subject,
                preheader,
                body_markdown,
                html,
            } => {
                assert_eq!(field(answer, "html"), &json!(html), "{what}");
                assert_eq!(
                    field(answer, "subject"),
                    &json!(decode_entities(subject)),
                    "{what}"
                );
                assert_eq!(
                    field(answer, "preheader"),
                    &json!(preheader.as_deref().map(decode_entities)),
                    "{what}"
                );
                assert_eq!(
                    field(answer, "text"),
                    &json!(email_text(body_markdown)),
                    "{what}"
                );
                assert_eq!(field(answer, "from"), &json!(from), "{what}");
                // The preview persona's email is also on disk, as the
                // reviewer opens it.
                let file = out
                    .join("previews")
                    .join(campaign)
                    .join(format!("{}.{}.html", preview.message, preview.locale));
                if model.preview_persona(&preview.locale).map(|(p, _)| p.0) == Some(*persona) {
                    let disk = std::fs::read_to_string(&file).expect("the preview's HTML file");
                    assert_eq!(field(answer, "html"), &json!(disk), "{what}");
                    on_disk += 1;
                }
            }
            Rendered::Sms { body, count } => {
                assert_eq!(field(answer, "text"), &json!(body), "{what}");
                assert_eq!(field(answer, "segments"), &json!(count.segments), "{what}");
                assert_eq!(field(answer, "units"), &json!(count.units), "{what}");
                let encoding = match count.encoding {
                    SmsEncoding::Gsm7 => "gsm7",
                    SmsEncoding::Ucs2 => "ucs2",
                };
                assert_eq!(field(answer, "encoding"), &json!(encoding), "{what}");
            }
            Rendered::Card {
                title,
                body,
                button,
                link,
            } => {
                assert_eq!(field(answer, "title"), &json!(title), "{what}");
                assert_eq!(field(answer, "body"), &json!(body), "{what}");
                assert_eq!(field(answer, "button"), &json!(button), "{what}");
                assert_eq!(field(answer, "link"), &json!(link), "{what}");
            }
            Rendered::Webhook { method, url, body } => {
                assert_eq!(field(answer, "method"), &json!(method), "{what}");
                assert_eq!(field(answer, "url"), &json!(url), "{what}");
                let sent: Value =
                    serde_json::from_str(field(answer, "body").as_str().expect("a body"))
                        .expect("the webhook body is JSON");
                let shown = webhook_body(body).expect("the preview's body is JSON");
                assert_eq!(
                    serde_json::to_string_pretty(&sent).expect("JSON"),
                    shown,
                    "{what}"
                );
            }
        }
    }
    assert!(
        on_disk > 0,
        "some answers were compared with the preview files"
    );
    assert!(
        channels.contains("email") && channels.contains("sms") && channels.contains("push"),
        "the example project covers the main channels: {channels:?}"
    );
}

#[test]
fn a_bad_line_is_an_error_line_and_the_stream_goes_on() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    build(&out);
    let good = json!({
        "campaign": "gold_tier",
        "message": "gold_welcome",
        "locale": "en",
        "customer": { "loyalty_points": 1200, "locale": "en", "timezone": "Europe/Prague" },
    })
    .to_string();
    let mut input = Vec::new();
    let mut line = |text: &[u8]| {
        input.extend_from_slice(text);
        input.push(b'\n');
    };
    line(b"{not json");
    line(b"[1, 2]");
    line(br#"{"campaign": "gold_tie", "message": "gold_welcome", "customer": {}}"#);
    line(br#"{"campaign": "gold_tier", "message": "nope", "customer": {}}"#);
    line(
        br#"{"campaign": "gold_tier", "message": "gold_welcome", "locale": "fr", "customer": {}}"#,
    );
    line(br#"{"campaign": "gold_tier", "message": "gold_welcome", "customer": {"loyalty_points": "many"}}"#);
    line(b"");
    line(b"\xff\xfe not UTF-8");
    line(good.as_bytes());
    let (answers, code, stderr) = render(&out, &input);
    assert_eq!(code, 1, "some lines failed: {stderr}");
    assert!(stderr.contains("7 of 8 requests"), "{stderr}");
    assert_eq!(
        answers.len(),
        8,
        "one answer per non-blank line: {answers:?}"
    );
    let error = |i: usize| answers[i]["error"].as_str().unwrap_or_default().to_string();
    let lines: Vec<&Value> = answers.iter().map(|a| &a["line"]).collect();
    assert_eq!(
        lines,
        [1, 2, 3, 4, 5, 6, 8, 9]
            .map(|n| json!(n))
            .iter()
            .collect::<Vec<_>>()
    );
    assert!(error(0).contains("not a JSON object"), "{}", error(0));
    assert!(error(1).contains("not a JSON object"), "{}", error(1));
    assert!(
        error(2).contains("did you mean `gold_tier`"),
        "{}",
        error(2)
    );
    assert!(error(3).contains("has no message `nope`"), "{}", error(3));
    assert!(error(4).contains("no `fr` text"), "{}", error(4));
    assert!(
        error(5).contains("`customer.loyalty_points` must be an integer, not the string \"many\""),
        "{}",
        error(5)
    );
    assert!(error(6).contains("not UTF-8"), "{}", error(6));
    let last = &answers[7];
    assert!(last.get("error").is_none(), "{last}");
    assert_eq!(last["channel"], json!("email"));
    assert!(
        field(last, "text")
            .as_str()
            .is_some_and(|t| t.contains("1,200")),
        "{last}"
    );
}

#[test]
fn a_wrong_typed_event_property_is_an_error_for_that_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    build(&out);
    let request = |total: Value| {
        json!({
            "campaign": "cart_recovery",
            "message": "cart_email",
            "locale": "en",
            "customer": {},
            "event": { "total": total, "items": [], "cart_url": "https://shop.example/cart" },
            "unsubscribe_url": "https://unsubscribe.example/x",
        })
        .to_string()
    };
    let input = format!(
        "{}\n{}\n",
        request(json!("12.50 EUR")),
        request(json!("12.50 USD"))
    );
    let (answers, code, _) = render(&out, input.as_bytes());
    assert_eq!(code, 1);
    assert!(
        answers[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("`event.total` must be money in USD")),
        "{}",
        answers[0]
    );
    assert!(answers[1].get("error").is_none(), "{}", answers[1]);
}

#[test]
fn plans_that_cannot_be_read_stop_the_tool() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (answers, code, stderr) = render(&tmp.path().join("missing"), b"{}\n");
    assert_eq!(code, 2, "{stderr}");
    assert!(answers.is_empty());
    assert!(stderr.contains("cannot read the plans"), "{stderr}");

    let plans = tmp.path().join("out").join("plans");
    std::fs::create_dir_all(&plans).expect("dir");
    std::fs::write(plans.join("x.json"), r#"{"format": "campaignc.plan/v99"}"#).expect("write");
    let (_, code, stderr) = render(&tmp.path().join("out"), b"{}\n");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("campaignc.plan/v99"), "{stderr}");
}
