//! A chapter file (front matter + Markdown + components) through the whole
//! pipeline, in both raw-HTML modes: pages or diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        rapport::fuzz::chapter(text, false);
        rapport::fuzz::chapter(text, true);
    }
});
