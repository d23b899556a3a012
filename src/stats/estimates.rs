//! Bootstrap distributions of the mean, median, standard deviation and MAD of the
//! per-iteration times, and of the slope of total time against iterations: each statistic's
//! point estimate, percentile interval and standard error (the standard deviation of its
//! bootstrap replicates). These are the figures criterion's `estimates.json` holds, computed
//! here with qudag-bench's own bootstrap: the same seed, resample count and draws as
//! [`bootstrap_mean_median`](super::bootstrap_mean_median), so the mean and median intervals
//! are the run report's (up to rounding in the last digit).

use super::bootstrap::{SEED, percentile_interval, resamples};
use super::summary::summarize;
use crate::schema::Interval;

/// A statistic with its bootstrap interval and standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bootstrapped {
    /// The statistic of the values themselves.
    pub point: f64,
    /// Percentile-bootstrap interval.
    pub interval: Interval,
    /// Standard deviation of the bootstrap replicates (n - 1 denominator).
    pub standard_error: f64,
}

/// Location and spread of a set of values, each bootstrapped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Arithmetic mean.
    pub mean: Bootstrapped,
    /// Median (type-7 quantile: the mean of the two middle values for even n).
    pub median: Bootstrapped,
    /// Sample standard deviation (n - 1 denominator).
    pub std_dev: Bootstrapped,
    /// Median absolute deviation from the median, unscaled.
    pub mad: Bootstrapped,
}

/// Mean, median, standard deviation and MAD of `values` (at least one) with their
/// percentile-bootstrap intervals at `level` and standard errors.
pub fn spread(values: &[f64], level: f64) -> Spread {
    let n = values.len();
    assert!(n > 0, "bootstrap of no values");
    let b = resamples(n);
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut buf = vec![0.0; n];
    let mut deviations = vec![0.0; n];
    let mut replicates: [Vec<f64>; 4] = std::array::from_fn(|_| Vec::with_capacity(b));
    for _ in 0..b {
        for slot in buf.iter_mut() {
            *slot = values[rng.usize(..n)];
        }
        for (r, v) in replicates
            .iter_mut()
            .zip(replicate(&mut buf, &mut deviations))
        {
            r.push(v);
        }
    }
    let s = summarize(values);
    let [mean, median, std_dev, mad] = replicates;
    Spread {
        mean: bootstrapped(s.mean, mean, level),
        median: bootstrapped(s.median, median, level),
        std_dev: bootstrapped(s.std_dev, std_dev, level),
        mad: bootstrapped(s.mad, mad, level),
    }
}

/// Mean, median, standard deviation and MAD of `values` as [`summarize`] computes them, in
/// linear time: the medians by selection instead of sorting (the same order statistics), so
/// that thousands of replicates cost milliseconds. Reorders `values`; `deviations` is scratch
/// of the same length.
fn replicate(values: &mut [f64], deviations: &mut [f64]) -> [f64; 4] {
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let median = median_in_place(values);
    for (d, x) in deviations.iter_mut().zip(values.iter()) {
        *d = (x - median).abs();
    }
    [mean, median, var.sqrt(), median_in_place(deviations)]
}

/// The type-7 median (the mean of the two middle values for even n), reordering `values`.
fn median_in_place(values: &mut [f64]) -> f64 {
    let odd = values.len() % 2 == 1;
    let lo = (values.len() - 1) / 2;
    let (_, &mut low, upper) = values.select_nth_unstable_by(lo, f64::total_cmp);
    if odd {
        return low;
    }
    let high = upper.iter().copied().min_by(f64::total_cmp).unwrap_or(low);
    low + (high - low) * 0.5
}

/// The ordinary least-squares slope of `y = m x` through the origin: `Σxy / Σx²`. `None`
/// without points, with lengths that differ, or when every `x` is 0.
pub fn slope_through_origin(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.is_empty() || x.len() != y.len() {
        return None;
    }
    let xy: f64 = x.iter().zip(y).map(|(a, b)| a * b).sum();
    let xx: f64 = x.iter().map(|a| a * a).sum();
    (xx > 0.0).then(|| xy / xx)
}

/// [`slope_through_origin`] of the points `(x[i], y[i])` with the percentile-bootstrap
/// interval at `level` and standard error of resampled points (pairs kept together).
pub fn bootstrap_slope(x: &[f64], y: &[f64], level: f64) -> Option<Bootstrapped> {
    let point = slope_through_origin(x, y)?;
    let n = x.len();
    let b = resamples(n);
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut replicates = Vec::with_capacity(b);
    for _ in 0..b {
        let (mut xy, mut xx) = (0.0, 0.0);
        for _ in 0..n {
            let i = rng.usize(..n);
            xy += x[i] * y[i];
            xx += x[i] * x[i];
        }
        // A resample of only x = 0 points has no slope; it counts as no change.
        replicates.push(if xx > 0.0 { xy / xx } else { point });
    }
    Some(bootstrapped(point, replicates, level))
}

fn bootstrapped(point: f64, mut replicates: Vec<f64>, level: f64) -> Bootstrapped {
    let standard_error = summarize(&replicates).std_dev;
    let interval = percentile_interval(&mut replicates, level);
    Bootstrapped {
        point,
        interval,
        standard_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::bootstrap_mean_median;

    /// Skewed, timing-like values: 200 draws of a deterministic generator.
    fn data() -> Vec<f64> {
        let mut rng = fastrand::Rng::with_seed(7);
        (0..200)
            .map(|_| 100.0 + 20.0 * rng.f64() + if rng.f64() < 0.1 { 80.0 } else { 0.0 })
            .collect()
    }

    #[test]
    fn the_linear_time_replicate_equals_summarize() {
        let mut values = data();
        // Odd and even lengths, ties included.
        values.extend([120.0, 120.0, 120.0]);
        for len in [1, 2, 3, 4, 199, 200, 203] {
            let mut v = values[..len].to_vec();
            let s = summarize(&v);
            let mut scratch = vec![0.0; len];
            let got = replicate(&mut v, &mut scratch);
            assert_eq!(got, [s.mean, s.median, s.std_dev, s.mad], "length {len}");
        }
    }

    #[test]
    fn mean_and_median_intervals_are_the_reports() {
        let v = data();
        let s = spread(&v, 0.95);
        let (mean, median) = bootstrap_mean_median(&v, 0.95);
        let same = |a: Interval, b: Interval| {
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * y.abs();
            close(a.lower, b.lower) && close(a.upper, b.upper) && a.level == b.level
        };
        assert!(same(s.mean.interval, mean), "{:?} vs {mean:?}", s.mean);
        assert!(
            same(s.median.interval, median),
            "{:?} vs {median:?}",
            s.median
        );
        let summary = summarize(&v);
        assert_eq!(
            (s.mean.point, s.median.point, s.std_dev.point, s.mad.point),
            (summary.mean, summary.median, summary.std_dev, summary.mad)
        );
    }

    /// The bootstrap standard error of the mean tends to `sqrt((n-1)/n) * s / sqrt(n)`, and
    /// that of the standard deviation to the delta method's `sqrt((m4 - v^2) / (4 v n))`
    /// (`m4` the fourth central moment, `v` the variance of the values): reference values from
    /// theory, within Monte Carlo error (5,000 resamples: about 1% on a standard error, so 10%
    /// catches a wrong denominator or one statistic mixed up with another).
    #[test]
    fn standard_errors_agree_with_theory() {
        let v = data();
        let n = v.len() as f64;
        let s = summarize(&v).std_dev;
        let got = spread(&v, 0.95);
        let want_mean = ((n - 1.0) / n).sqrt() * s / n.sqrt();
        let rel = |a: f64, b: f64| (a - b).abs() / b;
        assert!(rel(got.mean.standard_error, want_mean) < 0.1, "{got:?}");
        let mut rng = fastrand::Rng::with_seed(3);
        let normal: Vec<f64> = (0..400)
            .map(|_| (0..12).map(|_| rng.f64()).sum::<f64>())
            .collect();
        let n = normal.len() as f64;
        let mean = normal.iter().sum::<f64>() / n;
        let moment = |k: i32| normal.iter().map(|x| (x - mean).powi(k)).sum::<f64>() / n;
        let (var, m4) = (moment(2), moment(4));
        let want_sd = ((m4 - var * var) / (4.0 * var * n)).sqrt();
        let got = spread(&normal, 0.95);
        assert!(
            rel(got.std_dev.standard_error, want_sd) < 0.1,
            "{got:?} vs {want_sd}"
        );
        for b in [got.mean, got.median, got.std_dev, got.mad] {
            assert!(
                b.interval.lower <= b.point && b.point <= b.interval.upper,
                "{b:?}"
            );
        }
    }

    #[test]
    fn constant_values_have_no_spread() {
        let s = spread(&[5.0; 30], 0.95);
        assert_eq!(
            (s.median.interval.lower, s.median.interval.upper),
            (5.0, 5.0)
        );
        assert_eq!((s.mad.point, s.mad.standard_error), (0.0, 0.0));
    }

    #[test]
    fn slope_is_least_squares_through_the_origin() {
        // y = 3x exactly: every resample has slope 3.
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [3.0, 6.0, 9.0, 12.0];
        let b = bootstrap_slope(&x, &y, 0.95).unwrap();
        assert_eq!(
            (b.point, b.interval.lower, b.interval.upper),
            (3.0, 3.0, 3.0)
        );
        assert_eq!(b.standard_error, 0.0);
        // By hand: Σxy = 1*2 + 2*5 = 12, Σx² = 1 + 4 = 5.
        assert_eq!(
            slope_through_origin(&[1.0, 2.0], &[2.0, 5.0]),
            Some(12.0 / 5.0)
        );
        assert_eq!(slope_through_origin(&[0.0, 0.0], &[1.0, 2.0]), None);
        assert_eq!(slope_through_origin(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(slope_through_origin(&[], &[]), None);
    }
}
