//! The PDF scan for active content, on any bytes (not only what looks like a PDF).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lapak_claims::pdf::check(data);
});
