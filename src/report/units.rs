//! Human-readable numbers: times with adaptive units, rates, thousands separators.

/// A time in nanoseconds with 4 significant digits and a unit from ns to s.
pub fn time(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    format!("{} {unit}", significant(value))
}

/// A rate per second with a decimal (SI) prefix: `bytes` picks B/s, else `elem/s`.
pub fn rate(per_second: f64, bytes: bool) -> String {
    let unit = if bytes { "B/s" } else { "elem/s" };
    let (value, prefix) = if per_second >= 1e9 {
        (per_second / 1e9, "G")
    } else if per_second >= 1e6 {
        (per_second / 1e6, "M")
    } else if per_second >= 1e3 {
        (per_second / 1e3, "k")
    } else {
        (per_second, "")
    };
    format!("{} {prefix}{unit}", significant(value))
}

/// A benchmark's throughput at its median (`1.500 GB/s`, `12.35 kelem/s`); `None` when it
/// declares none or the median is 0.
pub fn throughput(t: Option<crate::schema::ThroughputResult>) -> Option<String> {
    let t = t?;
    let bytes = matches!(t.per_iter, crate::schema::Throughput::Bytes(_));
    t.per_second.map(|v| rate(v, bytes))
}

/// A benchmark's status as a word: `ok`, `failed`, `timed out`, `skipped`.
pub fn status(s: crate::schema::Status) -> &'static str {
    match s {
        crate::schema::Status::Ok => "ok",
        crate::schema::Status::Failed => "failed",
        crate::schema::Status::Timeout => "timed out",
        crate::schema::Status::Skipped => "skipped",
    }
}

/// 4 significant digits for values from 0 to 9999.
fn significant(v: f64) -> String {
    let decimals = if v >= 1000.0 {
        0
    } else if v >= 100.0 {
        1
    } else if v >= 10.0 {
        2
    } else {
        3
    };
    format!("{v:.decimals$}")
}

/// A custom metric's figure: whole numbers as they are (`600`), others with 4 significant
/// digits below 1000 and none above (`0.1250`, `12.35`, `52344`).
pub fn figure(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let a = v.abs();
    let decimals = if a >= 1000.0 {
        0
    } else if a >= 100.0 {
        1
    } else if a >= 10.0 {
        2
    } else if a >= 1.0 {
        3
    } else {
        4
    };
    format!("{v:.decimals$}")
}

/// A custom metric as one phrase: `10 rounds`, or with per-sample values the median and its
/// interval, `1234 ops/s [1201, 1270]`. The unit is as the benchmark gave it (escape it for a
/// terminal).
pub fn metric(m: &crate::schema::MetricResult) -> String {
    let unit = if m.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", m.unit)
    };
    match (&m.median_ci, m.values.len()) {
        (_, 1) => format!("{}{unit}", figure(m.median)),
        (Some(ci), _) => format!(
            "{}{unit} [{}, {}]",
            figure(m.median),
            figure(ci.lower),
            figure(ci.upper)
        ),
        (None, n) => format!(
            "{}{unit} (median of {n}, {} to {})",
            figure(m.median),
            figure(m.min),
            figure(m.max)
        ),
    }
}

/// A custom metric against the baseline: `baseline 10, +10.0%`, with `beyond both intervals`
/// or `within the intervals` when the metric has them.
pub fn metric_change(c: &crate::schema::MetricChange) -> String {
    let mut text = format!("baseline {}", figure(c.baseline_median));
    if let Some(change) = c.change {
        text.push_str(&format!(", {:+.1}%", 100.0 * change));
    }
    match c.beyond_intervals {
        Some(true) => text.push_str(", beyond the intervals"),
        Some(false) => text.push_str(", within the intervals"),
        None => {}
    }
    text
}

/// An integer with `,` between thousands, as libtest prints it.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(time(0.31), "0.310 ns");
        assert_eq!(time(52.346), "52.35 ns");
        assert_eq!(time(23_456.0), "23.46 µs");
        assert_eq!(time(1_500_000.0), "1.500 ms");
        assert_eq!(time(2.5e9), "2.500 s");
    }

    #[test]
    fn figures_and_metrics() {
        assert_eq!(figure(600.0), "600");
        assert_eq!(figure(-3.0), "-3");
        assert_eq!(figure(0.125), "0.1250");
        assert_eq!(figure(12.345), "12.35");
        assert_eq!(figure(52343.7), "52344");
        let mut m = crate::schema::MetricResult {
            unit: "rounds".into(),
            values: vec![10.0],
            median: 10.0,
            mean: 10.0,
            min: 10.0,
            max: 10.0,
            median_ci: None,
        };
        assert_eq!(metric(&m), "10 rounds");
        m.values = vec![9.0, 10.0, 12.0];
        (m.min, m.max) = (9.0, 12.0);
        assert_eq!(metric(&m), "10 rounds (median of 3, 9 to 12)");
        m.median_ci = Some(crate::schema::Interval {
            lower: 9.5,
            upper: 11.0,
            level: 0.95,
        });
        assert_eq!(metric(&m), "10 rounds [9.500, 11]");
        let mut c = crate::schema::MetricChange {
            unit: "rounds".into(),
            baseline_median: 10.0,
            median: 11.0,
            change: Some(0.1),
            beyond_intervals: None,
        };
        assert_eq!(metric_change(&c), "baseline 10, +10.0%");
        (c.change, c.beyond_intervals) = (None, Some(true));
        assert_eq!(metric_change(&c), "baseline 10, beyond the intervals");
    }

    #[test]
    fn rates_and_thousands() {
        assert_eq!(rate(1.5e9, true), "1.500 GB/s");
        assert_eq!(rate(12_345.0, false), "12.35 kelem/s");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
