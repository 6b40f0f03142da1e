//! `cargo +nightly fuzz run check`: see docs/fuzzing.md. The body is
//! `campaignc::fuzzing::check`, shared with the stable smoke test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| campaignc::fuzzing::check(data));
