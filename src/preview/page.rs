//! The campaign pages in HTML (`previews/<campaign>.html`), from the same
//! Markdown as `previews/<campaign>.md`: the flowchart drawn in the
//! browser by the vendored Mermaid, every email embedded in a sandboxed
//! `iframe` with a desktop / mobile width toggle, and the review tools
//! (persona picker, translation view) that only `watch --serve` renders.
//!
//! The pages load nothing from the network: their scripts are files under
//! `previews/assets/` (written by every build, see [`asset_files`]), so they
//! work offline and from `file://`, and under the server's
//! Content-Security-Policy (no inline script).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::plan::format::Plan;
use crate::template::escape::{html_attr, html_text};

/// The font stack of every page: Latin with Vietnamese and Czech
/// diacritics (Segoe UI, Roboto, Noto Sans, Arial all cover them), then
/// Traditional Chinese (macOS, Windows, Linux with `fonts-noto-cjk`).
pub const FONT_STACK: &str = "system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',\
'Helvetica Neue',Arial,'PingFang TC','Microsoft JhengHei','Noto Sans CJK TC',\
'Noto Sans TC','Source Han Sans TC',sans-serif";

/// The monospace stack, with the CJK fallbacks.
pub const MONO_STACK: &str = "ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',\
'Noto Sans Mono','Noto Sans Mono CJK TC','PingFang TC','Microsoft JhengHei',monospace";

/// Where the pages' scripts go, relative to the output directory.
pub const ASSETS_DIR: &str = "previews/assets";

/// The `mermaid` npm package's browser bundle, vendored (see
/// `vendor/mermaid/README.md` for the version and how to update it).
pub const MERMAID_JS: &str = include_str!("../../vendor/mermaid/mermaid.min.js");
/// Mermaid's licence, written next to it.
pub const MERMAID_LICENSE: &str = include_str!("../../vendor/mermaid/LICENSE");
/// The campaign pages' own script: draws the flowchart, shows the review
/// tools when the page is served.
pub const CAMPAIGN_JS: &str = include_str!("campaign.js");

/// The asset files every build writes under [`ASSETS_DIR`].
pub fn asset_files() -> Vec<(PathBuf, String)> {
    let dir = PathBuf::from(ASSETS_DIR);
    vec![
        (dir.join("campaign.js"), CAMPAIGN_JS.to_string()),
        (dir.join("mermaid.LICENSE.txt"), MERMAID_LICENSE.to_string()),
        (dir.join("mermaid.min.js"), MERMAID_JS.to_string()),
    ]
}

/// The page's CSS. The width toggle is pure CSS (two radio buttons), so
/// it works without scripts. Made once: every campaign page has it.
fn style() -> &'static str {
    static STYLE: std::sync::LazyLock<String> = std::sync::LazyLock::new(page_style);
    &STYLE
}

fn page_style() -> String {
    format!(
        "body{{margin:0;background:#f4f4f5;color:#1f2937;font-family:{FONT_STACK};line-height:1.55}}\
main{{max-width:1040px;margin:0 auto;padding:24px 20px 48px}}\
a{{color:#1d4ed8}}\
h1{{font-size:28px;margin:8px 0 12px}}h2{{font-size:22px;margin:32px 0 12px;\
border-bottom:1px solid #e5e7eb;padding-bottom:4px}}h3{{font-size:18px;margin:28px 0 8px}}\
h4{{font-size:15px;margin:20px 0 6px;color:#374151}}\
code,pre{{font-family:{MONO_STACK};font-size:13px}}\
code{{background:#e5e7eb;border-radius:3px;padding:0 3px}}\
pre{{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:10px;overflow:auto}}\
pre code{{background:none;padding:0}}\
pre.mermaid{{background:#fff;text-align:center}}\
table{{border-collapse:collapse;width:100%;background:#fff;font-size:14px}}\
th,td{{text-align:left;padding:6px 10px;border:1px solid #e5e7eb;vertical-align:top}}\
blockquote{{margin:8px 0;padding:8px 14px;background:#fff;border-left:4px solid #c7d2fe;\
white-space:normal}}\
nav.top{{font-size:14px;margin:0 0 8px}}\
.review{{background:#eef2ff;border:1px solid #c7d2fe;border-radius:8px;padding:10px 14px;\
margin:0 0 16px;font-size:14px}}\
.review select{{font:inherit}}\
.widths{{position:sticky;top:0;z-index:1;background:#f4f4f5;padding:6px 0;font-size:14px}}\
.widths label{{margin-left:8px;cursor:pointer;border:1px solid #d1d5db;border-radius:999px;\
padding:1px 10px;background:#fff}}\
#width-desktop:checked~main label[for=width-desktop],\
#width-mobile:checked~main label[for=width-mobile]{{background:#1d4ed8;color:#fff;border-color:#1d4ed8}}\
.frame{{margin:8px 0 16px;overflow-x:auto}}\
iframe.email{{width:600px;height:640px;border:1px solid #d1d5db;border-radius:6px;\
background:#fff;resize:vertical;display:block;transition:width .2s}}\
#width-mobile:checked~main iframe.email{{width:375px}}\
.visually-hidden{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}\
.translations td pre{{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;border:0;padding:0;\
font-family:{FONT_STACK};font-size:14px}}\
mark.var{{background:#fef08a;border-radius:3px}}\
.missing{{color:#b91c1c;font-size:13px;margin-top:6px}}\
.uses{{color:#4b5563;font-size:13px;margin-top:6px}}"
    )
}

/// The start of every preview page, up to and including `<body>`:
/// `title_html` is escaped already.
pub fn document_start(title_html: &str, style: &str) -> String {
    format!(
        "<!DOCTYPE html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>{title_html}</title>
<style>{style}</style>
</head>
<body>
"
    )
}

/// What a campaign page shows besides its Markdown.
pub struct PageOptions<'a> {
    /// Every persona of the project, for the picker.
    pub personas: &'a [&'a str],
    /// The persona every message is rendered for (`None`: each locale's
    /// preview persona).
    pub persona: Option<&'a str>,
    /// The campaign's messages, for the translation view links.
    pub messages: &'a [String],
}

/// The HTML page of a campaign from its Markdown page.
pub fn campaign_html(plan: &Plan, markdown: &str, options: &PageOptions) -> String {
    let campaign = &plan.campaign;
    // The frames show the emails rendered for the same persona.
    let frame_query = options
        .persona
        .map_or(String::new(), |p| format!("?persona={}", query_escape(p)));
    let body = markdown_body(markdown, campaign, &frame_query);
    let mut picker = String::from("<option value=\"\">each locale's preview persona</option>");
    for p in options.personas {
        let selected = if options.persona == Some(*p) {
            " selected"
        } else {
            ""
        };
        let _ = write!(
            picker,
            "<option value=\"{}\"{selected}>{}</option>",
            html_attr(p),
            html_text(p)
        );
    }
    let translations: Vec<String> = options
        .messages
        .iter()
        .map(|m| {
            format!(
                "<a href=\"?translations={}\">{}</a>",
                html_attr(&query_escape(m)),
                html_text(m)
            )
        })
        .collect();
    let shown_for = options.persona.map_or(String::new(), |p| {
        format!(
            " Showing every message and the timeline for <strong>{}</strong>.",
            html_text(p)
        )
    });
    // Sized for the page at once: `format!` grows its string from the
    // size of the literal pieces, copying the body again at each step.
    let mut page = String::with_capacity(body.len() + picker.len() + style().len() + 2048);
    // Writing into a `String` cannot fail.
    let _ = write!(
        page,
        "{start}<input type=\"radio\" name=\"width\" id=\"width-desktop\" class=\"visually-hidden\" checked>
<input type=\"radio\" name=\"width\" id=\"width-mobile\" class=\"visually-hidden\">
<main>
<nav class=\"top\"><a href=\"index.html\">All campaigns</a> · <a href=\"{md}\">Markdown</a></nav>
<div class=\"review\" id=\"review\" hidden>
<label for=\"persona\">Render for persona</label> <select id=\"persona\">{picker}</select>{shown_for}
<br>Translations side by side: {translations}
</div>
<div class=\"widths\">Email width: <label for=\"width-desktop\">Desktop (600 px)</label><label for=\"width-mobile\">Mobile (375 px)</label></div>
{body}</main>
<script src=\"assets/mermaid.min.js\" id=\"mermaid-script\" async></script>
<script src=\"assets/campaign.js\"></script>
</body>
</html>
",
        start = document_start(&format!("Campaign {}", html_text(campaign)), style()),
        md = html_attr(&format!("{campaign}.md")),
        translations = if translations.is_empty() {
            "none".to_string()
        } else {
            translations.join(" · ")
        },
    );
    page
}

/// `a b` → `a%20b`: a message name in a query string.
fn query_escape(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The Markdown page as HTML: the Mermaid block left for Mermaid to draw,
/// raw HTML shown as text (the Markdown escapes user text already; this
/// keeps anything that slipped through inert), and after every list that
/// links an email file, that email in a sandboxed frame, in place of the
/// quote of its body that the Markdown page has there.
fn markdown_body(markdown: &str, campaign: &str, frame_query: &str) -> String {
    let email_prefix = format!("{campaign}/");
    let mut events: Vec<Event> = Vec::new();
    let mut in_mermaid = false;
    let mut mermaid = String::new();
    let mut frames: Vec<String> = Vec::new();
    let mut list_depth = 0usize;
    // After a frame: the next block, when it is a quote, is the email's
    // body, which the frame shows already.
    let mut after_frame = false;
    let mut skipped_quotes = 0usize;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        if skipped_quotes > 0 {
            match event {
                Event::Start(Tag::BlockQuote(_)) => skipped_quotes += 1,
                Event::End(TagEnd::BlockQuote(_)) => skipped_quotes -= 1,
                _ => {}
            }
            continue;
        }
        if std::mem::take(&mut after_frame) {
            if let Event::Start(Tag::BlockQuote(_)) = event {
                skipped_quotes = 1;
                continue;
            }
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) if &*lang == "mermaid" => {
                in_mermaid = true;
                mermaid.clear();
            }
            Event::Text(text) if in_mermaid => mermaid.push_str(&text),
            Event::End(TagEnd::CodeBlock) if in_mermaid => {
                in_mermaid = false;
                events.push(Event::Html(CowStr::from(format!(
                    "<pre class=\"mermaid\">{}</pre>\n",
                    html_text(&mermaid)
                ))));
            }
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::List(n)) => {
                list_depth += 1;
                events.push(Event::Start(Tag::List(n)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if dest_url.starts_with(&email_prefix) && dest_url.ends_with(".html") {
                    frames.push(dest_url.to_string());
                }
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::List(ordered)) => {
                list_depth = list_depth.saturating_sub(1);
                events.push(Event::End(TagEnd::List(ordered)));
                if list_depth == 0 {
                    after_frame = !frames.is_empty();
                    for src in frames.drain(..) {
                        let name = src.strip_prefix(&email_prefix).unwrap_or(&src);
                        events.push(Event::Html(CowStr::from(format!(
                            "<div class=\"frame\"><iframe class=\"email\" src=\"{}\" title=\"{}\" \
                             sandbox=\"allow-popups allow-popups-to-escape-sandbox\"></iframe></div>\n",
                            html_attr(&format!("{src}{frame_query}")),
                            html_attr(&format!("The email {name}"))
                        ))));
                    }
                }
            }
            other => events.push(other),
        }
    }
    // About what a page's Markdown becomes, so the text is not copied
    // as it grows.
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// One field of one locale in the translation view.
struct FieldCell<'a> {
    source: &'a str,
    variables: BTreeSet<String>,
}

/// The variables (`customer.first_name`, `event.total`, `unsubscribe_url`)
/// a template names.
pub fn template_variables(source: &str) -> BTreeSet<String> {
    use crate::template::lex::{tokens, TagTokenKind};
    let mut out = BTreeSet::new();
    let mut current: Option<(usize, usize)> = None;
    for token in tokens(source) {
        match token.kind {
            TagTokenKind::Root => {
                if let Some((s, e)) = current.take() {
                    out.insert(source[s..e].to_string());
                }
                current = Some((token.start, token.end));
            }
            TagTokenKind::Member => {
                if let Some((_, end)) = current.as_mut() {
                    *end = token.end;
                }
            }
            _ => {
                if let Some((s, e)) = current.take() {
                    out.insert(source[s..e].to_string());
                }
            }
        }
    }
    if let Some((s, e)) = current {
        out.insert(source[s..e].to_string());
    }
    out.retain(|v| v != "this" && !v.starts_with("this.") && !v.starts_with('@'));
    out
}

/// A template's source with its tags highlighted.
fn highlighted(source: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (start, end) in crate::template::lex::tags(source) {
        out.push_str(&html_text(&source[at..start]));
        let _ = write!(
            out,
            "<mark class=\"var\">{}</mark>",
            html_text(&source[start..end])
        );
        at = end;
    }
    out.push_str(&html_text(&source[at..]));
    out
}

/// The translation view of one message: every locale side by side, field
/// by field, the template tags highlighted, and under each field the
/// variables another locale uses there that this one lacks.
pub fn translations_html(plan: &Plan, message: &str) -> Option<String> {
    let m = plan.messages.get(message)?;
    let locales: Vec<&String> = plan.locales.iter().collect();
    let mut fields: Vec<&String> = Vec::new();
    for l in m.locales.values() {
        for f in l.fields.keys() {
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    // In the order a reader meets them (as the simulator shows them).
    use crate::simulate::FIELD_ORDER;
    fields.sort_by_key(|f| {
        let rank = FIELD_ORDER.iter().position(|o| o == f);
        (rank.unwrap_or(FIELD_ORDER.len()), f.as_str())
    });
    let mut rows = String::new();
    for field in &fields {
        let cells: Vec<Option<FieldCell>> = locales
            .iter()
            .map(|l| {
                let source = m.locales.get(*l)?.fields.get(*field)?;
                Some(FieldCell {
                    source,
                    variables: template_variables(source),
                })
            })
            .collect();
        let all: BTreeSet<&String> = cells
            .iter()
            .flatten()
            .flat_map(|c| c.variables.iter())
            .collect();
        let _ = write!(rows, "<tr><th><code>{}</code></th>", html_text(field));
        for cell in &cells {
            let Some(cell) = cell else {
                rows.push_str("<td class=\"missing\">(not written in this locale)</td>");
                continue;
            };
            let uses: Vec<String> = cell
                .variables
                .iter()
                .map(|v| format!("<code>{}</code>", html_text(v)))
                .collect();
            let lacks: Vec<String> = all
                .iter()
                .filter(|v| !cell.variables.contains(**v))
                .map(|v| format!("<code>{}</code>", html_text(v)))
                .collect();
            let _ = write!(
                rows,
                "<td><pre>{}</pre>{}{}</td>",
                highlighted(cell.source),
                if uses.is_empty() {
                    String::new()
                } else {
                    format!("<div class=\"uses\">Uses {}</div>", uses.join(", "))
                },
                if lacks.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<div class=\"missing\">⚠ Lacks {} (used by another locale)</div>",
                        lacks.join(", ")
                    )
                }
            );
        }
        rows.push_str("</tr>\n");
    }
    let header: String = locales
        .iter()
        .map(|l| format!("<th class=\"locale\">{}</th>", html_text(l)))
        .collect();
    Some(format!(
        "{start}<main>
<nav class=\"top\"><a href=\"index.html\">All campaigns</a> · <a href=\"{campaign_attr}.html\">Campaign {campaign}</a></nav>
<h1>Translations of <em>{message_text}</em></h1>
<p>Every locale of campaign <code>{campaign}</code> side by side, field by field: the template tags are <mark class=\"var\">highlighted</mark>; a variable another locale uses in a field and this one does not is marked in red.</p>
<table class=\"translations\">
<tr><th>Field</th>{header}</tr>
{rows}</table>
</main>
</body>
</html>
",
        message_text = html_text(message),
        campaign = html_text(&plan.campaign),
        campaign_attr = html_attr(&plan.campaign),
        start = document_start(&format!("Translations of {}", html_text(message)), style()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_whole_paths() {
        let vars = template_variables(
            "Hi {{customer.first_name}}, {{money event.total currency=\"EUR\"}} \
             {{#each event.items}}{{this.name}}{{/each}} {{{unsubscribe_url}}}",
        );
        let vars: Vec<&str> = vars.iter().map(String::as_str).collect();
        assert_eq!(
            vars,
            [
                "customer.first_name",
                "event.items",
                "event.total",
                "unsubscribe_url"
            ]
        );
    }

    #[test]
    fn raw_html_in_the_markdown_stays_text_and_mermaid_is_left_to_mermaid() {
        let html = markdown_body(
            "<script>x</script>\n\n```mermaid\nflowchart TD\n  a-->b\n```\n\n\
             - **HTML:** [c/w.en.html](c/w.en.html)\n\n> Hi there\n>\n> > nested\n\nafter\n",
            "c",
            "",
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(
            html.contains("<pre class=\"mermaid\">flowchart TD\n  a--&gt;b\n</pre>"),
            "{html}"
        );
        let frame = html
            .find("<iframe class=\"email\" src=\"c/w.en.html\"")
            .expect(&html);
        assert!(frame > html.find("</ul>").expect("list"), "{html}");
        assert!(html.contains("sandbox=\"allow-popups"), "{html}");
    }
}
