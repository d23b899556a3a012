//! The timer (`Instant`, a vDSO `clock_gettime(CLOCK_MONOTONIC)` on Linux): its precision, the
//! cost of one read, and the per-iteration cost of the harness's own timed loops, all measured
//! once at start-up so that they can be reported and subtracted.

use super::loops::{batched_values_sample, timed_loop_iter};
use super::probe::Probe;
use crate::schema::Calibration;
use std::time::{Duration, Instant};

impl Calibration {
    /// Measures everything (about 30 ms).
    pub fn measure() -> Calibration {
        let precision_ns = precision_ns();
        let overhead_ns = read_overhead_ns();
        let iter_loop_ns = loop_cost_ns(overhead_ns, &mut |n| {
            timed_loop_iter(&mut || {}, n, &mut Probe::off())
        });
        let batched_loop_ns = loop_cost_ns(overhead_ns, &mut |n| {
            batched_values_sample(&mut || 0u64, &mut |x: u64| x, n, &mut Probe::off())
        });
        let iter_recorded_ns = loop_cost_ns(0.0, &mut |n| {
            timed_loop_iter(&mut || {}, n, &mut recording())
        });
        let batched_recorded_ns = loop_cost_ns(0.0, &mut |n| {
            batched_values_sample(&mut || 0u64, &mut |x: u64| x, n, &mut recording())
        });
        Calibration {
            precision_ns,
            overhead_ns,
            iter_recorded_ns,
            batched_recorded_ns,
            iter_loop_ns,
            batched_loop_ns,
        }
    }
}

/// A probe that only records latencies.
fn recording() -> Probe {
    let mut p = Probe::off();
    p.record_iterations();
    p
}

/// Smallest positive step between consecutive reads, over many tries.
fn precision_ns() -> f64 {
    let mut best = Duration::MAX;
    for _ in 0..10_000 {
        let t0 = Instant::now();
        let mut t1 = Instant::now();
        while t1 == t0 {
            t1 = Instant::now();
        }
        best = best.min(t1 - t0);
    }
    best.as_nanos() as f64
}

/// Median cost of one read, from batches of 1,000 back-to-back reads.
fn read_overhead_ns() -> f64 {
    let mut per_read: Vec<f64> = (0..51)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..1_000 {
                std::hint::black_box(Instant::now());
            }
            start.elapsed().as_nanos() as f64 / 1_000.0
        })
        .collect();
    median(&mut per_read)
}

/// Per-iteration cost of a timed loop: the 10th percentile of 51 samples of about 100 us each.
///
/// A loop's own cost is a floor that disturbances only raise, so a low percentile estimates it
/// better than the median while ignoring a single freak-fast sample. It cannot help when the
/// whole calibration falls into one of the machine's slow phases (docs/accuracy.md: 0.271 ns
/// typically, up to 0.536 ns): then everything, the benchmarks too, runs slower for a while.
pub(crate) fn loop_cost_ns(read_ns: f64, sample: &mut dyn FnMut(u64) -> Duration) -> f64 {
    // Size the samples: double until one takes 100 us.
    let mut iters = 1_000u64;
    while sample(iters) < Duration::from_micros(100) && iters < 1 << 30 {
        iters *= 2;
    }
    let mut per_iter: Vec<f64> = (0..51)
        .map(|_| ((sample(iters).as_nanos() as f64 - read_ns).max(0.0)) / iters as f64)
        .collect();
    per_iter.sort_by(f64::total_cmp);
    per_iter[per_iter.len() / 10]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
