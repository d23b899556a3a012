//! A benchmark's own figures (`b.metric`, `Metrics::record`): rounds to finality, queries,
//! operations per second from inside `iter_custom`, ... with a summary of their values.

use super::Interval;
use serde::{Deserialize, Serialize};

/// One custom metric of one benchmark: every value recorded for it, and their summary.
/// Values recorded once outside the timing call give one value; values recorded inside the
/// measured samples give one value per record (warmup and calibration runs are dropped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct MetricResult {
    /// The unit the benchmark gave (`rounds`, `ops/s`, `bytes`, ...), free text.
    pub unit: String,
    /// The values in the order they were recorded.
    pub values: Vec<f64>,
    /// Median of the values (the mean of the two middle ones for an even count); the value
    /// itself when there is one.
    pub median: f64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Distribution-free interval of the median from two order statistics, covering it with
    /// at least 95% probability (`level` 0.95); `null` with fewer than 6 values, too few for
    /// one.
    pub median_ci: Option<Interval>,
}

/// A custom metric against the baseline (in a benchmark's `comparison`). Metrics are compared
/// and shown, never gated: whether more is better depends on the metric (more queries, more
/// operations per second); a performance target on the metric gates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct MetricChange {
    /// The metric's unit in this run.
    pub unit: String,
    /// The baseline's median of the metric.
    pub baseline_median: f64,
    /// This run's median.
    pub median: f64,
    /// Relative change of the median (`0.1` = 10% more); `null` when the baseline's is 0.
    pub change: Option<f64>,
    /// Whether the medians lie outside each other's 95% intervals, for metrics with enough
    /// per-sample values on both sides for intervals; `null` otherwise (then any change of a
    /// single recorded value is a change of that value).
    pub beyond_intervals: Option<bool>,
}
