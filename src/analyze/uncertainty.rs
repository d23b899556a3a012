//! A measured benchmark's uncertainty on this host: this run's interval of the median,
//! widened to where another run's median may land, from the spread between earlier runs on
//! this host (`stats::between_runs`). The between-run spread already holds each run's sampling
//! noise, so the two are not added: each side takes the wider of the two.

use crate::schema::{Interval, TimeStats, Uncertainty};
use crate::stats::between_runs::{MIN_RUNS, spread};

/// The uncertainty of `time` given the medians of earlier runs on this host (oldest first),
/// or the reason there are none to use.
pub fn uncertainty(time: &TimeStats, earlier: Result<&[f64], &str>) -> Uncertainty {
    let within = time.median_ci;
    let medians = match earlier {
        Ok(medians) => medians,
        Err(reason) => return without(within, 0, reason.to_string()),
    };
    let Some(s) = spread(medians) else {
        let n = medians.len();
        let reason = format!(
            "{n} earlier run{} of this benchmark on this host; {MIN_RUNS} are needed for a \
             between-run spread",
            if n == 1 { "" } else { "s" }
        );
        return without(within, n, reason);
    };
    let factor = s.half_width.exp();
    Uncertainty {
        interval: Interval {
            lower: within.lower.min(time.median / factor),
            upper: within.upper.max(time.median * factor),
            level: within.level,
        },
        runs: s.runs as u64,
        between_runs_sd: Some(s.sd),
        between_runs_half_width: Some(s.half_width),
        reason: None,
    }
}

/// This run's interval alone, with the reason.
fn without(within: Interval, runs: usize, reason: String) -> Uncertainty {
    Uncertainty {
        interval: within,
        runs: runs as u64,
        between_runs_sd: None,
        between_runs_half_width: None,
        reason: Some(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(median: f64, lower: f64, upper: f64) -> TimeStats {
        TimeStats {
            mean: median,
            median,
            std_dev: 0.0,
            mad: 0.0,
            min: lower,
            max: upper,
            cv: 0.0,
            mean_ci: Interval {
                lower,
                upper,
                level: 0.95,
            },
            median_ci: Interval {
                lower,
                upper,
                level: 0.95,
            },
        }
    }

    #[test]
    fn the_wider_side_wins() {
        // The five medians: half-width 0.14424 on the log scale (see between_runs).
        let earlier = [57.98, 57.44, 59.26, 57.75, 54.79];
        let u = uncertainty(&time(58.0, 57.9, 70.0), Ok(&earlier));
        let factor = 0.14423875029450955f64.exp();
        assert!((u.interval.lower - 58.0 / factor).abs() < 1e-9);
        assert_eq!(
            u.interval.upper, 70.0,
            "this run's own upper bound is wider"
        );
        assert_eq!((u.runs, u.reason), (5, None));
        assert!((u.between_runs_sd.unwrap() - 0.02370449228633418).abs() < 1e-12);
    }

    #[test]
    fn without_enough_runs_the_interval_is_this_runs_with_the_reason() {
        let t = time(58.0, 57.9, 58.1);
        let u = uncertainty(&t, Ok(&[58.0, 59.0]));
        assert_eq!(u.interval, t.median_ci);
        assert_eq!((u.runs, u.between_runs_sd), (2, None));
        assert_eq!(
            u.reason.as_deref(),
            Some(
                "2 earlier runs of this benchmark on this host; 5 are needed for a between-run \
                 spread"
            )
        );
        let off = uncertainty(&t, Err("--no-history"));
        assert_eq!((off.runs, off.reason.as_deref()), (0, Some("--no-history")));
    }
}
