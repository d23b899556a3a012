//! criterion's own files, as criterion 0.5 to 0.8 write them under
//! `target/criterion/<directory_name>/<set>/` (`<set>` is `new`, `base` or a saved baseline's
//! name): `benchmark.json` (the benchmark's id), `estimates.json` (its statistics) and
//! `sample.json` (the raw samples). qudag-bench reads them (`qudag-bench import criterion`)
//! and writes them ([`crate::report::criterion_tree`]); the field names are criterion's
//! (its `report::BenchmarkId`, `estimate::Estimates` and `SavedSample`), not ours to change.

use serde::{Deserialize, Serialize};

/// `benchmark.json`: who the benchmark is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchmarkJson {
    /// The group (`c.benchmark_group(..)`), or the whole id of `c.bench_function(id, ..)`.
    pub group_id: String,
    /// The function inside the group; `null` for `BenchmarkId::from_parameter` and
    /// `c.bench_function`.
    pub function_id: Option<String>,
    /// The parameter (`BenchmarkId::new(_, parameter)`, `from_parameter`).
    pub value_str: Option<String>,
    /// What one iteration processes.
    pub throughput: Option<Throughput>,
    /// `group/function/value`, leaving out the parts that are `null`.
    pub full_id: String,
    /// The directory under `target/criterion` (each part made safe for file names).
    pub directory_name: String,
    /// The id shown in criterion's HTML report (`full_id`, cut at 100 bytes). Criterion 0.5
    /// and later write it; absent is read as empty.
    #[serde(default)]
    pub title: String,
}

/// criterion's `Throughput`, serialized as `{"Bytes": 1024}`; also the type of
/// `qudag-bench-criterion`'s `group.throughput(..)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Throughput {
    /// Bytes per iteration.
    Bytes(u64),
    /// Bytes per iteration, shown with decimal prefixes.
    BytesDecimal(u64),
    /// Elements per iteration.
    Elements(u64),
    /// Bits per iteration (criterion 0.7 and later).
    Bits(u64),
    /// Elements and bytes per iteration, elements first (criterion 0.8).
    ElementsAndBytes {
        /// Elements per iteration.
        elements: u64,
        /// Bytes per iteration.
        bytes: u64,
    },
}

/// `sample.json`: the raw samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleJson {
    /// How the iteration counts were chosen.
    pub sampling_mode: SamplingMode,
    /// Iterations in each sample.
    pub iters: Vec<f64>,
    /// Total time of each sample, ns (with criterion's default wall-time measurement).
    pub times: Vec<f64>,
}

/// criterion's sampling mode as it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SamplingMode {
    /// Sample `i` runs `i * d` iterations (what the slope is fitted for).
    Linear,
    /// Every sample runs about as many iterations.
    Flat,
}

/// `estimates.json`: statistics of the time per iteration, ns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimatesJson {
    /// Mean.
    pub mean: Estimate,
    /// Median.
    pub median: Estimate,
    /// Median absolute deviation, scaled by 1.4826 (criterion's definition).
    pub median_abs_dev: Estimate,
    /// Slope of total time against iterations through the origin; `null` when not fitted.
    pub slope: Option<Estimate>,
    /// Standard deviation.
    pub std_dev: Estimate,
}

/// One statistic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Its bootstrap confidence interval.
    pub confidence_interval: ConfidenceInterval,
    /// The statistic of the samples.
    pub point_estimate: f64,
    /// Standard deviation of its bootstrap distribution.
    pub standard_error: f64,
}

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceInterval {
    /// E.g. 0.95.
    pub confidence_level: f64,
    /// Lower bound.
    pub lower_bound: f64,
    /// Upper bound.
    pub upper_bound: f64,
}
