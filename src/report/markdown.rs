//! Markdown for a pull-request comment: per bench target, one table of every benchmark
//! (median, its 95% CI, spread, throughput, the change against the baseline and the target),
//! then the failures and the gate's decision.

use super::units::time;
use crate::escape::{markdown_cell, markdown_code};
use crate::schema::Verdict;
use crate::schema::{RunReport, Status};

/// The comment for `reports`.
pub fn render(reports: &[RunReport]) -> String {
    let mut out = String::new();
    for report in reports {
        section(&mut out, report);
    }
    out
}

fn section(out: &mut String, report: &RunReport) {
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
        let t = r.time_ns.as_ref();
        let (median, ci, mad) = match t {
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
        if baseline.is_some() {
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
    if let Some(b) = baseline {
        for id in &b.missing {
            out.push_str(&format!(
                "| {} | missing from this run | | | | | |\n",
                markdown_code(id)
            ));
        }
        out.push_str(&format!(
            "\nAgainst baseline {} ({}): a change counts when it is significant (Mann-Whitney U, \
             Holm-corrected over {} benchmarks at alpha {}), the whole 95% interval of the \
             fastest samples' change lies beyond the noise threshold, the median moved the \
             same way, and, where it was measured again at the end of the run, that second \
             measurement agrees.\n",
            markdown_code(&b.name),
            markdown_cell(&b.started_at),
            b.compared,
            b.alpha
        ));
        for d in &b.environment_differences {
            out.push_str(&format!(
                "\n> **Environment differs:** {}\n",
                markdown_cell(d)
            ));
        }
    }
    let failures: Vec<_> = report
        .benchmarks
        .iter()
        .filter(|r| r.status != Status::Ok)
        .collect();
    if !failures.is_empty() {
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
    if let Some(g) = &report.gate {
        if g.failed {
            out.push_str("\n**Gate: failed**\n\n");
            for reason in &g.reasons {
                out.push_str(&format!("- {}\n", markdown_cell(reason)));
            }
        } else {
            out.push_str("\n**Gate: passed**\n");
        }
    }
    out.push('\n');
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
