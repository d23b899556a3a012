//! Percentile-bootstrap confidence intervals of the mean and the median, with a fixed seed so
//! that the same samples always give the same interval.

use super::summary::quantile_sorted;
use crate::schema::Interval;

/// Seed of every bootstrap: results depend on the data only.
pub(super) const SEED: u64 = 0x0b00_75ed;

/// Number of resamples for `n` values: 5,000 for small samples, fewer for large ones so that
/// the analysis stays around 2-3 million draws (well under 50 ms on the project's machines).
pub fn resamples(n: usize) -> usize {
    (3_000_000 / n.max(1)).clamp(500, 5_000)
}

/// Percentile-bootstrap intervals at `level` of the mean and the median of `values`.
pub fn bootstrap_mean_median(values: &[f64], level: f64) -> (Interval, Interval) {
    let n = values.len();
    assert!(n > 0, "bootstrap of no values");
    let b = resamples(n);
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut buf = vec![0.0; n];
    let mut means = Vec::with_capacity(b);
    let mut medians = Vec::with_capacity(b);
    for _ in 0..b {
        let mut sum = 0.0;
        for slot in buf.iter_mut() {
            *slot = values[rng.usize(..n)];
            sum += *slot;
        }
        means.push(sum / n as f64);
        medians.push(median_in_place(&mut buf));
    }
    (
        percentile_interval(&mut means, level),
        percentile_interval(&mut medians, level),
    )
}

/// The percentile interval at `level` of bootstrap replicates `stats` (sorts them).
pub(super) fn percentile_interval(stats: &mut [f64], level: f64) -> Interval {
    stats.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    Interval {
        lower: quantile_sorted(stats, alpha),
        upper: quantile_sorted(stats, 1.0 - alpha),
        level,
    }
}

/// Median by selection (reorders `buf`).
fn median_in_place(buf: &mut [f64]) -> f64 {
    let n = buf.len();
    let mid = n / 2;
    let (left, m, _) = buf.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *m;
    if n % 2 == 1 {
        upper
    } else {
        let lower = left.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::summary::tests_data::BOOTSTRAP_CASES;

    #[test]
    fn median_by_selection_matches_sorting() {
        assert_eq!(median_in_place(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median_in_place(&mut [7.0]), 7.0);
    }

    #[test]
    fn same_data_same_interval() {
        let data: Vec<f64> = (0..500).map(|i| ((i * 37) % 101) as f64).collect();
        assert_eq!(
            bootstrap_mean_median(&data, 0.95),
            bootstrap_mean_median(&data, 0.95)
        );
    }

    #[test]
    fn constant_data_gives_a_point_interval() {
        let (mean, median) = bootstrap_mean_median(&[5.0; 40], 0.95);
        assert_eq!((mean.lower, mean.upper), (5.0, 5.0));
        assert_eq!((median.lower, median.upper), (5.0, 5.0));
    }

    /// Against scipy.stats.bootstrap(method="percentile", n_resamples=200000): the two use
    /// different random streams, so the bounds agree up to Monte Carlo error. The tolerance
    /// is a quarter of the interval's width, far below what a wrong method (for example a
    /// normal interval on skewed data, or a 90% level) would move the bounds.
    #[test]
    fn agrees_with_scipy_percentile_bootstrap() {
        for case in BOOTSTRAP_CASES {
            let (mean, median) = bootstrap_mean_median(case.data, 0.95);
            for (what, got, want) in [
                ("mean", mean, case.mean_ci),
                ("median", median, case.median_ci),
            ] {
                let width = want.1 - want.0;
                let tol = width / 4.0;
                assert!(
                    (got.lower - want.0).abs() <= tol && (got.upper - want.1).abs() <= tol,
                    "{} {what}: got [{}, {}], scipy [{}, {}]",
                    case.name,
                    got.lower,
                    got.upper,
                    want.0,
                    want.1
                );
            }
        }
    }
}
