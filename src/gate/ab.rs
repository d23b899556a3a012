//! The A/B decision: one-sided bounds on the change against a "don't care" margin and a
//! "must catch" size.
//!
//! - `regressed`: the lower bound is above the margin: head is slower by more than the margin.
//! - `ok`: the upper bound is below the must-catch size: any slowdown is smaller than that.
//! - `inconclusive`: neither (the interval is too wide to tell).
//!
//! Sampling stops once the interval is narrower than `must_catch - margin`; at that width one
//! of the first two always holds, so precision, not the p-value, ends the measurement.

use crate::error::Error;
use crate::schema::Combined;
use crate::schema::{AbReport, AbVerdict, InstrVerdict, Thresholds};
use crate::schema::{Measurement, Plan};
use crate::stats::paired::combine_rounds;
use std::time::Duration;

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

    /// Checks the values; the error ([`Error::Setting`]) names the flag.
    pub fn validate(&self) -> Result<(), Error> {
        if !(self.margin >= 0.0 && self.margin < 1.0) {
            return Err(Error::setting(format!(
                "--margin must be a percentage in [0, 100), got {}",
                100.0 * self.margin
            )));
        }
        if !(self.must_catch > self.margin && self.must_catch < 10.0) {
            return Err(Error::setting(format!(
                "--must-catch must be a percentage above --margin ({}) and below 1000, got {}",
                100.0 * self.margin,
                100.0 * self.must_catch
            )));
        }
        if !(self.confidence > 0.5 && self.confidence < 1.0) {
            return Err(Error::setting(format!(
                "--confidence must be in (0.5, 1), got {}",
                self.confidence
            )));
        }
        Ok(())
    }
}

/// What the comparison as a whole says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateOutcome {
    /// Every compared benchmark was decided and none regressed.
    Passed,
    /// A regression, or with `--strict` an inconclusive benchmark (exit 3).
    Failed,
    /// No regression, but a benchmark failed to run, so the gate could not judge it (exit 101).
    NotPassed,
}

impl AbReport {
    /// Benchmarks with this verdict.
    pub fn count(&self, v: AbVerdict) -> usize {
        self.benchmarks.iter().filter(|b| b.verdict == v).count()
    }

    /// The gate's decision; `strict` makes an inconclusive benchmark fail it.
    pub fn gate(&self, strict: bool) -> GateOutcome {
        let inconclusive = strict && self.count(AbVerdict::Inconclusive) > 0;
        if self.count(AbVerdict::Regressed) > 0 || inconclusive {
            GateOutcome::Failed
        } else if self.count(AbVerdict::Failed) > 0 {
            // A benchmark that did not run may hide a regression: never say "passed".
            GateOutcome::NotPassed
        } else {
            GateOutcome::Passed
        }
    }
}

/// Relative increase in instructions that fails the gate (1%).
pub const REGRESSION: f64 = 0.01;
/// Relative increase in instructions that is reported as a warning (0.2%).
pub const WARNING: f64 = 0.002;
/// Half a unit of the shown precision (0.005 percentage points), so that the verdict agrees
/// with the rounded change in the table.
const ROUNDING: f64 = 0.000_05;

/// The instruction-count verdict for a relative change of instructions per iteration.
pub fn verdict_of(change: f64) -> InstrVerdict {
    if change >= REGRESSION - ROUNDING {
        InstrVerdict::Regressed
    } else if change >= WARNING - ROUNDING {
        InstrVerdict::Warning
    } else {
        InstrVerdict::Ok
    }
}

impl Default for Plan {
    /// The defaults picked by the study in `docs/gating.md`.
    fn default() -> Plan {
        Plan {
            sample_target: Duration::from_micros(500),
            warmup: Duration::from_millis(20),
            pairs_time: Duration::from_millis(100),
            min_pairs: 3,
            min_rounds: 3,
            budget: Duration::from_secs(3),
            timeout: Duration::from_secs(60),
            seed: 0x0ab0_ab0a,
        }
    }
}

impl Measurement {
    /// A benchmark not yet measured; `iters` carries the count over from an earlier pass.
    pub fn new(id: &str, iters: Option<u64>) -> Measurement {
        Measurement {
            id: id.to_string(),
            iters_per_sample: iters,
            round_estimates: Vec::new(),
            round_pairs: Vec::new(),
            round_se: Vec::new(),
            short_rounds: false,
            wall_s: 0.0,
            round_wall_s: Vec::new(),
            error: None,
            budget_exhausted: false,
        }
    }

    /// The rounds combined.
    pub fn combined(&self, t: &Thresholds) -> Combined {
        combine_rounds(&self.round_estimates, t.confidence)
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

    fn report(verdicts: &[AbVerdict]) -> AbReport {
        AbReport {
            schema: crate::schema::ids::AB.into(),
            base: "base".into(),
            head: "head".into(),
            plan: crate::schema::Plan::default(),
            thresholds: Thresholds::default(),
            confirm: true,
            benchmarks: verdicts
                .iter()
                .enumerate()
                .map(|(i, &verdict)| crate::schema::AbResult {
                    id: format!("b{i}"),
                    verdict,
                    change: None,
                    lower: None,
                    upper: None,
                    measurement: None,
                    first_pass: None,
                    note: String::new(),
                })
                .collect(),
            wall_s: 1.0,
        }
    }

    #[test]
    fn inconclusive_fails_only_when_strict_and_a_regression_always() {
        let r = report(&[AbVerdict::Ok, AbVerdict::Inconclusive]);
        assert_eq!(r.gate(false), GateOutcome::Passed);
        assert_eq!(r.gate(true), GateOutcome::Failed);
        let regressed = report(&[AbVerdict::Regressed, AbVerdict::Failed]);
        assert_eq!(regressed.gate(false), GateOutcome::Failed);
        assert_eq!(
            report(&[AbVerdict::Ok, AbVerdict::New]).gate(true),
            GateOutcome::Passed
        );
    }

    #[test]
    fn a_failed_benchmark_never_passes_the_gate() {
        let r = report(&[AbVerdict::Ok, AbVerdict::Failed, AbVerdict::New]);
        for strict in [false, true] {
            assert_eq!(r.gate(strict), GateOutcome::NotPassed);
        }
    }

    #[test]
    fn bad_thresholds_name_the_flag() {
        let t = Thresholds {
            must_catch: 0.005,
            ..Thresholds::default()
        };
        assert!(
            t.validate()
                .unwrap_err()
                .to_string()
                .contains("--must-catch")
        );
        let t = Thresholds {
            margin: -0.1,
            ..Thresholds::default()
        };
        assert!(t.validate().unwrap_err().to_string().contains("--margin"));
    }
}
