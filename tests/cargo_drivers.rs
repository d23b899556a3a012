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
    assert!(all.contains("82 tests run: 82 passed"), "{all}");
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

/// The ids of a report's benchmarks with the run each result was measured in (`None`: the
/// report's own run).
fn origins(report: &serde_json::Value) -> Vec<(String, Option<String>)> {
    report["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let run = b["measured_in"]["run_id"].as_str().map(str::to_string);
            (b["id"].as_str().unwrap().to_string(), run)
        })
        .collect()
}

#[test]
fn a_filtered_run_replaces_its_results_and_keeps_the_others() {
    let home = tempfile::tempdir().unwrap();
    let bench = |filter: &[&str]| {
        let mut args = vec!["bench", "--bench", "work", "--"];
        args.extend_from_slice(filter);
        args.extend_from_slice(FAST);
        let mut cmd = cargo(&args);
        cmd.env("QUDAG_BENCH_HOME", home.path());
        let run = run_cargo(cmd);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        run
    };
    bench(&[]);
    let results = home.path().join("results/work.json");
    let full = read_json(&results);
    let all: Vec<String> = ids(&full);
    assert!(all.len() >= 4, "{all:?}");
    let first_run = full["run_id"].as_str().unwrap().to_string();

    let run = bench(&["loop_work"]);
    assert_contains(&run.stderr, "kept from earlier runs");
    let after = read_json(&results);
    assert_valid(&after);
    assert_eq!(ids(&after), all, "every benchmark, in registration order");
    for (id, origin) in origins(&after) {
        if id.starts_with("loop_work/") {
            assert_eq!(origin, None, "{id} was measured by this run");
        } else {
            assert_eq!(origin.as_deref(), Some(first_run.as_str()), "{id}");
        }
    }
    // `qudag-bench report latest` reads the same file.
    let h = home.path().to_str().unwrap();
    let (code, out, err) = qudag_bench(["report", "latest", "--format", "json", "--home", h]);
    assert_eq!(code, 0, "{err}");
    let latest: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(ids(&latest), all);
}

#[test]
fn cargo_nextest_bench_measures_every_benchmark_into_one_report_and_one_run_group() {
    let probe = cargo(&["nextest", "--version"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("cargo-nextest is not installed: skipping (CI installs it)");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let mut cmd = cargo(&["nextest", "bench", "--bench", "work"]);
    // Harness flags reach the benchmarks through the environment: nextest passes a
    // benchmark binary only its own arguments (`--exact NAME --nocapture --bench`).
    cmd.env("NEXTEST_EXPERIMENTAL_BENCHMARKS", "1")
        .env("QUDAG_BENCH_HOME", home.path())
        .env("QUDAG_BENCH_WARMUP_TIME", "5ms")
        .env("QUDAG_BENCH_MEASURE_TIME", "20ms");
    let run = run_cargo(cmd);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let all_output = format!("{}{}", run.stdout, run.stderr);
    let report = read_json(&home.path().join("results/work.json"));
    let measured = ids(&report);
    assert!(
        all_output.contains(&format!("{} benchmarks run", measured.len())),
        "{all_output}"
    );
    // One process per benchmark, yet one file with all of them ...
    let list = run_bench("work", &["--list", "--format", "terse"], home.path(), &[]);
    let listed: Vec<&str> = list
        .stdout
        .lines()
        .map(|l| l.trim_end_matches(": benchmark"))
        .collect();
    assert_eq!(measured, listed);
    // ... and one run group in the history, named after nextest's run.
    let group = report["run_group"].as_str().unwrap().to_string();
    assert!(group.starts_with("nextest-"), "{group}");
    let h = home.path().to_str().unwrap();
    let (code, out, err) = qudag_bench(["history", "--group", "latest", "--home", h]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), measured.len(), "{out}");
}
