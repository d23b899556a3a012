//! System metrics sampled while a benchmark ran (setup to teardown).

use serde::{Deserialize, Serialize};

/// A benchmark's series and summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct SystemMetrics {
    /// Sampling interval, seconds.
    pub interval_s: f64,
    /// Summary.
    pub summary: Summary,
    /// The readings, first at the benchmark's start, last at its end.
    pub series: Vec<Point>,
}

/// One reading.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Point {
    /// Seconds since the benchmark started.
    pub t_s: f64,
    /// Resident set size of the process, bytes.
    pub rss_bytes: u64,
    /// Process CPU use since the previous reading, % of one core (above 100 with threads).
    pub process_cpu_pct: Option<f64>,
    /// System CPU use since the previous reading, % of all cores.
    pub system_cpu_pct: Option<f64>,
    /// One-minute load average.
    pub load1: Option<f64>,
    /// Bytes per second received on all interfaces since the previous reading.
    pub net_rx_bps: Option<f64>,
    /// Bytes per second sent on all interfaces.
    pub net_tx_bps: Option<f64>,
    /// Bytes per second the process read from storage.
    pub disk_read_bps: Option<f64>,
    /// Bytes per second the process wrote to storage.
    pub disk_write_bps: Option<f64>,
}

/// Summary of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// Peak resident set size, bytes.
    pub peak_rss_bytes: u64,
    /// `vm_hwm` (the kernel's high-water mark, reset at the benchmark's start) or `sampled`.
    pub peak_rss_source: PeakSource,
    /// Mean process CPU %.
    pub mean_process_cpu_pct: Option<f64>,
    /// Mean system CPU %.
    pub mean_system_cpu_pct: Option<f64>,
    /// Highest one-minute load average seen.
    pub max_load1: Option<f64>,
    /// Mean received bytes per second.
    pub mean_net_rx_bps: Option<f64>,
    /// Mean sent bytes per second.
    pub mean_net_tx_bps: Option<f64>,
    /// Mean bytes per second read by the process.
    pub mean_disk_read_bps: Option<f64>,
    /// Mean bytes per second written by the process.
    pub mean_disk_write_bps: Option<f64>,
}

/// Where the peak RSS comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeakSource {
    /// The kernel's exact high-water mark.
    VmHwm,
    /// The largest sampled value (can miss short peaks).
    Sampled,
}
