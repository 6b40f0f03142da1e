//! Canonical JSON and the digests built on it (`hash`, `content_hash`).
//!
//! Canonical form: object keys sorted by their UTF-8 bytes, no white
//! space, strings escaped as serde_json does (only `"`, `\` and control
//! characters; everything else as UTF-8), integers in decimal. The plan
//! holds no floating-point numbers, so this is enough for any consumer to
//! recompute a digest: parse, drop `hash`, re-serialize canonically, hash.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical JSON text of `value`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::new();
    // Writing to a `Vec` cannot fail, and serde_json writes UTF-8.
    let _ = write(value, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Lowercase hex SHA-256 of the canonical JSON text of `value`, the same
/// digest as `sha256_hex(&canonical_json(value))`, computed without
/// holding the text: a plan of 100,000 segments is tens of megabytes.
pub fn canonical_sha256_hex(value: &Value) -> String {
    hash_written(|out| write(value, out))
}

/// [`canonical_sha256_hex`] of a map of strings (a message locale's
/// fields, for its `content_hash`), without making a [`Value`] of it: the
/// compact JSON of a `BTreeMap` is already canonical, its keys being in
/// the order of their bytes.
pub fn string_map_sha256_hex(map: &BTreeMap<String, String>) -> String {
    hash_written(|out| serde_json::to_writer(out, map).map_err(io::Error::from))
}

/// The SHA-256 of what `write_to` writes, in hex, through an 8 KiB buffer
/// (the canonical writer writes many short pieces).
fn hash_written(write_to: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
    struct Hashing(Sha256);
    impl Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut out = io::BufWriter::with_capacity(8192, Hashing(Sha256::new()));
    // Hashing cannot fail; should it, an empty digest never matches.
    if write_to(&mut out).is_err() {
        return String::new();
    }
    match out.into_inner() {
        Ok(hashing) => crate::digest::hex(&hashing.0.finalize()),
        Err(_) => String::new(),
    }
}

/// Writes `value` canonically: keys sorted by their bytes, strings and
/// numbers as serde_json writes them, no white space.
fn write(value: &Value, out: &mut dyn Write) -> io::Result<()> {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.write_all(b"{")?;
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, key.as_str())?;
                out.write_all(b":")?;
                write(item, out)?;
            }
            out.write_all(b"}")
        }
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write(item, out)?;
            }
            out.write_all(b"]")
        }
        scalar => Ok(serde_json::to_writer(out, scalar)?),
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
    fn a_map_of_strings_hashes_as_its_canonical_json() {
        let map: BTreeMap<String, String> =
            [("subject", "Hé \"you\"\n"), ("body", "{{x}}"), ("Z", "")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        let value = serde_json::to_value(&map).expect("a map of strings");
        assert_eq!(string_map_sha256_hex(&map), canonical_sha256_hex(&value));
        assert_eq!(
            canonical_json(&value),
            r#"{"Z":"","body":"{{x}}","subject":"Hé \"you\"\n"}"#
        );
    }

    #[test]
    fn sha256_of_empty_string() {
        assert_eq!(
            sha256_hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
