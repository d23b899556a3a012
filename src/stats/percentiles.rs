//! Latency percentiles from an HDR histogram (3 significant digits, values recorded in
//! picoseconds so that sub-nanosecond times keep their digits; 0 is recorded as 0).

use crate::schema::{Granularity, Percentiles};
use hdrhistogram::Histogram;

/// Percentiles of `values_ns` (negative values count as 0); `None` without values.
pub fn percentiles(
    values_ns: impl IntoIterator<Item = f64>,
    granularity: Granularity,
) -> Option<Percentiles> {
    let mut hist = Histogram::<u64>::new(3).expect("3 significant digits is a valid precision");
    for v in values_ns {
        let ps = (v.max(0.0) * 1e3).round() as u64;
        // `record` grows the histogram; `saturating_record` alone would clamp to its initial
        // range instead. Past the largest size a histogram can take, clamp.
        if hist.record(ps).is_err() {
            hist.saturating_record(ps);
        }
    }
    if hist.is_empty() {
        return None;
    }
    let at = |q: f64| hist.value_at_quantile(q) as f64 / 1e3;
    Some(Percentiles {
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        p999: at(0.999),
        max: hist.max() as f64 / 1e3,
        granularity,
        count: hist.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want
    }

    #[test]
    fn matches_exact_percentiles_to_three_digits() {
        // 1..=100,000 ns: the q-quantile by nearest rank is q * 100,000.
        let p = percentiles((1..=100_000).map(f64::from), Granularity::Iteration).unwrap();
        for (got, want) in [
            (p.p50, 50_000.0),
            (p.p90, 90_000.0),
            (p.p99, 99_000.0),
            (p.p999, 99_900.0),
        ] {
            assert!(within(got, want, 1e-3), "{got} vs {want}");
        }
        assert!(within(p.max, 100_000.0, 1e-3));
        assert_eq!(p.count, 100_000);
    }

    #[test]
    fn keeps_sub_nanosecond_values_and_tails() {
        let mut values = vec![0.25; 990];
        values.extend([4_000_000.0; 10]);
        let p = percentiles(values, Granularity::Sample).unwrap();
        assert!(within(p.p50, 0.25, 1e-3), "{}", p.p50);
        assert!(within(p.p99, 0.25, 1e-3) || p.p99 > 0.25);
        assert!(within(p.p999, 4_000_000.0, 1e-3), "{}", p.p999);
        assert_eq!(p.granularity, Granularity::Sample);
        assert_eq!(percentiles(Vec::<f64>::new(), Granularity::Sample), None);
    }
}
