//! Custom metrics against the baseline: each metric both runs recorded, its medians and their
//! relative change. Shown beside the verdict, never part of it (see [`MetricChange`]).

use crate::schema::{BenchResult, MetricChange, MetricResult};
use std::collections::BTreeMap;

/// The changes of the metrics `old` and `new` share, by name.
pub fn metric_changes(old: &BenchResult, new: &BenchResult) -> BTreeMap<String, MetricChange> {
    new.metrics
        .iter()
        .filter_map(|(name, now)| {
            let before = old.metrics.get(name)?;
            Some((name.clone(), change(before, now)))
        })
        .collect()
}

fn change(before: &MetricResult, now: &MetricResult) -> MetricChange {
    let beyond_intervals = match (&before.median_ci, &now.median_ci) {
        (Some(b), Some(n)) => Some(
            now.median < b.lower
                || now.median > b.upper
                || before.median < n.lower
                || before.median > n.upper,
        ),
        _ => None,
    };
    MetricChange {
        unit: now.unit.clone(),
        baseline_median: before.median,
        median: now.median,
        change: (before.median != 0.0).then(|| now.median / before.median - 1.0),
        beyond_intervals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Interval;

    fn metric(median: f64, ci: Option<(f64, f64)>) -> MetricResult {
        MetricResult {
            unit: "rounds".into(),
            values: vec![median],
            median,
            mean: median,
            min: median,
            max: median,
            median_ci: ci.map(|(lower, upper)| Interval {
                lower,
                upper,
                level: 0.95,
            }),
        }
    }

    fn with(metrics: &[(&str, MetricResult)]) -> BenchResult {
        let mut r: BenchResult = crate::report::tests::run("run-work").benchmarks[0].clone();
        r.metrics = metrics
            .iter()
            .map(|(n, m)| (n.to_string(), m.clone()))
            .collect();
        r
    }

    #[test]
    fn shared_metrics_get_the_relative_change_of_their_medians() {
        let old = with(&[("rounds", metric(10.0, None)), ("gone", metric(1.0, None))]);
        let new = with(&[("rounds", metric(11.0, None)), ("new", metric(1.0, None))]);
        let changes = metric_changes(&old, &new);
        assert_eq!(changes.keys().collect::<Vec<_>>(), ["rounds"]);
        let c = &changes["rounds"];
        assert_eq!((c.baseline_median, c.median), (10.0, 11.0));
        assert!((c.change.unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(c.beyond_intervals, None);
        let zero = with(&[("rounds", metric(0.0, None))]);
        assert_eq!(metric_changes(&zero, &new)["rounds"].change, None);
    }

    #[test]
    fn intervals_that_hold_the_other_median_are_no_change_beyond_them() {
        let old = with(&[("ops", metric(100.0, Some((95.0, 104.0))))]);
        let near = with(&[("ops", metric(103.0, Some((99.0, 108.0))))]);
        let far = with(&[("ops", metric(120.0, Some((115.0, 125.0))))]);
        assert_eq!(
            metric_changes(&old, &near)["ops"].beyond_intervals,
            Some(false)
        );
        assert_eq!(
            metric_changes(&old, &far)["ops"].beyond_intervals,
            Some(true)
        );
    }
}
