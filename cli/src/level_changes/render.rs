//! The change report (`qudag-bench history --changes`) as a terminal table and as Markdown.

use qudag_bench::escape::{Term, markdown_cell, markdown_code};
use qudag_bench::report::units::{figure, time};
use qudag_bench::schema::{ChangeMeasure, ChangeReport, LevelChange};

/// A commit as shown: its first 10 characters, `?` when unrecorded.
fn short(commit: Option<&str>) -> String {
    commit.map_or("?".into(), |c| c.chars().take(10).collect())
}

/// The settings and counts, in one sentence.
fn method_line(r: &ChangeReport) -> String {
    let m = &r.method;
    let mut line = format!(
        "{}{} over {} series (benchmark and host), alpha {}, {} permutations, at least {} runs \
         a side, shifts of {:.1}% or more",
        m.name,
        match m.measure {
            ChangeMeasure::Time => "",
            ChangeMeasure::Instructions => " on instructions per iteration",
        },
        r.series,
        m.alpha,
        m.permutations,
        m.min_runs,
        100.0 * m.min_change
    );
    if r.below_min_change > 0 {
        line.push_str(&format!(
            "; {} smaller significant shifts not listed",
            r.below_min_change
        ));
    }
    line
}

/// The levels before and after, as `1.000 µs` or `9014 instr`.
fn levels(c: &LevelChange) -> (String, String) {
    let instr = |v: f64| format!("{} instr", figure(v));
    match (c.median_before_ns, c.median_after_ns) {
        (Some(before), Some(after)) => (time(before), time(after)),
        _ => (
            c.instructions_before.map_or("?".into(), instr),
            c.instructions_after.map_or("?".into(), instr),
        ),
    }
}

/// The change's figures: `+10.2% (1.000 µs -> 1.102 µs, 20 -> 15 runs), p 0.005`.
fn figures(c: &LevelChange) -> String {
    let (before, after) = levels(c);
    format!(
        "{:+.1}% ({before} -> {after}, {} -> {} runs), p {:.3}",
        100.0 * c.shift,
        c.runs_before,
        c.runs_after,
        c.p_value
    )
}

/// One line per change, then the method; user text escaped for the terminal.
pub fn table(r: &ChangeReport) -> String {
    let mut out = String::new();
    for c in &r.changes {
        out.push_str(&format!(
            "{}  {}  {}  host {}  run {} ({})  commits {}..{}\n",
            Term(&c.started_at),
            Term(&c.bench_id),
            figures(c),
            Term(c.host.as_deref().unwrap_or("?")),
            Term(&c.run_id),
            Term(&c.bench_target),
            Term(&short(c.previous_commit.as_deref())),
            Term(&short(c.commit.as_deref()))
        ));
    }
    if r.changes.is_empty() {
        out.push_str("no level changes\n");
        if r.series == 0 && r.method.measure == ChangeMeasure::Instructions {
            out.push_str(
                "(no benchmark has enough runs with instruction counts: bench runs record them \
                 with --instructions)\n",
            );
        }
    }
    out.push_str(&format!("({})\n", method_line(r)));
    out
}

/// A Markdown table of the changes, then the method.
pub fn markdown(r: &ChangeReport) -> String {
    let mut out = String::from(
        "| benchmark | host | shift | before | after | p | first run | commits |\n\
         |---|---|---:|---:|---:|---:|---|---|\n",
    );
    for c in &r.changes {
        let (before, after) = levels(c);
        out.push_str(&format!(
            "| {} | {} | {:+.1}% | {before} | {after} | {:.3} | {} | {}..{} |\n",
            markdown_code(&c.bench_id),
            markdown_cell(c.host.as_deref().unwrap_or("?")),
            100.0 * c.shift,
            c.p_value,
            markdown_code(&c.run_id),
            markdown_code(&short(c.previous_commit.as_deref())),
            markdown_code(&short(c.commit.as_deref()))
        ));
    }
    out.push_str(&format!("\n{}.\n", markdown_cell(&method_line(r))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level_changes::series::{Point, Series, Settings, report};

    fn found() -> ChangeReport {
        let points = (0..30)
            .map(|i| Point {
                run_id: format!("r{i}"),
                started_at: format!("2026-12-01T00:{i:02}:00Z"),
                commit: Some(format!("{i:040x}")),
                value: if i < 18 { 1000.0 } else { 1200.0 } + (i % 3) as f64,
            })
            .collect();
        let series = Series {
            bench_id: "a|b".into(),
            bench_target: "work".into(),
            host: Some("ci\u{1b}[31m".into()),
            points,
        };
        report(&[series], Settings::default())
    }

    #[test]
    fn the_table_names_the_run_the_shift_and_the_commit_range_escaped() {
        let text = table(&found());
        let line = text.lines().next().unwrap();
        assert!(
            line.contains("  a|b  +20.0% (1.001 µs -> 1.201 µs, 18 -> 12 runs), p 0.005"),
            "{line}"
        );
        assert!(
            line.contains("run r18 (work)  commits 0000000000..0000000000"),
            "{line}"
        );
        assert!(line.contains("host ci\\u{1b}[31m"), "escaped: {line}");
        assert!(text.ends_with("permutations, at least 3 runs a side, shifts of 5.0% or more)\n"));
    }

    #[test]
    fn instruction_levels_are_shown_as_counts_and_the_method_says_so() {
        let mut r = found();
        r.method.measure = ChangeMeasure::Instructions;
        let c = &mut r.changes[0];
        (c.median_before_ns, c.median_after_ns) = (None, None);
        (c.instructions_before, c.instructions_after) = (Some(9014.0), Some(9915.5));
        let text = table(&r);
        assert!(
            text.contains("+20.0% (9014 instr -> 9916 instr, 18 -> 12 runs)"),
            "{text}"
        );
        assert!(text.contains("(e-divisive means on instructions per iteration over 1 series"));
        let md = markdown(&r);
        assert!(
            md.contains("| +20.0% | 9014 instr | 9916 instr | 0.005 |"),
            "{md}"
        );
        let none = ChangeReport {
            series: 0,
            changes: Vec::new(),
            ..r
        };
        assert!(table(&none).contains("record them with --instructions"));
    }

    #[test]
    fn markdown_has_a_row_per_change_with_cells_escaped() {
        let md = markdown(&found());
        let row = md.lines().nth(2).unwrap();
        assert!(
            row.starts_with("| `a|b` |") || row.starts_with("| `a\\|b` |"),
            "{row}"
        );
        assert!(
            row.contains("| +20.0% | 1.001 µs | 1.201 µs | 0.005 | `r18` |"),
            "{row}"
        );
        let empty = ChangeReport {
            changes: Vec::new(),
            ..found()
        };
        assert_eq!(
            markdown(&empty).lines().count(),
            4,
            "header, rule, blank, method"
        );
    }
}
