//! `campaignc render`: JSON lines in, one JSON line out per input line.
//!
//! Each input line asks for one message of one campaign for one customer:
//! `{"campaign", "message", "locale", "customer": {…}, "event": {…},
//! "unsubscribe_url"}` (`locale`, `event` and `unsubscribe_url` optional).
//! The answer is the rendered fields and the locale's `content_hash`, or
//! an error naming the input line; a bad line never stops the stream.
//! `docs/plan-format.md` ("Rendering") is the reference.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::plan::format::{Node, Plan, FORMAT};
use crate::template::email::decode_entities;
use crate::template::{email_text, value, Renderer, SmsEncoding};

use super::types::Types;
use super::{render_fields, timezone, Fields};

/// One plan, ready to render from.
struct Loaded {
    plan: Plan,
    types: Types,
    /// Message → the events in scope at its sends (its `event.*`).
    events: BTreeMap<String, Vec<String>>,
}

/// The plans of a build, by campaign name.
pub struct Plans {
    plans: BTreeMap<String, Loaded>,
}

/// The plan files under `dir`: `dir/plans/*.json` (a build's output
/// directory), else `dir/*.json` (the plans directory itself), by name.
fn plan_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let plans_dir = dir.join("plans");
    let dir = if plans_dir.is_dir() {
        plans_dir
    } else {
        dir.to_path_buf()
    };
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read the plans in `{}`: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read the plans in `{}`: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|x| x == "json") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

impl Plans {
    /// Reads every plan of a build's output directory (`OUT/plans/*.json`).
    /// An unreadable file, a file that is not a plan, a plan of another
    /// format version, or no plan at all is an error.
    pub fn load(dir: &Path) -> Result<Plans, String> {
        let mut plans = BTreeMap::new();
        for path in plan_files(dir)? {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let format = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("format").and_then(Value::as_str).map(str::to_string));
            match format.as_deref() {
                Some(FORMAT) => {}
                // `plan.schema.json` and other JSON files are not plans.
                None => continue,
                Some(other) => {
                    return Err(format!(
                        "`{}` is a `{other}` plan; this campaignc renders `{FORMAT}`",
                        path.display()
                    ))
                }
            }
            let plan: Plan = serde_json::from_str(&text)
                .map_err(|e| format!("`{}` is not a valid plan: {e}", path.display()))?;
            let mut events: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for node in plan.nodes.values() {
                if let Node::Send {
                    message,
                    event: Some(event),
                    ..
                } = node
                {
                    let list = events.entry(message.clone()).or_default();
                    if !list.contains(event) {
                        list.push(event.clone());
                    }
                }
            }
            let types = Types::new(&plan.template_data);
            plans.insert(
                plan.campaign.clone(),
                Loaded {
                    plan,
                    types,
                    events,
                },
            );
        }
        if plans.is_empty() {
            return Err(format!(
                "no plans in `{}` (run `campaignc build` first; give its output directory)",
                dir.display()
            ));
        }
        Ok(Plans { plans })
    }

    /// Renders one input line (`number` is 1-based) into its output
    /// object: the rendered fields, or `{"line", "error"}`.
    pub fn render_line(&self, renderer: &Renderer, line: &str, number: usize) -> Value {
        match self.render_request(renderer, line) {
            Ok(fields) => {
                let mut out = Map::new();
                out.insert("line".into(), json!(number));
                out.extend(fields);
                Value::Object(out)
            }
            Err(error) => json!({ "line": number, "error": error }),
        }
    }

    fn render_request(
        &self,
        renderer: &Renderer,
        line: &str,
    ) -> Result<Map<String, Value>, String> {
        let request: Value =
            serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
        let Value::Object(mut request) = request else {
            return Err("not a JSON object".into());
        };
        let text = |request: &Map<String, Value>, key: &str| -> Result<Option<String>, String> {
            match request.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("`{key}` must be a string")),
            }
        };
        let campaign = text(&request, "campaign")?.ok_or("`campaign` is missing")?;
        let message_name = text(&request, "message")?.ok_or("`message` is missing")?;
        let loaded = self.plans.get(&campaign).ok_or_else(|| {
            format!(
                "no plan for campaign `{campaign}`{}",
                did_you_mean(&campaign, self.plans.keys())
            )
        })?;
        let plan = &loaded.plan;
        let message = plan.messages.get(&message_name).ok_or_else(|| {
            format!(
                "campaign `{campaign}` has no message `{message_name}`{}",
                did_you_mean(&message_name, plan.messages.keys())
            )
        })?;
        let customer = match request.remove("customer") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(customer)) => customer,
            Some(_) => return Err("`customer` must be an object".into()),
        };
        loaded
            .types
            .check_object("customer", &customer, &loaded.types.customer)?;
        let in_scope = loaded
            .events
            .get(&message_name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let event = match request.remove("event") {
            None | Some(Value::Null) => None,
            Some(Value::Object(event)) => {
                check_event(&loaded.types, &event, in_scope)?;
                Some(event)
            }
            Some(_) => return Err("`event` must be an object".into()),
        };
        let locale = match text(&request, "locale")? {
            Some(locale) if message.locales.contains_key(&locale) => locale,
            Some(locale) => {
                return Err(format!(
                    "message `{message_name}` has no `{locale}` text (it has {})",
                    message
                        .locales
                        .keys()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
            None => customer_locale(plan, &customer),
        };
        let unsubscribe_url = text(&request, "unsubscribe_url")?;
        let timezone = timezone(plan, &customer);
        let mut root = value::root(
            customer,
            event,
            &plan.campaign,
            unsubscribe_url.as_deref().unwrap_or_default(),
        );
        if unsubscribe_url.is_none() {
            if let Some(root) = root.as_object_mut() {
                root.remove("unsubscribe_url");
            }
        }
        let fields = render_fields(renderer, message, &locale, root, &timezone)?;
        let content_hash = message
            .locales
            .get(&locale)
            .map(|l| l.content_hash.clone())
            .unwrap_or_default();
        let mut out = Map::new();
        out.insert("campaign".into(), json!(campaign));
        out.insert("message".into(), json!(message_name));
        out.insert("locale".into(), json!(locale));
        out.insert("channel".into(), json!(message.channel.as_str()));
        out.insert("content_hash".into(), json!(content_hash));
        out.insert("fields".into(), fields_json(fields));
        Ok(out)
    }
}

/// The event is checked against the events in scope at the message's
/// sends: it must fit one of them.
fn check_event(
    types: &Types,
    event: &Map<String, Value>,
    in_scope: &[String],
) -> Result<(), String> {
    let mut first_error = None;
    for name in in_scope {
        let Some(fields) = types.events.get(name) else {
            return Ok(());
        };
        match types.check_object("event", event, fields) {
            Ok(()) => return Ok(()),
            Err(e) => {
                first_error.get_or_insert(if in_scope.len() > 1 {
                    format!("{e} (as a `{name}` event)")
                } else {
                    e
                });
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// The customer's locale by the plan's rule: the locale attribute's value
/// when it is one of the plan's locales, else the plan's default locale.
fn customer_locale(plan: &Plan, customer: &Map<String, Value>) -> String {
    plan.customer
        .locale
        .attribute
        .as_ref()
        .and_then(|a| customer.get(a))
        .and_then(Value::as_str)
        .filter(|l| plan.locales.iter().any(|p| p == l))
        .unwrap_or(&plan.default_locale)
        .to_string()
}

fn did_you_mean<'a>(name: &str, known: impl Iterator<Item = &'a String>) -> String {
    known
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

/// The output fields of a rendered message: what a sending system sends.
fn fields_json(fields: Fields) -> Value {
    match fields {
        Fields::Email {
            from,
            subject,
            preheader,
            body_markdown,
            html,
        } => json!({
            "from": from,
            "subject": decode_entities(&subject),
            "preheader": preheader.map(|p| decode_entities(&p)),
            "html": html,
            "text": email_text(&body_markdown),
        }),
        Fields::Sms { body, count } => json!({
            "text": body,
            "encoding": match count.encoding {
                SmsEncoding::Gsm7 => "gsm7",
                SmsEncoding::Ucs2 => "ucs2",
            },
            "units": count.units,
            "segments": count.segments,
        }),
        Fields::Card {
            title,
            body,
            button,
            link,
        } => json!({ "title": title, "body": body, "button": button, "link": link }),
        Fields::Webhook { method, url, body } => {
            json!({ "method": method, "url": url, "body": body })
        }
    }
}

/// What a run did: lines answered and how many of them were errors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub lines: usize,
    pub errors: usize,
}

/// Reads requests from `input` until it ends and writes one JSON line per
/// non-blank input line to `output`, in input order. A line that is not
/// UTF-8 is an error line like any other; only a failure to read the input
/// or to write the output stops the run.
pub fn run(
    plans: &Plans,
    renderer: &Renderer,
    mut input: impl BufRead,
    mut output: impl Write,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    let mut buffer = Vec::new();
    let mut number = 0;
    loop {
        buffer.clear();
        if input.read_until(b'\n', &mut buffer)? == 0 {
            break;
        }
        number += 1;
        let answer = match std::str::from_utf8(&buffer) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => plans.render_line(renderer, line, number),
            Err(e) => json!({ "line": number, "error": format!("not UTF-8 text: {e}") }),
        };
        summary.lines += 1;
        if answer.get("error").is_some() {
            summary.errors += 1;
        }
        serde_json::to_writer(&mut output, &answer)?;
        output.write_all(b"\n")?;
        // A sending system waits for each answer before the next request.
        output.flush()?;
    }
    Ok(summary)
}
