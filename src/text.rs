//! Safe handling of user text: byte offsets that always land on character
//! boundaries, control characters escaped before text reaches a terminal,
//! and the invisible characters (bidi controls, zero-width spaces) that can
//! make text read differently from what it is ("Trojan Source").
//!
//! Every stage that cuts user text at a byte offset it computed itself uses
//! these helpers instead of `&s[a..b]`, so that a multi-byte character
//! (`é`, `。`, `ạ`, an emoji) can never make the compiler panic.

use std::borrow::Cow;

/// The largest character boundary of `s` at or before `i` (`s.len()` when
/// `i` is past the end).
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest character boundary of `s` at or after `i` (`s.len()` when
/// `i` is past the end).
pub fn ceil_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The boundary just after the character that starts at or contains byte
/// `i`; `s.len()` at or past the end.
pub fn next_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let start = floor_char_boundary(s, i);
    s[start..]
        .chars()
        .next()
        .map_or(s.len(), |c| start + c.len_utf8())
}

/// `s[start..end]` widened to the characters it touches (the start moves
/// back and the end forward to a boundary), clamped to `s`; empty when
/// `end <= start`. Never panics.
pub fn slice_at_boundaries(s: &str, start: usize, end: usize) -> &str {
    let start = floor_char_boundary(s, start);
    let end = ceil_char_boundary(s, end);
    if end <= start {
        return "";
    }
    &s[start..end]
}

/// The text of `s` from byte `start` (moved back to a boundary) to its end.
pub fn tail(s: &str, start: usize) -> &str {
    &s[floor_char_boundary(s, start)..]
}

/// The text of `s` up to byte `end` (moved forward to a boundary).
pub fn head(s: &str, end: usize) -> &str {
    &s[..ceil_char_boundary(s, end)]
}

/// Whether `c` must not reach a terminal as it is: C0 controls other than
/// line break and tab, DEL, and the C1 controls (U+0080–U+009F, which some
/// terminals read as escape sequences).
pub fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || invisible_name(c).is_some()
}

/// `s` with every control character and every invisible character of
/// [`invisible_name`] written as a Rust-style escape (`\u{1b}`,
/// `\u{202e}`), so that printing user text cannot move the cursor, clear
/// the screen, retitle the window or reorder what is shown. Line breaks and
/// tabs are kept. Every place that prints user text to a terminal (human
/// and GitHub diagnostics, simulator timelines, test and fmt messages)
/// goes through this one function.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    replace_unsafe(s, |c| format!("\\u{{{:x}}}", c as u32))
}

/// Serialized JSON with DEL, the C1 controls and the invisible characters
/// of [`invisible_name`] written as `\u` escapes. serde_json already
/// escapes C0 controls; these others are valid raw in JSON, but a terminal
/// that shows the output would act on them. Those characters can only
/// occur inside JSON strings, where the escape means the same character,
/// so the document still decodes to the same values.
pub fn escape_json_controls(json: &str) -> Cow<'_, str> {
    // All of them are in the Basic Multilingual Plane.
    replace_unsafe(json, |c| format!("\\u{:04x}", c as u32))
}

/// `s` with every character [`is_unsafe_control`] holds for replaced by
/// `escape(c)`; borrowed when there is none.
fn replace_unsafe(s: &str, escape: impl Fn(char) -> String) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_control(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The Unicode name of an invisible character that can make text display
/// differently from what it is: the bidirectional embedding, override and
/// isolate controls (the "Trojan Source" characters), the left-to-right
/// and right-to-left marks, the zero-width space, the word joiner and a
/// byte order mark inside text. `None` for every other character.
///
/// The zero-width non-joiner (U+200C) and joiner (U+200D) are not listed:
/// Persian, Hindi and other scripts need them between letters, and emoji
/// sequences (👩‍💻) are built with them.
pub fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
        _ => return None,
    })
}

/// `U+202E RIGHT-TO-LEFT OVERRIDE` for an invisible character.
pub fn describe_invisible(c: char) -> Option<String> {
    invisible_name(c).map(|name| format!("U+{:04X} {name}", c as u32))
}

/// Every invisible character of `s` (see [`invisible_name`]) with its
/// byte offset.
///
/// Each of them is encoded in UTF-8 with the lead byte `E2` (U+2000 to
/// U+2FFF) or `EF` (U+F000 to U+FFFF), so only the characters at those
/// bytes are looked at: previews scan every page they write, megabytes
/// in a large project. A lead byte is never inside another character's
/// encoding, so each offset found is a character boundary.
pub fn invisible_chars(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    memchr::memchr2_iter(0xE2, 0xEF, s.as_bytes()).filter_map(move |at| {
        let c = s[at..].chars().next()?;
        invisible_name(c).map(|_| (at, c))
    })
}

/// `s` with every invisible character of [`invisible_name`] replaced by a
/// visible marker such as `<U+202E>`, for previews (Markdown pages, and
/// text that is HTML-escaped afterwards): a reviewer sees that the text
/// holds a character that reorders or hides what follows.
pub fn reveal_invisible(s: &str) -> Cow<'_, str> {
    reveal_with(s, "<", ">")
}

/// [`reveal_invisible`] for a finished HTML document: the marker is
/// written `&lt;U+202E&gt;` so that it shows as `<U+202E>`.
pub fn reveal_invisible_html(s: &str) -> Cow<'_, str> {
    reveal_with(s, "&lt;", "&gt;")
}

/// [`reveal_invisible`] of a text the caller owns: the same string back,
/// not a copy, when it has no invisible character.
pub fn reveal_invisible_owned(s: String) -> String {
    match reveal_invisible(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(revealed) => revealed,
    }
}

fn reveal_with<'a>(s: &'a str, open: &str, close: &str) -> Cow<'a, str> {
    let mut found = invisible_chars(s).peekable();
    if found.peek().is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut from = 0;
    for (at, c) in found {
        out.push_str(&s[from..at]);
        out.push_str(&format!("{open}U+{:04X}{close}", c as u32));
        from = at + c.len_utf8();
    }
    out.push_str(&s[from..]);
    Cow::Owned(out)
}

/// A count for people, its digits grouped by thousands: `12,403`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_never_split_a_character() {
        let s = "aé。😀";
        for i in 0..=s.len() + 2 {
            let f = floor_char_boundary(s, i);
            let c = ceil_char_boundary(s, i);
            let n = next_char_boundary(s, i);
            assert!(s.is_char_boundary(f) && f <= i.min(s.len()));
            assert!(s.is_char_boundary(c) && c >= i.min(s.len()));
            assert!(s.is_char_boundary(n) && (n > i || n == s.len()));
            for j in 0..=s.len() + 2 {
                let _ = slice_at_boundaries(s, i, j);
            }
            let _ = (tail(s, i), head(s, i));
        }
        assert_eq!(slice_at_boundaries(s, 2, 3), "é");
        assert_eq!(next_char_boundary(s, 1), 3);
    }

    #[test]
    fn controls_are_escaped_and_text_kept() {
        assert_eq!(escape_control("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_control("x\u{7f}\u{9b}y"), "x\\u{7f}\\u{9b}y");
        assert_eq!(escape_control("a\u{202e}b"), "a\\u{202e}b");
        assert!(matches!(escape_control("Chào\n\tbạn"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_values_with_controls_escaped() {
        let value = "a\u{7f}\u{9b}\u{202e}\u{1b}b";
        let json = serde_json::to_string(value).unwrap();
        let escaped = escape_json_controls(&json);
        assert!(!escaped.chars().any(is_unsafe_control), "{escaped}");
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn invisible_characters_are_named_and_revealed() {
        assert_eq!(
            describe_invisible('\u{202E}').as_deref(),
            Some("U+202E RIGHT-TO-LEFT OVERRIDE")
        );
        assert_eq!(invisible_name('\u{200D}'), None);
        assert_eq!(reveal_invisible("a\u{200B}b"), "a<U+200B>b");
        assert_eq!(reveal_invisible_html("a\u{202E}b"), "a&lt;U+202E&gt;b");
        assert!(matches!(reveal_invisible("👩‍💻"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_invisible_character_is_found_among_other_text() {
        // The scan looks only at the lead bytes E2 and EF: every named
        // character must start with one of them.
        let named: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| invisible_name(*c).is_some())
            .collect();
        assert_eq!(named.len(), 14);
        let mut text = String::new();
        let mut expected = Vec::new();
        for (i, c) in named.iter().enumerate() {
            // Neighbours with the same lead bytes, and other scripts.
            text.push_str(["–…’", "Chào bạn", "歡迎回來", "\u{FFFD}ﬁ"][i % 4]);
            expected.push((text.len(), *c));
            text.push(*c);
        }
        assert_eq!(invisible_chars(&text).collect::<Vec<_>>(), expected);
        let revealed = reveal_invisible_owned(text.clone());
        assert!(invisible_chars(&revealed).next().is_none());
        assert_eq!(revealed.matches("<U+").count(), 14);
        assert_eq!(
            revealed,
            text.chars()
                .map(|c| match invisible_name(c) {
                    Some(_) => format!("<U+{:04X}>", c as u32),
                    None => c.to_string(),
                })
                .collect::<String>()
        );
        let plain = "Chào bạn – 歡迎回來".to_string();
        let address = plain.as_ptr();
        let same = reveal_invisible_owned(plain);
        assert_eq!(same.as_ptr(), address);
    }
}
