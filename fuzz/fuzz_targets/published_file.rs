//! A file a report carries beside its chapters (image, SVG or workbook),
//! through every check rapport makes before publishing or typesetting it:
//! an answer, never a panic, a hang or a runaway allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rapport::fuzz::published_file(data);
});
