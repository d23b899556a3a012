//! criterion's `measurement` module, for the type parameter bench files name
//! (`Criterion<WallTime>`, `Bencher<'_, WallTime>`). qudag-bench measures wall time; a
//! custom measurement (cycles, say) has no place in its report, so [`WallTime`] is the one
//! implementation.

use std::time::Duration;

/// What a benchmark's time is measured in.
pub trait Measurement {
    /// One measured value (what `iter_custom`'s routine returns).
    type Value;

    /// The value as elapsed time.
    fn to_duration(value: Self::Value) -> Duration;
}

/// Elapsed wall-clock time, criterion's default measurement.
#[derive(Debug, Clone, Copy, Default)]
pub struct WallTime;

impl Measurement for WallTime {
    type Value = Duration;

    fn to_duration(value: Duration) -> Duration {
        value
    }
}
