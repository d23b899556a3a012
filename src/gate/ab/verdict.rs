//! The A/B decision: one-sided bounds on the change against a "don't care" margin and a
//! "must catch" size.
//!
//! - `regressed`: the lower bound is above the margin: head is slower by more than the margin.
//! - `ok`: the upper bound is below the must-catch size: any slowdown is smaller than that.
//! - `inconclusive`: neither (the interval is too wide to tell).
//!
//! Sampling stops once the interval is narrower than `must_catch - margin`; at that width one
//! of the first two always holds, so precision, not the p-value, ends the measurement.

use crate::stats::paired::Combined;
use serde::{Deserialize, Serialize};

/// What the comparison is sensitive to (fractions: `0.01` is 1%).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Changes smaller than this do not count as regressions.
    pub margin: f64,
    /// Changes this large must be caught.
    pub must_catch: f64,
    /// Confidence of each one-sided bound.
    pub confidence: f64,
}

impl Default for Thresholds {
    /// The defaults picked by the study in `docs/gating.md`.
    fn default() -> Thresholds {
        Thresholds {
            margin: 0.01,
            must_catch: 0.02,
            confidence: 0.95,
        }
    }
}

/// One benchmark's A/B outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbVerdict {
    /// Head is slower than base by more than the margin (confirmed in fresh processes).
    Regressed,
    /// Head is not slower by the must-catch size or more.
    Ok,
    /// The measurement could not tell within its budget.
    Inconclusive,
    /// The benchmark failed on one side (panic, no timing call, hang).
    Failed,
    /// Only in head.
    New,
    /// Only in base.
    Missing,
}

impl AbVerdict {
    /// Upper-case label for tables.
    pub fn label(self) -> &'static str {
        match self {
            AbVerdict::Regressed => "REGRESSED",
            AbVerdict::Ok => "OK",
            AbVerdict::Inconclusive => "INCONCLUSIVE",
            AbVerdict::Failed => "FAILED",
            AbVerdict::New => "NEW",
            AbVerdict::Missing => "MISSING",
        }
    }
}

impl Thresholds {
    /// The verdict for combined log-ratio bounds.
    pub fn decide(&self, c: &Combined) -> AbVerdict {
        if c.lower > self.margin.ln_1p() {
            AbVerdict::Regressed
        } else if c.upper < self.must_catch.ln_1p() {
            AbVerdict::Ok
        } else {
            AbVerdict::Inconclusive
        }
    }

    /// Whether the interval is narrow enough that [`Thresholds::decide`] cannot be
    /// inconclusive.
    pub fn precise_enough(&self, c: &Combined) -> bool {
        c.upper - c.lower < self.must_catch.ln_1p() - self.margin.ln_1p()
    }

    /// Checks the values; the error names the flag.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.margin >= 0.0 && self.margin < 1.0) {
            return Err(format!(
                "--margin must be a percentage in [0, 100), got {}",
                100.0 * self.margin
            ));
        }
        if !(self.must_catch > self.margin && self.must_catch < 10.0) {
            return Err(format!(
                "--must-catch must be a percentage above --margin ({}) and below 1000, got {}",
                100.0 * self.margin,
                100.0 * self.must_catch
            ));
        }
        if !(self.confidence > 0.5 && self.confidence < 1.0) {
            return Err(format!(
                "--confidence must be in (0.5, 1), got {}",
                self.confidence
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(lower_pct: f64, upper_pct: f64) -> Combined {
        Combined {
            mean: 0.0,
            lower: (lower_pct / 100.0f64).ln_1p(),
            upper: (upper_pct / 100.0f64).ln_1p(),
            rounds: 5,
        }
    }

    #[test]
    fn verdicts_follow_the_bounds() {
        let t = Thresholds::default();
        assert_eq!(t.decide(&bounds(1.2, 2.5)), AbVerdict::Regressed);
        assert_eq!(t.decide(&bounds(0.5, 1.5)), AbVerdict::Ok);
        assert_eq!(t.decide(&bounds(-4.0, -2.0)), AbVerdict::Ok);
        assert_eq!(t.decide(&bounds(0.5, 2.5)), AbVerdict::Inconclusive);
        let one_round = Combined {
            mean: 0.5,
            lower: f64::NEG_INFINITY,
            upper: f64::INFINITY,
            rounds: 1,
        };
        assert_eq!(t.decide(&one_round), AbVerdict::Inconclusive);
    }

    #[test]
    fn a_precise_interval_is_never_inconclusive() {
        let t = Thresholds::default();
        for lo in -300..300 {
            let lo = f64::from(lo) / 100.0;
            let c = bounds(lo, lo + 0.95);
            assert!(t.precise_enough(&c), "{lo}");
            assert_ne!(t.decide(&c), AbVerdict::Inconclusive, "{lo}");
        }
        assert!(!t.precise_enough(&bounds(0.0, 1.1)));
    }

    #[test]
    fn bad_thresholds_name_the_flag() {
        let t = Thresholds {
            must_catch: 0.005,
            ..Thresholds::default()
        };
        assert!(t.validate().unwrap_err().contains("--must-catch"));
        let t = Thresholds {
            margin: -0.1,
            ..Thresholds::default()
        };
        assert!(t.validate().unwrap_err().contains("--margin"));
    }
}
