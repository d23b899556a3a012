//! Failures never take the run down, and exit codes are exactly 0, 101 and 2.

mod common;
use common::*;

#[test]
fn panic_timeout_and_missing_iter_are_reported_and_exit_101() {
    let home = tempfile::tempdir().unwrap();
    let json = home.path().join("faults.json");
    let mut args = vec!["--bench", "--json", json.to_str().unwrap()];
    args.extend_from_slice(FAST);
    let run = run_bench("faults", &args, home.path(), &[]);
    assert_eq!(run.code, 101, "{}\n{}", run.stdout, run.stderr);
    let report = read_json(&json);
    assert_valid(&report);
    let status = |id: &str| {
        let b = report["benchmarks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == id)
            .unwrap();
        (
            b["status"].as_str().unwrap().to_string(),
            b["error"].as_str().map(str::to_string),
        )
    };
    assert_eq!(
        status("fine").0,
        "ok",
        "the others still run and are written"
    );
    let (s, e) = status("panics");
    assert_eq!(s, "failed");
    assert!(e.unwrap().contains("boom <script>alert(1)</script>"));
    let (s, e) = status("slow_samples");
    assert_eq!(s, "timeout");
    assert!(e.unwrap().contains("timed out after 0.300s"));
    let (s, e) = status("hangs");
    assert_eq!(s, "timeout");
    assert!(e.unwrap().contains("abandoned"));
    let (s, e) = status("never_iterates");
    assert_eq!(s, "failed");
    assert!(e.unwrap().contains("never called b.iter"));
    assert_eq!(report["summary"]["failed"], 2);
    assert_eq!(report["summary"]["timeout"], 2);
    assert_contains(&run.stdout, "panics: panicked: boom");
}

#[test]
fn test_mode_runs_each_benchmark_once_and_fails_with_101() {
    let home = tempfile::tempdir().unwrap();
    let run = run_bench("forms", &[], home.path(), &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_contains(
        &run.stdout,
        "test result: ok. 12 passed; 0 failed; 1 ignored;",
    );
    assert!(
        !home.path().join("results").exists(),
        "test mode writes no report"
    );

    let run = run_bench("faults", &[], home.path(), &[]);
    assert_eq!(run.code, 101);
    assert_contains(&run.stdout, "test result: FAILED. 2 passed; 3 failed;");
    assert_contains(&run.stdout, "timed out after 0.200s");
}

#[test]
fn bad_flags_are_usage_errors_with_exit_2() {
    let home = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (&["--bench", "--no-such-flag"][..], "--no-such-flag"),
        (&["--bench", "--samples", "1"], "--samples"),
        (&["--bench", "--warmup-time", "soon"], "--warmup-time"),
        (&["--bench", "--output-format", "xml"], "--output-format"),
    ] {
        let run = run_bench("forms", args, home.path(), &[]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
    }
    let run = run_bench(
        "forms",
        &["--bench"],
        home.path(),
        &[("QUDAG_BENCH_SAMPLES", "zero")],
    );
    assert_eq!(
        run.code, 2,
        "a bad environment value is a usage error too: {}",
        run.stderr
    );
    assert_contains(&run.stderr, "--samples");
    let run = run_bench("forms", &["--help"], home.path(), &[]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("QUDAG_BENCH_WARMUP_TIME"),
        "--help documents the env vars"
    );
}

#[test]
fn bad_config_is_exit_2_naming_file_and_key_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("bad.toml");
    std::fs::write(&cfg, "[suite.cpu]\nmeasure_time = \"fast\"\n").unwrap();
    let previous = home.path().join("results/forms.json");
    std::fs::create_dir_all(previous.parent().unwrap()).unwrap();
    std::fs::write(&previous, b"previous report").unwrap();
    let run = run_bench(
        "forms",
        &["--bench", "--config", cfg.to_str().unwrap()],
        home.path(),
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.toml") && run.stderr.contains("`suite.cpu.measure_time`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read(&previous).unwrap(),
        b"previous report",
        "nothing overwritten"
    );

    let missing = home.path().join("missing.toml");
    let run = run_bench(
        "forms",
        &["--bench", "--config", missing.to_str().unwrap()],
        home.path(),
        &[],
    );
    assert_eq!(run.code, 2);
    assert_contains(&run.stderr, "missing.toml");
}

#[test]
fn unwritable_home_is_exit_2_naming_the_file() {
    let home = tempfile::tempdir().unwrap();
    let blocker = home.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let mut args = vec!["--bench", "plain"];
    args.extend_from_slice(FAST);
    let run = run_bench("forms", &args, &blocker, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // The history is opened first, before measuring: the error names the home path.
    assert_contains(&run.stderr, "not-a-dir");

    // With the history off, the results file is the first write, after measuring.
    args.push("--no-history");
    let run = run_bench("forms", &args, &blocker, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_contains(&run.stderr, "forms.json");
}

#[test]
fn a_target_without_benchmarks_says_so() {
    let home = tempfile::tempdir().unwrap();
    let run = run_bench("empty", &["--bench"], home.path(), &[]);
    assert_eq!(run.code, 0);
    assert_contains(&run.stderr, "no benchmarks are registered");
    assert!(
        run.stderr.contains("use that_crate as _;"),
        "gives the linker hint"
    );
}
