//! Counter arithmetic, kept free of system calls so it can be tested with synthetic readings:
//! scaling for multiplexing, removing the calibrated cost of switching counters on and off,
//! and per-iteration figures.

/// One counter's accumulated value with the time its group was enabled and running.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// Raw count.
    pub value: u64,
    /// Nanoseconds the group was enabled.
    pub time_enabled_ns: u64,
    /// Nanoseconds the group was actually on the PMU (less than enabled when multiplexed).
    pub time_running_ns: u64,
}

impl Reading {
    /// The count scaled to the whole enabled time (`value * enabled / running`); `None` when
    /// the counter never ran.
    pub fn scaled(&self) -> Option<f64> {
        if self.time_running_ns == 0 {
            return None;
        }
        Some(self.value as f64 * self.time_enabled_ns as f64 / self.time_running_ns as f64)
    }

    /// The fraction of the enabled time the counter was running (1 without multiplexing).
    pub fn running_fraction(&self) -> Option<f64> {
        (self.time_enabled_ns > 0)
            .then(|| self.time_running_ns as f64 / self.time_enabled_ns as f64)
    }
}

/// Per-iteration value of a counter: the scaled total over all measured samples, minus the
/// calibrated cost of one on/off switch per sample, over the iterations; never below 0.
pub fn per_iteration(
    total: Reading,
    switch_cost: f64,
    samples: u64,
    iterations: u64,
) -> Option<f64> {
    if iterations == 0 {
        return None;
    }
    let scaled = total.scaled()?;
    Some(((scaled - switch_cost * samples as f64) / iterations as f64).max(0.0))
}

/// `numerator / denominator` when both are known and the denominator is positive.
pub fn ratio(numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
    match (numerator, denominator) {
        (Some(n), Some(d)) if d > 0.0 => Some(n / d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(value: u64, enabled: u64, running: u64) -> Reading {
        Reading {
            value,
            time_enabled_ns: enabled,
            time_running_ns: running,
        }
    }

    #[test]
    fn scales_for_multiplexing() {
        // Ran a quarter of the time: 1,000 counted stands for 4,000.
        let r = reading(1_000, 8_000, 2_000);
        assert_eq!(r.scaled(), Some(4_000.0));
        assert_eq!(r.running_fraction(), Some(0.25));
        assert_eq!(reading(1_000, 5_000, 5_000).scaled(), Some(1_000.0));
        assert_eq!(reading(7, 5_000, 0).scaled(), None, "never scheduled");
        assert_eq!(reading(0, 0, 0).running_fraction(), None);
    }

    #[test]
    fn per_iteration_removes_switch_cost() {
        // 100 samples of 1,000 iterations, 10 instructions each, plus 50 per on/off switch,
        // counted half the time.
        let total = reading((100 * 1_000 * 10 + 100 * 50) / 2, 2_000, 1_000);
        assert_eq!(per_iteration(total, 50.0, 100, 100_000), Some(10.0));
        // A switch cost larger than the count clamps at 0.
        assert_eq!(per_iteration(reading(10, 1, 1), 50.0, 1, 1), Some(0.0));
        assert_eq!(per_iteration(reading(10, 1, 1), 0.0, 1, 0), None);
    }

    #[test]
    fn ratios_need_both_sides() {
        assert_eq!(ratio(Some(3.0), Some(2.0)), Some(1.5));
        assert_eq!(ratio(None, Some(2.0)), None);
        assert_eq!(ratio(Some(3.0), Some(0.0)), None);
    }
}
