//! A distribution-free 95% interval of the median from two order statistics, cheap enough to
//! check while a benchmark is being measured (one selection, no resampling): with `n` samples
//! the interval is `[x(k), x(n-k+1)]` (1-based ranks), `k` the largest rank with
//! `P(B < k) <= 2.5%` for `B ~ Binomial(n, 1/2)`, so it covers the true median with at least
//! 95% probability whatever the distribution (Conover, *Practical Nonparametric Statistics*,
//! 3rd ed., §3.2). The sampler's precision stop reads it; the interval in the report stays
//! the bootstrap's.

/// One tail of the interval's miss probability.
const TAIL: f64 = 0.025;
/// Above this many samples `k` comes from the normal approximation of the binomial (below
/// it the exact sum, whose terms would underflow from about 1,070 on).
const EXACT_UP_TO: usize = 1000;

/// The 0-based indices `(lo, hi)` of the order statistics bounding the median's 95% interval
/// among `n` sorted values, or `None` when `n` is too small for one (below 6).
pub fn rank_bounds(n: usize) -> Option<(usize, usize)> {
    let k = if n <= EXACT_UP_TO {
        exact_lower_rank(n)
    } else {
        // n/2 - 1.96 sqrt(n)/2, rounded down: within one rank of the exact k.
        let k = (n as f64 / 2.0 - 1.959_963_984_540_054 * (n as f64).sqrt() / 2.0).floor();
        k.max(0.0) as usize
    };
    (k >= 1).then(|| (k - 1, n - k))
}

/// The smallest `k` with `P(B <= k) >= 2.5%`, `B ~ Binomial(n, 1/2)`: then `P(B < k)` is
/// below 2.5% (scipy's `binom.ppf(0.025, n, 0.5)`).
fn exact_lower_rank(n: usize) -> usize {
    // P(B = i) in log space, from P(B = 0) = 2^-n by the ratio (n - i + 1) / i.
    let mut log_pmf = -(n as f64) * std::f64::consts::LN_2;
    let mut cdf = log_pmf.exp();
    let mut k = 0;
    while cdf < TAIL && k < n {
        k += 1;
        log_pmf += ((n - k + 1) as f64 / k as f64).ln();
        cdf += log_pmf.exp();
    }
    k
}

/// How far the median's 95% interval reaches from the median, relative to it: the larger of
/// `median - x(lo)` and `x(hi) - median`, over `|median|` (timing intervals are skewed, and
/// "within ±1%" means both sides). Reorders `values` (selection, not a sort). `None` with
/// fewer than 6 values or a median of 0.
pub fn relative_reach(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    let (lo, hi) = rank_bounds(n)?;
    let by_value = |a: &f64, b: &f64| a.total_cmp(b);
    let median = {
        let (below, mid, _) = values.select_nth_unstable_by(n / 2, by_value);
        let upper = *mid;
        if n % 2 == 1 {
            upper
        } else {
            let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lower + upper) / 2.0
        }
    };
    let low = *values.select_nth_unstable_by(lo, by_value).1;
    let high = *values.select_nth_unstable_by(hi, by_value).1;
    (median != 0.0).then(|| (median - low).max(high - median) / median.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: scipy 1.17.1, `python3 -c "from scipy.stats import binom; print([int(binom.ppf(
    /// 0.025, n, 0.5)) for n in (6, 7, 10, 20, 30, 50, 100, 101, 500, 1000)])"`:
    /// `[1, 1, 2, 6, 10, 18, 40, 41, 228, 469]`.
    #[test]
    fn the_lower_rank_is_scipys_binomial_quantile() {
        let ns = [6, 7, 10, 20, 30, 50, 100, 101, 500, 1000];
        let scipy = [1, 1, 2, 6, 10, 18, 40, 41, 228, 469];
        for (n, k) in ns.into_iter().zip(scipy) {
            assert_eq!(exact_lower_rank(n), k, "n = {n}");
            assert_eq!(rank_bounds(n), Some((k - 1, n - k)), "n = {n}");
        }
    }

    #[test]
    fn too_few_values_have_no_interval() {
        assert_eq!(rank_bounds(5), None);
        assert_eq!(rank_bounds(0), None);
        assert_eq!(relative_reach(&mut [1.0; 5]), None);
    }

    /// Reference: the same scipy, `binom.ppf(0.025, n, 0.5)` for n = 1001, 5000, 100000:
    /// 470, 2431, 49690. The normal approximation is within one rank.
    #[test]
    fn the_approximation_is_within_one_rank_above_a_thousand() {
        for (n, k) in [(1001usize, 470usize), (5000, 2431), (100_000, 49_690)] {
            let (lo, _) = rank_bounds(n).unwrap();
            assert!((lo + 1).abs_diff(k) <= 1, "n = {n}: {} vs {k}", lo + 1);
        }
    }

    #[test]
    fn the_width_is_read_from_the_bounding_order_statistics() {
        // 20 values 1..=20 shuffled: bounds x(6) = 6 and x(15) = 15, median 10.5.
        let mut v: Vec<f64> = (1..=20).map(f64::from).rev().collect();
        v.swap(3, 17);
        let w = relative_reach(&mut v).unwrap();
        assert!((w - (10.5 - 6.0) / 10.5).abs() < 1e-12, "{w}");
        // Odd count: 7 values, bounds x(1) and x(7), median x(4).
        let mut v = vec![7.0, 1.0, 4.0, 3.0, 6.0, 2.0, 5.0];
        assert!((relative_reach(&mut v).unwrap() - 3.0 / 4.0).abs() < 1e-12);
        // Skewed: the longer side counts. Bounds x(1) = 9 and x(7) = 20 around x(4) = 10.
        let mut v = vec![9.0, 9.5, 9.8, 10.0, 10.1, 12.0, 20.0];
        assert!((relative_reach(&mut v).unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(relative_reach(&mut [0.0; 8]), None);
    }
}
