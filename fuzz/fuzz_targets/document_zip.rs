//! A representative's ZIP of workers' documents, under small limits so that the fuzzer
//! reaches them.
#![no_main]

use lapak_claims::document_zip::{read, ZipLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ZipLimits { max_entries: 50, max_file: 64 << 10, max_total: 256 << 10, max_ratio: 100 };
    if let Ok((documents, _problems)) = read(data, limits) {
        assert!(documents.len() <= limits.max_entries);
    }
});
