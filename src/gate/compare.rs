//! A run against a baseline: per benchmark the change of the median with a bootstrap interval
//! and a Mann-Whitney p-value, then a verdict that needs both significance (Holm-corrected over
//! the benchmarks compared) and the whole interval beyond the noise threshold.

use crate::stats::compare::{holm, mann_whitney, median_ratio_interval};
use crate::stats::{Interval, per_iteration};
use crate::store::{BenchResult, RunReport, Status};
use serde::{Deserialize, Serialize};

/// Family-wise significance level of a run's comparisons.
pub const ALPHA: f64 = 0.05;

/// What happened to a benchmark relative to the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Significantly slower, the whole interval beyond the noise threshold.
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
    /// Whether the p-value survives Holm's correction at [`ALPHA`].
    pub significant: bool,
    /// The noise threshold applied (fraction).
    pub noise_threshold: f64,
}

/// The run-level facts of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Compares `results` with `base`, attaching a [`Comparison`] to each ok result;
/// `threshold_of` gives a benchmark's noise threshold (fraction).
pub fn compare(
    name: &str,
    base: &RunReport,
    environment: &crate::store::report::Environment,
    results: &mut [BenchResult],
    threshold_of: &dyn Fn(&BenchResult) -> f64,
) -> (BaselineInfo, Vec<Option<Comparison>>) {
    let per_iter = |b: &BenchResult| {
        let (ps, pi) = b
            .overhead
            .map_or((0.0, 0.0), |o| (o.per_sample_ns, o.per_iter_ns));
        per_iteration(&b.iters_per_sample, &b.samples_ns, ps, pi)
    };
    let mut out: Vec<Option<Comparison>> = Vec::with_capacity(results.len());
    let mut tested: Vec<(usize, f64)> = Vec::new();
    for (i, r) in results.iter().enumerate() {
        if r.status != Status::Ok {
            out.push(None);
            continue;
        }
        let threshold = threshold_of(r);
        let old = base
            .benchmarks
            .iter()
            .find(|b| b.id == r.id && b.status == Status::Ok);
        let Some(old) = old else {
            out.push(Some(Comparison {
                verdict: Verdict::New,
                baseline_median_ns: None,
                change: None,
                change_ci: None,
                p_value: None,
                significant: false,
                noise_threshold: threshold,
            }));
            continue;
        };
        let (a, b) = (per_iter(old), per_iter(r));
        let (_, p) = mann_whitney(&a, &b);
        let ratio = median_ratio_interval(&a, &b, 0.95);
        let base_median = old.time_ns.as_ref().map(|t| t.median);
        let change = match (base_median, r.time_ns.as_ref()) {
            (Some(m0), Some(t)) if m0 > 0.0 => Some(t.median / m0 - 1.0),
            _ => None,
        };
        tested.push((i, p));
        out.push(Some(Comparison {
            verdict: Verdict::Unchanged,
            baseline_median_ns: base_median,
            change,
            change_ci: ratio.lower.is_finite().then_some(Interval {
                lower: ratio.lower - 1.0,
                upper: ratio.upper - 1.0,
                level: ratio.level,
            }),
            p_value: Some(p),
            significant: false,
            noise_threshold: threshold,
        }));
    }
    let significant = holm(&tested.iter().map(|(_, p)| *p).collect::<Vec<_>>(), ALPHA);
    for ((i, _), sig) in tested.iter().zip(significant) {
        let c = out[*i].as_mut().expect("tested results have a comparison");
        c.significant = sig;
        c.verdict = verdict(sig, c.change_ci, c.noise_threshold);
    }
    let missing = base
        .benchmarks
        .iter()
        .filter(|b| !results.iter().any(|r| r.id == b.id))
        .map(|b| b.id.clone())
        .collect();
    let info = BaselineInfo {
        name: name.to_string(),
        run_id: base.run_id.clone(),
        started_at: base.started_at.clone(),
        alpha: ALPHA,
        correction: "holm".into(),
        compared: tested.len() as u64,
        environment_differences: environment_differences(&base.environment, environment),
        missing,
    };
    (info, out)
}

/// The verdict from significance and the interval of the change against the threshold.
pub fn verdict(significant: bool, change_ci: Option<Interval>, threshold: f64) -> Verdict {
    match change_ci {
        Some(ci) if significant && ci.lower > threshold => Verdict::Regressed,
        Some(ci) if significant && ci.upper < -threshold => Verdict::Improved,
        _ => Verdict::Unchanged,
    }
}

/// Environment facts that make a comparison suspect when they differ.
pub fn environment_differences(
    old: &crate::store::report::Environment,
    new: &crate::store::report::Environment,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what}: {a} -> {b}"));
        }
    };
    let s = |v: &Option<String>| v.clone().unwrap_or_else(|| "unknown".into());
    check("CPU", s(&old.cpu_model), s(&new.cpu_model));
    check("rustc", s(&old.rustc), s(&new.rustc));
    check(
        "opt-level",
        old.profile.opt_level.clone(),
        new.profile.opt_level.clone(),
    );
    check(
        "debug assertions",
        old.profile.debug_assertions.to_string(),
        new.profile.debug_assertions.to_string(),
    );
    check("host", s(&old.host), s(&new.host));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ci(lower: f64, upper: f64) -> Option<Interval> {
        Some(Interval {
            lower,
            upper,
            level: 0.95,
        })
    }

    #[test]
    fn verdict_needs_significance_and_the_whole_interval_beyond_the_threshold() {
        assert_eq!(verdict(true, ci(0.25, 0.35), 0.02), Verdict::Regressed);
        assert_eq!(
            verdict(true, ci(0.01, 0.05), 0.02),
            Verdict::Unchanged,
            "interval straddles 2%"
        );
        assert_eq!(
            verdict(false, ci(0.25, 0.35), 0.02),
            Verdict::Unchanged,
            "not significant"
        );
        assert_eq!(verdict(true, ci(-0.4, -0.3), 0.02), Verdict::Improved);
        assert_eq!(verdict(true, None, 0.02), Verdict::Unchanged);
    }
}
