//! The change-point report, `qudag-bench/changes/v1`: where the history shows a benchmark's
//! median moving to a new level (`qudag-bench history --changes --format json`).

use serde::{Deserialize, Serialize};

/// The level changes found in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct ChangeReport {
    /// Always `qudag-bench/changes/v1`.
    pub schema: String,
    /// How the changes were found.
    pub method: ChangeMethod,
    /// Series analysed: one per benchmark and host with enough complete runs.
    pub series: u64,
    /// Significant changes smaller than `method.min_change` in either direction: not listed,
    /// and merged into the levels around them (the listed changes' medians and run counts
    /// span them).
    pub below_min_change: u64,
    /// The changes, by benchmark, host and run order.
    pub changes: Vec<LevelChange>,
}

/// The method and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct ChangeMethod {
    /// `e-divisive means` (Matteson and James 2014) on the natural log of each run's median.
    pub name: String,
    /// What each run contributes: its median time (`time`) or its instructions per iteration
    /// counted by callgrind (`instructions`, from runs with `--instructions`). Absent in
    /// reports written before it existed: `time`.
    #[serde(default)]
    pub measure: ChangeMeasure,
    /// Significance level of each permutation test.
    pub alpha: f64,
    /// Shuffles per permutation test.
    pub permutations: u64,
    /// Fewest runs on each side of a change.
    pub min_runs: u64,
    /// Smallest relative shift listed (fraction).
    pub min_change: f64,
}

/// The figure of each run that a change report searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ChangeMeasure {
    /// The run's median time per iteration.
    #[default]
    Time,
    /// The run's instructions per iteration (callgrind): the same on every run of one build,
    /// so a step is seen however noisy the machine's timings are.
    Instructions,
}

/// One benchmark's median moving to a new level on one host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct LevelChange {
    /// The benchmark id.
    pub bench_id: String,
    /// Its bench target.
    pub bench_target: String,
    /// The host the runs ran on (series never mix hosts); `null` when unrecorded.
    pub host: Option<String>,
    /// The first run at the new level.
    pub run_id: String,
    /// Its start time (RFC 3339).
    pub started_at: String,
    /// Its git commit, if recorded.
    pub commit: Option<String>,
    /// The last run at the old level.
    pub previous_run_id: String,
    /// Its git commit: the change came in `previous_commit..commit`.
    pub previous_commit: Option<String>,
    /// Median of the run medians at the old level, ns (measure `time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_before_ns: Option<f64>,
    /// Median of the run medians at the new level, ns (measure `time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_after_ns: Option<f64>,
    /// Median of the runs' instructions per iteration at the old level (measure
    /// `instructions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions_before: Option<f64>,
    /// Median of the runs' instructions per iteration at the new level (measure
    /// `instructions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions_after: Option<f64>,
    /// Relative shift of the level, after / before - 1 (0.1 = 10% slower or 10% more
    /// instructions).
    pub shift: f64,
    /// Runs at the old level (since the previous change).
    pub runs_before: u64,
    /// Runs at the new level (until the next change).
    pub runs_after: u64,
    /// The permutation test's p-value.
    pub p_value: f64,
    /// `1 - p_value`.
    pub confidence: f64,
}
