//! A run on its way to the history, `qudag-bench/spool/v1`: written by the bench binary to
//! `history-spool/<run_id>.json` and imported into `history.sqlite` by the `qudag-bench`
//! command.

use super::RunReport;
use serde::{Deserialize, Serialize};

/// One spooled run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Spooled {
    /// Always `qudag-bench/spool/v1`.
    pub schema: String,
    /// The bench binary's process id.
    pub pid: i64,
    /// Its start time in clock ticks after boot (Linux), which tells it from a later process
    /// that got the same pid.
    pub pid_started: Option<i64>,
    /// The benchmark running now; `None` between benchmarks.
    pub running: Option<String>,
    /// A later run has already said that this one was interrupted.
    #[serde(default)]
    pub noted: bool,
    /// The run's report without raw samples or metric series (`store::spool::lean`), with every finished
    /// benchmark; `incomplete` is set until the run ends.
    pub report: RunReport,
}
