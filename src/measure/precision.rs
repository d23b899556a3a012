//! The precision a benchmark is measured to: measurement stops once the 95% interval of the
//! median is within plus or minus this many percent of it (issue 18). Held in percent, like
//! [`NoiseThreshold`](super::NoiseThreshold); 0 means the fixed plan (every sample the time
//! and sample caps allow).

use crate::error::BadValue;
use std::fmt;

/// A precision target, in percent of the median; 0 is the fixed plan.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Precision {
    pct: f64,
}

impl Precision {
    /// No target: measure until the time or sample cap, as before precision stops existed.
    pub const FIXED: Precision = Precision { pct: 0.0 };
    /// The default: the median's 95% interval within ±1% on both sides (issue 18's study,
    /// docs/measurement.md).
    pub const DEFAULT: Precision = Precision { pct: 1.0 };

    /// Parses percent as users write it: `1`, `0.5`, `1%`; `0` is the fixed plan.
    pub fn parse(text: &str) -> Result<Precision, BadValue> {
        let number = text.trim().trim_end_matches('%').trim();
        number
            .parse::<f64>()
            .map_err(|_| expected())
            .and_then(Precision::from_percent)
    }

    /// `pct` percent, if it is at least 0 and below 100 (NaN is not).
    pub fn from_percent(pct: f64) -> Result<Precision, BadValue> {
        match (0.0..100.0).contains(&pct) {
            true => Ok(Precision { pct }),
            false => Err(expected()),
        }
    }

    /// In percent, 0 for the fixed plan.
    pub fn percent(self) -> f64 {
        self.pct
    }

    /// The target as a fraction of the median, or `None` for the fixed plan.
    pub fn target(self) -> Option<f64> {
        (self.pct > 0.0).then_some(self.pct / 100.0)
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.target() {
            Some(_) => write!(f, "±{}%", self.pct),
            None => f.write_str("fixed plan"),
        }
    }
}

fn expected() -> BadValue {
    BadValue::new(
        "expected a percentage from 0 (the fixed plan) up to (not including) 100, e.g. 1 or 0.5",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_parsed_and_zero_is_the_fixed_plan() {
        assert_eq!(Precision::parse("1").unwrap().target(), Some(0.01));
        assert_eq!(Precision::parse(" 0.5% ").unwrap().percent(), 0.5);
        assert_eq!(Precision::parse("0").unwrap(), Precision::FIXED);
        assert_eq!(Precision::FIXED.target(), None);
        assert_eq!(Precision::FIXED.to_string(), "fixed plan");
        for bad in ["-1", "100", "nan", "", "one"] {
            assert!(Precision::parse(bad).is_err(), "{bad}");
        }
    }
}
