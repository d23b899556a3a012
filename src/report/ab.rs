//! The A/B comparison (`qudag-bench ab`) as a terminal table and as Markdown for a
//! pull-request comment, for both the timing and the instruction-count gates.

use super::units::thousands;
use crate::escape::{Term, terminal};
use crate::gate::ab::GateOutcome;
use crate::gate::ab::{REGRESSION, WARNING};
use crate::schema::AbReport;
use crate::schema::AbVerdict;
use crate::schema::{InstrResult, InstrVerdict};

fn pct(x: Option<f64>) -> String {
    x.map_or("n/a".into(), |v| format!("{:+.2}%", 100.0 * v))
}

fn interval(lower: Option<f64>, upper: Option<f64>) -> String {
    match (lower, upper) {
        (Some(l), Some(u)) => format!("[{}, {}]", pct(Some(l)), pct(Some(u))),
        _ => String::new(),
    }
}

fn rounds_and_time(r: &crate::schema::AbResult) -> (String, String) {
    let first = r.first_pass.as_ref().map_or(0.0, |m| m.wall_s);
    match &r.measurement {
        Some(m) => (
            m.round_estimates.len().to_string(),
            format!("{:.2} s", m.wall_s + first),
        ),
        None => (String::new(), String::new()),
    }
}

/// The gate's decision in words: `passed`, `FAILED`, or `not passed (N failed)` when a
/// benchmark failed and nothing regressed.
pub fn gate_words(report: &AbReport, strict: bool) -> String {
    match report.gate(strict) {
        GateOutcome::Passed => "passed".into(),
        GateOutcome::Failed => "FAILED".into(),
        GateOutcome::NotPassed => {
            let n = report.count(AbVerdict::Failed);
            let s = if n == 1 { "" } else { "s" };
            format!("not passed ({n} benchmark{s} failed to run)")
        }
    }
}

/// The closing line: counts per verdict and the run's decision.
pub fn summary_line(report: &AbReport, strict: bool) -> String {
    format!(
        "ab: {} regressed, {} ok, {} inconclusive, {} failed, {} new, {} missing in {:.1} s; gate {}",
        report.count(AbVerdict::Regressed),
        report.count(AbVerdict::Ok),
        report.count(AbVerdict::Inconclusive),
        report.count(AbVerdict::Failed),
        report.count(AbVerdict::New),
        report.count(AbVerdict::Missing),
        report.wall_s,
        gate_words(report, strict)
    )
}

/// The terminal table.
pub fn table(report: &AbReport, strict: bool) -> String {
    let width = report
        .benchmarks
        .iter()
        .map(|b| terminal(&b.id).chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    let mut out = format!(
        "A/B: head {} against base {}\n{}\n\n",
        Term(&report.head),
        Term(&report.base),
        Term(&super::rule::ab_rule(report).settings)
    );
    out.push_str(&format!(
        "{:<width$}  {:<12}  {:>8}  {:<20}  {:>6}  {:>7}  note\n",
        "benchmark", "verdict", "change", "bounds", "rounds", "time"
    ));
    for b in &report.benchmarks {
        let (rounds, time) = rounds_and_time(b);
        out.push_str(&format!(
            "{:<width$}  {:<12}  {:>8}  {:<20}  {:>6}  {:>7}  {}\n",
            Term(&b.id),
            b.verdict.label(),
            pct(b.change),
            interval(b.lower, b.upper),
            rounds,
            time,
            Term(&b.note)
        ));
    }
    out.push('\n');
    out.push_str(&summary_line(report, strict));
    out.push('\n');
    out
}

/// Markdown for a pull-request comment.
pub fn markdown(report: &AbReport, strict: bool) -> String {
    let mut out = format!(
        "### Benchmark A/B gate: {}\n\n{}\n\n",
        gate_words(report, strict).to_lowercase(),
        crate::escape::markdown_cell(&super::rule::ab_rule(report).sentence)
    );
    out.push_str("| benchmark | verdict | change | bounds | rounds | note |\n");
    out.push_str("|---|---|---:|---|---:|---|\n");
    for b in &report.benchmarks {
        let (rounds, _) = rounds_and_time(b);
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            crate::escape::markdown_code(&b.id),
            b.verdict.label(),
            pct(b.change),
            interval(b.lower, b.upper),
            rounds,
            crate::escape::markdown_cell(&b.note)
        ));
    }
    out.push('\n');
    out.push_str(&summary_line(report, strict));
    out.push('\n');
    out
}

fn instr_word(v: InstrVerdict) -> &'static str {
    match v {
        InstrVerdict::Regressed => "REGRESSED",
        InstrVerdict::Warning => "warning",
        InstrVerdict::Ok => "OK",
        InstrVerdict::Failed => "FAILED",
    }
}

fn per_iter(c: &Option<crate::schema::InstructionCount>) -> String {
    c.as_ref()
        .and_then(|c| c.per_iter)
        .map_or("n/a".into(), |v| {
            if v >= 100.0 {
                thousands(v.round() as u64)
            } else {
                format!("{v:.2}")
            }
        })
}

/// The instruction-count comparison as a table (`markdown` for a PR comment).
pub fn instructions_table(results: &[InstrResult], markdown: bool) -> String {
    let mut out = String::new();
    let header = format!(
        "instructions per iteration (callgrind); regression at +{:.1}%, warning at +{:.1}%",
        100.0 * REGRESSION,
        100.0 * WARNING
    );
    if markdown {
        out.push_str(&format!("### Instruction-count gate\n\n{header}.\n\n"));
        out.push_str(
            "| benchmark | verdict | change | base | head | note |\n|---|---|---:|---:|---:|---|\n",
        );
    }
    let width = results
        .iter()
        .map(|r| terminal(&r.id).chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    if !markdown {
        out.push_str(&format!(
            "{header}\n\n{:<width$}  {:<9}  {:>8}  {:>12}  {:>12}  note\n",
            "benchmark", "verdict", "change", "base", "head"
        ));
    }
    for r in results {
        let note = r.error.clone().unwrap_or_default();
        if markdown {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                crate::escape::markdown_code(&r.id),
                instr_word(r.verdict),
                pct(r.change),
                per_iter(&r.base),
                per_iter(&r.head),
                crate::escape::markdown_cell(&note)
            ));
        } else {
            out.push_str(&format!(
                "{:<width$}  {:<9}  {:>8}  {:>12}  {:>12}  {}\n",
                Term(&r.id),
                instr_word(r.verdict),
                pct(r.change),
                per_iter(&r.base),
                per_iter(&r.head),
                Term(&note)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::AbResult;
    use crate::schema::Plan;
    use crate::schema::Thresholds;
    use crate::schema::ids::AB as SCHEMA_ID;

    fn report(verdicts: &[AbVerdict]) -> AbReport {
        AbReport {
            schema: SCHEMA_ID.into(),
            base: "base".into(),
            head: "head".into(),
            plan: Plan::default(),
            thresholds: Thresholds::default(),
            confirm: true,
            benchmarks: verdicts
                .iter()
                .enumerate()
                .map(|(i, &verdict)| AbResult {
                    id: format!("b|{i}"),
                    verdict,
                    change: Some(0.01),
                    lower: Some(0.0),
                    upper: Some(0.02),
                    measurement: None,
                    first_pass: None,
                    note: "a | note".into(),
                })
                .collect(),
            wall_s: 1.0,
        }
    }

    // The decisions themselves are tested in `gate::ab`; these check their words.
    #[test]
    fn the_summary_line_words_the_gates_decision() {
        let r = report(&[AbVerdict::Ok, AbVerdict::Inconclusive]);
        assert!(summary_line(&r, true).ends_with("gate FAILED"));
        assert!(summary_line(&r, false).ends_with("gate passed"));
        let regressed = report(&[AbVerdict::Regressed, AbVerdict::Failed]);
        assert!(summary_line(&regressed, false).ends_with("gate FAILED"));
    }

    #[test]
    fn a_failed_benchmark_never_reads_as_a_passed_gate() {
        let r = report(&[AbVerdict::Ok, AbVerdict::Failed, AbVerdict::New]);
        for strict in [false, true] {
            let line = summary_line(&r, strict);
            assert!(
                !line.contains("passed;") && !line.ends_with("gate passed"),
                "{line}"
            );
            assert!(
                line.ends_with("gate not passed (1 benchmark failed to run)"),
                "{line}"
            );
            let md = markdown(&r, strict);
            assert!(
                md.starts_with("### Benchmark A/B gate: not passed (1 benchmark failed to run)\n"),
                "{md}"
            );
        }
    }

    #[test]
    fn markdown_escapes_table_cells() {
        let md = markdown(&report(&[AbVerdict::Ok]), false);
        assert!(
            md.contains("| `b\\|0` | OK | +1.00% | [+0.00%, +2.00%] |  | a \\| note |"),
            "{md}"
        );
    }

    use crate::report::tests::{
        ab, ab_verdict_word, assert_no_controls, instr_results, markdown_row, markdown_rows,
    };

    fn json_verdict(b: &AbResult) -> String {
        serde_json::to_value(b.verdict)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_table_of_a_real_run_has_a_row_per_benchmark() {
        let report = ab();
        let text = table(&report, false);
        assert!(
            text.starts_with(&format!(
                "A/B: head {} against base {}\nmargin 1.0%, must catch 2.0%, 95% one-sided bounds; \
             regressions re-measured in fresh processes\n\n",
                report.head, report.base
            )),
            "{text}"
        );
        for b in &report.benchmarks {
            let line = text
                .lines()
                .find(|l| l.starts_with(&format!("{} ", b.id)))
                .unwrap();
            let cells: Vec<&str> = line
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            assert_eq!(cells[1], ab_verdict_word(&json_verdict(b)), "{line}");
            assert_eq!(cells[2], pct(b.change), "{line}");
            assert!(line.ends_with(&format!("  {}", b.note)), "{line}");
            let (rounds, time) = rounds_and_time(b);
            match &b.measurement {
                Some(m) => {
                    assert_eq!(rounds, m.round_estimates.len().to_string());
                    assert!(line.contains(&format!("  {time}  ")), "{line}");
                }
                None => assert_eq!((rounds.as_str(), time.as_str()), ("", "")),
            }
        }
        assert!(text.ends_with(&format!("{}\n", summary_line(&report, false))));
        assert!(
            summary_line(&report, false).starts_with(
                "ab: 1 regressed, 1 ok, 0 inconclusive, 1 failed, 0 new, 0 missing in "
            )
        );
        assert!(
            summary_line(&report, false).ends_with("; gate FAILED"),
            "a regression fails it"
        );
    }

    #[test]
    fn the_markdown_of_a_real_run_keeps_its_table() {
        let report = ab();
        let md = markdown(&report, false);
        assert!(md.starts_with("### Benchmark A/B gate: failed\n\n"), "{md}");
        assert!(md.contains("a slowdown whose 95% lower bound exceeds 1.0%, confirmed in fresh processes; OK means any slowdown is below 2.0%."), "{md}");
        assert_eq!(markdown_rows(&md).len(), 2 + report.benchmarks.len());
        for b in &report.benchmarks {
            let row = markdown_row(&md, &format!("`{}`", b.id));
            assert_eq!(row[1], ab_verdict_word(&json_verdict(b)));
            assert_eq!(row[2], pct(b.change));
            assert_eq!(row[3], interval(b.lower, b.upper));
            assert_eq!(row[5], crate::escape::markdown_cell(&b.note));
        }
    }

    #[test]
    fn the_instruction_table_in_both_forms() {
        let count = |per_iter: f64| {
            serde_json::json!({
                "per_iter": per_iter, "iterations": 100, "totals": [], "valgrind": "valgrind-3.22.0", "error": null
            })
        };
        let results = instr_results(serde_json::json!([
            {"id": "keygen", "verdict": "regressed", "change": 0.031, "base": count(1234.4), "head": count(1272.7), "error": null},
            {"id": "tiny", "verdict": "ok", "change": 0.0, "base": count(12.5), "head": count(12.5), "error": null},
            {"id": "a|b`c\u{1b}[2J", "verdict": "failed", "change": null, "base": null, "head": null, "error": "valgrind | exited 1\n<b>**x**</b>"}
        ]));
        let md = instructions_table(&results, true);
        assert!(md.starts_with("### Instruction-count gate\n\n"), "{md}");
        assert_eq!(
            markdown_row(&md, "`keygen`")[1..],
            ["REGRESSED", "+3.10%", "1,234", "1,273", ""]
        );
        assert_eq!(markdown_row(&md, "`tiny`")[3], "12.50");
        // User text goes through the same escaping as every Markdown cell.
        assert_no_controls(&md);
        let failed = markdown_row(&md, "``a\\|b`c\\u{1b}[2J``");
        assert_eq!(
            failed[1..],
            [
                "FAILED",
                "n/a",
                "n/a",
                "n/a",
                "valgrind \\| exited 1 &lt;b&gt;\\*\\*x\\*\\*&lt;/b&gt;"
            ]
        );
        let text = instructions_table(&results, false);
        assert_no_controls(&text);
        assert!(text.contains(&format!(
            "regression at +{:.1}%, warning at +{:.1}%",
            100.0 * REGRESSION,
            100.0 * WARNING
        )));
        assert!(
            text.lines()
                .any(|l| l.starts_with("a|b`c\\u{1b}[2J  FAILED")),
            "{text}"
        );
    }
}
