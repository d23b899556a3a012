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

/// The second look's outcome in a word: a flagged verdict `confirmed`, `refuted` or
/// `reversed` (the A/B run found the other direction); for a benchmark the first look left
/// near the threshold, a change `found` or only `checked`.
fn second_look_word(again: &crate::schema::Confirmation) -> &'static str {
    use crate::schema::Verdict::Unchanged;
    match &again.ab {
        Some(ab) if ab.first_look == Unchanged && ab.found != Unchanged => "found",
        Some(ab) if ab.first_look == Unchanged => "checked",
        Some(ab) if ab.found != Unchanged && ab.found != ab.first_look => "reversed",
        _ if again.confirmed => "confirmed",
        _ => "refuted",
    }
}

/// What the second look at a flagged benchmark found.
fn confirmation_text(again: &crate::schema::Confirmation) -> String {
    let pct = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("{:+.2}%", 100.0 * v));
    if let Some(ab) = &again.ab {
        return format!(
            "A/B against the baseline's executable: {} [{}, {}], {} rounds, {:.1} s",
            pct(ab.change),
            pct(ab.lower),
            pct(ab.upper),
            ab.rounds,
            ab.wall_s
        );
    }
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
            "\nagainst baseline `{}` ({}; {}):",
            Term(&info.name),
            Term(&info.started_at),
            Term(&super::rule::verdict_rule(info).significance)
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
                    second_look_word(again),
                    confirmation_text(again)
                );
            }
            for (name, m) in &c.metrics {
                let now = format!("{} {}", super::units::figure(m.median), m.unit);
                let _ = writeln!(
                    out,
                    "  {:<width$}  {:<9}  {name} {} ({})",
                    "",
                    "metric",
                    Term(&now),
                    super::units::metric_change(m)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{
        Shown, assert_no_controls, assert_states_the_rule, markdown_row, markdown_rows, run,
        run_with, verdict_of, verdict_word,
    };

    fn printed(report: &RunReport) -> String {
        let mut out = Vec::new();
        print(&mut out, report);
        String::from_utf8(out).unwrap()
    }

    /// The printed line of benchmark `id` (the first one starting with it).
    fn line<'a>(text: &'a str, id: &str) -> &'a str {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no line for {id} in:\n{text}"))
    }

    #[test]
    fn markdown_has_a_row_per_compared_benchmark_with_its_verdict() {
        let report = run("run-compare");
        let md = markdown(&report);
        assert!(
            md.starts_with("#### `work` against baseline `main`\n\n"),
            "{md}"
        );
        assert_eq!(markdown_rows(&md).len(), 2 + report.benchmarks.len() + 1);
        for r in &report.benchmarks {
            let c = r.comparison.as_ref().unwrap();
            let row = markdown_row(&md, &format!("`{}`", r.id));
            let verdict = verdict_of(&report, &r.id).unwrap();
            assert_eq!(
                row[1],
                verdict_word(Shown::Comparison, &verdict),
                "{}",
                r.id
            );
            let pct = |v: Option<f64>| v.map_or(String::new(), |v| format!("{:+.2}%", 100.0 * v));
            assert_eq!(row[2], pct(c.change));
            assert_eq!(row[4], pct(c.fastest_change));
            assert_eq!(row[5], c.baseline_median_ns.map_or(String::new(), time));
        }
        assert_eq!(markdown_row(&md, "`loop_work/1010`")[1], "missing");
        assert_eq!(markdown(&run("run-faults")), "", "no baseline, no table");
    }

    #[test]
    fn the_terminal_shows_verdicts_confirmations_missing_ids_and_the_gate() {
        let report = run("run-compare");
        let text = printed(&report);
        assert!(text.starts_with("\nagainst baseline `main` ("), "{text}");
        assert_states_the_rule(&text, &report);
        for r in &report.benchmarks {
            let verdict = verdict_of(&report, &r.id).unwrap();
            let line = line(&text, &r.id);
            let word = verdict_word(Shown::Comparison, &verdict);
            assert!(line.contains(&format!("  {word:<9}  ")), "{line}");
            let c = r.comparison.as_ref().unwrap();
            match (c.change, c.baseline_median_ns) {
                (Some(ch), Some(m0)) => {
                    assert!(line.contains(&format!("{:+.2}% [", 100.0 * ch)), "{line}");
                    assert!(line.contains(&format!("from {}", time(m0))), "{line}");
                }
                _ => assert!(line.trim_end().ends_with(word), "{line}"),
            }
        }
        let confirmed = report
            .benchmarks
            .iter()
            .filter_map(|r| r.comparison.as_ref()?.confirmation.as_ref())
            .count();
        assert!(confirmed >= 2, "the flagged ones were measured again");
        assert_eq!(
            text.matches("  confirmed  measured again: ").count()
                + text.matches("  refuted    measured again: ").count(),
            confirmed,
            "{text}"
        );
        assert!(
            line(&text, "loop_work/1010").ends_with("missing (in the baseline, not in this run)")
        );
        let gate = report.gate.as_ref().unwrap();
        assert!(text.contains("\ngate: FAILED\n"), "{text}");
        for reason in &gate.reasons {
            assert!(text.contains(&format!("\n  {reason}\n")), "{text}");
        }
    }

    #[test]
    fn a_passed_gate_and_no_gate() {
        let passed = run_with("run-compare", |v| {
            v["gate"] = serde_json::json!({"failed": false, "reasons": []});
        });
        assert!(printed(&passed).ends_with("\ngate: passed\n"));
        let text = printed(&run("run-work"));
        assert!(!text.contains("gate:"), "{text}");
        assert_eq!(printed(&run("run-faults")), "", "neither baseline nor gate");
    }

    #[test]
    fn hostile_text_is_escaped_on_the_terminal_and_in_markdown() {
        let report = run_with("run-compare", |v| {
            v["baseline"]["name"] = "m\u{1b}[2J|`x`".into();
            v["baseline"]["environment_differences"] =
                serde_json::json!(["cpu: \u{1b}]0;t\u{7} vs other"]);
            v["baseline"]["missing"] = serde_json::json!(["gone\u{9b}31m|x"]);
            v["gate"]["reasons"] = serde_json::json!(["reason \u{1b}[31m"]);
        });
        let text = printed(&report);
        assert_no_controls(&text);
        assert!(
            text.contains("against baseline `m\\u{1b}[2J|`x``"),
            "{text}"
        );
        assert!(text.contains("  warning: environment differs: cpu: \\u{1b}]0;t\\u{7} vs other\n"));
        assert!(text.contains("gone\\u{9b}31m|x"));
        assert!(text.contains("  reason \\u{1b}[31m\n"));
        let md = markdown(&report);
        assert_no_controls(&md);
        assert_eq!(markdown_row(&md, "`gone\\u{9b}31m\\|x`")[1], "missing");
    }
}
