//! Text safety (issue 9, items 1, 2, 4, 19 and 20): multi-byte characters
//! anywhere in strings, templates and comments never crash a command; a
//! diagnostic on a very long line is drawn as a window of it; deep
//! template nesting is a diagnostic, not a stack overflow; control
//! characters never reach the terminal raw; bidi and zero-width characters
//! are warned about and shown in previews.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use campaignc::diagnostics::{Diagnostic, Problems};
use campaignc::source::SourceMap;

const SCHEMA: &str = r#"defaults {
  locale en
  timezone "UTC"
  email_from "Acme <hello@acme.example>"
}

schema {
  attr email: email
  attr first_name: string?
  attr locale: locale
  attr timezone: timezone
  attr plan: enum(free, trial, pro)
  attr email_opt_in: bool consent(email)

  event signed_up { source: string }
}

segment new_trials = plan == trial

persona ana {
  email "ana@example.com"
  first_name "Chào bạn 中文 😀"
  locale en
  timezone "UTC"
  plan trial
  email_opt_in true
  event signed_up { source "ạ。é" }
}

campaign onboarding {
  stage onboarding
  trigger event signed_up
  audience new_trials
  locales en

  flow {
    send welcome
  }
}
"#;

/// The email message of the generated project, with `doc`, `subject` and
/// `body` written as they are.
fn message(doc: &str, subject: &str, body: &str) -> String {
    format!("{doc}message welcome: email {{\n  locale en {{\n    subject {subject}\n    body {body}\n  }}\n}}\n")
}

/// A body that passes the unsubscribe check around `text`.
fn body_line(text: &str) -> String {
    format!("\"{text} [Unsubscribe]({{{{unsubscribe_url}}}})\"")
}

fn body_block(text: &str) -> String {
    format!("\"\"\"\n      {text}\n\n      [Unsubscribe]({{{{unsubscribe_url}}}})\n      \"\"\"")
}

/// Template and string shapes with `C` standing for a multi-byte
/// character: inside and around tags, quotes, escapes and comments.
const SHAPES: &[&str] = &[
    "{{C}}",
    "{{ C }}",
    "C{{customer.first_name}}C",
    "{{customer.first_name C}}",
    "{{a 'C}}C",
    "{{a \"C}}C",
    "{{a 'C'}}",
    "{{default customer.first_name \"C\"}}",
    "{{#if C}}C{{/if}}",
    "{{#if customer.first_name}}C{{else}}C{{/if}}",
    "{{#each C}}C{{/each}}",
    "{{/C}}",
    "{{#C}}",
    "{{C",
    "C}}",
    "{{{C}}}",
    "{{{C}}",
    "{{C}}}",
    "{{upper (C)}}",
    "{{upper (upper C}}",
    "{{!C}}",
    "{{!-- C --}}",
    "{{~C~}}",
    "{{> C}}",
    "\\\\{{C}}",
    "C\\\\",
    "\\C",
    "\\u{C}",
    "\\u{1F600C",
    "C\\\"C",
    "{{C}}{{C}}{{",
    "{{customer.first_name}}C{{",
];

const CHARS: &[&str] = &["é", "。", "ạ", "😀", "中", "Ě"];

/// Every shape with every character, as a line string, a block string, a
/// doc comment and a plain comment.
fn cases() -> Vec<String> {
    let mut out = Vec::new();
    for shape in SHAPES {
        for c in CHARS {
            let text = shape.replace('C', c);
            let plain = text.replace("\\\\", "\\");
            out.push(message("", &format!("\"{text}\""), &body_line("x")));
            out.push(message("", "\"Hi\"", &body_line(&text)));
            out.push(message("", "\"Hi\"", &body_block(&plain)));
            out.push(message(
                &format!("/// {plain}\n// {plain}\n"),
                "\"Hi\"",
                &body_line("x"),
            ));
        }
    }
    out
}

/// Runs check, fmt and (when clean) plan lowering and previews over one
/// generated project, in process: a panic anywhere fails the test.
fn check_fmt_build(messages: &str) {
    let mut map = SourceMap::new();
    map.add("schema.camp", Path::new("schema.camp"), SCHEMA.to_string());
    map.add(
        "welcome.camp",
        Path::new("welcome.camp"),
        messages.to_string(),
    );
    let mut problems = Problems::new();
    let files = campaignc::syntax::parse_project(&map, &mut problems);
    let model = campaignc::check::check(&files, &mut problems);
    let diagnostics = problems.into_sorted();
    let _ = campaignc::diagnostics::render::human(
        &diagnostics,
        &map,
        &campaignc::diagnostics::render::HumanOptions {
            color: false,
            width: 100,
        },
    );
    let _ = campaignc::diagnostics::render::github(&diagnostics, &map);
    let _ = campaignc::fmt::format_file(&map.files()[1]);
    if diagnostics
        .iter()
        .all(|d| d.severity != campaignc::diagnostics::Severity::Error)
    {
        let plans = campaignc::plan::lower_all(&model, &map);
        let _ = campaignc::preview::preview_files(&model, &plans, &map, &diagnostics);
    }
}

#[test]
fn multi_byte_characters_anywhere_never_crash_check_fmt_or_build() {
    let cases = cases();
    assert!(cases.len() > 500);
    for case in &cases {
        let outcome = std::panic::catch_unwind(|| check_fmt_build(case));
        assert!(outcome.is_ok(), "panicked on:\n{case}");
    }
}

/// Runs the binary with a 10 s limit; returns the exit code, stdout and
/// stderr.
fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("campaignc {args:?} did not finish within 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = String::from_utf8_lossy(&out_reader.join().expect("stdout")).into_owned();
    let err = String::from_utf8_lossy(&err_reader.join().expect("stderr")).into_owned();
    (status.code().unwrap_or(-1), out, err)
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

#[test]
fn the_two_reproducers_of_non_ascii_inside_a_tag_are_diagnostics() {
    for (text, code) in [
        ("message m: sms { body \"{{é}}\" }\n", "E0402"),
        ("message m: sms { body \"{{a '}}。\" }\n", "E0401"),
    ] {
        let dir = project(&[("m.camp", text)]);
        let (code_out, _, err) = run(&["check"], dir.path());
        assert_eq!(code_out, 1, "{text}\n{err}");
        assert!(err.contains(code), "{text}\n{err}");
        let out = tempfile::tempdir().expect("out dir");
        let out = out.path().to_str().expect("utf-8 path");
        for (args, expected) in [
            (&["fmt", "--check"][..], [0, 1]),
            (&["build", "--out", out][..], [1, 1]),
        ] {
            let (c, _, err) = run(args, dir.path());
            assert!(expected.contains(&c), "{args:?} on {text}: exit {c}\n{err}");
        }
    }
}

#[test]
fn a_diagnostic_after_a_very_long_line_of_cjk_is_drawn_as_a_window() {
    // 34,000 CJK characters are 68,000 columns: past what miette can draw.
    let text = format!(
        "message m: sms {{ body \"{}\" oops }}\n",
        "中".repeat(34_000)
    );
    let dir = project(&[("m.camp", &text)]);
    let (code, _, err) = run(&["check"], dir.path());
    assert_eq!(code, 1, "{}", campaignc::text::head(&err, 2000));
    assert!(
        err.contains("error[E0101]"),
        "{}",
        campaignc::text::head(&err, 2000)
    );
    // The header names the real column (of the `}` that `oops` is not
    // allowed before); the excerpt is a window of the line with `…`.
    let column = text[..text.rfind('}').expect("brace")].chars().count() + 1;
    let head = campaignc::text::head(&err, 2000);
    assert!(err.contains(&format!(":1:{column}]")), "{head}");
    assert!(err.contains("…中中中"), "{head}");
    assert!(
        err.lines().all(|l| l.chars().count() < 300),
        "a line of the report is too long"
    );
    // The label still points at the `}`: the caret sits under it.
    let lines: Vec<&str> = err.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains("oops"))
        .expect("the excerpt shows the error's place");
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let caret_line = lines[source + 1];
    let caret = caret_line.find('┬').expect("a caret");
    let caret_column = width(&caret_line[..caret]);
    let above = lines[source]
        .char_indices()
        .find(|(i, _)| width(&lines[source][..*i]) == caret_column)
        .map(|(_, c)| c);
    assert_eq!(above, Some('}'), "{head}");
}

/// A tag with `levels` `( … )` subexpressions inside each other, and
/// `levels` `{{#if}}` blocks inside each other.
fn nested_tag_and_blocks(levels: usize) -> (String, String) {
    let tag = format!(
        "{{{{{}customer.first_name{}}}}}",
        "upper (".repeat(levels),
        ")".repeat(levels)
    );
    let blocks = format!(
        "{}x{}",
        "{{#if customer.first_name}}".repeat(levels),
        "{{/if}}".repeat(levels)
    );
    (tag, blocks)
}

#[test]
fn deeply_nested_subexpressions_and_blocks_are_diagnostics() {
    let (deep, blocks) = nested_tag_and_blocks(5_000);
    for (body, code) in [(deep, "E0411"), (blocks, "E0401")] {
        let text = message("", "\"Hi\"", &body_line(&body));
        let dir = project(&[("schema.camp", SCHEMA), ("welcome.camp", &text)]);
        let out = tempfile::tempdir().expect("out dir");
        let out = out.path().to_str().expect("utf-8 path");
        for args in [&["check"][..], &["build", "--out", out][..]] {
            let (c, _, err) = run(args, dir.path());
            assert_eq!(
                c,
                1,
                "{args:?} {code}: {}",
                campaignc::text::head(&err, 2000)
            );
            assert!(err.contains(code), "{}", campaignc::text::head(&err, 2000));
        }
    }
    // 32 levels are still accepted.
    // 32 levels are still accepted.
    let ok = format!(
        "{{{{upper {}customer.first_name{}}}}}",
        "(upper ".repeat(32),
        ")".repeat(32)
    );
    let text = message("", "\"Hi\"", &body_line(&ok));
    let dir = project(&[("schema.camp", SCHEMA), ("welcome.camp", &text)]);
    let (c, _, err) = run(&["check"], dir.path());
    assert_eq!(c, 0, "{err}");
}

/// The renderer refuses on its own what the checker reports: a template
/// that never went through a check (a hand-edited plan piped through
/// `campaignc render`, a library caller) must not reach the parser, which
/// recurses once per level, with thousands of levels.
#[test]
fn the_renderer_refuses_templates_nested_too_deep_without_a_check() {
    let renderer = campaignc::template::Renderer::new();
    let customer = serde_json::json!({"first_name": "Ann"});
    let data = campaignc::template::value::root(
        customer.as_object().expect("an object").clone(),
        None,
        "Demo",
        "https://example.com/u",
    );
    let opts = campaignc::template::RenderOptions {
        locale: "en".into(),
        timezone: "UTC".into(),
        escape: campaignc::template::Escape::Html,
    };
    let (subexpressions, blocks) = nested_tag_and_blocks(50_000);
    for (template, says) in [(subexpressions, "subexpressions"), (blocks, "blocks nest")] {
        let err = renderer
            .render(&template, &data, &opts)
            .expect_err("refused");
        assert!(err.to_string().contains(says), "{err}");
    }
    // 32 levels are still accepted.
    let ok = format!(
        "{{{{upper {}customer.first_name{}}}}}",
        "(upper ".repeat(32),
        ")".repeat(32)
    );
    assert_eq!(renderer.render(&ok, &data, &opts).as_deref(), Ok("ANN"));
}

#[test]
fn control_characters_never_reach_the_terminal_raw() {
    let text =
        "message m: sms { body \"hi \u{1b}]0;pwned\u{7} \u{1b}[2J \u{9b}31m \u{7f} {{nope}}\" }\n";
    let dir = project(&[("m.camp", text)]);
    let raw = |s: &str| s.chars().any(|c| c.is_control() && c != '\n');
    let (code, out, err) = run(&["check"], dir.path());
    assert_eq!(code, 1);
    assert!(!raw(&out) && !raw(&err), "{err:?}");
    assert!(err.contains("\\u{1b}]0;pwned\\u{7}"), "{err}");
    assert!(err.contains("warning[W0103]"), "{err}");
    let (code, out, err) = run(&["check", "--format", "github"], dir.path());
    assert_eq!(code, 1);
    assert!(!raw(&out) && !raw(&err), "{out:?}");
    let (code, out, _) = run(&["check", "--format", "json"], dir.path());
    assert_eq!(code, 1);
    assert!(!raw(&out), "{out:?}");
    let _: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
}

fn check_text(text: &str) -> Vec<Diagnostic> {
    let mut map = SourceMap::new();
    map.add("schema.camp", Path::new("schema.camp"), SCHEMA.to_string());
    map.add("welcome.camp", Path::new("welcome.camp"), text.to_string());
    let mut problems = Problems::new();
    let files = campaignc::syntax::parse_project(&map, &mut problems);
    let _ = campaignc::check::check(&files, &mut problems);
    problems.into_sorted()
}

#[test]
fn bidi_and_zero_width_characters_are_warned_at_their_exact_place() {
    let text = message(
        "/// Doc \u{2066}here\n// note \u{200B}\n",
        "\"Hi \u{202E}{{customer.first_name}}\u{200F}\"",
        &body_block("Text \u{FEFF} and {{default customer.first_name \"a\u{2060}b\"}}"),
    );
    let diags = check_text(&text);
    let w: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == "W0102").collect();
    let expected = [
        ('\u{2066}', "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ('\u{200B}', "U+200B ZERO WIDTH SPACE"),
        ('\u{202E}', "U+202E RIGHT-TO-LEFT OVERRIDE"),
        (
            '\u{FEFF}',
            "U+FEFF ZERO WIDTH NO-BREAK SPACE (byte order mark)",
        ),
    ];
    for (c, name) in expected {
        let at = text.find(c).expect("in text");
        let d = w
            .iter()
            .find(|d| d.span.start as usize == at)
            .unwrap_or_else(|| panic!("no W0102 at {name}: {w:#?}"));
        assert_eq!(d.span.end as usize, at + c.len_utf8());
        assert!(d.message.contains(name), "{}", d.message);
        assert!(d.help.as_deref().unwrap_or("").contains("Trojan Source"));
    }
    // The second character on the subject's line is a label of the first
    // warning; the word joiner in the body's tag is its own line's warning.
    let rlm = text.find('\u{200F}').expect("rlm");
    assert!(w.iter().any(|d| d
        .labels
        .iter()
        .any(|l| l.span.start as usize == rlm && l.message == "U+200F RIGHT-TO-LEFT MARK")));
    let wj = text.find('\u{2060}').expect("wj");
    assert!(w.iter().any(
        |d| d.span.start as usize == wj || d.labels.iter().any(|l| l.span.start as usize == wj)
    ));

    // Joiners that scripts and emoji need are not reported.
    let fine = message("", "\"👩\u{200D}💻 می\u{200C}خواهم\"", &body_line("ok"));
    assert!(check_text(&fine).iter().all(|d| d.code != "W0102"));
}

#[test]
fn previews_show_invisible_characters_as_markers() {
    let text = message(
        "/// Sneaky \u{202E}doc\n",
        "\"Hi \u{202E}{{customer.first_name}}\"",
        &body_line("Body \u{200B}text"),
    );
    let dir = project(&[("schema.camp", SCHEMA), ("welcome.camp", &text)]);
    let out = tempfile::tempdir().expect("out dir");
    let (code, _, err) = run(
        &["build", "--out", out.path().to_str().expect("utf-8 path")],
        dir.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("W0102"), "{err}");
    let page = std::fs::read_to_string(out.path().join("previews/onboarding.md")).expect("page");
    assert!(page.contains("<U+202E>"), "{page}");
    assert!(!page.contains('\u{202E}') && !page.contains('\u{200B}'));
    let html = std::fs::read_to_string(out.path().join("previews/onboarding/welcome.en.html"))
        .expect("html");
    assert!(html.contains("&lt;U+200B&gt;"), "{html}");
    assert!(!html.contains('\u{202E}') && !html.contains('\u{200B}'));
}

#[test]
fn persona_values_with_escape_sequences_are_escaped_in_timelines_and_previews() {
    // The persona writes the control characters as escapes (no warning);
    // their decoded values reach the rendered messages.
    let schema = SCHEMA.replace(
        "first_name \"Chào bạn 中文 😀\"",
        "first_name \"Ana \\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{9b}\"",
    );
    let text = message(
        "",
        "\"Hi {{default customer.first_name \"x\"}}\"",
        &body_line("Hello {{default customer.first_name \"x\"}}"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("schema.camp"), schema).expect("write");
    std::fs::write(dir.path().join("welcome.camp"), text).expect("write");
    let raw = |s: &str| s.chars().any(|c| c.is_control() && c != '\n');
    let (code, _, err) = run(&["check"], dir.path());
    assert_eq!(code, 0, "{err}");
    let simulate = |extra: &[&str]| {
        let mut args = vec!["simulate", "onboarding", "--persona", "ana"];
        args.extend_from_slice(extra);
        let mut command = Command::new(env!("CARGO_BIN_EXE_campaignc"));
        let out = command
            .args(&args[..2])
            .arg(dir.path())
            .args(&args[2..])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let timeline = simulate(&[]);
    assert!(timeline.contains("Hi Ana \\u{1b}[2J"), "{timeline}");
    assert!(!raw(&timeline), "{timeline:?}");
    let json = simulate(&["--format", "json"]);
    assert!(!raw(&json), "{json:?}");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert!(value.to_string().contains("\\u001b[2J"), "{value}");
    let (code, page, _) = run(&["preview"], dir.path());
    assert_eq!(code, 0);
    assert!(page.contains("Hi Ana \\u{1b}[2J"), "{page}");
    assert!(!raw(&page), "{page:?}");
}

#[test]
fn a_line_full_of_control_or_invisible_characters_is_one_short_warning() {
    for (c, code) in [('\u{1b}', "W0103"), ('\u{202E}', "W0102")] {
        let text = format!(
            "message m: sms {{ body \"{}\" }}\n",
            c.to_string().repeat(20_000)
        );
        let dir = project(&[("m.camp", &text)]);
        let (status, _, err) = run(&["check"], dir.path());
        // 1: the text is also far too long for an SMS (E0607).
        assert_eq!(status, 1, "{}", campaignc::text::head(&err, 2000));
        assert_eq!(
            err.matches(code).count(),
            1,
            "{}",
            campaignc::text::head(&err, 2000)
        );
        assert!(
            err.contains("(and 19991 more on this line)"),
            "{}",
            campaignc::text::head(&err, 2000)
        );
        assert!(err.lines().all(|l| l.chars().count() < 300));
        assert!(!err.contains(c));
    }
}
