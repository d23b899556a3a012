//! The A/B report, `qudag-bench/ab/v1`, and the instruction-count A/B.

use super::InstructionCount;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct AbReport {
    /// Always `qudag-bench/ab/v1`.
    pub schema: String,
    /// The base binary.
    pub base: String,
    /// The head binary.
    pub head: String,
    /// How much was measured.
    pub plan: Plan,
    /// What counts.
    pub thresholds: Thresholds,
    /// Whether flagged regressions were re-measured in fresh processes.
    pub confirm: bool,
    /// Per benchmark, in the base binary's order (then new ones).
    pub benchmarks: Vec<AbResult>,
    /// Wall time of the whole comparison (s).
    pub wall_s: f64,
}

/// One benchmark's comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct AbResult {
    /// Benchmark id.
    pub id: String,
    /// The verdict.
    pub verdict: AbVerdict,
    /// Estimated relative change of head against base (`0.02` = 2% slower); `null` when not
    /// measured.
    pub change: Option<f64>,
    /// Lower one-sided bound of the change.
    pub lower: Option<f64>,
    /// Upper one-sided bound of the change.
    pub upper: Option<f64>,
    /// The measurement that decided the verdict (the confirmation, when there was one).
    pub measurement: Option<Measurement>,
    /// The first pass, when a confirmation followed it.
    pub first_pass: Option<Measurement>,
    /// Why the verdict is what it is, in words.
    pub note: String,
}

/// How much to measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Plan {
    /// Timed length of one sample to aim for (the iteration count is fixed from it once).
    #[serde(with = "secs")]
    #[cfg_attr(feature = "json-schema", schemars(with = "f64"))]
    pub sample_target: Duration,
    /// Warmup of each side, per round and benchmark.
    #[serde(with = "secs")]
    #[cfg_attr(feature = "json-schema", schemars(with = "f64"))]
    pub warmup: Duration,
    /// Time spent taking pairs, per round and benchmark.
    #[serde(with = "secs")]
    #[cfg_attr(feature = "json-schema", schemars(with = "f64"))]
    pub pairs_time: Duration,
    /// Pairs per round even when `pairs_time` is over.
    pub min_pairs: u32,
    /// Rounds before precision may stop a benchmark.
    pub min_rounds: u32,
    /// Wall time per benchmark, warmups included, after which it stops at the end of a round.
    #[serde(with = "secs")]
    #[cfg_attr(feature = "json-schema", schemars(with = "f64"))]
    pub budget: Duration,
    /// Longest wait for one reply from a worker (a sample, the setup before the timing call).
    #[serde(with = "secs")]
    #[cfg_attr(feature = "json-schema", schemars(with = "f64"))]
    pub timeout: Duration,
    /// Seed of the order inside each pair.
    pub seed: u64,
}

/// A benchmark being measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Measurement {
    /// Benchmark id.
    pub id: String,
    /// Iterations per sample, the same on both sides (fixed in the first round).
    pub iters_per_sample: Option<u64>,
    /// Each round's median log ratio.
    pub round_estimates: Vec<f64>,
    /// Pairs taken in each round.
    pub round_pairs: Vec<u32>,
    /// Each round's standard error from its own pairs (normal-theory error of a median,
    /// from the MAD of the log ratios).
    pub round_se: Vec<f64>,
    /// Whether later rounds were shortened because rounds differ far more than their own
    /// errors explain (per-process effects: more, shorter rounds are worth more).
    pub short_rounds: bool,
    /// Wall time spent on this benchmark (s).
    pub wall_s: f64,
    /// Wall time of each round (s).
    pub round_wall_s: Vec<f64>,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Whether it stopped because the budget ran out before the interval was precise enough.
    pub budget_exhausted: bool,
}

/// What the comparison is sensitive to (fractions: `0.01` is 1%).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Thresholds {
    /// Changes smaller than this do not count as regressions.
    pub margin: f64,
    /// Changes this large must be caught.
    pub must_catch: f64,
    /// Confidence of each one-sided bound.
    pub confidence: f64,
}

/// One benchmark's A/B outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AbVerdict {
    /// Head is slower than base by more than the margin (confirmed in fresh processes).
    Regressed,
    /// Head is not slower by the must-catch size or more.
    Ok,
    /// The measurement could not tell within its budget.
    Inconclusive,
    /// The benchmark failed on one side (panic, no timing call, hang).
    Failed,
    /// Only in head.
    New,
    /// Only in base.
    Missing,
}

/// The instruction verdict of one benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InstrVerdict {
    /// At least 1% (`ab::instructions::REGRESSION`) more instructions per iteration.
    Regressed,
    /// At least 0.2% (`WARNING`) more.
    Warning,
    /// Less than that (or fewer instructions).
    Ok,
    /// A count could not be taken on one side.
    Failed,
}

/// One benchmark's instruction comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct InstrResult {
    /// Benchmark id.
    pub id: String,
    /// The verdict.
    pub verdict: InstrVerdict,
    /// Relative change of instructions per iteration, head against base.
    pub change: Option<f64>,
    /// Base's count.
    pub base: Option<InstructionCount>,
    /// Head's count.
    pub head: Option<InstructionCount>,
    /// Why a count is missing.
    pub error: Option<String>,
}

/// The report of `qudag-bench ab --instructions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct InstrReport {
    /// Always `qudag-bench/ab-instructions/v1`.
    pub schema: String,
    /// The base bench executable.
    pub base: String,
    /// The head bench executable.
    pub head: String,
    /// The relative increase of instructions per iteration that is a regression.
    pub regression: f64,
    /// The relative increase that is a warning.
    pub warning: f64,
    /// One entry per benchmark both executables list, in base's order.
    pub benchmarks: Vec<InstrResult>,
}

/// The rounds' estimates combined: all on the log scale.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]
pub struct Combined {
    /// Mean of the round estimates.
    pub mean: f64,
    /// Lower one-sided bound at the given confidence (`-inf` with fewer than two rounds).
    pub lower: f64,
    /// Upper one-sided bound at the given confidence (`+inf` with fewer than two rounds).
    pub upper: f64,
    /// Rounds combined.
    pub rounds: usize,
}

/// Durations in the report as seconds (a number), not serde's `{secs, nanos}`.
mod secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// A duration as a number of seconds.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    /// A number of seconds as a duration.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
    }
}
