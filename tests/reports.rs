//! Output: the JSON run report (file, stdout, results directory) validated against the schema,
//! and libtest's bencher lines.

mod common;
use common::*;

#[test]
fn json_report_validates_and_lands_in_the_results_directory() {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("report.json");
    let mut args = vec!["--bench", "--json", json.to_str().unwrap()];
    args.extend_from_slice(FAST);
    let run = run_bench("forms", &args, home.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = read_json(&json);
    assert_valid(&report);
    let results = read_json(&home.path().join("results/forms.json"));
    assert_eq!(
        results, report,
        "results/<target>.json holds the same report"
    );

    assert_eq!(report["schema"], "qudag-bench/run/v1");
    assert_eq!(report["bench_target"], "forms");
    assert_eq!(report["summary"]["ok"], 12);
    assert_eq!(report["summary"]["ignored"], 1);
    let benches = report["benchmarks"].as_array().unwrap();
    let by_id = |id: &str| benches.iter().find(|b| b["id"] == id).unwrap().clone();
    let sum = by_id("sum_bytes/1024");
    assert_eq!(sum["arg"], "1024");
    assert_eq!(sum["tags"], serde_json::json!(["bytes"]));
    assert_eq!(sum["location"]["file"], "benches/forms.rs");
    assert_eq!(sum["throughput"]["kind"], "bytes");
    assert_eq!(sum["throughput"]["per_iter"], 1024);
    let t = &sum["time_ns"];
    let (lo, med, hi) = (
        t["median_ci"]["lower"].as_f64().unwrap(),
        t["median"].as_f64().unwrap(),
        t["median_ci"]["upper"].as_f64().unwrap(),
    );
    assert!(lo <= med && med <= hi, "median within its CI");
    assert_eq!(
        sum["samples_ns"].as_array().unwrap().len(),
        sum["iters_per_sample"].as_array().unwrap().len()
    );
    assert_eq!(by_id("strings/abcd")["throughput"]["kind"], "elements");
    assert_eq!(
        by_id("custom")["overhead"]["per_iter_ns"],
        0.0,
        "iter_custom subtracts nothing"
    );
    assert_eq!(
        by_id("sort_batched")["config"]["samples"],
        50,
        "attribute option applied"
    );
    let env = &report["environment"];
    assert!(env["timer"]["precision_ns"].as_f64().unwrap() > 0.0);
    assert_eq!(env["profile"]["debug_assertions"], false);
    assert!(env["rustc"].as_str().unwrap().starts_with("rustc "));
}

#[test]
fn json_to_stdout_keeps_stdout_clean() {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["--bench", "--json", "-", "fib10"];
    args.extend_from_slice(FAST);
    let run = run_bench("forms", &args, home.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is only the JSON report");
    assert_valid(&report);
    assert_eq!(ids(&report), ["fib10"]);
    assert!(
        run.stderr.contains("fib10"),
        "human output goes to stderr: {}",
        run.stderr
    );
}

#[test]
fn bencher_format_prints_libtest_lines() {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["--bench", "--output-format", "bencher", "sum_bytes"];
    args.extend_from_slice(FAST);
    let run = run_bench("forms", &args, home.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bench_lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("test ") && l.contains(" ... "))
        .collect();
    assert_eq!(bench_lines.len(), 2, "{}", run.stdout);
    for line in bench_lines {
        // Current libtest: `test NAME ... bench: {median:>14} ns/iter (+/- {dev})`, both with
        // two decimals; no ` = N MB/s`, which the parsers of CI tools do not accept.
        let rest = line.strip_prefix("test ").unwrap();
        let (name, rest) = rest.split_once(" ... bench: ").expect(line);
        assert!(name.starts_with("sum_bytes/"), "{line}");
        let (figure, rest) = rest.split_once(" ns/iter (+/- ").expect(line);
        assert_eq!(figure.len(), 14, "right-aligned in 14 columns: {line}");
        let decimal = |text: &str| {
            let (whole, fraction) = text.split_once('.').expect(line);
            whole.chars().all(|c| c.is_ascii_digit() || c == ',')
                && fraction.len() == 2
                && fraction.chars().all(|c| c.is_ascii_digit())
        };
        assert!(decimal(figure.trim()), "{line}");
        let dev = rest.strip_suffix(')').expect(line);
        assert!(decimal(dev), "{line}");
    }
    assert!(
        run.stdout.contains(
            "test result: ok. 0 passed; 0 failed; 0 ignored; 2 measured; 11 filtered out;"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn pretty_format_prints_one_line_per_benchmark() {
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["--bench", "strings"];
    args.extend_from_slice(FAST);
    let run = run_bench("forms", &args, home.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("strings/ab "))
        .expect(&run.stdout);
    assert!(
        line.contains(" ns") && line.contains('[') && line.contains("elem/s"),
        "{line}"
    );
    assert_contains(
        &run.stdout,
        "result: ok. 2 measured; 0 failed; 0 timed out; 0 ignored; 11 filtered out",
    );
}

#[test]
fn a_run_selecting_nothing_keeps_the_latest_results() {
    let home = tempfile::tempdir().unwrap();
    let results = home.path().join("results/forms.json");
    std::fs::create_dir_all(results.parent().unwrap()).unwrap();
    std::fs::write(&results, b"earlier report").unwrap();
    let run = run_bench(
        "forms",
        &["--bench", "no-benchmark-matches-this"],
        home.path(),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(&results).unwrap(), b"earlier report");
}

#[test]
fn targets_are_shown_as_met_or_missed_without_changing_the_exit_code() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("qudag-bench.toml");
    std::fs::write(
        &cfg,
        r#"[targets]
"plain" = "< 1s"
"fib10" = "< 1ns"
"sum_bytes" = "> 1 KB/s"
"strings/ab" = "> 1 MB/s"
"#,
    )
    .unwrap();
    let json = home.path().join("out.json");
    let mut args = vec![
        "--bench",
        "--config",
        cfg.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ];
    args.extend_from_slice(FAST);
    let run = run_bench("forms", &args, home.path(), &[]);
    assert_eq!(
        run.code, 0,
        "targets alone do not fail a run (the gate does): {}",
        run.stderr
    );
    let report = read_json(&json);
    assert_valid(&report);
    let target = |id: &str| {
        report["benchmarks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == id)
            .unwrap()["target"]
            .clone()
    };
    assert_eq!(target("plain")["met"], true);
    assert_eq!(target("fib10")["met"], false);
    assert_eq!(
        target("sum_bytes/64")["met"],
        true,
        "a function's target covers its arguments"
    );
    assert_eq!(target("sum_bytes/1024")["met"], true);
    assert!(target("strings/ab")["met"].is_null());
    assert!(
        target("strings/ab")["reason"]
            .as_str()
            .unwrap()
            .contains("declares elements")
    );
    assert!(target("empty").is_null());
    assert_eq!(report["summary"]["targets_met"], 3);
    assert_eq!(report["summary"]["targets_missed"], 1);
    assert_contains(&run.stdout, "target < 1ns: MISSED");
    assert_contains(&run.stdout, "targets: 3 met, 1 missed");
}
