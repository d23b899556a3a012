//! Report types for what is measured besides time: performance counters and allocations.
//! Every figure is per iteration; what could not be measured is `null` with a reason.

use crate::config::target::Target;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Performance counters per iteration of the timed loop (benchmark thread only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

/// Allocations per iteration of the timed loop, from [`CountingAlloc`](crate::CountingAlloc).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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

/// Counter availability on this machine, for the environment block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A performance target and whether the benchmark met it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetResult {
    /// The target as written in `qudag-bench.toml`.
    pub expression: String,
    /// The target parsed.
    pub target: Target,
    /// The measured value compared (ns for time targets, units per second for throughput).
    pub measured: Option<f64>,
    /// Whether the target was met; `null` when it could not be checked.
    pub met: Option<bool>,
    /// Why it could not be checked.
    pub reason: Option<String>,
}
