//! Where a run was measured: host, toolchain, timer, counters and the machine's stability.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Host, toolchain, build and timer facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Git {
    /// Commit hash of `HEAD`.
    pub commit: String,
    /// Branch name; `null` on a detached `HEAD`.
    pub branch: Option<String>,
    /// Whether tracked files had uncommitted changes.
    pub dirty: bool,
}

/// Start-up measurements of the timer and the timed loops, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Calibration {
    /// Smallest non-zero difference between two consecutive timer reads.
    pub precision_ns: f64,
    /// Cost of one timer read (subtracted once from every sample).
    pub overhead_ns: f64,
    /// Per-iteration cost of `b.iter`'s loop with an empty routine.
    pub iter_loop_ns: f64,
    /// Per-iteration cost of the `with_inputs` / `iter_batched` loop with a trivial input.
    pub batched_loop_ns: f64,
    /// Per-iteration cost of `b.iter`'s loop when it records each iteration's latency (one
    /// timer read and one store more).
    pub iter_recorded_ns: f64,
    /// Same for the `with_inputs` loop.
    pub batched_recorded_ns: f64,
}

/// Counter availability on this machine, for the environment block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct CounterAvailability {
    /// Whether counters were requested (`false` with `--no-perf`).
    pub enabled: bool,
    /// Whether the hardware group opened.
    pub hardware: bool,
    /// Why not.
    pub hardware_reason: Option<String>,
    /// Whether the software group opened.
    pub software: bool,
    /// Why not.
    pub software_reason: Option<String>,
    /// Whether context switches are counted kernel-side.
    pub context_switches_kernel: bool,
}

/// The stability facts and the warnings drawn from them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Stability {
    /// CPU frequency governors in use (`performance` is the stable one), comma-separated.
    pub governor: Option<String>,
    /// Whether turbo / boost is on (frequency then depends on temperature and load).
    pub turbo: Option<bool>,
    /// Lowest CPU frequency, MHz.
    pub freq_min_mhz: Option<f64>,
    /// Highest CPU frequency, MHz.
    pub freq_max_mhz: Option<f64>,
    /// One-minute load average when the run started.
    pub load1: Option<f64>,
    /// Whether the CPU reports running under a hypervisor.
    pub virtualized: Option<bool>,
    /// Share of CPU time taken by the hypervisor (steal) since boot, %.
    pub steal_pct_since_boot: Option<f64>,
    /// Whether the bench target was built without optimisations or with debug assertions.
    pub debug_build: bool,
    /// Warnings printed at start.
    pub warnings: Vec<String>,
    /// Why a `null` field above is `null`.
    pub unavailable: BTreeMap<String, String>,
}
