//! The baseline workflow of a bench-mode run: load `--baseline` before measuring (so a bad one
//! fails fast with exit 2), compare after, decide `--gate`, print both, and save
//! `--save-baseline` when every benchmark ran.

use crate::cli::Cli;
use crate::config::Resolver;
use crate::gate::compare::{self, Verdict};
use crate::registry::Benchmark;
use crate::report::units::time;
use crate::store::report::GateResult;
use crate::store::{RunReport, Status, baseline};
use std::io::Write;
use std::path::Path;

/// Loads `--baseline NAME` for `target`, if given.
pub fn load(cli: &Cli, home: &Path, target: &str) -> Result<Option<(String, RunReport)>, String> {
    match &cli.harness.baseline {
        None => Ok(None),
        Some(name) => baseline::load(home, name, target).map(|r| Some((name.clone(), r))),
    }
}

/// Compares `report` with the baseline and attaches the results.
pub fn compare(
    report: &mut RunReport,
    base: &(String, RunReport),
    benches: &[Benchmark],
    resolver: &Resolver,
) {
    let threshold = |r: &crate::store::BenchResult| {
        benches
            .iter()
            .find(|b| b.id == r.id)
            .map_or(crate::config::DEFAULTS.noise_threshold, |b| {
                resolver.settings(b).noise_threshold
            })
    };
    let (info, comparisons) = compare::compare(
        &base.0,
        &base.1,
        &report.environment,
        &mut report.benchmarks,
        &threshold,
    );
    for (r, c) in report.benchmarks.iter_mut().zip(comparisons) {
        r.comparison = c;
    }
    report.baseline = Some(info);
}

/// The gate's reasons: regressions and missed targets.
pub fn gate(report: &RunReport) -> GateResult {
    let mut reasons = Vec::new();
    for r in &report.benchmarks {
        if let Some(c) = &r.comparison
            && c.verdict == Verdict::Regressed
        {
            reasons.push(format!(
                "{} regressed: {:+.1}% (95% CI {:+.1}% to {:+.1}%, threshold {:.1}%)",
                r.id,
                100.0 * c.change.unwrap_or(0.0),
                100.0 * c.change_ci.map_or(0.0, |i| i.lower),
                100.0 * c.change_ci.map_or(0.0, |i| i.upper),
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

/// Prints the comparison table and the gate's decision.
pub fn print(out: &mut dyn Write, report: &RunReport) {
    if let Some(info) = &report.baseline {
        let _ = writeln!(
            out,
            "\nagainst baseline `{}` ({}; {} compared, Holm-corrected at alpha {}):",
            info.name, info.started_at, info.compared, info.alpha
        );
        for d in &info.environment_differences {
            let _ = writeln!(out, "  warning: environment differs: {d}");
        }
        let width = report
            .benchmarks
            .iter()
            .map(|r| r.id.chars().count())
            .max()
            .unwrap_or(0)
            .min(60);
        for r in &report.benchmarks {
            let Some(c) = &r.comparison else { continue };
            let change = match (c.change, c.change_ci, c.baseline_median_ns) {
                (Some(ch), Some(ci), Some(m0)) => format!(
                    "{:>+7.2}% [{:+.2}%, {:+.2}%] from {}",
                    100.0 * ch,
                    100.0 * ci.lower,
                    100.0 * ci.upper,
                    time(m0)
                ),
                _ => String::new(),
            };
            let verdict = match c.verdict {
                Verdict::Regressed => "REGRESSED",
                Verdict::Improved => "improved",
                Verdict::Unchanged => "unchanged",
                Verdict::New => "new",
            };
            let _ = writeln!(out, "  {:<width$}  {verdict:<9}  {change}", r.id);
        }
        for id in &info.missing {
            let _ = writeln!(
                out,
                "  {id:<width$}  missing (in the baseline, not in this run)"
            );
        }
    }
    if let Some(g) = &report.gate {
        if g.failed {
            let _ = writeln!(out, "\ngate: FAILED");
            for reason in &g.reasons {
                let _ = writeln!(out, "  {reason}");
            }
        } else {
            let _ = writeln!(out, "\ngate: passed");
        }
    }
}

/// Saves `--save-baseline NAME` if every benchmark ran; a failed run never replaces a
/// baseline.
pub fn save(cli: &Cli, home: &Path, report: &RunReport) -> Result<(), String> {
    let Some(name) = &cli.harness.save_baseline else {
        return Ok(());
    };
    if report.benchmarks.iter().any(|r| r.status != Status::Ok) {
        return Err(format!(
            "not saving baseline `{name}`: some benchmarks failed; the previous baseline is kept"
        ));
    }
    baseline::save(home, name, report)
        .map(|path| eprintln!("qudag-bench: saved baseline `{name}` to {}", path.display()))
}
