//! Wall time per phase of a build (`rapport build --timings`). Every stage
//! times itself into one list, so it sits below them all.

use std::time::{Duration, Instant};

/// Wall time per phase of one build.
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    /// Runs `f` as the phase `name`.
    pub fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.0.push((name, start.elapsed()));
        value
    }
}
