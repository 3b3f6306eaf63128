//! A representative's list of laid-off workers, as CSV or XLSX, read and its rows checked as
//! the collective channel does.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = lapak_claims::worker_list::read(data, 100) {
        assert!(list.rows.len() <= 100);
        let today = jiff::civil::date(2026, 11, 28);
        let _ = lapak_domain::collective::check_rows(&list.rows, today);
    }
});
