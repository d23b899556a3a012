//! CSV: one row per benchmark ([`SUMMARY_HEADER`]), or with [`samples`] one row per raw sample
//! ([`SAMPLES_HEADER`]). Times are nanoseconds per iteration; a cell is empty when the value
//! was not measured (the JSON report says why). The columns are documented in
//! `docs/reports.md`; new columns are only ever appended.
//!
//! Text cells (ids, names, tags, messages, ...) that a spreadsheet would run as a formula get
//! a leading `'` (see [`text`]); numeric cells are written as numbers, negative ones included.

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

/// The per-benchmark table of every report.
pub fn summary(reports: &[RunReport]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SUMMARY_HEADER).expect("writing to memory");
    for report in reports {
        for r in &report.benchmarks {
            let row = summary_row(report, r);
            debug_assert_eq!(row.len(), SUMMARY_HEADER.len());
            w.write_record(&row).expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

/// The raw samples of every report: `ns_per_iter` has the timer and loop overheads
/// subtracted, as the statistics do; `elapsed_ns` is the raw timer reading.
pub fn samples(reports: &[RunReport]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(SAMPLES_HEADER).expect("writing to memory");
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
                w.write_record([
                    &text(&report.bench_target),
                    &text(&report.run_id),
                    &text(&r.id),
                    &i.to_string(),
                    &iters.to_string(),
                    &elapsed.to_string(),
                    &num(Some(ns)),
                ])
                .expect("writing to memory");
            }
        }
    }
    w.into_inner().expect("writing to memory")
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

fn summary_row(report: &RunReport, r: &BenchResult) -> Vec<String> {
    let t = r.time_ns.as_ref();
    let p = r.percentiles_ns.as_ref();
    let c = r.comparison.as_ref();
    let status = match r.status {
        Status::Ok => "ok",
        Status::Failed => "failed",
        Status::Timeout => "timeout",
    };
    let verdict = c.map(|c| match c.verdict {
        Verdict::Regressed => "regressed",
        Verdict::Improved => "improved",
        Verdict::Unchanged => "unchanged",
        Verdict::New => "new",
    });
    let (unit, per_iter) = match r.throughput.map(|t| t.per_iter) {
        Some(Throughput::Bytes(n)) => ("bytes", Some(n)),
        Some(Throughput::Elements(n)) => ("elements", Some(n)),
        None => ("", None),
    };
    let granularity = p.map(|p| match p.granularity {
        crate::schema::Granularity::Iteration => "iteration",
        crate::schema::Granularity::Sample => "sample",
    });
    let kept_samples = !(r.samples_ns.is_empty() && r.time_ns.is_some());
    let instructions = r.instructions_per_iter();
    vec![
        text(&report.bench_target),
        text(&report.run_id),
        text(&report.started_at),
        report
            .environment
            .git
            .as_ref()
            .map_or(String::new(), |g| text(&g.commit)),
        text(&r.id),
        text(&r.suite),
        text(&r.tags.join(";")),
        status.into(),
        text(r.error.as_deref().unwrap_or_default()),
        // Reports kept by the history have estimates but no samples: the counts are unknown.
        int(kept_samples.then_some(r.samples_ns.len() as u64)),
        int(kept_samples.then(|| r.iters_per_sample.iter().sum::<u64>())),
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
        unit.into(),
        int(per_iter),
        num(r.throughput.and_then(|t| t.per_second)),
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
        r.target
            .as_ref()
            .map_or(String::new(), |t| text(&t.expression)),
        r.target
            .as_ref()
            .and_then(|t| t.met)
            .map_or(String::new(), |m| m.to_string()),
        num(instructions),
        num(r.alloc.map(|a| a.allocs_per_iter)),
        num(r.alloc.map(|a| a.bytes_per_iter)),
        int(r.system.as_ref().map(|s| s.summary.peak_rss_bytes)),
        r.wall_time_s.to_string(),
        num(c.and_then(|c| c.fastest_change)),
        num(c.and_then(|c| c.fastest_change_ci.map(|i| i.lower))),
        num(c.and_then(|c| c.fastest_change_ci.map(|i| i.upper))),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real report of the fixture's `work` target, compared against a baseline.
    fn report() -> RunReport {
        serde_json::from_str(include_str!("testdata/run-work.json")).unwrap()
    }

    /// The rows of `bytes` as maps from column to cell.
    fn rows(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
        let mut r = ::csv::Reader::from_reader(bytes);
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        r.records()
            .map(|rec| {
                header
                    .iter()
                    .cloned()
                    .zip(rec.unwrap().iter().map(String::from))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn formula_like_text_is_neutralised_and_negative_numbers_stay_numbers() {
        let mut r = report();
        let b = &mut r.benchmarks[0];
        b.id = "=HYPERLINK(\"http://x\",\"y\")".into();
        b.suite = "+suite".into();
        b.tags = vec!["@tag".into(), "=b".into()];
        b.error = Some("-boom".into());
        r.benchmarks[1].id = "\tcmd".into();
        r.benchmarks[2].id = "plain/-1".into();
        let c = r.benchmarks[0].comparison.as_mut().expect("compared");
        c.change = Some(-0.05);
        let out = rows(&summary(&[r.clone()]));
        assert_eq!(out[0]["id"], "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(out[0]["suite"], "'+suite");
        assert_eq!(out[0]["tags"], "'@tag;=b");
        assert_eq!(out[0]["error"], "'-boom");
        assert_eq!(out[1]["id"], "'\tcmd");
        assert_eq!(out[2]["id"], "plain/-1", "only the first character counts");
        assert_eq!(out[0]["change"], "-0.05", "a number, not text");
        assert_eq!(out[0]["change"].parse::<f64>().unwrap(), -0.05);
        let samples = rows(&samples(&[r]));
        assert_eq!(samples[0]["id"], "'=HYPERLINK(\"http://x\",\"y\")");
    }
}
