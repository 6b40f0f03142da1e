//! `campaignc send-test CAMPAIGN MESSAGE [DIR] --locale L --persona P
//! --to ADDRESS [--from ADDRESS] [--smtp URL] [--dry-run]`: mails one
//! email of a campaign, rendered for a persona in a locale, so that a
//! reviewer sees it in a real mail client.
//!
//! The email is [`crate::preview::send::test_email`] (the previews'
//! rendering); this command puts it in a MIME message with `lettre`
//! (`multipart/alternative`: the plain text, then the HTML; the subject
//! RFC 2047-encoded when it is not ASCII; `List-Unsubscribe` for a
//! marketing message) and hands it to an SMTP server. The server and its
//! credentials come from `--smtp URL` or the `CAMPAIGNC_SMTP_URL`
//! environment variable, never from the project. `--dry-run` prints the
//! message instead of sending it.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Message, SmtpTransport, Transport};

use super::report::{compile_without_errors, report, DiagnosticArgs};
use super::{output, Exit};
use crate::preview::send::{test_email, TestEmail};
use crate::preview::{resolve_request, PreviewRequest};
use crate::template::Renderer;

/// The environment variable that names the SMTP server.
pub const SMTP_URL_VAR: &str = "CAMPAIGNC_SMTP_URL";

/// How long to wait for the SMTP server at each step.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The campaign that sends the message.
    pub campaign: String,
    /// The email message to send.
    pub message: String,
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// The locale to render (one of the campaign's `locales`).
    #[arg(long, value_name = "L")]
    pub locale: String,
    /// The persona whose data fills the templates.
    #[arg(long, value_name = "P")]
    pub persona: String,
    /// Who receives the test email.
    #[arg(long, value_name = "ADDRESS")]
    pub to: String,
    /// The sender, instead of the message's `from` (or `defaults.email_from`).
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// The SMTP server: smtp://[USER:PASSWORD@]HOST[:PORT][?tls=required|opportunistic]
    /// or smtps://…; default: the CAMPAIGNC_SMTP_URL environment variable.
    #[arg(long, value_name = "URL")]
    pub smtp: Option<String>,
    /// Print the MIME message instead of sending it.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: &Args) -> Exit {
    let (compilation, diagnostics) = match compile_without_errors(&args.dir, &args.diagnostics) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    if args.diagnostics.deny_warnings() && !diagnostics.is_empty() {
        // Under `--deny warnings` a warning stops the send, as it stops a build.
        return report(&diagnostics, &compilation.sources, &args.diagnostics);
    }
    let model = &compilation.model;
    let request = PreviewRequest {
        campaign: Some(&args.campaign),
        message: Some(&args.message),
        locale: Some(&args.locale),
        persona: Some(&args.persona),
    };
    let (plan, options) = match resolve_request(model, &compilation.sources, &request) {
        Ok(found) => found,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    let Some(persona) = options.persona else {
        return Exit::Usage;
    };
    let email = match test_email(
        model,
        &plan,
        &Renderer::new(),
        &args.message,
        &args.locale,
        persona,
    ) {
        Ok(email) => email,
        Err(err) => {
            output::fatal(format!("cannot render `{}`: {err}", args.message));
            return Exit::Problems;
        }
    };
    let message = match mime_message(&email, args) {
        Ok(message) => message,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    if args.dry_run {
        output::stdout(&String::from_utf8_lossy(&message.formatted()));
        return Exit::Clean;
    }
    let url = match args
        .smtp
        .clone()
        .or_else(|| std::env::var(SMTP_URL_VAR).ok())
        .filter(|u| !u.trim().is_empty())
    {
        Some(url) => url,
        None => {
            output::fatal(format!(
                "no SMTP server to send through: pass `--smtp URL` or set {SMTP_URL_VAR} \
                 (or `--dry-run` to print the message)"
            ));
            return Exit::Usage;
        }
    };
    let shown = without_credentials(&url);
    let sent = SmtpTransport::from_url(&url)
        .map(|builder| builder.timeout(Some(SMTP_TIMEOUT)).build())
        .and_then(|transport| transport.send(&message));
    match sent {
        Ok(_) => {
            output::stderr(&crate::text::escape_control(&format!(
                "sent `{}` ({}, persona {}) to {} through {shown}\n",
                args.message, args.locale, args.persona, args.to
            )));
            Exit::Clean
        }
        Err(err) => {
            output::fatal(format!("cannot send through {shown}: {err}"));
            Exit::Usage
        }
    }
}

/// The MIME message: headers, then `multipart/alternative` with the
/// plain text first and the HTML last (the part clients prefer).
fn mime_message(email: &TestEmail, args: &Args) -> Result<Message, String> {
    let from_text = args
        .from
        .as_deref()
        .or(email.from.as_deref())
        .ok_or_else(|| {
            format!(
                "`{}` has no sender: give the message a `from`, the project \
                 `defaults.email_from`, or pass `--from ADDRESS`",
                args.message
            )
        })?;
    let from: Mailbox = from_text
        .parse()
        .map_err(|e| format!("the sender `{from_text}` is not an email address: {e}"))?;
    let to: Mailbox = args
        .to
        .parse()
        .map_err(|e| format!("`--to {}` is not an email address: {e}", args.to))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .message_id(None)
        .user_agent(format!("campaignc {}", env!("CARGO_PKG_VERSION")));
    if let Some(url) = &email.list_unsubscribe {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{url}>"),
        ));
    }
    // The boundary comes from the content, so a dry run prints the same
    // parts for the same email (the Date and Message-ID are the send's).
    let boundary = format!(
        "campaignc-{}",
        &crate::digest::hex(&crate::digest::of(
            format!("{}\n{}", email.text, email.html).as_bytes()
        ))[..32]
    );
    builder
        .multipart(
            MultiPart::alternative()
                .boundary(boundary)
                .singlepart(SinglePart::plain(email.text.clone()))
                .singlepart(SinglePart::html(email.html.clone())),
        )
        .map_err(|e| format!("cannot build the email: {e}"))
}

/// `scheme://host:port…` of an SMTP URL without its user and password, for
/// messages.
fn without_credentials(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let rest = match rest[..authority_end].rfind('@') {
                Some(at) => &rest[at + 1..],
                None => rest,
            };
            format!("{scheme}://{rest}")
        }
        None => "the SMTP server".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_credentials;

    #[test]
    fn credentials_never_reach_a_message() {
        assert_eq!(
            without_credentials("smtp://me:s3cr%40t@mail.example:587?tls=required"),
            "smtp://mail.example:587?tls=required"
        );
        assert_eq!(
            without_credentials("smtps://mail.example"),
            "smtps://mail.example"
        );
        assert_eq!(without_credentials("not a url"), "the SMTP server");
    }
}
