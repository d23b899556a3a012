//! The run report, `qudag-bench/run/v1`: one document per bench target run, written to
//! `results/<bench-target>.json`, the baselines and `--json`. A value that could not be measured
//! is `null`, and the reason is given next to it (`error`, or the environment's `unavailable`).

use super::{BaselineInfo, BenchResult, Environment, KeptBinary};
use serde::{Deserialize, Serialize};

/// One bench target run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct RunReport {
    /// Always `qudag-bench/run/v1`.
    pub schema: String,
    /// Unique id of this run.
    pub run_id: String,
    /// The bench target (`cargo bench --bench NAME`).
    pub bench_target: String,
    /// RFC 3339 start time (UTC).
    pub started_at: String,
    /// RFC 3339 end time (UTC).
    pub finished_at: String,
    /// Where the numbers were measured.
    pub environment: Environment,
    /// The effective configuration of the run.
    pub config: RunConfig,
    /// One entry per benchmark that was run, in run order.
    pub benchmarks: Vec<BenchResult>,
    /// The baseline compared against (`--baseline`), if any.
    pub baseline: Option<BaselineInfo>,
    /// The gate's decision with `--gate`; `null` without it.
    pub gate: Option<GateResult>,
    /// Counts.
    pub summary: RunSummary,
    /// The group of bench target runs this run belongs to: `qudag-bench run` gives every
    /// target of one invocation the same id (`--run-group`, `QUDAG_BENCH_RUN_GROUP`); `null`
    /// for a run of its own. Absent in reports written before it existed.
    #[serde(default)]
    pub run_group: Option<String>,
    /// Present only while the run is in flight: the harness rewrites `results/<target>.json`
    /// after each benchmark, so a process that crashes keeps what it measured. A report that
    /// still has it after its process is gone is the record of an interrupted run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<Incomplete>,
    /// In a saved baseline: the bench executable that measured it, kept in the baseline's
    /// directory (absent with `--no-save-binary`, in other reports, and in baselines saved
    /// before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<KeptBinary>,
}

/// The state of a run report written while the run was in flight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Incomplete {
    /// Process id of the bench binary that writes the report.
    pub pid: u32,
    /// Benchmarks selected to run; `benchmarks` holds those finished so far.
    pub selected: u64,
}

/// The run's configuration as resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct RunConfig {
    /// `qudag-bench.toml` that was read, if any.
    pub config_file: Option<String>,
    /// Whether `--quick` was on.
    pub quick: bool,
    /// Settings for a benchmark with no attribute, suite or benchmark options.
    pub defaults: EffectiveSettings,
    /// The libtest filter.
    pub filter: Option<String>,
    /// `--exact`.
    pub exact: bool,
    /// `--skip` patterns.
    pub skip: Vec<String>,
    /// `--suite` values.
    pub suites: Vec<String>,
    /// `--tag` values.
    pub tags: Vec<String>,
}

/// The effective settings in report form (seconds as numbers).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct EffectiveSettings {
    /// Warmup time in seconds.
    pub warmup_time_s: f64,
    /// Measurement time limit in seconds.
    pub measure_time_s: f64,
    /// Sample target.
    pub samples: u32,
    /// Timeout in seconds.
    pub timeout_s: f64,
    /// Noise threshold for baseline comparisons, percent.
    pub noise_threshold_pct: f64,
    /// Precision target: measurement stopped once the median's 95% interval was within this
    /// many percent; 0 for the fixed plan. Absent from reports made before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision_pct: Option<f64>,
}

/// Counts for the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct RunSummary {
    /// Benchmarks measured.
    pub ok: u64,
    /// Benchmarks that failed.
    pub failed: u64,
    /// Benchmarks that timed out.
    pub timeout: u64,
    /// Benchmarks that skipped themselves (`b.skip`), with a reason. Left out when zero, so
    /// reports without skips read as before skipping existed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped: u64,
    /// Ignored benchmarks (not run).
    pub ignored: u64,
    /// Benchmarks excluded by the filter, `--skip`, `--suite` or `--tag`.
    pub filtered_out: u64,
    /// Performance targets met.
    pub targets_met: u64,
    /// Performance targets missed.
    pub targets_missed: u64,
}

/// The gate's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct GateResult {
    /// Whether the gate failed (exit code 3).
    pub failed: bool,
    /// One line per reason: a regression or a missed target.
    pub reasons: Vec<String>,
}

/// Whether a count is zero: such a count added within version 1 is left out of the document.
fn is_zero(n: &u64) -> bool {
    *n == 0
}
