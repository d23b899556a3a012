//! CSV: one row per benchmark ([`SUMMARY_HEADER`]), or with [`samples`] one row per raw sample
//! ([`SAMPLES_HEADER`]). Times are nanoseconds per iteration; a cell is empty when the value
//! was not measured (the JSON report says why). The columns are documented in
//! `docs/reports.md`; new columns are only ever appended.
//!
//! Text cells (ids, names, tags, messages, ...) that a spreadsheet would run as a formula get
//! a leading `'` (see [`text`]); numeric cells are written as numbers, negative ones included.

use crate::schema::Comparison;
use crate::schema::Throughput;
use crate::schema::Verdict;
use crate::schema::{BenchResult, RunReport, Status};
use crate::stats::per_iteration;

/// The columns of the per-benchmark table, in order.
pub const SUMMARY_HEADER: &[&str] = &[
    "bench_target",
    "run_id",
    "started_at",
    "git_commit",
    "id",
    "suite",
    "tags",
    "status",
    "error",
    "samples",
    "iterations",
    "median_ns",
    "median_ci_lower_ns",
    "median_ci_upper_ns",
    "mean_ns",
    "mean_ci_lower_ns",
    "mean_ci_upper_ns",
    "std_dev_ns",
    "mad_ns",
    "min_ns",
    "max_ns",
    "cv",
    "p50_ns",
    "p90_ns",
    "p99_ns",
    "p999_ns",
    "percentile_granularity",
    "outliers",
    "throughput_unit",
    "throughput_per_iter",
    "throughput_per_second",
    "baseline",
    "baseline_median_ns",
    "change",
    "change_ci_lower",
    "change_ci_upper",
    "p_value",
    "verdict",
    "target",
    "target_met",
    "instructions_per_iter",
    "allocs_per_iter",
    "alloc_bytes_per_iter",
    "peak_rss_bytes",
    "wall_time_s",
    "fastest_change",
    "fastest_change_ci_lower",
    "fastest_change_ci_upper",
    // Appended after the columns above, like the fastest_change ones, so that positions hold.
    "skip_reason",
];

/// The columns of the raw-sample table, in order.
pub const SAMPLES_HEADER: &[&str] = &[
    "bench_target",
    "run_id",
    "id",
    "sample",
    "iterations",
    "elapsed_ns",
    "ns_per_iter",
];

/// The columns of the custom-metric table, in order: one row per metric of each benchmark.
pub const METRICS_HEADER: &[&str] = &[
    "bench_target",
    "run_id",
    "id",
    "metric",
    "unit",
    "count",
    "median",
    "mean",
    "min",
    "max",
    "median_ci_lower",
    "median_ci_upper",
    "baseline_median",
    "change",
];

/// Appends one record to `out` as the csv crate writes it by default (RFC 4180): fields
/// joined by `,`; a field holding `,`, `"`, CR or LF in quotes, its quotes doubled; then LF.
/// Written here rather than with the csv crate, which with csv-core and ryu cost a user's clean
/// bench build about a second of CPU time for these few lines (docs/build-time.md); the tests
/// read every table back with the csv crate.
fn record<S: AsRef<str>>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = S>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\r', '\n']) {
            out.push(b'"');
            out.extend_from_slice(field.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(field.as_bytes());
        }
    }
    out.push(b'\n');
}

/// The per-benchmark table of every report.
pub fn summary(reports: &[RunReport]) -> Vec<u8> {
    let mut out = Vec::new();
    record(&mut out, SUMMARY_HEADER);
    for report in reports {
        for r in &report.benchmarks {
            let row = summary_row(report, r);
            debug_assert_eq!(row.len(), SUMMARY_HEADER.len());
            record(&mut out, &row);
        }
    }
    out
}

/// The raw samples of every report: `ns_per_iter` has the timer and loop overheads
/// subtracted, as the statistics do; `elapsed_ns` is the raw timer reading.
pub fn samples(reports: &[RunReport]) -> Vec<u8> {
    let mut out = Vec::new();
    record(&mut out, SAMPLES_HEADER);
    for report in reports {
        for r in &report.benchmarks {
            let (per_sample, per_iter) = r
                .overhead
                .map_or((0.0, 0.0), |o| (o.per_sample_ns, o.per_iter_ns));
            let per_iter_ns =
                per_iteration(&r.iters_per_sample, &r.samples_ns, per_sample, per_iter);
            for (i, ((iters, elapsed), ns)) in r
                .iters_per_sample
                .iter()
                .zip(&r.samples_ns)
                .zip(per_iter_ns)
                .enumerate()
            {
                record(
                    &mut out,
                    [
                        text(&report.bench_target),
                        text(&report.run_id),
                        text(&r.id),
                        i.to_string(),
                        iters.to_string(),
                        elapsed.to_string(),
                        num(Some(ns)),
                    ],
                );
            }
        }
    }
    out
}

/// The custom metrics of every report: one row per metric of each benchmark, with the
/// baseline's median and the relative change when the run was compared.
pub fn metrics(reports: &[RunReport]) -> Vec<u8> {
    let mut out = Vec::new();
    record(&mut out, METRICS_HEADER);
    for report in reports {
        for r in &report.benchmarks {
            for (name, m) in &r.metrics {
                let change = (r.comparison.as_ref()).and_then(|c| c.metrics.get(name));
                let ci = m.median_ci.as_ref();
                record(
                    &mut out,
                    [
                        text(&report.bench_target),
                        text(&report.run_id),
                        text(&r.id),
                        text(name),
                        text(&m.unit),
                        m.values.len().to_string(),
                        num(Some(m.median)),
                        num(Some(m.mean)),
                        num(Some(m.min)),
                        num(Some(m.max)),
                        num(ci.map(|c| c.lower)),
                        num(ci.map(|c| c.upper)),
                        num(change.map(|c| c.baseline_median)),
                        num(change.and_then(|c| c.change)),
                    ],
                );
            }
        }
    }
    out
}

/// A text cell that no spreadsheet runs: one starting with `=`, `+`, `-` or `@` (or a tab or
/// carriage return, which some strip first) would be read as a formula when the file is
/// opened (CSV injection: a benchmark id or panic message could fetch a URL or run a command),
/// so it gets a leading `'`, which spreadsheets take as "text follows" and do not show.
/// Numbers never go through here: `-0.05` in `change` must stay a number.
pub fn text(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

fn int(v: Option<u64>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

/// One row of [`SUMMARY_HEADER`]: its column groups in order.
fn summary_row(report: &RunReport, r: &BenchResult) -> Vec<String> {
    let c = r.comparison.as_ref();
    let mut row = run_cells(report);
    row.extend(bench_cells(r));
    row.extend(time_cells(r));
    row.extend(throughput_cells(r));
    row.extend(comparison_cells(report, c));
    row.extend(target_and_cost_cells(r));
    row.extend(fastest_cells(c));
    row.push(text(r.skip_reason.as_deref().unwrap_or_default()));
    row
}

/// `bench_target` to `git_commit`.
fn run_cells(report: &RunReport) -> Vec<String> {
    vec![
        text(&report.bench_target),
        text(&report.run_id),
        text(&report.started_at),
        report
            .environment
            .git
            .as_ref()
            .map_or(String::new(), |g| text(&g.commit)),
    ]
}

/// `id` to `iterations`.
fn bench_cells(r: &BenchResult) -> Vec<String> {
    let status = match r.status {
        Status::Ok => "ok",
        Status::Failed => "failed",
        Status::Timeout => "timeout",
        Status::Skipped => "skipped",
    };
    // Reports kept by the history have estimates but no samples: the counts are unknown.
    let kept_samples = !(r.samples_ns.is_empty() && r.time_ns.is_some());
    vec![
        text(&r.id),
        text(&r.suite),
        text(&r.tags.join(";")),
        status.into(),
        text(r.error.as_deref().unwrap_or_default()),
        int(kept_samples.then_some(r.samples_ns.len() as u64)),
        int(kept_samples.then(|| r.iters_per_sample.iter().sum::<u64>())),
    ]
}

/// `median_ns` to `outliers`.
fn time_cells(r: &BenchResult) -> Vec<String> {
    let t = r.time_ns.as_ref();
    let p = r.percentiles_ns.as_ref();
    let granularity = p.map(|p| match p.granularity {
        crate::schema::Granularity::Iteration => "iteration",
        crate::schema::Granularity::Sample => "sample",
    });
    vec![
        num(t.map(|t| t.median)),
        num(t.map(|t| t.median_ci.lower)),
        num(t.map(|t| t.median_ci.upper)),
        num(t.map(|t| t.mean)),
        num(t.map(|t| t.mean_ci.lower)),
        num(t.map(|t| t.mean_ci.upper)),
        num(t.map(|t| t.std_dev)),
        num(t.map(|t| t.mad)),
        num(t.map(|t| t.min)),
        num(t.map(|t| t.max)),
        num(t.map(|t| t.cv)),
        num(p.map(|p| p.p50)),
        num(p.map(|p| p.p90)),
        num(p.map(|p| p.p99)),
        num(p.map(|p| p.p999)),
        granularity.unwrap_or_default().into(),
        int(r.outliers.map(|o| o.total())),
    ]
}

/// `throughput_unit` to `throughput_per_second`.
fn throughput_cells(r: &BenchResult) -> Vec<String> {
    let (unit, per_iter) = match r.throughput.map(|t| t.per_iter) {
        Some(Throughput::Bytes(n)) => ("bytes", Some(n)),
        Some(Throughput::Elements(n)) => ("elements", Some(n)),
        None => ("", None),
    };
    vec![
        unit.into(),
        int(per_iter),
        num(r.throughput.and_then(|t| t.per_second)),
    ]
}

/// `baseline` to `verdict`.
fn comparison_cells(report: &RunReport, c: Option<&Comparison>) -> Vec<String> {
    let verdict = c.map(|c| match c.verdict {
        Verdict::Regressed => "regressed",
        Verdict::Improved => "improved",
        Verdict::Unchanged => "unchanged",
        Verdict::New => "new",
    });
    vec![
        report
            .baseline
            .as_ref()
            .map_or(String::new(), |b| text(&b.name)),
        num(c.and_then(|c| c.baseline_median_ns)),
        num(c.and_then(|c| c.change)),
        num(c.and_then(|c| c.change_ci.map(|i| i.lower))),
        num(c.and_then(|c| c.change_ci.map(|i| i.upper))),
        num(c.and_then(|c| c.p_value)),
        verdict.unwrap_or_default().into(),
    ]
}

/// `target` to `wall_time_s`.
fn target_and_cost_cells(r: &BenchResult) -> Vec<String> {
    vec![
        r.target
            .as_ref()
            .map_or(String::new(), |t| text(&t.expression)),
        r.target
            .as_ref()
            .and_then(|t| t.met)
            .map_or(String::new(), |m| m.to_string()),
        num(r.instructions_per_iter()),
        num(r.alloc.map(|a| a.allocs_per_iter)),
        num(r.alloc.map(|a| a.bytes_per_iter)),
        int(r.system.as_ref().map(|s| s.summary.peak_rss_bytes)),
        r.wall_time_s.to_string(),
    ]
}

/// `fastest_change` to `fastest_change_ci_upper` (appended after the others).
fn fastest_cells(c: Option<&Comparison>) -> Vec<String> {
    vec![
        num(c.and_then(|c| c.fastest_change)),
        num(c.and_then(|c| c.fastest_change_ci.map(|i| i.lower))),
        num(c.and_then(|c| c.fastest_change_ci.map(|i| i.upper))),
    ]
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
