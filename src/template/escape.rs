//! The escaping functions of the text the build writes: one per target,
//! so every page escapes user text the same way.
//!
//! - [`html_text`]: element content of an HTML page (`index.html`, the
//!   email files) and text of the Markdown previews, where GitHub would
//!   otherwise render `<img onerror=…>` as markup;
//! - [`html_attr`]: a quoted HTML attribute value;
//! - [`rendered_text`]: text that a template rendered with HTML escaping
//!   (values escaped, literal text not, `{{{…}}}` not), made text for a
//!   Markdown or HTML page as a whole.

/// `&`, `<` and `>` as character references.
pub fn html_text(text: &str) -> String {
    escape(text, false)
}

/// [`html_text`] plus both quotes, for a value inside `"…"` or `'…'`.
pub fn html_attr(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, quotes: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Text rendered with [`super::Escape::Html`], where only some parts were
/// escaped, as plain text escaped once: references are decoded, then
/// everything is escaped with [`html_text`].
pub fn rendered_text(text: &str) -> String {
    html_text(&super::email::decode_entities(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_mix_of_escaped_and_raw_markup_becomes_text_once() {
        assert_eq!(
            rendered_text("Hi &lt;b&gt; <img src=x onerror=alert(1)> &amp; é"),
            "Hi &lt;b&gt; &lt;img src=x onerror=alert(1)&gt; &amp; é"
        );
        assert_eq!(html_attr("a\"b'<"), "a&quot;b&#39;&lt;");
    }
}
