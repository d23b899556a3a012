//! Statistics on per-iteration times: summary, bootstrap confidence intervals, outliers.
//! Pure functions of the samples: the same samples always give the same numbers.

pub mod between_runs;
pub mod bootstrap;
pub mod distributions;
pub mod estimates;
pub mod median_interval;
pub mod outliers;
pub mod paired;
pub mod percentiles;
pub mod summary;
pub mod two_sample;

pub use bootstrap::bootstrap_mean_median;
pub use outliers::tukey;
pub use percentiles::percentiles;
pub use summary::{Summary, quantile_sorted, summarize};

use crate::schema::Outliers;
use crate::schema::TimeStats;

/// Computes [`TimeStats`] and Tukey outlier counts of `values` (at least one value).
pub fn analyze(values: &[f64]) -> (TimeStats, Outliers) {
    let s = summarize(values);
    let (mean_ci, median_ci) = bootstrap_mean_median(values, 0.95);
    let stats = TimeStats {
        mean: s.mean,
        median: s.median,
        std_dev: s.std_dev,
        mad: s.mad,
        min: s.min,
        max: s.max,
        cv: if s.mean > 0.0 {
            s.std_dev / s.mean
        } else {
            0.0
        },
        mean_ci,
        median_ci,
    };
    (stats, tukey(values))
}

/// Time per iteration of each sample: the sample's elapsed time minus one `per_sample_ns` and
/// `iters * per_iter_ns` of calibrated overhead, divided by `iters`, never below 0.
pub fn per_iteration(
    iters: &[u64],
    elapsed_ns: &[u64],
    per_sample_ns: f64,
    per_iter_ns: f64,
) -> Vec<f64> {
    iters
        .iter()
        .zip(elapsed_ns)
        .map(|(&n, &t)| {
            let n = n as f64;
            ((t as f64 - per_sample_ns - n * per_iter_ns) / n).max(0.0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn overheads_are_subtracted_and_clamped() {
        assert_eq!(
            super::per_iteration(&[10, 10], &[1020, 10], 20.0, 1.0),
            vec![99.0, 0.0]
        );
    }
}
