//! Regression tests for the previews and the rendered messages from the
//! hardening review (issue 9): linear preview size, pages without
//! personas, unsafe links, webhook URLs, escaping, and the unsubscribe
//! check on the rendered email. Each drives the real binary on a project
//! written at test time.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `campaignc args…`, killing it (and failing) if it runs longer than
/// `limit`.
fn run(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("campaignc starts");
    let started = Instant::now();
    // Drain the pipes on threads so a large output cannot block the child.
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out_pipe, &mut v).ok();
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err_pipe, &mut v).ok();
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            panic!("campaignc {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    }
}

const LIMIT: Duration = Duration::from_secs(30);

/// A project directory holding one file `p.camp`.
fn project(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("p.camp"), source).expect("write p.camp");
    dir
}

fn path(dir: &Path) -> &str {
    dir.to_str().expect("utf-8 temp path")
}

/// Builds `dir` into `dir/out`; returns the output.
fn build(dir: &Path) -> Output {
    let out = dir.join("out");
    run(&["build", path(dir), "--out", path(&out)], LIMIT)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

const SCHEMA: &str = r#"
schema {
  attr email: email
  attr phone: phone?
  attr site: string?
  attr nick: string?
  attr n: int
  attr locale: locale
  attr timezone: timezone
  attr email_opt_in: bool consent(email)

  event signed_up { source: string }
}
"#;

const PERSONA: &str = r#"
persona p {
  email "p@example.com"
  phone "+12025550123"
  site "javascript:alert(1)"
  nick "<img src=x onerror=alert(1)>"
  n 3
  locale en
  timezone "UTC"
  email_opt_in true

  event signed_up { source "evil.example/steal#" }
}
"#;

/// Issue 9, item 5: a 3,000-arm `else if` chain used to give a 240 MB page
/// in 33 s, because every arm's route repeated all earlier conditions.
#[test]
fn a_long_else_if_chain_gives_a_page_linear_in_the_source() {
    let arms = 3000;
    let mut src = String::from(SCHEMA);
    src.push_str(
        "campaign c {\n  stage onboarding\n  trigger event signed_up\n  locales en\n  flow {\n",
    );
    let if_line = src.lines().count() + 1;
    for i in 0..arms {
        let keyword = if i == 0 { "    if" } else { "    } else if" };
        src.push_str(&format!(
            "{keyword} customer.n == {i} {{\n      send m{i}\n"
        ));
    }
    src.push_str("    } else {\n      send m0\n    }\n  }\n}\n");
    for i in 0..arms {
        src.push_str(&format!(
            "message m{i}: sms {{\n  category transactional\n  locale en {{ body \"Hi {i}\" }}\n}}\n"
        ));
    }
    src.push_str(PERSONA);
    let dir = project(&src);
    let output = build(dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let page = std::fs::read_to_string(dir.path().join("out/previews/c.md")).expect("page");
    assert!(
        page.len() < 5 * src.len(),
        "page is {} bytes for a {}-byte source",
        page.len(),
        src.len()
    );
    // Each arm names its place in the decision, not every earlier condition.
    assert!(
        page.contains(&format!(
            "**Sent** on branch 18 of the `if` at line {if_line}: if none of the 17 earlier \
             conditions held and their n is 17.\n"
        )),
        "{}",
        page.lines()
            .filter(|l| l.starts_with("**Sent**"))
            .take(20)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

const NO_PERSONA: &str = r#"
schema {
  attr email: email
  attr locale: locale
  attr timezone: timezone
  attr email_opt_in: bool consent(email)
  event signed_up { source: string }
}

campaign hello {
  stage onboarding
  trigger event signed_up
  locales en
  flow {
    send welcome
  }
}

message welcome: email {
  from "Acme <hello@acme.example>"
  locale en {
    subject "Hi"
    body """
      Hello.

      [Unsubscribe]({{unsubscribe_url}})
      """
  }
}
"#;

/// Issue 9, item 14: with no persona the heading lost its channel word and
/// the timeline said "(nothing happens)".
#[test]
fn a_project_without_personas_gets_channel_headings_and_a_useful_timeline() {
    let dir = project(NO_PERSONA);
    let output = build(dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let page = std::fs::read_to_string(dir.path().join("out/previews/hello.md")).expect("page");
    assert!(page.contains("### email *welcome*\n"), "{page}");
    assert!(!page.contains("(nothing happens)"), "{page}");
    assert!(
        page.contains("The project has no persona, so there is no customer to simulate"),
        "{page}"
    );
    assert!(page.contains("Add a `persona` block"), "{page}");
}

/// A project whose persona carries hostile values, for items 15-17.
const HOSTILE: &str = r#"
/// Greets <script>alert("doc")</script> people.
campaign hello {
  stage onboarding
  trigger event signed_up
  locales en
  flow {
    send welcome
    send crm
  }
}

/// The <b>welcome</b> email.
message welcome: email {
  from "Acme <hello@acme.example>"
  locale en {
    subject "Hi <i>{{{default customer.nick ""}}}</i>"
    body """
      Hello {{{default customer.nick ""}}} <img src=x onerror=alert(2)>.

      Visit [your site]({{default customer.site ""}}) or ![logo]({{default customer.site ""}}).

      [Unsubscribe]({{unsubscribe_url}})
      """
  }
}

message crm: webhook {
  category transactional
  url "https://crm.example/tasks/{{event.source}}?email={{customer.email}}"
  body """
    { "s": "{{event.source}}" }
    """
}
"#;

fn hostile_project() -> tempfile::TempDir {
    project(&format!("{SCHEMA}{HOSTILE}{PERSONA}"))
}

/// Issue 9, item 15: a `javascript:` value from customer data reached the
/// email's `href`; now the link is dropped, and the page and the simulator
/// say so.
#[test]
fn an_unsafe_link_from_customer_data_is_removed_and_reported() {
    let dir = hostile_project();
    let output = build(dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let html = std::fs::read_to_string(dir.path().join("out/previews/hello/welcome.en.html"))
        .expect("email");
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("javascript:"), "{html}");
    assert!(html.contains("your site"), "the link text stays: {html}");
    let page = std::fs::read_to_string(dir.path().join("out/previews/hello.md")).expect("page");
    assert!(
        page.contains("**Links removed from the email**") && page.contains("`javascript:alert(1)`"),
        "{page}"
    );
    let sim = run(
        &["simulate", "hello", path(dir.path()), "--persona", "p"],
        LIMIT,
    );
    assert_eq!(code(&sim), 0, "{}", text(&sim.stderr));
    assert!(
        text(&sim.stdout).contains("links removed (unsafe scheme): javascript:alert(1)"),
        "{}",
        text(&sim.stdout)
    );
}

/// Issue 9, item 15: a literal unsafe scheme is a checker error at the link.
#[test]
fn a_literal_javascript_or_data_link_is_e0610() {
    let body = r#"
campaign hello {
  stage onboarding
  trigger event signed_up
  locales en
  flow {
    send a
  }
}

message a: email {
  from "Acme <hello@acme.example>"
  locale en {
    subject "Hi"
    body "Hello [a](javascript:alert(1)) ![x](data:text/html,hi)\n\n[Unsubscribe]({{unsubscribe_url}})"
  }
}
"#;
    let dir = project(&format!("{SCHEMA}{body}"));
    let output = run(&["check", path(dir.path())], LIMIT);
    let err = text(&output.stderr) + &text(&output.stdout);
    assert_eq!(code(&output), 1, "{err}");
    assert_eq!(err.matches("error[E0610]").count(), 2, "{err}");
    assert!(err.contains("unsafe URL scheme `javascript:`"), "{err}");
    assert!(err.contains("unsafe URL scheme `data:`"), "{err}");
    // The label sits under the link itself.
    assert!(err.contains("`javascript:` link"), "{err}");
}

/// Issue 9, item 16: data chose the webhook's host; now that is E0611.
#[test]
fn a_template_tag_in_a_webhook_host_is_e0611() {
    let body = r#"
campaign hello {
  stage onboarding
  trigger event signed_up
  locales en
  flow {
    send crm
  }
}

message crm: webhook {
  category transactional
  url "https://{{event.source}}.crm.example/tasks?email={{customer.email}}"
  body "{}"
}
"#;
    let dir = project(&format!("{SCHEMA}{body}"));
    let output = run(&["check", path(dir.path())], LIMIT);
    let err = text(&output.stderr) + &text(&output.stdout);
    assert_eq!(code(&output), 1, "{err}");
    assert!(err.contains("error[E0611]"), "{err}");
    assert!(
        err.contains("the host of webhook `crm` comes from a template value"),
        "{err}"
    );
}

/// Issue 9, item 16: a triple-stash tag would skip the URL's
/// percent-encoding, so it is an error in a webhook URL (E0612).
#[test]
fn an_unescaped_value_in_a_webhook_url_is_e0612() {
    for tag in [
        "{{{event.source}}}",
        "{{~{event.source}~}}",
        "{{&event.source}}",
    ] {
        let body = format!(
            r#"
campaign hello {{
  stage onboarding
  trigger event signed_up
  locales en
  flow {{
    send crm
  }}
}}

message crm: webhook {{
  category transactional
  url "https://crm.example/tasks/{tag}"
  body "{{}}"
}}
"#
        );
        let dir = project(&format!("{SCHEMA}{body}"));
        let output = run(&["check", path(dir.path())], LIMIT);
        let err = text(&output.stderr) + &text(&output.stdout);
        assert_eq!(code(&output), 1, "{tag}: {err}");
        assert!(err.contains("error[E0612]"), "{tag}: {err}");
    }
}

/// Issue 9, item 16: values in a webhook URL's path and query are
/// percent-encoded, so `evil.example/steal#` stays one path segment.
#[test]
fn webhook_url_values_are_percent_encoded() {
    let dir = hostile_project();
    let sim = run(
        &["simulate", "hello", path(dir.path()), "--persona", "p"],
        LIMIT,
    );
    assert_eq!(code(&sim), 0, "{}", text(&sim.stderr));
    let expected = "https://crm.example/tasks/evil.example%2Fsteal%23?email=p%40example.com";
    assert!(
        text(&sim.stdout).contains(expected),
        "{}",
        text(&sim.stdout)
    );
    let output = build(dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let page = std::fs::read_to_string(dir.path().join("out/previews/hello.md")).expect("page");
    assert!(page.contains(&format!("`{expected}`")), "{page}");
}

/// Issue 9, item 17: doc comments, subjects, bodies and `{{{…}}}` values
/// reached the Markdown page as raw HTML.
#[test]
fn the_markdown_page_and_index_show_no_raw_html_from_users() {
    let dir = hostile_project();
    let output = build(dir.path());
    assert_eq!(code(&output), 0, "{}", text(&output.stderr));
    let page = std::fs::read_to_string(dir.path().join("out/previews/hello.md")).expect("page");
    for raw in ["<img", "<script", "<b>", "<i>"] {
        assert!(!page.contains(raw), "{raw} in the page:\n{page}");
    }
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(page.contains("&lt;script&gt;"), "{page}");
    let index = std::fs::read_to_string(dir.path().join("out/previews/index.html")).expect("index");
    assert!(!index.contains("<script"), "{index}");
    let html = std::fs::read_to_string(dir.path().join("out/previews/hello/welcome.en.html"))
        .expect("email");
    assert!(!html.contains("<img"), "{html}");
}

/// Issue 9, item 18: `{{unsubscribe_url}}` in a code span or after an
/// unclosed fence passed `check` though the email had no link.
#[test]
fn an_unsubscribe_url_that_is_not_a_link_once_rendered_is_e0604() {
    let body = r#"
campaign hello {
  stage onboarding
  trigger event signed_up
  locales en
  flow {
    send b
    send c
    send ok
  }
}

message b: email {
  from "Acme <hello@acme.example>"
  locale en {
    subject "Hi"
    body "Unsubscribe: `{{unsubscribe_url}}`"
  }
}

message c: email {
  from "Acme <hello@acme.example>"
  locale en {
    subject "Hi"
    body "Hello\n\n```\n[Unsubscribe]({{unsubscribe_url}})\n"
  }
}

message ok: email {
  from "Acme <hello@acme.example>"
  locale en {
    subject "Hi"
    body "Hello\n\n[Unsubscribe]({{unsubscribe_url}})"
  }
}
"#;
    let dir = project(&format!("{SCHEMA}{body}"));
    let output = run(&["check", path(dir.path())], LIMIT);
    let err = text(&output.stderr) + &text(&output.stdout);
    assert_eq!(code(&output), 1, "{err}");
    assert_eq!(err.matches("error[E0604]").count(), 2, "{err}");
    assert!(
        err.contains(
            "marketing email the `en` version of `b` has no unsubscribe link once rendered"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "marketing email the `en` version of `c` has no unsubscribe link once rendered"
        ),
        "{err}"
    );
    assert!(!err.contains("`ok`"), "{err}");
}
