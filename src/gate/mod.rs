//! Verdicts against a baseline, and the gate that turns regressions and missed targets into
//! exit code 3.

pub mod ab;
pub mod compare;

use crate::store::RunReport;
use crate::store::report::GateResult;
use compare::Verdict;

/// The gate's reasons: regressions and missed targets.
pub fn decide(report: &RunReport) -> GateResult {
    let mut reasons = Vec::new();
    for r in &report.benchmarks {
        if let Some(c) = &r.comparison
            && c.verdict == Verdict::Regressed
        {
            let again = c.confirmation.as_ref().map_or(String::new(), |a| {
                format!(
                    "; measured again {:+.1}%, fastest samples {:+.1}%",
                    100.0 * a.change.unwrap_or(0.0),
                    100.0 * a.fastest_change.unwrap_or(0.0)
                )
            });
            reasons.push(format!(
                "{} regressed: {:+.1}% (95% CI {:+.1}% to {:+.1}%, fastest samples {:+.1}%, \
                 threshold {:.1}%){again}",
                r.id,
                100.0 * c.change.unwrap_or(0.0),
                100.0 * c.change_ci.map_or(0.0, |i| i.lower),
                100.0 * c.change_ci.map_or(0.0, |i| i.upper),
                100.0 * c.fastest_change.unwrap_or(0.0),
                100.0 * c.noise_threshold
            ));
        }
        if let Some(t) = &r.target
            && t.met == Some(false)
        {
            reasons.push(format!("{} missed its target {}", r.id, t.expression));
        }
    }
    GateResult {
        failed: !reasons.is_empty(),
        reasons,
    }
}
