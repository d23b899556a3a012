//! Precedence, lowest first: defaults < attribute < qudag-bench.toml < --quick < env < flags.

mod common;
use common::*;

fn config_of(
    id: &str,
    args: &[&str],
    env: &[(&str, &str)],
    toml: Option<&str>,
) -> serde_json::Value {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("out.json");
    let cfg = home.path().join("qudag-bench.toml");
    let mut all = vec!["--bench", "--exact", id, "--json", json.to_str().unwrap()];
    if let Some(text) = toml {
        std::fs::write(&cfg, text).unwrap();
        all.extend(["--config", cfg.to_str().unwrap()]);
    }
    all.extend_from_slice(args);
    let run = run_bench("forms", &all, home.path(), env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = read_json(&json);
    report["benchmarks"][0]["config"].clone()
}

const FILE: &str = r#"
[global]
samples = 20
warmup_time = "5ms"
measure_time = "30ms"
[suite.cpu]
samples = 21
[bench.sum_bytes]
samples = 22
[bench."sum_bytes/64"]
samples = 23
"#;

#[test]
fn attribute_beats_defaults_and_file_beats_attribute() {
    let c = config_of("nested::inner", &[], &[], None);
    assert_eq!(c["warmup_time_s"], 0.01, "attribute warmup_time");
    assert_eq!(c["samples"], 1000, "built-in default");
    let c = config_of("nested::inner", &[], &[], Some(FILE));
    assert_eq!(c["warmup_time_s"], 0.005, "file beats attribute");
    assert_eq!(c["samples"], 20);
}

#[test]
fn file_sections_global_suite_function_and_id() {
    assert_eq!(
        config_of("fib10", &[], &[], Some(FILE))["samples"],
        21,
        "suite section"
    );
    assert_eq!(
        config_of("sum_bytes/1024", &[], &[], Some(FILE))["samples"],
        22,
        "function section"
    );
    assert_eq!(
        config_of("sum_bytes/64", &[], &[], Some(FILE))["samples"],
        23,
        "id section"
    );
}

#[test]
fn environment_beats_file_and_flags_beat_environment() {
    let env = [
        ("QUDAG_BENCH_SAMPLES", "30"),
        ("QUDAG_BENCH_MEASURE_TIME", "25ms"),
    ];
    let c = config_of("fib10", &[], &env, Some(FILE));
    assert_eq!(c["samples"], 30);
    assert_eq!(c["measure_time_s"], 0.025);
    let c = config_of("fib10", &["--samples", "40"], &env, Some(FILE));
    assert_eq!(c["samples"], 40);
}

#[test]
fn quick_shortens_times_but_explicit_times_win() {
    let c = config_of("fib10", &["--quick"], &[], None);
    assert_eq!(
        (c["warmup_time_s"].as_f64(), c["measure_time_s"].as_f64()),
        (Some(0.05), Some(0.12))
    );
    let c = config_of("fib10", &["--quick", "--measure-time", "30ms"], &[], None);
    assert_eq!(c["measure_time_s"], 0.03);
    let c = config_of("fib10", &[], &[("QUDAG_BENCH_QUICK", "1")], None);
    assert_eq!(
        c["measure_time_s"], 0.12,
        "QUDAG_BENCH_QUICK=1 turns --quick on"
    );
}

#[test]
fn precision_from_file_environment_and_flag_with_the_stop_reason_reported() {
    let file = "[global]\nwarmup_time = \"5ms\"\nmeasure_time = \"30ms\"\nprecision = 5\n";
    assert_eq!(config_of("fib10", &[], &[], None)["precision_pct"], 1.0);
    assert_eq!(
        config_of("fib10", &[], &[], Some(file))["precision_pct"],
        5.0
    );
    let env = [("QUDAG_BENCH_PRECISION", "2%")];
    assert_eq!(
        config_of("fib10", &[], &env, Some(file))["precision_pct"],
        2.0
    );
    let c = config_of("fib10", &["--precision", "0.5"], &env, Some(file));
    assert_eq!(c["precision_pct"], 0.5);

    // Whichever way a benchmark stopped, the report says so, and a precision stop never came
    // before the floor of 50 samples.
    let (_, report) = measure_json("forms", &["--precision", "50", "--exact", "fib10"]);
    let b = bench(&report, "fib10");
    let samples = b["samples_ns"].as_array().unwrap().len();
    match b["stop_reason"].as_str().unwrap() {
        "precision" => assert!(samples >= 50, "{samples} samples"),
        "time" | "samples" => {}
        other => panic!("stop_reason {other}"),
    }
    let run = run_bench(
        "forms",
        &["--bench", "--precision", "100"],
        tempfile::tempdir().unwrap().path(),
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--precision"), "{}", run.stderr);
}
