//! `previews/index.html`: one self-contained page (inline CSS, nothing
//! loaded from elsewhere) linking every campaign page and every email in
//! every locale; what `watch --serve` serves as its home page.

use super::html::email_file_name;
use super::mermaid::{channel_key, channel_noun};
use super::sentences;
use crate::plan::format::Plan;
use crate::template::escape::{html_attr, html_text};
use std::fmt::Write as _;

const STYLE: &str = "body{margin:0;background:#f4f4f5;color:#1f2937;line-height:1.5}\
main{max-width:880px;margin:0 auto;padding:32px 20px}\
h1{font-size:28px;margin:0 0 4px}\
.lead{color:#4b5563;margin:0 0 24px}\
section{background:#fff;border-radius:8px;padding:20px 24px;margin:0 0 16px;\
box-shadow:0 1px 2px rgba(0,0,0,.06)}\
h2{font-size:20px;margin:0 0 4px}\
h2 a{color:#1d4ed8;text-decoration:none}\
.stage{display:inline-block;font-size:12px;background:#e0e7ff;color:#3730a3;\
border-radius:999px;padding:1px 10px;margin-left:8px;vertical-align:middle}\
.doc{margin:4px 0 8px;color:#374151}\
.trigger{margin:0 0 12px;color:#4b5563;font-size:14px}\
table{border-collapse:collapse;width:100%;font-size:14px}\
th,td{text-align:left;padding:6px 8px;border-top:1px solid #e5e7eb;vertical-align:top}\
th{color:#6b7280;font-weight:600}\
td a{color:#1d4ed8;margin-right:10px}\
.muted{color:#9ca3af}\
code{font-size:13px}\
.status{margin:0 0 16px;padding:6px 12px;border-radius:6px;background:#dcfce7;color:#166534;\
font-size:14px}\
.status[data-ok=false]{background:#fee2e2;color:#991b1b}";

/// The index page, from each campaign's [`campaign_section`] (made with
/// the campaign's other preview files, and kept with them by a live
/// build).
pub fn index_html(sections: &[&str]) -> String {
    let mut body = String::with_capacity(sections.iter().map(|s| s.len()).sum::<usize>() + 64);
    for section in sections {
        body.push_str(section);
    }
    if sections.is_empty() {
        body.push_str("<section><p>The project has no campaigns yet.</p></section>\n");
    }
    let style = format!(
        "{STYLE}body{{font-family:{}}}code{{font-family:{}}}",
        super::page::FONT_STACK,
        super::page::MONO_STACK
    );
    format!(
        "{}<main>
<h1>Campaign previews</h1>
<p class=\"status\" id=\"campaignc-status\" role=\"status\" hidden></p>
<p class=\"lead\">{} {}. Each page shows the trigger, audience, flow, timeline and every message in every locale. <a href=\"../coverage.md\">Lifecycle coverage</a> · <a href=\"forecast.html\">Forecast</a></p>
{body}</main>
</body>
</html>
",
        super::page::document_start("Campaign previews", &style),
        sections.len(),
        if sections.len() == 1 { "campaign" } else { "campaigns" },
    )
}

/// Where `campaignc forecast --out` puts its chart for the preview site,
/// relative to `previews/`.
const FORECAST_DIR: &str = "forecast";

/// `previews/forecast.html`: the chart of sends per day per channel that
/// `campaignc forecast … --out OUT/previews/forecast` writes, shown when
/// it is there, and how to make it when not (an `<object>` shows its
/// content when its file is missing: no script). The build writes this
/// page from the sources alone; the chart comes from customer data, which
/// only `forecast` reads, and a build leaves it alone.
pub fn forecast_html() -> String {
    let style = format!(
        "{STYLE}body{{font-family:{}}}code,pre{{font-family:{}}}\
pre{{background:#f4f4f5;border-radius:6px;padding:10px;overflow:auto}}\
object{{display:block;width:100%;min-height:120px}}\
nav{{margin:0 0 12px;font-size:14px}}nav a{{color:#1d4ed8}}",
        super::page::FONT_STACK,
        super::page::MONO_STACK
    );
    format!(
        "{}<main>
<nav><a href=\"index.html\">All campaigns</a></nav>
<h1>Forecast</h1>
<p class=\"lead\">Sends per day and channel when your customers' recorded history is replayed through the campaigns: what the project would have sent over those days.</p>
<section>
<object data=\"{FORECAST_DIR}/sends-per-day.svg\" type=\"image/svg+xml\" aria-label=\"Sends per day per channel\">
<p>No forecast here yet. It is not part of the build: it reads customer data, which the build never does. Replay a history and write the chart next to these pages:</p>
<pre><code>campaignc forecast all CAMPAIGNS --customers customers.jsonl --events events.jsonl \\
  --from 2026-10-01 --to 2026-11-29 --out OUT/previews/{FORECAST_DIR}</code></pre>
<p><code>CAMPAIGNS</code> is the project directory and <code>OUT</code> the build's output directory (<code>out</code> by default). Builds leave the chart alone; run the command again to refresh it.</p>
</object>
<p class=\"doc\">The whole report, entries, skips, deferrals and conversions included, is <a href=\"{FORECAST_DIR}/forecast.json\"><code>{FORECAST_DIR}/forecast.json</code></a> (written with the chart), or <code>campaignc forecast</code>'s own output.</p>
</section>
</main>
</body>
</html>
",
        super::page::document_start("Forecast", &style),
    )
}

/// One campaign's section of the index page: its name, stage, trigger
/// and a link to each message in each locale (to the email file for the
/// `(message, locale)` pairs in `emails`, to the campaign page otherwise).
pub fn campaign_section(plan: &Plan, emails: &[(String, String)]) -> String {
    let name = html_text(&plan.campaign);
    let href = html_attr(&plan.campaign);
    let mut out = format!(
        "<section>\n<h2><a href=\"{href}.html\">{name}</a><span class=\"stage\">{}</span></h2>\n",
        html_text(&plan.stage)
    );
    if let Some(doc) = &plan.doc {
        let _ = writeln!(out, "<p class=\"doc\">{}</p>", html_text(doc.trim()));
    }
    let _ = writeln!(
        out,
        "<p class=\"trigger\">{}</p>",
        code_spans(&html_text(&sentences::trigger(plan)))
    );
    out.push_str("<table>\n<tr><th>Message</th><th>Channel</th><th>Locales</th></tr>\n");
    for (message, m) in &plan.messages {
        let links: Vec<String> = plan
            .locales
            .iter()
            .map(|l| {
                if emails.iter().any(|(em, el)| em == message && el == l) {
                    format!(
                        "<a href=\"{href}/{}\">{}</a>",
                        html_attr(&email_file_name(message, l)),
                        html_text(l)
                    )
                } else {
                    // Not an email: its text is on the campaign page.
                    format!("<a href=\"{href}.html\">{}</a>", html_text(l))
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            html_text(message),
            html_text(channel_noun(channel_key(m.channel))),
            links.join(" ")
        );
    }
    if plan.messages.is_empty() {
        out.push_str("<tr><td colspan=\"3\" class=\"muted\">No messages</td></tr>\n");
    }
    out.push_str("</table>\n</section>\n");
    out
}

/// `` `x` `` → `<code>x</code>` in already-escaped text.
fn code_spans(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}
