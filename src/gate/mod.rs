//! Verdicts against a baseline, and the gate that turns regressions and missed targets into
//! exit code 3.

pub mod ab;
pub mod metrics;
pub mod verdict;

use crate::schema::{GateResult, RunReport, Verdict};

/// The gate's reasons: regressions and missed targets.
pub fn decide(report: &RunReport) -> GateResult {
    let mut reasons = Vec::new();
    for r in &report.benchmarks {
        if let Some(c) = &r.comparison
            && c.verdict == Verdict::Regressed
        {
            let pct = |v: Option<f64>| 100.0 * v.unwrap_or(f64::NAN);
            let again = c
                .confirmation
                .as_ref()
                .map_or(String::new(), |a| match &a.ab {
                    Some(ab) => format!(
                        "; A/B against the baseline's executable: {:+.1}% ({:+.1}% to {:+.1}%)",
                        pct(ab.change),
                        pct(ab.lower),
                        pct(ab.upper)
                    ),
                    None => format!(
                        "; measured again: fastest samples {:+.1}%, median {:+.1}%",
                        pct(a.fastest_change),
                        pct(a.change)
                    ),
                });
            reasons.push(format!(
                "{} regressed: fastest samples {:+.1}% (95% CI {:+.1}% to {:+.1}%, threshold \
                 {:.1}%), median {:+.1}%{again}",
                r.id,
                pct(c.fastest_change),
                pct(c.fastest_change_ci.map(|i| i.lower)),
                pct(c.fastest_change_ci.map(|i| i.upper)),
                100.0 * c.noise_threshold,
                pct(c.change),
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
