//! The comparison against a baseline, as text for the terminal and as a Markdown table for a
//! pull-request comment, plus the gate's decision.

use super::units::time;
use crate::escape::{Term, markdown_code, terminal};
use crate::schema::RunReport;
use crate::schema::Verdict;
use std::io::Write;

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Regressed => "REGRESSED",
        Verdict::Improved => "improved",
        Verdict::Unchanged => "unchanged",
        Verdict::New => "new",
    }
}

/// The change column: `+1.23% [+0.50%, +2.00%] from 1.234 µs, fastest +1.10% [+1.00%, +1.20%]`.
fn change_text(c: &crate::schema::Comparison) -> String {
    let fastest = match (c.fastest_change, c.fastest_change_ci) {
        (Some(f), Some(ci)) => format!(
            ", fastest {:+.2}% [{:+.2}%, {:+.2}%]",
            100.0 * f,
            100.0 * ci.lower,
            100.0 * ci.upper
        ),
        _ => String::new(),
    };
    match (c.change, c.change_ci, c.baseline_median_ns) {
        (Some(ch), Some(ci), Some(m0)) => format!(
            "{:>+7.2}% [{:+.2}%, {:+.2}%] from {}{fastest}",
            100.0 * ch,
            100.0 * ci.lower,
            100.0 * ci.upper,
            time(m0)
        ),
        _ => String::new(),
    }
}

/// What the re-measurement of a flagged benchmark found.
fn confirmation_text(again: &crate::schema::Confirmation) -> String {
    let pct = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("{:+.2}%", 100.0 * v));
    format!(
        "measured again: {} [{}, {}], fastest {} [{}, {}]",
        pct(again.change),
        pct(again.change_ci.map(|i| i.lower)),
        pct(again.change_ci.map(|i| i.upper)),
        pct(again.fastest_change),
        pct(again.fastest_change_ci.map(|i| i.lower)),
        pct(again.fastest_change_ci.map(|i| i.upper))
    )
}

/// Markdown table of the comparison in `report`.
pub fn markdown(report: &RunReport) -> String {
    let mut out = String::new();
    if let Some(info) = &report.baseline {
        out.push_str(&format!(
            "#### {} against baseline {}\n\n",
            markdown_code(&report.bench_target),
            markdown_code(&info.name)
        ));
        out.push_str("| benchmark | verdict | change | 95% CI | fastest samples | baseline median |\n|---|---|---:|---:|---:|---:|\n");
        for r in &report.benchmarks {
            let Some(c) = &r.comparison else { continue };
            let pct = |v: Option<f64>| v.map_or(String::new(), |v| format!("{:+.2}%", 100.0 * v));
            let ci = c.change_ci.map_or(String::new(), |i| {
                format!("{:+.2}% to {:+.2}%", 100.0 * i.lower, 100.0 * i.upper)
            });
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                markdown_code(&r.id),
                verdict_word(c.verdict),
                pct(c.change),
                ci,
                pct(c.fastest_change),
                c.baseline_median_ns.map_or(String::new(), time)
            ));
        }
        for id in &info.missing {
            out.push_str(&format!("| {} | missing | | | | |\n", markdown_code(id)));
        }
    }
    out
}

/// Prints the comparison table and the gate's decision.
pub fn print(out: &mut dyn Write, report: &RunReport) {
    if let Some(info) = &report.baseline {
        let _ = writeln!(
            out,
            "\nagainst baseline `{}` ({}; {} compared, Holm-corrected at alpha {}):",
            Term(&info.name),
            Term(&info.started_at),
            info.compared,
            info.alpha
        );
        for d in &info.environment_differences {
            let _ = writeln!(out, "  warning: environment differs: {}", Term(d));
        }
        let width = report
            .benchmarks
            .iter()
            .map(|r| terminal(&r.id).chars().count())
            .max()
            .unwrap_or(0)
            .min(60);
        for r in &report.benchmarks {
            let Some(c) = &r.comparison else { continue };
            let change = change_text(c);
            let verdict = verdict_word(c.verdict);
            let _ = writeln!(out, "  {:<width$}  {verdict:<9}  {change}", Term(&r.id));
            if let Some(again) = &c.confirmation {
                let _ = writeln!(
                    out,
                    "  {:<width$}  {:<9}  {}",
                    "",
                    if again.confirmed {
                        "confirmed"
                    } else {
                        "refuted"
                    },
                    confirmation_text(again)
                );
            }
        }
        for id in &info.missing {
            let _ = writeln!(
                out,
                "  {:<width$}  missing (in the baseline, not in this run)",
                Term(id)
            );
        }
    }
    if let Some(g) = &report.gate {
        if g.failed {
            let _ = writeln!(out, "\ngate: FAILED");
            for reason in &g.reasons {
                let _ = writeln!(out, "  {}", Term(reason));
            }
        } else {
            let _ = writeln!(out, "\ngate: passed");
        }
    }
}
