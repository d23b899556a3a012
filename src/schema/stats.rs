//! Statistics of the time per iteration, as they appear in the documents.

use serde::{Deserialize, Serialize};

/// Everything reported about one benchmark's time per iteration (ns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct TimeStats {
    /// Arithmetic mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// Sample standard deviation (n - 1 denominator).
    pub std_dev: f64,
    /// Median absolute deviation from the median, unscaled.
    pub mad: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Coefficient of variation: `std_dev / mean` (a fraction, not a percentage).
    pub cv: f64,
    /// 95% percentile-bootstrap interval of the mean.
    pub mean_ci: Interval,
    /// 95% percentile-bootstrap interval of the median.
    pub median_ci: Interval,
}

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
}

/// Outlier counts by side and severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Outliers {
    /// Below Q1 - 3 IQR.
    pub low_severe: u64,
    /// Between Q1 - 3 IQR and Q1 - 1.5 IQR.
    pub low_mild: u64,
    /// Between Q3 + 1.5 IQR and Q3 + 3 IQR.
    pub high_mild: u64,
    /// Above Q3 + 3 IQR.
    pub high_severe: u64,
}

impl Outliers {
    /// All outliers.
    pub fn total(&self) -> u64 {
        self.low_severe + self.low_mild + self.high_mild + self.high_severe
    }
}

/// Latency percentiles in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest value.
    pub max: f64,
    /// What each value is.
    pub granularity: Granularity,
    /// Number of values.
    pub count: u64,
}

/// What one recorded value stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// One iteration, timed on its own.
    Iteration,
    /// The mean iteration of one sample (iterations too short to time alone).
    Sample,
}
