//! A custom metric's values summarized for the report: median, mean, extremes and the
//! distribution-free interval of the median.

use crate::measure::metrics::Recorded;
use crate::schema::{Interval, MetricResult};
use crate::stats::median_interval::rank_bounds;
use crate::stats::summarize;
use std::collections::BTreeMap;

/// Every recorded metric's report entry, by name.
pub fn summarize_all(recorded: BTreeMap<String, Recorded>) -> BTreeMap<String, MetricResult> {
    recorded
        .into_iter()
        .map(|(name, r)| (name, summarize_one(r)))
        .collect()
}

/// One metric's entry (it has at least one value: metrics without values are not kept).
fn summarize_one(recorded: Recorded) -> MetricResult {
    let s = summarize(&recorded.values);
    let mut sorted = recorded.values.clone();
    sorted.sort_by(f64::total_cmp);
    let median_ci = rank_bounds(sorted.len()).map(|(lo, hi)| Interval {
        lower: sorted[lo],
        upper: sorted[hi],
        level: 0.95,
    });
    MetricResult {
        unit: recorded.unit,
        values: recorded.values,
        median: s.median,
        mean: s.mean,
        min: s.min,
        max: s.max,
        median_ci,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(values: &[f64]) -> Recorded {
        Recorded {
            unit: "u".into(),
            values: values.to_vec(),
        }
    }

    /// Reference: numpy 2 and scipy 1.17.1,
    /// `v=[12.5,3.0,7.25,9.0,4.5,11.0,6.0,8.75,5.5,10.0,2.0]; s=sorted(v); k=int(binom.ppf(0.025,11,0.5));
    /// print(np.median(v), np.mean(v), min(v), max(v), k, s[k-1], s[11-k])`
    /// -> `7.25 7.2272727272727275 2.0 12.5 2 3.0 11.0` (coverage `1-2*binom.cdf(1,11,.5)` = 0.988).
    #[test]
    fn per_sample_values_match_numpy_and_scipys_order_statistics() {
        let v = [12.5, 3.0, 7.25, 9.0, 4.5, 11.0, 6.0, 8.75, 5.5, 10.0, 2.0];
        let m = summarize_one(recorded(&v));
        assert_eq!(m.values, v, "record order kept");
        assert_eq!((m.median, m.min, m.max), (7.25, 2.0, 12.5));
        assert!((m.mean - 7.227_272_727_272_727_5).abs() < 1e-12);
        let ci = m.median_ci.unwrap();
        assert_eq!((ci.lower, ci.upper, ci.level), (3.0, 11.0, 0.95));
    }

    /// scipy: `binom.ppf(0.025, 5, 0.5)` is 0: five values cannot bound the median at 95%.
    #[test]
    fn one_value_is_itself_and_five_have_no_interval() {
        let m = summarize_one(recorded(&[10.0]));
        assert_eq!((m.median, m.mean, m.min, m.max), (10.0, 10.0, 10.0, 10.0));
        assert_eq!(m.median_ci, None);
        assert_eq!(
            summarize_one(recorded(&[1.0, 2.0, 3.0, 4.0, 5.0])).median_ci,
            None
        );
        let all = summarize_all(BTreeMap::from([("r".to_string(), recorded(&[4.0, 2.0]))]));
        assert_eq!(all["r"].median, 3.0);
    }
}
