//! The fixture under the drivers a user runs: `cargo bench`, `cargo test --benches` and
//! `cargo nextest run --benches`.

mod common;
use common::*;

/// The fault fixtures fail on purpose; everything else must pass.
const FAULTS: [&str; 6] = [
    "--skip",
    "panics",
    "--skip",
    "hangs",
    "--skip",
    "never_iterates",
];

#[test]
fn cargo_bench_measures_and_writes_results() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = cargo(&["bench", "--bench", "forms", "--", "fib10", "--quick"]);
    cmd.env("QUDAG_BENCH_HOME", home.path());
    let run = run_cargo(cmd);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("fib10 ") && l.contains(" ns")),
        "{}",
        run.stdout
    );
    let report = read_json(&home.path().join("results/forms.json"));
    assert_eq!(ids(&report), ["fib10"]);
}

#[test]
fn cargo_test_benches_smoke_tests_every_benchmark() {
    let mut args = vec!["test", "--benches", "--"];
    args.extend(FAULTS);
    let run = run_cargo(cargo(&args));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_contains(
        &run.stdout,
        "test result: ok. 12 passed; 0 failed; 1 ignored;",
    );
    assert_contains(&run.stdout, "test slow_samples ... ok");
}

#[test]
fn cargo_nextest_runs_every_benchmark() {
    let probe = cargo(&["nextest", "--version"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("cargo-nextest is not installed: skipping (CI installs it)");
        return;
    }
    let filter =
        "not (test(=panics) | test(=hangs) | test(=never_iterates) | test(=panics_with_escapes))";
    let run = run_cargo(cargo(&[
        "nextest",
        "run",
        "--benches",
        "--no-fail-fast",
        "-E",
        filter,
    ]));
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("42 tests run: 42 passed"), "{all}");
    assert!(all.contains("fixture::bench/forms sum_bytes/64"), "{all}");
}

#[test]
fn an_unoptimised_build_is_measured_with_a_warning() {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = cargo(&[
        "bench",
        "--profile",
        "dev",
        "--bench",
        "faults",
        "--",
        "fine",
        "--quick",
    ]);
    cmd.env("QUDAG_BENCH_HOME", home.path());
    let run = run_cargo(cmd);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_contains(&run.stderr, "built without optimisations");
    let report = read_json(&home.path().join("results/faults.json"));
    let stability = &report["environment"]["stability"];
    assert_eq!(stability["debug_build"], true);
    assert!(
        stability["warnings"][0]
            .as_str()
            .unwrap()
            .contains("without optimisations")
    );
    assert_eq!(report["environment"]["profile"]["debug_assertions"], true);
}
