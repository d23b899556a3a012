//! Checks on run reports read from disk: results, baselines, report files and the history's
//! copies. Deserializing proves only the shape; these rules check the values the comparison,
//! the gate and every renderer rely on, so that an edited or damaged file is an error naming
//! the file and the field (`benchmarks[3] (`ml_kem::keygen`).time_ns.median is -5.2; ...`)
//! instead of a panic or a nonsense verdict. Every rule accepts what the harness writes: times
//! are clamped at 0 after the overheads are subtracted, so 0 is a valid time, and a failed or
//! timed-out benchmark has no statistics. System metrics are not checked (only charted).

mod read;
#[cfg(test)]
mod tests;

pub use read::{
    DEFAULT_MAX_REPORT_MIB, MAX_REPORT_ENV, max_report_bytes, parse_report, read_report,
};

use crate::schema::Calibration;
use crate::schema::Comparison;
use crate::schema::ids::RUN as SCHEMA_ID;
use crate::schema::{AllocResult, CounterResult};
use crate::schema::{BenchResult, EffectiveSettings, RunReport, Status};
use crate::schema::{Interval, Percentiles, TimeStats};

/// The first bad value of a report: the field, by its path in the JSON document, and what is
/// wrong with it. The reader of a file turns it into [`Error::Corrupt`](crate::error::Error)
/// naming the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The field (`benchmarks[3] (`ml_kem::keygen`).time_ns.median`).
    pub field: String,
    /// What is wrong, following the field (`is -5.2; expected ...`).
    pub problem: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.problem)
    }
}

impl std::error::Error for Invalid {}

/// An [`Invalid`] value of `field`.
fn invalid(field: impl Into<String>, problem: String) -> Invalid {
    Invalid {
        field: field.into(),
        problem,
    }
}

/// Which data a stored report is expected to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// A complete report (`results/`, baselines, report files): a measured benchmark has its
    /// raw samples.
    Samples,
    /// The history's copy of a report, which drops raw samples and metric series by design.
    Estimates,
}

/// The most samples one benchmark can have: the largest `--samples`.
pub const MAX_SAMPLES: usize = *crate::config::SAMPLES_RANGE.end() as usize;

/// Checks the values of `report`; the error names the first bad field by its path in the
/// JSON document (the caller adds the file).
pub fn report(report: &RunReport, kept: Kept) -> Result<(), Invalid> {
    if report.schema != SCHEMA_ID {
        return Err(invalid(
            "schema",
            format!(
                "is `{}`; this qudag-bench reads `{SCHEMA_ID}` (a newer qudag-bench wrote it?)",
                report.schema.escape_debug()
            ),
        ));
    }
    settings("config.defaults", &report.config.defaults)?;
    calibration("environment.timer", &report.environment.timer)?;
    for (i, b) in report.benchmarks.iter().enumerate() {
        bench(
            &format!("benchmarks[{i}] (`{}`)", b.id.escape_debug()),
            b,
            kept,
        )?;
    }
    Ok(())
}

/// `at.field`, or `field` at the top level.
fn join(at: &str, field: &str) -> String {
    if at.is_empty() {
        field.to_string()
    } else {
        format!("{at}.{field}")
    }
}

/// Checks that `value` is finite and at least `min`; `what` completes "expected ...".
fn at_least(at: &str, field: &str, value: f64, min: f64, what: &str) -> Result<(), Invalid> {
    if value.is_finite() && value >= min {
        Ok(())
    } else {
        Err(invalid(
            join(at, field),
            format!("is {value}; expected {what}"),
        ))
    }
}

/// A duration in ns: finite and not negative (the harness clamps times at 0).
fn ns(at: &str, field: &str, value: f64) -> Result<(), Invalid> {
    at_least(at, field, value, 0.0, "a non-negative finite number of ns")
}

/// A count, rate or other quantity that cannot be negative.
fn non_negative(at: &str, field: &str, value: f64) -> Result<(), Invalid> {
    at_least(at, field, value, 0.0, "a non-negative finite number")
}

/// `low <= high`, allowing for rounding in the last digits.
fn ordered(low: f64, high: f64) -> bool {
    low <= high || low - high <= 1e-9 * low.abs().max(high.abs())
}

/// Checks that the fields named in `chain` are in non-decreasing order.
fn in_order(at: &str, chain: &[(&str, f64)]) -> Result<(), Invalid> {
    for pair in chain.windows(2) {
        let ((a, x), (b, y)) = (pair[0], pair[1]);
        if !ordered(x, y) {
            let names: Vec<&str> = chain.iter().map(|(n, _)| *n).collect();
            return Err(invalid(
                join(at, a),
                format!(
                    "is {x} but {} is {y}; expected {}",
                    join(at, b),
                    names.join(" <= ")
                ),
            ));
        }
    }
    Ok(())
}

/// An interval whose bounds are at least `min` (`min_what` says what they are), with
/// `lower <= upper` and a level between 0 and 1.
fn interval(at: &str, iv: &Interval, min: f64, min_what: &str) -> Result<(), Invalid> {
    at_least(at, "lower", iv.lower, min, min_what)?;
    at_least(at, "upper", iv.upper, min, min_what)?;
    in_order(at, &[("lower", iv.lower), ("upper", iv.upper)])?;
    if iv.level > 0.0 && iv.level < 1.0 {
        Ok(())
    } else {
        Err(invalid(
            join(at, "level"),
            format!(
                "is {}; expected a confidence level between 0 and 1",
                iv.level
            ),
        ))
    }
}

fn settings(at: &str, s: &EffectiveSettings) -> Result<(), Invalid> {
    non_negative(at, "warmup_time_s", s.warmup_time_s)?;
    non_negative(at, "measure_time_s", s.measure_time_s)?;
    non_negative(at, "timeout_s", s.timeout_s)?;
    non_negative(at, "noise_threshold_pct", s.noise_threshold_pct)
}

fn calibration(at: &str, c: &Calibration) -> Result<(), Invalid> {
    ns(at, "precision_ns", c.precision_ns)?;
    ns(at, "overhead_ns", c.overhead_ns)?;
    ns(at, "iter_loop_ns", c.iter_loop_ns)?;
    ns(at, "batched_loop_ns", c.batched_loop_ns)?;
    ns(at, "iter_recorded_ns", c.iter_recorded_ns)?;
    ns(at, "batched_recorded_ns", c.batched_recorded_ns)
}

fn bench(at: &str, b: &BenchResult, kept: Kept) -> Result<(), Invalid> {
    samples(at, b, kept)?;
    if b.status == Status::Ok && b.time_ns.is_none() {
        return Err(invalid(
            join(at, "time_ns"),
            "is null but status is `ok`; a measured benchmark has its time statistics".into(),
        ));
    }
    if (b.status == Status::Skipped) != b.skip_reason.is_some() {
        return Err(invalid(
            join(at, "skip_reason"),
            "goes with status `skipped`, and only with it: a skipped benchmark says why".into(),
        ));
    }
    if let Some(t) = &b.time_ns {
        time_stats(&join(at, "time_ns"), t)?;
    }
    if let Some(p) = &b.percentiles_ns {
        percentiles(&join(at, "percentiles_ns"), p)?;
    }
    if let Some(o) = &b.overhead {
        ns(at, "overhead.per_sample_ns", o.per_sample_ns)?;
        ns(at, "overhead.per_iter_ns", o.per_iter_ns)?;
    }
    if let Some(t) = &b.time_ns {
        median_agrees_with_samples(at, b, t.median)?;
    }
    if let Some(per_second) = b.throughput.and_then(|t| t.per_second) {
        non_negative(at, "throughput.per_second", per_second)?;
    }
    if let Some(w) = &b.warmup {
        ns(at, "warmup.estimate_ns", w.estimate_ns)?;
        non_negative(at, "warmup.wall_per_timed", w.wall_per_timed)?;
    }
    if let Some(c) = &b.counters {
        counters(&join(at, "counters"), c)?;
    }
    if let Some(a) = &b.alloc {
        alloc(&join(at, "alloc"), a)?;
    }
    if let Some(per_iter) = b.instructions.as_ref().and_then(|i| i.per_iter) {
        non_negative(at, "instructions.per_iter", per_iter)?;
    }
    if let Some(measured) = b.target.as_ref().and_then(|t| t.measured) {
        non_negative(at, "target.measured", measured)?;
    }
    if let Some(c) = &b.comparison {
        comparison(&join(at, "comparison"), c)?;
    }
    for (name, m) in &b.metrics {
        metric(&join(&join(at, "metrics"), name), name, m)?;
    }
    settings(&join(at, "config"), &b.config)?;
    non_negative(at, "wall_time_s", b.wall_time_s)
}

/// A custom metric as the harness records it: a name `b.metric` accepts, at least one value,
/// and a median within the values' range.
fn metric(at: &str, name: &str, m: &crate::schema::MetricResult) -> Result<(), Invalid> {
    if let Err(problem) = crate::measure::metrics::check_name(name) {
        return Err(invalid(
            at.to_string(),
            format!("is not a metric name: it {problem}"),
        ));
    }
    if m.values.is_empty() {
        return Err(invalid(
            join(at, "values"),
            "is empty; a metric is kept only with a recorded value".into(),
        ));
    }
    if !(m.min <= m.median && m.median <= m.max) {
        return Err(invalid(
            join(at, "median"),
            format!(
                "is {}, outside its min {} and max {}",
                m.median, m.min, m.max
            ),
        ));
    }
    Ok(())
}

/// The stored median within the range of the per-iteration times its raw samples give (after
/// the recorded overheads): the harness computes it from them, so a median outside means an
/// edited or damaged file, and a comparison would trust the wrong figure (a median of 0 read
/// as "no change"). The range, not the exact median, so that a report whose samples were
/// trimmed still reads; 0.01 ns of slack for rounding.
fn median_agrees_with_samples(at: &str, b: &BenchResult, median: f64) -> Result<(), Invalid> {
    let (Some(o), false) = (&b.overhead, b.samples_ns.is_empty()) else {
        return Ok(());
    };
    let per_iter = crate::stats::per_iteration(
        &b.iters_per_sample,
        &b.samples_ns,
        o.per_sample_ns,
        o.per_iter_ns,
    );
    let lowest = per_iter.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = per_iter.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if median >= lowest - 0.01 && median <= highest + 0.01 {
        return Ok(());
    }
    Err(invalid(
        join(at, "time_ns.median"),
        format!(
            "is {median} ns, outside the {lowest} to {highest} ns per iteration of its raw \
             samples; the statistics do not belong to these samples (an edited or damaged file)"
        ),
    ))
}

/// Raw samples: one iteration count (at least 1) per sample, at most [`MAX_SAMPLES`], and
/// present for a measured benchmark of a complete report.
fn samples(at: &str, b: &BenchResult, kept: Kept) -> Result<(), Invalid> {
    let (iters, times) = (&b.iters_per_sample, &b.samples_ns);
    if iters.len() != times.len() {
        return Err(invalid(
            join(at, "iters_per_sample"),
            format!(
                "has {} entries but {at}.samples_ns has {}; expected one iteration count per \
                 sample",
                iters.len(),
                times.len()
            ),
        ));
    }
    if times.len() > MAX_SAMPLES {
        return Err(invalid(
            join(at, "samples_ns"),
            format!(
                "has {} samples; a benchmark has at most {MAX_SAMPLES} (the largest `--samples`)",
                times.len()
            ),
        ));
    }
    if let Some(j) = iters.iter().position(|&n| n == 0) {
        return Err(invalid(
            join(at, &format!("iters_per_sample[{j}]")),
            "is 0; expected at least 1 iteration per sample".into(),
        ));
    }
    if kept == Kept::Samples && b.status == Status::Ok && times.is_empty() {
        return Err(invalid(
            join(at, "samples_ns"),
            "is empty but status is `ok`; a measured benchmark keeps its raw samples (only the \
             history's copy of a report drops them)"
                .into(),
        ));
    }
    Ok(())
}

fn time_stats(at: &str, t: &TimeStats) -> Result<(), Invalid> {
    for (field, value) in [
        ("mean", t.mean),
        ("median", t.median),
        ("std_dev", t.std_dev),
        ("mad", t.mad),
        ("min", t.min),
        ("max", t.max),
    ] {
        ns(at, field, value)?;
    }
    non_negative(at, "cv", t.cv)?;
    in_order(at, &[("min", t.min), ("median", t.median), ("max", t.max)])?;
    let ci_ns = "a non-negative finite number of ns";
    interval(&join(at, "mean_ci"), &t.mean_ci, 0.0, ci_ns)?;
    interval(&join(at, "median_ci"), &t.median_ci, 0.0, ci_ns)
}

fn percentiles(at: &str, p: &Percentiles) -> Result<(), Invalid> {
    let chain = [
        ("p50", p.p50),
        ("p90", p.p90),
        ("p99", p.p99),
        ("p999", p.p999),
        ("max", p.max),
    ];
    for (field, value) in chain {
        ns(at, field, value)?;
    }
    in_order(at, &chain)
}

fn counters(at: &str, c: &CounterResult) -> Result<(), Invalid> {
    for (field, value) in [
        ("instructions", c.instructions),
        ("cycles", c.cycles),
        ("branches", c.branches),
        ("branch_misses", c.branch_misses),
        ("cache_misses", c.cache_misses),
        ("task_clock_ns", c.task_clock_ns),
        ("page_faults", c.page_faults),
        ("context_switches", c.context_switches),
        ("cpu_migrations", c.cpu_migrations),
        ("ipc", c.ipc),
        ("branch_miss_rate", c.branch_miss_rate),
        ("hardware_running_fraction", c.hardware_running_fraction),
        ("software_running_fraction", c.software_running_fraction),
    ] {
        if let Some(v) = value {
            non_negative(at, field, v)?;
        }
    }
    Ok(())
}

fn alloc(at: &str, a: &AllocResult) -> Result<(), Invalid> {
    non_negative(at, "allocs_per_iter", a.allocs_per_iter)?;
    non_negative(at, "deallocs_per_iter", a.deallocs_per_iter)?;
    non_negative(at, "reallocs_per_iter", a.reallocs_per_iter)?;
    non_negative(at, "bytes_per_iter", a.bytes_per_iter)?;
    non_negative(at, "freed_bytes_per_iter", a.freed_bytes_per_iter)
}

/// A relative change: a ratio of non-negative times minus 1, so at least -1.
fn change(at: &str, field: &str, value: Option<f64>) -> Result<(), Invalid> {
    match value {
        Some(v) => at_least(at, field, v, -1.0, CHANGE),
        None => Ok(()),
    }
}

const CHANGE: &str = "a finite relative change of at least -1 (-100%)";

fn change_interval(at: &str, field: &str, iv: &Option<Interval>) -> Result<(), Invalid> {
    match iv {
        Some(iv) => interval(&join(at, field), iv, -1.0, CHANGE),
        None => Ok(()),
    }
}

fn p_value(at: &str, value: Option<f64>) -> Result<(), Invalid> {
    match value {
        Some(p) if !(0.0..=1.0).contains(&p) => Err(invalid(
            join(at, "p_value"),
            format!("is {p}; expected a probability from 0 to 1"),
        )),
        _ => Ok(()),
    }
}

fn comparison(at: &str, c: &Comparison) -> Result<(), Invalid> {
    if let Some(median) = c.baseline_median_ns {
        ns(at, "baseline_median_ns", median)?;
    }
    change(at, "change", c.change)?;
    change_interval(at, "change_ci", &c.change_ci)?;
    change(at, "fastest_change", c.fastest_change)?;
    change_interval(at, "fastest_change_ci", &c.fastest_change_ci)?;
    p_value(at, c.p_value)?;
    non_negative(at, "noise_threshold", c.noise_threshold)?;
    if let Some(again) = &c.confirmation {
        let at = join(at, "confirmation");
        change(&at, "change", again.change)?;
        change_interval(&at, "change_ci", &again.change_ci)?;
        change(&at, "fastest_change", again.fastest_change)?;
        change_interval(&at, "fastest_change_ci", &again.fastest_change_ci)?;
        p_value(&at, again.p_value)?;
        if let Some(ab) = &again.ab {
            let at = join(&at, "ab");
            for (field, value) in [
                ("change", ab.change),
                ("lower", ab.lower),
                ("upper", ab.upper),
            ] {
                change(&at, field, value)?;
            }
        }
    }
    Ok(())
}
