//! Performance targets, written in `qudag-bench.toml` as
//!
//! ```toml
//! [targets]
//! "ml_kem::keygen" = "< 1ms"            # median time per iteration below 1 ms
//! "consensus::finality" = "p99 < 1s"    # a percentile instead of the median
//! "network::throughput" = "> 10000 msg/s"  # throughput at the median time
//! "consensus::dag" = "rounds_to_finality < 200"  # a custom metric's median (b.metric)
//! "network::rate" = "ops_per_sec > 5k ops/s"     # with its unit, which must be the metric's
//! ```
//!
//! Time statistics: `median` (default), `mean`, `p50`, `p90`, `p99`, `p999`, `max`. Throughput
//! units: bytes (`B/s`, `KB/s`, `MB/s`, `GB/s`, `KiB/s`, `MiB/s`, `GiB/s`) or elements (any
//! other word per second, e.g. `msg/s`, `ops/s`, `elem/s`, with an optional `k`/`M`/`G` on the
//! number).

use super::duration;
use crate::error::BadValue;
use crate::schema::PerfTarget;
use std::time::Duration;

const STATISTICS: [&str; 7] = ["median", "mean", "p50", "p90", "p99", "p999", "max"];

/// What a target should look like, for error messages.
pub const EXPECTED: &str = "\"< 1ms\", \"p99 < 1s\", \"> 10000 msg/s\" or a custom metric's \
                            \"rounds_to_finality < 200\" (statistics: median, mean, p50, p90, \
                            p99, p999, max)";

/// Parses a target expression.
pub fn parse(text: &str) -> Result<PerfTarget, BadValue> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('>') {
        return parse_throughput(rest.trim());
    }
    if let Some(metric) = parse_metric(text)? {
        return Ok(metric);
    }
    let (statistic, rest) = match text.split_once('<') {
        Some((stat, rest)) => (stat.trim(), rest.trim()),
        None => {
            return Err(BadValue::new(format!(
                "`{text}` is not a target; expected {EXPECTED}"
            )));
        }
    };
    let statistic = if statistic.is_empty() {
        "median"
    } else {
        statistic
    };
    if !STATISTICS.contains(&statistic) {
        return Err(BadValue::new(format!(
            "unknown statistic `{statistic}`; expected {EXPECTED}"
        )));
    }
    let bound: Duration = duration::parse(rest)?;
    if bound.is_zero() {
        return Err(BadValue::new("a time target must be greater than 0"));
    }
    Ok(PerfTarget::Time {
        statistic: statistic.to_string(),
        below_ns: bound.as_nanos() as f64,
    })
}

/// A metric target, `NAME < BOUND [UNIT]` or `NAME > BOUND [UNIT]`: `None` when the left side
/// is empty or a time statistic (a time target).
fn parse_metric(text: &str) -> Result<Option<PerfTarget>, BadValue> {
    let Some(at) = text.find(['<', '>']) else {
        return Ok(None);
    };
    let (name, rest) = (text[..at].trim(), text[at + 1..].trim());
    if name.is_empty() || STATISTICS.contains(&name) {
        return Ok(None);
    }
    // `p98 < 1s` asks for a percentile the report does not have; metric names are never
    // of that form.
    if crate::measure::metrics::looks_like_percentile(name) {
        return Err(BadValue::new(format!(
            "unknown statistic `{name}`; expected {EXPECTED}"
        )));
    }
    if let Err(problem) = crate::measure::metrics::check_name(name) {
        return Err(BadValue::new(format!(
            "`{name}` is neither a statistic nor a metric name (it {problem}); expected \
             {EXPECTED}"
        )));
    }
    let (number, unit) = match rest.split_once(char::is_whitespace) {
        Some((n, u)) => (n, Some(u.trim().to_string())),
        None => (rest, None),
    };
    let bound = scaled_number(number)?;
    let below = text.as_bytes()[at] == b'<';
    Ok(Some(PerfTarget::Metric {
        name: name.to_string(),
        below: below.then_some(bound),
        above: (!below).then_some(bound),
        unit,
    }))
}

/// A number with an optional `k`, `M` or `G` multiplier (`5k` is 5000).
fn scaled_number(number: &str) -> Result<f64, BadValue> {
    let (digits, scale) = match number.char_indices().last() {
        Some((i, 'k')) => (&number[..i], 1e3),
        Some((i, 'M')) => (&number[..i], 1e6),
        Some((i, 'G')) => (&number[..i], 1e9),
        _ => (number, 1.0),
    };
    let value: f64 = digits
        .parse()
        .map_err(|_| BadValue::new(format!("`{number}` is not a number; expected {EXPECTED}")))?;
    match value * scale {
        v if v.is_finite() => Ok(v),
        _ => Err(BadValue::new(format!("`{number}` is not a finite number"))),
    }
}

fn parse_throughput(text: &str) -> Result<PerfTarget, BadValue> {
    let (number, unit) = text
        .split_once(char::is_whitespace)
        .map(|(n, u)| (n.trim(), u.trim()))
        .ok_or_else(|| {
            BadValue::new(format!(
                "`> {text}`: expected a number and a unit per second, e.g. \"> 10000 msg/s\""
            ))
        })?;
    let value = scaled_number(number)?;
    let Some(per) = unit.strip_suffix("/s") else {
        return Err(BadValue::new(format!(
            "`{unit}` is not a rate; expected a unit per second such as msg/s or MB/s"
        )));
    };
    let (kind, factor) = match per {
        "B" => ("bytes", 1.0),
        "KB" => ("bytes", 1e3),
        "MB" => ("bytes", 1e6),
        "GB" => ("bytes", 1e9),
        "KiB" => ("bytes", 1024.0),
        "MiB" => ("bytes", 1024.0 * 1024.0),
        "GiB" => ("bytes", 1024.0 * 1024.0 * 1024.0),
        "" => return Err(BadValue::new(format!("`{unit}`: missing unit before /s"))),
        _ => ("elements", 1.0),
    };
    let above = value * factor;
    if !(above.is_finite() && above > 0.0) {
        return Err(BadValue::new("a throughput target must be greater than 0"));
    }
    Ok(PerfTarget::Throughput {
        unit: kind.to_string(),
        above_per_second: above,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_targets() {
        assert_eq!(
            parse("< 1ms").unwrap(),
            PerfTarget::Time {
                statistic: "median".into(),
                below_ns: 1e6
            }
        );
        assert_eq!(
            parse("p99 < 1s").unwrap(),
            PerfTarget::Time {
                statistic: "p99".into(),
                below_ns: 1e9
            }
        );
        assert_eq!(
            parse("mean<500us").unwrap(),
            PerfTarget::Time {
                statistic: "mean".into(),
                below_ns: 5e5
            }
        );
        assert!(
            parse("p98 < 1s")
                .unwrap_err()
                .to_string()
                .contains("unknown statistic")
        );
        assert!(parse("< 0s").is_err());
        assert!(parse("fast").is_err());
    }

    #[test]
    fn throughput_targets() {
        assert_eq!(
            parse("> 10000 msg/s").unwrap(),
            PerfTarget::Throughput {
                unit: "elements".into(),
                above_per_second: 1e4
            }
        );
        assert_eq!(
            parse("> 10k msg/s").unwrap(),
            PerfTarget::Throughput {
                unit: "elements".into(),
                above_per_second: 1e4
            }
        );
        assert_eq!(
            parse("> 2 MiB/s").unwrap(),
            PerfTarget::Throughput {
                unit: "bytes".into(),
                above_per_second: 2.0 * 1024.0 * 1024.0
            }
        );
        assert_eq!(
            parse("> 1.5 GB/s").unwrap(),
            PerfTarget::Throughput {
                unit: "bytes".into(),
                above_per_second: 1.5e9
            }
        );
        assert!(parse("> 10000 msg").is_err());
        assert!(parse("> fast msg/s").is_err());
        assert!(parse("> 0 msg/s").is_err());
    }

    #[test]
    fn metric_targets() {
        let metric = |name: &str, below, above, unit: Option<&str>| PerfTarget::Metric {
            name: name.into(),
            below,
            above,
            unit: unit.map(Into::into),
        };
        assert_eq!(
            parse("rounds_to_finality < 200").unwrap(),
            metric("rounds_to_finality", Some(200.0), None, None)
        );
        assert_eq!(
            parse("ops_per_sec > 5k ops/s").unwrap(),
            metric("ops_per_sec", None, Some(5000.0), Some("ops/s"))
        );
        assert_eq!(
            parse("loss<-0.5").unwrap(),
            metric("loss", Some(-0.5), None, None)
        );
        let e = parse("rounds to finality < 200").unwrap_err().to_string();
        assert!(e.contains("neither a statistic nor a metric name"), "{e}");
        assert!(parse("rounds < many").is_err());
        assert!(matches!(parse("p99 < 1s"), Ok(PerfTarget::Time { .. })));
    }
}
