//! `campaignc send-test`: the email of a campaign, rendered for a persona,
//! mailed through a real SMTP server (Python's aiosmtpd, started by the
//! test on loopback from target/ci-venv, which `.ci/tools` makes), and
//! `--dry-run`, which prints the MIME message.
//!
//! The received message must have both parts (plain text and HTML), the
//! subject as the previews render it, RFC 2047-encoded on the wire for
//! Vietnamese and Chinese subjects, and `List-Unsubscribe` for a
//! marketing message.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use campaignc::preview::send::{test_email, TestEmail};
use campaignc::preview::{resolve_request, PreviewRequest};
use campaignc::template::Renderer;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `campaignc send-test onboarding MESSAGE campaigns --locale L --persona
/// P --to TO EXTRA…` in the repository, with `CAMPAIGNC_SMTP_URL` set only
/// when `smtp_env` gives it.
fn send_test(
    message: &str,
    (locale, persona): (&str, &str),
    to: &str,
    extra: &[&str],
    smtp_env: Option<&str>,
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_campaignc"));
    command
        .args(["send-test", "onboarding", message, "campaigns"])
        .args(["--locale", locale, "--persona", persona, "--to", to])
        .args(extra)
        .current_dir(root())
        .env_remove("CAMPAIGNC_SMTP_URL");
    if let Some(url) = smtp_env {
        command.env("CAMPAIGNC_SMTP_URL", url);
    }
    command.output().expect("the binary runs")
}

/// What the library renders for this send: the expectation.
fn expected(campaign: &str, message: &str, locale: &str, persona: &str) -> TestEmail {
    let compilation = campaignc::compile(&root().join("campaigns")).expect("the example loads");
    let request = PreviewRequest {
        campaign: Some(campaign),
        message: Some(message),
        locale: Some(locale),
        persona: Some(persona),
    };
    let (plan, options) =
        resolve_request(&compilation.model, &compilation.sources, &request).expect("names exist");
    test_email(
        &compilation.model,
        &plan,
        &Renderer::new(),
        message,
        locale,
        options.persona.expect("a persona"),
    )
    .expect("an email")
}

/// The SMTP server of the test: killed when dropped.
struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts aiosmtpd, or `None` (skip) when it is not installed and this is
/// not CI.
fn start_sink() -> Option<Sink> {
    let python = std::env::var_os("CAMPAIGNC_CI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/ci-venv/bin/python"));
    let present = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        let why = format!(
            "aiosmtpd is not installed in {} (run .ci/tools)",
            python.display()
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why}");
        }
        eprintln!("skipped: {why}");
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(&python)
        .arg(root().join("tests/send_test/smtp_sink.py"))
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python starts");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the server prints its port");
    let port = line.trim().parse().unwrap_or_else(|_| {
        let _ = child.kill();
        panic!("the SMTP server did not start: {line:?}")
    });
    Some(Sink { child, port, dir })
}

fn received(dir: &Path, n: usize) -> serde_json::Value {
    let path = dir.join(format!("{n}.json"));
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("no message {n} received ({e})"));
    serde_json::from_str(&text).expect("the sink writes JSON")
}

/// The raw `Subject:` header as it came over the wire, unfolded.
fn raw_subject(head: &str) -> String {
    let mut subject = String::new();
    let mut inside = false;
    for line in head.split("\r\n") {
        if let Some(rest) = line.strip_prefix("Subject:") {
            subject.push_str(rest);
            inside = true;
        } else if inside && line.starts_with([' ', '\t']) {
            subject.push_str(line);
        } else {
            inside = false;
        }
    }
    subject
}

fn send(sink: &Sink, locale: &str, persona: &str, to: &str) -> Output {
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    send_test("welcome", (locale, persona), to, &["--smtp", &url], None)
}

#[test]
fn vietnamese_and_chinese_emails_arrive_whole_through_smtp() {
    let Some(sink) = start_sink() else { return };
    for (n, (locale, persona, to, script)) in [
        ("vi", "minh", "reviewer@example.com", 'đ'),
        ("zh-Hant", "yichun", "review@example.com", '歡'),
    ]
    .into_iter()
    .enumerate()
    {
        let out = send(&sink, locale, persona, to);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("sent `welcome`"), "{stderr}");
        let want = expected("onboarding", "welcome", locale, persona);
        assert!(want.subject.contains(script), "{}", want.subject);
        let got = received(sink.dir.path(), n + 1);

        // The subject decodes to the rendered one, and went over the wire
        // as RFC 2047 encoded words (ASCII only).
        assert_eq!(got["subject"], want.subject.as_str());
        let raw = raw_subject(got["raw_head"].as_str().expect("head"));
        assert!(raw.is_ascii(), "{raw}");
        assert!(raw.to_ascii_lowercase().contains("=?utf-8?"), "{raw}");

        // Both parts, plain text first, each the rendered content.
        assert_eq!(got["content_type"], "multipart/alternative");
        let parts = got["parts"].as_array().expect("parts");
        assert_eq!(parts.len(), 2, "{got:#}");
        assert_eq!(parts[0]["content_type"], "text/plain");
        assert_eq!(parts[1]["content_type"], "text/html");
        assert_eq!(parts[0]["charset"], "utf-8");
        let text = parts[0]["content"]
            .as_str()
            .expect("text")
            .replace("\r\n", "\n");
        let html = parts[1]["content"]
            .as_str()
            .expect("html")
            .replace("\r\n", "\n");
        assert_eq!(text.trim_end(), want.text.trim_end());
        assert_eq!(html.trim_end(), want.html.trim_end());
        // The preheader: the first line of the text, hidden in the HTML.
        let preheader = want.preheader.as_deref().expect("welcome has a preheader");
        assert!(text.starts_with(preheader), "{text}");
        assert!(html.contains(preheader));

        // A marketing message announces how to unsubscribe.
        assert_eq!(
            got["list_unsubscribe"],
            format!("<https://unsubscribe.example/onboarding/{persona}>")
        );
        assert_eq!(got["from"], "Lumen Coffee <hello@lumen-coffee.example>");
        assert_eq!(got["rcpt_tos"][0], to);
    }
}

#[test]
fn the_smtp_url_can_come_from_the_environment() {
    let Some(sink) = start_sink() else { return };
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let out = send_test(
        "welcome",
        ("cs", "klara"),
        "reviewer@example.com",
        &[],
        Some(&url),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = received(sink.dir.path(), 1);
    assert_eq!(
        got["subject"],
        expected("onboarding", "welcome", "cs", "klara")
            .subject
            .as_str()
    );
}

#[test]
fn dry_run_prints_the_mime_message_and_sends_nothing() {
    let out = send_test(
        "welcome",
        ("zh-Hant", "yichun"),
        "reviewer@example.com",
        &["--dry-run"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("ASCII MIME");
    assert!(text.is_ascii());
    let head = text.split("\r\n\r\n").next().expect("headers");
    assert!(raw_subject(head).contains("=?utf-8?b?"), "{head}");
    assert!(head.contains("List-Unsubscribe: <https://unsubscribe.example/onboarding/yichun>"));
    assert!(head.contains("multipart/alternative"));
    assert!(text.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(text.contains("Content-Type: text/html; charset=utf-8"));
}

#[test]
fn without_a_server_it_says_how_to_name_one() {
    let out = send_test(
        "welcome",
        ("en", "emily"),
        "reviewer@example.com",
        &[],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--smtp URL"), "{stderr}");
    assert!(stderr.contains("CAMPAIGNC_SMTP_URL"), "{stderr}");
}

#[test]
fn a_refused_connection_is_exit_2_without_the_password() {
    // Port 1 on loopback: nothing listens there.
    let out = send_test(
        "welcome",
        ("en", "emily"),
        "reviewer@example.com",
        &["--smtp", "smtp://me:hunter2@127.0.0.1:1"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("smtp://127.0.0.1:1"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn names_that_are_not_there_are_exit_2_with_a_suggestion_and_other_channels_exit_1() {
    let out = send_test(
        "welcom",
        ("en", "emily"),
        "reviewer@example.com",
        &["--dry-run"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("did you mean `welcome`?"), "{stderr}");

    let out = send_test(
        "welcome",
        ("en", "emily"),
        "not an address",
        &["--dry-run"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`--to not an address`"));

    let out = send_test(
        "first_order_thanks",
        ("en", "emily"),
        "reviewer@example.com",
        &["--dry-run"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is a push message; send-test sends emails"),
        "{stderr}"
    );
}

#[test]
fn a_transactional_email_has_no_list_unsubscribe() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bin = env!("CARGO_BIN_EXE_campaignc");
    let init = Command::new(bin)
        .args(["init", "p", "--no-workflow"])
        .current_dir(tmp.path())
        .output()
        .expect("init runs");
    assert_eq!(init.status.code(), Some(0));
    let file = tmp.path().join("p/onboarding.camp");
    let text = std::fs::read_to_string(&file).expect("starter");
    let text = text.replacen(
        "message welcome: email {\n",
        "message welcome: email {\n  category transactional\n",
        1,
    );
    std::fs::write(&file, text).expect("write");
    let campaign = "onboarding";
    let out = Command::new(bin)
        .args(["send-test", campaign, "welcome", "p", "--locale", "en"])
        .args([
            "--persona",
            "ada",
            "--to",
            "reviewer@example.com",
            "--dry-run",
        ])
        .current_dir(tmp.path())
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("multipart/alternative"), "{stdout}");
    assert!(!stdout.contains("List-Unsubscribe"), "{stdout}");
}
