//! A run against a baseline: per benchmark the change of the median and of the fastest samples,
//! each with a bootstrap interval, and a Mann-Whitney p-value; then a verdict that needs
//! significance (Holm-corrected over the benchmarks compared), the whole interval of the
//! fastest samples' change beyond the noise threshold, the median moved the same way, and a
//! second look that agrees (a paired A/B run against the baseline's kept executable, or a
//! re-measurement in this process).

use crate::schema::Interval;
use crate::schema::{AbConfirmation, ConfirmMethod};
use crate::schema::{BaselineInfo, Comparison, Confirmation, Verdict};
use crate::schema::{BenchResult, RunReport, Status};
use crate::stats::per_iteration;
use crate::stats::two_sample::{
    FASTEST_QUANTILE, fastest_change, holm, mann_whitney, median_ratio_interval,
    quantile_ratio_interval,
};

/// Family-wise significance level of a run's comparisons.
pub const ALPHA: f64 = 0.05;

/// The estimates of one comparison of `new` with `old`.
struct Change {
    change: Option<f64>,
    change_ci: Option<Interval>,
    fastest_change: Option<f64>,
    fastest_change_ci: Option<Interval>,
    p_value: Option<f64>,
}

/// `ratio - 1` of a ratio interval, `None` when the bootstrap had nothing to resample.
fn change_interval(ratio: Interval) -> Option<Interval> {
    ratio.lower.is_finite().then_some(Interval {
        lower: ratio.lower - 1.0,
        upper: ratio.upper - 1.0,
        level: ratio.level,
    })
}

fn per_iter(b: &BenchResult) -> Vec<f64> {
    let (ps, pi) = b
        .overhead
        .map_or((0.0, 0.0), |o| (o.per_sample_ns, o.per_iter_ns));
    per_iteration(&b.iters_per_sample, &b.samples_ns, ps, pi)
}

/// The estimates of `new` against `old`. Without raw samples on either side (a report kept by
/// the history, or a damaged file) only the change of the stored medians is known: the test
/// and the intervals are `None`, so no verdict but `unchanged` can follow.
fn measure_change(old: &BenchResult, new: &BenchResult) -> Change {
    let (a, b) = (per_iter(old), per_iter(new));
    let change = match (old.time_ns.as_ref(), new.time_ns.as_ref()) {
        (Some(t0), Some(t)) if t0.median > 0.0 => Some(t.median / t0.median - 1.0),
        _ => None,
    };
    if a.is_empty() || b.is_empty() {
        return Change {
            change,
            change_ci: None,
            fastest_change: None,
            fastest_change_ci: None,
            p_value: None,
        };
    }
    let (_, p) = mann_whitney(&a, &b);
    let ratio = median_ratio_interval(&a, &b, 0.95);
    Change {
        change,
        change_ci: change_interval(ratio),
        fastest_change: fastest_change(&a, &b),
        fastest_change_ci: change_interval(quantile_ratio_interval(&a, &b, FASTEST_QUANTILE, 0.95)),
        p_value: Some(p),
    }
}

/// Whether `verdict` of `first` needs a re-measurement to stand.
pub fn needs_confirmation(first: &Comparison) -> bool {
    matches!(first.verdict, Verdict::Regressed | Verdict::Improved) && first.confirmation.is_none()
}

/// Compares the re-measurement `again` of a flagged benchmark with its baseline result `old`
/// and settles `first`'s verdict: it stays only if the re-measurement reaches it as well, else
/// it becomes `unchanged`. `compared` is the number of benchmarks of the run's comparison. A
/// re-measurement that did not complete settles nothing: the first verdict stays.
pub fn confirm(first: &mut Comparison, old: &BenchResult, again: &BenchResult, compared: u64) {
    if again.status != Status::Ok {
        return;
    }
    let m = measure_change(old, again);
    let alpha = ALPHA / compared.max(1) as f64;
    let significant = m.p_value.is_some_and(|p| p <= alpha);
    let again_verdict = verdict(
        significant,
        m.change,
        m.fastest_change_ci,
        first.noise_threshold,
    );
    let confirmed = again_verdict == first.verdict;
    first.confirmation = Some(Confirmation {
        method: ConfirmMethod::Remeasure,
        ab: None,
        change: m.change,
        change_ci: m.change_ci,
        fastest_change: m.fastest_change,
        fastest_change_ci: m.fastest_change_ci,
        p_value: m.p_value,
        confirmed,
    });
    if !confirmed {
        first.verdict = Verdict::Unchanged;
    }
}

/// Whether a benchmark the first look left `unchanged` should get an A/B run when one is at
/// hand: its median or its fastest samples moved, either way, by more than half the noise
/// threshold. The first look compares with one stored process, which may have run fast or
/// slow as a whole: a real +5% has read +0.5% on the median and +1.1% on the fastest samples
/// here (docs/gating.md), so the A/B run, not the first look, decides these.
pub fn near_threshold(c: &Comparison) -> bool {
    let half = c.noise_threshold / 2.0;
    c.verdict == Verdict::Unchanged
        && c.confirmation.is_none()
        && [c.change, c.fastest_change]
            .iter()
            .flatten()
            .any(|m| m.abs() > half)
}

/// Settles `first`'s verdict by the A/B run `ab` against the baseline's kept executable: the
/// benchmark gets the verdict the A/B run found (`ab.found`), in either direction.
/// `confirmed` says whether the first look's flag held (for a benchmark that was only near
/// the threshold: whether a change was found).
pub fn settle_by_ab(first: &mut Comparison, ab: AbConfirmation) {
    let confirmed = match ab.first_look {
        Verdict::Unchanged => ab.found != Verdict::Unchanged,
        flagged => ab.found == flagged,
    };
    first.verdict = ab.found;
    first.confirmation = Some(Confirmation {
        method: ConfirmMethod::Ab,
        ab: Some(ab),
        change: None,
        change_ci: None,
        fastest_change: None,
        fastest_change_ci: None,
        p_value: None,
        confirmed,
    });
}

/// Compares the run `report` with baseline `name` (`base`): each benchmark gets its
/// [`Comparison`] and the report its [`BaselineInfo`]. `threshold_of` gives a benchmark's noise
/// threshold (fraction). The one comparison of a run with a baseline: the harness's
/// `--baseline` and `qudag-bench compare` both call it.
pub fn compare_run(
    report: &mut RunReport,
    name: &str,
    base: &RunReport,
    threshold_of: &dyn Fn(&BenchResult) -> f64,
) {
    let environment = report.environment.clone();
    let (info, comparisons) = compare(
        name,
        base,
        &environment,
        &mut report.benchmarks,
        threshold_of,
    );
    for (r, c) in report.benchmarks.iter_mut().zip(comparisons) {
        r.comparison = c;
    }
    report.baseline = Some(info);
}

/// Compares `results` with `base`, attaching a [`Comparison`] to each ok result;
/// `threshold_of` gives a benchmark's noise threshold (fraction).
pub fn compare(
    name: &str,
    base: &RunReport,
    environment: &crate::schema::Environment,
    results: &mut [BenchResult],
    threshold_of: &dyn Fn(&BenchResult) -> f64,
) -> (BaselineInfo, Vec<Option<Comparison>>) {
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
                fastest_change: None,
                fastest_change_ci: None,
                significant: false,
                noise_threshold: threshold,
                confirmation: None,
                metrics: Default::default(),
            }));
            continue;
        };
        let m = measure_change(old, r);
        // Untestable pairs (no samples) are not in the Holm family.
        if let Some(p) = m.p_value {
            tested.push((i, p));
        }
        out.push(Some(Comparison {
            verdict: Verdict::Unchanged,
            baseline_median_ns: old.time_ns.as_ref().map(|t| t.median),
            change: m.change,
            change_ci: m.change_ci,
            p_value: m.p_value,
            fastest_change: m.fastest_change,
            fastest_change_ci: m.fastest_change_ci,
            significant: false,
            noise_threshold: threshold,
            confirmation: None,
            metrics: super::metrics::metric_changes(old, r),
        }));
    }
    let significant = holm(&tested.iter().map(|(_, p)| *p).collect::<Vec<_>>(), ALPHA);
    for ((i, _), sig) in tested.iter().zip(significant) {
        let c = out[*i].as_mut().expect("tested results have a comparison");
        c.significant = sig;
        c.verdict = verdict(sig, c.change, c.fastest_change_ci, c.noise_threshold);
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

/// The first verdict from significance, the change of the median and the interval of the
/// change of the fastest samples against the threshold. The fastest samples decide because a
/// phase in which the machine ran slower moves one run's median but not its fastest samples,
/// while a change in the code moves both; the median must still move the same way. See
/// docs/gating.md for the measurements.
pub fn verdict(
    significant: bool,
    median_change: Option<f64>,
    fastest_ci: Option<Interval>,
    threshold: f64,
) -> Verdict {
    match (median_change, fastest_ci) {
        (Some(m), Some(ci)) if significant && ci.lower > threshold && m > 0.0 => Verdict::Regressed,
        (Some(m), Some(ci)) if significant && ci.upper < -threshold && m < 0.0 => Verdict::Improved,
        _ => Verdict::Unchanged,
    }
}

/// Environment facts that make a comparison suspect when they differ.
pub fn environment_differences(
    old: &crate::schema::Environment,
    new: &crate::schema::Environment,
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
    fn a_baseline_benchmark_without_samples_is_not_tested_and_does_not_panic() {
        let base: RunReport =
            serde_json::from_str(include_str!("../report/testdata/run-work.json")).unwrap();
        let mut stripped = base.clone();
        stripped.benchmarks[0].samples_ns.clear();
        stripped.benchmarks[0].iters_per_sample.clear();
        let mut results = base.benchmarks.clone();
        let (info, out) = compare("main", &stripped, &base.environment, &mut results, &|_| {
            0.02
        });
        let c = out[0].as_ref().unwrap();
        assert_eq!(c.verdict, Verdict::Unchanged);
        assert_eq!(c.change, Some(0.0), "the stored medians still compare");
        assert_eq!(
            (
                c.p_value,
                c.change_ci,
                c.fastest_change,
                c.fastest_change_ci
            ),
            (None, None, None, None)
        );
        assert_eq!(
            info.compared, 2,
            "only benchmarks with samples on both sides are tested"
        );
        assert!(out[1].as_ref().unwrap().p_value.is_some());
    }

    #[test]
    fn verdict_needs_significance_the_fastest_interval_beyond_the_threshold_and_the_median_along() {
        let median = Some(0.3);
        assert_eq!(
            verdict(true, median, ci(0.25, 0.35), 0.02),
            Verdict::Regressed
        );
        assert_eq!(
            verdict(true, median, ci(0.01, 0.05), 0.02),
            Verdict::Unchanged,
            "interval straddles 2%"
        );
        assert_eq!(
            verdict(false, median, ci(0.25, 0.35), 0.02),
            Verdict::Unchanged,
            "not significant"
        );
        assert_eq!(
            verdict(true, median, ci(-0.005, 0.01), 0.02),
            Verdict::Unchanged,
            "only the median moved: a slow phase"
        );
        assert_eq!(
            verdict(true, Some(0.016), ci(0.045, 0.055), 0.02),
            Verdict::Regressed,
            "the median moved less than the code: the baseline ran partly in a slow phase"
        );
        assert_eq!(
            verdict(true, Some(-0.01), ci(0.045, 0.055), 0.02),
            Verdict::Unchanged,
            "the median went the other way"
        );
        assert_eq!(
            verdict(true, None, ci(0.25, 0.35), 0.02),
            Verdict::Unchanged
        );
        assert_eq!(
            verdict(true, Some(-0.3), ci(-0.4, -0.3), 0.02),
            Verdict::Improved
        );
        assert_eq!(verdict(true, median, None, 0.02), Verdict::Unchanged);
    }

    fn comparison(verdict: Verdict, change: f64, fastest: f64) -> Comparison {
        serde_json::from_value(serde_json::json!({
            "verdict": verdict, "baseline_median_ns": 100.0, "change": change,
            "change_ci": null, "fastest_change": fastest, "p_value": 0.5,
            "significant": false, "noise_threshold": 0.02
        }))
        .unwrap()
    }

    fn ab(first_look: Verdict, found: Verdict) -> AbConfirmation {
        AbConfirmation {
            binary: "sha256:00".into(),
            first_look,
            found,
            change: Some(0.05),
            lower: Some(0.04),
            upper: Some(0.06),
            rounds: 3,
            wall_s: 0.7,
            note: String::new(),
        }
    }

    #[test]
    fn near_the_threshold_means_either_estimate_past_half_of_it() {
        // The misses of the study in docs/gating.md: a real +5% read on the first look.
        for (median, fastest) in [(0.005, 0.011), (0.021, 0.006), (0.029, -0.052)] {
            let c = comparison(Verdict::Unchanged, median, fastest);
            assert!(near_threshold(&c), "{median} {fastest}");
        }
        assert!(near_threshold(&comparison(
            Verdict::Unchanged,
            -0.004,
            -0.015
        )));
        let c = comparison(Verdict::Unchanged, 0.009, -0.01);
        assert!(!near_threshold(&c), "within half the threshold both ways");
        let c = comparison(Verdict::Regressed, 0.3, 0.3);
        assert!(!near_threshold(&c), "flagged: confirmed, not screened");
    }

    #[test]
    fn the_ab_run_decides_in_either_direction() {
        use Verdict::{Improved, Regressed, Unchanged};
        // first look, found, then: verdict, confirmed
        for (first, found, confirmed) in [
            (Regressed, Unchanged, false),
            (Regressed, Regressed, true),
            // A baseline saved in a slow process: a real +5% read -9% at first look.
            (Improved, Regressed, false),
            (Improved, Improved, true),
            (Unchanged, Regressed, true),
            (Unchanged, Improved, true),
            (Unchanged, Unchanged, false),
        ] {
            let mut c = comparison(first, 0.3, 0.3);
            settle_by_ab(&mut c, ab(first, found));
            assert_eq!(c.verdict, found, "{first:?} {found:?}");
            let again = c.confirmation.as_ref().unwrap();
            assert_eq!(
                (again.method, again.confirmed),
                (ConfirmMethod::Ab, confirmed)
            );
        }
    }
}
