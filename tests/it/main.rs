//! Integration tests: build real sites with the real binary and read what a
//! reader would get. One test binary (faster to link), fixture folders under
//! `tests/fixtures/` and `tests/invalid/`, and a small fluent harness.

mod harness;
/// The benchmarks' generator of large sites, for tests that need volume.
#[path = "../../benches/common/mod.rs"]
mod synthetic;

mod architecture;
mod browser;
mod build_site;
mod check_formats;
mod cms;
mod component_templates;
mod data_tables;
mod editions;
mod hostile;
mod hostile_data;
mod hostile_files;
mod hostile_input;
mod hostile_site;
mod import;
mod invalid_sites;
mod languages;
mod links;
mod output_safety;
mod pdf;
mod publisher;
mod publishing;
mod reliability;
mod search;
mod serve;
mod theme_reference;
mod themes;
mod tracker;
