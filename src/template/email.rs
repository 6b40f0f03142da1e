//! Markdown email bodies to a self-contained, responsive HTML email and its
//! plain-text part.
//!
//! Input: the body template already rendered with [`super::Escape::Html`], so
//! a customer value like `<script>` arrives as `&lt;script&gt;` and stays
//! text through Markdown. Raw HTML written in the Markdown itself (or a value
//! inserted with `{{{…}}}`) goes through the `ammonia` sanitiser: simple
//! formatting tags stay, scripts, styles, event handlers, images and links
//! with unsafe URL schemes are removed. Markdown images become links, so the
//! email loads nothing remote. A body with no raw HTML, whose every element
//! and link the sanitiser would keep, is written as the sanitiser would
//! write it without going through it (see `sanitiser_keeps_all_of`).
//!
//! Output: a full HTML document with `<meta charset="utf-8">`, a `lang`
//! attribute, the subject as `<title>`, a hidden preheader, and a centered
//! 600 px table column styled only with inline `style` attributes (mail
//! clients drop `<style>` blocks and web fonts).

use std::ops::Range;

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

use super::escape::{html_attr, html_text};

/// Inline styles of the elements Markdown produces, applied to the opening
/// tags pulldown-cmark writes.
const ELEMENT_STYLES: &[(&str, &str)] = &[
    ("<p>", "<p style=\"margin:0 0 16px 0;\">"),
    ("<h1>", "<h1 style=\"margin:0 0 16px 0;font-size:26px;line-height:1.3;\">"),
    ("<h2>", "<h2 style=\"margin:24px 0 12px 0;font-size:21px;line-height:1.3;\">"),
    ("<h3>", "<h3 style=\"margin:20px 0 8px 0;font-size:18px;line-height:1.3;\">"),
    ("<ul>", "<ul style=\"margin:0 0 16px 0;padding-left:24px;\">"),
    ("<ol", "<ol style=\"margin:0 0 16px 0;padding-left:24px;\""),
    ("<li>", "<li style=\"margin:0 0 6px 0;\">"),
    ("<blockquote>", "<blockquote style=\"margin:0 0 16px 0;padding:0 0 0 12px;border-left:3px solid #d1d5db;color:#4b5563;\">"),
    ("<pre>", "<pre style=\"margin:0 0 16px 0;padding:12px;background-color:#f3f4f6;border-radius:4px;white-space:pre-wrap;\">"),
    ("<code>", "<code style=\"font-family:Menlo,Consolas,monospace;font-size:14px;\">"),
    ("<hr>", "<hr style=\"border:0;border-top:1px solid #e5e7eb;margin:24px 0;\" />"),
    ("<a href=", "<a style=\"color:#2563eb;text-decoration:underline;\" href="),
];

fn markdown_options() -> Options {
    Options::ENABLE_STRIKETHROUGH
}

/// The URL schemes a link or image in an email may use. Anything else
/// (`javascript:`, `data:`, `vbscript:`, `file:` …) is dropped.
pub const SAFE_SCHEMES: &[&str] = &["https", "http", "mailto", "tel"];

/// The scheme of `url` as a browser reads it (ASCII whitespace and
/// control characters removed, lowercased), or `None` for a relative URL
/// (`/path`, `#top`, `page.html`).
pub fn url_scheme(url: &str) -> Option<String> {
    // Removing those characters removes no `:`, so the scheme is what is
    // left of the part before the first one: only that part is copied.
    let (before, _) = url.split_once(':')?;
    let scheme: String = before
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Whether an email may link to `url`: a relative URL, or one of
/// [`SAFE_SCHEMES`].
pub fn is_safe_url(url: &str) -> bool {
    url_scheme(url).is_none_or(|s| SAFE_SCHEMES.contains(&s.as_str()))
}

/// Neutralises what an email must not contain before the sanitiser sees
/// it: images become links to the image, and a link whose URL has an
/// unsafe scheme ([`is_safe_url`]) becomes its plain text.
fn safe_events<'a>(parser: Parser<'a>) -> impl Iterator<Item = Event<'a>> {
    // One entry per open link or image: whether it was dropped.
    let mut dropped: Vec<bool> = Vec::new();
    parser.filter_map(move |event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let unsafe_url = !is_safe_url(&dest_url);
            dropped.push(unsafe_url);
            (!unsafe_url).then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Image) | Event::End(TagEnd::Link) => {
            (!dropped.pop().unwrap_or(false)).then_some(Event::End(TagEnd::Link))
        }
        other => Some(other),
    })
}

/// The URL of every link of an email body (rendered with
/// [`super::Escape::Html`]) with whether the email keeps it
/// ([`is_safe_url`]): first the `href`s the sanitiser's HTML parser keeps in
/// the generated HTML (Markdown links, images turned into links, raw
/// `<a href>`), in order, then the Markdown links and images removed
/// before it. (An unsafe raw `<a href>` is removed by the sanitiser itself
/// and not listed.)
///
/// A body without `<` has no raw HTML, so the sanitiser keeps every link
/// of the generated HTML: then the list comes from one Markdown parse,
/// each kept link's `href` as the HTML writer escapes it and the parser
/// reads it back (the same list, without writing and sanitising the HTML).
pub fn body_links(body_markdown: &str) -> Vec<(String, bool)> {
    if body_markdown.contains('<') {
        html_links(body_markdown)
    } else {
        markdown_links(body_markdown)
    }
}

/// [`body_links`] as the sanitiser finds them in the generated HTML.
fn html_links(body_markdown: &str) -> Vec<(String, bool)> {
    let mut links = Vec::new();
    body_html_with(body_markdown, Some(&mut links));
    links
}

/// [`body_links`] of a body with no raw HTML, from its Markdown alone.
fn markdown_links(body_markdown: &str) -> Vec<(String, bool)> {
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for event in Parser::new_ext(body_markdown, markdown_options()) {
        let (Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        })
        | Event::Start(Tag::Image {
            link_type,
            dest_url,
            ..
        })) = event
        else {
            continue;
        };
        if !is_safe_url(&dest_url) {
            dropped.push((dest_url.into_string(), false));
            continue;
        }
        let href = href_as_read(link_type, &dest_url);
        let safe = is_safe_url(&href);
        kept.push((href, safe));
    }
    kept.extend(dropped);
    kept
}

/// The URLs of Markdown links and images [`safe_events`] removes.
fn dropped_markdown_links(body_markdown: &str) -> Vec<String> {
    unsafe_markdown_links(body_markdown)
        .into_iter()
        .map(|(url, _)| url)
        .collect()
}

/// The Markdown links and images of `body_markdown` whose URL an email
/// drops ([`is_safe_url`]), each with the byte range of the link in
/// `body_markdown`, read with the same Markdown options as [`email_html`]:
/// what the checker reports as E0610 is exactly what rendering removes.
pub fn unsafe_markdown_links(body_markdown: &str) -> Vec<(String, Range<usize>)> {
    Parser::new_ext(body_markdown, markdown_options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. })
                if !is_safe_url(&dest_url) =>
            {
                Some((dest_url.into_string(), range))
            }
            _ => None,
        })
        .collect()
}

/// Characters of scripts written without spaces between words (Chinese,
/// Japanese) and their full-width punctuation.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F // CJK symbols and punctuation
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF00..=0xFFEF // full-width forms
        | 0x20000..=0x2FA1F) // CJK extensions B–F, compatibility supplement
}

/// Drops a soft line break next to a character of an unspaced script
/// (unless the other side is a word of a spaced script):
/// HTML shows a soft break as a space, which does not belong inside a
/// Chinese sentence that the author wrapped over two source lines.
fn join_unspaced_lines(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let last_char = |e: &Event| match e {
        Event::Text(t) | Event::Code(t) => t.chars().last(),
        _ => None,
    };
    let first_char = |e: &Event| match e {
        Event::Text(t) | Event::Code(t) => t.chars().next(),
        _ => None,
    };
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        if matches!(event, Event::SoftBreak) {
            let before = out.last().and_then(last_char);
            let after = events.get(i + 1).and_then(first_char);
            // Mixed text keeps its space: `Lumen Coffee` + newline + `我們`.
            let unspaced = |c: Option<char>| c.is_some_and(is_unspaced_script);
            let word =
                |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_unspaced_script(c));
            if (unspaced(before) && !word(after)) || (unspaced(after) && !word(before)) {
                continue;
            }
        }
        out.push(event.clone());
    }
    out
}

/// The sanitiser of every body's HTML: no images, no `rel`, only the
/// safe URL schemes, relative links as written.
fn sanitiser() -> ammonia::Builder<'static> {
    let mut sanitiser = ammonia::Builder::default();
    sanitiser
        .rm_tags(["img"])
        .link_rel(None)
        .url_schemes(SAFE_SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough);
    sanitiser
}

/// [`sanitiser`], made once: its allow-lists are tables of hundreds of
/// entries, which took a fifth of rendering an email to build each time.
static SANITISER: std::sync::LazyLock<ammonia::Builder<'static>> =
    std::sync::LazyLock::new(sanitiser);

/// The body's Markdown as styled HTML fragments.
fn body_html(body_markdown: &str) -> String {
    body_html_with(body_markdown, None)
}

/// [`body_html`], optionally collecting every link URL with whether it is
/// kept (see [`body_links`]).
fn body_html_with(body_markdown: &str, links: Option<&mut Vec<(String, bool)>>) -> String {
    let parser = Parser::new_ext(body_markdown, markdown_options());
    let events = join_unspaced_lines(safe_events(parser).collect());
    let kept_whole = links.is_none() && sanitiser_keeps_all_of(body_markdown, &events);
    let mut generated = String::new();
    html::push_html(&mut generated, events.into_iter());
    let out = match links {
        None if kept_whole => as_the_sanitiser_writes(&generated),
        None => SANITISER.clean(&generated).to_string(),
        Some(links) => {
            type Hrefs = std::sync::Arc<std::sync::Mutex<Vec<(String, bool)>>>;
            let hrefs: Hrefs = Default::default();
            let seen = hrefs.clone();
            let mut recording = sanitiser();
            recording.attribute_filter(move |element, attribute, value| {
                if element == "a" && attribute == "href" {
                    let kept = is_safe_url(value);
                    if let Ok(mut hrefs) = seen.lock() {
                        hrefs.push((value.to_string(), kept));
                    }
                }
                Some(value.into())
            });
            let out = recording.clean(&generated).to_string();
            let mut found = hrefs.lock().map(|h| h.clone()).unwrap_or_default();
            found.extend(
                dropped_markdown_links(body_markdown)
                    .into_iter()
                    .map(|url| (url, false)),
            );
            *links = found;
            out
        }
    };
    // The sanitiser keeps no `style` attribute, so every opening tag here
    // is a bare one it wrote.
    styled_elements(&out)
}

/// Whether the sanitiser keeps every element and attribute of the HTML
/// that `html::push_html` writes for `events`, the Markdown of
/// `body_markdown`, so that [`as_the_sanitiser_writes`] gives what it
/// would (about a twentieth of a build's time was the sanitiser parsing
/// HTML that only pulldown-cmark wrote). That holds when:
///
/// - the body has no `<`, so no raw HTML (an HTML block, inline HTML and
///   an autolink all begin with one), nor a NUL or a carriage return
///   (which an HTML parser drops or turns into a line feed);
/// - every element is one Markdown makes with the options of
///   [`markdown_options`] and the sanitiser allows, nested as the HTML
///   parser leaves it: no link inside a link (an image in a link becomes
///   one, [`safe_events`]), which the parser would split;
/// - every link's `href`, as the HTML parser reads it, is one the
///   sanitiser keeps: a URL of [`SAFE_SCHEMES`] or a relative one, by the
///   same `url` parser. A link it would strip goes through it.
///
/// Anything else goes through the sanitiser, as every body did before;
/// a unit test compares the two on thousands of bodies.
fn sanitiser_keeps_all_of(body_markdown: &str, events: &[Event]) -> bool {
    if body_markdown.contains(['<', '\0', '\r']) {
        return false;
    }
    let mut in_link = false;
    events.iter().all(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) => {
            let nested = std::mem::replace(&mut in_link, true);
            !nested && keeps_href(*link_type, dest_url)
        }
        Event::End(TagEnd::Link) => {
            in_link = false;
            true
        }
        Event::Start(Tag::Heading {
            id, classes, attrs, ..
        }) => id.is_none() && classes.is_empty() && attrs.is_empty(),
        Event::Start(
            Tag::Paragraph
            | Tag::BlockQuote(None)
            | Tag::CodeBlock(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough,
        ) => true,
        Event::Start(_) => false,
        Event::End(_)
        | Event::Text(_)
        | Event::Code(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::Rule => true,
        _ => false,
    })
}

/// Whether the sanitiser keeps the `href` that `html::push_html` writes
/// for a link to `dest_url` ([`href_as_read`]).
fn keeps_href(link_type: pulldown_cmark::LinkType, dest_url: &str) -> bool {
    match url::Url::parse(&href_as_read(link_type, dest_url)) {
        Ok(url) => SAFE_SCHEMES.contains(&url.scheme()),
        Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

/// The `href` that `html::push_html` writes for a link to `dest_url`
/// (`mailto:` before an e-mail autolink, percent-encoding, `&amp;` and
/// `&#x27;`), as an HTML parser reads it back.
fn href_as_read(link_type: pulldown_cmark::LinkType, dest_url: &str) -> String {
    let mut href = String::new();
    if link_type == pulldown_cmark::LinkType::Email {
        href.push_str("mailto:");
    }
    // Writing into a `String` cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut href, dest_url);
    decode_entities(&href)
}

/// What the sanitiser gives for `generated`, HTML that `html::push_html`
/// wrote for events [`sanitiser_keeps_all_of`] accepts: the same
/// elements, attributes and text, serialised as html5ever does.
///
/// - `<br />` and `<hr />` lose their slash.
/// - `<code class="language-…">` loses its class (not on the allow-list).
/// - `'` is written as itself, where pulldown-cmark wrote `&#39;` (in a
///   title) or `&#x27;` (in an `href`).
/// - A no-break space is written `&nbsp;`.
///
/// Every `<` of `generated` begins a tag (text has them as `&lt;`), and
/// every `&` a reference, so none of these can match inside text.
fn as_the_sanitiser_writes(generated: &str) -> String {
    const SAME_AS: &[(&str, &str)] = &[
        ("<br />", "<br>"),
        ("<hr />", "<hr>"),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("\u{a0}", "&nbsp;"),
    ];
    let mut out = String::with_capacity(generated.len() + 16);
    let mut rest = generated;
    while let Some(at) = rest.find(['<', '&', '\u{a0}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some((from, to)) = SAME_AS.iter().find(|(from, _)| tail.starts_with(from)) {
            out.push_str(to);
            rest = &tail[from.len()..];
        } else if let Some(class) = tail.strip_prefix("<code class=\"") {
            // The language is escaped: the class ends at the next quote.
            let end = class.find('"').map_or(class.len(), |q| q + 1);
            out.push_str("<code");
            rest = &class[end..];
        } else {
            let first = tail.chars().next().map_or(1, char::len_utf8);
            out.push_str(&tail[..first]);
            rest = &tail[first..];
        }
    }
    out.push_str(rest);
    out
}

/// `html` with every opening tag of [`ELEMENT_STYLES`] given its style, in
/// one pass: what replacing each tag in turn gives, as no styled tag
/// holds a `<` after its first byte, nor begins with a tag listed after
/// it.
fn styled_elements(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 2);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        match ELEMENT_STYLES
            .iter()
            .find(|(plain, _)| tag.starts_with(plain))
        {
            Some((plain, styled)) => {
                out.push_str(styled);
                rest = &tag[plain.len()..];
            }
            None => {
                out.push('<');
                rest = &tag[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the character references HTML escaping produces, so a subject
/// can be given either as plain text or already HTML-escaped.
pub fn decode_entities(text: &str) -> String {
    // Split at ASCII `&` and `;` only (never at a byte offset), so text in
    // any script stays whole.
    let mut out = String::with_capacity(text.len());
    let mut pieces = text.split('&');
    out.push_str(pieces.next().unwrap_or_default());
    for piece in pieces {
        let decoded = piece
            .split_once(';')
            .filter(|(name, _)| name.len() < 10)
            .and_then(|(name, rest)| Some((entity(name)?, rest)));
        match decoded {
            Some((c, rest)) => {
                out.push(c);
                out.push_str(rest);
            }
            None => {
                out.push('&');
                out.push_str(piece);
            }
        }
    }
    out
}

/// The character a named or numeric reference stands for (`amp`, `#39`,
/// `#x27`).
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let code =
                if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else {
                    name.strip_prefix('#').and_then(|dec| dec.parse().ok())
                };
            code.and_then(char::from_u32)
        }
    }
}

/// System fonts that cover the locale's script (no web fonts are loaded).
fn font_stack(locale: &str) -> &'static str {
    let lower = locale.to_ascii_lowercase();
    if lower.starts_with("zh-hant") || lower.starts_with("zh-tw") || lower.starts_with("zh-hk") {
        "-apple-system,BlinkMacSystemFont,'PingFang TC','Microsoft JhengHei','Noto Sans TC','Segoe UI',Roboto,Helvetica,Arial,sans-serif"
    } else if lower.starts_with("zh") {
        "-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei','Noto Sans SC','Segoe UI',Roboto,Helvetica,Arial,sans-serif"
    } else {
        "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
    }
}

/// A complete HTML email.
///
/// `subject` and `preheader` may be plain text or already HTML-escaped (as
/// rendered with [`super::Escape::Html`]); they are normalised and escaped
/// once. `body_markdown` is the body rendered with [`super::Escape::Html`].
/// `locale` is the message's BCP 47 tag, written as the `lang` attribute.
pub fn email_html(
    subject: &str,
    preheader: Option<&str>,
    body_markdown: &str,
    locale: &str,
) -> String {
    let subject = html_text(&decode_entities(subject));
    let lang = html_attr(locale);
    let fonts = font_stack(locale);
    let body = body_html(body_markdown);
    let preheader = match preheader {
        Some(text) => format!(
            "<span style=\"display:none;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;font-size:1px;line-height:1px;color:#f4f4f5;\">{}{}</span>\n",
            html_text(&decode_entities(text)),
            // Padding so clients do not pull body text into the inbox preview.
            "&#847;&zwnj;&nbsp;".repeat(20)
        ),
        None => String::new(),
    };
    format!(
        "<!DOCTYPE html>
<html lang=\"{lang}\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<meta name=\"color-scheme\" content=\"light\">
<title>{subject}</title>
</head>
<body style=\"margin:0;padding:0;background-color:#f4f4f5;\">
{preheader}<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:100%;background-color:#f4f4f5;\">
<tr>
<td align=\"center\" style=\"padding:24px 12px;\">
<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:100%;max-width:600px;background-color:#ffffff;border-radius:8px;\">
<tr>
<td style=\"padding:32px 28px;font-family:{fonts};font-size:16px;line-height:1.6;color:#1f2937;text-align:left;\">
{body}</td>
</tr>
</table>
</td>
</tr>
</table>
</body>
</html>
"
    )
}

/// The plain-text part of an email: Markdown reduced to text, links written
/// as `text (url)`, list items as `- item` / `1. item`.
///
/// Takes the same input as [`email_html`] (the body rendered with
/// [`super::Escape::Html`]); character references are decoded, so the text
/// shows `<script>` literally, which is harmless in plain text.
pub fn email_text(body_markdown: &str) -> String {
    let parser = Parser::new_ext(body_markdown, markdown_options());
    let mut out = String::new();
    // The URL of each open link; `None` for one dropped as unsafe.
    let mut links: Vec<Option<String>> = Vec::new();
    let mut link_text_start: Vec<usize> = Vec::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    for event in parser {
        match event {
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                out.push_str(&text)
            }
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Rule => out.push_str("---\n\n"),
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                links.push(is_safe_url(&dest_url).then(|| dest_url.to_string()));
                link_text_start.push(out.len());
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                let start = link_text_start.pop().unwrap_or(out.len());
                let Some(url) = links.pop().flatten() else {
                    continue;
                };
                let text = out.get(start..).unwrap_or_default().trim();
                if text.is_empty() {
                    out.push_str(&url);
                } else if text != url {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::Start(Tag::List(first)) => lists.push(first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                let depth = lists.len().saturating_sub(1);
                out.push_str(&"  ".repeat(depth));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::End(TagEnd::Paragraph) => {
                out.push_str(if lists.is_empty() { "\n\n" } else { "\n" })
            }
            Event::End(TagEnd::Heading(_))
            | Event::End(TagEnd::CodeBlock)
            | Event::End(TagEnd::BlockQuote(_)) => out.push_str("\n\n"),
            _ => {}
        }
    }
    let mut text = out.trim_end().to_string();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass styling gives what replacing each tag in turn gives.
    #[test]
    fn styled_elements_is_each_tag_replaced_in_turn() {
        let html = "<p>a <a href=\"https://x.example\">b</a></p>\n<ol start=\"3\">\
                    <li>c</li></ol><pre><code>&lt;p&gt;</code></pre><hr>\
                    <blockquote><p>q</p></blockquote><h1>t</h1><ul><li>u</li></ul><em>x</em> 1 < 2";
        let mut in_turn = html.to_string();
        for (plain, styled) in ELEMENT_STYLES {
            in_turn = in_turn.replace(plain, styled);
        }
        assert_eq!(styled_elements(html), in_turn);
        assert_ne!(in_turn, html);
    }

    /// Pieces of Markdown that make, break, escape and nest links and
    /// images, joined at random by [`random_bodies`].
    const PIECES: &[&str] = &[
        "[a](",
        "](",
        ")",
        "![img](",
        "[",
        "]",
        "https://shop.example/a?b=1&c=2",
        "http://x.example/é 漢",
        "mailto:a@b.example",
        "tel:+420",
        "javascript:alert(1)",
        "data:x",
        "java\tscript:x",
        "'",
        "\"",
        " \"title\"",
        "&amp;",
        "&#x27;",
        "%20",
        "\n",
        "\n\n",
        "[ref]",
        "[ref]: https://r.example/'q'\n",
        "[ref]: vbscript:y\n",
        "`",
        "```\n",
        "**",
        "_",
        "> ",
        "- ",
        "1. ",
        "# ",
        "\\",
        "a@b.example",
        "{{x}}",
        "    ",
        "Ahoj, ",
        "Xin chào ",
        "您好",
        "]()",
        "[]",
        "(",
        "#top",
        "/path",
    ];

    /// `count` bodies of up to 12 of `pieces` each, joined at random from
    /// a fixed seed.
    fn random_bodies(pieces: &[&str], count: usize) -> Vec<String> {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = 1 + next() % 12;
                (0..len)
                    .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn links_of_a_body_without_raw_html_are_those_the_html_has() {
        // Every body without `<` must list the same links as the
        // sanitised HTML does.
        for body in random_bodies(PIECES, 3000) {
            assert_eq!(markdown_links(&body), html_links(&body), "{body:?}");
        }
    }

    /// What the sanitiser makes of the HTML pulldown-cmark writes for
    /// `body`, and whether the body takes the way around it.
    fn both_ways(body: &str) -> (String, String, bool) {
        let events =
            join_unspaced_lines(safe_events(Parser::new_ext(body, markdown_options())).collect());
        let around = sanitiser_keeps_all_of(body, &events);
        let mut generated = String::new();
        html::push_html(&mut generated, events.into_iter());
        (
            SANITISER.clean(&generated).to_string(),
            as_the_sanitiser_writes(&generated),
            around,
        )
    }

    #[test]
    fn a_body_the_sanitiser_keeps_whole_is_written_as_it_writes_it() {
        // The link pieces above, and the rest of what Markdown makes:
        // blocks, code with a language, numbered lists from 3, breaks,
        // rules, no-break spaces, quotes and references, nested links.
        let mut pieces = PIECES.to_vec();
        pieces.extend([
            "# Heading\n",
            "Title\n===\n",
            "**bold** ",
            "*em* ",
            "~~gone~~ ",
            "`co\u{a0}de` ",
            "```rust\nfn main() {}\n```\n",
            "~~~\nplain\n~~~\n",
            "\n    indented code\n",
            "3. third\n",
            "* star\n",
            "  - nested\n",
            "line  \nbreak",
            "back\\\nslash",
            "\n***\n",
            "\n---\n",
            "a\u{a0}b",
            "&nbsp;&copy;&quot;&lt;&gt;&#39;",
            "it's \"quoted\" ",
            "x > y & z ",
            "[t](/p 'it''s')",
            "[t](/p \"a'b\")",
            "[[in]](/x)",
            "[![img](a.png)](b.html)",
            "[bad host](http://[::1)",
            "[sp](https://x.example/a b)",
            "我們每週烘焙,\n您收到的咖啡很新鮮。",
            "Chào bạn\u{a0}Lan",
            "\t",
            "> > deep\n",
        ]);
        let bodies = random_bodies(&pieces, 4000);
        let mut around = 0;
        for body in &bodies {
            let (sanitised, written, kept_whole) = both_ways(body);
            if kept_whole {
                around += 1;
                assert_eq!(written, sanitised, "{body:?}");
            }
        }
        // Most bodies take the way around the sanitiser; one with raw HTML
        // or a link it strips does not.
        assert!(around > bodies.len() / 2, "{around} of {}", bodies.len());
        assert!(!both_ways("a <b>b</b>").2);
        assert!(!both_ways("[x](http://[::1)").2);
        assert!(!both_ways("[![i](a.png)](b.html)").2);
        assert!(both_ways("Hi [shop](https://s.example/?a=1&b='2') 3. x").2);
    }

    #[test]
    fn decodes_what_handlebars_escapes() {
        assert_eq!(
            decode_entities("&lt;b&gt; &amp; &quot;x&quot; &#x27;y&#x27; &#x3D; &#96; &bogus; &"),
            "<b> & \"x\" 'y' = ` &bogus; &"
        );
    }

    #[test]
    fn references_next_to_any_script_decode_without_splitting_characters() {
        assert_eq!(decode_entities("é&amp;漢&#x27;ő&;&é;x"), "é&漢'ő&;&é;x");
        assert_eq!(decode_entities("&漢字漢字漢字漢字;"), "&漢字漢字漢字漢字;");
    }

    #[test]
    fn a_wrapped_chinese_sentence_gets_no_space_but_latin_text_does() {
        let html = body_html("我們每週烘焙,\n您收到的咖啡很新鮮。\nWe roast\nweekly.");
        assert!(html.contains("烘焙,您收到"), "{html}");
        assert!(
            html.contains("新鮮。\nWe") || html.contains("新鮮。 We"),
            "{html}"
        );
        assert!(html.contains("roast\nweekly"), "{html}");
    }

    #[test]
    fn raw_html_in_markdown_is_sanitised() {
        let html = body_html(
            "Hi <script>alert(1)</script> <b onclick=\"x()\">bold</b> <img src=x onerror=alert(1)> \
             <a href=\"javascript:alert(1)\">a</a> <a href=\"https://ok.example\">ok</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("alert"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("<b>bold</b>"), "{html}");
        assert!(html.contains("href=\"https://ok.example\""), "{html}");
        // The sanitiser removes an unsafe raw `href` before anyone sees it.
        assert_eq!(
            body_links("<a href=\"javascript:x\">a</a> [b](https://b.example)"),
            [("https://b.example".to_string(), true)]
        );
    }

    #[test]
    fn links_and_images_with_unsafe_schemes_become_text() {
        let html = body_html(
            "[a](javascript:alert(1)) ![b](data:text/html,x) [c](JaVaScRiPt:x) [ok](https://x.example) [rel](/help)",
        );
        assert!(!html.to_ascii_lowercase().contains("script:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains(">a b c <a "), "{html}");
        assert!(html.contains("href=\"https://x.example\""), "{html}");
        assert!(html.contains("href=\"/help\""), "{html}");
        assert_eq!(
            body_links("[a](javascript:x) [b](mailto:a@b.example)"),
            [
                ("mailto:a@b.example".to_string(), true),
                ("javascript:x".to_string(), false)
            ]
        );
    }

    #[test]
    fn images_become_links() {
        let html = body_html("![logo](https://cdn.example.com/logo.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("href=\"https://cdn.example.com/logo.png\""),
            "{html}"
        );
    }

    #[test]
    fn text_part_writes_links_with_urls() {
        let text =
            email_text("Hi,\n\n[Create a project](https://app.example/new)\n\n- one\n- two\n");
        assert_eq!(
            text,
            "Hi,\n\nCreate a project (https://app.example/new)\n\n- one\n- two\n"
        );
    }
}
