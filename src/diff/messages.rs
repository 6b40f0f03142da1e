//! What changed in a campaign's messages: added and removed messages and
//! locales, sender and category changes, and for every locale whose
//! template sources changed a unified diff (`similar`) of those sources.

use std::collections::{BTreeMap, BTreeSet};

use similar::TextDiff;

use super::markdown::{code, fenced};
use super::words::channel_name;
use crate::plan::format::{Category, Message};

/// A text diff longer than this many lines is folded in a `<details>`
/// block, so a review comment stays readable.
const FOLDED_DIFF_LINES: usize = 20;

/// The Markdown lines describing how `base`'s messages became `head`'s;
/// empty when they are the same.
pub fn message_changes(
    base: &BTreeMap<String, Message>,
    head: &BTreeMap<String, Message>,
) -> String {
    let mut out = String::new();
    let names: BTreeSet<&String> = base.keys().chain(head.keys()).collect();
    for name in names {
        match (base.get(name), head.get(name)) {
            (None, Some(m)) => out.push_str(&format!(
                "- now sends message {} ({}, {})\n",
                code(name),
                channel_name(m.channel),
                locale_list(m)
            )),
            (Some(m), None) => out.push_str(&format!(
                "- message {} ({}) is no longer sent by this campaign\n",
                code(name),
                channel_name(m.channel)
            )),
            (Some(old), Some(new)) if old != new => out.push_str(&changed(name, old, new)),
            _ => {}
        }
    }
    out
}

fn locale_list(m: &Message) -> String {
    let locales: Vec<String> = m.locales.keys().map(|l| code(l)).collect();
    if locales.is_empty() {
        "no locales".to_string()
    } else {
        locales.join(", ")
    }
}

fn category(c: Category) -> &'static str {
    match c {
        Category::Marketing => "marketing",
        Category::Transactional => "transactional",
    }
}

fn changed(name: &str, old: &Message, new: &Message) -> String {
    let mut out = String::new();
    if old.channel != new.channel {
        out.push_str(&format!(
            "- message {}: channel {} → {}\n",
            code(name),
            channel_name(old.channel),
            channel_name(new.channel)
        ));
    }
    if old.category != new.category {
        out.push_str(&format!(
            "- message {}: {} → {}\n",
            code(name),
            category(old.category),
            category(new.category)
        ));
    }
    if old.from != new.from {
        let from = |f: &Option<String>| f.as_deref().map_or("(none)".to_string(), code);
        out.push_str(&format!(
            "- message {}: sender {} → {}\n",
            code(name),
            from(&old.from),
            from(&new.from)
        ));
    }
    let locales: BTreeSet<&String> = old.locales.keys().chain(new.locales.keys()).collect();
    for locale in locales {
        match (old.locales.get(locale), new.locales.get(locale)) {
            (None, Some(_)) => out.push_str(&format!(
                "- message {}: added locale {}\n",
                code(name),
                code(locale)
            )),
            (Some(_), None) => out.push_str(&format!(
                "- message {}: removed locale {}\n",
                code(name),
                code(locale)
            )),
            (Some(a), Some(b)) if a.fields != b.fields => {
                out.push_str(&format!(
                    "- message {} in {}: text changed\n\n",
                    code(name),
                    code(locale)
                ));
                let diff = fenced("diff", &fields_diff(name, locale, &a.fields, &b.fields));
                if diff.lines().count() > FOLDED_DIFF_LINES {
                    out.push_str(&format!(
                        "<details><summary>the text diff of {} in {} ({} lines)</summary>\n\n{diff}\n</details>\n",
                        code(name),
                        code(locale),
                        diff.lines().count().saturating_sub(2)
                    ));
                } else {
                    out.push_str(&diff);
                }
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// One unified diff per changed field, headed `a/MESSAGE.LOCALE.FIELD`.
fn fields_diff(
    name: &str,
    locale: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    let fields: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for field in fields {
        let a = old.get(field).map_or("", String::as_str);
        let b = new.get(field).map_or("", String::as_str);
        if a == b {
            continue;
        }
        let a = with_final_newline(a);
        let b = with_final_newline(b);
        let path = format!("{name}.{locale}.{field}");
        let diff = TextDiff::from_lines(&a, &b);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .missing_newline_hint(false)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        );
    }
    out
}

fn with_final_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}
