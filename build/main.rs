//! The package's build script (Cargo.toml `build =`). Not part of the
//! pipeline, which is `src/build.rs`. Three jobs, each in its own file:
//! embedding the default theme, finding the programs the tests can use, and
//! naming the sources the binary is built from (for the PDF cache).

mod build_id;
mod embed_theme;
mod find_tools;

fn main() {
    embed_theme::run();
    find_tools::run();
    build_id::run();
}
