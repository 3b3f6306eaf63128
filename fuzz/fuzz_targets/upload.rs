//! An upload as the claim service takes it: recognised by content, then a PDF scanned for
//! active content or a picture decoded and written anew. Whatever the bytes, an answer and
//! no panic; what is kept is again a file of the kind recognised.
#![no_main]

use lapak_domain::upload::{inspect, FileKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(kind) = inspect(data, 6 << 20) else { return };
    match kind {
        FileKind::Pdf => {
            let _ = lapak_claims::pdf::check(data);
        }
        FileKind::Jpeg | FileKind::Png => {
            if let Ok(kept) = lapak_claims::images::rewrite(data, kind) {
                assert_eq!(inspect(&kept, usize::MAX), Ok(kind), "a picture written anew is recognised as before");
            }
        }
    }
});
