//! The OpenMetrics text of real and edited reports: families, values and escaping.

use super::*;
use qudag_bench::schema::ThroughputResult;

/// A real report of the fixture's `work` target (samples trimmed), compared against a
/// baseline with `tunable` made 3 times slower.
/// The library's fixture reports (src/report/testdata), as its renderer tests read them.
mod fixtures {
    use qudag_bench::schema::RunReport;
    use serde_json::Value;

    fn value(name: &str) -> Value {
        let text = match name {
            "run-work" => include_str!("../../../../src/report/testdata/run-work.json"),
            "run-compare" => include_str!("../../../../src/report/testdata/run-compare.json"),
            "run-faults" => include_str!("../../../../src/report/testdata/run-faults.json"),
            other => panic!("no fixture {other}"),
        };
        serde_json::from_str(text).unwrap()
    }

    pub fn run(name: &str) -> RunReport {
        serde_json::from_value(value(name)).unwrap()
    }

    pub fn run_with(name: &str, edit: impl FnOnce(&mut Value)) -> RunReport {
        let mut v = value(name);
        edit(&mut v);
        serde_json::from_value(v).unwrap()
    }

    pub fn bench<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
        v["benchmarks"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|b| b["id"] == id)
            .unwrap()
    }

    pub fn verdict_of(report: &RunReport, id: &str) -> Option<String> {
        let c = report
            .benchmarks
            .iter()
            .find(|r| r.id == id)?
            .comparison
            .as_ref()?;
        Some(serde_json::to_value(c.verdict).ok()?.as_str()?.to_string())
    }
}

fn report() -> RunReport {
    serde_json::from_str(include_str!(
        "../../../../src/report/testdata/run-work.json"
    ))
    .unwrap()
}

/// The sample lines of `text` whose name is `name` exactly, without the name.
fn samples<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter_map(|l| l.strip_prefix(name))
        .filter(|rest| rest.starts_with('{') || rest.starts_with(' '))
        .collect()
}

fn value(text: &str, name: &str, labels: &str) -> f64 {
    let line = samples(text, name)
        .into_iter()
        .find(|l| match labels {
            "" => l.starts_with(' '),
            _ => l.starts_with(&format!("{{{labels}}} ")),
        })
        .unwrap_or_else(|| panic!("no {name}{{{labels}}} in:\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[track_caller]
fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12 * b.abs(), "{a} != {b}");
}

#[test]
fn latency_quantiles_are_the_reports_percentiles_in_seconds() {
    let text = encode(&[report()], &[], 0);
    let tunable = r#"bench_target="work",suite="work",benchmark="tunable""#;
    let q = |quantile: &str| {
        value(
            &text,
            "qudag_bench_latency_seconds",
            &format!(r#"{tunable},quantile="{quantile}",granularity="iteration""#),
        )
    };
    // percentiles_ns of `tunable` in the report: p50 2437.119, p99 2439.167, max 28508.159.
    assert_close(q("0.5"), 2437.119e-9);
    assert_close(q("0.99"), 2439.167e-9);
    assert_close(q("1"), 28508.159e-9);
    assert!(
        text.contains("# TYPE qudag_bench_latency_seconds gauge\n"),
        "{text}"
    );
    assert!(text.contains("# UNIT qudag_bench_latency_seconds seconds\n"));
    // 3 benchmarks x 5 quantiles; the short ones are of per-sample means.
    assert_eq!(samples(&text, "qudag_bench_latency_seconds").len(), 15);
    assert!(text.contains(r#"benchmark="batched_work",quantile="0.9",granularity="sample"}"#));
    let median = value(&text, "qudag_bench_median_seconds", tunable);
    assert!((2.4e-6..2.5e-6).contains(&median), "{median}");
    assert!(text.ends_with("# EOF\n"));
}

#[test]
fn regressions_and_run_time_come_from_the_report() {
    let text = encode(&[report()], &[], 0);
    assert_eq!(
        value(&text, "qudag_bench_regressions", r#"bench_target="work""#),
        1.0
    );
    let regressed = |id: &str| {
        value(
            &text,
            "qudag_bench_regressed",
            &format!(r#"bench_target="work",suite="work",benchmark="{id}""#),
        )
    };
    assert_eq!(regressed("tunable"), 1.0);
    assert_eq!(regressed("loop_work/1000"), 0.0);
    // finished_at 2026-12-01T09:13:12.588Z
    assert_eq!(
        value(
            &text,
            "qudag_bench_run_timestamp_seconds",
            r#"bench_target="work""#
        ),
        1_796_116_392.588
    );
    let status = |s: &str| {
        value(
            &text,
            "qudag_bench_benchmarks",
            &format!(r#"bench_target="work",status="{s}""#),
        )
    };
    assert_eq!((status("ok"), status("failed")), (3.0, 0.0));
    assert_eq!(value(&text, "qudag_bench_report_errors", ""), 0.0);
}

#[test]
fn what_was_not_measured_is_absent() {
    let mut r = report();
    r.baseline = None;
    for b in &mut r.benchmarks {
        b.comparison = None;
    }
    let failed = &mut r.benchmarks[0];
    failed.status = Status::Failed;
    failed.time_ns = None;
    failed.percentiles_ns = None;
    let text = encode(&[r], &[], 2);
    assert!(!text.contains("batched_work"), "{text}");
    assert!(samples(&text, "qudag_bench_regressions").is_empty());
    assert!(samples(&text, "qudag_bench_regressed").is_empty());
    assert!(samples(&text, "qudag_bench_throughput").is_empty());
    assert!(
        !text.contains("# TYPE qudag_bench_throughput"),
        "no empty family"
    );
    assert_eq!(samples(&text, "qudag_bench_latency_seconds").len(), 10);
    assert_eq!(value(&text, "qudag_bench_report_errors", ""), 2.0);
    let failed = value(
        &text,
        "qudag_bench_benchmarks",
        r#"bench_target="work",status="failed""#,
    );
    assert_eq!(failed, 1.0);
}

#[test]
fn a_skipped_benchmark_is_counted_under_its_own_status_without_a_latency() {
    let mut r = report();
    let skipped = &mut r.benchmarks[0];
    (skipped.status, skipped.skip_reason) = (Status::Skipped, Some("not here".into()));
    (skipped.time_ns, skipped.percentiles_ns) = (None, None);
    let id = skipped.id.clone();
    let text = encode(&[r], &[], 0);
    let count = |status: &str| {
        let labels = format!(r#"bench_target="work",status="{status}""#);
        value(&text, "qudag_bench_benchmarks", &labels)
    };
    assert_eq!((count("skipped"), count("failed")), (1.0, 0.0));
    let latency = samples(&text, "qudag_bench_latency_seconds");
    assert!(!latency.iter().any(|l| l.contains(&id)), "{latency:?}");
}

#[test]
fn a_custom_metric_is_its_median_labelled_with_name_and_unit() {
    let mut r = report();
    let metric: qudag_bench::schema::MetricResult = serde_json::from_value(serde_json::json!({
        "unit": "rounds", "values": [10.0, 12.0, 11.0], "median": 11.0, "mean": 11.0,
        "min": 10.0, "max": 12.0, "median_ci": null
    }))
    .unwrap();
    r.benchmarks[1]
        .metrics
        .insert("rounds_to_finality".into(), metric);
    let text = encode(&[r], &[], 0);
    let labels = r#"bench_target="work",suite="work",benchmark="loop_work/1000",name="rounds_to_finality",unit="rounds""#;
    assert_eq!(value(&text, "qudag_bench_metric", labels), 11.0);
    assert_eq!(samples(&text, "qudag_bench_metric").len(), 1);
    assert!(text.contains("# TYPE qudag_bench_metric gauge"), "{text}");
}

#[test]
fn throughput_is_per_second_with_its_unit() {
    let mut r = report();
    r.benchmarks[1].throughput = Some(ThroughputResult {
        per_iter: Throughput::Bytes(4096),
        per_second: Some(5.0e9),
    });
    r.benchmarks[2].throughput = Some(ThroughputResult {
        per_iter: Throughput::Elements(1),
        per_second: Some(400_000.0),
    });
    let text = encode(&[r], &[], 0);
    let labels = |id: &str, unit: &str| {
        format!(r#"bench_target="work",suite="work",benchmark="{id}",unit="{unit}""#)
    };
    let t = |id, unit| value(&text, "qudag_bench_throughput", &labels(id, unit));
    assert_eq!(t("loop_work/1000", "bytes"), 5.0e9);
    assert_eq!(t("tunable", "elements"), 400_000.0);
}

#[test]
fn progress_of_a_run_in_flight_and_a_finished_one() {
    let progress = |target: &str, done, current: Option<&str>, finished| Progress {
        schema: qudag_bench::schema::ids::PROGRESS.into(),
        run_id: "r".into(),
        bench_target: target.into(),
        pid: 1,
        total: 4,
        done,
        current: current.map(String::from),
        started_at: "2026-12-01T09:13:12.000Z".into(),
        updated_at: "2026-12-01T09:13:13.500Z".into(),
        finished,
    };
    let text = encode(
        &[],
        &[
            RunProgress {
                progress: progress("crypto", 1, Some("ml_kem::keygen"), false),
                running: true,
            },
            RunProgress {
                progress: progress("dag", 4, None, true),
                running: false,
            },
        ],
        0,
    );
    let crypto = r#"bench_target="crypto""#;
    assert_eq!(
        value(
            &text,
            "qudag_bench_progress",
            &format!(r#"{crypto},current="ml_kem::keygen""#)
        ),
        0.25
    );
    assert_eq!(
        value(&text, "qudag_bench_progress", r#"bench_target="dag""#),
        1.0
    );
    assert_eq!(value(&text, "qudag_bench_running", crypto), 1.0);
    assert_eq!(
        value(&text, "qudag_bench_running", r#"bench_target="dag""#),
        0.0
    );
    assert_eq!(value(&text, "qudag_bench_progress_done", crypto), 1.0);
    assert_eq!(value(&text, "qudag_bench_progress_total", crypto), 4.0);
    assert_eq!(
        value(
            &text,
            "qudag_bench_progress_updated_timestamp_seconds",
            crypto
        ),
        1_796_116_393.5
    );
}

#[test]
fn every_verdict_and_status_of_the_fixtures() {
    use fixtures::{run, verdict_of};
    let compare = run("run-compare");
    let faults = run("run-faults");
    let text = encode(&[compare.clone(), faults.clone()], &[], 0);
    for r in &compare.benchmarks {
        let labels = format!(r#"bench_target="work",suite="work",benchmark="{}""#, r.id);
        let regressed = verdict_of(&compare, &r.id).unwrap() == "regressed";
        assert_eq!(
            value(&text, "qudag_bench_regressed", &labels),
            f64::from(regressed)
        );
    }
    assert_eq!(
        value(&text, "qudag_bench_regressions", r#"bench_target="work""#),
        1.0
    );
    assert!(!text.contains(r#"qudag_bench_regressions{bench_target="faults"}"#));
    let status = |s: &str| {
        value(
            &text,
            "qudag_bench_benchmarks",
            &format!(r#"bench_target="faults",status="{s}""#),
        )
    };
    let s = &faults.summary;
    assert_eq!(
        (status("ok"), status("failed"), status("timeout")),
        (s.ok as f64, s.failed as f64, s.timeout as f64)
    );
    assert!(
        !text.contains(r#"benchmark="panics""#),
        "a failure has no series"
    );
}

#[test]
fn label_values_are_escaped() {
    let r = fixtures::run_with("run-work", |v| {
        fixtures::bench(v, "tunable")["id"] = "a\"b\\c\nd".into();
    });
    let text = encode(&[r], &[], 0);
    assert!(text.contains(r#"benchmark="a\"b\\c\nd""#), "{text}");
    assert!(!text.contains("c\nd"), "no raw line break in a sample line");
}
