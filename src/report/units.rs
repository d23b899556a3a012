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
    fn rates_and_thousands() {
        assert_eq!(rate(1.5e9, true), "1.500 GB/s");
        assert_eq!(rate(12_345.0, false), "12.35 kelem/s");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
