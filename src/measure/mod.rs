//! Measurement: the timer's precision and overheads, and the sampler (warmup, plan, samples).
//! Measure code never prints.

pub mod alloc;
pub mod callgrind;
pub mod counters;
pub mod environment;
pub mod loops;
pub mod parallel;
pub mod probe;
pub mod sampler;
pub mod stability;
pub mod system;
pub mod timer;

use crate::config::Settings;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub use timer::Calibration;

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
    deadline: Instant,
    cancelled: Arc<AtomicBool>,
}

impl Guard {
    /// A guard that trips at `deadline` or when [`Guard::cancel`] is called.
    pub fn new(deadline: Instant) -> Guard {
        Guard {
            deadline,
            cancelled: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Asks the measurement to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether measurement must stop now.
    pub fn tripped(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }
}
