//! Pictures decoded and written anew, the first byte choosing JPEG or PNG, so that the
//! fuzzer need not find a file `inspect` accepts before it reaches the decoders.
#![no_main]

use lapak_domain::upload::{inspect, FileKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, picture)) = data.split_first() else { return };
    let kind = if first & 1 == 0 { FileKind::Jpeg } else { FileKind::Png };
    if let Ok(kept) = lapak_claims::images::rewrite(picture, kind) {
        assert_eq!(inspect(&kept, usize::MAX), Ok(kind), "a picture written anew is recognised as before");
    }
});
