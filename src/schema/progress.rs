//! The progress of a bench target run, `qudag-bench/progress/v1`, rewritten after each benchmark.

use serde::{Deserialize, Serialize};

/// The state of one bench target's latest run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Progress {
    /// Always `qudag-bench/progress/v1`.
    pub schema: String,
    /// The run's id (the `run_id` of the report it will write).
    pub run_id: String,
    /// The bench target.
    pub bench_target: String,
    /// Process id of the bench binary, to tell a run in flight from one that died.
    pub pid: u32,
    /// Benchmarks selected to run.
    pub total: u64,
    /// Benchmarks finished (in any status).
    pub done: u64,
    /// The benchmark running now; `null` between benchmarks and at the end.
    pub current: Option<String>,
    /// RFC 3339 start time of the run (UTC).
    pub started_at: String,
    /// RFC 3339 time of this update (UTC).
    pub updated_at: String,
    /// Whether the run has ended (its report, if any, is written).
    pub finished: bool,
}

impl Progress {
    /// `done / total`, from 0 to 1 (1 for an empty run).
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.done as f64 / self.total as f64).min(1.0)
        }
    }
}
