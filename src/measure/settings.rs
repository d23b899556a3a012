//! What one benchmark is measured with, as resolved by `config` from its layers.

use super::{NoiseThreshold, Precision};
use std::time::Duration;

/// The settings one benchmark is measured with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Longest warmup (all of it for the fixed plan); it also estimates the time per iteration.
    pub warmup_time: Duration,
    /// Measurement stops when this much wall time has passed ...
    pub measure_time: Duration,
    /// ... or when this many samples were taken, whichever comes first.
    pub samples: u32,
    /// The whole benchmark (setup, warmup, measurement) is stopped after this long.
    pub timeout: Duration,
    /// Smallest change against a baseline that counts.
    pub noise_threshold: NoiseThreshold,
    /// Stop measuring once the median is known this well (before the caps above).
    pub precision: Precision,
}
