//! Classifying every byte of a `.camp` file as code, string or comment,
//! with the same string rules as the grammar (`grammar/campaign.pest`):
//! `"""…"""` block strings, `"…"` line strings with `\` escapes, and
//! `{{ … }}` template tags taken whole inside line strings (quotes inside a
//! tag do not end the string; a `{{` with no `}}` on its line is plain
//! text). The formatter only rewrites code bytes; everything else moves as
//! written.

/// What a byte of the source belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Punctuation, words, literals other than strings, blanks between them.
    Code,
    /// Part of a string literal, quotes included.
    Str,
    /// Part of a `//` comment (doc comments included), up to the line break.
    Comment,
}

/// The class of every byte of `text` (line breaks outside strings are
/// [`Class::Code`]).
pub fn classify(text: &str) -> Vec<Class> {
    let bytes = text.as_bytes();
    let mut classes = vec![Class::Code; bytes.len()];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = line_end(bytes, i);
                classes[i..end].fill(Class::Comment);
                i = end;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                let end = find(bytes, i + 3, b"\"\"\"").map_or(bytes.len(), |at| at + 3);
                classes[i..end].fill(Class::Str);
                i = end;
            }
            b'"' => {
                let end = line_string_end(bytes, i);
                classes[i..end].fill(Class::Str);
                i = end;
            }
            _ => i += 1,
        }
    }
    classes
}

/// The end (exclusive) of the line string whose opening quote is at
/// `start`. An unterminated string ends at the line break, which the
/// parser reports; the formatter never writes such a file.
fn line_string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    // Found once per string (it ends on its line); after a `{{` without a
    // `}}`, no later `{{` on the line has one either: linear time.
    let mut eol: Option<usize> = None;
    let mut no_more_closes = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\n' => return i,
            b'\\' if bytes.get(i + 1).is_some_and(|&b| b != b'\n') => {
                // The escaped character may be several bytes long; skipping
                // one byte is enough because continuation bytes are never
                // quotes, backslashes or braces.
                i += 2;
            }
            b'{' if bytes.get(i + 1) == Some(&b'{') && !no_more_closes => {
                let eol = *eol.get_or_insert_with(|| line_end(bytes, i));
                match find(&bytes[..eol], i + 2, b"}}") {
                    Some(close) => i = close + 2,
                    None => {
                        no_more_closes = true;
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > bytes.len() {
        return None;
    }
    bytes[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes_of(text: &str) -> String {
        classify(text)
            .iter()
            .map(|c| match c {
                Class::Code => 'c',
                Class::Str => 's',
                Class::Comment => '/',
            })
            .collect()
    }

    #[test]
    fn comments_strings_and_code() {
        assert_eq!(classes_of(r#"a "b" // c"#), "ccsssc////");
    }

    #[test]
    fn tags_are_taken_whole_and_escapes_skip_quotes() {
        assert_eq!(classes_of(r#""{{x "y"}}" a"#), "ssssssssssscc");
        assert_eq!(classes_of(r#""\"" a"#), "sssscc");
    }

    #[test]
    fn an_unclosed_tag_is_plain_text() {
        assert_eq!(classes_of("\"{{\" a"), "sssscc");
    }

    #[test]
    fn block_strings_span_lines_and_hide_comment_markers() {
        assert_eq!(classes_of("\"\"\"\n// x\n\"\"\" y"), "sssssssssssscc");
    }
}
