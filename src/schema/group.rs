//! The summary of one `qudag-bench run`, `qudag-bench/group/v1`.

use super::RunReport;
use serde::{Deserialize, Serialize};

/// The combined document of one `qudag-bench run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GroupDocument {
    /// Always `qudag-bench/group/v1`.
    pub schema: String,
    /// The run group id, also in each report and in the history.
    pub run_group: String,
    /// Measured, or run once as a smoke test.
    pub mode: GroupMode,
    /// RFC 3339 start time.
    pub started_at: String,
    /// RFC 3339 end time.
    pub finished_at: String,
    /// Wall time of the whole run (build included), seconds.
    pub wall_time_s: f64,
    /// The combined exit code.
    pub exit_code: i32,
    /// Per target, in run order.
    pub targets: Vec<TargetOutcome>,
}

/// How `qudag-bench run` ran its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupMode {
    /// Measured (`cargo bench`).
    Bench,
    /// Each benchmark once, as a test (`--test`).
    Test,
}

/// One target's line in the summary and the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct TargetOutcome {
    /// The bench target.
    pub bench_target: String,
    /// Its package.
    pub package: String,
    /// Its exit code (`null`: ended by a signal).
    pub exit_code: Option<i32>,
    /// Wall time of its process, seconds.
    pub wall_time_s: f64,
    /// Test mode: its libtest counts, if it printed them.
    pub tests: Option<TestCounts>,
    /// Measured: its run report, if it wrote one for this group.
    pub report: Option<RunReport>,
}

/// Counts from libtest's `test result: ok. 12 passed; 0 failed; 1 ignored; ...` line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct TestCounts {
    /// Passed.
    pub passed: u64,
    /// Failed.
    pub failed: u64,
    /// Ignored.
    pub ignored: u64,
}
