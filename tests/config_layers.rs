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
