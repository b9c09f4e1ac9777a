//! The package's build script (Cargo.toml `build =`). Not part of the
//! pipeline, which is `src/build.rs`. Two jobs, each in its own file:
//! embedding the default theme, and finding the programs the tests can use.

mod embed_theme;
mod find_tools;

fn main() {
    embed_theme::run();
    find_tools::run();
}
