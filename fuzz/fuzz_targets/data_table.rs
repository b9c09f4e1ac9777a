//! A data table (YAML schema + CSV rows) computed and shown as a table and a
//! chart. The input is split at the first line holding only `%%`: the
//! schema before it, the CSV after (the seed script writes seeds this way).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (schema, csv) = text.split_once("\n%%\n").unwrap_or((text, ""));
        rapport::fuzz::data_table(schema, csv);
    }
});
