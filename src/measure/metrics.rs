//! Recording a benchmark's own figures: [`Metrics`] is the handle `b.metrics()` returns and
//! `b.metric` writes through. Values recorded during a sample are kept only if the sample was
//! a measured one, so warmup and calibration runs of an `iter_custom` routine leave nothing;
//! a metric recorded several times in one sample (once per iteration of `b.iter` or
//! `iter_async`) keeps their mean as that sample's one value, so that a metric has at most one
//! value per sample however fast the routine.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Names a custom metric may not take: the measures that Bencher Metric Format output already
/// uses, and the time statistics a performance target names (`p99 < 1ms`).
pub const RESERVED_NAMES: [&str; 12] = [
    "latency",
    "throughput",
    "bytes-per-second",
    "instructions",
    "allocations",
    "median",
    "mean",
    "p50",
    "p90",
    "p99",
    "p999",
    "max",
];

/// Longest metric name accepted.
const MAX_NAME_LEN: usize = 64;

/// One metric's values as recorded, before any summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The unit given with the first value.
    pub unit: String,
    /// Values in record order.
    pub values: Vec<f64>,
}

/// A cloneable handle that records a benchmark's own figures; get it from
/// [`Bencher::metrics`](crate::Bencher::metrics) to record from inside `iter_custom`,
/// `iter_async` or `iter_parallel` routines, where the `Bencher` itself is borrowed.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    shared: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    /// Whether a sample is running: its values wait in `pending` until it is known whether
    /// the sample was measured.
    in_sample: bool,
    /// Per metric: the sum and count of the values recorded in the running sample.
    pending: BTreeMap<String, (f64, u32)>,
    kept: BTreeMap<String, Recorded>,
}

impl Metrics {
    /// Records `value` of the metric `name` in `unit`. Inside a measured sample it is one of
    /// that metric's per-sample values; outside the timing call it is a value of its own.
    ///
    /// # Panics
    /// When `name` is empty, longer than 64 bytes, has characters other than ASCII letters,
    /// digits, `_`, `-` and `.`, or is one of [`RESERVED_NAMES`]; when `value` is not finite;
    /// when `unit` differs from the unit of an earlier value of the same metric.
    pub fn record(&self, name: &str, value: f64, unit: &str) {
        assert!(
            value.is_finite(),
            "metric {name:?}: the value must be a finite number, got {value}"
        );
        let mut state = self.lock();
        match state.kept.get(name) {
            Some(earlier) if earlier.unit != unit => {
                let earlier = earlier.unit.clone();
                drop(state);
                panic!("metric {name:?} recorded in unit {unit:?}, earlier in {earlier:?}");
            }
            Some(_) => {}
            // A name is checked once, when first recorded: a routine may record per iteration.
            None => {
                if let Err(problem) = check_name(name) {
                    drop(state);
                    panic!("metric name {name:?} {problem}");
                }
                let first = Recorded {
                    unit: unit.to_string(),
                    values: Vec::new(),
                };
                state.kept.insert(name.to_string(), first);
            }
        }
        if !state.in_sample {
            if let Some(kept) = state.kept.get_mut(name) {
                kept.values.push(value);
            }
            return;
        }
        // Looked up before inserting: a metric's entry stays from sample to sample, so only
        // its first record in the benchmark allocates.
        match state.pending.get_mut(name) {
            Some((sum, n)) => (*sum, *n) = (*sum + value, *n + 1),
            None => {
                state.pending.insert(name.to_string(), (value, 1));
            }
        }
    }

    /// A sample starts: its values are held until [`Metrics::end_sample`].
    pub(crate) fn begin_sample(&self) {
        let mut state = self.lock();
        state.in_sample = true;
        state.pending.values_mut().for_each(|p| *p = (0.0, 0));
    }

    /// The sample ended; if it was a measured sample (`keep`), each metric recorded in it
    /// gets one value: the mean of what was recorded.
    pub(crate) fn end_sample(&self, keep: bool) {
        let mut state = self.lock();
        let state = &mut *state;
        state.in_sample = false;
        for (name, (sum, n)) in state.pending.iter_mut() {
            if keep
                && *n > 0
                && let Some(kept) = state.kept.get_mut(name)
            {
                kept.values.push(*sum / f64::from(*n));
            }
            (*sum, *n) = (0.0, 0);
        }
    }

    /// Everything kept, leaving the handle empty; metrics with no kept value (recorded only
    /// in warmup) are left out.
    pub(crate) fn take(&self) -> BTreeMap<String, Recorded> {
        let mut kept = std::mem::take(&mut self.lock().kept);
        kept.retain(|_, r| !r.values.is_empty());
        kept
    }

    /// The state, also after a benchmark panicked while holding it (its values are whole).
    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Why `name` cannot name a metric, if it cannot.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(format!("must be 1 to {MAX_NAME_LEN} bytes long"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(format!(
            "has {c:?}; use ASCII letters, digits, '_', '-' and '.'"
        ));
    }
    if RESERVED_NAMES.contains(&name) || looks_like_percentile(name) {
        return Err("is taken by a built-in measure or statistic".into());
    }
    Ok(())
}

/// Whether `name` has the form of a percentile statistic (`p` and digits, like `p95`), which
/// a performance target would read as one.
pub fn looks_like_percentile(name: &str) -> bool {
    name.strip_prefix('p')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    #[test]
    fn values_of_unmeasured_samples_are_dropped_and_the_others_kept_in_order() {
        let m = Metrics::default();
        m.record("rounds", 10.0, "rounds");
        m.begin_sample();
        m.record("ops", 1.0, "ops/s");
        m.end_sample(false);
        for v in [2.0, 3.0] {
            m.begin_sample();
            m.record("ops", v, "ops/s");
            m.end_sample(true);
        }
        m.begin_sample();
        m.record("warm", 5.0, "x");
        m.end_sample(false);
        // Three records in one measured sample: one value, their mean.
        m.begin_sample();
        for v in [4.0, 5.0, 9.0] {
            m.record("per_iteration", v, "x");
        }
        m.end_sample(true);
        let kept = m.take();
        assert_eq!(kept["per_iteration"].values, [6.0]);
        assert_eq!(kept["rounds"].values, [10.0]);
        assert_eq!(kept["ops"].values, [2.0, 3.0]);
        assert_eq!(kept["ops"].unit, "ops/s");
        assert!(!kept.contains_key("warm"), "only recorded in warmup");
        assert!(m.take().is_empty());
    }

    #[test]
    fn bad_names_values_and_a_changed_unit_panic_with_the_name() {
        let panics = |f: &dyn Fn()| catch_unwind(AssertUnwindSafe(f)).is_err();
        let m = Metrics::default();
        assert!(panics(&|| m.record("", 1.0, "x")));
        assert!(panics(&|| m.record("a b", 1.0, "x")));
        assert!(panics(&|| m.record(&"a".repeat(65), 1.0, "x")));
        assert!(panics(&|| m.record("latency", 1.0, "x")));
        assert!(panics(&|| m.record("p99", 1.0, "x")));
        assert!(panics(&|| m.record("p95", 1.0, "x")));
        assert!(check_name("p").is_ok() && check_name("p95x").is_ok());
        assert!(panics(&|| m.record("n", f64::NAN, "x")));
        assert!(panics(&|| m.record("n", f64::INFINITY, "x")));
        m.record("n", 1.0, "ms");
        assert!(panics(&|| m.record("n", 2.0, "s")));
        m.record("n", 3.0, "ms");
        assert_eq!(m.take()["n"].values, [1.0, 3.0]);
        assert!(check_name("consensus.rounds_to-finality2").is_ok());
    }
}
