//! Location and spread: mean, median, standard deviation, MAD, extremes, quantiles.

/// Basic statistics of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of values.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median (mean of the two middle values for even n).
    pub median: f64,
    /// Sample standard deviation (n - 1 denominator; 0 for one value).
    pub std_dev: f64,
    /// Median absolute deviation from the median, unscaled (multiply by 1.4826 to estimate
    /// the standard deviation of normal data).
    pub mad: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// Summarizes `values`. Panics on an empty slice (the sampler always takes samples).
pub fn summarize(values: &[f64]) -> Summary {
    assert!(!values.is_empty(), "summarize needs at least one value");
    let n = values.len();
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let median = quantile_sorted(&sorted, 0.5);
    let mut deviations: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    Summary {
        n,
        mean,
        median,
        std_dev: var.sqrt(),
        mad: quantile_sorted(&deviations, 0.5),
        min: sorted[0],
        max: sorted[n - 1],
    }
}

/// The `p` quantile of sorted data with linear interpolation between order statistics
/// (Hyndman and Fan type 7, the default of numpy and R); NaN for no values.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = p.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values: numpy 2.x / scipy 1.x, produced with
    //   python3 -c "import numpy as np, scipy.stats as st; x=np.array([...]);
    //     print(x.mean(), np.median(x), x.std(ddof=1),
    //           st.median_abs_deviation(x), np.quantile(x,[0.1,0.25,0.75,0.9]))"
    // See tests/reference/stats.py for the exact script and data.
    use crate::stats::summary::tests_data::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn matches_numpy_and_scipy() {
        for case in CASES {
            let s = summarize(case.data);
            assert!(
                close(s.mean, case.mean),
                "{}: mean {} vs {}",
                case.name,
                s.mean,
                case.mean
            );
            assert!(close(s.median, case.median), "{}: median", case.name);
            assert!(
                close(s.std_dev, case.std_dev),
                "{}: std {} vs {}",
                case.name,
                s.std_dev,
                case.std_dev
            );
            assert!(
                close(s.mad, case.mad),
                "{}: mad {} vs {}",
                case.name,
                s.mad,
                case.mad
            );
            let mut sorted = case.data.to_vec();
            sorted.sort_by(f64::total_cmp);
            for (p, q) in case.quantiles {
                let got = quantile_sorted(&sorted, *p);
                assert!(close(got, *q), "{}: q{p} {got} vs {q}", case.name);
            }
        }
    }

    #[test]
    fn single_value() {
        let s = summarize(&[3.0]);
        assert_eq!(
            (s.mean, s.median, s.std_dev, s.mad, s.min, s.max),
            (3.0, 3.0, 0.0, 0.0, 3.0, 3.0)
        );
    }
}

#[cfg(test)]
#[path = "reference_data.rs"]
pub(crate) mod tests_data;
