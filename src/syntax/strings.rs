//! Decoding string literals: escapes in `"…"` strings, indentation removal
//! in `"""…"""` block strings, and the offset map that lets a later stage
//! point at the exact source byte of any decoded character.
//!
//! Template tags `{{ … }}` are copied verbatim (no escape processing inside
//! them) because the grammar takes them whole; the template checker parses
//! them later and reports errors through [`StrLit::sub_span`].

use crate::diagnostics::codes::syntax as codes;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::ast::StrLit;

/// Builds the decoded text together with its run-length offset map.
struct Decoded {
    value: String,
    offsets: Vec<(u32, u32)>,
    /// Source offset the next pushed byte would map to if it continues the
    /// current run; `None` right after a discontinuity.
    expected_source: Option<usize>,
}

impl Decoded {
    fn new(capacity: usize) -> Decoded {
        Decoded {
            value: String::with_capacity(capacity),
            offsets: Vec::new(),
            expected_source: None,
        }
    }

    /// Appends `text`, which comes from source offset `source`; consecutive
    /// pushes from consecutive source bytes share one run.
    fn push_str(&mut self, text: &str, source: usize) {
        if text.is_empty() {
            return;
        }
        if self.expected_source != Some(source) {
            self.offsets.push((self.value.len() as u32, source as u32));
        }
        self.value.push_str(text);
        self.expected_source = Some(source + text.len());
    }

    /// Appends a character produced by an escape sequence written at
    /// `source`; it maps to the backslash and breaks the run.
    fn push_escaped(&mut self, ch: char, source: usize) {
        self.offsets.push((self.value.len() as u32, source as u32));
        self.value.push(ch);
        self.expected_source = None;
    }
}

/// Decodes the literal covering `text[start..end]` (quotes included), which
/// the grammar has already matched as a string. `text` is the whole file so
/// that offsets are absolute. Bad escapes become diagnostics.
pub fn decode_string(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
) -> Result<StrLit, Box<Diagnostic>> {
    let raw = &text[start..end];
    let span = Span::new(file, start, end);
    if raw.starts_with("\"\"\"") && raw.len() >= 6 {
        let decoded = decode_block(start + 3, &text[start + 3..end - 3]);
        return Ok(StrLit {
            value: decoded.value,
            span,
            offsets: decoded.offsets,
            block: true,
        });
    }
    let decoded = decode_line(file, start + 1, &text[start + 1..end - 1])?;
    Ok(StrLit {
        value: decoded.value,
        span,
        offsets: decoded.offsets,
        block: false,
    })
}

/// `"…"`: escapes `\" \\ \n \t \u{…}`; template tags copied whole.
fn decode_line(file: FileId, base: usize, body: &str) -> Result<Decoded, Box<Diagnostic>> {
    let mut out = Decoded::new(body.len());
    let bytes = body.as_bytes();
    let mut i = 0;
    let mut plain_start = 0;
    // The end of the line `i` is on, found once per line; after a `{{`
    // without a `}}` on its line, later ones on that line have none either.
    let mut line_end = 0;
    let mut no_more_closes = false;
    while i < bytes.len() {
        if bytes[i] == b'{' && bytes.get(i + 1) == Some(&b'{') {
            if i >= line_end {
                line_end = body[i..].find('\n').map_or(body.len(), |p| i + p);
                no_more_closes = false;
            }
            // A whole tag (same rule as the grammar): up to `}}` on this line.
            let close = if no_more_closes {
                None
            } else {
                body[i + 2..line_end].find("}}")
            };
            match close {
                Some(p) => i += p + 4,
                None => {
                    no_more_closes = true;
                    i += 2;
                }
            }
            continue;
        }
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&body[plain_start..i], base + plain_start);
        let (ch, len) = decode_escape(file, base + i, &body[i..])?;
        out.push_escaped(ch, base + i);
        i += len;
        plain_start = i;
    }
    out.push_str(&body[plain_start..], base + plain_start);
    if out.offsets.is_empty() {
        out.offsets.push((0, base as u32));
    }
    Ok(out)
}

/// Decodes one escape at the start of `s` (which starts with `\`); returns
/// the character and the number of source bytes it used.
fn decode_escape(file: FileId, at: usize, s: &str) -> Result<(char, usize), Box<Diagnostic>> {
    let next = s[1..].chars().next();
    match next {
        Some('"') => Ok(('"', 2)),
        Some('\\') => Ok(('\\', 2)),
        Some('n') => Ok(('\n', 2)),
        Some('t') => Ok(('\t', 2)),
        Some('u') => decode_unicode_escape(file, at, s),
        Some(other) => Err(Box::new(
            Diagnostic::error(
                codes::BAD_ESCAPE,
                format!("unknown escape `\\{other}` in a string"),
                Span::new(file, at, at + 1 + other.len_utf8()),
            )
            .with_primary_label("not an escape")
            .with_help(
                "the escapes are \\\" \\\\ \\n \\t and \\u{1F600}; write \\\\ for a backslash",
            ),
        )),
        None => Err(Box::new(
            Diagnostic::error(
                codes::BAD_ESCAPE,
                "a backslash ends the string",
                Span::new(file, at, at + 1),
            )
            .with_help("write \\\\ for a backslash"),
        )),
    }
}

/// `\u{1F600}`: one to six hex digits naming a Unicode scalar value.
fn decode_unicode_escape(
    file: FileId,
    at: usize,
    s: &str,
) -> Result<(char, usize), Box<Diagnostic>> {
    let bad = |len: usize, message: String| {
        Box::new(
            Diagnostic::error(codes::BAD_ESCAPE, message, Span::new(file, at, at + len))
                .with_primary_label("bad unicode escape")
                .with_help("write a code point as \\u{1F600}: one to six hex digits in braces"),
        )
    };
    if !s[2..].starts_with('{') {
        return Err(bad(2, "`\\u` must be followed by `{hex digits}`".into()));
    }
    let Some(close) = s[3..].find('}') else {
        return Err(bad(3, "unclosed `\\u{` escape".into()));
    };
    let digits = &s[3..3 + close];
    let len = 3 + close + 1;
    if digits.is_empty() || digits.len() > 6 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad(
            len,
            format!("`\\u{{{digits}}}` is not one to six hex digits"),
        ));
    }
    let code = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
    match char::from_u32(code) {
        Some(ch) => Ok((ch, len)),
        None => Err(bad(
            len,
            format!("`\\u{{{digits}}}` is not a Unicode scalar value"),
        )),
    }
}

/// `"""…"""`: the first and last line breaks and the common leading
/// indentation are removed; everything else is kept verbatim (no escapes,
/// so Markdown backslashes survive).
fn decode_block(base: usize, body: &str) -> Decoded {
    let mut out = Decoded::new(body.len());
    // Drop the first line break (and spaces before it) after the opening quotes.
    let mut content_start = 0;
    let first_line_end = body.find('\n');
    if let Some(nl) = first_line_end {
        if body[..nl].trim_end_matches('\r').trim().is_empty() {
            content_start = nl + 1;
        }
    }
    // Drop the last line break (and the indentation before the closing quotes).
    let mut content_end = body.len();
    if let Some(nl) = body.rfind('\n') {
        if nl + 1 >= content_start && body[nl + 1..].trim().is_empty() {
            content_end = nl.max(content_start);
            if content_end > content_start && body.as_bytes()[content_end - 1] == b'\r' {
                content_end -= 1;
            }
        }
    }
    if content_end < content_start {
        content_end = content_start;
    }
    let content = &body[content_start..content_end];
    let indent = common_indent(content);
    let mut offset = content_start;
    let mut first = true;
    for line in content.split('\n') {
        if !first {
            // The line break between lines, mapped to itself.
            out.push_str("\n", base + offset - 1);
        }
        first = false;
        let strip = if line.trim().is_empty() {
            line.len()
        } else {
            indent.min(line.len())
        };
        let kept = &line[strip..];
        out.push_str(kept, base + offset + strip);
        offset += line.len() + 1;
    }
    if out.offsets.is_empty() {
        out.offsets.push((0, (base + content_start) as u32));
    }
    out
}

/// The number of leading space/tab bytes shared by every non-blank line.
fn common_indent(content: &str) -> usize {
    content
        .split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(src: &str) -> StrLit {
        decode_string(FileId(0), src, 0, src.len()).expect("decodes")
    }

    /// Every decoded byte that is not from an escape maps to a source byte
    /// holding the same character.
    fn assert_maps_back(src: &str, s: &StrLit, needle: &str) {
        let at = s.value.find(needle).expect("needle in value");
        let src_at = s.source_offset(at);
        assert_eq!(&src[src_at..src_at + needle.len()], needle, "{s:?}");
    }

    #[test]
    fn plain_string_maps_one_to_one() {
        let s = lit("\"hello world\"");
        assert_eq!(s.value, "hello world");
        assert_eq!(s.source_offset(0), 1);
        assert_eq!(s.source_offset(6), 7);
    }

    #[test]
    fn escapes_are_decoded_and_offsets_skip_them() {
        let src = r#""a\"b\\c\nd\te\u{1F600}f""#;
        let s = lit(src);
        assert_eq!(s.value, "a\"b\\c\nd\te\u{1F600}f");
        assert_maps_back(src, &s, "b");
        assert_maps_back(src, &s, "c");
        assert_maps_back(src, &s, "f");
        // The emoji maps to its backslash.
        let emoji = s.value.find('\u{1F600}').unwrap();
        assert_eq!(&src[s.source_offset(emoji)..][..3], "\\u{");
        // The quote produced by \" maps to its backslash.
        assert_eq!(s.source_offset(1), 2);
    }

    #[test]
    fn template_tags_are_taken_whole() {
        let src = r#""Hi {{default customer.first_name "the\re"}}!""#;
        let s = lit(src);
        assert_eq!(s.value, r#"Hi {{default customer.first_name "the\re"}}!"#);
        assert_maps_back(src, &s, "!");
    }

    #[test]
    fn unknown_escape_is_reported_at_the_backslash() {
        let src = r#""ab\qc""#;
        let err = decode_string(FileId(0), src, 0, src.len()).unwrap_err();
        assert_eq!(err.code, codes::BAD_ESCAPE);
        assert_eq!(err.span.range(), 3..5);
    }

    #[test]
    fn bad_unicode_escapes_are_reported() {
        for src in [
            r#""\u{110000}""#,
            r#""\u{D800}""#,
            r#""\u{}""#,
            r#""\u12""#,
            r#""\u{zz}""#,
            r#""\u{1F600""#,
        ] {
            let err = decode_string(FileId(0), src, 0, src.len()).unwrap_err();
            assert_eq!(err.code, codes::BAD_ESCAPE, "{src}");
            assert_eq!(err.span.start, 1, "{src}");
        }
    }

    #[test]
    fn block_string_removes_indentation_and_outer_line_breaks() {
        let src = "\"\"\"\n      Hi {{x}},\n\n        indented\n      end\n      \"\"\"";
        let s = lit(src);
        assert!(s.block);
        assert_eq!(s.value, "Hi {{x}},\n\n  indented\nend");
        assert_maps_back(src, &s, "Hi");
        assert_maps_back(src, &s, "  indented");
        assert_maps_back(src, &s, "end");
        // Offsets map back even after the blank line.
        let at = s.value.find("indented").unwrap();
        assert_eq!(&src[s.source_offset(at)..][..8], "indented");
    }

    #[test]
    fn block_string_keeps_backslashes() {
        let s = lit("\"\"\"\n  a\\_b\n  \"\"\"");
        assert_eq!(s.value, "a\\_b");
    }

    #[test]
    fn block_string_on_one_line() {
        let s = lit("\"\"\"one line\"\"\"");
        assert_eq!(s.value, "one line");
        assert_eq!(s.source_offset(0), 3);
    }

    #[test]
    fn empty_strings() {
        assert_eq!(lit("\"\"").value, "");
        assert_eq!(lit("\"\"\"\"\"\"").value, "");
        assert_eq!(lit("\"\"\"\n\"\"\"").value, "");
    }

    #[test]
    fn sub_span_covers_a_tag() {
        let src = "\"Hi {{x}}\"";
        let s = lit(src);
        let start = s.value.find("{{").unwrap();
        let span = s.sub_span(start, start + 5);
        assert_eq!(&src[span.range()], "{{x}}");
    }
}
