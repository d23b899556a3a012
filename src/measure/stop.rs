//! When the sampler stops: at the time cap, at the sample cap, or, with a precision target,
//! as soon as the median's 95% interval is within the target on both sides (issue 18). Every
//! 10% more samples after a floor, the order-statistic interval (`stats::median_interval`: one
//! selection, a few microseconds) is read; only when it is within the target is the report's
//! own bootstrap run on the same values (same seed: the same interval the report will carry,
//! about 3 ms at 100 samples), and the sampler stops only if that one is within the target
//! too. So a benchmark stopped for precision always reports an interval that meets it.

use crate::stats::{bootstrap_mean_median, median_interval, per_iteration, summarize};

/// Samples taken before a precision stop may happen: enough for the bootstrap and the
/// outlier counts to mean something.
pub const PRECISION_FLOOR: usize = 50;

pub use crate::schema::StopReason;

/// The precision check over the samples taken so far.
#[derive(Debug)]
pub struct PrecisionStop {
    target: f64,
    overhead: (f64, f64),
    next_check: usize,
    scratch: Vec<f64>,
}

impl PrecisionStop {
    /// A check for half-width `target` (a fraction of the median), on per-iteration times
    /// with `overhead` (per sample, per iteration, ns) subtracted as the report does.
    pub fn new(target: f64, overhead: (f64, f64)) -> PrecisionStop {
        PrecisionStop {
            target,
            overhead,
            next_check: PRECISION_FLOOR,
            scratch: Vec::new(),
        }
    }

    /// Whether the samples so far (`iters[i]` iterations took `elapsed_ns[i]`) meet the
    /// target. Checks only when due (at the floor, then every 10% more samples).
    pub fn reached(&mut self, iters: &[u64], elapsed_ns: &[u64]) -> bool {
        let n = iters.len();
        if n < self.next_check {
            return false;
        }
        self.next_check = n + (n / 10).max(1);
        let (per_sample, per_iter) = self.overhead;
        let values = per_iteration(iters, elapsed_ns, per_sample, per_iter);
        self.scratch.clone_from(&values);
        let cheap = median_interval::relative_reach(&mut self.scratch);
        if !cheap.is_some_and(|reach| reach <= self.target) {
            return false;
        }
        let median = summarize(&values).median;
        let (_, ci) = bootstrap_mean_median(&values, 0.95);
        (median - ci.lower).max(ci.upper - median) <= self.target * median.abs()
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

    #[test]
    fn steady_samples_stop_at_the_floor_and_not_before() {
        let mut stop = PrecisionStop::new(0.01, (0.0, 0.0));
        let (i, e) = samples(PRECISION_FLOOR, &[100.0, 100.5, 99.5]);
        assert!(!stop.reached(&i[..PRECISION_FLOOR - 1], &e[..PRECISION_FLOOR - 1]));
        assert!(stop.reached(&i, &e));
    }

    #[test]
    fn spread_samples_do_not_stop() {
        // Per-iteration times spread evenly from 50 to 150 ns: the interval's half-width at
        // the floor is about 10% of the median, far from 1%.
        let times: Vec<f64> = (0..101).map(|k| 50.0 + k as f64).collect();
        let mut stop = PrecisionStop::new(0.01, (0.0, 0.0));
        let (i, e) = samples(1000, &times);
        assert!((PRECISION_FLOOR..=1000).all(|n| !stop.reached(&i[..n], &e[..n])));
    }

    #[test]
    fn checks_come_every_tenth_more_samples() {
        let mut stop = PrecisionStop::new(0.5, (0.0, 0.0));
        let (i, e) = samples(200, &[100.0]);
        // Due at 50, then 55: a call at 54 does not check, even though the target is met.
        assert!(stop.reached(&i[..50], &e[..50]));
        assert!(!stop.reached(&i[..54], &e[..54]));
        assert!(stop.reached(&i[..55], &e[..55]));
    }

    #[test]
    fn overheads_are_subtracted_before_the_width_is_read() {
        // Samples of 10 +-0.1 ns per iteration, of which 9 ns is loop overhead: the routine's
        // own 1 ns varies by 10%, which misses a 1% target.
        let (i, e) = samples(PRECISION_FLOOR, &[10.1, 9.9]);
        assert!(PrecisionStop::new(0.02, (0.0, 0.0)).reached(&i, &e));
        assert!(!PrecisionStop::new(0.02, (0.0, 9.0)).reached(&i, &e));
    }
}
