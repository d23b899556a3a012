//! The trend of each benchmark over earlier runs, as the HTML report draws it. The
//! `qudag-bench` command reads it from the history; the bench binary has none.

use std::collections::BTreeMap;

/// One run's estimate of a benchmark, for trend charts.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// The run's id.
    pub run_id: String,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// Its git commit, if known.
    pub commit: Option<String>,
    /// Median time per iteration, ns.
    pub median_ns: f64,
    /// Lower bound of the median's 95% interval, ns.
    pub lower_ns: Option<f64>,
    /// Upper bound.
    pub upper_ns: Option<f64>,
}

/// Runs of each benchmark shown in the HTML trend charts.
pub const TREND_RUNS: usize = 50;

/// Trend points by (bench target, benchmark id).
pub type Trends = BTreeMap<(String, String), Vec<TrendPoint>>;
