//! Custom metrics recorded by real benchmarks (`tests/fixture/benches/metrics.rs`), read back
//! from every output: JSON, terminal, CSV, Markdown, HTML, BMF, the history, a baseline
//! comparison and the monitor's `/metrics`.

mod common;
use common::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::Path;

fn metric<'a>(report: &'a Value, id: &str, name: &str) -> &'a Value {
    &bench(report, id)["metrics"][name]
}

#[test]
fn metrics_are_in_the_json_terminal_and_targets() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let config = h.join("qudag-bench.toml");
    std::fs::write(
        &config,
        "[targets]\n\"finality\" = \"rounds_to_finality < 20\"\n\"isolated\" = \"rounds_to_finality < 2 rounds\"\n",
    )
    .unwrap();
    let json = h.join("m.json");
    let mut args = vec![
        "--bench",
        "--skip",
        "bad_name",
        "--json",
        json.to_str().unwrap(),
    ];
    args.extend(["--config", config.to_str().unwrap()]);
    args.extend_from_slice(FAST);
    let run = run_bench("metrics", &args, h, &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    assert_valid(&report);

    let rounds = metric(&report, "finality", "rounds_to_finality");
    assert_eq!(rounds["unit"], "rounds");
    assert_eq!(rounds["values"], serde_json::json!([12.0]));
    assert_eq!(rounds["median"], 12.0);
    assert!(rounds["median_ci"].is_null(), "one value has no interval");
    assert_eq!(metric(&report, "finality", "queries")["median"], 600.0);

    // One value per measured sample: warmup and calibration runs of the routine left none.
    let per_sample = bench(&report, "per_sample");
    let ops = &per_sample["metrics"]["ops_per_sec"];
    let samples = per_sample["samples_ns"].as_array().unwrap().len();
    assert_eq!(ops["values"].as_array().unwrap().len(), samples);
    assert!(samples >= 6, "{samples} samples");
    assert!(ops["median"].as_f64().unwrap() > 0.0);
    let ci = &ops["median_ci"];
    assert!(ci["lower"].as_f64() <= ops["median"].as_f64());
    assert!(ci["upper"].as_f64() >= ops["median"].as_f64());

    // Recorded once per iteration, it still has one value per sample: their mean.
    let per_iteration = bench(&report, "per_iteration");
    let items = &per_iteration["metrics"]["items"];
    let samples = per_iteration["samples_ns"].as_array().unwrap().len();
    assert_eq!(items["values"].as_array().unwrap().len(), samples);
    assert_eq!(
        (items["min"].as_f64(), items["max"].as_f64()),
        (Some(4.0), Some(4.0))
    );

    // An isolated benchmark's metric comes back from its child process.
    assert_eq!(
        metric(&report, "isolated", "rounds_to_finality")["median"],
        3.0
    );
    assert!(bench(&report, "isolated")["isolation"].is_object());

    assert_eq!(bench(&report, "finality")["target"]["met"], true);
    assert_eq!(bench(&report, "finality")["target"]["measured"], 12.0);
    assert_eq!(bench(&report, "isolated")["target"]["met"], false);

    assert_contains(
        &run.stdout,
        "metrics: queries 600 queries | rounds_to_finality 12 rounds\n",
    );
    assert_contains(&run.stdout, "target rounds_to_finality < 20: met");
    assert!(!run.stderr.contains("rounds"), "{}", run.stderr);
}

#[test]
fn a_bad_metric_name_fails_the_benchmark_with_the_reason() {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("bad.json");
    let mut args = vec![
        "--bench",
        "bad_name",
        "--exact",
        "--json",
        json.to_str().unwrap(),
    ];
    args.extend_from_slice(FAST);
    let run = run_bench(
        "metrics",
        &args,
        home.path(),
        &[("QUDAG_FIXTURE_BAD_METRIC", "1")],
    );
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    let error = bench(&read_json(&json), "bad_name")["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("metric name \"rounds to finality\"") && error.contains("ASCII letters"),
        "{error}"
    );
}

/// The report files, the history and a comparison with a saved baseline.
#[test]
fn metrics_are_in_every_file_the_history_and_the_comparison() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let file = |name: &str| h.join(name).to_str().unwrap().to_string();
    let (csv, md, html, bmf) = (file("m.csv"), file("m.md"), file("m.html"), file("m.bmf"));
    let mut base = vec!["--bench", "finality", "--exact", "--save-baseline", "main"];
    base.extend_from_slice(FAST);
    let first = run_bench("metrics", &base, h, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);

    let mut args = vec!["--bench", "--skip", "bad_name", "--baseline", "main"];
    args.extend([
        "--csv-metrics",
        &csv,
        "--markdown",
        &md,
        "--html",
        &html,
        "--bmf",
        &bmf,
    ]);
    args.extend_from_slice(FAST);
    let run = run_bench("metrics", &args, h, &[("QUDAG_FIXTURE_ROUNDS", "15")]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_contains(
        &run.stdout,
        "rounds_to_finality 15 rounds (baseline 12, +25.0%)",
    );

    let report = read_json(&h.join("results/metrics.json"));
    let change = &bench(&report, "finality")["comparison"]["metrics"]["rounds_to_finality"];
    assert_eq!(
        (
            change["baseline_median"].as_f64(),
            change["median"].as_f64()
        ),
        (Some(12.0), Some(15.0))
    );
    assert!((change["change"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    assert!(bench(&report, "finality")["comparison"]["verdict"].is_string());

    let mut rows = csv::Reader::from_path(&csv).unwrap();
    let header = rows.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        5,
        "finality: 2; per_sample, per_iteration, isolated: 1"
    );
    let queries = rows.iter().find(|r| &r[at("metric")] == "queries").unwrap();
    assert_eq!(
        (&queries[at("id")], &queries[at("median")]),
        ("finality", "750")
    );
    assert_eq!(
        (&queries[at("baseline_median")], &queries[at("change")]),
        ("600", "0.25")
    );

    let md = std::fs::read_to_string(&md).unwrap();
    assert_contains(
        &md,
        "| `finality` | `rounds_to_finality` | 15 rounds | baseline 12, +25.0% |",
    );
    let html = std::fs::read_to_string(&html).unwrap();
    assert_contains(&html, r#"<table class="metrics">"#);
    let charts = html.matches(r#"data-chart="metric""#).count();
    assert_eq!(charts, 2, "per_sample's and per_iteration's values");
    let bmf: Value = serde_json::from_slice(&std::fs::read(&bmf).unwrap()).unwrap();
    assert_eq!(bmf["finality"]["rounds_to_finality"]["value"], 15.0);
    assert!(bmf["per_sample"]["ops_per_sec"]["lower_value"].is_number());

    let history = |extra: &[&str]| {
        let mut args = vec![
            "history",
            "--home",
            h.to_str().unwrap(),
            "--metric",
            "rounds_to_finality",
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = qudag_bench(args);
        assert_eq!(code, 0, "{err}");
        out
    };
    let all = history(&[]);
    assert_eq!(
        all.lines().count(),
        3,
        "two runs of finality, one of isolated:\n{all}"
    );
    let finality = history(&["--bench", "finality"]);
    assert_contains(&finality, "12 rounds");
    assert_contains(&finality, "15 rounds");
    assert_contains(&finality, "+25.00% vs first");
    let (code, _, err) = qudag_bench(["history", "--home", h.to_str().unwrap(), "--metric", "a b"]);
    assert_eq!(code, 2);
    assert_contains(&err, "--metric");

    assert_monitor_serves(h, "finality", 15.0);
}

/// `qudag-bench monitor` on `home` serves the metric's median in `/metrics`.
fn assert_monitor_serves(home: &Path, id: &str, median: f64) {
    let mut child = std::process::Command::new(cli_exe())
        .arg("--home")
        .arg(home)
        .args(["monitor", "--listen", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (addr, _, _lines) = monitor_address(&mut child);
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let line = response
        .lines()
        .find(|l| {
            l.starts_with("qudag_bench_metric{")
                && l.contains(&format!("benchmark=\"{id}\""))
                && l.contains("name=\"rounds_to_finality\"")
        })
        .unwrap_or_else(|| panic!("no metric line in:\n{response}"));
    assert!(line.contains("unit=\"rounds\""), "{line}");
    assert_eq!(
        line.rsplit(' ').next().unwrap().parse::<f64>().unwrap(),
        median
    );
}
