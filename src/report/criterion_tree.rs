//! A run report's measured benchmarks as criterion's results tree, so that critcmp and the
//! CI scripts that read `target/criterion` keep working: for each benchmark with status `ok`
//! and raw samples, `<dir>/<directory_name>/<set>/{benchmark,estimates,sample}.json` in the
//! layout of criterion 0.5 to 0.8 (types in [`crate::schema::criterion`]).
//!
//! Every figure is computed from the report's raw samples, none copied or invented:
//! - `sample.json`: `iters` as measured; `times[i]` is sample `i` minus the overheads the
//!   report subtracts (one timer read, the empty loop per iteration), i.e. `iters[i]` times the
//!   per-iteration time the report's statistics are of, so that `times / iters` and
//!   `estimates.json` agree. `sampling_mode` is `Flat`: qudag-bench's samples all run about
//!   the planned number of iterations (jittered), which is criterion's flat mode.
//! - `estimates.json`: mean, median, standard deviation and median absolute deviation (scaled
//!   by 1.4826, as criterion scales it) of the per-iteration times, each with its 95%
//!   percentile-bootstrap interval and standard error from [`crate::stats::estimates`]
//!   (qudag-bench's bootstrap: 5,000 resamples for up to 600 samples, fewer above, where
//!   criterion draws 100,000). `slope`, criterion's least-squares fit of total time against
//!   iterations through the origin, only when the iteration counts differ between samples;
//!   with equal counts the fit is the mean again and `slope` is `null`, as criterion leaves it
//!   in flat mode.
//! - `benchmark.json`: the id split into criterion's parts by [`split_id`] (or the caller's
//!   split, [`write_set`]); `directory_name` made safe for file names by criterion's rule
//!   ([`make_filename_safe`]), with `_2`, `_3` appended when two benchmarks land in the same
//!   directory, as criterion does; throughput in criterion's form (per iteration of all
//!   threads for a multi-threaded benchmark, since its times are per thread).
//!
//! Criterion's `tukey.json`, `raw.csv` and `report/` plots are not written.

use crate::error::Error;
use crate::schema::criterion::{
    BenchmarkJson, ConfidenceInterval, Estimate, EstimatesJson, SampleJson, SamplingMode,
    Throughput as CThroughput,
};
use crate::schema::{BenchResult, Interval, RunReport, Status, Throughput};
use crate::stats::estimates::{Bootstrapped, bootstrap_slope, spread};
use crate::stats::per_iteration;
use crate::store::atomic;
use std::collections::HashSet;
use std::path::Path;

/// The confidence level of every interval written (criterion's default too).
pub const LEVEL: f64 = 0.95;

/// criterion scales the median absolute deviation to estimate a normal standard deviation.
const MAD_SCALE: f64 = 1.4826;

/// Longest directory name part, in bytes (criterion's `MAX_DIRECTORY_NAME_LEN`).
const MAX_DIRECTORY_NAME_LEN: usize = 64;

/// Longest title, in bytes, before `...` (criterion's `MAX_TITLE_LEN`).
const MAX_TITLE_LEN: usize = 100;

/// A benchmark id in criterion's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionId {
    /// The group (or the whole id of a top-level `bench_function`).
    pub group_id: String,
    /// The function inside the group.
    pub function_id: Option<String>,
    /// The parameter.
    pub value_str: Option<String>,
}

impl CriterionId {
    /// criterion's `full_id`: the parts present, joined by `/`.
    pub fn full_id(&self) -> String {
        let mut parts = vec![self.group_id.as_str()];
        parts.extend(self.function_id.as_deref());
        parts.extend(self.value_str.as_deref());
        parts.join("/")
    }

    /// criterion's `directory_name`: each part made safe, joined by `/`.
    pub fn directory_name(&self) -> String {
        let mut parts = vec![make_filename_safe(&self.group_id)];
        parts.extend(self.function_id.as_deref().map(make_filename_safe));
        parts.extend(self.value_str.as_deref().map(make_filename_safe));
        parts.join("/")
    }
}

/// How a qudag-bench id splits into criterion's parts, split at `/`:
/// - one part: the group alone (criterion's top-level `c.bench_function("id")`);
/// - when the benchmark has an argument (`arg`) and the id ends in `/<arg>`: the argument is
///   the value, and what comes before is the group (`blake3/1024`, as criterion's
///   `BenchmarkId::from_parameter` gives `group/parameter`) or, when it holds a `/` itself,
///   the group up to its first `/` and the function;
/// - otherwise two parts are `group/function` (`group.bench_function("name")`), and three or
///   more `group/function/value`, the function being everything between the first and the
///   last `/`.
///
/// A group or function whose own name holds a `/` cannot be told apart from this; a caller
/// that knows the parts passes them to [`write_set`].
pub fn split_id(b: &BenchResult) -> CriterionId {
    let with_arg = b.arg.as_deref().and_then(|arg| {
        let rest = b.id.strip_suffix(arg)?.strip_suffix('/')?;
        (!rest.is_empty()).then_some((rest, arg))
    });
    let (head, value_str) = match with_arg {
        Some((rest, arg)) => (rest, Some(arg.to_string())),
        None => match b.id.split_once('/') {
            Some((_, tail)) if tail.contains('/') => {
                let (head, value) = b.id.rsplit_once('/').expect("holds a /");
                (head, Some(value.to_string()))
            }
            _ => (b.id.as_str(), None),
        },
    };
    let (group_id, function_id) = match head.split_once('/') {
        Some((group, function)) => (group.to_string(), Some(function.to_string())),
        None => (head.to_string(), None),
    };
    CriterionId {
        group_id,
        function_id,
        value_str,
    }
}

/// A name part made safe for a directory name by criterion's rule (criterion 0.5's
/// `report::make_filename_safe`, unchanged through 0.8): `?"/\*<>:|^` become `_`, the result is
/// cut to 64 bytes at a character boundary, and on Windows trailing spaces are trimmed and
/// letters lowercased.
pub fn make_filename_safe(part: &str) -> String {
    let replaced: String = part
        .chars()
        .map(|c| match c {
            '?' | '"' | '/' | '\\' | '*' | '<' | '>' | ':' | '|' | '^' => '_',
            c => c,
        })
        .collect();
    let cut = cut_at_char_boundary(&replaced, MAX_DIRECTORY_NAME_LEN);
    if cfg!(windows) {
        cut.trim_end().to_lowercase()
    } else {
        cut.to_string()
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn cut_at_char_boundary(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Writes the `ok` benchmarks of `report` under `dir` as criterion's set `new`, ids split by
/// [`split_id`]. Errors ([`Error::Write`]) name the file; each file is written atomically.
pub fn write(report: &RunReport, dir: &Path) -> Result<(), Error> {
    write_set(report, dir, "new", &split_id)
}

/// [`write`] into criterion's set `set` (`new`, `base` or a baseline name) with the ids split
/// by `ids`.
pub fn write_set(
    report: &RunReport,
    dir: &Path,
    set: &str,
    ids: &dyn Fn(&BenchResult) -> CriterionId,
) -> Result<(), Error> {
    for (directory, docs) in documents(report, ids) {
        let at = dir.join(&directory).join(set);
        save(&at.join("benchmark.json"), &docs.benchmark)?;
        save(&at.join("estimates.json"), &docs.estimates)?;
        save(&at.join("sample.json"), &docs.sample)?;
    }
    Ok(())
}

fn save(path: &Path, doc: &impl serde::Serialize) -> Result<(), Error> {
    // Pretty, as every other document: one serializer compiled for all (docs/build-time.md).
    let bytes = serde_json::to_vec_pretty(doc).expect("criterion's documents serialize");
    atomic::write(path, &bytes)
}

/// The three documents of one benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Documents {
    /// `benchmark.json`.
    pub benchmark: BenchmarkJson,
    /// `estimates.json`.
    pub estimates: EstimatesJson,
    /// `sample.json`.
    pub sample: SampleJson,
}

/// The documents of every `ok` benchmark of `report` with raw samples, by directory name
/// (unique: `_2`, `_3` appended on a collision, as criterion does).
pub fn documents(
    report: &RunReport,
    ids: &dyn Fn(&BenchResult) -> CriterionId,
) -> Vec<(String, Documents)> {
    let mut taken = HashSet::new();
    let mut out = Vec::new();
    for b in &report.benchmarks {
        if b.status != Status::Ok || b.samples_ns.is_empty() {
            continue;
        }
        let id = ids(b);
        let directory = unique(id.directory_name(), &taken);
        taken.insert(directory.clone());
        let docs = Documents {
            benchmark: benchmark_json(&id, &directory, b),
            estimates: estimates(b),
            sample: sample(b),
        };
        out.push((directory, docs));
    }
    out
}

/// `name`, or `name_2`, `name_3`, ... when taken.
fn unique(name: String, taken: &HashSet<String>) -> String {
    if !taken.contains(&name) {
        return name;
    }
    (2..)
        .map(|n| format!("{name}_{n}"))
        .find(|candidate| !taken.contains(candidate))
        .expect("some suffix is free")
}

fn benchmark_json(id: &CriterionId, directory: &str, b: &BenchResult) -> BenchmarkJson {
    let full_id = id.full_id();
    let mut title = cut_at_char_boundary(&full_id, MAX_TITLE_LEN).to_string();
    if title != full_id {
        title.push_str("...");
    }
    let threads = b.threads.unwrap_or(1).max(1);
    BenchmarkJson {
        group_id: id.group_id.clone(),
        function_id: id.function_id.clone(),
        value_str: id.value_str.clone(),
        throughput: b.throughput.map(|t| match t.per_iter {
            Throughput::Bytes(n) => CThroughput::Bytes(n.saturating_mul(threads)),
            Throughput::Elements(n) => CThroughput::Elements(n.saturating_mul(threads)),
        }),
        full_id,
        directory_name: directory.to_string(),
        title,
    }
}

/// The per-iteration times the report's statistics are of.
fn per_iter(b: &BenchResult) -> Vec<f64> {
    let (per_sample, per_iter) = b
        .overhead
        .map_or((0.0, 0.0), |o| (o.per_sample_ns, o.per_iter_ns));
    per_iteration(&b.iters_per_sample, &b.samples_ns, per_sample, per_iter)
}

fn sample(b: &BenchResult) -> SampleJson {
    let iters: Vec<f64> = b.iters_per_sample.iter().map(|&n| n as f64).collect();
    let times = per_iter(b).iter().zip(&iters).map(|(t, n)| t * n).collect();
    SampleJson {
        sampling_mode: SamplingMode::Flat,
        iters,
        times,
    }
}

fn estimates(b: &BenchResult) -> EstimatesJson {
    let values = per_iter(b);
    let s = spread(&values, LEVEL);
    let iters: Vec<f64> = b.iters_per_sample.iter().map(|&n| n as f64).collect();
    let counts_differ = b.iters_per_sample.windows(2).any(|w| w[0] != w[1]);
    let slope = counts_differ.then(|| {
        let totals: Vec<f64> = values.iter().zip(&iters).map(|(t, n)| t * n).collect();
        bootstrap_slope(&iters, &totals, LEVEL).map(|b| estimate(b, 1.0))
    });
    EstimatesJson {
        mean: estimate(s.mean, 1.0),
        median: estimate(s.median, 1.0),
        median_abs_dev: estimate(s.mad, MAD_SCALE),
        slope: slope.flatten(),
        std_dev: estimate(s.std_dev, 1.0),
    }
}

/// criterion's form of a bootstrapped statistic, multiplied by `scale`.
fn estimate(b: Bootstrapped, scale: f64) -> Estimate {
    let Interval {
        lower,
        upper,
        level,
    } = b.interval;
    Estimate {
        confidence_interval: ConfidenceInterval {
            confidence_level: level,
            lower_bound: lower * scale,
            upper_bound: upper * scale,
        },
        point_estimate: b.point * scale,
        standard_error: b.standard_error * scale,
    }
}

#[cfg(test)]
#[path = "criterion_tree_tests.rs"]
mod tests;
