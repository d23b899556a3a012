//! How much a benchmark's median moves between runs on one host, from the medians of its
//! earlier runs there (issue 18). One run's interval describes its own samples; this machine's
//! slow phases move whole runs by several percent, which no amount of samples in one run sees.
//!
//! The spread is the standard deviation of `ln(median)` estimated from successive differences
//! (von Neumann's mean square successive difference: `sum (x[i+1] - x[i])^2 / (2 (n - 1))`),
//! so that a level shift in the window (a code change) counts once, as one large difference,
//! instead of inflating every term as the ordinary standard deviation would.
//!
//! What is reported is where another run's median may land: the 95% prediction interval of
//! the difference between two runs' medians, half-width `t(0.975, v) * sqrt(2) * spread` on
//! the log scale (each run carries its own share of the spread), with `v` the estimator's
//! effective degrees of freedom `2 (n - 1)^2 / (3n - 4)`, rounded down: for independent normal values
//! `Var(D) = (12n - 16) sigma^4` for `D = sum (x[i+1] - x[i])^2` (squared neighbours share one
//! value: covariance `2 sigma^4`), so the estimate varies as a chi-square with `v` degrees of
//! freedom would (matched by the first two moments).

use super::distributions::students_t_quantile;

/// Fewer earlier runs than this give no spread: with 4 the half-width's t factor alone
/// would be 12.7.
pub const MIN_RUNS: usize = 5;
/// At most this many of the latest earlier runs are used.
pub const WINDOW: usize = 20;

/// The between-run spread of a benchmark's median on one host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Runs the spread comes from.
    pub runs: usize,
    /// Standard deviation of `ln(median)` between runs.
    pub sd: f64,
    /// Effective degrees of freedom of `sd`, rounded down.
    pub df: u64,
    /// Half-width of the 95% prediction interval on the log scale: another run's median lies
    /// within a factor `exp(half_width)` of this run's.
    pub half_width: f64,
}

/// The spread of `medians` (earlier runs' medians, oldest first; the last [`WINDOW`] are
/// used), or `None` with fewer than [`MIN_RUNS`] positive ones.
pub fn spread(medians: &[f64]) -> Option<Spread> {
    let logs: Vec<f64> = medians
        .iter()
        .filter(|m| **m > 0.0 && m.is_finite())
        .map(|m| m.ln())
        .collect();
    let logs = &logs[logs.len().saturating_sub(WINDOW)..];
    let n = logs.len();
    if n < MIN_RUNS {
        return None;
    }
    let squares: f64 = logs.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum();
    let sd = (squares / (2.0 * (n - 1) as f64)).sqrt();
    let nf = n as f64;
    let df = (2.0 * (nf - 1.0).powi(2) / (3.0 * nf - 4.0))
        .floor()
        .max(1.0) as u64;
    Some(Spread {
        runs: n,
        sd,
        df,
        half_width: students_t_quantile(0.975, df) * std::f64::consts::SQRT_2 * sd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference values from numpy 2.4.6 and scipy 1.17.1:
    // /tmp/sp/bin/python -c "import numpy as np, scipy.stats as st, math
    // for m in ([57.98,57.44,59.26,57.75,54.79],[10,10,10,20,20,20,20]):
    //   x=np.log(m); n=len(m); sd=math.sqrt((np.diff(x)**2).sum()/(2*(n-1)))
    //   nu=2*(n-1)**2/(3*n-4); t=st.t.ppf(0.975, math.floor(nu)); print(sd, nu, t*sd*2**.5)"
    // 0.02370449228633418 2.909090909090909 0.14423875029450955
    // 0.2000943556421572 4.235294117647059 0.7856677507294467
    // The effective degrees of freedom, by simulation (200,000 series of 20 normal values):
    // Var(D / (2 (n - 1) sigma^2)) = 0.15548, against (3n - 4) / (n - 1)^2 = 0.15512.

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs()
    }

    #[test]
    fn matches_numpy_and_scipy() {
        let s = spread(&[57.98, 57.44, 59.26, 57.75, 54.79]).unwrap();
        assert!(close(s.sd, 0.02370449228633418), "{s:?}");
        assert_eq!((s.runs, s.df), (5, 2));
        assert!(close(s.half_width, 0.14423875029450955), "{s:?}");
        let step = spread(&[10.0, 10.0, 10.0, 20.0, 20.0, 20.0, 20.0]).unwrap();
        assert!(close(step.sd, 0.2000943556421572), "{step:?}");
        assert_eq!(step.df, 4);
        assert!(close(step.half_width, 0.7856677507294467), "{step:?}");
    }

    #[test]
    fn too_few_runs_give_none_and_only_the_window_counts() {
        assert_eq!(spread(&[1.0, 2.0, 3.0, 4.0]), None);
        // Zero and non-finite medians are not runs.
        assert_eq!(spread(&[1.0, 1.0, 1.0, 1.0, 0.0, f64::NAN]), None);
        // A wild run older than the window is forgotten.
        let mut medians = vec![1000.0];
        medians.extend([100.0; WINDOW]);
        let s = spread(&medians).unwrap();
        assert_eq!((s.runs, s.sd), (WINDOW, 0.0));
    }

    #[test]
    fn a_level_shift_counts_once() {
        // Ten runs at 100 and ten at 110: the ordinary SD of the logs would be about 4.9%.
        let mut medians = vec![100.0; 10];
        medians.extend([110.0; 10]);
        let s = spread(&medians).unwrap();
        let expected = (1.1f64.ln().powi(2) / 38.0).sqrt();
        assert!(close(s.sd, expected), "{s:?}");
        assert!(s.sd < 0.016);
    }
}
