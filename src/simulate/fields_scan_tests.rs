//! The string scan of [`super::fields_scan::string_body`], eight bytes at
//! a time, against the plain byte-by-byte definition.

use super::fields_scan::{same_name, string_body};

/// The definition, one byte after the other: the text up to the first
/// quote that is not escaped; `None` at a control character, at an
/// escape JSON does not have (or `\u`, left to serde), or without a
/// closing quote.
fn one_byte_at_a_time(text: &str) -> Option<(&str, bool, usize)> {
    let mut bytes = text.bytes().enumerate();
    let mut escaped = false;
    while let Some((i, c)) = bytes.next() {
        if c == b'"' {
            return Some((&text[..i], escaped, i + 1));
        }
        if c < 0x20 {
            return None;
        }
        if c == b'\\' {
            let (_, next) = bytes.next()?;
            if !b"\"\\/bfnrt".contains(&next) {
                return None;
            }
            escaped = true;
        }
    }
    None
}

#[test]
fn string_body_reads_as_one_byte_at_a_time() {
    // Pieces that matter to the scan, mixed at random: quotes, escapes
    // good and bad, control characters, bytes just around the limits
    // (0x1f, 0x20, 0x7f), and characters of two to four bytes.
    let pieces = [
        "a",
        "Z",
        " ",
        "~",
        "\"",
        "\\\\",
        "\\\"",
        "\\n",
        "\\u0041",
        "\\x",
        "\u{1f}",
        "\u{0}",
        "\t",
        "\u{7f}",
        "é",
        "Đ",
        "漢",
        "😀",
        "12345678",
        "ORD-384319",
        "https://shop.example.com/",
    ];
    let mut rng = fastrand::Rng::with_seed(8);
    let mut compared = 0;
    for _ in 0..20_000 {
        let len = rng.usize(0..24);
        let text: String = (0..len)
            .map(|_| pieces[rng.usize(0..pieces.len())])
            .collect();
        assert_eq!(string_body(&text), one_byte_at_a_time(&text), "{text:?}");
        compared += 1;
    }
    assert_eq!(compared, 20_000);
    // Each special byte at each place of an eight-byte word.
    for special in ["\"", "\\\"", "\\q", "\u{1}", "\u{1f}"] {
        for before in 0..20 {
            let text = format!("{}{special}tail\"", "x".repeat(before));
            assert_eq!(string_body(&text), one_byte_at_a_time(&text), "{text:?}");
        }
    }
}

#[test]
fn same_name_is_equality() {
    let names = [
        "",
        "a",
        "b",
        "ab",
        "ba",
        "total",
        "totals",
        "item_count",
        "item_cound",
        "cart_url",
        "cart_urk",
        "order_placed",
        "order_placee",
        "xrder_placed",
        "app_opened",
        "app_openee",
        "sixteen_bytes_ab",
        "sixteen_bytes_ac",
        "seventeen_bytes_a",
        "seventeen_bytes_b",
        "seventeen_bytez_a",
        "é",
        "e\u{301}",
    ];
    for a in names {
        for b in names {
            assert_eq!(same_name(a, b), a == b, "{a:?} {b:?}");
        }
    }
}
