//! `cargo +nightly fuzz run parse`: see docs/fuzzing.md. The body is
//! `campaignc::fuzzing::parse`, shared with the stable smoke test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| campaignc::fuzzing::parse(data));
