//! When the sampler stops: at the time cap, at the sample cap, or, with a precision target,
//! as soon as the median's 95% interval is within the target on both sides (issue 18). Every
//! 10% more samples after a floor, the order-statistic interval (`stats::median_interval`: one
//! selection, a few microseconds) is read; only when it is within the target is the report's
//! own bootstrap run on the same values (same seed: the same interval the report will carry,
//! about 3 ms at 100 samples), and the sampler stops only if that one is within the target
//! too. So a benchmark stopped for precision always reports an interval that meets it.
//!
//! A benchmark whose interval cannot reach the target by the caps stops early: from
//! [`UNREACHABLE_FLOOR`] samples on, when the interval, narrowing as `1 / sqrt(n)`, would still
//! be wider than the target at the number of samples the caps allow (from the rate so far).
//! Measuring on would only narrow an interval that misses anyway: on the QuDAG suites these
//! are the ML-DSA signing benchmarks, whose time per iteration varies by tens of percent with
//! the message, and the loopback I/O ones (docs/measurement.md).

use crate::stats::{bootstrap_mean_median, median_interval, per_iteration, summarize};
use std::time::Duration;

/// Samples taken before a precision stop may happen: enough for the bootstrap and the
/// outlier counts to mean something.
pub const PRECISION_FLOOR: usize = 50;
/// Samples taken before a target out of reach stops measurement: criterion's sample count.
pub const UNREACHABLE_FLOOR: usize = 100;

pub use crate::schema::StopReason;

/// The precision check over the samples taken so far.
#[derive(Debug)]
pub struct PrecisionStop {
    target: f64,
    overhead: (f64, f64),
    caps: Caps,
    next_check: usize,
    scratch: Vec<f64>,
}

impl PrecisionStop {
    /// A check for half-width `target` (a fraction of the median), on per-iteration times
    /// with `overhead` (per sample, per iteration, ns) subtracted as the report does, under
    /// the measurement's `caps`.
    pub fn new(target: f64, overhead: (f64, f64), caps: Caps) -> PrecisionStop {
        PrecisionStop {
            target,
            overhead,
            caps,
            next_check: PRECISION_FLOOR,
            scratch: Vec::new(),
        }
    }

    /// Whether to stop after the samples so far (`iters[i]` iterations took `elapsed_ns[i]`,
    /// `measuring` since measurement began), and why: the target is met, or out of reach.
    /// Checks only when due (at the floor, then every 10% more samples).
    pub fn check(
        &mut self,
        iters: &[u64],
        elapsed_ns: &[u64],
        measuring: Duration,
    ) -> Option<StopReason> {
        let n = iters.len();
        if n < self.next_check {
            return None;
        }
        self.next_check = n + (n / 10).max(1);
        let (per_sample, per_iter) = self.overhead;
        let values = per_iteration(iters, elapsed_ns, per_sample, per_iter);
        self.scratch.clone_from(&values);
        let reach = median_interval::relative_reach(&mut self.scratch)?;
        if reach > self.target {
            let at_caps = self.caps.samples_allowed(n, measuring);
            let out_of_reach = reach * (n as f64 / at_caps).sqrt() > self.target;
            return (n >= UNREACHABLE_FLOOR && out_of_reach).then_some(StopReason::Unreachable);
        }
        let median = summarize(&values).median;
        let (_, ci) = bootstrap_mean_median(&values, 0.95);
        let met = (median - ci.lower).max(ci.upper - median) <= self.target * median.abs();
        met.then_some(StopReason::Precision)
    }
}

/// The caps a measurement stops at.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// The sample cap.
    pub samples: u32,
    /// The time cap.
    pub time: Duration,
}

impl Caps {
    /// How many samples the caps allow in all, at the rate of `n` samples in `measuring`.
    fn samples_allowed(self, n: usize, measuring: Duration) -> f64 {
        let by_time = match measuring.as_secs_f64() {
            0.0 => f64::INFINITY,
            secs => n as f64 * self.time.as_secs_f64() / secs,
        };
        by_time.min(f64::from(self.samples)).max(n as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` samples of 1000 iterations whose per-iteration times cycle through `times`.
    fn samples(n: usize, times: &[f64]) -> (Vec<u64>, Vec<u64>) {
        let elapsed = (0..n).map(|i| (times[i % times.len()] * 1000.0) as u64);
        (vec![1000; n], elapsed.collect())
    }

    /// A check for `target` under caps of 1,000 samples and an hour.
    fn stop(target: f64, overhead: (f64, f64)) -> PrecisionStop {
        let caps = Caps {
            samples: 1000,
            time: Duration::from_secs(3600),
        };
        PrecisionStop::new(target, overhead, caps)
    }

    /// The check's answer after the first `n` samples, taken at 1 ms each.
    fn after(stop: &mut PrecisionStop, i: &[u64], e: &[u64], n: usize) -> Option<StopReason> {
        stop.check(&i[..n], &e[..n], Duration::from_millis(n as u64))
    }

    #[test]
    fn steady_samples_stop_at_the_floor_and_not_before() {
        let mut s = stop(0.01, (0.0, 0.0));
        let (i, e) = samples(PRECISION_FLOOR, &[100.0, 100.5, 99.5]);
        assert_eq!(after(&mut s, &i, &e, PRECISION_FLOOR - 1), None);
        assert_eq!(
            after(&mut s, &i, &e, PRECISION_FLOOR),
            Some(StopReason::Precision)
        );
    }

    #[test]
    fn a_target_out_of_reach_stops_at_its_floor_and_one_within_reach_goes_on() {
        // Per-iteration times spread evenly from 50 to 150 ns: the interval reaches about 10%
        // from the median at 100 samples, 3% at the 1,000-sample cap: 1% is out of reach.
        let times: Vec<f64> = (0..101).map(|k| 50.0 + k as f64).collect();
        let (i, e) = samples(1000, &times);
        let mut s = stop(0.01, (0.0, 0.0));
        let first = (PRECISION_FLOOR..=1000).find_map(|n| Some((n, after(&mut s, &i, &e, n)?)));
        // The first check due from 100 samples on (checks come at 94, then 103).
        assert_eq!(first, Some((103, StopReason::Unreachable)));
        // 5% is within reach by the cap: no early stop, whatever the count.
        let mut s = stop(0.05, (0.0, 0.0));
        let first = (PRECISION_FLOOR..=1000).find_map(|n| after(&mut s, &i, &e, n));
        assert_ne!(first, Some(StopReason::Unreachable));
    }

    #[test]
    fn the_time_cap_counts_in_what_is_within_reach() {
        // The same samples with a time cap of 0.2 s at 1 ms per sample: 200 samples at most.
        let times: Vec<f64> = (0..101).map(|k| 50.0 + k as f64).collect();
        let (i, e) = samples(1000, &times);
        let caps = Caps {
            samples: 1000,
            time: Duration::from_millis(200),
        };
        // At 100 samples the interval reaches about 10%: 5% needs 400 samples, 2.5 times the
        // 200 the time cap allows (at 1,000 by the sample cap it would be within reach).
        let mut s = PrecisionStop::new(0.05, (0.0, 0.0), caps);
        let first = (PRECISION_FLOOR..=1000).find_map(|n| after(&mut s, &i, &e, n));
        assert_eq!(first, Some(StopReason::Unreachable));
    }

    #[test]
    fn checks_come_every_tenth_more_samples() {
        let mut s = stop(0.5, (0.0, 0.0));
        let (i, e) = samples(200, &[100.0]);
        // Due at 50, then 55: a call at 54 does not check, even though the target is met.
        assert_eq!(after(&mut s, &i, &e, 50), Some(StopReason::Precision));
        assert_eq!(after(&mut s, &i, &e, 54), None);
        assert_eq!(after(&mut s, &i, &e, 55), Some(StopReason::Precision));
    }

    #[test]
    fn overheads_are_subtracted_before_the_width_is_read() {
        // Samples of 10 +-0.1 ns per iteration, of which 9 ns is loop overhead: the routine's
        // own 1 ns varies by 10%, which misses a 2% target.
        let (i, e) = samples(PRECISION_FLOOR, &[10.1, 9.9]);
        let n = PRECISION_FLOOR;
        let met = Some(StopReason::Precision);
        assert_eq!(after(&mut stop(0.02, (0.0, 0.0)), &i, &e, n), met);
        assert_eq!(after(&mut stop(0.02, (0.0, 9.0)), &i, &e, n), None);
    }
}
