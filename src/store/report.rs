//! The run report, schema `qudag-bench/run/v1` (JSON Schema: `schema/run-v1.schema.json`).
//! One document per bench target run. A value that could not be measured is `null`, and the
//! reason is given next to it (`error`, or the environment's `unavailable` map).

use crate::bencher::Throughput;
use crate::config::Settings;
use crate::gate::compare::{BaselineInfo, Comparison};
use crate::measure::Calibration;
use crate::measure::callgrind::InstructionCount;
use crate::measure::sampler::Warmup;
use crate::measure::stability::Stability;
use crate::measure::system::SystemMetrics;
use crate::stats::{Outliers, Percentiles, TimeStats};
use crate::store::metrics::{AllocResult, CounterAvailability, CounterResult, TargetResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The schema id written into every report.
pub const SCHEMA_ID: &str = "qudag-bench/run/v1";

/// One bench target run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// Always [`SCHEMA_ID`].
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
}

impl RunReport {
    /// For a report written while its run was in flight: what became of the run, naming it
    /// (`None` for a finished run).
    pub fn unfinished_note(&self) -> Option<String> {
        let i = self.incomplete.as_ref()?;
        let state = if super::process::gone(i.pid) {
            "did not finish (its process ended: a crash, a kill or an exit)"
        } else {
            "is still running, or did not finish"
        };
        Some(format!(
            "run {} of {} {state}: {} of {} benchmarks measured",
            self.run_id,
            crate::report::escape::Term(&self.bench_target),
            self.benchmarks.len(),
            i.selected
        ))
    }
}

/// The state of a run report written while the run was in flight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incomplete {
    /// Process id of the bench binary that writes the report.
    pub pid: u32,
    /// Benchmarks selected to run; `benchmarks` holds those finished so far.
    pub selected: u64,
}

/// Host, toolchain, build and timer facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// Version of qudag-bench that measured.
    pub qudag_bench_version: String,
    /// Host name.
    pub host: Option<String>,
    /// Operating system with version.
    pub os: Option<String>,
    /// Kernel version.
    pub kernel: Option<String>,
    /// CPU model name.
    pub cpu_model: Option<String>,
    /// Logical CPUs.
    pub cores_logical: Option<u64>,
    /// Physical cores.
    pub cores_physical: Option<u64>,
    /// Total memory in bytes.
    pub memory_bytes: Option<u64>,
    /// `rustc -V` of the compiler that built qudag-bench (and so the bench target).
    pub rustc: Option<String>,
    /// The build of the bench target.
    pub profile: Profile,
    /// The git state of the bench target's package.
    pub git: Option<Git>,
    /// Timer precision and overheads measured at start-up.
    pub timer: Calibration,
    /// Which performance counters this machine offers, and why not.
    pub counters: CounterAvailability,
    /// Frequency scaling, load, virtualisation, steal time, build: what makes timings less
    /// stable here, with the warnings printed at start.
    pub stability: Stability,
    /// Why a `null` field above is `null`, keyed by field name.
    pub unavailable: BTreeMap<String, String>,
}

/// How the bench target was built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Cargo's profile family for build scripts: `release` or `debug`.
    pub name: String,
    /// `opt-level`.
    pub opt_level: String,
    /// Whether debug assertions were on in the bench target.
    pub debug_assertions: bool,
}

/// Git state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Git {
    /// Commit hash of `HEAD`.
    pub commit: String,
    /// Branch name; `null` on a detached `HEAD`.
    pub branch: Option<String>,
    /// Whether tracked files had uncommitted changes.
    pub dirty: bool,
}

/// The run's configuration as resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// [`Settings`] in report form (seconds as numbers).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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
}

impl From<Settings> for EffectiveSettings {
    fn from(s: Settings) -> Self {
        EffectiveSettings {
            warmup_time_s: s.warmup_time.as_secs_f64(),
            measure_time_s: s.measure_time.as_secs_f64(),
            samples: s.samples,
            timeout_s: s.timeout.as_secs_f64(),
            noise_threshold_pct: s.noise_threshold.percent(),
        }
    }
}

/// Outcome of one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Measured.
    Ok,
    /// Panicked, or did not call a timing method.
    Failed,
    /// Exceeded its timeout.
    Timeout,
}

/// Source location of a benchmark function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// File path as the compiler saw it.
    pub file: String,
    /// Line of the attribute's function.
    pub line: u32,
}

/// Overheads subtracted from the raw samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Overhead {
    /// Subtracted once per sample (one timer read), ns.
    pub per_sample_ns: f64,
    /// Subtracted per iteration (the empty timed loop), ns.
    pub per_iter_ns: f64,
}

/// Throughput at the median time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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

/// Counts for the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Benchmarks measured.
    pub ok: u64,
    /// Benchmarks that failed.
    pub failed: u64,
    /// Benchmarks that timed out.
    pub timeout: u64,
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
pub struct GateResult {
    /// Whether the gate failed (exit code 3).
    pub failed: bool,
    /// One line per reason: a regression or a missed target.
    pub reasons: Vec<String>,
}
