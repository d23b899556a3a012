//! Markdown for a pull-request comment: per bench target, one table of every benchmark
//! (median, its 95% CI, spread, throughput, the change against the baseline and the target),
//! then the failures and the gate's decision.

use super::units::time;
use crate::escape::{markdown_cell, markdown_code};
use crate::schema::Verdict;
use crate::schema::{BaselineInfo, BenchResult, RunReport, Status};

/// The comment for `reports`.
pub fn render(reports: &[RunReport]) -> String {
    let mut out = String::new();
    for report in reports {
        section(&mut out, report);
    }
    out
}

fn section(out: &mut String, report: &RunReport) {
    heading(out, report);
    table(out, report);
    if let Some(b) = &report.baseline {
        baseline_notes(out, b);
    }
    metrics_table(out, report);
    failures(out, report);
    gate(out, report);
    out.push('\n');
}

/// The title, the counts with the run and its commit, and whether the run finished.
fn heading(out: &mut String, report: &RunReport) {
    let s = &report.summary;
    out.push_str(&format!(
        "### qudag-bench: {}\n\n",
        markdown_code(&report.bench_target)
    ));
    let git = report.environment.git.as_ref().map_or(String::new(), |g| {
        let short: String = g.commit.chars().take(10).collect();
        format!(
            " at {}{}",
            markdown_code(&short),
            if g.dirty {
                " (uncommitted changes)"
            } else {
                ""
            }
        )
    });
    out.push_str(&format!(
        "{} measured, {} failed, {} timed out; run {} started {}{git}.\n\n",
        s.ok,
        s.failed,
        s.timeout,
        markdown_code(&report.run_id),
        markdown_cell(&report.started_at)
    ));
    if let Some(note) = crate::report::unfinished::note(report) {
        out.push_str(&format!("**Incomplete:** {}.\n\n", markdown_cell(&note)));
    }
}

/// The table of every benchmark, with a column for the baseline if there is one.
fn table(out: &mut String, report: &RunReport) {
    let baseline = report.baseline.as_ref();
    out.push_str("| benchmark | median | 95% CI | ±MAD | throughput |");
    if let Some(b) = baseline {
        out.push_str(&format!(" vs {} |", markdown_code(&b.name)));
    }
    out.push_str(" target |\n|---|---:|---:|---:|---:|");
    if baseline.is_some() {
        out.push_str("---|");
    }
    out.push_str("---|\n");
    for r in &report.benchmarks {
        bench_row(out, r, baseline.is_some());
    }
}

/// The row of benchmark `r`; `compared`: whether the table has the baseline's column.
fn bench_row(out: &mut String, r: &BenchResult, compared: bool) {
    let (median, ci, mad) = match r.time_ns.as_ref() {
        Some(t) => (
            time(t.median),
            format!("{} – {}", time(t.median_ci.lower), time(t.median_ci.upper)),
            if t.median > 0.0 {
                format!("{:.1}%", 100.0 * t.mad / t.median)
            } else {
                String::new()
            },
        ),
        None => (
            super::units::status(r.status).into(),
            String::new(),
            String::new(),
        ),
    };
    let throughput = super::units::throughput(r.throughput).unwrap_or_default();
    out.push_str(&format!(
        "| {} | {median} | {ci} | {mad} | {throughput} |",
        markdown_code(&r.id)
    ));
    if compared {
        out.push_str(&format!(" {} |", change_cell(r.comparison.as_ref())));
    }
    let target = r.target.as_ref().map_or(String::new(), |t| {
        let state = match t.met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "not checked",
        };
        format!("{} {state}", markdown_cell(&t.expression))
    });
    out.push_str(&format!(" {target} |\n"));
}

/// The benchmarks missing from this run (as table rows), the verdict rule, and the
/// environment differences.
fn baseline_notes(out: &mut String, b: &BaselineInfo) {
    for id in &b.missing {
        out.push_str(&format!(
            "| {} | missing from this run | | | | | |\n",
            markdown_code(id)
        ));
    }
    out.push_str(&format!(
        "\nAgainst baseline {} ({}): {}.\n",
        markdown_code(&b.name),
        markdown_cell(&b.started_at),
        markdown_cell(&super::rule::verdict_rule(b).sentence)
    ));
    for d in &b.environment_differences {
        out.push_str(&format!(
            "\n> **Environment differs:** {}\n",
            markdown_cell(d)
        ));
    }
}

/// The custom metrics of every benchmark that recorded some, one row per metric, with the
/// change against the baseline when there is one.
fn metrics_table(out: &mut String, report: &RunReport) {
    let rows = (report.benchmarks.iter())
        .flat_map(|r| r.metrics.iter().map(move |(name, m)| (r, name, m)));
    for (i, (r, name, m)) in rows.enumerate() {
        if i == 0 {
            out.push_str(
                "
**Metrics**

| benchmark | metric | value | vs baseline |
",
            );
            out.push_str(
                "|---|---|---:|---|
",
            );
        }
        let change = (r.comparison.as_ref())
            .and_then(|c| c.metrics.get(name))
            .map_or(String::new(), super::units::metric_change);
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            markdown_code(&r.id),
            markdown_code(name),
            markdown_cell(&super::units::metric(m)),
            markdown_cell(&change)
        ));
    }
}

/// The benchmarks that skipped themselves, with their reasons.
fn skips(out: &mut String, report: &RunReport) {
    let skipped = report.benchmarks.iter().filter_map(|r| {
        let reason = r.skip_reason.as_deref();
        (r.status == Status::Skipped).then(|| (r, reason.unwrap_or("no reason given")))
    });
    for (i, (r, reason)) in skipped.enumerate() {
        if i == 0 {
            out.push_str("\n**Skipped**\n\n");
        }
        out.push_str(&format!(
            "- {}: {}\n",
            markdown_code(&r.id),
            markdown_cell(reason)
        ));
    }
}

/// The benchmarks that failed or timed out, with their messages.
fn failures(out: &mut String, report: &RunReport) {
    let failures: Vec<_> = report
        .benchmarks
        .iter()
        .filter(|r| r.status.is_failure())
        .collect();
    skips(out, report);
    if failures.is_empty() {
        return;
    }
    out.push_str("\n**Failures**\n\n");
    for r in failures {
        out.push_str(&format!(
            "- {} {}: {}\n",
            markdown_code(&r.id),
            super::units::status(r.status),
            markdown_cell(r.error.as_deref().unwrap_or("no message"))
        ));
    }
}

/// The gate's decision and its reasons (nothing without `--gate`).
fn gate(out: &mut String, report: &RunReport) {
    let Some(g) = &report.gate else { return };
    if g.failed {
        out.push_str("\n**Gate: failed**\n\n");
        for reason in &g.reasons {
            out.push_str(&format!("- {}\n", markdown_cell(reason)));
        }
    } else {
        out.push_str("\n**Gate: passed**\n");
    }
}

fn change_cell(c: Option<&crate::schema::Comparison>) -> String {
    let Some(c) = c else {
        return String::new();
    };
    let word = match c.verdict {
        Verdict::Regressed => "**regressed**",
        Verdict::Improved => "improved",
        Verdict::Unchanged => "unchanged",
        Verdict::New => return "new".into(),
    };
    // The fastest samples' change is what the verdict is decided on (docs/gating.md).
    let fastest = c
        .fastest_change
        .map_or(String::new(), |f| format!(", fastest {:+.2}%", 100.0 * f));
    match (c.change, c.change_ci) {
        (Some(ch), Some(ci)) => format!(
            "{word} {:+.2}% ({:+.2}% to {:+.2}%){fastest}",
            100.0 * ch,
            100.0 * ci.lower,
            100.0 * ci.upper
        ),
        _ => word.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{
        Shown, assert_no_controls, assert_states_the_rule, bench, markdown_row, markdown_rows, run,
        run_with, verdict_of, verdict_word,
    };

    #[test]
    fn the_comparison_column_words_each_verdict_with_its_change() {
        let report = run("run-compare");
        let md = render(std::slice::from_ref(&report));
        assert!(md.starts_with("### qudag-bench: `work`\n\n"), "{md}");
        let header = &markdown_rows(&md)[0];
        assert_eq!(
            header,
            &[
                "benchmark",
                "median",
                "95% CI",
                "±MAD",
                "throughput",
                "vs `main`",
                "target"
            ]
        );
        for r in &report.benchmarks {
            let row = markdown_row(&md, &format!("`{}`", r.id));
            let verdict = verdict_of(&report, &r.id).unwrap();
            let word = verdict_word(Shown::Markdown, &verdict);
            let cell = &row[5];
            assert!(cell.starts_with(word), "{}: {cell}", r.id);
            let c = r.comparison.as_ref().unwrap();
            if let Some(change) = c.change {
                assert!(cell.contains(&format!("{:+.2}%", 100.0 * change)), "{cell}");
            } else {
                assert_eq!(cell, "new");
            }
            assert_eq!(row[1], super::time(r.time_ns.as_ref().unwrap().median));
        }
        let missing = markdown_row(&md, "`loop_work/1010`");
        assert_eq!(missing[1], "missing from this run");
        assert_states_the_rule(&md, &report);
        assert!(md.contains("Against baseline `main` ("), "{md}");
    }

    #[test]
    fn the_gate_and_its_reasons_are_shown() {
        let report = run("run-compare");
        let gate = report.gate.as_ref().expect("run with --gate");
        assert!(gate.failed);
        let md = render(std::slice::from_ref(&report));
        assert!(md.contains("\n**Gate: failed**\n\n"), "{md}");
        for reason in &gate.reasons {
            assert!(
                md.contains(&format!("- {}\n", markdown_cell(reason))),
                "{md}"
            );
        }
        let passed = run_with("run-compare", |v| {
            v["gate"] = serde_json::json!({"failed": false, "reasons": []});
        });
        assert!(render(&[passed]).contains("\n**Gate: passed**\n"));
        assert!(
            !render(&[run("run-work")]).contains("**Gate"),
            "no gate, no line"
        );
    }

    #[test]
    fn failures_are_listed_with_escaped_messages() {
        let report = run("run-faults");
        let md = render(std::slice::from_ref(&report));
        let s = &report.summary;
        assert!(
            md.contains(&format!(
                "{} measured, {} failed, {} timed out; run `{}`",
                s.ok, s.failed, s.timeout, report.run_id
            )),
            "{md}"
        );
        assert!(md.contains("\n**Failures**\n\n"), "{md}");
        assert!(md.contains("- `panics` failed: "), "{md}");
        assert!(md.contains("- `hangs` timed out: "), "{md}");
        assert!(
            md.contains("boom &lt;script&gt;alert(1)&lt;/script&gt;"),
            "{md}"
        );
        assert!(!md.contains("<script>"));
        assert_eq!(markdown_row(&md, "`hangs`")[1], "timed out");
        assert_eq!(markdown_row(&md, "`panics`")[1], "failed");
        assert_eq!(markdown_rows(&md)[0].len(), 6, "no baseline, no vs column");
    }

    #[test]
    fn hostile_text_cannot_break_the_table_or_the_terminal() {
        let report = run_with("run-hostile", |v| {
            bench(v, "noisy")["error"] = "a | b\n**bold** ![x](http://h/i.png)".into();
            bench(v, "noisy")["status"] = "failed".into();
        });
        let md = render(std::slice::from_ref(&report));
        assert_no_controls(&md);
        let rows = markdown_rows(&md);
        assert_eq!(
            rows.len(),
            2 + report.benchmarks.len(),
            "header, separator, one row per benchmark: {md}"
        );
        assert!(
            md.contains("a \\| b \\*\\*bold\\*\\* \\!\\[x\\](http://h/i.png)"),
            "{md}"
        );
        assert!(md.contains("`escapes/\\u{1b}[2J`"), "{md}");
    }

    #[test]
    fn throughput_and_targets_have_cells() {
        let md = render(&[run("run-forms")]);
        assert!(
            markdown_row(&md, "`sum_bytes/1024`")[4].ends_with("B/s"),
            "{md}"
        );
        assert!(
            markdown_row(&md, "`strings/abcd`")[4].ends_with("elem/s"),
            "{md}"
        );
        assert_eq!(markdown_row(&md, "`fib10`")[4], "");
        assert_eq!(markdown_row(&md, "`plain`")[5], "&lt; 1s met");
        assert_eq!(markdown_row(&md, "`fib10`")[5], "&lt; 1ns **missed**");
        assert_eq!(
            markdown_row(&md, "`strings/ab`")[5],
            "&gt; 1 MB/s not checked"
        );
        assert_eq!(markdown_row(&md, "`empty`")[5], "");
    }

    #[test]
    fn an_incomplete_run_says_so_and_every_report_gets_a_section() {
        let incomplete = run("run-incomplete");
        let md = render(&[run("run-faults"), incomplete.clone()]);
        assert!(
            md.contains(&format!(
                "**Incomplete:** run {} of work did not finish (its process ended: a crash, a kill \
             or an exit): {} of {} benchmarks measured.",
                markdown_cell(&incomplete.run_id),
                incomplete.benchmarks.len(),
                incomplete.incomplete.as_ref().unwrap().selected
            )),
            "{md}"
        );
        assert_eq!(md.matches("### qudag-bench: ").count(), 2);
        let faults = md.find("### qudag-bench: `faults`").unwrap();
        assert!(
            faults < md.find("### qudag-bench: `work`").unwrap(),
            "in the given order"
        );
    }
}
