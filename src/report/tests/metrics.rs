//! Custom metrics in every format: `run-compare` with metrics edited into `tunable` as a real
//! run writes them (tests/metrics.rs runs one): `rounds_to_finality`, one value, compared with
//! the baseline's 10; `ops_per_sec`, seven per-sample values with their interval.

use super::*;
use crate::report::terminal::PrettyReporter;
use std::time::Duration;

fn with_metrics() -> RunReport {
    run_with("run-compare", |v| {
        let b = bench(v, "tunable");
        b["metrics"] = serde_json::json!({
            "rounds_to_finality": {"unit": "rounds", "values": [11.0], "median": 11.0,
                "mean": 11.0, "min": 11.0, "max": 11.0, "median_ci": null},
            "ops_per_sec": {"unit": "ops/s", "values": [900.0, 1000.0, 1100.0, 950.0, 1050.0, 980.0, 1020.0],
                "median": 1000.0, "mean": 1000.0, "min": 900.0, "max": 1100.0,
                "median_ci": {"lower": 900.0, "upper": 1100.0, "level": 0.95}}
        });
        b["comparison"]["metrics"] = serde_json::json!({
            "rounds_to_finality": {"unit": "rounds", "baseline_median": 10.0, "median": 11.0,
                "change": 0.1, "beyond_intervals": null}
        });
    })
}

#[test]
fn the_terminal_shows_them_under_the_result_with_the_baseline() {
    let out = Buffer::default();
    drive(
        &mut PrettyReporter::new(out.writer(), false),
        &with_metrics(),
        23.0,
        Duration::from_millis(2250),
    );
    let text = out.text();
    let line = text
        .lines()
        .skip_while(|l| !l.starts_with("tunable"))
        .nth(1)
        .unwrap();
    assert_eq!(
        line.trim_start(),
        "metrics: ops_per_sec 1000 ops/s [900, 1100] | rounds_to_finality 11 rounds \
         (baseline 10, +10.0%)"
    );
    assert_eq!(text.matches("metrics:").count(), 1, "{text}");
}

#[test]
fn markdown_has_a_metrics_table() {
    let md = crate::report::markdown::render(&[with_metrics()]);
    assert!(md.contains("\n**Metrics**\n"), "{md}");
    let rows: Vec<Vec<String>> = markdown_rows(&md)
        .into_iter()
        .filter(|r| r.len() == 4 && r[0] == "`tunable`")
        .collect();
    assert_eq!(rows.len(), 2, "{md}");
    assert_eq!(rows[1][1], "`rounds_to_finality`");
    assert_eq!(rows[1][2], "11 rounds");
    assert_eq!(rows[1][3], "baseline 10, +10.0%");
    assert!(!crate::report::markdown::render(&[run("run-compare")]).contains("**Metrics**"));
}

#[test]
fn the_metrics_csv_has_a_row_per_metric_that_parses_back() {
    let bytes = crate::report::csv::metrics(&[with_metrics()]);
    let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, crate::report::csv::METRICS_HEADER);
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let ops = &rows[0];
    assert_eq!(
        (&ops[at("id")], &ops[at("metric")]),
        ("tunable", "ops_per_sec")
    );
    assert_eq!((&ops[at("unit")], &ops[at("count")]), ("ops/s", "7"));
    let num = |row: &::csv::StringRecord, c: &str| row[at(c)].parse::<f64>().unwrap();
    assert_eq!(num(ops, "median_ci_lower"), 900.0);
    assert_eq!(&ops[at("change")], "", "not compared");
    let rounds = &rows[1];
    assert_eq!(num(rounds, "median"), 11.0);
    assert_eq!(num(rounds, "baseline_median"), 10.0);
    assert!((num(rounds, "change") - 0.1).abs() < 1e-12);
    assert_eq!(&rounds[at("median_ci_lower")], "");
}

#[test]
fn html_has_a_table_and_a_chart_of_the_per_sample_values() {
    let reports = [with_metrics()];
    let page = crate::report::html::Page {
        reports: &reports,
        trends: None,
    };
    let html = crate::report::html::render(&page);
    assert!(html.contains(r#"<table class="metrics">"#), "{html}");
    assert!(html.contains("<td>11 rounds</td>"), "{html}");
    assert!(html.contains("Metric ops_per_sec"), "{html}");
    assert_eq!(
        html.matches(r#"data-chart="metric""#).count(),
        1,
        "one value draws none"
    );
}

#[test]
fn bmf_has_a_measure_per_metric() {
    let bytes = crate::report::bmf::render(&[with_metrics()]);
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    let tunable = &doc["tunable"];
    assert_eq!(
        tunable["rounds_to_finality"],
        serde_json::json!({"value": 11.0})
    );
    assert_eq!(
        tunable["ops_per_sec"],
        serde_json::json!({"value": 1000.0, "lower_value": 900.0, "upper_value": 1100.0})
    );
    assert!(tunable["latency"].is_object());
}

#[test]
fn the_comparison_lists_each_compared_metric_under_its_benchmark() {
    let out = Buffer::default();
    let mut w = out.writer();
    crate::report::comparison::print(&mut *w, &with_metrics());
    drop(w);
    let text = out.text();
    let tunable = text
        .lines()
        .position(|l| l.trim_start().starts_with("tunable"))
        .unwrap();
    let next = text.lines().nth(tunable + 1).unwrap();
    assert!(
        next.ends_with("  metric     rounds_to_finality 11 rounds (baseline 10, +10.0%)"),
        "{text}"
    );
    assert_eq!(text.matches("  metric  ").count(), 1, "{text}");
}

#[test]
fn github_action_benchmarks_extra_carries_them_into_the_tooltip() {
    let bytes = crate::report::action::render(&[with_metrics()]);
    let list: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
    let tunable = list.iter().find(|e| e["name"] == "tunable").unwrap();
    assert!(
        tunable["extra"].as_str().unwrap().ends_with(
            "; metrics: ops_per_sec 1000 ops/s [900, 1100], rounds_to_finality 11 rounds"
        ),
        "{tunable}"
    );
    let other = list.iter().find(|e| e["name"] == "batched_work").unwrap();
    assert!(!other["extra"].as_str().unwrap().contains("metrics"));
}
