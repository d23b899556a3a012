//! The between-run part of a benchmark's uncertainty, from the recent-medians file of
//! earlier runs on this host: read at the start of a run, added to at its end, left alone
//! when it cannot be read or with `--no-history`.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;

/// Runs `fib10` of the fixture's `forms` target in `home`; returns the exit code, stderr and
/// the benchmark's entry in the report.
fn fib10(home: &Path, extra: &[&str]) -> (i32, String, Value) {
    let json = home.join("out.json");
    let mut args = vec![
        "--bench",
        "--exact",
        "fib10",
        "--json",
        json.to_str().unwrap(),
    ];
    args.extend_from_slice(FAST);
    args.extend_from_slice(extra);
    let run = run_bench("forms", &args, home, &[]);
    let report = read_json(&json);
    (run.code, run.stderr, bench(&report, "fib10").clone())
}

/// The recent-medians file of the `forms` target under `home`.
fn recent(home: &Path) -> std::path::PathBuf {
    home.join("recent").join("forms.json")
}

#[test]
fn earlier_runs_on_this_host_widen_the_interval() {
    let home = tempfile::tempdir().unwrap();
    let (code, _, first) = fib10(home.path(), &[]);
    assert_eq!(code, 0);
    let u = &first["uncertainty"];
    assert_eq!(u["runs"], 0);
    assert_eq!(u["between_runs_sd"], Value::Null);
    assert!(u["reason"].as_str().unwrap().starts_with("0 earlier runs"));
    assert_eq!(u["interval"], first["time_ns"]["median_ci"]);

    // Five earlier runs on this host (the host the first run recorded), one elsewhere.
    let file: Value = read_json(&recent(home.path()));
    let host = file["benchmarks"]["fib10"][0]["host"]
        .as_str()
        .unwrap()
        .to_string();
    let runs: Vec<Value> = [57.98, 57.44, 59.26, 57.75, 54.79]
        .iter()
        .enumerate()
        .map(|(i, m)| json!({"run_id": format!("r{i}"), "host": host, "median_ns": m}))
        .chain([json!({"run_id": "x", "host": "other-host", "median_ns": 1.0})])
        .collect();
    let seeded = json!({"schema": "qudag-bench/recent/v1", "benchmarks": {"fib10": runs}});
    std::fs::write(recent(home.path()), seeded.to_string()).unwrap();

    let (code, _, second) = fib10(home.path(), &[]);
    assert_eq!(code, 0);
    let u = &second["uncertainty"];
    assert_eq!((u["runs"].as_u64(), u["reason"].as_str()), (Some(5), None));
    // numpy: see stats::between_runs.
    let sd = u["between_runs_sd"].as_f64().unwrap();
    assert!((sd - 0.02370449228633418).abs() < 1e-12, "{sd}");
    let (median, lower, upper) = (
        second["time_ns"]["median"].as_f64().unwrap(),
        u["interval"]["lower"].as_f64().unwrap(),
        u["interval"]["upper"].as_f64().unwrap(),
    );
    let factor = u["between_runs_half_width"].as_f64().unwrap().exp();
    assert!(lower <= median / factor * (1.0 + 1e-12) && upper >= median * factor * (1.0 - 1e-12));

    let after: Value = read_json(&recent(home.path()));
    let kept = after["benchmarks"]["fib10"].as_array().unwrap();
    assert_eq!(kept.len(), 7, "six here, one on the other host");
    assert_eq!(kept[6]["median_ns"].as_f64(), Some(median));
}

#[test]
fn an_unreadable_file_is_reported_once_and_left_alone_and_no_history_reads_nothing() {
    let home = tempfile::tempdir().unwrap();
    let file = recent(home.path());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"not json").unwrap();
    let (code, stderr, b) = fib10(home.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.matches("recent-medians").count(), 1, "{stderr}");
    assert!(stderr.contains(file.to_str().unwrap()), "{stderr}");
    assert!(
        b["uncertainty"]["reason"]
            .as_str()
            .unwrap()
            .ends_with("cannot be read")
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"not json");

    std::fs::remove_file(&file).unwrap();
    let (code, _, b) = fib10(home.path(), &["--no-history"]);
    assert_eq!(code, 0);
    assert!(
        b["uncertainty"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("--no-history")
    );
    assert!(!file.exists());
}
