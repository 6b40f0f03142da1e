//! `cargo +nightly fuzz run fmt_roundtrip`: see docs/fuzzing.md. The body is
//! `campaignc::fuzzing::fmt_roundtrip`, shared with the stable smoke test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| campaignc::fuzzing::fmt_roundtrip(data));
