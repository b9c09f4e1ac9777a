//! rapport: a static site generator for annual reports, progress reports
//! and board papers.
//!
//! The library is organised by stage (see `docs/architecture.md`), each
//! using only earlier ones: [`config`] and [`content`] load a site folder
//! into the [`model`], through the [`vfs`] file-access trait; [`markdown`]
//! parses chapters into a document tree; the passes in [`build::PASSES`]
//! resolve what points elsewhere ([`links`], trackers, data tables);
//! [`render`] turns the model into pages through the theme's templates, at
//! the addresses of the [`routes`] table; [`output`] writes them atomically. Problems at every stage are
//! [`diagnostics`] with a file and a position. The `rapport` binary
//! (`src/main.rs`, `src/cmd/`) is a thin layer over [`build`].

pub mod addresses;
pub mod build;
pub mod build_cache;
pub mod chart;
pub mod cms;
pub mod colour;
pub mod config;
pub mod content;
pub mod controls;
pub mod data;
pub mod dates;
pub mod diagnostics;
pub mod editions;
pub mod editorial;
pub mod files;
pub mod fuzz;
pub mod gitdates;
pub mod images;
pub mod import;
pub mod init;
pub mod links;
pub mod markdown;
pub mod model;
pub mod new;
pub mod opendata;
pub mod output;
pub mod parse_cache;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod render;
pub mod routes;
pub mod search;
pub mod serve;
pub mod sources;
pub mod status;
pub mod strings;
pub mod svg;
pub mod table;
pub mod theme;
pub mod timings;
pub mod tracker;
pub mod translation;
pub mod url;
pub mod vfs;
pub mod yaml;
