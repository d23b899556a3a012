//! Measurement: the timer's precision and overheads, and the sampler (warmup, plan, samples).
//! Measure code never prints.

pub mod affinity;
pub mod alloc;
pub mod callgrind;
pub mod counters;
pub mod environment;
pub mod loops;
pub mod metrics;
pub mod noise;
pub mod parallel;
mod precision;
pub mod probe;
pub mod procfs;
pub mod sampler;
mod settings;
pub mod stability;
pub mod stop;
pub mod system;
pub mod timer;
pub mod warmup;

pub use noise::NoiseThreshold;
pub use precision::Precision;
pub use settings::Settings;

use crate::schema::Calibration;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// What the sampler needs besides the routine.
#[derive(Debug)]
pub struct MeasureContext {
    /// The benchmark's effective settings.
    pub settings: Settings,
    /// Timer and loop overheads measured at start-up.
    pub calibration: Calibration,
    /// Stops measurement at the timeout.
    pub guard: Guard,
    /// What to measure besides time.
    pub instruments: Instruments,
    /// When set, the sampler hands the routine to this driver instead of measuring it itself
    /// (the A/B worker: the controller decides every sample's iteration count).
    pub external: Option<Arc<dyn ExternalDriver>>,
}

/// Takes over a routine's samples from the sampler; see [`MeasureContext::external`].
pub trait ExternalDriver: Send + Sync + std::fmt::Debug {
    /// Runs `sample` (n iterations, returns their elapsed time) as often as the driver wants.
    /// `overhead` is the calibrated overhead of this loop, per sample and per iteration (ns).
    fn drive(
        &self,
        overhead: (f64, f64),
        sample: &mut dyn FnMut(u64, &mut probe::Probe) -> std::time::Duration,
    );
}

/// Measurements besides time, switched on for the measured samples only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Instruments {
    /// Performance counters (off with `--no-perf`).
    pub perf: bool,
    /// Allocation counts (on when a [`CountingAlloc`](alloc::CountingAlloc) is installed).
    pub alloc: bool,
    /// System metrics sampling interval (off with `--no-system-metrics`).
    pub system: Option<std::time::Duration>,
}

/// Cooperative cancellation: the sampler checks it between samples.
#[derive(Debug, Clone)]
pub struct Guard {
    /// `None`: no deadline the clock can represent (only [`Guard::cancel`] trips it).
    deadline: Option<Instant>,
    cancelled: Arc<AtomicBool>,
}

impl Guard {
    /// A guard that trips `timeout` after `start`, or when [`Guard::cancel`] is called. Settings are range-checked when parsed, but
    /// a timeout past what `Instant` can hold means "never" here rather than a panic.
    pub fn after(start: Instant, timeout: std::time::Duration) -> Guard {
        Guard {
            deadline: start.checked_add(timeout),
            cancelled: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Asks the measurement to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether measurement must stop now.
    pub fn tripped(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed) || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

#[cfg(test)]
mod tests {
    use super::Guard;
    use std::time::{Duration, Instant};

    #[test]
    fn a_timeout_past_the_clock_never_trips_and_does_not_panic() {
        let guard = Guard::after(Instant::now(), Duration::MAX);
        assert!(!guard.tripped());
        guard.cancel();
        assert!(guard.tripped());
        assert!(Guard::after(Instant::now(), Duration::ZERO).tripped());
    }
}
