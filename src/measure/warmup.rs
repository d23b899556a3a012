//! The warmup: runs the routine with doubling iteration counts until one sample lasts the
//! planned sample time, then at that count until the time per iteration has settled, and
//! estimates it for the plan.
//!
//! Under a precision target the warmup ends as soon as two consecutive windows of samples at
//! the planned count agree on the fastest time per iteration (within [`AGREEMENT`]), after a
//! [`FLOOR`], or at the warmup time (200 ms by default) as a cap. The fixed plan
//! (`--precision 0`) keeps the whole warmup time, as before issue 18.

use super::MeasureContext;
use super::probe::Probe;
use crate::schema::Warmup;
use std::time::{Duration, Instant};

/// Shortest adaptive warmup: lazy initialisation and first-touch page faults get this long.
pub const FLOOR: Duration = Duration::from_millis(10);
/// A window holds at least this many samples ...
const WINDOW_SAMPLES: u32 = 5;
/// ... and at least this much timed work.
const WINDOW_TIME: Duration = Duration::from_millis(5);
/// Two windows agree when their fastest times per iteration differ by at most this fraction
/// of the smaller: the plan jitters iteration counts by 10% anyway.
pub const AGREEMENT: f64 = 0.03;

/// Runs the warmup of `sample`; `adaptive` ends it once settled (after [`FLOOR`]), otherwise
/// it lasts `warmup_time` (at least one sample). `None` when the guard tripped.
pub fn warm_up(
    ctx: &MeasureContext,
    adaptive: bool,
    target_sample: Duration,
    sample: &mut dyn FnMut(u64, &mut Probe) -> Duration,
) -> Option<Warmup> {
    let start = Instant::now();
    let mut off = Probe::off();
    let mut iters = 1u64;
    let mut total = 0u64;
    let mut best_at_iters = (0u64, f64::INFINITY);
    let mut timed = Duration::ZERO;
    let mut settling = Settling::default();
    let settled = loop {
        if ctx.guard.tripped() {
            return None;
        }
        let elapsed = sample(iters, &mut off);
        timed += elapsed;
        total += iters;
        let per_iter = elapsed.as_nanos() as f64 / iters as f64;
        if iters > best_at_iters.0 {
            best_at_iters = (iters, per_iter);
        } else {
            best_at_iters.1 = best_at_iters.1.min(per_iter);
        }
        let agreed = adaptive && settling.add(iters, elapsed);
        let since = start.elapsed();
        if agreed && since >= FLOOR {
            break true;
        }
        if since >= ctx.settings.warmup_time {
            break false;
        }
        if elapsed < target_sample {
            iters = iters.saturating_mul(2);
        }
    };
    let wall = start.elapsed();
    Some(Warmup {
        iterations: total,
        wall_ns: wall.as_nanos() as u64,
        estimate_ns: best_at_iters.1,
        wall_per_timed: if timed.is_zero() {
            1.0
        } else {
            (wall.as_secs_f64() / timed.as_secs_f64()).max(1.0)
        },
        settled: adaptive.then_some(settled),
    })
}

/// Windows of samples at the largest iteration count so far, compared pairwise.
#[derive(Debug, Default)]
struct Settling {
    /// Iteration count of the samples in the windows.
    iters: u64,
    /// Fastest time per iteration in the open window (ns); 0 when it is empty.
    fastest: f64,
    /// Samples in the open window.
    samples: u32,
    /// Timed work in the open window.
    timed: Duration,
    /// Fastest time per iteration of the last closed window.
    previous: Option<f64>,
}

impl Settling {
    /// Adds a sample of `iters` iterations that took `elapsed`; true when it closes a window
    /// that agrees with the one before. A larger count starts over.
    fn add(&mut self, iters: u64, elapsed: Duration) -> bool {
        if iters != self.iters {
            *self = Settling {
                iters,
                ..Settling::default()
            };
        }
        let per_iter = elapsed.as_nanos() as f64 / iters as f64;
        self.fastest = if self.samples == 0 {
            per_iter
        } else {
            self.fastest.min(per_iter)
        };
        self.samples += 1;
        self.timed += elapsed;
        if self.samples < WINDOW_SAMPLES || self.timed < WINDOW_TIME {
            return false;
        }
        let closed = self.fastest;
        self.samples = 0;
        self.timed = Duration::ZERO;
        let agreed = self
            .previous
            .is_some_and(|p| (closed - p).abs() <= AGREEMENT * p.min(closed));
        self.previous = Some(closed);
        agreed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds samples of 1000 iterations at `per_iter` ns each, 1 ms apiece; returns the
    /// index of the sample at which the windows first agreed.
    fn settles_at(per_iter: impl Fn(usize) -> u64) -> Option<usize> {
        let mut s = Settling::default();
        (0..100).find(|&k| s.add(1000, Duration::from_nanos(1000 * per_iter(k))))
    }

    #[test]
    fn steady_samples_settle_after_two_windows() {
        // A window needs 5 samples and 5 ms: samples 0-4 close the first, 5-9 the second.
        assert_eq!(settles_at(|_| 1000), Some(9));
    }

    #[test]
    fn a_time_per_iteration_still_falling_does_not_settle() {
        // 10% faster every window until sample 30, then steady.
        let falling =
            |k: usize| 2000 * 9u64.pow((k.min(30) / 5) as u32) / 10u64.pow((k.min(30) / 5) as u32);
        assert_eq!(settles_at(falling), Some(39));
    }

    #[test]
    fn windows_within_three_percent_agree_and_a_larger_count_starts_over() {
        let mut s = Settling::default();
        let ms = |ns: u64| Duration::from_nanos(ns);
        assert!(!(0..5).any(|_| s.add(1000, ms(1_000_000))));
        assert!((0..5).map(|_| s.add(1000, ms(1_029_000))).last().unwrap());
        // A doubled count opens new windows: two more are needed.
        assert!(!(0..5).any(|_| s.add(2000, ms(2_000_000))));
        assert!(!(0..4).any(|_| s.add(2000, ms(2_000_000))));
        assert!(s.add(2000, ms(2_000_000)));
        // 4% apart does not agree.
        assert!(!(0..5).any(|_| s.add(2000, ms(2_080_000))));
    }
}
