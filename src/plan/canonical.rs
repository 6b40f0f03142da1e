//! Canonical JSON and the digests built on it (`hash`, `content_hash`).
//!
//! Canonical form: object keys sorted by their UTF-8 bytes, no white
//! space, strings escaped as serde_json does (only `"`, `\` and control
//! characters; everything else as UTF-8), integers in decimal. The plan
//! holds no floating-point numbers, so this is enough for any consumer to
//! recompute a digest: parse, drop `hash`, re-serialize canonically, hash.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical JSON text of `value`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut |text: &str| out.push_str(text));
    out
}

/// Lowercase hex SHA-256 of the canonical JSON text of `value`, the same
/// digest as `sha256_hex(&canonical_json(value))`, computed without
/// holding the text: a plan of 100,000 segments is tens of megabytes.
pub fn canonical_sha256_hex(value: &Value) -> String {
    let mut hasher = Sha256::new();
    write(value, &mut |text: &str| hasher.update(text.as_bytes()));
    crate::digest::hex(&hasher.finalize())
}

fn write(value: &Value, out: &mut impl FnMut(&str)) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out("{");
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out(",");
                }
                out(&Value::String(key.clone()).to_string());
                out(":");
                write(item, out);
            }
            out("}");
        }
        Value::Array(items) => {
            out("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out(",");
                }
                write(item, out);
            }
            out("]");
        }
        scalar => out(&scalar.to_string()),
    }
}

/// Lowercase hex SHA-256 of `bytes` (a `&str` hashes its UTF-8 bytes).
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    crate::digest::hex(&Sha256::digest(bytes.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_at_every_level_and_space_is_dropped() {
        let v: Value = serde_json::from_str(r#"{"b": 1, "a": {"z": [1, {"y": "é", "x": null}]}}"#)
            .expect("valid json");
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"z":[1,{"x":null,"y":"é"}]},"b":1}"#
        );
    }

    #[test]
    fn the_streamed_digest_is_the_digest_of_the_text() {
        let v: Value =
            serde_json::from_str(r#"{"b": [1, "x"], "a": {"é": null}}"#).expect("valid json");
        assert_eq!(canonical_sha256_hex(&v), sha256_hex(canonical_json(&v)));
    }

    #[test]
    fn sha256_of_empty_string() {
        assert_eq!(
            sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
