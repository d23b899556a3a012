//! Durations as users write them: plain seconds (`0.5`) or a number with a unit
//! (`500ms`, `20us`, `1.5s`, `100ns`).

use crate::error::BadValue;
use std::time::Duration;

/// What a duration value should look like, for error messages.
pub const EXPECTED: &str = "seconds as a number (0.5) or a number with a unit (500ms, 20us, 1.5s)";

/// Parses `text` as a duration. Negative, non-finite and malformed values are errors.
pub fn parse(text: &str) -> Result<Duration, BadValue> {
    from_secs(parse_secs(text)?).ok_or_else(|| {
        BadValue::new(format!(
            "`{}` must be a finite duration of 0 or more",
            text.trim()
        ))
    })
}

/// Parses `text` as a number of seconds (a plain number, or one with ns/us/ms/s), without
/// checking its range: callers check it against theirs (see [`super::limits`]).
pub fn parse_secs(text: &str) -> Result<f64, BadValue> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let not_a_duration =
        || BadValue::new(format!("`{text}` is not a duration; expected {EXPECTED}"));
    if number.is_empty() {
        return Err(not_a_duration());
    }
    let scale = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "us" | "µs" => 1e-6,
        "ns" => 1e-9,
        other => {
            return Err(BadValue::new(format!(
                "unknown unit `{other}`; expected {EXPECTED}"
            )));
        }
    };
    let value: f64 = number.parse().map_err(|_| not_a_duration())?;
    Ok(value * scale)
}

/// Converts seconds to a `Duration`, rejecting negative and non-finite values.
pub fn from_secs(secs: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_plain_seconds() {
        assert_eq!(parse("0.5").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("2").unwrap(), Duration::from_secs(2));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse("20us").unwrap(), Duration::from_micros(20));
        assert_eq!(parse("20µs").unwrap(), Duration::from_micros(20));
        assert_eq!(parse("100ns").unwrap(), Duration::from_nanos(100));
        assert_eq!(parse("1.5s").unwrap(), Duration::from_millis(1500));
    }

    #[test]
    fn rejects_bad_values() {
        assert!(parse("-1").is_err());
        assert!(parse("abc").is_err());
        assert!(
            parse("5min")
                .unwrap_err()
                .to_string()
                .contains("unknown unit")
        );
        assert!(parse("").is_err());
        assert!(
            parse("inf")
                .unwrap_err()
                .to_string()
                .contains("is not a duration")
        );
        assert!(parse("1e400").unwrap_err().to_string().contains("finite"));
    }
}
