//! A benchmark against a baseline: the estimates, the verdict and its confirmation.

use super::{Interval, MetricChange};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What happened to a benchmark relative to the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Significantly slower: the fastest samples' whole interval beyond the noise threshold,
    /// the median slower too, and confirmed by a re-measurement.
    Regressed,
    /// Significantly faster, likewise.
    Improved,
    /// Neither.
    Unchanged,
    /// Not in the baseline.
    New,
}

/// One benchmark against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Comparison {
    /// The verdict.
    pub verdict: Verdict,
    /// Baseline median, ns per iteration.
    pub baseline_median_ns: Option<f64>,
    /// Relative change of the median (`0.05` = 5% slower).
    pub change: Option<f64>,
    /// 95% bootstrap interval of the change.
    pub change_ci: Option<Interval>,
    /// Two-sided Mann-Whitney U p-value.
    pub p_value: Option<f64>,
    /// Relative change of the fastest samples (the 1st percentile of the time per iteration);
    /// absent in reports written before it was recorded.
    #[serde(default)]
    pub fastest_change: Option<f64>,
    /// 95% bootstrap interval of that change: the interval the verdict is decided on.
    #[serde(default)]
    pub fastest_change_ci: Option<Interval>,
    /// Whether the p-value survives Holm's correction at the gate's `ALPHA` (0.05).
    pub significant: bool,
    /// The noise threshold applied (fraction).
    pub noise_threshold: f64,
    /// The re-measurement of a benchmark first found regressed or improved; absent when
    /// there was none.
    #[serde(default)]
    pub confirmation: Option<Confirmation>,
    /// The custom metrics found in both this run and the baseline, by name; absent when
    /// there are none, and in reports written before custom metrics existed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metrics: BTreeMap<String, MetricChange>,
}

/// The second look at a flagged benchmark. The verdict stands only if it agrees. Preferred: a
/// paired A/B run of this build against the executable kept with the baseline (`method: ab`),
/// which a slower process, runner or hour cannot fool, as both builds share it. Else, the
/// benchmark measured again at the end of the run and compared with the baseline once more
/// (`method: remeasure`): a phase in which the machine ran slower rarely covers both
/// measurements, a change in the code always does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Confirmation {
    /// How it was checked. Absent in reports written before the A/B confirmation existed,
    /// which all re-measured.
    #[serde(default)]
    pub method: ConfirmMethod,
    /// The A/B run, with method `ab`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ab: Option<AbConfirmation>,
    /// Relative change of the re-measured median.
    pub change: Option<f64>,
    /// Its 95% bootstrap interval.
    pub change_ci: Option<Interval>,
    /// Relative change of the re-measured fastest samples.
    pub fastest_change: Option<f64>,
    /// Its 95% bootstrap interval.
    pub fastest_change_ci: Option<Interval>,
    /// Two-sided Mann-Whitney U p-value of the re-measurement.
    pub p_value: Option<f64>,
    /// Whether the re-measurement reached the same verdict (significance at the gate's `ALPHA` (0.05) divided
    /// by the benchmarks compared, the Bonferroni bound, which is stricter than Holm's).
    pub confirmed: bool,
}

/// How a flagged benchmark's verdict was checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConfirmMethod {
    /// Measured again in the same process, at the end of the run.
    #[default]
    Remeasure,
    /// A paired A/B run against the bench executable kept with the baseline.
    Ab,
}

/// A benchmark's paired A/B run: the baseline's kept executable (base) and this build (head)
/// alternated sample by sample in rounds of fresh processes, with `qudag-bench ab`'s protocol,
/// pinning, stopping rule and fresh-process confirmation pass. The margin is the benchmark's
/// noise threshold. The A/B run decides the verdict in either direction, whatever the first
/// look said: `regressed` when it finds this build slower by more than the margin; when it
/// finds it faster, a second run with the sides swapped must find the baseline's build slower,
/// so that "faster" passes the same test as "slower".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct AbConfirmation {
    /// The kept executable's digest (`sha256:...`).
    pub binary: String,
    /// The first look's verdict: `regressed` or `improved` when it flagged the benchmark,
    /// `unchanged` when the benchmark was only near the threshold (its median or fastest
    /// samples moved by more than half of it).
    pub first_look: Verdict,
    /// What the A/B run found, the verdict the benchmark now has.
    pub found: Verdict,
    /// Relative change of this build against the baseline's build (negative: faster), from
    /// the run that decided.
    pub change: Option<f64>,
    /// Lower end of its interval (two one-sided 95% bounds).
    pub lower: Option<f64>,
    /// Upper end of its interval.
    pub upper: Option<f64>,
    /// Rounds of fresh process pairs, over all passes.
    pub rounds: u64,
    /// Wall time of the A/B runs, seconds.
    pub wall_s: f64,
    /// The deciding run's own explanation of its verdict.
    pub note: String,
}

/// The run-level facts of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct BaselineInfo {
    /// The baseline's name.
    pub name: String,
    /// The baseline run's id and start time.
    pub run_id: String,
    /// When the baseline ran.
    pub started_at: String,
    /// Family-wise significance level.
    pub alpha: f64,
    /// `holm`.
    pub correction: String,
    /// Benchmarks compared (the Holm family size).
    pub compared: u64,
    /// Environment facts that differ (CPU, rustc, build): comparisons across them mislead.
    pub environment_differences: Vec<String>,
    /// Ids in the baseline that this run did not measure.
    pub missing: Vec<String>,
}
