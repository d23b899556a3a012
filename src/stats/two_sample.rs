//! Comparing two runs of a benchmark: the Mann-Whitney U test (rank-based, so heavy timing
//! tails do not sway it), a percentile-bootstrap interval of the ratio of medians, the change
//! of the fastest samples, and Holm's step-down correction for testing many benchmarks at once.

use super::summary::quantile_sorted;
use crate::schema::Interval;
use statrs::distribution::{ContinuousCDF, Normal};

/// Seed of the ratio bootstrap: the same samples always give the same interval.
const SEED: u64 = 0x0c0_4a7e;

/// Two-sided Mann-Whitney U test with the normal approximation, tie correction and continuity
/// correction (as `scipy.stats.mannwhitneyu(method="asymptotic")`). Returns U for `x` and the
/// p-value; with no values on either side there is nothing to test: U 0 and p 1.
pub fn mann_whitney(x: &[f64], y: &[f64]) -> (f64, f64) {
    if x.is_empty() || y.is_empty() {
        return (0.0, 1.0);
    }
    let (n1, n2) = (x.len() as f64, y.len() as f64);
    let mut all: Vec<(f64, bool)> = x
        .iter()
        .map(|&v| (v, true))
        .chain(y.iter().map(|&v| (v, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Average ranks over ties; collect tie sizes for the variance correction.
    let mut rank_sum_x = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        let t = (j - i + 1) as f64;
        tie_term += t * t * t - t;
        rank_sum_x += all[i..=j].iter().filter(|(_, from_x)| *from_x).count() as f64 * rank;
        i = j + 1;
    }
    let u1 = rank_sum_x - n1 * (n1 + 1.0) / 2.0;
    let u = u1.max(n1 * n2 - u1);
    let n = n1 + n2;
    let mu = n1 * n2 / 2.0;
    let sigma = (n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
    if sigma.is_nan() || sigma <= 0.0 {
        return (u1, 1.0);
    }
    let z = (u - mu - 0.5) / sigma;
    let normal = Normal::standard();
    (u1, (2.0 * normal.sf(z)).min(1.0))
}

/// Percentile-bootstrap interval at `level` of `median(new) / median(base)`, resampling both.
pub fn median_ratio_interval(base: &[f64], new: &[f64], level: f64) -> Interval {
    quantile_ratio_interval(base, new, 0.5, level)
}

/// Percentile-bootstrap interval at `level` of `q(new) / q(base)`, where `q` is the `p`
/// quantile (as [`quantile_sorted`]), resampling both. Both bounds are NaN when there is no
/// ratio to estimate: a side without values, or a base quantile of 0 in every resample.
pub fn quantile_ratio_interval(base: &[f64], new: &[f64], p: f64, level: f64) -> Interval {
    let none = Interval {
        lower: f64::NAN,
        upper: f64::NAN,
        level,
    };
    if base.is_empty() || new.is_empty() {
        return none;
    }
    let resamples = (3_000_000 / (base.len() + new.len()).max(1)).clamp(500, 2_000);
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut buf_b = vec![0.0; base.len()];
    let mut buf_n = vec![0.0; new.len()];
    let mut ratios = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        for slot in buf_b.iter_mut() {
            *slot = base[rng.usize(..base.len())];
        }
        for slot in buf_n.iter_mut() {
            *slot = new[rng.usize(..new.len())];
        }
        let (qb, qn) = (
            quantile_unsorted(&mut buf_b, p),
            quantile_unsorted(&mut buf_n, p),
        );
        if qb > 0.0 {
            ratios.push(qn / qb);
        }
    }
    ratios.sort_by(f64::total_cmp);
    if ratios.is_empty() {
        return none;
    }
    let alpha = (1.0 - level) / 2.0;
    Interval {
        lower: quantile_sorted(&ratios, alpha),
        upper: quantile_sorted(&ratios, 1.0 - alpha),
        level,
    }
}

/// [`quantile_sorted`] of unsorted data, by selection instead of a full sort (the bootstrap
/// computes thousands of them); reorders `buf`. NaN for no values.
fn quantile_unsorted(buf: &mut [f64], p: f64) -> f64 {
    if buf.is_empty() {
        return f64::NAN;
    }
    let rank = p.clamp(0.0, 1.0) * (buf.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let (_, &mut low, above) = buf.select_nth_unstable_by(lo, f64::total_cmp);
    if rank == lo as f64 || above.is_empty() {
        return low;
    }
    let high = above.iter().copied().fold(f64::INFINITY, f64::min);
    low + (high - low) * (rank - lo as f64)
}

/// The quantile of per-iteration times that stands for a run's fastest samples.
pub const FASTEST_QUANTILE: f64 = 0.01;

/// Relative change of the [`FASTEST_QUANTILE`] of per-iteration times, `q(new) / q(base) - 1`
/// (`None` if either side is empty or the base quantile is not positive).
///
/// Why: each sample averages many iterations, so a change in the code moves every sample, the
/// fastest too, while a phase in which the machine runs the code slower (DESIGN.md §3,
/// docs/gating.md) moves the median but leaves some fast samples in nearly every run. Its
/// interval is [`quantile_ratio_interval`] at [`FASTEST_QUANTILE`].
pub fn fastest_change(base: &[f64], new: &[f64]) -> Option<f64> {
    if base.is_empty() || new.is_empty() {
        return None;
    }
    let q = |values: &[f64]| quantile_unsorted(&mut values.to_vec(), FASTEST_QUANTILE);
    let (qb, qn) = (q(base), q(new));
    (qb > 0.0).then(|| qn / qb - 1.0)
}

/// Holm's step-down procedure: which of `p_values` are significant at family-wise level
/// `alpha` (the chance of any false alarm over all of them stays at most `alpha`).
pub fn holm(p_values: &[f64], alpha: f64) -> Vec<bool> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut significant = vec![false; m];
    for (rank, &i) in order.iter().enumerate() {
        if p_values[i] <= alpha / (m - rank) as f64 {
            significant[i] = true;
        } else {
            break;
        }
    }
    significant
}

#[cfg(test)]
mod tests {
    use super::*;

    // From `python3 tests/reference/compare.py` (numpy 2.4.6, scipy 1.17.1):
    // scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic"); p-values
    // agree to 1e-10 relative (the normal tail comes from different erfc implementations).
    include!("two_sample_reference.rs");

    #[test]
    fn mann_whitney_matches_scipy() {
        for (x, y, u, p) in [
            (NORMAL_X, NORMAL_Y, NORMAL_U, NORMAL_P),
            (TIES_X, TIES_Y, TIES_U, TIES_P),
        ] {
            let (got_u, got_p) = mann_whitney(x, y);
            assert_eq!(got_u, u);
            assert!((got_p - p).abs() <= 1e-9 * p, "p {got_p} vs scipy {p}");
        }
        let (_, p) = mann_whitney(&[5.0; 10], &[5.0; 10]);
        assert_eq!(p, 1.0, "identical constant samples");
    }

    #[test]
    fn a_side_without_values_gives_no_estimate_instead_of_a_panic() {
        let some = [1.0, 2.0, 3.0];
        for (base, new) in [
            (&[][..], &some[..]),
            (&some[..], &[][..]),
            (&[][..], &[][..]),
        ] {
            let ci = quantile_ratio_interval(base, new, FASTEST_QUANTILE, 0.95);
            assert!(ci.lower.is_nan() && ci.upper.is_nan(), "{ci:?}");
            assert!(median_ratio_interval(base, new, 0.95).lower.is_nan());
            assert_eq!(fastest_change(base, new), None);
            assert_eq!(mann_whitney(base, new), (0.0, 1.0));
        }
        assert!(quantile_unsorted(&mut [], 0.5).is_nan());
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }

    #[test]
    fn fastest_change_matches_numpy_and_ignores_a_slow_phase() {
        let got = fastest_change(NORMAL_X, NORMAL_Y).unwrap();
        assert!((got - NORMAL_FASTEST_CHANGE).abs() < 1e-12, "{got}");
        // Three quarters of the samples taken 40% slower (a slow phase): the median moves by
        // 40%, the fastest samples not at all. The same code 5% slower moves both.
        let base: Vec<f64> = (0..400).map(|i| 100.0 + (i % 17) as f64 * 0.1).collect();
        let phase: Vec<f64> = base
            .iter()
            .enumerate()
            .map(|(i, v)| if i % 4 == 0 { *v } else { v * 1.4 })
            .collect();
        assert_eq!(fastest_change(&base, &phase), Some(0.0));
        let slower: Vec<f64> = base.iter().map(|v| v * 1.05).collect();
        assert!((fastest_change(&base, &slower).unwrap() - 0.05).abs() < 1e-12);
        assert_eq!(fastest_change(&[], &base), None);
        assert_eq!(fastest_change(&[0.0], &base), None);
    }

    #[test]
    fn selection_gives_the_same_quantiles_as_sorting() {
        let mut rng = fastrand::Rng::with_seed(3);
        for n in [1, 2, 3, 10, 101, 1000] {
            let values: Vec<f64> = (0..n).map(|_| rng.f64() * 100.0).collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 0.01, 0.25, 0.5, 0.9, 1.0] {
                let mut buf = values.clone();
                assert_eq!(
                    quantile_unsorted(&mut buf, p),
                    quantile_sorted(&sorted, p),
                    "n {n} p {p}"
                );
            }
        }
    }

    #[test]
    fn fastest_interval_brackets_a_shift_and_not_a_slow_phase() {
        let base: Vec<f64> = (0..400).map(|i| 100.0 + (i % 17) as f64 * 0.1).collect();
        let slower: Vec<f64> = base.iter().map(|v| v * 1.05).collect();
        let ci = quantile_ratio_interval(&base, &slower, FASTEST_QUANTILE, 0.95);
        assert!(ci.lower <= 1.05 && 1.05 <= ci.upper, "{ci:?}");
        assert!(ci.lower > 1.04, "{ci:?}");
        // Three quarters of the samples 40% slower: the interval of the fastest samples stays
        // at no change, the median's moves far beyond it.
        let phase: Vec<f64> = base
            .iter()
            .enumerate()
            .map(|(i, v)| if i % 4 == 0 { *v } else { v * 1.4 })
            .collect();
        let ci = quantile_ratio_interval(&base, &phase, FASTEST_QUANTILE, 0.95);
        assert!(ci.lower <= 1.0 && ci.upper < 1.01, "{ci:?}");
        assert!(median_ratio_interval(&base, &phase, 0.95).lower > 1.3);
    }

    #[test]
    fn ratio_interval_brackets_the_shift_and_is_reproducible() {
        let base: Vec<f64> = (0..400).map(|i| 100.0 + (i % 17) as f64 * 0.1).collect();
        let new: Vec<f64> = base.iter().map(|v| v * 1.05).collect();
        let ci = median_ratio_interval(&base, &new, 0.95);
        assert!(
            ci.lower <= 1.05 && 1.05 <= ci.upper && ci.upper - ci.lower < 0.01,
            "{ci:?}"
        );
        assert_eq!(ci, median_ratio_interval(&base, &new, 0.95));
    }

    #[test]
    fn holm_steps_down_and_stops_at_the_first_failure() {
        // m = 4, alpha = 0.05: thresholds 0.0125, 0.0167, 0.025, 0.05 in p order.
        assert_eq!(
            holm(&[0.01, 0.04, 0.03, 0.005], 0.05),
            vec![true, false, false, true]
        );
        assert_eq!(
            holm(&[0.001, 0.011, 0.02, 0.04], 0.05),
            vec![true, true, true, true]
        );
        assert_eq!(holm(&[0.02, 0.001], 0.05), vec![true, true]);
        assert_eq!(holm(&[0.06, 0.001], 0.05), vec![false, true]);
        assert!(holm(&[], 0.05).is_empty());
    }
}
