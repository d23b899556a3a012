//! The noise threshold: the smallest change against a baseline that counts. Users give it in
//! percent everywhere (`--noise-threshold`, `QUDAG_BENCH_NOISE_THRESHOLD`, `noise_threshold`
//! in `qudag-bench.toml`, `qudag-bench compare --noise-threshold`), and every one of them goes
//! through [`NoiseThreshold::parse`] or [`NoiseThreshold::from_percent`]. The value keeps its
//! unit: the comparison reads [`NoiseThreshold::fraction`], the run report records
//! [`NoiseThreshold::percent`], and nobody multiplies or divides by 100 by hand.

use crate::error::BadValue;
use std::fmt;

/// The accepted range, percent: from 0 up to, not including, 100.
pub const RANGE_PCT: std::ops::Range<f64> = 0.0..100.0;

/// A noise threshold, held in percent.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct NoiseThreshold {
    pct: f64,
}

impl NoiseThreshold {
    /// The built-in default, 2%.
    pub const DEFAULT: NoiseThreshold = NoiseThreshold { pct: 2.0 };

    /// Parses percent as users write it: `2`, `0.5`, `2%` (blanks around are ignored).
    pub fn parse(text: &str) -> Result<NoiseThreshold, BadValue> {
        let number = text.trim().trim_end_matches('%').trim();
        match number.parse::<f64>() {
            Ok(pct) => NoiseThreshold::from_percent(pct),
            Err(_) => Err(expected()),
        }
    }

    /// `pct` percent, if it lies in [`RANGE_PCT`] (NaN does not).
    pub fn from_percent(pct: f64) -> Result<NoiseThreshold, BadValue> {
        match RANGE_PCT.contains(&pct) {
            true => Ok(NoiseThreshold { pct }),
            false => Err(expected()),
        }
    }

    /// The threshold a run report recorded (`config.noise_threshold_pct`, checked when the
    /// report was read), to compare with it again.
    pub fn recorded(pct: f64) -> NoiseThreshold {
        NoiseThreshold { pct }
    }

    /// In percent (2 for 2%), as the run report records it.
    pub fn percent(self) -> f64 {
        self.pct
    }

    /// As a fraction (0.02 for 2%), the unit of a relative change.
    pub fn fraction(self) -> f64 {
        self.pct / 100.0
    }
}

impl fmt::Display for NoiseThreshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.pct)
    }
}

fn expected() -> BadValue {
    BadValue::new(format!(
        "expected a percentage from {} up to (not including) {}, e.g. 2 or 0.5",
        RANGE_PCT.start, RANGE_PCT.end
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_in_every_form_and_one_unit_out() {
        for (text, pct) in [
            ("2", 2.0),
            (" 50% ", 50.0),
            ("0.5", 0.5),
            ("0", 0.0),
            ("7 %", 7.0),
        ] {
            let t = NoiseThreshold::parse(text).unwrap();
            assert_eq!(t.percent(), pct, "{text}");
            assert_eq!(t.fraction(), pct / 100.0, "{text}");
        }
        assert_eq!(NoiseThreshold::parse("2"), Ok(NoiseThreshold::DEFAULT));
        assert_eq!(NoiseThreshold::DEFAULT.fraction(), 0.02);
        assert_eq!(
            NoiseThreshold::from_percent(0.5),
            NoiseThreshold::parse("0.5%")
        );
        assert_eq!(NoiseThreshold::DEFAULT.to_string(), "2%");
    }

    #[test]
    fn out_of_range_or_not_a_number_is_refused_saying_what_is_expected() {
        for bad in ["100", "250", "-1", "NaN", "inf", "1e300", "x", "", "%"] {
            assert_eq!(
                NoiseThreshold::parse(bad).unwrap_err().to_string(),
                "expected a percentage from 0 up to (not including) 100, e.g. 2 or 0.5",
                "{bad}"
            );
        }
        assert!(NoiseThreshold::from_percent(f64::NAN).is_err());
    }
}
