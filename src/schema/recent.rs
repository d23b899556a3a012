//! The latest medians of a bench target's benchmarks on each host, `qudag-bench/recent/v1`:
//! `$QUDAG_BENCH_HOME/recent/<bench-target>.json`, rewritten at the end of each run. The bench
//! binary reads it for the between-run spread it reports beside each interval (the history
//! database is the `qudag-bench` command's; the bench binary does not link SQLite).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The recent medians of one bench target.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct RecentMedians {
    /// Always `qudag-bench/recent/v1`.
    pub schema: String,
    /// By benchmark id, oldest first: at most the latest 20 runs per host.
    pub benchmarks: BTreeMap<String, Vec<RecentRun>>,
}

/// One run's median of one benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct RecentRun {
    /// The run (`run_id` of its report).
    pub run_id: String,
    /// The host that measured it (`environment.host`).
    pub host: String,
    /// Median time per iteration, ns.
    pub median_ns: f64,
}
