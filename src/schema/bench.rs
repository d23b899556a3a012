//! One benchmark's result inside a run report, and the measurements it carries.

use super::EffectiveSettings;
use super::{Comparison, Interval, MetricResult, Outliers, Percentiles, SystemMetrics, TimeStats};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Outcome of one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Measured.
    Ok,
    /// Panicked, or did not call a timing method.
    Failed,
    /// Exceeded its timeout.
    Timeout,
    /// Not run here: the benchmark called `b.skip(reason)` (its `skip_reason`), for example
    /// because the host lacks what it needs. Not a failure, and never compared or gated.
    Skipped,
}

impl Status {
    /// Whether this outcome fails the run: `failed` or `timeout` (exit status 101).
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Failed | Status::Timeout)
    }
}

/// Source location of a benchmark function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Location {
    /// File path as the compiler saw it.
    pub file: String,
    /// Line of the attribute's function.
    pub line: u32,
}

/// Overheads subtracted from the raw samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Overhead {
    /// Subtracted once per sample (one timer read), ns.
    pub per_sample_ns: f64,
    /// Subtracted per iteration (the empty timed loop), ns.
    pub per_iter_ns: f64,
}

/// Throughput at the median time.
// Read by `flat_read`, not by a derived reader (the doc comment is the JSON Schema's text).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct ThroughputResult {
    /// What one iteration processes.
    #[serde(flatten)]
    pub per_iter: Throughput,
    /// Units (bytes or elements) per second at the median time per iteration; `null` if the
    /// median is 0.
    pub per_second: Option<f64>,
}

/// One benchmark's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct BenchResult {
    /// Stable id.
    pub id: String,
    /// Function name (or `name` option).
    pub name: String,
    /// Argument's display name.
    pub arg: Option<String>,
    /// Suite.
    pub suite: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Source location.
    pub location: Location,
    /// Outcome.
    pub status: Status,
    /// Why the benchmark failed or timed out.
    pub error: Option<String>,
    /// Why the benchmark skipped itself (status `skipped`): the reason it gave `b.skip`.
    /// Absent otherwise, and from reports made before skipping existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// Effective settings.
    pub config: EffectiveSettings,
    /// Iterations in each sample (jittered around the plan).
    pub iters_per_sample: Vec<u64>,
    /// Raw elapsed time of each sample as read from the timer, ns.
    pub samples_ns: Vec<u64>,
    /// Overheads subtracted before the statistics.
    pub overhead: Option<Overhead>,
    /// Statistics of the time per iteration (ns), from the samples minus the overheads.
    pub time_ns: Option<TimeStats>,
    /// Latency percentiles: per iteration when iterations are long enough to time alone
    /// (`granularity: iteration`), otherwise of the per-sample means.
    pub percentiles_ns: Option<Percentiles>,
    /// Tukey outlier counts among the per-iteration times.
    pub outliers: Option<Outliers>,
    /// Throughput, when the benchmark declared one.
    pub throughput: Option<ThroughputResult>,
    /// The warmup.
    pub warmup: Option<Warmup>,
    /// Performance counters per iteration; `null` with `--no-perf` or when no counter could
    /// be opened (the environment's `counters` says why).
    pub counters: Option<CounterResult>,
    /// Allocations per iteration; `null` unless the bench target installs `CountingAlloc`.
    pub alloc: Option<AllocResult>,
    /// Instructions per iteration counted by callgrind; `null` without `--instructions`.
    pub instructions: Option<InstructionCount>,
    /// The performance target from `qudag-bench.toml`, if one is set for this benchmark.
    pub target: Option<TargetResult>,
    /// Against the baseline given with `--baseline`; `null` without one.
    pub comparison: Option<Comparison>,
    /// Threads that ran the routine at once (`threads` option); `null` when single-threaded.
    /// Times are then per iteration per thread and throughput is the aggregate of all threads.
    pub threads: Option<u64>,
    /// System metrics over the benchmark (setup to teardown); `null` with
    /// `--no-system-metrics`.
    pub system: Option<SystemMetrics>,
    /// Wall time of the whole benchmark (setup to teardown), seconds.
    pub wall_time_s: f64,
    /// Why measurement stopped, for a measured benchmark. Absent from reports made before it
    /// existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_reason: Option<StopReason>,
    /// Wall time of the measurement phase (after the warmup), ns, for a measured benchmark.
    /// Absent from reports made before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_wall_ns: Option<u64>,
    /// How well the median of this host is known, beyond this run's own samples; for a
    /// measured benchmark. Absent from reports made before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
    /// The earlier run that measured this result, when the report carries it over: a run that
    /// measured only some benchmarks (a filter, `--exact`, nextest's process per benchmark)
    /// keeps the latest result of the others in `results/<target>.json` and in a baseline.
    /// `null`: measured by this report's run. Absent in reports written before it existed.
    #[serde(default)]
    pub measured_in: Option<MeasuredIn>,
    /// How it ran in a child process of its own (`--isolate`, `isolate`, a resource limit,
    /// `network`); absent when it ran in the harness's process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolation: Option<IsolationRun>,
    /// The benchmark's own figures by name (`b.metric`, `Metrics::record`). Absent when it
    /// recorded none, and from reports made before custom metrics existed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, MetricResult>,
}

/// The child process an isolated benchmark ran in: its limits and network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct IsolationRun {
    /// `memory_limit`: address space in bytes.
    pub memory_limit_bytes: Option<u64>,
    /// `cpu_time_limit`: whole seconds of CPU time.
    pub cpu_time_limit_s: Option<u64>,
    /// `open_files`: file descriptors.
    pub open_files_limit: Option<u64>,
    /// How the limits were set, joined by `+` when both: `cgroup-v1` (a memory cgroup of the
    /// child's own for `memory_limit`) and `rlimit` (`RLIMIT_CPU`, `RLIMIT_NOFILE`, and
    /// `RLIMIT_AS` for a `memory_limit` no cgroup could set); `null` without limits.
    pub limits_by: Option<String>,
    /// How `memory_limit` was set: `cgroup-v1` (the memory the child uses, swap included) or
    /// `rlimit` (`RLIMIT_AS`: its address space, where no memory cgroup could be made). Absent
    /// without `memory_limit`, and from reports made before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit_by: Option<String>,
    /// `host`, or `none`: a network namespace of its own with only loopback.
    pub network: String,
}

/// The median's uncertainty on this host: `time_ns.median_ci` describes this run's samples
/// only, while whole runs move by several percent on a shared machine. Where another run's
/// median may land, from the spread between earlier runs on this host, widens it
/// (`stats::between_runs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Uncertainty {
    /// 95% interval on this host, ns: on each side the wider of `time_ns.median_ci` and the
    /// between-run prediction half-width (where another run's median lands);
    /// `time_ns.median_ci` itself when there is no between-run spread (`reason` says why).
    pub interval: Interval,
    /// Earlier runs of this benchmark on this host that the spread comes from (the latest 20).
    pub runs: u64,
    /// Standard deviation of ln(median) between those runs (about the relative spread), from
    /// successive differences; `null` when there is none.
    pub between_runs_sd: Option<f64>,
    /// Half-width of the 95% prediction interval of another run's median on the log scale:
    /// `t * sqrt(2) * between_runs_sd`, `null` when there is none.
    pub between_runs_half_width: Option<f64>,
    /// Why there is no between-run spread (too few earlier runs, `--no-history`, no host
    /// name, an unreadable recent-medians file).
    pub reason: Option<String>,
}

/// The run a carried-over result comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct MeasuredIn {
    /// That run's id.
    pub run_id: String,
    /// That run's RFC 3339 start time (UTC).
    pub started_at: String,
}

impl BenchResult {
    /// Instructions per iteration: callgrind's count (`--instructions`), else the hardware
    /// counter's; `None` when neither was measured.
    pub fn instructions_per_iter(&self) -> Option<f64> {
        self.instructions
            .as_ref()
            .and_then(|i| i.per_iter)
            .or_else(|| self.counters.as_ref().and_then(|c| c.instructions))
    }
}

/// Work done by one iteration, for throughput figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "per_iter", rename_all = "snake_case")]
pub enum Throughput {
    /// Bytes processed per iteration.
    Bytes(u64),
    /// Elements (messages, vertices, ...) processed per iteration.
    Elements(u64),
}

/// Why measurement of a benchmark stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The median's 95% interval reached the precision target (`config.precision_pct`).
    Precision,
    /// The sample cap (`config.samples`) was reached.
    Samples,
    /// The time cap (`config.measure_time_s`) passed.
    Time,
    /// The precision target was out of reach: from 100 samples on, the interval, narrowing
    /// as one over the square root of the sample count, would still miss it at the caps.
    Unreachable,
}

/// What the warmup did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Warmup {
    /// Iterations run during warmup.
    pub iterations: u64,
    /// Wall time of the warmup in nanoseconds.
    pub wall_ns: u64,
    /// Estimated time per iteration in nanoseconds.
    pub estimate_ns: f64,
    /// Wall time spent per nanosecond of timed work during warmup (1 for `b.iter`, more when
    /// inputs are built or outputs dropped outside the timed region).
    pub wall_per_timed: f64,
    /// Whether the warmup ended because two consecutive windows agreed on the time per
    /// iteration (`true`) or at its time cap (`false`). Absent for the fixed plan
    /// (`precision_pct` 0), whose warmup always runs its whole time, and from older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled: Option<bool>,
}

/// Instructions per iteration and the runs they come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct InstructionCount {
    /// Instructions per iteration: `(total(2N) - total(N)) / N`; `null` when a run failed.
    pub per_iter: Option<f64>,
    /// Iterations of the first run (N); the second run has 2N.
    pub iterations: u64,
    /// Instructions collected in the timed loop in each run.
    pub totals: Vec<u64>,
    /// `valgrind --version`.
    pub valgrind: String,
    /// Why `per_iter` is `null`.
    pub error: Option<String>,
}

/// Performance counters per iteration of the timed loop (benchmark thread only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct CounterResult {
    /// Retired instructions.
    pub instructions: Option<f64>,
    /// CPU cycles.
    pub cycles: Option<f64>,
    /// Retired branches.
    pub branches: Option<f64>,
    /// Mispredicted branches.
    pub branch_misses: Option<f64>,
    /// Last-level cache misses.
    pub cache_misses: Option<f64>,
    /// Time on the CPU (task clock), ns.
    pub task_clock_ns: Option<f64>,
    /// Page faults.
    pub page_faults: Option<f64>,
    /// Context switches.
    pub context_switches: Option<f64>,
    /// CPU migrations.
    pub cpu_migrations: Option<f64>,
    /// Instructions per cycle.
    pub ipc: Option<f64>,
    /// Branch misses per branch.
    pub branch_miss_rate: Option<f64>,
    /// Fraction of the enabled time the hardware group was on the PMU (below 1 when the
    /// kernel multiplexed counters; counts are scaled up accordingly).
    pub hardware_running_fraction: Option<f64>,
    /// Same for the software group.
    pub software_running_fraction: Option<f64>,
    /// Whether context switches include the kernel side (see the environment's counters).
    pub context_switches_kernel: bool,
    /// Why a `null` field above is `null`, keyed by field name.
    pub unavailable: BTreeMap<String, String>,
}

impl CounterResult {
    /// The slot of a per-iteration field by its report name.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut Option<f64>> {
        Some(match name {
            "instructions" => &mut self.instructions,
            "cycles" => &mut self.cycles,
            "branches" => &mut self.branches,
            "branch_misses" => &mut self.branch_misses,
            "cache_misses" => &mut self.cache_misses,
            "task_clock_ns" => &mut self.task_clock_ns,
            "page_faults" => &mut self.page_faults,
            "context_switches" => &mut self.context_switches,
            "cpu_migrations" => &mut self.cpu_migrations,
            _ => return None,
        })
    }
}

/// Allocations per iteration of the timed loop, from `qudag_bench::CountingAlloc`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct AllocResult {
    /// Allocations (`alloc` and `alloc_zeroed`).
    pub allocs_per_iter: f64,
    /// Deallocations.
    pub deallocs_per_iter: f64,
    /// Reallocations.
    pub reallocs_per_iter: f64,
    /// Bytes allocated (including the new size of reallocations).
    pub bytes_per_iter: f64,
    /// Bytes freed (including the old size of reallocations).
    pub freed_bytes_per_iter: f64,
}

/// A performance target and whether the benchmark met it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct TargetResult {
    /// The target as written in `qudag-bench.toml`.
    pub expression: String,
    /// The target parsed.
    pub target: PerfTarget,
    /// The measured value compared (ns for time targets, units per second for throughput,
    /// the median in the metric's unit for a metric).
    pub measured: Option<f64>,
    /// Whether the target was met; `null` when it could not be checked.
    pub met: Option<bool>,
    /// Why it could not be checked.
    pub reason: Option<String>,
}

/// A parsed target.
// Read by `flat_read`, not by a derived reader (the doc comment is the JSON Schema's text).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PerfTarget {
    /// A time statistic must stay below a bound.
    Time {
        /// `median`, `mean`, `p50`, `p90`, `p99`, `p999` or `max`.
        statistic: String,
        /// The bound in nanoseconds.
        below_ns: f64,
    },
    /// Throughput at the median time must stay above a bound.
    Throughput {
        /// `bytes` or `elements`.
        unit: String,
        /// The bound in units per second.
        above_per_second: f64,
    },
    /// A custom metric's median (`b.metric`) must stay below or above a bound.
    Metric {
        /// The metric's name.
        name: String,
        /// The median must be below this; `null` for a `>` target.
        below: Option<f64>,
        /// The median must be above this; `null` for a `<` target.
        above: Option<f64>,
        /// The unit written after the bound, which must be the metric's; `null` when none
        /// was written.
        unit: Option<String>,
    },
}
