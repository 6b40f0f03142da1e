//! The one way the compiler fingerprints what a derived item is made from
//! (the driver's memo keys, the checker's reuse of message results, the
//! build's manifest): SHA-256 over length-prefixed parts, so `("ab", "c")`
//! and `("a", "bc")` never give the same key.

use sha2::{Digest as _, Sha256};

/// A SHA-256 fingerprint.
pub type Digest = [u8; 32];

/// Feeds parts into one [`Digest`].
#[derive(Clone, Default)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Adds one part, prefixed with its length.
    pub fn part(&mut self, bytes: &[u8]) -> &mut Hasher {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// Adds one text part.
    pub fn text(&mut self, text: &str) -> &mut Hasher {
        self.part(text.as_bytes())
    }

    pub fn finish(&self) -> Digest {
        self.0.clone().finalize().into()
    }
}

/// The digest of one byte string.
pub fn of(bytes: &[u8]) -> Digest {
    Hasher::new().part(bytes).finish()
}

/// Lowercase hex of a digest's bytes (the manifest, plan hashes).
pub fn hex(digest: &[u8]) -> String {
    // A `format!` per byte was a string allocated per byte: with a digest
    // for each of 15,000 outputs, hundreds of thousands of them.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(digest.len() * 2);
    for byte in digest {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited() {
        let ab_c = Hasher::new().text("ab").text("c").finish();
        let a_bc = Hasher::new().text("a").text("bc").finish();
        assert_ne!(ab_c, a_bc);
        assert_eq!(of(b"x"), of(b"x"));
        assert_eq!(hex(&of(b"x")).len(), 64);
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}
