//! SMS encodings and segment counts (GSM 03.38 / UCS-2), as carriers bill
//! them.

/// How an SMS is encoded on the air.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsEncoding {
    /// GSM 03.38 7-bit: 160 characters, 153 per segment when split.
    Gsm7,
    /// UCS-2: 70 characters, 67 per segment when split.
    Ucs2,
}

impl SmsEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            SmsEncoding::Gsm7 => "GSM-7",
            SmsEncoding::Ucs2 => "UCS-2",
        }
    }
}

/// The GSM 03.38 basic character set.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table: each costs two septets.
const GSM_EXTENSION: &str = "^{}\\[~]|€\u{0C}";

/// The encoding, length in encoding units, and segment count of an SMS.
pub fn sms_segments(text: &str) -> (SmsEncoding, usize, usize) {
    let mut gsm_units: usize = 0;
    let mut gsm = true;
    for c in text.chars() {
        if GSM_BASIC.contains(c) {
            gsm_units += 1;
        } else if GSM_EXTENSION.contains(c) {
            gsm_units += 2;
        } else {
            gsm = false;
            break;
        }
    }
    if gsm {
        let segments = if gsm_units <= 160 {
            1
        } else {
            gsm_units.div_ceil(153)
        };
        return (SmsEncoding::Gsm7, gsm_units, segments);
    }
    let units: usize = text.chars().map(|c| c.len_utf16()).sum();
    let segments = if units <= 70 { 1 } else { units.div_ceil(67) };
    (SmsEncoding::Ucs2, units, segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_and_ucs2_segments() {
        assert_eq!(sms_segments(&"a".repeat(160)), (SmsEncoding::Gsm7, 160, 1));
        assert_eq!(sms_segments(&"a".repeat(161)), (SmsEncoding::Gsm7, 161, 2));
        // Extension characters count twice.
        assert_eq!(sms_segments(&"€".repeat(80)), (SmsEncoding::Gsm7, 160, 1));
        assert_eq!(sms_segments(&"€".repeat(81)).2, 2);
        // Vietnamese needs UCS-2.
        assert_eq!(sms_segments("Giỏ hàng").0, SmsEncoding::Ucs2);
        assert_eq!(sms_segments(&"ả".repeat(71)), (SmsEncoding::Ucs2, 71, 2));
        // Outside the BMP: two units.
        assert_eq!(sms_segments("😀").1, 2);
    }
}
