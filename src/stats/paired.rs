//! Estimators for paired, interleaved A/B measurements: per pair the log of head time over
//! base time; per round (one fresh process pair) the median of those log ratios, which
//! ignores the pairs an interruption hit; over rounds the mean with a one-sided Student-t
//! bound on each side, so that process-to-process effects (code and memory layout) widen the
//! interval instead of biasing it.

use super::distributions::students_t_quantile;
use super::summary::summarize;
use crate::schema::Combined;

/// Log ratio `ln(head / base)` of each pair (both times must be positive).
pub fn log_ratios(base: &[f64], head: &[f64]) -> Vec<f64> {
    base.iter().zip(head).map(|(&b, &h)| (h / b).ln()).collect()
}

/// A round's estimate from its pairs' log ratios (at least one): their median, and its
/// standard error for normal noise, `sqrt(pi/2) * 1.4826 * MAD / sqrt(n)`.
pub fn round_estimate(log_ratios: &[f64]) -> (f64, f64) {
    let s = summarize(log_ratios);
    let se = 1.2533 * 1.4826 * s.mad / (s.n as f64).sqrt();
    (s.median, se)
}

/// Combines round estimates: mean, and `mean -/+ t(confidence, rounds - 1) * sd / sqrt(rounds)`
/// (each bound one-sided at `confidence`, e.g. 0.95).
pub fn combine_rounds(estimates: &[f64], confidence: f64) -> Combined {
    let r = estimates.len();
    let (mean, sd) = match r {
        0 => (0.0, 0.0),
        _ => {
            let s = summarize(estimates);
            (s.mean, s.std_dev)
        }
    };
    if r < 2 {
        return Combined {
            mean,
            lower: f64::NEG_INFINITY,
            upper: f64::INFINITY,
            rounds: r,
        };
    }
    let se = sd / (r as f64).sqrt();
    let t = students_t_quantile(confidence, (r - 1) as u64);
    Combined {
        mean,
        lower: mean - t * se,
        upper: mean + t * se,
        rounds: r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // python3 tests/reference/paired.py (numpy 2.4.6, scipy 1.17.1):
    //   rounds = [0.0123, 0.0087, 0.0151, 0.0102, 0.0139]
    //   mean 0.01204 lower 0.009543280648518695 upper 0.014536719351481306
    //   rounds = [-0.004, 0.006]
    //   mean 0.001 lower -0.030568757573375183 upper 0.032568757573375184
    const ROUNDS: [f64; 5] = [0.0123, 0.0087, 0.0151, 0.0102, 0.0139];

    #[test]
    fn combined_bounds_match_scipy() {
        let c = combine_rounds(&ROUNDS, 0.95);
        assert!((c.mean - 0.01204).abs() < 1e-15);
        assert!((c.lower - 0.009543280648518695).abs() < 1e-12, "{c:?}");
        assert!((c.upper - 0.014536719351481306).abs() < 1e-12, "{c:?}");
        let two = combine_rounds(&[-0.004, 0.006], 0.95);
        assert!((two.lower + 0.030568757573375183).abs() < 1e-12, "{two:?}");
        assert!((two.upper - 0.032568757573375184).abs() < 1e-12, "{two:?}");
    }

    #[test]
    fn one_round_has_no_interval() {
        let c = combine_rounds(&[0.02], 0.95);
        assert_eq!((c.mean, c.rounds), (0.02, 1));
        assert!(c.lower.is_infinite() && c.upper.is_infinite());
    }

    #[test]
    fn median_of_log_ratios_ignores_an_interrupted_pair() {
        let base = [100.0, 100.0, 100.0, 100.0, 100.0];
        // 2% slower, one pair hit by a 4 ms interruption on the head side.
        let head = [102.0, 102.0, 4102.0, 102.0, 102.0];
        let r = log_ratios(&base, &head);
        assert!((round_estimate(&r).0 - (1.02f64).ln()).abs() < 1e-15);
        assert!((round_estimate(&[3.0, 1.0, 2.0, 4.0]).0 - 2.5).abs() < 1e-15);
    }

    #[test]
    fn a_rounds_error_comes_from_the_mad() {
        // Median 2, absolute deviations 2, 1, 0, 1, 2: MAD 1.
        let (median, se) = round_estimate(&[0.0, 1.0, 2.0, 3.0, 4.0]);
        assert_eq!(median, 2.0);
        assert!((se - 1.2533 * 1.4826 / 5f64.sqrt()).abs() < 1e-15);
    }
}
