//! The accepted range of every duration and percentage setting, in one place. The bench
//! binary's flags and `QUDAG_BENCH_*` variables, `qudag-bench.toml`, the attribute's options
//! and `qudag-bench ab` all check their values here when they are parsed, so that no later
//! arithmetic (`Instant + timeout`) can overflow and no value is silently capped. The attribute
//! macro keeps a copy of the duration bounds for its compile-time errors (a proc-macro crate
//! cannot depend on this one); the harness checks the registered values again at start-up.

use super::duration;
use crate::error::BadValue;
use std::time::Duration;

/// The accepted values of one duration setting, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationRange {
    /// Smallest accepted value.
    pub min: Duration,
    /// Largest accepted value.
    pub max: Duration,
}

const HOUR: Duration = Duration::from_secs(3600);

/// `warmup_time` / `--warmup-time`: 0 (no warmup beyond one sample) to 1 hour.
pub const WARMUP_TIME: DurationRange = DurationRange {
    min: Duration::ZERO,
    max: HOUR,
};

/// `measure_time` / `--measure-time`: 1 ms to 1 hour.
pub const MEASURE_TIME: DurationRange = DurationRange {
    min: Duration::from_millis(1),
    max: HOUR,
};

/// `timeout` / `--timeout`: 1 ms to 24 hours.
pub const TIMEOUT: DurationRange = DurationRange {
    min: Duration::from_millis(1),
    max: Duration::from_secs(24 * 3600),
};

/// `qudag-bench ab --budget`: 1 ms to 24 hours per benchmark.
pub const AB_BUDGET: DurationRange = TIMEOUT;

/// `qudag-bench ab --timeout`: 1 ms to 24 hours per worker reply.
pub const AB_TIMEOUT: DurationRange = TIMEOUT;

impl DurationRange {
    /// `secs` as a `Duration` if it lies in the range; NaN, infinities, negative and huge
    /// values are errors saying the range.
    pub fn from_secs(&self, secs: f64) -> Result<Duration, BadValue> {
        let in_range = secs >= self.min.as_secs_f64() && secs <= self.max.as_secs_f64();
        match duration::from_secs(secs) {
            Some(d) if in_range && d >= self.min => Ok(d),
            _ => Err(BadValue::new(self.expected())),
        }
    }

    /// Parses `text` (seconds, or a number with ns/us/ms/s) and checks the range; a malformed
    /// value's error says the range too.
    pub fn parse(&self, text: &str) -> Result<Duration, BadValue> {
        let secs = duration::parse_secs(text).map_err(|e| {
            BadValue::new(format!(
                "{e}, from {} to {}",
                show(self.min),
                show(self.max)
            ))
        })?;
        self.from_secs(secs)
    }

    /// "expected a duration from 1ms to 86400s (24 h)", for error messages.
    pub fn expected(&self) -> String {
        format!(
            "expected a duration from {} to {}",
            show(self.min),
            show(self.max)
        )
    }
}

/// A bound as users write it (`0`, `1ms`, `3600s (1 h)`).
fn show(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if d.is_zero() {
        "0".into()
    } else if secs < 1.0 {
        format!("{}ms", secs * 1e3)
    } else if d.as_secs().is_multiple_of(3600) && d.subsec_nanos() == 0 {
        format!("{}s ({} h)", d.as_secs(), d.as_secs() / 3600)
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numeric_edge_is_an_error_saying_the_range_never_a_panic() {
        for range in [WARMUP_TIME, MEASURE_TIME, TIMEOUT] {
            for secs in [
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -1.0,
                -0.0001,
                1e19,
                1e300,
                f64::MAX,
                range.max.as_secs_f64() * 1.0001,
            ] {
                let err = range.from_secs(secs).unwrap_err().to_string();
                assert!(
                    err.starts_with("expected a duration from "),
                    "{secs}: {err}"
                );
            }
            assert_eq!(range.from_secs(range.max.as_secs_f64()), Ok(range.max));
            assert_eq!(range.from_secs(range.min.as_secs_f64()), Ok(range.min));
        }
    }

    #[test]
    fn the_error_says_the_bounds() {
        assert_eq!(
            TIMEOUT.parse("1e19").unwrap_err().to_string(),
            "expected a duration from 1ms to 86400s (24 h)"
        );
        assert_eq!(
            WARMUP_TIME.parse("2h").unwrap_err().to_string(),
            "unknown unit `h`; expected seconds as a number (0.5) or a number with a unit \
             (500ms, 20us, 1.5s), from 0 to 3600s (1 h)"
        );
        assert_eq!(
            TIMEOUT.parse("nan").unwrap_err().to_string(),
            "`nan` is not a duration; expected seconds as a number (0.5) or a number with a \
             unit (500ms, 20us, 1.5s), from 1ms to 86400s (24 h)"
        );
        assert_eq!(
            WARMUP_TIME.parse("3601").unwrap_err().to_string(),
            "expected a duration from 0 to 3600s (1 h)"
        );
        assert_eq!(
            MEASURE_TIME.parse("1e-300").unwrap_err().to_string(),
            "expected a duration from 1ms to 3600s (1 h)"
        );
        assert_eq!(
            MEASURE_TIME.parse("999us").unwrap_err().to_string(),
            "expected a duration from 1ms to 3600s (1 h)"
        );
    }

    #[test]
    fn tiny_values_are_zero_where_zero_is_allowed() {
        assert_eq!(WARMUP_TIME.parse("1e-300"), Ok(Duration::ZERO));
        assert_eq!(WARMUP_TIME.parse("-0"), Ok(Duration::ZERO));
        assert_eq!(MEASURE_TIME.parse("1ms"), Ok(Duration::from_millis(1)));
        assert_eq!(TIMEOUT.parse("86400"), Ok(Duration::from_secs(86400)));
    }
}
