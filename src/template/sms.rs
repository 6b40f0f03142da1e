//! SMS length: which encoding a text needs and how many segments it costs.
//!
//! GSM-7 (3GPP TS 23.038, "GSM 03.38") is used when every character is in
//! the basic set or the extension table (extension characters cost two
//! septets: an escape plus the character); otherwise the whole message is
//! UCS-2, counted in UTF-16 code units (a character outside the BMP, such as
//! most emoji, costs two). One segment holds 160 GSM-7 units or 70 UCS-2
//! units; a longer message is split into parts of 153 or 67 (the rest is the
//! concatenation header).

/// The character set a message is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEncoding {
    /// 7-bit GSM default alphabet (basic set + extension table).
    Gsm7,
    /// 16-bit UCS-2 (UTF-16 on modern networks).
    Ucs2,
}

/// The cost of one SMS text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsCount {
    /// Encoding the whole text needs.
    pub encoding: SmsEncoding,
    /// Length in encoding units (GSM-7 septets or UTF-16 code units).
    pub units: usize,
    /// Number of segments the network bills (at least 1).
    pub segments: usize,
}

/// GSM 03.38 basic character set (the 128 code points, `\u{1b}` escape excluded).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// GSM 03.38 extension table: each costs two septets.
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

fn gsm7_units(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Counts the encoding, units and segments of `text` (already rendered: the
/// checker substitutes sample values for every `{{…}}` first).
pub fn sms_segments(text: &str) -> SmsCount {
    let gsm: Option<usize> = text.chars().map(gsm7_units).sum();
    let (encoding, units, single, part) = match gsm {
        Some(units) => (SmsEncoding::Gsm7, units, 160, 153),
        None => (SmsEncoding::Ucs2, text.encode_utf16().count(), 70, 67),
    };
    let segments = if units <= single {
        1
    } else {
        units.div_ceil(part)
    };
    SmsCount {
        encoding,
        units,
        segments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_set_has_128_characters_without_escape() {
        assert_eq!(GSM7_BASIC.chars().count(), 127);
        assert_eq!(GSM7_EXTENSION.chars().count(), 10);
    }

    #[test]
    fn euro_sign_costs_two_septets() {
        let count = sms_segments("€5");
        assert_eq!((count.encoding, count.units), (SmsEncoding::Gsm7, 3));
    }

    #[test]
    fn a_cedilla_lowercase_is_not_gsm() {
        // Only the capital Ç is in the basic set.
        assert_eq!(sms_segments("ç").encoding, SmsEncoding::Ucs2);
    }
}
